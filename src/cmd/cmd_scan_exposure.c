/*
 * cmd_scan_exposure.c - `canhgac scan exposure`: a thin shell over the
 * exposure engine (src/lib/exposure/exposure.h). It parses the options
 * and targets, loads the templates (the shipped rules/exposure/ unless
 * --templates says otherwise), and prints what the engine reports: a
 * table, or with --json one object a line ("finding", "skipped",
 * "request" with --dry-run) and a final "summary".
 *
 * Every target and option is checked before anything is sent. A target
 * that cannot be parsed or a template that does not load is an error
 * (exit 2) but the others still run.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "core/event.h"
#include "core/json.h"
#include "core/limits.h"
#include "core/rulesdir.h"
#include "exposure/exposure.h"

#define MAX_TEMPLATE_DIRS 16

enum {
	OPT_TEMPLATES = 1,
	OPT_RATE,
	OPT_HOST_RATE,
	OPT_PARALLEL,
	OPT_TIMEOUT,
	OPT_MAX_HOSTS,
	OPT_DRY_RUN,
	OPT_PORTS,
	OPT_NO_TLS,
	OPT_VULN_FEED,
	OPT_KEV,
	OPT_CREDENTIALS,
};

static const cg_opt xp_opts[] = {
    {"templates", 0, true, OPT_TEMPLATES},
    {"rate", 0, true, OPT_RATE},
    {"host-rate", 0, true, OPT_HOST_RATE},
    {"parallel", 0, true, OPT_PARALLEL},
    {"timeout", 0, true, OPT_TIMEOUT},
    {"max-hosts", 0, true, OPT_MAX_HOSTS},
    {"dry-run", 0, false, OPT_DRY_RUN},
    {"ports", 0, true, OPT_PORTS},
    {"no-tls", 0, false, OPT_NO_TLS},
    {"vuln-feed", 0, true, OPT_VULN_FEED},
    {"kev", 0, true, OPT_KEV},
    {"credentials", 0, false, OPT_CREDENTIALS},
    {NULL, 0, false, 0},
};

typedef struct xctx {
	cg_cli *cli;
	cg_xp_opts o;
	const char *dirs[MAX_TEMPLATE_DIRS];
	size_t ndirs;
	size_t max_hosts;
	cg_xtpl **tpls;
	size_t ntpls, cap;
	const char *ports;
	uint16_t *portv;
	const char *feeds[MAX_TEMPLATE_DIRS];
	size_t nfeeds;
	const char *kev;
	cg_xfeed feed;
	bool creds;
	cg_xdevices devices;
	size_t skipped, errors, findings, requests;
	cg_buf line;
} xctx;

static int on_opt(void *ctx, int id, const char *v)
{
	xctx *x = ctx;
	long long n;
	switch (id) {
	case OPT_TEMPLATES:
		if (x->ndirs >= MAX_TEMPLATE_DIRS) {
			cg_cli_usage_error(x->cli, "at most %d --templates directories",
			                   MAX_TEMPLATE_DIRS);
			return 1;
		}
		x->dirs[x->ndirs++] = v;
		return 0;
	case OPT_RATE:
		if (!cg_cli_int(x->cli, "rate", v, 0, 100000, &n))
			return 1;
		x->o.http.rate = (double)n;
		return 0;
	case OPT_HOST_RATE:
		if (!cg_cli_int(x->cli, "host-rate", v, 0, 100000, &n))
			return 1;
		x->o.http.per_host_rate = (double)n;
		return 0;
	case OPT_PARALLEL:
		if (!cg_cli_int(x->cli, "parallel", v, 1, CG_XP_MAX_PARALLEL, &n))
			return 1;
		x->o.http.parallel = (int)n;
		return 0;
	case OPT_TIMEOUT:
		if (!cg_cli_int(x->cli, "timeout", v, 1, 600, &n))
			return 1;
		x->o.http.timeout_ms = (long)n * 1000;
		return 0;
	case OPT_MAX_HOSTS:
		if (!cg_cli_int(x->cli, "max-hosts", v, 1, CG_XP_MAX_HOSTS, &n))
			return 1;
		x->max_hosts = (size_t)n;
		return 0;
	case OPT_DRY_RUN:
		x->o.dry_run = true;
		return 0;
	case OPT_PORTS:
		x->ports = v;
		return 0;
	case OPT_NO_TLS:
		x->o.tls = false;
		return 0;
	case OPT_VULN_FEED:
		if (x->nfeeds >= MAX_TEMPLATE_DIRS) {
			cg_cli_usage_error(x->cli, "at most %d --vuln-feed files",
			                   MAX_TEMPLATE_DIRS);
			return 1;
		}
		x->feeds[x->nfeeds++] = v;
		return 0;
	case OPT_KEV:
		x->kev = v;
		return 0;
	case OPT_CREDENTIALS:
		x->creds = true;
		return 0;
	}
	return 1;
}

static void print_json(xctx *x, json_t *o)
{
	cg_buf_reset(&x->line);
	cg_json_encode(&x->line, o);
	puts(cg_buf_cstr(&x->line));
	json_decref(o);
}

static void on_tpl(cg_xtpl *t, void *ctx)
{
	xctx *x = ctx;
	if (t->skip[0]) {
		x->skipped++;
		if (x->cli->json)
			print_json(x, json_pack("{s:s,s:o,s:o,s:o}", "type", "skipped", "template",
			                        cg_json_cstr(t->id), "file", cg_json_cstr(t->file),
			                        "reason", cg_json_cstr(t->skip)));
		else
			printf(cg_tr("skipped   %s (%s): %s\n"), t->id, t->file, t->skip);
		cg_xtpl_free(t);
		return;
	}
	if (x->ntpls == x->cap) {
		size_t nc = x->cap ? x->cap * 2 : 64;
		cg_xtpl **n = realloc(x->tpls, nc * sizeof *n);
		if (!n) {
			cg_xtpl_free(t);
			return;
		}
		x->tpls = n;
		x->cap = nc;
	}
	x->tpls[x->ntpls++] = t;
}

static void on_bad(const char *why, void *ctx)
{
	xctx *x = ctx;
	x->errors++;
	cg_cli_error(x->cli, "template %s", why);
}

static void on_finding(const cg_event *ev, const char *target, const char *check, void *ctx)
{
	xctx *x = ctx;
	x->findings++;
	if (x->cli->json) {
		cg_buf_reset(&x->line);
		if (cg_event_encode(ev, &x->line) == CG_OK && x->line.len > 1) {
			x->line.len--; /* reopen the object to add the scan's fields */
			cg_buf_puts(&x->line, ",\"type\":\"finding\",\"target\":");
			cg_json_quote(&x->line, cg_slice_cstr(target));
			cg_buf_puts(&x->line, ",\"check\":");
			cg_json_quote(&x->line, cg_slice_cstr(check));
			cg_buf_puts(&x->line, "}");
			puts(cg_buf_cstr(&x->line));
		}
		return;
	}
	cg_buf_reset(&x->line);
	cg_utf8_sanitize(&x->line, cg_slice_cstr(ev->summary));
	printf("%-8s  %-24s  %s\n          %s\n", cg_severity_name(ev->severity), ev->kind,
	       ev->subject ? ev->subject : target, cg_buf_cstr(&x->line));
}

