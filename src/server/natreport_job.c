/*
 * natreport_job.c - the national-report job (natreport_job.h): make the
 * document, sign it, POST it, record what came back.
 *
 * The delivery is recorded whatever happens once the document exists (an
 * answer, a refusal, no connection), so the Chia sẻ page and
 * GET /api/v1/national/deliveries show every attempt; a month counts as
 * delivered only after a 2xx.
 */
#include "natreport_job.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/hex.h"
#include "core/limits.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "report_job.h"
#include "share/natreport.h"
#include "store/store_natreport.h"

/* The province's calendar: Vietnam, UTC+7 (as report_job.c). */
#define NATREPORT_TZ_OFFSET_MIN 420

typedef struct nat_job {
	cg_store *st;
	const cg_serve_opts *o;
} nat_job;

static nat_job g_nat;

void cg_natreport_due_period(int64_t now_ms, char out[8])
{
	time_t t = (time_t)(now_ms / 1000 + NATREPORT_TZ_OFFSET_MIN * 60);
	struct tm tm;
	gmtime_r(&t, &tm);
	int y = tm.tm_year + 1900, m = tm.tm_mon + 1;
	if (--m == 0) {
		m = 12;
		y--;
	}
	snprintf(out, 8, "%04u-%02u", (unsigned)y % 10000u, (unsigned)m % 100u);
}

/* Whether the centre accepted period already. */
static cg_err accepted(cg_store *st, const char *period, bool *yes)
{
	json_t *items = NULL;
	*yes = false;
	cg_err err = cg_store_natdeliv_list(st, period, 1000, &items);
	size_t i;
	json_t *d;
	json_array_foreach(items, i, d) if (json_is_true(json_object_get(d, "ok"))) *yes = true;
	json_decref(items);
	return err;
}

/* Sends period's document: records the delivery; an error when it was
 * not accepted. */
static cg_err deliver(nat_job *j, const char *period, cg_signer *signer, cg_buf *why)
{
	const cg_natsend_conf *c = &j->o->national;
	cg_buf doc, sig, answer, err_text;
	cg_buf_init(&doc, CG_NATREPORT_MAX_DOC);
	cg_buf_init(&sig, 1u << 20);
	cg_buf_init(&answer, CG_NATDELIV_ANSWER_MAX);
	cg_buf_init(&err_text, 4096);
	int64_t now = cg_time_now_ms();
	cg_natreport_meta meta = {c->province, now};
	cg_err err = cg_natreport_make(j->st, period, c->map, &meta, c->fmt, &doc, why);
	if (!err)
		err = cg_signer_cms(signer, cg_buf_slice(&doc), true, &sig, why);
	if (err) {
		cg_buf_free(&doc);
		cg_buf_free(&sig);
		cg_buf_free(&answer);
		cg_buf_free(&err_text);
		return err; /* nothing left canhgac: the job's error says why */
	}
	unsigned char h[32];
	char hex[65];
	crypto_hash_sha256(h, (const unsigned char *)doc.ptr, doc.len);
	cg_hex_encode(h, sizeof h, hex);
	long status = 0;
	err = cg_natsend_post(c, period, cg_buf_slice(&doc), cg_buf_slice(&sig), &status, &answer,
	                      &err_text);
	bool ok = !err && status >= 200 && status < 300;
	if (!err && !ok)
		cg_buf_printf(&err_text, "the centre answered HTTP %ld", status);
	cg_natdeliv d = {.period = period,
	                 .format = c->fmt == CG_NATREPORT_XML ? "xml" : "json",
	                 .url = c->url,
	                 .at_ms = now,
	                 .ok = ok,
	                 .http_status = status,
	                 .answer = answer.len ? cg_buf_cstr(&answer) : NULL,
	                 .error = ok ? NULL : cg_buf_cstr(&err_text),
	                 .sha256 = hex,
	                 .bytes = (int64_t)doc.len};
	cg_err rerr = cg_store_natdeliv_add(j->st, &d);
	cg_buf_reset(why);
	if (rerr)
		cg_buf_printf(why, "national-report: the delivery of %s could not be recorded: %s",
		              period, cg_store_errmsg());
	else if (!ok)
		cg_buf_printf(why, "national-report: %s not delivered: %s", period,
		              cg_buf_cstr(&err_text));
	if (ok)
		cg_info("national-report: %s delivered to %s (HTTP %ld, %zu bytes)", period, c->url,
		        status, doc.len);
	cg_buf_free(&doc);
	cg_buf_free(&sig);
	cg_buf_free(&answer);
	cg_buf_free(&err_text);
	return rerr ? rerr : ok ? CG_OK : err ? err : CG_ENET;
}

static cg_err run(void *ctx, const cg_job *job, int64_t *next_run_ms, cg_buf *why)
{
	(void)job;
	(void)next_run_ms;
	nat_job *j = ctx;
	char period[8];
	cg_natreport_due_period(cg_time_now_ms(), period);
	bool done = false;
	cg_err err = accepted(j->st, period, &done);
	if (err) {
		cg_buf_printf(why, "national-report: %s", cg_store_errmsg());
		return err;
	}
	if (done)
		return CG_OK;
	cg_signer *signer = NULL;
	if ((err = cg_report_signer(&j->o->reports, &signer, why)))
		return err;
	if (!signer) {
		cg_buf_printf(why, "national-report: no signing key ([reports] sign_key)");
		return CG_EINVAL;
	}
	err = deliver(j, period, signer, why);
	cg_signer_free(signer);
	return err;
}

cg_err cg_natreport_job_add(cg_jobs *jobs, cg_store *st, const cg_serve_opts *o, cg_buf *why)
{
	if (!o->national.on)
		return CG_OK;
	g_nat = (nat_job){st, o};
	cg_err err = cg_jobs_add(jobs, CG_NATREPORT_JOB, CG_NATREPORT_JOB,
	                         o->national.interval_s * 1000, run, &g_nat);
	if (err)
		cg_buf_printf(why, "cannot register the national-report job: %s",
		              cg_store_errmsg());
	return err;
}
