/* TEMPORARY local shim (not committed): replaced by main's text.c. */
#include "text.h"
#include <stdlib.h>
#include <utf8proc.h>
cg_err cg_text_fold(cg_slice in, cg_fold mode, cg_buf *out)
{
	size_t i = 0;
	while (i < in.len) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t n = utf8proc_iterate((const utf8proc_uint8_t *)in.ptr + i, (utf8proc_ssize_t)(in.len - i), &cp);
		if (n <= 0) { i++; continue; }
		i += (size_t)n;
		if (cp == 0x200B || cp == 0x200C || cp == 0x200D || cp == 0xFEFF || cp == 0xAD) continue;
		utf8proc_int32_t buf[8]; int last = 0;
		utf8proc_ssize_t m = utf8proc_decompose_char(cp, buf, 8, UTF8PROC_CASEFOLD | (mode == CG_FOLD_ASCII ? UTF8PROC_DECOMPOSE | UTF8PROC_STRIPMARK : UTF8PROC_COMPOSE), &last);
		for (utf8proc_ssize_t k = 0; k < m && k < 8; k++) {
			utf8proc_int32_t c = buf[k];
			if (mode == CG_FOLD_ASCII && (c == 0x111 || c == 0x110)) c = 'd';
			if (utf8proc_category(c) == UTF8PROC_CATEGORY_ZS) c = ' ';
			utf8proc_uint8_t enc[4];
			utf8proc_ssize_t el = utf8proc_encode_char(c, enc);
			cg_err e = cg_buf_append(out, enc, (size_t)el);
			if (e) return e;
		}
	}
	return CG_OK;
}
