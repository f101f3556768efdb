/*
 * compliance_section.c - the compliance section of the periodic reports
 * (report.h cg_report_compliance_section): what compliance/compliance.h
 * cg_compliance_report_section decided, said in the report's language.
 *
 * Nothing is decided here: the province's percentage and counts, each
 * agency's percentage and counts, and the obligations that are overdue or
 * due soon (with their subject, due date and legal basis) are copied from
 * the section's summary and results. The list of obligations is bounded
 * (CG_REPORT_MAX_COMPLIANCE_ROWS, overdue first); a sentence says how
 * many were left out, and the Tuân thủ page has them all.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/limits.h"
#include "report/report.h"

typedef struct S {
	cg_doc *d;
	bool en;
	int *tables;
	cg_err err;
} S;

static const char *L(const S *s, const char *vi, const char *en)
{
	return s->en ? en : vi;
}

static const char *str(const json_t *o, const char *k)
{
	const char *v = json_string_value(json_object_get(o, k));
	return v ? v : "";
}

static long long num(const json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);
	return json_is_integer(v) ? (long long)json_integer_value(v) : 0;
}

static void para(S *s, const char *text)
{
	if (!s->err)
		s->err = cg_doc_para(s->d, text);
}

static void table(S *s, const char *vi, const char *en, size_t ncols, const char *const *hdr)
{
	if (s->err)
		return;
	char cap[512];
	snprintf(cap, sizeof cap, "%s %d. %s", s->en ? "Table" : "Bảng", ++*s->tables,
	         L(s, vi, en));
	s->err = cg_doc_table(s->d, cap, ncols, hdr);
}

static const char *status_words(const S *s, const char *st)
{
	static const char *const names[][3] = {
	    {"ok", "Đạt", "Met"},
	    {"due_soon", "Sắp đến hạn", "Due soon"},
	    {"overdue", "Quá hạn", "Overdue"},
	    {"missing_evidence", "Thiếu minh chứng", "Missing evidence"},
	    {"not_applicable", "Không áp dụng", "Not applicable"},
	};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcmp(st, names[i][0]) == 0)
			return names[i][s->en ? 2 : 1];
	return st;
}

/* "dd/mm/yyyy" of "yyyy-mm-dd" ("" stays ""). */
static void vn_date(const char *iso, char out[16])
{
	if (strlen(iso) == 10)
		snprintf(out, 16, "%.2s/%.2s/%.4s", iso + 8, iso + 5, iso);
	else
		snprintf(out, 16, "%s", iso);
}

static void percent_text(const json_t *p, char out[16])
{
	if (json_is_integer(p))
		snprintf(out, 16, "%lld%%", (long long)json_integer_value(p));
	else
		snprintf(out, 16, "-");
}

static void agencies(S *s, const json_t *summary)
{
	const json_t *list = json_object_get(summary, "agencies");
	if (!json_array_size(list))
		return;
	const char *h[] = {
	    L(s, "Cơ quan", "Agency"),  L(s, "Tỷ lệ đạt", "Compliance"),
	    L(s, "Đạt", "Met"),         L(s, "Sắp đến hạn", "Due soon"),
	    L(s, "Quá hạn", "Overdue"), L(s, "Thiếu minh chứng", "Missing evidence")};
	table(s, "Tình hình tuân thủ theo cơ quan", "Compliance per agency", 6, h);
	size_t i;
	const json_t *a;
	json_array_foreach(list, i, a)
	{
		if (s->err)
			return;
		const json_t *c = json_object_get(a, "counts");
		char pc[16], ok[24], soon[24], over[24], miss[24];
		percent_text(json_object_get(a, "percent"), pc);
		snprintf(ok, sizeof ok, "%lld", num(c, "ok"));
		snprintf(soon, sizeof soon, "%lld", num(c, "due_soon"));
		snprintf(over, sizeof over, "%lld", num(c, "overdue"));
		snprintf(miss, sizeof miss, "%lld", num(c, "missing_evidence"));
		const char *cells[] = {str(a, "name"), pc, ok, soon, over, miss};
		s->err = cg_doc_row(s->d, cells);
	}
}

