/*
 * web_watch.h - the server watches every portal in the inventory.
 *
 * The job "portal-watch" (server/jobs.h: whichever server holds its
 * lease, every `interval_s`) runs the web engine (src/lib/web) over the
 * URLs of every system in the inventory, each as often as its system's
 * monitor_interval_s says, then queues the alerts: a URL without a
 * baseline gets one first (so a system is baselined when it is added),
 * then all are checked. Findings become events in the store, mapped to
 * the system and its agency, and an alert is a *state*: a finding (URL +
 * kind) that persists across checks is stored once when it opens, and
 * once more, with evidence.state "resolved", when a later check no longer
 * sees it. Open findings are rows of the store (cg_store_web_findings),
 * recorded before the alert is queued and read again at each run, so
 * neither a restart nor another server taking the job over repeats or
 * forgets them (an older DATA/web/watch.json is imported once). Per URL the watcher keeps
 * the last check, its outcome and the browser fetch's response time
 * history, for GET /api/v1/web/status.
 *
 * Thread safety: the status and the re-baseline queue are guarded by one
 * mutex; the handlers call the functions below from server threads.
 */
#ifndef CG_SERVER_WEB_WATCH_H
#define CG_SERVER_WEB_WATCH_H

#include <jansson.h>
#include <stdint.h>

#include "store/store.h"

typedef struct cg_web_watch cg_web_watch;
struct cg_jobs;

/* The scheduler's name of the portal watch. */
#define CG_WEB_WATCH_JOB "portal-watch"

/* interval_s 0: no watching (nothing registered, *out NULL). Registers
 * the portal-watch job with jobs (before cg_jobs_start). alert_config:
 * see web_alert.h (NULL: DATA/alerts.ini when present). */
cg_err cg_web_watch_start(cg_store *st, struct cg_jobs *jobs, const char *data_dir, int interval_s,
                          cg_web_watch **out);
/* After cg_jobs_free (no run in progress). */
void cg_web_watch_stop(cg_web_watch *w);

/* SIGHUP (serve_config.h): a new wake-up period (> 0; 0 is ignored, the
 * watcher is stopped only by a restart), its next cycle at once. The
 * alert channels are alert_job.h's. */
void cg_web_watch_reconfigure(cg_web_watch *w, int interval_s);
/* The running watcher, for the handlers (NULL when not watching). */
cg_web_watch *cg_web_watch_current(void);
/* {"interval_s","cycles","last_cycle","portals":[...]} limited to one
 * agency when agency_id > 0. New reference. */
json_t *cg_web_watch_status(cg_web_watch *w, int64_t agency_id);
/* Queues a check of url at once. */
void cg_web_watch_check_now(cg_web_watch *w, const char *url);
/* Queues a new baseline of url and wakes the watcher. */
void cg_web_watch_rebaseline(cg_web_watch *w, const char *url);

#endif
