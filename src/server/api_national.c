/*
 * api_national.c - the deliveries of the malware-statistics report to the
 * national monitoring centre (natreport_job.h):
 *
 *   GET /api/v1/national/deliveries?period=YYYY-MM&limit=N
 *       newest first: {items: [{id, period, format, url, at, ok,
 *       http_status, answer, error, sha256, bytes}]}
 *
 * Who may: the policy's "sharing" resource, read (admin, analyst,
 * read-scope tokens), as the other sharing routes. The report covers every
 * agency, so a caller bound to one agency is refused.
 */
#include "server.h"
#include "share/natreport.h"
#include "store/store_natreport.h"

void api_national_deliveries(cg_req *req, cg_resp *resp);

void api_national_deliveries(cg_req *req, cg_resp *resp)
{
	if (req->scope.agency_id > 0) {
		cg_resp_error(resp, 403, "the national report covers every agency", NULL);
		return;
	}
	int64_t limit = 0;
	if (!cg_req_int_arg(req, resp, "limit", 1, 1000, &limit))
		return;
	const char *period = cg_req_arg(req, "period");
	cg_period cur, prev;
	if (period && cg_period_parse(CG_REPORT_MONTHLY, period, &cur, &prev)) {
		cg_resp_json(resp, 400,
		             json_pack("{s:s,s:s,s:s}", "error", "period must be a month (2026-11)",
		                       "code", "invalid", "field", "period"));
		return;
	}
	json_t *items = NULL;
	cg_err err = cg_store_natdeliv_list(req->srv->store, period, limit ? limit : 100, &items);
	if (err) {
		cg_resp_store_error(resp, err, "deliveries");
		return;
	}
	cg_resp_json(resp, 200, json_pack("{s:o}", "items", items));
}

CG_ROUTE_GROUP(api_national);
const cg_route api_national_routes[] = {
    {"GET", "/api/v1/national/deliveries", api_national_deliveries, CG_PRES_SHARING, CG_ACT_READ,
     NULL},
};
CG_ROUTE_COUNT(api_national);
