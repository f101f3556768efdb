/*
 * page.c - the page model (see page.h): libxml2 HTML parse, then one walk
 * over the tree that carries "why is this hidden" down to descendants.
 *
 * The walk is recursive with a depth cap (CG_MAX_WEB_DEPTH; libxml2 itself
 * refuses deeper trees without HTML_PARSE_HUGE). Text is gathered with
 * whitespace collapsed; <script>, <style> and <template> contribute no
 * text. Every buffer has a maximum, so a hostile page costs bounded memory;
 * when one fills, the rest is dropped (the page is still analysed).
 */
#include "page.h"

#include <libxml/HTMLparser.h>
#include <libxml/uri.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/limits.h"

#define MAX_STYLE_NAMES 4096
#define MAX_ANCHOR_TEXT 300

/* class/id names hidden by rules in the page's <style> blocks */
typedef struct hide_rules {
	char **names; /* ".cls" or "#id" */
	const char **why;
	size_t n;
} hide_rules;

typedef struct walker {
	cg_web_page *p;
	const char *base;
	hide_rules rules;
	bool in_head_title_done;
} walker;

/* ---- small helpers ----------------------------------------------------- */

static bool name_is(const xmlNode *n, const char *tag)
{
	return n->name && strcasecmp((const char *)n->name, tag) == 0;
}

static char *attr(const xmlNode *n, const char *name)
{
	for (xmlAttr *a = n->properties; a; a = a->next)
		if (a->name && strcasecmp((const char *)a->name, name) == 0)
			return (char *)xmlNodeGetContent((xmlNode *)a);
	return NULL;
}

static void append_text(cg_buf *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		bool sp = c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
		if (sp) {
			if (b->len == 0 || b->ptr[b->len - 1] == ' ')
				continue;
			c = ' ';
		}
		if (cg_buf_putc(b, c) != CG_OK)
			return;
	}
}

static void sep(cg_buf *b)
{
	if (b->len && b->ptr[b->len - 1] != ' ')
		cg_buf_putc(b, ' ');
}

bool cg_web_url_host(const char *url, char *dst, size_t dstsize)
{
	const char *p = strstr(url, "://");
	if (!p || dstsize == 0)
		return false;
	size_t slen = (size_t)(p - url);
	if (!((slen == 4 && strncasecmp(url, "http", 4) == 0) ||
	      (slen == 5 && strncasecmp(url, "https", 5) == 0)))
		return false;
	p += 3;
	size_t end = strcspn(p, "/?#");
	const char *at = memchr(p, '@', end);
	if (at) {
		end -= (size_t)(at + 1 - p);
		p = at + 1;
	}
	size_t hl;
	if (*p == '[') {
		const char *rb = memchr(p, ']', end);
		if (!rb)
			return false;
		hl = (size_t)(rb - p) + 1;
	} else {
		const char *colon = memchr(p, ':', end);
		hl = colon ? (size_t)(colon - p) : end;
	}
	while (hl && p[hl - 1] == '.')
		hl--;
	if (hl == 0 || hl >= dstsize)
		return false;
	for (size_t i = 0; i < hl; i++) {
		char c = p[i];
		dst[i] = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
	}
	dst[hl] = '\0';
	return true;
}

/* ---- CSS: which declarations hide ------------------------------------ */

/* Numeric value at s (after an optional '-'), in px-ish units. */
static double css_num(const char *s, bool *neg, bool *em)
{
	*neg = *s == '-';
	if (*neg)
		s++;
	double v = 0, scale = 0;
	for (; (*s >= '0' && *s <= '9') || *s == '.'; s++) {
		if (*s == '.') {
			scale = 1;
			continue;
		}
		v = v * 10 + (*s - '0');
		if (scale)
			scale *= 10;
	}
	if (scale)
		v /= scale;
	*em = strncmp(s, "em", 2) == 0 || strncmp(s, "rem", 3) == 0 || strncmp(s, "%", 1) == 0;
	return v;
}

