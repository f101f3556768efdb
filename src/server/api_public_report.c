/*
 * api_public_report.c - the public incident report form, with no login:
 *
 *   GET  /bao-cao-su-co                         the form (web/bao-cao-su-co.html)
 *   POST /api/v1/public/challenges              a proof-of-work challenge
 *   POST /api/v1/public/incident-reports        send a report: its tracking code
 *   GET  /api/v1/public/incident-reports/CODE   the report's state, nothing else
 *
 * Abuse is met in layers, cheapest first: the body is checked by the
 * library (api/public_report.h: sizes, text, screenshots that must be
 * PNG or JPEG by their bytes); a filled honeypot field is answered like a
 * success but nothing is kept; the proof of work (api/pow.h) is checked
 * with one hash, then its challenge is consumed in the store, so it
 * cannot be replayed on this server or another; and each address may
 * take CG_PR_MAX_PER_WINDOW challenges per window (the rate limit, kept
 * in the store for every server alike).
 *
 * An accepted report is an event (source public_report, kind
 * citizen_report) routed to the agency whose address ranges hold the
 * affected address (api/agencytable.h), else to the province, so it lands
 * in the triage queue; screenshots go to the blob store (DATA/blobs) and
 * the event names their SHA-256. Its tracking state is a store row.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "api/agencytable.h"
#include "api/pow.h"
#include "api/public_report.h"
#include "core/json.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "server.h"
#include "store/blob.h"

void api_public_form(cg_req *req, cg_resp *resp);
void api_public_challenge(cg_req *req, cg_resp *resp);
void api_public_report_create(cg_req *req, cg_resp *resp);
void api_public_report_get(cg_req *req, cg_resp *resp);

/* The blob directory is opened once per process; it holds no state of
 * its own (the files are the state, shared by every server). */
static pthread_mutex_t blobs_lock = PTHREAD_MUTEX_INITIALIZER;
static cg_blobs *blobs;

static cg_blobs *get_blobs(cg_server *srv)
{
	pthread_mutex_lock(&blobs_lock);
	if (!blobs && srv->data_dir) {
		char dir[4096];
		int n = snprintf(dir, sizeof dir, "%s/blobs", srv->data_dir);
		cg_buf why;
		cg_buf_init(&why, 1024);
		if (n > 0 && (size_t)n < sizeof dir &&
		    cg_blobs_open(dir, CG_PR_MAX_SHOT_BYTES, &blobs, &why))
			cg_warn("public report: blob store: %s", cg_buf_cstr(&why));
		cg_buf_free(&why);
	}
	cg_blobs *b = blobs;
	pthread_mutex_unlock(&blobs_lock);
	return b;
}

static void refuse(cg_resp *resp, unsigned status, const char *code, const char *field,
                   const char *msg)
{
	json_t *o = json_object();
	json_object_set_new(o, "error", json_string(msg));
	json_object_set_new(o, "code", json_string(code));
	if (field)
		json_object_set_new(o, "field", json_string(field));
	cg_resp_json(resp, status, o);
}

void api_public_form(cg_req *req, cg_resp *resp)
{
	(void)req;
	for (int i = 0; i < cg_nassets; i++)
		if (strcmp(cg_assets[i].path, "/bao-cao-su-co.html") == 0) {
			resp->status = 200;
			resp->content_type = cg_assets[i].content_type;
			resp->static_data = cg_assets[i].data;
			resp->static_len = cg_assets[i].len;
			return;
		}
	cg_resp_error(resp, 404, "not found", NULL);
}

void api_public_challenge(cg_req *req, cg_resp *resp)
{
	char id[CG_POW_CHALLENGE_LEN + 1];
	cg_pow_new(id);
	int64_t now = cg_time_now_ms();
	cg_err err =
	    cg_store_challenge_issue(req->srv->store, id, req->client_ip, now, now + CG_POW_TTL_MS,
	                             CG_PR_WINDOW_MS, CG_PR_MAX_PER_WINDOW);
	if (err == CG_ELIMIT) {
		refuse(resp, 429, "rate_limited", NULL,
		       "too many reports from this address; try again later");
		return;
	}
	if (err) {
		cg_resp_store_error(resp, err, "challenge");
		return;
	}
	char exp[32];
	cg_time_format(now + CG_POW_TTL_MS, exp, sizeof exp);
	cg_resp_json(
	    resp, 201,
	    json_pack("{s:s,s:i,s:s}", "challenge", id, "bits", CG_POW_BITS, "expires", exp));
}

/* Stores the screenshots; hex[i] gets each one's SHA-256. */
static cg_err store_shots(cg_server *srv, const cg_public_report *r, char (*hex)[65])
{
	if (!r->nshots)
		return CG_OK;
	cg_blobs *b = get_blobs(srv);
	if (!b)
		return CG_EIO;
	for (int i = 0; i < r->nshots; i++) {
		cg_blob_writer *w;
		uint64_t size;
		cg_err err = cg_blob_begin(b, &w);
		if (err)
			return err;
		if ((err = cg_blob_write(w, r->shot[i].data, r->shot[i].len))) {
			cg_blob_abort(w);
			return err;
		}
		if ((err = cg_blob_commit(w, NULL, hex[i], &size)))
			return err;
	}
	return CG_OK;
}

