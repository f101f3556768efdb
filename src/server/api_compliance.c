/*
 * api_compliance.c - the compliance status (lib/compliance):
 *
 *   GET /api/v1/compliance[?at=YYYY-MM-DD][&regime=NAME]
 *       {summary, calendar, results, controls} for the caller's scope: the
 *       province for admins, analysts, viewers and read tokens; an
 *       officer's own agency only (the store's scope, as everywhere).
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

/* ---- routes (gathered by routes.c; who may call each: api/policy.h) --- */

CG_ROUTE_GROUP(api_compliance);
const cg_route api_compliance_routes[] = {
    {"GET", "/api/v1/compliance", api_compliance_get, CG_PRES_COMPLIANCE, CG_ACT_READ, NULL},
};
CG_ROUTE_COUNT(api_compliance);
