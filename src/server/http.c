/*
 * http.c - libmicrohttpd glue: listening, TLS, body collection, routing,
 * authentication, CSRF, security headers, clean shutdown (see server.h
 * for the flow of a request).
 *
 * Threads: MHD's internal epoll with a small thread pool (CG_HTTP_THREADS);
 * handlers run on those threads and block on the store, which is fine for
 * a server whose requests are short.
 *
 * SIGHUP re-reads the --config file (serve_config.h). Shutdown
 * (SIGTERM/SIGINT): the main thread waits in sigwait() with the
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
#include <pthread.h>
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
#include "api/incident_forms.h"
#include "api/ingest.h"
#include "server.h"
#include "api/violation.h"
#include "forward_job.h"
#include "intel_job.h"
#include "misp_job.h"
#include "serve_config.h"
#include "backup_job.h"
#include "report_job.h"
#include "natreport_job.h"
#include "api_agent.h"
#include "api_metrics.h"
#include "alert_job.h"
#include "compliance_job.h"
#include "events_job.h"
#include "exposure_job.h"
#include "jobs.h"
#include "incident_auto.h"
#include "incident_deadlines.h"
#include "web_watch.h"

/* What a value holding a percent-encoded NUL is replaced with (unescape). */
#define NUL_MARK '\x01'

/* ---- roles and auth names -------------------------------------------- */

const char *cg_route_auth_word(const cg_route *r, char *buf, size_t n)
{
	return cg_pol_summary(r->act, r->res, buf, n);
}

/* ---- responses -------------------------------------------------------- */

/* Events embedded in a response whose evidence would nest past what the
 * encoder accepts (stored before the ingest bound, or embedded deeper than
 * it allows for) get a marker in place of their evidence, so one event can
 * never take a whole page down (issue 18.3). v is encoded at depth d. */
static void defuse_deep(json_t *v, int d)
{
	if (d > CG_MAX_JSON_DEPTH || (!json_is_object(v) && !json_is_array(v)) ||
	    d + cg_json_depth(v, CG_MAX_JSON_DEPTH + 1) <= CG_MAX_JSON_DEPTH)
		return;
	if (json_is_object(v)) {
		json_t *ev = json_object_get(v, "evidence");
		if (ev && d + 1 + cg_json_depth(ev, CG_MAX_JSON_DEPTH + 1) > CG_MAX_JSON_DEPTH) {
			json_object_set_new(
			    v, "evidence",
			    json_pack("{s:s}", "unavailable", "nested too deep to be shown here"));
		}
		const char *key;
		json_t *val;
		json_object_foreach(v, key, val) defuse_deep(val, d + 1);
		return;
	}
	for (size_t i = 0; i < json_array_size(v); i++)
		defuse_deep(json_array_get(v, i), d + 1);
}

/* A page ({"items":[...], ...}) encoded item by item: an item that cannot
 * be encoded, or no longer fits in the response, is replaced by a small
 * marker naming it, and the page still answers (a page of 500 events of
 * CG_MAX_EVENT_JSON each is larger than CG_MAX_RESPONSE_BODY). */
static cg_err encode_page(cg_buf *out, const json_t *body)
{
	/* room kept for the markers and the page's other members */
	const size_t reserve = 64u * 1024u + 128u * (size_t)CG_MAX_LIST_LIMIT;
	const json_t *items = json_object_get(body, "items");
	cg_err err = cg_buf_puts(out, "{\"items\":[");
	cg_buf one;
	for (size_t i = 0; !err && i < json_array_size(items); i++) {
		const json_t *it = json_array_get(items, i);
		size_t room = out->max > out->len + reserve ? out->max - out->len - reserve : 0;
		cg_buf_init(&one, room);
		cg_err e = room ? cg_json_encode(&one, it) : CG_ETOOBIG;
		if (i)
			err = cg_buf_putc(out, ',');
		if (!err && !e) {
			err = cg_buf_append(out, one.ptr, one.len);
		} else if (!err) {
			json_t *m =
			    json_pack("{s:O?,s:O?,s:s}", "id", json_object_get(it, "id"), "seq",
			              json_object_get(it, "seq"), "unavailable",
			              e == CG_ETOOBIG ? "too large or too deep to be shown in "
			                                "this page: open it alone"
			                              : "cannot be shown");
			err = m ? cg_json_encode(out, m) : CG_ENOMEM;
			json_decref(m);
		}
		cg_buf_free(&one);
	}
	if (!err)
		err = cg_buf_putc(out, ']');
	const char *key;
	json_t *val;
	json_object_foreach((json_t *)body, key, val)
	{
		if (err || strcmp(key, "items") == 0)
			continue;
		if (!(err = cg_buf_putc(out, ',')) &&
		    !(err = cg_json_quote(out, cg_slice_cstr(key))) &&
		    !(err = cg_buf_putc(out, ':')))
			err = cg_json_encode(out, val);
	}
	return err ? err : cg_buf_putc(out, '}');
}

