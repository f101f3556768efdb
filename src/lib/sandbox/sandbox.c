/*
 * sandbox.c - see sandbox.h. Capabilities are dropped with the raw
 * capset/prctl interface (no libcap dependency): the bounding set is
 * emptied (of everything but CAP_DAC_READ_SEARCH unless no_caps) and the
 * effective, permitted and inheritable sets are cut to it, so even a child
 * of a root agent cannot write outside what file modes allow, load
 * modules, trace processes or change ownership.
 *
 * The exec'd child is started with fork, and between fork and exec it
 * calls only async-signal-safe functions (dup2, close_range, prctl,
 * setrlimit, execve): the server forks from one of many threads, and any
 * lock another thread held is copied locked.
 */
#include "sandbox/sandbox.h"
#include "sandbox/sblines.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <stddef.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/json.h"
#include "core/limits.h"
#include "core/timeutil.h"
#include "sandbox/sbmsg.h"

static bool limit(int res, rlim_t v)
{
	struct rlimit r = { v, v };
	return setrlimit(res, &r) == 0;
}

static void drop_caps(bool all)
{
	for (int cap = 0; cap <= 63; cap++)
		if (all || cap != CAP_DAC_READ_SEARCH)
			prctl(PR_CAPBSET_DROP, cap, 0, 0, 0); /* EPERM when not root: fine */
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];
	memset(d, 0, sizeof d);
	if (syscall(SYS_capget, &h, d) == 0) {
		uint32_t keep = all ? 0 : 1u << CAP_DAC_READ_SEARCH;
		d[0].effective &= keep;
		d[0].permitted &= keep;
		d[0].inheritable = 0;
		d[1].effective = d[1].permitted = d[1].inheritable = 0;
		syscall(SYS_capset, &h, d);
	}
}

/* Sets the rlimits of lim (also before the exec: they carry over); false
 * when one could not be set (a system-call filter of a service manager
 * refusing setrlimit): the caller must then not parse. */
static bool set_limits(const cg_sandbox_limits *lim)
{
	bool ok = true;
#if !defined(__SANITIZE_ADDRESS__)
	/* (not under AddressSanitizer, whose shadow memory needs terabytes
	 * of address space) */
	ok = limit(RLIMIT_AS, lim && lim->max_memory ? lim->max_memory : (1ull << 30));
#endif
	ok = limit(RLIMIT_CPU, (rlim_t)(lim && lim->cpu_seconds ? lim->cpu_seconds : 300)) && ok;
	return limit(RLIMIT_CORE, 0) && ok;
}

#if defined(__x86_64__)
#define DENY(nr) BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (nr), 0, 1), \
		 BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM)
/* kill, tgkill: allowed only with the child's own pid as target (abort()
 * signals itself); anything else, the server among them, refused. */
#define SELF_ONLY(nr, pid) BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (nr), 0, 4), \
		 BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0])), \
		 BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (pid), 0, 1), \
		 BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW), \
		 BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM)
#endif

/* A seccomp filter that refuses (EPERM) what a parser never needs:
 * running programs, the network, tracing, mounting, modules, changing
 * identity, io_uring (whose queued operations would bypass the filter).
 * A deny list rather than an allow list, so that the libraries the job
 * uses (libc, jansson, libsodium, zlib) keep working unchanged. With
 * no_files, also every call that opens or changes a file by name, and
 * signals to others. */
