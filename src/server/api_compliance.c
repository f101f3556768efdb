/*
 * api_compliance.c - the compliance status (lib/compliance):
 *
 *   GET /api/v1/compliance[?at=YYYY-MM-DD][&regime=NAME]
 *       {summary, calendar, results, controls} for the caller's scope: the
 *       province for admins, analysts, viewers and read tokens; an
 *       officer's own agency only (the store's scope, as everywhere).
 *   POST /api/v1/compliance/records
 *       a record of evidence (compliance.h cg_compliance_record_normalize):
 *       stored as a "record" event of the agency (and system), which the
 *       `record KIND` controls read. An officer: their own agency only;
 *       the system must be the agency's.
 *   POST /api/v1/compliance/records/upload, GET /api/v1/compliance/records,
 *   GET /api/v1/compliance/records/{seq}/file: records with a file (an
 *       outside assessor's report), below.
 *
 * The rule files are read on every request, so a province's edit of
 * rules/compliance/ shows at once. Nothing is decided here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/incident_files.h"
#include "blob_files.h"
#include "compliance/compliance.h"
#include "core/json.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "server.h"

void api_compliance_get(cg_req *req, cg_resp *resp);
void api_compliance_record(cg_req *req, cg_resp *resp);
void api_compliance_upload(cg_req *req, cg_resp *resp);
void api_compliance_records(cg_req *req, cg_resp *resp);
void api_compliance_record_file(cg_req *req, cg_resp *resp);

void api_compliance_get(cg_req *req, cg_resp *resp)
{
	const char *at = cg_req_arg(req, "at");
	const char *regime = cg_req_arg(req, "regime");
	if (at && !at[0])
		at = NULL;
	if (regime && !regime[0])
		regime = NULL;
	int32_t day;
	if (at && !cg_compliance_parse_day(cg_slice_cstr(at), &day)) {
		cg_resp_error(resp, 400, "at must be a date YYYY-MM-DD",
		              json_pack("{s:s}", "field", "at"));
		return;
	}
	cg_buf why;
	cg_buf_init(&why, 2048);
	json_t *out = NULL;
	cg_err err = cg_compliance_report_section(req->srv->store, &req->scope, regime, at,
	                                          cg_time_now_ms(), &out, &why);
	if (err == CG_ENOTFOUND && regime)
		cg_resp_error(resp, 400, "no such regime", json_pack("{s:s}", "field", "regime"));
	else if (err == CG_EPARSE || err == CG_ETOOBIG || err == CG_ENOTFOUND) {
		/* a rule file the province edited does not parse: the log says
		 * file:line (paths of the server are not told to clients) */
		cg_log(CG_LOG_ERROR, "compliance rules: %s", cg_buf_cstr(&why));
		cg_resp_error(resp, 500, "the compliance rules do not load (see the server log)",
		              NULL);
	} else if (err)
		cg_resp_store_error(resp, err, "compliance");
	else
		cg_resp_json(resp, 200, out);
	cg_buf_free(&why);
}

/* The agency and system of a normalized record, checked against the
 * policy and the inventory (the system must be the agency's); *subject
 * the name its event is about. false after an error answer. */
static bool record_subject(cg_req *req, cg_resp *resp, const json_t *rec, char *subject, size_t n)
{
	json_t *ag = NULL, *sys = NULL;
	int64_t agency = json_integer_value(json_object_get(rec, "agency_id"));
	json_t *sid = json_object_get(rec, "system_id");
	bool ok = false;
	if (!cg_req_allow(req, resp, CG_ACT_CREATE, CG_PRES_COMPLIANCE, agency, CG_POL_OWNER_NA))
		goto out;
	if (cg_store_inv_get(req->srv->store, &req->scope, CG_RES_AGENCY, agency, &ag)) {
		cg_resp_error(resp, 400, "no such agency",
		              json_pack("{s:s}", "field", "agency_id"));
		goto out;
	}
	if (json_is_integer(sid) &&
	    (cg_store_inv_get(req->srv->store, &req->scope, CG_RES_SYSTEM, json_integer_value(sid),
	                      &sys) ||
	     json_integer_value(json_object_get(sys, "agency_id")) != agency)) {
		cg_resp_error(resp, 400, "no such system in this agency",
		              json_pack("{s:s}", "field", "system_id"));
		goto out;
	}
	const char *name = json_string_value(json_object_get(sys ? sys : ag, "name"));
	snprintf(subject, n, "%s", name ? name : "");
	ok = true;
out:
	json_decref(ag);
	json_decref(sys);
	return ok;
}

