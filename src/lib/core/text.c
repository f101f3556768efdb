/*
 * text.c - Unicode folding for matching (see text.h), on utf8proc.
 *
 * Invalid bytes are dropped first (utf8proc refuses invalid input), then
 * utf8proc composes (or, for CG_FOLD_ASCII, decomposes and strips marks),
 * case-folds and removes default-ignorable code points. A last pass maps
 * every space separator to ' ' and, in ASCII mode, đ to d: đ is a letter
 * of its own in Unicode, not d plus a mark, so stripping marks keeps it.
 */
#include "text.h"

#include <stdbool.h>
#include <stdlib.h>
#include <utf8proc.h>

#include "json.h"

static cg_err drop_invalid(cg_slice in, cg_buf *out)
{
	const unsigned char *p = (const unsigned char *)in.ptr;
	size_t run = 0;
	for (size_t i = 0; i < in.len;) {
		size_t n = p[i] ? cg_utf8_seq_len(p + i, in.len - i) : 0;
		if (n) {
			i += n;
			continue;
		}
		cg_err err = cg_buf_append(out, in.ptr + run, i - run);
		if (err)
			return err;
		run = ++i;
	}
	return cg_buf_append(out, in.ptr + run, in.len - run);
}

static cg_err post_pass(const utf8proc_uint8_t *s, utf8proc_ssize_t len,
			cg_fold mode, cg_buf *out)
{
	utf8proc_ssize_t i = 0;
	while (i < len) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t n = utf8proc_iterate(s + i, len - i, &cp);
		if (n <= 0)
			return CG_EINTERNAL; /* utf8proc's own output is valid */
		cg_err err;
		if (utf8proc_category(cp) == UTF8PROC_CATEGORY_ZS || cp == '\t')
			err = cg_buf_putc(out, ' ');
		else if (mode == CG_FOLD_ASCII && (cp == 0x111 || cp == 0x110))
			err = cg_buf_putc(out, 'd');
		else
			err = cg_buf_append(out, s + i, (size_t)n);
		if (err)
			return err;
		i += n;
	}
	return CG_OK;
}

cg_err cg_text_fold(cg_slice in, cg_fold mode, cg_buf *out)
{
	cg_buf clean;
	cg_buf_init(&clean, in.len);
	cg_err err = drop_invalid(in, &clean);
	if (err) {
		cg_buf_free(&clean);
		return err;
	}
	int opts = UTF8PROC_STABLE | UTF8PROC_CASEFOLD | UTF8PROC_IGNORE;
	opts |= mode == CG_FOLD_ASCII ? UTF8PROC_DECOMPOSE | UTF8PROC_STRIPMARK
				      : UTF8PROC_COMPOSE;
	utf8proc_uint8_t *mapped = NULL;
	utf8proc_ssize_t n = utf8proc_map((const utf8proc_uint8_t *)cg_buf_cstr(&clean),
					  (utf8proc_ssize_t)clean.len, &mapped,
					  (utf8proc_option_t)opts);
	cg_buf_free(&clean);
	if (n < 0)
		return n == UTF8PROC_ERROR_NOMEM ? CG_ENOMEM : CG_EINTERNAL;
	err = post_pass(mapped, n, mode, out);
	free(mapped);
	return err;
}

cg_err cg_text_search_words(cg_slice in, cg_buf *out)
{
	cg_buf f;
	cg_buf_init(&f, in.len * 2 + 16);
	cg_err err = cg_text_fold(in, CG_FOLD_ASCII, &f);
	const utf8proc_uint8_t *s = (const utf8proc_uint8_t *)f.ptr;
	utf8proc_ssize_t len = (utf8proc_ssize_t)f.len, i = 0;
	bool gap = false, any = false;
	while (!err && i < len) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t n = utf8proc_iterate(s + i, len - i, &cp);
		if (n <= 0) {
			err = CG_EINTERNAL;
			break;
		}
		utf8proc_category_t c = utf8proc_category(cp);
		bool word = (c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_LO) ||
			    (c >= UTF8PROC_CATEGORY_ND && c <= UTF8PROC_CATEGORY_NO);
		if (!word)
			gap = true;
		else {
			if (gap && any)
				err = cg_buf_putc(out, ' ');
			if (!err)
				err = cg_buf_append(out, s + i, (size_t)n);
			gap = false;
			any = true;
		}
		i += n;
	}
	cg_buf_free(&f);
	return err;
}
