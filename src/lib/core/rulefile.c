/*
 * rulefile.c - the rule files' "FILE:LINE: reason" error (rulefile.h).
 */
#include "core/rulefile.h"

#include <stdarg.h>

#include "core/json.h"

cg_err cg_rule_error(cg_buf *why, cg_err err, const char *file, size_t line, const char *fmt, ...)
{
	if (why) {
		cg_buf_reset(why);
		cg_buf_printf(why, "%s:%zu: ", file, line);
		va_list ap;
		va_start(ap, fmt);
		cg_buf_vprintf(why, fmt, ap);
		va_end(ap);
	}
	return err;
}

cg_err cg_rule_text(cg_buf *why, const char *file, size_t line, cg_slice s, char *dst, size_t size)
{
	s = cg_slice_trim(s);
	if (s.len == 0)
		return cg_rule_error(why, CG_EPARSE, file, line, "text expected");
	if (!cg_utf8_valid(s))
		return cg_rule_error(why, CG_EPARSE, file, line, "text is not valid UTF-8");
	for (size_t i = 0; i < s.len; i++)
		if ((unsigned char)s.ptr[i] < 0x20 && s.ptr[i] != '\t')
			return cg_rule_error(why, CG_EPARSE, file, line,
			                     "control character in text");
	if (cg_slice_copy(s, dst, size))
		return cg_rule_error(why, CG_EPARSE, file, line, "text longer than %zu bytes",
		                     size - 1);
	return CG_OK;
}
