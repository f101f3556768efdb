/*
 * match.c - matchers, extractors and the DSL (see match.h).
 *
 * The DSL is evaluated straight from its text by a recursive-descent
 * reader (no tree is kept): expressions are short, and the same reader run
 * with no response is the load-time check. Values are numbers or strings
 * (booleans are the numbers 0 and 1); strings are heap copies, freed as
 * soon as an operator has used them. Depth is bounded by
 * CG_XP_MAX_DSL_DEPTH.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "match.h"

#include <ctype.h>
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/hex.h"
#include "core/limits.h"

/* ---- parts ------------------------------------------------------------ */

typedef struct partbuf {
	cg_buf all;
	bool built;
} partbuf;

static cg_slice part_of(const cg_xresp *r, cg_xpart p, partbuf *pb)
{
	switch (p) {
	case CG_XPART_BODY:
		return r->body;
	case CG_XPART_HEADER:
		return r->headers;
	case CG_XPART_ALL:
		if (!pb->built) {
			cg_buf_init(&pb->all, CG_XP_MAX_HEADERS + CG_XP_MAX_BODY + 4);
			cg_buf_append(&pb->all, r->headers.ptr, r->headers.len);
			cg_buf_append(&pb->all, r->body.ptr, r->body.len);
			pb->built = true;
		}
		return cg_buf_slice(&pb->all);
	}
	return r->body;
}

static bool mem_find(cg_slice hay, const char *needle, size_t n, bool nocase)
{
	if (n == 0)
		return true;
	if (hay.len < n)
		return false;
	if (!nocase)
		return memmem(hay.ptr, hay.len, needle, n) != NULL;
	for (size_t i = 0; i + n <= hay.len; i++)
		if (strncasecmp(hay.ptr + i, needle, n) == 0)
			return true;
	return false;
}

static bool re_find(void *code, cg_slice s, size_t *mstart, size_t *mlen, int group, cg_slice *grp)
{
	pcre2_match_data *md = pcre2_match_data_create_from_pattern(code, NULL);
	if (!md)
		return false;
	int rc = pcre2_match(code, (PCRE2_SPTR)s.ptr, s.len, 0, 0, md, NULL);
	bool ok = rc > 0;
	if (ok) {
		PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
		if (mstart) {
			*mstart = ov[0];
			*mlen = ov[1] - ov[0];
		}
		if (grp) {
			if (group < rc && ov[2 * group] != PCRE2_UNSET)
				*grp = cg_slice_from(s.ptr + ov[2 * group],
				                     ov[2 * group + 1] - ov[2 * group]);
			else
				ok = false;
		}
	}
	pcre2_match_data_free(md);
	return ok;
}

static bool one_matcher(const cg_xmatcher *m, const cg_xresp *r, partbuf *pb)
{
	cg_slice s = part_of(r, m->part, pb);
	bool any = false, all = true;
	size_t n = (m->type == CG_XM_STATUS || m->type == CG_XM_SIZE) ? m->nnums : m->nvals;
	for (size_t i = 0; i < n; i++) {
		bool hit = false;
		switch (m->type) {
		case CG_XM_WORD:
		case CG_XM_BINARY:
			hit = mem_find(s, m->vals[i], m->lens[i], m->nocase);
			break;
		case CG_XM_REGEX:
			hit = re_find(m->re[i], s, NULL, NULL, 0, NULL);
			break;
		case CG_XM_STATUS:
			hit = r->status == m->nums[i];
			break;
		case CG_XM_SIZE:
			hit = (long)s.len == m->nums[i];
			break;
		case CG_XM_DSL:
			hit = cg_xdsl_eval(m->vals[i], r);
			break;
		}
		any |= hit;
		all &= hit;
		if (m->cond_and && !hit)
			break;
		if (!m->cond_and && hit)
			break;
	}
	bool res = n > 0 && (m->cond_and ? all : any);
	return m->negative ? !res : res;
}

bool cg_xmatch(const cg_xreq *q, const cg_xresp *r, json_t *names)
{
	if (q->nm == 0)
		return false;
	partbuf pb = {0};
	bool res = q->match_and;
	for (size_t i = 0; i < q->nm; i++) {
		bool hit = one_matcher(&q->m[i], r, &pb);
		if (hit && names && q->m[i].name && !q->m[i].internal)
			json_array_append_new(names, json_string(q->m[i].name));
		if (q->match_and && !hit) {
			res = false;
			break;
		}
		if (!q->match_and && hit)
			res = true; /* go on: every named matcher that fires is named */
	}
	if (pb.built)
		cg_buf_free(&pb.all);
	return res;
}

