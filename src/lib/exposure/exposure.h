/*
 * exposure.h - the vulnerability and exposure scan engine behind
 * `canhgac scan exposure`: targets in, findings (cg_event, source
 * "exposure") out through a sink.
 *
 * For each target the engine first finds its web sites (a GET of the
 * base over the scheme(s) the target allows); a site that answers is then
 * checked with every loaded template and the built-in checks (missing
 * security headers). A template match on a path other than the base is
 * confirmed against a soft 404 (soft404.c): the same request for a random
 * path of the same shape must NOT match too, else the site answers
 * everything alike and the match says nothing.
 *
 * The library never prints: findings, per-target errors, and with
 * dry_run the requests that would be sent, all go to the sink.
 */
#ifndef CG_XP_EXPOSURE_H
#define CG_XP_EXPOSURE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/event.h"
#include "creds.h"
#include "http.h"
#include "ports.h"
#include "versions.h"
#include "target.h"
#include "template.h"

typedef struct cg_xp_sink {
	void (*finding)(const cg_event *ev, const char *target, const char *check, void *ctx);
	/* msg is a fixed English sentence (translatable), detail the facts */
	void (*error)(const char *target, const char *msg, const char *detail, void *ctx);
	void (*request)(const char *method, const char *url, const char *check, void *ctx);
	/* every open port found, probed (findings are reported apart) */
	void (*port)(const char *host, const cg_xport_result *r, void *ctx);
	void *ctx;
} cg_xp_sink;

typedef struct cg_xp_opts {
	cg_xhttp_opts http;
	bool dry_run;
	bool tls;              /* the TLS handshake check of https targets */
	const uint16_t *ports; /* the connect scan, when nports > 0 */
	size_t nports;
	long banner_ms;
	const cg_xfeed *feed;       /* versions: CVE entries or the shipped list */
	const cg_xdevices *devices; /* --credentials: NULL = off */
	cg_xtpl **tpls;             /* loaded, not skipped */
	size_t ntpls;
} cg_xp_opts;

typedef struct cg_xp_stats {
	uint64_t sites;       /* web sites that answered */
	uint64_t unreachable; /* range hosts with no web site (not errors) */
	uint64_t requests;
	uint64_t findings;
	uint64_t soft404; /* matches dropped as soft 404s */
	uint64_t errors;
	uint64_t open_ports;
} cg_xp_stats;

void cg_xp_opts_default(cg_xp_opts *o);
/* The User-Agent every request carries. */
const char *cg_xp_user_agent(void);

cg_err cg_xp_scan(const cg_xtargets *ts, const cg_xp_opts *o, const cg_xp_sink *sink,
                  cg_xp_stats *st);

/* Built-in check: the security headers a page lacks (names appended to
 * missing, a JSON array). https says whether HSTS is expected. Exposed
 * for the unit test. */
void cg_xp_missing_headers(cg_slice headers, bool https, json_t *missing);
/* A random path of the same shape as path, its last segment replaced
 * ("/.env" -> "/.kxqwpabcde", "/db/backup.sql" -> "/db/hgkqxqplab.sql",
 * "/admin/" -> "/qhxpmmnoqr/"), query kept, for the soft-404 probe. */
cg_err cg_xp_random_shape(const char *path, cg_buf *out);

#endif
