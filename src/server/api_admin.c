/*
 * api_admin.c - users, API tokens and the audit log (role admin only: the
 * route table says so).
 *
 * The user rules (fields, roles, password length, hashing) are the
 * library's (api/users.h); passwords are never stored or echoed. API
 * tokens are shown once, in the 201 answer to their creation; the store
 * keeps their SHA-256. Revoking a token stops it at once (the next
 * request looks it up again).
 */
#include <stdio.h>
#include <string.h>

#include "api/schema.h"
#include "core/json.h"
#include "core/limits.h"
#include "core/timeutil.h"
#include "server.h"

void api_users_list(cg_req *req, cg_resp *resp);
void api_users_create(cg_req *req, cg_resp *resp);
void api_users_get(cg_req *req, cg_resp *resp);
void api_users_update(cg_req *req, cg_resp *resp);
void api_users_delete(cg_req *req, cg_resp *resp);
void api_tokens_list(cg_req *req, cg_resp *resp);
void api_tokens_create(cg_req *req, cg_resp *resp);
void api_tokens_get(cg_req *req, cg_resp *resp);
void api_tokens_revoke(cg_req *req, cg_resp *resp);
void api_audit_list(cg_req *req, cg_resp *resp);
void api_jobs_list(cg_req *req, cg_resp *resp);

/* cg_resp_invalid (api_inventory.c): 400 naming the field. */
void cg_resp_invalid(cg_resp *resp, const cg_inv_error *e);

void api_users_list(cg_req *req, cg_resp *resp)
{
	int64_t limit, offset, total;
	if (!cg_req_paging(req, resp, &limit, &offset))
		return;
	json_t *items;
	cg_err err = cg_store_user_list(req->srv->store, limit, offset, &items, &total);
	if (err)
		cg_resp_store_error(resp, err, "users");
	else
		cg_resp_json(resp, 200, cg_list_body(items, total));
}

void api_users_get(cg_req *req, cg_resp *resp)
{
	json_t *u;
	cg_err err = cg_store_user_get(req->srv->store, req->id, &u);
	if (err)
		cg_resp_store_error(resp, err, "user");
	else
		cg_resp_json(resp, 200, u);
}

/* The user rules are the library's (api/users.h), shared with `canhgac
 * user add` and the demo seed. */
void api_users_create(cg_req *req, cg_resp *resp)
{
	json_t *body;
	if (!cg_req_json(req, resp, &body))
		return;
	int64_t id = 0;
	cg_inv_error e;
	cg_err err = cg_user_create(req->srv->store, &req->actor, body, &id, &e);
	json_decref(body);
	if (err == CG_EINVAL) {
		cg_resp_invalid(resp, &e);
		return;
	}
	if (err) { /* a taken username: 409 "duplicate", field "username" */
		cg_resp_store_error(resp, err, "user");
		return;
	}
	json_t *u;
	if ((err = cg_store_user_get(req->srv->store, id, &u)))
		cg_resp_store_error(resp, err, "user");
	else
		cg_resp_json(resp, 201, u);
}

void api_users_update(cg_req *req, cg_resp *resp)
{
	json_t *old;
	cg_err err = cg_store_user_get(req->srv->store, req->id, &old);
	if (err) {
		cg_resp_store_error(resp, err, "user");
		return;
	}
	json_t *body;
	if (!cg_req_json(req, resp, &body)) {
		json_decref(old);
		return;
	}
	json_t *rec = json_object();
	const char *pw;
	cg_inv_error e;
	bool ok = cg_user_fields(body, false, rec, &pw, &e) == CG_OK;
	if (ok) {
		json_t *merged = json_deep_copy(old);
		json_object_update(merged, rec);
		ok = cg_user_check_role(merged, &e) == CG_OK;
		json_decref(merged);
	}
	if (!ok)
		cg_resp_invalid(resp, &e);
	if (ok && req->id == req->who.id &&
	    (json_is_true(json_object_get(rec, "disabled")) ||
	     (json_object_get(rec, "role") &&
	      cg_role_parse(cg_json_get_str(rec, "role")) != CG_ROLE_ADMIN))) {
		cg_resp_error(resp, 409, "you cannot disable or demote your own account", NULL);
		ok = false;
	}
	char hash[CG_PWHASH_MAX];
	if (ok && pw && (err = cg_password_hash(pw, strlen(pw), hash))) {
		cg_resp_store_error(resp, err, "password");
		ok = false;
	}
	if (ok) {
		err = cg_store_user_update(req->srv->store, &req->actor, req->id, rec,
		                           pw ? hash : NULL);
		if (err)
			cg_resp_store_error(resp, err, "user");
		else
			api_users_get(req, resp);
	}
	json_decref(old);
	json_decref(rec);
	json_decref(body);
}

void api_users_delete(cg_req *req, cg_resp *resp)
{
	if (req->id == req->who.id) {
		cg_resp_error(resp, 409, "you cannot delete your own account", NULL);
		return;
	}
	cg_err err = cg_store_user_delete(req->srv->store, &req->actor, req->id);
	if (err)
		cg_resp_store_error(resp, err, "user");
	else
		resp->status = 204;
}

/* ---- tokens ------------------------------------------------------------ */

void api_tokens_list(cg_req *req, cg_resp *resp)
{
	int64_t limit, offset, total;
	if (!cg_req_paging(req, resp, &limit, &offset))
		return;
	json_t *items;
	cg_err err = cg_store_token_list(req->srv->store, limit, offset, &items, &total);
	if (err)
		cg_resp_store_error(resp, err, "tokens");
	else
		cg_resp_json(resp, 200, cg_list_body(items, total));
}

