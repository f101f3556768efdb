/*
 * api_admin.c - users, API tokens and the audit log (role admin only: the
 * route table says so).
 *
 * Passwords are hashed here (argon2id) and never stored or echoed. API
 * tokens are shown once, in the 201 answer to their creation; the store
 * keeps their SHA-256. Revoking a token stops it at once (the next
 * request looks it up again).
 */
#include <stdio.h>
#include <string.h>

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

static bool valid_username(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0 || n > 64)
		return false;
	for (; *s; s++) {
		char c = *s;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '_' || c == '-' || c == '@'))
			return false;
	}
	return true;
}

/* Checks the members a create or update may set; builds the store's
 * record in *rec. On failure sets a 400 and returns false. */
static bool user_fields(cg_resp *resp, const json_t *body, bool create, json_t *rec,
                        const char **password)
{
	*password = NULL;
	const char *k;
	json_t *v;
	json_object_foreach((json_t *)body, k, v)
	{
		if (!strcmp(k, "username")) {
			if (!create || !json_is_string(v) ||
			    !valid_username(json_string_value(v))) {
				cg_resp_error(resp, 400,
				              create ? "username: 1-64 of a-z A-Z 0-9 . _ - @"
				                     : "username: cannot be changed",
				              NULL);
				return false;
			}
		} else if (!strcmp(k, "display_name")) {
			if (!json_is_string(v) || json_string_length(v) > 256) {
				cg_resp_error(resp, 400,
				              "display_name: a string of at most 256 bytes", NULL);
				return false;
			}
		} else if (!strcmp(k, "role")) {
			if (!json_is_string(v) ||
			    cg_role_parse(json_string_value(v)) == CG_ROLE_NONE) {
				cg_resp_error(resp, 400,
				              "role: one of admin analyst officer viewer", NULL);
				return false;
			}
		} else if (!strcmp(k, "agency_id")) {
			if (!json_is_null(v) &&
			    (!json_is_integer(v) || json_integer_value(v) <= 0)) {
				cg_resp_error(resp, 400, "agency_id: an agency id or null", NULL);
				return false;
			}
		} else if (!strcmp(k, "disabled")) {
			if (!json_is_boolean(v)) {
				cg_resp_error(resp, 400, "disabled: true or false", NULL);
				return false;
			}
		} else if (!strcmp(k, "password")) {
			if (!json_is_string(v) || json_string_length(v) < CG_MIN_PASSWORD ||
			    json_string_length(v) > CG_MAX_PASSWORD) {
				cg_resp_error(resp, 400, "password: at least 10 characters", NULL);
				return false;
			}
			*password = json_string_value(v);
			continue;
		} else if (!strcmp(k, "id")) {
			continue;
		} else {
			char msg[96];
			snprintf(msg, sizeof msg, "%.40s: unknown field", k);
			cg_resp_error(resp, 400, msg, NULL);
			return false;
		}
		json_object_set(rec, k, v);
	}
	if (create &&
	    (!json_object_get(rec, "username") || !json_object_get(rec, "role") || !*password)) {
		cg_resp_error(resp, 400, "username, role and password are required", NULL);
		return false;
	}
	return true;
}

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

/* An officer must belong to an agency. */
static bool officer_has_agency(cg_resp *resp, const json_t *merged)
{
	if (cg_role_parse(cg_json_get_str(merged, "role")) == CG_ROLE_OFFICER &&
	    json_integer_value(json_object_get(merged, "agency_id")) <= 0) {
		cg_resp_error(resp, 400, "agency_id: an officer needs an agency", NULL);
		return false;
	}
	return true;
}

void api_users_create(cg_req *req, cg_resp *resp)
{
	json_t *body;
	if (!cg_req_json(req, resp, &body))
		return;
	if (!json_is_object(body)) {
		json_decref(body);
		cg_resp_error(resp, 400, "the body must be a JSON object", NULL);
		return;
	}
	json_t *rec = json_object();
	const char *pw;
	if (!user_fields(resp, body, true, rec, &pw) || !officer_has_agency(resp, rec)) {
		json_decref(rec);
		json_decref(body);
		return;
	}
	char hash[CG_PWHASH_MAX];
	cg_err err = cg_password_hash(pw, strlen(pw), hash);
	int64_t id = 0;
	if (!err)
		err = cg_store_user_create(req->srv->store, &req->actor, rec, hash, &id);
	json_decref(rec);
	json_decref(body);
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
	if (!json_is_object(body)) {
		json_decref(old);
		json_decref(body);
		cg_resp_error(resp, 400, "the body must be a JSON object", NULL);
		return;
	}
	json_t *rec = json_object();
	const char *pw;
	bool ok = user_fields(resp, body, false, rec, &pw);
	if (ok) {
		json_t *merged = json_deep_copy(old);
		json_object_update(merged, rec);
		ok = officer_has_agency(resp, merged);
		json_decref(merged);
	}
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
	else if (!scope ||
	         (strcmp(scope, "ingest") && strcmp(scope, "read") && strcmp(scope, "agent")))
		bad = "scope: one of ingest read agent";
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
