/*
 * test_deadline.c - deadline/deadline.h with a fixed clock: civil dates
 * and leap years, the shipped rules file, working days and holidays, a
 * deadline that runs over Tết, local days in Asia/Ho_Chi_Minh whatever
 * the process TZ is (no DST), the clocks of a case (which rules apply,
 * running / overdue / met / late), the Vietnamese and English texts, and
 * parse errors that name file:line.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/timeutil.h"
#include "deadline/deadline.h"
#include "test.h"

static cg_deadline_rules *R; /* the shipped rules */

static int64_t T(const char *rfc3339)
{
	int64_t ms = 0;
	if (cg_time_parse(cg_slice_cstr(rfc3339), &ms))
		printf("# bad time %s\n", rfc3339);
	return ms;
}

static int32_t D(int y, int m, int d)
{
	return cg_civil_to_day(y, m, d);
}

static const cg_deadline_rule *rule(const cg_deadline_rules *r, const char *name)
{
	for (int i = 0; i < r->n_rule; i++)
		if (strcmp(r->rule[i].name, name) == 0)
			return &r->rule[i];
	return NULL;
}

static cg_err parse(const char *text, cg_deadline_rules *out, cg_buf *why)
{
	return cg_deadline_parse(cg_slice_cstr(text), "t.txt", out, why);
}

#define HEAD "timezone Asia/Ho_Chi_Minh +07:00\n"
#define RULE                                                                                       \
	"rule r\nfrom detected\nstop initial_reported\nnotify provincial_team\n"                   \
	"label_vi Báo cáo\nlabel_en Report\n"

TEST(civil_dates_and_leap_years)
{
	int y, m, d;
	CHECK(D(1970, 1, 1) == 0);
	CHECK(D(2028, 3, 1) - D(2028, 2, 28) == 2); /* 2028 is a leap year */
	CHECK(D(2027, 3, 1) - D(2027, 2, 28) == 1);
	CHECK(D(2100, 3, 1) - D(2100, 2, 28) == 1); /* centuries are not... */
	CHECK(D(2000, 3, 1) - D(2000, 2, 28) == 2); /* ...unless by 400 */
	cg_day_to_civil(D(2028, 2, 29), &y, &m, &d);
	CHECK(y == 2028 && m == 2 && d == 29);
	cg_day_to_civil(D(1969, 12, 31), &y, &m, &d);
	CHECK(y == 1969 && m == 12 && d == 31 && D(1969, 12, 31) == -1);
	for (int32_t day = D(1999, 1, 1); day < D(2031, 1, 1); day++) {
		cg_day_to_civil(day, &y, &m, &d);
		if (D(y, m, d) != day) {
			CHECK(!"civil round trip");
			break;
		}
	}
	CHECK(cg_day_weekday(D(2026, 12, 3)) == 4); /* a Thursday */
	CHECK(cg_day_weekday(D(2025, 4, 26)) == 6); /* a Saturday */
}

TEST(shipped_file_parses)
{
	cg_buf why;
	cg_buf_init(&why, 4096);
	cg_err err = cg_deadline_load_default(R, &why);
	if (err)
		printf("# %s\n", cg_buf_cstr(&why));
	CHECK(err == CG_OK);
	CHECK_STR(R->tz_name, "Asia/Ho_Chi_Minh");
	CHECK(R->tz_offset_min == 7 * 60);
	const cg_deadline_rule *a = rule(R, "initial_report"), *b = rule(R, "closing_report"),
	                       *e = rule(R, "escalation");
	CHECK(a && a->period == 5 && a->from == CG_MOMENT_DETECTED && a->roll);
	CHECK(b && b->period == 5 && b->from == CG_MOMENT_RESPONSE_ENDED &&
	      b->stop == CG_MOMENT_CLOSING_REPORTED);
	CHECK(e && e->period == 0 && e->unit == CG_UNIT_HOURS && e->conditional &&
	      e->min_level == 3 && e->state_secret && e->n_notify >= 2);
	for (int y = 2025; y <= 2027; y++)
		CHECK(cg_deadline_year_known(R, D(y, 6, 1)));
	CHECK(!cg_deadline_year_known(R, D(2028, 6, 1)));
	cg_buf_free(&why);
}

