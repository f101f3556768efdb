/*
 * server.h - the HTTP server of `canhgac serve`: requests, responses, the
 * route table, and the helpers every handler uses.
 *
 * How a request flows (http.c):
 *   1. libmicrohttpd accepts it (thread pool, TLS via GnuTLS); the body is
 *      collected into a cg_buf bounded by CG_MAX_REQUEST_BODY (413 past
 *      it) and gunzipped when Content-Encoding: gzip (bounded the same).
 *   2. The route table (routes.c) is searched by method and path; a
 *      pattern segment "{id}" matches a positive integer (req->id), a
 *      final "*" matches the rest of the path (req->tail).
 *   3. Authentication: "Authorization: Bearer cgt_..." (an API token) or
 *      the cg_session cookie. The route's `auth` says who may call it;
 *      cookie-authenticated POST/PUT/PATCH/DELETE also need X-CSRF-Token.
 *      The caller's agency scope (req->scope) is set here, once; handlers
 *      pass it to every store call, and the store applies it in SQL.
 *   4. The handler fills a cg_resp (status + JSON or bytes); http.c adds
 *      the security headers and sends it.
 *
 * Adding an API route: write the handler in src/server/api_NAME.c
 * (void fn(cg_req *, cg_resp *)), declare it in routes.c and add one row
 * to cg_routes[] there; list the file in src/server/meson.build. See
 * docs/server.md.
 */
#ifndef CG_SERVER_H
#define CG_SERVER_H

#include <jansson.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/buf.h"
#include "api/auth.h"
#include "store/store.h"

struct MHD_Connection;

typedef enum cg_role {
	CG_ROLE_NONE = 0,
	CG_ROLE_ADMIN,
	CG_ROLE_ANALYST,
	CG_ROLE_OFFICER,
	CG_ROLE_VIEWER,
} cg_role;

cg_role cg_role_parse(const char *s);
const char *cg_role_name(cg_role r);

/* Who may call a route. */
typedef enum cg_auth {
	CG_AUTH_PUBLIC = 0, /* anyone (login, the dashboard's files) */
	CG_AUTH_READ,       /* any signed-in user; tokens with scope read */
	CG_AUTH_WRITE,      /* users who may change things: admin, analyst,
	                       officer (within their agency) */
	CG_AUTH_ADMIN,      /* users with role admin */
	CG_AUTH_INGEST,     /* tokens with scope ingest or agent */
	CG_AUTH_AGENT,      /* tokens with scope agent */
	CG_AUTH_USER,       /* any signed-in user, no tokens (session info) */
	CG_AUTH_UPLOAD,     /* as CG_AUTH_INGEST, and province-level users
	                       (admin, analyst) from the dashboard */
} cg_auth;

const char *cg_auth_name(cg_auth a);

typedef struct cg_server {
	cg_store *store;
	const char *data_dir; /* DNS log uploads live below it */
	cg_throttle throttle;
	bool tls;
	int64_t started_ms;
} cg_server;

/* The authenticated caller. */
typedef struct cg_principal {
	bool is_user;      /* cookie session */
	bool is_token;     /* API token */
	int64_t id;        /* user id or token id */
	cg_role role;      /* users */
	char scope[16];    /* tokens: "ingest", "read", "agent" */
	int64_t agency_id; /* 0 = province-wide */
	json_t *user;      /* users: the user record (owned) */
	char csrf[CG_SECRET_TEXT + 8];
	char actor[192]; /* audit name: "user:NAME" or "token:ID:NAME" */
} cg_principal;

typedef struct cg_req {
	cg_server *srv;
	struct MHD_Connection *conn;
	const char *method;
	const char *path;
	int64_t id;       /* the {id} of the route pattern, 0 when none */
	const char *tail; /* what "*" matched, "" when none */
	cg_buf body;      /* the request body, decompressed */
	cg_principal who;
	cg_scope scope; /* the caller's agency scope: pass it to the store */
	cg_actor actor; /* the caller for the audit log */
	char client_ip[64];
} cg_req;

