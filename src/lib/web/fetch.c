/*
 * fetch.c - libcurl multi driver for cg_web_fetch_groups (see fetch.h).
 *
 * One easy handle per request, reused across its redirects. The loop keeps
 * at most o->parallel groups active; each finished transfer either follows
 * its redirect (same handle, new URL, re-added) or completes its request;
 * a group whose requests are all complete is handed to done() at once, so
 * the caller's analysis overlaps the remaining transfers' network time.
 */
#include "fetch.h"

#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/limits.h"

void cg_web_fetch_opts_default(cg_web_fetch_opts *o)
{
	memset(o, 0, sizeof *o);
	o->parallel = 16;
	o->connect_timeout_ms = CG_WEB_CONNECT_TIMEOUT_MS;
	o->timeout_ms = CG_WEB_TOTAL_TIMEOUT_MS;
}

const char *cg_fetch_fail_name(cg_fetch_fail f)
{
	switch (f) {
	case CG_FETCH_OK:
		return "ok";
	case CG_FETCH_UNREACHABLE:
		return "unreachable";
	case CG_FETCH_TIMEOUT:
		return "timeout";
	case CG_FETCH_TLS:
		return "tls_error";
	case CG_FETCH_TOO_LARGE:
		return "too_large";
	case CG_FETCH_REDIRECTS:
		return "redirect_loop";
	}
	return "unknown";
}

void cg_web_req_free(cg_web_req *r)
{
	free(r->final_url);
	free(r->content_type);
	for (int i = 0; i < r->nchain; i++)
		free(r->chain[i]);
	cg_buf_free(&r->body);
	r->final_url = r->content_type = NULL;
	r->nchain = 0;
}

/* Per-request private state tied to the easy handle. */
typedef struct xfer {
	cg_web_req *req;
	size_t group;
	CURL *h;
	bool over_cap;
} xfer;

static size_t on_body(char *p, size_t size, size_t n, void *ud)
{
	xfer *x = ud;
	size_t len = size * n;
	if (cg_buf_append(&x->req->body, p, len) != CG_OK) {
		x->over_cap = true;
		return 0; /* aborts the transfer with CURLE_WRITE_ERROR */
	}
	return len;
}

/* "Nov 21 04:00:00 2027 GMT" (OpenSSL's ASN1_TIME_print) -> ms. */
static int64_t parse_cert_time(const char *s)
{
	struct tm tm;
	memset(&tm, 0, sizeof tm);
	const char *end = strptime(s, "%b %d %H:%M:%S %Y", &tm);
	if (!end)
		return 0;
	return (int64_t)timegm(&tm) * 1000;
}

static void collect_cert(xfer *x)
{
	struct curl_certinfo *ci = NULL;
	if (curl_easy_getinfo(x->h, CURLINFO_CERTINFO, &ci) != CURLE_OK || !ci ||
	    ci->num_of_certs < 1)
		return;
	for (struct curl_slist *s = ci->certinfo[0]; s; s = s->next) {
		if (strncmp(s->data, "Expire date:", 12) == 0)
			x->req->cert_expiry_ms = parse_cert_time(s->data + 12);
		else if (strncmp(s->data, "Subject:", 8) == 0 &&
		         cg_slice_copy(cg_slice_cstr(s->data + 8), x->req->cert_subject,
		                       sizeof x->req->cert_subject) != CG_OK)
			x->req->cert_subject[0] = '\0'; /* too long: leave it out */
	}
}

static cg_fetch_fail classify(CURLcode rc, const xfer *x)
{
	if (x->over_cap || rc == CURLE_FILESIZE_EXCEEDED)
		return CG_FETCH_TOO_LARGE;
	switch (rc) {
	case CURLE_OPERATION_TIMEDOUT:
		return CG_FETCH_TIMEOUT;
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_INVALIDCERTSTATUS:
		return CG_FETCH_TLS;
	case CURLE_TOO_MANY_REDIRECTS:
		return CG_FETCH_REDIRECTS;
	default:
		return CG_FETCH_UNREACHABLE;
	}
}

static void set_url(xfer *x, const char *url)
{
	curl_easy_setopt(x->h, CURLOPT_URL, url);
}

