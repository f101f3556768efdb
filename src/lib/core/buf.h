/*
 * buf.h - a growable byte buffer that refuses to grow past a maximum, and
 * the {ptr,len} slice every parser works on.
 *
 * The maximum is fixed when the buffer is created, from a named limit in
 * limits.h: input can never make canhgac hold more than that. An append
 * that would pass it fails with CG_ETOOBIG and leaves the buffer as it was.
 * The contents are always followed by a NUL byte that is not counted in
 * len, so b->ptr can be handed to C APIs; parsers must still use len.
 *
 * Ownership: the buffer owns ptr. cg_buf_free releases it and resets the
 * buffer to empty (it may be reused). cg_buf_detach hands ptr to the caller.
 */
#ifndef CG_BUF_H
#define CG_BUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

typedef struct cg_buf {
	char *ptr;  /* NULL until the first append; NUL-terminated after */
	size_t len; /* bytes used */
	size_t cap; /* bytes allocated */
	size_t max; /* len may never exceed this */
} cg_buf;

typedef struct cg_slice {
	const char *ptr;
	size_t len;
} cg_slice;

#define CG_SLICE(lit) ((cg_slice){ (lit), sizeof(lit) - 1 })

void cg_buf_init(cg_buf *b, size_t max);
void cg_buf_free(cg_buf *b);
/* Empty the buffer but keep its memory. */
void cg_buf_reset(cg_buf *b);
cg_err cg_buf_append(cg_buf *b, const void *p, size_t n);
cg_err cg_buf_putc(cg_buf *b, char c);
cg_err cg_buf_puts(cg_buf *b, const char *s);
cg_err cg_buf_printf(cg_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
cg_err cg_buf_vprintf(cg_buf *b, const char *fmt, va_list ap);
/* Make room for n more bytes without changing len. */
cg_err cg_buf_reserve(cg_buf *b, size_t n);
/* Always a valid NUL-terminated string ("" for an empty buffer). */
const char *cg_buf_cstr(const cg_buf *b);
/* Give the memory to the caller (free() it); the buffer becomes empty. */
char *cg_buf_detach(cg_buf *b, size_t *len);
static inline cg_slice cg_buf_slice(const cg_buf *b)
{
	return (cg_slice){ b->ptr ? b->ptr : "", b->len };
}

/* ---- slices ----------------------------------------------------------- */

static inline cg_slice cg_slice_from(const char *s, size_t n)
{
	return (cg_slice){ s, n };
}
cg_slice cg_slice_cstr(const char *s);
bool cg_slice_eq(cg_slice a, cg_slice b);
bool cg_slice_eq_cstr(cg_slice a, const char *s);
bool cg_slice_starts_with(cg_slice s, cg_slice prefix);
/* ASCII space and tab (and CR) trimmed from both ends. */
cg_slice cg_slice_trim(cg_slice s);
/* The next word of *rest separated by spaces or tabs (an empty slice at
 * the end); *rest moves past it. The rule files' line parsers share it. */
cg_slice cg_slice_word(cg_slice *rest);
/* Splits off the text before the first `sep`; *rest gets the text after it
 * (empty slice with ptr NULL when sep is absent). */
cg_slice cg_slice_cut(cg_slice s, char sep, cg_slice *rest);
/* Strict decimal parse of the whole slice into [min,max]: no sign
 * surprises, no trailing junk, no overflow. Replaces atoi/strtol. */
cg_err cg_parse_i64(cg_slice s, int64_t min, int64_t max, int64_t *out);
/* Copies into a NUL-terminated string of at most dstsize-1 bytes; returns
 * CG_ETOOBIG (and copies nothing) when it would not fit. */
cg_err cg_slice_copy(cg_slice s, char *dst, size_t dstsize);

#endif
