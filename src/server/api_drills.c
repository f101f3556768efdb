/*
 * api_drills.c - incident-response drills (diễn tập) on systems:
 *
 *   GET  /api/v1/drills            the drills in the caller's scope, newest first
 *   POST /api/v1/drills            record one (an officer: their own agency's systems)
 *   GET  /api/v1/drills/missing    level 3+ systems without a drill in the last 12 months
 *
 * The body is checked by the library (drill/drill.h); the system is
 * looked up within the caller's scope and the policy asked with its
 * agency before anything is written; "missing" is the library's rule
 * (cg_drill_missing), which the compliance controls read too.
 */
#include "core/json.h"
#include "core/timeutil.h"
#include "drill/drill.h"
#include "server.h"

void api_drills_list(cg_req *req, cg_resp *resp);
void api_drills_create(cg_req *req, cg_resp *resp);
void api_drills_missing(cg_req *req, cg_resp *resp);

void api_drills_list(cg_req *req, cg_resp *resp)
{
	int64_t limit, offset, system_id;
	if (!cg_req_paging(req, resp, &limit, &offset) ||
	    !cg_req_int_arg(req, resp, "system_id", 1, INT64_MAX, &system_id))
		return;
	json_t *items = NULL;
	int64_t total = 0;
	cg_err err = cg_store_drill_list(req->srv->store, &req->scope, system_id, limit, offset,
	                                 &items, &total);
	if (err) {
		cg_resp_store_error(resp, err, "drills");
		return;
	}
	cg_resp_json(resp, 200, cg_list_body(items, total));
}

void api_drills_create(cg_req *req, cg_resp *resp)
{
	json_t *in = NULL, *rec = NULL, *sys = NULL;
	const char *field;
	if (!cg_req_json(req, resp, &in))
		return;
	cg_err err = cg_drill_normalize(in, cg_time_now_ms(), &rec, &field);
	json_decref(in);
	if (err) {
		json_t *o = json_pack("{s:s,s:s,s:s}", "error", "invalid drill", "code", "invalid",
		                      "field", field);
		cg_resp_json(resp, 400, o);
		return;
	}
	int64_t sid = json_integer_value(json_object_get(rec, "system_id"));
	err = cg_store_inv_get(req->srv->store, &req->scope, CG_RES_SYSTEM, sid, &sys);
	if (err) {
		json_decref(rec);
		cg_resp_store_error(resp, err, "system");
		return;
	}
	int64_t agency = json_integer_value(json_object_get(sys, "agency_id"));
	json_decref(sys);
	if (!cg_req_allow(req, resp, CG_ACT_CREATE, CG_PRES_DRILL, agency, CG_POL_OWNER_NA)) {
		json_decref(rec);
		return;
	}
	int64_t id = 0;
	err = cg_store_drill_create(req->srv->store, &req->scope, &req->actor, rec, &id);
	if (err) {
		json_decref(rec);
		cg_resp_store_error(resp, err, "drill");
		return;
	}
	json_object_set_new(rec, "id", json_integer(id));
	json_object_set_new(rec, "agency_id", json_integer(agency));
	cg_resp_json(resp, 201, rec);
}

void api_drills_missing(cg_req *req, cg_resp *resp)
{
	int64_t now = cg_time_now_ms();
	json_t *items = NULL;
	cg_err err = cg_drill_missing(req->srv->store, &req->scope, now, &items);
	if (err) {
		cg_resp_store_error(resp, err, "drills");
		return;
	}
	char since[11];
	cg_drill_since(now, since);
	json_t *body = cg_list_body(items, (int64_t)json_array_size(items));
	json_object_set_new(body, "since", json_string(since));
	cg_resp_json(resp, 200, body);
}

/* ---- routes (gathered by routes.c; who may call each: api/policy.h) --- */

CG_ROUTE_GROUP(api_drills);
const cg_route api_drills_routes[] = {
    {"GET", "/api/v1/drills", api_drills_list, CG_PRES_DRILL, CG_ACT_READ, NULL},
    {"POST", "/api/v1/drills", api_drills_create, CG_PRES_DRILL, CG_ACT_CREATE, NULL},
    {"GET", "/api/v1/drills/missing", api_drills_missing, CG_PRES_DRILL, CG_ACT_READ, NULL},
};
CG_ROUTE_COUNT(api_drills);
