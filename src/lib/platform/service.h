/*
 * service.h - Windows only: running a long task as a Windows service
 * (the Service Control Manager), installing and removing it, and writing
 * to the Application event log. On Linux the same job is systemd's
 * (dist/canhgac-agent.service), so there is no Linux implementation.
 *
 * The task is any function that runs until *stop is set: `canhgac.exe
 * agent service` hands it cg_agent_run (src/cmd/cmd_agent_service_win.c),
 * the tests a small loop, so the SCM part is tested under Wine's own
 * service manager without the agent.
 *
 *   SCM "stop" or "shutdown"  -> *stop = 1, STOP_PENDING (30 s hint), and
 *                                STOPPED once the task has returned
 *   the task returns an error -> logged (event log, error), STOPPED with a
 *                                service-specific exit code, which the
 *                                failure actions (set at install and by
 *                                the service at each start) treat as
 *                                a failure: restart after 10 s, 60 s,
 *                                5 min; the count resets after a day
 *   the process crashes       -> the same failure actions
 */
#ifndef CG_PLATFORM_SERVICE_H
#define CG_PLATFORM_SERVICE_H

#include "core/buf.h"

/* The service name the agent registers (and the MSI installs). */
#define CG_SERVICE_NAME "canhgac-agent"

/* Runs until *stop is set; CG_OK for a clean stop. why (4 KiB) says what
 * went wrong otherwise. */
typedef cg_err (*cg_service_task_fn)(void *ctx, volatile int *stop, cg_buf *why);

/* Hands the process to the SCM as service name and runs task in it;
 * returns when the service has stopped (the task's result). CG_EINVAL
 * when the process was not started by the SCM (run from a console). */
cg_err cg_service_dispatch(const char *name, cg_service_task_fn task, void *ctx, cg_buf *why);

/* Registers name: automatic start, LocalSystem, command line = this
 * program's path followed by args (UTF-8, already quoted as needed),
 * description, failure actions (above). CG_ECONFLICT when it exists. */
cg_err cg_service_install(const char *name, const char *display, const char *description,
                          const char *args, cg_buf *why);

/* Stops name (waiting up to 30 s) and deletes it. CG_ENOTFOUND when it
 * is not installed. */
cg_err cg_service_uninstall(const char *name, cg_buf *why);

/* One message in the Application event log under source name. */
typedef enum { CG_SVC_LOG_INFO, CG_SVC_LOG_WARNING, CG_SVC_LOG_ERROR } cg_svc_log_level;
void cg_service_log(const char *name, cg_svc_log_level level, const char *msg);

#endif
