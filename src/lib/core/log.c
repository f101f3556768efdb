/*
 * log.c - see log.h. Each line is formatted into a bounded buffer and
 * written with a single write(2) so lines from threads never interleave.
 * The file sink (cg_log_to_file) takes a mutex around its size check,
 * rotation and write: a rename must not race another thread's line.
 */
#include "log.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "json.h"
#include "msg.h"
#include "timeutil.h"

#define LOG_MAX_LINE 8192

/* atomic: a server changes it on SIGHUP while its threads log */
static _Atomic int log_threshold = CG_LOG_WARN;
static _Atomic bool log_json;
/* the request the calling thread works for ("" none) */
static _Thread_local char log_request[65];

/* the file sink: path, its descriptor (-1: standard error), its size */
static struct {
	pthread_mutex_t mu;
	char path[4096];
	int fd;
	size_t size, max;
} log_file = { .mu = PTHREAD_MUTEX_INITIALIZER, .fd = -1 };

static int open_log(const char *path, size_t *size)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	struct stat st;
	*size = fd >= 0 && fstat(fd, &st) == 0 ? (size_t)st.st_size : 0;
	return fd;
}

cg_err cg_log_to_file(const char *path, size_t max_bytes)
{
	size_t size;
	if (strlen(path) >= sizeof log_file.path)
		return CG_EINVAL;
	int fd = open_log(path, &size);
	if (fd < 0)
		return CG_EIO; /* the sink in use, if any, stays */
	pthread_mutex_lock(&log_file.mu);
	if (log_file.fd >= 0)
		close(log_file.fd);
	snprintf(log_file.path, sizeof log_file.path, "%s", path);
	log_file.fd = fd;
	log_file.size = size;
	log_file.max = max_bytes;
	pthread_mutex_unlock(&log_file.mu);
	return CG_OK;
}

/* Keeps the file under its bound: PATH -> PATH.1, a new PATH. A failed
 * rotation keeps writing where it can (a full log beats a silent one). */
static void rotate_log(size_t need)
{
	if (log_file.size + need <= log_file.max)
		return;
	char old[sizeof log_file.path + 2];
	snprintf(old, sizeof old, "%s.1", log_file.path);
	close(log_file.fd);
	remove(old); /* Windows' rename does not replace */
	rename(log_file.path, old);
	log_file.fd = open_log(log_file.path, &log_file.size);
}

static void write_line(const char *p, size_t len)
{
	if (log_file.max == 0) {
		ssize_t w = write(STDERR_FILENO, p, len);
		(void)w; /* nowhere left to report a failed diagnostic */
		return;
	}
	pthread_mutex_lock(&log_file.mu);
	rotate_log(len);
	if (log_file.fd >= 0 && write(log_file.fd, p, len) == (ssize_t)len)
		log_file.size += len;
	pthread_mutex_unlock(&log_file.mu);
}

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

void cg_log_set_json(bool json)
{
	log_json = json;
}

void cg_log_set_request(const char *id)
{
	snprintf(log_request, sizeof log_request, "%s", id ? id : "");
}

static void vlog(cg_log_level level, const cg_log_field *f, size_t n, const char *fmt,
		 va_list ap)
{
	cg_buf msg, line;
	cg_buf_init(&msg, LOG_MAX_LINE);
	cg_buf_init(&line, LOG_MAX_LINE * 2);
	/* the message in the chosen language (msg.h); the key when untranslated */
	if (cg_buf_vprintf(&msg, cg_tr(fmt), ap) == CG_ETOOBIG)
		cg_buf_puts(&msg, "[message too long]");
	bool has_rid = false;
	for (size_t i = 0; i < n; i++)
		has_rid |= strcmp(f[i].key, "request_id") == 0;
	if (log_json) {
		char ts[32];
		cg_time_format(cg_time_now_ms(), ts, sizeof ts);
		cg_buf_puts(&line, "{\"time\":\"");
		cg_buf_puts(&line, ts);
		cg_buf_puts(&line, "\",\"level\":\"");
		cg_buf_puts(&line, level_names[level]);
		cg_buf_puts(&line, "\",\"msg\":");
		cg_json_quote(&line, cg_buf_slice(&msg));
		if (log_request[0] && !has_rid) {
			cg_buf_puts(&line, ",\"request_id\":");
			cg_json_quote(&line, cg_slice_cstr(log_request));
		}
		for (size_t i = 0; i < n; i++) {
			cg_buf_putc(&line, ',');
			cg_json_quote(&line, cg_slice_cstr(f[i].key));
			cg_buf_putc(&line, ':');
			if (f[i].str)
				cg_json_quote(&line, cg_slice_cstr(f[i].str));
			else
				cg_buf_printf(&line, "%lld", f[i].num);
		}
		cg_buf_puts(&line, "}\n");
	} else {
		cg_buf_printf(&line, "canhgac: %s%s%s",
			      level == CG_LOG_INFO ? "" : cg_tr(level_names[level]),
			      level == CG_LOG_INFO ? "" : ": ",
			      cg_buf_cstr(&msg));
		for (size_t i = 0; i < n; i++) {
			if (f[i].str)
				cg_buf_printf(&line, " %s=%s", f[i].key, f[i].str);
			else
				cg_buf_printf(&line, " %s=%lld", f[i].key, f[i].num);
		}
		cg_buf_putc(&line, '\n');
	}
	write_line(line.ptr, line.len);
	cg_buf_free(&msg);
	cg_buf_free(&line);
}

void cg_log(cg_log_level level, const char *fmt, ...)
{
	if ((int)level > log_threshold)
		return;
	va_list ap;
	va_start(ap, fmt);
	vlog(level, NULL, 0, fmt, ap);
	va_end(ap);
}

void cg_log_fields(cg_log_level level, const cg_log_field *f, size_t n, const char *fmt, ...)
{
	if ((int)level > log_threshold)
		return;
	va_list ap;
	va_start(ap, fmt);
	vlog(level, f, n, fmt, ap);
	va_end(ap);
}
