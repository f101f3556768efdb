/*
 * cmd_audit_accounts.c - `canhgac audit accounts`: the Linux account audit
 * (lib/accounts) run once, on this machine or on a mounted image (--root).
 * Findings print as a table, or with --json as cg_event lines followed by
 * a summary object. The key history is kept in DATA/accounts/.
 * Exit status: 0 nothing (or only info), 1 findings, 2 a file could not
 * be read (the audit still ran on the rest).
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "accounts/accounts.h"
#include "cli.h"
#include "core/json.h"
#include "core/msg.h"
#include "core/timeutil.h"

typedef struct aa {
	const char *root;
	cg_acct_policy p;
	bool json;
	char host[256];
	long counts[5];
	long errors;
	const cg_cli *cli;
} aa;

enum { O_ROOT = 1, O_MAXAGE, O_UNUSED, O_BURSTN, O_BURSTM, O_NOW };

static int on_opt(void *ctx, int id, const char *val)
{
	aa *a = ctx;
	int64_t v;
	if (id == O_ROOT) {
		a->root = val;
		return 0;
	}
	if (id == O_NOW) {
		if (cg_time_parse(cg_slice_cstr(val), &a->p.now_ms)) {
			cg_cli_usage_error(a->cli, "--now: not an RFC 3339 time: '%s'", val);
			return 1;
		}
		return 0;
	}
	if (cg_parse_i64(cg_slice_cstr(val), 1, 100000, &v)) {
		cg_cli_usage_error(a->cli, "want a number from 1 to 100000, not '%s'", val);
		return 1;
	}
	if (id == O_MAXAGE)
		a->p.max_age_days = (int)v;
	else if (id == O_UNUSED)
		a->p.unused_days = (int)v;
	else if (id == O_BURSTN)
		a->p.burst_failures = (int)v;
	else if (id == O_BURSTM)
		a->p.burst_minutes = (int)v;
	return 0;
}

static const cg_opt opts[] = {
	{ "root", 0, true, O_ROOT },
	{ "max-age-days", 0, true, O_MAXAGE },
	{ "unused-days", 0, true, O_UNUSED },
	{ "burst-failures", 0, true, O_BURSTN },
	{ "burst-minutes", 0, true, O_BURSTM },
	{ "now", 0, true, O_NOW },
	{ NULL, 0, false, 0 },
};

static void emit(void *ctx, cg_event *ev)
{
	aa *a = ctx;
	a->counts[ev->severity]++;
	if (!ev->host)
		cg_event_set(ev, CG_EV_HOST, cg_slice_cstr(a->host));
	if (a->json) {
		cg_buf b;
		cg_buf_init(&b, CG_MAX_EVENT_JSON);
		if (cg_event_encode(ev, &b) == CG_OK)
			puts(cg_buf_cstr(&b));
		cg_buf_free(&b);
	} else {
		printf("%-8s  %-22s  %-16s  %s\n", cg_severity_name(ev->severity), ev->kind,
		       ev->subject ? ev->subject : "-", ev->summary);
	}
}

static void on_error(void *ctx, const char *msg)
{
	aa *a = ctx;
	a->errors++;
	cg_cli_error(a->cli, "%s", msg);
}

int cmd_audit_accounts(cg_cli *cli)
{
	aa a = { .cli = cli };
	int rc = cg_cli_parse(cli, opts, on_opt, &a);
	if (rc >= 0)
		return rc;
	if (cli->npos)
		return cg_cli_usage_error(cli, "unexpected argument '%s'", cli->pos[0]);
	struct stat rst;
	if (a.root && (stat(a.root, &rst) != 0 || !S_ISDIR(rst.st_mode)))
		return cg_cli_usage_error(cli, "--root %s: not a directory", a.root);
	a.json = cli->json;
	if (gethostname(a.host, sizeof a.host - 1) != 0)
		snprintf(a.host, sizeof a.host, "localhost");
	char state[PATH_MAX];
	snprintf(state, sizeof state, "%s/accounts", cli->data_dir);
	if (!a.json)
		printf("%-8s  %-22s  %-16s  %s\n", cg_tr("SEVERITY"), cg_tr("KIND"), cg_tr("SUBJECT"),
		       cg_tr("SUMMARY"));
	cg_err err = cg_accounts_audit(a.root, state, &a.p, emit, on_error, &a);
	if (err) {
		return cg_cli_error(cli, "%s", cg_tr(cg_strerror(err)));
	}
	long real = a.counts[1] + a.counts[2] + a.counts[3] + a.counts[4];
	if (a.json)
		printf("{\"summary\":{\"root\":\"%s\",\"findings\":%ld,\"critical\":%ld,\"high\":%ld,"
		       "\"medium\":%ld,\"low\":%ld,\"info\":%ld,\"errors\":%ld}}\n",
		       a.root ? "given" : "/", real + a.counts[0], a.counts[4], a.counts[3],
		       a.counts[2], a.counts[1], a.counts[0], a.errors);
	else
		printf(cg_tr("\n%ld finding(s): %ld critical, %ld high, %ld medium, %ld low, %ld info\n"),
		       real + a.counts[0], a.counts[4], a.counts[3], a.counts[2], a.counts[1],
		       a.counts[0]);
	if (a.errors)
		return CG_EXIT_ERROR;
	return real ? CG_EXIT_FOUND : CG_EXIT_OK;
}
