/*
 * analyze.h - one fetched view of a page, digested for comparison, and
 * the baseline those digests are compared with. Internal to src/lib/web.
 *
 * A view is the page as one client sees it (a browser, a crawler, a
 * visitor from a search engine). Its digest holds:
 *  - shingles: hashes of every run of 4 consecutive words of its folded
 *    text, where any word holding a digit is replaced by '#' first, so
 *    dates, counters, view counts and tokens do not change the digest;
 *  - lexicon counts (spam and defacement terms) in the text, and in the
 *    title/description/keywords separately;
 *  - the registrable domains (libpsl) of everything it loads or links to;
 *  - what its inline JavaScript navigates to (jsdecode.h).
 *
 * The baseline (stored as JSON under DATA/web/baselines/) is learned from
 * several browser loads and one load per crawler: shingles present in
 * every browser load are "stable" (the page's lasting content), the rest
 * "volatile" (rotating news, tokens); every domain seen is "known".
 *
 * Ownership: cg_view and cg_baseline own their members; *_free release.
 */
#ifndef CG_WEB_ANALYZE_H
#define CG_WEB_ANALYZE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "fetch.h"
#include "jsdecode.h"
#include "lexicon.h"
#include "page.h"

typedef enum cg_view_kind {
	CG_VIEW_BROWSER = 0,
	CG_VIEW_GOOGLEBOT,
	CG_VIEW_BINGBOT,
	CG_VIEW_COCCOC,
	CG_VIEW_SEARCH,   /* browser arriving from a Google result */
	CG_VIEW_RENDERED, /* the DOM headless Chromium built (--render) */
	CG_VIEW_COUNT
} cg_view_kind;
/* the views fetched with libcurl: all but the rendered one */
#define CG_VIEW_FETCHED CG_VIEW_RENDERED

const char *cg_view_name(cg_view_kind v);
const char *cg_view_user_agent(cg_view_kind v);
const char *cg_view_referer(cg_view_kind v);

typedef struct cg_u32set {
	uint32_t *v; /* sorted, unique */
	size_t n;
} cg_u32set;

void cg_u32set_free(cg_u32set *s);
bool cg_u32set_has(const cg_u32set *s, uint32_t x);
/* |a ∩ b| */
size_t cg_u32set_common(const cg_u32set *a, const cg_u32set *b);

typedef struct cg_strset {
	char **v;
	size_t n, cap;
} cg_strset;

void cg_strset_free(cg_strset *s);
bool cg_strset_has(const cg_strset *s, const char *x);
void cg_strset_add(cg_strset *s, const char *x);

typedef struct cg_lexicons {
	cg_lex spam;
	cg_lex deface;
} cg_lexicons;

typedef struct cg_view {
	cg_view_kind kind;
	bool html;
	bool same_as_browser;  /* check: body equal to the browser's but for
	                          numbers; not digested again (see engine.c) */
	bool same_as_baseline; /* check: body equal to one the baseline learned
	                          from (same view) but for numbers */
	cg_web_page page;
	cg_u32set sh;        /* all shingles, sorted unique */
	cg_u32set links;     /* hashes of same-site link URLs: the template */
	uint32_t *spam;      /* counts per spam term (text) */
	uint32_t *spam_meta; /* counts per spam term (title/description/keywords) */
	uint32_t *deface;    /* counts per defacement term */
	cg_strset domains;   /* registrable domains of resources and links */
	cg_js_result js;
	size_t text_len;
	size_t n_links;
} cg_view;

/* Digest a fetched body. `site` is the registrable domain of the URL. */
cg_err cg_view_build(cg_view *v, cg_view_kind kind, const cg_web_req *r, const cg_lexicons *lx);
void cg_view_free(cg_view *v);
/* Hash of a body with every run of letters and digits that holds a digit
 * counted as one '#': two loads that differ only in dates, counters and
 * tokens hash equal. */
uint64_t cg_body_shape_hash(cg_slice body);
/* shape_hash(a) == shape_hash(b), decided mostly at memcmp speed: only
 * the runs around differing bytes are normalized. */
bool cg_body_shape_equal(cg_slice a, cg_slice b);
/* "googlebot:0123456789abcdef" */
void cg_web_shape_key(cg_view_kind kind, uint64_t shape, char out[64]);
#define CG_MAX_WEB_SHAPES 64

/* Registrable domain of a host (eTLD+1 by the public suffix list; the
 * host itself for IP addresses and bare suffixes). */
void cg_web_site_of(const char *host, char *dst, size_t dstsize);
/* .gov.vn hosts: other government sites, never "foreign" to a portal. */
bool cg_web_is_gov_vn(const char *host);

typedef struct cg_baseline {
	char *url;
	int64_t created_ms;
	int loads;
	char *final_url;
	char final_site[256];
	cg_u32set stable, volatil;
	cg_u32set links; /* same-site links in every browser load */
	cg_strset domains;
	cg_strset shapes; /* "view:shape-hash" of every load learned from */
	json_t *spam;     /* {folded term: max count} */
	json_t *spam_meta;
	json_t *deface;
	char *title, *description, *keywords;
	size_t text_len, n_elements, n_links;
} cg_baseline;

/* Learns a baseline from views (browser loads first: nbrowser of them). */
cg_err cg_baseline_learn(cg_baseline *b, const char *url, const cg_view *views, size_t nviews,
                         const cg_web_req *reqs, const cg_lexicons *lx);
cg_err cg_baseline_save(const cg_baseline *b, const char *data_dir, cg_buf *why);
cg_err cg_baseline_load(cg_baseline *b, const char *data_dir, const char *url, cg_buf *why);
void cg_baseline_free(cg_baseline *b);
/* DATA/web/baselines/<hash>.json */
void cg_baseline_path(const char *data_dir, const char *url, cg_buf *out);

#endif
