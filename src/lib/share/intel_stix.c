/*
 * intel_stix.c - STIX 2.1 bundles and TAXII 2.1 envelopes in (intel.h):
 * the pattern reader and the indicator walk.
 *
 * The pattern reader is a small tokenizer over the pattern's bytes (a
 * {ptr, len} slice, at most CG_INTEL_PATTERN_MAX): brackets, parentheses,
 * object paths (with quoted keys: file:hashes.'SHA-256'), operators,
 * keywords, and literals (quoted strings with \' and \\ escapes, numbers,
 * h'..', b'..', t'..'). It does not build a tree: it only has to decide
 * whether the pattern is a plain list of alternatives (OR between
 * equality comparisons, or AND between hashes of one file), and collect
 * the values. Anything else is refused whole, never taken in part.
 */
#include "intel.h"

#include <string.h>

#include "core/json.h"
#include "core/limits.h"
#include "core/timeutil.h"
#include "stix.h"

/* ---- the pattern ------------------------------------------------------ */

typedef enum tok {
	T_END,
	T_LBRACK,
	T_RBRACK,
	T_LPAREN,
	T_RPAREN,
	T_EQ,
	T_OTHER_OP, /* != < > <= >= */
	T_WORD,     /* a path or keyword */
	T_STRING,   /* '...' (unescaped into the value) */
	T_LITERAL,  /* a number, h'..', b'..', t'..', true/false */
	T_BAD,
} tok;

typedef struct lexer {
	const char *p, *end;
	char text[CG_INTEL_VALUE_MAX + 1];
	size_t n;
} lexer;

static bool word_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_' || c == ':' || c == '.' || c == '[' || c == '*' || c == '\'';
}

/* A quoted string from just after its opening quote; false when it does
 * not end or is longer than a value may be. */
static bool lex_string(lexer *x)
{
	x->n = 0;
	while (x->p < x->end) {
		char c = *x->p++;
		if (c == '\'')
			return true;
		if (c == '\\') {
			if (x->p == x->end || (*x->p != '\'' && *x->p != '\\'))
				return false;
			c = *x->p++;
		}
		if (x->n >= CG_INTEL_VALUE_MAX)
			return false;
		x->text[x->n++] = c;
	}
	return false;
}

static tok lex(lexer *x)
{
	while (x->p < x->end && (*x->p == ' ' || *x->p == '\t' || *x->p == '\n' || *x->p == '\r'))
		x->p++;
	x->n = 0;
	if (x->p == x->end)
		return T_END;
	char c = *x->p;
	switch (c) {
	case '[':
		x->p++;
		return T_LBRACK;
	case ']':
		x->p++;
		return T_RBRACK;
	case '(':
		x->p++;
		return T_LPAREN;
	case ')':
		x->p++;
		return T_RPAREN;
	case '=':
		x->p++;
		return T_EQ;
	case '!':
	case '<':
	case '>':
		x->p++;
		if (x->p < x->end && *x->p == '=')
			x->p++;
		else if (c == '!')
			return T_BAD;
		return T_OTHER_OP;
	case '\'':
		x->p++;
		return lex_string(x) ? T_STRING : T_BAD;
	}
	if ((c == 'h' || c == 'b' || c == 't') && x->end - x->p > 1 && x->p[1] == '\'') {
		x->p += 2;
		return lex_string(x) ? T_LITERAL : T_BAD;
	}
	if ((c >= '0' && c <= '9') || c == '-') {
		while (x->p < x->end &&
		       ((*x->p >= '0' && *x->p <= '9') || *x->p == '.' || *x->p == '-'))
			x->p++;
		return T_LITERAL;
	}
	if (!word_char(c))
		return T_BAD;
	/* a path or keyword: quoted keys inside (hashes.'SHA-256') are part
	 * of it; a '[' only as a list index ([*], [0]) */
	while (x->p < x->end && word_char(*x->p)) {
		char w = *x->p++;
		if (w == '\'') {
			while (x->p < x->end && *x->p != '\'') {
				if (x->n >= CG_INTEL_VALUE_MAX)
					return T_BAD;
				x->text[x->n++] = *x->p++;
			}
			if (x->p == x->end)
				return T_BAD;
			x->p++;
			continue;
		}
		if (w == '[') {
			/* "[" starts an index only right after a path part */
			if (x->n == 0) {
				x->p--;
				break;
			}
			while (x->p < x->end && *x->p != ']')
				x->p++;
			if (x->p == x->end)
				return T_BAD;
			x->p++;
			continue;
		}
		if (x->n >= CG_INTEL_VALUE_MAX)
			return T_BAD;
		x->text[x->n++] = w;
	}
	x->text[x->n] = 0;
	return x->n ? T_WORD : T_BAD;
}

