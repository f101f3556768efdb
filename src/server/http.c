/*
 * http.c - libmicrohttpd glue: listening, TLS, body collection, routing,
 * authentication, CSRF, security headers, clean shutdown (see server.h
 * for the flow of a request).
 *
 * Threads: MHD's internal epoll with a small thread pool (CG_HTTP_THREADS);
 * handlers run on those threads and block on the store, which is fine for
 * a server whose requests are short.
 *
 * Shutdown (SIGTERM/SIGINT): the main thread waits in sigwait() with the
 * signals blocked in every thread. On a signal it stops accepting
 * (MHD_quiesce_daemon), waits until the requests in flight have been
 * answered (a counter kept by the access handler and the completion
 * callback, at most CG_HTTP_DRAIN_S), then stops the daemon and closes
 * the store. An ingest batch is committed before its 200 is queued, so
 * an acknowledged event is always on disk.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/fileio.h"
#include "core/json.h"
#include "core/limits.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "api/ingest.h"
#include "server.h"
#include "api/violation.h"
#include "jobs.h"
#include "web_watch.h"

/* ---- roles and auth names -------------------------------------------- */

static const char *const role_names[] = {"", "admin", "analyst", "officer", "viewer"};

cg_role cg_role_parse(const char *s)
{
	for (int i = 1; i <= CG_ROLE_VIEWER; i++)
		if (s && strcmp(s, role_names[i]) == 0)
			return (cg_role)i;
	return CG_ROLE_NONE;
}

const char *cg_role_name(cg_role r)
{
	return (unsigned)r <= CG_ROLE_VIEWER ? role_names[r] : "";
}

const char *cg_auth_name(cg_auth a)
{
	static const char *const names[] = {"public", "read",  "write", "admin",
	                                    "ingest", "agent", "user"};
	return (unsigned)a <= CG_AUTH_USER ? names[a] : "?";
}

/* ---- responses -------------------------------------------------------- */

void cg_resp_json(cg_resp *r, unsigned status, json_t *body)
{
	r->status = status;
	r->content_type = "application/json; charset=utf-8";
	cg_buf_reset(&r->body);
	if (body && cg_json_encode(&r->body, body) != CG_OK) {
		cg_buf_reset(&r->body);
		r->status = 500;
		cg_buf_puts(&r->body, "{\"error\":\"response too large\"}");
	}
	json_decref(body);
}

void cg_resp_error(cg_resp *r, unsigned status, const char *msg, json_t *details)
{
	json_t *o = json_object();
	json_object_set_new(o, "error", cg_json_cstr(msg));
	if (details)
		json_object_set_new(o, "details", details);
	cg_resp_json(r, status, o);
}

void cg_resp_store_error(cg_resp *r, cg_err err, const char *what)
{
	char msg[256];
	switch (err) {
	case CG_ENOTFOUND:
		snprintf(msg, sizeof msg, "%s not found", what);
		cg_resp_error(r, 404, msg, NULL);
		return;
	case CG_ECONFLICT:
	case CG_EINVAL: {
		/* the store's violation as data, in the user's words; the
		 * backend's text goes to the log only */
		const char *field = NULL;
		cg_store_violation v = cg_store_last_violation(&field);
		if (v == CG_VIOL_NONE)
			v = err == CG_EINVAL ? CG_VIOL_UNKNOWN : CG_VIOL_NONE;
		cg_info("store: %s: %s (%s)", what, cg_strerror(err), cg_store_errmsg());
		cg_resp_json(r, err == CG_ECONFLICT ? 409 : 400, cg_violation_body(v, field, what));
		return;
	}
	case CG_EPERM:
		snprintf(msg, sizeof msg, "%s: outside your agency", what);
		cg_resp_error(r, 403, msg, NULL);
		return;
	default:
		cg_error("store: %s: %s (%s)", what, cg_strerror(err), cg_store_errmsg());
		cg_resp_error(r, err == CG_ETIMEOUT ? 503 : 500, "internal storage error", NULL);
	}
}

json_t *cg_list_body(json_t *items, int64_t total)
{
	return json_pack("{s:o,s:I}", "items", items ? items : json_array(), "total",
	                 (json_int_t)total);
}

