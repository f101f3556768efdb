/*
 * jsdecode.c - see jsdecode.h. One left-to-right pass: outside literals
 * the code is copied (with \u escapes decoded) into `code` for the
 * location test; each literal is decoded into `lit`; consecutive literals
 * joined by '+' are concatenated before URLs are looked for. Every buffer
 * is bounded by the input size (itself capped by CG_MAX_WEB_INLINE_JS).
 */
#include "jsdecode.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/limits.h"

static int hexv(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static void put_cp(cg_buf *b, unsigned cp)
{
	char u[4];
	size_t n;
	if (cp < 0x80) {
		u[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xC0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3F));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xE0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		u[2] = (char)(0x80 | (cp & 0x3F));
		n = 3;
	} else if (cp < 0x110000) {
		u[0] = (char)(0xF0 | (cp >> 18));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		u[3] = (char)(0x80 | (cp & 0x3F));
		n = 4;
	} else
		return;
	cg_buf_append(b, u, n);
}

/* Decodes a backslash escape at s[i] (s[i] == '\\'); returns bytes used. */
static size_t unescape(const char *s, size_t n, size_t i, cg_buf *out, bool *esc)
{
	if (i + 1 >= n)
		return 1;
	char c = s[i + 1];
	int a, b2, c2, d;
	if (c == 'x' && i + 3 < n && (a = hexv(s[i + 2])) >= 0 && (b2 = hexv(s[i + 3])) >= 0) {
		put_cp(out, (unsigned)(a * 16 + b2));
		*esc = true;
		return 4;
	}
	if (c == 'u' && i + 2 < n && s[i + 2] == '{') {
		unsigned cp = 0;
		size_t j = i + 3;
		while (j < n && j < i + 10 && hexv(s[j]) >= 0)
			cp = cp * 16 + (unsigned)hexv(s[j++]);
		if (j < n && s[j] == '}') {
			put_cp(out, cp);
			*esc = true;
			return j + 1 - i;
		}
	}
	if (c == 'u' && i + 5 < n && (a = hexv(s[i + 2])) >= 0 && (b2 = hexv(s[i + 3])) >= 0 &&
	    (c2 = hexv(s[i + 4])) >= 0 && (d = hexv(s[i + 5])) >= 0) {
		put_cp(out, (unsigned)(((a * 16 + b2) * 16 + c2) * 16 + d));
		*esc = true;
		return 6;
	}
	if (c >= '0' && c <= '7') {
		unsigned v = 0;
		size_t j = i + 1;
		while (j < n && j < i + 4 && s[j] >= '0' && s[j] <= '7')
			v = v * 8 + (unsigned)(s[j++] - '0');
		put_cp(out, v);
		*esc = true;
		return j - i;
	}
	switch (c) {
	case 'n':
		cg_buf_putc(out, '\n');
		break;
	case 't':
		cg_buf_putc(out, '\t');
		break;
	case 'r':
		cg_buf_putc(out, '\r');
		break;
	default:
		cg_buf_putc(out, c);
		break;
	}
	return 2;
}

typedef struct scan {
	cg_js_result *r;
	bool has_reverse;
} scan;

static bool url_char(char c)
{
	return c > ' ' && c != '"' && c != '\'' && c != '<' && c != '>' && c != '\\' && c != ')' &&
	       c != '`' && (unsigned char)c < 0x7F;
}

static void add_url(scan *S, const char *u, size_t n, const char *how, bool markup)
{
	cg_js_result *r = S->r;
	if (r->nurls >= CG_JS_MAX_URLS || n < 10 || n > 2048)
		return;
	for (int i = 0; i < r->nurls; i++)
		if (strlen(r->urls[i].url) == n && memcmp(r->urls[i].url, u, n) == 0)
			return;
	char *d = strndup(u, n);
	if (!d)
		return;
	r->urls[r->nurls++] = (cg_js_url){d, how, markup};
}

