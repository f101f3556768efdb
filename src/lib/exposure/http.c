/*
 * http.c - libcurl multi driver with per-host queues and rate limits (see
 * http.h).
 *
 * Hosts ("scheme://host:port" of a URL) live in a small open-addressing
 * table; the ones with queued work are also on an "active" ring that the
 * start loop walks round-robin. A host may start a transfer when it has
 * fewer than CG_XP_PER_HOST_PARALLEL in flight and its next allowed start
 * time has come; the run may when fewer than `parallel` are in flight and
 * the global next start has come. The poll timeout is the time to the
 * nearest allowed start, so a rate-limited run sleeps instead of spinning.
 */
#include "http.h"

#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/limits.h"

typedef struct xhost {
	char *key;
	cg_xhttp_req *head, *tail;
	int inflight;
	double next; /* monotonic seconds of the next allowed start */
	bool active;
} xhost;

struct cg_xhttp {
	cg_xhttp_opts o;
	CURLM *multi;
	xhost *hosts;
	size_t nhosts, cap; /* hosts[] in insertion order */
	int *slots;         /* hash slots -> index+1, 0 empty */
	size_t nslots;
	int *active; /* ring of host indexes with queued work */
	size_t nactive, rr;
	size_t queued;
	int inflight;
	double gnext;
	uint64_t sent;
};

static double mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void cg_xhttp_opts_default(cg_xhttp_opts *o)
{
	memset(o, 0, sizeof *o);
	o->parallel = 32;
	o->rate = 100;
	o->per_host_rate = 20;
	o->timeout_ms = CG_XP_TIMEOUT_MS;
	o->insecure = true;
}

cg_xhttp_req *cg_xhttp_req_new(const char *url)
{
	cg_xhttp_req *r = calloc(1, sizeof *r);
	if (!r)
		return NULL;
	r->url = strdup(url);
	if (!r->url) {
		free(r);
		return NULL;
	}
	cg_buf_init(&r->headers, CG_XP_MAX_HEADERS);
	cg_buf_init(&r->body, CG_XP_MAX_BODY);
	return r;
}

cg_err cg_xhttp_req_header(cg_xhttp_req *r, const char *line)
{
	if (r->nhdrs >= CG_XP_MAX_LIST)
		return CG_ETOOBIG;
	char **n = realloc(r->hdrs, (size_t)(r->nhdrs + 1) * sizeof *n);
	if (!n)
		return CG_ENOMEM;
	r->hdrs = n;
	if (!(r->hdrs[r->nhdrs] = strdup(line)))
		return CG_ENOMEM;
	r->nhdrs++;
	return CG_OK;
}

void cg_xhttp_req_free(cg_xhttp_req *r)
{
	if (!r)
		return;
	free(r->url);
	if (r->post) {
		explicit_bzero(r->post, strlen(r->post));
		free(r->post);
	}
	for (int i = 0; i < r->nhdrs; i++)
		free(r->hdrs[i]);
	free(r->hdrs);
	cg_buf_free(&r->headers);
	cg_buf_free(&r->body);
	free(r);
}

cg_err cg_xhttp_new(const cg_xhttp_opts *o, cg_xhttp **out)
{
	*out = NULL;
	cg_xhttp *h = calloc(1, sizeof *h);
	if (!h)
		return CG_ENOMEM;
	h->o = *o;
	if (h->o.parallel < 1)
		h->o.parallel = 1;
	if (h->o.parallel > CG_XP_MAX_PARALLEL)
		h->o.parallel = CG_XP_MAX_PARALLEL;
	h->multi = curl_multi_init();
	if (!h->multi) {
		free(h);
		return CG_ENOMEM;
	}
	curl_multi_setopt(h->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long)h->o.parallel);
	h->gnext = mono();
	*out = h;
	return CG_OK;
}

void cg_xhttp_free(cg_xhttp *h)
{
	if (!h)
		return;
	for (size_t i = 0; i < h->nhosts; i++) {
		for (cg_xhttp_req *r = h->hosts[i].head, *n; r; r = n) {
			n = r->next;
			cg_xhttp_req_free(r);
		}
		free(h->hosts[i].key);
	}
	free(h->hosts);
	free(h->slots);
	free(h->active);
	curl_multi_cleanup(h->multi);
	free(h);
}

uint64_t cg_xhttp_sent(const cg_xhttp *h)
{
	return h->sent;
}

static uint64_t fnv(const char *s, size_t n)
{
	uint64_t x = 1469598103934665603ull;
	for (size_t i = 0; i < n; i++)
		x = (x ^ (unsigned char)s[i]) * 1099511628211ull;
	return x;
}