/* ---- request helpers -------------------------------------------------- */

const char *cg_req_arg(cg_req *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *cg_req_header(cg_req *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

bool cg_req_json(cg_req *req, cg_resp *resp, json_t **out)
{
	*out = NULL;
	const char *ct = cg_req_header(req, "Content-Type");
	if (ct && strncmp(ct, "application/json", 16) != 0) {
		cg_resp_error(resp, 415, "expected Content-Type: application/json", NULL);
		return false;
	}
	cg_buf why;
	cg_buf_init(&why, 512);
	if (cg_json_parse(cg_buf_slice(&req->body), out, &why)) {
		char msg[600];
		snprintf(msg, sizeof msg, "invalid JSON: %s", cg_buf_cstr(&why));
		cg_resp_error(resp, 400, msg, NULL);
		cg_buf_free(&why);
		return false;
	}
	cg_buf_free(&why);
	return true;
}

bool cg_req_int_arg(cg_req *req, cg_resp *resp, const char *name, int64_t min, int64_t max,
                    int64_t *out)
{
	*out = 0;
	const char *v = cg_req_arg(req, name);
	if (!v || !*v)
		return true;
	if (cg_parse_i64(cg_slice_cstr(v), min, max, out)) {
		char msg[128];
		snprintf(msg, sizeof msg, "%s: must be a whole number from %lld to %lld", name,
		         (long long)min, (long long)max);
		cg_resp_error(resp, 400, msg, NULL);
		return false;
	}
	return true;
}

bool cg_req_paging(cg_req *req, cg_resp *resp, int64_t *limit, int64_t *offset)
{
	if (!cg_req_int_arg(req, resp, "limit", 1, CG_MAX_LIST_LIMIT, limit) ||
	    !cg_req_int_arg(req, resp, "offset", 0, INT32_MAX, offset))
		return false;
	if (*limit == 0)
		*limit = CG_DEFAULT_LIST_LIMIT;
	return true;
}

bool cg_req_can_write(cg_req *req, cg_resp *resp)
{
	if (req->who.is_user &&
	    (req->who.role == CG_ROLE_ADMIN || req->who.role == CG_ROLE_ANALYST ||
	     req->who.role == CG_ROLE_OFFICER))
		return true;
	cg_resp_error(resp, 403, "your role may not change records", NULL);
	return false;
}

/* ---- routing ---------------------------------------------------------- */

/* Does path match pattern? Fills *id and *tail. */
static bool match_route(const char *pattern, const char *path, int64_t *id, const char **tail)
{
	const char *p = pattern, *s = path;
	*id = 0;
	*tail = "";
	while (*p) {
		if (p[0] == '*' && p[1] == '\0') {
			*tail = s;
			return true;
		}
		if (strncmp(p, "{id}", 4) == 0) {
			const char *e = s;
			while (*e >= '0' && *e <= '9')
				e++;
			if (e == s ||
			    cg_parse_i64(cg_slice_from(s, (size_t)(e - s)), 1, INT64_MAX, id))
				return false;
			s = e;
			p += 4;
			continue;
		}
		if (*p != *s)
			return false;
		p++;
		s++;
	}
	return *s == '\0';
}

/* The route for method+path; *path_known tells a 405 from a 404. */
static const cg_route *find_route(const char *method, const char *path, int64_t *id,
                                  const char **tail, bool *path_known)
{
	*path_known = false;
	for (int i = 0; i < cg_nroutes; i++) {
		const cg_route *r = &cg_routes[i];
		if (!match_route(r->pattern, path, id, tail))
			continue;
		*path_known = true;
		if (strcmp(r->method, method) == 0 ||
		    (strcmp(method, "HEAD") == 0 && strcmp(r->method, "GET") == 0))
			return r;
	}
	return NULL;
}

/* ---- authentication --------------------------------------------------- */

static void principal_clear(cg_principal *p)
{
	json_decref(p->user);
	memset(p, 0, sizeof *p);
}

bool cg_req_cookie(cg_req *req, const char *name, char *out, size_t outsize)
{
	const char *v = MHD_lookup_connection_value(req->conn, MHD_COOKIE_KIND, name);
	if (!v || !*v || strlen(v) >= outsize)
		return false;
	snprintf(out, outsize, "%s", v);
	return true;
}

/* Fills req->who from a bearer token or the session cookie. Returns 0 or
 * the HTTP status of a refusal (401 for a bad token). */
static unsigned authenticate(cg_req *req)
{
	cg_principal *w = &req->who;
	int64_t now = cg_time_now_ms();
	const char *authz = cg_req_header(req, "Authorization");
	if (authz && strncasecmp(authz, "Bearer ", 7) == 0) {
		const char *tok = authz + 7;
		uint8_t h[32];
		cg_sha256(tok, strlen(tok), h);
		json_t *rec = NULL;
		if (cg_store_token_auth(req->srv->store, h, now, &rec))
			return 401;
		w->is_token = true;
		w->id = json_integer_value(json_object_get(rec, "id"));
		snprintf(w->scope, sizeof w->scope, "%s",
		         cg_json_get_str(rec, "scope") ? cg_json_get_str(rec, "scope") : "");
		w->agency_id = json_integer_value(json_object_get(rec, "agency_id"));
		snprintf(w->actor, sizeof w->actor, "token:%lld:%.120s", (long long)w->id,
		         cg_json_get_str(rec, "name") ? cg_json_get_str(rec, "name") : "");
		json_decref(rec);
		return 0;
	}
	char cookie[128];
	if (!cg_req_cookie(req, "cg_session", cookie, sizeof cookie))
		return 0;
	uint8_t h[32];
	cg_sha256(cookie, strlen(cookie), h);
	json_t *user = NULL;
	char *csrf = NULL;
	if (cg_store_session_get(req->srv->store, h, now, &user, &csrf))
		return 0; /* an expired cookie is no login: 401 below if needed */
	w->is_user = true;
	w->user = user;
	w->id = json_integer_value(json_object_get(user, "id"));
	w->role = cg_role_parse(cg_json_get_str(user, "role"));
	w->agency_id = json_integer_value(json_object_get(user, "agency_id"));
	snprintf(w->csrf, sizeof w->csrf, "%s", csrf);
	snprintf(w->actor, sizeof w->actor, "user:%.160s", cg_json_get_str(user, "username"));
	free(csrf);
	return 0;
}

/* May this caller use this route? 0, or the refusal status + message. */
static unsigned authorize(cg_req *req, const cg_route *r, const char **why)
{
	const cg_principal *w = &req->who;
	if (r->auth == CG_AUTH_PUBLIC)
		return 0;
	if (!w->is_user && !w->is_token) {
		*why = "authentication required";
		return 401;
	}
	*why = "not allowed for your role or token scope";
	bool tok = w->is_token;
	switch (r->auth) {
	case CG_AUTH_READ:
		if (tok)
			return strcmp(w->scope, "read") == 0 ? 0 : 403;
		return 0;
	case CG_AUTH_USER:
		if (tok) {
			*why = "no session: this route is for signed-in users";
			return 401;
		}
		return 0;
	case CG_AUTH_WRITE:
		if (tok)
			return 403;
		return w->role == CG_ROLE_VIEWER ? 403 : 0;
	case CG_AUTH_ADMIN:
		return !tok && w->role == CG_ROLE_ADMIN ? 0 : 403;
	case CG_AUTH_INGEST:
		return tok && (strcmp(w->scope, "ingest") == 0 || strcmp(w->scope, "agent") == 0)
		           ? 0
		           : 403;
	case CG_AUTH_AGENT:
		return tok && strcmp(w->scope, "agent") == 0 ? 0 : 403;
	case CG_AUTH_UPLOAD:
		/* DNS logs: a provider's token, or the province's staff in the
		 * dashboard; not an agency officer (uploads are province-wide) */
		if (tok)
			return strcmp(w->scope, "ingest") == 0 || strcmp(w->scope, "agent") == 0 ? 0 : 403;
		return w->role == CG_ROLE_ADMIN || w->role == CG_ROLE_ANALYST ? 0 : 403;
	default:
		return 403;
	}
}

static bool is_state_change(const char *m)
{
	return strcmp(m, "GET") != 0 && strcmp(m, "HEAD") != 0 && strcmp(m, "OPTIONS") != 0;
}

/* ---- the per-request state kept by MHD ------------------------------- */

typedef struct reqctx {
	cg_buf raw; /* the body as received */
	bool too_big;
	bool counted; /* in the in-flight counter */
} reqctx;

static atomic_int g_inflight;
static cg_server g_srv;

static void add_security_headers(struct MHD_Response *mr, bool tls, bool cacheable)
{
	MHD_add_response_header(mr, "Content-Security-Policy",
	                        "default-src 'self'; script-src 'self'; style-src 'self';"
	                        " img-src 'self' data:; connect-src 'self';"
	                        " object-src 'none'; base-uri 'none';"
	                        " frame-ancestors 'none'; form-action 'self'");
	MHD_add_response_header(mr, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(mr, "X-Frame-Options", "DENY");
	MHD_add_response_header(mr, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(mr, "Cache-Control",
	                        cacheable ? "private, max-age=300" : "no-store");
	if (tls)
		MHD_add_response_header(mr, "Strict-Transport-Security", "max-age=31536000");
}

static enum MHD_Result send_resp(struct MHD_Connection *c, cg_resp *r)
{
	struct MHD_Response *mr;
	if (r->static_data) {
		mr = MHD_create_response_from_buffer(r->static_len, (void *)r->static_data,
		                                     MHD_RESPMEM_PERSISTENT);
	} else {
		size_t len = 0;
		char *p = cg_buf_detach(&r->body, &len);
		mr = MHD_create_response_from_buffer(len, p, MHD_RESPMEM_MUST_FREE);
		if (!mr)
			free(p);
	}
	if (!mr)
		return MHD_NO;
	if (r->content_type)
		MHD_add_response_header(mr, "Content-Type", r->content_type);
	if (r->set_cookie[0])
		MHD_add_response_header(mr, "Set-Cookie", r->set_cookie);
	add_security_headers(mr, g_srv.tls, r->cacheable);
	enum MHD_Result ret = MHD_queue_response(c, r->status ? r->status : 200, mr);
	MHD_destroy_response(mr);
	return ret;
}

static enum MHD_Result send_error(struct MHD_Connection *c, unsigned status, const char *msg)
{
	cg_resp r = {0};
	cg_buf_init(&r.body, 4096);
	cg_resp_error(&r, status, msg, NULL);
	enum MHD_Result ret = send_resp(c, &r);
	cg_buf_free(&r.body);
	return ret;
}

static void client_ip(struct MHD_Connection *c, char *out, size_t n)
{
	snprintf(out, n, "?");
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (!ci || !ci->client_addr)
		return;
	const struct sockaddr *sa = ci->client_addr;
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, out, (socklen_t)n);
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, out,
		          (socklen_t)n);
}

/* Decompresses the body when needed; 0 or an HTTP status + message. */
static unsigned decode_body(struct MHD_Connection *c, reqctx *x, cg_buf *body, char *msg,
                            size_t msgsize)
{
	const char *enc = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Encoding");
	if (!enc || !*enc || strcasecmp(enc, "identity") == 0) {
		/* hand the buffer over without a copy */
		*body = x->raw;
		cg_buf_init(&x->raw, CG_MAX_REQUEST_BODY);
		return 0;
	}
	if (strcasecmp(enc, "gzip") != 0 && strcasecmp(enc, "x-gzip") != 0 &&
	    strcasecmp(enc, "deflate") != 0) {
		snprintf(msg, msgsize, "unsupported Content-Encoding (use gzip)");
		return 415;
	}
	cg_buf why;
	cg_buf_init(&why, 256);
	cg_err err = cg_gunzip(cg_buf_slice(&x->raw), body, &why);
	snprintf(msg, msgsize, "request body: %s", cg_buf_cstr(&why));
	cg_buf_free(&why);
	if (err == CG_ETOOBIG)
		return 413;
	return err ? 400 : 0;
}

static enum MHD_Result dispatch(struct MHD_Connection *c, const char *url, const char *method,
                                reqctx *x)
{
	cg_req req = {.srv = &g_srv, .conn = c, .method = method, .path = url};
	cg_resp resp = {.status = 200};
	cg_buf_init(&req.body, CG_MAX_REQUEST_BODY);
	cg_buf_init(&resp.body, CG_MAX_RESPONSE_BODY);
	client_ip(c, req.client_ip, sizeof req.client_ip);
	enum MHD_Result ret;
	bool known;
	const cg_route *r = find_route(method, url, &req.id, &req.tail, &known);
	if (!r) {
		ret = send_error(c, known ? 405 : 404, known ? "method not allowed" : "not found");
		goto out;
	}
	unsigned st = authenticate(&req);
	if (st) {
		ret = send_error(c, st, "invalid or revoked API token");
		goto out;
	}
	const char *why = "";
	if ((st = authorize(&req, r, &why))) {
		ret = send_error(c, st, why);
		goto out;
	}
	/* public routes (the login) do not act on the cookie: no CSRF check,
	 * so a stale session never blocks logging in again */
	if (req.who.is_user && is_state_change(method) && r->auth != CG_AUTH_PUBLIC) {
		const char *t = cg_req_header(&req, "X-CSRF-Token");
		if (!cg_secret_eq(t, req.who.csrf)) {
			ret = send_error(c, 403, "missing or wrong X-CSRF-Token");
			goto out;
		}
	}
	char msg[300];
	if ((st = decode_body(c, x, &req.body, msg, sizeof msg))) {
		ret = send_error(c, st, msg);
		goto out;
	}
	req.scope.agency_id =
	    (req.who.is_user && req.who.role == CG_ROLE_OFFICER) || req.who.is_token
	        ? req.who.agency_id
	        : 0;
	if (req.who.is_user && req.who.role == CG_ROLE_OFFICER && req.scope.agency_id <= 0)
		req.scope.agency_id = -1; /* an officer without agency sees nothing */
	req.actor.name = req.who.actor[0] ? req.who.actor : "anonymous";
	r->fn(&req, &resp);
	ret = send_resp(c, &resp);
out:
	principal_clear(&req.who);
	cg_buf_free(&req.body);
	cg_buf_free(&resp.body);
	return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload,
                                  size_t *upload_size, void **con_cls)
{
	(void)cls;
	(void)version;
	reqctx *x = *con_cls;
	if (!x) {
		x = calloc(1, sizeof *x);
		if (!x)
			return MHD_NO;
		cg_buf_init(&x->raw, CG_MAX_REQUEST_BODY);
		x->counted = true;
		atomic_fetch_add(&g_inflight, 1);
		*con_cls = x;
		if (strlen(url) > CG_MAX_URL)
			return send_error(c, 414, "URL too long");
		const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
		int64_t n;
		if (cl && cg_parse_i64(cg_slice_cstr(cl), 0, INT64_MAX, &n) == CG_OK &&
		    n > (int64_t)CG_MAX_REQUEST_BODY)
			return send_error(c, 413, "request body over the limit");
		return MHD_YES;
	}
	if (*upload_size) {
		if (!x->too_big && cg_buf_append(&x->raw, upload, *upload_size) != CG_OK) {
			x->too_big = true;
			cg_buf_free(&x->raw);
		}
		*upload_size = 0;
		return MHD_YES;
	}
	if (x->too_big)
		return send_error(c, 413, "request body over the limit");
	return dispatch(c, url, method, x);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	(void)c;
	(void)toe;
	reqctx *x = *con_cls;
	if (!x)
		return;
	if (x->counted)
		atomic_fetch_sub(&g_inflight, 1);
	cg_buf_free(&x->raw);
	free(x);
	*con_cls = NULL;
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	char line[512];
	vsnprintf(line, sizeof line, fmt, ap);
	size_t n = strlen(line);
	while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
	cg_debug("http: %s", line);
}

/* ---- listening -------------------------------------------------------- */

/* Parses "ADDR:PORT" / "[V6]:PORT" into a sockaddr. */
static bool parse_listen(const char *s, struct sockaddr_storage *ss, socklen_t *len, bool *loopback)
{
	char host[128];
	const char *colon;
	if (s[0] == '[') {
		const char *rb = strchr(s, ']');
		if (!rb || rb[1] != ':' || (size_t)(rb - s - 1) >= sizeof host)
			return false;
		memcpy(host, s + 1, (size_t)(rb - s - 1));
		host[rb - s - 1] = '\0';
		colon = rb + 1;
	} else {
		colon = strrchr(s, ':');
		if (!colon || (size_t)(colon - s) >= sizeof host)
			return false;
		memcpy(host, s, (size_t)(colon - s));
		host[colon - s] = '\0';
	}
	int64_t port;
	if (cg_parse_i64(cg_slice_cstr(colon + 1), 0, 65535, &port))
		return false;
	if (strcmp(host, "localhost") == 0)
		snprintf(host, sizeof host, "127.0.0.1");
	memset(ss, 0, sizeof *ss);
	struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
	if (inet_pton(AF_INET, host, &a4->sin_addr) == 1) {
		a4->sin_family = AF_INET;
		a4->sin_port = htons((uint16_t)port);
		*len = sizeof *a4;
		*loopback = (ntohl(a4->sin_addr.s_addr) >> 24) == 127;
		return true;
	}
	if (inet_pton(AF_INET6, host, &a6->sin6_addr) == 1) {
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)port);
		*len = sizeof *a6;
		*loopback = IN6_IS_ADDR_LOOPBACK(&a6->sin6_addr);
		return true;
	}
	return false;
}

