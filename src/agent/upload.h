/*
 * upload.h - moves spooled events to the server: a batch from the spool,
 * gzip JSON lines POSTed to /api/v1/events with the agent token, and the
 * batch acknowledged in the spool only after the server's 200. The reply
 * {"accepted":N,"duplicates":N,"rejected":[{"index","id","error"}]} is
 * judged: duplicates are fine (a batch resent after a crash between the
 * server's commit and our ack), rejected events are logged and dropped
 * (the server will never take them; retrying forever would block the
 * spool), and their count reported.
 */
#ifndef CG_AGENT_UPLOAD_H
#define CG_AGENT_UPLOAD_H

#include "agent/http.h"
#include "agent/spool.h"

typedef struct cg_upload_stats {
	uint64_t batches, sent, accepted, duplicates, rejected;
} cg_upload_stats;

/* Called for each rejected event (the server's item: index, id, error). */
typedef void (*cg_upload_reject_fn)(void *ctx, const char *id, const char *error);

/* Uploads batches until the spool is empty (CG_OK) or a request fails
 * (the error, with *why; whatever was acknowledged before stays
 * acknowledged). A non-200 status is CG_ENET (5xx, 429), CG_EAUTH (401,
 * 403) or CG_EINVAL (other 4xx) with the server's error text in *why. */
cg_err cg_upload_drain(cg_spool *sp, const cg_http *h, cg_upload_stats *st,
		       cg_upload_reject_fn on_reject, void *ctx, cg_buf *why);

#endif