void api_tokens_get(cg_req *req, cg_resp *resp)
{
	json_t *t;
	cg_err err = cg_store_token_get(req->srv->store, req->id, &t);
	if (err)
		cg_resp_store_error(resp, err, "token");
	else
		cg_resp_json(resp, 200, t);
}

void api_tokens_create(cg_req *req, cg_resp *resp)
{
	json_t *body;
	if (!cg_req_json(req, resp, &body))
		return;
	const char *name = json_is_object(body) ? cg_json_get_str(body, "name") : NULL;
	const char *scope = json_is_object(body) ? cg_json_get_str(body, "scope") : NULL;
	json_t *ag = json_is_object(body) ? json_object_get(body, "agency_id") : NULL;
	const char *bad = NULL;
	if (!name || !*name || strlen(name) > 128)
		bad = "name: required, at most 128 bytes";
	else if (!cg_enum_has(&cg_enum_token_scope, scope))
		bad = "scope: one of ingest read agent metrics";
	else if (ag && !json_is_null(ag) && (!json_is_integer(ag) || json_integer_value(ag) <= 0))
		bad = "agency_id: an agency id or null";
	if (bad) {
		json_decref(body);
		cg_resp_error(resp, 400, bad, NULL);
		return;
	}
	json_t *rec = json_pack("{s:s,s:s,s:O}", "name", name, "scope", scope, "agency_id",
	                        ag ? ag : json_null());
	char token[CG_TOKEN_TEXT];
	cg_new_api_token(token);
	uint8_t h[32];
	cg_sha256(token, strlen(token), h);
	int64_t id = 0;
	cg_err err = cg_store_token_create(req->srv->store, &req->actor, rec, h, &id);
	json_decref(rec);
	json_decref(body);
	json_t *out = NULL;
	if (!err)
		err = cg_store_token_get(req->srv->store, id, &out);
	if (err) {
		cg_resp_store_error(resp, err, "token");
		return;
	}
	json_object_set_new(out, "token", json_string(token));
	cg_resp_json(resp, 201, out);
}

void api_tokens_revoke(cg_req *req, cg_resp *resp)
{
	cg_err err = cg_store_token_revoke(req->srv->store, &req->actor, req->id, cg_time_now_ms());
	if (err)
		cg_resp_store_error(resp, err, "token (or already revoked)");
	else
		resp->status = 204;
}

/* ---- audit ------------------------------------------------------------- */

void api_audit_list(cg_req *req, cg_resp *resp)
{
	int64_t limit, offset, total, since = 0;
	if (!cg_req_paging(req, resp, &limit, &offset))
		return;
	const char *s = cg_req_arg(req, "since");
	if (s && *s && cg_time_parse(cg_slice_cstr(s), &since)) {
		cg_resp_error(resp, 400, "since: expected an RFC 3339 time", NULL);
		return;
	}
	json_t *items;
	cg_err err = cg_store_audit_list(req->srv->store, cg_req_arg(req, "actor"), since, limit,
	                                 offset, &items, &total);
	if (err)
		cg_resp_store_error(resp, err, "audit");
	else
		cg_resp_json(resp, 200, cg_list_body(items, total));
}

/* The scheduler's jobs (server/jobs.h) as the store keeps them: which
 * server holds each, when it runs next, how its last run went. Every
 * server answers the same list: it is read from the shared store. */
void api_jobs_list(cg_req *req, cg_resp *resp)
{
	json_t *items;
	cg_err err = cg_store_job_list(req->srv->store, &items);
	if (err)
		cg_resp_store_error(resp, err, "jobs");
	else
		cg_resp_json(resp, 200, cg_list_body(items, (int64_t)json_array_size(items)));
}

/* ---- routes (gathered by routes.c; who may call each: api/policy.h) --- */

CG_ROUTE_GROUP(api_admin);
const cg_route api_admin_routes[] = {
    {"GET", "/api/v1/users", api_users_list, CG_PRES_USER, CG_ACT_READ, NULL},
    {"POST", "/api/v1/users", api_users_create, CG_PRES_USER, CG_ACT_CREATE, NULL},
    {"GET", "/api/v1/users/{id}", api_users_get, CG_PRES_USER, CG_ACT_READ, NULL},
    {"PUT", "/api/v1/users/{id}", api_users_update, CG_PRES_USER, CG_ACT_UPDATE, NULL},
    {"PATCH", "/api/v1/users/{id}", api_users_update, CG_PRES_USER, CG_ACT_UPDATE, NULL},
    {"DELETE", "/api/v1/users/{id}", api_users_delete, CG_PRES_USER, CG_ACT_DELETE, NULL},
    {"GET", "/api/v1/tokens", api_tokens_list, CG_PRES_TOKEN, CG_ACT_READ, NULL},
    {"POST", "/api/v1/tokens", api_tokens_create, CG_PRES_TOKEN, CG_ACT_CREATE, NULL},
    {"GET", "/api/v1/tokens/{id}", api_tokens_get, CG_PRES_TOKEN, CG_ACT_READ, NULL},
    {"DELETE", "/api/v1/tokens/{id}", api_tokens_revoke, CG_PRES_TOKEN, CG_ACT_DELETE, NULL},
    {"GET", "/api/v1/audit", api_audit_list, CG_PRES_AUDIT, CG_ACT_READ, NULL},
    {"GET", "/api/v1/jobs", api_jobs_list, CG_PRES_JOB, CG_ACT_READ, NULL},
};
CG_ROUTE_COUNT(api_admin);
