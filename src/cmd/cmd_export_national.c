/*
 * cmd_export_national.c - `canhgac export national-report`: the month's
 * malware statistics per agency for the national monitoring centre
 * (share/natreport.h), as JSON or XML named by the field map, optionally
 * with a detached CMS signature beside it (FILE.p7s, sign/sign.h), the
 * same signature the reports carry.
 *
 * Everything is checked before anything is written: the period, the
 * format, the signing key and certificate, the map and the store.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/fileio.h"
#include "core/msg.h"
#include "core/timeutil.h"
#include "share/natreport.h"
#include "sign/sign.h"

typedef struct nat_opts {
	const char *period, *format, *sign, *cert, *map, *province, *out;
} nat_opts;

enum { O_PERIOD = 1, O_FORMAT, O_SIGN, O_CERT, O_MAP, O_PROVINCE, O_OUT };

static int on_opt(void *ctx, int id, const char *v)
{
	nat_opts *o = ctx;
	const char **slot[] = {NULL,     &o->period, &o->format,   &o->sign,
	                       &o->cert, &o->map,    &o->province, &o->out};
	*slot[id] = v;
	return 0;
}

static const cg_opt optv[] = {
    {"period", 0, true, O_PERIOD}, {"format", 0, true, O_FORMAT}, {"sign", 0, true, O_SIGN},
    {"cert", 0, true, O_CERT},     {"map", 0, true, O_MAP},       {"province", 0, true, O_PROVINCE},
    {"out", 'o', true, O_OUT},     {NULL, 0, false, 0},
};

/* A key file only: a token's PIN has no one to ask here. */
static int no_pin(void *ud, const char *token, char *pin, size_t pin_max)
{
	(void)ud, (void)token, (void)pin, (void)pin_max;
	return -1;
}

int cmd_export_national(cg_cli *cli)
{
	nat_opts o = {0};
	int rc = cg_cli_parse(cli, optv, on_opt, &o);
	if (rc >= 0)
		return rc;
	if (cli->npos)
		return cg_cli_usage_error(cli, "unexpected argument '%s'", cli->pos[0]);
	if (!o.out)
		return cg_cli_usage_error(cli, "--out FILE is needed");
	if (!o.period)
		return cg_cli_usage_error(cli, "--period YYYY-MM is needed");
	cg_period cur, prev;
	if (cg_period_parse(CG_REPORT_MONTHLY, o.period, &cur, &prev))
		return cg_cli_usage_error(cli, "--period must be a month (2026-11), not '%s'",
		                          o.period);
	cg_natreport_fmt fmt = CG_NATREPORT_JSON;
	if (o.format && cg_natreport_fmt_parse(o.format, &fmt))
		return cg_cli_usage_error(cli, "--format must be json or xml, not '%s'", o.format);
	if (o.sign && !o.cert)
		return cg_cli_usage_error(cli, "a key file needs its certificate (--cert)");
	if (o.cert && !o.sign)
		return cg_cli_usage_error(cli, "--cert goes with --sign");

	int status = CG_EXIT_ERROR;
	cg_buf why, doc, sig;
	cg_buf_init(&why, 4096);
	cg_buf_init(&doc, CG_NATREPORT_MAX_DOC);
	cg_buf_init(&sig, 1u << 20);
	cg_store *st = NULL;
	cg_signer *signer = NULL;
	cg_natmap *map = NULL;
	char store_url[PATH_MAX + 16], p7s[PATH_MAX];
	cg_err err;
	if (o.sign) {
		cg_signer_opts sgo = {o.sign, o.cert, NULL, no_pin, NULL};
		if ((err = cg_signer_open(&sgo, &signer, &why))) {
			cg_cli_error(cli, "%s: %s", o.sign, cg_buf_cstr(&why));
			goto done;
		}
		if (snprintf(p7s, sizeof p7s, "%s.p7s", o.out) >= (int)sizeof p7s) {
			cg_cli_error(cli, "path too long");
			goto done;
		}
	}
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
	if ((err = cg_write_file_atomic(o.out, doc.ptr, doc.len, 0644, &why))) {
		cg_cli_error(cli, "%s: %s", o.out, cg_buf_cstr(&why));
		goto done;
	}
	if (signer) {
		if ((err = cg_signer_cms(signer, cg_buf_slice(&doc), true, &sig, &why)) ||
		    (err = cg_write_file_atomic(p7s, sig.ptr, sig.len, 0644, &why))) {
			cg_cli_error(cli, "%s: %s", p7s, cg_buf_cstr(&why));
			goto done;
		}
	}
	if (cli->verbosity >= 0)
		printf(cg_tr("wrote %s: the malware statistics of %s (%s)%s\n"), o.out, cur.name,
		       fmt == CG_NATREPORT_XML ? "XML" : "JSON", signer ? cg_tr(" (signed)") : "");
	status = CG_EXIT_OK;
done:
	free(map);
	cg_signer_free(signer);
	if (st)
		cg_store_close(st);
	cg_buf_free(&why);
	cg_buf_free(&doc);
	cg_buf_free(&sig);
	return status;
}
