/*
 * service_win.c - platform/service.h: a task run as a Windows service.
 *
 * The SCM calls ServiceMain and the control handler with no context of
 * ours, and a process runs one service here, so the running service's
 * state is one static struct. The task runs on the ServiceMain thread; the
 * control handler (on the dispatcher thread) only sets the stop flag and
 * an event and reports STOP_PENDING, so nothing of the task is touched
 * from two threads but that flag.
 *
 * A stop is honoured within a bound whatever the task is doing: a
 * watchdog thread waits for the stop event, then gives the task
 * CG_SERVICE_STOP_GRACE_MS to return; past that it logs the overrun,
 * reports STOPPED and ends the process (the agent's spool and state are
 * crash-safe: the next start carries on). A service that says
 * STOP_PENDING forever keeps an uninstall or an upgrade from replacing
 * its program.
 */
#include "platform/service.h"

#include <windows.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/limits.h"
#include "core/log.h"
#include "platform/wtext.h"

static struct {
	wchar_t name[256];
	char name8[256];
	cg_service_task_fn task;
	void *ctx;
	cg_buf *why;
	cg_err result;
	volatile int stop;
	HANDLE stop_event, done_event; /* set by the handler; by the task's end */
	SERVICE_STATUS_HANDLE h;
	SERVICE_STATUS st;
} svc;

void cg_service_log(const char *name, cg_svc_log_level level, const char *msg)
{
	wchar_t *wn = cg_w_of_utf8(name), *wm = cg_w_of_utf8(msg);
	HANDLE h = wn ? RegisterEventSourceW(NULL, wn) : NULL;
	if (h && wm) {
		WORD type = level == CG_SVC_LOG_ERROR     ? EVENTLOG_ERROR_TYPE
		            : level == CG_SVC_LOG_WARNING ? EVENTLOG_WARNING_TYPE
		                                          : EVENTLOG_INFORMATION_TYPE;
		LPCWSTR strs[1] = {wm};
		ReportEventW(h, type, 0, 1 + (DWORD)level, NULL, 1, 0, strs, NULL);
	}
	if (h)
		DeregisterEventSource(h);
	free(wn);
	free(wm);
}

static void report(DWORD state, DWORD exit_code, DWORD specific, DWORD wait_ms)
{
	static DWORD checkpoint = 1;
	svc.st.dwServiceType = SERVICE_WIN32_OWN_PROCESS;
	svc.st.dwCurrentState = state;
	svc.st.dwWin32ExitCode = exit_code;
	svc.st.dwServiceSpecificExitCode = specific;
	svc.st.dwWaitHint = wait_ms;
	svc.st.dwControlsAccepted =
	    state == SERVICE_RUNNING ? SERVICE_ACCEPT_STOP | SERVICE_ACCEPT_SHUTDOWN : 0;
	svc.st.dwCheckPoint =
	    state == SERVICE_RUNNING || state == SERVICE_STOPPED ? 0 : checkpoint++;
	SetServiceStatus(svc.h, &svc.st);
}

static DWORD WINAPI on_control(DWORD ctl, DWORD type, LPVOID data, LPVOID ctx)
{
	(void)type;
	(void)data;
	(void)ctx;
	switch (ctl) {
	case SERVICE_CONTROL_STOP:
	case SERVICE_CONTROL_SHUTDOWN:
		svc.stop = 1;
		report(SERVICE_STOP_PENDING, NO_ERROR, 0, CG_SERVICE_STOP_GRACE_MS + 5000);
		cg_info("service: %s requested", ctl == SERVICE_CONTROL_STOP ? "stop" : "shutdown");
		SetEvent(svc.stop_event);
		return NO_ERROR;
	case SERVICE_CONTROL_INTERROGATE:
		return NO_ERROR;
	default:
		return ERROR_CALL_NOT_IMPLEMENTED;
	}
}

static void own_failure_actions(void);

/* The watchdog (above): the process ends if the task overstays a stop. */
static DWORD WINAPI watchdog(LPVOID arg)
{
	(void)arg;
	HANDLE both[2] = {svc.done_event, svc.stop_event};
	if (WaitForMultipleObjects(2, both, FALSE, INFINITE) != WAIT_OBJECT_0 + 1)
		return 0; /* the task ended first */
	if (WaitForSingleObject(svc.done_event, CG_SERVICE_STOP_GRACE_MS) == WAIT_OBJECT_0)
		return 0;
	cg_error("service: the agent did not stop within %d ms of the request: ending the "
	         "process (its spool is kept)",
	         CG_SERVICE_STOP_GRACE_MS);
	cg_service_log(svc.name8, CG_SVC_LOG_WARNING, "service stop overran: process ended");
	report(SERVICE_STOPPED, NO_ERROR, 0, 0);
	ExitProcess(0);
	return 0;
}

