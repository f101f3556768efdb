/*
 * stix_export.h - the store's findings of a period as a STIX builder
 * (share/stix.h): the one function the command, the API and the TAXII
 * server call.
 */
#ifndef CG_SHARE_STIX_EXPORT_H
#define CG_SHARE_STIX_EXPORT_H

#include "share/stix.h"
#include "store/store.h"

typedef struct cg_stix_range {
	int64_t since_ms;  /* 0: no bound */
	int64_t until_ms;  /* 0: no bound */
	int64_t agency_id; /* 0: every agency the scope sees */
} cg_stix_range;

/* A builder holding the events (DNS, malware, web) and the incident cases
 * of the range that the scope sees; the caller takes the bundle or the
 * items and frees it. *why says what failed. */
cg_err cg_stix_export(cg_store *st, const cg_scope *scope, const cg_stix_opts *o,
                      const cg_stix_range *r, cg_stix **out, cg_buf *why);

/* For a push that follows the store (server/misp_job.h): a builder
 * holding the events with seq > after_seq, in seq order, at most limit
 * (cg_store_events_after: *upto is how far the pusher's cursor may move,
 * *count the events read), every agency, and the incident cases changed
 * at or after cases_since_ms (0: all). An event stored late (an agent's
 * spool) is pushed with the run that reads it, whatever its time. */
cg_err cg_stix_export_after(cg_store *st, const cg_stix_opts *o, int64_t after_seq, int64_t limit,
                            int64_t cases_since_ms, cg_stix **out, int64_t *upto,
                            int64_t *count, cg_buf *why);

#endif