/* Decls as "prop:value;prop:value" lower-cased without spaces. */
static const char *decls_hide(const char *d)
{
	bool overflow_hidden = strstr(d, "overflow:hidden") != NULL;
	if (strstr(d, "display:none"))
		return "display:none";
	if (strstr(d, "visibility:hidden"))
		return "visibility:hidden";
	const char *q;
	if ((q = strstr(d, "opacity:")) && (q == d || q[-1] == ';') &&
	    (q[8] == '0' && (q[9] == ';' || q[9] == '\0' || q[9] == '!' ||
	                     (q[9] == '.' && q[10] == '0' && q[11] != '5'))))
		return "opacity:0";
	static const char *const offs[] = {
	    "left:", "top:", "text-indent:", "margin-left:", "margin-top:", "right:"};
	for (size_t i = 0; i < sizeof offs / sizeof offs[0]; i++) {
		for (q = strstr(d, offs[i]); q; q = strstr(q + 1, offs[i])) {
			if (q != d && q[-1] != ';')
				continue;
			bool neg, em;
			double v = css_num(q + strlen(offs[i]), &neg, &em);
			if (neg && (em ? v >= 50 : v >= 500))
				return "off-screen position";
		}
	}
	if ((q = strstr(d, "font-size:")) && (q == d || q[-1] == ';')) {
		bool neg, em;
		const char *v0 = q + 10;
		double v = css_num(v0, &neg, &em);
		if (*v0 >= '0' && *v0 <= '9' && (em ? v < 0.2 : v < 3))
			return "zero or tiny font";
	}
	if (overflow_hidden) {
		static const char *const dims[] = {"height:", "width:", "max-height:"};
		for (size_t i = 0; i < 3; i++) {
			for (q = strstr(d, dims[i]); q; q = strstr(q + 1, dims[i])) {
				if (q != d && q[-1] != ';' && q[-1] != '-')
					continue;
				bool neg, em;
				const char *v0 = q + strlen(dims[i]);
				double v = css_num(v0, &neg, &em);
				if (*v0 >= '0' && *v0 <= '9' && !em && v <= 2)
					return "zero size with overflow:hidden";
			}
		}
	}
	return NULL;
}

/* Lower-cases and removes whitespace: "Display : None" -> "display:none". */
static char *squeeze(const char *s, size_t n)
{
	char *o = malloc(n + 1);
	if (!o)
		return NULL;
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
			continue;
		o[k++] = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
	}
	o[k] = '\0';
	return o;
}

static const char *style_hides(const char *style)
{
	char *s = squeeze(style, strlen(style));
	if (!s)
		return NULL;
	const char *why = decls_hide(s);
	free(s);
	return why;
}

static void add_rule(hide_rules *r, const char *sel, size_t n, const char *why)
{
	/* last compound of the selector, then its last .class or #id */
	size_t start = 0;
	for (size_t i = 0; i < n; i++)
		if (sel[i] == ' ' || sel[i] == '>' || sel[i] == '+' || sel[i] == '~' ||
		    sel[i] == '\n' || sel[i] == '\t')
			start = i + 1;
	const char *c = sel + start;
	size_t cl = n - start;
	if (memchr(c, ':', cl) || memchr(c, '[', cl))
		return; /* :hover menus and attribute tricks: too uncertain */
	size_t mark = cl;
	for (size_t i = cl; i-- > 0;)
		if (c[i] == '.' || c[i] == '#') {
			mark = i;
			break;
		}
	if (mark == cl || cl - mark < 2 || r->n >= MAX_STYLE_NAMES)
		return;
	char **nn = realloc(r->names, (r->n + 1) * sizeof *nn);
	if (!nn)
		return;
	r->names = nn;
	const char **nw = realloc(r->why, (r->n + 1) * sizeof *nw);
	if (!nw)
		return;
	r->why = nw;
	char *name = strndup(c + mark, cl - mark);
	if (!name)
		return;
	r->names[r->n] = name;
	r->why[r->n++] = why;
}

/* Crude CSS reader: "sel, sel { decls }" with comments and @-blocks. */
static void parse_css(hide_rules *r, const char *css)
{
	const char *p = css;
	while (*p) {
		if (p[0] == '/' && p[1] == '*') {
			const char *e = strstr(p + 2, "*/");
			p = e ? e + 2 : p + strlen(p);
			continue;
		}
		const char *ob = strchr(p, '{');
		if (!ob)
			return;
		const char *sel = p;
		while (*sel == '}' || *sel == ' ' || *sel == '\n' || *sel == '\t' || *sel == '\r')
			sel++;
		if (*sel == '@') { /* @media ...{ : go inside */
			p = ob + 1;
			continue;
		}
		const char *cb = strchr(ob, '}');
		if (!cb)
			return;
		char *d = squeeze(ob + 1, (size_t)(cb - ob - 1));
		const char *why = d ? decls_hide(d) : NULL;
		free(d);
		if (why && sel < ob) {
			const char *s = sel;
			while (s < ob) {
				const char *comma = memchr(s, ',', (size_t)(ob - s));
				const char *e = comma ? comma : ob;
				while (e > s && (e[-1] == ' ' || e[-1] == '\n' || e[-1] == '\t' ||
				                 e[-1] == '\r'))
					e--;
				add_rule(r, s, (size_t)(e - s), why);
				s = comma ? comma + 1 : ob;
				while (s < ob && (*s == ' ' || *s == '\n'))
					s++;
			}
		}
		p = cb + 1;
	}
}

