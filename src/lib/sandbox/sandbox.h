/*
 * sandbox.h - running hostile parsing in a child process with fewer rights
 * (the agent's scans and account audit, the server's parsers of uploads).
 * One implementation of the confinement, two ways to start the child:
 *
 *   cg_sandbox_run   fork only: the child runs a function of the caller
 *                    and writes JSON lines (cg_event objects) to a pipe;
 *                    the parent validates each with cg_event_decode. The
 *                    agent's jobs (the child inherits the agent's memory,
 *                    which holds nothing the jobs' inputs should not see).
 *   cg_sandbox_exec  fork and exec of this same program with a hidden
 *                    command (argv), a clean environment and only three
 *                    descriptors: 0 the request (one framed message,
 *                    sandbox/sbmsg.h), 1 the reply pipe (framed messages),
 *                    3 the input (a file or a sealed memfd), 2 /dev/null.
 *                    The server's parsers: the exec leaves none of the
 *                    server's memory (TLS key, sessions, database
 *                    connection) in the child, as OpenSSH re-executes its
 *                    unprivileged children. The child confines itself
 *                    (cg_sandbox_confine) once it has loaded what it reads
 *                    by name (rules, blocklists).
 *
 * The confinement: PR_SET_NO_NEW_PRIVS, rlimits (address space, CPU
 * seconds, no core dumps, no further processes), capabilities dropped
 * (all of them, or all but CAP_DAC_READ_SEARCH for an agent job that must
 * read protected files), and a seccomp filter refusing exec, sockets,
 * ptrace, mounts, modules, identity changes, io_uring and the x32 system
 * call numbers; with no_files also opening, creating, renaming and
 * removing files, socket pairs, and signals to any process but itself. The filter is a
 * deny list, so the libraries a parser uses (libc, jansson, zlib,
 * libpsl) keep working unchanged. x86-64 only (the filter is not
 * installed elsewhere: documented in docs/architecture.md).
 *
 * cg_sandbox_exec also bounds wall-clock time: the child is killed with
 * SIGKILL at the deadline, when the caller's cancel function says so, when
 * a reply frame is malformed, or when the caller's message function asks
 * to stop. A child that crashes, overruns or hangs costs that one call.
 */
#ifndef CG_SANDBOX_H
#define CG_SANDBOX_H

#include <stdbool.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/event.h"

typedef struct cg_sandbox_limits {
	uint64_t max_memory; /* RLIMIT_AS bytes; 0 = 1 GiB */
	int cpu_seconds;     /* RLIMIT_CPU; 0 = 300 */
	bool threads;        /* the job starts threads (no RLIMIT_NPROC) */
	bool no_caps;        /* drop every capability (else keep DAC_READ_SEARCH) */
	bool no_files;       /* refuse open/creat/rename/unlink/..., and signals
	                      * to other processes: inputs come as descriptors */
} cg_sandbox_limits;

/* Confines the calling process now (see above). Returns CG_OK, or
 * CG_EINTERNAL when a limit or the seccomp filter could not be set (the caller
 * must then not parse). Irreversible. */
cg_err cg_sandbox_confine(const cg_sandbox_limits *lim);

/* ---- fork only (the agent) ------------------------------------------- */

/* The job, in the child: write JSON lines to out_fd, return 0 on success. */
typedef int (*cg_sandbox_job)(void *ctx, int out_fd);
/* Each decoded event, in the parent (lent for the call). */
typedef void (*cg_sandbox_event_fn)(void *ctx, cg_event *ev);

/* Runs job in a child and feeds its events to on_event. Returns CG_OK
 * when the child exited 0; CG_ELIMIT when it was killed (limits, crash);
 * *why says how it ended. Lines that are not valid events are dropped
 * and counted in *bad. */
cg_err cg_sandbox_run(const cg_sandbox_limits *lim, cg_sandbox_job job, void *job_ctx,
		      cg_sandbox_event_fn on_event, void *ev_ctx, uint64_t *bad, cg_buf *why);

/* ---- jobs re-created in a new process (platforms without fork) ------- */

/* On Linux cg_sandbox_run forks and the child runs the job on a copy of
 * the caller's memory. Windows has no fork: there a job runs in a fresh
 * process of this program (in a Job object with the limits) only when its
 * caller registered how to describe it as bytes (encode, in the caller)
 * and how to run it again from them (run, in the child, writing its lines
 * to out_fd). A job without a registration runs on a thread of the caller
 * (weaker; platform/sandbox_win.c). Linux keeps nothing: registering is a
 * no-op there. */
typedef cg_err (*cg_sandbox_encode_fn)(void *job_ctx, cg_buf *request);
typedef int (*cg_sandbox_remote_fn)(cg_slice request, int out_fd);
void cg_sandbox_register(const char *name, cg_sandbox_job job, cg_sandbox_encode_fn encode,
			 cg_sandbox_remote_fn run);

/* The child's side (main.c, Windows): `PROGRAM __sandbox-job NAME`, the
 * request on stdin, the lines on stdout; the exit status is run's. */
#define CG_SANDBOX_CHILD_ARGV "__sandbox-job"
int cg_sandbox_child_main(int argc, char **argv);

/* ---- fork and exec (the server) ------------------------------------- */

/* The descriptors the exec'd child finds. */
#define CG_SANDBOX_FD_REQUEST 0
#define CG_SANDBOX_FD_REPLY 1
#define CG_SANDBOX_FD_INPUT 3

/* One message from the child (payload lent for the call). Return 0 to go
 * on, non-zero to stop: the child is killed and the call returns CG_OK
 * (the caller has what it wanted, or its own error). */
typedef int (*cg_sandbox_msg_fn)(void *ctx, uint8_t type, cg_slice payload);

typedef struct cg_sandbox_call {
	const char *const *argv; /* NULL-terminated; the program is this one */
	const char *const *env;  /* NULL-terminated "NAME=value" list */
	int input_fd;            /* the child's fd 3, or -1 */
	cg_slice request;        /* sent as one CG_SBMSG_REQUEST message */
	cg_sandbox_limits lim;   /* rlimits set before the exec */
	int64_t deadline_ms;     /* wall-clock time allowed */
	cg_sandbox_msg_fn on_msg;
	bool (*cancelled)(void *ctx); /* optional: polled a few times a second */
	void *ctx;
} cg_sandbox_call;

/* Runs the call. CG_OK: the child exited 0 (or on_msg stopped it).
 * CG_ETIMEOUT: the deadline passed, or cancelled() said so (*why says
 * "cancelled"); CG_ELIMIT: killed by a signal (a crash, a limit);
 * CG_EPARSE: a malformed reply frame; CG_EINTERNAL: exit status not 0;
 * CG_EIO: the child could not be started. *why (one line) says which. */
cg_err cg_sandbox_exec(const cg_sandbox_call *c, cg_buf *why);

/* A sealed memfd holding bytes (for input_fd); -1 on
 * failure. The caller closes it. */
int cg_sandbox_memfd(const char *name, cg_slice bytes);

#endif
