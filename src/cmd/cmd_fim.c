/*
 * cmd_fim.c - `canhgac fim scan ROOT...`: one full file-integrity pass of
 * web roots (lib/fim) against the baseline in DATA/fim/baseline, as the
 * agent runs it periodically. The first run records the baseline and
 * reports nothing. Findings print as a table, or with --json as cg_event
 * lines followed by a summary object.
 * Exit status: 0 no alert (info records only), 1 a new or changed
 * server-side script, 2 error.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "core/fileio.h"
#include "core/json.h"
#include "fim/fim.h"
#include "platform/path.h"

typedef struct fo {
	bool json;
	long long threads;
	char host[256];
	uint64_t problems;
	const cg_cli *cli;
} fo;

static int on_opt(void *ctx, int id, const char *val)
{
	fo *o = ctx;
	int64_t v;
	(void)id;
	if (cg_parse_i64(cg_slice_cstr(val), 1, 256, &v)) {
		cg_cli_usage_error(o->cli, "--threads wants 1..256, not '%s'", val);
		return 1;
	}
	o->threads = v;
	return 0;
}

static const cg_opt opts[] = {
	{ "threads", 'j', true, 1 },
	{ NULL, 0, false, 0 },
};

static void emit(void *ctx, cg_event *ev)
{
	fo *o = ctx;
	cg_event_set(ev, CG_EV_HOST, cg_slice_cstr(o->host));
	if (o->json) {
		cg_buf b;
		cg_buf_init(&b, CG_MAX_EVENT_JSON);
		if (cg_event_encode(ev, &b) == CG_OK)
			puts(cg_buf_cstr(&b));
		cg_buf_free(&b);
	} else {
		printf("%-8s  %-15s  %s\n", cg_severity_name(ev->severity), ev->kind, ev->subject);
	}
}

static void problem(void *ctx, const char *path, const char *reason)
{
	fo *o = ctx;
	o->problems++;
	cg_cli_error(o->cli, "%s: %s", path, reason);
}

int cmd_fim_scan(cg_cli *cli)
{
	fo o = { .cli = cli };
	int rc = cg_cli_parse(cli, opts, on_opt, &o);
	if (rc >= 0)
		return rc;
	if (cli->npos < 1)
		return cg_cli_usage_error(cli, "want at least one web root");
	/* a mistyped root must not start (or rewrite) a baseline */
	for (int i = 0; i < cli->npos; i++) {
		struct stat rst;
		if (stat(cli->pos[i], &rst) != 0)
			return cg_cli_usage_error(cli, "%s: %s", cli->pos[i], cg_tr(strerror(errno)));
		if (!S_ISDIR(rst.st_mode))
			return cg_cli_usage_error(cli, "%s: not a directory", cli->pos[i]);
	}
	o.json = cli->json;
	cg_hostname(o.host, sizeof o.host);
	char dir[PATH_MAX], base[PATH_MAX];
	snprintf(dir, sizeof dir, "%s/fim", cli->data_dir);
	snprintf(base, sizeof base, "%s/fim/baseline", cli->data_dir);
	cg_buf why;
	cg_buf_init(&why, 4096);
	cg_fim *f = NULL;
	cg_fim_opts fopts = { .roots = (const char *const *)cli->pos, .nroots = cli->npos,
			      .baseline_path = base, .threads = (int)o.threads,
			      .emit = emit, .on_problem = problem, .ctx = &o };
	cg_err err = cg_mkdir_p(dir, 0700, &why);
	if (!err)
		err = cg_fim_open(&fopts, &f, &why);
	if (err) {
		cg_cli_error(cli, "%s", cg_buf_cstr(&why));
		cg_buf_free(&why);
		return CG_EXIT_ERROR;
	}
	cg_fim_stats st;
	err = cg_fim_pass(f, &st);
	cg_fim_close(f);
	cg_buf_free(&why);
	if (err) {
		return cg_cli_error(cli, "%s", cg_tr(cg_strerror(err)));
	}
	if (o.json)
		printf("{\"summary\":{\"files\":%" PRIu64 ",\"bytes\":%" PRIu64 ",\"added\":%" PRIu64
		       ",\"changed\":%" PRIu64 ",\"removed\":%" PRIu64 ",\"alerts\":%" PRIu64
		       ",\"problems\":%" PRIu64 ",\"baseline_created\":%s}}\n",
		       st.files, st.bytes, st.added, st.changed, st.removed, st.alerts, st.problems,
		       st.first ? "true" : "false");
	else
		printf(cg_tr("%s%llu files hashed; %llu added, %llu changed, %llu removed; %llu "
		             "alert(s)\n"),
		       st.first ? cg_tr("baseline created: ") : "", (unsigned long long)st.files,
		       (unsigned long long)st.added, (unsigned long long)st.changed,
		       (unsigned long long)st.removed, (unsigned long long)st.alerts);
	if (st.alerts)
		return CG_EXIT_FOUND;
	return st.problems ? CG_EXIT_ERROR : CG_EXIT_OK;
}
