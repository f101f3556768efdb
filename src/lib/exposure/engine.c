/*
 * engine.c - the HTTP side of the exposure scan (see exposure.h).
 *
 * Everything runs on one cg_xhttp: the base probes are queued first; a
 * probe that answers makes a site, whose header check runs at once and
 * whose template requests are queued from the probe's callback; a
 * template match on a path below the base queues its soft-404 probe from
 * the match's callback. The run ends when the queue does. Per-request
 * state is a small heap record handed through the request's ctx.
 */
#include "exposure.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/json.h"
#include "core/limits.h"
#include "match.h"
#include "tls.h"
#include "version.h"

typedef struct site {
	const cg_xtarget *t;
	char *scheme, *base, *root, *hostname, *port;
} site;

typedef struct tstate {
	int tfailed, tried; /* schemes that failed / were tried for a target */
	bool https_ok;      /* its https site answered */
	char why[320];      /* the last failure, reported after the TLS check */
} tstate;

/* One request of a template over a site: its paths go at once. With
 * stop-at-first-match the confirmed match of the earliest path is kept
 * and reported when the last of them is done, so that what is reported
 * does not depend on which path answered first (.git/config before
 * .git/HEAD: the remote is in the evidence). */
typedef struct job {
	struct scan *sc;
	site *s;
	const cg_xtpl *t;
	const cg_xreq *q;
	int pending;
	cg_xhttp_req *best; /* stop-at-first-match: the earliest match so far */
	size_t best_path;
	const char *best_soft;
} job;

typedef struct scan {
	const cg_xp_opts *o;
	const cg_xp_sink *sink;
	cg_xp_stats *st;
	cg_xhttp *h;
	const cg_xtargets *ts;
	tstate *tst;
	site **sites;
	size_t nsites, capsites;
	cg_err err;
} scan;

enum { R_PROBE, R_TPL, R_SOFT, R_CRED, R_STEP };

/* One form login attempt that needs tokens first (creds.h steps). */
typedef struct login {
	cg_xtokens tk;
	size_t step;
	cg_buf cookies; /* "a=b; c=d" from the steps' Set-Cookie */
} login;

typedef struct rctx {
	scan *sc;
	int what;
	size_t target;
	char *scheme;
	job *j;
	size_t path;        /* R_TPL, R_SOFT: which of the request's paths */
	cg_xhttp_req *orig; /* R_SOFT: the matched response */
	/* R_CRED: the device and which of its defaults this is */
	site *s;
	const cg_xdevice *dev;
	size_t attempt;
	login *lg; /* R_STEP and a form login after steps: owned */
} rctx;

const char *cg_xp_user_agent(void)
{
	return "canhgac/" CG_VERSION " (exposure scan; +https://canhgac.invalid/scan)";
}

void cg_xp_opts_default(cg_xp_opts *o)
{
	memset(o, 0, sizeof *o);
	cg_xhttp_opts_default(&o->http);
	o->http.user_agent = cg_xp_user_agent();
	o->tls = true;
}

/* ---- templates over a site ----------------------------------------------- */

static cg_err expand(const site *s, const char *in, cg_buf *out)
{
	cg_buf_reset(out);
	const char *p = in;
	while (*p) {
		const char *o = strstr(p, "{{");
		if (!o)
			return cg_buf_puts(out, p);
		cg_buf_append(out, p, (size_t)(o - p));
		const char *e = strstr(o, "}}");
		if (!e)
			return cg_buf_puts(out, o);
		size_t n = (size_t)(e - o - 2);
		const char *v = NULL;
#define IS(lit) (n == sizeof(lit) - 1 && !memcmp(o + 2, lit, n))
		if (IS("BaseURL"))
			v = s->base;
		else if (IS("RootURL"))
			v = s->root;
		else if (IS("Hostname"))
			v = s->hostname;
		else if (IS("Host"))
			v = s->t->host;
		else if (IS("Port"))
			v = s->port;
		else if (IS("Scheme"))
			v = s->scheme;
#undef IS
		if (!v)
			return CG_EUNSUPPORTED; /* the loader skips such templates */
		cg_err err = cg_buf_puts(out, v);
		if (err)
			return err;
		p = e + 2;
	}
	return out->ptr ? CG_OK : cg_buf_puts(out, "");
}

static void on_tpl(cg_xhttp_req *r, void *ctx);
static void on_soft(cg_xhttp_req *r, void *ctx);