typedef struct cg_resp {
	unsigned status;
	cg_buf body;
	const char *content_type;
	const void *static_data; /* for embedded assets: sent without copy */
	size_t static_len;
	char set_cookie[256];
	bool cacheable; /* static assets may be cached */
} cg_resp;

typedef void (*cg_handler)(cg_req *req, cg_resp *resp);

typedef struct cg_route {
	const char *method;  /* "GET", "POST", "PUT", "PATCH", "DELETE" */
	const char *pattern; /* "/api/v1/agencies/{id}" */
	cg_handler fn;
	cg_auth auth;
} cg_route;

extern const cg_route cg_routes[];
extern const int cg_nroutes;

/* ---- running ---------------------------------------------------------- */

typedef struct cg_serve_opts {
	const char *listen; /* "127.0.0.1:8080", "[::1]:0", "0.0.0.0:8443" */
	const char *data_dir;
	const char *store;    /* store URL (store.h cg_store_open) */
	const char *tls_cert; /* PEM files, or NULL: generated in data dir */
	const char *tls_key;
	bool plain; /* no TLS (only allowed on loopback) */
	int web_interval_s; /* portal watching period; 0 = off */
	const char *alert_config; /* alerts INI (web_alert.h), or NULL */
	int64_t job_lease_ms;     /* job lease (jobs.h); 0 = CG_JOB_LEASE_MS */
} cg_serve_opts;

/* Runs until SIGTERM/SIGINT; returns an exit status. Prints the address
 * and (under TLS) the certificate pin on stdout. */
int cg_serve_run(const cg_serve_opts *o);

/* Stops and joins the DNS log analyses still running (dns_upload.c);
 * called before the store is closed. */
void dns_jobs_shutdown(void);

/* ---- handler helpers -------------------------------------------------- */

/* Sets a JSON body (takes the reference). */
void cg_resp_json(cg_resp *r, unsigned status, json_t *body);
/* {"error": msg} (+ "details": details when non-NULL; reference taken). */
void cg_resp_error(cg_resp *r, unsigned status, const char *msg, json_t *details);
/* Maps a store error to the HTTP answer (404, 409, 400, 403, 500). */
void cg_resp_store_error(cg_resp *r, cg_err err, const char *what);

/* A query-string argument, or NULL. */
const char *cg_req_arg(cg_req *req, const char *name);
/* A cookie's value copied into out; false when absent or too long. */
bool cg_req_cookie(cg_req *req, const char *name, char *out, size_t outsize);
/* A request header, or NULL. */
const char *cg_req_header(cg_req *req, const char *name);
/* The body as a JSON value; on failure the response is set (415 or 400
 * with the parser's reason) and false returned. */
bool cg_req_json(cg_req *req, cg_resp *resp, json_t **out);
/* ?limit=&offset= with the contract's defaults; false after a 400. */
bool cg_req_paging(cg_req *req, cg_resp *resp, int64_t *limit, int64_t *offset);
/* An integer query argument (0 when absent); false after a 400. */
bool cg_req_int_arg(cg_req *req, cg_resp *resp, const char *name, int64_t min, int64_t max,
                    int64_t *out);
/* May the caller change things (role admin/analyst/officer)? Sets 403. */
bool cg_req_can_write(cg_req *req, cg_resp *resp);

/* {"items":[...],"total":N} */
json_t *cg_list_body(json_t *items, int64_t total);

/* ---- static assets (generated from web/ at build time) ---------------- */

typedef struct cg_asset {
	const char *path; /* "/index.html", "/assets/app.js" */
	const char *content_type;
	const unsigned char *data;
	size_t len;
} cg_asset;

extern const cg_asset cg_assets[];
extern const int cg_nassets;

/* ---- TLS -------------------------------------------------------------- */

/* Loads cert and key PEM (cert_file/key_file), or when both are NULL
 * loads or creates a self-signed pair in DATA_DIR/tls/. *pin gets the
 * certificate's public-key pin "sha256//BASE64" (curl's
 * CURLOPT_PINNEDPUBLICKEY form). */
cg_err cg_tls_setup(const char *data_dir, const char *cert_file, const char *key_file,
                    cg_buf *cert_pem, cg_buf *key_pem, char *pin, size_t pin_size, cg_buf *why);

#endif
