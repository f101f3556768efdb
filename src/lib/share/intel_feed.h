/*
 * intel_feed.h - threat-intelligence sources the server pulls on a
 * schedule ([intel.NAME] sections of the configuration file), the pull
 * itself, and the HTTP exchange it shares with the MISP push.
 *
 *   [intel.partner]
 *   kind = taxii                 ; or misp, misp-feed (intel_mispfeed.h)
 *   url = https://taxii.example/taxii2/api/collections/ID/
 *                                ; misp: the instance's base URL
 *                                ; misp-feed: the feed's directory
 *   token_file = /etc/canhgac/partner.token
 *                                ; TAXII: a bearer token; MISP: the auth key
 *   interval = 3600              ; seconds between pulls (>= 10)
 *   expire_days = 30             ; for indicators with no valid_until
 *   ca_file = /etc/canhgac/partner-ca.pem
 *   page_size = 1000             ; TAXII objects asked for per page (<= 1000)
 *
 * A TAXII pull asks the collection's objects/ endpoint for indicators
 * added after the source's cursor (the X-TAXII-Date-Added-Last of the
 * previous pull), following `next` while `more` is true (at most
 * CG_INTEL_MAX_PAGES pages); a MISP pull POSTs /events/restSearch for
 * events with to_ids attributes changed since the previous pull (less a
 * minute: clocks differ; a repeat only updates); a MISP feed pull fetches
 * the events its manifest says changed (intel_mispfeed.h). Everything one pull
 * read is stored in one transaction (cg_store_intel_put) and only then
 * does the cursor move, so a pull broken off half-way is done again
 * whole. The name is the source's name in the store and its job's
 * ("intel:NAME").
 *
 * Every answer is hostile input: at most CG_INTEL_MAX_INPUT bytes, a
 * status of 200 and, for TAXII, a taxii+json media type, then the
 * readers of intel.h. The secret is never put in a message.
 */
#ifndef CG_SHARE_INTEL_FEED_H
#define CG_SHARE_INTEL_FEED_H

#include <stdbool.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/config.h"
#include "core/error.h"
#include "core/limits.h"
#include "store/store.h"

typedef enum cg_intel_kind { CG_INTEL_TAXII = 0, CG_INTEL_MISP, CG_INTEL_MISP_FEED } cg_intel_kind;

typedef struct cg_intel_feed {
	char name[CG_INTEL_NAME_MAX + 1];
	char job[CG_INTEL_NAME_MAX + 8]; /* "intel:NAME" */
	cg_intel_kind kind;
	char url[2048];
	char secret[512]; /* from token_file; empty: none */
	char ca_file[1024];
	int64_t interval_s, expire_days;
	int64_t page_size; /* TAXII objects asked for per page */
} cg_intel_feed;

/* "taxii", "misp" or "misp-feed". */
const char *cg_intel_kind_name(cg_intel_kind k);

/* Every [intel.NAME] section of ini (reading each token_file); *out is
 * malloc'd (free it), *n may be 0. CG_EINVAL with "FILE:LINE: reason". */
cg_err cg_intel_feeds_from_config(const cg_config *ini, cg_intel_feed **out, size_t *n,
                                  cg_buf *why);

typedef struct cg_intel_pull_result {
	int64_t pages, taken, added, skipped;
} cg_intel_pull_result;

/* One pull of f into st (see above); records its outcome on the source
 * (cg_store_intel_pulled) either way. *why: the reason of a failure. */
cg_err cg_intel_pull(const cg_intel_feed *f, cg_store *st, int64_t now_ms,
                     cg_intel_pull_result *res, cg_buf *why);

/* One HTTP exchange: method GET or POST (body then sent as JSON), the
 * given header lines (NULL-terminated), answer body into out (bounded by
 * out's maximum), *status the HTTP status; date_added_last (may be NULL,
 * >= 64 bytes) gets the X-TAXII-Date-Added-Last header, content_type
 * (may be NULL, >= 128 bytes) the Content-Type. Only http and https; no
 * redirects; CG_INTEL_HTTP_TIMEOUT_S. */
cg_err cg_intel_http(const char *method, const char *url, const char *const *headers,
                     const char *ca_file, cg_slice body, cg_buf *out, long *status,
                     char *date_added_last, char *content_type, cg_buf *why);

#endif