/* Stores the record as its event (producer: who made it); 201 with the
 * record, its event id and seq. */
static void record_store(cg_req *req, cg_resp *resp, json_t *rec, const char *subject,
                         const char *producer)
{
	cg_event ev;
	cg_buf why;
	cg_buf_init(&why, 512);
	cg_err err = cg_compliance_record_event(rec, subject, &ev, &why);
	cg_buf_free(&why);
	if (err) {
		cg_resp_error(resp, 400, "invalid record", NULL);
		return;
	}
	json_t *sid = json_object_get(rec, "system_id");
	cg_event_in e = {.ev = &ev,
	                 .agency_id = json_integer_value(json_object_get(rec, "agency_id")),
	                 .system_id = json_is_integer(sid) ? json_integer_value(sid) : 0,
	                 .producer = producer};
	size_t accepted = 0, dups = 0;
	int64_t seq = 0;
	err = cg_store_events_insert(req->srv->store, &e, 1, cg_time_now_ms(), &accepted, &dups);
	if (!err)
		err = cg_store_event_seq(req->srv->store, producer, ev.id, &seq);
	if (err)
		cg_resp_store_error(resp, err, "record");
	else {
		json_object_set_new(rec, "id", json_string(ev.id));
		json_object_set_new(rec, "seq", json_integer(seq));
		cg_resp_json(resp, 201, json_incref(rec));
	}
	cg_event_clear(&ev);
}

void api_compliance_record(cg_req *req, cg_resp *resp)
{
	json_t *in = NULL, *rec = NULL;
	if (!cg_req_json(req, resp, &in))
		return;
	const char *field = "";
	cg_err err = cg_compliance_record_normalize(in, cg_time_now_ms(), &rec, &field);
	json_decref(in);
	if (err) {
		cg_resp_error(resp, 400, "invalid record", json_pack("{s:s}", "field", field));
		return;
	}
	char subject[CG_COMPLIANCE_MAX_SUBJECT];
	if (record_subject(req, resp, rec, subject, sizeof subject))
		record_store(req, resp, rec, subject, req->actor.name);
	json_decref(rec);
}

/* ---- records with a file ----------------------------------------------
 *
 * POST /api/v1/compliance/records/upload?kind=&date=&agency_id=
 *      [&system_id=][&assessor=][&note=]&name=FILE
 *      with the file's bytes as the body: a streamed route (server.h
 *      cg_stream). begin() checks the record and the caller before a byte
 *      is read; the bytes go to the blob store as they arrive
 *      (blob_files.h: at most CG_COMPLIANCE_MAX_FILE_BYTES, the type told
 *      from the bytes); end() stores the record's event, which names the
 *      file {name, type, size, sha256}.
 * GET  /api/v1/compliance/records[?agency_id=&system_id=&kind=&limit=]
 *      the records in the caller's scope, newest first, each with its
 *      file (or null).
 * GET  /api/v1/compliance/records/{seq}/file
 *      the file, as an attachment (application/octet-stream, nosniff).
 *
 * A record with a file is stored by the producer "server:compliance"
 * (the uploader is in its evidence): an event sent with an ingest token
 * naming some blob's hash is not one of these, so it never serves a blob
 * (of another agency's case, say) through this route.
 */

typedef struct upload_state {
	json_t *rec;
	char subject[CG_COMPLIANCE_MAX_SUBJECT];
	char name[CG_INC_MAX_FILE_NAME];
	cg_file_upload up;
} upload_state;

/* The record in the query string as the JSON route takes it. */
static json_t *record_from_args(cg_req *req)
{
	json_t *in = json_object();
	static const char *const text[] = {"kind", "date", "assessor", "note"};
	for (size_t i = 0; i < sizeof text / sizeof text[0]; i++) {
		const char *v = cg_req_arg(req, text[i]);
		if (v)
			json_object_set_new(in, text[i], cg_json_cstr(v));
	}
	static const char *const ids[] = {"agency_id", "system_id"};
	for (size_t i = 0; i < 2; i++) {
		const char *v = cg_req_arg(req, ids[i]);
		int64_t x;
		if (v && v[0])
			json_object_set_new(in, ids[i],
			                    cg_parse_i64(cg_slice_cstr(v), 1, INT64_MAX, &x)
			                        ? json_string(v) /* refused by normalize */
			                        : json_integer(x));
	}
	return in;
}

