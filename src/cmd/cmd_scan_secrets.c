/*
 * cmd_scan_secrets.c - `canhgac scan secrets [--threads N] [--json] PATH...`:
 * find documents carrying a state-secret marking (MẬT, TỐI MẬT, TUYỆT MẬT)
 * and documents that cannot be inspected, under the given paths.
 *
 * cg_sec_scan_tree walks the paths with N workers, each with its own
 * scanner; findings arrive on the worker threads and are printed under one
 * mutex, one line (or one JSON object) per finding; a summary ends the
 * output, in the language of the messages (core/msg.h). Exit
 * status: 0 nothing found, 1 findings (markings or uninspectable
 * documents), 2 when a path could not be scanned at all.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cli.h"
#include "core/json.h"
#include "core/log.h"
#include "secrets/secrets.h"

enum { OPT_THREADS = 1 };

typedef struct run {
	const cg_cli *cli;
	bool json;
	long long threads;
	pthread_mutex_t mu;
	uint64_t errors;
} run;

static int on_opt(void *ctx, int id, const char *value)
{
	run *r = ctx;
	if (id == OPT_THREADS &&
	    !cg_cli_int(r->cli, "threads", value, 1, 256, &r->threads))
		return 1;
	return 0;
}

/* A file name or text is attacker-chosen: on a terminal, control bytes
 * (escape sequences) are shown as '?', invalid UTF-8 as U+FFFD. */
static void put_safe(cg_buf *out, const char *s)
{
	size_t start = out->len;
	cg_utf8_sanitize(out, cg_slice_cstr(s));
	for (size_t i = start; i < out->len; i++)
		if ((unsigned char)out->ptr[i] < 0x20 || out->ptr[i] == 0x7F)
			out->ptr[i] = '?';
}

static void print_finding(run *r, const cg_sec_finding *f)
{
	cg_buf out;
	cg_buf_init(&out, 64 * 1024);
	if (r->json) {
		json_t *o = json_object();
		bool marked = f->kind == CG_SEC_MARKED;
		json_object_set_new(o, "type", json_string("finding"));
		json_object_set_new(o, "kind", json_string(marked ? "marking" : "uninspectable"));
		json_object_set_new(o, "path", cg_json_cstr(f->path));
		json_object_set_new(o, "format", cg_json_cstr(f->format));
		json_object_set_new(o, "level", marked ? json_string(cg_sec_level_name(f->level))
						       : json_null());
		if (marked) {
			json_object_set_new(o, "level_id", json_string(cg_sec_level_id(f->level)));
			json_object_set_new(o, "location", cg_json_cstr(f->location));
		} else {
			json_object_set_new(o, "reason", cg_json_cstr(f->evidence));
		}
		json_object_set_new(o, "evidence", cg_json_cstr(f->evidence));
		cg_json_encode(&out, o);
		json_decref(o);
	} else if (f->kind == CG_SEC_MARKED) {
		put_safe(&out, f->path);
		cg_buf_printf(&out, ": %s [%s, %s] \"", cg_sec_level_name(f->level),
			      f->format, f->location);
		put_safe(&out, f->evidence);
		cg_buf_puts(&out, "\"");
	} else {
		put_safe(&out, f->path);
		cg_buf_printf(&out, cg_tr(": UNINSPECTABLE [%s] "),
			      f->format[0] ? f->format : "?");
		put_safe(&out, f->evidence);
	}
	pthread_mutex_lock(&r->mu);
	puts(cg_buf_cstr(&out));
	pthread_mutex_unlock(&r->mu);
	cg_buf_free(&out);
}

static void on_finding(void *ctx, const cg_sec_finding *f)
{
	print_finding(ctx, f);
}

static int finish(run *r, const cg_sec_stats *st, double secs)
{
	cg_sec_stats t = *st;
	if (r->json) {
		json_t *o = json_pack("{s:s,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:f}",
				      "type", "summary",
				      "files", (json_int_t)t.files,
				      "documents", (json_int_t)t.documents,
				      "marked", (json_int_t)t.marked,
				      "uninspectable", (json_int_t)t.uninspectable,
				      "skipped", (json_int_t)t.skipped,
				      "bytes", (json_int_t)t.bytes,
				      "errors", (json_int_t)r->errors,
				      "seconds", secs);
		cg_buf out;
		cg_buf_init(&out, 4096);
		cg_json_encode(&out, o);
		puts(cg_buf_cstr(&out));
		cg_buf_free(&out);
		json_decref(o);
	} else {
		printf(cg_tr("Scanned %llu files (%llu documents) in %.2f s: %llu documents "
		             "with a secrecy marking, %llu uninspectable.\n"),
		       (unsigned long long)t.files, (unsigned long long)t.documents,
		       secs, (unsigned long long)t.marked,
		       (unsigned long long)t.uninspectable);
	}
	if (r->errors)
		return CG_EXIT_ERROR;
	return t.marked || t.uninspectable ? CG_EXIT_FOUND : CG_EXIT_OK;
}

int cmd_scan_secrets(cg_cli *cli)
{
	static const cg_opt opts[] = {
		{ "threads", 'j', true, OPT_THREADS },
		{ NULL, 0, false, 0 },
	};
	run r = { .cli = cli, .threads = 0 };
	int rc = cg_cli_parse(cli, opts, on_opt, &r);
	if (rc >= 0)
		return rc;
	if (cli->npos < 1)
		return cg_cli_usage_error(cli, "no PATH to scan");
	r.json = cli->json;
	pthread_mutex_init(&r.mu, NULL);
	int threads = (int)r.threads; /* 0: one worker per core */
	/* every root must exist: a mistyped path is an error, not "clean" */
	const char **roots = calloc((size_t)cli->npos, sizeof *roots);
	if (!roots) {
		cg_error("out of memory");
		return CG_EXIT_ERROR;
	}
	int nroots = 0;
	for (int i = 0; i < cli->npos; i++) {
		struct stat st;
		if (lstat(cli->pos[i], &st) != 0) {
			cg_error("%s: cannot scan: %s", cli->pos[i], cg_tr(strerror(errno)));
			r.errors++;
			continue;
		}
		roots[nroots++] = cli->pos[i];
	}
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	cg_sec_stats total = { 0 };
	if (nroots > 0) {
		cg_err err = cg_sec_scan_tree(roots, nroots, threads, on_finding,
					      &r, &total);
		if (err) {
			cg_error("scan failed: %s", cg_strerror(err));
			r.errors++;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double secs = (double)(t1.tv_sec - t0.tv_sec) +
		      (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	rc = finish(&r, &total, secs);
	free(roots);
	pthread_mutex_destroy(&r.mu);
	return rc;
}