static cg_err deny_syscalls(bool no_files)
{
#if defined(__x86_64__)
	uint32_t self = (uint32_t)getpid();
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		/* the x32 ABI's numbers (bit 30) would bypass every JEQ below */
		BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x40000000u, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
		DENY(SYS_execve), DENY(SYS_execveat), DENY(SYS_socket), DENY(SYS_connect),
		DENY(SYS_bind), DENY(SYS_listen), DENY(SYS_accept), DENY(SYS_accept4),
		DENY(SYS_ptrace), DENY(SYS_process_vm_writev),
		DENY(SYS_process_vm_readv),
		DENY(SYS_mount), DENY(SYS_umount2), DENY(SYS_pivot_root), DENY(SYS_chroot),
		DENY(SYS_init_module), DENY(SYS_finit_module), DENY(SYS_delete_module),
		DENY(SYS_kexec_load), DENY(SYS_setuid), DENY(SYS_setgid), DENY(SYS_setreuid),
		DENY(SYS_setregid), DENY(SYS_setresuid), DENY(SYS_setresgid), DENY(SYS_chown),
		DENY(SYS_fchown), DENY(SYS_lchown), DENY(SYS_fchownat), DENY(SYS_chmod),
		DENY(SYS_fchmod), DENY(SYS_fchmodat), DENY(SYS_unshare), DENY(SYS_setns),
		DENY(SYS_bpf), DENY(SYS_perf_event_open), DENY(SYS_keyctl), DENY(SYS_add_key),
		DENY(SYS_io_uring_setup), DENY(SYS_io_uring_enter), DENY(SYS_io_uring_register),
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
	/* the file and signal rules go before the final ALLOW */
	struct sock_filter files[] = {
		DENY(SYS_open), DENY(SYS_openat), DENY(SYS_openat2), DENY(SYS_creat),
		DENY(SYS_open_by_handle_at), DENY(SYS_name_to_handle_at),
		DENY(SYS_unlink), DENY(SYS_unlinkat), DENY(SYS_rename), DENY(SYS_renameat),
		DENY(SYS_renameat2), DENY(SYS_mkdir), DENY(SYS_mkdirat), DENY(SYS_rmdir),
		DENY(SYS_link), DENY(SYS_linkat), DENY(SYS_symlink), DENY(SYS_symlinkat),
		DENY(SYS_truncate), DENY(SYS_mknod), DENY(SYS_mknodat), DENY(SYS_tkill),
		DENY(SYS_pidfd_open), DENY(SYS_pidfd_send_signal), DENY(SYS_rt_sigqueueinfo),
		DENY(SYS_rt_tgsigqueueinfo), DENY(SYS_socketpair),
		SELF_ONLY(SYS_kill, self), SELF_ONLY(SYS_tgkill, self),
	};
	size_t nf = sizeof f / sizeof *f, nx = no_files ? sizeof files / sizeof *files : 0;
	struct sock_filter all[sizeof f / sizeof *f + sizeof files / sizeof *files];
	memcpy(all, f, (nf - 1) * sizeof *f);
	memcpy(all + nf - 1, files, nx * sizeof *files);
	all[nf - 1 + nx] = f[nf - 1];
	struct sock_fprog prog = { (unsigned short)(nf + nx), all };
	return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) == 0 ? CG_OK
	                                                                    : CG_EINTERNAL;
#else
	(void)no_files;
	return CG_OK;
#endif
}
#undef DENY
#undef SELF_ONLY

cg_err cg_sandbox_confine(const cg_sandbox_limits *lim)
{
	prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	drop_caps(lim && lim->no_caps);
	if (!set_limits(lim))
		return CG_EINTERNAL;
	/* no further processes; a threaded job (the scanners walk trees with
	 * worker threads) keeps NPROC, since it also counts threads: the
	 * seccomp filter still refuses fork, vfork and process clones */
	if (!(lim && lim->threads) && !limit(RLIMIT_NPROC, 0))
		return CG_EINTERNAL;
	return deny_syscalls(lim && lim->no_files);
}

static void child(const cg_sandbox_limits *lim, cg_sandbox_job job, void *ctx, int fd)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	if (cg_sandbox_confine(lim))
		_exit(3);
	_exit(job(ctx, fd) == 0 ? 0 : 1);
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
	cg_sandbox_read_events(p[0], on_event, ev_ctx, bad);
	close(p[0]);
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

