/*
 * deadline.c - see deadline.h. The parser reads one statement a line
 * ("keyword arguments"); the lines after "rule NAME" up to the next rule
 * or calendar statement describe that rule. Every error stops the parse
 * and names the file and line: a deadline file that is half understood
 * would give wrong clocks, which is worse than none.
 *
 * Day arithmetic is on local day numbers (days since 1970-01-01 at the
 * file's fixed UTC offset) with the usual days-from-civil conversion, so
 * leap years and month lengths come from one formula and no libc time
 * zone is consulted.
 */
#include "deadline.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/fileio.h"
#include "core/json.h"
#include "core/rulefile.h"
#include "core/rulesdir.h"

#define DAY_MS 86400000LL

static const char *const moment_names[CG_MOMENT_COUNT] = {
    "detected", "response_ended", "initial_reported", "closing_reported", "escalated",
};

const char *cg_case_moment_name(cg_case_moment m)
{
	return (unsigned)m < CG_MOMENT_COUNT ? moment_names[m] : "?";
}

const char *cg_clock_state_name(cg_clock_state s)
{
	switch (s) {
	case CG_CLOCK_RUNNING:
		return "running";
	case CG_CLOCK_OVERDUE:
		return "overdue";
	case CG_CLOCK_MET:
		return "met";
	case CG_CLOCK_LATE:
		return "late";
	}
	return "?";
}

/* ---- civil dates ------------------------------------------------------ */

