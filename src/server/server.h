/*
 * server.h - the HTTP server of `canhgac serve`: requests, responses, the
 * route table, and the helpers every handler uses.
 *
 * How a request flows (http.c):
 *   1. libmicrohttpd accepts it (thread pool, TLS via GnuTLS); the body is
 *      collected into a cg_buf bounded by CG_MAX_REQUEST_BODY (413 past
 *      it) and gunzipped when Content-Encoding: gzip (bounded the same).
 *   2. The route table (routes.c gathers each api_*.c file's rows) is
 *      searched by method and path; a pattern segment "{name}" matches a
 *      positive integer (cg_req_param(req, "name"); "{id}" also req->id),
 *      a final "*" matches the rest of the path (req->tail).
 *   3. Authentication: "Authorization: Bearer cgt_..." (an API token) or
 *      the cg_session cookie. The policy (api/policy.h) answers whether
 *      this caller may do the row's action on its resource; handlers ask
 *      it again with the record's agency and owner (cg_req_allow).
 *      Cookie-authenticated POST/PUT/PATCH/DELETE also need X-CSRF-Token.
 *      The caller's agency scope (req->scope) is set here, once; handlers
 *      pass it to every store call, and the store applies it in SQL.
 *   4. The handler fills a cg_resp (status + JSON or bytes); http.c adds
 *      the security headers and sends it.
 *
 * Adding an API route: write the handler in src/server/api_NAME.c
 * (void fn(cg_req *, cg_resp *)) and add its row to that file's
 * api_NAME_routes[] (a new file: its group to routes.c and the file to
 * src/server/meson.build). See docs/server.md.
 */
#ifndef CG_SERVER_H
#define CG_SERVER_H

#include <jansson.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/limits.h"
#include "api/agencytable.h"
#include "api/auth.h"
#include "api/forwarded.h"
#include "api/policy.h"
#include "syslog/syslog.h"
#include "share/intel_feed.h"
#include "share/natreport_send.h"
#include "api/throttle.h"
#include "api/users.h"
#include "store/store.h"

struct MHD_Connection;

/* cg_role, cg_role_parse, cg_role_name: api/users.h */

typedef struct cg_server {
	cg_store *store;
	const char *data_dir; /* DNS log uploads live below it */
	cg_throttle throttle;
	cg_agency_cache agencies; /* address plan: rebuilt when agencies change */
	bool tls;
	int64_t started_ms;
	bool has_proxy;                         /* --trusted-proxy given */
	cg_cidr proxy;                          /* its range (api/forwarded.h) */
	const struct cg_serve_reports *reports; /* [reports]: formats, signing key */
} cg_server;

/* The authenticated caller. */
typedef struct cg_principal {
	bool is_user;      /* cookie session */
	bool is_token;     /* API token */
	int64_t id;        /* user id or token id */
	cg_role role;      /* users */
	char scope[16];    /* tokens: "ingest", "read", "agent", "metrics" */
	int64_t agency_id; /* 0 = province-wide */
	json_t *user;      /* users: the user record (owned) */
	char csrf[CG_SECRET_TEXT + 8];
	char actor[192]; /* audit name: "user:NAME" or "token:ID:NAME" */
} cg_principal;

/* A named path parameter: "{task}" in the pattern, a positive integer in
 * the path. */
typedef struct cg_param {
	char name[24];
	int64_t value;
} cg_param;

typedef struct cg_req {
	cg_server *srv;
	struct MHD_Connection *conn;
	const char *method;
	const char *path;
	int64_t id; /* the "{id}" parameter (cg_req_param(req, "id")), 0 when none */
	cg_param params[CG_MAX_ROUTE_PARAMS];
	int nparams;
	const char *tail; /* what "*" matched, "" when none */
	cg_buf body;      /* the request body, decompressed */
	cg_principal who;
	cg_scope scope; /* the caller's agency scope: pass it to the store */
	cg_actor actor; /* the caller for the audit log */
	char client_ip[64];
} cg_req;

#define CG_RESP_MAX_HEADERS 2
typedef struct cg_resp {
	unsigned status;
	cg_buf body;
	const char *content_type;
	const void *static_data; /* for embedded assets: sent without copy */
	size_t static_len;
	char set_cookie[256];
	char disposition[256]; /* Content-Disposition when set (downloads) */
	/* headers a protocol asks for (TAXII's X-TAXII-Date-Added-First and
	 * -Last): names are literals, values short text */
	const char *hdr_name[CG_RESP_MAX_HEADERS];
	char hdr_value[CG_RESP_MAX_HEADERS][48];
	char filename[128];  /* a download: Content-Disposition attachment ("" none) */
	char signature[160]; /* a signed export: X-Canhgac-Signature, its .p7s URL */
	bool truncated;      /* an export cut at its row limit: X-Canhgac-Truncated */
	bool cacheable;      /* static assets may be cached */
} cg_resp;

