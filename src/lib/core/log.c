/*
 * log.c - see log.h. Each line is formatted into a bounded buffer and
 * written with a single write(2) so lines from threads never interleave.
 */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

#include "buf.h"
#include "json.h"
#include "msg.h"
#include "timeutil.h"

#define LOG_MAX_LINE 8192

/* atomic: a server changes it on SIGHUP while its threads log */
static _Atomic int log_threshold = CG_LOG_WARN;
static bool log_json;

static const char *const level_names[] = { "error", "warning", "info",
					    "debug" };

void cg_log_setup(cg_log_level threshold, bool json)
{
	log_threshold = threshold;
	log_json = json;
}

void cg_log_set_threshold(cg_log_level threshold)
{
	log_threshold = threshold;
}

cg_log_level cg_log_threshold(void)
{
	return (cg_log_level)log_threshold;
}

void cg_log(cg_log_level level, const char *fmt, ...)
{
	if ((int)level > log_threshold)
		return;
	cg_buf msg, line;
	cg_buf_init(&msg, LOG_MAX_LINE);
	cg_buf_init(&line, LOG_MAX_LINE * 2);
	va_list ap;
	va_start(ap, fmt);
	/* the message in the chosen language (msg.h); the key when untranslated */
	if (cg_buf_vprintf(&msg, cg_tr(fmt), ap) == CG_ETOOBIG)
		cg_buf_puts(&msg, "[message too long]");
	va_end(ap);
	if (log_json) {
		char ts[32];
		cg_time_format(cg_time_now_ms(), ts, sizeof ts);
		cg_buf_puts(&line, "{\"time\":\"");
		cg_buf_puts(&line, ts);
		cg_buf_puts(&line, "\",\"level\":\"");
		cg_buf_puts(&line, level_names[level]);
		cg_buf_puts(&line, "\",\"msg\":");
		cg_json_quote(&line, cg_buf_slice(&msg));
		cg_buf_puts(&line, "}\n");
	} else {
		cg_buf_printf(&line, "canhgac: %s%s%s\n",
			      level == CG_LOG_INFO ? "" : cg_tr(level_names[level]),
			      level == CG_LOG_INFO ? "" : ": ",
			      cg_buf_cstr(&msg));
	}
	ssize_t w = write(STDERR_FILENO, line.ptr, line.len);
	(void)w; /* nowhere left to report a failed diagnostic */
	cg_buf_free(&msg);
	cg_buf_free(&line);
}
