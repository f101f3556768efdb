/*
 * alert_job.c - see alert_job.h.
 *
 * The handle lives as long as the server: a reload swaps its channels in
 * place (cg_web_alerts_reload) rather than the handle, so producers on
 * other threads never hold a freed one.
 */
#include "alert_job.h"

#include <stdatomic.h>

#include "core/limits.h"
#include "core/log.h"
#include "core/timeutil.h"

static struct {
	_Atomic(cg_web_alerts *) alerts;
	cg_jobs *jobs;
} g;

static void wake(void *ctx)
{
	cg_jobs_run_soon(ctx, CG_ALERT_JOB);
}

static cg_err run(void *ctx, const cg_job *job, int64_t *next_run_ms, cg_buf *why)
{
	(void)ctx;
	(void)job;
	(void)why;
	cg_web_alerts *a = atomic_load(&g.alerts);
	cg_web_alerts_deliver(a);
	/* back when the first retry is due (of every row, also those an
	 * earlier run or another server rescheduled), at the latest after a
	 * period (rows another server queued without waking us) */
	int64_t first = cg_web_alerts_next_try(a, *next_run_ms);
	if (first > 0 && first < *next_run_ms)
		*next_run_ms = first;
	return CG_OK;
}

cg_err cg_alert_job_add(cg_jobs *j, cg_store *st, const char *data_dir,
                        const char *alert_config, cg_buf *why)
{
	cg_web_alerts *a = NULL;
	cg_err err = cg_web_alerts_open(st, data_dir, alert_config, &a, why);
	if (err)
		return err;
	cg_web_alerts_on_queue(a, wake, j);
	err = cg_jobs_add(j, CG_ALERT_JOB, "alerts", CG_ALERT_JOB_MS, run, NULL);
	if (err) {
		cg_web_alerts_close(a);
		return err;
	}
	g.jobs = j;
	atomic_store(&g.alerts, a);
	return CG_OK;
}

cg_web_alerts *cg_alert_queue(void)
{
	return atomic_load(&g.alerts);
}

void cg_alert_job_reconfigure(const char *alert_config)
{
	cg_web_alerts *a = atomic_load(&g.alerts);
	if (!a)
		return;
	cg_buf why;
	cg_buf_init(&why, 1024);
	if (cg_web_alerts_reload(a, alert_config, &why))
		cg_error("reload: alert channels unchanged: %s", cg_buf_cstr(&why));
	else
		cg_info("reload: alert channels from %s",
		        alert_config ? alert_config : "DATA_DIR/alerts.ini");
	cg_buf_free(&why);
	/* the reload is logged here; retries keep their backoff */
}

void cg_alert_job_close(void)
{
	cg_web_alerts_close(atomic_exchange(&g.alerts, NULL));
	g.jobs = NULL;
}