TEST(working_days_and_holidays)
{
	CHECK(cg_deadline_is_working_day(R, D(2025, 4, 25)));  /* Friday */
	CHECK(cg_deadline_is_working_day(R, D(2025, 4, 26)));  /* make-up Saturday */
	CHECK(!cg_deadline_is_working_day(R, D(2025, 4, 27))); /* Sunday */
	CHECK(!cg_deadline_is_working_day(R, D(2025, 4, 30)));
	CHECK(!cg_deadline_is_working_day(R, D(2025, 5, 2))); /* swapped Friday */
	CHECK(cg_deadline_is_working_day(R, D(2025, 5, 5)));
	CHECK(!cg_deadline_is_working_day(R, D(2025, 9, 1)));
	CHECK(!cg_deadline_is_working_day(R, D(2026, 2, 17))); /* mùng 1 Bính Ngọ */
	CHECK(!cg_deadline_is_working_day(R, D(2026, 4, 27))); /* Giỗ Tổ made up */
	CHECK(cg_deadline_is_working_day(R, D(2026, 2, 23)));
	CHECK(cg_deadline_is_working_day(R, D(2026, 12, 3)));
	CHECK(!cg_deadline_is_working_day(R, D(2026, 1, 2))); /* swapped Friday */
	CHECK(cg_deadline_is_working_day(R, D(2026, 1, 10)));  /* its make-up Saturday */
	CHECK(!cg_deadline_is_working_day(R, D(2026, 9, 1)));
}

TEST(initial_report_over_tet)
{
	/* found Tuesday 10/2/2026 10:00 in Hà Nội; the fifth day, Sunday
	 * 15/2, is inside Tết (14-22/2): due at the end of Monday 23/2 */
	bool unknown = true;
	int64_t due =
	    cg_deadline_due(R, rule(R, "initial_report"), T("2026-02-10T10:00:00+07:00"), &unknown);
	CHECK(due == T("2026-02-24T00:00:00+07:00"));
	CHECK(!unknown);
	/* found on Monday 2/3/2026: the fifth day is a Saturday -> Monday */
	due = cg_deadline_due(R, rule(R, "initial_report"), T("2026-03-02T09:00:00+07:00"), NULL);
	CHECK(due == T("2026-03-10T00:00:00+07:00"));
	/* found Monday 9/3: Saturday 14/3 is day 5 -> Monday 16/3 */
	due = cg_deadline_due(R, rule(R, "initial_report"), T("2026-03-09T09:00:00+07:00"), NULL);
	CHECK(due == T("2026-03-17T00:00:00+07:00"));
	/* found Tuesday 3/3: day 5 is Sunday 8/3 -> Monday 9/3 */
	due = cg_deadline_due(R, rule(R, "initial_report"), T("2026-03-03T09:00:00+07:00"), NULL);
	CHECK(due == T("2026-03-10T00:00:00+07:00"));
	/* found Monday 12/10/2026: Saturday 17/10 -> Monday 19/10 */
	due = cg_deadline_due(R, rule(R, "initial_report"), T("2026-10-12T09:00:00+07:00"), NULL);
	CHECK(due == T("2026-10-20T00:00:00+07:00"));
	/* found Wednesday 14/10: day 5 is Monday 19/10, a working day */
	due = cg_deadline_due(R, rule(R, "initial_report"), T("2026-10-14T09:00:00+07:00"), NULL);
	CHECK(due == T("2026-10-20T00:00:00+07:00"));
}

TEST(working_day_rule_over_tet)
{
	static cg_deadline_rules w;
	cg_buf why;
	cg_buf_init(&why, 1024);
	cg_err err = parse(HEAD RULE "period 5 working_days\n"
	                             "year 2026 test\n"
	                             "holiday 2026-02-14..2026-02-22 Tết\n",
	                   &w, &why);
	CHECK(err == CG_OK);
	if (err)
		printf("# %s\n", cg_buf_cstr(&why));
	/* Thursday 12/2: Friday 13 (1), Tết, 23 (2), 24, 25, 26 (5) */
	int64_t due = cg_deadline_due(&w, &w.rule[0], T("2026-02-12T16:00:00+07:00"), NULL);
	CHECK(due == T("2026-02-27T00:00:00+07:00"));
	/* a working-day count over a year the file does not know says so */
	bool unknown = false;
	due = cg_deadline_due(&w, &w.rule[0], T("2026-12-30T09:00:00+07:00"), &unknown);
	CHECK(unknown);
	CHECK(due == T("2027-01-07T00:00:00+07:00")); /* 31/12, 1, 4, 5, 6 */
	cg_buf_free(&why);
}