static CURL *make_handle(xfer *x, const cg_web_fetch_opts *o)
{
	CURL *h = curl_easy_init();
	if (!h)
		return NULL;
	cg_web_req *r = x->req;
	x->h = h;
	curl_easy_setopt(h, CURLOPT_PRIVATE, x);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, x);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, r->errmsg);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS);
	curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)CG_MAX_WEB_PAGE);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, o->connect_timeout_ms);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, o->timeout_ms);
	curl_easy_setopt(h, CURLOPT_USERAGENT, r->user_agent);
	if (r->referer)
		curl_easy_setopt(h, CURLOPT_REFERER, r->referer);
	if (o->ca_file)
		curl_easy_setopt(h, CURLOPT_CAINFO, o->ca_file);
	if (o->insecure) {
		curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	if (r->want_cert && strncmp(r->url, "https:", 6) == 0) {
		/* certinfo is only gathered on a fresh handshake */
		curl_easy_setopt(h, CURLOPT_CERTINFO, 1L);
		curl_easy_setopt(h, CURLOPT_FRESH_CONNECT, 1L);
	}
	static const char *const hdrs[] = {
	    "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
	    "Accept-Language: vi-VN,vi;q=0.9,en;q=0.5",
	};
	struct curl_slist *sl = NULL;
	for (size_t i = 0; i < sizeof hdrs / sizeof hdrs[0]; i++)
		sl = curl_slist_append(sl, hdrs[i]);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, sl);
	r->priv = sl;
	r->final_url = strdup(r->url);
	set_url(x, r->url);
	cg_buf_init(&r->body, CG_MAX_WEB_PAGE);
	cg_buf_reserve(&r->body, 96u * 1024u); /* one allocation for most pages */
	return h;
}

static bool in_chain(const cg_web_req *r, const char *url)
{
	if (r->final_url && strcmp(r->final_url, url) == 0)
		return true;
	for (int i = 0; i < r->nchain; i++)
		if (strcmp(r->chain[i], url) == 0)
			return true;
	return false;
}

/* After a 3xx: true when the handle was re-armed for the next hop. */
static bool follow(xfer *x)
{
	cg_web_req *r = x->req;
	char *loc = NULL;
	if (r->status < 300 || r->status > 399 ||
	    curl_easy_getinfo(x->h, CURLINFO_REDIRECT_URL, &loc) != CURLE_OK || !loc)
		return false;
	if (in_chain(r, loc)) {
		r->fail = CG_FETCH_REDIRECTS;
		snprintf(r->errmsg, sizeof r->errmsg, "redirect loop back to %.200s", loc);
		return false;
	}
	if (r->nchain >= CG_MAX_WEB_REDIRECTS) {
		r->fail = CG_FETCH_REDIRECTS;
		snprintf(r->errmsg, sizeof r->errmsg, "more than %d redirects",
		         CG_MAX_WEB_REDIRECTS);
		return false;
	}
	char *next = strdup(loc);
	if (!next)
		return false;
	r->chain[r->nchain++] = r->final_url;
	r->final_url = next;
	cg_buf_reset(&r->body);
	set_url(x, next);
	return true;
}

/* A transfer ended: returns true when it continues (redirect). */
static bool finish(xfer *x, CURLcode rc)
{
	cg_web_req *r = x->req;
	curl_easy_getinfo(x->h, CURLINFO_RESPONSE_CODE, &r->status);
	double t = 0;
	curl_easy_getinfo(x->h, CURLINFO_TOTAL_TIME, &t);
	r->time_ms += t * 1000.0;
	if (r->want_cert && r->cert_expiry_ms == 0)
		collect_cert(x);
	if (rc != CURLE_OK) {
		r->fail = classify(rc, x);
		if (r->fail == CG_FETCH_TOO_LARGE)
			snprintf(r->errmsg, sizeof r->errmsg, "body larger than the %u-byte limit",
			         CG_MAX_WEB_PAGE);
		else if (!r->errmsg[0])
			snprintf(r->errmsg, sizeof r->errmsg, "%s", curl_easy_strerror(rc));
		return false;
	}
	if (follow(x))
		return true;
	char *ct = NULL;
	if (curl_easy_getinfo(x->h, CURLINFO_CONTENT_TYPE, &ct) == CURLE_OK && ct)
		r->content_type = strdup(ct);
	return false;
}

static void release(xfer *x)
{
	curl_easy_cleanup(x->h);
	curl_slist_free_all(x->req->priv);
	x->req->priv = NULL;
	x->h = NULL;
}

