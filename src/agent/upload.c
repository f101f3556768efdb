/*
 * upload.c - see upload.h. The order of steps is the whole point:
 * peek (the batch stays in the spool), POST, check the 200 and its body,
 * and only then ack. A crash anywhere before the ack resends the batch;
 * the server counts the resent ids as duplicates, so every event is
 * stored exactly once.
 */
#include "agent/upload.h"

#include <stdio.h>
#include <string.h>

#include "core/json.h"
#include "core/limits.h"

static cg_err judge_status(long status, const cg_buf *resp, cg_buf *why)
{
	if (status == 200)
		return CG_OK;
	if (why) {
		json_t *j = NULL;
		const char *msg = NULL;
		if (cg_json_parse(cg_buf_slice(resp), &j, NULL) == CG_OK)
			msg = cg_json_get_str(j, "error");
		cg_buf_printf(why, "server answered %ld%s%s", status, msg ? ": " : "", msg ? msg : "");
		json_decref(j);
	}
	if (status == 401 || status == 403)
		return CG_EAUTH;
	if (status >= 500 || status == 429 || status == 408)
		return CG_ENET;
	return CG_EINVAL;
}

static cg_err read_reply(const cg_buf *resp, cg_upload_stats *st,
			 cg_upload_reject_fn on_reject, void *ctx, cg_buf *why)
{
	json_t *j = NULL;
	if (cg_json_parse(cg_buf_slice(resp), &j, NULL) != CG_OK || !json_is_object(j)) {
		json_decref(j);
		if (why)
			cg_buf_printf(why, "server reply to /api/v1/events is not a JSON object");
		return CG_EPARSE;
	}
	json_t *acc = json_object_get(j, "accepted"), *dup = json_object_get(j, "duplicates");
	json_t *rej = json_object_get(j, "rejected");
	if (!json_is_integer(acc) || !json_is_integer(dup) || (rej && !json_is_array(rej))) {
		json_decref(j);
		if (why)
			cg_buf_printf(why, "server reply lacks accepted/duplicates/rejected");
		return CG_EPARSE;
	}
	st->accepted += (uint64_t)json_integer_value(acc);
	st->duplicates += (uint64_t)json_integer_value(dup);
	size_t i;
	json_t *item;
	json_array_foreach(rej, i, item) {
		st->rejected++;
		if (on_reject)
			on_reject(ctx, cg_json_get_str(item, "id"), cg_json_get_str(item, "error"));
	}
	json_decref(j);
	return CG_OK;
}

cg_err cg_upload_drain(cg_spool *sp, const cg_http *h, cg_upload_stats *st,
		       cg_upload_reject_fn on_reject, void *ctx, cg_buf *why)
{
	cg_buf batch, resp;
	cg_buf_init(&batch, CG_MAX_UPLOAD_BATCH_BYTES + CG_MAX_SPOOL_RECORD);
	cg_buf_init(&resp, CG_MAX_AGENT_RESPONSE);
	cg_err err = CG_OK;
	for (;;) {
		size_t n;
		cg_spool_pos end;
		cg_buf_reset(&batch);
		cg_buf_reset(&resp);
		err = cg_spool_peek(sp, CG_MAX_UPLOAD_BATCH_EVENTS, CG_MAX_UPLOAD_BATCH_BYTES,
				    &batch, &n, &end);
		if (err || n == 0)
			break;
		long status;
		err = cg_http_request(h, "POST", "/api/v1/events", "application/x-ndjson",
				      cg_buf_slice(&batch), true, NULL, &status, &resp, why);
		if (err)
			break;
		if ((err = judge_status(status, &resp, why)))
			break;
		if ((err = read_reply(&resp, st, on_reject, ctx, why)))
			break;
		st->batches++;
		st->sent += n;
		if ((err = cg_spool_ack(sp, end))) {
			if (why)
				cg_buf_printf(why, "cannot move the spool cursor");
			break;
		}
	}
	cg_buf_free(&batch);
	cg_buf_free(&resp);
	return err;
}