static void WINAPI service_main(DWORD argc, LPWSTR *argv)
{
	(void)argc;
	(void)argv;
	svc.h = RegisterServiceCtrlHandlerExW(svc.name, on_control, NULL);
	if (!svc.h) {
		svc.result = CG_EIO;
		cg_buf_printf(svc.why, "RegisterServiceCtrlHandlerEx failed (error %lu)",
		              (unsigned long)GetLastError());
		return;
	}
	report(SERVICE_START_PENDING, NO_ERROR, 0, 10000);
	svc.stop_event = CreateEventW(NULL, TRUE, FALSE, NULL);
	svc.done_event = CreateEventW(NULL, TRUE, FALSE, NULL);
	HANDLE wd = svc.stop_event && svc.done_event
	                ? CreateThread(NULL, 0, watchdog, NULL, 0, NULL)
	                : NULL;
	if (!wd)
		cg_warn("service: no stop watchdog (error %lu): a stop waits for the agent",
		        (unsigned long)GetLastError());
	report(SERVICE_RUNNING, NO_ERROR, 0, 0);
	own_failure_actions();
	cg_service_log(svc.name8, CG_SVC_LOG_INFO, "service started");
	svc.result = svc.task(svc.ctx, &svc.stop, svc.why);
	if (svc.done_event)
		SetEvent(svc.done_event);
	if (wd) {
		WaitForSingleObject(wd, INFINITE);
		CloseHandle(wd);
	}
	cg_info("service: %s stopped%s%s", svc.name8, svc.result ? ": " : "",
	        svc.result ? (svc.why->len ? cg_buf_cstr(svc.why) : cg_strerror(svc.result)) : "");
	if (svc.result) {
		char msg[4200];
		snprintf(msg, sizeof msg, "service stopped on an error: %s",
		         svc.why->len ? cg_buf_cstr(svc.why) : cg_strerror(svc.result));
		cg_service_log(svc.name8, CG_SVC_LOG_ERROR, msg);
		/* a service-specific exit code: the failure actions apply */
		report(SERVICE_STOPPED, ERROR_SERVICE_SPECIFIC_ERROR, (DWORD)svc.result, 0);
	} else {
		cg_service_log(svc.name8, CG_SVC_LOG_INFO, "service stopped");
		report(SERVICE_STOPPED, NO_ERROR, 0, 0);
	}
}

cg_err cg_service_dispatch(const char *name, cg_service_task_fn task, void *ctx, cg_buf *why)
{
	wchar_t *wn = cg_w_of_utf8(name);
	if (!wn || wcslen(wn) >= sizeof svc.name / sizeof svc.name[0] ||
	    strlen(name) >= sizeof svc.name8) {
		free(wn);
		cg_buf_printf(why, "service name '%s' refused", name);
		return CG_EINVAL;
	}
	wcscpy(svc.name, wn);
	free(wn);
	snprintf(svc.name8, sizeof svc.name8, "%s", name);
	svc.task = task;
	svc.ctx = ctx;
	svc.why = why;
	svc.result = CG_OK;
	svc.stop = 0;
	SERVICE_TABLE_ENTRYW table[] = {{svc.name, service_main}, {NULL, NULL}};
	if (!StartServiceCtrlDispatcherW(table)) {
		DWORD e = GetLastError();
		if (e == ERROR_FAILED_SERVICE_CONTROLLER_CONNECT) {
			cg_buf_puts(why, "not started by the service manager (install the service "
			                 "with 'agent service install', or use 'agent run')");
			return CG_EINVAL;
		}
		cg_buf_printf(why, "StartServiceCtrlDispatcher failed (error %lu)",
		              (unsigned long)e);
		return CG_EIO;
	}
	return svc.result;
}

static cg_err fail(cg_buf *why, const char *what)
{
	DWORD e = GetLastError();
	cg_buf_printf(why, "%s failed (error %lu)", what, (unsigned long)e);
	return e == ERROR_SERVICE_EXISTS           ? CG_ECONFLICT
	       : e == ERROR_SERVICE_DOES_NOT_EXIST ? CG_ENOTFOUND
	       : e == ERROR_ACCESS_DENIED          ? CG_EPERM
	                                           : CG_EIO;
}

/* Restart after 10 s, 60 s, 5 min; an error exit (not only a crash)
 * counts as a failure. */