/* URLs ("http(s)://..." or "//host...") in a decoded string. */
static void find_urls(scan *S, const char *s, size_t n, const char *how)
{
	bool markup = false;
	for (size_t i = 0; i + 1 < n; i++) {
		if (s[i] == '<' && i + 7 < n &&
		    (strncasecmp(s + i + 1, "script", 6) == 0 ||
		     strncasecmp(s + i + 1, "iframe", 6) == 0))
			markup = true;
		size_t st = 0;
		if (i + 7 < n && (strncasecmp(s + i, "http://", 7) == 0))
			st = i;
		else if (i + 8 < n && strncasecmp(s + i, "https://", 8) == 0)
			st = i;
		else if (s[i] == '/' && s[i + 1] == '/' && i + 2 < n &&
		         ((i == 0) || s[i - 1] == '"' || s[i - 1] == '\'' || s[i - 1] == '='))
			st = i;
		else
			continue;
		size_t e = st;
		while (e < n && url_char(s[e]))
			e++;
		if (s[st] == '/') { /* protocol-relative: make it absolute */
			char tmp[2100];
			size_t l = e - st;
			if (l > 2000)
				continue;
			memcpy(tmp, "https:", 6);
			memcpy(tmp + 6, s + st, l);
			add_url(S, tmp, l + 6, how, markup);
		} else
			add_url(S, s + st, e - st, how, markup);
		i = e > i ? e - 1 : i;
	}
}

static bool b64v(char c, int *v)
{
	if (c >= 'A' && c <= 'Z')
		*v = c - 'A';
	else if (c >= 'a' && c <= 'z')
		*v = c - 'a' + 26;
	else if (c >= '0' && c <= '9')
		*v = c - '0' + 52;
	else if (c == '+' || c == '-')
		*v = 62;
	else if (c == '/' || c == '_')
		*v = 63;
	else
		return false;
	return true;
}

static void try_base64(scan *S, const char *s, size_t n)
{
	while (n && s[n - 1] == '=')
		n--;
	if (n < 8 || n > 8192)
		return;
	char out[6200];
	size_t o = 0;
	unsigned acc = 0;
	int bits = 0;
	for (size_t i = 0; i < n; i++) {
		int v;
		if (!b64v(s[i], &v))
			return;
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			char c = (char)((acc >> bits) & 0xFF);
			if ((unsigned char)c < 0x20 && c != '\n' && c != '\t' && c != '\r')
				return; /* not text */
			out[o++] = c;
		}
	}
	find_urls(S, out, o, "base64");
	/* base64 of "location" etc. in string arrays */
	if (o >= 8 && memmem(out, o, "location", 8))
		S->r->navigates = true;
}

static void try_reverse(scan *S, const char *s, size_t n)
{
	if (n < 10 || n > 4096)
		return;
	char tmp[4100];
	for (size_t i = 0; i < n; i++)
		tmp[i] = s[n - 1 - i];
	find_urls(S, tmp, n, "reversed");
	if (memmem(tmp, n, "noitacol", 8) == NULL && memmem(tmp, n, "location", 8))
		S->r->navigates = true;
}

/* String.fromCharCode(104, 116, ...) at code[i]. */
static void from_char_code(scan *S, const char *s, size_t n)
{
	static const char key[] = "fromCharCode(";
	for (const char *p = s; (p = memmem(p, (size_t)(s + n - p), key, sizeof key - 1));) {
		p += sizeof key - 1;
		cg_buf b;
		cg_buf_init(&b, 8192);
		while (p < s + n && *p != ')') {
			unsigned v = 0;
			bool any = false;
			bool hex = p + 1 < s + n && p[0] == '0' && (p[1] == 'x' || p[1] == 'X');
			if (hex)
				p += 2;
			while (p < s + n && (hex ? hexv(*p) >= 0 : (*p >= '0' && *p <= '9'))) {
				v = v * (hex ? 16 : 10) + (unsigned)(hex ? hexv(*p) : *p - '0');
				if (v > 0x10FFFF)
					v = 0x10FFFF;
				p++;
				any = true;
			}
			if (any)
				put_cp(&b, v);
			if (p < s + n && *p != ')')
				p++;
		}
		find_urls(S, b.ptr ? b.ptr : "", b.len, "fromCharCode");
		if (b.len >= 8 && memmem(b.ptr, b.len, "location", 8))
			S->r->navigates = true;
		cg_buf_free(&b);
	}
}

static bool ident(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '$';
}

/* Does the decoded code navigate: location=, location.href=,
 * location.replace(, location.assign(, location[...] ? */
