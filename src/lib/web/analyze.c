/*
 * analyze.c - view digests and baselines (see analyze.h).
 */
#include "analyze.h"

#include <libpsl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/fileio.h"
#include "core/json.h"
#include "core/limits.h"
#include "core/timeutil.h"

#define SHINGLE_WORDS 4

static const char *const view_names[CG_VIEW_COUNT] = {
    "browser", "googlebot", "bingbot", "coccocbot", "search-visitor", "rendered",
};
static const char *const view_uas[CG_VIEW_COUNT] = {
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Safari/537.36",
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
    "Mozilla/5.0 (compatible; coccocbot-web/1.0; +http://help.coccoc.com/searchengine)",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Safari/537.36",
};

const char *cg_view_name(cg_view_kind v)
{
	return view_names[v];
}
const char *cg_view_user_agent(cg_view_kind v)
{
	return view_uas[v];
}
const char *cg_view_referer(cg_view_kind v)
{
	return v == CG_VIEW_SEARCH ? "https://www.google.com/search?q=cong+thong+tin+dien+tu"
	                           : NULL;
}

/* ---- sets -------------------------------------------------------------- */

void cg_u32set_free(cg_u32set *s)
{
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

bool cg_u32set_has(const cg_u32set *s, uint32_t x)
{
	size_t lo = 0, hi = s->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->v[mid] < x)
			lo = mid + 1;
		else if (s->v[mid] > x)
			hi = mid;
		else
			return true;
	}
	return false;
}

size_t cg_u32set_common(const cg_u32set *a, const cg_u32set *b)
{
	size_t i = 0, j = 0, c = 0;
	while (i < a->n && j < b->n) {
		if (a->v[i] < b->v[j])
			i++;
		else if (a->v[i] > b->v[j])
			j++;
		else {
			c++;
			i++;
			j++;
		}
	}
	return c;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

static void sort_unique(cg_u32set *s)
{
	if (!s->n)
		return;
	qsort(s->v, s->n, sizeof *s->v, cmp_u32);
	size_t k = 1;
	for (size_t i = 1; i < s->n; i++)
		if (s->v[i] != s->v[k - 1])
			s->v[k++] = s->v[i];
	s->n = k;
}

void cg_strset_free(cg_strset *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	memset(s, 0, sizeof *s);
}

bool cg_strset_has(const cg_strset *s, const char *x)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->v[i], x) == 0)
			return true;
	return false;
}

void cg_strset_add(cg_strset *s, const char *x)
{
	if (cg_strset_has(s, x) || s->n >= CG_MAX_WEB_RESOURCES)
		return;
	if (s->n == s->cap) {
		size_t nc = s->cap ? s->cap * 2 : 16;
		char **nv = realloc(s->v, nc * sizeof *nv);
		if (!nv)
			return;
		s->v = nv;
		s->cap = nc;
	}
	char *d = strdup(x);
	if (d)
		s->v[s->n++] = d;
}

/* ---- sites ------------------------------------------------------------- */

static bool is_ip(const char *h)
{
	if (h[0] == '[')
		return true;
	for (; *h; h++)
		if (!((*h >= '0' && *h <= '9') || *h == '.'))
			return false;
	return true;
}

void cg_web_site_of(const char *host, char *dst, size_t dstsize)
{
	const char *rd = is_ip(host) ? NULL : psl_registrable_domain(psl_builtin(), host);
	const char *s = rd ? rd : host;
	if (cg_slice_copy(cg_slice_cstr(s), dst, dstsize) != CG_OK)
		dst[0] = '\0';
}

bool cg_web_is_gov_vn(const char *host)
{
	size_t n = strlen(host);
	return (n == 6 && strcmp(host, "gov.vn") == 0) ||
	       (n > 7 && strcmp(host + n - 7, ".gov.vn") == 0);
}

/* ---- shingles ---------------------------------------------------------- */

static bool word_ch(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80;
}