/* ---- extractors --------------------------------------------------------- */

static void add_val(json_t *out, cg_slice v)
{
	if (json_array_size(out) >= CG_XP_MAX_EXTRACTED)
		return;
	if (v.len > 512)
		v.len = 512;
	json_t *s = json_stringn_nocheck(v.ptr, v.len);
	if (!json_is_string(s) || !json_string_value(s)) {
		json_decref(s);
		return;
	}
	/* invalid UTF-8 is replaced by the event encoder; skip exact duplicates */
	size_t i;
	json_t *e;
	json_array_foreach(out, i, e) if (json_equal(e, s))
	{
		json_decref(s);
		return;
	}
	json_array_append_new(out, s);
}

/* .a.b[0] / a.b.0 over a decoded body */
static void json_path(const char *path, cg_slice body, json_t *out)
{
	json_error_t je;
	json_t *root = json_loadb(body.ptr, body.len, JSON_DECODE_ANY, &je);
	if (!root)
		return;
	json_t *cur = root;
	const char *p = path;
	while (cur && *p) {
		if (*p == '.' || *p == ' ') {
			p++;
			continue;
		}
		char key[128];
		size_t n = 0;
		if (*p == '[') {
			p++;
			while (*p && *p != ']' && n + 1 < sizeof key)
				key[n++] = *p++;
			if (*p == ']')
				p++;
		} else {
			while (*p && *p != '.' && *p != '[' && n + 1 < sizeof key)
				key[n++] = *p++;
		}
		key[n] = '\0';
		if (json_is_array(cur)) {
			int64_t ix;
			if (cg_parse_i64(cg_slice_cstr(key), 0, 1000000, &ix))
				cur = NULL;
			else
				cur = json_array_get(cur, (size_t)ix);
		} else if (json_is_object(cur)) {
			if (n >= 2 && key[0] == '"' && key[n - 1] == '"') {
				key[n - 1] = '\0';
				cur = json_object_get(cur, key + 1);
			} else {
				cur = json_object_get(cur, key);
			}
		} else {
			cur = NULL;
		}
	}
	if (cur) {
		if (json_is_string(cur)) {
			add_val(out, cg_slice_cstr(json_string_value(cur)));
		} else {
			char *t = json_dumps(cur, JSON_COMPACT | JSON_ENCODE_ANY);
			if (t)
				add_val(out, cg_slice_cstr(t));
			free(t);
		}
	}
	json_decref(root);
}

/* kval: a header's value by name (Nuclei writes content_type for
 * Content-Type). */
static void kval(const char *key, const cg_xresp *r, json_t *out)
{
	char name[128];
	size_t n = 0;
	for (const char *p = key; *p && n + 1 < sizeof name; p++)
		name[n++] = *p == '_' ? '-' : *p;
	name[n] = '\0';
	cg_slice v = cg_xheader(r->headers, name);
	if (v.ptr)
		add_val(out, v);
}

void cg_xextract(const cg_xreq *q, const cg_xresp *r, json_t *out)
{
	partbuf pb = {0};
	for (size_t i = 0; i < q->nx; i++) {
		const cg_xextractor *x = &q->x[i];
		if (x->internal)
			continue;
		cg_slice s = part_of(r, x->part, &pb);
		for (size_t k = 0; k < x->nvals; k++) {
			if (x->type == CG_XE_REGEX) {
				/* every match, not only the first */
				size_t off = 0;
				for (int guard = 0; guard < CG_XP_MAX_EXTRACTED && off <= s.len;
				     guard++) {
					size_t ms, ml;
					cg_slice g;
					cg_slice rest = cg_slice_from(s.ptr + off, s.len - off);
					if (!re_find(x->re[k], rest, &ms, &ml, x->group, &g))
						break;
					add_val(out, g);
					off += ms + (ml ? ml : 1);
				}
			} else if (x->type == CG_XE_KVAL) {
				kval(x->vals[k], r, out);
			} else {
				json_path(x->vals[k], r->body, out);
			}
		}
	}
	if (pb.built)
		cg_buf_free(&pb.all);
}

