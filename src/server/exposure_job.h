/*
 * exposure_job.h - the server's exposure scans (issue 15, item 9): the
 * job "exposure-scan" (jobs.h: whichever server holds its lease) scans
 * the systems of the inventory with the exposure engine
 * (src/lib/exposure) and tracks each finding from the scan that saw it
 * to the scan that no longer sees it.
 *
 * A scan is a run in the store (cg_store_xp_run_*), queued by "scan now"
 * (POST /api/v1/exposure/scans) or by the schedule, on by default (seed
 * 004 asks every system to be scanned at least every six months): a
 * system with a URL, domain or address is due CG_XP_PERIOD_DAYS after its
 * last run was queued, CG_XP_PERIOD_L3_DAYS from security level 3 up
 * (`serve --exposure-interval DAYS` / `--exposure-interval-level3 DAYS`,
 * [exposure] interval_days / interval_days_level3; interval 0 turns the
 * schedule off, "scan now" still works). The periods change at once on a
 * reload (cg_xp_job_set_periods).
 *
 * A newly opened finding of severity high or critical is queued on the
 * alert channels (web_alert.h) once, with kind "exposure.KIND"; the
 * alert-delivery job (alert_job.h) delivers them.
 *
 * Each run scans only the system's own targets inside its agency's scope
 * (exposure/scope.h; refusals are recorded in the run), at the server's
 * rate limits (CG_XP_SERVER_RATE requests a second in all,
 * CG_XP_SERVER_HOST_RATE per host), GET/HEAD only: no credentials. A
 * finding new to the system is stored as an open finding, then as an
 * event (source "exposure", the template's kind and severity, the
 * system's agency: routed like any event); a run in which every target
 * answered and that no longer sees an open finding closes it with a
 * "resolved" event and resolves the first event's triage when the team
 * had not taken it further (api/triage.h). A target that did not answer
 * is recorded in the run's errors and its run is "partial" or
 * "unreachable": nothing is closed then, a failed fetch is never clean.
 */
#ifndef CG_SERVER_EXPOSURE_JOB_H
#define CG_SERVER_EXPOSURE_JOB_H

#include <stdbool.h>

#include "jobs.h"
#include "store/store.h"

#define CG_XP_JOB "exposure-scan"

typedef struct cg_xp_job cg_xp_job;

/* Vulnerability feeds: the NVD CVE JSON 2.0 files in DATA_DIR/exposure/nvd/
 * and DATA_DIR/exposure/kev.json, read when scans run; without them the
 * shipped list of supported versions. */
/* days 0: no scheduled scans; days_l3 (>= 1) for systems of level 3+.
 * alert_config as for the portal watch (web_alert.h), may be NULL. */
cg_err cg_xp_job_add(cg_jobs *jobs, cg_store *st, const char *data_dir, int days, int days_l3,
                     const char *alert_config, cg_xp_job **out);
/* A reload: the new periods apply from the job's next run (any thread). */
void cg_xp_job_set_periods(cg_xp_job *x, int days, int days_l3);
/* After cg_jobs_free. NULL: no-op. */
void cg_xp_job_free(cg_xp_job *x);
/* The job of this server (NULL before start), for "scan now". */
cg_xp_job *cg_xp_job_current(void);
/* A run was queued: make the job due now. */
void cg_xp_job_wake(cg_xp_job *x);

#endif
