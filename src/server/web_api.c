/*
 * web_api.c - the portal watcher's routes:
 *   GET  /api/v1/web/status                 per portal: last check, outcome,
 *                                           response times, open findings
 *   POST /api/v1/systems/{id}/web/baseline  re-take the baselines of a
 *                                           system's URLs (after a redesign)
 *   POST /api/v1/systems/{id}/web/check     check a system's URLs now (after
 *                                           a fix, to see the alert end)
 *   GET  /api/v1/web/alerts                 notification deliveries: channel,
 *                                           state, attempts, last error
 * Both respect the caller's agency scope: an officer sees and re-baselines
 * only their agency's portals (the system lookup goes through the store,
 * which applies the scope).
 */
#include <string.h>

#include "core/json.h"
#include "core/timeutil.h"
#include "server.h"
#include "store/figures.h"
#include "alert_job.h"
#include "exposure_job.h"
#include "web_watch.h"

void api_web_status(cg_req *req, cg_resp *resp);
void api_web_status(cg_req *req, cg_resp *resp)
{
	/* every declared portal, with what the store knows; the watcher's
	 * live state on top when it runs (figures.h) */
	cg_web_watch *w = cg_web_watch_current();
	json_t *st = w ? cg_web_watch_status(w, req->scope.agency_id)
	               : json_pack("{s:i,s:i,s:n,s:[]}", "interval_s", 0, "cycles", 0, "last_cycle",
	                           "portals");
	json_t *portals = NULL;
	cg_err err = cg_fig_portals(req->srv->store, &req->scope, cg_time_now_ms(),
	                            json_object_get(st, "portals"), &portals);
	if (err) {
		json_decref(st);
		cg_resp_store_error(resp, err, "portals");
		return;
	}
	json_object_set_new(st, "portals", portals);
	json_object_set_new(st, "watching", json_boolean(w != NULL));
	cg_resp_json(resp, 200, st);
}

void api_web_alerts(cg_req *req, cg_resp *resp);
void api_web_alerts(cg_req *req, cg_resp *resp)
{
	/* the queue is the store's, whoever queued and delivers it */
	cg_web_alerts *a = cg_alert_queue();
	json_t *list = a ? cg_web_alerts_list(a, req->scope.agency_id) : json_array();
	cg_resp_json(resp, 200, json_pack("{s:o}", "deliveries", list));
}

static void queue(cg_req *req, cg_resp *resp, bool rebaseline)
{
	cg_web_watch *w = cg_web_watch_current();
	json_t *sys = NULL;
	cg_err err = cg_store_inv_get(req->srv->store, &req->scope, CG_RES_SYSTEM, req->id, &sys);
	if (err) {
		cg_resp_store_error(resp, err, "system");
		return;
	}
	json_t *ag = json_object_get(sys, "agency_id");
	if (!cg_req_allow(req, resp, CG_ACT_UPDATE, CG_PRES_SYSTEM,
	                  json_is_integer(ag) ? json_integer_value(ag) : 0, CG_POL_OWNER_NA)) {
		json_decref(sys);
		return;
	}
	if (!w) {
		json_decref(sys);
		cg_resp_error(resp, 409, "web watching is off (canhgac serve --web-interval 0)",
		              NULL);
		return;
	}
	json_t *queued = json_array();
	size_t i;
	json_t *u;
	json_array_foreach(json_object_get(sys, "urls"), i, u)
	{
		const char *url = json_string_value(u);
		if (url && (strncmp(url, "http://", 7) == 0 || strncmp(url, "https://", 8) == 0)) {
			if (rebaseline)
				cg_web_watch_rebaseline(w, url);
			else
				cg_web_watch_check_now(w, url);
			json_array_append_new(queued, cg_json_cstr(url));
		}
	}
	json_decref(sys);
	if (rebaseline) {
		json_t *detail = json_pack("{s:O}", "urls", queued);
		cg_store_audit(req->srv->store, &req->actor, "web.rebaseline", "system", req->id,
		               detail);
		json_decref(detail);
	}
	cg_resp_json(resp, 202, json_pack("{s:o}", "queued", queued));
}

void api_web_rebaseline(cg_req *req, cg_resp *resp);
void api_web_rebaseline(cg_req *req, cg_resp *resp)
{
	queue(req, resp, true);
}

void api_web_check(cg_req *req, cg_resp *resp);
void api_web_check(cg_req *req, cg_resp *resp)
{
	queue(req, resp, false);
}

/* ---- routes (gathered by routes.c; who may call each: api/policy.h) --- */

CG_ROUTE_GROUP(web_api);
const cg_route web_api_routes[] = {
    {"POST", "/api/v1/systems/{id}/web/baseline", api_web_rebaseline, CG_PRES_SYSTEM, CG_ACT_UPDATE,
     NULL},
    {"POST", "/api/v1/systems/{id}/web/check", api_web_check, CG_PRES_SYSTEM, CG_ACT_UPDATE, NULL},
    {"GET", "/api/v1/web/status", api_web_status, CG_PRES_WEB, CG_ACT_READ, NULL},
    {"GET", "/api/v1/web/alerts", api_web_alerts, CG_PRES_WEB, CG_ACT_READ, NULL},
};
CG_ROUTE_COUNT(web_api);