static void shingles(cg_slice t, cg_u32set *out)
{
	size_t cap = 1024;
	out->v = malloc(cap * sizeof *out->v);
	out->n = 0;
	if (!out->v)
		return;
	uint64_t win[SHINGLE_WORDS] = {0};
	size_t nw = 0;
	for (size_t i = 0; i < t.len;) {
		if (!word_ch((unsigned char)t.ptr[i])) {
			i++;
			continue;
		}
		size_t j = i;
		bool digit = false;
		uint64_t h = 1469598103934665603ull;
		while (j < t.len && word_ch((unsigned char)t.ptr[j])) {
			unsigned char c = (unsigned char)t.ptr[j++];
			digit |= c >= '0' && c <= '9';
			h = (h ^ c) * 1099511628211ull;
		}
		if (digit)
			h = 0x23; /* '#' */
		i = j;
		win[nw % SHINGLE_WORDS] = h;
		nw++;
		if (nw < SHINGLE_WORDS)
			continue;
		uint64_t s = 0;
		for (size_t k = 0; k < SHINGLE_WORDS; k++)
			s = (s ^ win[(nw + k) % SHINGLE_WORDS]) * 0x100000001b3ull + k;
		if (out->n == cap) {
			if (cap >= (size_t)4 * CG_MAX_WEB_PAGE)
				break;
			uint32_t *nv = realloc(out->v, cap * 2 * sizeof *nv);
			if (!nv)
				break;
			out->v = nv;
			cap *= 2;
		}
		out->v[out->n++] = (uint32_t)(s ^ (s >> 32));
	}
	sort_unique(out);
}

/* ---- views ------------------------------------------------------------- */

/* A link URL without its fragment. */
static uint32_t link_hash(const char *u)
{
	uint32_t h = 2166136261u;
	for (; *u && *u != '#'; u++)
		h = (h ^ (unsigned char)*u) * 16777619u;
	return h;
}

static void add_domain(cg_strset *d, const char *host)
{
	char site[256];
	cg_web_site_of(host, site, sizeof site);
	if (site[0])
		cg_strset_add(d, site);
}

cg_err cg_view_build(cg_view *v, cg_view_kind kind, const cg_web_req *r, const cg_lexicons *lx)
{
	memset(v, 0, sizeof *v);
	v->kind = kind;
	cg_slice body = cg_buf_slice(&r->body);
	v->html = cg_web_is_html(body, r->content_type);
	v->spam = calloc(lx->spam.n + 1, sizeof *v->spam);
	v->spam_meta = calloc(lx->spam.n + 1, sizeof *v->spam_meta);
	v->deface = calloc(lx->deface.n + 1, sizeof *v->deface);
	if (!v->spam || !v->spam_meta || !v->deface)
		return CG_ENOMEM;
	if (!v->html)
		return CG_OK;
	cg_err err = cg_web_page_parse(body, r->content_type, r->final_url, &v->page);
	if (err)
		return err;
	cg_web_page *p = &v->page;
	cg_buf f;
	cg_buf_init(&f, 8u * CG_MAX_WEB_PAGE);
	cg_lex_fold(cg_buf_slice(&p->text), &f);
	cg_buf_putc(&f, ' ');
	cg_lex_fold(cg_buf_slice(&p->hidden_text), &f);
	v->text_len = p->text.len;
	shingles(cg_buf_slice(&f), &v->sh);
	cg_lex_count(&lx->spam, cg_buf_slice(&f), v->spam);
	cg_lex_count(&lx->deface, cg_buf_slice(&f), v->deface);
	cg_buf_reset(&f);
	const char *meta[3] = {p->title, p->description, p->keywords};
	for (int i = 0; i < 3; i++)
		if (meta[i]) {
			cg_lex_fold(cg_slice_cstr(meta[i]), &f);
			cg_buf_putc(&f, '\n');
		}
	cg_lex_count(&lx->spam, cg_buf_slice(&f), v->spam_meta);
	cg_lex_count(&lx->deface, cg_buf_slice(&f), v->deface);
	cg_buf_free(&f);
	char host0[256], site0[256] = "";
	if (r->final_url && cg_web_url_host(r->final_url, host0, sizeof host0))
		cg_web_site_of(host0, site0, sizeof site0);
	v->links.v = malloc((p->nres + 1) * sizeof *v->links.v);
	for (size_t i = 0; i < p->nres; i++) {
		if (p->res[i].host)
			add_domain(&v->domains, p->res[i].host);
		if (p->res[i].kind != CG_RES_LINK)
			continue;
		v->n_links++;
		char site[256];
		if (!v->links.v || !p->res[i].host)
			continue;
		cg_web_site_of(p->res[i].host, site, sizeof site);
		if (strcmp(site, site0) == 0)
			v->links.v[v->links.n++] = link_hash(p->res[i].url);
	}
	sort_unique(&v->links);
	cg_js_scan(cg_buf_slice(&p->inline_js), &v->js);
	for (int i = 0; i < v->js.nurls; i++) {
		char host[256];
		if (cg_web_url_host(v->js.urls[i].url, host, sizeof host))
			add_domain(&v->domains, host);
	}
	if (p->refresh_url) {
		char host[256];
		if (cg_web_url_host(p->refresh_url, host, sizeof host))
			add_domain(&v->domains, host);
	}
	return CG_OK;
}

