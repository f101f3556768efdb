/*
 * jobs.c - the job runner (jobs.h): one thread claims and runs due jobs,
 * one renews the lease of the run in progress.
 *
 * The runner polls the store every CG_JOB_POLL_MS when idle (a job made
 * due by another server is seen within that time) and at once when woken
 * (cg_jobs_run_soon). It claims only the kinds this server registered: a
 * server started without the portal watch (--web-interval 0) leaves that
 * job to the servers that run it.
 */
#include "jobs.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/limits.h"
#include "core/log.h"
#include "core/timeutil.h"

#define MAX_KINDS 32

typedef struct kind {
	char name[CG_JOB_NAME_MAX];
	char kind[CG_JOB_NAME_MAX];
	int64_t period_ms;
	cg_job_fn fn;
	void *ctx;
} kind;

struct cg_jobs {
	cg_store *st;
	char holder[128];
	int64_t lease_ms;
	kind kinds[MAX_KINDS];
	const char *kind_names[MAX_KINDS];
	int nkinds;
	pthread_t runner, renewer;
	bool started;
	pthread_mutex_t mu;
	pthread_cond_t cv;  /* wakes the runner */
	pthread_cond_t rcv; /* wakes the renewer */
	bool stop, wake;
	bool running; /* cur is a run in progress */
	cg_job cur;
};

const char *cg_jobs_holder(const cg_jobs *j)
{
	return j->holder;
}

cg_err cg_jobs_new(cg_store *st, const char *holder, int64_t lease_ms, cg_jobs **out)
{
	*out = NULL;
	cg_jobs *j = calloc(1, sizeof *j);
	if (!j)
		return CG_ENOMEM;
	j->st = st;
	j->lease_ms = lease_ms > 0 ? lease_ms : CG_JOB_LEASE_MS;
	if (holder && *holder)
		snprintf(j->holder, sizeof j->holder, "%s", holder);
	else {
		char host[64] = "";
		if (gethostname(host, sizeof host - 1) != 0)
			snprintf(host, sizeof host, "localhost");
		snprintf(j->holder, sizeof j->holder, "%s:%d", host, (int)getpid());
	}
	cg_info("jobs: %s, leases of %lld s", j->holder, (long long)(j->lease_ms / 1000));
	pthread_mutex_init(&j->mu, NULL);
	pthread_cond_init(&j->cv, NULL);
	pthread_cond_init(&j->rcv, NULL);
	*out = j;
	return CG_OK;
}

cg_err cg_jobs_add(cg_jobs *j, const char *name, const char *kind_name, int64_t period_ms,
                   cg_job_fn fn, void *ctx)
{
	if (j->nkinds >= MAX_KINDS || !fn)
		return CG_EINVAL;
	cg_err err = cg_store_job_ensure(j->st, name, kind_name, cg_time_now_ms());
	if (err)
		return err;
	kind *k = &j->kinds[j->nkinds++];
	snprintf(k->name, sizeof k->name, "%s", name);
	snprintf(k->kind, sizeof k->kind, "%s", kind_name);
	k->period_ms = period_ms;
	k->fn = fn;
	k->ctx = ctx;
	j->kind_names[j->nkinds - 1] = k->kind;
	return CG_OK;
}

static const kind *find_kind(const cg_jobs *j, const char *name)
{
	for (int i = 0; i < j->nkinds; i++)
		if (strcmp(j->kinds[i].kind, name) == 0)
			return &j->kinds[i];
	return NULL;
}

