/*
 * api_intel.c - threat intelligence in, from the API:
 *
 *   GET  /api/v1/intel/sources              every source with its counts,
 *        last pull, cursor and last error (store.h "threat intelligence")
 *   GET  /api/v1/intel/indicators?type=&limit=
 *        the indicators valid now (type: domain, ipv4, ipv6, url, sha256,
 *        sha1, md5; limit 1..10000, default 1000)
 *   POST /api/v1/intel/pull?source=NAME     202: the [intel.NAME] source's
 *        pull job made due now (intel_job.h); 404 when none is configured
 *   GET  /api/v1/export/misp?since=&until=&agency_id=&tlp=
 *        the MISP event `canhgac export misp` writes (share/misp.h), built
 *        from the same STIX export as GET /api/v1/export/stix
 *
 * Who may: the policy's "sharing" resource -- reading it (admins,
 * analysts, read-scope tokens) for the lists, updating it (admins) to
 * pull now. Intelligence is the province's, not an agency's: no scope
 * narrows it.
 */
#include <string.h>

#include <stdio.h>

#include "core/timeutil.h"
#include "intel_job.h"
#include "server.h"
#include "share/misp.h"
#include "share/stix_export.h"

void api_intel_sources(cg_req *req, cg_resp *resp);
void api_intel_indicators(cg_req *req, cg_resp *resp);
void api_intel_pull(cg_req *req, cg_resp *resp);
void api_export_misp(cg_req *req, cg_resp *resp);

static void bad_arg(cg_resp *resp, const char *field, const char *msg)
{
	cg_resp_json(resp, 400,
	             json_pack("{s:s,s:s,s:s}", "error", msg, "code", "invalid", "field", field));
}

void api_intel_sources(cg_req *req, cg_resp *resp)
{
	json_t *items;
	cg_err err = cg_store_intel_sources(req->srv->store, cg_time_now_ms(), &items);
	if (err)
		cg_resp_store_error(resp, err, "intelligence sources");
	else
		cg_resp_json(resp, 200, cg_list_body(items, (int64_t)json_array_size(items)));
}

void api_intel_indicators(cg_req *req, cg_resp *resp)
{
	static const char *const types[] = {"domain", "ipv4", "ipv6", "url",
	                                    "sha256", "sha1", "md5"};
	const char *type = cg_req_arg(req, "type");
	int64_t limit = 0;
	if (!cg_req_int_arg(req, resp, "limit", 1, 10000, &limit))
		return;
	if (type) {
		bool known = false;
		for (size_t i = 0; i < sizeof types / sizeof *types; i++)
			known |= strcmp(types[i], type) == 0;
		if (!known) {
			bad_arg(resp, "type",
			        "type must be domain, ipv4, ipv6, url, sha256, sha1 or md5");
			return;
		}
	}
	json_t *items;
	cg_err err = cg_store_intel_active(req->srv->store, type, cg_time_now_ms(),
	                                   limit ? limit : 1000, &items);
	if (err)
		cg_resp_store_error(resp, err, "indicators");
	else
		cg_resp_json(resp, 200, cg_list_body(items, (int64_t)json_array_size(items)));
}

void api_intel_pull(cg_req *req, cg_resp *resp)
{
	const char *name = cg_req_arg(req, "source");
	if (!name || !*name || strlen(name) > CG_INTEL_NAME_MAX) {
		bad_arg(resp, "source", "source must name an [intel.NAME] section");
		return;
	}
	if (!cg_intel_pull_soon(name)) {
		cg_resp_json(resp, 404,
		             json_pack("{s:s,s:s}", "error", "no such intelligence source", "code",
		                       "not_found"));
		return;
	}
	cg_resp_json(resp, 202, json_pack("{s:s,s:s}", "source", name, "state", "queued"));
}

/* A time query argument (absent: 0); false after a 400. */
static bool time_arg(cg_req *req, cg_resp *resp, const char *name, int64_t *ms)
{
	const char *v = cg_req_arg(req, name);
	*ms = 0;
	if (!v || cg_time_parse(cg_slice_cstr(v), ms) == CG_OK)
		return true;
	bad_arg(resp, name, "a time must be a date or RFC 3339");
	return false;
}

void api_export_misp(cg_req *req, cg_resp *resp)
{
	cg_stix_range r = {0};
	cg_stix_opts o = {.tlp = CG_TLP_GREEN};
	if (!time_arg(req, resp, "since", &r.since_ms) ||
	    !time_arg(req, resp, "until", &r.until_ms) ||
	    !cg_req_int_arg(req, resp, "agency_id", 1, INT64_MAX, &r.agency_id))
		return;
	const char *tlp = cg_req_arg(req, "tlp");
	if (tlp && cg_tlp_parse(tlp, &o.tlp)) {
		bad_arg(resp, "tlp", "tlp must be clear, green, amber, amber+strict or red");
		return;
	}
	if (r.agency_id &&
	    !cg_req_allow(req, resp, CG_ACT_READ, CG_PRES_SHARING, r.agency_id, CG_POL_OWNER_NA))
		return;
	/* the same identity as the command's, so both give the same uuid */
	char key[256];
	snprintf(key, sizeof key, "event|%s|%lld|%lld|%lld|%s", "", (long long)r.since_ms,
	         (long long)r.until_ms, (long long)r.agency_id, cg_tlp_name(o.tlp));
	cg_misp_opts mo = {NULL, key, 1, 0, NULL};
	cg_buf why;
	cg_buf_init(&why, 1024);
	cg_stix *x = NULL;
	json_t *event = NULL;
	cg_err err = cg_stix_export(req->srv->store, &req->scope, &o, &r, &x, &why);
	if (!err)
		err = cg_misp_event(x, &mo, o.tlp, &event);
	cg_stix_free(x);
	cg_buf_free(&why);
	if (err)
		cg_resp_store_error(resp, err, "findings");
	else
		cg_resp_json(resp, 200, event);
}

CG_ROUTE_GROUP(api_intel);
const cg_route api_intel_routes[] = {
    {"GET", "/api/v1/intel/sources", api_intel_sources, CG_PRES_SHARING, CG_ACT_READ, NULL},
    {"GET", "/api/v1/intel/indicators", api_intel_indicators, CG_PRES_SHARING, CG_ACT_READ, NULL},
    {"POST", "/api/v1/intel/pull", api_intel_pull, CG_PRES_SHARING, CG_ACT_UPDATE, NULL},
    {"GET", "/api/v1/export/misp", api_export_misp, CG_PRES_SHARING, CG_ACT_READ, NULL},
};
CG_ROUTE_COUNT(api_intel);
