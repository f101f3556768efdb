/*
 * test_sandbox.c - the forked parsing child: its events reach the parent
 * (validated: junk lines dropped and counted), and inside it exec,
 * sockets and new processes are refused, privileges cannot be regained,
 * and a crash or a CPU overrun costs only the child.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sandbox/sandbox.h"
#include "test.h"

typedef struct got {
	int n;
	char kinds[8][64];
} got;

static void on_event(void *ctx, cg_event *ev)
{
	got *g = ctx;
	if (g->n < 8)
		snprintf(g->kinds[g->n++], 64, "%s", ev->kind);
}

static void say(int fd, const char *s)
{
	if (write(fd, s, strlen(s)) < 0)
		_exit(9);
}

/* Reports what the sandbox lets it do, as events. */
static int probe(void *ctx, int fd)
{
	(void)ctx;
	char line[512];
	int s = socket(AF_INET, SOCK_STREAM, 0);
	int se = errno;
	char *argv[] = { "/bin/true", NULL };
	execv("/bin/true", argv); /* returns only when refused */
	int ee = errno;
	pid_t p = fork();
	if (p == 0)
		_exit(0);
	int nnp = prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0);
	snprintf(line, sizeof line,
		 "{\"id\":\"p1\",\"time\":\"2026-11-21T00:00:00Z\",\"source\":\"test\","
		 "\"kind\":\"socket_%s_exec_%s_fork_%s_nnp_%d\",\"severity\":\"info\",\"summary\":\"x\"}\n",
		 s < 0 && se == EPERM ? "refused" : "allowed", ee == EPERM ? "refused" : "allowed",
		 p < 0 ? "refused" : "allowed", nnp);
	say(fd, line);
	say(fd, "this is not an event\n");
	say(fd, "{\"id\":\"p2\",\"time\":\"2026-11-21T00:00:00Z\",\"source\":\"test\","
		"\"kind\":\"second\",\"severity\":\"high\",\"summary\":\"y\"}\n");
	return 0;
}

static int crash(void *ctx, int fd)
{
	(void)ctx;
	(void)fd;
	abort(); /* (not SIGSEGV: ASan would catch that and exit 1) */
	return 0;
}

static int spin(void *ctx, int fd)
{
	(void)ctx;
	(void)fd;
	for (volatile unsigned long i = 0;; i++)
		;
	return 0;
}

TEST(child_is_confined_and_events_are_validated)
{
	got g = { 0 };
	uint64_t bad = 0;
	cg_buf why;
	cg_buf_init(&why, 256);
	CHECK(cg_sandbox_run(NULL, probe, NULL, on_event, &g, &bad, &why) == CG_OK);
	CHECK(g.n == 2);
	CHECK_STR(g.kinds[0], "socket_refused_exec_refused_fork_refused_nnp_1");
	CHECK_STR(g.kinds[1], "second");
	CHECK(bad == 1);
	cg_buf_free(&why);
}

TEST(crash_and_cpu_limit_cost_only_the_child)
{
	got g = { 0 };
	uint64_t bad = 0;
	cg_buf why;
	cg_buf_init(&why, 256);
	CHECK(cg_sandbox_run(NULL, crash, NULL, on_event, &g, &bad, &why) == CG_ELIMIT);
	CHECK(strstr(cg_buf_cstr(&why), "signal") != NULL);
	cg_buf_reset(&why);
	cg_sandbox_limits lim = { .cpu_seconds = 1 };
	CHECK(cg_sandbox_run(&lim, spin, NULL, on_event, &g, &bad, &why) == CG_ELIMIT);
	CHECK(g.n == 0);
	cg_buf_free(&why);
}

int main(void)
{
	RUN(child_is_confined_and_events_are_validated);
	RUN(crash_and_cpu_limit_cost_only_the_child);
	return test_done();
}
