/*
 * template.c - loading Nuclei-format templates with libyaml (see
 * template.h).
 *
 * The file is loaded as a libyaml document (a node graph with line marks)
 * and walked once. Two kinds of trouble are kept apart: a file that is
 * not a template at all (bad YAML, wrong types, no id) is an error naming
 * FILE:LINE; a template that is well-formed but asks for something canhgac
 * does not do is loaded as *skipped* with the feature named, and nothing
 * of it is run. Aliases can make a small document a huge graph, so the
 * walk counts the nodes it visits and gives up past a bound.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "template.h"

#include <ctype.h>
#include <dirent.h>
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>

#include "core/fileio.h"
#include "core/hex.h"
#include "core/json.h"
#include "core/limits.h"
#include "match.h"

#define MAX_VISITS 200000

typedef struct ld {
	yaml_document_t *doc;
	const char *path;
	cg_buf *why;
	cg_xtpl *t;
	bool err;
	long visits;
} ld;

/* ---- small helpers ------------------------------------------------------ */

static int line_of(yaml_node_t *n)
{
	return n ? (int)n->start_mark.line + 1 : 0;
}

static void err_at(ld *l, yaml_node_t *n, const char *fmt, const char *arg)
{
	if (l->err)
		return;
	l->err = true;
	cg_buf_reset(l->why);
	cg_buf_printf(l->why, "%s:%d: ", l->path, line_of(n));
	cg_buf_printf(l->why, fmt, arg ? arg : "");
}

static void skip(ld *l, const char *what, const char *name)
{
	if (l->t->skip[0])
		return; /* the first reason is the one reported */
	cg_buf b;
	cg_buf_init(&b, sizeof l->t->skip - 1);
	cg_buf_puts(&b, what);
	if (name) {
		cg_buf_puts(&b, " ");
		size_t n = strlen(name);
		cg_buf_append(&b, name, n > 60 ? 60 : n);
	}
	cg_slice_copy(cg_buf_slice(&b), l->t->skip, sizeof l->t->skip);
	cg_buf_free(&b);
}

static yaml_node_t *node(ld *l, int id)
{
	if (++l->visits > MAX_VISITS) {
		err_at(l, NULL, "%stoo many nodes (aliases?)", "");
		return NULL;
	}
	return yaml_document_get_node(l->doc, id);
}

static const char *scalar(yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static char *dup_scalar(ld *l, yaml_node_t *n, const char *what)
{
	const char *s = scalar(n);
	if (!s) {
		err_at(l, n, "%s must be a string", what);
		return NULL;
	}
	char *d = strdup(s);
	if (!d)
		err_at(l, n, "%sout of memory", "");
	return d;
}

static bool as_bool(ld *l, yaml_node_t *n, const char *what)
{
	const char *s = scalar(n);
	if (s && (!strcmp(s, "true") || !strcmp(s, "yes") || !strcmp(s, "True")))
		return true;
	if (s && (!strcmp(s, "false") || !strcmp(s, "no") || !strcmp(s, "False")))
		return false;
	err_at(l, n, "%s must be true or false", what);
	return false;
}

static long as_int(ld *l, yaml_node_t *n, const char *what, long min, long max)
{
	const char *s = scalar(n);
	int64_t v;
	if (!s || cg_parse_i64(cg_slice_cstr(s), min, max, &v)) {
		err_at(l, n, "%s must be a whole number", what);
		return min;
	}
	return (long)v;
}

/* A list of strings: a sequence of scalars, or one scalar. */
static char **str_list(ld *l, yaml_node_t *n, const char *what, size_t *count)
{
	*count = 0;
	if (!n)
		return NULL;
	if (n->type == YAML_SCALAR_NODE) {
		char **v = calloc(1, sizeof *v);
		if (!v || !(v[0] = dup_scalar(l, n, what))) {
			free(v);
			return NULL;
		}
		*count = 1;
		return v;
	}
	if (n->type != YAML_SEQUENCE_NODE) {
		err_at(l, n, "%s must be a list", what);
		return NULL;
	}
	size_t k = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
	if (k > CG_XP_MAX_LIST) {
		err_at(l, n, "%s has too many entries", what);
		return NULL;
	}
	char **v = calloc(k + 1, sizeof *v);
	if (!v)
		return NULL;
	size_t i = 0;
	for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
	     it++) {
		yaml_node_t *c = node(l, *it);
		if (!c || !(v[i] = dup_scalar(l, c, what)))
			break;
		i++;
	}
	*count = i;
	return v;
}

