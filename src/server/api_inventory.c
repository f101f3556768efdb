/*
 * api_inventory.c - agencies, systems and people (create, read, update,
 * delete, list) and the province overview.
 *
 * One set of handlers serves the three resources (the store and the
 * validator are table-driven too). Agency scoping is not done here: the
 * caller's scope goes to every store call and the store puts it in the
 * SQL, so an officer asking for another agency's record gets 404 and a
 * write into another agency gets 403. Role checks (who may write at all)
 * are the route table's, plus one rule here: only province-wide users
 * create or delete agencies.
 */
#include <stdio.h>
#include <string.h>

#include "api/inventory.h"
#include "core/json.h"
#include "core/timeutil.h"
#include "api_agent.h"
#include "server.h"
#include "store/figures.h"

static const char *const filter_params[] = {
    "q", "kind", "parent_id", "agency_id", "level", "role", "dossier_status", "code", NULL};

static void inv_list(cg_req *req, cg_resp *resp, cg_resource r)
{
	int64_t limit, offset;
	if (!cg_req_paging(req, resp, &limit, &offset))
		return;
	json_t *filters = json_object();
	for (const char *const *p = filter_params; *p; p++) {
		const char *v = cg_req_arg(req, *p);
		if (v)
			json_object_set_new(filters, *p, cg_json_cstr(v));
	}
	json_t *items = NULL;
	int64_t total = 0;
	cg_err err = cg_store_inv_list(req->srv->store, &req->scope, r, filters, limit, offset,
	                               &items, &total);
	json_decref(filters);
	if (err == CG_EINVAL) {
		cg_resp_error(resp, 400, cg_store_errmsg(), NULL);
		return;
	}
	if (err) {
		cg_resp_store_error(resp, err, cg_resource_name(r));
		return;
	}
	cg_resp_json(resp, 200, cg_list_body(items, total));
}

static void inv_get(cg_req *req, cg_resp *resp, cg_resource r)
{
	json_t *rec = NULL;
	cg_err err = cg_store_inv_get(req->srv->store, &req->scope, r, req->id, &rec);
	if (err)
		cg_resp_store_error(resp, err, cg_resource_name(r));
	else
		cg_resp_json(resp, 200, rec);
}

/* 400 naming the field. */
void cg_resp_invalid(cg_resp *resp, const cg_inv_error *e);
void cg_resp_invalid(cg_resp *resp, const cg_inv_error *e)
{
	char msg[512];
	if (e->field[0])
		snprintf(msg, sizeof msg, "%s: %s", e->field, e->message);
	else
		snprintf(msg, sizeof msg, "%s", e->message);
	json_t *d = json_pack("[{s:s,s:s}]", "field", e->field, "message", e->message);
	cg_resp_error(resp, 400, msg, d);
}

/* Issue 18.14: an agency whose name or IP ranges collide with another
 * agency's is refused (409, naming the other agency and the field), since
 * it would leave unclear where an infected host belongs. A range nested in
 * another agency's (a unit inside its department's block) is a warning:
 * the 409's detail then carries "confirm": "confirm_overlap", and the same
 * request with ?confirm_overlap=1 stores it. The decision is the agency
 * table's (api/agencytable.h). True when rec may be stored. */