static bool upload_begin(cg_req *req, cg_resp *resp, void **state)
{
	const char *cl = cg_req_header(req, "Content-Length");
	int64_t clen = -1;
	if (cl && cg_parse_i64(cg_slice_cstr(cl), 0, INT64_MAX, &clen))
		clen = -1;
	json_t *in = record_from_args(req), *rec = NULL;
	const char *field = "";
	cg_err err = cg_compliance_record_normalize(in, cg_time_now_ms(), &rec, &field);
	json_decref(in);
	if (err) {
		cg_resp_error(resp, 400, "invalid record", json_pack("{s:s}", "field", field));
		return false;
	}
	upload_state *st = calloc(1, sizeof *st);
	if (!st) {
		json_decref(rec);
		cg_resp_error(resp, 500, "out of memory", NULL);
		return false;
	}
	st->rec = rec;
	if (!record_subject(req, resp, rec, st->subject, sizeof st->subject))
		goto refuse;
	if (clen > (int64_t)CG_COMPLIANCE_MAX_FILE_BYTES) {
		cg_resp_error(resp, 413, "the file is larger than allowed (10 MiB)", NULL);
		goto refuse;
	}
	if (clen == 0) {
		cg_resp_error(resp, 400, "invalid record", json_pack("{s:s}", "field", "body"));
		goto refuse;
	}
	cg_inc_file_name(cg_req_arg(req, "name"), st->name, sizeof st->name);
	if (cg_file_upload_begin(req->srv, CG_COMPLIANCE_MAX_FILE_BYTES, &st->up)) {
		cg_resp_error(resp, 500, "the file could not be stored", NULL);
		goto refuse;
	}
	*state = st;
	return true;
refuse:
	json_decref(st->rec);
	free(st);
	return false;
}

static bool upload_data(void *state, cg_req *req, cg_resp *resp, const char *p, size_t n)
{
	(void)req;
	upload_state *st = state;
	cg_err err = cg_file_upload_data(&st->up, p, n);
	if (err == CG_ETOOBIG)
		cg_resp_error(resp, 413, "the file is larger than allowed (10 MiB)", NULL);
	else if (err)
		cg_resp_error(resp, 500, "the file could not be stored", NULL);
	return !err;
}

static void upload_end(void *state, cg_req *req, cg_resp *resp, bool ok)
{
	upload_state *st = state;
	char hex[CG_BLOB_HEX_LEN + 1];
	uint64_t size = 0;
	const char *type = NULL;
	if (!ok) {
		cg_file_upload_abort(&st->up);
		goto out;
	}
	cg_buf why;
	cg_buf_init(&why, 1024);
	cg_err err = cg_file_upload_commit(&st->up, hex, &size, &type, &why);
	if (err == CG_EINVAL)
		cg_resp_error(resp, 400, "invalid record", json_pack("{s:s}", "field", "body"));
	else if (err)
		cg_resp_upload_error(resp, err, &why, "compliance records");
	cg_buf_free(&why);
	if (err)
		goto out;
	json_object_set_new(st->rec, "file",
	                    json_pack("{s:s, s:s, s:I, s:s}", "name", st->name, "type", type,
	                              "size", (json_int_t)size, "sha256", hex));
	json_object_set_new(st->rec, "by", cg_json_cstr(req->actor.name));
	record_store(req, resp, st->rec, st->subject, CG_COMPLIANCE_FILE_PRODUCER);
out:
	json_decref(st->rec);
	free(st);
}

static const cg_stream upload_stream = {upload_begin, upload_data, upload_end};

/* Never called: the route is streamed (upload_stream). */
void api_compliance_upload(cg_req *req, cg_resp *resp)
{
	(void)req;
	cg_resp_error(resp, 500, "internal error: a streamed route was buffered", NULL);
}

/* The file a record event names, when the upload route stored it. */
static const json_t *record_file(cg_store *st, const json_t *ev)
{
	const json_t *f = json_object_get(json_object_get(ev, "evidence"), "file");
	const char *hex = json_string_value(json_object_get(f, "sha256"));
	const char *id = json_string_value(json_object_get(ev, "id"));
	int64_t seq = 0;
	if (!hex || !cg_blob_hash_ok(hex) || !id ||
	    cg_store_event_seq(st, CG_COMPLIANCE_FILE_PRODUCER, id, &seq) ||
	    seq != json_integer_value(json_object_get(ev, "seq")))
		return NULL;
	return f;
}

