/*
 * report_job.c - the scheduled reports (report_job.h). What is due and how
 * a report is made and kept is report/archive.h; this file opens the blob
 * store and the signer, asks the store which reports it lacks, and logs.
 */
#include "report_job.h"

#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "core/fileio.h"
#include "core/limits.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "render_privsep.h"
#include "report/archive.h"

/* The province's calendar: Vietnam, UTC+7, no daylight saving time. */
#define REPORT_TZ_OFFSET_MIN 420

typedef struct report_job {
	cg_store *st;
	const cg_serve_opts *o;
} report_job;

static report_job g_job;

cg_blobs *cg_report_blobs(const char *data_dir)
{
	static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
	static cg_blobs *blobs;
	pthread_mutex_lock(&mu);
	if (!blobs && data_dir) {
		char dir[PATH_MAX];
		cg_buf why;
		cg_buf_init(&why, 1024);
		int n = snprintf(dir, sizeof dir, "%s/blobs", data_dir);
		if (n > 0 && (size_t)n < sizeof dir &&
		    cg_blobs_open(dir, CG_BLOB_MAX_BYTES, &blobs, &why))
			cg_error("reports: blob store %s: %s", dir, cg_buf_cstr(&why));
		cg_buf_free(&why);
	}
	cg_blobs *b = blobs;
	pthread_mutex_unlock(&mu);
	return b;
}

static int pin_from_file(void *ud, const char *token, char *pin, size_t pin_max)
{
	(void)token;
	const char *file = ud;
	if (!file)
		return -1; /* nobody to ask on a server */
	cg_buf b, why;
	cg_buf_init(&b, CG_SIGN_MAX_PIN);
	cg_buf_init(&why, 1024);
	int rc = -1;
	if (cg_read_file(file, &b, &why) == CG_OK) {
		size_t n = 0;
		while (n < b.len && b.ptr[n] != '\n' && b.ptr[n] != '\r')
			n++;
		if (n + 1 <= pin_max) {
			memcpy(pin, b.ptr, n);
			pin[n] = 0;
			rc = 0;
		}
		explicit_bzero(b.ptr, b.len);
	}
	cg_buf_free(&b);
	cg_buf_free(&why);
	return rc;
}

cg_err cg_report_signer(const cg_serve_reports *r, cg_signer **out, cg_buf *why)
{
	*out = NULL;
	if (!r->sign_key)
		return CG_OK;
	cg_signer_opts so = {r->sign_key, r->sign_cert, r->pkcs11_module, pin_from_file,
	                     (void *)r->pin_file};
	cg_err err = cg_signer_open(&so, out, why);
	if (err) {
		char keep[512];
		snprintf(keep, sizeof keep, "%s", cg_buf_cstr(why));
		cg_buf_reset(why);
		cg_buf_printf(why, "reports: the signing key %s: %s", r->sign_key, keep);
	}
	return err;
}

static cg_err run(void *ctx, const cg_job *job, int64_t *next_run_ms, cg_buf *why)
{
	(void)job;
	(void)next_run_ms;
	report_job *j = ctx;
	const cg_serve_reports *rc = &j->o->reports;
	cg_report_due due[CG_REPORT_DUE_MAX];
	size_t n = cg_report_due_at(cg_time_now_ms(), REPORT_TZ_OFFSET_MIN, due);
	cg_blobs *blobs = cg_report_blobs(j->o->data_dir);
	if (!blobs) {
		cg_buf_printf(why, "reports: no blob store under %s", j->o->data_dir);
		return CG_EIO;
	}
	cg_signer *signer = NULL;
	cg_err err = CG_OK;
	for (size_t i = 0; i < n && !err; i++) {
		const char *kind = cg_report_kind_name(due[i].kind);
		int64_t id = 0;
		err = cg_store_report_find(j->st, kind, due[i].period, 0, rc->english ? "en" : "vi",
		                           &id);
		if (err == CG_OK)
			continue; /* kept already */
		if (err != CG_ENOTFOUND) {
			cg_buf_printf(why, "reports: %s", cg_store_errmsg());
			break;
		}
		if (rc->sign_key && !signer && (err = cg_report_signer(rc, &signer, why)))
			break;
		cg_report_request req = {.kind = due[i].kind,
		                         .period = due[i].period,
		                         .formats = rc->formats,
		                         .english = rc->english,
		                         .signer = signer,
		                         .signer_name = rc->signer_name,
		                         .tmp_dir = j->o->data_dir,
		                         .render = cg_render_sandboxed_job};
		err = cg_report_keep(j->st, blobs, &req, "job", &id, why);
		if (err)
			cg_error("reports: the %s report of %s: %s", kind, due[i].period,
			         cg_buf_cstr(why));
		else
			cg_info("reports: made the %s report of %s%s (report %lld)", kind,
			        due[i].period, signer ? ", signed" : "", (long long)id);
	}
	cg_signer_free(signer);
	return err;
}

cg_err cg_report_job_add(cg_jobs *jobs, cg_store *st, const cg_serve_opts *o, cg_buf *why)
{
	if (!o->reports.on)
		return CG_OK;
	g_job = (report_job){st, o};
	cg_err err = cg_jobs_add(jobs, CG_REPORT_JOB, "reports", 3600LL * 1000, run, &g_job);
	if (err)
		cg_buf_printf(why, "cannot register the report job: %s", cg_store_errmsg());
	return err;
}
