/*
 * sandbox.h - runs a parsing job in a forked child with fewer rights: the
 * parts of the agent that read hostile files (the account audit reads
 * files any local user may have written: authorized_keys, auth.log
 * contents, sudoers.d drop-ins) run there, so a parser bug is contained.
 *
 * The child: PR_SET_NO_NEW_PRIVS, rlimits (address space, CPU seconds,
 * no core dumps, no further processes), a seccomp filter refusing exec,
 * sockets, ptrace, mounts, modules and identity changes, the parent's capabilities dropped except
 * CAP_DAC_READ_SEARCH (kept only when the job must read protected files),
 * and it talks to the parent only through a pipe: the job writes JSON
 * lines (cg_event objects) to out_fd, the parent validates each with
 * cg_event_decode before spooling it. A child that crashes or overruns
 * its limits costs that one job.
 */
#ifndef CG_AGENT_SANDBOX_H
#define CG_AGENT_SANDBOX_H

#include <stdbool.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/event.h"

typedef struct cg_sandbox_limits {
	uint64_t max_memory;  /* RLIMIT_AS bytes; 0 = 1 GiB */
	int cpu_seconds;      /* RLIMIT_CPU; 0 = 300 */
	bool threads;         /* the job starts threads (no RLIMIT_NPROC) */
} cg_sandbox_limits;

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

#endif