static cg_xhttp_req *new_req(scan *sc, const char *url, const cg_xreq *q, const site *s, rctx *c,
                             void (*done)(cg_xhttp_req *, void *))
{
	cg_xhttp_req *r = cg_xhttp_req_new(url);
	if (!r)
		return NULL;
	r->head = q ? q->head : false;
	r->follow = q ? q->redirects : true;
	r->max_redirects = q ? q->max_redirects : 5;
	cg_buf h;
	cg_buf_init(&h, 16384);
	for (size_t i = 0; q && i < q->nhdrs; i++)
		if (!expand(s, q->hdrs[i], &h))
			cg_xhttp_req_header(r, cg_buf_cstr(&h));
	cg_buf_free(&h);
	r->done = done;
	r->ctx = c;
	(void)sc;
	return r;
}

static void submit(scan *sc, cg_xhttp_req *r)
{
	cg_err e = cg_xhttp_submit(sc->h, r);
	if (e) {
		sc->err = e;
		free(r->ctx);
		cg_xhttp_req_free(r);
	}
}

static void emit_match(scan *sc, job *j, cg_xhttp_req *r, const char *soft);

static void job_release(job *j)
{
	if (--j->pending)
		return;
	if (j->best) {
		emit_match(j->sc, j, j->best, j->best_soft);
		cg_xhttp_req_free(j->best);
	}
	free(j);
}

/* A confirmed match of path `path` (soft: how the soft-404 check went);
 * takes r. Reported now, or kept if it is the earliest path yet of a
 * stop-at-first-match request. */
static void found(scan *sc, job *j, cg_xhttp_req *r, size_t path, const char *soft)
{
	if (!j->q->stop_first) {
		emit_match(sc, j, r, soft);
		cg_xhttp_req_free(r);
		return;
	}
	if (j->best && j->best_path <= path) {
		cg_xhttp_req_free(r);
		return;
	}
	cg_xhttp_req_free(j->best);
	j->best = r;
	j->best_path = path;
	j->best_soft = soft;
}

/* A later path than a match already kept cannot change the answer. */
static bool settled(const job *j, size_t path)
{
	return j->best && path > j->best_path;
}

static void run_templates(scan *sc, site *s)
{
	cg_buf url;
	cg_buf_init(&url, 16384);
	for (size_t i = 0; i < sc->o->ntpls; i++) {
		const cg_xtpl *t = sc->o->tpls[i];
		for (size_t k = 0; k < t->nreqs; k++) {
			const cg_xreq *q = &t->reqs[k];
			job *j = calloc(1, sizeof *j);
			if (!j) {
				sc->err = CG_ENOMEM;
				break;
			}
			*j = (job){.sc = sc, .s = s, .t = t, .q = q, .pending = 1};
			for (size_t p = 0; p < q->npaths; p++) {
				if (expand(s, q->paths[p], &url))
					continue;
				if (sc->o->dry_run) {
					if (sc->sink->request)
						sc->sink->request(q->head ? "HEAD" : "GET",
						                  cg_buf_cstr(&url), t->id,
						                  sc->sink->ctx);
					continue;
				}
				rctx *c = calloc(1, sizeof *c);
				if (!c)
					break;
				*c = (rctx){.sc = sc, .what = R_TPL, .j = j, .path = p};
				cg_xhttp_req *r = new_req(sc, cg_buf_cstr(&url), q, s, c, on_tpl);
				if (!r) {
					free(c);
					break;
				}
				j->pending++;
				submit(sc, r);
			}
			job_release(j);
		}
	}
	cg_buf_free(&url);
}

/* ---- findings ------------------------------------------------------------- */

static void emit(scan *sc, const site *s, const char *check, const char *kind, cg_severity sev,
                 const char *subject, const char *summary, json_t *evidence)
{
	cg_event ev;
	if (cg_event_init(&ev)) {
		json_decref(evidence);
		return;
	}
	ev.severity = sev;
	cg_event_set(&ev, CG_EV_SOURCE, CG_SLICE("exposure"));
	cg_event_set(&ev, CG_EV_KIND, cg_slice_cstr(kind));
	cg_event_set(&ev, CG_EV_HOST, cg_slice_cstr(s->t->host));
	cg_event_set(&ev, CG_EV_SUBJECT, cg_slice_cstr(subject));
	cg_event_set(&ev, CG_EV_SUMMARY, cg_slice_cstr(summary));
	json_object_update(ev.evidence, evidence);
	json_decref(evidence);
	json_object_set_new(ev.evidence, "check", cg_json_cstr(check));
	sc->st->findings++;
	if (sc->sink->finding)
		sc->sink->finding(&ev, s->t->input, check, sc->sink->ctx);
	cg_event_clear(&ev);
}

