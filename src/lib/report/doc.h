/*
 * doc.h - a small document model for the administrative documents canhgac
 * writes (MISSION R9), and its renderers.
 *
 * A document is the frame that Decree 30/2020/NĐ-CP gives every
 * administrative text (the issuing body over its parent, the national
 * motto and slogan, number and symbol, place and date, the title, the
 * body, the recipients "Nơi nhận" and the signature block) around a body
 * that is a list of blocks: headings, paragraphs, tables and charts. The
 * renderers lay the same model out as PDF (cairo + pango: real shaping of
 * Vietnamese diacritics, Liberation Serif embedded, A4, the margins and
 * page numbers the decree sets), as DOCX (WordprocessingML that LibreOffice
 * and Word open without repair) and as XLSX (libxlsxwriter: the tables and
 * the charts' data as sheets, native charts).
 *
 * The model holds text and numbers, never layout: the monthly report
 * builds one from the store's figures, and the incident engineer can
 * render the regulated forms of Circular 20/2017 (Mẫu 03 initial report,
 * Mẫu 04 closing report) by filling a document from a template the same
 * way. Every string is copied in; cg_doc_free releases all of it. Text is
 * UTF-8 and plain: renderers escape it.
 */
#ifndef CG_REPORT_DOC_H
#define CG_REPORT_DOC_H

#include <stddef.h>

#include "core/buf.h"

typedef enum cg_blk_kind {
	CG_BLK_HEADING, /* level 1 or 2 */
	CG_BLK_PARA,    /* a paragraph, first line indented */
	CG_BLK_TABLE,   /* a header row and rows of text cells */
	CG_BLK_CHART,   /* bars, stacked bars or a line */
	CG_BLK_PAGEBREAK,
} cg_blk_kind;

typedef enum cg_chart_kind {
	CG_CHART_BARS,    /* one bar per category and series, side by side */
	CG_CHART_STACKED, /* the series stacked in one bar per category */
	CG_CHART_LINE,    /* one line per series */
} cg_chart_kind;

typedef struct cg_doc_chart {
	cg_chart_kind kind;
	char *title;
	char *unit; /* the value axis, e.g. "%" or "sự kiện" */
	size_t ncats, nseries;
	char **cats;    /* category labels */
	char **series;  /* series names */
	double *values; /* nseries * ncats, series-major */
	double ymax;    /* 0: from the data */
} cg_doc_chart;

typedef struct cg_doc_block {
	cg_blk_kind kind;
	int level;  /* heading level */
	char *text; /* heading or paragraph text; table caption */
	size_t ncols, nrows;
	char **cells; /* table: (nrows + 1) * ncols, row 0 the header */
	cg_doc_chart *chart;
} cg_doc_block;

typedef struct cg_doc {
	/* the Decree 30 frame */
	char *parent;      /* "UBND TỈNH LAI CHÂU" (may be empty) */
	char *issuer;      /* "SỞ KHOA HỌC VÀ CÔNG NGHỆ" */
	char *number;      /* "Số: 12/BC-SKHCN" */
	char *place_date;  /* "Lai Châu, ngày 01 tháng 12 năm 2026" */
	char *kind_title;  /* "BÁO CÁO" */
	char *title;       /* "Tình hình an toàn thông tin mạng tháng 11/2026" */
	char *signer_role; /* "GIÁM ĐỐC" */
	char *signer_name; /* printed under the space for the signature */
	char *signed_by;   /* the certificate's subject, when signed */
	char **recipients;
	char *motto;  /* NULL: the national motto (CỘNG HÒA ...) */
	char *slogan; /* NULL: the national slogan (Độc lập ...) */
	size_t nrecipients;
	int english; /* the motto, "Nơi nhận" and page words in English */
	int toc;     /* a table of contents under the title (PDF: with the
	              * pages of the headings and an outline; DOCX: a TOC field) */
	cg_doc_block *blocks;
	size_t nblocks, cap;
} cg_doc;

cg_doc *cg_doc_new(void);
void cg_doc_free(cg_doc *d);
/* Sets one of the frame's strings (a field of d). */
cg_err cg_doc_set(char **field, const char *text);
cg_err cg_doc_recipient(cg_doc *d, const char *text);
cg_err cg_doc_heading(cg_doc *d, int level, const char *text);
cg_err cg_doc_para(cg_doc *d, const char *text);
cg_err cg_doc_pagebreak(cg_doc *d);
/* A table with ncols columns and this header; rows follow with
 * cg_doc_row (ncols cells each) on the last table. */
cg_err cg_doc_table(cg_doc *d, const char *caption, size_t ncols, const char *const *header);
cg_err cg_doc_row(cg_doc *d, const char *const *cells);
/* A chart; values is nseries * ncats, series-major. */
cg_err cg_doc_chart_add(cg_doc *d, cg_chart_kind kind, const char *title, const char *unit,
                        size_t ncats, const char *const *cats, size_t nseries,
                        const char *const *series, const double *values);

/* Renders the document as PDF into out. CG_EIO when cairo fails. */
cg_err cg_doc_render_pdf(const cg_doc *d, cg_buf *out, cg_buf *why);

/* The page of each of the first n headings (in order) in the PDF of d
 * with its contents (d->toc), into pages[0..n): what the DOCX's contents
 * show until a word processor updates them. CG_EIO when cairo fails. */
cg_err cg_doc_heading_pages(const cg_doc *d, int *pages, size_t n);

/* Renders the document as DOCX (WordprocessingML in a zip written with
 * zlib): styles for headings and tables, charts as PNG images, and with
 * d->toc a TOC field (headings bookmarked, PAGEREF page numbers, updated
 * by the word processor when the file is opened). */
cg_err cg_doc_render_docx(const cg_doc *d, cg_buf *out, cg_buf *why);

/* One chart as a PNG image (for DOCX); *height_pt its height. */
cg_err cg_doc_chart_png(const cg_doc_chart *c, double width_pt, cg_buf *out, double *height_pt);

/* Renders the document as an XLSX workbook at path (libxlsxwriter writes
 * files, not buffers): a sheet for the text, one per table and one per
 * chart with a native chart. */
cg_err cg_doc_render_xlsx(const cg_doc *d, const char *path, cg_buf *why);

#endif
