/* test_report.c - report periods (each kind's forms, the period before,
 * refusals), the recommendation rules parser (rules as data: errors
 * name file:line; the shipped file parses), and the regulated reports of
 * the cases a report counts (Mẫu 03, Mẫu 04, immediate escalations) on a
 * real SQLite store with cases whose moments give every clock state. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/fileio.h"
#include "core/event.h"
#include "core/json.h"
#include "core/timeutil.h"
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

static int64_t at(const char *rfc3339)
{
	int64_t ms = 0;
	CHECK(cg_time_parse(cg_slice_cstr(rfc3339), &ms) == CG_OK);
	return ms;
}

/* One case written as the store keeps it; times NULL when not yet. */
static void put_case(cg_store *st, int64_t agency, int64_t system, const char *state,
                     const char *detected, const char *contained, const char *closing,
                     const char *escalated, bool secret)
{
	static const cg_scope all = {0};
	static const cg_actor actor = {"test"};
	json_t *rec = json_pack(
	    "{s:s,s:s,s:s,s:I,s:[I],s:n,s:n,s:s,s:s,s:n,s:o,s:n,s:o,s:o,s:b}", "title", "case",
	    "kind", "malware", "severity", "high", "agency_id", (json_int_t)agency, "system_ids",
	    (json_int_t)system, "owner", "description", "state", state, "detected_at", detected,
	    "reported_at", "contained_at", contained ? json_string(contained) : json_null(),
	    "closed_at", "closing_reported_at", closing ? json_string(closing) : json_null(),
	    "escalated_at", escalated ? json_string(escalated) : json_null(), "state_secret",
	    secret);
	CHECK(rec != NULL);
	cg_inc_write w = {.year = 2026, .rec = rec, .what = "created"};
	int64_t id = 0;
	CHECK(cg_store_incident_write(st, &all, &actor, &w, at(detected), &id) == CG_OK);
	json_decref(rec);
}

/* October 2026, the report made on 20 November: the closing report
 * (Mẫu 04) is due 5 calendar days after the response ended (contained 6
 * October: due Sunday 11, rolled to the end of Monday 12 October); the
 * escalation is due at detection, for a level 3 system or state secrets. */
TEST(regulated_reports)
{
	char dir[] = "/tmp/canhgac-report-unit.XXXXXX", path[64];
	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof path, "%s/t.db", dir);
	cg_store *st = NULL;
	CHECK(cg_store_open(path, &st, NULL) == CG_OK);
	if (!st)
		return;
	static const cg_scope all = {0};
	static const cg_actor actor = {"test"};
	json_t *a =
	    json_pack("{s:s,s:s,s:n,s:s,s:[],s:i}", "name", "Sở Một", "kind", "so_ban_nganh",
	              "parent_id", "code", "s1", "ip_ranges", "declared_endpoints", 10);
	int64_t ag = 0, sys3 = 0, sys2 = 0;
	CHECK(cg_store_inv_create(st, &all, &actor, CG_RES_AGENCY, a, &ag) == CG_OK);
	json_decref(a);
	for (int level = 2; level <= 3; level++) {
		json_t *s =
		    json_pack("{s:I,s:s,s:s,s:[],s:[],s:[],s:i,s:s,s:{},s:i}", "agency_id",
		              (json_int_t)ag, "name", level == 3 ? "Cổng 3" : "Cổng 2", "kind",
		              "portal", "urls", "domains", "ips", "level", level, "dossier_status",
		              "none", "dossier_dates", "monitor_interval_s", 300);
		CHECK(cg_store_inv_create(st, &all, &actor, CG_RES_SYSTEM, s,
		                          level == 3 ? &sys3 : &sys2) == CG_OK);
		json_decref(s);
	}
	const char *det = "2026-10-05T03:00:00Z", *cont = "2026-10-06T03:00:00Z";
	/* Mẫu 04 on time; escalated at detection (level 3 system) */
	put_case(st, ag, sys3, "contained", det, cont, "2026-10-08T03:00:00Z", det, false);
	/* Mẫu 04 late (20 October); escalated an hour late (state secrets) */
	put_case(st, ag, sys2, "contained", det, cont, "2026-10-20T03:00:00Z",
	         "2026-10-05T04:00:00Z", true);
	/* Mẫu 04 overdue; never escalated (state secrets) */
	put_case(st, ag, sys2, "contained", det, cont, NULL, NULL, true);
	/* the response ended on 18 November: Mẫu 04 not yet due */
	put_case(st, ag, sys2, "contained", det, "2026-11-18T03:00:00Z", NULL, NULL, false);
	/* still open: no Mẫu 04 clock; level 2 and no secrets: no escalation */
	put_case(st, ag, sys2, "responding", "2026-10-20T03:00:00Z", NULL, NULL, NULL, false);
	/* rejected: no incident, whatever it says */
	put_case(st, ag, sys3, "rejected", det, NULL, NULL, NULL, true);

	cg_deadline_rules *rules = malloc(sizeof *rules);
	CHECK(rules && cg_deadline_load_default(rules, NULL) == CG_OK);
	cg_period cur, prev;
	CHECK(cg_period_parse(CG_REPORT_MONTHLY, "2026-10", &cur, &prev) == CG_OK);
	cg_report_figs *f = calloc(1, sizeof *f);
	CHECK(f && cg_report_collect(st, &all, CG_REPORT_MONTHLY, &cur, rules,
	                             at("2026-11-20T00:00:00Z"), f, NULL) == CG_OK);
	if (f) {
		CHECK(f->inc_opened == 5);
		/* no initial report was sent: all five overdue */
		CHECK(f->inc_reports[CG_CLOCK_OVERDUE] == 5 && f->inc_reports[CG_CLOCK_MET] == 0);
		CHECK(f->inc_closing[CG_CLOCK_MET] == 1);
		CHECK(f->inc_closing[CG_CLOCK_LATE] == 1);
		CHECK(f->inc_closing[CG_CLOCK_OVERDUE] == 1);
		CHECK(f->inc_closing[CG_CLOCK_RUNNING] == 1);
		CHECK(f->inc_escalations[CG_CLOCK_MET] == 1);
		CHECK(f->inc_escalations[CG_CLOCK_LATE] == 1);
		CHECK(f->inc_escalations[CG_CLOCK_OVERDUE] == 1);
		CHECK(f->inc_escalations[CG_CLOCK_RUNNING] == 0);
		int64_t v = 0;
		CHECK(cg_report_figure(f, "closing_reports_late", &v) && v == 2);
		CHECK(cg_report_figure(f, "escalations_missing", &v) && v == 1);
	}
	free(f);
	free(rules);
	cg_store_close(st);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	CHECK(system(cmd) == 0);
}

