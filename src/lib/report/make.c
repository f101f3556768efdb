/*
 * make.c - a report from the store to signed bytes (make.h). The steps are
 * those of report.h in order; this file only chains them and keeps the
 * buffers. The XLSX writer (libxlsxwriter) writes a file, so the XLSX goes
 * through a private temporary file in tmp_dir, read back and removed.
 */
#include "report/make.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compliance/compliance.h"
#include "core/fileio.h"
#include "core/limits.h"
#include "core/rulesdir.h"
#include "core/timeutil.h"
#include "sign/pdfsign.h"

static const char *const NAMES[CG_RFMT_COUNT] = {"pdf", "docx", "xlsx"};
static const char *const MIMES[CG_RFMT_COUNT] = {
    "application/pdf", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"};

const char *cg_report_format_name(cg_report_format f)
{
	return (unsigned)f < CG_RFMT_COUNT ? NAMES[f] : "pdf";
}

const char *cg_report_format_mime(cg_report_format f)
{
	return (unsigned)f < CG_RFMT_COUNT ? MIMES[f] : "application/octet-stream";
}

int cg_report_format_parse(const char *name)
{
	for (int i = 0; name && i < CG_RFMT_COUNT; i++)
		if (strcmp(name, NAMES[i]) == 0)
			return i;
	return -1;
}

bool cg_report_file_name(cg_report_kind kind, const char *period, const char *agency, bool english,
                         char *out, size_t n)
{
	static const char *vi[] = {"bao-cao-thang", "bao-cao-6-thang", "bao-cao-nam",
	                           "bao-cao-ung-cuu-su-co"};
	static const char *en[] = {"report-monthly", "report-semiannual", "report-annual",
	                           "report-incidents"};
	if ((unsigned)kind > CG_REPORT_INCIDENTS)
		return false;
	int w = snprintf(out, n, "%s-%s%s%s", english ? en[kind] : vi[kind], period,
	                 agency ? "-" : "", agency ? agency : "");
	return w > 0 && (size_t)w < n;
}

void cg_report_output_free(cg_report_output *out)
{
	for (int i = 0; i < CG_RFMT_COUNT; i++) {
		cg_buf_free(&out->doc[i]);
		cg_buf_free(&out->p7s[i]);
	}
}

static cg_err load_recos(const char *file, cg_reco *recos, size_t *n, cg_buf *why)
{
	char rp[PATH_MAX];
	if (!file) {
		if (cg_rules_dir("report", rp, sizeof rp - 32)) {
			cg_buf_reset(why);
			cg_buf_printf(why, "no rules directory with report/ (%s)", rp);
			return CG_ENOTFOUND;
		}
		size_t l = strlen(rp);
		memcpy(rp + l, "/recommendations.tsv", sizeof "/recommendations.tsv");
		file = rp;
	}
	cg_buf text;
	cg_buf_init(&text, 1u << 20);
	cg_err err = cg_read_file(file, &text, why);
	if (!err)
		err = cg_reco_parse(cg_buf_slice(&text), file, recos, CG_REPORT_MAX_RECOS, n, why);
	cg_buf_free(&text);
	return err;
}

static cg_err render_xlsx(const cg_doc *doc, const char *tmp_dir, cg_buf *out, cg_buf *why)
{
	char path[PATH_MAX];
	int w = snprintf(path, sizeof path, "%s/.cg-report-XXXXXX", tmp_dir ? tmp_dir : "/tmp");
	if (w < 0 || (size_t)w >= sizeof path) {
		cg_buf_printf(why, "%s: path too long", tmp_dir);
		return CG_ETOOBIG;
	}
	/* mkstemp makes the name ours; libxlsxwriter then rewrites the file */
	int fd = mkstemp(path);
	if (fd < 0) {
		cg_buf_printf(why, "%s: cannot make a temporary file", tmp_dir ? tmp_dir : "/tmp");
		return CG_EIO;
	}
	close(fd);
	cg_err err = cg_doc_render_xlsx(doc, path, why);
	if (!err)
		err = cg_read_file(path, out, why);
	unlink(path);
	return err;
}

cg_err cg_report_make(cg_store *st, const cg_report_request *r, cg_report_output *out, cg_buf *why)
{
	memset(out, 0, sizeof *out);
	for (int i = 0; i < CG_RFMT_COUNT; i++) {
		cg_buf_init(&out->doc[i], CG_SIGN_MAX_FILE + 4u * CG_PDF_SIG_BYTES + 65536u);
		cg_buf_init(&out->p7s[i], 1u << 20);
	}
	cg_period prev;
	if (cg_period_parse(r->kind, r->period, &out->cur, &prev)) {
		cg_buf_printf(why, "period '%s' does not fit the report", r->period);
		return CG_EINVAL;
	}
	unsigned formats = r->formats ? r->formats : CG_RFMT_BIT(CG_RFMT_PDF);
	int64_t now_ms = r->now_ms ? r->now_ms : cg_time_now_ms();
	cg_report_figs *now = calloc(1, sizeof *now), *before = calloc(1, sizeof *before);
	cg_deadline_rules *rules = calloc(1, sizeof *rules);
	cg_reco *recos = calloc(CG_REPORT_MAX_RECOS, sizeof *recos);
	cg_doc *doc = NULL;
	cg_buf pdf;
	cg_buf_init(&pdf, CG_SIGN_MAX_FILE);
	size_t nrecos = 0;
	cg_err err = CG_OK;
	if (!now || !before || !rules || !recos) {
		err = CG_ENOMEM;
		goto done;
	}
	if ((err = load_recos(r->recos_file, recos, &nrecos, why)) ||
	    (err = cg_deadline_load_default(rules, why)))
		goto done;
	cg_scope scope = {.agency_id = r->agency_id};
	if ((err = cg_report_collect(st, &scope, r->kind, &out->cur, rules, now_ms, now, why)) ||
	    (err = cg_report_collect(st, &scope, r->kind, &prev, rules, now_ms, before, why)))
		goto done;
	/* the compliance status as of the report's date, within its scope
	 * (compliance.h); a rule file that does not load is said in the
	 * report, which is made all the same */
	json_t *compliance = NULL;
	char cwhy[512] = "";
	if (r->kind != CG_REPORT_INCIDENTS) {
		cg_buf cb;
		cg_buf_init(&cb, sizeof cwhy);
		cg_err cerr =
		    cg_compliance_report_section(st, &scope, NULL, NULL, now_ms, &compliance, &cb);
		if (cerr)
			snprintf(cwhy, sizeof cwhy, "%s",
			         cb.len ? cg_buf_cstr(&cb) : cg_strerror(cerr));
		cg_buf_free(&cb);
	}
	if (r->signer)
		snprintf(out->signed_by, sizeof out->signed_by, "%s", cg_signer_subject(r->signer));
	cg_report_meta meta = {.english = r->english,
	                       .now_ms = now_ms,
	                       .agency_name = r->agency_id ? r->agency_name : NULL,
	                       .signer_name = r->signer_name,
	                       .signed_by = r->signer ? out->signed_by : NULL,
	                       .compliance = compliance,
	                       .compliance_error = cwhy[0] ? cwhy : NULL};
	err = cg_report_build(r->kind, &out->cur, &prev, now, before, recos, nrecos, &meta, &doc);
	json_decref(compliance);
	if (err) {
		cg_buf_printf(why, "the report could not be built");
		goto done;
	}
	for (int f = 0; f < CG_RFMT_COUNT && !err; f++) {
		if (!(formats & CG_RFMT_BIT(f)))
			continue;
		cg_buf *o = &out->doc[f];
		if (f == CG_RFMT_PDF) {
			if ((err = r->render ? r->render(doc, true, r->signer ? &pdf : o, why)
			                     : cg_doc_render_pdf(doc, r->signer ? &pdf : o, why)))
				break;
			if (r->signer)
				err = cg_pdf_sign(r->signer, cg_buf_slice(&pdf), now_ms / 1000,
				                  NULL, o, why);
			continue;
		}
		err = f != CG_RFMT_DOCX ? render_xlsx(doc, r->tmp_dir, o, why)
		      : r->render       ? r->render(doc, false, o, why)
		                        : cg_doc_render_docx(doc, o, why);
		if (!err && r->signer)
			err = cg_signer_cms(r->signer, cg_buf_slice(o), true, &out->p7s[f], why);
	}
done:
	cg_doc_free(doc);
	cg_buf_free(&pdf);
	free(now);
	free(before);
	free(rules);
	free(recos);
	return err;
}