/* Digit runs count as '#'; so does a whole run of letters and digits of
 * 12 or more that holds a digit (tokens, hashes). Short labels keep their
 * letters: "cdn2" and "cdx2" differ, "x1" and "x2" do not.
 *
 * It runs on every body a check fetches, so it is written for speed: a
 * class table, the normalized bytes gathered in a small block, and the
 * block hashed 8 bytes at a time (the block boundaries depend only on the
 * normalized stream, so equal streams hash equal). */
enum { CL_OTHER = 0, CL_ALPHA = 1, CL_DIGIT = 2 };

/* Built per call (256 steps, nothing next to a page) so that no shared
 * state is written from several threads. */
static void char_classes(unsigned char t[256])
{
	for (int c = 0; c < 256; c++)
		t[c] = (c >= '0' && c <= '9')                               ? CL_DIGIT
		       : ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) ? CL_ALPHA
		                                                            : CL_OTHER;
}

static uint64_t block_hash(uint64_t h, const unsigned char *p, size_t n)
{
	size_t i = 0;
	for (; i + 8 <= n; i += 8) {
		uint64_t w;
		memcpy(&w, p + i, 8);
		h = (h ^ w) * 0x9E3779B97F4A7C15ull;
		h ^= h >> 29;
	}
	for (; i < n; i++)
		h = (h ^ p[i]) * 1099511628211ull;
	return (h ^ n) * 0x9E3779B97F4A7C15ull;
}

uint64_t cg_body_shape_hash(cg_slice b)
{
	unsigned char cls[256];
	char_classes(cls);
	const unsigned char *p = (const unsigned char *)b.ptr;
	unsigned char blk[4096 + 8];
	size_t n = 0;
	uint64_t h = 1469598103934665603ull;
	for (size_t i = 0; i < b.len;) {
		if (n >= 4096) {
			h = block_hash(h, blk, n);
			n = 0;
		}
		unsigned char k = cls[p[i]];
		if (k == CL_OTHER) {
			blk[n++] = p[i++];
			continue;
		}
		size_t j = i;
		bool digit = false;
		while (j < b.len && cls[p[j]] != CL_OTHER)
			digit |= cls[p[j++]] == CL_DIGIT;
		if (digit && j - i >= 12) {
			blk[n++] = '#';
			i = j;
			continue;
		}
		for (size_t q = i; q < j;) {
			if (n >= 4096) { /* long runs: flush as we go */
				h = block_hash(h, blk, n);
				n = 0;
			}
			if (cls[p[q]] == CL_DIGIT) {
				while (q < j && cls[p[q]] == CL_DIGIT)
					q++;
				blk[n++] = '#';
			} else
				blk[n++] = p[q++];
		}
		i = j;
	}
	return block_hash(h, blk, n);
}

/* The next token of the normalized stream at s[*i]: one byte outside
 * runs, else the run's normalized form (as cg_body_shape_hash makes it). */