static cg_err rehash(cg_xhttp *h)
{
	size_t ns = h->nslots ? h->nslots * 2 : 64;
	int *sl = calloc(ns, sizeof *sl);
	if (!sl)
		return CG_ENOMEM;
	for (size_t i = 0; i < h->nhosts; i++) {
		size_t j = fnv(h->hosts[i].key, strlen(h->hosts[i].key)) & (ns - 1);
		while (sl[j])
			j = (j + 1) & (ns - 1);
		sl[j] = (int)i + 1;
	}
	free(h->slots);
	h->slots = sl;
	h->nslots = ns;
	return CG_OK;
}

/* "scheme://authority" of a URL: what a host's limits apply to. */
static size_t host_key(const char *url)
{
	const char *p = strstr(url, "://");
	p = p ? p + 3 : url;
	p += strcspn(p, "/?#");
	return (size_t)(p - url);
}

static cg_err find_host(cg_xhttp *h, const char *url, int *out)
{
	size_t n = host_key(url);
	if (h->nhosts * 2 >= h->nslots) {
		cg_err e = rehash(h);
		if (e)
			return e;
	}
	size_t j = fnv(url, n) & (h->nslots - 1);
	while (h->slots[j]) {
		xhost *x = &h->hosts[h->slots[j] - 1];
		if (strlen(x->key) == n && memcmp(x->key, url, n) == 0) {
			*out = h->slots[j] - 1;
			return CG_OK;
		}
		j = (j + 1) & (h->nslots - 1);
	}
	if (h->nhosts == h->cap) {
		size_t nc = h->cap ? h->cap * 2 : 16;
		xhost *nh = realloc(h->hosts, nc * sizeof *nh);
		if (!nh)
			return CG_ENOMEM;
		h->hosts = nh;
		int *na = realloc(h->active, nc * sizeof *na);
		if (!na)
			return CG_ENOMEM;
		h->active = na;
		h->cap = nc;
	}
	xhost *x = &h->hosts[h->nhosts];
	memset(x, 0, sizeof *x);
	if (!(x->key = strndup(url, n)))
		return CG_ENOMEM;
	h->slots[j] = (int)h->nhosts + 1;
	*out = (int)h->nhosts++;
	return CG_OK;
}

cg_err cg_xhttp_submit(cg_xhttp *h, cg_xhttp_req *r)
{
	int hi;
	cg_err e = find_host(h, r->url, &hi);
	if (e)
		return e;
	xhost *x = &h->hosts[hi];
	r->host = hi;
	r->next = NULL;
	if (x->tail)
		x->tail->next = r;
	else
		x->head = r;
	x->tail = r;
	if (!x->active) {
		x->active = true;
		h->active[h->nactive++] = hi;
	}
	h->queued++;
	return CG_OK;
}

static size_t on_body(char *p, size_t sz, size_t n, void *ud)
{
	cg_xhttp_req *r = ud;
	size_t len = sz * n;
	size_t room = r->body.max - r->body.len;
	if (len > room) {
		cg_buf_append(&r->body, p, room);
		r->truncated = true;
		return 0; /* stop the transfer: what we have is what we need */
	}
	if (cg_buf_append(&r->body, p, len))
		return 0;
	return len;
}

static size_t on_header(char *p, size_t sz, size_t n, void *ud)
{
	cg_xhttp_req *r = ud;
	size_t len = sz * n;
	/* a new status line (after a redirect or a 100) starts a new block */
	if (len >= 5 && memcmp(p, "HTTP/", 5) == 0)
		cg_buf_reset(&r->headers);
	cg_buf_append(&r->headers, p, len); /* past the limit: dropped */
	return len;
}

static cg_err start(cg_xhttp *h, cg_xhttp_req *r)
{
	CURL *e = curl_easy_init();
	if (!e)
		return CG_ENOMEM;
	struct curl_slist *sl = NULL;
	for (int i = 0; i < r->nhdrs; i++) {
		struct curl_slist *t = curl_slist_append(sl, r->hdrs[i]);
		if (!t) {
			curl_slist_free_all(sl);
			curl_easy_cleanup(e);
			return CG_ENOMEM;
		}
		sl = t;
	}
	curl_easy_setopt(e, CURLOPT_URL, r->url);
	curl_easy_setopt(e, CURLOPT_PRIVATE, r);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, r);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, r->errmsg);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, h->o.timeout_ms);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, h->o.timeout_ms);
	curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(e, CURLOPT_PATH_AS_IS, 1L); /* /../ and /./ as the template wrote them */
	if (h->o.user_agent)
		curl_easy_setopt(e, CURLOPT_USERAGENT, h->o.user_agent);
	if (sl)
		curl_easy_setopt(e, CURLOPT_HTTPHEADER, sl);
	if (r->head)
		curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
	else if (r->post) {
		curl_easy_setopt(e, CURLOPT_POSTFIELDS, r->post);
		curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE, (long)strlen(r->post));
	}
	if (r->auth) {
		curl_easy_setopt(e, CURLOPT_HTTPAUTH,
		                 r->auth == 2 ? CURLAUTH_DIGEST : CURLAUTH_BASIC);
		curl_easy_setopt(e, CURLOPT_USERNAME, r->auth_user);
		curl_easy_setopt(e, CURLOPT_PASSWORD, r->auth_password);
	}
	if (r->follow) {
		curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);
		curl_easy_setopt(e, CURLOPT_MAXREDIRS, (long)r->max_redirects);
	}
	/* a scanner reads legacy sites too: TLS 1.0 and old ciphers are
	 * accepted here (the TLS check reports them) */
	curl_easy_setopt(e, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_0);
	curl_easy_setopt(e, CURLOPT_SSL_CIPHER_LIST, "ALL:@SECLEVEL=0");
	if (h->o.insecure) {
		curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	r->easy = e;
	r->ms = mono();
	r->slist = sl; /* lives as long as the handle */
	if (curl_multi_add_handle(h->multi, e) != CURLM_OK) {
		curl_slist_free_all(sl);
		curl_easy_cleanup(e);
		return CG_ENOMEM;
	}
	h->inflight++;
	h->hosts[r->host].inflight++;
	h->sent++;
	return CG_OK;
}

