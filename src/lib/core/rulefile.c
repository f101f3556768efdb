/*
 * rulefile.c - the rule files' "FILE:LINE: reason" error (rulefile.h).
 */
#include "core/rulefile.h"

#include <stdarg.h>

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