static int count_row(void *ud, const cg_event_row *e)
{
	int *n = ud;
	(*n)++;
	return e->severity == CG_SEV_CRITICAL; /* stops at the critical one */
}

/* The scan the figures are counted from: [from, to) exactly, the scope's
 * agency only, a callback that stops it; and the figures it gives. */
TEST(events_scan)
{
	char dir[] = "/tmp/canhgac-report-scan.XXXXXX", path[64];
	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof path, "%s/t.db", dir);
	cg_store *st = NULL;
	CHECK(cg_store_open(path, &st, NULL) == CG_OK);
	if (!st)
		return;
	static const cg_scope all = {0};
	static const cg_actor actor = {"test"};
	json_t *a =
	    json_pack("{s:s,s:s,s:n,s:s,s:[],s:i}", "name", "Sở Một", "kind", "so_ban_nganh",
	              "parent_id", "code", "s1", "ip_ranges", "declared_endpoints", 10);
	int64_t ag = 0;
	CHECK(cg_store_inv_create(st, &all, &actor, CG_RES_AGENCY, a, &ag) == CG_OK);
	json_decref(a);
	cg_period cur, prev;
	CHECK(cg_period_parse(CG_REPORT_MONTHLY, "2026-10", &cur, &prev) == CG_OK);
	/* the first instant, the last, the next period's first, the one before */
	const int64_t at_ms[] = {cur.from_ms, cur.to_ms - 1, cur.to_ms, cur.from_ms - 1};
	const int64_t agency[] = {ag, 0, ag, ag};
	const int sev[] = {CG_SEV_HIGH, CG_SEV_CRITICAL, CG_SEV_LOW, CG_SEV_LOW};
	cg_event evs[4];
	cg_event_in in[4];
	for (int i = 0; i < 4; i++) {
		cg_event_init(&evs[i]);
		snprintf(evs[i].id, sizeof evs[i].id, "scan-%d", i);
		evs[i].severity = (cg_severity)sev[i];
		evs[i].time_ms = at_ms[i];
		cg_event_set(&evs[i], CG_EV_SOURCE, CG_SLICE("web"));
		cg_event_set(&evs[i], CG_EV_KIND, CG_SLICE("defacement"));
		cg_event_set(&evs[i], CG_EV_SUBJECT, CG_SLICE("https://mot.example/"));
		cg_event_set(&evs[i], CG_EV_SUMMARY, CG_SLICE("s"));
		in[i] = (cg_event_in){.ev = &evs[i], .agency_id = agency[i]};
	}
	size_t acc = 0, dup = 0;
	CHECK(cg_store_events_insert(st, in, 4, cur.to_ms, &acc, &dup) == CG_OK && acc == 4);
	for (int i = 0; i < 4; i++)
		cg_event_clear(&evs[i]);
	int n = 0;
	const cg_scope mine = {.agency_id = ag}, none = {.agency_id = -1};
	CHECK(cg_store_events_scan(st, &mine, cur.from_ms, cur.to_ms, count_row, &n) == CG_OK);
	CHECK(n == 1);
	n = 0;
	CHECK(cg_store_events_scan(st, &none, cur.from_ms, cur.to_ms, count_row, &n) == CG_OK);
	CHECK(n == 0);
	n = 0; /* the critical one stops it, whichever comes first */
	CHECK(cg_store_events_scan(st, &all, cur.from_ms, cur.to_ms, count_row, &n) == CG_ELIMIT);
	CHECK(n >= 1 && n <= 2);
	CHECK(cg_store_events_scan(st, &all, cur.to_ms, cur.from_ms, count_row, &n) == CG_EINVAL);
	cg_report_figs *f = calloc(1, sizeof *f);
	CHECK(f && cg_report_collect(st, &all, CG_REPORT_MONTHLY, &cur, NULL, cur.to_ms, f, NULL) ==
	               CG_OK);
	if (f) {
		CHECK(f->events == 2 && f->defacements == 2 && f->web_urls == 1);
		CHECK(f->by_sev[CG_SEV_HIGH] == 1 && f->by_sev[CG_SEV_CRITICAL] == 1);
		CHECK(f->bucket_sev[0][CG_SEV_HIGH] == 1 && f->bucket_sev[4][CG_SEV_CRITICAL] == 1);
		CHECK(f->nagencies == 1 && f->agencies[0].events == 1);
		/* the first and the last instant of the month on one address */
		CHECK(f->web_longest_s == (cur.to_ms - 1 - cur.from_ms) / 1000);
	}
	free(f);
	cg_store_close(st);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	CHECK(system(cmd) == 0);
}

int main(void)
{
	RUN(periods);
	RUN(recommendations);
	RUN(schedule);
	RUN(regulated_reports);
	RUN(events_scan);
	return test_done();
}