static bool word_is(const lexer *x, const char *kw)
{
	return strcmp(x->text, kw) == 0;
}

/* The type of an object path, or NULL when canhgac does not match it. A
 * hash's key loses its quotes in the lexer: file:hashes.SHA-256. */
static const char *path_type(const char *path)
{
	static const struct {
		const char *path, *type;
	} map[] = {
	    {"domain-name:value", "domain"},   {"ipv4-addr:value", "ipv4"},
	    {"ipv6-addr:value", "ipv6"},       {"url:value", "url"},
	    {"file:hashes.SHA-256", "sha256"}, {"file:hashes.SHA256", "sha256"},
	    {"file:hashes.MD5", "md5"},        {"file:hashes.SHA-1", "sha1"},
	    {"file:hashes.SHA1", "sha1"},
	};
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (strcmp(path, map[i].path) == 0)
			return map[i].type;
	return NULL;
}

static bool is_hash(const char *type)
{
	return type && (type[0] == 's' || type[0] == 'm');
}

/* type's value normalized into out; false when not a valid one. */
static bool norm(const char *type, const char *v, char *out, size_t n)
{
	static const struct {
		const char *name;
		cg_obs_type t;
	} ts[] = {{"domain", CG_OBS_DOMAIN}, {"ipv4", CG_OBS_IPV4},     {"ipv6", CG_OBS_IPV6},
	          {"url", CG_OBS_URL},       {"sha256", CG_OBS_SHA256}, {"md5", CG_OBS_MD5}};
	if (strcmp(type, "sha1") == 0) {
		size_t len = strlen(v);
		if (len != 40 || n <= 40)
			return false;
		for (size_t i = 0; i < 40; i++) {
			char c = (char)(v[i] | (v[i] >= 'A' ? 32 : 0));
			if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
				return false;
			out[i] = c;
		}
		out[40] = 0;
		return true;
	}
	for (size_t i = 0; i < sizeof ts / sizeof ts[0]; i++)
		if (strcmp(type, ts[i].name) == 0)
			return cg_stix_norm_value(ts[i].t, v, out, n);
	return false;
}

bool cg_intel_norm(const char *type, const char *value, char *out, size_t n)
{
	return type && value && norm(type, value, out, n);
}

typedef struct found {
	const char *type;
	char value[CG_INTEL_VALUE_MAX + 1];
} found;

static cg_err refuse(cg_buf *why, const char *reason)
{
	if (why) {
		cg_buf_reset(why);
		cg_buf_puts(why, reason);
	}
	return CG_EPARSE;
}

