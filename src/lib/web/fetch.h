/*
 * fetch.h - fetching many pages at once with libcurl multi.
 *
 * A caller describes groups of requests (one group = one page seen as a
 * browser, as crawlers, as a search visitor...). At most `parallel` groups
 * are in flight; when every request of a group has finished, done() is
 * called with the group, so the caller can analyse the page and free its
 * bodies before more are fetched: memory stays bounded by
 * parallel * views * CG_MAX_WEB_PAGE however many URLs are checked.
 *
 * Redirects are followed by hand (not CURLOPT_FOLLOWLOCATION) so that the
 * whole chain is recorded and a loop is named as such. Bodies past
 * CG_MAX_WEB_PAGE abort the transfer (too_large). HTTP/2 is used when the
 * server offers it; certificates are verified (CA file configurable).
 *
 * Ownership: cg_web_req's out fields are owned by the request and released
 * by cg_web_req_free; `url`, `user_agent`, `referer` are borrowed.
 */
#ifndef CG_WEB_FETCH_H
#define CG_WEB_FETCH_H

#include <stdbool.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/limits.h"

typedef enum cg_fetch_fail {
	CG_FETCH_OK = 0,
	CG_FETCH_UNREACHABLE, /* DNS, connection refused, reset, protocol */
	CG_FETCH_TIMEOUT,     /* connect or total timeout */
	CG_FETCH_TLS,         /* handshake or certificate verification */
	CG_FETCH_TOO_LARGE,   /* body over CG_MAX_WEB_PAGE */
	CG_FETCH_REDIRECTS,   /* loop or more than CG_MAX_WEB_REDIRECTS */
} cg_fetch_fail;

typedef struct cg_web_req {
	/* in */
	const char *url;
	const char *user_agent;
	const char *referer; /* NULL for none */
	bool want_cert;      /* collect the server certificate's expiry */
	/* out */
	cg_fetch_fail fail;
	char errmsg[256];                      /* curl's reason when fail != OK */
	long status;                           /* last HTTP status, 0 when none */
	char *final_url;                       /* after redirects */
	char *content_type;                    /* NULL when absent */
	char *chain[CG_MAX_WEB_REDIRECTS + 1]; /* URLs redirected from, in order */
	int nchain;
	cg_buf body;            /* decoded (gzip/br) body, max CG_MAX_WEB_PAGE */
	double time_ms;         /* whole fetch, redirects included */
	int64_t cert_expiry_ms; /* 0 when unknown */
	char cert_subject[256];
	/* private */
	void *priv;
	int redirects;
	double t_start;
} cg_web_req;

typedef struct cg_web_group {
	cg_web_req *reqs;
	int nreqs;
	void *user;
} cg_web_group;

typedef struct cg_web_fetch_opts {
	int parallel; /* groups in flight, 1..CG_MAX_WEB_PARALLEL */
	long connect_timeout_ms;
	long timeout_ms;
	const char *ca_file; /* NULL: system store */
	bool insecure;       /* skip verification (tests only) */
} cg_web_fetch_opts;

void cg_web_fetch_opts_default(cg_web_fetch_opts *o);
void cg_web_req_free(cg_web_req *r);
const char *cg_fetch_fail_name(cg_fetch_fail f);

/* Fetches every group; calls done(group, ctx) once per group as soon as
 * its requests are finished (successfully or not). Returns an error only
 * when libcurl itself cannot be set up. */
cg_err cg_web_fetch_groups(cg_web_group *groups, size_t ngroups, const cg_web_fetch_opts *o,
                           void (*done)(cg_web_group *g, void *ctx), void *ctx);

#endif
