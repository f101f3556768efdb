/*
 * routes.c - the route table of the HTTP API and the dashboard, gathered
 * from the rows each api_*.c file keeps next to its handlers.
 *
 * Adding a route: write `void api_NAME_VERB(cg_req *, cg_resp *)` in
 * src/server/api_NAME.c and add one row to that file's api_NAME_routes[]:
 * method, pattern, handler, and the resource and action the policy
 * (src/lib/api/policy.h) judges. Rows are matched in the order of the
 * groups below and, within a group, of the rows; "{name}" matches a
 * positive integer (cg_req_param(req, "name")), a final "*" the rest of
 * the path (req->tail). `canhgac serve --routes` prints the table with the
 * policy's one-word summary of who may call each row, and
 * tests/integration/test_server_api.py and test_server_policy.py call
 * every row with every kind of credential.
 */
#include "server.h"

CG_ROUTE_GROUP(api_session);
CG_ROUTE_GROUP(api_inventory);
CG_ROUTE_GROUP(web_api);
CG_ROUTE_GROUP(api_import);
CG_ROUTE_GROUP(api_events);
CG_ROUTE_GROUP(api_triage);
CG_ROUTE_GROUP(api_incidents);
CG_ROUTE_GROUP(api_incident_docs);
CG_ROUTE_GROUP(api_incident_tasks);
CG_ROUTE_GROUP(dns_upload);
CG_ROUTE_GROUP(api_admin);
CG_ROUTE_GROUP(api_agent);
CG_ROUTE_GROUP(api_agent_intel);
CG_ROUTE_GROUP(api_public_report);
CG_ROUTE_GROUP(api_drills);
CG_ROUTE_GROUP(api_metrics);
CG_ROUTE_GROUP(api_exposure);
CG_ROUTE_GROUP(api_share);
CG_ROUTE_GROUP(api_national);
CG_ROUTE_GROUP(api_taxii);
CG_ROUTE_GROUP(api_compliance);
CG_ROUTE_GROUP(api_reports);
CG_ROUTE_GROUP(api_exports);
CG_ROUTE_GROUP(api_forward);
CG_ROUTE_GROUP(api_intel);
CG_ROUTE_GROUP(api_misp);
CG_ROUTE_GROUP(static);

static const cg_route_group groups[] = {
    {api_session_routes, &api_session_nroutes},
    {api_inventory_routes, &api_inventory_nroutes},
    {web_api_routes, &web_api_nroutes},
    {api_import_routes, &api_import_nroutes},
    {api_events_routes, &api_events_nroutes},
    {api_triage_routes, &api_triage_nroutes},
    {api_incidents_routes, &api_incidents_nroutes},
    {api_incident_docs_routes, &api_incident_docs_nroutes},
    {api_incident_tasks_routes, &api_incident_tasks_nroutes},
    {dns_upload_routes, &dns_upload_nroutes},
    {api_admin_routes, &api_admin_nroutes},
    {api_agent_routes, &api_agent_nroutes},
    {api_agent_intel_routes, &api_agent_intel_nroutes},
    {api_public_report_routes, &api_public_report_nroutes},
    {api_drills_routes, &api_drills_nroutes},
    {api_metrics_routes, &api_metrics_nroutes},
    {api_exposure_routes, &api_exposure_nroutes},
    {api_share_routes, &api_share_nroutes},
    {api_national_routes, &api_national_nroutes},
    {api_taxii_routes, &api_taxii_nroutes},
    /* before api_exports, whose export wildcard takes the rest */
    {api_intel_routes, &api_intel_nroutes},
    {api_misp_routes, &api_misp_nroutes},
    {api_compliance_routes, &api_compliance_nroutes},
    {api_reports_routes, &api_reports_nroutes},
    {api_exports_routes, &api_exports_nroutes},
    {api_forward_routes, &api_forward_nroutes},
    {static_routes, &static_nroutes},
};

int cg_route_count(void)
{
	size_t n = 0;
	for (size_t g = 0; g < sizeof groups / sizeof groups[0]; g++)
		n += *groups[g].n;
	return (int)n;
}

const cg_route *cg_route_at(int i)
{
	for (size_t g = 0; g < sizeof groups / sizeof groups[0]; g++) {
		if ((size_t)i < *groups[g].n)
			return &groups[g].rows[i];
		i -= (int)*groups[g].n;
	}
	return NULL;
}
