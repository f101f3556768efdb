/*
 * cmd_serve.c - `canhgac serve`: the central server (HTTP API + the
 * dashboard). The work is in src/server/; this file reads the options.
 * `--routes` prints the route table (method, path, who may call it) so
 * tests and operators can see every route the binary serves.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "core/fileio.h"
#include "server/api_agent.h"
#include "server/server.h"

enum { O_LISTEN = 1, O_CERT, O_KEY, O_ROUTES, O_PLAIN, O_WEB_INTERVAL, O_ALERT_CONFIG,
       O_JOB_LEASE };

static const cg_opt opts[] = {
    {"listen", 'l', true, O_LISTEN}, {"tls-cert", 0, true, O_CERT},  {"tls-key", 0, true, O_KEY},
    {"no-tls", 0, false, O_PLAIN},   {"routes", 0, false, O_ROUTES},
    {"web-interval", 0, true, O_WEB_INTERVAL}, {"alert-config", 0, true, O_ALERT_CONFIG},
    {"job-lease", 0, true, O_JOB_LEASE},
    {NULL, 0, false, 0},
};

typedef struct ctx {
	cg_serve_opts o;
	bool routes;
	cg_cli *cli;
} ctx;

static int on_opt(void *p, int id, const char *v)
{
	ctx *c = p;
	switch (id) {
	case O_LISTEN:
		c->o.listen = v;
		break;
	case O_CERT:
		c->o.tls_cert = v;
		break;
	case O_KEY:
		c->o.tls_key = v;
		break;
	case O_PLAIN:
		c->o.plain = true;
		break;
	case O_ROUTES:
		c->routes = true;
		break;
	case O_ALERT_CONFIG:
		c->o.alert_config = v;
		break;
	case O_WEB_INTERVAL: {
		long long n;
		if (!cg_cli_int(c->cli, "web-interval", v, 0, 86400, &n))
			return 1;
		c->o.web_interval_s = (int)n;
		break;
	}
	case O_JOB_LEASE: {
		long long n;
		if (!cg_cli_int(c->cli, "job-lease", v, 2, 3600, &n))
			return 1;
		c->o.job_lease_ms = n * 1000;
		break;
	}
	}
	return 0;
}

int cmd_serve(cg_cli *cli);
int cmd_serve(cg_cli *cli)
{
	ctx c = {.o = {.listen = "127.0.0.1:8443", .web_interval_s = 300}, .cli = cli};
	int rc = cg_cli_parse(cli, opts, on_opt, &c);
	if (rc >= 0)
		return rc;
	if (cli->npos)
		return cg_cli_usage_error(cli, "unexpected argument '%s'", cli->pos[0]);
	if (c.routes) {
		for (int i = 0; i < cg_nroutes; i++)
			printf("%-6s %-28s %s\n", cg_routes[i].method, cg_routes[i].pattern,
			       cg_auth_name(cg_routes[i].auth));
		return CG_EXIT_OK;
	}
	if ((c.o.tls_cert == NULL) != (c.o.tls_key == NULL))
		return cg_cli_usage_error(cli, "--tls-cert and --tls-key go together");
	if (c.o.plain && c.o.tls_cert)
		return cg_cli_usage_error(cli, "--no-tls and --tls-cert contradict each other");
	c.o.data_dir = cli->data_dir;
	char storebuf[4096];
	c.o.store = cg_cli_store_url(cli, storebuf, sizeof storebuf);
	/* the endpoint-agent registry (DATA_DIR/agents.db, api_agent.c) */
	cg_buf why;
	cg_buf_init(&why, 4096);
	if (cg_mkdir_p(cli->data_dir, 0700, &why) || cg_agent_api_init(cli->data_dir, &why)) {
		fprintf(stderr, "canhgac serve: %s\n", cg_buf_cstr(&why));
		cg_buf_free(&why);
		return CG_EXIT_ERROR;
	}
	cg_buf_free(&why);
	rc = cg_serve_run(&c.o);
	cg_agent_api_shutdown();
	return rc;
}
