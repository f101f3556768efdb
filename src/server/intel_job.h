/*
 * intel_job.h - the scheduled pulls of threat intelligence: one job per
 * [intel.NAME] source of the configuration file (share/intel_feed.h),
 * named "intel:NAME" (and of that kind), run through the job scheduler
 * (jobs.h), so with several servers on one database one of them pulls a
 * given source at a time. A run is one cg_intel_pull; it runs again
 * after the source's interval, or sooner on POST
 * /api/v1/intel/sources/{name}/pull. A failed pull keeps the source's
 * indicators and cursor (its error is shown with the source) and is
 * retried with the scheduler's backoff.
 *
 * Sources are read at start: changing them needs a restart.
 */
#ifndef CG_SERVER_INTEL_JOB_H
#define CG_SERVER_INTEL_JOB_H

#include "jobs.h"
#include "share/intel_feed.h"
#include "store/store.h"

/* Adds one job per source (feeds must outlive the jobs). */
cg_err cg_intel_jobs_add(cg_jobs *j, cg_store *st, const cg_intel_feed *feeds, size_t n);
/* Makes source name's job due now; false when there is no such source. */
bool cg_intel_pull_soon(const char *name);

#endif