static bool code_navigates(const char *c, size_t n)
{
	for (const char *p = c; (p = memmem(p, (size_t)(c + n - p), "location", 8)); p += 8) {
		if (p > c && ident(p[-1]))
			continue;
		const char *q = p + 8;
		const char *e = c + n;
		while (q < e && *q == ' ')
			q++;
		if (q < e && *q == '[')
			return true;
		if (q < e && *q == '=' && (q + 1 >= e || q[1] != '='))
			return true;
		if (q < e && *q == '.') {
			q++;
			if ((size_t)(e - q) >= 8 &&
			    (strncmp(q, "replace(", 8) == 0 || strncmp(q, "assign(", 7) == 0))
				return true;
			if ((size_t)(e - q) >= 4 && strncmp(q, "href", 4) == 0) {
				q += 4;
				while (q < e && *q == ' ')
					q++;
				if (q < e && *q == '=' && (q + 1 >= e || q[1] != '='))
					return true;
			}
		}
	}
	return false;
}

void cg_js_scan(cg_slice js, cg_js_result *r)
{
	memset(r, 0, sizeof *r);
	scan S = {.r = r};
	if (js.len > CG_MAX_WEB_INLINE_JS)
		js.len = CG_MAX_WEB_INLINE_JS;
	S.has_reverse = memmem(js.ptr, js.len, "reverse(", 8) != NULL;
	cg_buf code, lit, joined;
	cg_buf_init(&code, js.len + 16);
	cg_buf_init(&lit, js.len + 16);
	cg_buf_init(&joined, js.len + 16);
	bool joined_esc = false;
	size_t last_end = 0;
	const char *s = js.ptr;
	size_t n = js.len;
	for (size_t i = 0; i < n;) {
		char q = s[i];
		if (q == '/' && i + 1 < n && s[i + 1] == '/') { /* line comment */
			while (i < n && s[i] != '\n')
				i++;
			continue;
		}
		if (q == '/' && i + 1 < n && s[i + 1] == '*') {
			const char *e = memmem(s + i + 2, n - i - 2, "*/", 2);
			i = e ? (size_t)(e - s) + 2 : n;
			continue;
		}
		if (q != '"' && q != '\'' && q != '`') {
			if (q == '\\') {
				bool e = false;
				i += unescape(s, n, i, &code, &e);
			} else {
				cg_buf_putc(&code, q);
				i++;
			}
			continue;
		}
		/* a literal: decode it */
		cg_buf_reset(&lit);
		bool esc = false;
		size_t j = i + 1;
		while (j < n && s[j] != q && s[j] != '\n') {
			if (s[j] == '\\')
				j += unescape(s, n, j, &lit, &esc);
			else
				cg_buf_putc(&lit, s[j++]);
		}
		/* glued to the previous literal by '+'? */
		bool glued = false;
		if (joined.len) {
			size_t k = last_end;
			bool plus = false;
			while (k < i && (s[k] == ' ' || s[k] == '+' || s[k] == '\n')) {
				plus |= s[k] == '+';
				k++;
			}
			glued = plus && k == i;
		}
		if (!glued && joined.len) {
			find_urls(&S, joined.ptr, joined.len, joined_esc ? "escapes" : "literal");
			cg_buf_reset(&joined);
			joined_esc = false;
		}
		if (glued && lit.len) {
			/* report concatenations as such */
			joined_esc = true;
		}
		cg_buf_append(&joined, lit.ptr ? lit.ptr : "", lit.len);
		joined_esc |= esc;
		const char *lp = lit.ptr ? lit.ptr : "";
		if (lit.len >= 8 && memmem(lp, lit.len, "location", 8))
			r->navigates = true;
		try_base64(&S, lp, lit.len);
		if (S.has_reverse)
			try_reverse(&S, lp, lit.len);
		cg_buf_putc(&code, '"');
		cg_buf_putc(&code, '"');
		i = j < n ? j + 1 : n;
		last_end = i;
	}
	if (joined.len)
		find_urls(&S, joined.ptr, joined.len, joined_esc ? "escapes" : "literal");
	if (code.len) {
		if (code_navigates(code.ptr, code.len))
			r->navigates = true;
		from_char_code(&S, code.ptr, code.len);
	}
	cg_buf_free(&code);
	cg_buf_free(&lit);
	cg_buf_free(&joined);
}

void cg_js_result_free(cg_js_result *r)
{
	for (int i = 0; i < r->nurls; i++)
		free(r->urls[i].url);
	r->nurls = 0;
}