static size_t next_token(const unsigned char *cls, cg_slice s, size_t *i, unsigned char *out)
{
	const unsigned char *p = (const unsigned char *)s.ptr;
	size_t a = *i;
	if (cls[p[a]] == CL_OTHER) {
		out[0] = p[a];
		*i = a + 1;
		return 1;
	}
	size_t j = a;
	bool digit = false;
	while (j < s.len && cls[p[j]] != CL_OTHER)
		digit |= cls[p[j++]] == CL_DIGIT;
	*i = j;
	if (digit && j - a >= 12) {
		out[0] = '#';
		return 1;
	}
	size_t n = 0;
	for (size_t q = a; q < j && n < 64;) {
		if (cls[p[q]] == CL_DIGIT) {
			while (q < j && cls[p[q]] == CL_DIGIT)
				q++;
			out[n++] = '#';
		} else
			out[n++] = p[q++];
	}
	return j - a > 64 ? (size_t)-1 : n; /* long letter runs: compare bytes */
}

bool cg_body_shape_equal(cg_slice a, cg_slice b)
{
	unsigned char cls[256];
	char_classes(cls);
	const unsigned char *pa = (const unsigned char *)a.ptr, *pb = (const unsigned char *)b.ptr;
	size_t i = 0, j = 0;
	size_t fi = 0; /* a token boundary: never back up before it */
	for (;;) {
		/* identical stretches go at memcmp speed */
		while (i < a.len && j < b.len) {
			size_t m = a.len - i < b.len - j ? a.len - i : b.len - j;
			size_t step = m < 256 ? m : 256;
			if (memcmp(pa + i, pb + j, step) != 0)
				break;
			i += step;
			j += step;
		}
		while (i < a.len && j < b.len && pa[i] == pb[j]) {
			i++;
			j++;
		}
		if (i == a.len && j == b.len)
			return true;
		/* back to the start of the run both are in (equal bytes so far) */
		while (i > fi && cls[pa[i - 1]] != CL_OTHER) {
			i--;
			j--;
		}
		if (i >= a.len || j >= b.len)
			return false;
		size_t ia = i, jb = j;
		unsigned char ta[64], tb[64];
		size_t na = next_token(cls, a, &i, ta), nb = next_token(cls, b, &j, tb);
		if (na == (size_t)-1 || nb == (size_t)-1) {
			if (i - ia != j - jb || memcmp(pa + ia, pb + jb, i - ia) != 0)
				return false;
		} else if (na != nb || memcmp(ta, tb, na) != 0)
			return false;
		fi = i;
	}
}

void cg_view_free(cg_view *v)
{
	cg_u32set_free(&v->links);
	cg_web_page_free(&v->page);
	cg_u32set_free(&v->sh);
	free(v->spam);
	free(v->spam_meta);
	free(v->deface);
	cg_strset_free(&v->domains);
	cg_js_result_free(&v->js);
	memset(v, 0, sizeof *v);
}

/* ---- baselines -------------------------------------------------------- */

void cg_baseline_free(cg_baseline *b)
{
	free(b->url);
	free(b->final_url);
	cg_u32set_free(&b->stable);
	cg_u32set_free(&b->volatil);
	cg_u32set_free(&b->links);
	cg_strset_free(&b->domains);
	cg_strset_free(&b->shapes);
	json_decref(b->spam);
	json_decref(b->spam_meta);
	json_decref(b->deface);
	free(b->title);
	free(b->description);
	free(b->keywords);
	memset(b, 0, sizeof *b);
}

/* Keeps the CG_MAX_WEB_SHINGLES smallest values: a bottom-k sample is
 * consistent, so containment estimated on it is unbiased. */
static void bottom_k(cg_u32set *s)
{
	if (s->n > CG_MAX_WEB_SHINGLES)
		s->n = CG_MAX_WEB_SHINGLES;
}

static json_t *counts_json(const cg_lex *lx, const uint32_t *const *c, size_t nc)
{
	json_t *o = json_object();
	for (size_t k = 0; k < lx->n; k++) {
		uint32_t m = 0;
		for (size_t i = 0; i < nc; i++)
			if (c[i][k] > m)
				m = c[i][k];
		if (m)
			json_object_set_new(o, lx->t[k].folded, json_integer(m));
	}
	return o;
}

static size_t median3(size_t *a, size_t n)
{
	/* small n: insertion sort */
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && a[j - 1] > a[j]; j--) {
			size_t t = a[j];
			a[j] = a[j - 1];
			a[j - 1] = t;
		}
	return n ? a[n / 2] : 0;
}