static void collect_styles(walker *w, xmlNode *n, int depth)
{
	for (; n && depth < CG_MAX_WEB_DEPTH; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (name_is(n, "style")) {
			xmlChar *css = xmlNodeGetContent(n);
			if (css)
				parse_css(&w->rules, (const char *)css);
			xmlFree(css);
			continue;
		}
		collect_styles(w, n->children, depth + 1);
	}
}

static const char *rule_hides(const walker *w, const xmlNode *n)
{
	if (w->rules.n == 0)
		return NULL;
	char *cls = attr(n, "class");
	char *id = attr(n, "id");
	const char *why = NULL;
	for (size_t i = 0; i < w->rules.n && !why; i++) {
		const char *nm = w->rules.names[i];
		if (nm[0] == '#' && id && strcmp(id, nm + 1) == 0)
			why = w->rules.why[i];
		else if (nm[0] == '.' && cls) {
			size_t L = strlen(nm + 1);
			for (const char *c = cls; (c = strstr(c, nm + 1)); c += L)
				if ((c == cls || c[-1] == ' ' || c[-1] == '\t') &&
				    (c[L] == '\0' || c[L] == ' ' || c[L] == '\t')) {
					why = w->rules.why[i];
					break;
				}
		}
	}
	xmlFree(cls);
	xmlFree(id);
	return why;
}

static const char *node_hidden(const walker *w, const xmlNode *n)
{
	if (name_is(n, "noscript"))
		return "noscript";
	for (xmlAttr *a = n->properties; a; a = a->next)
		if (a->name && strcasecmp((const char *)a->name, "hidden") == 0)
			return "hidden attribute";
	char *st = attr(n, "style");
	const char *why = st ? style_hides(st) : NULL;
	xmlFree(st);
	return why ? why : rule_hides(w, n);
}

/* ---- resources ------------------------------------------------------- */

static void add_res(walker *w, cg_res_kind k, const char *raw, const char *hidden, const char *text,
                    size_t tlen)
{
	cg_web_page *p = w->p;
	if (!raw || !*raw)
		return;
	while (*raw == ' ' || *raw == '\t' || *raw == '\n' || *raw == '\r')
		raw++;
	if (strncasecmp(raw, "javascript:", 11) == 0) {
		append_text(&p->inline_js, raw + 11, strlen(raw + 11));
		cg_buf_putc(&p->inline_js, '\n');
		return;
	}
	if (p->nres >= CG_MAX_WEB_RESOURCES) {
		p->res_truncated = true;
		return;
	}
	xmlChar *abs = xmlBuildURI((const xmlChar *)raw, (const xmlChar *)w->base);
	const char *u = abs ? (const char *)abs : raw;
	char host[256];
	bool has_host = cg_web_url_host(u, host, sizeof host);
	if (p->nres == p->capres) {
		size_t nc = p->capres ? p->capres * 2 : 64;
		cg_web_res *nr = realloc(p->res, nc * sizeof *nr);
		if (!nr) {
			xmlFree(abs);
			return;
		}
		p->res = nr;
		p->capres = nc;
	}
	cg_web_res *r = &p->res[p->nres];
	memset(r, 0, sizeof *r);
	r->kind = k;
	r->url = strdup(u);
	r->host = has_host ? strdup(host) : NULL;
	r->text = text ? strndup(text, tlen > MAX_ANCHOR_TEXT ? MAX_ANCHOR_TEXT : tlen) : NULL;
	r->hidden = hidden;
	xmlFree(abs);
	if (r->url)
		p->nres++;
}

static char *dup_text(const xmlNode *n)
{
	xmlChar *t = xmlNodeGetContent((xmlNode *)n);
	if (!t)
		return NULL;
	cg_buf b;
	cg_buf_init(&b, 4096);
	append_text(&b, (const char *)t, strlen((const char *)t));
	xmlFree(t);
	cg_slice s = cg_slice_trim(cg_buf_slice(&b));
	char *o = strndup(s.ptr, s.len);
	cg_buf_free(&b);
	return o;
}

