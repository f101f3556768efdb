/*
 * cmd_serve.c - `canhgac serve`: the central server (HTTP API + the
 * dashboard). The work is in src/server/; this file reads the options.
 * `--routes` prints the route table (method, path, who may call it) so
 * tests and operators can see every route the binary serves.
 * `--config FILE` reads the same options from an INI file
 * (src/server/serve_config.h); the command line wins over it.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "core/fileio.h"
#include "core/limits.h"
#include "core/log.h"
#include "server/serve_config.h"
#include "server/server.h"

enum {
	O_LISTEN = 1,
	O_CERT,
	O_KEY,
	O_ROUTES,
	O_PLAIN,
	O_WEB_INTERVAL,
	O_ALERT_CONFIG,
	O_CONFIG,
	O_JOB_LEASE,
	O_TRUSTED_PROXY,
	O_RETENTION,
	O_LOG_FORMAT,
	O_XP_INTERVAL,
	O_XP_INTERVAL_L3
};

static const cg_opt opts[] = {
    {"listen", 'l', true, O_LISTEN},
    {"tls-cert", 0, true, O_CERT},
    {"tls-key", 0, true, O_KEY},
    {"no-tls", 0, false, O_PLAIN},
    {"routes", 0, false, O_ROUTES},
    {"web-interval", 0, true, O_WEB_INTERVAL},
    {"alert-config", 0, true, O_ALERT_CONFIG},
    {"config", 'c', true, O_CONFIG},
    {"job-lease", 0, true, O_JOB_LEASE},
    {"trusted-proxy", 0, true, O_TRUSTED_PROXY},
    {"retention-months", 0, true, O_RETENTION},
    {"log-format", 0, true, O_LOG_FORMAT},
    {"exposure-interval", 0, true, O_XP_INTERVAL},
    {"exposure-interval-level3", 0, true, O_XP_INTERVAL_L3},
    {NULL, 0, false, 0},
};

typedef struct ctx {
	cg_serve_opts o;
	bool routes;
	bool listen_given, tls_given, lease_given, retention_given;
	int log_json; /* --log-format: -1 not given, 0 text, 1 json */
	cg_cli *cli;
} ctx;

static int on_opt(void *p, int id, const char *v)
{
	ctx *c = p;
	switch (id) {
	case O_LISTEN:
		c->o.listen = v;
		c->listen_given = true;
		break;
	case O_CERT:
		c->o.tls_cert = v;
		c->tls_given = true;
		break;
	case O_KEY:
		c->o.tls_key = v;
		c->tls_given = true;
		break;
	case O_PLAIN:
		c->o.plain = true;
		c->tls_given = true;
		break;
	case O_ROUTES:
		c->routes = true;
		break;
	case O_XP_INTERVAL:
	case O_XP_INTERVAL_L3: {
		long long n;
		bool l3 = id == O_XP_INTERVAL_L3;
		if (!cg_cli_int(c->cli, l3 ? "exposure-interval-level3" : "exposure-interval", v,
		                l3 ? 1 : 0, CG_XP_PERIOD_MAX_DAYS, &n))
			return 1;
		*(l3 ? &c->o.exposure_days_l3 : &c->o.exposure_days) = (int)n;
		c->o.fixed |= l3 ? CG_SERVE_FIXED_XP_L3 : CG_SERVE_FIXED_XP;
		break;
	}
	case O_ALERT_CONFIG:
		c->o.alert_config = v;
		c->o.fixed |= CG_SERVE_FIXED_ALERTS;
		break;
	case O_CONFIG:
		c->o.config = v;
		break;
	case O_WEB_INTERVAL: {
		long long n;
		if (!cg_cli_int(c->cli, "web-interval", v, 0, 86400, &n))
			return 1;
		c->o.web_interval_s = (int)n;
		c->o.fixed |= CG_SERVE_FIXED_WEB_INTERVAL;
		break;
	}
	case O_JOB_LEASE: {
		long long n;
		if (!cg_cli_int(c->cli, "job-lease", v, 2, 3600, &n))
			return 1;
		c->o.job_lease_ms = n * 1000;
		c->lease_given = true;
		break;
	}
	case O_TRUSTED_PROXY:
		c->o.trusted_proxy = v;
		break;
	case O_LOG_FORMAT: {
		int j = cg_serve_log_format_parse(v);
		if (j < 0) {
			cg_cli_usage_error(c->cli, "--log-format must be text or json, not '%s'",
			                   v);
			return 1;
		}
		c->log_json = j;
		c->o.fixed |= CG_SERVE_FIXED_LOG_FORMAT;
		break;
	}
	case O_RETENTION: {
		long long n;
		if (!cg_cli_int(c->cli, "retention-months", v, 0, CG_RETENTION_MONTHS_MAX, &n))
			return 1;
		c->o.retention_months = (int)n;
		c->retention_given = true;
		break;
	}
	}
	return 0;
}