static void finish(cg_xhttp *h, CURL *e, CURLcode code)
{
	cg_xhttp_req *r = NULL;
	curl_easy_getinfo(e, CURLINFO_PRIVATE, (char **)&r);
	curl_multi_remove_handle(h->multi, e);
	curl_slist_free_all(r->slist);
	r->slist = NULL;
	r->ms = (mono() - r->ms) * 1000.0;
	curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &r->status);
	if (code == CURLE_WRITE_ERROR && r->truncated)
		code = CURLE_OK;
	if (code != CURLE_OK) {
		r->failed = true;
		r->timed_out = code == CURLE_OPERATION_TIMEDOUT;
		if (!r->errmsg[0])
			cg_slice_copy(cg_slice_cstr(curl_easy_strerror(code)), r->errmsg,
			              sizeof r->errmsg);
	}
	curl_easy_cleanup(e);
	r->easy = NULL;
	h->inflight--;
	h->hosts[r->host].inflight--;
	r->done(r, r->ctx);
}

/* Starts what the limits allow; returns seconds until the next start
 * could be allowed (0 when it is now or nothing waits). */
static double start_some(cg_xhttp *h, cg_err *err)
{
	double now = mono(), wait = 0.1;
	double gi = h->o.rate > 0 ? 1.0 / h->o.rate : 0;
	double hi = h->o.per_host_rate > 0 ? 1.0 / h->o.per_host_rate : 0;
	size_t tries = h->nactive;
	while (h->nactive && tries-- && h->inflight < h->o.parallel) {
		if (gi > 0 && now < h->gnext) {
			wait = h->gnext - now;
			break;
		}
		if (h->rr >= h->nactive)
			h->rr = 0;
		int xi = h->active[h->rr];
		xhost *x = &h->hosts[xi];
		if (x->inflight >= CG_XP_PER_HOST_PARALLEL || (hi > 0 && now < x->next)) {
			if (hi > 0 && now < x->next && x->next - now < wait)
				wait = x->next - now;
			h->rr++;
			continue;
		}
		cg_xhttp_req *r = x->head;
		x->head = r->next;
		if (!x->head) {
			x->tail = NULL;
			x->active = false;
			h->active[h->rr] = h->active[--h->nactive];
		} else {
			h->rr++;
		}
		h->queued--;
		if (gi > 0)
			h->gnext = (h->gnext < now ? now : h->gnext) + gi;
		if (hi > 0)
			x->next = (x->next < now ? now : x->next) + hi;
		cg_err e = start(h, r);
		if (e) {
			r->failed = true;
			cg_slice_copy(cg_slice_cstr(cg_strerror(e)), r->errmsg, sizeof r->errmsg);
			r->done(r, r->ctx);
			*err = e;
		}
		tries = h->nactive + 1;
	}
	return wait;
}

cg_err cg_xhttp_run(cg_xhttp *h)
{
	cg_err err = CG_OK;
	while (h->queued || h->inflight) {
		double wait = start_some(h, &err);
		int running = 0;
		curl_multi_perform(h->multi, &running);
		CURLMsg *m;
		int left;
		bool any = false;
		while ((m = curl_multi_info_read(h->multi, &left))) {
			if (m->msg == CURLMSG_DONE) {
				finish(h, m->easy_handle, m->data.result);
				any = true;
			}
		}
		if (any)
			continue;
		int ms = (int)(wait * 1000.0);
		if (ms < 1)
			ms = 1;
		if (ms > 100)
			ms = 100;
		curl_multi_poll(h->multi, NULL, 0, ms, NULL);
	}
	return err;
}