static void emit_match(scan *sc, job *j, cg_xhttp_req *r, const char *soft)
{
	const cg_xtpl *t = j->t;
	cg_xresp resp = {r->status, cg_buf_slice(&r->headers), cg_buf_slice(&r->body)};
	json_t *names = json_array(), *ex = json_array();
	cg_xmatch(j->q, &resp, names);
	cg_xextract(j->q, &resp, ex);
	json_t *evd =
	    json_pack("{s:s,s:s,s:s,s:I,s:s}", "template", t->id, "template_file", t->file, "url",
	              r->url, "status", (json_int_t)r->status, "soft404_check", soft);
	if (!evd) {
		json_decref(names);
		json_decref(ex);
		return;
	}
	if (json_array_size(names))
		json_object_set(evd, "matched", names);
	if (json_array_size(ex))
		json_object_set(evd, "extracted", ex);
	if (json_object_size(t->classification))
		json_object_set(evd, "classification", t->classification);
	if (t->tags)
		json_object_set_new(evd, "tags", cg_json_cstr(t->tags));
	if (t->description)
		json_object_set_new(evd, "description", cg_json_cstr(t->description));
	cg_buf sum;
	cg_buf_init(&sum, 1024);
	cg_buf_puts(&sum, t->name);
	for (size_t i = 0; i < json_array_size(names) && i < 4; i++)
		cg_buf_printf(&sum, "%s%s", i ? ", " : " [",
		              json_string_value(json_array_get(names, i)));
	if (json_array_size(names))
		cg_buf_puts(&sum, "]");
	emit(sc, j->s, t->id, t->kind, t->severity, r->url, cg_buf_cstr(&sum), evd);
	cg_buf_free(&sum);
	json_decref(names);
	json_decref(ex);
}

/* The part of url after the site's root: what the random probe imitates. */
static const char *after_root(const site *s, const char *url)
{
	size_t n = strlen(s->root);
	return strncmp(url, s->root, n) == 0 ? url + n : NULL;
}

static bool is_base(const site *s, const char *url)
{
	size_t n = strlen(s->base);
	return strncmp(url, s->base, n) == 0 && (url[n] == '\0' || !strcmp(url + n, "/"));
}

static void on_tpl(cg_xhttp_req *r, void *ctx)
{
	rctx *c = ctx;
	scan *sc = c->sc;
	job *j = c->j;
	if (r->failed || settled(j, c->path)) {
		/* a template request that gets no answer from a live site says
		 * nothing about the file; the site's own failure was reported by
		 * its probe */
		goto out;
	}
	cg_xresp resp = {r->status, cg_buf_slice(&r->headers), cg_buf_slice(&r->body)};
	if (!cg_xmatch(j->q, &resp, NULL))
		goto out;
	const char *rest = after_root(j->s, r->url);
	if (is_base(j->s, r->url) || !rest || !*rest || !strcmp(rest, "/")) {
		found(sc, j, r, c->path, "not needed (the base page)");
		r = NULL;
		goto out;
	}
	/* confirm against a random path of the same shape */
	cg_buf u;
	cg_buf_init(&u, 16384);
	cg_buf_puts(&u, j->s->root);
	cg_err e = cg_xp_random_shape(rest, &u);
	rctx *c2 = e ? NULL : calloc(1, sizeof *c2);
	if (!c2) {
		cg_buf_free(&u);
		found(sc, j, r, c->path, "failed");
		r = NULL;
		goto out;
	}
	*c2 = (rctx){.sc = sc, .what = R_SOFT, .j = j, .path = c->path, .orig = r};
	cg_xhttp_req *p = new_req(sc, cg_buf_cstr(&u), j->q, j->s, c2, on_soft);
	cg_buf_free(&u);
	if (!p) {
		free(c2);
		found(sc, j, r, c->path, "failed");
		r = NULL;
		goto out;
	}
	j->pending++;
	submit(sc, p);
	free(c);
	job_release(j);
	return; /* r lives on until the probe answers */
out:
	free(c);
	job_release(j);
	cg_xhttp_req_free(r);
}

static bool same_body(const cg_xhttp_req *a, const cg_xhttp_req *b)
{
	return a->status == b->status && a->body.len == b->body.len &&
	       (a->body.len == 0 || memcmp(a->body.ptr, b->body.ptr, a->body.len) == 0);
}

static void on_soft(cg_xhttp_req *r, void *ctx)
{
	rctx *c = ctx;
	scan *sc = c->sc;
	job *j = c->j;
	cg_xhttp_req *orig = c->orig;
	if (!settled(j, c->path)) {
		if (r->failed) {
			found(sc, j, orig, c->path, "failed");
			orig = NULL;
		} else {
			cg_xresp resp = {r->status, cg_buf_slice(&r->headers),
			                 cg_buf_slice(&r->body)};
			if (cg_xmatch(j->q, &resp, NULL) || same_body(orig, r)) {
				sc->st->soft404++;
			} else {
				found(sc, j, orig, c->path, "passed");
				orig = NULL;
			}
		}
	}
	cg_xhttp_req_free(orig);
	cg_xhttp_req_free(r);
	free(c);
	job_release(j);
}