typedef struct run {
	CURLM *m;
	cg_web_group *groups;
	size_t ngroups, next;
	int *left;    /* requests still running, per group */
	xfer **xfers; /* per group */
	size_t active;
	const cg_web_fetch_opts *o;
} run;

static void group_done(run *R, size_t gi, void (*done)(cg_web_group *, void *), void *ctx);

/* Returns true when the group could not start a single transfer (it is
 * then already finished). */
static bool start_group(run *R, size_t gi)
{
	cg_web_group *g = &R->groups[gi];
	R->xfers[gi] = calloc((size_t)(g->nreqs > 0 ? g->nreqs : 1), sizeof(xfer));
	R->left[gi] = g->nreqs;
	R->active++;
	if (!R->xfers[gi]) {
		for (int i = 0; i < g->nreqs; i++) {
			g->reqs[i].fail = CG_FETCH_UNREACHABLE;
			snprintf(g->reqs[i].errmsg, sizeof g->reqs[i].errmsg, "out of memory");
		}
		R->left[gi] = 0;
		return true;
	}
	for (int i = 0; i < g->nreqs; i++) {
		xfer *x = &R->xfers[gi][i];
		x->req = &g->reqs[i];
		x->group = gi;
		if (!make_handle(x, R->o) || curl_multi_add_handle(R->m, x->h) != CURLM_OK) {
			x->req->fail = CG_FETCH_UNREACHABLE;
			snprintf(x->req->errmsg, sizeof x->req->errmsg, "cannot start transfer");
			if (x->h)
				release(x);
			R->left[gi]--;
		}
	}
	return R->left[gi] == 0;
}

static size_t fill(run *R, void (*done)(cg_web_group *, void *), void *ctx)
{
	size_t finished = 0;
	while (R->next < R->ngroups && R->active < (size_t)R->o->parallel) {
		size_t gi = R->next++;
		if (start_group(R, gi)) {
			group_done(R, gi, done, ctx);
			finished++;
		}
	}
	return finished;
}

static void group_done(run *R, size_t gi, void (*done)(cg_web_group *, void *), void *ctx)
{
	free(R->xfers[gi]);
	R->xfers[gi] = NULL;
	R->active--;
	done(&R->groups[gi], ctx);
}

cg_err cg_web_fetch_groups(cg_web_group *groups, size_t ngroups, const cg_web_fetch_opts *o,
                           void (*done)(cg_web_group *g, void *ctx), void *ctx)
{
	static bool inited;
	if (!inited) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
			return CG_ENET;
		inited = true;
	}
	run R = {.groups = groups, .ngroups = ngroups, .o = o};
	R.m = curl_multi_init();
	R.left = calloc(ngroups ? ngroups : 1, sizeof *R.left);
	R.xfers = calloc(ngroups ? ngroups : 1, sizeof *R.xfers);
	if (!R.m || !R.left || !R.xfers) {
		curl_multi_cleanup(R.m);
		free(R.left);
		free(R.xfers);
		return CG_ENOMEM;
	}
	curl_multi_setopt(R.m, CURLMOPT_PIPELINING, (long)CURLPIPE_MULTIPLEX);
	curl_multi_setopt(R.m, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long)(o->parallel * 2));
	size_t finished = 0;
	while (finished < ngroups) {
		finished += fill(&R, done, ctx);
		if (finished >= ngroups)
			break;
		int running = 0;
		curl_multi_perform(R.m, &running);
		CURLMsg *msg;
		int q;
		while ((msg = curl_multi_info_read(R.m, &q))) {
			if (msg->msg != CURLMSG_DONE)
				continue;
			xfer *x = NULL;
			curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&x);
			CURLcode rc = msg->data.result;
			curl_multi_remove_handle(R.m, x->h);
			if (finish(x, rc)) {
				curl_multi_add_handle(R.m, x->h);
				continue;
			}
			size_t gi = x->group;
			release(x);
			if (--R.left[gi] == 0) {
				group_done(&R, gi, done, ctx);
				finished++;
			}
		}
		if (finished < ngroups && running > 0)
			curl_multi_poll(R.m, NULL, 0, 200, NULL);
	}
	curl_multi_cleanup(R.m);
	free(R.left);
	free(R.xfers);
	return CG_OK;
}