static void on_error(const char *target, const char *msg, const char *detail, void *ctx)
{
	xctx *x = ctx;
	x->errors++;
	cg_cli_error(x->cli, "%s: %s (%s)", target, cg_tr(msg), detail);
}

static void on_port(const char *host, const cg_xport_result *r, void *ctx)
{
	xctx *x = ctx;
	if (x->cli->json) {
		json_t *o = json_pack("{s:s,s:o,s:i,s:s,s:o}", "type", "open_port", "host",
		                      cg_json_cstr(host), "port", (int)r->port, "service",
		                      r->service, "banner", cg_json_cstr(r->banner));
		if (o && r->version[0])
			json_object_set_new(o, "version", cg_json_cstr(r->version));
		print_json(x, o);
	} else {
		cg_buf_reset(&x->line);
		cg_utf8_sanitize(&x->line, cg_slice_cstr(r->banner));
		printf("open      %s:%u  %s  %s\n", host, (unsigned)r->port, r->service,
		       cg_buf_cstr(&x->line));
	}
}

static void on_request(const char *method, const char *url, const char *check, void *ctx)
{
	xctx *x = ctx;
	x->requests++;
	if (x->cli->json)
		print_json(x, json_pack("{s:s,s:s,s:o,s:o}", "type", "request", "method", method,
		                        "url", cg_json_cstr(url), "check", cg_json_cstr(check)));
	else
		printf("%-4s %s  (%s)\n", method, url, check);
}