/* ---- built-in: security headers --------------------------------------------- */

void cg_xp_missing_headers(cg_slice headers, bool https, json_t *missing)
{
	cg_slice csp = cg_xheader(headers, "Content-Security-Policy");
	cg_slice xfo = cg_xheader(headers, "X-Frame-Options");
	cg_slice xcto = cg_xheader(headers, "X-Content-Type-Options");
	cg_slice hsts = cg_xheader(headers, "Strict-Transport-Security");
	bool fa = false;
	for (size_t i = 0; csp.ptr && i + 15 <= csp.len; i++)
		if (!strncasecmp(csp.ptr + i, "frame-ancestors", 15))
			fa = true;
	if (https && (!hsts.ptr || hsts.len == 0))
		json_array_append_new(missing, json_string("Strict-Transport-Security"));
	if (!csp.ptr || csp.len == 0)
		json_array_append_new(missing, json_string("Content-Security-Policy"));
	if ((!xfo.ptr || xfo.len == 0) && !fa)
		json_array_append_new(missing, json_string("X-Frame-Options"));
	if (!xcto.ptr || xcto.len != 7 || strncasecmp(xcto.ptr, "nosniff", 7))
		json_array_append_new(missing, json_string("X-Content-Type-Options"));
}

static void check_headers(scan *sc, site *s, cg_xhttp_req *r)
{
	if (r->status < 200 || r->status >= 400)
		return;
	json_t *miss = json_array();
	cg_xp_missing_headers(cg_buf_slice(&r->headers), !strcmp(s->scheme, "https"), miss);
	if (json_array_size(miss) == 0) {
		json_decref(miss);
		return;
	}
	cg_buf sum;
	cg_buf_init(&sum, 1024);
	cg_buf_puts(&sum, "missing security headers: ");
	for (size_t i = 0; i < json_array_size(miss); i++)
		cg_buf_printf(&sum, "%s%s", i ? ", " : "",
		              json_string_value(json_array_get(miss, i)));
	json_t *evd = json_pack("{s:o,s:I,s:s}", "missing", miss, "status", (json_int_t)r->status,
	                        "url", r->url);
	emit(sc, s, "security-headers", "missing_security_header", CG_SEV_LOW, s->base,
	     cg_buf_cstr(&sum), evd);
	cg_buf_free(&sum);
}

/* ---- sites --------------------------------------------------------------------- */

static void free_site(site *s)
{
	if (!s)
		return;
	free(s->scheme);
	free(s->base);
	free(s->root);
	free(s->hostname);
	free(s->port);
	free(s);
}

static site *make_site(const cg_xtarget *t, const char *scheme)
{
	site *s = calloc(1, sizeof *s);
	if (!s)
		return NULL;
	cg_buf b;
	cg_buf_init(&b, 8192);
	s->t = t;
	s->scheme = strdup(scheme);
	cg_xtarget_authority(t, scheme, &b);
	s->hostname = cg_buf_detach(&b, NULL);
	cg_buf_printf(&b, "%s://%s", scheme, s->hostname ? s->hostname : "");
	s->root = cg_buf_detach(&b, NULL);
	cg_buf_printf(&b, "%s%s", s->root ? s->root : "", t->path);
	s->base = cg_buf_detach(&b, NULL);
	cg_buf_printf(&b, "%d", t->port ? t->port : (!strcmp(scheme, "https") ? 443 : 80));
	s->port = cg_buf_detach(&b, NULL);
	if (!s->scheme || !s->hostname || !s->root || !s->base || !s->port) {
		free_site(s);
		return NULL;
	}
	return s;
}

/* A fingerprinted version against the feed or the shipped list. */
static void check_version(scan *sc, const site *s, const char *subject, const cg_xsw *sw)
{
	if (!sc->o->feed)
		return;
	cg_severity sev;
	char summary[512];
	json_t *evd;
	const char *kind = cg_xver_verdict(sc->o->feed, sw, &sev, summary, sizeof summary, &evd);
	if (kind)
		emit(sc, s, "versions", kind, sev, subject, summary, evd);
}

/* ---- default credentials --------------------------------------------------------- */

static void try_cred(scan *sc, site *s, const cg_xdevice *dev, size_t attempt);

static void login_free(login *lg)
{
	if (!lg)
		return;
	explicit_bzero(&lg->tk, sizeof lg->tk);
	cg_buf_free(&lg->cookies);
	free(lg);
}

