/*
 * deadline.h - the regulated deadlines of an incident case, as data.
 *
 * The rules (how long after which event a report is due, counted in
 * calendar days, working days or hours, who must be told, and when a rule
 * applies at all) and the calendar they are counted on (the time zone's
 * fixed UTC offset, the weekend, the public holidays and the announced
 * make-up working days of each year) are read from a text file under
 * rules/deadlines/ (format in docs/deadlines.md). The regime changes under
 * the Law on Cybersecurity 2025 and the holidays change every year: both
 * are an edit of that file, never of code.
 *
 * Counting follows the Civil Code 2015 (Art. 147-148): a period of N days
 * starts on the day after the event and ends at the end (24:00 local) of
 * its last day; a period of working days counts only days that are neither
 * weekend nor holiday (a make-up Saturday counts); a calendar period whose
 * last day is not a working day ends with the next working day when the
 * rule says "roll". Hours are plain elapsed time.
 *
 * Time is int64 milliseconds since the Unix epoch (core/timeutil.h). Local
 * days are computed with the file's fixed offset (Vietnam has had no
 * daylight saving time since 1975), never with the C library's TZ, so a
 * server running under any TZ computes the same clocks.
 *
 * Ownership: cg_deadline_rules holds everything in itself (no pointers
 * into the text it was parsed from) and needs no freeing; it is large, so
 * allocate it (malloc/static), not on a small stack.
 */
#ifndef CG_DEADLINE_H
#define CG_DEADLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/limits.h"

/* The moments of a case a rule counts from or is stopped by. */
typedef enum cg_case_moment {
	CG_MOMENT_DETECTED = 0,
	CG_MOMENT_RESPONSE_ENDED,
	CG_MOMENT_INITIAL_REPORTED,
	CG_MOMENT_CLOSING_REPORTED,
	CG_MOMENT_ESCALATED,
	CG_MOMENT_COUNT
} cg_case_moment;

typedef enum cg_period_unit {
	CG_UNIT_CALENDAR_DAYS = 0,
	CG_UNIT_WORKING_DAYS,
	CG_UNIT_HOURS,
} cg_period_unit;

typedef struct cg_deadline_rule {
	char name[CG_DEADLINE_MAX_NAME]; /* "initial_report" */
	cg_case_moment from;             /* the clock starts here */
	cg_case_moment stop;             /* and stops when this is set */
	int period;                      /* in unit; 0 hours = immediate */
	cg_period_unit unit;
	bool roll;         /* calendar end on a day off -> next working day */
	int min_level;     /* applies when the system level >= this (0: any) */
	bool state_secret; /* ... or when state secrets are involved */
	bool conditional;  /* false: always applies */
	char notify[CG_DEADLINE_MAX_NOTIFY][CG_DEADLINE_MAX_NAME]; /* recipient roles */
	int n_notify;
	char label_vi[CG_DEADLINE_MAX_TEXT];
	char label_en[CG_DEADLINE_MAX_TEXT];
	char basis[CG_DEADLINE_MAX_TEXT]; /* the legal text it comes from */
} cg_deadline_rule;

/* A day off (holiday) or a make-up working day, as a local day number
 * (days since 1970-01-01). */
typedef struct cg_calendar_day {
	int32_t day;
	bool workday; /* true: a weekend day worked to make up a swapped day */
} cg_calendar_day;

typedef struct cg_deadline_rules {
	char tz_name[CG_DEADLINE_MAX_NAME]; /* "Asia/Ho_Chi_Minh" */
	int tz_offset_min;                  /* +420 */
	uint8_t weekend;                    /* bit per weekday, 0 = Sunday */
	int year[CG_DEADLINE_MAX_YEARS];    /* years whose holidays the file lists */
	int n_year;
	cg_deadline_rule rule[CG_DEADLINE_MAX_RULES];
	int n_rule;
	cg_calendar_day cal[CG_DEADLINE_MAX_DAYS]; /* sorted by day, unique */
	int n_cal;
} cg_deadline_rules;

/* Parses a deadline file. On error *why (optional) gets "NAME:LINE:
 * reason" and the result is CG_EPARSE (or CG_ETOOBIG for a limit). */