static void deadline(struct timespec *ts, int64_t ms)
{
	clock_gettime(CLOCK_REALTIME, ts);
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

/* Runs one due job if there is one; false when none was due. */
static bool run_one(cg_jobs *j)
{
	cg_job job;
	int64_t now = cg_time_now_ms();
	cg_err err = cg_store_job_claim(j->st, j->holder, j->kind_names, (size_t)j->nkinds, now,
	                                j->lease_ms, &job);
	if (err) {
		if (err != CG_ENOTFOUND)
			cg_warn("jobs: claim: %s", cg_store_errmsg());
		return false;
	}
	const kind *k = find_kind(j, job.kind);
	cg_buf why;
	cg_buf_init(&why, 4096);
	int64_t next = now + (k ? k->period_ms : 0);
	pthread_mutex_lock(&j->mu);
	j->cur = job;
	j->running = true;
	pthread_cond_signal(&j->rcv);
	pthread_mutex_unlock(&j->mu);
	cg_info("jobs: %s runs %s (attempt %lld)", j->holder, job.name, (long long)job.attempts);
	if (!k) { /* cannot happen: claimed by kind */
		cg_buf_printf(&why, "this server does not run jobs of kind %s", job.kind);
		err = CG_EUNSUPPORTED;
	} else
		err = k->fn(k->ctx, &job, &next, &why);
	pthread_mutex_lock(&j->mu);
	j->running = false;
	pthread_mutex_unlock(&j->mu);
	if (err && why.len == 0)
		cg_buf_printf(&why, "%s", cg_strerror(err));
	cg_err ferr = cg_store_job_finish(j->st, &job, cg_time_now_ms(), next,
	                                  err ? cg_buf_cstr(&why) : NULL);
	if (ferr == CG_ECONFLICT)
		cg_warn("jobs: %s lost the lease of %s during its run", j->holder, job.name);
	else if (ferr)
		cg_warn("jobs: finishing %s: %s", job.name, cg_store_errmsg());
	cg_buf_free(&why);
	return true;
}

static void *runner(void *arg)
{
	cg_jobs *j = arg;
	if (j->nkinds == 0)
		return NULL; /* nothing to run: claim nothing */
	for (;;) {
		pthread_mutex_lock(&j->mu);
		bool stop = j->stop;
		j->wake = false;
		pthread_mutex_unlock(&j->mu);
		if (stop)
			break;
		if (run_one(j))
			continue; /* another may be due */
		struct timespec ts;
		deadline(&ts, CG_JOB_POLL_MS);
		pthread_mutex_lock(&j->mu);
		while (!j->stop && !j->wake)
			if (pthread_cond_timedwait(&j->cv, &j->mu, &ts) == ETIMEDOUT)
				break;
		pthread_mutex_unlock(&j->mu);
	}
	return NULL;
}

/* Renews the lease of the run in progress every third of the lease, so a
 * live holder keeps it however long the run takes. */
static void *renewer(void *arg)
{
	cg_jobs *j = arg;
	pthread_mutex_lock(&j->mu);
	while (!j->stop) {
		struct timespec ts;
		deadline(&ts, j->lease_ms / 3);
		int rc = 0;
		while (!j->stop && rc != ETIMEDOUT)
			rc = pthread_cond_timedwait(&j->rcv, &j->mu, &ts);
		if (j->stop || !j->running)
			continue;
		cg_job job = j->cur;
		pthread_mutex_unlock(&j->mu);
		cg_err err = cg_store_job_renew(j->st, &job, cg_time_now_ms(), j->lease_ms);
		if (err)
			cg_warn("jobs: renewing the lease of %s: %s", job.name,
			        err == CG_ECONFLICT ? "lost to another server" : cg_store_errmsg());
		pthread_mutex_lock(&j->mu);
	}
	pthread_mutex_unlock(&j->mu);
	return NULL;
}

cg_err cg_jobs_start(cg_jobs *j)
{
	if (pthread_create(&j->runner, NULL, runner, j) != 0)
		return CG_EINTERNAL;
	if (pthread_create(&j->renewer, NULL, renewer, j) != 0) {
		pthread_mutex_lock(&j->mu);
		j->stop = true;
		pthread_cond_signal(&j->cv);
		pthread_mutex_unlock(&j->mu);
		pthread_join(j->runner, NULL);
		return CG_EINTERNAL;
	}
	j->started = true;
	return CG_OK;
}

void cg_jobs_run_soon(cg_jobs *j, const char *name)
{
	if (cg_store_job_due(j->st, name, cg_time_now_ms()))
		cg_warn("jobs: cannot make %s due: %s", name, cg_store_errmsg());
	pthread_mutex_lock(&j->mu);
	j->wake = true;
	pthread_cond_signal(&j->cv);
	pthread_mutex_unlock(&j->mu);
}

void cg_jobs_free(cg_jobs *j)
{
	if (!j)
		return;
	pthread_mutex_lock(&j->mu);
	j->stop = true;
	pthread_cond_broadcast(&j->cv);
	pthread_cond_broadcast(&j->rcv);
	pthread_mutex_unlock(&j->mu);
	if (j->started) {
		pthread_join(j->runner, NULL);
		pthread_join(j->renewer, NULL);
	}
	pthread_mutex_destroy(&j->mu);
	pthread_cond_destroy(&j->cv);
	pthread_cond_destroy(&j->rcv);
	free(j);
}