static bool dark_color(const char *v)
{
	char *s = squeeze(v, strlen(v));
	if (!s)
		return false;
	bool dark =
	    strstr(s, "black") || strstr(s, "#000") || strstr(s, "#111") || strstr(s, "rgb(0,0,0)");
	free(s);
	return dark;
}

/* <meta http-equiv=refresh content="0; url=..."> */
static void meta_refresh(walker *w, const char *content)
{
	const char *u = strcasestr(content, "url");
	if (!u)
		return;
	u += 3;
	while (*u == ' ')
		u++;
	if (*u != '=')
		return;
	u++;
	while (*u == ' ' || *u == '\'' || *u == '"')
		u++;
	size_t n = strcspn(u, "'\"");
	char *raw = strndup(u, n);
	if (!raw)
		return;
	xmlChar *abs = xmlBuildURI((const xmlChar *)raw, (const xmlChar *)w->base);
	free(w->p->refresh_url);
	w->p->refresh_url = strdup(abs ? (const char *)abs : raw);
	xmlFree(abs);
	free(raw);
}

static void on_meta(walker *w, const xmlNode *n)
{
	char *name = attr(n, "name");
	char *he = attr(n, "http-equiv");
	char *content = attr(n, "content");
	if (content && name) {
		if (strcasecmp(name, "description") == 0 && !w->p->description)
			w->p->description = strdup(content);
		else if (strcasecmp(name, "keywords") == 0 && !w->p->keywords)
			w->p->keywords = strdup(content);
	}
	if (content && he && strcasecmp(he, "refresh") == 0)
		meta_refresh(w, content);
	xmlFree(name);
	xmlFree(he);
	xmlFree(content);
}

static void on_handlers(walker *w, const xmlNode *n)
{
	for (xmlAttr *a = n->properties; a; a = a->next) {
		if (!a->name || strncasecmp((const char *)a->name, "on", 2) != 0)
			continue;
		xmlChar *v = xmlNodeGetContent((xmlNode *)a);
		if (v && w->p->inline_js.len < CG_MAX_WEB_INLINE_JS) {
			append_text(&w->p->inline_js, (const char *)v, strlen((const char *)v));
			cg_buf_putc(&w->p->inline_js, '\n');
		}
		xmlFree(v);
	}
}

/* ---- the walk -------------------------------------------------------- */

static void walk(walker *w, xmlNode *n, const char *hidden, int depth);

static void element(walker *w, xmlNode *n, const char *hidden, int depth)
{
	cg_web_page *p = w->p;
	p->n_elements++;
	const char *h = hidden ? hidden : node_hidden(w, n);
	if (n->properties)
		on_handlers(w, n);
	if (name_is(n, "script")) {
		char *src = attr(n, "src");
		if (src)
			add_res(w, CG_RES_SCRIPT, src, h, NULL, 0);
		else {
			xmlChar *js = xmlNodeGetContent(n);
			if (js) {
				size_t l = strlen((const char *)js);
				if (p->inline_js.len + l < CG_MAX_WEB_INLINE_JS) {
					cg_buf_append(&p->inline_js, js, l);
					cg_buf_putc(&p->inline_js, '\n');
				}
			}
			xmlFree(js);
		}
		xmlFree(src);
		return;
	}
	if (name_is(n, "style") || name_is(n, "template"))
		return;
	if (name_is(n, "title")) {
		if (!p->title)
			p->title = dup_text(n);
		return;
	}
	if (name_is(n, "meta")) {
		on_meta(w, n);
		return;
	}
	char *v = NULL;
	if (name_is(n, "iframe") || name_is(n, "frame")) {
		v = attr(n, "src");
		add_res(w, CG_RES_IFRAME, v, h, NULL, 0);
	} else if (name_is(n, "embed")) {
		v = attr(n, "src");
		add_res(w, CG_RES_EMBED, v, h, NULL, 0);
	} else if (name_is(n, "object")) {
		v = attr(n, "data");
		add_res(w, CG_RES_EMBED, v, h, NULL, 0);
	} else if (name_is(n, "link")) {
		char *rel = attr(n, "rel");
		if (rel && strcasestr(rel, "stylesheet")) {
			v = attr(n, "href");
			add_res(w, CG_RES_STYLE, v, h, NULL, 0);
		}
		xmlFree(rel);
	} else if (name_is(n, "form")) {
		v = attr(n, "action");
		add_res(w, CG_RES_FORM, v, h, NULL, 0);
	} else if (name_is(n, "img")) {
		p->n_images++;
	} else if (name_is(n, "marquee") || name_is(n, "blink")) {
		p->marquee = true;
	} else if (name_is(n, "bgsound")) {
		p->autoplay_media = true;
	} else if (name_is(n, "audio") || name_is(n, "video")) {
		char *ap = NULL;
		for (xmlAttr *a = n->properties; a; a = a->next)
			if (a->name && strcasecmp((const char *)a->name, "autoplay") == 0)
				p->autoplay_media = true;
		xmlFree(ap);
	} else if (name_is(n, "body") || name_is(n, "html")) {
		char *bg = attr(n, "bgcolor");
		char *st = attr(n, "style");
		if ((bg && dark_color(bg)) ||
		    (st && strcasestr(st, "background") && dark_color(st)))
			p->dark_background = true;
		xmlFree(bg);
		xmlFree(st);
	}
	xmlFree(v);
	if (name_is(n, "a")) {
		char *href = attr(n, "href");
		cg_buf *tb = h ? &p->hidden_text : &p->text;
		sep(tb);
		size_t mark = tb->len;
		walk(w, n->children, h, depth + 1);
		if (href)
			add_res(w, CG_RES_LINK, href, h, tb->ptr ? tb->ptr + mark : "",
			        tb->len - mark);
		xmlFree(href);
		return;
	}
	cg_buf *tb = h ? &p->hidden_text : &p->text;
	sep(tb);
	walk(w, n->children, h, depth + 1);
	sep(tb);
}