TEST(local_day_is_vietnam_time)
{
	/* 18:30 UTC Sunday 1/3/2026 is 01:30 Monday 2/3 in Vietnam: the
	 * count starts from Monday (in UTC it would be due 7/3, not 10/3) */
	CHECK(cg_deadline_local_day(R, T("2026-03-01T18:30:00Z")) == D(2026, 3, 2));
	CHECK(cg_deadline_local_day(R, T("2026-03-01T16:59:59Z")) == D(2026, 3, 1));
	CHECK(cg_deadline_local_day(R, T("2026-03-01T17:00:00Z")) == D(2026, 3, 2));
	int64_t due =
	    cg_deadline_due(R, rule(R, "initial_report"), T("2026-03-01T18:30:00Z"), NULL);
	CHECK(due == T("2026-03-09T17:00:00Z"));
	CHECK(cg_deadline_day_start(R, D(2026, 3, 2)) == T("2026-03-01T17:00:00Z"));
	/* before 1970 floors, not truncates */
	CHECK(cg_deadline_local_day(R, T("1969-12-31T16:00:00Z")) == -1);
}

TEST(no_dst_whatever_the_process_tz)
{
	/* America/New_York moves its clocks on 8/3/2026 and 1/11/2026: the
	 * clocks must not move with them */
	int64_t from[] = {T("2026-03-06T10:00:00+07:00"), T("2026-10-30T23:30:00+07:00"),
	                  T("2026-03-08T06:59:00Z")};
	int64_t before[3], after[3];
	for (int i = 0; i < 3; i++)
		before[i] = cg_deadline_due(R, rule(R, "initial_report"), from[i], NULL);
	setenv("TZ", "America/New_York", 1);
	tzset();
	for (int i = 0; i < 3; i++)
		after[i] = cg_deadline_due(R, rule(R, "initial_report"), from[i], NULL);
	unsetenv("TZ");
	tzset();
	for (int i = 0; i < 3; i++) {
		CHECK(before[i] == after[i]);
		/* a due time is always a Vietnamese midnight */
		CHECK((before[i] + 7 * 3600000LL) % 86400000LL == 0);
	}
	/* hours are elapsed time: 48 hours over the US change is 48 hours */
	static cg_deadline_rules h;
	CHECK(parse(HEAD RULE "period 48 hours\n", &h, NULL) == CG_OK);
	CHECK(cg_deadline_due(&h, &h.rule[0], T("2026-03-07T12:00:00Z"), NULL) ==
	      T("2026-03-09T12:00:00Z"));
}

TEST(leap_day_counting)
{
	static cg_deadline_rules l;
	CHECK(parse(HEAD RULE "period 3 calendar_days\nyear 2028 test\n"
	                      "holiday 2028-02-29 a leap-day holiday (test)\n",
	            &l, NULL) == CG_OK);
	CHECK(!cg_deadline_is_working_day(&l, D(2028, 2, 29)));
	/* Saturday 26/2/2028 + 3 = Tuesday 29/2 (no roll in this rule) */
	CHECK(cg_deadline_due(&l, &l.rule[0], T("2028-02-26T08:00:00+07:00"), NULL) ==
	      T("2028-03-01T00:00:00+07:00"));
	/* 2027 has no 29 February */
	cg_buf why;
	cg_buf_init(&why, 1024);
	CHECK(parse(HEAD RULE "period 3 calendar_days\nyear 2027 test\n"
	                      "holiday 2027-02-29 no such day\n",
	            &l, &why) == CG_EPARSE);
	CHECK(strncmp(cg_buf_cstr(&why), "t.txt:10: ", 10) == 0);
	cg_buf_free(&why);
}

static void clocks(const cg_case_facts *c, int64_t now, cg_clock *k, size_t *n)
{
	CHECK(cg_deadline_clocks(R, c, now, k, 8, n) == CG_OK);
}

static const cg_clock *find(const cg_clock *k, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(k[i].rule->name, name) == 0)
			return &k[i];
	return NULL;
}