cg_err cg_baseline_learn(cg_baseline *b, const char *url, const cg_view *views, size_t nviews,
                         const cg_web_req *reqs, const cg_lexicons *lx)
{
	memset(b, 0, sizeof *b);
	b->url = strdup(url);
	b->created_ms = cg_time_now_ms();
	size_t nb = 0;
	for (size_t i = 0; i < nviews; i++)
		if (views[i].kind == CG_VIEW_BROWSER && views[i].html)
			nb++;
	if (nb == 0)
		return CG_EINVAL;
	b->loads = (int)nb;
	/* stable = in every browser load; volatile = in some but not all */
	const cg_view *first = NULL;
	size_t tl[16], ne[16], nl[16], k = 0;
	for (size_t i = 0; i < nviews; i++) {
		if (views[i].kind != CG_VIEW_BROWSER || !views[i].html)
			continue;
		if (!first) {
			first = &views[i];
			b->final_url = strdup(reqs[i].final_url);
		}
		if (k < 16) {
			tl[k] = views[i].text_len;
			ne[k] = views[i].page.n_elements;
			nl[k] = views[i].n_links;
			k++;
		}
	}
	b->text_len = median3(tl, k);
	b->n_elements = median3(ne, k);
	b->n_links = median3(nl, k);
	cg_u32set all = {0};
	size_t cap = 0;
	for (size_t i = 0; i < nviews; i++)
		if (views[i].html)
			cap += views[i].sh.n;
	all.v = malloc((cap + 1) * sizeof *all.v);
	b->stable.v = malloc((first->sh.n + 1) * sizeof *b->stable.v);
	if (!all.v || !b->stable.v) {
		free(all.v);
		return CG_ENOMEM;
	}
	for (size_t j = 0; j < first->sh.n; j++) {
		uint32_t x = first->sh.v[j];
		bool everywhere = true;
		for (size_t i = 0; i < nviews && everywhere; i++)
			if (views[i].kind == CG_VIEW_BROWSER && views[i].html &&
			    !cg_u32set_has(&views[i].sh, x))
				everywhere = false;
		if (everywhere)
			b->stable.v[b->stable.n++] = x;
	}
	b->links.v = malloc((first->links.n + 1) * sizeof *b->links.v);
	for (size_t j = 0; b->links.v && j < first->links.n; j++) {
		uint32_t x = first->links.v[j];
		bool everywhere = true;
		for (size_t i = 0; i < nviews && everywhere; i++)
			if (views[i].kind == CG_VIEW_BROWSER && views[i].html &&
			    !cg_u32set_has(&views[i].links, x))
				everywhere = false;
		if (everywhere && b->links.n < CG_MAX_WEB_SHINGLES)
			b->links.v[b->links.n++] = x;
	}
	for (size_t i = 0; i < nviews; i++)
		for (size_t j = 0; views[i].html && j < views[i].sh.n; j++)
			if (!cg_u32set_has(&b->stable, views[i].sh.v[j]))
				all.v[all.n++] = views[i].sh.v[j];
	sort_unique(&all);
	b->volatil = all;
	bottom_k(&b->stable);
	bottom_k(&b->volatil);
	const uint32_t *sp[16], *sm[16], *df[16];
	size_t nc = 0;
	for (size_t i = 0; i < nviews; i++) {
		if (!views[i].html)
			continue;
		for (size_t d = 0; d < views[i].domains.n; d++)
			cg_strset_add(&b->domains, views[i].domains.v[d]);
		if (views[i].kind == CG_VIEW_BROWSER && nc < 16) {
			sp[nc] = views[i].spam;
			sm[nc] = views[i].spam_meta;
			df[nc] = views[i].deface;
			nc++;
		}
	}
	for (size_t i = 0; i < nviews && b->shapes.n < CG_MAX_WEB_SHAPES; i++) {
		char key[64];
		cg_web_shape_key(views[i].kind, cg_body_shape_hash(cg_buf_slice(&reqs[i].body)),
		                 key);
		cg_strset_add(&b->shapes, key);
	}
	char host[256];
	if (b->final_url && cg_web_url_host(b->final_url, host, sizeof host))
		cg_web_site_of(host, b->final_site, sizeof b->final_site);
	b->spam = counts_json(&lx->spam, sp, nc);
	b->spam_meta = counts_json(&lx->spam, sm, nc);
	b->deface = counts_json(&lx->deface, df, nc);
	b->title = first->page.title ? strdup(first->page.title) : NULL;
	b->description = first->page.description ? strdup(first->page.description) : NULL;
	b->keywords = first->page.keywords ? strdup(first->page.keywords) : NULL;
	return CG_OK;
}