static void on_cred(cg_xhttp_req *r, void *ctx)
{
	rctx *c = ctx;
	scan *sc = c->sc;
	/* a form answers 200 either way: its own success pattern decides */
	bool in = c->dev->form ? !r->failed && cg_xdevice_form_ok(c->dev, cg_buf_slice(&r->headers),
	                                                          cg_buf_slice(&r->body))
	                       : !r->failed && r->status >= 200 && r->status < 400;
	if (in) {
		const cg_xcred *cr = &c->dev->creds[c->attempt];
		char summary[512];
		snprintf(summary, sizeof summary, "%s accepts its factory login '%s' (%s)",
		         c->dev->vendor, cr->user, cr->label);
		json_t *evd = json_pack("{s:s,s:s,s:s,s:s,s:I,s:s,s:I}", "vendor", c->dev->vendor,
		                        "user", cr->user, "default", cr->label, "login",
		                        c->dev->form     ? "form"
		                        : c->dev->digest ? "digest"
		                                         : "basic",
		                        "attempts", (json_int_t)(c->attempt + 1), "url", r->url,
		                        "status", (json_int_t)r->status);
		emit(sc, c->s, "credentials", "default_credentials", CG_SEV_CRITICAL, r->url,
		     summary, evd);
	} else if (c->attempt + 1 < cg_xdevice_attempts(c->dev)) {
		try_cred(sc, c->s, c->dev, c->attempt + 1);
	}
	login_free(c->lg);
	free(c);
	cg_xhttp_req_free(r);
}

/* The Cookie header of a form login's requests: the device's own
 * (set by its script) and those its steps set. */
static void add_cookies(cg_xhttp_req *r, const cg_xdevice *dev, const login *lg)
{
	bool have = lg && lg->cookies.len;
	if (!dev->cookie && !have)
		return;
	cg_buf h;
	cg_buf_init(&h, CG_XP_MAX_COOKIES + 64);
	cg_buf_printf(&h, "Cookie: %s%s%s", dev->cookie ? dev->cookie : "",
	              dev->cookie && have ? "; " : "", have ? cg_buf_cstr(&lg->cookies) : "");
	cg_xhttp_req_header(r, cg_buf_cstr(&h));
	cg_buf_free(&h);
}

/* "Set-Cookie: NAME=VALUE; ..." lines of an answer: NAME=VALUE kept. */
static void take_cookies(login *lg, cg_slice hdrs)
{
	const char *p = hdrs.ptr, *end = hdrs.ptr ? hdrs.ptr + hdrs.len : NULL;
	while (p && p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *le = eol ? eol : end;
		if ((size_t)(le - p) > 11 && strncasecmp(p, "set-cookie:", 11) == 0) {
			const char *v = p + 11;
			while (v < le && (*v == ' ' || *v == '\t'))
				v++;
			const char *ve = v;
			while (ve < le && *ve != ';' && *ve != '\r')
				ve++;
			if (ve > v && memchr(v, '=', (size_t)(ve - v)) &&
			    lg->cookies.len + (size_t)(ve - v) + 2 < CG_XP_MAX_COOKIES) {
				if (lg->cookies.len)
					cg_buf_puts(&lg->cookies, "; ");
				cg_buf_append(&lg->cookies, v, (size_t)(ve - v));
			}
		}
		p = le + 1;
	}
}

static cg_xhttp_req *cred_req(scan *sc, site *s, const cg_xdevice *dev, size_t attempt,
                              const char *path, int what, login *lg,
                              void (*done)(cg_xhttp_req *, void *))
{
	cg_buf u;
	cg_buf_init(&u, 16384);
	cg_buf_printf(&u, "%s%s", s->root, path);
	rctx *c = calloc(1, sizeof *c);
	cg_xhttp_req *r = c ? new_req(sc, cg_buf_cstr(&u), NULL, s, c, done) : NULL;
	cg_buf_free(&u);
	if (!r) {
		free(c);
		sc->err = CG_ENOMEM;
		return NULL;
	}
	*c = (rctx){.sc = sc, .what = what, .s = s, .dev = dev, .attempt = attempt, .lg = lg};
	r->follow = false;
	return r;
}

/* The login itself, once the steps (if any) gave their tokens. */
static void send_login(scan *sc, site *s, const cg_xdevice *dev, size_t attempt, login *lg)
{
	cg_xhttp_req *r = cred_req(sc, s, dev, attempt, dev->path, R_CRED, lg, on_cred);
	if (!r) {
		login_free(lg);
		return;
	}
	if (dev->form) {
		cg_buf b;
		cg_buf_init(&b, 4096);
		if (cg_xdevice_login_body(dev, &dev->creds[attempt], lg ? &lg->tk : NULL, &b) ==
		    CG_OK)
			r->post = strdup(cg_buf_cstr(&b));
		if (b.ptr)
			explicit_bzero(b.ptr, b.len);
		cg_buf_free(&b);
		if (!r->post) {
			sc->err = CG_ENOMEM;
			login_free(lg);
			free(r->ctx);
			cg_xhttp_req_free(r);
			return;
		}
		add_cookies(r, dev, lg);
	} else {
		r->auth = dev->digest ? 2 : 1;
		r->auth_user = dev->creds[attempt].user;
		r->auth_password = dev->creds[attempt].password;
	}
	submit(sc, r);
}