void cg_resp_json(cg_resp *r, unsigned status, json_t *body)
{
	r->status = status;
	if (body)
		defuse_deep(body, 0);
	r->content_type = "application/json; charset=utf-8";
	cg_buf_reset(&r->body);
	bool page = json_is_object(body) && json_is_array(json_object_get(body, "items"));
	if (body &&
	    (page ? encode_page(&r->body, body) : cg_json_encode(&r->body, body)) != CG_OK) {
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

cg_pol_who cg_req_who(const cg_req *req)
{
	const cg_principal *w = &req->who;
	cg_pol_who p = {CG_POL_ANON, 0};
	if (w->is_user) {
		p.kind = w->role == CG_ROLE_ADMIN     ? CG_POL_ADMIN
		         : w->role == CG_ROLE_ANALYST ? CG_POL_ANALYST
		         : w->role == CG_ROLE_OFFICER ? CG_POL_OFFICER
		                                      : CG_POL_VIEWER;
		/* a province user's record may carry an agency: only the
		 * officer is bound by it (as the store scope, req->scope) */
		if (p.kind == CG_POL_OFFICER)
			p.agency_id = w->agency_id > 0 ? w->agency_id : -1;
	} else if (w->is_token) {
		p.kind = strcmp(w->scope, "ingest") == 0    ? CG_POL_TOKEN_INGEST
		         : strcmp(w->scope, "read") == 0    ? CG_POL_TOKEN_READ
		         : strcmp(w->scope, "agent") == 0   ? CG_POL_TOKEN_AGENT
		         : strcmp(w->scope, "metrics") == 0 ? CG_POL_TOKEN_METRICS
		                                            : CG_POL_ANON;
		p.agency_id = w->agency_id > 0 ? w->agency_id : 0;
		if (p.kind == CG_POL_ANON) /* an unknown scope may do nothing */
			p.kind = CG_POL_NKINDS;
	}
	return p;
}

static unsigned verdict_status(cg_pol_verdict v)
{
	return v == CG_POL_LOGIN || v == CG_POL_SESSION ? 401 : 403;
}

bool cg_req_allow(cg_req *req, cg_resp *resp, cg_pol_action act, cg_pol_resource res,
                  int64_t agency_id, cg_pol_owner owner)
{
	cg_pol_who w = cg_req_who(req);
	cg_pol_verdict v = cg_policy(&w, act, res, agency_id, owner);
	if (v == CG_POL_ALLOW)
		return true;
	char msg[160];
	snprintf(msg, sizeof msg, "%s: %s %s", cg_pol_verdict_text(v), cg_pol_action_name(act),
	         cg_pol_resource_name(res));
	cg_resp_error(resp, verdict_status(v), msg, NULL);
	return false;
}

int64_t cg_req_param(const cg_req *req, const char *name)
{
	for (int i = 0; i < req->nparams; i++)
		if (strcmp(req->params[i].name, name) == 0)
			return req->params[i].value;
	return 0;
}

/* ---- routing ---------------------------------------------------------- */

/* Does path match pattern? Fills the named parameters and *tail. A
 * "{name}" segment takes a positive decimal integer (no sign, no leading
 * "+", within int64): anything else is no match, so a handler never sees
 * an unvalidated id. */
static bool match_route(const char *pattern, const char *path, cg_req *req)
{
	const char *p = pattern, *s = path;
	req->nparams = 0;
	req->id = 0;
	req->tail = "";
	while (*p) {
		if (p[0] == '*' && p[1] == '\0') {
			req->tail = s;
			return true;
		}
		if (*p == '{') {
			const char *close = strchr(p, '}');
			size_t nl = close ? (size_t)(close - p - 1) : 0;
			if (!close || nl == 0 || nl >= sizeof req->params[0].name ||
			    req->nparams >= CG_MAX_ROUTE_PARAMS)
				return false; /* a malformed pattern matches nothing */
			const char *e = s;
			while (*e >= '0' && *e <= '9')
				e++;
			int64_t v;
			if (e == s ||
			    cg_parse_i64(cg_slice_from(s, (size_t)(e - s)), 1, INT64_MAX, &v))
				return false;
			cg_param *pr = &req->params[req->nparams++];
			memcpy(pr->name, p + 1, nl);
			pr->name[nl] = '\0';
			pr->value = v;
			if (strcmp(pr->name, "id") == 0)
				req->id = v;
			s = e;
			p = close + 1;
			continue;
		}
		if (*p != *s)
			return false;
		p++;
		s++;
	}
	return *s == '\0';
}

/* The route for method+path; *path_known tells a 405 from a 404; *index
 * is the route's place in the table (-1 when none), for the metrics. */
static const cg_route *find_route(const char *method, const char *path, cg_req *req,
                                  bool *path_known, int *index)
{
	*path_known = false;
	*index = -1;
	int n = cg_route_count();
	for (int i = 0; i < n; i++) {
		const cg_route *r = cg_route_at(i);
		if (!match_route(r->pattern, path, req))
			continue;
		*path_known = true;
		if (strcmp(r->method, method) == 0 ||
		    (strcmp(method, "HEAD") == 0 && strcmp(r->method, "GET") == 0)) {
			*index = i;
			return r;
		}
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

/* May this caller use this route? 0, or the refusal status + message:
 * the policy's route-level answer (the record's agency not known yet). */
static unsigned authorize(cg_req *req, const cg_route *r, const char **why)
{
	cg_pol_who w = cg_req_who(req);
	cg_pol_verdict v = cg_policy(&w, r->act, r->res, CG_POL_ANY_AGENCY, CG_POL_OWNER_NA);
	if (v == CG_POL_ALLOW)
		return 0;
	*why = cg_pol_verdict_text(v);
	return verdict_status(v);
}

static bool route_public(const cg_route *r)
{
	cg_pol_who anon = {CG_POL_ANON, 0};
	return cg_policy(&anon, r->act, r->res, CG_POL_ANY_AGENCY, CG_POL_OWNER_NA) == CG_POL_ALLOW;
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
	/* a streamed route (cg_route.stream): the request lives across the
	 * calls of the body, which goes to the stream's callbacks */
	const cg_route *stream_route;
	cg_req *sreq;
	cg_resp sresp;
	void *sstate;
	bool sfailed;  /* a callback refused: the rest of the body is dropped */
	bool answered; /* a response was queued before the body: ignore it */
	bool sended;   /* end() was called */
	/* for the metrics and the request log, written on completion */
	int64_t start_us; /* cg_mono_us at the request's first call */
	int route;        /* index in the table, -1 none */
	unsigned status;  /* the status queued, 0 none */
	char method[16];
	char rid[CG_REQUEST_ID_MAX + 1]; /* X-Request-Id */
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

static enum MHD_Result send_resp(struct MHD_Connection *c, reqctx *x, cg_resp *r)
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
	if (r->filename[0]) {
		char cd[200];
		int n = snprintf(cd, sizeof cd, "attachment; filename=\"%s\"", r->filename);
		if (n > 0 && (size_t)n < sizeof cd)
			MHD_add_response_header(mr, "Content-Disposition", cd);
	}
	if (r->signature[0])
		MHD_add_response_header(mr, "X-Canhgac-Signature", r->signature);
	if (r->truncated)
		MHD_add_response_header(mr, "X-Canhgac-Truncated", "true");
	if (r->set_cookie[0])
		MHD_add_response_header(mr, "Set-Cookie", r->set_cookie);
	if (r->disposition[0])
		MHD_add_response_header(mr, "Content-Disposition", r->disposition);
	for (int i = 0; i < CG_RESP_MAX_HEADERS; i++)
		if (r->hdr_name[i])
			MHD_add_response_header(mr, r->hdr_name[i], r->hdr_value[i]);
	add_security_headers(mr, g_srv.tls, r->cacheable);
	MHD_add_response_header(mr, "X-Request-Id", x->rid);
	x->status = r->status ? r->status : 200;
	enum MHD_Result ret = MHD_queue_response(c, x->status, mr);
	MHD_destroy_response(mr);
	return ret;
}

static enum MHD_Result send_error(struct MHD_Connection *c, reqctx *x, unsigned status,
                                  const char *msg)
{
	cg_resp r = {0};
	cg_buf_init(&r.body, 4096);
	cg_resp_error(&r, status, msg, NULL);
	enum MHD_Result ret = send_resp(c, x, &r);
	cg_buf_free(&r.body);
	return ret;
}

/* The client's address: the peer's, or behind the trusted proxy the one
 * it forwards (api/forwarded.h decides). */
static bool peer_addr(struct MHD_Connection *c, cg_ip *peer)
{
	*peer = (cg_ip){0};
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (!ci || !ci->client_addr)
		return false;
	const struct sockaddr *sa = ci->client_addr;
	if (sa->sa_family == AF_INET) {
		peer->b[10] = peer->b[11] = 0xff;
		memcpy(peer->b + 12, &((const struct sockaddr_in *)sa)->sin_addr, 4);
		peer->v4 = true;
	} else if (sa->sa_family == AF_INET6) {
		memcpy(peer->b, &((const struct sockaddr_in6 *)sa)->sin6_addr, 16);
	} else {
		return false;
	}
	return true;
}

/* The request's id: the trusted proxy's X-Request-Id, or a new one
 * (api/forwarded.h decides). */
static void request_id(struct MHD_Connection *c, char *out, size_t n)
{
	cg_ip peer;
	const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Request-Id");
	bool known = peer_addr(c, &peer);
	cg_forwarded_request_id(&peer, known && g_srv.has_proxy ? &g_srv.proxy : NULL,
	                        h ? cg_slice_cstr(h) : (cg_slice){NULL, 0}, out, n);
}

static void client_ip(struct MHD_Connection *c, char *out, size_t n)
{
	snprintf(out, n, "?");
	cg_ip peer;
	if (!peer_addr(c, &peer))
		return;
	const char *xff = NULL;
	if (g_srv.has_proxy)
		xff = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Forwarded-For");
	cg_ip who;
	cg_forwarded_client(&peer, g_srv.has_proxy ? &g_srv.proxy : NULL,
	                    xff ? cg_slice_cstr(xff) : (cg_slice){NULL, 0}, &who);
	cg_ip_text(&who, out, n);
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

/* Routing, authentication, authorization, CSRF, scope: 0 with *route set,
 * or the HTTP status of a refusal with *msg. */
static unsigned prepare(cg_req *req, const cg_route **route, int *index, const char **msg)
{
	bool known;
	const cg_route *r = find_route(req->method, req->path, req, &known, index);
	*route = r;
	if (!r) {
		*msg = known ? "method not allowed" : "not found";
		return known ? 405 : 404;
	}
	unsigned st = authenticate(req);
	if (st) {
		*msg = "invalid or revoked API token";
		return st;
	}
	if ((st = authorize(req, r, msg)))
		return st;
	/* public routes (the login) do not act on the cookie: no CSRF check,
	 * so a stale session never blocks logging in again */
	if (req->who.is_user && is_state_change(req->method) && !route_public(r)) {
		const char *t = cg_req_header(req, "X-CSRF-Token");
		if (!cg_secret_eq(t, req->who.csrf)) {
			*msg = "missing or wrong X-CSRF-Token";
			return 403;
		}
	}
	req->scope.agency_id =
	    (req->who.is_user && req->who.role == CG_ROLE_OFFICER) || req->who.is_token
	        ? req->who.agency_id
	        : 0;
	if (req->who.is_user && req->who.role == CG_ROLE_OFFICER && req->scope.agency_id <= 0)
		req->scope.agency_id = -1; /* an officer without agency sees nothing */
	req->actor.name = req->who.actor[0] ? req->who.actor : "anonymous";
	return 0;
}

static void req_init(cg_req *req, cg_resp *resp, struct MHD_Connection *c, const char *url,
                     const char *method)
{
	*req = (cg_req){.srv = &g_srv, .conn = c, .method = method, .path = url};
	*resp = (cg_resp){.status = 200};
	cg_buf_init(&req->body, CG_MAX_REQUEST_BODY);
	cg_buf_init(&resp->body, CG_MAX_RESPONSE_BODY);
	client_ip(c, req->client_ip, sizeof req->client_ip);
}

static void req_free(cg_req *req, cg_resp *resp)
{
	principal_clear(&req->who);
	cg_buf_free(&req->body);
	cg_buf_free(&resp->body);
}

static enum MHD_Result dispatch(struct MHD_Connection *c, const char *url, const char *method,
                                reqctx *x)
{
	cg_req req;
	cg_resp resp;
	req_init(&req, &resp, c, url, method);
	enum MHD_Result ret;
	const cg_route *r;
	const char *why = "";
	char msg[300];
	unsigned st = prepare(&req, &r, &x->route, &why);
	if (st)
		ret = send_error(c, x, st, why);
	else if ((st = decode_body(c, x, &req.body, msg, sizeof msg)))
		ret = send_error(c, x, st, msg);
	else {
		r->fn(&req, &resp);
		ret = send_resp(c, x, &resp);
	}
	req_free(&req, &resp);
	return ret;
}

/* ---- slow connections ------------------------------------------------- */

/* libmicrohttpd's connection timeout restarts whenever a byte arrives, so a
 * client sending one header line every 20 s keeps its connection (and a
 * slot of CG_HTTP_MAX_CONNECTIONS) forever. Every connection is therefore
 * listed here with the time its current request head began; a reaper
 * thread shuts down those whose head is not complete within
 * CG_HTTP_HEAD_DEADLINE_S (issue 18.4). Together with the per-address
 * limit (MHD_OPTION_PER_IP_CONNECTION_LIMIT), one address can hold at most
 * CG_HTTP_MAX_PER_IP slots, each for at most the deadline. */
typedef struct conn_watch {
	struct conn_watch *prev, *next;
	int fd;
	int64_t head_start_ms; /* cg_mono_ms; 0 while a request is handled */
} conn_watch;

static pthread_mutex_t g_cw_mu = PTHREAD_MUTEX_INITIALIZER;
static conn_watch g_cw = {&g_cw, &g_cw, -1, 0};
static atomic_bool g_cw_stop;

static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
                          enum MHD_ConnectionNotificationCode code)
{
	(void)cls;
	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *ci =
		    MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
		conn_watch *w = calloc(1, sizeof *w);
		if (!w || !ci)
			return free(w);
		w->fd = ci->connect_fd;
		w->head_start_ms = cg_mono_ms();
		pthread_mutex_lock(&g_cw_mu);
		w->next = g_cw.next;
		w->prev = &g_cw;
		g_cw.next->prev = w;
		g_cw.next = w;
		pthread_mutex_unlock(&g_cw_mu);
		*socket_context = w;
		return;
	}
	conn_watch *w = *socket_context;
	if (!w)
		return;
	pthread_mutex_lock(&g_cw_mu);
	w->prev->next = w->next;
	w->next->prev = w->prev;
	pthread_mutex_unlock(&g_cw_mu);
	free(w);
	*socket_context = NULL;
}

/* A request head is complete (start=false) or the next one begins. */
static void head_mark(struct MHD_Connection *c, bool start)
{
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	conn_watch *w = ci ? ci->socket_context : NULL;
	if (!w)
		return;
	pthread_mutex_lock(&g_cw_mu);
	w->head_start_ms = start ? cg_mono_ms() : 0;
	pthread_mutex_unlock(&g_cw_mu);
}

static void *reaper(void *arg)
{
	(void)arg;
	while (!atomic_load(&g_cw_stop)) {
		usleep(250 * 1000);
		int64_t now = cg_mono_ms();
		pthread_mutex_lock(&g_cw_mu);
		for (conn_watch *w = g_cw.next; w != &g_cw; w = w->next)
			if (w->head_start_ms &&
			    now - w->head_start_ms > CG_HTTP_HEAD_DEADLINE_S * 1000) {
				/* MHD sees the end of the stream and closes it */
				shutdown(w->fd, SHUT_RDWR);
				w->head_start_ms = 0;
			}
		pthread_mutex_unlock(&g_cw_mu);
	}
	return NULL;
}

/* ---- streamed request bodies ------------------------------------------ */

/* A route with a cg_stream is prepared (routing, authentication, policy,
 * CSRF) as soon as its head has arrived, and its body goes to the stream's
 * callbacks piece by piece as MHD reads it: an upload is written to its
 * destination without holding it in memory (a DNS log chunk was buffered
 * whole, up to CG_MAX_REQUEST_BODY, before). The request bound is the same;
 * the destination applies its own (upload size, quota) in data(). */
static void stream_free(reqctx *x)
{
	if (!x->sreq)
		return;
	if (!x->sended && x->stream_route)
		x->stream_route->stream->end(x->sstate, x->sreq, &x->sresp, false);
	x->sended = true;
	req_free(x->sreq, &x->sresp);
	free(x->sreq);
	x->sreq = NULL;
}

static enum MHD_Result stream_start(struct MHD_Connection *c, const char *url, const char *method,
                                    reqctx *x)
{
	cg_req probe = {.method = method, .path = url};
	bool known;
	int index;
	const cg_route *r = find_route(method, url, &probe, &known, &index);
	if (!r || !r->stream)
		return MHD_YES; /* buffered: dispatch() once the body is in */
	x->sreq = calloc(1, sizeof *x->sreq);
	if (!x->sreq)
		return MHD_NO;
	req_init(x->sreq, &x->sresp, c, url, method);
	const char *why = "";
	unsigned st = prepare(x->sreq, &r, &x->route, &why);
	const char *enc = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Encoding");
	if (!st && enc && *enc && strcasecmp(enc, "identity") != 0) {
		st = 415;
		why = "send the bytes as they are, without Content-Encoding";
	}
	if (st) {
		enum MHD_Result ret = send_error(c, x, st, why);
		x->sended = true;
		x->answered = true;
		stream_free(x);
		return ret;
	}
	x->stream_route = r;
	if (!r->stream->begin(x->sreq, &x->sresp, &x->sstate)) {
		/* refused before any byte (offset, owner, quota): answer now */
		x->sended = true;
		x->answered = true;
		enum MHD_Result ret = send_resp(c, x, &x->sresp);
		stream_free(x);
		x->stream_route = NULL;
		return ret;
	}
	return MHD_YES;
}

static enum MHD_Result stream_body(struct MHD_Connection *c, reqctx *x, const char *upload,
                                   size_t *upload_size)
{
	const cg_stream *sm = x->stream_route->stream;
	if (*upload_size) {
		if (!x->sfailed && !sm->data(x->sstate, x->sreq, &x->sresp, upload, *upload_size))
			x->sfailed = true;
		*upload_size = 0;
		return MHD_YES;
	}
	sm->end(x->sstate, x->sreq, &x->sresp, !x->sfailed);
	x->sended = true;
	enum MHD_Result ret = send_resp(c, x, &x->sresp);
	stream_free(x);
	return ret;
}

/* A request has ended: count it and log it (info level; with
 * --log-format json one object with its id, route, status, duration). A
 * connection that broke before an answer was queued is status 0. */
static void request_done(struct MHD_Connection *c, reqctx *x, enum MHD_RequestTerminationCode toe)
{
	uint64_t us = (uint64_t)(cg_mono_us() - x->start_us);
	cg_metrics_request(x->route, x->status, us);
	const cg_route *r = x->route >= 0 ? cg_route_at(x->route) : NULL;
	char ip[64];
	client_ip(c, ip, sizeof ip);
	cg_log_field f[] = {
	    {"request_id", x->rid, 0},
	    {"method", x->method, 0},
	    {"route", r ? r->pattern : "(unmatched)", 0},
	    {"status", NULL, (int64_t)x->status},
	    {"duration_ms", NULL, (int64_t)(us / 1000)},
	    {"client", ip, 0},
	};
	cg_log_fields(CG_LOG_INFO, f, sizeof f / sizeof f[0], "request %s %s: %u%s", x->method,
	              r ? r->pattern : "(unmatched)", x->status,
	              toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? ""
	                                                         : " (connection ended early)");
}

static enum MHD_Result handle(struct MHD_Connection *c, const char *url, const char *method,
                              const char *upload, size_t *upload_size, void **con_cls)
{
	reqctx *x = *con_cls;
	if (x)
		cg_log_set_request(x->rid);
	if (!x) {
		x = calloc(1, sizeof *x);
		if (!x)
			return MHD_NO;
		cg_buf_init(&x->raw, CG_MAX_REQUEST_BODY);
		x->start_us = cg_mono_us();
		x->route = -1;
		snprintf(x->method, sizeof x->method, "%s", method);
		request_id(c, x->rid, sizeof x->rid);
		cg_log_set_request(x->rid);
		x->counted = true;
		atomic_fetch_add(&g_inflight, 1);
		*con_cls = x;
		head_mark(c, false);
		if (strlen(url) > CG_MAX_URL) {
			x->answered = true;
			return send_error(c, x, 414, "URL too long");
		}
		if (url[0] == NUL_MARK) {
			x->answered = true;
			return send_error(c, x, 400, "a NUL byte (%00) in the path");
		}
		const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
		int64_t n;
		if (cl && cg_parse_i64(cg_slice_cstr(cl), 0, INT64_MAX, &n) == CG_OK &&
		    n > (int64_t)CG_MAX_REQUEST_BODY) {
			x->answered = true;
			return send_error(c, x, 413, "request body over the limit");
		}
		return stream_start(c, url, method, x);
	}
	if (x->answered) {
		*upload_size = 0;
		return MHD_YES;
	}
	if (x->stream_route)
		return stream_body(c, x, upload, upload_size);
	if (*upload_size) {
		if (!x->too_big && cg_buf_append(&x->raw, upload, *upload_size) != CG_OK) {
			x->too_big = true;
			cg_buf_free(&x->raw);
		}
		*upload_size = 0;
		return MHD_YES;
	}
	if (x->too_big)
		return send_error(c, x, 413, "request body over the limit");
	return dispatch(c, url, method, x);
}

/* Every call for a request (its head, each piece of its body, its end):
 * while it runs, the lines this thread logs name the request. */
static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload,
                                  size_t *upload_size, void **con_cls)
{
	(void)cls;
	(void)version;
	enum MHD_Result ret = handle(c, url, method, upload, upload_size, con_cls);
	cg_log_set_request(NULL);
	return ret;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	(void)toe;
	reqctx *x = *con_cls;
	if (!x)
		return;
	head_mark(c, true); /* kept alive: the next request's head starts now */
	request_done(c, x, toe);
	if (x->counted)
		atomic_fetch_sub(&g_inflight, 1);
	stream_free(x); /* a broken connection: the stream is told it failed */
	cg_buf_free(&x->raw);
	free(x);
	*con_cls = NULL;
}

/* Percent-decoding of the path and the query arguments, as MHD's own,
 * except that a decoded NUL ("%00") does not silently cut the string: the
 * whole value becomes NUL_MARK (one control byte; the undecoded value held
 * "%00", so it fits), which on_request() answers with 400 (a path)
 * and which no route, id or filter accepts (an argument). Without this,
 * "/assets/app.js%00.png" was served as "/assets/app.js". */
static size_t unescape(void *cls, struct MHD_Connection *c, char *s)
{
	(void)cls;
	(void)c;
	size_t n = MHD_http_unescape(s);
	if (strlen(s) != n) {
		s[0] = NUL_MARK;
		s[1] = '\0';
		return 1;
	}
	return n;
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

cg_serve_problem cg_serve_check_opts(const cg_serve_opts *o)
{
	struct sockaddr_storage ss;
	socklen_t sslen;
	bool loopback;
	if (!parse_listen(o->listen, &ss, &sslen, &loopback))
		return CG_SERVE_BAD_LISTEN;
	bool tls = !o->plain || o->tls_cert;
	if (!tls && !loopback)
		return CG_SERVE_PLAIN_NOT_LOOPBACK;
	cg_cidr proxy;
	if (o->trusted_proxy && cg_cidr_parse(cg_slice_cstr(o->trusted_proxy), &proxy))
		return CG_SERVE_BAD_PROXY;
	return CG_SERVE_OPTS_OK;
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
	if (cg_serve_check_opts(o) == CG_SERVE_BAD_PROXY) {
		fprintf(stderr, "canhgac serve: --trusted-proxy %s: not an address or range\n",
		        o->trusted_proxy);
		return 2;
	}
	if (cg_serve_check_opts(o) == CG_SERVE_PLAIN_NOT_LOOPBACK) {
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
	g_srv.reports = &o->reports;
	g_srv.has_proxy = o->trusted_proxy &&
	                  cg_cidr_parse(cg_slice_cstr(o->trusted_proxy), &g_srv.proxy) == CG_OK;
	g_srv.started_ms = cg_time_now_ms();
	/* pending migrations: a backup first (docs/packaging.md, "Upgrades") */
	if (cg_serve_backup_before_upgrade(o, &why) ||
	    cg_store_open(o->store, &g_srv.store, &why)) {
		fprintf(stderr, "canhgac serve: %s\n", cg_buf_cstr(&why));
		cg_buf_free(&why);
		return 2;
	}
	/* tests read this line to check which backend they run on */
	fprintf(stderr, "canhgac serve: store %s\n", cg_store_backend(g_srv.store));
	/* failed logins are counted in the store: every server shares them */
	if (cg_throttle_init(&g_srv.throttle, g_srv.store, CG_LOGIN_TRACKED,
	                     (int64_t)CG_LOGIN_WINDOW_S * 1000)) {
		fprintf(stderr, "canhgac serve: cannot set up the login throttle: %s\n",
		        cg_store_errmsg());
		cg_store_close(g_srv.store);
		return 2;
	}
	/* an older server's agent registry file, once */
	if (cg_agent_api_import(g_srv.store, o->data_dir)) {
		fprintf(stderr, "canhgac serve: cannot import %s/agents.db (see above)\n",
		        o->data_dir);
		cg_throttle_free(&g_srv.throttle);
		cg_store_close(g_srv.store);
		return 2;
	}
	cg_agency_cache_init(&g_srv.agencies);

	/* every thread started from here on inherits the blocked signals */
	sigset_t sigs;
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGHUP);
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
	    {MHD_OPTION_PER_IP_CONNECTION_LIMIT, CG_HTTP_MAX_PER_IP, NULL},
	    {MHD_OPTION_NOTIFY_CONNECTION, (intptr_t)on_connection, NULL},
	    {MHD_OPTION_CONNECTION_TIMEOUT, CG_HTTP_TIMEOUT_S, NULL},
	    {MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)on_completed, NULL},
	    {MHD_OPTION_EXTERNAL_LOGGER, (intptr_t)mhd_log, NULL},
	    {MHD_OPTION_UNESCAPE_CALLBACK, (intptr_t)unescape, NULL},
	    {tls ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, 0, (void *)cg_buf_cstr(&cert)},
	    {MHD_OPTION_HTTPS_MEM_KEY, 0, (void *)cg_buf_cstr(&key)},
	    {MHD_OPTION_HTTPS_PRIORITIES, 0, (void *)CG_TLS_PRIORITIES},
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
	pthread_t reaper_thread;
	atomic_store(&g_cw_stop, false);
	bool reaping = pthread_create(&reaper_thread, NULL, reaper, NULL) == 0;
	if (!reaping)
		cg_warn("http: no request-head deadline (cannot start its thread)");
	/* background work runs as jobs in the store (jobs.h), shared by every
	 * server on the same database */
	cg_web_watch *watch = NULL;
	cg_xp_job *xpjob = NULL;
	cg_jobs *jobs = NULL;
	cg_buf bwhy;
	cg_buf_init(&bwhy, 4096);
	/* the alert channels first: every producer queues through them */
	if (cg_jobs_new(g_srv.store, NULL, o->job_lease_ms, &jobs) ||
	    cg_alert_job_add(jobs, g_srv.store, o->data_dir, o->alert_config, &bwhy) ||
	    cg_web_watch_start(g_srv.store, jobs, o->data_dir, o->web_interval_s, &watch) ||
	    cg_events_job_add(jobs, g_srv.store, o->retention_months) ||
	    cg_backup_job_add(jobs, o, &bwhy) ||
	    cg_xp_job_add(jobs, g_srv.store, o->data_dir, o->exposure_days, o->exposure_days_l3,
	                  o->alert_config, &xpjob) ||
	    cg_incident_deadlines_start(jobs, g_srv.store, o->data_dir, o->alert_config, &bwhy) ||
	    cg_incident_auto_start(jobs, g_srv.store, &bwhy) || cg_inc_forms_load(NULL, &bwhy) ||
	    cg_compliance_job_add(jobs, g_srv.store, o, &bwhy) ||
	    cg_report_job_add(jobs, g_srv.store, o, &bwhy) ||
	    cg_natreport_job_add(jobs, g_srv.store, o, &bwhy) ||
	    cg_forward_jobs_add(jobs, g_srv.store, o->fwd, o->nfwd) ||
	    cg_intel_jobs_add(jobs, g_srv.store, o->intel, o->nintel) ||
	    cg_misp_jobs_add(jobs, g_srv.store, o->misp, o->nmisp) || cg_jobs_start(jobs)) {
		fprintf(stderr, "canhgac serve: cannot start the background jobs (see above) %s\n",
		        cg_buf_cstr(&bwhy));
		cg_buf_free(&bwhy);
		cg_jobs_free(jobs);
		cg_incident_deadlines_stop();
		cg_incident_auto_stop();
		cg_inc_forms_unload();
		cg_compliance_job_close();
		cg_web_watch_stop(watch);
		cg_xp_job_free(xpjob);
		cg_alert_job_close();
		atomic_store(&g_cw_stop, true);
		if (reaping)
			pthread_join(reaper_thread, NULL);
		MHD_stop_daemon(d);
		cg_store_close(g_srv.store);
		return 2;
	}
	cg_buf_free(&bwhy);
	if (cg_dns_jobs_start(&g_srv, o->job_lease_ms))
		cg_warn("jobs: cannot start the DNS analysis runner: uploads are analysed by the"
		        " other servers only");
	cg_info("jobs: this server is %s", cg_jobs_holder(jobs));
	printf("canhgac: listening on %s://%s\n", tls ? "https" : "http", shown);
	if (tls)
		printf("canhgac: TLS certificate pin %s\n", pin);
	fflush(stdout);
	cg_info("serving %s with data in %s", shown, o->data_dir);

	/* SIGHUP re-reads the configuration file (serve_config.h) */
	cg_serve_opts live = *o;
	cg_serve_config held = {0};
	int sig = 0;
	while (sigwait(&sigs, &sig) == 0 && sig == SIGHUP)
		cg_serve_reload(&live, &held, g_srv.store, &watch);
	cg_info("signal %d: stopping", sig);
	MHD_socket q = MHD_quiesce_daemon(d);
	if (q != MHD_INVALID_SOCKET)
		close(q);
	int64_t until = cg_mono_ms() + CG_HTTP_DRAIN_S * 1000;
	while (atomic_load(&g_inflight) > 0 && cg_mono_ms() < until)
		usleep(10000);
	atomic_store(&g_cw_stop, true);
	if (reaping)
		pthread_join(reaper_thread, NULL);
	MHD_stop_daemon(d);
	dns_jobs_shutdown();
	cg_jobs_free(jobs); /* a run in progress finishes first */
	cg_incident_deadlines_stop();
	cg_incident_auto_stop();
	cg_inc_forms_unload();
	cg_compliance_job_close();
	cg_web_watch_stop(watch);
	cg_xp_job_free(xpjob);
	cg_alert_job_close();
	cg_serve_config_free(&held);
	cg_store_close(g_srv.store);
	cg_throttle_free(&g_srv.throttle);
	cg_agency_cache_free(&g_srv.agencies);
	cg_buf_free(&cert);
	cg_buf_free(&key);
	cg_buf_free(&why);
	printf("canhgac: stopped\n");
	fflush(stdout);
	return 0;
}