/* Fills what the command line did not say from the --config file. */
static int apply_config(ctx *c, cg_serve_config *f)
{
	cg_buf why;
	cg_buf_init(&why, 4096);
	if (cg_serve_config_load(c->o.config, f, &why)) {
		/* a bad option value: refused before anything is written */
		cg_cli_usage_error(c->cli, "--config: %s", cg_buf_cstr(&why));
		cg_buf_free(&why);
		return CG_EXIT_ERROR;
	}
	cg_buf_free(&why);
	if (c->listen_given)
		c->o.fixed |= CG_SERVE_FIXED_LISTEN;
	if (c->cli->data_dir_given)
		c->o.fixed |= CG_SERVE_FIXED_DATA_DIR;
	if (c->tls_given)
		c->o.fixed |= CG_SERVE_FIXED_TLS;
	if (f->listen && !c->listen_given)
		c->o.listen = f->listen;
	if (f->data_dir && !c->cli->data_dir_given)
		c->cli->data_dir = f->data_dir;
	if (f->store && !c->cli->store) /* --store, then $CANHGAC_STORE, win */
		c->cli->store = f->store;
	if (f->tls_cert && !c->o.tls_cert && !c->tls_given) {
		c->o.tls_cert = f->tls_cert;
		c->o.tls_key = f->tls_key;
	}
	if (f->tls == 0 && !c->o.tls_cert)
		c->o.plain = true;
	if (f->web_interval_s >= 0 && !(c->o.fixed & CG_SERVE_FIXED_WEB_INTERVAL))
		c->o.web_interval_s = f->web_interval_s;
	if (f->xp_days >= 0 && !(c->o.fixed & CG_SERVE_FIXED_XP))
		c->o.exposure_days = f->xp_days;
	if (f->xp_days_l3 > 0 && !(c->o.fixed & CG_SERVE_FIXED_XP_L3))
		c->o.exposure_days_l3 = f->xp_days_l3;
	if (f->job_lease_s > 0 && !c->lease_given)
		c->o.job_lease_ms = f->job_lease_s * 1000;
	if (f->retention_months >= 0 && !c->retention_given)
		c->o.retention_months = f->retention_months;
	if (f->trusted_proxy && !c->o.trusted_proxy)
		c->o.trusted_proxy = f->trusted_proxy;
	if (f->alert_config && !(c->o.fixed & CG_SERVE_FIXED_ALERTS))
		c->o.alert_config = f->alert_config;
	c->o.backup = f->backup;
	c->o.reports = f->reports;
	c->o.fwd = f->fwd;
	c->o.nfwd = f->nfwd;
	c->o.intel = f->intel;
	c->o.nintel = f->nintel;
	c->o.misp = f->misp;
	c->o.nmisp = f->nmisp;
	c->o.national = f->national;
	if (c->cli->verbosity != 0)
		c->o.fixed |= CG_SERVE_FIXED_LOG_LEVEL;
	else if (f->log_level >= 0)
		cg_log_set_threshold((cg_log_level)f->log_level);
	if (f->log_json >= 0 && !(c->o.fixed & CG_SERVE_FIXED_LOG_FORMAT))
		cg_log_set_json(f->log_json == 1);
	return -1;
}

static int serve(ctx *cp, cg_cli *cli)
{
	ctx c = *cp;
	if (c.routes) {
		for (int i = 0; i < cg_route_count(); i++) {
			const cg_route *r = cg_route_at(i);
			char word[128];
			printf("%-6s %-36s %s\n", r->method, r->pattern,
			       cg_route_auth_word(r, word, sizeof word));
		}
		return CG_EXIT_OK;
	}
	if ((c.o.tls_cert == NULL) != (c.o.tls_key == NULL))
		return cg_cli_usage_error(cli, "--tls-cert and --tls-key go together");
	if (c.o.plain && c.o.tls_cert)
		return cg_cli_usage_error(cli, "--no-tls and --tls-cert contradict each other");
	c.o.data_dir = cli->data_dir;
	/* Every option is checked before the data dir is created or a store
	 * opened: a refused start leaves nothing behind. */
	switch (cg_serve_check_opts(&c.o)) {
	case CG_SERVE_BAD_LISTEN:
		return cg_cli_usage_error(cli, "--listen %s: expected ADDR:PORT", c.o.listen);
	case CG_SERVE_PLAIN_NOT_LOOPBACK:
		return cg_cli_usage_error(cli,
		                          "refusing plain HTTP on %s: --no-tls is only allowed on "
		                          "a loopback address; use TLS",
		                          c.o.listen);
	case CG_SERVE_BAD_PROXY:
		return cg_cli_usage_error(cli,
		                          "--trusted-proxy %s: expected an address or CIDR range",
		                          c.o.trusted_proxy);
	case CG_SERVE_OPTS_OK:
		break;
	}
	const char *files[][2] = {{"tls-cert", c.o.tls_cert},
	                          {"tls-key", c.o.tls_key},
	                          {"alert-config", c.o.alert_config}};
	for (size_t i = 0; i < sizeof files / sizeof *files; i++)
		if (files[i][1] && access(files[i][1], R_OK) != 0)
			return cg_cli_usage_error(cli, "--%s %s: %s", files[i][0], files[i][1],
			                          cg_tr(strerror(errno)));
	char storebuf[4096];
	c.o.store = cg_cli_store_url(cli, storebuf, sizeof storebuf);
	return cg_serve_run(&c.o);
}

int cmd_serve(cg_cli *cli);
int cmd_serve(cg_cli *cli)
{
	ctx c = {.o = {.listen = "127.0.0.1:8443",
	               .web_interval_s = CG_SERVE_WEB_INTERVAL_S,
	               .exposure_days = CG_XP_PERIOD_DAYS,
	               .exposure_days_l3 = CG_XP_PERIOD_L3_DAYS},
	         .cli = cli,
	         .log_json = -1};
	int rc = cg_cli_parse(cli, opts, on_opt, &c);
	if (rc >= 0)
		return rc;
	/* after the parser, which sets up the log (--json) when it ends */
	if (c.log_json >= 0)
		cg_log_set_json(c.log_json == 1);
	if (cli->npos)
		return cg_cli_usage_error(cli, "unexpected argument '%s'", cli->pos[0]);
	/* the file's strings live until serve returns */
	cg_serve_config file = {0};
	if (c.o.config && (rc = apply_config(&c, &file)) >= 0)
		return rc;
	rc = serve(&c, cli);
	cg_serve_config_free(&file);
	return rc;
}