static void send_step(scan *sc, site *s, const cg_xdevice *dev, size_t attempt, login *lg);

/* A step's answer: its token, then the next step or the login. No
 * answer or no token: the device's login cannot be made as it makes it,
 * so nothing more is sent to it (never a guess without the token). */
static void on_step(cg_xhttp_req *r, void *ctx)
{
	rctx *c = ctx;
	login *lg = c->lg;
	const cg_xstep *st = &c->dev->steps[lg->step];
	bool got =
	    !r->failed && cg_xstep_token(st, cg_buf_slice(&r->headers), cg_buf_slice(&r->body),
	                                 lg->tk.value[lg->tk.n], sizeof lg->tk.value[0]);
	if (got) {
		lg->tk.name[lg->tk.n++] = st->name;
		take_cookies(lg, cg_buf_slice(&r->headers));
		lg->step++;
		if (lg->step < c->dev->nsteps)
			send_step(c->sc, c->s, c->dev, c->attempt, lg);
		else
			send_login(c->sc, c->s, c->dev, c->attempt, lg);
	} else {
		login_free(lg);
	}
	free(c);
	cg_xhttp_req_free(r);
}

static void send_step(scan *sc, site *s, const cg_xdevice *dev, size_t attempt, login *lg)
{
	const cg_xstep *st = &dev->steps[lg->step];
	cg_xhttp_req *r = cred_req(sc, s, dev, attempt, st->path, R_STEP, lg, on_step);
	if (!r) {
		login_free(lg);
		return;
	}
	if (st->post && !(r->post = strdup(""))) {
		sc->err = CG_ENOMEM;
		login_free(lg);
		free(r->ctx);
		cg_xhttp_req_free(r);
		return;
	}
	add_cookies(r, dev, lg);
	submit(sc, r);
}

/* One attempt at a time: the next is sent only after this one failed.
 * A login with steps fetches fresh tokens for each attempt. */
static void try_cred(scan *sc, site *s, const cg_xdevice *dev, size_t attempt)
{
	if (!dev->form || !dev->nsteps) {
		send_login(sc, s, dev, attempt, NULL);
		return;
	}
	login *lg = calloc(1, sizeof *lg);
	if (!lg) {
		sc->err = CG_ENOMEM;
		return;
	}
	cg_buf_init(&lg->cookies, CG_XP_MAX_COOKIES);
	send_step(sc, s, dev, attempt, lg);
}

static void on_probe(cg_xhttp_req *r, void *ctx)
{
	rctx *c = ctx;
	scan *sc = c->sc;
	const cg_xtarget *t = &sc->ts->v[c->target];
	tstate *ts = &sc->tst[c->target];
	if (r->failed) {
		ts->tfailed++;
		snprintf(ts->why, sizeof ts->why, "%s: %s", r->url, r->errmsg);
		goto out;
	}
	if (!strcmp(c->scheme, "https"))
		ts->https_ok = true;
	site *s = make_site(t, c->scheme);
	if (!s || sc->nsites == sc->capsites) {
		size_t nc = sc->capsites ? sc->capsites * 2 : 16;
		site **ns = s ? realloc(sc->sites, nc * sizeof *ns) : NULL;
		if (!ns) {
			free_site(s);
			sc->err = CG_ENOMEM;
			goto out;
		}
		sc->sites = ns;
		sc->capsites = nc;
	}
	sc->sites[sc->nsites++] = s;
	sc->st->sites++;
	check_headers(sc, s, r);
	cg_xsw sw[8];
	int nsw = cg_xver_from_http(cg_buf_slice(&r->headers), cg_buf_slice(&r->body), sw, 8);
	for (int i = 0; i < nsw; i++)
		check_version(sc, s, s->base, &sw[i]);
	if (sc->o->devices) {
		const cg_xdevice *dev = cg_xdevices_identify(
		    sc->o->devices, cg_buf_slice(&r->headers), cg_buf_slice(&r->body));
		if (dev && cg_xdevice_attempts(dev))
			try_cred(sc, s, dev, 0);
	}
	run_templates(sc, s);
out:
	free(c->scheme);
	free(c);
	cg_xhttp_req_free(r);
}

