/*
 * log.h - diagnostics on standard error.
 *
 * Two forms: a human line ("canhgac: warning: ...") for people at a
 * terminal, or one JSON object per line ({"time","level","msg"}) when the
 * command runs with --json, so machines reading stdout and stderr both get
 * something they can parse. The level set with -q/-v filters what is shown.
 * Not thread-safe to configure; safe to call from threads (one write per
 * line).
 */
#ifndef CG_LOG_H
#define CG_LOG_H

#include <stdbool.h>

typedef enum cg_log_level {
	CG_LOG_ERROR = 0,
	CG_LOG_WARN = 1,
	CG_LOG_INFO = 2,
	CG_LOG_DEBUG = 3,
} cg_log_level;

void cg_log_setup(cg_log_level threshold, bool json);
/* Changes the level only; safe while other threads log (SIGHUP reload). */
void cg_log_set_threshold(cg_log_level threshold);
cg_log_level cg_log_threshold(void);
void cg_log(cg_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define cg_error(...) cg_log(CG_LOG_ERROR, __VA_ARGS__)
#define cg_warn(...) cg_log(CG_LOG_WARN, __VA_ARGS__)
#define cg_info(...) cg_log(CG_LOG_INFO, __VA_ARGS__)
#define cg_debug(...) cg_log(CG_LOG_DEBUG, __VA_ARGS__)

#endif
