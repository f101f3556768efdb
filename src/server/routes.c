/*
 * routes.c - the route table of the HTTP API and the dashboard.
 *
 * Adding a route: write `void api_NAME_VERB(cg_req *, cg_resp *)` in
 * src/server/api_NAME.c, declare it below, add one row. Rows are matched
 * in order; "{id}" matches a positive integer (req->id), a final "*" the
 * rest of the path (req->tail). The auth column says who may call it
 * (server.h, cg_auth); the server checks it before the handler runs, and
 * tests/integration/test_server_auth.py calls every row without
 * credentials (`canhgac serve --routes` prints this table).
 */
#include "server.h"

#define H(name) void name(cg_req *req, cg_resp *resp)

H(api_session_create);
H(api_session_get);
H(api_session_delete);
H(api_overview);
H(api_agencies_list);
H(api_agencies_create);
H(api_agencies_get);
H(api_agencies_update);
H(api_agencies_delete);
H(api_systems_list);
H(api_systems_create);
H(api_systems_get);
H(api_systems_update);
H(api_systems_delete);
H(api_people_list);
H(api_people_create);
H(api_people_get);
H(api_people_update);
H(api_people_delete);
H(api_import_agencies);
H(api_import_systems);
H(api_events_ingest);
H(api_events_list);
H(api_events_get);
H(api_dns_upload_create);
H(api_dns_upload_get);
H(api_dns_upload_put);
H(api_dns_upload_analyze);
H(api_dns_infections);
H(api_users_list);
H(api_users_create);
H(api_users_get);
H(api_users_update);
H(api_users_delete);
H(api_tokens_list);
H(api_tokens_create);
H(api_tokens_get);
H(api_tokens_revoke);
H(api_audit_list);
H(api_jobs_list);
H(api_enroll_tokens_create);
H(api_enroll_tokens_list);
H(api_agent_enroll);
H(api_agent_heartbeat);
H(api_agent_policy_get);
H(api_agent_policies_get);
H(api_agent_policies_put);
H(api_endpoints_list);
H(api_coverage);
H(api_agent_bundle_get);
H(api_web_status);
H(api_web_alerts);
H(api_web_rebaseline);
H(api_web_check);
H(static_index);
H(static_asset);

#define V1 "/api/v1"

