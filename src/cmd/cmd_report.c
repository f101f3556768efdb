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
#include <termios.h>
#include <unistd.h>

#include "cli.h"
#include "core/fileio.h"
#include "core/limits.h"
#include "core/msg.h"
#include "core/rulesdir.h"
#include "core/timeutil.h"
#include "report/report.h"
#include "sign/pdfsign.h"
#include "sign/sign.h"

enum { F_PDF = 1, F_DOCX = 2, F_XLSX = 4 };

typedef struct report_opts {
	const cg_cli *cli;
	const char *period, *agency, *out, *sign, *cert, *module, *pin_file, *recos, *signer;
	int formats;
	bool bad_format;
	char pin[CG_SIGN_MAX_PIN];
	bool have_pin;
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
			o->formats |= F_PDF;
		else if (strcmp(v, "docx") == 0)
			o->formats |= F_DOCX;
		else if (strcmp(v, "xlsx") == 0)
			o->formats |= F_XLSX;
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

static int read_pin(void *ud, const char *token, char *pin, size_t pin_max)
{
	report_opts *o = ud;
	if (!o->have_pin) {
		size_t n = 0;
		if (o->pin_file) {
			cg_buf b, why;
			cg_buf_init(&b, CG_SIGN_MAX_PIN);
			cg_buf_init(&why, 1024);
			cg_err err = cg_read_file(o->pin_file, &b, &why);
			cg_buf_free(&why);
			if (err) {
				cg_buf_free(&b);
				return -1;
			}
			while (n < b.len && b.ptr[n] != '\n' && b.ptr[n] != '\r' &&
			       n < sizeof o->pin - 1)
				n++;
			memcpy(o->pin, b.ptr, n);
			explicit_bzero(b.ptr, b.len);
			cg_buf_free(&b);
		} else {
			FILE *tty = fopen("/dev/tty", "r+");
			if (!tty)
				return -1;
			struct termios old, quiet;
			bool restore = tcgetattr(fileno(tty), &old) == 0;
			if (restore) {
				quiet = old;
				quiet.c_lflag &= ~(tcflag_t)ECHO;
				tcsetattr(fileno(tty), TCSAFLUSH, &quiet);
			}
			fprintf(tty, cg_tr("PIN for the token %s: "), token);
			fflush(tty);
			if (!fgets(o->pin, sizeof o->pin, tty))
				o->pin[0] = 0;
			if (restore)
				tcsetattr(fileno(tty), TCSAFLUSH, &old);
			fputc('\n', tty);
			fclose(tty);
			n = strcspn(o->pin, "\r\n");
		}
		o->pin[n] = 0;
		o->have_pin = true;
	}
	size_t n = strlen(o->pin);
	if (n + 1 > pin_max)
		return -1;
	memcpy(pin, o->pin, n + 1);
	return 0;
}

static const char *kind_file(cg_report_kind k, bool en)
{
	static const char *vi[] = {"bao-cao-thang", "bao-cao-6-thang", "bao-cao-nam",
	                           "bao-cao-ung-cuu-su-co"};
	static const char *e[] = {"report-monthly", "report-semiannual", "report-annual",
	                          "report-incidents"};
	return en ? e[k] : vi[k];
}

/* Writes data to path and, when signing, path.p7s. */
static int write_signed(const cg_cli *cli, const char *path, cg_slice data, cg_signer *s)
{
	cg_buf why, sig;
	cg_buf_init(&why, 4096);
	cg_buf_init(&sig, 1u << 20);
	int rc = CG_EXIT_OK;
	cg_err err = cg_write_file_atomic(path, data.ptr, data.len, 0644, &why);
	if (!err && s) {
		char p7s[PATH_MAX];
		if (snprintf(p7s, sizeof p7s, "%s.p7s", path) >= (int)sizeof p7s) {
			cg_cli_error(cli, "path too long");
			rc = CG_EXIT_ERROR;
		} else if ((err = cg_signer_cms(s, data, true, &sig, &why)) == CG_OK) {
			err = cg_write_file_atomic(p7s, sig.ptr, sig.len, 0644, &why);
		}
	}
	if (err) {
		cg_cli_error(cli, "%s: %s", path, cg_buf_cstr(&why));
		rc = CG_EXIT_ERROR;
	} else if (rc == CG_EXIT_OK && cli->verbosity >= 0) {
		printf(cg_tr("wrote %s%s\n"), path, s ? cg_tr(" (signed)") : "");
	}
	cg_buf_free(&why);
	cg_buf_free(&sig);
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
		o.formats = F_PDF;
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
	int nformats = !!(o.formats & F_PDF) + !!(o.formats & F_DOCX) + !!(o.formats & F_XLSX);
	struct stat sb;
	bool is_dir = stat(out, &sb) == 0 && S_ISDIR(sb.st_mode);
	size_t ol = strlen(out);
	if (!is_dir && nformats > 1)
		return cg_cli_usage_error(
		    cli, "--out must be an existing directory for several formats");
	if (!is_dir && (ol == 0 || out[ol - 1] == '/'))
		return cg_cli_usage_error(cli, "--out %s: no such directory", out);

	int status = CG_EXIT_ERROR;
	cg_buf why, text, pdf, signed_pdf, docx;
	cg_buf_init(&why, 4096);
	cg_buf_init(&text, 1u << 20);
	cg_buf_init(&pdf, CG_SIGN_MAX_FILE);
	cg_buf_init(&signed_pdf, (size_t)CG_SIGN_MAX_FILE + 4u * CG_PDF_SIG_BYTES + 65536u);
	cg_buf_init(&docx, CG_SIGN_MAX_FILE);
	cg_store *st = NULL;
	cg_signer *signer = NULL;
	cg_doc *doc = NULL;
	cg_report_figs *now = calloc(1, sizeof *now), *before = calloc(1, sizeof *before);
	cg_reco recos[CG_REPORT_MAX_RECOS];
	size_t nrecos = 0;
	char path[PATH_MAX], store_url[PATH_MAX + 16], rp[PATH_MAX];
	if (!now || !before)
		goto done;
	const char *recofile = o.recos;
	if (!recofile) {
		if (cg_rules_dir("report", rp, sizeof rp - 32)) {
			cg_cli_error(cli, "no rules directory with report/ (%s)", rp);
			goto done;
		}
		size_t n = strlen(rp);
		memcpy(rp + n, "/recommendations.tsv", sizeof "/recommendations.tsv");
		recofile = rp;
	}
	cg_err err = cg_read_file(recofile, &text, &why);
	if (!err)
		err = cg_reco_parse(cg_buf_slice(&text), recofile, recos, CG_REPORT_MAX_RECOS,
		                    &nrecos, &why);
	if (err) {
		cg_cli_error(cli, "%s", cg_buf_cstr(&why));
		goto done;
	}
	if ((err = cg_store_open(cg_cli_store_url(cli, store_url, sizeof store_url), &st, &why))) {
		cg_cli_error(cli, "%s", cg_buf_cstr(&why));
		goto done;
	}
	cg_scope scope = {0};
	char agency_name[256] = "";
	if (o.agency) {
		int64_t id;
		json_t *a = NULL;
		if (cg_store_agency_lookup(st, &scope, o.agency, &id) ||
		    cg_store_inv_get(st, &scope, CG_RES_AGENCY, id, &a)) {
			cg_cli_error(cli, "no agency '%s'", o.agency);
			goto done;
		}
		const char *nm = json_string_value(json_object_get(a, "name"));
		snprintf(agency_name, sizeof agency_name, "%s", nm ? nm : o.agency);
		json_decref(a);
		scope.agency_id = id;
	}
	if (o.sign) {
		cg_signer_opts so = {o.sign, o.cert, o.module, read_pin, &o};
		if ((err = cg_signer_open(&so, &signer, &why))) {
			cg_cli_error(cli, "%s: %s", o.sign, cg_buf_cstr(&why));
			goto done;
		}
	}
	if ((err = cg_report_collect(st, &scope, kind, &cur, now, &why)) ||
	    (err = cg_report_collect(st, &scope, kind, &prev, before, &why))) {
		cg_cli_error(cli, "%s", cg_buf_cstr(&why));
		goto done;
	}
	cg_report_meta meta = {.english = en,
	                       .now_ms = cg_time_now_ms(),
	                       .agency_name = o.agency ? agency_name : NULL,
	                       .signer_name = o.signer,
	                       .signed_by = signer ? cg_signer_subject(signer) : NULL};
	if ((err = cg_report_build(kind, &cur, &prev, now, before, recos, nrecos, &meta, &doc))) {
		cg_cli_error(cli, "the report could not be built");
		goto done;
	}
	status = CG_EXIT_OK;
	static const int fl[] = {F_PDF, F_DOCX, F_XLSX};
	static const char *ext[] = {"pdf", "docx", "xlsx"};
	for (int i = 0; i < 3 && status == CG_EXIT_OK; i++) {
		if (!(o.formats & fl[i]))
			continue;
		int n = is_dir ? snprintf(path, sizeof path, "%s/%s-%s%s%s.%s", out,
		                          kind_file(kind, en), cur.name, o.agency ? "-" : "",
		                          o.agency ? o.agency : "", ext[i])
		               : snprintf(path, sizeof path, "%s", out);
		if (n < 0 || n >= (int)sizeof path) {
			status = cg_cli_error(cli, "path too long");
			break;
		}
		if (fl[i] == F_PDF) {
			cg_buf_reset(&pdf);
			if ((err = cg_doc_render_pdf(doc, &pdf, &why))) {
				status = cg_cli_error(cli, "%s", cg_buf_cstr(&why));
			} else if (signer) {
				cg_buf_reset(&signed_pdf);
				if ((err =
				         cg_pdf_sign(signer, cg_buf_slice(&pdf), meta.now_ms / 1000,
				                     NULL, &signed_pdf, &why)))
					status = cg_cli_error(cli, "%s", cg_buf_cstr(&why));
				else
					status = write_signed(cli, path, cg_buf_slice(&signed_pdf),
					                      NULL);
				if (status == CG_EXIT_OK && cli->verbosity >= 0)
					printf(cg_tr("signed %s (PAdES-B-B) by %s\n"), path,
					       cg_signer_subject(signer));
			} else {
				status = write_signed(cli, path, cg_buf_slice(&pdf), NULL);
			}
		} else if (fl[i] == F_DOCX) {
			cg_buf_reset(&docx);
			if ((err = cg_doc_render_docx(doc, &docx, &why)))
				status = cg_cli_error(cli, "%s", cg_buf_cstr(&why));
			else
				status = write_signed(cli, path, cg_buf_slice(&docx), signer);
		} else {
			/* libxlsxwriter writes a file: a temporary one beside the
			 * target, renamed into place once read back for signing */
			char tmp[PATH_MAX + 16];
			snprintf(tmp, sizeof tmp, "%s.tmp", path);
			if ((err = cg_doc_render_xlsx(doc, tmp, &why))) {
				status = cg_cli_error(cli, "%s", cg_buf_cstr(&why));
			} else {
				cg_buf_reset(&docx);
				if ((err = cg_read_file(tmp, &docx, &why)))
					status = cg_cli_error(cli, "%s", cg_buf_cstr(&why));
				else
					status =
					    write_signed(cli, path, cg_buf_slice(&docx), signer);
				unlink(tmp);
			}
		}
	}
done:
	explicit_bzero(o.pin, sizeof o.pin);
	cg_doc_free(doc);
	cg_signer_free(signer);
	if (st)
		cg_store_close(st);
	free(now);
	free(before);
	cg_buf_free(&why);
	cg_buf_free(&text);
	cg_buf_free(&pdf);
	cg_buf_free(&signed_pdf);
	cg_buf_free(&docx);
	return status;
}
