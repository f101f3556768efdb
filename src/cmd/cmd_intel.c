/*
 * cmd_intel.c - `canhgac intel import FILE...` and `canhgac intel list`:
 * threat intelligence from files into the store (share/intel.h), where
 * the server's DNS analysis matches it, and the sources it holds.
 *
 * `canhgac intel export --kind hashes|domains --out FILE` writes the
 * active indicators of one kind as a plain list that the engines' own
 * list readers take: SHA-256/MD5 hashes with "intel:SOURCE" as the name
 * (malware/hashsig.h: `scan malware --hashes`, an agent bundle's
 * hashes/), domains one a line (dns/domainset.h: `dns analyze
 * --blocklist`, DATA/dns-intel/, a bundle's blocklists) -- so the
 * agents, which never reach the store, match the same intelligence.
 *
 * A file's format is found from its content (a STIX 2.1 bundle, a TAXII
 * envelope saved to a file, or MISP events). Each file is read and stored
 * whole (one transaction) or not at all; a bad file is named with the
 * reason and the others are still imported (exit 2 at the end).
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "core/fileio.h"
#include "core/json.h"
#include "core/limits.h"
#include "core/msg.h"
#include "core/timeutil.h"
#include "share/intel.h"
#include "store/store.h"

typedef struct intel_opts {
	const char *source;
	long long expire_days;
} intel_opts;

enum { O_SOURCE = 1, O_EXPIRE };

typedef struct ctx {
	cg_cli *cli;
	intel_opts o;
} ctx;

static int on_opt(void *ud, int id, const char *v)
{
	ctx *c = ud;
	if (id == O_SOURCE)
		c->o.source = v;
	else if (!cg_cli_int(c->cli, "expire-days", v, 1, 36500, &c->o.expire_days))
		return 1;
	return 0;
}

static const cg_opt import_opts[] = {
    {"source", 0, true, O_SOURCE},
    {"expire-days", 0, true, O_EXPIRE},
    {NULL, 0, false, 0},
};

/* The source name of a file: --source, else "file:" and its base name. */
static void source_name(const ctx *c, const char *path, char *out, size_t n)
{
	if (c->o.source) {
		snprintf(out, n, "%s", c->o.source);
		return;
	}
	const char *base = strrchr(path, '/');
	snprintf(out, n, "file:%.*s", CG_INTEL_NAME_MAX - 5, base ? base + 1 : path);
}

static bool import_one(ctx *c, cg_store *st, const char *path)
{
	cg_buf text, why;
	cg_buf_init(&text, CG_INTEL_MAX_INPUT);
	cg_buf_init(&why, 4096);
	json_t *items = NULL;
	cg_intel_stats s = {0};
	const char *kind = "stix";
	char name[CG_INTEL_NAME_MAX + 1];
	int64_t now = cg_time_now_ms(), added = 0;
	bool ok = false;
	source_name(c, path, name, sizeof name);
	if (cg_read_file(path, &text, &why)) {
		cg_cli_error(c->cli, "%s", cg_buf_cstr(&why));
	} else if (cg_intel_read_any(cg_buf_slice(&text), now, &items, &s, &kind, &why)) {
		cg_cli_error(c->cli, "%s: %s", path, cg_buf_cstr(&why));
	} else {
		cg_intel_expire_after(items, c->o.expire_days);
		if (cg_store_intel_put(st, name, kind, items, now, &added) ||
		    cg_store_intel_pulled(st, name, kind, NULL, NULL, now)) {
			cg_cli_error(c->cli, "%s: not stored: %s", path, cg_store_errmsg());
		} else {
			ok = true;
			if (c->cli->json) {
				json_t *o = json_pack(
				    "{s:s,s:s,s:s,s:I,s:I,s:I,s:I,s:I}", "file", path, "source",
				    name, "format", kind, "objects", (json_int_t)s.objects,
				    "indicators", (json_int_t)s.taken, "new", (json_int_t)added,
				    "skipped", (json_int_t)s.skipped, "expired",
				    (json_int_t)s.expired);
				char *line = json_dumps(o, JSON_COMPACT);
				if (line)
					printf("%s\n", line);
				free(line);
				json_decref(o);
			} else if (c->cli->verbosity >= 0) {
				printf(
				    cg_tr("%s: %s, %llu indicators (%lld new, %llu skipped, %llu "
				          "already expired) as source %s\n"),
				    path, kind, (unsigned long long)s.taken, (long long)added,
				    (unsigned long long)s.skipped, (unsigned long long)s.expired,
				    name);
			}
		}
	}
	json_decref(items);
	cg_buf_free(&text);
	cg_buf_free(&why);
	return ok;
}

static cg_store *open_store(cg_cli *cli)
{
	char url[PATH_MAX + 16];
	cg_buf why;
	cg_buf_init(&why, 4096);
	cg_store *st = NULL;
	if (cg_store_open(cg_cli_store_url(cli, url, sizeof url), &st, &why))
		cg_cli_error(cli, "%s", cg_buf_cstr(&why));
	cg_buf_free(&why);
	return st;
}

int cmd_intel_import(cg_cli *cli);
int cmd_intel_import(cg_cli *cli)
{
	ctx c = {.cli = cli};
	int rc = cg_cli_parse(cli, import_opts, on_opt, &c);
	if (rc >= 0)
		return rc;
	if (!cli->npos)
		return cg_cli_usage_error(cli, "a FILE to import is needed");
	if (c.o.source && (!*c.o.source || strlen(c.o.source) > CG_INTEL_NAME_MAX))
		return cg_cli_usage_error(cli, "--source must be 1 to %d bytes", CG_INTEL_NAME_MAX);
	cg_store *st = open_store(cli);
	if (!st)
		return CG_EXIT_ERROR;
	int status = CG_EXIT_OK;
	for (int i = 0; i < cli->npos; i++)
		if (!import_one(&c, st, cli->pos[i]))
			status = CG_EXIT_ERROR;
	cg_store_close(st);
	return status;
}