typedef void (*cg_handler)(cg_req *req, cg_resp *resp);

/* A route whose body is streamed instead of buffered (uploads): http.c
 * prepares the request (route, caller, policy, CSRF) once its head is in,
 * then calls begin() before the first byte, data() for each piece as it
 * arrives and end() once the body has ended or the connection broke. */
typedef struct cg_stream {
	/* Check and open the destination; false with resp set refuses the
	 * request before its body is read (it is answered at once). */
	bool (*begin)(cg_req *req, cg_resp *resp, void **state);
	/* Store one piece; false with resp set stops storing (the rest of the
	 * body is read and dropped, then resp is sent). */
	bool (*data)(void *state, cg_req *req, cg_resp *resp, const char *p, size_t n);
	/* The end: ok when every piece was stored and the body is complete
	 * (false also for a broken connection: undo). Sets resp when ok,
	 * releases state always. */
	void (*end)(void *state, cg_req *req, cg_resp *resp, bool ok);
} cg_stream;

/* One route. Who may call it is not a column: it is the policy's answer
 * (api/policy.h) for the row's action on its resource, asked before the
 * handler runs; handlers ask again once the record's agency or owner is
 * known (cg_req_allow). */
typedef struct cg_route {
	const char *method;  /* "GET", "POST", "PUT", "PATCH", "DELETE" */
	const char *pattern; /* "/api/v1/incidents/{id}/tasks/{task}" */
	cg_handler fn;
	cg_pol_resource res;
	cg_pol_action act;
	const cg_stream *stream; /* NULL: the body is buffered (req->body) */
} cg_route;

/* Each api_*.c file keeps the rows of its routes next to its handlers:
 *   const cg_route api_NAME_routes[] = {...};
 *   const size_t api_NAME_nroutes = sizeof api_NAME_routes / sizeof ...;
 * routes.c gathers the groups into one table, in order. */
typedef struct cg_route_group {
	const cg_route *rows;
	const size_t *n;
} cg_route_group;

#define CG_ROUTE_GROUP(name)                                                                       \
	extern const cg_route name##_routes[];                                                     \
	extern const size_t name##_nroutes
#define CG_ROUTE_COUNT(name)                                                                       \
	const size_t name##_nroutes = sizeof name##_routes / sizeof name##_routes[0]

/* The whole table: routes in match order. */
int cg_route_count(void);
const cg_route *cg_route_at(int i);
/* Who may call the route, in one word (cg_pol_summary). */
const char *cg_route_auth_word(const cg_route *r, char *buf, size_t n);

/* ---- running ---------------------------------------------------------- */

/* Scheduled backups (backup_job.h), from the [backup] section of --config. */
typedef struct cg_serve_backup {
	const char *dir;        /* NULL: none scheduled */
	int keep;               /* newest backups kept */
	int hour;               /* local hour of the nightly run, 0-23 */
	const char *encrypt_to; /* X25519 public key file, or NULL */
	const char *sign_key;   /* Ed25519 secret key file, or NULL */
} cg_serve_backup;
#define CG_SERVE_BACKUP_KEEP 7
#define CG_SERVE_BACKUP_HOUR 2

/* Scheduled reports (report_job.h), from the [reports] section of --config. */
typedef struct cg_serve_reports {
	bool on;               /* the section is there */
	unsigned formats;      /* report/make.h CG_RFMT_BIT()s */
	bool english;          /* lang = en */
	const char *sign_key;  /* PEM file or pkcs11: URI; NULL: not signed */
	const char *sign_cert; /* PEM file; NULL: from the token */
	const char *pkcs11_module, *pin_file, *signer_name;
} cg_serve_reports;

typedef struct cg_serve_opts {
	const char *listen; /* "127.0.0.1:8080", "[::1]:0", "0.0.0.0:8443" */
	const char *data_dir;
	const char *store;    /* store URL (store.h cg_store_open) */
	const char *tls_cert; /* PEM files, or NULL: generated in data dir */
	const char *tls_key;
	bool plain;               /* no TLS (only allowed on loopback) */
	int web_interval_s;       /* portal watching period; 0 = off */
	const char *alert_config; /* alerts INI (web_alert.h), or NULL */
	const char *config;       /* --config FILE, re-read on SIGHUP (serve_config.h) */
	unsigned fixed;           /* CG_SERVE_FIXED_*: given on the command line,
	                             which a reload leaves alone */
	int64_t job_lease_ms;     /* job lease (jobs.h); 0 = CG_JOB_LEASE_MS */
	cg_serve_backup backup;
	cg_serve_reports reports;
	const char *trusted_proxy; /* CIDR whose X-Forwarded-For is believed
	                              (api/forwarded.h), or NULL */
	int retention_months;      /* events kept (events_job.h); 0 = all */
	int exposure_days;         /* scheduled exposure scans (exposure_job.h):
	                              days between scans of a system, 0 = none */
	int exposure_days_l3;      /* the same from security level 3 up (>= 1) */
	const cg_fwd_dest *fwd;    /* syslog destinations (forward_job.h) */
	size_t nfwd;
	const cg_intel_feed *intel; /* intelligence sources pulled (intel_job.h) */
	cg_natsend_conf national;   /* [national] (natreport_job.h) */
	size_t nintel;
	const struct cg_misp_dest *misp; /* MISP push destinations (misp_job.h) */
	size_t nmisp;
} cg_serve_opts;

