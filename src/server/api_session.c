/*
 * api_session.c - logging in and out with a cookie session.
 *
 * POST /session checks the throttle first (per username and per client
 * address: CG_LOGIN_MAX_FAIL_* failures in CG_LOGIN_WINDOW_S give 429),
 * then the argon2id hash (an unknown user costs the same time as a known
 * one). Success creates a session: a random 256-bit cookie stored as its
 * SHA-256, a CSRF token the dashboard sends back in X-CSRF-Token, and an
 * expiry. Logins, failures and logouts go to the audit log.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"
#include "core/limits.h"
#include "core/timeutil.h"
#include "server.h"

static json_t *session_body(json_t *user, const char *csrf)
{
	json_t *u =
	    json_pack("{s:O,s:O,s:O,s:O,s:O}", "id", json_object_get(user, "id"), "username",
	              json_object_get(user, "username"), "role", json_object_get(user, "role"),
	              "agency_id", json_object_get(user, "agency_id"), "display_name",
	              json_object_get(user, "display_name"));
	return json_pack("{s:o,s:s}", "user", u, "csrf_token", csrf);
}

static void throttle_keys(cg_req *req, const char *username, char *ukey, size_t un, char *ikey,
                          size_t in)
{
	snprintf(ukey, un, "u:%.128s", username);
	for (char *p = ukey; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	snprintf(ikey, in, "ip:%s", req->client_ip);
}

void api_session_create(cg_req *req, cg_resp *resp)
{
	json_t *body;
	if (!cg_req_json(req, resp, &body))
		return;
	const char *username = cg_json_get_str(body, "username");
	json_t *pwv = json_object_get(body, "password");
	if (!username || !*username || !json_is_string(pwv)) {
		json_decref(body);
		cg_resp_error(resp, 400, "username and password are required", NULL);
		return;
	}
	const char *pw = json_string_value(pwv);
	size_t pwlen = json_string_length(pwv);
	int64_t now = cg_time_now_ms();
	char ukey[160], ikey[96];
	throttle_keys(req, username, ukey, sizeof ukey, ikey, sizeof ikey);
	cg_server *srv = req->srv;
	if (cg_throttle_blocked(&srv->throttle, ukey, CG_LOGIN_MAX_FAIL_USER, now) ||
	    cg_throttle_blocked(&srv->throttle, ikey, CG_LOGIN_MAX_FAIL_IP, now)) {
		json_decref(body);
		cg_resp_error(resp, 429, "too many failed logins; try again later", NULL);
		return;
	}
	json_t *user = NULL;
	char *hash = NULL;
	bool ok = false;
	if (cg_store_user_auth_info(srv->store, username, &user, &hash) == CG_OK) {
		ok = cg_password_verify(hash, pw, pwlen) &&
		     !json_is_true(json_object_get(user, "disabled"));
	} else {
		cg_password_dummy_verify(pw, pwlen);
	}
	free(hash);
	if (!ok) {
		cg_throttle_fail(&srv->throttle, ukey, now);
		cg_throttle_fail(&srv->throttle, ikey, now);
		json_t *d = json_pack("{s:o,s:s}", "username", cg_json_cstr(username), "ip",
		                      req->client_ip);
		cg_actor anon = {"anonymous"};
		cg_store_audit(srv->store, &anon, "login_failed", "session", 0, d);
		json_decref(d);
		json_decref(user);
		json_decref(body);
		cg_resp_error(resp, 401, "wrong username or password", NULL);
		return;
	}
	cg_throttle_reset(&srv->throttle, ukey);
	char cookie[CG_SECRET_TEXT], csrf[CG_SECRET_TEXT];
	cg_random_secret(cookie);
	cg_random_secret(csrf);
	uint8_t h[32];
	cg_sha256(cookie, strlen(cookie), h);
	int64_t uid = json_integer_value(json_object_get(user, "id"));
	cg_err err = cg_store_session_create(srv->store, h, uid, csrf,
	                                     now + (int64_t)CG_SESSION_TTL_S * 1000);
	if (err) {
		json_decref(user);
		json_decref(body);
		cg_resp_store_error(resp, err, "session");
		return;
	}
	char actor[192];
	snprintf(actor, sizeof actor, "user:%.160s", cg_json_get_str(user, "username"));
	cg_actor a = {actor};
	json_t *d = json_pack("{s:s}", "ip", req->client_ip);
	cg_store_audit(srv->store, &a, "login", "session", uid, d);
	json_decref(d);
	snprintf(resp->set_cookie, sizeof resp->set_cookie,
	         "cg_session=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%d%s", cookie,
	         CG_SESSION_TTL_S, srv->tls ? "; Secure" : "");
	cg_resp_json(resp, 200, session_body(user, csrf));
	json_decref(user);
	json_decref(body);
}

void api_session_get(cg_req *req, cg_resp *resp)
{
	cg_resp_json(resp, 200, session_body(req->who.user, req->who.csrf));
}

void api_session_delete(cg_req *req, cg_resp *resp)
{
	char cookie[128];
	if (cg_req_cookie(req, "cg_session", cookie, sizeof cookie)) {
		uint8_t h[32];
		cg_sha256(cookie, strlen(cookie), h);
		cg_store_session_delete(req->srv->store, h);
	}
	cg_store_audit(req->srv->store, &req->actor, "logout", "session", req->who.id, NULL);
	snprintf(resp->set_cookie, sizeof resp->set_cookie,
	         "cg_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0%s",
	         req->srv->tls ? "; Secure" : "");
	resp->status = 204;
}

/* ---- routes (gathered by routes.c; who may call each: api/policy.h) --- */

CG_ROUTE_GROUP(api_session);
const cg_route api_session_routes[] = {
    {"POST", "/api/v1/session", api_session_create, CG_PRES_LOGIN, CG_ACT_CREATE, NULL},
    {"GET", "/api/v1/session", api_session_get, CG_PRES_SESSION, CG_ACT_READ, NULL},
    {"DELETE", "/api/v1/session", api_session_delete, CG_PRES_SESSION, CG_ACT_DELETE, NULL},
};
CG_ROUTE_COUNT(api_session);