static void free_list(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

#define FOR_PAIRS(l, map, k, v)                                                                    \
	for (yaml_node_pair_t *p_ = (map)->data.mapping.pairs.start;                               \
	     p_ < (map)->data.mapping.pairs.top && !(l)->err; p_++)                                \
		for (yaml_node_t *k = node(l, p_->key), *v = node(l, p_->value), *once_ = k;       \
		     once_; once_ = NULL)

static bool is_map(yaml_node_t *n)
{
	return n && n->type == YAML_MAPPING_NODE;
}

/* {{Name}} placeholders other than the target's are not supported. */
static void check_vars(ld *l, const char *s)
{
	static const char *known[] = {"BaseURL", "RootURL", "Hostname", "Host", "Port", "Scheme"};
	for (const char *p = strstr(s, "{{"); p; p = strstr(p + 2, "{{")) {
		const char *e = strstr(p + 2, "}}");
		if (!e)
			return;
		size_t n = (size_t)(e - p - 2);
		bool ok = false;
		for (size_t i = 0; i < sizeof known / sizeof *known; i++)
			if (strlen(known[i]) == n && memcmp(p + 2, known[i], n) == 0)
				ok = true;
		if (!ok) {
			char name[64];
			size_t m = n < sizeof name - 1 ? n : sizeof name - 1;
			memcpy(name, p + 2, m);
			name[m] = '\0';
			skip(l, "variable", name);
		}
	}
}

static bool parse_part(ld *l, yaml_node_t *v, cg_xpart *out)
{
	const char *s = scalar(v);
	if (!s) {
		err_at(l, v, "%spart must be a string", "");
		return false;
	}
	if (!strcmp(s, "body") || !*s)
		*out = CG_XPART_BODY;
	else if (!strcmp(s, "header"))
		*out = CG_XPART_HEADER;
	else if (!strcmp(s, "all") || !strcmp(s, "response") || !strcmp(s, "raw"))
		*out = CG_XPART_ALL;
	else {
		skip(l, "part", s);
		return false;
	}
	return true;
}

static void *compile(ld *l, yaml_node_t *at, const char *src, bool nocase)
{
	int ec;
	PCRE2_SIZE eo;
	pcre2_code *c = pcre2_compile((PCRE2_SPTR)src, PCRE2_ZERO_TERMINATED,
	                              nocase ? PCRE2_CASELESS : 0, &ec, &eo, NULL);
	if (!c) {
		PCRE2_UCHAR msg[160];
		pcre2_get_error_message(ec, msg, sizeof msg);
		err_at(l, at, "bad regex: %s", (const char *)msg);
	}
	return c;
}

/* ---- matchers and extractors ------------------------------------------------ */

static void free_matcher(cg_xmatcher *m)
{
	for (size_t i = 0; i < m->nvals; i++) {
		free(m->vals[i]);
		if (m->re && m->re[i])
			pcre2_code_free(m->re[i]);
	}
	free(m->vals);
	free(m->lens);
	free(m->re);
	free(m->nums);
	free(m->name);
}

static void parse_matcher(ld *l, yaml_node_t *n, cg_xmatcher *m)
{
	if (!is_map(n)) {
		err_at(l, n, "%sa matcher must be a mapping", "");
		return;
	}
	const char *type = NULL;
	yaml_node_t *vals = NULL, *tn = n;
	FOR_PAIRS(l, n, k, v)
	{
		const char *key = scalar(k);
		if (!key || !v) {
			err_at(l, k, "%sbad matcher key", "");
			break;
		}
		if (!strcmp(key, "type")) {
			type = scalar(v);
			tn = v;
		} else if (!strcmp(key, "part")) {
			parse_part(l, v, &m->part);
		} else if (!strcmp(key, "condition")) {
			const char *c = scalar(v);
			if (c && !strcmp(c, "and"))
				m->cond_and = true;
			else if (!c || strcmp(c, "or"))
				err_at(l, v, "%scondition must be and or or", "");
		} else if (!strcmp(key, "negative")) {
			m->negative = as_bool(l, v, "negative");
		} else if (!strcmp(key, "internal")) {
			m->internal = as_bool(l, v, "internal");
		} else if (!strcmp(key, "case-insensitive")) {
			m->nocase = as_bool(l, v, "case-insensitive");
		} else if (!strcmp(key, "name")) {
			free(m->name);
			m->name = dup_scalar(l, v, "name");
		} else if (!strcmp(key, "words") || !strcmp(key, "regex") ||
		           !strcmp(key, "status") || !strcmp(key, "size") ||
		           !strcmp(key, "binary") || !strcmp(key, "dsl")) {
			vals = v;
		} else {
			skip(l, "matcher option", key);
		}
	}
	if (l->err)
		return;
	if (!type) {
		err_at(l, n, "%sa matcher needs a type", "");
		return;
	}
	if (!strcmp(type, "word"))
		m->type = CG_XM_WORD;
	else if (!strcmp(type, "regex"))
		m->type = CG_XM_REGEX;
	else if (!strcmp(type, "status"))
		m->type = CG_XM_STATUS;
	else if (!strcmp(type, "size"))
		m->type = CG_XM_SIZE;
	else if (!strcmp(type, "binary"))
		m->type = CG_XM_BINARY;
	else if (!strcmp(type, "dsl"))
		m->type = CG_XM_DSL;
	else {
		skip(l, "matcher type", type);
		return;
	}
	if (!vals) {
		err_at(l, tn, "matcher of type %s has no values", type);
		return;
	}
	if (m->type == CG_XM_STATUS || m->type == CG_XM_SIZE) {
		size_t k;
		char **s = str_list(l, vals, type, &k);
		m->nums = calloc(k + 1, sizeof *m->nums);
		for (size_t i = 0; m->nums && i < k && !l->err; i++) {
			int64_t x;
			if (cg_parse_i64(cg_slice_cstr(s[i]), 0, 1L << 40, &x))
				err_at(l, vals, "%s values must be whole numbers", type);
			m->nums[i] = (long)x;
		}
		m->nnums = m->nums ? k : 0;
		free_list(s, k);
		return;
	}
	m->vals = str_list(l, vals, type, &m->nvals);
	m->lens = calloc(m->nvals + 1, sizeof *m->lens);
	m->re = calloc(m->nvals + 1, sizeof *m->re);
	if (!m->lens || !m->re) {
		err_at(l, vals, "%sout of memory", "");
		return;
	}
	for (size_t i = 0; i < m->nvals && !l->err; i++) {
		m->lens[i] = strlen(m->vals[i]);
		if (m->type == CG_XM_WORD && strstr(m->vals[i], "{{"))
			skip(l, "variables in matcher words", NULL);
		if (m->type == CG_XM_REGEX)
			m->re[i] = compile(l, vals, m->vals[i], m->nocase);
		if (m->type == CG_XM_BINARY) {
			size_t hl = m->lens[i];
			if (hl % 2 ||
			    !cg_hex_decode(cg_slice_from(m->vals[i], hl), m->vals[i], hl / 2))
				err_at(l, vals, "%sbinary values must be hex", "");
			m->lens[i] = hl / 2;
		}
		if (m->type == CG_XM_DSL) {
			char why[128];
			if (cg_xdsl_check(m->vals[i], why, sizeof why))
				skip(l, why, NULL);
		}
	}
}

static void free_extractor(cg_xextractor *x)
{
	for (size_t i = 0; i < x->nvals; i++) {
		free(x->vals[i]);
		if (x->re && x->re[i])
			pcre2_code_free(x->re[i]);
	}
	free(x->vals);
	free(x->re);
	free(x->name);
}

static void parse_extractor(ld *l, yaml_node_t *n, cg_xextractor *x)
{
	if (!is_map(n)) {
		err_at(l, n, "%san extractor must be a mapping", "");
		return;
	}
	const char *type = NULL;
	yaml_node_t *vals = NULL;
	FOR_PAIRS(l, n, k, v)
	{
		const char *key = scalar(k);
		if (!key || !v) {
			err_at(l, k, "%sbad extractor key", "");
			break;
		}
		if (!strcmp(key, "type"))
			type = scalar(v);
		else if (!strcmp(key, "part"))
			parse_part(l, v, &x->part);
		else if (!strcmp(key, "name")) {
			free(x->name);
			x->name = dup_scalar(l, v, "name");
		} else if (!strcmp(key, "internal"))
			x->internal = as_bool(l, v, "internal");
		else if (!strcmp(key, "case-insensitive"))
			x->nocase = as_bool(l, v, "case-insensitive");
		else if (!strcmp(key, "group"))
			x->group = (int)as_int(l, v, "group", 0, 99);
		else if (!strcmp(key, "regex") || !strcmp(key, "kval") || !strcmp(key, "json"))
			vals = v;
		else
			skip(l, "extractor option", key);
	}
	if (l->err)
		return;
	if (!type) {
		err_at(l, n, "%san extractor needs a type", "");
		return;
	}
	if (!strcmp(type, "regex"))
		x->type = CG_XE_REGEX;
	else if (!strcmp(type, "kval"))
		x->type = CG_XE_KVAL;
	else if (!strcmp(type, "json"))
		x->type = CG_XE_JSON;
	else {
		skip(l, "extractor type", type);
		return;
	}
	if (!vals) {
		err_at(l, n, "extractor of type %s has no values", type);
		return;
	}
	x->vals = str_list(l, vals, type, &x->nvals);
	x->re = calloc(x->nvals + 1, sizeof *x->re);
	if (!x->re)
		return;
	if (x->type == CG_XE_REGEX)
		for (size_t i = 0; i < x->nvals && !l->err; i++)
			x->re[i] = compile(l, vals, x->vals[i], x->nocase);
}

/* ---- requests ------------------------------------------------------------ */

static cg_err push_str(char ***v, size_t *n, const char *s, size_t len)
{
	if (*n >= CG_XP_MAX_LIST)
		return CG_ETOOBIG;
	char **nv = realloc(*v, (*n + 2) * sizeof *nv);
	if (!nv)
		return CG_ENOMEM;
	*v = nv;
	if (!(nv[*n] = strndup(s, len)))
		return CG_ENOMEM;
	(*n)++;
	return CG_OK;
}

static bool method_ok(ld *l, const char *m, bool *head)
{
	if (!strcasecmp(m, "GET"))
		*head = false;
	else if (!strcasecmp(m, "HEAD"))
		*head = true;
	else {
		skip(l, "method (canhgac sends only GET and HEAD):", m);
		return false;
	}
	return true;
}

/* A raw request: "METHOD PATH HTTP/1.1", headers, blank line, body. The
 * path is taken from the target's root unless it names {{BaseURL}}. */
static void parse_raw(ld *l, yaml_node_t *at, const char *raw, cg_xreq *q, bool first)
{
	const char *p = raw;
	while (*p == '\n' || *p == '\r' || *p == ' ')
		p++;
	const char *eol = p + strcspn(p, "\n");
	const char *sp = memchr(p, ' ', (size_t)(eol - p));
	if (!sp) {
		err_at(l, at, "%sa raw request needs a request line", "");
		return;
	}
	char m[16];
	if (cg_slice_copy(cg_slice_from(p, (size_t)(sp - p)), m, sizeof m) ||
	    !method_ok(l, m, &q->head)) {
		if (!l->t->skip[0])
			skip(l, "method", "(too long)");
		return;
	}
	const char *ps = sp + 1, *pe = memchr(ps, ' ', (size_t)(eol - ps));
	if (!pe)
		pe = eol;
	while (pe > ps && (pe[-1] == '\r'))
		pe--;
	cg_buf path;
	cg_buf_init(&path, 8192);
	if (*ps == '/')
		cg_buf_puts(&path, "{{RootURL}}");
	cg_buf_append(&path, ps, (size_t)(pe - ps));
	if (push_str(&q->paths, &q->npaths, path.ptr, path.len))
		err_at(l, at, "%stoo many requests", "");
	cg_buf_free(&path);
	p = *eol ? eol + 1 : eol;
	for (;;) {
		eol = p + strcspn(p, "\n");
		size_t n = (size_t)(eol - p);
		if (n && p[n - 1] == '\r')
			n--;
		if (n == 0)
			break;
		if (first && !(n >= 5 && !strncasecmp(p, "Host:", 5)) &&
		    push_str(&q->hdrs, &q->nhdrs, p, n))
			err_at(l, at, "%stoo many headers", "");
		if (!*eol)
			break;
		p = eol + 1;
	}
	p = *eol ? eol + 1 : eol;
	while (*p == '\r' || *p == '\n' || *p == ' ')
		p++;
	if (*p)
		skip(l, "request body", NULL);
}

static void free_req(cg_xreq *q)
{
	free_list(q->paths, q->npaths);
	free_list(q->hdrs, q->nhdrs);
	for (size_t i = 0; i < q->nm; i++)
		free_matcher(&q->m[i]);
	free(q->m);
	for (size_t i = 0; i < q->nx; i++)
		free_extractor(&q->x[i]);
	free(q->x);
}

static void parse_req(ld *l, yaml_node_t *n, cg_xreq *q)
{
	if (!is_map(n)) {
		err_at(l, n, "%san http request must be a mapping", "");
		return;
	}
	q->max_redirects = CG_XP_MAX_REDIRECTS;
	yaml_node_t *raw = NULL, *paths = NULL;
	FOR_PAIRS(l, n, k, v)
	{
		const char *key = scalar(k);
		if (!key || !v) {
			err_at(l, k, "%sbad request key", "");
			break;
		}
		if (!strcmp(key, "method")) {
			const char *m = scalar(v);
			if (!m)
				err_at(l, v, "%smethod must be a string", "");
			else
				method_ok(l, m, &q->head);
		} else if (!strcmp(key, "path")) {
			paths = v;
		} else if (!strcmp(key, "raw")) {
			raw = v;
		} else if (!strcmp(key, "headers")) {
			if (!is_map(v)) {
				err_at(l, v, "%sheaders must be a mapping", "");
				break;
			}
			FOR_PAIRS(l, v, hk, hv)
			{
				const char *a = scalar(hk), *b = scalar(hv);
				if (!a || !b) {
					err_at(l, hk, "%sa header must be name: value", "");
					break;
				}
				cg_buf h;
				cg_buf_init(&h, 8192);
				if (cg_buf_printf(&h, "%s: %s", a, b) ||
				    push_str(&q->hdrs, &q->nhdrs, h.ptr, h.len))
					err_at(l, hk, "%sheader too long or too many", "");
				cg_buf_free(&h);
				check_vars(l, b);
			}
		} else if (!strcmp(key, "body")) {
			const char *b = scalar(v);
			if (!b || *b)
				skip(l, "request body", NULL);
		} else if (!strcmp(key, "redirects") || !strcmp(key, "host-redirects")) {
			q->redirects = as_bool(l, v, key);
		} else if (!strcmp(key, "max-redirects")) {
			q->max_redirects = (int)as_int(l, v, key, 0, 1000);
			if (q->max_redirects > CG_XP_MAX_REDIRECTS)
				q->max_redirects = CG_XP_MAX_REDIRECTS;
		} else if (!strcmp(key, "stop-at-first-match")) {
			q->stop_first = as_bool(l, v, key);
		} else if (!strcmp(key, "max-size")) {
			as_int(l, v, key, 0, 1L << 40); /* the body is bounded anyway */
		} else if (!strcmp(key, "matchers-condition")) {
			const char *c = scalar(v);
			if (c && !strcmp(c, "and"))
				q->match_and = true;
			else if (!c || strcmp(c, "or"))
				err_at(l, v, "%smatchers-condition must be and or or", "");
		} else if (!strcmp(key, "matchers") || !strcmp(key, "extractors")) {
			if (v->type != YAML_SEQUENCE_NODE) {
				err_at(l, v, "%s must be a list", key);
				break;
			}
			size_t cnt =
			    (size_t)(v->data.sequence.items.top - v->data.sequence.items.start);
			if (cnt > CG_XP_MAX_LIST) {
				err_at(l, v, "%s: too many", key);
				break;
			}
			bool ism = key[0] == 'm';
			if ((ism && q->m) || (!ism && q->x)) {
				err_at(l, k, "%s given twice", key);
				break;
			}
			if (ism && !(q->m = calloc(cnt + 1, sizeof *q->m)))
				break;
			if (!ism && !(q->x = calloc(cnt + 1, sizeof *q->x)))
				break;
			for (size_t i = 0; i < cnt && !l->err; i++) {
				yaml_node_t *c = node(l, v->data.sequence.items.start[i]);
				if (!c)
					break;
				if (ism) {
					q->nm++;
					parse_matcher(l, c, &q->m[i]);
				} else {
					q->nx++;
					parse_extractor(l, c, &q->x[i]);
				}
			}
		} else if (!strcmp(key, "id") || !strcmp(key, "name")) {
			/* a label for the request: nothing to run */
		} else {
			skip(l, "http option", key);
		}
	}
	if (l->err)
		return;
	if (raw) {
		size_t nr;
		char **r = str_list(l, raw, "raw", &nr);
		for (size_t i = 0; i < nr && !l->err; i++) {
			parse_raw(l, raw, r[i], q, i == 0);
			check_vars(l, r[i]);
		}
		free_list(r, nr);
	}
	if (paths) {
		size_t np;
		char **p = str_list(l, paths, "path", &np);
		for (size_t i = 0; i < np && !l->err; i++) {
			check_vars(l, p[i]);
			if (!strstr(p[i], "{{"))
				skip(l, "path without {{BaseURL}} or {{RootURL}}:", p[i]);
			if (push_str(&q->paths, &q->npaths, p[i], strlen(p[i])))
				err_at(l, paths, "%stoo many paths", "");
		}
		free_list(p, np);
	}
	if (!l->err && q->npaths == 0)
		err_at(l, n, "%san http request needs a path or raw", "");
	if (!l->err && q->nm == 0 && q->nx == 0)
		err_at(l, n, "%san http request needs matchers or extractors", "");
}

/* ---- the template ---------------------------------------------------------- */

void cg_xtpl_free(cg_xtpl *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->nreqs; i++)
		free_req(&t->reqs[i]);
	free(t->reqs);
	free(t->file);
	free(t->id);
	free(t->name);
	free(t->description);
	free(t->tags);
	free(t->kind);
	json_decref(t->classification);
	free(t);
}

