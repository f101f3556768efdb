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
 *
 * Who may: the policy's "sharing" resource -- reading it (admins,
 * analysts, read-scope tokens) for the lists, updating it (admins) to
 * pull now. Intelligence is the province's, not an agency's: no scope
 * narrows it.
 */
#include <string.h>

#include "core/timeutil.h"
#include "intel_job.h"
#include "server.h"

void api_intel_sources(cg_req *req, cg_resp *resp);
void api_intel_indicators(cg_req *req, cg_resp *resp);
void api_intel_pull(cg_req *req, cg_resp *resp);

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

CG_ROUTE_GROUP(api_intel);
const cg_route api_intel_routes[] = {
    {"GET", "/api/v1/intel/sources", api_intel_sources, CG_PRES_SHARING, CG_ACT_READ, NULL},
    {"GET", "/api/v1/intel/indicators", api_intel_indicators, CG_PRES_SHARING, CG_ACT_READ, NULL},
    {"POST", "/api/v1/intel/pull", api_intel_pull, CG_PRES_SHARING, CG_ACT_UPDATE, NULL},
};
CG_ROUTE_COUNT(api_intel);
