/*
 * cmd_agent_service_win.c - `canhgac.exe agent service [install|uninstall]`:
 * the agent as a Windows service (platform/service.h).
 *
 *   agent service             run under the SCM (the service's command
 *                             line): cg_agent_run until the SCM stops it
 *   agent service install     register the service "canhgac-agent"
 *                             (automatic start, LocalSystem, restart on
 *                             failure) with this program's path and the
 *                             given --data-dir/--config; the MSI does the
 *                             same through its ServiceInstall table
 *   agent service uninstall   stop and remove it
 *
 * It runs the same agent loop (agent/agent.c) as `agent run`. A service
 * has no standard error, so under the SCM the log goes to DATA\agent.log
 * (C:\ProgramData\canhgac\agent\agent.log from the MSI), JSON lines
 * with their time, at least the info level, kept under
 * CG_MAX_SERVICE_LOG (then agent.log.1); start, stop and errors also go
 * to the Application event log.
 */
#include <windows.h>

#include <stdio.h>
#include <string.h>

#include "agent/agent.h"
#include "cli.h"
#include "core/limits.h"
#include "core/log.h"
#include "platform/service.h"
#include "version.h"

enum { O_CONFIG = 1 };

static const cg_opt service_opts[] = {
    {"config", 'c', true, O_CONFIG},
    {NULL, 0, false, 0},
};

typedef struct svc_opts {
	const char *config;
	const char *data_dir;
} svc_opts;

static int on_opt(void *ctx, int id, const char *value)
{
	svc_opts *o = ctx;
	if (id == O_CONFIG)
		o->config = value;
	return 0;
}

static cg_err run_agent(void *ctx, volatile int *stop, cg_buf *why)
{
	svc_opts *o = ctx;
	/* under the SCM now (from a console the dispatcher refuses first, on
	 * standard error) */
	char logp[4096];
	snprintf(logp, sizeof logp, "%s/agent.log", o->data_dir);
	if (cg_log_threshold() < CG_LOG_INFO)
		cg_log_set_threshold(CG_LOG_INFO);
	cg_log_set_json(true);
	if (cg_log_to_file(logp, CG_MAX_SERVICE_LOG) != CG_OK)
		cg_service_log(CG_SERVICE_NAME, CG_SVC_LOG_WARNING,
		               "cannot open the service log file: no log but this one");
	cg_info("service: %s %s started (pid %lu, data %s)", CG_SERVICE_NAME, CG_VERSION,
	        (unsigned long)GetCurrentProcessId(), o->data_dir);
	cg_agent_run_opts ro = {.data_dir = o->data_dir, .config = o->config, .stop = stop};
	return cg_agent_run(&ro, why);
}

int cmd_agent_service(cg_cli *cli)
{
	svc_opts o = {0};
	int rc = cg_cli_parse(cli, service_opts, on_opt, &o);
	if (rc >= 0)
		return rc;
	o.data_dir = cli->data_dir;
	const char *what = cli->npos ? cli->pos[0] : "";
	if (cli->npos > 1)
		return cg_cli_usage_error(cli, "unexpected argument '%s'", cli->pos[1]);
	cg_buf why;
	cg_buf_init(&why, 4096);
	cg_err err;
	if (strcmp(what, "install") == 0) {
		char args[2048];
		int n = snprintf(args, sizeof args, "agent service --data-dir \"%s\"%s%s%s",
		                 o.data_dir, o.config ? " --config \"" : "",
		                 o.config ? o.config : "", o.config ? "\"" : "");
		if (n < 0 || (size_t)n >= sizeof args || strchr(o.data_dir, '"') ||
		    (o.config && strchr(o.config, '"'))) {
			cg_buf_free(&why);
			return cg_cli_usage_error(cli, "--data-dir or --config too long or quoted");
		}
		err = cg_service_install(CG_SERVICE_NAME, "canhgac agent",
		                         "canhgac endpoint agent: file integrity, malware and "
		                         "state-secret scans, account audit, antivirus state",
		                         args, &why);
		if (!err)
			printf("service %s installed (data: %s)\n", CG_SERVICE_NAME, o.data_dir);
	} else if (strcmp(what, "uninstall") == 0) {
		err = cg_service_uninstall(CG_SERVICE_NAME, &why);
		if (!err)
			printf("service %s removed\n", CG_SERVICE_NAME);
	} else if (!what[0]) {
		err = cg_service_dispatch(CG_SERVICE_NAME, run_agent, &o, &why);
	} else {
		cg_buf_free(&why);
		return cg_cli_usage_error(cli, "unknown action '%s' (install, uninstall or none)",
		                          what);
	}
	if (err)
		cg_cli_error(cli, "%s", why.len ? cg_buf_cstr(&why) : cg_strerror(err));
	cg_buf_free(&why);
	return err ? CG_EXIT_ERROR : CG_EXIT_OK;
}