cg_slice cg_xheader(cg_slice h, const char *name)
{
	size_t nl = strlen(name);
	const char *p = h.ptr, *end = h.ptr + h.len;
	while (p && p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *le = eol ? eol : end;
		if ((size_t)(le - p) > nl && p[nl] == ':' && strncasecmp(p, name, nl) == 0) {
			cg_slice v =
			    cg_slice_trim(cg_slice_from(p + nl + 1, (size_t)(le - p - nl - 1)));
			if (!v.ptr)
				v.ptr = "";
			return v;
		}
		p = eol ? eol + 1 : NULL;
	}
	return (cg_slice){NULL, 0};
}

/* ---- DSL ------------------------------------------------------------------ */

typedef struct dval {
	bool str;
	double num;
	char *s;
	size_t len;
} dval;

typedef struct dsl {
	const char *p;
	const cg_xresp *r; /* NULL: check only */
	int depth;
	bool err;
	char *why;
	size_t whyn;
} dsl;

static void dfree(dval *v)
{
	free(v->s);
	v->s = NULL;
}

static void fail(dsl *d, const char *msg, const char *name, size_t n)
{
	if (d->err)
		return;
	d->err = true;
	if (d->why) {
		cg_buf b;
		cg_buf_init(&b, d->whyn ? d->whyn - 1 : 0);
		cg_buf_printf(&b, "%s", msg);
		if (name) {
			cg_buf_puts(&b, " ");
			cg_buf_append(&b, name, n > 40 ? 40 : n);
		}
		cg_slice_copy(cg_buf_slice(&b), d->why, d->whyn);
		cg_buf_free(&b);
	}
}

static dval vstr(const char *s, size_t n)
{
	dval v = {.str = true};
	v.s = malloc(n + 1);
	if (v.s) {
		memcpy(v.s, s, n);
		v.s[n] = '\0';
		v.len = n;
	}
	return v;
}

static dval vnum(double x)
{
	return (dval){.num = x};
}

static bool truthy(const dval *v)
{
	return v->str ? v->len > 0 : v->num != 0;
}

static void ws(dsl *d)
{
	while (*d->p == ' ' || *d->p == '\t' || *d->p == '\n' || *d->p == '\r')
		d->p++;
}

static dval expr(dsl *d);

static dval var(dsl *d, const char *name, size_t n)
{
	const cg_xresp *r = d->r;
	cg_xresp empty = {0};
	if (!r)
		r = &empty;
#define IS(lit) (n == sizeof(lit) - 1 && memcmp(name, lit, n) == 0)
	if (IS("status_code"))
		return vnum((double)r->status);
	if (IS("content_length"))
		return vnum((double)r->body.len);
	if (IS("body"))
		return vstr(r->body.ptr ? r->body.ptr : "", r->body.len);
	if (IS("header") || IS("all_headers"))
		return vstr(r->headers.ptr ? r->headers.ptr : "", r->headers.len);
	if (IS("response") || IS("raw")) {
		dval v = {.str = true};
		v.s = malloc(r->headers.len + r->body.len + 1);
		if (v.s) {
			if (r->headers.len)
				memcpy(v.s, r->headers.ptr, r->headers.len);
			if (r->body.len)
				memcpy(v.s + r->headers.len, r->body.ptr, r->body.len);
			v.len = r->headers.len + r->body.len;
			v.s[v.len] = '\0';
		}
		return v;
	}
#undef IS
	fail(d, "unknown dsl variable", name, n);
	return vnum(0);
}

static bool has(const dval *a, const dval *b, bool nocase)
{
	if (!a->s || !b->s)
		return false;
	return mem_find(cg_slice_from(a->s, a->len), b->s, b->len, nocase);
}

static void tostr(dval *v)
{
	if (v->str)
		return;
	char t[64];
	int n = snprintf(t, sizeof t, "%.15g", v->num);
	*v = vstr(t, n > 0 && (size_t)n < sizeof t ? (size_t)n : 0);
}

