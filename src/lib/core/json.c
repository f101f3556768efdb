/*
 * json.c - see json.h.
 *
 * The UTF-8 validator follows the well-formed byte sequences of Unicode
 * Table 3-7, so overlong forms and surrogates are rejected byte by byte and
 * each bad byte becomes one U+FFFD (the "maximal subpart" practice would
 * merge some; one per byte is simpler and still safe).
 */
#include "json.h"

#include <string.h>

#include "limits.h"

size_t cg_utf8_seq_len(const unsigned char *s, size_t avail)
{
	unsigned c = s[0];
	if (c < 0x80)
		return 1;
	size_t n;
	unsigned lo = 0x80, hi = 0xBF;
	if (c >= 0xC2 && c <= 0xDF) {
		n = 2;
	} else if (c >= 0xE0 && c <= 0xEF) {
		n = 3;
		if (c == 0xE0)
			lo = 0xA0;
		else if (c == 0xED)
			hi = 0x9F; /* no surrogates */
	} else if (c >= 0xF0 && c <= 0xF4) {
		n = 4;
		if (c == 0xF0)
			lo = 0x90;
		else if (c == 0xF4)
			hi = 0x8F; /* <= U+10FFFF */
	} else {
		return 0;
	}
	if (avail < n)
		return 0;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (size_t k = 2; k < n; k++)
		if (s[k] < 0x80 || s[k] > 0xBF)
			return 0;
	return n;
}

bool cg_utf8_valid(cg_slice s)
{
	const unsigned char *p = (const unsigned char *)s.ptr;
	for (size_t i = 0; i < s.len;) {
		size_t n = cg_utf8_seq_len(p + i, s.len - i);
		if (!n)
			return false;
		i += n;
	}
	return true;
}

static const char replacement[] = "\xEF\xBF\xBD"; /* U+FFFD */

cg_err cg_utf8_sanitize(cg_buf *out, cg_slice s)
{
	const unsigned char *p = (const unsigned char *)s.ptr;
	size_t run = 0; /* start of the pending valid run */
	cg_err err = CG_OK;
	for (size_t i = 0; i < s.len && !err;) {
		size_t n = p[i] ? cg_utf8_seq_len(p + i, s.len - i) : 0;
		if (n) {
			i += n;
			continue;
		}
		err = cg_buf_append(out, s.ptr + run, i - run);
		if (!err)
			err = cg_buf_append(out, replacement, 3);
		run = ++i;
	}
	if (!err)
		err = cg_buf_append(out, s.ptr + run, s.len - run);
	return err;
}

cg_err cg_json_quote(cg_buf *out, cg_slice s)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s.ptr;
	cg_err err = cg_buf_putc(out, '"');
	size_t run = 0;
	for (size_t i = 0; i < s.len && !err;) {
		unsigned c = p[i];
		size_t n = c ? cg_utf8_seq_len(p + i, s.len - i) : 0;
		bool plain = n > 1 || (n == 1 && c >= 0x20 && c != '"' &&
				       c != '\\' && c != '<' && c != '>' &&
				       c != '&' && c != 0x7F);
		/* U+2028 and U+2029 end lines in JavaScript source. */
		if (n == 3 && c == 0xE2 && p[i + 1] == 0x80 &&
		    (p[i + 2] == 0xA8 || p[i + 2] == 0xA9))
			plain = false;
		if (plain) {
			i += n;
			continue;
		}
		err = cg_buf_append(out, s.ptr + run, i - run);
		char esc[8];
		const char *e = esc;
		size_t elen = 6;
		if (n == 0) {
			e = "\\ufffd";
			n = 1;
		} else if (n == 3) {
			e = p[i + 2] == 0xA8 ? "\\u2028" : "\\u2029";
		} else if (c == '"' || c == '\\') {
			esc[0] = '\\';
			esc[1] = (char)c;
			elen = 2;
		} else if (c == '\n' || c == '\t' || c == '\r') {
			esc[0] = '\\';
			esc[1] = c == '\n' ? 'n' : c == '\t' ? 't' : 'r';
			elen = 2;
		} else {
			memcpy(esc, "\\u00", 4);
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 15];
		}
		if (!err)
			err = cg_buf_append(out, e, elen);
		i += n;
		run = i;
	}
	if (!err)
		err = cg_buf_append(out, s.ptr + run, s.len - run);
	if (!err)
		err = cg_buf_putc(out, '"');
	return err;
}

