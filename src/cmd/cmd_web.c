/*
 * cmd_web.c - `canhgac web baseline` and `canhgac web check`: thin shells
 * over the web engine (src/lib/web/web.h). They parse options, load the
 * lexicons, read URLs from the command line or --url-file, and print what
 * the engine reports: a table, or with --json one object per finding
 * (a cg_event with a top-level "url") and a final summary object.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "core/event.h"
#include "core/fileio.h"
#include "core/json.h"
#include "core/limits.h"
#include "core/rules_dir.h"
#include "version.h"
#include "web/web.h"

#define MAX_URLS           100000
#define MAX_EXTRA_LEXICONS 16

enum {
	OPT_TIMEOUT = 1,
	OPT_CONNECT_TIMEOUT,
	OPT_CA_FILE,
	OPT_PARALLEL,
	OPT_RULES,
	OPT_LEXICON,
	OPT_URL_FILE,
	OPT_LOADS,
	OPT_THRESHOLD,
	OPT_RENDER,
	OPT_CHROMIUM,
	OPT_CHROMIUM_ARGS,
};

static const cg_opt web_opts[] = {
    {"timeout", 0, true, OPT_TIMEOUT},
    {"connect-timeout", 0, true, OPT_CONNECT_TIMEOUT},
    {"ca-file", 0, true, OPT_CA_FILE},
    {"parallel", 0, true, OPT_PARALLEL},
    {"rules", 0, true, OPT_RULES},
    {"lexicon", 0, true, OPT_LEXICON},
    {"url-file", 0, true, OPT_URL_FILE},
    {"loads", 0, true, OPT_LOADS},
    {"threshold", 0, true, OPT_THRESHOLD},
    {"render", 0, false, OPT_RENDER},
    {"chromium", 0, true, OPT_CHROMIUM},
    {"chromium-args", 0, true, OPT_CHROMIUM_ARGS},
    {NULL, 0, false, 0},
};

typedef struct wctx {
	cg_cli *cli;
	cg_web_opts o;
	const char *rules;
	const char *lexicons[MAX_EXTRA_LEXICONS];
	size_t nlex;
	const char *url_file;
	size_t findings, errors, stored;
	cg_buf line;
} wctx;

static int on_opt(void *ctx, int id, const char *v)
{
	wctx *w = ctx;
	long long n;
	switch (id) {
	case OPT_TIMEOUT:
		if (!cg_cli_int(w->cli, "timeout", v, 1, 3600, &n))
			return 1;
		w->o.fetch.timeout_ms = (long)n * 1000;
		return 0;
	case OPT_CONNECT_TIMEOUT:
		if (!cg_cli_int(w->cli, "connect-timeout", v, 1, 600, &n))
			return 1;
		w->o.fetch.connect_timeout_ms = (long)n * 1000;
		return 0;
	case OPT_CA_FILE:
		w->o.fetch.ca_file = v;
		return 0;
	case OPT_PARALLEL:
		if (!cg_cli_int(w->cli, "parallel", v, 1, CG_MAX_WEB_PARALLEL, &n))
			return 1;
		w->o.fetch.parallel = (int)n;
		return 0;
	case OPT_RULES:
		w->rules = v;
		return 0;
	case OPT_LEXICON:
		if (w->nlex >= MAX_EXTRA_LEXICONS) {
			cg_cli_usage_error(w->cli, "at most %d --lexicon files",
			                   MAX_EXTRA_LEXICONS);
			return 1;
		}
		w->lexicons[w->nlex++] = v;
		return 0;
	case OPT_URL_FILE:
		w->url_file = v;
		return 0;
	case OPT_LOADS:
		if (!cg_cli_int(w->cli, "loads", v, 2, 10, &n))
			return 1;
		w->o.loads = (int)n;
		return 0;
	case OPT_THRESHOLD:
		if (!cg_cli_int(w->cli, "threshold", v, 1, 99, &n))
			return 1;
		w->o.replaced_below = (double)n / 100.0;
		return 0;
	case OPT_RENDER:
		w->o.render = true;
		return 0;
	case OPT_CHROMIUM:
		w->o.chromium = v;
		return 0;
	case OPT_CHROMIUM_ARGS:
		w->o.chromium_args = v;
		return 0;
	}
	return 1;
}

static const char *default_rules(void)
{
	return cg_rules_dir();
}

static bool url_ok(const char *u)
{
	return (strncmp(u, "http://", 7) == 0 || strncmp(u, "https://", 8) == 0) &&
	       strlen(u) < 4096;
}

/* Positional URLs plus the lines of --url-file ('#' comments). */
static int gather_urls(wctx *w, char ***out, size_t *n, cg_buf *file)
{
	cg_cli *cli = w->cli;
	char **urls = calloc((size_t)cli->npos + 1, sizeof *urls);
	size_t k = 0, cap = (size_t)cli->npos + 1;
	if (!urls)
		return CG_EXIT_ERROR;
	for (int i = 0; i < cli->npos; i++)
		urls[k++] = cli->pos[i];
	if (w->url_file) {
		cg_buf why;
		cg_buf_init(&why, 4096);
		if (cg_read_file(w->url_file, file, &why)) {
			fprintf(stderr, "canhgac %s: %s\n", cli->cmd->name, cg_buf_cstr(&why));
			cg_buf_free(&why);
			free(urls);
			return CG_EXIT_ERROR;
		}
		cg_buf_free(&why);
		for (char *p = file->ptr; p && *p;) {
			char *nl = strchr(p, '\n');
			if (nl)
				*nl = '\0';
			cg_slice s = cg_slice_trim(cg_slice_cstr(p));
			if (s.len && s.ptr[0] != '#' && k < MAX_URLS) {
				((char *)s.ptr)[s.len] = '\0';
				if (k == cap) {
					char **nu = realloc(urls, cap * 2 * sizeof *nu);
					if (!nu)
						break;
					urls = nu;
					cap *= 2;
				}
				urls[k++] = (char *)s.ptr;
			}
			p = nl ? nl + 1 : p + strlen(p);
		}
	}
	*out = urls;
	*n = k;
	return -1;
}