void cg_web_shape_key(cg_view_kind kind, uint64_t shape, char out[64])
{
	snprintf(out, 64, "%s:%016llx", cg_view_name(kind), (unsigned long long)shape);
}

static uint64_t fnv64(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

void cg_baseline_path(const char *data_dir, const char *url, cg_buf *out)
{
	cg_buf_printf(out, "%s/web/baselines/%016llx.json", data_dir,
	              (unsigned long long)fnv64(url));
}

static json_t *set_json(const cg_u32set *s)
{
	json_t *a = json_array();
	for (size_t i = 0; i < s->n; i++)
		json_array_append_new(a, json_integer(s->v[i]));
	return a;
}

static json_t *str_or_null(const char *s)
{
	return s ? cg_json_cstr(s) : json_null();
}

cg_err cg_baseline_save(const cg_baseline *b, const char *data_dir, cg_buf *why)
{
	cg_buf path;
	cg_buf_init(&path, 4096);
	cg_buf_printf(&path, "%s/web/baselines", data_dir);
	cg_err err = cg_mkdir_p(cg_buf_cstr(&path), 0750, why);
	if (err) {
		cg_buf_free(&path);
		return err;
	}
	cg_buf_reset(&path);
	cg_baseline_path(data_dir, b->url, &path);
	json_t *dom = json_array();
	for (size_t i = 0; i < b->domains.n; i++)
		json_array_append_new(dom, cg_json_cstr(b->domains.v[i]));
	char created[32];
	cg_time_format(b->created_ms, created, sizeof created);
	json_t *o = json_object();
	json_object_set_new(o, "version", json_integer(1));
	json_object_set_new(o, "url", cg_json_cstr(b->url));
	json_object_set_new(o, "created", json_string(created));
	json_object_set_new(o, "loads", json_integer(b->loads));
	json_object_set_new(o, "final_url", str_or_null(b->final_url));
	json_object_set_new(o, "final_site", cg_json_cstr(b->final_site));
	json_object_set_new(o, "title", str_or_null(b->title));
	json_object_set_new(o, "description", str_or_null(b->description));
	json_object_set_new(o, "keywords", str_or_null(b->keywords));
	json_object_set_new(o, "text_len", json_integer((json_int_t)b->text_len));
	json_object_set_new(o, "n_elements", json_integer((json_int_t)b->n_elements));
	json_object_set_new(o, "n_links", json_integer((json_int_t)b->n_links));
	json_object_set_new(o, "domains", dom);
	json_t *shapes = json_array();
	for (size_t i = 0; i < b->shapes.n; i++)
		json_array_append_new(shapes, cg_json_cstr(b->shapes.v[i]));
	json_object_set_new(o, "shapes", shapes);
	json_object_set(o, "spam", b->spam);
	json_object_set(o, "spam_meta", b->spam_meta);
	json_object_set(o, "deface", b->deface);
	json_object_set_new(o, "stable", set_json(&b->stable));
	json_object_set_new(o, "volatile", set_json(&b->volatil));
	json_object_set_new(o, "links", set_json(&b->links));
	cg_buf text;
	cg_buf_init(&text, CG_MAX_WEB_BASELINE_BYTES);
	err = cg_json_encode(&text, o);
	json_decref(o);
	if (!err)
		err = cg_buf_putc(&text, '\n');
	if (!err)
		err = cg_write_file_atomic(cg_buf_cstr(&path), text.ptr, text.len, 0640, why);
	else if (why)
		cg_buf_printf(why, "%s: baseline too large", b->url);
	cg_buf_free(&text);
	cg_buf_free(&path);
	return err;
}

static cg_err set_from_json(const json_t *a, cg_u32set *s)
{
	if (!json_is_array(a))
		return CG_EPARSE;
	size_t n = json_array_size(a);
	if (n > CG_MAX_WEB_SHINGLES)
		return CG_EPARSE;
	s->v = malloc((n + 1) * sizeof *s->v);
	if (!s->v)
		return CG_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		json_t *x = json_array_get(a, i);
		if (!json_is_integer(x))
			return CG_EPARSE;
		s->v[s->n++] = (uint32_t)json_integer_value(x);
	}
	sort_unique(s);
	return CG_OK;
}

