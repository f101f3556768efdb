/*
 * api_forward.c - GET /api/v1/forwarding: the syslog destinations'
 * progress as the store keeps it (forward_job.h): for each, the last
 * event seq given to it, how many were sent, when, the backlog (events
 * stored after its cursor, before its filters) and the last error.
 * Read-only, admins only: the same policy row as the scheduler's jobs,
 * since these are the state of the forwarding jobs.
 */
#include "core/json.h"
#include "server.h"

void api_forwarding_list(cg_req *req, cg_resp *resp);

void api_forwarding_list(cg_req *req, cg_resp *resp)
{
	json_t *items;
	cg_err err = cg_store_fwd_list(req->srv->store, &items);
	if (err)
		cg_resp_store_error(resp, err, "forwarding");
	else
		cg_resp_json(resp, 200, cg_list_body(items, (int64_t)json_array_size(items)));
}

CG_ROUTE_GROUP(api_forward);
const cg_route api_forward_routes[] = {
    {"GET", "/api/v1/forwarding", api_forwarding_list, CG_PRES_JOB, CG_ACT_READ, NULL},
};
CG_ROUTE_COUNT(api_forward);