static int open_listener(const struct sockaddr_storage *ss, socklen_t len, char *shown,
                         size_t shown_size)
{
	int fd = socket(ss->ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	int one = 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (ss->ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
	if (bind(fd, (const struct sockaddr *)ss, len) != 0 || listen(fd, 128) != 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	struct sockaddr_storage got;
	socklen_t gl = sizeof got;
	getsockname(fd, (struct sockaddr *)&got, &gl);
	char a[INET6_ADDRSTRLEN];
	if (got.ss_family == AF_INET) {
		const struct sockaddr_in *g = (const struct sockaddr_in *)&got;
		inet_ntop(AF_INET, &g->sin_addr, a, sizeof a);
		snprintf(shown, shown_size, "%s:%u", a, ntohs(g->sin_port));
	} else {
		const struct sockaddr_in6 *g = (const struct sockaddr_in6 *)&got;
		inet_ntop(AF_INET6, &g->sin6_addr, a, sizeof a);
		snprintf(shown, shown_size, "[%s]:%u", a, ntohs(g->sin6_port));
	}
	return fd;
}

int cg_serve_run(const cg_serve_opts *o)
{
	struct sockaddr_storage ss;
	socklen_t sslen;
	bool loopback;
	if (!parse_listen(o->listen, &ss, &sslen, &loopback)) {
		fprintf(stderr, "canhgac serve: --listen %s: expected ADDR:PORT\n", o->listen);
		return 2;
	}
	bool tls = !o->plain || o->tls_cert;
	if (!tls && !loopback) {
		fprintf(stderr,
		        "canhgac serve: refusing plain HTTP on %s: plain HTTP"
		        " is only allowed on a loopback address; use TLS\n",
		        o->listen);
		return 2;
	}
	cg_buf why;
	cg_buf_init(&why, 1024);
	if (cg_mkdir_p(o->data_dir, 0700, &why)) {
		fprintf(stderr, "canhgac serve: %s\n", cg_buf_cstr(&why));
		cg_buf_free(&why);
		return 2;
	}
	if (cg_auth_init()) {
		fprintf(stderr, "canhgac serve: libsodium failed to initialise\n");
		return 2;
	}
	cg_buf cert, key;
	cg_buf_init(&cert, 1 << 20);
	cg_buf_init(&key, 1 << 20);
	char pin[128] = "";
	if (tls && cg_tls_setup(o->data_dir, o->tls_cert, o->tls_key, &cert, &key, pin, sizeof pin,
	                        &why)) {
		fprintf(stderr, "canhgac serve: TLS: %s\n", cg_buf_cstr(&why));
		cg_buf_free(&why);
		return 2;
	}
	memset(&g_srv, 0, sizeof g_srv);
	g_srv.tls = tls;
	g_srv.data_dir = o->data_dir;
	g_srv.started_ms = cg_time_now_ms();
	if (cg_store_open(o->store, &g_srv.store, &why)) {
		fprintf(stderr, "canhgac serve: %s\n", cg_buf_cstr(&why));
		cg_buf_free(&why);
		return 2;
	}
	/* tests read this line to check which backend they run on */
	fprintf(stderr, "canhgac serve: store %s\n", cg_store_backend(g_srv.store));
	cg_throttle_init(&g_srv.throttle, CG_LOGIN_TRACKED, (int64_t)CG_LOGIN_WINDOW_S * 1000);

	/* every thread started from here on inherits the blocked signals */
	sigset_t sigs;
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);

	char shown[96];
	int lfd = open_listener(&ss, sslen, shown, sizeof shown);
	if (lfd < 0) {
		fprintf(stderr, "canhgac serve: cannot listen on %s: %s\n", o->listen,
		        strerror(errno));
		cg_store_close(g_srv.store);
		return 2;
	}
	unsigned flags =
	    MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC | MHD_USE_ERROR_LOG;
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	if (tls)
		flags |= MHD_USE_TLS;
	struct MHD_OptionItem opts[] = {
	    {MHD_OPTION_LISTEN_SOCKET, lfd, NULL},
	    {MHD_OPTION_THREAD_POOL_SIZE, CG_HTTP_THREADS, NULL},
	    {MHD_OPTION_CONNECTION_LIMIT, CG_HTTP_MAX_CONNECTIONS, NULL},
	    {MHD_OPTION_CONNECTION_TIMEOUT, CG_HTTP_TIMEOUT_S, NULL},
	    {MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)on_completed, NULL},
	    {MHD_OPTION_EXTERNAL_LOGGER, (intptr_t)mhd_log, NULL},
	    {tls ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, 0, (void *)cg_buf_cstr(&cert)},
	    {MHD_OPTION_HTTPS_MEM_KEY, 0, (void *)cg_buf_cstr(&key)},
	    {MHD_OPTION_END, 0, NULL},
	};
	struct MHD_Daemon *d = MHD_start_daemon(flags, 0, NULL, NULL, on_request, NULL,
	                                        MHD_OPTION_ARRAY, opts, MHD_OPTION_END);
	if (!d) {
		fprintf(stderr, "canhgac serve: the HTTP server failed to start on %s\n", shown);
		close(lfd);
		cg_store_close(g_srv.store);
		return 2;
	}
	/* background work runs as jobs in the store (jobs.h), shared by every
	 * server on the same database */
	cg_web_watch *watch = NULL;
	cg_jobs *jobs = NULL;
	if (cg_jobs_new(g_srv.store, NULL, o->job_lease_ms, &jobs) ||
	    cg_web_watch_start(g_srv.store, jobs, o->data_dir, o->web_interval_s, o->alert_config,
	                       &watch) ||
	    cg_jobs_start(jobs)) {
		fprintf(stderr, "canhgac serve: cannot start watching the portals (see above)\n");
		cg_jobs_free(jobs);
		cg_web_watch_stop(watch);
		MHD_stop_daemon(d);
		cg_store_close(g_srv.store);
		return 2;
	}
	cg_info("jobs: this server is %s", cg_jobs_holder(jobs));
	printf("canhgac: listening on %s://%s\n", tls ? "https" : "http", shown);
	if (tls)
		printf("canhgac: TLS certificate pin %s\n", pin);
	fflush(stdout);
	cg_info("serving %s with data in %s", shown, o->data_dir);

	int sig = 0;
	sigwait(&sigs, &sig);
	cg_info("signal %d: stopping", sig);
	MHD_socket q = MHD_quiesce_daemon(d);
	if (q != MHD_INVALID_SOCKET)
		close(q);
	int64_t until = cg_mono_ms() + CG_HTTP_DRAIN_S * 1000;
	while (atomic_load(&g_inflight) > 0 && cg_mono_ms() < until)
		usleep(10000);
	MHD_stop_daemon(d);
	dns_jobs_shutdown();
	cg_jobs_free(jobs); /* a run in progress finishes first */
	cg_web_watch_stop(watch);
	cg_store_close(g_srv.store);
	cg_throttle_free(&g_srv.throttle);
	cg_buf_free(&cert);
	cg_buf_free(&key);
	cg_buf_free(&why);
	printf("canhgac: stopped\n");
	fflush(stdout);
	return 0;
}
