/*
 * proc.h - the process-level facts and controls the agent needs on every
 * platform.
 *
 * cg_os_describe: "Linux 6.1.0 x86_64" (uname) or "Windows 10.0.19045
 * x86_64" (RtlGetVersion, which tells the truth where GetVersionEx lies),
 * for the endpoint inventory.
 *
 * cg_pid_alive: whether a process with that id runs (`agent status`
 * reads the pid the running agent wrote into state.json). Linux: kill(pid,
 * 0); Windows: OpenProcess and its exit code.
 *
 * cg_stop_on_signals: the agent stops cleanly when asked: Linux SIGTERM
 * and SIGINT (SIGPIPE ignored: a vanished server is an error return, not
 * a death); Windows Ctrl-C, Ctrl-Break and the console's close (the
 * service's stop request is the service layer's, which sets the same flag).
 *
 * cg_sleep_ms: waits, for a loop with nothing to wait on.
 */
#ifndef CG_PLATFORM_PROC_H
#define CG_PLATFORM_PROC_H

#include <stdbool.h>
#include <stddef.h>

void cg_os_describe(char *out, size_t size);
bool cg_pid_alive(long pid);
long cg_pid_self(void);
/* *flag is set to 1 by the handler; the caller polls it. */
void cg_stop_on_signals(volatile int *flag);
void cg_sleep_ms(int ms);

#endif