const cg_route cg_routes[] = {
    {"POST", V1 "/session", api_session_create, CG_AUTH_PUBLIC},
    {"GET", V1 "/session", api_session_get, CG_AUTH_USER},
    {"DELETE", V1 "/session", api_session_delete, CG_AUTH_USER},

    {"GET", V1 "/overview", api_overview, CG_AUTH_READ},

    {"GET", V1 "/agencies", api_agencies_list, CG_AUTH_READ},
    {"POST", V1 "/agencies", api_agencies_create, CG_AUTH_WRITE},
    {"GET", V1 "/agencies/{id}", api_agencies_get, CG_AUTH_READ},
    {"PUT", V1 "/agencies/{id}", api_agencies_update, CG_AUTH_WRITE},
    {"PATCH", V1 "/agencies/{id}", api_agencies_update, CG_AUTH_WRITE},
    {"DELETE", V1 "/agencies/{id}", api_agencies_delete, CG_AUTH_WRITE},

    {"GET", V1 "/systems", api_systems_list, CG_AUTH_READ},
    {"POST", V1 "/systems", api_systems_create, CG_AUTH_WRITE},
    {"GET", V1 "/systems/{id}", api_systems_get, CG_AUTH_READ},
    {"POST", V1 "/systems/{id}/web/baseline", api_web_rebaseline, CG_AUTH_WRITE},
    {"POST", V1 "/systems/{id}/web/check", api_web_check, CG_AUTH_WRITE},
    {"PUT", V1 "/systems/{id}", api_systems_update, CG_AUTH_WRITE},
    {"PATCH", V1 "/systems/{id}", api_systems_update, CG_AUTH_WRITE},
    {"DELETE", V1 "/systems/{id}", api_systems_delete, CG_AUTH_WRITE},

    {"GET", V1 "/people", api_people_list, CG_AUTH_READ},
    {"POST", V1 "/people", api_people_create, CG_AUTH_WRITE},
    {"GET", V1 "/people/{id}", api_people_get, CG_AUTH_READ},
    {"PUT", V1 "/people/{id}", api_people_update, CG_AUTH_WRITE},
    {"PATCH", V1 "/people/{id}", api_people_update, CG_AUTH_WRITE},
    {"DELETE", V1 "/people/{id}", api_people_delete, CG_AUTH_WRITE},

    {"POST", V1 "/import/agencies", api_import_agencies, CG_AUTH_WRITE},
    {"POST", V1 "/import/systems", api_import_systems, CG_AUTH_WRITE},

    {"POST", V1 "/events", api_events_ingest, CG_AUTH_INGEST},
    {"GET", V1 "/events", api_events_list, CG_AUTH_READ},
    {"GET", V1 "/events/{id}", api_events_get, CG_AUTH_READ},

    {"POST", V1 "/dns/uploads", api_dns_upload_create, CG_AUTH_UPLOAD},
    {"GET", V1 "/dns/uploads/{id}", api_dns_upload_get, CG_AUTH_UPLOAD},
    {"PUT", V1 "/dns/uploads/{id}", api_dns_upload_put, CG_AUTH_UPLOAD},
    {"POST", V1 "/dns/uploads/{id}/analyze", api_dns_upload_analyze, CG_AUTH_UPLOAD},
    {"GET", V1 "/dns/infections", api_dns_infections, CG_AUTH_READ},
    {"GET", V1 "/web/status", api_web_status, CG_AUTH_READ},
    {"GET", V1 "/web/alerts", api_web_alerts, CG_AUTH_READ},

    {"GET", V1 "/users", api_users_list, CG_AUTH_ADMIN},
    {"POST", V1 "/users", api_users_create, CG_AUTH_ADMIN},
    {"GET", V1 "/users/{id}", api_users_get, CG_AUTH_ADMIN},
    {"PUT", V1 "/users/{id}", api_users_update, CG_AUTH_ADMIN},
    {"PATCH", V1 "/users/{id}", api_users_update, CG_AUTH_ADMIN},
    {"DELETE", V1 "/users/{id}", api_users_delete, CG_AUTH_ADMIN},

    {"GET", V1 "/tokens", api_tokens_list, CG_AUTH_ADMIN},
    {"POST", V1 "/tokens", api_tokens_create, CG_AUTH_ADMIN},
    {"GET", V1 "/tokens/{id}", api_tokens_get, CG_AUTH_ADMIN},
    {"DELETE", V1 "/tokens/{id}", api_tokens_revoke, CG_AUTH_ADMIN},

    {"GET", V1 "/audit", api_audit_list, CG_AUTH_ADMIN},
    {"GET", V1 "/jobs", api_jobs_list, CG_AUTH_ADMIN},

    {"POST", V1 "/enroll-tokens", api_enroll_tokens_create, CG_AUTH_WRITE},
    {"GET", V1 "/enroll-tokens", api_enroll_tokens_list, CG_AUTH_READ},
    {"POST", V1 "/agent/enroll", api_agent_enroll, CG_AUTH_PUBLIC},
    {"POST", V1 "/agent/heartbeat", api_agent_heartbeat, CG_AUTH_AGENT},
    {"GET", V1 "/agent/policy", api_agent_policy_get, CG_AUTH_AGENT},
    {"GET", V1 "/agent/bundle", api_agent_bundle_get, CG_AUTH_AGENT},
    {"GET", V1 "/agent-policies/{id}", api_agent_policies_get, CG_AUTH_READ},
    {"PUT", V1 "/agent-policies/{id}", api_agent_policies_put, CG_AUTH_WRITE},
    {"GET", V1 "/endpoints", api_endpoints_list, CG_AUTH_READ},
    {"GET", V1 "/coverage", api_coverage, CG_AUTH_READ},

    /* the dashboard (embedded web/ files) */
    {"GET", "/", static_index, CG_AUTH_PUBLIC},
    {"GET", "/index.html", static_index, CG_AUTH_PUBLIC},
    {"GET", "/assets/*", static_asset, CG_AUTH_PUBLIC},
};

const int cg_nroutes = (int)(sizeof cg_routes / sizeof cg_routes[0]);
