/*
 * make.h - one periodic report made from beginning to end: the
 * recommendation rules and the deadline rules loaded, the figures of the
 * period and the one before collected (report.h), the document built,
 * rendered in the formats asked for and signed when a signer is given
 * (PDF: PAdES-B-B inside the file; DOCX, XLSX: a detached CMS beside it).
 *
 * `canhgac report` and the server's report job (src/server/report_job.c)
 * both call cg_report_make, so a report made by hand and one made on the
 * schedule are the same document.
 *
 * Ownership: the caller owns the signer (it may ask for a PIN once and
 * sign many reports); cg_report_output holds the bytes and is freed with
 * cg_report_output_free.
 */
#ifndef CG_REPORT_MAKE_H
#define CG_REPORT_MAKE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/buf.h"
#include "report/doc.h"
#include "report/report.h"
#include "sign/sign.h"
#include "store/store.h"

typedef enum cg_report_format {
	CG_RFMT_PDF = 0,
	CG_RFMT_DOCX,
	CG_RFMT_XLSX,
	CG_RFMT_COUNT
} cg_report_format;

#define CG_RFMT_BIT(f) (1u << (f))
#define CG_RFMT_ALL                                                                                \
	(CG_RFMT_BIT(CG_RFMT_PDF) | CG_RFMT_BIT(CG_RFMT_DOCX) | CG_RFMT_BIT(CG_RFMT_XLSX))

/* "pdf", "docx", "xlsx"; the file name extension too. */
const char *cg_report_format_name(cg_report_format f);
/* -1 when unknown. */
int cg_report_format_parse(const char *name);
/* The MIME type of a format. */
const char *cg_report_format_mime(cg_report_format f);
/* The file name of a report, without extension: "bao-cao-thang-2026-11"
 * (Vietnamese) or "report-monthly-2026-11", with "-AGENCY" for an agency's
 * own report (agency NULL: the province's). false when it does not fit. */
bool cg_report_file_name(cg_report_kind kind, const char *period, const char *agency, bool english,
                         char *out, size_t n);

typedef struct cg_report_request {
	cg_report_kind kind;
	const char *period;      /* "2026-11", "2026-H2", "2026" */
	int64_t agency_id;       /* 0: the province */
	const char *agency_name; /* an agency's report: its name in the title */
	unsigned formats;        /* CG_RFMT_BIT()s; 0 = PDF */
	bool english;
	const char *recos_file;  /* NULL: report/recommendations.tsv of the rules */
	cg_signer *signer;       /* NULL: not signed */
	const char *signer_name; /* the name under the signature */
	const char *tmp_dir;     /* where the XLSX is written before it is read back */
	int64_t now_ms;          /* the report's date; 0 = now */
	/* optional: lays out the PDF or DOCX (the server's: in a sandboxed
	 * child, server/render_privsep.h); NULL: cg_doc_render_pdf/_docx
	 * in this process. The XLSX is always written here (libxlsxwriter:
	 * no shaping, no fonts). */
	cg_err (*render)(const cg_doc *d, bool pdf, cg_buf *out, cg_buf *why);
} cg_report_request;

typedef struct cg_report_output {
	cg_buf doc[CG_RFMT_COUNT]; /* empty when not asked for */
	cg_buf p7s[CG_RFMT_COUNT]; /* the detached signature of DOCX, XLSX */
	cg_period cur;
	char signed_by[512]; /* the signer's subject; "" when not signed */
} cg_report_output;

/* CG_EINVAL for a period that does not fit the kind (*why says so);
 * other errors name what failed in *why. */
cg_err cg_report_make(cg_store *st, const cg_report_request *r, cg_report_output *out, cg_buf *why);
void cg_report_output_free(cg_report_output *out);

#endif
