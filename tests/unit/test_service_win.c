/*
 * test_service_win.c - platform/service.h under Wine's own service
 * manager (services.exe): this program installs itself as a service with
 * a small task (it writes "running" to a marker file, waits for the stop
 * flag, writes "stopped"), starts it through the SCM, stops it, reads the
 * recovery settings back and removes it. The agent's `agent service`
 * hands the same functions cg_agent_run instead of the small task.
 * Windows build only (win/meson.build).
 */
#include <windows.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/event.h"
#include "core/fileio.h"
#include "platform/service.h"
#include "test.h"

#define NAME "cg-test-svc"

static cg_err task(void *ctx, volatile int *stop, cg_buf *why)
{
	const char *marker = ctx;
	cg_write_file_atomic(marker, "running\n", 8, 0644, NULL);
	while (!*stop)
		Sleep(50);
	cg_write_file_atomic(marker, "stopped\n", 8, 0644, NULL);
	(void)why;
	return CG_OK;
}

static char marker[1024];

static bool marker_is(const char *want, int ms)
{
	for (int i = 0; i < ms / 100; i++) {
		cg_buf b;
		cg_buf_init(&b, 64);
		bool ok =
		    cg_read_file(marker, &b, NULL) == CG_OK && strcmp(cg_buf_cstr(&b), want) == 0;
		cg_buf_free(&b);
		if (ok)
			return true;
		Sleep(100);
	}
	return false;
}

static DWORD state_of(SC_HANDLE s)
{
	SERVICE_STATUS st;
	return QueryServiceStatus(s, &st) ? st.dwCurrentState : 0;
}

static bool wait_state(SC_HANDLE s, DWORD want, int ms)
{
	for (int i = 0; i < ms / 100; i++) {
		if (state_of(s) == want)
			return true;
		Sleep(100);
	}
	printf("# state %lu after %d ms, not %lu\n", state_of(s), ms, want);
	return false;
}

/* Asks the service to stop. Wine's service manager gives a control up
 * when the service does not answer within its time (a busy machine:
 * ERROR_SERVICE_REQUEST_TIMEOUT) and the control may still arrive: asked
 * again until it is taken or the service is stopping. */
static bool request_stop(SC_HANDLE s, int ms)
{
	DWORD e = 0;
	for (int i = 0; i < ms / 250; i++) {
		SERVICE_STATUS st;
		if (ControlService(s, SERVICE_CONTROL_STOP, &st))
			return true;
		e = GetLastError();
		DWORD now = state_of(s);
		if (now == SERVICE_STOP_PENDING || now == SERVICE_STOPPED)
			return true;
		if (e != ERROR_SERVICE_REQUEST_TIMEOUT && e != ERROR_SERVICE_CANNOT_ACCEPT_CTRL)
			break;
		Sleep(250);
	}
	printf("# stop refused (error %lu)\n", e);
	return false;
}

TEST(console_is_refused)
{
	cg_buf why;
	cg_buf_init(&why, 4096);
	CHECK(cg_service_dispatch(NAME, task, marker, &why) == CG_EINVAL);
	CHECK(strstr(cg_buf_cstr(&why), "not started by the service manager") != NULL);
	cg_buf_free(&why);
}

TEST(install_start_stop_remove)
{
	cg_buf why;
	cg_buf_init(&why, 4096);
	char args[1200];
	snprintf(args, sizeof args, "svc \"%s\"", marker);
	cg_service_uninstall(NAME, &why); /* a leftover of an interrupted run */
	cg_buf_reset(&why);
	cg_err err = cg_service_install(NAME, "canhgac test service", "test", args, &why);
	CHECK(err == CG_OK);
	if (err)
		printf("# install: %s\n", cg_buf_cstr(&why));
	cg_buf_reset(&why);
	CHECK(cg_service_install(NAME, "again", "", args, &why) == CG_ECONFLICT);
	SC_HANDLE m = OpenSCManagerW(NULL, NULL, SC_MANAGER_CONNECT);
	SC_HANDLE s = m ? OpenServiceW(m, L"" NAME, SERVICE_ALL_ACCESS) : NULL;
	CHECK(s != NULL);
	if (s) {
		/* the start type and the recovery settings, as registered */
		BYTE buf[8192];
		DWORD need = 0;
		QUERY_SERVICE_CONFIGW *qc = (QUERY_SERVICE_CONFIGW *)buf;
		CHECK(QueryServiceConfigW(s, qc, sizeof buf, &need));
		CHECK(qc->dwStartType == SERVICE_AUTO_START);
		CHECK(wcsstr(qc->lpBinaryPathName, L" svc ") != NULL);
		SERVICE_FAILURE_ACTIONSW *fa = (SERVICE_FAILURE_ACTIONSW *)buf;
		if (QueryServiceConfig2W(s, SERVICE_CONFIG_FAILURE_ACTIONS, buf, sizeof buf,
		                         &need)) {
			CHECK(fa->cActions == 3 && fa->lpsaActions &&
			      fa->lpsaActions[0].Type == SC_ACTION_RESTART &&
			      fa->lpsaActions[0].Delay == 10000 && fa->dwResetPeriod == 86400);
		} else {
			printf("# failure actions not readable here (error %lu)\n", GetLastError());
		}
		CHECK(StartServiceW(s, 0, NULL));
		CHECK(wait_state(s, SERVICE_RUNNING, 20000));
		CHECK(marker_is("running\n", 20000));
		CHECK(request_stop(s, 60000));
		CHECK(wait_state(s, SERVICE_STOPPED, 60000));
		CHECK(marker_is("stopped\n", 5000));
		CloseServiceHandle(s);
	}
	if (m)
		CloseServiceHandle(m);
	cg_buf_reset(&why);
	CHECK(cg_service_uninstall(NAME, &why) == CG_OK);
	cg_buf_reset(&why);
	CHECK(cg_service_uninstall(NAME, &why) == CG_ENOTFOUND);
	cg_service_log(NAME, CG_SVC_LOG_INFO, "test_service_win: event log reached");
	cg_buf_free(&why);
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "svc") == 0) {
		snprintf(marker, sizeof marker, "%s", argv[2]);
		cg_buf why;
		cg_buf_init(&why, 4096);
		cg_err err = cg_service_dispatch(NAME, task, marker, &why);
		cg_buf_free(&why);
		return err ? 2 : 0;
	}
	const char *tmp = getenv("TEMP");
	char id[33];
	cg_event_new_id(id);
	snprintf(marker, sizeof marker, "%s/cg-svc-%s.txt", tmp ? tmp : "C:/windows/temp", id);
	RUN(console_is_refused);
	RUN(install_start_stop_remove);
	remove(marker);
	return test_done();
}