cg_err cg_xp_random_shape(const char *path, cg_buf *out)
{
	/* The last segment is replaced, keeping its leading dot, its
	 * extension (or an editor's '~') and a trailing '/': a server that
	 * answers all of /.git/ or every *.sql alike then answers the probe
	 * as it answered the file. */
	size_t q = strcspn(path, "?#");
	size_t end = q;
	bool dir = end > 0 && path[end - 1] == '/';
	if (dir)
		end--;
	size_t seg = end;
	while (seg > 0 && path[seg - 1] != '/')
		seg--;
	char rnd[33];
	cg_event_new_id(rnd);
	for (char *p = rnd; *p; p++)
		if (*p >= '0' && *p <= '9')
			*p = (char)('g' + (*p - '0')); /* letters: "1234" may be a real id */
	rnd[10] = '\0';
	cg_err e = cg_buf_append(out, path, seg);
	const char *name = path + seg;
	size_t nl = end - seg;
	if (!e && nl && name[0] == '.')
		e = cg_buf_putc(out, '.');
	if (!e)
		e = cg_buf_puts(out, rnd);
	const char *dot = NULL;
	for (size_t i = 1; i < nl; i++)
		if (name[i] == '.')
			dot = name + i;
	if (!e && dot)
		e = cg_buf_append(out, dot, (size_t)(name + nl - dot));
	else if (!e && nl && name[nl - 1] == '~')
		e = cg_buf_putc(out, '~');
	if (!e && dir)
		e = cg_buf_putc(out, '/');
	if (!e)
		e = cg_buf_puts(out, path + q);
	return e;
}

/* After the HTTP run: the TLS check of each target that may speak TLS,
 * then the targets nothing answered are reported (a TLS server that
 * only an old client can talk to still answered). */
static void after_http(scan *sc)
{
	for (size_t i = 0; i < sc->ts->n; i++) {
		const cg_xtarget *t = &sc->ts->v[i];
		tstate *ts = &sc->tst[i];
		bool tls_reached = false;
		bool https = t->scheme ? !strcmp(t->scheme, "https") : true;
		if (https && (ts->https_ok || !t->from_range) && sc->o->tls) {
			int port = t->port ? t->port : 443;
			bool ip = strchr(t->host, ':') ||
			          strspn(t->host, "0123456789.") == strlen(t->host);
			cg_xtls r;
			cg_xtls_probe(t->host, port, ip ? NULL : t->host, sc->o->http.timeout_ms,
			              &r);
			tls_reached = r.reached;
			if (r.reached) {
				site *s = make_site(t, "https");
				cg_xtls_finding f[3];
				int n = s ? cg_xtls_findings(&r, (int64_t)time(NULL), f) : 0;
				for (int k = 0; k < n; k++) {
					json_object_set_new(f[k].evidence, "port",
					                    json_integer(port));
					emit(sc, s, "tls", f[k].kind, f[k].severity, s->root,
					     f[k].summary, f[k].evidence);
				}
				free_site(s);
			}
		}
		/* a host given for its ports need not run a web site */
		bool ports_only = sc->o->nports > 0 && !strstr(t->input, "://");
		if (ts->tried && ts->tfailed == ts->tried && !tls_reached) {
			if (t->from_range || ports_only) {
				sc->st->unreachable++;
			} else {
				sc->st->errors++;
				if (sc->sink->error)
					sc->sink->error(t->input, "no web site answers", ts->why,
					                sc->sink->ctx);
			}
		}
	}
}

/* The connect scan of every distinct host of the targets, its probes,
 * and the findings they make (the verdicts are ports.c's). */