static void walk(walker *w, xmlNode *n, const char *hidden, int depth)
{
	if (depth >= CG_MAX_WEB_DEPTH)
		return;
	for (; n; n = n->next) {
		if (n->type == XML_ELEMENT_NODE)
			element(w, n, hidden, depth);
		else if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
			if (n->content)
				append_text(hidden ? &w->p->hidden_text : &w->p->text,
				            (const char *)n->content,
				            strlen((const char *)n->content));
		}
	}
}

/* ---- entry points ---------------------------------------------------- */

static void page_init(cg_web_page *p)
{
	memset(p, 0, sizeof *p);
	cg_buf_init(&p->text, 2 * CG_MAX_WEB_PAGE);
	cg_buf_init(&p->hidden_text, 2 * CG_MAX_WEB_PAGE);
	cg_buf_init(&p->inline_js, CG_MAX_WEB_INLINE_JS + 4096);
}

void cg_web_page_free(cg_web_page *p)
{
	cg_buf_free(&p->text);
	cg_buf_free(&p->hidden_text);
	cg_buf_free(&p->inline_js);
	free(p->title);
	free(p->description);
	free(p->keywords);
	free(p->refresh_url);
	for (size_t i = 0; i < p->nres; i++) {
		free(p->res[i].url);
		free(p->res[i].host);
		free(p->res[i].text);
	}
	free(p->res);
	memset(p, 0, sizeof *p);
}

cg_err cg_web_page_parse(cg_slice body, const char *content_type, const char *base_url,
                         cg_web_page *out)
{
	page_init(out);
	cg_buf u8;
	cg_buf_init(&u8, 4u * CG_MAX_WEB_PAGE + 64);
	cg_err err = cg_web_to_utf8(body, content_type, &u8, out->charset, &out->converted);
	if (err) {
		cg_buf_free(&u8);
		return err;
	}
	htmlDocPtr doc = htmlReadMemory(u8.ptr ? u8.ptr : "", (int)u8.len, base_url, "UTF-8",
	                                HTML_PARSE_RECOVER | HTML_PARSE_NOERROR |
	                                    HTML_PARSE_NOWARNING | HTML_PARSE_NONET);
	cg_buf_free(&u8);
	if (!doc)
		return CG_OK; /* empty or unparsable: an empty page */
	walker w = {.p = out, .base = base_url ? base_url : ""};
	xmlNode *root = xmlDocGetRootElement(doc);
	collect_styles(&w, root, 0);
	walk(&w, root, NULL, 0);
	for (size_t i = 0; i < w.rules.n; i++)
		free(w.rules.names[i]);
	free(w.rules.names);
	free(w.rules.why);
	xmlFreeDoc(doc);
	return CG_OK;
}