/* The overdue obligations, then those due soon, by due date. */
static int rank(const json_t *r)
{
	return strcmp(str(r, "status"), "overdue") == 0 ? 0 : 1;
}

static int cmp_results(const void *a, const void *b)
{
	const json_t *x = *(const json_t *const *)a, *y = *(const json_t *const *)b;
	int d = rank(x) - rank(y);
	return d ? d : strcmp(str(x, "due"), str(y, "due"));
}

static void obligations(S *s, const json_t *results)
{
	size_t n = 0, i;
	const json_t *r;
	const json_t **v = calloc(json_array_size(results) + 1, sizeof *v);
	if (!v) {
		s->err = CG_ENOMEM;
		return;
	}
	json_array_foreach(results, i, r)
	{
		const char *st = str(r, "status");
		if (strcmp(st, "overdue") == 0 || strcmp(st, "due_soon") == 0)
			v[n++] = r;
	}
	if (!n) {
		para(s, L(s, "Không có nghĩa vụ nào quá hạn hoặc sắp đến hạn.",
		          "No obligation is overdue or due soon."));
		free(v);
		return;
	}
	qsort(v, n, sizeof *v, cmp_results);
	const char *h[] = {L(s, "Nghĩa vụ", "Obligation"), L(s, "Đối tượng", "Subject"),
	                   L(s, "Trạng thái", "Status"), L(s, "Hạn", "Due"),
	                   L(s, "Căn cứ", "Legal basis")};
	table(s, "Nghĩa vụ quá hạn và sắp đến hạn", "Obligations overdue and due soon", 5, h);
	size_t shown = n < CG_REPORT_MAX_COMPLIANCE_ROWS ? n : CG_REPORT_MAX_COMPLIANCE_ROWS;
	for (i = 0; i < shown && !s->err; i++) {
		char due[16];
		vn_date(str(v[i], "due"), due);
		const char *cells[] = {
		    str(v[i], s->en ? "title_en" : "title"), str(v[i], "subject_name"),
		    status_words(s, str(v[i], "status")), due, str(v[i], "legal_basis")};
		s->err = cg_doc_row(s->d, cells);
	}
	if (shown < n) {
		char text[256];
		snprintf(text, sizeof text,
		         s->en ? "%zu more obligations overdue or due soon are listed on the "
		                 "dashboard's Compliance page."
		               : "Còn %zu nghĩa vụ quá hạn hoặc sắp đến hạn khác, xem trang Tuân "
		                 "thủ của hệ thống.",
		         n - shown);
		para(s, text);
	}
	free(v);
}

cg_err cg_report_compliance_section(cg_doc *d, bool english, int *tables, const json_t *section,
                                    const char *failed)
{
	S s = {d, english, tables, CG_OK};
	if (!section) {
		char text[1024];
		snprintf(text, sizeof text,
		         english ? "The compliance status could not be evaluated: %s."
		                 : "Không đánh giá được tình hình tuân thủ: %s.",
		         failed && failed[0] ? failed : "?");
		para(&s, text);
		return s.err;
	}
	const json_t *sum = json_object_get(section, "summary");
	const json_t *c = json_object_get(sum, "counts");
	char at[16], pc[16], text[1536];
	vn_date(str(sum, "at"), at);
	percent_text(json_object_get(sum, "percent"), pc);
	snprintf(text, sizeof text,
	         english ? "Compliance with the obligations of %s, as of %s: %s of the "
	                   "obligations that apply are met (%lld met, %lld due soon, %lld "
	                   "overdue, %lld missing evidence)."
	                 : "Tình hình thực hiện các nghĩa vụ theo %s, tính đến ngày %s: đạt %s "
	                   "các nghĩa vụ áp dụng (%lld đạt, %lld sắp đến hạn, %lld quá hạn, "
	                   "%lld thiếu minh chứng).",
	         str(sum, english ? "regime_title_en" : "regime_title")[0]
	             ? str(sum, english ? "regime_title_en" : "regime_title")
	             : str(sum, "regime"),
	         at, pc, num(c, "ok"), num(c, "due_soon"), num(c, "overdue"),
	         num(c, "missing_evidence"));
	para(&s, text);
	agencies(&s, sum);
	obligations(&s, json_object_get(section, "results"));
	return s.err;
}