TEST(case_clocks)
{
	cg_clock k[8];
	size_t n;
	cg_case_facts c = {.level = 2};
	c.at[CG_MOMENT_DETECTED] = T("2026-10-12T09:00:00+07:00"); /* due 20/10 00:00 */

	/* level 2, no secrets: only the initial report's clock runs */
	clocks(&c, T("2026-10-17T12:00:00+07:00"), k, &n);
	CHECK(n == 1 && find(k, n, "initial_report"));
	CHECK(k[0].state == CG_CLOCK_RUNNING);
	CHECK(k[0].remaining_ms == T("2026-10-20T00:00:00+07:00") - T("2026-10-17T12:00:00+07:00"));

	/* a level-3 system: escalation is due at once and overdue after */
	c.level = 3;
	clocks(&c, T("2026-10-12T11:00:00+07:00"), k, &n);
	const cg_clock *e = find(k, n, "escalation");
	CHECK(n == 2 && e && e->state == CG_CLOCK_OVERDUE);
	CHECK(e && e->due_ms == c.at[CG_MOMENT_DETECTED] && e->remaining_ms == -2 * 3600000LL);
	/* escalated at detection: met */
	c.at[CG_MOMENT_ESCALATED] = c.at[CG_MOMENT_DETECTED];
	clocks(&c, T("2026-10-12T11:00:00+07:00"), k, &n);
	e = find(k, n, "escalation");
	CHECK(e && e->state == CG_CLOCK_MET);

	/* state secrets on a level-1 system escalate too */
	c.level = 1;
	c.state_secret = true;
	clocks(&c, T("2026-10-12T11:00:00+07:00"), k, &n);
	CHECK(find(k, n, "escalation") != NULL);
	c.state_secret = false;
	clocks(&c, T("2026-10-12T11:00:00+07:00"), k, &n);
	CHECK(find(k, n, "escalation") == NULL);

	/* overdue, then reported late, then the closing clock starts */
	clocks(&c, T("2026-10-21T08:00:00+07:00"), k, &n);
	CHECK(k[0].state == CG_CLOCK_OVERDUE);
	c.at[CG_MOMENT_INITIAL_REPORTED] = T("2026-10-21T09:00:00+07:00");
	clocks(&c, T("2026-10-25T08:00:00+07:00"), k, &n);
	CHECK(n == 1 && k[0].state == CG_CLOCK_LATE && k[0].stop_ms);
	c.at[CG_MOMENT_RESPONSE_ENDED] = T("2026-10-26T15:00:00+07:00"); /* Monday */
	clocks(&c, T("2026-10-27T08:00:00+07:00"), k, &n);
	const cg_clock *cl = find(k, n, "closing_report");
	CHECK(n == 2 && cl && cl->state == CG_CLOCK_RUNNING);
	/* day 5 is Saturday 31/10: rolls to the end of Monday 2/11 */
	CHECK(cl && cl->due_ms == T("2026-11-03T00:00:00+07:00"));

	/* too small an array says how many are needed */
	CHECK(cg_deadline_clocks(R, &c, 0, k, 1, &n) == CG_ETOOBIG && n == 2);
}

static void fmt(cg_clock_state s, int64_t remaining, const char *vi, const char *en)
{
	cg_clock k = {.state = s, .remaining_ms = remaining};
	cg_buf b;
	cg_buf_init(&b, 256);
	CHECK(cg_deadline_format(&k, "vi", &b) == CG_OK);
	CHECK_STR(cg_buf_cstr(&b), vi);
	cg_buf_reset(&b);
	CHECK(cg_deadline_format(&k, "en", &b) == CG_OK);
	CHECK_STR(cg_buf_cstr(&b), en);
	cg_buf_free(&b);
}

TEST(texts)
{
	const int64_t H = 3600000, DAY = 24 * H;
	fmt(CG_CLOCK_RUNNING, 2 * DAY + 5 * H, "còn 2 ngày", "2 days left");
	fmt(CG_CLOCK_RUNNING, DAY + 20 * H, "còn 1 ngày", "1 day left");
	fmt(CG_CLOCK_RUNNING, 5 * H + 59 * 60000, "còn 5 giờ", "5 hours left");
	fmt(CG_CLOCK_RUNNING, 30 * 60000, "còn 30 phút", "30 minutes left");
	fmt(CG_CLOCK_RUNNING, 20000, "đến hạn", "due now");
	fmt(CG_CLOCK_OVERDUE, -(DAY + 3 * H), "quá hạn 1 ngày", "1 day overdue");
	fmt(CG_CLOCK_OVERDUE, -2 * H, "quá hạn 2 giờ", "2 hours overdue");
	fmt(CG_CLOCK_OVERDUE, -1000, "quá hạn 1 phút", "1 minute overdue");
	fmt(CG_CLOCK_MET, 3 * DAY, "đúng hạn", "on time");
	fmt(CG_CLOCK_LATE, -3 * DAY, "trễ 3 ngày", "3 days late");
}

