/*
 * api_share.c - findings shared outside the province:
 *
 *   GET /api/v1/export/stix?since=&until=&agency_id=&tlp=
 *       the STIX 2.1 bundle `canhgac export stix` writes (share/stix.h),
 *       as application/stix+json;version=2.1
 *
 * Who may: the policy's "sharing" resource (admin, analyst, read-scope
 * tokens); the caller's scope applies as to every read, so a token bound
 * to an agency exports that agency's findings only. The bundle is built
 * by the same library call as the command's.
 */
#include "core/timeutil.h"
#include "server.h"
#include "share/stix_export.h"

void api_share_stix(cg_req *req, cg_resp *resp);

/* A time query argument (absent: 0); false after a 400. */
static bool time_arg(cg_req *req, cg_resp *resp, const char *name, int64_t *ms)
{
	const char *v = cg_req_arg(req, name);
	*ms = 0;
	if (!v)
		return true;
	if (cg_time_parse(cg_slice_cstr(v), ms) == CG_OK)
		return true;
	cg_resp_json(resp, 400,
	             json_pack("{s:s,s:s,s:s}", "error", "a time must be a date or RFC 3339",
	                       "code", "invalid", "field", name));
	return false;
}

void api_share_stix(cg_req *req, cg_resp *resp)
{
	cg_stix_range r = {0};
	cg_stix_opts o = {.tlp = CG_TLP_GREEN};
	if (!time_arg(req, resp, "since", &r.since_ms) ||
	    !time_arg(req, resp, "until", &r.until_ms) ||
	    !cg_req_int_arg(req, resp, "agency_id", 1, INT64_MAX, &r.agency_id))
		return;
	const char *tlp = cg_req_arg(req, "tlp");
	if (tlp && cg_tlp_parse(tlp, &o.tlp)) {
		cg_resp_json(resp, 400,
		             json_pack("{s:s,s:s,s:s}", "error",
		                       "tlp must be clear, green, amber, amber+strict or red",
		                       "code", "invalid", "field", "tlp"));
		return;
	}
	if (r.agency_id &&
	    !cg_req_allow(req, resp, CG_ACT_READ, CG_PRES_SHARING, r.agency_id, CG_POL_OWNER_NA))
		return;
	cg_buf why;
	cg_buf_init(&why, 1024);
	cg_stix *x = NULL;
	json_t *bundle = NULL;
	cg_err err = cg_stix_export(req->srv->store, &req->scope, &o, &r, &x, &why);
	if (!err)
		err = cg_stix_bundle(x, &bundle);
	cg_stix_free(x);
	cg_buf_free(&why);
	if (err) {
		cg_resp_store_error(resp, err, "findings");
		return;
	}
	cg_resp_json(resp, 200, bundle);
	if (resp->status == 200)
		resp->content_type = "application/stix+json;version=2.1";
}

const cg_route api_share_routes[] = {
    {"GET", "/api/v1/export/stix", api_share_stix, CG_PRES_SHARING, CG_ACT_READ, NULL},
};
CG_ROUTE_COUNT(api_share);
