/*
 * cmd_export_national.c - `canhgac export national-report`: the month's
 * malware statistics per agency for the national monitoring centre
 * (share/natreport.h), as JSON or XML named by the field map, optionally
 * with a detached CMS signature beside it (FILE.p7s, sign/sign.h), the
 * same signature the reports carry.
 *
 * Everything is checked before anything is written: the period, the
 * format, the signing key and certificate, the map and the store. The
 * output and signing options are those of `export stix`
 * (cmd_export_common.h).
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cmd_export_common.h"
#include "core/msg.h"
#include "core/timeutil.h"
#include "share/natreport.h"

typedef struct nat_opts {
	const char *period, *format, *map, *province;
	export_out x;
} nat_opts;

enum { O_PERIOD = 1, O_FORMAT, O_MAP, O_PROVINCE };

static int on_opt(void *ctx, int id, const char *v)
{
	nat_opts *o = ctx;
	const char **slot[] = {NULL, &o->period, &o->format, &o->map, &o->province};
	if (!export_out_opt(&o->x, id, v))
		*slot[id] = v;
	return 0;
}

static const cg_opt optv[] = {
    {"period", 0, true, O_PERIOD},
    {"format", 0, true, O_FORMAT},
    {"map", 0, true, O_MAP},
    {"province", 0, true, O_PROVINCE},
    EXPORT_OUT_OPTS,
    {NULL, 0, false, 0},
};

int cmd_export_national(cg_cli *cli)
{
	nat_opts o = {0};
	int rc = cg_cli_parse(cli, optv, on_opt, &o);
	if (rc >= 0)
		return rc;
	if ((rc = export_out_check(cli, &o.x)) >= 0)
		return rc;
	if (!o.period)
		return cg_cli_usage_error(cli, "--period YYYY-MM is needed");
	cg_period cur, prev;
	if (cg_period_parse(CG_REPORT_MONTHLY, o.period, &cur, &prev))
		return cg_cli_usage_error(cli, "--period must be a month (2026-11), not '%s'",
		                          o.period);
	cg_natreport_fmt fmt = CG_NATREPORT_JSON;
	if (o.format && cg_natreport_fmt_parse(o.format, &fmt))
		return cg_cli_usage_error(cli, "--format must be json or xml, not '%s'", o.format);
	if ((rc = export_out_check_sign(cli, &o.x)) >= 0)
		return rc;

	int status = CG_EXIT_ERROR;
	cg_buf why, doc;
	cg_buf_init(&why, 4096);
	cg_buf_init(&doc, CG_NATREPORT_MAX_DOC);
	cg_store *st = NULL;
	cg_natmap *map = NULL;
	char store_url[PATH_MAX + 16];
	cg_err err;
	if (!export_out_open(cli, &o.x, &why))
		goto done;
	/* the map first: a broken one is said before a store is opened */
	if (!(map = calloc(1, sizeof *map))) {
		cg_cli_error(cli, "%s", cg_strerror(CG_ENOMEM));
		goto done;
	}
	if ((err = cg_natmap_load(o.map, map, &why))) {
		cg_cli_error(cli, "%s", cg_buf_cstr(&why));
		goto done;
	}
	if ((err = cg_store_open(cg_cli_store_url(cli, store_url, sizeof store_url), &st, &why))) {
		cg_cli_error(cli, "%s", cg_buf_cstr(&why));
		goto done;
	}
	cg_natreport_meta meta = {o.province, cg_time_now_ms()};
	if ((err = cg_natreport_make(st, o.period, o.map, &meta, fmt, &doc, &why))) {
		cg_cli_error(cli, "the national report could not be made: %s",
		             why.len ? cg_buf_cstr(&why) : cg_strerror(err));
		goto done;
	}
	if (!export_out_write(cli, &o.x, cg_buf_slice(&doc), &why))
		goto done;
	if (cli->verbosity >= 0)
		printf(cg_tr("wrote %s: the malware statistics of %s (%s)%s\n"), o.x.out, cur.name,
		       fmt == CG_NATREPORT_XML ? "XML" : "JSON",
		       o.x.signer ? cg_tr(" (signed)") : "");
	status = CG_EXIT_OK;
done:
	free(map);
	export_out_free(&o.x);
	if (st)
		cg_store_close(st);
	cg_buf_free(&why);
	cg_buf_free(&doc);
	return status;
}