/* Floor division: day numbers before 1970 are negative. */
static int64_t floordiv(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

int32_t cg_civil_to_day(int y, int m, int d)
{
	/* years start in March so the leap day is the last day of a year */
	int64_t yy = (int64_t)y - (m <= 2);
	int64_t era = floordiv(yy, 400);
	int64_t yoe = yy - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (int32_t)(era * 146097 + doe - 719468);
}

void cg_day_to_civil(int32_t day, int *y, int *m, int *d)
{
	int64_t z = (int64_t)day + 719468;
	int64_t era = floordiv(z, 146097);
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int64_t dd = doy - (153 * mp + 2) / 5 + 1;
	int64_t mm = mp < 10 ? mp + 3 : mp - 9;
	*y = (int)(yoe + era * 400 + (mm <= 2));
	*m = (int)mm;
	*d = (int)dd;
}

int cg_day_weekday(int32_t day)
{
	/* 1970-01-01 was a Thursday (4) */
	return (int)(((int64_t)day % 7 + 11) % 7);
}

static bool leap_year(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_days(int y, int m)
{
	static const int md[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return m == 2 && leap_year(y) ? 29 : md[m - 1];
}

int32_t cg_deadline_local_day(const cg_deadline_rules *r, int64_t ms)
{
	return (int32_t)floordiv(ms + (int64_t)r->tz_offset_min * 60000, DAY_MS);
}

int64_t cg_deadline_day_start(const cg_deadline_rules *r, int32_t day)
{
	return (int64_t)day * DAY_MS - (int64_t)r->tz_offset_min * 60000;
}

static const cg_calendar_day *cal_find(const cg_deadline_rules *r, int32_t day)
{
	int lo = 0, hi = r->n_cal;
	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;
		if (r->cal[mid].day == day)
			return &r->cal[mid];
		if (r->cal[mid].day < day)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

bool cg_deadline_is_working_day(const cg_deadline_rules *r, int32_t day)
{
	const cg_calendar_day *c = cal_find(r, day);
	if (c)
		return c->workday;
	return !(r->weekend & (1u << cg_day_weekday(day)));
}

bool cg_deadline_year_known(const cg_deadline_rules *r, int32_t day)
{
	int y, m, d;
	cg_day_to_civil(day, &y, &m, &d);
	for (int i = 0; i < r->n_year; i++)
		if (r->year[i] == y)
			return true;
	return false;
}

/* ---- parsing ---------------------------------------------------------- */

typedef struct parser {
	const char *name;
	size_t line;
	cg_buf *why;
	cg_deadline_rules *out;
	cg_deadline_rule *cur; /* the rule being described, or NULL */
	size_t cur_line;
	bool have_period, have_from, have_stop, have_tz;
} parser;

/* The error of the line being read: "FILE:LINE: reason" (core/rulefile.h). */
#define fail(p, ...) cg_rule_error((p)->why, CG_EPARSE, (p)->name, (p)->line, __VA_ARGS__)

static bool is_ident(cg_slice s)
{
	if (s.len == 0 || s.len >= CG_DEADLINE_MAX_NAME)
		return false;
	for (size_t i = 0; i < s.len; i++) {
		char c = s.ptr[i];
		if (!((c >= 'a' && c <= 'z') || c == '_' || (c >= '0' && c <= '9' && i > 0)))
			return false;
	}
	return true;
}

static cg_err parse_date(parser *p, cg_slice s, int32_t *day, int *year)
{
	int64_t y, m, d;
	if (s.len != 10 || s.ptr[4] != '-' || s.ptr[7] != '-' ||
	    cg_parse_i64(cg_slice_from(s.ptr, 4), 1970, 9999, &y) ||
	    cg_parse_i64(cg_slice_from(s.ptr + 5, 2), 1, 12, &m) ||
	    cg_parse_i64(cg_slice_from(s.ptr + 8, 2), 1, 31, &d))
		return fail(p, "expected a date YYYY-MM-DD, got \"%.*s\"",
		            (int)(s.len > 40 ? 40 : s.len), s.ptr);
	if (d > month_days((int)y, (int)m))
		return fail(p, "%.*s is not a day of the calendar", (int)s.len, s.ptr);
	*day = cg_civil_to_day((int)y, (int)m, (int)d);
	*year = (int)y;
	return CG_OK;
}

static cg_err parse_moment(parser *p, cg_slice s, cg_case_moment *m)
{
	for (int i = 0; i < CG_MOMENT_COUNT; i++)
		if (cg_slice_eq_cstr(s, moment_names[i])) {
			*m = (cg_case_moment)i;
			return CG_OK;
		}
	return fail(p, "unknown moment (detected, response_ended, initial_reported, "
	               "closing_reported, escalated)");
}

static cg_err parse_text(parser *p, cg_slice s, char *dst, size_t size)
{
	return cg_rule_text(p->why, p->name, p->line, s, dst, size);
}

static cg_err end_rule(parser *p)
{
	if (!p->cur)
		return CG_OK;
	size_t line = p->line;
	p->line = p->cur_line;
	cg_err err = CG_OK;
	if (!p->have_from)
		err = fail(p, "rule %s has no \"from\"", p->cur->name);
	else if (!p->have_stop)
		err = fail(p, "rule %s has no \"stop\"", p->cur->name);
	else if (!p->have_period)
		err = fail(p, "rule %s has no \"period\"", p->cur->name);
	else if (p->cur->from == p->cur->stop)
		err = fail(p, "rule %s stops at the moment it starts from", p->cur->name);
	else if (!p->cur->label_vi[0] || !p->cur->label_en[0])
		err = fail(p, "rule %s needs label_vi and label_en", p->cur->name);
	else if (p->cur->n_notify == 0)
		err = fail(p, "rule %s names nobody to notify", p->cur->name);
	p->line = line;
	p->cur = NULL;
	return err;
}

static cg_err add_day(parser *p, int32_t day, int year, bool workday)
{
	bool known = false;
	for (int i = 0; i < p->out->n_year; i++)
		known |= p->out->year[i] == year;
	if (!known)
		return fail(p, "%d is not declared by a \"year\" line above", year);
	for (int i = 0; i < p->out->n_cal; i++)
		if (p->out->cal[i].day == day)
			return fail(p, "this day is already listed");
	if (p->out->n_cal >= CG_DEADLINE_MAX_DAYS) {
		fail(p, "more than %d calendar days", CG_DEADLINE_MAX_DAYS);
		return CG_ETOOBIG;
	}
	p->out->cal[p->out->n_cal++] = (cg_calendar_day){day, workday};
	return CG_OK;
}

static int weekday_index(cg_slice s)
{
	static const char *const names[7] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};
	for (int i = 0; i < 7; i++)
		if (cg_slice_eq_cstr(s, names[i]))
			return i;
	return -1;
}

static cg_err rule_attr(parser *p, cg_slice kw, cg_slice rest)
{
	cg_deadline_rule *r = p->cur;
	if (cg_slice_eq_cstr(kw, "from") || cg_slice_eq_cstr(kw, "stop")) {
		cg_case_moment m = CG_MOMENT_DETECTED;
		cg_slice w = cg_slice_word(&rest);
		if (parse_moment(p, w, &m))
			return CG_EPARSE;
		if (cg_slice_word(&rest).len)
			return fail(p, "one moment expected");
		if (kw.ptr[0] == 'f') {
			r->from = m;
			p->have_from = true;
		} else {
			r->stop = m;
			p->have_stop = true;
		}
		return CG_OK;
	}
	if (cg_slice_eq_cstr(kw, "period")) {
		int64_t n;
		cg_slice num = cg_slice_word(&rest), unit = cg_slice_word(&rest);
		if (cg_parse_i64(num, 0, 366, &n))
			return fail(p, "period must be a number of 0 to 366");
		if (cg_slice_eq_cstr(unit, "calendar_days"))
			r->unit = CG_UNIT_CALENDAR_DAYS;
		else if (cg_slice_eq_cstr(unit, "working_days"))
			r->unit = CG_UNIT_WORKING_DAYS;
		else if (cg_slice_eq_cstr(unit, "hours"))
			r->unit = CG_UNIT_HOURS;
		else
			return fail(p, "period unit must be calendar_days, working_days or hours");
		if (cg_slice_word(&rest).len)
			return fail(p, "unexpected text after the period");
		if (n == 0 && r->unit != CG_UNIT_HOURS)
			return fail(p, "a period of 0 is written \"0 hours\" (immediate)");
		r->period = (int)n;
		p->have_period = true;
		return CG_OK;
	}
	if (cg_slice_eq_cstr(kw, "roll")) {
		cg_slice w = cg_slice_word(&rest);
		if (cg_slice_word(&rest).len || !(cg_slice_eq_cstr(w, "yes") || cg_slice_eq_cstr(w, "no")))
			return fail(p, "roll must be yes or no");
		r->roll = w.ptr[0] == 'y';
		return CG_OK;
	}
	if (cg_slice_eq_cstr(kw, "when")) {
		/* any of the listed conditions makes the rule apply */
		cg_slice w;
		int n = 0;
		while ((w = cg_slice_word(&rest)).len) {
			int64_t lv;
			if (cg_slice_eq_cstr(w, "state_secret"))
				r->state_secret = true;
			else if (cg_slice_starts_with(w, CG_SLICE("level>=")) &&
			         !cg_parse_i64(cg_slice_from(w.ptr + 7, w.len - 7), 1, 5, &lv))
				r->min_level = (int)lv;
			else if (!cg_slice_eq_cstr(w, "or"))
				return fail(p, "condition must be level>=N (1-5) or state_secret");
			n++;
		}
		if (n == 0)
			return fail(p, "when needs a condition");
		r->conditional = true;
		return CG_OK;
	}
	if (cg_slice_eq_cstr(kw, "notify")) {
		cg_slice w;
		while ((w = cg_slice_word(&rest)).len) {
			if (!is_ident(w))
				return fail(p, "recipient must be a name of a-z, 0-9 and _");
			if (r->n_notify >= CG_DEADLINE_MAX_NOTIFY)
				return fail(p, "more than %d recipients", CG_DEADLINE_MAX_NOTIFY);
			cg_slice_copy(w, r->notify[r->n_notify++], CG_DEADLINE_MAX_NAME);
		}
		return CG_OK;
	}
	if (cg_slice_eq_cstr(kw, "label_vi"))
		return parse_text(p, rest, r->label_vi, sizeof r->label_vi);
	if (cg_slice_eq_cstr(kw, "label_en"))
		return parse_text(p, rest, r->label_en, sizeof r->label_en);
	if (cg_slice_eq_cstr(kw, "basis"))
		return parse_text(p, rest, r->basis, sizeof r->basis);
	return fail(p, "unknown keyword \"%.*s\"", (int)(kw.len > 40 ? 40 : kw.len), kw.ptr);
}

static cg_err statement(parser *p, cg_slice line)
{
	cg_slice rest = line;
	cg_slice kw = cg_slice_word(&rest);
	cg_deadline_rules *o = p->out;
	cg_err err;

	if (cg_slice_eq_cstr(kw, "rule")) {
		if ((err = end_rule(p)))
			return err;
		cg_slice name = cg_slice_word(&rest);
		if (!is_ident(name) || cg_slice_word(&rest).len)
			return fail(p, "rule needs one name of a-z, 0-9 and _");
		for (int i = 0; i < o->n_rule; i++)
			if (cg_slice_eq_cstr(name, o->rule[i].name))
				return fail(p, "rule %s is defined twice", o->rule[i].name);
		if (o->n_rule >= CG_DEADLINE_MAX_RULES) {
			fail(p, "more than %d rules", CG_DEADLINE_MAX_RULES);
			return CG_ETOOBIG;
		}
		p->cur = &o->rule[o->n_rule++];
		memset(p->cur, 0, sizeof *p->cur);
		cg_slice_copy(name, p->cur->name, sizeof p->cur->name);
		p->cur_line = p->line;
		p->have_from = p->have_stop = p->have_period = false;
		return CG_OK;
	}
	if (cg_slice_eq_cstr(kw, "timezone")) {
		if ((err = end_rule(p)))
			return err;
		cg_slice name = cg_slice_word(&rest), off = cg_slice_word(&rest);
		int64_t hh, mm;
		if (p->have_tz)
			return fail(p, "timezone is given twice");
		if (name.len == 0 || name.len >= CG_DEADLINE_MAX_NAME || cg_slice_word(&rest).len)
			return fail(p, "timezone needs a name and a fixed offset (+07:00)");
		if (off.len != 6 || (off.ptr[0] != '+' && off.ptr[0] != '-') || off.ptr[3] != ':' ||
		    cg_parse_i64(cg_slice_from(off.ptr + 1, 2), 0, 14, &hh) ||
		    cg_parse_i64(cg_slice_from(off.ptr + 4, 2), 0, 59, &mm))
			return fail(p, "offset must look like +07:00");
		for (size_t i = 0; i < name.len; i++)
			if ((unsigned char)name.ptr[i] <= 0x20 ||
			    (unsigned char)name.ptr[i] >= 0x7f)
				return fail(p, "time zone name must be printable ASCII");
		cg_slice_copy(name, o->tz_name, sizeof o->tz_name);
		o->tz_offset_min = (int)(hh * 60 + mm) * (off.ptr[0] == '-' ? -1 : 1);
		p->have_tz = true;
		return CG_OK;
	}
	if (cg_slice_eq_cstr(kw, "weekend")) {
		if ((err = end_rule(p)))
			return err;
		cg_slice w;
		o->weekend = 0;
		while ((w = cg_slice_word(&rest)).len) {
			int i = weekday_index(w);
			if (i < 0)
				return fail(p,
				            "weekday must be sun, mon, tue, wed, thu, fri or sat");
			o->weekend |= (uint8_t)(1u << i);
		}
		if (o->weekend == 0x7f)
			return fail(p, "a week needs a working day");
		return CG_OK;
	}
	if (cg_slice_eq_cstr(kw, "year")) {
		if ((err = end_rule(p)))
			return err;
		int64_t y;
		if (cg_parse_i64(cg_slice_word(&rest), 1970, 9999, &y))
			return fail(p, "year must be a number of 1970 to 9999");
		if (cg_slice_trim(rest).len == 0)
			return fail(p, "year %d needs the source of its dates", (int)y);
		for (int i = 0; i < o->n_year; i++)
			if (o->year[i] == (int)y)
				return fail(p, "year %d is declared twice", (int)y);
		if (o->n_year >= CG_DEADLINE_MAX_YEARS) {
			fail(p, "more than %d years", CG_DEADLINE_MAX_YEARS);
			return CG_ETOOBIG;
		}
		o->year[o->n_year++] = (int)y;
		return CG_OK;
	}
	if (cg_slice_eq_cstr(kw, "holiday") || cg_slice_eq_cstr(kw, "workday")) {
		if ((err = end_rule(p)))
			return err;
		bool workday = kw.ptr[0] == 'w';
		cg_slice span = cg_slice_word(&rest), rest2;
		cg_slice a = cg_slice_cut(span, '.', &rest2);
		int32_t d0, d1;
		int y0, y1;
		if ((err = parse_date(p, a, &d0, &y0)))
			return err;
		d1 = d0;
		y1 = y0;
		if (rest2.ptr) {
			if (workday)
				return fail(p, "a workday is one date");
			if (rest2.len < 1 || rest2.ptr[0] != '.')
				return fail(p, "a span is written FIRST..LAST");
			if ((err = parse_date(p, cg_slice_from(rest2.ptr + 1, rest2.len - 1), &d1,
			                      &y1)))
				return err;
			if (d1 < d0 || d1 - d0 > 30)
				return fail(p, "a span must run forward and last at most 31 days");
		}
		if (cg_slice_trim(rest).len == 0)
			return fail(p, "%s needs a name", workday ? "workday" : "holiday");
		if (!cg_utf8_valid(rest))
			return fail(p, "name is not valid UTF-8");
		for (int32_t d = d0; d <= d1; d++) {
			int y, m, dd;
			cg_day_to_civil(d, &y, &m, &dd);
			if (workday && cg_deadline_is_working_day(o, d) && !cal_find(o, d))
				return fail(p, "a make-up workday must fall on a weekend day");
			if ((err = add_day(p, d, y, workday)))
				return err;
		}
		(void)y1;
		return CG_OK;
	}
	if (p->cur)
		return rule_attr(p, kw, rest);
	return fail(p, "unknown keyword \"%.*s\"", (int)(kw.len > 40 ? 40 : kw.len), kw.ptr);
}

static int cal_cmp(const void *a, const void *b)
{
	int32_t x = ((const cg_calendar_day *)a)->day, y = ((const cg_calendar_day *)b)->day;
	return (x > y) - (x < y);
}

cg_err cg_deadline_parse(cg_slice text, const char *name, cg_deadline_rules *out, cg_buf *why)
{
	memset(out, 0, sizeof *out);
	out->weekend = (1u << 0) | (1u << 6);
	parser p = {.name = name ? name : "(deadlines)", .why = why, .out = out};
	if (text.len > CG_DEADLINE_MAX_FILE) {
		p.line = 0;
		fail(&p, "file larger than %u bytes", CG_DEADLINE_MAX_FILE);
		return CG_ETOOBIG;
	}
	cg_slice rest = text;
	cg_err err;
	while (rest.ptr && rest.len) {
		cg_slice line = cg_slice_cut(rest, '\n', &rest);
		p.line++;
		if (line.len > CG_DEADLINE_MAX_LINE)
			return fail(&p, "line longer than %u bytes", CG_DEADLINE_MAX_LINE);
		if (memchr(line.ptr, '\0', line.len))
			return fail(&p, "NUL byte in line");
		line = cg_slice_trim(line);
		if (line.len == 0 || line.ptr[0] == '#')
			continue;
		/* the holiday table is sorted as it grows: working-day checks
		 * of later lines (a make-up day on a weekend) need lookups */
		if ((err = statement(&p, line)))
			return err;
		qsort(out->cal, (size_t)out->n_cal, sizeof out->cal[0], cal_cmp);
	}
	p.line++;
	if ((err = end_rule(&p)))
		return err;
	if (!p.have_tz)
		return fail(&p, "no timezone line");
	if (out->n_rule == 0)
		return fail(&p, "no rule");
	return CG_OK;
}

cg_err cg_deadline_load(const char *path, cg_deadline_rules *out, cg_buf *why)
{
	cg_buf b;
	cg_buf_init(&b, CG_DEADLINE_MAX_FILE);
	cg_err err = cg_read_file(path, &b, why);
	if (!err)
		err = cg_deadline_parse(cg_buf_slice(&b), path, out, why);
	cg_buf_free(&b);
	return err;
}

cg_err cg_deadline_load_default(cg_deadline_rules *out, cg_buf *why)
{
	char dir[4096], path[4200];
	cg_err err = cg_rules_dir("deadlines", dir, sizeof dir);
	if (err) {
		if (why)
			cg_buf_printf(why, "%s: no deadline rules directory", dir);
		return err;
	}
	int n = snprintf(path, sizeof path, "%s/vn.txt", dir);
	if (n < 0 || (size_t)n >= sizeof path)
		return CG_ETOOBIG;
	return cg_deadline_load(path, out, why);
}

/* ---- clocks ----------------------------------------------------------- */

int64_t cg_deadline_due(const cg_deadline_rules *r, const cg_deadline_rule *rule, int64_t from_ms,
                        bool *calendar_unknown)
{
	bool unknown = false;
	if (rule->unit == CG_UNIT_HOURS) {
		if (calendar_unknown)
			*calendar_unknown = false;
		return from_ms + (int64_t)rule->period * 3600000;
	}
	int32_t day = cg_deadline_local_day(r, from_ms);
	if (rule->unit == CG_UNIT_WORKING_DAYS) {
		/* a week always has a working day, and the holiday table is
		 * finite, so this ends */
		for (int k = 0; k < rule->period;) {
			day++;
			unknown |= !cg_deadline_year_known(r, day);
			if (cg_deadline_is_working_day(r, day))
				k++;
		}
	} else {
		for (int32_t d = day + 1; d <= day + rule->period; d++)
			unknown |= !cg_deadline_year_known(r, d);
		day += rule->period;
		while (rule->roll && !cg_deadline_is_working_day(r, day)) {
			day++;
			unknown |= !cg_deadline_year_known(r, day);
		}
	}
	if (calendar_unknown)
		*calendar_unknown = unknown;
	/* the end of the last day is the start of the next */
	return cg_deadline_day_start(r, day + 1);
}

static bool rule_applies(const cg_deadline_rule *rule, const cg_case_facts *c)
{
	if (!rule->conditional)
		return true;
	if (rule->min_level > 0 && c->level >= rule->min_level)
		return true;
	return rule->state_secret && c->state_secret;
}

cg_err cg_deadline_clocks(const cg_deadline_rules *r, const cg_case_facts *c, int64_t now_ms,
                          cg_clock *out, size_t cap, size_t *n)
{
	size_t k = 0;
	for (int i = 0; i < r->n_rule; i++) {
		const cg_deadline_rule *rule = &r->rule[i];
		int64_t from = c->at[rule->from];
		if (!from || !rule_applies(rule, c))
			continue;
		if (k < cap) {
			cg_clock *o = &out[k];
			memset(o, 0, sizeof *o);
			o->rule = rule;
			o->start_ms = from;
			o->due_ms = cg_deadline_due(r, rule, from, &o->calendar_unknown);
			o->stop_ms = c->at[rule->stop];
			int64_t at = o->stop_ms ? o->stop_ms : now_ms;
			o->remaining_ms = o->due_ms - at;
			if (o->stop_ms)
				o->state = o->stop_ms <= o->due_ms ? CG_CLOCK_MET : CG_CLOCK_LATE;
			else
				o->state =
				    now_ms <= o->due_ms ? CG_CLOCK_RUNNING : CG_CLOCK_OVERDUE;
		}
		k++;
	}
	*n = k;
	return k > cap ? CG_ETOOBIG : CG_OK;
}

/* ---- text ------------------------------------------------------------- */

cg_err cg_deadline_format(const cg_clock *k, const char *lang, cg_buf *out)
{
	bool vi = !lang || strcmp(lang, "en") != 0;
	if (k->state == CG_CLOCK_MET)
		return cg_buf_puts(out, vi ? "đúng hạn" : "on time");
	int64_t left = k->remaining_ms;
	bool behind = left < 0;
	uint64_t a = behind ? (uint64_t)0 - (uint64_t)left : (uint64_t)left;
	uint64_t n;
	const char *vu, *eu;
	if (a >= (uint64_t)DAY_MS) {
		n = a / (uint64_t)DAY_MS;
		vu = "ngày";
		eu = "day";
	} else if (a >= 3600000u) {
		n = a / 3600000u;
		vu = "giờ";
		eu = "hour";
	} else {
		n = a / 60000u;
		vu = "phút";
		eu = "minute";
	}
	if (!behind && n == 0)
		return cg_buf_puts(out, vi ? "đến hạn" : "due now");
	if (behind && n == 0) /* under a minute late still reads as late */
		n = 1;
	const char *plural = n == 1 ? "" : "s";
	if (vi) {
		const char *what = !behind ? "còn" : k->state == CG_CLOCK_LATE ? "trễ" : "quá hạn";
		return cg_buf_printf(out, "%s %llu %s", what, (unsigned long long)n, vu);
	}
	const char *what = !behind ? "left" : k->state == CG_CLOCK_LATE ? "late" : "overdue";
	return cg_buf_printf(out, "%llu %s%s %s", (unsigned long long)n, eu, plural, what);
}