cg_err cg_intel_pattern(cg_slice pattern, cg_intel_value_fn fn, void *ud, cg_buf *why)
{
	if (pattern.len > CG_INTEL_PATTERN_MAX)
		return refuse(why, "pattern too long");
	static _Thread_local found got[CG_INTEL_MAX_PER_PATTERN];
	size_t ngot = 0;
	lexer x = {.p = pattern.ptr, .end = pattern.ptr + pattern.len};
	bool in_obs = false, saw_and = false, all_hashes = true, expect_comp = true;
	int depth = 0;
	for (;;) {
		tok t = lex(&x);
		switch (t) {
		case T_END:
			if (in_obs || depth || expect_comp || ngot == 0)
				return refuse(why, ngot ? "pattern incomplete"
				                        : "no value canhgac matches");
			if (saw_and && !all_hashes)
				return refuse(why, "AND between different observables");
			for (size_t i = 0; i < ngot; i++)
				fn(ud, got[i].type, got[i].value);
			return CG_OK;
		case T_LBRACK:
			if (in_obs || !expect_comp)
				return refuse(why, "unexpected '['");
			in_obs = true;
			break;
		case T_RBRACK:
			if (!in_obs || expect_comp)
				return refuse(why, "unexpected ']'");
			in_obs = false;
			break;
		case T_LPAREN:
			if (!expect_comp || ++depth > 16)
				return refuse(why, "unexpected '('");
			break;
		case T_RPAREN:
			if (expect_comp || depth-- == 0)
				return refuse(why, "unexpected ')'");
			break;
		case T_WORD:
			if (!expect_comp) {
				/* a connective between two comparisons or observations */
				if (word_is(&x, "OR")) {
					expect_comp = true;
					break;
				}
				if (word_is(&x, "AND") && in_obs) {
					saw_and = true;
					expect_comp = true;
					break;
				}
				return refuse(
				    why, "a qualifier, FOLLOWEDBY or AND between observations");
			}
			if (!in_obs)
				return refuse(why, "a comparison outside brackets");
			{
				const char *type = path_type(x.text);
				if (!type)
					all_hashes = false;
				else if (!is_hash(type))
					all_hashes = false;
				if (lex(&x) != T_EQ)
					return refuse(why, "an operator other than =");
				tok v = lex(&x);
				if (v != T_STRING)
					return refuse(why,
					              "a comparison value that is not a string");
				x.text[x.n] = 0;
				if (type && memchr(x.text, 0, x.n) == NULL) {
					if (ngot == CG_INTEL_MAX_PER_PATTERN)
						return refuse(why, "too many comparisons");
					if (norm(type, x.text, got[ngot].value,
					         sizeof got[ngot].value))
						got[ngot++].type = type;
				}
				expect_comp = false;
			}
			break;
		default:
			return refuse(why, "not a STIX pattern canhgac reads");
		}
	}
}

/* ---- the objects ------------------------------------------------------ */

typedef struct ind_ctx {
	json_t *items;
	const json_t *obj;
	int64_t from, until;
	cg_intel_stats *st;
	bool full;
} ind_ctx;

static const char *tlp_of(const json_t *obj)
{
	const json_t *refs = json_object_get(obj, "object_marking_refs");
	size_t i;
	json_t *r;
	const char *worst = NULL;
	int worst_level = -1;
	json_array_foreach(refs, i, r)
	{
		const char *id = json_string_value(r);
		for (int t = 0; id && t < CG_TLP_NLEVELS; t++)
			if (strcmp(id, cg_tlp_marking_id((cg_tlp)t)) == 0 && t > worst_level) {
				worst_level = t;
				worst = cg_tlp_name((cg_tlp)t);
			}
	}
	return worst;
}

static json_t *bounded_str(const char *s)
{
	if (!s)
		return NULL;
	size_t n = strlen(s);
	return cg_json_str(cg_slice_from(s, n > CG_INTEL_TEXT_MAX ? CG_INTEL_TEXT_MAX : n));
}

static void on_value(void *ud, const char *type, const char *value)
{
	ind_ctx *c = ud;
	if (json_array_size(c->items) >= CG_INTEL_MAX_INDICATORS) {
		c->full = true;
		return;
	}
	json_t *it = json_object();
	json_object_set_new(it, "type", json_string(type));
	json_object_set_new(it, "value", json_string(value));
	json_object_set_new(it, "valid_from", json_integer(c->from));
	if (c->until)
		json_object_set_new(it, "valid_until", json_integer(c->until));
	const json_t *conf = json_object_get(c->obj, "confidence");
	if (json_is_integer(conf) && json_integer_value(conf) >= 0 &&
	    json_integer_value(conf) <= 100)
		json_object_set(it, "confidence", (json_t *)conf);
	const char *tlp = tlp_of(c->obj);
	if (tlp)
		json_object_set_new(it, "tlp", json_string(tlp));
	json_t *s = bounded_str(cg_json_get_str(c->obj, "id"));
	if (s)
		json_object_set_new(it, "ext_id", s);
	const char *d = cg_json_get_str(c->obj, "description");
	if ((s = bounded_str(d ? d : cg_json_get_str(c->obj, "name"))))
		json_object_set_new(it, "description", s);
	json_array_append_new(c->items, it);
	c->st->taken++;
}

static int64_t time_or(const json_t *obj, const char *key, int64_t dflt)
{
	const char *s = cg_json_get_str(obj, key);
	int64_t ms;
	if (s && cg_time_parse(cg_slice_cstr(s), &ms) == CG_OK)
		return ms;
	return dflt;
}

