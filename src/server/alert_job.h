/*
 * alert_job.h - the one job that delivers the alert queue.
 *
 * Producers (the portal watch, the exposure scans, the incident deadlines,
 * the compliance reminders) only queue rows into the store's alert queue
 * through the server's one alert handle (cg_alert_queue). This job,
 * "alert-delivery" in the scheduler (jobs.h), delivers every due row of
 * the queue whoever queued it and on whichever server: new rows at once
 * (queueing wakes it: cg_jobs_run_soon), retries when their backoff is
 * over (it comes back every CG_ALERT_JOB_MS while rows wait). So delivery
 * depends on no producer running here: with portal watching off
 * (--web-interval 0) the reminders still go out.
 *
 * The channels (web_alert.h) are read at start and again on SIGHUP
 * (cg_alert_job_reconfigure): every producer queues through the same
 * handle, so one reload reaches them all.
 *
 * Thread safety: add/close from the main thread around the job runner's
 * life; cg_alert_queue and cg_alert_job_reconfigure from any thread.
 */
#ifndef CG_SERVER_ALERT_JOB_H
#define CG_SERVER_ALERT_JOB_H

#include "jobs.h"
#include "web_alert.h"

#define CG_ALERT_JOB "alert-delivery"

/* Opens the channels (alert_config NULL: DATA/alerts.ini when present)
 * and registers the job. A bad file: *why names it. */
cg_err cg_alert_job_add(cg_jobs *j, cg_store *st, const char *data_dir,
                        const char *alert_config, cg_buf *why);
/* The handle producers queue through (NULL before add / after close). */
cg_web_alerts *cg_alert_queue(void);
/* SIGHUP: the channels of alert_config from now on (a file that does not
 * load keeps the old ones, logged). */
void cg_alert_job_reconfigure(const char *alert_config);
/* After the job runner has stopped. */
void cg_alert_job_close(void);

#endif
