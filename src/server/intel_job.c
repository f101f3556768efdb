/*
 * intel_job.c - the jobs that pull threat-intelligence sources
 * (intel_job.h). Only scheduling: the pull itself is the library's
 * (share/intel_feed.c), which reads what it fetches in sandboxed
 * children (intel_privsep.h).
 */
#include "intel_job.h"

#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/timeutil.h"
#include "intel_privsep.h"
#include "version.h"

typedef struct feed_job {
	const cg_intel_feed *f;
	cg_store *st;
} feed_job;

static struct {
	feed_job jobs[CG_INTEL_MAX_FEEDS];
	size_t n;
	cg_jobs *runner;
} g;

static cg_err run(void *ctx, const cg_job *job, int64_t *next_run_ms, cg_buf *why)
{
	(void)job;
	feed_job *fj = ctx;
	cg_intel_pull_result r;
	int64_t now = cg_time_now_ms();
	cg_err err = cg_intel_pull(fj->f, fj->st, now, &r, why);
	if (err) {
		cg_warn("intel %s: %s", fj->f->name, cg_buf_cstr(why));
		return err;
	}
	cg_info("intel %s: %lld indicators in %lld pages (%lld new, %lld skipped)", fj->f->name,
	        (long long)r.taken, (long long)r.pages, (long long)r.added, (long long)r.skipped);
	*next_run_ms = now + fj->f->interval_s * 1000;
	return CG_OK;
}

cg_err cg_intel_jobs_add(cg_jobs *j, cg_store *st, const cg_intel_feed *feeds, size_t n)
{
	if (n > CG_INTEL_MAX_FEEDS)
		return CG_EINVAL;
	g.runner = j;
	/* what the pulls fetch is read in sandboxed children (intel_privsep.h) */
	cg_intel_readers_set(&cg_intel_sandboxed);
#if CG_TEST_HOOKS
	/* a test build only: the benchmark of what the sandbox costs
	 * (bench/intel_privsep.py) measures a pull both ways */
	const char *inproc = getenv("CANHGAC_TEST_PARSER_INTEL_IN_PROCESS");
	if (inproc && strcmp(inproc, "1") == 0)
		cg_intel_readers_set(NULL);
#endif
	for (size_t i = 0; i < n; i++) {
		g.jobs[i] = (feed_job){&feeds[i], st};
		/* the scheduler finds a job's function by its kind: each source
		 * is a kind of its own, as each forwarding destination is */
		cg_err err = cg_jobs_add(j, feeds[i].job, feeds[i].job, feeds[i].interval_s * 1000,
		                         run, &g.jobs[i]);
		if (err)
			return err;
		cg_info("intel %s: %s %s every %llds", feeds[i].name,
		        cg_intel_kind_name(feeds[i].kind), feeds[i].url,
		        (long long)feeds[i].interval_s);
	}
	g.n = n;
	return CG_OK;
}

bool cg_intel_pull_soon(const char *name)
{
	for (size_t i = 0; i < g.n; i++)
		if (strcmp(g.jobs[i].f->name, name) == 0) {
			cg_jobs_run_soon(g.runner, g.jobs[i].f->job);
			return true;
		}
	return false;
}
