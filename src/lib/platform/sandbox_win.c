/*
 * sandbox_win.c - cg_sandbox_run (sandbox/sandbox.h) on Windows, which has
 * neither fork nor seccomp.
 *
 * A registered job (cg_sandbox_register: the agent's malware and secrets
 * scans) runs in a fresh process of this program, `canhgac.exe
 * __sandbox-job NAME`, started suspended and put in a Job object before
 * its first instruction:
 *   - JOB_OBJECT_LIMIT_PROCESS_MEMORY: lim->max_memory (1 GiB by default),
 *     the committed memory of the process (Linux: RLIMIT_AS);
 *   - JOB_OBJECT_LIMIT_PROCESS_TIME: lim->cpu_seconds of user CPU time
 *     (Linux: RLIMIT_CPU);
 *   - JOB_OBJECT_LIMIT_ACTIVE_PROCESS 1: it can start no other process
 *     (Linux: the seccomp filter refuses fork and exec);
 *   - JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE: it dies with the agent (Linux:
 *     PR_SET_PDEATHSIG); DIE_ON_UNHANDLED_EXCEPTION: no error dialog.
 * It reads the job's description (the caller's encode) on stdin and writes
 * the job's JSON lines on stdout; the agent validates each line with
 * cg_event_decode, as on Linux. It runs with the agent's token: no
 * restricted token or lower integrity level yet, so unlike Linux it could
 * still write where the agent may and open sockets (docs/windows.md). A
 * Job object that cannot be set up fails the call: no parsing without the
 * limits, as on Linux.
 *
 * A job without a registration (the account audit) runs on a thread of
 * the agent, writing into an anonymous pipe read the same way: WEAKER, a
 * crash of its parser is the agent's, and no limit applies.
 */
#include "sandbox/sandbox.h"
#include "sandbox/sblines.h"

#include <errno.h>
#include <fcntl.h>
#include <io.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <windows.h>

#include "core/json.h"
#include "core/limits.h"
#include "core/log.h"

cg_err cg_sandbox_confine(const cg_sandbox_limits *lim)
{
	(void)lim;
	return CG_OK; /* the Job object is set by the parent (above) */
}

/* ---- registrations ----------------------------------------------------- */

#define MAX_REGISTERED 8

static struct reg {
	const char *name;
	cg_sandbox_job job;
	cg_sandbox_encode_fn encode;
	cg_sandbox_remote_fn run;
} regs[MAX_REGISTERED];
static int nregs;
static pthread_mutex_t regs_mu = PTHREAD_MUTEX_INITIALIZER;

void cg_sandbox_register(const char *name, cg_sandbox_job job, cg_sandbox_encode_fn encode,
                         cg_sandbox_remote_fn run)
{
	pthread_mutex_lock(&regs_mu);
	bool known = false;
	for (int i = 0; i < nregs; i++)
		known |= strcmp(regs[i].name, name) == 0;
	if (!known && nregs < MAX_REGISTERED)
		regs[nregs++] = (struct reg){name, job, encode, run};
	pthread_mutex_unlock(&regs_mu);
}

static const struct reg *find(cg_sandbox_job job, const char *name)
{
	const struct reg *r = NULL;
	pthread_mutex_lock(&regs_mu);
	for (int i = 0; i < nregs && !r; i++)
		if ((job && regs[i].job == job) || (name && strcmp(regs[i].name, name) == 0))
			r = &regs[i];
	pthread_mutex_unlock(&regs_mu);
	return r;
}

/* ---- a registered job: a child process in a Job object -------------------- */

