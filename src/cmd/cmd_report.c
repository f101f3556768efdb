/*
 * cmd_report.c - `canhgac report monthly|semiannual|annual|incidents`:
 * the province's (or one agency's) periodic security report as PDF, DOCX
 * and XLSX, from the store, optionally signed (lib/report, lib/sign).
 *
 * Everything is checked before anything is written: the kind, the
 * period, the formats, the recommendation rules, the store, the agency,
 * and the signing key (its PIN is asked once). The PDF is signed inside
 * (PAdES-B-B) with the signer's subject printed in the signature block;
 * DOCX and XLSX get a detached FILE.p7s.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "cmd_pin.h"
#include "core/fileio.h"
#include "core/limits.h"
#include "core/msg.h"
#include "core/rulesdir.h"
#include "core/timeutil.h"
#include "report/make.h"
#include "sign/pdfsign.h"
#include "sign/sign.h"

typedef struct report_opts {
	const cg_cli *cli;
	const char *period, *agency, *out, *sign, *cert, *module, *pin_file, *recos, *signer;
	unsigned formats;
	bool bad_format;
	cmd_pin pin;
} report_opts;

enum {
	O_PERIOD = 1,
	O_AGENCY,
	O_FORMAT,
	O_OUT,
	O_SIGN,
	O_CERT,
	O_MODULE,
	O_PIN,
	O_RECOS,
	O_SIGNER
};

static int on_opt(void *ctx, int id, const char *v)
{
	report_opts *o = ctx;
	switch (id) {
	case O_PERIOD:
		o->period = v;
		break;
	case O_AGENCY:
		o->agency = v;
		break;
	case O_OUT:
		o->out = v;
		break;
	case O_SIGN:
		o->sign = v;
		break;
	case O_CERT:
		o->cert = v;
		break;
	case O_MODULE:
		o->module = v;
		break;
	case O_PIN:
		o->pin_file = v;
		break;
	case O_RECOS:
		o->recos = v;
		break;
	case O_SIGNER:
		o->signer = v;
		break;
	case O_FORMAT:
		if (strcmp(v, "pdf") == 0)
			o->formats |= CG_RFMT_BIT(CG_RFMT_PDF);
		else if (strcmp(v, "docx") == 0)
			o->formats |= CG_RFMT_BIT(CG_RFMT_DOCX);
		else if (strcmp(v, "xlsx") == 0)
			o->formats |= CG_RFMT_BIT(CG_RFMT_XLSX);
		else {
			cg_cli_usage_error(o->cli, "--format must be pdf, docx or xlsx, not '%s'",
			                   v);
			return 1;
		}
		break;
	}
	return 0;
}

static const cg_opt optv[] = {
    {"period", 'p', true, O_PERIOD},
    {"agency", 'a', true, O_AGENCY},
    {"format", 'f', true, O_FORMAT},
    {"out", 'o', true, O_OUT},
    {"sign", 0, true, O_SIGN},
    {"cert", 0, true, O_CERT},
    {"pkcs11-module", 0, true, O_MODULE},
    {"pin-file", 0, true, O_PIN},
    {"recommendations", 0, true, O_RECOS},
    {"signer-name", 0, true, O_SIGNER},
    {NULL, 0, false, 0},
};

/* Writes data to path and, when sig is not empty, path.p7s. */
static int write_signed(const cg_cli *cli, const char *path, const cg_buf *data, const cg_buf *sig)
{
	cg_buf why;
	cg_buf_init(&why, 4096);
	int rc = CG_EXIT_OK;
	cg_err err = cg_write_file_atomic(path, data->ptr, data->len, 0644, &why);
	if (!err && sig->len) {
		char p7s[PATH_MAX];
		if (snprintf(p7s, sizeof p7s, "%s.p7s", path) >= (int)sizeof p7s) {
			cg_cli_error(cli, "path too long");
			rc = CG_EXIT_ERROR;
		} else {
			err = cg_write_file_atomic(p7s, sig->ptr, sig->len, 0644, &why);
		}
	}
	if (err) {
		cg_cli_error(cli, "%s: %s", path, cg_buf_cstr(&why));
		rc = CG_EXIT_ERROR;
	} else if (rc == CG_EXIT_OK && cli->verbosity >= 0) {
		printf(cg_tr("wrote %s%s\n"), path, sig->len ? cg_tr(" (signed)") : "");
	}
	cg_buf_free(&why);
	return rc;
}