/* What is wrong with the options before anything is opened or created:
 * the listen address, or plain HTTP off loopback. cg_serve_run refuses
 * the same; `canhgac serve` asks first so a refused start writes nothing. */
typedef enum cg_serve_problem {
	CG_SERVE_OPTS_OK = 0,
	CG_SERVE_BAD_LISTEN,         /* not ADDR:PORT / [V6]:PORT */
	CG_SERVE_PLAIN_NOT_LOOPBACK, /* --no-tls on an address off loopback */
	CG_SERVE_BAD_PROXY,          /* --trusted-proxy is not an address or CIDR */
} cg_serve_problem;
cg_serve_problem cg_serve_check_opts(const cg_serve_opts *o);
enum {
	CG_SERVE_FIXED_WEB_INTERVAL = 1,
	CG_SERVE_FIXED_ALERTS = 2,
	CG_SERVE_FIXED_LOG_LEVEL = 4,
	CG_SERVE_FIXED_LISTEN = 8,    /* (these three need a restart anyway: */
	CG_SERVE_FIXED_DATA_DIR = 16, /* a reload only says so when the */
	CG_SERVE_FIXED_TLS = 32,      /* file changed them) */
	CG_SERVE_FIXED_LOG_FORMAT = 64,
	CG_SERVE_FIXED_XP = 128,    /* --exposure-interval */
	CG_SERVE_FIXED_XP_L3 = 256, /* --exposure-interval-level3 */
};
#define CG_SERVE_WEB_INTERVAL_S 300 /* --web-interval default */

/* Runs until SIGTERM/SIGINT; returns an exit status. Prints the address
 * and (under TLS) the certificate pin on stdout. */
int cg_serve_run(const cg_serve_opts *o);

/* Starts the job runner of the DNS log analyses ("dns-analysis",
 * dns_upload.c); lease_ms 0 = CG_JOB_LEASE_MS. */
cg_err cg_dns_jobs_start(cg_server *srv, int64_t lease_ms);
/* Stops it (an analysis in progress stops and is left for the next run);
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
/* A named path parameter ("{task}" -> cg_req_param(req, "task")); 0 when
 * the pattern has none of that name (values are positive integers). */
int64_t cg_req_param(const cg_req *req, const char *name);
/* The policy's answer for the caller doing act on res of agency_id
 * (CG_POL_ANY_AGENCY when not known) and owner; on a refusal the 401/403
 * is set and false returned. */
bool cg_req_allow(cg_req *req, cg_resp *resp, cg_pol_action act, cg_pol_resource res,
                  int64_t agency_id, cg_pol_owner owner);
/* The caller as the policy sees it. */
cg_pol_who cg_req_who(const cg_req *req);

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

/* What `canhgac serve` offers (GnuTLS priority string): TLS 1.3 and 1.2
 * only, AEAD ciphers only (AES-GCM, ChaCha20-Poly1305), forward-secret key
 * exchange (ECDHE, and DHE for old 1.2 clients), as Mozilla's
 * "intermediate" profile. TLS 1.0/1.1 and CBC suites are what the exposure
 * scanner reports on the province's portals; the server must not offer
 * them itself (issue 18.7). */
#define CG_TLS_PRIORITIES                                                                          \
	"SECURE128:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2:-CIPHER-ALL:+AES-256-GCM:+AES-128-GCM:"     \
	"+CHACHA20-POLY1305:-MAC-ALL:+AEAD:-KX-ALL:+ECDHE-ECDSA:+ECDHE-RSA:+DHE-RSA:"              \
	"%SERVER_PRECEDENCE"

/* Loads cert and key PEM (cert_file/key_file), or when both are NULL
 * loads or creates a self-signed pair in DATA_DIR/tls/. *pin gets the
 * certificate's public-key pin "sha256//BASE64" (curl's
 * CURLOPT_PINNEDPUBLICKEY form). */
cg_err cg_tls_setup(const char *data_dir, const char *cert_file, const char *key_file,
                    cg_buf *cert_pem, cg_buf *key_pem, char *pin, size_t pin_size, cg_buf *why);

#endif