static dval call(dsl *d, const char *name, size_t n)
{
	dval args[8];
	int na = 0;
	d->p++; /* ( */
	ws(d);
	if (*d->p != ')') {
		for (;;) {
			dval a = expr(d);
			if (na < 8)
				args[na++] = a;
			else
				dfree(&a);
			ws(d);
			if (*d->p == ',') {
				d->p++;
				continue;
			}
			break;
		}
	}
	if (*d->p != ')')
		fail(d, "dsl: ')' expected after the arguments of", name, n);
	else
		d->p++;
	for (int i = 0; i < na; i++)
		if (strncmp(name, "len", n) != 0 || n != 3)
			tostr(&args[i]);
	dval res = vnum(0);
#define IS(lit) (n == sizeof(lit) - 1 && memcmp(name, lit, n) == 0)
	if (IS("contains") && na == 2) {
		res = vnum(has(&args[0], &args[1], false));
	} else if ((IS("contains_all") || IS("contains_any")) && na >= 2) {
		bool all = IS("contains_all"), acc = all;
		for (int i = 1; i < na; i++) {
			bool h = has(&args[0], &args[i], false);
			acc = all ? (acc && h) : (acc || h);
		}
		res = vnum(acc);
	} else if ((IS("starts_with") || IS("ends_with")) && na == 2) {
		bool st = IS("starts_with");
		const dval *a = &args[0], *b = &args[1];
		bool h = a->s && b->s && a->len >= b->len &&
		         memcmp(st ? a->s : a->s + a->len - b->len, b->s, b->len) == 0;
		res = vnum(h);
	} else if ((IS("tolower") || IS("toupper") || IS("trim")) && na == 1) {
		res = args[0];
		args[0].s = NULL;
		if (res.s && IS("trim")) {
			cg_slice t = cg_slice_trim(cg_slice_from(res.s, res.len));
			dval u = vstr(t.ptr ? t.ptr : "", t.len);
			dfree(&res);
			res = u;
		} else if (res.s) {
			for (size_t i = 0; i < res.len; i++)
				res.s[i] = (char)(IS("tolower") ? tolower((unsigned char)res.s[i])
				                                : toupper((unsigned char)res.s[i]));
		}
	} else if (IS("len") && na == 1) {
		if (args[0].str)
			res = vnum((double)args[0].len);
		else {
			tostr(&args[0]);
			res = vnum((double)args[0].len);
		}
	} else if (IS("regex") && na == 2) {
		if (args[0].s && args[1].s) {
			int ec;
			PCRE2_SIZE eo;
			pcre2_code *c =
			    pcre2_compile((PCRE2_SPTR)args[0].s, args[0].len, 0, &ec, &eo, NULL);
			if (!c)
				fail(d, "dsl: bad regex in regex()", NULL, 0);
			else {
				if (d->r)
					res = vnum(re_find(c, cg_slice_from(args[1].s, args[1].len),
					                   NULL, NULL, 0, NULL));
				pcre2_code_free(c);
			}
		}
	} else if (IS("contains") || IS("contains_all") || IS("contains_any") ||
	           IS("starts_with") || IS("ends_with") || IS("tolower") || IS("toupper") ||
	           IS("trim") || IS("len") || IS("regex")) {
		fail(d, "dsl: wrong number of arguments to", name, n);
	} else {
		fail(d, "unsupported dsl function", name, n);
	}
#undef IS
	for (int i = 0; i < na; i++)
		dfree(&args[i]);
	return res;
}

static dval primary(dsl *d)
{
	ws(d);
	char c = *d->p;
	if (c == '(') {
		d->p++;
		dval v = expr(d);
		ws(d);
		if (*d->p != ')')
			fail(d, "dsl: ')' expected", NULL, 0);
		else
			d->p++;
		return v;
	}
	if (c == '"' || c == '\'') {
		d->p++;
		cg_buf b;
		cg_buf_init(&b, 64 * 1024);
		while (*d->p && *d->p != c) {
			char ch = *d->p++;
			if (ch == '\\' && *d->p) {
				ch = *d->p++;
				if (ch == 'n')
					ch = '\n';
				else if (ch == 'r')
					ch = '\r';
				else if (ch == 't')
					ch = '\t';
				else if (ch == 'x' && cg_hex_digit(d->p[0]) >= 0 &&
				         cg_hex_digit(d->p[1]) >= 0) {
					ch = (char)(cg_hex_digit(d->p[0]) * 16 +
					            cg_hex_digit(d->p[1]));
					d->p += 2;
				}
			}
			cg_buf_putc(&b, ch);
		}
		if (*d->p != c)
			fail(d, "dsl: unterminated string", NULL, 0);
		else
			d->p++;
		dval v = vstr(cg_buf_cstr(&b), b.len);
		cg_buf_free(&b);
		return v;
	}
	if (isdigit((unsigned char)c)) {
		double x = 0;
		while (isdigit((unsigned char)*d->p))
			x = x * 10 + (*d->p++ - '0');
		return vnum(x);
	}
	if (isalpha((unsigned char)c) || c == '_') {
		const char *s = d->p;
		while (isalnum((unsigned char)*d->p) || *d->p == '_')
			d->p++;
		size_t n = (size_t)(d->p - s);
		if (n == 4 && memcmp(s, "true", 4) == 0)
			return vnum(1);
		if (n == 5 && memcmp(s, "false", 5) == 0)
			return vnum(0);
		ws(d);
		if (*d->p == '(')
			return call(d, s, n);
		return var(d, s, n);
	}
	fail(d, "dsl: unexpected", d->p, *d->p ? 1 : 0);
	return vnum(0);
}

