/*
 * sandbox.c - see sandbox.h. Capabilities are dropped with the raw
 * capset/prctl interface (no libcap dependency): the bounding set is
 * emptied of everything but CAP_DAC_READ_SEARCH and the effective,
 * permitted and inheritable sets are cut to it, so even a child of a root
 * agent cannot write outside what file modes allow, load modules, trace
 * processes or change ownership.
 */
#include "agent/sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/json.h"
#include "core/limits.h"

static void limit(int res, rlim_t v)
{
	struct rlimit r = { v, v };
	setrlimit(res, &r);
}

static void drop_caps(void)
{
	for (int cap = 0; cap <= 63; cap++)
		if (cap != CAP_DAC_READ_SEARCH)
			prctl(PR_CAPBSET_DROP, cap, 0, 0, 0); /* EPERM when not root: fine */
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];
	memset(d, 0, sizeof d);
	if (syscall(SYS_capget, &h, d) == 0) {
		uint32_t keep = 1u << CAP_DAC_READ_SEARCH;
		d[0].effective &= keep;
		d[0].permitted &= keep;
		d[0].inheritable = 0;
		d[1].effective = d[1].permitted = d[1].inheritable = 0;
		syscall(SYS_capset, &h, d);
	}
}

/* A seccomp filter that refuses (EPERM) what a parser never needs:
 * running programs, the network, tracing, mounting, modules, changing
 * identity. A deny list rather than an allow list, so that the libraries
 * the job uses (libc, jansson, libsodium) keep working unchanged. */
static void deny_syscalls(void)
{
#if defined(__x86_64__)
#define DENY(nr) BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (nr), 0, 1), \
		 BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM)
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		DENY(SYS_execve), DENY(SYS_execveat), DENY(SYS_socket), DENY(SYS_connect),
		DENY(SYS_bind), DENY(SYS_listen), DENY(SYS_accept), DENY(SYS_accept4),
		DENY(SYS_ptrace), DENY(SYS_process_vm_writev), DENY(SYS_process_vm_readv),
		DENY(SYS_mount), DENY(SYS_umount2), DENY(SYS_pivot_root), DENY(SYS_chroot),
		DENY(SYS_init_module), DENY(SYS_finit_module), DENY(SYS_delete_module),
		DENY(SYS_kexec_load), DENY(SYS_setuid), DENY(SYS_setgid), DENY(SYS_setreuid),
		DENY(SYS_setregid), DENY(SYS_setresuid), DENY(SYS_setresgid), DENY(SYS_chown),
		DENY(SYS_fchown), DENY(SYS_lchown), DENY(SYS_fchownat), DENY(SYS_chmod),
		DENY(SYS_fchmod), DENY(SYS_fchmodat), DENY(SYS_unshare), DENY(SYS_setns),
		DENY(SYS_bpf), DENY(SYS_perf_event_open), DENY(SYS_keyctl), DENY(SYS_add_key),
		/* no new processes (RLIMIT_NPROC does not bind root): fork and
		 * vfork refused, clone only for threads, clone3 "unknown" so
		 * that libc falls back to clone */
		DENY(SYS_fork), DENY(SYS_vfork),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_clone3, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_clone, 0, 4),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0])),
		BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, CLONE_THREAD, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
#undef DENY
	struct sock_fprog prog = { (unsigned short)(sizeof f / sizeof *f), f };
	prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0);
#endif
}

static void child(const cg_sandbox_limits *lim, cg_sandbox_job job, void *ctx, int fd)
{
	prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	drop_caps();
#if !defined(__SANITIZE_ADDRESS__)
	/* (not under AddressSanitizer, whose shadow memory needs terabytes
	 * of address space) */
	limit(RLIMIT_AS, lim && lim->max_memory ? lim->max_memory : (1ull << 30));
#endif
	limit(RLIMIT_CPU, (rlim_t)(lim && lim->cpu_seconds ? lim->cpu_seconds : 300));
	limit(RLIMIT_CORE, 0);
	/* no further processes; a threaded job (the scanners walk trees with
	 * worker threads) keeps NPROC, since it also counts threads: the
	 * seccomp filter still refuses fork, vfork and process clones */
	if (!(lim && lim->threads))
		limit(RLIMIT_NPROC, 0);
	deny_syscalls();
	_exit(job(ctx, fd) == 0 ? 0 : 1);
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
	*bad = 0;
	int p[2];
	if (pipe2(p, O_CLOEXEC) != 0)
		return CG_EIO;
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return CG_EIO;
	}
	if (pid == 0) {
		close(p[0]);
		child(lim, job, job_ctx, p[1]);
	}
	close(p[1]);
	cg_buf line;
	cg_buf_init(&line, CG_MAX_EVENT_JSON);
	bool skipping = false; /* inside an over-long line */
	char buf[65536];
	for (;;) {
		ssize_t n = read(p[0], buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		for (ssize_t i = 0; i < n; i++) {
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
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return CG_OK;
	if (why) {
		if (WIFSIGNALED(status))
			cg_buf_printf(why, "sandboxed job killed by signal %d", WTERMSIG(status));
		else
			cg_buf_printf(why, "sandboxed job exited with status %d", WEXITSTATUS(status));
	}
	return WIFSIGNALED(status) ? CG_ELIMIT : CG_EINTERNAL;
}