void api_compliance_records(cg_req *req, cg_resp *resp)
{
	int64_t agency = 0, system = 0, limit = 0;
	if (!cg_req_int_arg(req, resp, "agency_id", 0, INT64_MAX, &agency) ||
	    !cg_req_int_arg(req, resp, "system_id", 0, INT64_MAX, &system) ||
	    !cg_req_int_arg(req, resp, "limit", 0, CG_MAX_LIST_LIMIT, &limit))
		return;
	const char *kind = cg_req_arg(req, "kind");
	cg_event_query q = {.agency_id = agency,
	                    .system_id = system,
	                    .source = "record",
	                    .kind = kind && kind[0] ? kind : NULL,
	                    .limit = limit ? limit : CG_MAX_LIST_LIMIT};
	json_t *items = NULL;
	int64_t next = 0;
	cg_err err = cg_store_events_query(req->srv->store, &req->scope, &q, &items, &next);
	if (err) {
		cg_resp_store_error(resp, err, "records");
		return;
	}
	json_t *out = json_array();
	size_t i;
	json_t *ev;
	json_array_foreach(items, i, ev)
	{
		const json_t *e = json_object_get(ev, "evidence");
		const json_t *f = record_file(req->srv->store, ev);
		json_t *sid = json_object_get(ev, "system_id");
		json_array_append_new(
		    out,
		    json_pack("{s:O, s:O, s:O, s:O?, s:O, s:O, s:O?, s:O?, s:O?, s:O?, s:O}", "seq",
		              json_object_get(ev, "seq"), "id", json_object_get(ev, "id"), "kind",
		              json_object_get(ev, "kind"), "date", json_object_get(e, "date"),
		              "agency_id", json_object_get(ev, "agency_id"), "system_id",
		              json_is_integer(sid) && json_integer_value(sid) ? sid : json_null(),
		              "subject", json_object_get(ev, "subject"), "assessor",
		              json_object_get(e, "assessor"), "note", json_object_get(e, "note"),
		              "by", json_object_get(e, "by"), "file",
		              f ? (json_t *)f : json_null()));
	}
	json_decref(items);
	cg_resp_json(resp, 200, json_pack("{s:o}", "items", out));
}

void api_compliance_record_file(cg_req *req, cg_resp *resp)
{
	json_t *ev = NULL;
	cg_err err = cg_store_event_get(req->srv->store, &req->scope, req->id, &ev);
	if (err) {
		cg_resp_store_error(resp, err, "record");
		return;
	}
	const char *src = json_string_value(json_object_get(ev, "source"));
	const json_t *f =
	    src && strcmp(src, "record") == 0 ? record_file(req->srv->store, ev) : NULL;
	if (!f)
		cg_resp_error(resp, 404, "no such record file", NULL);
	else if (cg_req_allow(req, resp, CG_ACT_READ, CG_PRES_COMPLIANCE,
	                      json_integer_value(json_object_get(ev, "agency_id")),
	                      CG_POL_OWNER_NA))
		cg_resp_file(req, resp, json_string_value(json_object_get(f, "sha256")),
		             CG_COMPLIANCE_MAX_FILE_BYTES,
		             json_string_value(json_object_get(f, "name")), "compliance records");
	json_decref(ev);
}

/* ---- routes (gathered by routes.c; who may call each: api/policy.h) --- */

CG_ROUTE_GROUP(api_compliance);
const cg_route api_compliance_routes[] = {
    {"GET", "/api/v1/compliance", api_compliance_get, CG_PRES_COMPLIANCE, CG_ACT_READ, NULL},
    {"POST", "/api/v1/compliance/records", api_compliance_record, CG_PRES_COMPLIANCE, CG_ACT_CREATE,
     NULL},
    {"POST", "/api/v1/compliance/records/upload", api_compliance_upload, CG_PRES_COMPLIANCE,
     CG_ACT_CREATE, &upload_stream},
    {"GET", "/api/v1/compliance/records", api_compliance_records, CG_PRES_COMPLIANCE, CG_ACT_READ,
     NULL},
    {"GET", "/api/v1/compliance/records/{id}/file", api_compliance_record_file, CG_PRES_COMPLIANCE,
     CG_ACT_READ, NULL},
};
CG_ROUTE_COUNT(api_compliance);