static json_t *to_json(ld *l, yaml_node_t *n)
{
	if (!n || l->err)
		return NULL;
	if (n->type == YAML_SCALAR_NODE)
		return cg_json_cstr((const char *)n->data.scalar.value);
	if (n->type == YAML_SEQUENCE_NODE) {
		json_t *a = json_array();
		for (yaml_node_item_t *it = n->data.sequence.items.start;
		     it < n->data.sequence.items.top && !l->err; it++)
			json_array_append_new(a, to_json(l, node(l, *it)));
		return a;
	}
	json_t *o = json_object();
	FOR_PAIRS(l, n, k, v)
	{
		const char *key = scalar(k);
		if (key)
			json_object_set_new(o, key, to_json(l, v));
	}
	return o;
}

static void parse_info(ld *l, yaml_node_t *n)
{
	cg_xtpl *t = l->t;
	if (!is_map(n)) {
		err_at(l, n, "%sinfo must be a mapping", "");
		return;
	}
	FOR_PAIRS(l, n, k, v)
	{
		const char *key = scalar(k);
		if (!key)
			continue;
		if (!strcmp(key, "name")) {
			free(t->name); /* a repeated key: the last one counts */
			t->name = dup_scalar(l, v, "info.name");
		} else if (!strcmp(key, "description")) {
			free(t->description);
			t->description = dup_scalar(l, v, "info.description");
		} else if (!strcmp(key, "severity")) {
			const char *s = scalar(v);
			if (s && !strcmp(s, "unknown"))
				t->severity = CG_SEV_INFO;
			else if (!s || cg_severity_parse(s, &t->severity))
				err_at(l, v,
				       "severity must be info, low, medium, high or critical, not "
				       "'%s'",
				       s);
		} else if (!strcmp(key, "tags")) {
			size_t nt;
			char **tg = str_list(l, v, "tags", &nt);
			cg_buf b;
			cg_buf_init(&b, 4096);
			for (size_t i = 0; i < nt; i++)
				cg_buf_printf(&b, "%s%s", i ? "," : "", tg[i]);
			free_list(tg, nt);
			free(t->tags);
			t->tags = cg_buf_detach(&b, NULL);
		} else if (!strcmp(key, "classification")) {
			json_decref(t->classification);
			t->classification = to_json(l, v);
			if (!json_is_object(t->classification))
				err_at(l, v, "%sclassification must be a mapping", "");
		} else if (!strcmp(key, "metadata") && is_map(v)) {
			FOR_PAIRS(l, v, mk, mv)
			{
				const char *s = scalar(mk);
				if (s && !strcmp(s, "canhgac-kind")) {
					const char *kd = scalar(mv);
					bool good = kd && *kd && strlen(kd) < 40;
					for (const char *c = kd; good && *c; c++)
						good = islower((unsigned char)*c) || *c == '_';
					if (!good)
						err_at(l, mv,
						       "%scanhgac-kind must be a lower-case word",
						       "");
					else {
						free(t->kind);
						t->kind = strdup(kd);
					}
				}
			}
		}
		/* author, reference, remediation, impact...: descriptive only */
	}
}

