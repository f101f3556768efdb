/*
 * proc_linux.c - see proc.h: uname, kill(pid, 0), sigaction, poll.
 */
#include "platform/proc.h"

#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

void cg_os_describe(char *out, size_t size)
{
	struct utsname u;
	if (uname(&u) == 0)
		snprintf(out, size, "%s %s %s", u.sysname, u.release, u.machine);
	else
		snprintf(out, size, "unknown");
}

bool cg_pid_alive(long pid)
{
	return pid > 0 && kill((pid_t)pid, 0) == 0;
}

long cg_pid_self(void)
{
	return (long)getpid();
}

static volatile int *stop_flag;

static void on_signal(int sig)
{
	(void)sig;
	if (stop_flag)
		*stop_flag = 1;
}

void cg_stop_on_signals(volatile int *flag)
{
	stop_flag = flag;
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

void cg_sleep_ms(int ms)
{
	poll(NULL, 0, ms);
}
