/*
 * detect.c - the detectors: a browser view (and the crawler and search
 * visitor views) compared with the baseline, each finding a cg_event.
 *
 * Precision first. What a webmaster does every day must stay quiet:
 *  - new or edited text only adds shingles or removes a few, so content
 *    is compared by how much of the baseline's *stable* text is still
 *    there (containment), never by how much is new;
 *  - resources are compared by registrable domain (libpsl), so new
 *    same-site images, links and version-bumped assets (app.9f3c.js,
 *    ?v=124) never count; other .gov.vn sites are never foreign;
 *  - lexicon terms count only above what the baseline already had, so a
 *    news item about a gambling crackdown that was there at baseline time
 *    stays quiet, and one weak word is not enough (a score of weights);
 *  - a new ordinary link to an outside site (a news article citing a
 *    newspaper) is not a finding unless it is hidden, spammy, or one of
 *    many new outside domains at once (a link farm).
 *
 * A failed fetch is evidence, never silence. A view redirected to an
 * outside site that then cannot be fetched (no such name, refused,
 * timeout, TLS error: gambling sites blocked in Vietnam look exactly like
 * this from inside the country) is judged by its redirect chain: a
 * `redirect` for the browser view, `cloaking` for a crawler or search
 * visitor view. A crawler or search visitor view that fails on its own
 * while the browser's page loads is reported as `view_failed` (low): that
 * view could not be checked for cloaking.
 */
#include <stdlib.h>
#include <string.h>

#include "core/json.h"
#include "core/limits.h"
#include "core/timeutil.h"
#include "web.h"

#define MAX_EVIDENCE_ITEMS 20
#define SNIPPET_BYTES      400
#define LINK_FARM_DOMAINS  5
#define LEX_SCORE_FINDING  3
#define META_SCORE_FINDING 2

typedef struct dctx {
	const cg_web_subject *s;
	const cg_web_opts *o;
	const cg_web_sink *sink;
	char site[256]; /* registrable domain of the URL */
} dctx;

/* ---- events ------------------------------------------------------------ */

