/*
 * api_misp.c - the scheduled MISP pushes (misp_job.h) from the API:
 *
 *   GET  /api/v1/misp/deliveries?dest=NAME&limit=N
 *        newest first: {items: [{id, dest, url, since, until, at, ok,
 *        http_status, events, attributes, error}]}
 *   GET  /api/v1/misp/destinations
 *        every configured [misp.NAME] in file order, with its last run:
 *        {items: [{name, url, interval_s, tlp, distribution,
 *        sharing_group, last_run: {at, ok, http_status, events,
 *        attributes, error} | null}]}; never the auth key, its file or
 *        the CA file (a URL holds no password: misp_job.c refuses one)
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
void api_misp_destinations(cg_req *req, cg_resp *resp);

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

void api_misp_destinations(cg_req *req, cg_resp *resp)
{
	if (req->scope.agency_id > 0) {
		cg_resp_error(resp, 403, "the MISP pushes cover every agency", NULL);
		return;
	}
	json_t *items = json_array();
	const cg_misp_dest *d;
	for (size_t i = 0; (d = cg_misp_dest_at(i)); i++) {
		json_t *runs = NULL;
		cg_err err = cg_store_mispdeliv_list(req->srv->store, d->name, false, 1, &runs);
		if (err) {
			json_decref(items);
			cg_resp_store_error(resp, err, "deliveries");
			return;
		}
		json_t *last = json_array_get(runs, 0);
		json_t *run = json_null();
		if (last) {
			run = json_object();
			static const char *const keep[] = {"at",     "ok",         "http_status",
			                                   "events", "attributes", "error"};
			for (size_t k = 0; k < sizeof keep / sizeof *keep; k++) {
				json_t *v = json_object_get(last, keep[k]);
				json_object_set(run, keep[k], v ? v : json_null());
			}
		}
		json_decref(runs);
		json_array_append_new(
		    items,
		    json_pack("{s:s,s:o,s:I,s:s,s:i,s:I,s:o}", "name", d->name, "url",
		              json_string(d->url), "interval_s", (json_int_t)d->interval_s, "tlp",
		              cg_tlp_name(d->tlp), "distribution", d->distribution, "sharing_group",
		              (json_int_t)d->sharing_group, "last_run", run));
	}
	cg_resp_json(resp, 200, json_pack("{s:o}", "items", items));
}

CG_ROUTE_GROUP(api_misp);
const cg_route api_misp_routes[] = {
    {"GET", "/api/v1/misp/deliveries", api_misp_deliveries, CG_PRES_SHARING, CG_ACT_READ, NULL},
    {"POST", "/api/v1/misp/push", api_misp_push, CG_PRES_SHARING, CG_ACT_UPDATE, NULL},
    {"GET", "/api/v1/misp/destinations", api_misp_destinations, CG_PRES_SHARING, CG_ACT_READ, NULL},
};
CG_ROUTE_COUNT(api_misp);
