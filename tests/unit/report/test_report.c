/* test_report.c - report periods (each kind's forms, the period before,
 * refusals) and the recommendation rules parser (rules as data: errors
 * name file:line; the shipped file parses). */
#include <stdio.h>
#include <string.h>

#include "core/fileio.h"
#include "core/rulesdir.h"
#include "report/archive.h"
#include "report/report.h"
#include "test.h"

TEST(periods)
{
	cg_period c, p;
	CHECK(cg_period_parse(CG_REPORT_MONTHLY, "2026-11", &c, &p) == CG_OK);
	CHECK_STR(c.name, "2026-11");
	CHECK_STR(p.name, "2026-10");
	CHECK(c.from_ms == 1793491200000ll && c.to_ms == 1796083200000ll);
	CHECK(cg_period_parse(CG_REPORT_MONTHLY, "2026-01", &c, &p) == CG_OK);
	CHECK_STR(p.name, "2025-12");
	CHECK(cg_period_parse(CG_REPORT_SEMIANNUAL, "2026-H1", &c, &p) == CG_OK);
	CHECK_STR(p.name, "2025-H2");
	CHECK(c.to_ms - c.from_ms == 181ll * 86400000);
	CHECK(cg_period_parse(CG_REPORT_ANNUAL, "2026", &c, &p) == CG_OK);
	CHECK_STR(p.name, "2025");
	CHECK(cg_period_parse(CG_REPORT_INCIDENTS, "2026-H2", &c, &p) == CG_OK);
	CHECK(cg_period_parse(CG_REPORT_INCIDENTS, "2026", &c, &p) == CG_OK);
	CHECK(cg_period_parse(CG_REPORT_MONTHLY, "2026-13", &c, &p) == CG_EINVAL);
	CHECK(cg_period_parse(CG_REPORT_MONTHLY, "2026-1", &c, &p) == CG_EINVAL);
	CHECK(cg_period_parse(CG_REPORT_MONTHLY, "2026", &c, &p) == CG_EINVAL);
	CHECK(cg_period_parse(CG_REPORT_ANNUAL, "2026-H1", &c, &p) == CG_EINVAL);
	CHECK(cg_period_parse(CG_REPORT_SEMIANNUAL, "2026", &c, &p) == CG_EINVAL);
	CHECK(cg_period_parse(CG_REPORT_SEMIANNUAL, "2026-H3", &c, &p) == CG_EINVAL);
	CHECK(cg_period_parse(CG_REPORT_ANNUAL, "1999", &c, &p) == CG_EINVAL);
	cg_report_kind k;
	CHECK(cg_report_kind_parse("annual", &k) == CG_OK && k == CG_REPORT_ANNUAL);
	CHECK(cg_report_kind_parse("weekly", &k) == CG_EINVAL);
}

TEST(recommendations)
{
	cg_reco r[4];
	size_t n;
	cg_buf why;
	cg_buf_init(&why, 1024);
	CHECK(cg_reco_parse(CG_SLICE("# c\n\ndefacements\t1\tKhôi phục\tRestore\r\n"), "f", r, 4,
	                    &n, &why) == CG_OK);
	CHECK(n == 1 && r[0].min == 1);
	CHECK_STR(r[0].vi, "Khôi phục");
	CHECK_STR(r[0].en, "Restore");
	CHECK(cg_reco_parse(CG_SLICE("x\n\nnosuch\t1\ta\tb\n"), "f", r, 4, &n, &why) == CG_EPARSE);
	CHECK_STR(cg_buf_cstr(&why), "f:1: unknown figure");
	CHECK(cg_reco_parse(CG_SLICE("#\nspam\t-1\ta\tb\n"), "f", r, 4, &n, &why) == CG_EPARSE);
	CHECK_STR(cg_buf_cstr(&why), "f:2: MIN must be a whole number >= 0");
	CHECK(cg_reco_parse(CG_SLICE("spam\t1\tonly vi\n"), "f", r, 4, &n, &why) == CG_EPARSE);
	CHECK(cg_reco_parse(CG_SLICE("spam\t1\ta\tb\tc\n"), "f", r, 4, &n, &why) == CG_EPARSE);
	CHECK(cg_reco_parse(CG_SLICE("spam\t1\ta\tb\nspam\t1\ta\tb\n"), "f", r, 1, &n, &why) ==
	      CG_EPARSE);
	/* the shipped rules parse */
	char dir[4096], path[4200];
	CHECK(cg_rules_dir("report", dir, sizeof dir) == CG_OK);
	snprintf(path, sizeof path, "%s/recommendations.tsv", dir);
	cg_buf text;
	cg_buf_init(&text, 1u << 20);
	cg_reco all[CG_REPORT_MAX_RECOS];
	CHECK(cg_read_file(path, &text, &why) == CG_OK);
	CHECK(cg_reco_parse(cg_buf_slice(&text), path, all, CG_REPORT_MAX_RECOS, &n, &why) ==
	      CG_OK);
	CHECK(n >= 8);
	cg_buf_free(&text);
	cg_buf_free(&why);
}

/* The schedule: what is due, in the province's calendar (UTC+7). */
TEST(schedule)
{
	cg_report_due d[CG_REPORT_DUE_MAX];
	/* 2026-12-01T00:30+07 is still 30 November in UTC: December locally */
	CHECK(cg_report_due_at(1796059800000ll, 420, d) == 4);
	CHECK(d[0].kind == CG_REPORT_MONTHLY);
	CHECK_STR(d[0].period, "2026-11");
	CHECK(d[1].kind == CG_REPORT_SEMIANNUAL);
	CHECK_STR(d[1].period, "2026-H1");
	CHECK(d[2].kind == CG_REPORT_INCIDENTS);
	CHECK_STR(d[2].period, "2026-H1");
	CHECK(d[3].kind == CG_REPORT_ANNUAL);
	CHECK_STR(d[3].period, "2026");
	/* the same instant in UTC is November: last year's annual, October */
	CHECK(cg_report_due_at(1796059800000ll, 0, d) == 4);
	CHECK_STR(d[0].period, "2026-10");
	CHECK_STR(d[3].period, "2025");
	/* 2027-01-15: December's monthly, the second half of 2026 */
	CHECK(cg_report_due_at(1800000000000ll, 420, d) == 4);
	CHECK_STR(d[0].period, "2026-12");
	CHECK_STR(d[1].period, "2026-H2");
	CHECK_STR(d[3].period, "2026");
	/* 2026-07-01T08:00+07: the first half */
	CHECK(cg_report_due_at(1782867600000ll, 420, d) == 4);
	CHECK_STR(d[0].period, "2026-06");
	CHECK_STR(d[2].period, "2026-H1");
	CHECK_STR(d[3].period, "2025");
	CHECK_STR(cg_report_kind_name(CG_REPORT_INCIDENTS), "incidents");
}

int main(void)
{
	RUN(periods);
	RUN(recommendations);
	RUN(schedule);
	return test_done();
}