static HANDLE make_job(const cg_sandbox_limits *lim)
{
	HANDLE job = CreateJobObjectW(NULL, NULL);
	if (!job)
		return NULL;
	JOBOBJECT_EXTENDED_LIMIT_INFORMATION li;
	memset(&li, 0, sizeof li);
	uint64_t mem = lim && lim->max_memory ? lim->max_memory : (1ull << 30);
	int cpu = lim && lim->cpu_seconds ? lim->cpu_seconds : 300;
	li.BasicLimitInformation.LimitFlags =
	    JOB_OBJECT_LIMIT_PROCESS_MEMORY | JOB_OBJECT_LIMIT_PROCESS_TIME |
	    JOB_OBJECT_LIMIT_ACTIVE_PROCESS | JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE |
	    JOB_OBJECT_LIMIT_DIE_ON_UNHANDLED_EXCEPTION;
	li.BasicLimitInformation.PerProcessUserTimeLimit.QuadPart = (LONGLONG)cpu * 10000000LL;
	li.BasicLimitInformation.ActiveProcessLimit = 1;
	li.ProcessMemoryLimit = (SIZE_T)mem;
	if (!SetInformationJobObject(job, JobObjectExtendedLimitInformation, &li, sizeof li)) {
		CloseHandle(job);
		return NULL;
	}
	return job;
}

static cg_err run_child(const struct reg *r, const cg_sandbox_limits *lim, void *job_ctx,
                        cg_sandbox_event_fn on_event, void *ev_ctx, uint64_t *bad, cg_buf *why)
{
	cg_buf req;
	cg_buf_init(&req, CG_MAX_SANDBOX_REQUEST);
	cg_err err = r->encode(job_ctx, &req);
	if (err) {
		cg_buf_free(&req);
		if (why)
			cg_buf_printf(why, "sandboxed job %s: cannot describe it", r->name);
		return err;
	}
	wchar_t exe[4096], cmd[4200];
	DWORD n = GetModuleFileNameW(NULL, exe, 4096);
	SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
	HANDLE in_r = NULL, in_w = NULL, out_r = NULL, out_w = NULL, err_h = NULL, job = NULL;
	PROCESS_INFORMATION pi;
	memset(&pi, 0, sizeof pi);
	err = CG_EIO;
	if (!n || n >= 4096 ||
	    _snwprintf(cmd, 4200, L"\"%ls\" %hs %hs", exe, CG_SANDBOX_CHILD_ARGV, r->name) < 0)
		goto out;
	if (!CreatePipe(&in_r, &in_w, &sa, 0) || !CreatePipe(&out_r, &out_w, &sa, 0))
		goto out;
	/* the child inherits its ends only */
	SetHandleInformation(in_w, HANDLE_FLAG_INHERIT, 0);
	SetHandleInformation(out_r, HANDLE_FLAG_INHERIT, 0);
	HANDLE e = GetStdHandle(STD_ERROR_HANDLE);
	if (e && e != INVALID_HANDLE_VALUE)
		DuplicateHandle(GetCurrentProcess(), e, GetCurrentProcess(), &err_h, 0, TRUE,
		                DUPLICATE_SAME_ACCESS);
	if (!(job = make_job(lim))) {
		if (why)
			cg_buf_printf(why,
			              "sandboxed job %s: no Job object for its limits (error %lu)",
			              r->name, GetLastError());
		err = CG_EINTERNAL;
		goto out;
	}
	STARTUPINFOW si;
	memset(&si, 0, sizeof si);
	si.cb = sizeof si;
	si.dwFlags = STARTF_USESTDHANDLES;
	si.hStdInput = in_r;
	si.hStdOutput = out_w;
	si.hStdError = err_h;
	if (!CreateProcessW(exe, cmd, NULL, NULL, TRUE, CREATE_SUSPENDED | CREATE_NO_WINDOW, NULL,
	                    NULL, &si, &pi)) {
		if (why)
			cg_buf_printf(why, "sandboxed job %s: cannot start it (error %lu)", r->name,
			              GetLastError());
		goto out;
	}
	if (!AssignProcessToJobObject(job, pi.hProcess)) {
		if (why)
			cg_buf_printf(
			    why, "sandboxed job %s: cannot put it in its Job object (error %lu)",
			    r->name, GetLastError());
		TerminateProcess(pi.hProcess, 3);
		err = CG_EINTERNAL;
		goto out;
	}
	ResumeThread(pi.hThread);
	cg_info(
	    "sandbox: job %s in process %lu, in a Job object (memory %llu MiB, CPU %d s, no "
	    "further process)",
	    r->name, (unsigned long)pi.dwProcessId,
	    (unsigned long long)((lim && lim->max_memory ? lim->max_memory : (1ull << 30)) >> 20),
	    lim && lim->cpu_seconds ? lim->cpu_seconds : 300);
	CloseHandle(in_r);
	CloseHandle(out_w);
	in_r = out_w = NULL;
	DWORD w = 0;
	for (size_t done = 0; done < req.len; done += w)
		if (!WriteFile(in_w, req.ptr + done, (DWORD)(req.len - done), &w, NULL) || !w)
			break; /* the child died: its exit status says why */
	CloseHandle(in_w);
	in_w = NULL;
	int fd = _open_osfhandle((intptr_t)out_r, _O_RDONLY | _O_BINARY);
	if (fd >= 0) {
		out_r = NULL; /* the descriptor owns it */
		cg_sandbox_read_events(fd, on_event, ev_ctx, bad);
		close(fd);
	}
	WaitForSingleObject(pi.hProcess, INFINITE);
	DWORD code = 1;
	GetExitCodeProcess(pi.hProcess, &code);
	if (code == 0) {
		err = CG_OK;
	} else {
		/* 1 is the job's own failure; anything else a crash or a limit
		 * (an NTSTATUS such as 0xC0000005, 0xC0000017) */
		err = code == 1 ? CG_EINTERNAL : CG_ELIMIT;
		if (why)
			cg_buf_printf(why, "sandboxed job %s exited with status 0x%lx", r->name,
			              (unsigned long)code);
	}
out:
	if (pi.hThread)
		CloseHandle(pi.hThread);
	if (pi.hProcess)
		CloseHandle(pi.hProcess);
	if (job)
		CloseHandle(job); /* kills whatever is left in it */
	for (HANDLE *h = (HANDLE[]){in_r, in_w, out_r, out_w, err_h}, *end = h + 5; h < end; h++)
		if (*h)
			CloseHandle(*h);
	cg_buf_free(&req);
	return err;
}

