/*
 * api_misp.c - the scheduled MISP pushes (misp_job.h) from the API:
 *
 *   GET  /api/v1/misp/deliveries?dest=NAME&limit=N
 *        newest first: {items: [{id, dest, url, since, until, at, ok,
 *        http_status, events, attributes, error}]}
 *   POST /api/v1/misp/push?dest=NAME
 *        202: the [misp.NAME] destination's job made due now; 404 when
 *        none is configured
 *
 * Who may: the policy's "sharing" resource -- reading it (admins,
 * analysts, read-scope tokens) for the record, updating it (admins) to
 * push now. A push covers every agency, so a caller bound to one agency
 * is refused the record.
 */
#include <string.h>

#include "misp_job.h"
#include "server.h"
#include "store/store_natreport.h"

void api_misp_deliveries(cg_req *req, cg_resp *resp);
void api_misp_push(cg_req *req, cg_resp *resp);

static bool dest_arg(cg_req *req, cg_resp *resp, bool needed, const char **out)
{
	const char *d = cg_req_arg(req, "dest");
	*out = d;
	if ((!d && !needed) || (d && *d && strlen(d) <= CG_INTEL_NAME_MAX))
		return true;
	cg_resp_json(resp, 400,
	             json_pack("{s:s,s:s,s:s}", "error", "dest must name a [misp.NAME] section",
	                       "code", "invalid", "field", "dest"));
	return false;
}

void api_misp_deliveries(cg_req *req, cg_resp *resp)
{
	if (req->scope.agency_id > 0) {
		cg_resp_error(resp, 403, "the MISP pushes cover every agency", NULL);
		return;
	}
	int64_t limit = 0;
	const char *dest;
	if (!cg_req_int_arg(req, resp, "limit", 1, 1000, &limit) ||
	    !dest_arg(req, resp, false, &dest))
		return;
	json_t *items = NULL;
	cg_err err =
	    cg_store_mispdeliv_list(req->srv->store, dest, false, limit ? limit : 100, &items);
	if (err) {
		cg_resp_store_error(resp, err, "deliveries");
		return;
	}
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it) json_object_del(it, "until_ms");
	cg_resp_json(resp, 200, json_pack("{s:o}", "items", items));
}

void api_misp_push(cg_req *req, cg_resp *resp)
{
	const char *dest;
	if (!dest_arg(req, resp, true, &dest))
		return;
	if (!cg_misp_push_soon(dest)) {
		cg_resp_json(resp, 404,
		             json_pack("{s:s,s:s}", "error", "no such MISP destination", "code",
		                       "not_found"));
		return;
	}
	cg_resp_json(resp, 202, json_pack("{s:s,s:s}", "dest", dest, "state", "queued"));
}

CG_ROUTE_GROUP(api_misp);
const cg_route api_misp_routes[] = {
    {"GET", "/api/v1/misp/deliveries", api_misp_deliveries, CG_PRES_SHARING, CG_ACT_READ, NULL},
    {"POST", "/api/v1/misp/push", api_misp_push, CG_PRES_SHARING, CG_ACT_UPDATE, NULL},
};
CG_ROUTE_COUNT(api_misp);
