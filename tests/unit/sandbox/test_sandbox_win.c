/*
 * test_sandbox_win.c - cg_sandbox_run on Windows (platform/sandbox_win.c),
 * run under Wine by the Windows build: a registered job runs in another
 * process (this program again, `test_sandbox_win __sandbox-job NAME`,
 * in a Job object) and its events reach the caller validated (a junk line
 * dropped and counted); a job that fails or crashes costs only its
 * process, with its own error; the job's request arrives whole; an
 * unregistered job runs on a thread with the same validation; the memory
 * limit holds (on Windows: Wine does not enforce Job object limits).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <windows.h>

#include "core/event.h"
#include "core/json.h"
#include "sandbox/sandbox.h"
#include "../test.h"

static int write_line(int fd, const char *s)
{
	size_t n = strlen(s);
	return write(fd, s, (unsigned)n) == (int)n ? 0 : -1;
}

/* One valid event line (cg_event_encode), as the real jobs write them. */
static int write_event(int fd, const char *kind, const char *summary)
{
	cg_event ev;
	if (cg_event_init(&ev))
		return -1;
	ev.severity = CG_SEV_INFO;
	cg_event_set(&ev, CG_EV_SOURCE, CG_SLICE("test"));
	cg_event_set(&ev, CG_EV_KIND, cg_slice_cstr(kind));
	cg_event_set(&ev, CG_EV_SUMMARY, cg_slice_cstr(summary));
	cg_buf b;
	cg_buf_init(&b, 64 * 1024);
	int rc =
	    cg_event_encode(&ev, &b) || cg_buf_putc(&b, '\n') || write_line(fd, cg_buf_cstr(&b));
	cg_buf_free(&b);
	cg_event_clear(&ev);
	return rc;
}

/* Writes one event naming its process id and the request it got, a junk
 * line, and another event. */
static int remote_events(cg_slice request, int fd)
{
	char line[512];
	snprintf(line, sizeof line, "%lu %.*s", (unsigned long)GetCurrentProcessId(),
	         (int)request.len, request.ptr);
	return write_event(fd, "child", line) || write_line(fd, "not json at all\n") ||
	       write_event(fd, "second", "two");
}

static int remote_fail(cg_slice request, int fd)
{
	(void)request;
	(void)fd;
	return 1;
}

/* Asks for 512 MiB under a 64 MiB limit: refused (the job says so) or
 * the process ended; returning 1 means the limit did not hold. */
static int remote_alloc(cg_slice request, int fd)
{
	(void)request;
	size_t n = 512u << 20;
	char *p = malloc(n);
	if (!p)
		return write_event(fd, "refused", "allocation refused");
	memset(p, 1, n);
	free(p);
	return 1;
}

static int remote_crash(cg_slice request, int fd)
{
	(void)request;
	(void)fd;
	volatile int *p = NULL;
	return *p; /* an access violation */
}

/* The local side of each job (only its address identifies the job). */
static int job_events(void *ctx, int fd)
{
	(void)ctx;
	return write_event(fd, "thread", "on a thread") || write_line(fd, "junk\n");
}

static int job_fail(void *ctx, int fd)
{
	(void)ctx;
	(void)fd;
	return 1;
}

static int job_alloc(void *ctx, int fd)
{
	(void)ctx;
	(void)fd;
	return 1;
}

static int job_crash(void *ctx, int fd)
{
	(void)ctx;
	(void)fd;
	return 1;
}

static cg_err encode(void *ctx, cg_buf *req)
{
	return cg_buf_printf(req, "%s", (const char *)ctx);
}

static void register_all(void)
{
	cg_sandbox_register("events", job_events, encode, remote_events);
	cg_sandbox_register("fail", job_fail, encode, remote_fail);
	cg_sandbox_register("crash", job_crash, encode, remote_crash);
	cg_sandbox_register("alloc", job_alloc, encode, remote_alloc);
}

