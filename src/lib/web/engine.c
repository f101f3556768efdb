/*
 * engine.c - cg_web_baseline and cg_web_check (see web.h): build the
 * request groups, run them through fetch.c, and digest each group as soon
 * as it completes (baseline: learn and store; check: detect and emit).
 */
#include <stdlib.h>
#include <string.h>

#include "core/limits.h"
#include "core/log.h"
#include "render.h"
#include "web.h"

void cg_web_opts_default(cg_web_opts *o)
{
	memset(o, 0, sizeof *o);
	cg_web_fetch_opts_default(&o->fetch);
	o->loads = CG_WEB_BASELINE_LOADS;
	o->replaced_below = 0.35;
	o->expiry_days = 14;
}

cg_err cg_web_lexicons_load(cg_lexicons *lx, const char *rules_dir, const char *const *extra,
                            size_t nextra, cg_buf *why)
{
	cg_lex_init(&lx->spam);
	cg_lex_init(&lx->deface);
	cg_buf p;
	cg_buf_init(&p, 4096);
	cg_buf_printf(&p, "%s/web/spam-vi.txt", rules_dir);
	cg_err err = cg_lex_load(&lx->spam, cg_buf_cstr(&p), why);
	cg_buf_reset(&p);
	cg_buf_printf(&p, "%s/web/deface.txt", rules_dir);
	if (!err)
		err = cg_lex_load(&lx->deface, cg_buf_cstr(&p), why);
	for (size_t i = 0; !err && i < nextra; i++)
		err = cg_lex_load(&lx->spam, extra[i], why);
	cg_buf_free(&p);
	return err;
}

void cg_web_lexicons_free(cg_lexicons *lx)
{
	cg_lex_free(&lx->spam);
	cg_lex_free(&lx->deface);
}

typedef struct job {
	const char *url;
	cg_baseline base;
	bool have_base;
	cg_view_kind kinds[16];
} job;

typedef struct run {
	const cg_web_opts *o;
	const cg_web_sink *sink;
	job *jobs;
	bool baseline;
} run;

static void fill_req(cg_web_req *r, const char *url, cg_view_kind k, bool cert)
{
	memset(r, 0, sizeof *r);
	r->url = url;
	r->user_agent = cg_view_user_agent(k);
	r->referer = cg_view_referer(k);
	r->want_cert = cert;
}

static void report_error(const run *R, const char *url, const char *msg)
{
	if (R->sink->error)
		R->sink->error(url, msg, R->sink->ctx);
}

/* A baseline learns what is there: a page already full of spam would be
 * learned as normal. Say so loudly (the operator decides). */
static void warn_if_dirty(run *R, const char *url, const cg_baseline *b)
{
	const cg_lex *lx = &R->o->lex->spam;
	int score = 0;
	cg_buf terms;
	cg_buf_init(&terms, 1024);
	for (size_t k = 0; k < lx->n; k++)
		if (json_object_get(b->spam, lx->t[k].folded) ||
		    json_object_get(b->spam_meta, lx->t[k].folded)) {
			score += lx->t[k].weight;
			cg_buf_printf(&terms, "%s\"%s\"", terms.len ? ", " : "", lx->t[k].original);
		}
	if (score >= 3)
		cg_warn("%s: the page already holds spam vocabulary (%s); the baseline "
		        "treats it as normal - check the page",
		        url, cg_buf_cstr(&terms));
	cg_buf_free(&terms);
}

static void learn(run *R, job *j, cg_web_group *g, cg_view *views, int nv)
{
	const cg_web_req *r0 = &g->reqs[0];
	char msg[512];
	if (r0->fail != CG_FETCH_OK) {
		snprintf(msg, sizeof msg, "cannot take a baseline: %s: %s",
		         cg_fetch_fail_name(r0->fail), r0->errmsg);
		report_error(R, j->url, msg);
		return;
	}
	if (r0->status < 200 || r0->status >= 400) {
		snprintf(msg, sizeof msg, "cannot take a baseline: HTTP status %ld", r0->status);
		report_error(R, j->url, msg);
		return;
	}
	if (!views[0].html) {
		snprintf(msg, sizeof msg, "cannot take a baseline: not an HTML page (%s)",
		         r0->content_type ? r0->content_type : "no content type");
		report_error(R, j->url, msg);
		return;
	}
	cg_baseline b;
	/* failed views do not take part in learning */
	cg_view ok[16];
	cg_web_req okr[16];
	size_t n = 0;
	for (int i = 0; i < nv && n < 16; i++)
		if (g->reqs[i].fail == CG_FETCH_OK && g->reqs[i].status < 400) {
			ok[n] = views[i];
			okr[n] = g->reqs[i];
			n++;
		}
	cg_err err = cg_baseline_learn(&b, j->url, ok, n, okr, R->o->lex);
	cg_buf why;
	cg_buf_init(&why, 4096);
	if (!err)
		err = cg_baseline_save(&b, R->o->data_dir, &why);
	if (err)
		report_error(R, j->url, why.len ? cg_buf_cstr(&why) : cg_strerror(err));
	else {
		warn_if_dirty(R, j->url, &b);
		if (R->sink->stored)
			R->sink->stored(j->url, &b, R->sink->ctx);
	}
	cg_buf_free(&why);
	cg_baseline_free(&b);
}