static char *dup_str(const json_t *o, const char *k)
{
	const char *s = cg_json_get_str(o, k);
	return s ? strdup(s) : NULL;
}

static size_t get_size(const json_t *o, const char *k)
{
	json_int_t v = json_integer_value(json_object_get(o, k));
	return v > 0 ? (size_t)v : 0;
}

static json_t *obj_or_empty(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);
	return json_is_object(v) ? json_incref(v) : json_object();
}

/* *why does not repeat the URL: every caller reports it next to it. */
cg_err cg_baseline_load(cg_baseline *b, const char *data_dir, const char *url, cg_buf *why)
{
	memset(b, 0, sizeof *b);
	cg_buf path, text;
	cg_buf_init(&path, 4096);
	cg_buf_init(&text, CG_MAX_WEB_BASELINE_BYTES);
	cg_baseline_path(data_dir, url, &path);
	cg_err err = cg_read_file(cg_buf_cstr(&path), &text, NULL);
	json_t *o = NULL;
	if (err == CG_ENOTFOUND) {
		if (why)
			cg_buf_puts(why, "no baseline (run 'canhgac web baseline' first)");
	} else if (err) {
		if (why)
			cg_buf_printf(why, "cannot read baseline %s: %s", cg_buf_cstr(&path), cg_strerror(err));
	} else if ((err = cg_json_parse(cg_buf_slice(&text), &o, NULL)) || !json_is_object(o)) {
		err = CG_EPARSE;
		if (why)
			cg_buf_printf(why, "baseline %s is corrupt", cg_buf_cstr(&path));
	} else {
		const char *u = cg_json_get_str(o, "url");
		if (!u || strcmp(u, url) != 0)
			err = CG_EPARSE;
		if (!err)
			err = set_from_json(json_object_get(o, "stable"), &b->stable);
		if (!err)
			err = set_from_json(json_object_get(o, "volatile"), &b->volatil);
		if (!err && json_object_get(o, "links"))
			err = set_from_json(json_object_get(o, "links"), &b->links);
		json_t *dom = json_object_get(o, "domains");
		size_t i;
		json_t *d;
		json_array_foreach(dom, i, d) if (json_is_string(d))
		    cg_strset_add(&b->domains, json_string_value(d));
		json_t *sh = json_object_get(o, "shapes");
		json_array_foreach(sh, i,
		                   d) if (json_is_string(d) && b->shapes.n < CG_MAX_WEB_SHAPES)
		    cg_strset_add(&b->shapes, json_string_value(d));
		b->url = strdup(url);
		b->final_url = dup_str(o, "final_url");
		const char *fs = cg_json_get_str(o, "final_site");
		if (fs)
			cg_slice_copy(cg_slice_cstr(fs), b->final_site, sizeof b->final_site);
		b->title = dup_str(o, "title");
		b->description = dup_str(o, "description");
		b->keywords = dup_str(o, "keywords");
		b->text_len = get_size(o, "text_len");
		b->n_elements = get_size(o, "n_elements");
		b->n_links = get_size(o, "n_links");
		b->loads = (int)get_size(o, "loads");
		b->spam = obj_or_empty(o, "spam");
		b->spam_meta = obj_or_empty(o, "spam_meta");
		b->deface = obj_or_empty(o, "deface");
		if (err && why)
			cg_buf_printf(why, "baseline %s is corrupt", cg_buf_cstr(&path));
	}
	json_decref(o);
	cg_buf_free(&path);
	cg_buf_free(&text);
	if (err)
		cg_baseline_free(b);
	return err;
}