static void set_failure_actions(SC_HANDLE s)
{
	SC_ACTION actions[3] = {
	    {SC_ACTION_RESTART, 10000}, {SC_ACTION_RESTART, 60000}, {SC_ACTION_RESTART, 300000}};
	SERVICE_FAILURE_ACTIONSW fa = {
	    .dwResetPeriod = 86400, .cActions = 3, .lpsaActions = actions};
	ChangeServiceConfig2W(s, SERVICE_CONFIG_FAILURE_ACTIONS, &fa);
	SERVICE_FAILURE_ACTIONS_FLAG flag = {TRUE};
	ChangeServiceConfig2W(s, SERVICE_CONFIG_FAILURE_ACTIONS_FLAG, &flag);
}

/* The MSI's ServiceInstall table cannot carry failure actions (wixl has
 * no ServiceConfig), so the running service sets its own at each start;
 * `agent service install` sets them too. */
static void own_failure_actions(void)
{
	SC_HANDLE m = OpenSCManagerW(NULL, NULL, SC_MANAGER_CONNECT);
	SC_HANDLE s = m ? OpenServiceW(m, svc.name, SERVICE_CHANGE_CONFIG | SERVICE_START) : NULL;
	if (s) {
		set_failure_actions(s);
		CloseServiceHandle(s);
	}
	if (m)
		CloseServiceHandle(m);
}

cg_err cg_service_install(const char *name, const char *display, const char *description,
                          const char *args, cg_buf *why)
{
	wchar_t exe[MAX_PATH + 1];
	DWORD n = GetModuleFileNameW(NULL, exe, MAX_PATH);
	if (!n || n >= MAX_PATH)
		return fail(why, "GetModuleFileName");
	wchar_t *wargs = cg_w_of_utf8(args ? args : "");
	wchar_t *wn = cg_w_of_utf8(name), *wd = cg_w_of_utf8(display),
	        *wdesc = cg_w_of_utf8(description ? description : "");
	size_t len = wcslen(exe) + (wargs ? wcslen(wargs) : 0) + 8;
	wchar_t *cmd = malloc(len * sizeof *cmd);
	cg_err err = CG_OK;
	if (!wargs || !wn || !wd || !wdesc || !cmd) {
		cg_buf_puts(why, "service install: a name or argument is not valid UTF-8");
		err = CG_EINVAL;
		goto out;
	}
	/* the path quoted: "C:\Program Files\..." has a space */
	_snwprintf(cmd, len, L"\"%ls\"%ls%ls", exe, wargs[0] ? L" " : L"", wargs);
	cmd[len - 1] = 0;
	SC_HANDLE m = OpenSCManagerW(NULL, NULL, SC_MANAGER_CREATE_SERVICE);
	if (!m) {
		err = fail(why, "OpenSCManager");
		goto out;
	}
	SC_HANDLE s = CreateServiceW(m, wn, wd, SERVICE_ALL_ACCESS, SERVICE_WIN32_OWN_PROCESS,
	                             SERVICE_AUTO_START, SERVICE_ERROR_NORMAL, cmd, NULL, NULL,
	                             NULL, NULL, NULL);
	if (!s) {
		err = fail(why, "CreateService");
	} else {
		SERVICE_DESCRIPTIONW d = {wdesc};
		ChangeServiceConfig2W(s, SERVICE_CONFIG_DESCRIPTION, &d);
		set_failure_actions(s);
		CloseServiceHandle(s);
	}
	CloseServiceHandle(m);
out:
	free(cmd);
	free(wargs);
	free(wn);
	free(wd);
	free(wdesc);
	return err;
}

cg_err cg_service_uninstall(const char *name, cg_buf *why)
{
	wchar_t *wn = cg_w_of_utf8(name);
	if (!wn)
		return CG_EINVAL;
	cg_err err = CG_OK;
	SC_HANDLE m = OpenSCManagerW(NULL, NULL, SC_MANAGER_CONNECT);
	SC_HANDLE s = m ? OpenServiceW(m, wn, SERVICE_STOP | SERVICE_QUERY_STATUS | DELETE) : NULL;
	if (!s) {
		err = fail(why, m ? "OpenService" : "OpenSCManager");
	} else {
		SERVICE_STATUS st;
		if (ControlService(s, SERVICE_CONTROL_STOP, &st))
			for (int i = 0; i < 300 && st.dwCurrentState != SERVICE_STOPPED; i++) {
				Sleep(100);
				if (!QueryServiceStatus(s, &st))
					break;
			}
		if (!DeleteService(s))
			err = fail(why, "DeleteService");
		CloseServiceHandle(s);
	}
	if (m)
		CloseServiceHandle(m);
	free(wn);
	return err;
}