/* Which views must be digested. A check's views usually hold nothing new:
 * the browser's page is one the baseline already learned from (equal but
 * for numbers: the shape hash ignores what the shingles ignore), and the
 * crawlers get the browser's page. Digesting only what changed is most of
 * the saving that lets one core watch a province's portals. */
static void plan(run *R, job *j, cg_web_group *g, cg_view *views, bool *need)
{
	int nv = g->nreqs;
	bool any = false;
	for (int i = 0; i < nv; i++) {
		const cg_web_req *r = &g->reqs[i];
		memset(&views[i], 0, sizeof views[i]);
		views[i].kind = j->kinds[i];
		need[i] = r->fail == CG_FETCH_OK;
		if (!need[i] || R->baseline)
			continue;
		const cg_web_req *r0 = &g->reqs[0];
		if (i > 0 && r0->fail == CG_FETCH_OK && r->status == r0->status &&
		    strcmp(r->final_url, r0->final_url) == 0 &&
		    cg_body_shape_equal(cg_buf_slice(&r->body), cg_buf_slice(&r0->body))) {
			views[i].same_as_browser = true;
			need[i] = false;
			continue;
		}
		char key[64];
		cg_web_shape_key(j->kinds[i], cg_body_shape_hash(cg_buf_slice(&r->body)), key);
		bool known = cg_strset_has(&j->base.shapes, key) && j->base.final_url &&
		             strcmp(r->final_url, j->base.final_url) == 0;
		views[i].same_as_baseline = known;
		if (i == 0)
			continue;
		need[i] = !known;
		any |= need[i];
	}
	if (!R->baseline && nv > 0 && g->reqs[0].fail == CG_FETCH_OK) {
		/* intelligence changes while the page does not: parse it */
		need[0] = any || !views[0].same_as_baseline || R->o->intel != NULL;
		if (any)
			views[0].same_as_baseline = false;
	}
}

/* --render: the DOM from headless Chromium becomes one more request
 * (slot g->nreqs, reserved in run_all). False when it could not be had;
 * the page is still checked without it. */
static bool render(run *R, job *j, cg_web_group *g, int slot)
{
	cg_web_req *r = &g->reqs[slot];
	memset(r, 0, sizeof *r);
	r->url = j->url;
	r->user_agent = cg_view_user_agent(CG_VIEW_RENDERED);
	cg_buf_init(&r->body, CG_MAX_WEB_PAGE);
	cg_render_opts ro = {R->o->chromium, R->o->chromium_args, r->user_agent,
	                     R->o->fetch.timeout_ms};
	char msg[256];
	if (cg_web_render(&ro, j->url, &r->body, msg) != CG_OK) {
		char line[400];
		snprintf(line, sizeof line, "--render: %s", msg);
		report_error(R, j->url, line);
		cg_buf_free(&r->body);
		return false;
	}
	r->final_url = strdup(g->reqs[0].final_url);
	r->content_type = strdup("text/html; charset=utf-8");
	r->status = 200;
	return true;
}

