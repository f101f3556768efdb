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
 *
 * The rule files are read on every request, so a province's edit of
 * rules/compliance/ shows at once. Nothing is decided here.
 */
#include <string.h>

#include "compliance/compliance.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "server.h"

void api_compliance_get(cg_req *req, cg_resp *resp);
void api_compliance_record(cg_req *req, cg_resp *resp);

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

void api_compliance_record(cg_req *req, cg_resp *resp)
{
	json_t *in = NULL, *rec = NULL, *ag = NULL, *sys = NULL;
	if (!cg_req_json(req, resp, &in))
		return;
	const char *field = "";
	cg_err err = cg_compliance_record_normalize(in, cg_time_now_ms(), &rec, &field);
	json_decref(in);
	if (err) {
		cg_resp_error(resp, 400, "invalid record", json_pack("{s:s}", "field", field));
		return;
	}
	int64_t agency = json_integer_value(json_object_get(rec, "agency_id"));
	json_t *sid = json_object_get(rec, "system_id");
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
	const char *subject = json_string_value(json_object_get(sys ? sys : ag, "name"));
	cg_event ev;
	cg_buf why;
	cg_buf_init(&why, 512);
	err = cg_compliance_record_event(rec, subject ? subject : "", &ev, &why);
	cg_buf_free(&why);
	if (err) {
		cg_resp_error(resp, 400, "invalid record", NULL);
		goto out;
	}
	cg_event_in e = {.ev = &ev,
	                 .agency_id = agency,
	                 .system_id = json_is_integer(sid) ? json_integer_value(sid) : 0,
	                 .producer = req->actor.name};
	size_t accepted = 0, dups = 0;
	err = cg_store_events_insert(req->srv->store, &e, 1, cg_time_now_ms(), &accepted, &dups);
	if (err)
		cg_resp_store_error(resp, err, "record");
	else {
		json_object_set_new(rec, "id", json_string(ev.id));
		cg_resp_json(resp, 201, json_incref(rec));
	}
	cg_event_clear(&ev);
out:
	json_decref(rec);
	json_decref(ag);
	json_decref(sys);
}

/* ---- routes (gathered by routes.c; who may call each: api/policy.h) --- */

CG_ROUTE_GROUP(api_compliance);
const cg_route api_compliance_routes[] = {
    {"GET", "/api/v1/compliance", api_compliance_get, CG_PRES_COMPLIANCE, CG_ACT_READ, NULL},
    {"POST", "/api/v1/compliance/records", api_compliance_record, CG_PRES_COMPLIANCE, CG_ACT_CREATE,
     NULL},
};
CG_ROUTE_COUNT(api_compliance);