cg_err cg_xtpl_parse(const char *path, cg_slice text, cg_xtpl **out, cg_buf *why)
{
	*out = NULL;
	if (text.len > CG_XP_MAX_TEMPLATE_BYTES) {
		cg_buf_reset(why);
		cg_buf_printf(why, "%s:1: template larger than %u bytes", path,
		              CG_XP_MAX_TEMPLATE_BYTES);
		return CG_ETOOBIG;
	}
	yaml_parser_t p;
	yaml_document_t doc;
	if (!yaml_parser_initialize(&p))
		return CG_ENOMEM;
	yaml_parser_set_input_string(&p, (const unsigned char *)text.ptr, text.len);
	if (!yaml_parser_load(&p, &doc)) {
		cg_buf_reset(why);
		cg_buf_printf(why, "%s:%d: %s", path, (int)p.problem_mark.line + 1,
		              p.problem ? p.problem : "bad YAML");
		yaml_parser_delete(&p);
		return CG_EPARSE;
	}
	yaml_parser_delete(&p);
	cg_xtpl *t = calloc(1, sizeof *t);
	ld l = {.doc = &doc, .path = path, .why = why, .t = t};
	yaml_node_t *root = yaml_document_get_root_node(&doc);
	if (!t) {
		yaml_document_delete(&doc);
		return CG_ENOMEM;
	}
	t->file = strdup(path);
	t->classification = json_object();
	if (!is_map(root)) {
		err_at(&l, root, "%snot a template (a mapping with id, info and http)", "");
	} else {
		yaml_node_t *http = NULL, *info = NULL;
		FOR_PAIRS(&l, root, k, v)
		{
			const char *key = scalar(k);
			if (!key) {
				err_at(&l, k, "%sbad key", "");
				break;
			}
			if (!strcmp(key, "id")) {
				free(t->id);
				t->id = dup_scalar(&l, v, "id");
				for (const char *c = t->id; c && *c && !l.err; c++)
					if (!isalnum((unsigned char)*c) && !strchr("-_.", *c))
						err_at(&l, v,
						       "%sid may hold letters, digits, - _ .", "");
			} else if (!strcmp(key, "info")) {
				info = v;
			} else if (!strcmp(key, "http") || !strcmp(key, "requests")) {
				http = v;
			} else {
				skip(&l, "protocol or feature", key);
			}
		}
		if (!l.err && (!t->id || !*t->id))
			err_at(&l, root, "%sa template needs an id", "");
		if (!l.err && !info)
			err_at(&l, root, "%sa template needs info", "");
		if (!l.err)
			parse_info(&l, info);
		if (!l.err && !t->name)
			err_at(&l, info, "%sinfo needs a name", "");
		if (!l.err && http) {
			if (http->type != YAML_SEQUENCE_NODE) {
				err_at(&l, http, "%shttp must be a list of requests", "");
			} else {
				size_t cnt = (size_t)(http->data.sequence.items.top -
				                      http->data.sequence.items.start);
				if (cnt > CG_XP_MAX_LIST)
					err_at(&l, http, "%stoo many requests", "");
				else if ((t->reqs = calloc(cnt + 1, sizeof *t->reqs)))
					for (size_t i = 0; i < cnt && !l.err; i++) {
						yaml_node_t *c =
						    node(&l, http->data.sequence.items.start[i]);
						if (!c)
							break;
						t->nreqs++;
						parse_req(&l, c, &t->reqs[i]);
					}
			}
		} else if (!l.err && !t->skip[0]) {
			skip(&l, "no http requests", NULL);
		}
	}
	yaml_document_delete(&doc);
	if (l.err) {
		cg_xtpl_free(t);
		return CG_EPARSE;
	}
	/* a community template names no kind: one that cites a CVE reports a
	 * known vulnerability, the others a plain template match */
	if (!t->kind)
		t->kind =
		    strdup(json_object_get(t->classification, "cve-id") ? "known_vulnerability"
		                                                        : "template_match");
	if (!t->file || !t->kind) {
		cg_xtpl_free(t);
		return CG_ENOMEM;
	}
	*out = t;
	return CG_OK;
}

