/*
 * api_exposure.c - the server's exposure scans (server/exposure_job.h):
 *
 *   GET  /api/v1/exposure/scans      scan runs in the caller's scope, newest first
 *   POST /api/v1/exposure/scans      "scan now": queue a run of one system
 *   GET  /api/v1/exposure/findings   findings (open and fixed) in scope
 *
 * The system of a "scan now" is looked up within the caller's scope and
 * the policy asked with its agency before anything is queued; what the
 * run may scan is decided by the library (exposure/scope.h), not here.
 */
#include "core/json.h"
#include "core/timeutil.h"
#include "exposure_job.h"
#include "server.h"

void api_xp_scans(cg_req *req, cg_resp *resp);
void api_xp_scan_now(cg_req *req, cg_resp *resp);
void api_xp_findings(cg_req *req, cg_resp *resp);

void api_xp_scans(cg_req *req, cg_resp *resp)
{
	int64_t limit, offset, system_id;
	if (!cg_req_paging(req, resp, &limit, &offset) ||
	    !cg_req_int_arg(req, resp, "system_id", 1, INT64_MAX, &system_id))
		return;
	json_t *items = NULL;
	cg_err err = cg_store_xp_runs(req->srv->store, &req->scope, system_id, limit, &items);
	if (err) {
		cg_resp_store_error(resp, err, "exposure scans");
		return;
	}
	cg_resp_json(resp, 200, cg_list_body(items, (int64_t)json_array_size(items)));
}

void api_xp_findings(cg_req *req, cg_resp *resp)
{
	int64_t limit, offset, system_id, open;
	if (!cg_req_paging(req, resp, &limit, &offset) ||
	    !cg_req_int_arg(req, resp, "system_id", 1, INT64_MAX, &system_id) ||
	    !cg_req_int_arg(req, resp, "open", 0, 1, &open))
		return;
	json_t *items = NULL;
	cg_err err =
	    cg_store_xp_findings(req->srv->store, &req->scope, system_id, open != 0, limit, &items);
	if (err) {
		cg_resp_store_error(resp, err, "exposure findings");
		return;
	}
	cg_resp_json(resp, 200, cg_list_body(items, (int64_t)json_array_size(items)));
}

void api_xp_scan_now(cg_req *req, cg_resp *resp)
{
	json_t *in = NULL, *sys = NULL;
	if (!cg_req_json(req, resp, &in))
		return;
	json_t *sid = json_object_get(in, "system_id");
	int64_t system_id = json_is_integer(sid) ? json_integer_value(sid) : 0;
	json_decref(in);
	if (system_id <= 0) {
		cg_resp_json(resp, 400,
		             json_pack("{s:s,s:s,s:s}", "error", "system_id is required", "code",
		                       "invalid", "field", "system_id"));
		return;
	}
	cg_err err = cg_store_inv_get(req->srv->store, &req->scope, CG_RES_SYSTEM, system_id, &sys);
	if (err) {
		cg_resp_store_error(resp, err, "system");
		return;
	}
	int64_t agency = json_integer_value(json_object_get(sys, "agency_id"));
	json_decref(sys);
	if (!cg_req_allow(req, resp, CG_ACT_CREATE, CG_PRES_EXPOSURE, agency, CG_POL_OWNER_NA))
		return;
	int64_t id = 0;
	bool already = false;
	err = cg_store_xp_run_queue(req->srv->store, system_id, req->actor.name, cg_time_now_ms(),
	                            &id, &already);
	if (err) {
		cg_resp_store_error(resp, err, "exposure scan");
		return;
	}
	cg_xp_job_wake(cg_xp_job_current());
	cg_resp_json(resp, 202,
	             json_pack("{s:I,s:I,s:I,s:s,s:b}", "id", (json_int_t)id, "system_id",
	                       (json_int_t)system_id, "agency_id", (json_int_t)agency, "status",
	                       "queued", "already", already));
}

/* ---- routes (gathered by routes.c; who may call each: api/policy.h) --- */

CG_ROUTE_GROUP(api_exposure);
const cg_route api_exposure_routes[] = {
    {"GET", "/api/v1/exposure/scans", api_xp_scans, CG_PRES_EXPOSURE, CG_ACT_READ, NULL},
    {"POST", "/api/v1/exposure/scans", api_xp_scan_now, CG_PRES_EXPOSURE, CG_ACT_CREATE, NULL},
    {"GET", "/api/v1/exposure/findings", api_xp_findings, CG_PRES_EXPOSURE, CG_ACT_READ, NULL},
};
CG_ROUTE_COUNT(api_exposure);
