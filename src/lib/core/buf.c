/*
 * buf.c - bounded growable buffer and slice helpers (see buf.h).
 *
 * Growth doubles the capacity, clamped to max+1 (the NUL). All size
 * arithmetic is checked before it is done, so a huge n cannot wrap.
 */
#include "buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BUF_MIN_CAP 64

void cg_buf_init(cg_buf *b, size_t max)
{
	b->ptr = NULL;
	b->len = 0;
	b->cap = 0;
	b->max = max;
}

void cg_buf_free(cg_buf *b)
{
	free(b->ptr);
	b->ptr = NULL;
	b->len = 0;
	b->cap = 0;
}

void cg_buf_reset(cg_buf *b)
{
	b->len = 0;
	if (b->ptr)
		b->ptr[0] = '\0';
}

cg_err cg_buf_reserve(cg_buf *b, size_t n)
{
	if (n > b->max || b->len > b->max - n)
		return CG_ETOOBIG;
	size_t need = b->len + n + 1; /* + NUL; cannot wrap: max < SIZE_MAX */
	if (need <= b->cap)
		return CG_OK;
	size_t cap = b->cap ? b->cap : BUF_MIN_CAP;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	if (cap > b->max + 1)
		cap = b->max + 1;
	char *p = realloc(b->ptr, cap);
	if (!p)
		return CG_ENOMEM;
	b->ptr = p;
	b->cap = cap;
	return CG_OK;
}

cg_err cg_buf_append(cg_buf *b, const void *p, size_t n)
{
	cg_err err = cg_buf_reserve(b, n);
	if (err)
		return err;
	if (n)
		memcpy(b->ptr + b->len, p, n);
	b->len += n;
	b->ptr[b->len] = '\0';
	return CG_OK;
}

cg_err cg_buf_putc(cg_buf *b, char c)
{
	return cg_buf_append(b, &c, 1);
}

cg_err cg_buf_puts(cg_buf *b, const char *s)
{
	return cg_buf_append(b, s, strlen(s));
}

cg_err cg_buf_vprintf(cg_buf *b, const char *fmt, va_list ap)
{
	va_list copy;
	va_copy(copy, ap);
	int n = vsnprintf(NULL, 0, fmt, copy);
	va_end(copy);
	if (n < 0)
		return CG_EINVAL;
	cg_err err = cg_buf_reserve(b, (size_t)n);
	if (err)
		return err;
	vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return CG_OK;
}

cg_err cg_buf_printf(cg_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	cg_err err = cg_buf_vprintf(b, fmt, ap);
	va_end(ap);
	return err;
}

const char *cg_buf_cstr(const cg_buf *b)
{
	return b->ptr ? b->ptr : "";
}

char *cg_buf_detach(cg_buf *b, size_t *len)
{
	char *p = b->ptr;
	if (!p)
		p = calloc(1, 1);
	if (len)
		*len = b->len;
	b->ptr = NULL;
	b->len = 0;
	b->cap = 0;
	return p;
}

cg_slice cg_slice_cstr(const char *s)
{
	return (cg_slice){ s, s ? strlen(s) : 0 };
}

bool cg_slice_eq(cg_slice a, cg_slice b)
{
	return a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0);
}

bool cg_slice_eq_cstr(cg_slice a, const char *s)
{
	return cg_slice_eq(a, cg_slice_cstr(s));
}

bool cg_slice_starts_with(cg_slice s, cg_slice prefix)
{
	return s.len >= prefix.len &&
	       (prefix.len == 0 || memcmp(s.ptr, prefix.ptr, prefix.len) == 0);
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

cg_slice cg_slice_trim(cg_slice s)
{
	while (s.len && is_blank(s.ptr[0])) {
		s.ptr++;
		s.len--;
	}
	while (s.len && is_blank(s.ptr[s.len - 1]))
		s.len--;
	return s;
}

cg_slice cg_slice_word(cg_slice *rest)
{
	cg_slice s = *rest;
	size_t i = 0;
	while (i < s.len && (s.ptr[i] == ' ' || s.ptr[i] == '\t'))
		i++;
	size_t b = i;
	while (i < s.len && s.ptr[i] != ' ' && s.ptr[i] != '\t')
		i++;
	*rest = cg_slice_from(s.ptr + i, s.len - i);
	return cg_slice_from(s.ptr + b, i - b);
}

cg_slice cg_slice_cut(cg_slice s, char sep, cg_slice *rest)
{
	const char *p = s.len ? memchr(s.ptr, sep, s.len) : NULL;
	if (!p) {
		if (rest)
			*rest = (cg_slice){ NULL, 0 };
		return s;
	}
	size_t head = (size_t)(p - s.ptr);
	if (rest)
		*rest = (cg_slice){ p + 1, s.len - head - 1 };
	return (cg_slice){ s.ptr, head };
}

cg_err cg_parse_i64(cg_slice s, int64_t min, int64_t max, int64_t *out)
{
	size_t i = 0;
	bool neg = false;
	if (s.len && (s.ptr[0] == '-' || s.ptr[0] == '+')) {
		neg = s.ptr[0] == '-';
		i = 1;
	}
	if (i == s.len)
		return CG_EPARSE;
	uint64_t v = 0;
	const uint64_t lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (; i < s.len; i++) {
		char c = s.ptr[i];
		if (c < '0' || c > '9')
			return CG_EPARSE;
		unsigned d = (unsigned)(c - '0');
		if (v > (lim - d) / 10)
			return CG_EINVAL;
		v = v * 10 + d;
	}
	int64_t r = neg ? (v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v)
			: (int64_t)v;
	if (r < min || r > max)
		return CG_EINVAL;
	*out = r;
	return CG_OK;
}

cg_err cg_slice_copy(cg_slice s, char *dst, size_t dstsize)
{
	if (dstsize == 0 || s.len > dstsize - 1)
		return CG_ETOOBIG;
	if (s.len)
		memcpy(dst, s.ptr, s.len);
	dst[s.len] = '\0';
	return CG_OK;
}