typedef struct exp_opts {
	const char *kind, *out;
} exp_opts;

static int on_exp_opt(void *ud, int id, const char *v)
{
	exp_opts *o = ud;
	if (id == 1)
		o->kind = v;
	else
		o->out = v;
	return 0;
}

static const cg_opt export_opts[] = {
    {"kind", 0, true, 1},
    {"out", 'o', true, 2},
    {NULL, 0, false, 0},
};

/* Appends the active values of type to text: "VALUE" or, for hashes,
 * "VALUE intel:SOURCE". */
static cg_err list_of(cg_store *st, const char *type, bool named, int64_t now, cg_buf *text,
                      size_t *n)
{
	json_t *items = NULL;
	cg_err err = cg_store_intel_active(st, type, now, CG_INTEL_MAX_INDICATORS, &items);
	size_t i;
	json_t *it;
	const char *last = "";
	json_array_foreach(items, i, it)
	{
		const char *v = cg_json_get_str(it, "value");
		/* one line per value (the first source by name) */
		if (err || !v || strcmp(v, last) == 0)
			continue;
		last = v;
		err = named ? cg_buf_printf(text, "%s intel:%s\n", v, cg_json_get_str(it, "source"))
		            : cg_buf_printf(text, "%s\n", v);
		(*n)++;
	}
	json_decref(items);
	return err;
}

int cmd_intel_export(cg_cli *cli);
int cmd_intel_export(cg_cli *cli)
{
	exp_opts o = {0};
	int rc = cg_cli_parse(cli, export_opts, on_exp_opt, &o);
	if (rc >= 0)
		return rc;
	if (cli->npos)
		return cg_cli_usage_error(cli, "unexpected argument '%s'", cli->pos[0]);
	if (!o.out)
		return cg_cli_usage_error(cli, "--out FILE is needed");
	bool hashes = o.kind && strcmp(o.kind, "hashes") == 0;
	if (!o.kind || (!hashes && strcmp(o.kind, "domains") != 0))
		return cg_cli_usage_error(cli, "--kind must be hashes or domains");
	cg_store *st = open_store(cli);
	if (!st)
		return CG_EXIT_ERROR;
	cg_buf text, why;
	cg_buf_init(&text, (size_t)CG_INTEL_MAX_INDICATORS * 160);
	cg_buf_init(&why, 4096);
	int64_t now = cg_time_now_ms();
	size_t n = 0;
	cg_err err =
	    cg_buf_puts(&text, hashes ? "# active intelligence hashes (canhgac intel export)\n"
	                              : "# active intelligence domains (canhgac intel export)\n");
	if (!err && hashes) {
		err = list_of(st, "sha256", true, now, &text, &n);
		if (!err)
			err = list_of(st, "md5", true, now, &text, &n);
	} else if (!err) {
		err = list_of(st, "domain", false, now, &text, &n);
	}
	int status = CG_EXIT_ERROR;
	if (err)
		cg_cli_error(cli, "%s", cg_store_errmsg());
	else if (cg_write_file_atomic(o.out, text.ptr, text.len, 0644, &why))
		cg_cli_error(cli, "%s: %s", o.out, cg_buf_cstr(&why));
	else {
		if (cli->verbosity >= 0)
			printf(cg_tr("wrote %s: %zu %s\n"), o.out, n, o.kind);
		status = CG_EXIT_OK;
	}
	cg_buf_free(&text);
	cg_buf_free(&why);
	cg_store_close(st);
	return status;
}

int cmd_intel_list(cg_cli *cli);
int cmd_intel_list(cg_cli *cli)
{
	int rc = cg_cli_parse(cli, NULL, NULL, NULL);
	if (rc >= 0)
		return rc;
	if (cli->npos)
		return cg_cli_usage_error(cli, "unexpected argument '%s'", cli->pos[0]);
	cg_store *st = open_store(cli);
	if (!st)
		return CG_EXIT_ERROR;
	json_t *items = NULL;
	if (cg_store_intel_sources(st, cg_time_now_ms(), &items)) {
		cg_cli_error(cli, "%s", cg_store_errmsg());
		cg_store_close(st);
		return CG_EXIT_ERROR;
	}
	size_t i;
	json_t *o;
	if (!cli->json)
		printf("%-32s %-6s %10s %10s  %s\n", cg_tr("SOURCE"), cg_tr("KIND"),
		       cg_tr("INDICATORS"), cg_tr("ACTIVE"), cg_tr("LAST PULL"));
	json_array_foreach(items, i, o)
	{
		if (cli->json) {
			char *line = json_dumps(o, JSON_COMPACT);
			if (line)
				printf("%s\n", line);
			free(line);
			continue;
		}
		const char *lp = cg_json_get_str(o, "last_pull"),
		           *le = cg_json_get_str(o, "last_error");
		printf("%-32s %-6s %10lld %10lld  %s%s%s\n", cg_json_get_str(o, "name"),
		       cg_json_get_str(o, "kind"),
		       (long long)json_integer_value(json_object_get(o, "indicators")),
		       (long long)json_integer_value(json_object_get(o, "active")), lp ? lp : "-",
		       le ? "  " : "", le ? le : "");
	}
	json_decref(items);
	cg_store_close(st);
	return CG_EXIT_OK;
}
