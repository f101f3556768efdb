/*
 * intel_wire.h - the messages of the sandboxed intelligence reader
 * (privsep kind "intel", server/intel_privsep.h): what the child sends
 * once it has read one fetched document, and the server's checks of it.
 * Both sides live here, next to the readers, so the fuzz target
 * (fuzz_intel_wire) drives the server's side as the server does.
 *
 * Request {"format": "stix"|"misp"|"manifest", "now_ms", "after_s"}; the
 * input is the document. The child runs the reader of intel.h or
 * intel_mispfeed.h on it, and only when the reader succeeded sends:
 *   ITEM {"items": [item...]}      STIX and MISP: the indicators, in
 *                                  frames of about CG_INTEL_WIRE_BATCH
 *                                  bytes of JSON;
 *   ITEM {"events": [{"uuid","ts"}...]}  manifest: the events to fetch;
 *   DONE {"objects","indicators","taken","skipped","expired"} (STIX and
 *        MISP; STIX adds "more" and "next" of a TAXII envelope) or
 *        {"skipped"} (manifest);
 * else ERROR {"error": the reader's one line, "code": "parse"|"toobig"|
 * "nomem"}. Nothing of a document that failed reaches the server.
 *
 * The server trusts none of it (the child read attacker-written bytes):
 * an item is rebuilt from its known members only -- a type of the seven,
 * a value normalized again by the readers' own rules (cg_intel_norm),
 * integer times, a confidence of 0-100, a TLP by name, ext_id and
 * description as bounded strings; an event needs a lower-case uuid (the
 * only name put in a URL), a timestamp in range and after the cursor,
 * and the events are sorted again. The counts of DONE must be
 * non-negative and "taken" the number of items that came. Anything else
 * refuses the whole answer (the pull then fails: nothing half-read is
 * stored). The bounds are the readers': CG_INTEL_MAX_INDICATORS items
 * (with those the caller already holds), CG_INTEL_FEED_MAX_EVENTS
 * events.
 */
#ifndef CG_SHARE_INTEL_WIRE_H
#define CG_SHARE_INTEL_WIRE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/error.h"
#include "intel.h"
#include "intel_mispfeed.h"

typedef enum cg_intel_doc {
	CG_INTEL_DOC_STIX = 0, /* a STIX bundle or a TAXII envelope */
	CG_INTEL_DOC_MISP,     /* MISP events (restSearch, a feed's event) */
	CG_INTEL_DOC_MANIFEST, /* a MISP feed's manifest.json */
} cg_intel_doc;

/* "stix", "misp", "manifest". */
const char *cg_intel_doc_name(cg_intel_doc d);
/* CG_EINVAL when s is none of them. */
cg_err cg_intel_doc_parse(const char *s, cg_intel_doc *out);

/* ---- the child ------------------------------------------------------ */

/* Reads text as doc and sends the answer (above) to fd. CG_OK, or the
 * error of writing to fd (the server stopped listening). */
cg_err cg_intel_wire_answer(int fd, cg_intel_doc doc, cg_slice text, int64_t now_ms,
                            int64_t after_s);

/* ---- the server ----------------------------------------------------- */

typedef struct cg_intel_wire {
	cg_intel_doc doc;
	int64_t after_s;
	size_t have;           /* items the caller already holds */
	json_t *items;         /* the checked items (owned) */
	cg_mispfeed_event *ev; /* the checked events (owned, malloc'd) */
	size_t nev, cap;
	cg_intel_stats st;  /* DONE's counts */
	cg_intel_page page; /* DONE's more and next (STIX) */
	size_t skipped;     /* DONE's skipped (manifest) */
	bool done;          /* a DONE was taken */
	bool error;         /* an ERROR was taken: code says which */
	cg_err code;        /* CG_EPARSE, CG_ETOOBIG or CG_ENOMEM */
	bool toobig;        /* items over the bound (with have) */
	char bad[160];      /* why a message was refused ("" if none) */
} cg_intel_wire;

void cg_intel_wire_init(cg_intel_wire *w, cg_intel_doc doc, int64_t after_s, size_t have);
void cg_intel_wire_free(cg_intel_wire *w);

/* One message from the child (payload NULL for a DATA frame): 0 to go
 * on, 1 to stop (w->bad or w->toobig says why). */
int cg_intel_wire_take(cg_intel_wire *w, uint8_t type, const json_t *payload);

/* The item it (a child's) rebuilt from its checked members, or NULL when
 * it is not a valid one. */
json_t *cg_intel_item_check(const json_t *it);

#endif
