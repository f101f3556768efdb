/*
 * http.h - the exposure scanner's HTTP client: libcurl multi, many
 * requests at once, under a global and a per-host rate limit.
 *
 * Work arrives as requests with a completion callback; a callback may
 * submit more (a soft-404 probe after a match), and cg_xhttp_run returns
 * when nothing is queued or in flight. Requests wait in one queue per host
 * and the hosts are served round-robin, so one slow site never holds the
 * others back and no host gets more than its share: at most
 * CG_XP_PER_HOST_PARALLEL transfers and `per_host_rate` starts a second.
 * `rate` bounds starts a second over the whole run.
 *
 * Only GET and HEAD are sent (the template loader refuses anything else):
 * the scanner reads, it never changes a site. A body is kept up to
 * CG_XP_MAX_BODY; a bigger one is cut there (truncated = true) and the
 * transfer stopped: the start of a file is what shows what it is.
 *
 * Ownership: the caller allocates a request with cg_xhttp_req_new and
 * hands it to cg_xhttp_submit; it is passed back to done(), which owns it
 * from then on and frees it with cg_xhttp_req_free.
 */
#ifndef CG_XP_HTTP_H
#define CG_XP_HTTP_H

#include <stdbool.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/error.h"

typedef struct cg_xhttp cg_xhttp;
typedef struct cg_xhttp_req cg_xhttp_req;

struct cg_xhttp_req {
	/* in */
	char *url;
	bool head;   /* HEAD instead of GET */
	char **hdrs; /* "Name: value" lines */
	int nhdrs;
	bool follow; /* follow redirects */
	int max_redirects;
	const char *auth_user;     /* borrowed; with auth != 0 */
	const char *auth_password; /* borrowed */
	int auth;                  /* 0 none, 1 basic, 2 digest */
	/* a form login's POST: the urlencoded body, owned (NULL: GET/HEAD);
	 * wiped when freed, it holds a password */
	char *post;
	void (*done)(cg_xhttp_req *r, void *ctx);
	void *ctx;
	void *user; /* the caller's, untouched */
	/* out */
	bool failed; /* no HTTP answer: errmsg says why */
	bool timed_out;
	char errmsg[256];
	long status;
	cg_buf headers; /* the last response's header block */
	cg_buf body;
	bool truncated;
	double ms;
	/* private */
	cg_xhttp_req *next;
	int host;
	void *easy;
	void *slist;
};

typedef struct cg_xhttp_opts {
	int parallel;         /* transfers in flight, 1..CG_XP_MAX_PARALLEL */
	double rate;          /* starts a second in all, 0 = no limit */
	double per_host_rate; /* starts a second per host, 0 = no limit */
	long timeout_ms;
	const char *user_agent;
	bool insecure; /* certificates are not verified: a scanner
	                * reads sites with bad certificates too (the
	                * TLS check reports them) */
} cg_xhttp_opts;

void cg_xhttp_opts_default(cg_xhttp_opts *o);
cg_xhttp_req *cg_xhttp_req_new(const char *url);
cg_err cg_xhttp_req_header(cg_xhttp_req *r, const char *line);
void cg_xhttp_req_free(cg_xhttp_req *r);

cg_err cg_xhttp_new(const cg_xhttp_opts *o, cg_xhttp **out);
void cg_xhttp_free(cg_xhttp *h);
/* Queues r (its host is taken from its URL). */
cg_err cg_xhttp_submit(cg_xhttp *h, cg_xhttp_req *r);
/* Runs until every queued request, and every one the callbacks add, is
 * done. */
cg_err cg_xhttp_run(cg_xhttp *h);
/* Requests started so far. */
uint64_t cg_xhttp_sent(const cg_xhttp *h);

#endif