void api_public_report_create(cg_req *req, cg_resp *resp)
{
	int64_t now = cg_time_now_ms();
	cg_public_report r;
	const char *field;
	switch (cg_public_report_parse(cg_buf_slice(&req->body), now, &r, &field)) {
	case CG_PR_OK:
		break;
	case CG_PR_BAD_FIELD:
		refuse(resp, 400, "bad_field", field, "a field is missing, too long or not text");
		return;
	case CG_PR_BAD_IMAGE:
		refuse(resp, 415, "bad_image", field, "a screenshot must be a PNG or JPEG image");
		return;
	case CG_PR_BIG_IMAGE:
		refuse(resp, 413, "big_image", field, "a screenshot is larger than allowed");
		return;
	case CG_PR_NO_POW:
		refuse(resp, 400, "no_pow", "challenge", "the proof of work is missing");
		return;
	}
	char code[CG_PR_CODE_LEN + 1];
	cg_public_report_code(code);
	if (r.honeypot) {
		/* a bot: answered as if accepted, nothing is kept */
		cg_info("public report: honeypot filled by %s, dropped", req->client_ip);
		cg_resp_json(resp, 201, json_pack("{s:s,s:s}", "code", code, "state", "received"));
		cg_public_report_free(&r);
		return;
	}
	if (!cg_pow_check(cg_slice_cstr(r.challenge), cg_slice_cstr(r.nonce), CG_POW_BITS)) {
		refuse(resp, 403, "bad_pow", "nonce",
		       "the proof of work does not solve the challenge");
		cg_public_report_free(&r);
		return;
	}
	cg_err err = cg_store_challenge_consume(req->srv->store, r.challenge, now);
	if (err == CG_ENOTFOUND) {
		refuse(resp, 403, "used_pow", "challenge",
		       "the challenge is unknown, expired or already used");
		cg_public_report_free(&r);
		return;
	}
	char hex[CG_PR_MAX_SHOTS][65];
	cg_event ev;
	memset(&ev, 0, sizeof ev);
	bool have_ev = false;
	if (!err)
		err = store_shots(req->srv, &r, hex);
	if (!err) {
		err = cg_public_report_event(&r, code, hex, &ev);
		have_ev = true;
	}
	int64_t agency = 0;
	if (!err) {
		cg_agency_table *t = NULL;
		char host[256];
		cg_public_report_host(r.address, host, sizeof host);
		if (!cg_agency_cache_get(&req->srv->agencies, req->srv->store, &t)) {
			const cg_agency_ref *a = cg_agency_table_route_text(t, cg_slice_cstr(host));
			agency = a ? a->id : 0;
		}
		cg_agency_table_release(t);
	}
	if (!err) {
		json_t *shots = json_object_get(ev.evidence, "screenshots");
		json_t *rec =
		    json_pack("{s:s,s:s,s:I,s:I,s:s,s:O}", "code", code, "state", "received",
		              "created", (json_int_t)now, "agency_id", (json_int_t)agency,
		              "event_id", ev.id, "screenshots", shots);
		err = cg_store_public_report_add(req->srv->store, rec);
		json_decref(rec);
	}
	if (!err) {
		cg_event_in in = {
		    .ev = &ev, .agency_id = agency, .producer = "server:public_report"};
		size_t acc = 0, dup = 0;
		err = cg_store_events_insert(req->srv->store, &in, 1, now, &acc, &dup);
	}
	if (err)
		cg_resp_store_error(resp, err, "report");
	else
		cg_resp_json(resp, 201, json_pack("{s:s,s:s}", "code", code, "state", "received"));
	if (have_ev)
		cg_event_clear(&ev);
	cg_public_report_free(&r);
}

void api_public_report_get(cg_req *req, cg_resp *resp)
{
	json_t *o = NULL;
	if (!cg_public_report_code_ok(cg_slice_cstr(req->tail))) {
		refuse(resp, 404, "not_found", NULL, "no report has this code");
		return;
	}
	cg_err err = cg_store_public_report_get(req->srv->store, req->tail, &o);
	if (err == CG_ENOTFOUND) {
		refuse(resp, 404, "not_found", NULL, "no report has this code");
		return;
	}
	if (err) {
		cg_resp_store_error(resp, err, "report");
		return;
	}
	char c[32], u[32];
	cg_time_format(json_integer_value(json_object_get(o, "created")), c, sizeof c);
	cg_time_format(json_integer_value(json_object_get(o, "updated")), u, sizeof u);
	cg_resp_json(resp, 200,
	             json_pack("{s:O,s:O,s:s,s:s}", "code", json_object_get(o, "code"), "state",
	                       json_object_get(o, "state"), "created", c, "updated", u));
	json_decref(o);
}

/* ---- routes (gathered by routes.c; who may call each: api/policy.h) --- */

CG_ROUTE_GROUP(api_public_report);
const cg_route api_public_report_routes[] = {
    {"GET", "/bao-cao-su-co", api_public_form, CG_PRES_DASHBOARD, CG_ACT_READ, NULL},
    {"POST", "/api/v1/public/challenges", api_public_challenge, CG_PRES_PUBLIC_REPORT,
     CG_ACT_CREATE, NULL},
    {"POST", "/api/v1/public/incident-reports", api_public_report_create, CG_PRES_PUBLIC_REPORT,
     CG_ACT_CREATE, NULL},
    {"GET", "/api/v1/public/incident-reports/*", api_public_report_get, CG_PRES_PUBLIC_REPORT,
     CG_ACT_READ, NULL},
};
CG_ROUTE_COUNT(api_public_report);
