/*
 * proc_win.c - see proc.h: RtlGetVersion (ntdll, looked up at run time:
 * GetVersionEx reports the version the manifest claims), OpenProcess,
 * SetConsoleCtrlHandler, Sleep.
 */
#include "platform/proc.h"

#include <stdio.h>
#include <windows.h>

typedef LONG(WINAPI *rtl_get_version_fn)(OSVERSIONINFOW *);

void cg_os_describe(char *out, size_t size)
{
	OSVERSIONINFOW v = {.dwOSVersionInfoSize = sizeof v};
	HMODULE nt = GetModuleHandleW(L"ntdll.dll");
	rtl_get_version_fn fn =
	    nt ? (rtl_get_version_fn)(void (*)(void))GetProcAddress(nt, "RtlGetVersion") : NULL;
	if (fn && fn(&v) == 0)
		snprintf(out, size, "Windows %lu.%lu.%lu x86_64", (unsigned long)v.dwMajorVersion,
		         (unsigned long)v.dwMinorVersion, (unsigned long)v.dwBuildNumber);
	else
		snprintf(out, size, "Windows x86_64");
}

bool cg_pid_alive(long pid)
{
	if (pid <= 0)
		return false;
	HANDLE h = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, (DWORD)pid);
	if (!h)
		return GetLastError() == ERROR_ACCESS_DENIED; /* exists, not ours */
	DWORD code = 0;
	bool alive = GetExitCodeProcess(h, &code) && code == STILL_ACTIVE;
	CloseHandle(h);
	return alive;
}

long cg_pid_self(void)
{
	return (long)GetCurrentProcessId();
}

static volatile int *stop_flag;

/* Runs on a thread the system starts: only sets the flag the loop polls. */
static BOOL WINAPI on_ctrl(DWORD type)
{
	(void)type;
	if (stop_flag)
		*stop_flag = 1;
	return TRUE;
}

void cg_stop_on_signals(volatile int *flag)
{
	stop_flag = flag;
	SetConsoleCtrlHandler(on_ctrl, TRUE);
}

void cg_sleep_ms(int ms)
{
	Sleep(ms > 0 ? (DWORD)ms : 0);
}