static dval unary(dsl *d)
{
	ws(d);
	if (*d->p == '!' && d->p[1] != '=') {
		d->p++;
		if (++d->depth > CG_XP_MAX_DSL_DEPTH) {
			fail(d, "dsl: too deep", NULL, 0);
			return vnum(0);
		}
		dval v = unary(d);
		d->depth--;
		bool t = truthy(&v);
		dfree(&v);
		return vnum(!t);
	}
	return primary(d);
}

static int cmpv(dval *a, dval *b)
{
	if (!a->str && !b->str)
		return a->num < b->num ? -1 : a->num > b->num;
	tostr(a);
	tostr(b);
	size_t n = a->len < b->len ? a->len : b->len;
	int c = (a->s && b->s) ? memcmp(a->s, b->s, n) : 0;
	if (c)
		return c;
	return a->len < b->len ? -1 : a->len > b->len;
}

static dval comparison(dsl *d)
{
	dval a = unary(d);
	ws(d);
	const char *p = d->p;
	int op = 0;
	if (p[0] == '=' && p[1] == '=')
		op = 1;
	else if (p[0] == '!' && p[1] == '=')
		op = 2;
	else if (p[0] == '<' && p[1] == '=')
		op = 3;
	else if (p[0] == '>' && p[1] == '=')
		op = 4;
	else if (p[0] == '<')
		op = 5;
	else if (p[0] == '>')
		op = 6;
	if (!op)
		return a;
	d->p += op <= 4 ? 2 : 1;
	dval b = unary(d);
	int c = cmpv(&a, &b);
	dfree(&a);
	dfree(&b);
	switch (op) {
	case 1:
		return vnum(c == 0);
	case 2:
		return vnum(c != 0);
	case 3:
		return vnum(c <= 0);
	case 4:
		return vnum(c >= 0);
	case 5:
		return vnum(c < 0);
	default:
		return vnum(c > 0);
	}
}

static dval conj_and(dsl *d)
{
	dval a = comparison(d);
	for (;;) {
		ws(d);
		if (!(d->p[0] == '&' && d->p[1] == '&'))
			return a;
		d->p += 2;
		dval b = comparison(d);
		bool t = truthy(&a) && truthy(&b);
		dfree(&a);
		dfree(&b);
		a = vnum(t);
	}
}

static dval expr(dsl *d)
{
	if (++d->depth > CG_XP_MAX_DSL_DEPTH) {
		fail(d, "dsl: too deep", NULL, 0);
		d->depth--;
		return vnum(0);
	}
	dval a = conj_and(d);
	for (;;) {
		ws(d);
		if (!(d->p[0] == '|' && d->p[1] == '|'))
			break;
		d->p += 2;
		dval b = conj_and(d);
		bool t = truthy(&a) || truthy(&b);
		dfree(&a);
		dfree(&b);
		a = vnum(t);
	}
	d->depth--;
	return a;
}

static bool run(const char *text, const cg_xresp *r, char *why, size_t n)
{
	dsl d = {.p = text, .r = r, .why = why, .whyn = n};
	dval v = expr(&d);
	ws(&d);
	if (*d.p && !d.err)
		fail(&d, "dsl: unexpected", d.p, 1);
	bool t = !d.err && truthy(&v);
	dfree(&v);
	return d.err ? false : t;
}

cg_err cg_xdsl_check(const char *expr_text, char *why, size_t n)
{
	if (why && n)
		why[0] = '\0';
	dsl d = {.p = expr_text, .r = NULL, .why = why, .whyn = n};
	dval v = expr(&d);
	ws(&d);
	if (*d.p && !d.err)
		fail(&d, "dsl: unexpected", d.p, 1);
	dfree(&v);
	return d.err ? CG_EUNSUPPORTED : CG_OK;
}

bool cg_xdsl_eval(const char *expr_text, const cg_xresp *r)
{
	return run(expr_text, r, NULL, 0);
}
