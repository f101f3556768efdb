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
#include "server.h"

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
	char msg[256];
	if (e->field[0])
		snprintf(msg, sizeof msg, "%s: %s", e->field, e->message);
	else
		snprintf(msg, sizeof msg, "%s", e->message);
	json_t *d = json_pack("[{s:s,s:s}]", "field", e->field, "message", e->message);
	cg_resp_error(resp, 400, msg, d);
}

static bool officer(const cg_req *req)
{
	return req->who.is_user && req->who.role == CG_ROLE_OFFICER;
}

static void inv_create(cg_req *req, cg_resp *resp, cg_resource r)
{
	if (!cg_req_can_write(req, resp))
		return;
	if (officer(req) && r == CG_RES_AGENCY) {
		cg_resp_error(resp, 403, "agency officers cannot create agencies", NULL);
		return;
	}
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
	if (!cg_req_can_write(req, resp))
		return;
	json_t *old = NULL;
	cg_err err = cg_store_inv_get(req->srv->store, &req->scope, r, req->id, &old);
	if (err) {
		cg_resp_store_error(resp, err, cg_resource_name(r));
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
	/* An officer's own agency: the fields that decide what belongs to
	 * the agency (IP ranges map events to it) or where it sits are the
	 * province's to change. */
	static const char *const guarded[] = {"ip_ranges", "code", "parent_id", "kind", NULL};
	for (const char *const *g = guarded; officer(req) && r == CG_RES_AGENCY && *g; g++) {
		if (!json_equal(json_object_get(rec, *g), json_object_get(old, *g))) {
			char msg[128];
			snprintf(msg, sizeof msg, "%s: only province users may change it", *g);
			json_decref(rec);
			json_decref(old);
			cg_resp_error(resp, 403, msg, NULL);
			return;
		}
	}
	json_decref(old);
	if (r == CG_RES_AGENCY &&
	    json_integer_value(json_object_get(rec, "parent_id")) == req->id) {
		json_decref(rec);
		cg_resp_error(resp, 400, "parent_id: an agency cannot be its own parent", NULL);
		return;
	}
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
	if (!cg_req_can_write(req, resp))
		return;
	if (officer(req) && r == CG_RES_AGENCY) {
		cg_resp_error(resp, 403, "agency officers cannot delete agencies", NULL);
		return;
	}
	cg_err err = cg_store_inv_delete(req->srv->store, &req->scope, &req->actor, r, req->id);
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
	json_t *out = NULL;
	cg_err err = cg_store_overview(req->srv->store, &req->scope, cg_time_now_ms(), &out);
	if (err)
		cg_resp_store_error(resp, err, "overview");
	else
		cg_resp_json(resp, 200, out);
}