int cg_sandbox_child_main(int argc, char **argv)
{
	_setmode(0, _O_BINARY);
	_setmode(1, _O_BINARY);
	const struct reg *r = argc >= 3 ? find(NULL, argv[2]) : NULL;
	if (!r) {
		fprintf(stderr, "%s: no such job\n", argc >= 3 ? argv[2] : "(none)");
		return 2;
	}
	cg_buf req;
	cg_buf_init(&req, CG_MAX_SANDBOX_REQUEST);
	char buf[65536];
	int n;
	while ((n = read(0, buf, sizeof buf)) > 0)
		if (cg_buf_append(&req, buf, (size_t)n)) {
			fprintf(stderr, "%s: request over %d bytes\n", r->name,
			        CG_MAX_SANDBOX_REQUEST);
			cg_buf_free(&req);
			return 2;
		}
	int rc = r->run(cg_buf_slice(&req), 1);
	cg_buf_free(&req);
	return rc ? 1 : 0;
}

/* ---- an unregistered job: a thread (weaker, see the top) --------------------- */

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

static cg_err run_thread(cg_sandbox_job job, void *job_ctx, cg_sandbox_event_fn on_event,
                         void *ev_ctx, uint64_t *bad, cg_buf *why)
{
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
	cg_sandbox_read_events(p[0], on_event, ev_ctx, bad);
	close(p[0]);
	pthread_join(th, NULL);
	if (t.rc == 0)
		return CG_OK;
	if (why)
		cg_buf_printf(why, "job (in-process thread) ended with status %d", t.rc);
	return CG_EINTERNAL;
}

cg_err cg_sandbox_run(const cg_sandbox_limits *lim, cg_sandbox_job job, void *job_ctx,
                      cg_sandbox_event_fn on_event, void *ev_ctx, uint64_t *bad, cg_buf *why)
{
	*bad = 0;
	const struct reg *r = find(job, NULL);
	if (r)
		return run_child(r, lim, job_ctx, on_event, ev_ctx, bad, why);
	return run_thread(job, job_ctx, on_event, ev_ctx, bad, why);
}