json_t *cg_json_str(cg_slice s)
{
	if (cg_utf8_valid(s) && !memchr(s.ptr ? s.ptr : "", 0, s.len))
		return json_stringn(s.len ? s.ptr : "", s.len);
	cg_buf b;
	cg_buf_init(&b, s.len * 3 + 1); /* worst case: every byte replaced */
	json_t *v = NULL;
	if (cg_utf8_sanitize(&b, s) == CG_OK)
		v = json_stringn(cg_buf_cstr(&b), b.len);
	cg_buf_free(&b);
	return v;
}

static cg_err encode(cg_buf *out, const json_t *v, int depth)
{
	if (depth > CG_MAX_JSON_DEPTH)
		return CG_ETOOBIG;
	cg_err err = CG_OK;
	switch (json_typeof(v)) {
	case JSON_OBJECT: {
		const char *key;
		json_t *val;
		bool first = true;
		err = cg_buf_putc(out, '{');
		json_object_foreach((json_t *)v, key, val) {
			if (!err && !first)
				err = cg_buf_putc(out, ',');
			first = false;
			if (!err)
				err = cg_json_quote(out, cg_slice_cstr(key));
			if (!err)
				err = cg_buf_putc(out, ':');
			if (!err)
				err = encode(out, val, depth + 1);
		}
		return err ? err : cg_buf_putc(out, '}');
	}
	case JSON_ARRAY: {
		err = cg_buf_putc(out, '[');
		for (size_t i = 0; !err && i < json_array_size(v); i++) {
			if (i)
				err = cg_buf_putc(out, ',');
			if (!err)
				err = encode(out, json_array_get(v, i), depth + 1);
		}
		return err ? err : cg_buf_putc(out, ']');
	}
	case JSON_STRING:
		return cg_json_quote(out, cg_slice_from(json_string_value(v),
							json_string_length(v)));
	case JSON_INTEGER:
		return cg_buf_printf(out, "%" JSON_INTEGER_FORMAT,
				     json_integer_value(v));
	case JSON_REAL: {
		char num[64];
		/* jansson's own formatting keeps reals round-trippable */
		size_t n = json_dumpb(v, num, sizeof num, JSON_ENCODE_ANY);
		return n && n < sizeof num ? cg_buf_append(out, num, n)
					   : CG_EINVAL;
	}
	case JSON_TRUE:
		return cg_buf_puts(out, "true");
	case JSON_FALSE:
		return cg_buf_puts(out, "false");
	case JSON_NULL:
		return cg_buf_puts(out, "null");
	}
	return CG_EINTERNAL;
}

int cg_json_depth(const json_t *v, int cap)
{
	if (cap <= 0 || !v || (!json_is_object(v) && !json_is_array(v)))
		return 0;
	int best = 0;
	if (json_is_object(v)) {
		const char *key;
		json_t *val;
		json_object_foreach((json_t *)v, key, val) {
			int d = 1 + cg_json_depth(val, cap - 1);
			if (d > best)
				best = d;
			if (best >= cap)
				return cap;
		}
		return json_object_size(v) ? (best ? best : 1) : 0;
	}
	for (size_t i = 0; i < json_array_size(v); i++) {
		int d = 1 + cg_json_depth(json_array_get(v, i), cap - 1);
		if (d > best)
			best = d;
		if (best >= cap)
			return cap;
	}
	return best;
}

cg_err cg_json_encode(cg_buf *out, const json_t *v)
{
	size_t mark = out->len;
	cg_err err = v ? encode(out, v, 0) : CG_EINVAL;
	if (err) {
		out->len = mark; /* leave no half-written value behind */
		if (out->ptr)
			out->ptr[mark] = '\0';
	}
	return err;
}

cg_err cg_json_parse(cg_slice text, json_t **out, cg_buf *why)
{
	json_error_t jerr;
	*out = json_loadb(text.len ? text.ptr : "", text.len,
			  JSON_REJECT_DUPLICATES, &jerr);
	if (*out)
		return CG_OK;
	if (why)
		cg_buf_printf(why, "line %d, column %d: %s", jerr.line,
			      jerr.column, jerr.text);
	return CG_EPARSE;
}

const char *cg_json_get_str(const json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);
	return json_is_string(v) ? json_string_value(v) : NULL;
}