static void bad(const char *text, const char *want_prefix, cg_err want)
{
	static cg_deadline_rules x;
	cg_buf why;
	cg_buf_init(&why, 1024);
	cg_err err = parse(text, &x, &why);
	CHECK(err == want);
	if (strncmp(cg_buf_cstr(&why), want_prefix, strlen(want_prefix)) != 0) {
		printf("# got \"%s\", want \"%s...\"\n", cg_buf_cstr(&why), want_prefix);
		CHECK(0);
	}
	cg_buf_free(&why);
}

TEST(errors_name_file_and_line)
{
	bad(HEAD "\n# comment\nbogus line\n", "t.txt:4: unknown keyword \"bogus\"", CG_EPARSE);
	bad(HEAD "rule r\nfrom detected\nperiod 5 calendar_days\n",
	    "t.txt:2: rule r has no \"stop\"", CG_EPARSE);
	bad(HEAD RULE "period 5 fortnights\n", "t.txt:8: period unit", CG_EPARSE);
	bad(HEAD RULE "period 0 calendar_days\n", "t.txt:8: a period of 0", CG_EPARSE);
	bad(HEAD RULE "period 5 calendar_days\nwhen level>=9\n", "t.txt:9: condition", CG_EPARSE);
	bad(HEAD RULE "period 5 calendar_days\nholiday 2026-01-01 Tết\n",
	    "t.txt:9: 2026 is not declared", CG_EPARSE);
	bad(HEAD RULE "period 5 calendar_days\nyear 2026 x\nworkday 2026-12-03 a Thursday\n",
	    "t.txt:10: a make-up workday must fall on a weekend day", CG_EPARSE);
	bad(HEAD RULE "period 5 calendar_days\nyear 2026 x\nholiday 2026-01-01 a\n"
	              "holiday 2025-12-31..2026-01-02 b\n",
	    "t.txt:11: 2025 is not declared", CG_EPARSE);
	bad(HEAD RULE "period 5 calendar_days\nyear 2026 x\nholiday 2026-01-01 a\n"
	              "holiday 2026-01-01 b\n",
	    "t.txt:11: this day is already listed", CG_EPARSE);
	bad(HEAD RULE "period 5 calendar_days\nyear 2026\n", "t.txt:9: year 2026 needs the source",
	    CG_EPARSE);
	bad(RULE "period 5 calendar_days\n", "t.txt:8: no timezone", CG_EPARSE);
	bad(HEAD "timezone X +25:00\n", "t.txt:2: timezone is given twice", CG_EPARSE);
	bad("timezone X +25:00\n", "t.txt:1: offset", CG_EPARSE);
	bad(HEAD RULE "period 5 calendar_days\nlabel_vi \xff\xfe\n",
	    "t.txt:9: text is not valid UTF-8", CG_EPARSE);
	/* a file that is not a deadline file at all */
	bad("\x89PNG\r\n\x1a\n", "t.txt:1: unknown keyword", CG_EPARSE);
	/* an over-long line */
	char big[1200];
	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = 0;
	bad(big, "t.txt:1: line longer", CG_EPARSE);
	/* a load error names the path */
	static cg_deadline_rules x;
	cg_buf why;
	cg_buf_init(&why, 1024);
	CHECK(cg_deadline_load("/nonexistent/deadlines.txt", &x, &why) != CG_OK);
	CHECK(strstr(cg_buf_cstr(&why), "/nonexistent/deadlines.txt") != NULL);
	cg_buf_free(&why);
}

int main(void)
{
	R = calloc(1, sizeof *R);
	if (!R)
		return 1;
	RUN(civil_dates_and_leap_years);
	RUN(shipped_file_parses);
	RUN(working_days_and_holidays);
	RUN(initial_report_over_tet);
	RUN(working_day_rule_over_tet);
	RUN(local_day_is_vietnam_time);
	RUN(no_dst_whatever_the_process_tz);
	RUN(leap_day_counting);
	RUN(case_clocks);
	RUN(texts);
	RUN(errors_name_file_and_line);
	free(R);
	return test_done();
}
