/*
 * compliance_job.c - the compliance reminder job; see compliance_job.h.
 * What is due and when is decided by lib/compliance; this file turns the
 * reminders into events and alerts.
 */
#include "compliance_job.h"

#include <stdio.h>
#include <string.h>

#include "compliance/compliance.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "alert_job.h"

#define DAY_MS (24LL * 3600 * 1000)
/* reminders stored per insert */
#define BATCH 64

typedef struct compliance_job {
	cg_store *st;
	cg_web_alerts *alerts; /* NULL: alerts off */
} compliance_job;

static compliance_job g_job; /* one per process, fixed at start */

static const char *str_of(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

/* The reminder as an event (cg_event_decode checks and bounds it). */
static cg_err reminder_event(const json_t *rem, int64_t now, cg_event *ev)
{
	const json_t *r = json_object_get(rem, "result");
	const char *status = str_of(r, "status");
	bool over = strcmp(status, "overdue") == 0;
	const char *due = json_is_string(json_object_get(r, "due")) ? str_of(r, "due") : "";
	char subject[600], summary[1400], when[40];
	snprintf(subject, sizeof subject, "%s: %s", str_of(r, "control"),
	         str_of(r, "subject_name"));
	snprintf(summary, sizeof summary, "%s %s — %s%s%s",
	         over ? "Quá hạn:" : "Sắp đến hạn:", str_of(r, "title"), str_of(r, "subject_name"),
	         due[0] ? ", hạn " : "", due);
	cg_time_format(now, when, sizeof when);
	json_t *obj = json_pack(
	    "{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:{s:s, s:s, s:O, s:s, s:s, s:s, s:s, s:O}}",
	    "id", str_of(rem, "id"), "time", when, "source", "compliance", "kind", status,
	    "severity", over ? "high" : "medium", "subject", subject, "summary", summary, "host",
	    "canhgac", "evidence", "control", str_of(r, "control"), "subject_type",
	    str_of(r, "subject_type"), "subject_id", json_object_get(r, "subject_id"), "due", due,
	    "legal_basis", str_of(r, "legal_basis"), "evidence", str_of(r, "evidence"), "explain",
	    str_of(r, "explain"), "notify", json_object_get(r, "notify"));
	if (!obj)
		return CG_ENOMEM;
	cg_buf why;
	cg_buf_init(&why, 512);
	cg_err err = cg_event_decode(obj, ev, false, &why);
	if (err)
		cg_warn("compliance reminder %s: %s", str_of(rem, "id"), cg_buf_cstr(&why));
	cg_buf_free(&why);
	json_decref(obj);
	return err;
}

static cg_err send_batch(compliance_job *c, json_t *rems, size_t from, size_t n, int64_t now,
                         size_t *sent)
{
	static cg_event ev[BATCH];
	static cg_event_in in[BATCH];
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		const json_t *rem = json_array_get(rems, from + i);
		const json_t *r = json_object_get(rem, "result");
		if (reminder_event(rem, now, &ev[k]))
			continue; /* named in the log; the others go on */
		bool sys = strcmp(str_of(r, "subject_type"), "system") == 0;
		in[k] = (cg_event_in){
		    .ev = &ev[k],
		    .agency_id = json_integer_value(json_object_get(r, "agency_id")),
		    .system_id = sys ? json_integer_value(json_object_get(r, "subject_id")) : 0,
		    .producer = "server:compliance"};
		k++;
	}
	size_t accepted = 0, dups = 0;
	cg_err err = k ? cg_store_events_insert(c->st, in, k, now, &accepted, &dups) : CG_OK;
	for (size_t i = 0; i < k; i++) {
		if (!err && !in[i].duplicate) {
			cg_web_alerts_new_finding(c->alerts, &ev[i], in[i].agency_id);
			(*sent)++;
		}
		cg_event_clear(&ev[i]);
	}
	return err;
}

static cg_err run(void *ctx, const cg_job *job, int64_t *next_run_ms, cg_buf *why)
{
	(void)job;
	(void)next_run_ms;
	compliance_job *c = ctx;
	int64_t now = cg_time_now_ms();
	cg_scope province = {0};
	json_t *sec = NULL;
	cg_err err = cg_compliance_report_section(c->st, &province, NULL, NULL, now, &sec, why);
	if (err) {
		if (!why->len)
			cg_buf_printf(why, "compliance: %s", cg_store_errmsg());
		return err;
	}
	json_t *rems = cg_compliance_reminders(json_object_get(sec, "results"));
	size_t total = json_array_size(rems), sent = 0;
	for (size_t i = 0; i < total && !err; i += BATCH)
		err = send_batch(c, rems, i, total - i < BATCH ? total - i : BATCH, now, &sent);
	if (err)
		cg_buf_printf(why, "compliance reminders: %s", cg_store_errmsg());
	else if (sent)
		cg_info("compliance: %zu new reminders (%zu due soon or overdue)", sent, total);
	json_decref(rems);
	json_decref(sec);
	return err;
}

cg_err cg_compliance_job_add(cg_jobs *j, cg_store *st, const cg_serve_opts *o, cg_buf *why)
{
	g_job = (compliance_job){st, NULL};
	(void)why;
	/* the server's one alert handle (alert_job.h): it delivers, we queue */
	g_job.alerts = cg_alert_queue();
	(void)o;
	return cg_jobs_add(j, CG_COMPLIANCE_JOB, "compliance", DAY_MS, run, &g_job);
}

void cg_compliance_job_close(void)
{
	g_job.alerts = NULL; /* alert_job.c's */
}