/* fork gives the child the job as it is: nothing to describe */
void cg_sandbox_register(const char *name, cg_sandbox_job job, cg_sandbox_encode_fn encode,
			 cg_sandbox_remote_fn run)
{
	(void)name;
	(void)job;
	(void)encode;
	(void)run;
}

int cg_sandbox_child_main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return 2; /* only the Windows build starts such children */
}

/* ---- fork and exec ----------------------------------------------------- */

int cg_sandbox_memfd(const char *name, cg_slice bytes)
{
	int fd = memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0)
		return -1;
	size_t off = 0;
	while (off < bytes.len) {
		ssize_t w = write(fd, bytes.ptr + off, bytes.len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			close(fd);
			return -1;
		}
		off += (size_t)w;
	}
	/* the child may read it, never change what the server handed it */
	if (fcntl(fd, F_ADD_SEALS, F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE) != 0 ||
	    lseek(fd, 0, SEEK_SET) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* In the forked child, before the exec: async-signal-safe calls only. */
static void exec_child(const cg_sandbox_call *c, int req_fd, int reply_fd, int null_fd)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	/* move the three descriptors above 3 first, so no dup2 clobbers
	 * another before it is placed */
	int fds[4] = { req_fd, reply_fd, null_fd, c->input_fd };
	for (int i = 0; i < 4; i++) {
		if (fds[i] < 0)
			continue;
		int moved = fcntl(fds[i], F_DUPFD, 10);
		if (moved < 0)
			_exit(126);
		fds[i] = moved;
	}
	if (dup2(fds[0], CG_SANDBOX_FD_REQUEST) < 0 || dup2(fds[1], CG_SANDBOX_FD_REPLY) < 0 ||
	    dup2(fds[2], 2) < 0)
		_exit(126);
	if (fds[3] >= 0 && dup2(fds[3], CG_SANDBOX_FD_INPUT) < 0)
		_exit(126);
	/* everything else the server holds (listening sockets, the
	 * database, the TLS key file, clients' connections) is closed */
	int first = fds[3] >= 0 ? CG_SANDBOX_FD_INPUT + 1 : CG_SANDBOX_FD_INPUT;
	if (syscall(SYS_close_range, (unsigned)first, ~0u, 0) != 0)
		for (int fd = first; fd < 65536; fd++)
			close(fd);
	/* (set again, and checked, by the child's cg_sandbox_confine) */
	(void)set_limits(&c->lim);
	if (!c->lim.threads)
		(void)limit(RLIMIT_NPROC, 0); /* (exec does not count as a process) */
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	execve("/proc/self/exe", (char *const *)c->argv, (char *const *)c->env);
	_exit(127);
}

static void kill_and_reap(pid_t pid, int *status)
{
	kill(pid, SIGKILL);
	while (waitpid(pid, status, 0) < 0 && errno == EINTR)
		;
}

/* Reads frames from fd until end of file, the deadline, cancellation or a
 * stop; returns CG_OK at end of file. */