static cg_err one_indicator(const json_t *o, int64_t now_ms, json_t *items, cg_intel_stats *st)
{
	st->indicators++;
	const char *pt = cg_json_get_str(o, "pattern_type");
	const char *pattern = cg_json_get_str(o, "pattern");
	if (json_is_true(json_object_get(o, "revoked")) || !pattern || (pt && strcmp(pt, "stix"))) {
		st->skipped++;
		return CG_OK;
	}
	ind_ctx c = {items, o,    time_or(o, "valid_from", now_ms), time_or(o, "valid_until", 0),
	             st,    false};
	if (c.until && c.until <= c.from) {
		st->skipped++; /* STIX: valid_until must be later than valid_from */
		return CG_OK;
	}
	uint64_t before = st->taken;
	if (cg_intel_pattern(cg_slice_cstr(pattern), on_value, &c, NULL))
		st->skipped++;
	if (c.until && c.until <= now_ms)
		st->expired += st->taken - before;
	return c.full ? CG_ETOOBIG : CG_OK;
}

static cg_err bad(cg_buf *why, const char *reason)
{
	cg_buf_reset(why);
	cg_buf_puts(why, reason);
	return CG_EPARSE;
}

cg_err cg_intel_read_stix(cg_slice text, int64_t now_ms, json_t **items, cg_intel_stats *st,
                          cg_intel_page *page, cg_buf *why)
{
	if (page)
		*page = (cg_intel_page){0};
	if (text.len > CG_INTEL_MAX_INPUT) {
		cg_buf_reset(why);
		cg_buf_printf(why, "larger than %u bytes", CG_INTEL_MAX_INPUT);
		return CG_ETOOBIG;
	}
	json_t *doc = NULL;
	cg_err err = cg_json_parse(text, &doc, why);
	if (err)
		return CG_EPARSE;
	const char *type = cg_json_get_str(doc, "type");
	const json_t *objs = json_object_get(doc, "objects");
	if (!json_is_object(doc) || (type && strcmp(type, "bundle") != 0))
		err = bad(why, "not a STIX bundle or TAXII envelope");
	else if (objs && !json_is_array(objs))
		err = bad(why, "\"objects\" is not an array");
	else if (!type && !objs && !json_object_get(doc, "more"))
		err = bad(why, "not a STIX bundle or TAXII envelope");
	if (!err && !*items && !(*items = json_array()))
		err = CG_ENOMEM;
	size_t i;
	json_t *o;
	json_array_foreach(objs, i, o)
	{
		if (err)
			break;
		st->objects++;
		const char *t = cg_json_get_str(o, "type");
		if (t && strcmp(t, "indicator") == 0 &&
		    (err = one_indicator(o, now_ms, *items, st)))
			cg_buf_printf(why, "more than %d indicators", CG_INTEL_MAX_INDICATORS);
	}
	if (!err && page && !type) {
		page->more = json_is_true(json_object_get(doc, "more"));
		const char *next = cg_json_get_str(doc, "next");
		if (next && strlen(next) < sizeof page->next)
			memcpy(page->next, next, strlen(next) + 1);
	}
	json_decref(doc);
	return err;
}

cg_err cg_intel_read_any(cg_slice text, int64_t now_ms, json_t **items, cg_intel_stats *st,
                         const char **kind, cg_buf *why)
{
	/* a cheap look at the top level: MISP documents have "Event" or
	 * "response" members (or are an array of events) */
	size_t i = 0;
	while (i < text.len && (text.ptr[i] == ' ' || text.ptr[i] == '\n' || text.ptr[i] == '\t' ||
	                        text.ptr[i] == '\r'))
		i++;
	bool misp = i < text.len && text.ptr[i] == '[';
	if (!misp) {
		json_t *doc = NULL;
		if (text.len <= CG_INTEL_MAX_INPUT && cg_json_parse(text, &doc, NULL) == CG_OK) {
			misp = json_object_get(doc, "Event") || json_object_get(doc, "response");
			json_decref(doc);
		}
	}
	*kind = misp ? "misp" : "stix";
	return misp ? cg_intel_read_misp(text, now_ms, items, st, why)
	            : cg_intel_read_stix(text, now_ms, items, st, NULL, why);
}

void cg_intel_expire_after(json_t *items, int64_t days)
{
	if (days <= 0)
		return;
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it)
	{
		if (!json_object_get(it, "valid_until"))
			json_object_set_new(
			    it, "valid_until",
			    json_integer(json_integer_value(json_object_get(it, "valid_from")) +
			                 days * 86400000));
	}
}
