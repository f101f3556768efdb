/*
 * cli.c - option parsing (see cli.h). Hand-written rather than getopt_long
 * so that options and positional arguments can be mixed freely, "--" ends
 * options, values can be given as "--opt=v" or "--opt v", and every error
 * message names the command.
 */
#include "cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/log.h"

enum { OPT_JSON = -100, OPT_DATA_DIR, OPT_QUIET, OPT_VERBOSE, OPT_HELP };

static const cg_opt common_opts[] = {
	{ "json", 0, false, OPT_JSON },
	{ "data-dir", 0, true, OPT_DATA_DIR },
	{ "quiet", 'q', false, OPT_QUIET },
	{ "verbose", 'v', false, OPT_VERBOSE },
	{ "help", 'h', false, OPT_HELP },
	{ NULL, 0, false, 0 },
};

const char cg_cli_common_help[] =
	"  --json            machine-readable output: one JSON object a line\n"
	"  --data-dir DIR    state directory (default $CANHGAC_DATA_DIR or ./canhgac-data)\n"
	"  -q, --quiet       only errors on stderr\n"
	"  -v, --verbose     more detail on stderr (repeat for debug)\n"
	"  -h, --help        this help\n";

void cg_cli_print_help(const cg_command *cmd)
{
	printf("usage: canhgac %s %s\n\n%s\n", cmd->name, cmd->usage, cmd->summary);
	if (cmd->help && *cmd->help)
		printf("\n%s", cmd->help);
	printf("\ncommon options:\n%s", cg_cli_common_help);
}

int cg_cli_usage_error(const cg_cli *cli, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "canhgac %s: ", cli->cmd->name);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nusage: canhgac %s %s\n(see 'canhgac help %s')\n",
		cli->cmd->name, cli->cmd->usage, cli->cmd->name);
	return CG_EXIT_ERROR;
}

static const cg_opt *find_long(const cg_opt *opts, const char *name, size_t n)
{
	for (const cg_opt *t = common_opts; t->name; t++)
		if (strlen(t->name) == n && strncmp(t->name, name, n) == 0)
			return t;
	for (const cg_opt *t = opts; t && t->name; t++)
		if (strlen(t->name) == n && strncmp(t->name, name, n) == 0)
			return t;
	return NULL;
}

static const cg_opt *find_short(const cg_opt *opts, char c)
{
	for (const cg_opt *t = common_opts; t->name; t++)
		if (t->short_name == c)
			return t;
	for (const cg_opt *t = opts; t && t->name; t++)
		if (t->short_name == c)
			return t;
	return NULL;
}

/* Returns -1 to continue, or an exit status. */
static int apply(cg_cli *cli, const cg_opt *o, const char *val, cg_opt_fn fn,
		 void *ctx)
{
	switch (o->id) {
	case OPT_JSON:
		cli->json = true;
		return -1;
	case OPT_DATA_DIR:
		if (!*val)
			return cg_cli_usage_error(cli, "--data-dir needs a directory");
		cli->data_dir = val;
		cli->data_dir_given = true;
		return -1;
	case OPT_QUIET:
		cli->verbosity = -1;
		return -1;
	case OPT_VERBOSE:
		cli->verbosity = cli->verbosity < 0 ? 1 : cli->verbosity + 1;
		return -1;
	case OPT_HELP:
		cg_cli_print_help(cli->cmd);
		return CG_EXIT_OK;
	}
	if (!fn)
		return cg_cli_usage_error(cli, "option --%s not handled", o->name);
	return fn(ctx, o->id, val) ? CG_EXIT_ERROR : -1;
}

static void setup_logging(const cg_cli *cli)
{
	cg_log_level lv = CG_LOG_WARN;
	if (cli->verbosity < 0)
		lv = CG_LOG_ERROR;
	else if (cli->verbosity == 1)
		lv = CG_LOG_INFO;
	else if (cli->verbosity > 1)
		lv = CG_LOG_DEBUG;
	cg_log_setup(lv, cli->json);
}

int cg_cli_parse(cg_cli *cli, const cg_opt *opts, cg_opt_fn fn, void *ctx)
{
	const char *env = getenv("CANHGAC_DATA_DIR");
	cli->data_dir = env && *env ? env : "./canhgac-data";
	cli->pos = calloc((size_t)cli->argc + 1, sizeof *cli->pos);
	if (!cli->pos)
		return CG_EXIT_ERROR;
	cli->npos = 0;
	bool only_pos = false;
	for (int i = 0; i < cli->argc; i++) {
		char *a = cli->argv[i];
		if (only_pos || a[0] != '-' || a[1] == '\0') { /* "-" is stdin */
			cli->pos[cli->npos++] = a;
			continue;
		}
		if (strcmp(a, "--") == 0) {
			only_pos = true;
			continue;
		}
		const cg_opt *o;
		const char *val = NULL;
		if (a[1] == '-') {
			const char *eq = strchr(a + 2, '=');
			size_t n = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
			o = find_long(opts, a + 2, n);
			if (!o)
				return cg_cli_usage_error(cli, "unknown option '%s'", a);
			if (eq && !o->has_arg)
				return cg_cli_usage_error(cli, "option --%s takes no value", o->name);
			val = eq ? eq + 1 : NULL;
		} else {
			o = find_short(opts, a[1]);
			if (!o)
				return cg_cli_usage_error(cli, "unknown option '%s'", a);
			if (a[2] != '\0') {
				if (!o->has_arg)
					return cg_cli_usage_error(cli, "unknown option '%s'", a);
				val = a + 2;
			}
		}
		if (o->has_arg && !val) {
			if (i + 1 >= cli->argc)
				return cg_cli_usage_error(cli, "option --%s needs a value", o->name);
			val = cli->argv[++i];
		}
		int rc = apply(cli, o, val ? val : "", fn, ctx);
		if (rc >= 0)
			return rc;
	}
	setup_logging(cli);
	return -1;
}

bool cg_cli_int(const cg_cli *cli, const char *opt, const char *val,
		long long min, long long max, long long *out)
{
	int64_t v;
	if (cg_parse_i64(cg_slice_cstr(val), min, max, &v)) {
		cg_cli_usage_error(cli, "--%s must be a whole number from %lld to %lld",
				   opt, min, max);
		return false;
	}
	*out = (long long)v;
	return true;
}