static bool agency_distinct(cg_req *req, cg_resp *resp, int64_t self, const json_t *rec,
                            const json_t *base)
{
	const char *co = cg_req_arg(req, "confirm_overlap");
	bool confirmed = co && strcmp(co, "1") == 0;
	cg_agency_table *t = NULL;
	cg_err err = cg_agency_cache_get(&req->srv->agencies, req->srv->store, &t);
	cg_inv_error e, e2;
	bool askable = false;
	if (!err)
		err = cg_agency_table_check(t, self, rec, base, confirmed, &e);
	if (err == CG_ECONFLICT && !confirmed)
		askable = cg_agency_table_check(t, self, rec, base, true, &e2) == CG_OK;
	cg_agency_table_release(t);
	if (err == CG_ECONFLICT) {
		char msg[512];
		snprintf(msg, sizeof msg, "%s: %s", e.field, e.message);
		/* field and code at the top like the store's violations, and the
		 * parts of the message as data for the dashboard to word */
		json_t *d = json_pack("{s:s,s:s,s:s}", "field", e.field, "code", e.code, "message",
		                      e.message);
		json_object_set_new(d, "other", json_string(e.other));
		if (e.value[0])
			json_object_set_new(d, "value", json_string(e.value));
		if (e.other_value[0])
			json_object_set_new(d, "other_value", json_string(e.other_value));
		if (askable)
			json_object_set_new(d, "confirm", json_string("confirm_overlap"));
		json_t *o = json_pack("{s:s,s:s,s:s,s:[o]}", "error", msg, "field", e.field, "code",
		                      e.code, "details", d);
		if (!o) /* a message that is not UTF-8 (cut names): the codes still are */
			o = json_pack("{s:s,s:s,s:s}", "error", "agency conflict", "field", e.field,
			              "code", e.code);
		cg_resp_json(resp, 409, o);
		return false;
	}
	if (err) {
		cg_resp_store_error(resp, err, "agencies");
		return false;
	}
	return true;
}

static bool officer(const cg_req *req)
{
	return req->who.is_user && req->who.role == CG_ROLE_OFFICER;
}

static cg_pol_resource pol_res(cg_resource r)
{
	return r == CG_RES_AGENCY   ? CG_PRES_AGENCY
	       : r == CG_RES_SYSTEM ? CG_PRES_SYSTEM
	                            : CG_PRES_PERSON;
}

/* The agency a record belongs to, for the policy: an agency record is its
 * own; a system or person its agency_id (0: none, province level). */
static int64_t rec_agency(cg_resource r, int64_t id, const json_t *rec)
{
	if (r == CG_RES_AGENCY)
		return id;
	json_t *a = json_object_get(rec, "agency_id");
	return json_is_integer(a) ? json_integer_value(a) : 0;
}

static void inv_create(cg_req *req, cg_resp *resp, cg_resource r)
{
	json_t *body;
	if (!cg_req_json(req, resp, &body))
		return;
	/* an officer's records belong to their agency unless they say */
	if (officer(req) && r != CG_RES_AGENCY && json_is_object(body) &&
	    !json_object_get(body, "agency_id"))
		json_object_set_new(body, "agency_id", json_integer(req->scope.agency_id));
	json_t *rec = NULL;
	cg_inv_error e;
	if (cg_inv_normalize(r, body, NULL, &rec, &e)) {
		json_decref(body);
		cg_resp_invalid(resp, &e);
		return;
	}
	json_decref(body);
	/* a new agency is a province-level record (agency 0) */
	if (!cg_req_allow(req, resp, CG_ACT_CREATE, pol_res(r), rec_agency(r, 0, rec),
	                  CG_POL_OWNER_NA) ||
	    (r == CG_RES_AGENCY && !agency_distinct(req, resp, 0, rec, NULL))) {
		json_decref(rec);
		return;
	}
	int64_t id = 0;
	cg_err err = cg_store_inv_create(req->srv->store, &req->scope, &req->actor, r, rec, &id);
	json_decref(rec);
	if (err) {
		cg_resp_store_error(resp, err, cg_resource_name(r));
		return;
	}
	json_t *out = NULL;
	err = cg_store_inv_get(req->srv->store, &req->scope, r, id, &out);
	if (err)
		cg_resp_store_error(resp, err, cg_resource_name(r));
	else
		cg_resp_json(resp, 201, out);
}