static cg_err scan_ports(scan *sc)
{
	const cg_xtargets *ts = sc->ts;
	const char **hosts = calloc(ts->n + 1, sizeof *hosts);
	size_t *owner = calloc(ts->n + 1, sizeof *owner);
	char(*err)[128] = calloc(ts->n + 1, sizeof *err);
	size_t nh = 0;
	cg_err e = (!hosts || !owner || !err) ? CG_ENOMEM : CG_OK;
	for (size_t i = 0; i < ts->n && !e; i++) {
		bool dup = false;
		for (size_t k = 0; k < nh && !dup; k++)
			dup = !strcmp(hosts[k], ts->v[i].host);
		if (!dup) {
			owner[nh] = i;
			hosts[nh++] = ts->v[i].host;
		}
	}
	cg_xport_opts po = {.rate = sc->o->http.rate,
	                    .per_host_rate = sc->o->http.per_host_rate,
	                    .parallel = 0,
	                    .timeout_ms = sc->o->http.timeout_ms,
	                    .banner_ms = sc->o->banner_ms > 0 ? sc->o->banner_ms : 1000};
	cg_xport_result *res = NULL;
	size_t nres = 0;
	if (!e)
		e = cg_xports_scan(hosts, nh, sc->o->ports, sc->o->nports, &po, &res, &nres, err);
	for (size_t k = 0; k < nh && !e; k++)
		if (err[k][0] && !ts->v[owner[k]].from_range) {
			sc->st->errors++;
			if (sc->sink->error)
				sc->sink->error(ts->v[owner[k]].input, "cannot resolve the host",
				                err[k], sc->sink->ctx);
		}
	for (size_t i = 0; i < nres && !e; i++) {
		const cg_xport_result *r = &res[i];
		const cg_xtarget *t = &ts->v[owner[r->host]];
		sc->st->open_ports++;
		if (sc->sink->port)
			sc->sink->port(t->host, r, sc->sink->ctx);
		cg_severity sev;
		char summary[256];
		const char *kind = cg_xport_verdict(r, &sev, summary, sizeof summary);
		site *s = make_site(t, "http");
		if (!s)
			continue;
		cg_buf subj;
		cg_buf_init(&subj, 512);
		cg_buf_printf(&subj, strchr(t->host, ':') ? "[%s]:%u" : "%s:%u", t->host,
		              (unsigned)r->port);
		cg_xsw sw;
		if (cg_xver_from_banner(cg_slice_cstr(r->banner), &sw))
			check_version(sc, s, cg_buf_cstr(&subj), &sw);
		if (!kind) {
			cg_buf_free(&subj);
			free_site(s);
			continue;
		}
		json_t *evd = json_pack("{s:i,s:s,s:o}", "port", (int)r->port, "service",
		                        r->service, "banner", cg_json_cstr(r->banner));
		if (r->version[0])
			json_object_set_new(evd, "version", cg_json_cstr(r->version));
		if (r->probe)
			json_object_set_new(evd, "probe", json_string(r->probe));
		emit(sc, s, "ports", kind, sev, cg_buf_cstr(&subj), summary, evd);
		cg_buf_free(&subj);
		free_site(s);
	}
	free(res);
	free(hosts);
	free(owner);
	free(err);
	return e;
}

cg_err cg_xp_scan(const cg_xtargets *ts, const cg_xp_opts *o, const cg_xp_sink *sink,
                  cg_xp_stats *st)
{
	memset(st, 0, sizeof *st);
	scan sc = {.o = o, .sink = sink, .st = st, .ts = ts};
	sc.tst = calloc(ts->n + 1, sizeof *sc.tst);
	if (!sc.tst)
		return CG_ENOMEM;
	cg_err e = CG_OK;
	if (!o->dry_run)
		e = cg_xhttp_new(&o->http, &sc.h);
	cg_buf url;
	cg_buf_init(&url, 16384);
	for (size_t i = 0; i < ts->n && !e; i++) {
		const cg_xtarget *t = &ts->v[i];
		const char *schemes[2] = {t->scheme ? t->scheme : "http",
		                          t->scheme ? NULL : "https"};
		for (int k = 0; k < 2 && schemes[k]; k++) {
			site *s = make_site(t, schemes[k]);
			if (!s) {
				e = CG_ENOMEM;
				break;
			}
			if (o->dry_run) {
				if (sink->request)
					sink->request("GET", s->base[0] ? s->base : s->root,
					              "probe", sink->ctx);
				run_templates(&sc, s);
				free_site(s);
				continue;
			}
			cg_buf_reset(&url);
			cg_buf_printf(&url, "%s/", s->base);
			free_site(s);
			rctx *c = calloc(1, sizeof *c);
			if (!c || !(c->scheme = strdup(schemes[k]))) {
				free(c);
				e = CG_ENOMEM;
				break;
			}
			c->sc = &sc;
			c->what = R_PROBE;
			c->target = i;
			cg_xhttp_req *r = new_req(&sc, cg_buf_cstr(&url), NULL, NULL, c, on_probe);
			if (!r) {
				free(c->scheme);
				free(c);
				e = CG_ENOMEM;
				break;
			}
			sc.tst[i].tried++;
			submit(&sc, r);
		}
	}
	cg_buf_free(&url);
	if (!e && sc.h)
		e = cg_xhttp_run(sc.h);
	if (!e && !o->dry_run && o->nports)
		e = scan_ports(&sc);
	if (!e && !o->dry_run)
		after_http(&sc);
	if (sc.h)
		st->requests = cg_xhttp_sent(sc.h);
	cg_xhttp_free(sc.h);
	for (size_t i = 0; i < sc.nsites; i++)
		free_site(sc.sites[i]);
	free(sc.sites);
	free(sc.tst);
	return e ? e : sc.err;
}