cg_err cg_xtpl_load(const char *path, cg_xtpl **out, cg_buf *why)
{
	cg_buf text, w;
	cg_buf_init(&text, CG_XP_MAX_TEMPLATE_BYTES);
	cg_buf_init(&w, 1024);
	*out = NULL;
	cg_err e = cg_read_file(path, &text, &w);
	if (e) {
		cg_buf_reset(why);
		cg_buf_printf(why, "%s:0: %s", path, cg_buf_cstr(&w));
	} else {
		e = cg_xtpl_parse(path, cg_buf_slice(&text), out, why);
	}
	cg_buf_free(&text);
	cg_buf_free(&w);
	return e;
}

static int cmpstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool is_yaml(const char *n)
{
	size_t l = strlen(n);
	return n[0] != '.' &&
	       ((l > 5 && !strcmp(n + l - 5, ".yaml")) || (l > 4 && !strcmp(n + l - 4, ".yml")));
}

static cg_err walk(const char *dir, int depth, char ***files, size_t *n, size_t *cap)
{
	DIR *d = opendir(dir);
	if (!d)
		return CG_EIO;
	struct dirent *de;
	cg_err err = CG_OK;
	while ((de = readdir(d)) && !err) {
		if (de->d_name[0] == '.')
			continue;
		cg_buf p;
		cg_buf_init(&p, 4096);
		if (cg_buf_printf(&p, "%s/%s", dir, de->d_name)) {
			cg_buf_free(&p);
			continue;
		}
		struct stat st;
		if (stat(p.ptr, &st) == 0 && S_ISDIR(st.st_mode) && depth < 8) {
			walk(p.ptr, depth + 1, files, n, cap);
		} else if (S_ISREG(st.st_mode) && is_yaml(de->d_name) && *n < CG_XP_MAX_TEMPLATES) {
			if (*n == *cap) {
				size_t nc = *cap ? *cap * 2 : 64;
				char **nf = realloc(*files, nc * sizeof *nf);
				if (!nf) {
					err = CG_ENOMEM;
					cg_buf_free(&p);
					break;
				}
				*files = nf;
				*cap = nc;
			}
			(*files)[(*n)++] = cg_buf_detach(&p, NULL);
		}
		cg_buf_free(&p);
	}
	closedir(d);
	return err;
}