static void on_group(cg_web_group *g, void *ctx)
{
	run *R = ctx;
	job *j = g->user;
	cg_view views[16];
	int nv = g->nreqs;
	bool need[16];
	plan(R, j, g, views, need);
	if (R->o->render && g->reqs[0].fail == CG_FETCH_OK && render(R, j, g, nv)) {
		memset(&views[nv], 0, sizeof views[nv]);
		j->kinds[nv] = CG_VIEW_RENDERED;
		need[nv] = true;
		need[0] = true; /* the rendered DOM is compared with the browser's */
		views[0].same_as_baseline = false;
		nv++;
	}
	for (int i = 0; i < nv; i++) {
		if (!need[i])
			continue;
		cg_err err = cg_view_build(&views[i], j->kinds[i], &g->reqs[i], R->o->lex);
		if (err)
			report_error(R, j->url, cg_strerror(err));
	}
	if (R->baseline)
		learn(R, j, g, views, nv);
	else if (nv > 0) {
		cg_web_subject s = {j->url, g->reqs, views, (size_t)nv, &j->base};
		cg_web_detect(&s, R->o, R->sink);
		if (R->sink->checked)
			R->sink->checked(j->url, &g->reqs[0], R->sink->ctx);
	}
	for (int i = 0; i < nv; i++) {
		cg_view_free(&views[i]);
		cg_web_req_free(&g->reqs[i]);
	}
	if (j->have_base)
		cg_baseline_free(&j->base);
	j->have_base = false;
}

static cg_err run_chunk(const char *const *urls, size_t n, const cg_web_opts *o,
                        const cg_web_sink *sink, bool baseline)
{
	size_t per = baseline ? (size_t)o->loads + CG_VIEW_FETCHED - 1 : CG_VIEW_FETCHED;
	if (per > 15)
		per = 15;
	size_t slots = per + 1; /* + the rendered view's stand-in request */
	job *jobs = calloc(n ? n : 1, sizeof *jobs);
	cg_web_group *groups = calloc(n ? n : 1, sizeof *groups);
	cg_web_req *reqs = calloc(n * slots + 1, sizeof *reqs);
	if (!jobs || !groups || !reqs) {
		free(jobs);
		free(groups);
		free(reqs);
		return CG_ENOMEM;
	}
	run R = {.o = o, .sink = sink, .jobs = jobs, .baseline = baseline};
	size_t ng = 0;
	cg_buf why;
	cg_buf_init(&why, 4096);
	for (size_t i = 0; i < n; i++) {
		job *j = &jobs[i];
		j->url = urls[i];
		if (!baseline) {
			cg_buf_reset(&why);
			if (cg_baseline_load(&j->base, o->data_dir, urls[i], &why)) {
				report_error(&R, urls[i], cg_buf_cstr(&why));
				continue;
			}
			j->have_base = true;
		}
		cg_web_group *g = &groups[ng++];
		g->reqs = &reqs[i * slots];
		g->user = j;
		size_t k = 0;
		if (baseline)
			for (int l = 1; l < o->loads && k < per; l++)
				j->kinds[k++] = CG_VIEW_BROWSER;
		for (int v = 0; v < CG_VIEW_FETCHED && k < per; v++)
			j->kinds[k++] = (cg_view_kind)v;
		if (baseline) { /* browser loads first */
			j->kinds[0] = CG_VIEW_BROWSER;
			j->kinds[o->loads - 1] = CG_VIEW_BROWSER;
		}
		for (size_t q = 0; q < k; q++)
			fill_req(&g->reqs[q], urls[i], j->kinds[q], q == 0);
		g->nreqs = (int)k;
	}
	cg_buf_free(&why);
	cg_err err = cg_web_fetch_groups(groups, ng, &o->fetch, on_group, &R);
	free(jobs);
	free(groups);
	free(reqs);
	return err;
}

/* URLs go through in chunks of a few times the parallelism: baselines
 * (up to a few hundred KiB each) and request slots are held for one chunk
 * at a time, so a list of 100,000 URLs costs what a few hundred do. */
static cg_err run_all(const char *const *urls, size_t n, const cg_web_opts *o,
                      const cg_web_sink *sink, bool baseline)
{
	size_t chunk = (size_t)(o->fetch.parallel > 0 ? o->fetch.parallel : 1) * 8;
	if (chunk < 16)
		chunk = 16;
	for (size_t i = 0; i < n; i += chunk) {
		cg_err err = run_chunk(urls + i, n - i < chunk ? n - i : chunk, o, sink, baseline);
		if (err)
			return err;
	}
	return CG_OK;
}

cg_err cg_web_baseline(const char *const *urls, size_t n, const cg_web_opts *o,
                       const cg_web_sink *sink)
{
	return run_all(urls, n, o, sink, true);
}

cg_err cg_web_check(const char *const *urls, size_t n, const cg_web_opts *o,
                    const cg_web_sink *sink)
{
	return run_all(urls, n, o, sink, false);
}