static cg_err pump(const cg_sandbox_call *c, int fd, bool *stopped, cg_buf *why)
{
	int64_t end = cg_mono_ms() + (c->deadline_ms > 0 ? c->deadline_ms : 60000);
	cg_buf in;
	cg_buf_init(&in, CG_SANDBOX_MAX_MSG + CG_SBMSG_HEADER + 65536);
	char chunk[65536];
	cg_err err = CG_OK;
	for (;;) {
		int64_t left = end - cg_mono_ms();
		if (left <= 0) {
			cg_buf_printf(why, "the parser ran past its deadline (%lld s) and was killed",
			              (long long)((c->deadline_ms + 999) / 1000));
			err = CG_ETIMEOUT;
			break;
		}
		if (c->cancelled && c->cancelled(c->ctx)) {
			cg_buf_puts(why, "cancelled");
			err = CG_ETIMEOUT;
			break;
		}
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int r = poll(&p, 1, left < 250 ? (int)left : 250);
		if (r < 0 && errno != EINTR) {
			cg_buf_printf(why, "poll: %s", strerror(errno));
			err = CG_EIO;
			break;
		}
		if (r <= 0)
			continue;
		ssize_t n = read(fd, chunk, sizeof chunk);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0)
			break; /* end of file: the child is done or dead */
		if ((err = cg_buf_append(&in, chunk, (size_t)n))) {
			cg_buf_puts(why, "the parser's reply is too large");
			err = CG_EPARSE;
			break;
		}
		size_t off = 0;
		while (!err && !*stopped) {
			uint8_t type = 0;
			cg_slice pl;
			size_t used = 0;
			err = cg_sbmsg_parse(cg_slice_from(in.ptr + off, in.len - off),
			                     CG_SANDBOX_MAX_MSG, &type, &pl, &used);
			if (err) {
				cg_buf_puts(why, err == CG_ETOOBIG ? "the parser sent an over-long message"
				                                   : "the parser sent a malformed message");
				err = CG_EPARSE;
			} else if (!used) {
				break;
			} else {
				off += used;
				if (type == CG_SBMSG_REQUEST) {
					cg_buf_puts(why, "the parser sent a request");
					err = CG_EPARSE;
				} else if (c->on_msg(c->ctx, type, pl)) {
					*stopped = true;
				}
			}
		}
		if (err || *stopped)
			break;
		memmove(in.ptr, in.ptr + off, in.len - off);
		in.len -= off;
	}
	cg_buf_free(&in);
	return err;
}

cg_err cg_sandbox_exec(const cg_sandbox_call *c, cg_buf *why)
{
	cg_buf req;
	cg_buf_init(&req, CG_SANDBOX_MAX_REQUEST + CG_SBMSG_HEADER);
	cg_err err = cg_sbmsg_put(&req, CG_SBMSG_REQUEST, c->request);
	if (err) {
		cg_buf_free(&req);
		cg_buf_puts(why, "the parser's request is too large");
		return err;
	}
	int req_fd = cg_sandbox_memfd("canhgac-request", cg_buf_slice(&req));
	cg_buf_free(&req);
	int null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	int p[2] = { -1, -1 };
	if (req_fd < 0 || null_fd < 0 || pipe2(p, O_CLOEXEC) != 0) {
		cg_buf_printf(why, "cannot start the parser: %s", strerror(errno));
		if (req_fd >= 0)
			close(req_fd);
		if (null_fd >= 0)
			close(null_fd);
		return CG_EIO;
	}
	pid_t pid = fork();
	if (pid == 0)
		exec_child(c, req_fd, p[1], null_fd);
	int fork_errno = errno;
	close(req_fd);
	close(null_fd);
	close(p[1]);
	if (pid < 0) {
		close(p[0]);
		cg_buf_printf(why, "cannot start the parser: %s", strerror(fork_errno));
		return CG_EIO;
	}
	bool stopped = false;
	err = pump(c, p[0], &stopped, why);
	close(p[0]);
	int status = 0;
	if (err || stopped) {
		kill_and_reap(pid, &status);
		return err;
	}
	/* end of file: the child closed its reply; it exits at once, or is
	 * made to (a child that closed fd 1 and then spins) */
	int64_t end = cg_mono_ms() + 2000;
	pid_t w;
	while ((w = waitpid(pid, &status, WNOHANG)) == 0 && cg_mono_ms() < end)
		usleep(200);
	if (w == 0) {
		kill_and_reap(pid, &status);
		cg_buf_puts(why, "the parser did not exit after its reply and was killed");
		return CG_ETIMEOUT;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return CG_OK;
	if (WIFSIGNALED(status)) {
		cg_buf_printf(why, "the parser was killed by signal %d (%s)", WTERMSIG(status),
		              WTERMSIG(status) == SIGXCPU ? "CPU time limit" : strsignal(WTERMSIG(status)));
		return CG_ELIMIT;
	}
	cg_buf_printf(why, "the parser exited with status %d", WEXITSTATUS(status));
	return CG_EINTERNAL;
}