static void emit(dctx *d, const char *kind, cg_severity sev, json_t *evidence, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static void emit(dctx *d, const char *kind, cg_severity sev, json_t *evidence, const char *fmt, ...)
{
	cg_event ev;
	if (cg_event_init(&ev)) {
		json_decref(evidence);
		return;
	}
	cg_buf sum;
	cg_buf_init(&sum, CG_MAX_EVENT_SUMMARY);
	va_list ap;
	va_start(ap, fmt);
	cg_buf_vprintf(&sum, fmt, ap);
	va_end(ap);
	ev.severity = sev;
	cg_event_set(&ev, CG_EV_SOURCE, CG_SLICE("web"));
	cg_event_set(&ev, CG_EV_KIND, cg_slice_cstr(kind));
	cg_event_set(&ev, CG_EV_SUBJECT, cg_slice_cstr(d->s->url));
	cg_event_set(&ev, CG_EV_SUMMARY, cg_buf_slice(&sum));
	char host[256];
	if (cg_web_url_host(d->s->url, host, sizeof host))
		cg_event_set(&ev, CG_EV_HOST, cg_slice_cstr(host));
	json_object_set_new(evidence, "url", cg_json_cstr(d->s->url));
	json_decref(ev.evidence);
	ev.evidence = evidence;
	d->sink->emit(&ev, d->sink->ctx);
	cg_event_clear(&ev);
	cg_buf_free(&sum);
}

static json_t *str_or_null(const char *s)
{
	return s ? cg_json_cstr(s) : json_null();
}

static json_t *snippet(cg_slice s)
{
	size_t n = s.len < SNIPPET_BYTES ? s.len : SNIPPET_BYTES;
	while (n < s.len && n > 0 && ((unsigned char)s.ptr[n] & 0xC0) == 0x80)
		n--; /* do not cut a UTF-8 sequence */
	return cg_json_str(cg_slice_from(s.ptr, n));
}

/* ---- helpers ----------------------------------------------------------- */

/* Off-site and not known: the domain is reported, else NULL. */
static bool foreign(dctx *d, const char *host, char site[256])
{
	if (!host || cg_web_is_gov_vn(host))
		return false;
	cg_web_site_of(host, site, 256);
	if (!site[0] || strcmp(site, d->site) == 0)
		return false;
	const cg_baseline *b = d->s->base;
	if (b && (strcmp(site, b->final_site) == 0 || cg_strset_has(&b->domains, site)))
		return false;
	return true;
}

static bool foreign_url(dctx *d, const char *url, char site[256])
{
	char host[256];
	return cg_web_url_host(url, host, sizeof host) && foreign(d, host, site);
}

/* Terms whose count rose above the baseline's: adds them to `terms` and
 * returns the sum of their weights. */
static int new_hits(const cg_lex *lx, const uint32_t *now, const json_t *base,
                    const uint32_t *also_base, json_t *terms)
{
	int score = 0;
	for (size_t k = 0; k < lx->n; k++) {
		if (!now[k])
			continue;
		json_int_t b =
		    base ? json_integer_value(json_object_get(base, lx->t[k].folded)) : 0;
		if (also_base && also_base[k] > b)
			b = also_base[k];
		if ((json_int_t)now[k] <= b)
			continue;
		score += lx->t[k].weight;
		if (terms && json_array_size(terms) < MAX_EVIDENCE_ITEMS)
			json_array_append_new(terms,
			                      json_pack("{s:o,s:I,s:I}", "term",
			                                cg_json_cstr(lx->t[k].original), "count",
			                                (json_int_t)now[k], "baseline", b));
	}
	return score;
}

static const char *res_kind_name(cg_res_kind k)
{
	static const char *const n[] = {"script", "iframe", "embed", "stylesheet", "link", "form"};
	return k < CG_RES_KIND_COUNT ? n[k] : "?";
}

static json_t *chain_json(const cg_web_req *r)
{
	json_t *a = json_array();
	for (int i = 0; i < r->nchain; i++)
		json_array_append_new(a, cg_json_cstr(r->chain[i]));
	json_array_append_new(a, cg_json_cstr(r->final_url));
	return a;
}

/* {"fail": "timeout", "reason": "..."}: why a view's last hop failed. */
static json_t *fetch_fail_json(const cg_web_req *r)
{
	return json_pack("{s:s,s:o}", "fail", cg_fetch_fail_name(r->fail), "reason",
	                 cg_json_cstr(r->errmsg));
}

/* Redirected to an outside site whose fetch then failed: the chain is the
 * evidence; the outside site's own problem (its certificate, its DNS) is
 * not the portal's. */
static bool failed_outside(dctx *d, const cg_web_req *r, char site[256])
{
	return r->fail != CG_FETCH_OK && r->nchain > 0 && r->final_url &&
	       foreign_url(d, r->final_url, site);
}

/* ---- fetch-level findings ---------------------------------------------- */

static void tls_failure(dctx *d, const cg_web_req *r)
{
	const char *m = r->errmsg;
	json_t *ev = json_pack("{s:s,s:o}", "view", "browser", "reason", cg_json_cstr(m));
	if (strstr(m, "expired")) {
		json_object_set_new(ev, "problem", json_string("expired"));
		emit(d, "tls_expiry", CG_SEV_HIGH, ev, "Chứng thư số TLS đã hết hạn: %s", m);
	} else if (strstr(m, "subject name") || strstr(m, "does not match") ||
	           strstr(m, "alternative certificate")) {
		json_object_set_new(ev, "problem", json_string("name_mismatch"));
		emit(d, "tls_expiry", CG_SEV_HIGH, ev, "Chứng thư số TLS không đúng tên miền: %s",
		     m);
	} else {
		emit(d, "tls_error", CG_SEV_HIGH, ev, "Lỗi TLS: %s", m);
	}
}

/* True when the browser view is usable for content checks. */
static bool fetch_findings(dctx *d)
{
	const cg_web_req *r = &d->s->reqs[0];
	json_t *ev;
	char site[256];
	if (failed_outside(d, r, site)) {
		ev =
		    json_pack("{s:s,s:s,s:o,s:s,s:o}", "via", "http", "view", "browser", "chain",
		              chain_json(r), "to_domain", site, "target_fetch", fetch_fail_json(r));
		emit(d, "redirect", CG_SEV_CRITICAL, ev,
		     "Trang chuyển hướng sang trang ngoài (không tải được: %s): %s", r->errmsg,
		     r->final_url);
		return false;
	}
	switch (r->fail) {
	case CG_FETCH_OK:
		break;
	case CG_FETCH_TLS:
		tls_failure(d, r);
		return false;
	case CG_FETCH_TIMEOUT:
		ev = json_pack("{s:o,s:f}", "reason", cg_json_cstr(r->errmsg), "time_ms",
		               r->time_ms);
		emit(d, "timeout", CG_SEV_HIGH, ev, "Trang không phản hồi kịp thời hạn: %s",
		     r->errmsg);
		return false;
	case CG_FETCH_TOO_LARGE:
		ev = json_pack("{s:o,s:I}", "reason", cg_json_cstr(r->errmsg), "limit_bytes",
		               (json_int_t)CG_MAX_WEB_PAGE);
		emit(d, "too_large", CG_SEV_MEDIUM, ev, "Trang lớn bất thường, đã dừng tải: %s",
		     r->errmsg);
		return false;
	case CG_FETCH_REDIRECTS:
		ev = json_pack("{s:o,s:o}", "reason", cg_json_cstr(r->errmsg), "chain",
		               chain_json(r));
		emit(d, "unreachable", CG_SEV_HIGH, ev, "Trang chuyển hướng vòng lặp: %s",
		     r->errmsg);
		return false;
	case CG_FETCH_UNREACHABLE:
		ev = json_pack("{s:o}", "reason", cg_json_cstr(r->errmsg));
		emit(d, "unreachable", CG_SEV_HIGH, ev, "Không truy cập được trang: %s", r->errmsg);
		return false;
	}
	if (r->cert_expiry_ms) {
		int64_t now = cg_time_now_ms();
		int64_t left = (r->cert_expiry_ms - now) / 86400000;
		if (r->cert_expiry_ms - now < (int64_t)d->o->expiry_days * 86400000) {
			char when[32];
			cg_time_format(r->cert_expiry_ms, when, sizeof when);
			ev = json_pack("{s:s,s:s,s:I,s:o}", "problem",
			               r->cert_expiry_ms < now ? "expired" : "expiring", "expires",
			               when, "days_left", (json_int_t)left, "subject",
			               cg_json_cstr(r->cert_subject));
			emit(d, "tls_expiry", r->cert_expiry_ms < now ? CG_SEV_HIGH : CG_SEV_MEDIUM,
			     ev, "Chứng thư số TLS hết hạn ngày %.10s (còn %lld ngày)", when,
			     (long long)left);
		}
	}
	if (r->status >= 400 || r->status < 200) {
		ev = json_pack("{s:I,s:o}", "status", (json_int_t)r->status, "final_url",
		               cg_json_cstr(r->final_url));
		emit(d, "http_status", r->status >= 500 ? CG_SEV_HIGH : CG_SEV_MEDIUM, ev,
		     "Trang trả về mã lỗi HTTP %ld", r->status);
		return false;
	}
	return true;
}

/* ---- redirects ---------------------------------------------------------- */

static void redirects(dctx *d, const cg_view *v, const cg_web_req *r)
{
	char site[256];
	if (r->nchain > 0 && foreign_url(d, r->final_url, site)) {
		json_t *ev =
		    json_pack("{s:s,s:s,s:o,s:s}", "via", "http", "view", cg_view_name(v->kind),
		              "chain", chain_json(r), "to_domain", site);
		emit(d, "redirect", CG_SEV_CRITICAL, ev, "Trang chuyển hướng sang trang ngoài: %s",
		     r->final_url);
	}
	if (v->page.refresh_url && foreign_url(d, v->page.refresh_url, site)) {
		json_t *ev = json_pack("{s:s,s:s,s:o,s:s}", "via", "meta refresh", "view",
		                       cg_view_name(v->kind), "target",
		                       cg_json_cstr(v->page.refresh_url), "to_domain", site);
		emit(d, "redirect", CG_SEV_CRITICAL, ev,
		     "Thẻ meta refresh chuyển hướng sang trang ngoài: %s", v->page.refresh_url);
	}
	if (!v->js.navigates)
		return;
	json_t *targets = json_array();
	const char *first = NULL;
	for (int i = 0; i < v->js.nurls; i++) {
		if (v->js.urls[i].in_markup || !foreign_url(d, v->js.urls[i].url, site))
			continue;
		if (!first)
			first = v->js.urls[i].url;
		json_array_append_new(
		    targets, json_pack("{s:o,s:s,s:s}", "target", cg_json_cstr(v->js.urls[i].url),
		                       "decoded_from", v->js.urls[i].how, "to_domain", site));
	}
	if (!first) {
		json_decref(targets);
		return;
	}
	json_t *ev = json_pack("{s:s,s:s,s:o}", "via", "javascript", "view", cg_view_name(v->kind),
	                       "targets", targets);
	emit(d, "redirect", CG_SEV_CRITICAL, ev, "Mã JavaScript chuyển hướng sang trang ngoài: %s",
	     first);
}

/* ---- content ------------------------------------------------------------ */

static double containment(const cg_baseline *b, const cg_view *v)
{
	if (b->stable.n == 0)
		return 1.0;
	return (double)cg_u32set_common(&b->stable, &v->sh) / (double)b->stable.n;
}

/* Defacement look: a replaced page styled like a defacement (dark
 * background, marquee, autoplaying music) and stripped of the portal's
 * structure. A merely wiped page has no styling features: score 0. */
static int look_score(const cg_baseline *b, const cg_view *v, json_t *why)
{
	int s = 0;
	const cg_web_page *p = &v->page;
	if (p->dark_background) {
		s++;
		json_array_append_new(why, json_string("dark background"));
	}
	if (p->marquee) {
		s++;
		json_array_append_new(why, json_string("marquee/blink"));
	}
	if (p->autoplay_media) {
		s++;
		json_array_append_new(why, json_string("autoplay audio"));
	}
	if (s == 0)
		return 0;
	if (b->n_elements >= 50 && p->n_elements * 5 < b->n_elements) {
		s++;
		json_array_append_new(why, json_string("page structure mostly gone"));
	}
	if (b->n_links >= 10 && v->n_links * 10 < b->n_links) {
		s++;
		json_array_append_new(why, json_string("navigation links gone"));
	}
	return s;
}

static void content(dctx *d, const cg_view *v)
{
	const cg_baseline *b = d->s->base;
	const cg_web_req *r = &d->s->reqs[0];
	const cg_lexicons *lx = d->o->lex;
	json_t *dterms = json_array();
	int dscore = new_hits(&lx->deface, v->deface, b->deface, NULL, dterms);
	if (!v->html) {
		json_t *ev =
		    json_pack("{s:o,s:I,s:s}", "content_type", str_or_null(r->content_type),
		              "bytes", (json_int_t)r->body.len, "reason", "not an HTML page");
		emit(d, "content_replaced", CG_SEV_HIGH, ev,
		     "Trang đã bị thay thế bằng nội dung không phải HTML (%s)",
		     r->content_type ? r->content_type : "không rõ kiểu");
		json_decref(dterms);
		return;
	}
	double sim = containment(b, v);
	bool wiped = b->text_len >= 200 && v->text_len * 10 < b->text_len;
	/* Low text similarity alone is a busy news portal whose articles all
	 * rotated; a replaced page has also lost its template: the site's own
	 * navigation links, or its title. */
	double kept = b->links.n >= 5
	                  ? (double)cg_u32set_common(&b->links, &v->links) / (double)b->links.n
	                  : 0.0;
	bool title_changed =
	    b->title && (!v->page.title || cg_body_shape_hash(cg_slice_cstr(b->title)) !=
	                                       cg_body_shape_hash(cg_slice_cstr(v->page.title)));
	bool replaced =
	    (sim < d->o->replaced_below && (kept < 0.25 || (title_changed && kept < 0.6))) || wiped;
	json_t *look = json_array();
	int ls = replaced ? look_score(b, v, look) : 0;
	if (dscore >= LEX_SCORE_FINDING || (replaced && ls >= 2)) {
		json_t *ev = json_pack("{s:o,s:o,s:f,s:o,s:o}", "terms", dterms, "look", look,
		                       "similarity", sim, "title", str_or_null(v->page.title),
		                       "text_sample", snippet(cg_buf_slice(&v->page.text)));
		emit(d, "defacement", CG_SEV_CRITICAL, ev,
		     "Trang bị thay đổi giao diện (deface): %s",
		     v->page.title ? v->page.title : "");
		return;
	}
	json_decref(dterms);
	if (replaced) {
		json_t *ev = json_pack(
		    "{s:f,s:f,s:f,s:b,s:I,s:I,s:o,s:o,s:o,s:o}", "similarity", sim, "threshold",
		    d->o->replaced_below, "template_links_kept", kept, "wiped", wiped, "text_bytes",
		    (json_int_t)v->text_len, "baseline_text_bytes", (json_int_t)b->text_len,
		    "title", str_or_null(v->page.title), "baseline_title", str_or_null(b->title),
		    "look", look, "text_sample", snippet(cg_buf_slice(&v->page.text)));
		emit(d, "content_replaced", CG_SEV_HIGH, ev,
		     wiped ? "Nội dung trang đã bị xoá (còn %.0f%% nội dung ổn định)"
		           : "Nội dung trang đã bị thay thế (còn %.0f%% nội dung ổn định)",
		     sim * 100);
		return;
	}
	json_decref(look);
}

/* B: when v is the rendered DOM, the browser view whose findings are
 * already reported (only what scripts added counts). */
static void spam(dctx *d, const cg_view *v, const cg_view *B)
{
	const cg_baseline *b = d->s->base;
	const cg_lexicons *lx = d->o->lex;
	json_t *terms = json_array();
	int score = new_hits(&lx->spam, v->spam, b->spam, B ? B->spam : NULL, terms);
	if (score >= LEX_SCORE_FINDING) {
		json_t *ev = json_pack("{s:o,s:i,s:s,s:o}", "terms", terms, "score", (int)score,
		                       "view", cg_view_name(v->kind), "hidden_text_sample",
		                       snippet(cg_buf_slice(&v->page.hidden_text)));
		emit(d, "spam", CG_SEV_HIGH, ev,
		     B ? "Mã JavaScript chèn nội dung cờ bạc/spam vào trang: %s"
		       : "Trang chứa nội dung quảng cáo cờ bạc/spam: %s",
		     json_string_value(json_object_get(json_array_get(terms, 0), "term")));
	} else
		json_decref(terms);
	if (B)
		return;
	terms = json_array();
	score = new_hits(&lx->spam, v->spam_meta, b->spam_meta, NULL, terms);
	if (score >= META_SCORE_FINDING) {
		json_t *ev = json_pack(
		    "{s:o,s:o,s:o,s:o,s:o,s:o,s:o}", "terms", terms, "title",
		    str_or_null(v->page.title), "description", str_or_null(v->page.description),
		    "keywords", str_or_null(v->page.keywords), "baseline_title",
		    str_or_null(b->title), "baseline_description", str_or_null(b->description),
		    "baseline_keywords", str_or_null(b->keywords));
		emit(d, "meta_spam", CG_SEV_HIGH, ev,
		     "Tiêu đề/mô tả/từ khoá trang bị đổi thành spam: %s",
		     v->page.title ? v->page.title : "");
	} else
		json_decref(terms);
}

/* Spam terms in a short text (anchor text, host). */
static bool spammy(dctx *d, const char *text, const char *host)
{
	const cg_lex *lx = &d->o->lex->spam;
	if (host && cg_lex_host_hit(lx, host) >= 0)
		return true;
	if (!text || !*text || lx->n == 0)
		return false;
	cg_buf f;
	cg_buf_init(&f, 4096);
	cg_lex_fold(cg_slice_cstr(text), &f);
	uint32_t *c = calloc(lx->n, sizeof *c);
	int score = 0;
	if (c) {
		cg_lex_count(lx, cg_buf_slice(&f), c);
		for (size_t k = 0; k < lx->n; k++)
			if (c[k])
				score += lx->t[k].weight;
	}
	free(c);
	cg_buf_free(&f);
	return score >= 2;
}

/* skip: for the rendered view, the sites the fetched page itself already
 * loads or links to (reported, if at all, from the browser view). */
static void hidden_and_new(dctx *d, const cg_view *v, const cg_strset *skip)
{
	const cg_web_page *p = &v->page;
	json_t *hidden = json_array(), *res = json_array(), *links = json_array();
	cg_strset link_domains = {0}, hidden_domains = {0};
	bool spam_link = false, hidden_strong = false;
	size_t nhidden = 0;
	char site[256];
	for (size_t i = 0; i < p->nres; i++) {
		const cg_web_res *x = &p->res[i];
		if (!foreign(d, x->host, site) || (skip && cg_strset_has(skip, site)))
			continue;
		if (x->kind == CG_RES_LINK && x->hidden) {
			nhidden++;
			cg_strset_add(&hidden_domains, site);
			/* display:none and hidden also serve menus and tabs; the
			 * other tricks have no use but hiding from people */
			hidden_strong |= strcmp(x->hidden, "display:none") != 0 &&
			                 strcmp(x->hidden, "hidden attribute") != 0 &&
			                 strcmp(x->hidden, "visibility:hidden") != 0;
			hidden_strong |= spammy(d, x->text, x->host);
			if (json_array_size(hidden) < MAX_EVIDENCE_ITEMS)
				json_array_append_new(hidden,
				                      json_pack("{s:o,s:o,s:s,s:s}", "href",
				                                cg_json_cstr(x->url), "text",
				                                cg_json_cstr(x->text), "hidden_by",
				                                x->hidden, "domain", site));
			continue;
		}
		if (x->kind == CG_RES_LINK) {
			cg_strset_add(&link_domains, site);
			bool sp = spammy(d, x->text, x->host);
			spam_link |= sp;
			if (json_array_size(links) < MAX_EVIDENCE_ITEMS)
				json_array_append_new(links,
				                      json_pack("{s:s,s:o,s:o,s:s,s:b}", "kind",
				                                "link", "url", cg_json_cstr(x->url),
				                                "text", cg_json_cstr(x->text),
				                                "domain", site, "spammy", sp));
			continue;
		}
		if (json_array_size(res) < MAX_EVIDENCE_ITEMS)
			json_array_append_new(
			    res, json_pack("{s:s,s:o,s:s,s:o}", "kind", res_kind_name(x->kind),
			                   "url", cg_json_cstr(x->url), "domain", site, "hidden",
			                   x->hidden ? json_string(x->hidden) : json_null()));
	}
	for (int i = 0; i < v->js.nurls; i++) {
		const cg_js_url *u = &v->js.urls[i];
		if (u->in_markup && foreign_url(d, u->url, site) &&
		    !(skip && cg_strset_has(skip, site)) &&
		    json_array_size(res) < MAX_EVIDENCE_ITEMS)
			json_array_append_new(res, json_pack("{s:s,s:o,s:s,s:s}", "kind",
			                                     "script-written", "url",
			                                     cg_json_cstr(u->url), "domain", site,
			                                     "decoded_from", u->how));
	}
	/* one menu link to a social site hidden by display:none is routine;
	 * spam, a hiding trick, or several outside sites are not */
	if (nhidden && (hidden_strong || hidden_domains.n >= 2)) {
		json_t *ev = json_pack("{s:o,s:I,s:s}", "links", hidden, "count",
		                       (json_int_t)nhidden, "view", cg_view_name(v->kind));
		emit(d, "hidden_links", CG_SEV_HIGH, ev,
		     "Trang chứa %zu liên kết ẩn tới trang ngoài (%s)", nhidden,
		     json_string_value(json_object_get(json_array_get(hidden, 0), "href")));
	} else
		json_decref(hidden);
	if (spam_link || link_domains.n >= LINK_FARM_DOMAINS) {
		for (size_t i = 0; i < json_array_size(links); i++)
			json_array_append(res, json_array_get(links, i));
	}
	if (json_array_size(res)) {
		json_t *first = json_array_get(res, 0);
		json_t *ev =
		    json_pack("{s:O,s:s}", "resources", res, "view", cg_view_name(v->kind));
		emit(d, "new_external_resource", CG_SEV_HIGH, ev,
		     "Trang tải/nhúng tài nguyên từ tên miền lạ: %s (%s)",
		     json_string_value(json_object_get(first, "domain")),
		     json_string_value(json_object_get(first, "kind")));
	}
	json_decref(res);
	json_decref(links);
	cg_strset_free(&link_domains);
	cg_strset_free(&hidden_domains);
}

/* ---- threat-intelligence domains ----------------------------------------- */

/* Appends {kind, url, domain, intel_source, view} to hits when url's host
 * is (below) a listed name, once per URL. */
static void intel_match(dctx *d, json_t *hits, const char *kind, const char *url, cg_view_kind view)
{
	const cg_web_intel *in = d->o->intel;
	if (!url || json_array_size(hits) >= MAX_EVIDENCE_ITEMS)
		return;
	cg_slice h = cg_dns_url_host(cg_slice_cstr(url));
	char host[256];
	if (h.len == 0 || h.len >= sizeof host)
		return;
	for (size_t i = 0; i < h.len; i++)
		host[i] = (char)(h.ptr[i] >= 'A' && h.ptr[i] <= 'Z' ? h.ptr[i] + 32 : h.ptr[i]);
	while (h.len && host[h.len - 1] == '.')
		h.len--;
	host[h.len] = 0;
	int64_t id = cg_dns_set_match(in->domains, cg_slice_from(host, h.len));
	if (id < 0)
		return;
	size_t i;
	json_t *x;
	json_array_foreach(hits, i, x)
	{
		if (strcmp(cg_json_get_str(x, "url"), url) == 0)
			return;
	}
	cg_slice name = cg_dns_set_name(in->domains, (uint32_t)id);
	char listed[256];
	snprintf(listed, sizeof listed, "%.*s", (int)name.len, name.ptr);
	const char *src = json_string_value(json_object_get(in->sources, listed));
	json_array_append_new(hits, json_pack("{s:s,s:o,s:s,s:s,s:s}", "kind", kind, "url",
	                                      cg_json_cstr(url), "domain", listed, "intel_source",
	                                      src ? src : "", "view", cg_view_name(view)));
}

static void intel_domains(dctx *d)
{
	if (!d->o->intel || !d->o->intel->domains)
		return;
	json_t *hits = json_array();
	for (size_t v = 0; v < d->s->nviews; v++) {
		const cg_web_req *r = &d->s->reqs[v];
		const cg_view *w = &d->s->views[v];
		if (w->kind == CG_VIEW_RENDERED || r->fail != CG_FETCH_OK)
			continue;
		for (int k = 0; k < r->nchain; k++)
			intel_match(d, hits, "redirect", r->chain[k], w->kind);
		intel_match(d, hits, "redirect", r->final_url, w->kind);
		intel_match(d, hits, "meta-refresh", w->page.refresh_url, w->kind);
		for (size_t k = 0; k < w->page.nres; k++)
			intel_match(d, hits, res_kind_name(w->page.res[k].kind), w->page.res[k].url,
			            w->kind);
		for (int k = 0; k < w->js.nurls; k++)
			intel_match(d, hits, "script-written", w->js.urls[k].url, w->kind);
	}
	if (json_array_size(hits) == 0) {
		json_decref(hits);
		return;
	}
	json_t *first = json_array_get(hits, 0);
	char domain[256], source[CG_INTEL_TEXT_MAX];
	snprintf(domain, sizeof domain, "%s", cg_json_get_str(first, "domain"));
	snprintf(source, sizeof source, "%s", cg_json_get_str(first, "intel_source"));
	emit(d, "intel_domain", CG_SEV_HIGH, json_pack("{s:o}", "matches", hits),
	     "Trang dẫn tới tên miền có trong tin tình báo mối đe dọa: %s (nguồn %s)", domain,
	     source);
}

/* ---- cloaking ----------------------------------------------------------- */

/* Why view v differs materially from the browser view B, or NULL.
 * B_digested: B's digest is there (otherwise only the redirect counts:
 * the browser's fetch failed, or its page is the baseline's and was not
 * parsed). */
static json_t *cloak_reasons(dctx *d, const cg_view *B, const cg_web_req *rB, const cg_view *v,
                             const cg_web_req *r, bool B_digested)
{
	json_t *why = json_array();
	char site[256];
	const cg_lexicons *lx = d->o->lex;
	if (r->final_url && (!rB->final_url || strcmp(r->final_url, rB->final_url) != 0) &&
	    foreign_url(d, r->final_url, site)) {
		json_t *o = json_pack("{s:s,s:o,s:o,s:s}", "what", "redirected", "to",
		                      cg_json_cstr(r->final_url), "chain", chain_json(r),
		                      "to_domain", site);
		if (r->fail != CG_FETCH_OK)
			json_object_set_new(o, "target_fetch", fetch_fail_json(r));
		json_array_append_new(why, o);
	}
	if (r->fail != CG_FETCH_OK || !v->html || !B_digested)
		goto out;
	json_t *terms = json_array();
	if (new_hits(&lx->spam, v->spam, d->s->base->spam, B->spam, terms) >= LEX_SCORE_FINDING)
		json_array_append_new(
		    why,
		    json_pack("{s:s,s:o}", "what", "spam terms only in this view", "terms", terms));
	else
		json_decref(terms);
	json_t *doms = json_array();
	for (size_t i = 0; i < v->domains.n; i++) {
		const char *dm = v->domains.v[i];
		if (!cg_strset_has(&B->domains, dm) && foreign(d, dm, site) &&
		    json_array_size(doms) < MAX_EVIDENCE_ITEMS)
			json_array_append_new(doms, cg_json_cstr(dm));
	}
	if (json_array_size(doms))
		json_array_append_new(why, json_pack("{s:s,s:o}", "what",
		                                     "outside domains only in this view", "domains",
		                                     doms));
	else
		json_decref(doms);
	if (v->js.navigates && !B->js.navigates) {
		for (int i = 0; i < v->js.nurls; i++)
			if (foreign_url(d, v->js.urls[i].url, site)) {
				json_array_append_new(
				    why, json_pack("{s:s,s:o}", "what",
				                   "javascript redirect only in this view", "to",
				                   cg_json_cstr(v->js.urls[i].url)));
				break;
			}
	}
	size_t common = cg_u32set_common(&v->sh, &B->sh);
	size_t only = 0;
	for (size_t i = 0; i < v->sh.n; i++)
		if (!cg_u32set_has(&B->sh, v->sh.v[i]) &&
		    !cg_u32set_has(&d->s->base->volatil, v->sh.v[i]))
			only++;
	double frac_new = v->sh.n ? (double)only / (double)v->sh.n : 0;
	double frac_missing = B->sh.n ? (double)(B->sh.n - common) / (double)B->sh.n : 0;
	if ((frac_new > 0.3 && only >= 20) || (frac_missing > 0.6 && B->sh.n >= 40))
		json_array_append_new(why, json_pack("{s:s,s:f,s:f,s:o}", "what", "different text",
		                                     "new_fraction", frac_new, "missing_fraction",
		                                     frac_missing, "text_sample",
		                                     snippet(cg_buf_slice(&v->page.text))));
out:
	if (json_array_size(why) == 0) {
		json_decref(why);
		return NULL;
	}
	return why;
}

/* B_digested: see cloak_reasons. B_fetched: the browser's page loaded (a
 * crawler view failing with it is the same outage, already reported). */
static void cloaking(dctx *d, bool B_digested, bool B_fetched)
{
	const cg_web_subject *s = d->s;
	json_t *views = json_array(), *failed = json_array();
	const char *first = NULL, *first_failed = NULL;
	for (size_t i = 1; i < s->nviews; i++) {
		const cg_web_req *r = &s->reqs[i];
		if (s->views[i].same_as_browser || s->views[i].same_as_baseline ||
		    s->views[i].kind == CG_VIEW_RENDERED)
			continue;
		json_t *why =
		    cloak_reasons(d, &s->views[0], &s->reqs[0], &s->views[i], r, B_digested);
		if (!why) {
			if (r->fail != CG_FETCH_OK && B_fetched) {
				if (!first_failed)
					first_failed = cg_view_name(s->views[i].kind);
				json_array_append_new(
				    failed,
				    json_pack("{s:s,s:s,s:o,s:o,s:o}", "view",
				              cg_view_name(s->views[i].kind), "user_agent",
				              r->user_agent, "referer", str_or_null(r->referer),
				              "chain", chain_json(r), "target_fetch",
				              fetch_fail_json(r)));
			}
			continue;
		}
		if (!first)
			first = cg_view_name(s->views[i].kind);
		json_array_append_new(
		    views, json_pack("{s:s,s:s,s:o,s:o}", "view", cg_view_name(s->views[i].kind),
		                     "user_agent", r->user_agent, "referer",
		                     str_or_null(r->referer), "differences", why));
	}
	if (first_failed) {
		json_t *ev = json_pack("{s:o}", "views", failed);
		emit(d, "view_failed", CG_SEV_LOW, ev,
		     "Không tải được trang dưới vai trò %s (trình duyệt tải được): chưa kiểm tra "
		     "được cloaking cho vai trò này",
		     first_failed);
	} else
		json_decref(failed);
	if (!first) {
		json_decref(views);
		return;
	}
	json_t *ev = json_pack("{s:o}", "views", views);
	emit(d, "cloaking", CG_SEV_CRITICAL, ev,
	     "Trang hiển thị nội dung khác cho %s so với trình duyệt (cloaking)", first);
}

/* --render: what scripts did to the page at run time. Compared with the
 * browser view (fetched now) so only what JavaScript added is reported. */
static void rendered(dctx *d, const cg_view *B, const cg_view *v)
{
	const cg_baseline *b = d->s->base;
	double sim_b = containment(b, B), sim_r = containment(b, v);
	if (sim_r < d->o->replaced_below && sim_b >= d->o->replaced_below) {
		json_t *ev =
		    json_pack("{s:s,s:f,s:f,s:o,s:o}", "view", "rendered", "similarity", sim_r,
		              "browser_similarity", sim_b, "title", str_or_null(v->page.title),
		              "text_sample", snippet(cg_buf_slice(&v->page.text)));
		emit(d, "content_replaced", CG_SEV_HIGH, ev,
		     "Mã JavaScript thay thế nội dung trang khi hiển thị (còn %.0f%% nội dung ổn "
		     "định)",
		     sim_r * 100);
	}
	spam(d, v, B);
	cg_strset sites = {0};
	for (size_t i = 0; i < B->page.nres; i++) {
		char site[256];
		if (B->page.res[i].host) {
			cg_web_site_of(B->page.res[i].host, site, sizeof site);
			cg_strset_add(&sites, site);
		}
	}
	hidden_and_new(d, v, &sites);
	cg_strset_free(&sites);
}

void cg_web_detect(const cg_web_subject *s, const cg_web_opts *o, const cg_web_sink *sink)
{
	dctx d = {.s = s, .o = o, .sink = sink};
	char host[256];
	if (cg_web_url_host(s->url, host, sizeof host))
		cg_web_site_of(host, d.site, sizeof d.site);
	if (s->nviews == 0)
		return;
	if (!fetch_findings(&d)) {
		/* a crawler sent to an outside site is still reported */
		cloaking(&d, false, false);
		return;
	}
	const cg_view *B = &s->views[0];
	redirects(&d, B, &s->reqs[0]);
	intel_domains(&d);
	if (B->same_as_baseline) {
		/* the page the baseline learned from, numbers aside: every view
		 * that loaded is the same too (else the browser's page would
		 * have been parsed), but the views that failed are still judged */
		cloaking(&d, false, true);
		return;
	}
	content(&d, B);
	if (!B->html) {
		cloaking(&d, false, true);
		return;
	}
	spam(&d, B, NULL);
	hidden_and_new(&d, B, NULL);
	cloaking(&d, true, true);
	for (size_t i = 1; i < s->nviews; i++)
		if (s->views[i].kind == CG_VIEW_RENDERED && s->views[i].html)
			rendered(&d, B, &s->views[i]);
}