cg_err cg_xtpl_load_dir(const char *dir, void (*ok)(cg_xtpl *t, void *ctx),
                        void (*bad)(const char *why, void *ctx), void *ctx, cg_buf *why)
{
	char **files = NULL;
	size_t n = 0, cap = 0;
	struct stat st;
	if (stat(dir, &st) == 0 && S_ISREG(st.st_mode)) { /* one template file */
		cg_xtpl *t;
		if (cg_xtpl_load(dir, &t, why))
			bad(cg_buf_cstr(why), ctx);
		else
			ok(t, ctx);
		return CG_OK;
	}
	cg_err e = walk(dir, 0, &files, &n, &cap);
	if (e) {
		cg_buf_reset(why);
		cg_buf_printf(why, "%s: cannot read the directory", dir);
		for (size_t i = 0; i < n; i++)
			free(files[i]);
		free(files);
		return e;
	}
	if (n)
		qsort(files, n, sizeof *files, cmpstr);
	cg_buf w;
	cg_buf_init(&w, 4096);
	for (size_t i = 0; i < n; i++) {
		cg_xtpl *t;
		if (cg_xtpl_load(files[i], &t, &w))
			bad(cg_buf_cstr(&w), ctx);
		else
			ok(t, ctx);
		free(files[i]);
	}
	cg_buf_free(&w);
	free(files);
	return CG_OK;
}
