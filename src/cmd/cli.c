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
#include "core/msg.h"

enum { OPT_JSON = -100, OPT_DATA_DIR, OPT_QUIET, OPT_VERBOSE, OPT_HELP, OPT_LANG, OPT_STORE };

static const cg_opt common_opts[] = {
	{ "json", 0, false, OPT_JSON },
	{ "data-dir", 0, true, OPT_DATA_DIR },
	{ "lang", 0, true, OPT_LANG },
	{ "store", 0, true, OPT_STORE },
	{ "quiet", 'q', false, OPT_QUIET },
	{ "verbose", 'v', false, OPT_VERBOSE },
	{ "help", 'h', false, OPT_HELP },
	{ NULL, 0, false, 0 },
};

/* English, as the man pages print it (man.c); `help` translates it line
 * by line like a command's own help. */
const char cg_cli_common_help[] =
	"  --json            machine-readable output: one JSON object a line\n"
	"  --data-dir DIR    state directory (default $CANHGAC_DATA_DIR or ./canhgac-data)\n"
	"  --store URL       the database: sqlite:PATH or postgresql://... (default\n"
	"                    $CANHGAC_STORE or sqlite:DATA_DIR/canhgac.db)\n"
	"  --lang vi|en      language of the messages (default: from LC_ALL, LC_MESSAGES, LANG)\n"
	"  -q, --quiet       only errors on stderr\n"
	"  -v, --verbose     more detail on stderr (repeat for debug)\n"
	"  -h, --help        this help\n";

/* Help text to stdout line by line through the catalogue: an option line
 * added later and not yet in the catalogue shows in English, the rest is
 * still translated. */
static void put_help_lines(const char *text)
{
	for (const char *p = text; *p;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		char line[512];
		if (n < sizeof line) {
			memcpy(line, p, n);
			line[n] = '\0';
			fputs(cg_tr(line), stdout);
		} else {
			fwrite(p, 1, n, stdout);
		}
		if (nl)
			putchar('\n');
		p += n + (nl ? 1 : 0);
	}
}

void cg_cli_print_help(const cg_command *cmd)
{
	printf(cg_tr("usage: canhgac %s %s\n\n%s\n"), cmd->name, cmd->usage,
	       cg_tr(cmd->summary));
	if (cmd->help && *cmd->help) {
		putchar('\n');
		put_help_lines(cmd->help);
	}
	fputs(cg_tr("\ncommon options:\n"), stdout);
	put_help_lines(cg_cli_common_help);
}

/* One write of one line: the message, made safe for a terminal (an
 * argument echoed back may hold control bytes). */
static void put_line(const char *prefix, const char *fmt, va_list ap, const char *suffix)
{
	cg_buf msg, line;
	cg_buf_init(&msg, 4096);
	cg_buf_init(&line, 8192);
	cg_buf_vprintf(&msg, fmt, ap);
	cg_buf_puts(&line, prefix);
	for (size_t i = 0; i < msg.len; i++) {
		unsigned char c = (unsigned char)msg.ptr[i];
		if (c == '\n' || c == '\t')
			c = ' ';
		cg_buf_putc(&line, c < 0x20 || c == 0x7f ? '?' : (char)c);
	}
	cg_buf_puts(&line, suffix);
	cg_buf_putc(&line, '\n');
	fwrite(line.ptr, 1, line.len, stderr);
	cg_buf_free(&msg);
	cg_buf_free(&line);
}

int cg_cli_usage_error(const cg_cli *cli, const char *fmt, ...)
{
	char prefix[128], suffix[160];
	snprintf(prefix, sizeof prefix, "canhgac %s: ", cli->cmd->name);
	snprintf(suffix, sizeof suffix, cg_tr(" (see 'canhgac help %s')"), cli->cmd->name);
	va_list ap;
	va_start(ap, fmt);
	put_line(prefix, cg_tr(fmt), ap, suffix);
	va_end(ap);
	return CG_EXIT_ERROR;
}

int cg_cli_error(const cg_cli *cli, const char *fmt, ...)
{
	char prefix[128];
	snprintf(prefix, sizeof prefix, "canhgac %s: ", cli->cmd->name);
	va_list ap;
	va_start(ap, fmt);
	put_line(prefix, cg_tr(fmt), ap, "");
	va_end(ap);
	return CG_EXIT_ERROR;
}

void cg_cli_pick_lang(int argc, char **argv)
{
	cg_lang_set(cg_lang_from_env());
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		cg_lang l;
		if (strcmp(a, "--") == 0)
			return;
		if (strcmp(a, "--lang") == 0 && i + 1 < argc && cg_lang_parse(argv[i + 1], &l))
			cg_lang_set(l);
		else if (strncmp(a, "--lang=", 7) == 0 && cg_lang_parse(a + 7, &l))
			cg_lang_set(l);
	}
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
	case OPT_STORE:
		if (!*val)
			return cg_cli_usage_error(cli, "--store needs a URL (sqlite:PATH or postgresql://...)");
		cli->store = val;
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
	case OPT_LANG: {
		cg_lang l;
		if (!cg_lang_parse(val, &l))
			return cg_cli_usage_error(cli, "--lang must be vi or en, not '%s'", val);
		cg_lang_set(l);
		return -1;
	}
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
	const char *senv = getenv("CANHGAC_STORE");
	cli->store = senv && *senv ? senv : NULL;
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

const char *cg_cli_store_url(const cg_cli *cli, char *buf, size_t n)
{
	if (cli->store)
		return cli->store;
	snprintf(buf, n, "sqlite:%s/canhgac.db", cli->data_dir);
	return buf;
}
