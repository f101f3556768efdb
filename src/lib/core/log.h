/*
 * log.h - diagnostics on standard error.
 *
 * Two forms: a human line ("canhgac: warning: ...") for people at a
 * terminal, or one JSON object per line ({"time","level","msg"}) when the
 * command runs with --json (or `serve --log-format json`), so machines
 * reading stdout and stderr both get something they can parse. The level
 * set with -q/-v filters what is shown.
 *
 * A server thread handling a request names it (cg_log_set_request): each
 * line it logs meanwhile carries "request_id", so every line of one
 * request can be found from the id the client got in X-Request-Id. A line
 * may carry more fields (cg_log_fields): members of the JSON object, or
 * " key=value" after the text.
 * Not thread-safe to configure; safe to call from threads (one write per
 * line).
 *
 * A process with no standard error (the agent as a Windows service) sends
 * the lines to a file instead (cg_log_to_file): appended, one write per
 * line; a line that would take the file past max_bytes first renames it
 * to PATH.1 (dropping the older one) and starts a new one, so the log
 * never holds more than twice max_bytes.
 */
#ifndef CG_LOG_H
#define CG_LOG_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

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
/* Switches between the two forms; safe while other threads log. */
void cg_log_set_json(bool json);
/* Lines from now on go to path (created if needed) instead of standard
 * error; CG_EIO when it cannot be opened (the lines keep going where
 * they went). */
cg_err cg_log_to_file(const char *path, size_t max_bytes);
void cg_log(cg_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The request this thread works for (copied, at most 64 bytes), or NULL
 * when it is done. */
void cg_log_set_request(const char *id);

/* A field of a log line: a string (str non-NULL) or an integer. */
typedef struct cg_log_field {
	const char *key;
	const char *str;
	long long num;
} cg_log_field;
void cg_log_fields(cg_log_level level, const cg_log_field *f, size_t n, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#define cg_error(...) cg_log(CG_LOG_ERROR, __VA_ARGS__)
#define cg_warn(...) cg_log(CG_LOG_WARN, __VA_ARGS__)
#define cg_info(...) cg_log(CG_LOG_INFO, __VA_ARGS__)
#define cg_debug(...) cg_log(CG_LOG_DEBUG, __VA_ARGS__)

#endif
