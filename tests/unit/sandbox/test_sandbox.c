/*
 * test_sandbox.c - the forked parsing child: its events reach the parent
 * (validated: junk lines dropped and counted), and inside it exec,
 * sockets and new processes are refused, privileges cannot be regained,
 * and a crash or a CPU overrun costs only the child.
 *
 * The exec'd child (the server's parsers): this program re-executed as
 * `test_sandbox child MODE` finds only its request, reply and input
 * descriptors and the environment it was given; once confined with
 * no_files it cannot open a file, make a socket or signal its parent; a
 * crash, a loop past the deadline and a malformed reply each end the call
 * with their own error.
 */
#include <errno.h>
#include <fcntl.h>
#include <time.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/json.h"
#include "core/limits.h"
#include "sandbox/sandbox.h"
#include "sandbox/sbmsg.h"
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

/* ---- the exec'd child --------------------------------------------- */

extern char **environ;

static int exec_child(const char *mode)
{
	cg_buf b;
	cg_buf_init(&b, CG_SANDBOX_MAX_REQUEST);
	uint8_t type = 0;
	cg_slice pl;
	if (cg_sbmsg_recv(CG_SANDBOX_FD_REQUEST, CG_SANDBOX_MAX_REQUEST, &b, &type, &pl) ||
	    type != CG_SBMSG_REQUEST)
		_exit(5);
	char req[64];
	snprintf(req, sizeof req, "%.*s", (int)pl.len, pl.ptr);
	int nfds = 0; /* open descriptors above 3 */
	for (int fd = 4; fd < 1024; fd++)
		nfds += fcntl(fd, F_GETFD) >= 0;
	int nenv = 0;
	for (char **e = environ; *e; e++)
		nenv++;
	cg_sandbox_limits lim = { .no_caps = true, .no_files = true };
	if (cg_sandbox_confine(&lim))
		_exit(6);
	if (strcmp(mode, "crash") == 0)
		abort();
	if (strcmp(mode, "spin") == 0)
		for (volatile unsigned long i = 0;; i++)
			;
	if (strcmp(mode, "junk") == 0) {
		if (write(CG_SANDBOX_FD_REPLY, "\x7fjunk", 5) != 5)
			_exit(7);
		_exit(0);
	}
	int o = open("/etc/hostname", O_RDONLY);
	int oe = errno;
	int s = socket(AF_INET, SOCK_STREAM, 0);
	int se = errno;
	int k = kill(getppid(), 0);
	int ke = errno;
	char in[64] = "";
	ssize_t n = read(CG_SANDBOX_FD_INPUT, in, sizeof in - 1);
	in[n > 0 ? n : 0] = '\0';
	json_t *r = json_pack("{s:b,s:b,s:b,s:i,s:i,s:s,s:s,s:s}", "open_refused",
	                      o < 0 && oe == EPERM, "socket_refused", s < 0 && se == EPERM,
	                      "kill_refused", k < 0 && ke == EPERM, "fds", nfds, "env", nenv,
	                      "env0", environ[0] ? environ[0] : "", "input", in, "request", req);
	cg_sbmsg_send_json(CG_SANDBOX_FD_REPLY, CG_SBMSG_ITEM, r);
	cg_sbmsg_send(CG_SANDBOX_FD_REPLY, CG_SBMSG_DONE, CG_SLICE("{}"));
	_exit(0);
}

typedef struct replies {
	int n;
	json_t *item;
} replies;

static int on_msg(void *ctx, uint8_t type, cg_slice pl)
{
	replies *r = ctx;
	r->n++;
	if (type == CG_SBMSG_ITEM && !r->item)
		cg_json_parse(pl, &r->item, NULL);
	return 0;
}

static cg_err call(const char *mode, int64_t deadline, replies *r, cg_buf *why)
{
	const char *argv[] = { "test_sandbox", "child", mode, NULL };
	const char *env[] = { "ONLY=1", NULL };
	int in = cg_sandbox_memfd("input", CG_SLICE("the input bytes"));
	cg_sandbox_call c = { .argv = argv, .env = env, .input_fd = in,
			      .request = CG_SLICE("{\"do\":1}"), .deadline_ms = deadline,
			      .on_msg = on_msg, .ctx = r };
	cg_err err = cg_sandbox_exec(&c, why);
	close(in);
	return err;
}

TEST(exec_child_sees_only_its_descriptors_and_is_confined)
{
	/* a descriptor the parent holds without CLOEXEC, as a leak would */
	int leak = open("/dev/null", O_RDONLY);
	replies r = { 0 };
	cg_buf why;
	cg_buf_init(&why, 256);
	CHECK(call("probe", 10000, &r, &why) == CG_OK);
	CHECK(r.item != NULL);
	CHECK(json_is_true(json_object_get(r.item, "open_refused")));
	CHECK(json_is_true(json_object_get(r.item, "socket_refused")));
	CHECK(json_is_true(json_object_get(r.item, "kill_refused")));
	CHECK(json_integer_value(json_object_get(r.item, "fds")) == 0);
	CHECK(json_integer_value(json_object_get(r.item, "env")) == 1);
	CHECK_STR(cg_json_get_str(r.item, "env0"), "ONLY=1");
	CHECK_STR(cg_json_get_str(r.item, "input"), "the input bytes");
	CHECK_STR(cg_json_get_str(r.item, "request"), "{\"do\":1}");
	CHECK(r.n == 2);
	json_decref(r.item);
	close(leak);
	cg_buf_free(&why);
}

TEST(exec_child_crash_loop_and_junk_end_the_call_only)
{
	replies r = { 0 };
	cg_buf why;
	cg_buf_init(&why, 256);
	CHECK(call("crash", 10000, &r, &why) == CG_ELIMIT);
	CHECK(strstr(cg_buf_cstr(&why), "signal 6") != NULL);
	cg_buf_reset(&why);
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	CHECK(call("spin", 500, &r, &why) == CG_ETIMEOUT);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	CHECK(s >= 0.45 && s < 3.0);
	CHECK(strstr(cg_buf_cstr(&why), "deadline") != NULL);
	cg_buf_reset(&why);
	CHECK(call("junk", 10000, &r, &why) == CG_EPARSE);
	CHECK(strstr(cg_buf_cstr(&why), "malformed") != NULL);
	CHECK(r.n == 0 && r.item == NULL);
	cg_buf_free(&why);
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "child") == 0)
		return exec_child(argv[2]);
	RUN(child_is_confined_and_events_are_validated);
	RUN(crash_and_cpu_limit_cost_only_the_child);
	RUN(exec_child_sees_only_its_descriptors_and_is_confined);
	RUN(exec_child_crash_loop_and_junk_end_the_call_only);
	return test_done();
}