cg_err cg_deadline_parse(cg_slice text, const char *name, cg_deadline_rules *out, cg_buf *why);
/* Reads and parses a file (at most CG_DEADLINE_MAX_FILE bytes). */
cg_err cg_deadline_load(const char *path, cg_deadline_rules *out, cg_buf *why);
/* Loads the shipped rules, deadlines/vn.txt in the rules directory
 * (core/rulesdir.h): what the server and the commands use. */
cg_err cg_deadline_load_default(cg_deadline_rules *out, cg_buf *why);

/* ---- the calendar ----------------------------------------------------- */

/* Local day number of an instant, and the instant a local day starts. */
int32_t cg_deadline_local_day(const cg_deadline_rules *r, int64_t ms);
int64_t cg_deadline_day_start(const cg_deadline_rules *r, int32_t day);
/* Proleptic Gregorian civil date <-> day number (days since 1970-01-01). */
int32_t cg_civil_to_day(int y, int m, int d);
void cg_day_to_civil(int32_t day, int *y, int *m, int *d);
/* 0 = Sunday ... 6 = Saturday. */
int cg_day_weekday(int32_t day);
bool cg_deadline_is_working_day(const cg_deadline_rules *r, int32_t day);
/* Whether the file's holidays cover the year of this local day. */
bool cg_deadline_year_known(const cg_deadline_rules *r, int32_t day);

/* ---- the clocks of a case --------------------------------------------- */

/* What a case knows of itself. Times are ms since the epoch, 0 = not yet.
 * level is the highest security level (cấp độ 1-5) of its affected
 * systems, 0 when unknown. */
typedef struct cg_case_facts {
	int64_t at[CG_MOMENT_COUNT];
	int level;
	bool state_secret;
} cg_case_facts;

typedef enum cg_clock_state {
	CG_CLOCK_RUNNING = 0, /* started, not stopped, due in the future */
	CG_CLOCK_OVERDUE,     /* started, not stopped, due in the past */
	CG_CLOCK_MET,         /* stopped at or before its due time */
	CG_CLOCK_LATE,        /* stopped after its due time */
} cg_clock_state;

typedef struct cg_clock {
	const cg_deadline_rule *rule; /* points into the rules given */
	cg_clock_state state;
	int64_t start_ms;      /* the moment counted from */
	int64_t due_ms;        /* when it is due */
	int64_t stop_ms;       /* 0 while running */
	int64_t remaining_ms;  /* due - (stop or now): negative when overdue or late */
	bool calendar_unknown; /* the count ran through a year the file has no
	                        * holidays for: weekends only were used there */
} cg_clock;

/* The clocks of a case at time now_ms, one per rule that applies (its
 * condition holds) and has started (the case has its `from` moment), in
 * file order, into out[0..cap); *n gets how many. A rule that has not
 * started has no clock yet: the closing report's clock appears when the
 * response has ended. CG_ETOOBIG when cap is too small (*n then holds how
 * many were needed). This is the one place that decides whether a case is
 * on time: the case API, its dashboard and the reminder job call it. */
cg_err cg_deadline_clocks(const cg_deadline_rules *r, const cg_case_facts *c, int64_t now_ms,
                          cg_clock *out, size_t cap, size_t *n);

/* When a rule started at from_ms is due. */
int64_t cg_deadline_due(const cg_deadline_rules *r, const cg_deadline_rule *rule, int64_t from_ms,
                        bool *calendar_unknown);

/* Short human text for a clock, appended to out: "còn 2 ngày", "quá hạn
 * 1 ngày", "còn 5 giờ", "đúng hạn", "trễ 1 ngày" (lang "vi"), or "2 days
 * left", "1 day overdue", "5 hours left", "on time", "1 day late" ("en").
 * Whole days below the remaining time (a day and 20 hours left is "còn 1
 * ngày"), hours under a day, minutes under an hour. */
cg_err cg_deadline_format(const cg_clock *k, const char *lang, cg_buf *out);

/* Names of moments and units as written in the file and in JSON. */
const char *cg_case_moment_name(cg_case_moment m);
const char *cg_clock_state_name(cg_clock_state s);

#endif