static void inv_update(cg_req *req, cg_resp *resp, cg_resource r)
{
	json_t *old = NULL;
	cg_err err = cg_store_inv_get(req->srv->store, &req->scope, r, req->id, &old);
	if (err) {
		cg_resp_store_error(resp, err, cg_resource_name(r));
		return;
	}
	if (!cg_req_allow(req, resp, CG_ACT_UPDATE, pol_res(r), rec_agency(r, req->id, old),
	                  CG_POL_OWNER_NA)) {
		json_decref(old);
		return;
	}
	json_t *body;
	if (!cg_req_json(req, resp, &body)) {
		json_decref(old);
		return;
	}
	json_t *rec = NULL;
	cg_inv_error e;
	err = cg_inv_normalize(r, body, old, &rec, &e);
	json_decref(body);
	if (err) {
		json_decref(old);
		cg_resp_invalid(resp, &e);
		return;
	}
	/* moved to another agency: the caller must be allowed there too */
	if (!cg_req_allow(req, resp, CG_ACT_UPDATE, pol_res(r), rec_agency(r, req->id, rec),
	                  CG_POL_OWNER_NA)) {
		json_decref(rec);
		json_decref(old);
		return;
	}
	/* An officer's own agency: the fields that decide what belongs to
	 * the agency (IP ranges map events to it) or where it sits are the
	 * province's to change. */
	static const char *const guarded[] = {"ip_ranges", "code", "parent_id", "kind", NULL};
	cg_pol_who who = cg_req_who(req);
	for (const char *const *g = guarded; r == CG_RES_AGENCY && *g; g++) {
		if (!json_equal(json_object_get(rec, *g), json_object_get(old, *g)) &&
		    cg_policy(&who, CG_ACT_UPDATE, CG_PRES_AGENCY_MAPPING, req->id,
		              CG_POL_OWNER_NA) != CG_POL_ALLOW) {
			char msg[128];
			snprintf(msg, sizeof msg, "%s: only province users may change it", *g);
			json_decref(rec);
			json_decref(old);
			cg_resp_error(resp, 403, msg, NULL);
			return;
		}
	}
	if (r == CG_RES_AGENCY &&
	    json_integer_value(json_object_get(rec, "parent_id")) == req->id) {
		json_decref(rec);
		json_decref(old);
		cg_resp_error(resp, 400, "parent_id: an agency cannot be its own parent", NULL);
		return;
	}
	if (r == CG_RES_AGENCY && !agency_distinct(req, resp, req->id, rec, old)) {
		json_decref(rec);
		json_decref(old);
		return;
	}
	json_decref(old);
	err = cg_store_inv_update(req->srv->store, &req->scope, &req->actor, r, req->id, rec);
	json_decref(rec);
	if (err) {
		cg_resp_store_error(resp, err, cg_resource_name(r));
		return;
	}
	inv_get(req, resp, r);
}

static void inv_delete(cg_req *req, cg_resp *resp, cg_resource r)
{
	json_t *old = NULL;
	cg_err err = cg_store_inv_get(req->srv->store, &req->scope, r, req->id, &old);
	if (err) {
		cg_resp_store_error(resp, err, cg_resource_name(r));
		return;
	}
	bool ok = cg_req_allow(req, resp, CG_ACT_DELETE, pol_res(r), rec_agency(r, req->id, old),
	                       CG_POL_OWNER_NA);
	json_decref(old);
	if (!ok)
		return;
	err = cg_store_inv_delete(req->srv->store, &req->scope, &req->actor, r, req->id);
	if (err) { /* a record still referred to: 409 "in_use" */
		cg_resp_store_error(resp, err, cg_resource_name(r));
		return;
	}
	resp->status = 204;
}

#define RESOURCE(prefix, R)                                                                        \
	void api_##prefix##_list(cg_req *req, cg_resp *resp)                                       \
	{                                                                                          \
		inv_list(req, resp, R);                                                            \
	}                                                                                          \
	void api_##prefix##_get(cg_req *req, cg_resp *resp)                                        \
	{                                                                                          \
		inv_get(req, resp, R);                                                             \
	}                                                                                          \
	void api_##prefix##_create(cg_req *req, cg_resp *resp)                                     \
	{                                                                                          \
		inv_create(req, resp, R);                                                          \
	}                                                                                          \
	void api_##prefix##_update(cg_req *req, cg_resp *resp)                                     \
	{                                                                                          \
		inv_update(req, resp, R);                                                          \
	}                                                                                          \
	void api_##prefix##_delete(cg_req *req, cg_resp *resp)                                     \
	{                                                                                          \
		inv_delete(req, resp, R);                                                          \
	}

