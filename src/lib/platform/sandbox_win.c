/*
 * sandbox_win.c - cg_sandbox_run (sandbox/sandbox.h) on Windows: WEAKER
 * ISOLATION than on Linux, said plainly. There is no fork: the job runs on
 * a thread of the agent's own process, writing its JSON lines into an
 * anonymous pipe, and the agent reads, validates (cg_event_decode) and
 * hands on each line exactly as on Linux. So the protocol between job and
 * agent is the same, and a malformed line is dropped and counted the same
 * way; but a parser bug that corrupts memory or crashes corrupts or
 * crashes the agent, and the memory and CPU limits of lim are not
 * applied (a Job object limits whole processes, not threads).
 *
 * The stronger form (a child canhgac.exe in a Job object with memory and
 * CPU limits and a restricted token, its lines over the same pipe) needs
 * the job to be re-created in the child from a request message, as
 * cg_sandbox_exec does for the server's parsers; it is not done yet
 * (docs/windows.md).
 */
#include "sandbox/sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <io.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include "core/json.h"
#include "core/limits.h"

cg_err cg_sandbox_confine(const cg_sandbox_limits *lim)
{
	(void)lim;
	return CG_OK; /* nothing to confine in-process (see above) */
}

typedef struct thread_job {
	cg_sandbox_job job;
	void *ctx;
	int fd;
	int rc;
} thread_job;

static void *run_job(void *arg)
{
	thread_job *t = arg;
	t->rc = t->job(t->ctx, t->fd);
	close(t->fd); /* the reader sees the end */
	return NULL;
}

static void feed_line(cg_slice line, cg_sandbox_event_fn on_event, void *ctx, uint64_t *bad)
{
	json_t *j = NULL;
	cg_event ev;
	memset(&ev, 0, sizeof ev);
	if (cg_json_parse(line, &j, NULL) == CG_OK && cg_event_decode(j, &ev, false, NULL) == CG_OK)
		on_event(ctx, &ev);
	else
		(*bad)++;
	cg_event_clear(&ev);
	json_decref(j);
}

cg_err cg_sandbox_run(const cg_sandbox_limits *lim, cg_sandbox_job job, void *job_ctx,
                      cg_sandbox_event_fn on_event, void *ev_ctx, uint64_t *bad, cg_buf *why)
{
	(void)lim;
	*bad = 0;
	int p[2];
	if (_pipe(p, 65536, _O_BINARY | _O_NOINHERIT) != 0)
		return CG_EIO;
	thread_job t = {.job = job, .ctx = job_ctx, .fd = p[1]};
	pthread_t th;
	if (pthread_create(&th, NULL, run_job, &t) != 0) {
		close(p[0]);
		close(p[1]);
		return CG_EIO;
	}
	cg_buf line;
	cg_buf_init(&line, CG_MAX_EVENT_JSON);
	bool skipping = false; /* inside an over-long line */
	char buf[65536];
	for (;;) {
		int n = read(p[0], buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		for (int i = 0; i < n; i++) {
			if (buf[i] == '\n') {
				if (!skipping && line.len)
					feed_line(cg_buf_slice(&line), on_event, ev_ctx, bad);
				else if (skipping)
					(*bad)++;
				skipping = false;
				cg_buf_reset(&line);
			} else if (!skipping && cg_buf_putc(&line, buf[i])) {
				skipping = true;
				cg_buf_reset(&line);
			}
		}
	}
	close(p[0]);
	cg_buf_free(&line);
	pthread_join(th, NULL);
	if (t.rc == 0)
		return CG_OK;
	if (why)
		cg_buf_printf(why, "job (in-process thread) ended with status %d", t.rc);
	return CG_EINTERNAL;
}