static void on_error(const char *url, const char *msg, void *ctx)
{
	wctx *w = ctx;
	w->errors++;
	fprintf(stderr, "canhgac %s: %s: %s\n", w->cli->cmd->name, url, msg);
}

static void on_event(const cg_event *ev, void *ctx)
{
	wctx *w = ctx;
	w->findings++;
	if (w->cli->json) {
		cg_buf_reset(&w->line);
		if (cg_event_encode(ev, &w->line) == CG_OK && w->line.len > 1) {
			w->line.len--; /* reopen the object to add "url" */
			cg_buf_puts(&w->line, ",\"url\":");
			cg_json_quote(&w->line, cg_slice_cstr(ev->subject));
			cg_buf_puts(&w->line, "}");
			puts(cg_buf_cstr(&w->line));
		}
		return;
	}
	cg_buf_reset(&w->line);
	cg_utf8_sanitize(&w->line, cg_slice_cstr(ev->summary));
	printf("%-8s  %-22s  %s\n          %s\n", cg_severity_name(ev->severity), ev->kind,
	       ev->subject, cg_buf_cstr(&w->line));
}

static void on_stored(const char *url, const cg_baseline *b, void *ctx)
{
	wctx *w = ctx;
	w->stored++;
	if (w->cli->json) {
		json_t *o = json_pack("{s:s,s:o,s:i,s:I,s:I,s:I}", "type", "baseline", "url",
		                      cg_json_cstr(url), "loads", b->loads, "stable",
		                      (json_int_t)b->stable.n, "volatile", (json_int_t)b->volatil.n,
		                      "domains", (json_int_t)b->domains.n);
		cg_buf_reset(&w->line);
		cg_json_encode(&w->line, o);
		puts(cg_buf_cstr(&w->line));
		json_decref(o);
		return;
	}
	printf("baseline stored: %s (%d loads, %zu stable and %zu changing text shingles, "
	       "%zu known domains)\n",
	       url, b->loads, b->stable.n, b->volatil.n, b->domains.n);
}

static int web_main(cg_cli *cli, bool baseline)
{
	wctx w = {.cli = cli};
	cg_web_opts_default(&w.o);
	int rc = cg_cli_parse(cli, web_opts, on_opt, &w);
	if (rc >= 0)
		return rc;
	w.o.data_dir = cli->data_dir;
	cg_buf file;
	cg_buf_init(&file, 64u * 1024u * 1024u);
	char **urls = NULL;
	size_t n = 0;
	rc = gather_urls(&w, &urls, &n, &file);
	if (rc >= 0) {
		cg_buf_free(&file);
		return rc;
	}
	if (n == 0) {
		free(urls);
		cg_buf_free(&file);
		return cg_cli_usage_error(cli, "no URL given");
	}
	/* bad URLs are errors for themselves; the rest still run */
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (url_ok(urls[i]))
			urls[k++] = urls[i];
		else
			on_error(urls[i], "not an http:// or https:// URL", &w);
	}
	cg_lexicons lx;
	cg_buf why;
	cg_buf_init(&why, 4096);
	const char *rules = w.rules ? w.rules : default_rules();
	if (cg_web_lexicons_load(&lx, rules, w.lexicons, w.nlex, &why)) {
		fprintf(stderr, "canhgac %s: %s\n", cli->cmd->name, cg_buf_cstr(&why));
		cg_web_lexicons_free(&lx);
		cg_buf_free(&why);
		cg_buf_free(&file);
		free(urls);
		return CG_EXIT_ERROR;
	}
	w.o.lex = &lx;
	cg_buf_init(&w.line, CG_MAX_EVENT_JSON + 8192);
	cg_web_sink sink = {on_event, on_error, on_stored, NULL, &w};
	cg_err err = baseline ? cg_web_baseline((const char *const *)urls, k, &w.o, &sink)
	                      : cg_web_check((const char *const *)urls, k, &w.o, &sink);
	if (err)
		on_error("(all)", cg_strerror(err), &w);
	if (cli->json) {
		json_t *o = json_pack("{s:s,s:I,s:I,s:I}", "type", "summary", "urls", (json_int_t)n,
		                      baseline ? "baselines" : "findings",
		                      (json_int_t)(baseline ? w.stored : w.findings), "errors",
		                      (json_int_t)w.errors);
		cg_buf_reset(&w.line);
		cg_json_encode(&w.line, o);
		puts(cg_buf_cstr(&w.line));
		json_decref(o);
	} else if (!baseline && w.findings == 0 && w.errors == 0) {
		printf("%zu page(s) checked, nothing found\n", k);
	}
	fflush(stdout);
	cg_buf_free(&w.line);
	cg_web_lexicons_free(&lx);
	cg_buf_free(&why);
	cg_buf_free(&file);
	free(urls);
	if (w.errors)
		return CG_EXIT_ERROR;
	return w.findings ? CG_EXIT_FOUND : CG_EXIT_OK;
}

int cmd_web_baseline(cg_cli *cli)
{
	return web_main(cli, true);
}

int cmd_web_check(cg_cli *cli)
{
	return web_main(cli, false);
}