#define DECL(prefix)                                                                               \
	void api_##prefix##_list(cg_req *, cg_resp *);                                             \
	void api_##prefix##_get(cg_req *, cg_resp *);                                              \
	void api_##prefix##_create(cg_req *, cg_resp *);                                           \
	void api_##prefix##_update(cg_req *, cg_resp *);                                           \
	void api_##prefix##_delete(cg_req *, cg_resp *);
DECL(agencies)
DECL(systems)
DECL(people)

RESOURCE(agencies, CG_RES_AGENCY)
RESOURCE(systems, CG_RES_SYSTEM)
RESOURCE(people, CG_RES_PERSON)

void api_overview(cg_req *req, cg_resp *resp);
void api_overview(cg_req *req, cg_resp *resp)
{
	json_t *out = NULL, *agents = NULL;
	int64_t now = cg_time_now_ms();
	/* an unreadable registry is an error, never "0 enrolled" */
	cg_err err = cg_agent_api_list(req->srv->store, &req->scope, now, &agents);
	if (!err)
		err = cg_fig_overview(req->srv->store, &req->scope, agents, now, &out);
	json_decref(agents);
	if (err)
		cg_resp_store_error(resp, err, "overview");
	else
		cg_resp_json(resp, 200, out);
}

/* ---- routes (gathered by routes.c; who may call each: api/policy.h) --- */

CG_ROUTE_GROUP(api_inventory);
const cg_route api_inventory_routes[] = {
    {"GET", "/api/v1/overview", api_overview, CG_PRES_OVERVIEW, CG_ACT_READ, NULL},
    {"GET", "/api/v1/agencies", api_agencies_list, CG_PRES_AGENCY, CG_ACT_READ, NULL},
    {"POST", "/api/v1/agencies", api_agencies_create, CG_PRES_AGENCY, CG_ACT_CREATE, NULL},
    {"GET", "/api/v1/agencies/{id}", api_agencies_get, CG_PRES_AGENCY, CG_ACT_READ, NULL},
    {"PUT", "/api/v1/agencies/{id}", api_agencies_update, CG_PRES_AGENCY, CG_ACT_UPDATE, NULL},
    {"PATCH", "/api/v1/agencies/{id}", api_agencies_update, CG_PRES_AGENCY, CG_ACT_UPDATE, NULL},
    {"DELETE", "/api/v1/agencies/{id}", api_agencies_delete, CG_PRES_AGENCY, CG_ACT_DELETE, NULL},
    {"GET", "/api/v1/systems", api_systems_list, CG_PRES_SYSTEM, CG_ACT_READ, NULL},
    {"POST", "/api/v1/systems", api_systems_create, CG_PRES_SYSTEM, CG_ACT_CREATE, NULL},
    {"GET", "/api/v1/systems/{id}", api_systems_get, CG_PRES_SYSTEM, CG_ACT_READ, NULL},
    {"PUT", "/api/v1/systems/{id}", api_systems_update, CG_PRES_SYSTEM, CG_ACT_UPDATE, NULL},
    {"PATCH", "/api/v1/systems/{id}", api_systems_update, CG_PRES_SYSTEM, CG_ACT_UPDATE, NULL},
    {"DELETE", "/api/v1/systems/{id}", api_systems_delete, CG_PRES_SYSTEM, CG_ACT_DELETE, NULL},
    {"GET", "/api/v1/people", api_people_list, CG_PRES_PERSON, CG_ACT_READ, NULL},
    {"POST", "/api/v1/people", api_people_create, CG_PRES_PERSON, CG_ACT_CREATE, NULL},
    {"GET", "/api/v1/people/{id}", api_people_get, CG_PRES_PERSON, CG_ACT_READ, NULL},
    {"PUT", "/api/v1/people/{id}", api_people_update, CG_PRES_PERSON, CG_ACT_UPDATE, NULL},
    {"PATCH", "/api/v1/people/{id}", api_people_update, CG_PRES_PERSON, CG_ACT_UPDATE, NULL},
    {"DELETE", "/api/v1/people/{id}", api_people_delete, CG_PRES_PERSON, CG_ACT_DELETE, NULL},
};
CG_ROUTE_COUNT(api_inventory);
