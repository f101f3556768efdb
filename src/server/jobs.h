/*
 * jobs.h - the job runner of `canhgac serve`: runs the scheduler's jobs
 * (store.h cg_job) whose kind this server registered.
 *
 * Background work (the portal watch and its alert delivery today; reports
 * and reminders later) is a named job in the store, not a thread of its
 * own with a timer: any server sharing the database may run it, and only
 * the one holding the job's lease does. One runner thread per server
 * claims the most overdue job, runs it, and records the outcome; a second
 * thread renews the lease while the job runs (every third of the lease),
 * so a long run keeps its lease and a server that dies (kill -9, power)
 * stops renewing: its lease expires after CG_JOB_LEASE_MS and another
 * server takes the job over. A failed run is retried with the store's
 * exponential backoff (cg_job_backoff_ms).
 *
 * A job runs once per due time as long as its holder lives: a holder that
 * dies in the middle of a run leaves the run to be done again by the next
 * holder, so a job makes its side effects idempotent or records them
 * before it makes them (the portal watch records an open finding before
 * it queues its alerts).
 *
 * Thread safety: cg_jobs_add before cg_jobs_start; cg_jobs_run_soon from any
 * thread.
 */
#ifndef CG_SERVER_JOBS_H
#define CG_SERVER_JOBS_H

#include "core/buf.h"
#include "store/store.h"

typedef struct cg_jobs cg_jobs;

/* Runs one claimed job. CG_OK: done, next run at *next_run_ms (set to the
 * claim time + the job's period by default). An error: *why says what
 * failed (kept in the job's last_error), retried with backoff. */
typedef cg_err (*cg_job_fn)(void *ctx, const cg_job *job, int64_t *next_run_ms, cg_buf *why);

/* holder names this server in leases (NULL: "HOST:PID"); lease_ms 0 =
 * CG_JOB_LEASE_MS. */
cg_err cg_jobs_new(cg_store *st, const char *holder, int64_t lease_ms, cg_jobs **out);
/* Registers the kind and makes the job `name` of that kind if the store
 * has none (first run at once); period_ms is the default next run. */
cg_err cg_jobs_add(cg_jobs *j, const char *name, const char *kind, int64_t period_ms, cg_job_fn fn,
                   void *ctx);
cg_err cg_jobs_start(cg_jobs *j);
/* Makes the job due now (a user asked for a check) and wakes the runner.
 * A trigger while the job runs (here or on another server) is kept: the
 * run ends with the job due at once, not at its own next time
 * (cg_store_job_due). */
void cg_jobs_run_soon(cg_jobs *j, const char *name);
/* Stops and joins the threads (a run in progress finishes first). NULL: no-op. */
void cg_jobs_free(cg_jobs *j);
/* This server's holder name. */
const char *cg_jobs_holder(const cg_jobs *j);

#endif