int cmd_report(cg_cli *cli)
{
	report_opts o = {.cli = cli};
	int rc = cg_cli_parse(cli, optv, on_opt, &o);
	if (rc >= 0)
		return rc;
	cg_report_kind kind;
	if (cli->npos != 1 || cg_report_kind_parse(cli->pos[0], &kind))
		return cg_cli_usage_error(
		    cli, "want one KIND: monthly, semiannual, annual or incidents");
	cg_period cur, prev;
	if (!o.period)
		return cg_cli_usage_error(cli, "--period is needed (2026-11, 2026-H2 or 2026)");
	if (cg_period_parse(kind, o.period, &cur, &prev))
		return cg_cli_usage_error(
		    cli, "--period '%s' does not fit a %s report (2026-11, 2026-H2 or 2026)",
		    o.period, cli->pos[0]);
	if (!o.formats)
		o.formats = CG_RFMT_BIT(CG_RFMT_PDF);
	bool p11 = o.sign && strncmp(o.sign, "pkcs11:", 7) == 0;
	if (o.sign && !p11 && !o.cert)
		return cg_cli_usage_error(cli, "a key file needs its certificate (--cert)");
	if (!o.sign && (o.cert || o.module || o.pin_file))
		return cg_cli_usage_error(cli,
		                          "--cert, --pkcs11-module and --pin-file go with --sign");
	/* the report is in Vietnamese unless --lang en was asked for: the
	 * messages follow the locale, the document does not */
	bool en = false;
	for (int i = 0; i < cli->argc; i++)
		if ((strcmp(cli->argv[i], "--lang") == 0 && i + 1 < cli->argc &&
		     strcmp(cli->argv[i + 1], "en") == 0) ||
		    strcmp(cli->argv[i], "--lang=en") == 0)
			en = true;
	/* outputs: a directory, or one file for one format */
	const char *out = o.out ? o.out : ".";
	int nformats = __builtin_popcount(o.formats);
	struct stat sb;
	bool is_dir = stat(out, &sb) == 0 && S_ISDIR(sb.st_mode);
	size_t ol = strlen(out);
	if (!is_dir && nformats > 1)
		return cg_cli_usage_error(
		    cli, "--out must be an existing directory for several formats");
	if (!is_dir && (ol == 0 || out[ol - 1] == '/'))
		return cg_cli_usage_error(cli, "--out %s: no such directory", out);

	int status = CG_EXIT_ERROR;
	cg_buf why;
	cg_buf_init(&why, 4096);
	cg_store *st = NULL;
	cg_signer *signer = NULL;
	cg_report_output res;
	bool made = false;
	char path[PATH_MAX], store_url[PATH_MAX + 16], name[256];
	cg_err err;
	if ((err = cg_store_open(cg_cli_store_url(cli, store_url, sizeof store_url), &st, &why))) {
		cg_cli_error(cli, "%s", cg_buf_cstr(&why));
		goto done;
	}
	cg_scope scope = {0};
	char agency_name[256] = "";
	int64_t agency_id = 0;
	if (o.agency) {
		json_t *a = NULL;
		if (cg_store_agency_lookup(st, &scope, o.agency, &agency_id) ||
		    cg_store_inv_get(st, &scope, CG_RES_AGENCY, agency_id, &a)) {
			cg_cli_error(cli, "no agency '%s'", o.agency);
			goto done;
		}
		const char *nm = json_string_value(json_object_get(a, "name"));
		snprintf(agency_name, sizeof agency_name, "%s", nm ? nm : o.agency);
		json_decref(a);
	}
	if (o.sign) {
		o.pin = (cmd_pin){.cli = cli, .file = o.pin_file};
		cg_signer_opts so = {o.sign, o.cert, o.module, cmd_pin_read, &o.pin};
		if ((err = cg_signer_open(&so, &signer, &why))) {
			cg_cli_error(cli, "%s: %s", o.sign, cg_buf_cstr(&why));
			goto done;
		}
	}
	/* the XLSX is written beside its target first */
	char tmpdir[PATH_MAX];
	if (is_dir)
		snprintf(tmpdir, sizeof tmpdir, "%s", out);
	else {
		const char *slash = strrchr(out, '/');
		if (!slash)
			snprintf(tmpdir, sizeof tmpdir, ".");
		else
			snprintf(tmpdir, sizeof tmpdir, "%.*s", (int)(slash - out + (slash == out)),
			         out);
	}
	cg_report_request req = {.kind = kind,
	                         .period = o.period,
	                         .agency_id = agency_id,
	                         .agency_name = agency_name,
	                         .formats = o.formats,
	                         .english = en,
	                         .recos_file = o.recos,
	                         .signer = signer,
	                         .signer_name = o.signer,
	                         .tmp_dir = tmpdir};
	err = cg_report_make(st, &req, &res, &why);
	made = true;
	if (err) {
		cg_cli_error(cli, "%s", cg_buf_cstr(&why));
		goto done;
	}
	if (!cg_report_file_name(kind, cur.name, o.agency, en, name, sizeof name)) {
		cg_cli_error(cli, "path too long");
		goto done;
	}
	status = CG_EXIT_OK;
	for (int f = 0; f < CG_RFMT_COUNT && status == CG_EXIT_OK; f++) {
		if (!(o.formats & CG_RFMT_BIT(f)))
			continue;
		int n = is_dir ? snprintf(path, sizeof path, "%s/%s.%s", out, name,
		                          cg_report_format_name((cg_report_format)f))
		               : snprintf(path, sizeof path, "%s", out);
		if (n < 0 || n >= (int)sizeof path) {
			status = cg_cli_error(cli, "path too long");
			break;
		}
		status = write_signed(cli, path, &res.doc[f], &res.p7s[f]);
		if (f == CG_RFMT_PDF && signer && status == CG_EXIT_OK && cli->verbosity >= 0)
			printf(cg_tr("signed %s (PAdES-B-B) by %s\n"), path, res.signed_by);
	}
done:
	cmd_pin_clear(&o.pin);
	if (made)
		cg_report_output_free(&res);
	cg_signer_free(signer);
	if (st)
		cg_store_close(st);
	cg_buf_free(&why);
	return status;
}