typedef struct got {
	int n;
	char kinds[4][32];
	char summary[512];
} got;

static void on_event(void *ctx, cg_event *ev)
{
	got *g = ctx;
	if (g->n < 4)
		snprintf(g->kinds[g->n], sizeof g->kinds[0], "%s", ev->kind);
	if (g->n == 0 && ev->summary)
		snprintf(g->summary, sizeof g->summary, "%s", ev->summary);
	g->n++;
}

TEST(registered_job_in_another_process)
{
	got g = {0};
	uint64_t bad = 0;
	cg_buf why;
	cg_buf_init(&why, 1024);
	cg_err err = cg_sandbox_run(NULL, job_events, "the-request", on_event, &g, &bad, &why);
	CHECK(err == CG_OK);
	CHECK(g.n == 2 && bad == 1);
	CHECK_STR(g.kinds[0], "child");
	CHECK_STR(g.kinds[1], "second");
	unsigned long pid = strtoul(g.summary, NULL, 10);
	CHECK(pid != 0 && pid != (unsigned long)GetCurrentProcessId());
	CHECK(strstr(g.summary, " the-request") != NULL);
	cg_buf_free(&why);
}

TEST(failure_and_crash_cost_the_child)
{
	got g = {0};
	uint64_t bad = 0;
	cg_buf why;
	cg_buf_init(&why, 1024);
	CHECK(cg_sandbox_run(NULL, job_fail, "x", on_event, &g, &bad, &why) == CG_EINTERNAL);
	CHECK(strstr(cg_buf_cstr(&why), "fail") != NULL);
	cg_buf_reset(&why);
	CHECK(cg_sandbox_run(NULL, job_crash, "x", on_event, &g, &bad, &why) == CG_ELIMIT);
	CHECK(strstr(cg_buf_cstr(&why), "crash exited with status 0x") != NULL);
	CHECK(g.n == 0);
	cg_buf_free(&why);
}

TEST(memory_limit_holds)
{
	got g = {0};
	uint64_t bad = 0;
	cg_sandbox_limits lim = {.max_memory = 64u << 20};
	cg_buf why;
	cg_buf_init(&why, 1024);
	cg_err err = cg_sandbox_run(&lim, job_alloc, "x", on_event, &g, &bad, &why);
	CHECK((err == CG_OK && g.n == 1 && strcmp(g.kinds[0], "refused") == 0) || err == CG_ELIMIT);
	if (err == CG_EINTERNAL)
		printf("# the 64 MiB limit did not hold: %s\n", cg_buf_cstr(&why));
	cg_buf_free(&why);
}

static int unregistered(void *ctx, int fd)
{
	return job_events(ctx, fd);
}

TEST(unregistered_job_on_a_thread)
{
	got g = {0};
	uint64_t bad = 0;
	CHECK(cg_sandbox_run(NULL, unregistered, NULL, on_event, &g, &bad, NULL) == CG_OK);
	CHECK(g.n == 1 && bad == 1);
	CHECK_STR(g.kinds[0], "thread");
}

static bool under_wine(void)
{
	HMODULE nt = GetModuleHandleW(L"ntdll.dll");
	return nt && GetProcAddress(nt, "wine_get_version") != NULL;
}

int main(int argc, char **argv)
{
	register_all();
	if (argc >= 2 && strcmp(argv[1], CG_SANDBOX_CHILD_ARGV) == 0)
		return cg_sandbox_child_main(argc, argv);
	RUN(registered_job_in_another_process);
	RUN(failure_and_crash_cost_the_child);
	/* Wine accepts a Job object's limits but does not enforce them (the
	 * 512 MiB were granted under a 64 MiB limit when this was written):
	 * the case runs on Windows only */
	if (!under_wine())
		RUN(memory_limit_holds);
	else
		printf("# memory_limit_holds skipped: Wine does not enforce Job object limits\n");
	RUN(unregistered_job_on_a_thread);
	return test_done();
}
