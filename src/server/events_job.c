/*
 * events_job.c - the events-maintenance job; see events_job.h.
 */
#include "events_job.h"

#include <jansson.h>

#include "core/limits.h"
#include "core/log.h"
#include "core/timeutil.h"

typedef struct events_job {
	cg_store *st;
	int months;
} events_job;

/* One per process: the job's settings, fixed at start. */
static events_job g_job;

static cg_err run(void *ctx, const cg_job *job, int64_t *next_run_ms, cg_buf *why)
{
	(void)job;
	(void)next_run_ms;
	events_job *e = ctx;
	int64_t now = cg_time_now_ms();
	int64_t ahead = now + (int64_t)CG_EVENT_MONTHS_AHEAD * 31 * 86400000;
	int64_t before = e->months > 0 ? cg_store_retention_cutoff(now, e->months) : 0;
	int64_t removed = 0;
	cg_err err = cg_store_events_maintain(e->st, ahead, before, &removed);
	if (err) {
		cg_buf_printf(why, "events maintenance: %s", cg_store_errmsg());
		return err;
	}
	if (removed > 0) {
		char when[40];
		cg_time_format(before, when, sizeof when);
		cg_info("retention: %lld events received before %s removed", (long long)removed,
		        when);
		cg_actor actor = {"server:retention"};
		json_t *d = json_pack("{s:I,s:s,s:i}", "removed", (json_int_t)removed, "before",
		                      when, "retention_months", e->months);
		cg_store_audit(e->st, &actor, "delete", "events", 0, d);
		json_decref(d);
	}
	return CG_OK;
}

cg_err cg_events_job_add(cg_jobs *j, cg_store *st, int retention_months)
{
	g_job = (events_job){st, retention_months};
	cg_err err =
	    cg_jobs_add(j, "events-maintenance", "events", CG_EVENTS_JOB_PERIOD_MS, run, &g_job);
	/* due at every start: a retention just set (or shortened) applies
	 * now, not at the next period */
	if (!err)
		err = cg_store_job_due(st, "events-maintenance", cg_time_now_ms());
	return err;
}