int cmd_scan_exposure(cg_cli *cli)
{
	xctx x = {.cli = cli, .max_hosts = CG_XP_DEFAULT_MAX_HOSTS};
	cg_xp_opts_default(&x.o);
	int rc = cg_cli_parse(cli, xp_opts, on_opt, &x);
	if (rc >= 0)
		return rc;
	if (cli->npos == 0)
		return cg_cli_usage_error(cli, "no target given");
	if (x.ports) {
		cg_buf pw;
		cg_buf_init(&pw, 512);
		if (cg_xports_parse(x.ports, &x.portv, &x.o.nports, &pw)) {
			rc = cg_cli_usage_error(cli, "%s", cg_buf_cstr(&pw));
			cg_buf_free(&pw);
			return rc;
		}
		cg_buf_free(&pw);
		x.o.ports = x.portv;
	}
	for (size_t i = 0; i < x.ndirs; i++)
		if (access(x.dirs[i], R_OK) != 0)
			return cg_cli_usage_error(cli, "--templates %s: %s", x.dirs[i],
			                          cg_tr(strerror(errno)));
	for (size_t i = 0; i < x.nfeeds; i++)
		if (access(x.feeds[i], R_OK) != 0)
			return cg_cli_usage_error(cli, "--vuln-feed %s: %s", x.feeds[i],
			                          cg_tr(strerror(errno)));
	if (x.kev && access(x.kev, R_OK) != 0)
		return cg_cli_usage_error(cli, "--kev %s: %s", x.kev, cg_tr(strerror(errno)));
	if (x.kev && !x.nfeeds)
		return cg_cli_usage_error(cli, "--kev needs --vuln-feed");
	/* targets: a bad one among good ones is an error for itself, the rest
	 * still run; with no good one at all it is bad usage */
	cg_xtargets ts = {0};
	cg_buf why;
	cg_buf_init(&why, 4096);
	size_t bad = 0;
	const char *first_bad = NULL;
	for (int i = 0; i < cli->npos; i++) {
		if (cg_xtargets_add(&ts, cli->pos[i], x.max_hosts, &why)) {
			if (!first_bad)
				first_bad = cli->pos[i];
			bad++;
		}
	}
	if (ts.n == 0) {
		cg_xtargets_add(&ts, first_bad, x.max_hosts, &why);
		rc = cg_cli_usage_error(cli, "%s", cg_buf_cstr(&why));
		cg_buf_free(&why);
		cg_xtargets_free(&ts);
		free(x.portv);
		return rc;
	}
	for (int i = 0; bad && i < cli->npos; i++) {
		cg_xtargets tmp = {0};
		if (cg_xtargets_add(&tmp, cli->pos[i], x.max_hosts, &why)) {
			x.errors++;
			cg_cli_error(cli, "%s", cg_buf_cstr(&why));
		}
		cg_xtargets_free(&tmp);
	}
	cg_buf_init(&x.line, CG_MAX_EVENT_JSON + 8192);
	char base[4096];
	if (x.ndirs == 0) {
		if (cg_rules_dir("exposure", base, sizeof base)) {
			rc = cg_cli_error(cli, "no shipped templates (%s)", base);
			goto done;
		}
		x.dirs[x.ndirs++] = base;
	}
	for (size_t i = 0; i < x.ndirs; i++)
		if (cg_xtpl_load_dir(x.dirs[i], on_tpl, on_bad, &x, &why)) {
			x.errors++;
			cg_cli_error(cli, "%s", cg_buf_cstr(&why));
		}
	/* versions: the user's feed, else the shipped list of supported versions */
	for (size_t i = 0; i < x.nfeeds; i++)
		if (cg_xfeed_load_nvd(&x.feed, x.feeds[i], &why)) {
			x.errors++;
			cg_cli_error(cli, "--vuln-feed %s", cg_buf_cstr(&why));
		}
	if (x.kev && cg_xfeed_load_kev(&x.feed, x.kev, &why)) {
		x.errors++;
		cg_cli_error(cli, "--kev %s", cg_buf_cstr(&why));
	}
	if (!x.nfeeds) {
		char vb[4096];
		if (cg_rules_dir("exposure", vb, sizeof vb) == CG_OK &&
		    strlen(vb) + sizeof "/versions.json" < sizeof vb) {
			memcpy(vb + strlen(vb), "/versions.json", sizeof "/versions.json");
			if (cg_xfeed_load_outdated(&x.feed, vb, &why)) {
				x.errors++;
				cg_cli_error(cli, "%s", cg_buf_cstr(&why));
			}
		}
	}
	x.o.feed = &x.feed;
	if (x.creds) {
		char cb[4096];
		if (cg_rules_dir("exposure", cb, sizeof cb) ||
		    strlen(cb) + sizeof "/credentials/devices.json" > sizeof cb) {
			rc = cg_cli_error(cli, "no shipped templates (%s)", cb);
			goto done;
		}
		memcpy(cb + strlen(cb), "/credentials/devices.json",
		       sizeof "/credentials/devices.json");
		if (cg_xdevices_load(cb, &x.devices, &why)) {
			rc = cg_cli_error(cli, "%s", cg_buf_cstr(&why));
			goto done;
		}
		x.o.devices = &x.devices;
	}
	x.o.tpls = x.tpls;
	x.o.ntpls = x.ntpls;
	cg_xp_sink sink = {on_finding, on_error, on_request, on_port, &x};
	cg_xp_stats st;
	cg_err err = cg_xp_scan(&ts, &x.o, &sink, &st);
	if (err) {
		x.errors++;
		cg_cli_error(cli, "%s", cg_tr(cg_strerror(err)));
	}
	if (cli->json) {
		print_json(
		    &x,
		    json_pack("{s:s,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I}", "type", "summary",
		              "targets", (json_int_t)ts.n, "sites", (json_int_t)st.sites,
		              "unreachable", (json_int_t)st.unreachable, "templates",
		              (json_int_t)x.ntpls, "skipped", (json_int_t)x.skipped, "requests",
		              (json_int_t)(x.o.dry_run ? x.requests : st.requests), "findings",
		              (json_int_t)x.findings, "open_ports", (json_int_t)st.open_ports,
		              "soft404", (json_int_t)st.soft404, "errors", (json_int_t)x.errors));
	} else if (!x.o.dry_run) {
		printf(cg_tr("%zu target(s), %llu site(s), %zu template(s), %llu request(s): %zu "
		             "finding(s), %llu soft 404(s) dropped, %zu error(s)\n"),
		       ts.n, (unsigned long long)st.sites, x.ntpls, (unsigned long long)st.requests,
		       x.findings, (unsigned long long)st.soft404, x.errors);
	}
	rc = x.errors ? CG_EXIT_ERROR : x.findings ? CG_EXIT_FOUND : CG_EXIT_OK;
done:
	fflush(stdout);
	for (size_t i = 0; i < x.ntpls; i++)
		cg_xtpl_free(x.tpls[i]);
	free(x.tpls);
	free(x.portv);
	cg_xfeed_free(&x.feed);
	cg_xdevices_free(&x.devices);
	cg_buf_free(&x.line);
	cg_buf_free(&why);
	cg_xtargets_free(&ts);
	return rc;
}
