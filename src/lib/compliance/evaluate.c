/*
 * evaluate.c - the status of every control for every subject, from the
 * facts (compliance.h), with a fixed clock (a local day number).
 *
 * Two steps per control and subject: read the evidence (what the facts
 * say: nothing, something dated, something undated, or a breach), then
 * the timing of the control turns it into a status and a due date
 * (timing()). Both steps are pure functions of their inputs, so the unit
 * tests drive them with hand-built facts and any date.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/auth.h"
#include "api/schema.h"
#include "compliance.h"
#include "core/hex.h"
#include "core/timeutil.h"

typedef enum { EV_NONE = 0, EV_HAVE, EV_BREACH } ev_state;

typedef struct evid {
	ev_state state;
	bool dated;
	int32_t day;  /* the evidence's date when dated */
	bool has_due; /* a breach or a running clock with its own due date */
	int32_t due;
	bool soon;    /* a clock of its own is within its warning */
	bool unknown; /* the evidence could not be read: missing, whatever the timing */
	char vi[320], en[320];
	const char *link; /* dashboard route */
} evid;

#define SAY(e, fvi, fen, ...)                                                                      \
	do {                                                                                       \
		snprintf((e)->vi, sizeof(e)->vi, fvi, __VA_ARGS__);                                \
		snprintf((e)->en, sizeof(e)->en, fen, __VA_ARGS__);                                \
	} while (0)

static int32_t roll(const cg_deadline_rules *cal, int32_t day)
{
	for (int i = 0; i < 60 && !cg_deadline_is_working_day(cal, day); i++)
		day++;
	return day;
}

static int32_t add_period(int32_t day, int months, int days)
{
	if (months) {
		int y, m, d;
		cg_day_to_civil(day, &y, &m, &d);
		int mm = m - 1 + months;
		y += mm / 12;
		m = mm % 12 + 1;
		int last = cg_civil_to_day(m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1, 1) -
		           cg_civil_to_day(y, m, 1);
		if (d > last)
			d = last; /* 31 August + 6 months = the last day of February */
		day = cg_civil_to_day(y, m, d);
	}
	return day + days;
}

static bool date_of(const json_t *v, int32_t *day)
{
	const char *s = json_string_value(v);
	return s && cg_compliance_parse_day(cg_slice_cstr(s), day);
}

static int64_t int_of(const json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);
	return json_is_integer(v) ? json_integer_value(v) : 0;
}

static const char *str_of(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

static int enum_index(const cg_enum_desc *e, const char *v)
{
	for (int i = 0; e->values[i]; i++)
		if (strcmp(e->values[i], v) == 0)
			return i;
	return -1;
}

/* A "last" date of the subject: facts.last[key]. */
static void last_date(const json_t *subj, const char *key, evid *e, const char *what_vi,
                      const char *what_en)
{
	int32_t d;
	if (date_of(json_object_get(json_object_get(subj, "last"), key), &d)) {
		char ds[11];
		cg_compliance_format_day(d, ds);
		e->state = EV_HAVE;
		e->dated = true;
		e->day = d;
		SAY(e, "%s gần nhất: %s", "latest %s: %s", what_vi, ds);
		snprintf(e->en, sizeof e->en, "latest %s: %s", what_en, ds);
	} else {
		SAY(e, "chưa có %s", "no %s recorded", what_vi);
		snprintf(e->en, sizeof e->en, "no %s recorded", what_en);
	}
}

static void people(const json_t *ag, evid *e, const char *role, bool need_contact)
{
	size_t i;
	json_t *p;
	json_array_foreach(json_object_get(ag, "people"), i, p)
	{
		if (strcmp(str_of(p, "role"), role) != 0)
			continue;
		if (need_contact && !str_of(p, "phone")[0] && !str_of(p, "email")[0])
			continue;
		e->state = EV_HAVE;
		return;
	}
}

/* The portal watcher read the agency's portal and found its contact
 * point in the page text (portal_checks, the newest check per URL): one
 * URL showing it is enough; pages that were read and do not show it are
 * not met; pages that could not be read are unknown, never met. */
static void contact_published(const json_t *ag, evid *e)
{
	e->link = "#/portals";
	evid pt;
	memset(&pt, 0, sizeof pt);
	people(ag, &pt, "contact_point", true);
	if (!pt.state) {
		SAY(e, "%s", "%s", "chưa có đầu mối ứng cứu sự cố với số điện thoại hoặc email");
		snprintf(e->en, sizeof e->en, "no incident contact point with phone or e-mail");
		e->link = "#/people";
		return;
	}
	const json_t *pub = NULL, *nf = NULL, *failed = NULL, *c;
	size_t i;
	json_array_foreach(json_object_get(ag, "portal_checks"), i, c)
	{
		const char *st = str_of(c, "state");
		if (!strcmp(st, "published") &&
		    (!pub || strcmp(str_of(c, "date"), str_of(pub, "date")) > 0))
			pub = c;
		else if (!strcmp(st, "not_found") && !nf)
			nf = c;
		else if (!strcmp(st, "fetch_failed") && !failed)
			failed = c;
	}
	int32_t d;
	if (pub && date_of(json_object_get(pub, "date"), &d)) {
		e->state = EV_HAVE;
		e->dated = true;
		e->day = d;
		SAY(e, "đầu mối có trong nội dung trang %s (đọc ngày %s)",
		    "contact point found in the text of %s (read on %s)", str_of(pub, "url"),
		    str_of(pub, "date"));
	} else if (nf) {
		SAY(e,
		    "không thấy số điện thoại, email của đầu mối trong nội dung trang %s (đọc ngày "
		    "%s)",
		    "the contact's phone or e-mail is not in the text of %s (read on %s)",
		    str_of(nf, "url"), str_of(nf, "date"));
	} else if (failed) {
		e->unknown = true;
		SAY(e, "chưa xác định: không đọc được trang %s (ngày %s)",
		    "unknown: %s could not be read (on %s)", str_of(failed, "url"),
		    str_of(failed, "date"));
	} else {
		e->unknown = true;
		SAY(e, "%s", "%s",
		    "chưa xác định: trang giám sát chưa đọc cổng thông tin của cơ quan");
		snprintf(e->en, sizeof e->en,
		         "unknown: the portal watcher has not read the agency's portal yet");
	}
}

static void incident_clocks(const cg_control *c, const cg_deadline_rules *cal, const json_t *ag,
                            int32_t today, evid *e)
{
	int64_t now = cg_deadline_day_start(cal, today + 1) - 1; /* the end of today */
	int n_cases = 0, n_over = 0, n_late = 0;
	const char *over_no = "";
	size_t i;
	json_t *inc;
	e->state = EV_HAVE;
	json_array_foreach(json_object_get(ag, "incidents"), i, inc)
	{
		cg_case_facts f = {0};
		int64_t ms;
		if (cg_time_parse(cg_slice_cstr(str_of(inc, "detected_at")), &ms))
			continue;
		f.at[CG_MOMENT_DETECTED] = ms;
		if (!cg_time_parse(cg_slice_cstr(str_of(inc, "reported_at")), &ms))
			f.at[CG_MOMENT_INITIAL_REPORTED] = ms;
		n_cases++;
		cg_clock k[CG_DEADLINE_MAX_RULES];
		size_t nk = 0;
		if (cg_deadline_clocks(cal, &f, now, k, CG_DEADLINE_MAX_RULES, &nk))
			continue;
		for (size_t j = 0; j < nk; j++) {
			if (k[j].rule->stop != CG_MOMENT_INITIAL_REPORTED)
				continue;
			/* due at 24:00 of its last day: that day is the due date */
			int32_t dd = cg_deadline_local_day(cal, k[j].due_ms - 1);
			if (k[j].state == CG_CLOCK_OVERDUE) {
				n_over++;
				over_no = str_of(inc, "number");
				if (!e->has_due || dd < e->due)
					e->due = dd;
				e->has_due = true;
				e->state = EV_BREACH;
			} else if (k[j].state == CG_CLOCK_LATE) {
				n_late++;
			} else if (k[j].state == CG_CLOCK_RUNNING && e->state != EV_BREACH) {
				if (!e->has_due || dd < e->due)
					e->due = dd;
				e->has_due = true;
				if (today >= dd - c->warn_days)
					e->soon = true;
			}
		}
	}
	e->link = "#/incidents";
	if (n_over)
		SAY(e, "%d vụ; %d báo cáo ban đầu quá hạn (%s); %d báo cáo trễ",
		    "%d cases; %d initial reports overdue (%s); %d reported late", n_cases, n_over,
		    over_no, n_late);
	else
		SAY(e, "%d vụ; không có báo cáo quá hạn; %d báo cáo trễ",
		    "%d cases; no report overdue; %d reported late", n_cases, n_late);
}

static void read_evidence(const cg_control *c, const cg_deadline_rules *cal, const json_t *s,
                          int32_t today, evid *e)
{
	memset(e, 0, sizeof *e);
	switch (c->evidence) {
	case CG_EV_DOSSIER_APPROVED: {
		const char *st = str_of(s, "dossier_status");
		e->link = "#/systems";
		if (strcmp(st, "approved") != 0) {
			SAY(e, "hồ sơ cấp độ: %s", "classification dossier: %s",
			    st[0] ? st : "none");
			return;
		}
		e->state = EV_HAVE;
		int32_t d;
		if (date_of(json_object_get(json_object_get(s, "dossier_dates"), "approved"), &d)) {
			char ds[11];
			cg_compliance_format_day(d, ds);
			e->dated = true;
			e->day = d;
			SAY(e, "hồ sơ cấp độ được phê duyệt ngày %s",
			    "classification dossier approved on %s", ds);
		} else
			SAY(e, "hồ sơ cấp độ đã phê duyệt%s", "classification dossier approved%s",
			    " (no date)");
		return;
	}
	case CG_EV_VULN_SCAN:
		last_date(s, "vuln_scan", e, "kết quả quét lỗ hổng", "vulnerability scan result");
		e->link = "#/events";
		return;
	case CG_EV_DRILL:
		last_date(s, "drill", e, "diễn tập", "drill");
		e->link = "#/drills";
		return;
	case CG_EV_ACCOUNTS_AUDIT:
		last_date(s, "accounts_audit", e, "kết quả rà soát tài khoản",
		          "account audit result");
		e->link = "#/events";
		return;
	case CG_EV_RECORD: {
		char key[CG_COMPLIANCE_MAX_NAME + 8];
		snprintf(key, sizeof key, "record:%s", c->record_kind);
		last_date(s, key, e, c->record_kind, c->record_kind);
		e->link = "#/events";
		return;
	}
	case CG_EV_CONTACT_POINT:
		people(s, e, "contact_point", true);
		e->link = "#/people";
		if (e->state)
			SAY(e, "%s", "%s", "có đầu mối ứng cứu sự cố với số điện thoại hoặc email");
		else
			SAY(e, "%s", "%s",
			    "chưa có đầu mối ứng cứu sự cố với số điện thoại hoặc email");
		if (e->state)
			snprintf(e->en, sizeof e->en,
			         "an incident contact point with phone or e-mail");
		else
			snprintf(e->en, sizeof e->en,
			         "no incident contact point with phone or e-mail");
		return;
	case CG_EV_CONTACT_PUBLISHED:
		contact_published(s, e);
		return;
	case CG_EV_RESPONSE_TEAM:
		people(s, e, "responsible_officer", false);
		e->link = "#/people";
		SAY(e, "%s", "%s",
		    e->state ? "có cán bộ phụ trách ứng cứu sự cố" : "chưa có cán bộ phụ trách");
		snprintf(e->en, sizeof e->en, "%s",
		         e->state ? "a responsible officer is named" : "no responsible officer");
		return;
	case CG_EV_AV_COVERAGE: {
		int64_t decl = int_of(s, "declared_endpoints"), have = int_of(s, "protected");
		e->link = "#/endpoints";
		if (decl <= 0) {
			SAY(e, "chưa khai báo số máy trạm (%lld máy có agent)",
			    "no declared endpoints (%lld with an agent)",
			    (long long)int_of(s, "agents"));
			return;
		}
		e->state = have >= decl ? EV_HAVE : EV_BREACH;
		SAY(e, "%lld/%lld máy có phần mềm phòng chống mã độc",
		    "%lld/%lld endpoints protected", (long long)have, (long long)decl);
		return;
	}
	case CG_EV_SECRETS_CLEAN: {
		int64_t open = int_of(s, "open_secrets");
		e->state = open ? EV_BREACH : EV_HAVE;
		e->link = "#/events";
		SAY(e, "%lld phát hiện tài liệu mật chưa xử lý", "%lld open state-secret findings",
		    (long long)open);
		return;
	}
	case CG_EV_INCIDENT_REPORTS:
		incident_clocks(c, cal, s, today, e);
		return;
	case CG_EV_AGENT_SEEN:
		e->link = "#/endpoints";
		e->state = json_is_false(json_object_get(s, "offline")) ? EV_HAVE : EV_BREACH;
		SAY(e, "%s", "%s",
		    e->state == EV_HAVE ? "agent đang hoạt động" : "agent mất liên lạc");
		snprintf(e->en, sizeof e->en, "%s",
		         e->state == EV_HAVE ? "agent reporting" : "agent offline");
		return;
	case CG_EV_COUNT:
		break;
	}
}

/* Status within a due date's window. */
static cg_cstatus window(const cg_control *c, int32_t today, int32_t due)
{
	if (today > due)
		return CG_CS_OVERDUE;
	if (today >= due - c->warn_days)
		return CG_CS_DUE_SOON;
	return CG_CS_OK;
}

static cg_cstatus timing(const cg_control *c, const cg_deadline_rules *cal, const evid *e,
                         int32_t today, bool *has_due, int32_t *due)
{
	*has_due = e->has_due;
	*due = e->due;
	if (e->unknown)
		return CG_CS_MISSING_EVIDENCE;
	if (e->state == EV_BREACH)
		return CG_CS_OVERDUE;
	if (c->period_months || c->period_days) {
		if (e->state == EV_NONE)
			return CG_CS_MISSING_EVIDENCE;
		if (!e->dated)
			return CG_CS_OK;
		*has_due = true;
		*due = roll(cal, add_period(e->day, c->period_months, c->period_days));
		return window(c, today, *due);
	}
	if (c->due_month) {
		int y, m, d;
		cg_day_to_civil(today, &y, &m, &d);
		int32_t cand = roll(cal, cg_civil_to_day(y, c->due_month, c->due_mday));
		int32_t next, prev, prevprev;
		if (cand >= today) {
			next = cand;
			prev = roll(cal, cg_civil_to_day(y - 1, c->due_month, c->due_mday));
			prevprev = roll(cal, cg_civil_to_day(y - 2, c->due_month, c->due_mday));
		} else {
			next = roll(cal, cg_civil_to_day(y + 1, c->due_month, c->due_mday));
			prev = cand;
			prevprev = roll(cal, cg_civil_to_day(y - 1, c->due_month, c->due_mday));
		}
		*has_due = true;
		*due = next;
		if (e->state == EV_NONE)
			return CG_CS_MISSING_EVIDENCE;
		if (!e->dated || e->day > prev)
			return CG_CS_OK; /* this cycle's obligation is met */
		if (e->day > prevprev)
			return window(c, today, next);
		*due = prev; /* the last deadline passed without it */
		return CG_CS_OVERDUE;
	}
	if (c->due_once != INT32_MIN) {
		*has_due = true;
		*due = roll(cal, c->due_once);
		if (e->state == EV_HAVE)
			return CG_CS_OK;
		cg_cstatus s = window(c, today, *due);
		return s == CG_CS_OK ? CG_CS_MISSING_EVIDENCE : s;
	}
	if (e->state == EV_NONE)
		return CG_CS_MISSING_EVIDENCE;
	if (e->has_due && e->soon)
		return CG_CS_DUE_SOON;
	return CG_CS_OK;
}

static bool applies(const cg_control *c, const json_t *s)
{
	if (c->applies == CG_SUBJ_SYSTEM) {
		int64_t lv = int_of(s, "level");
		if (lv < c->min_level || lv > c->max_level)
			return false;
		int k = enum_index(&cg_enum_system_kind, str_of(s, "kind"));
		if (c->system_kinds && (k < 0 || !(c->system_kinds & (1u << k))))
			return false;
	} else if (c->applies == CG_SUBJ_AGENCY && c->agency_kinds) {
		int k = enum_index(&cg_enum_agency_kind, str_of(s, "kind"));
		if (k < 0 || !(c->agency_kinds & (1u << k)))
			return false;
	}
	return true;
}

static json_t *basis(const cg_control *c)
{
	char b[2 * CG_COMPLIANCE_MAX_TEXT + 8];
	snprintf(b, sizeof b, "%s, %s", c->document, c->article);
	return json_string(b);
}

static cg_err one(const cg_control *c, const cg_deadline_rules *cal, const json_t *s, int32_t today,
                  json_t *out)
{
	evid e;
	cg_cstatus st;
	bool has_due = false;
	int32_t due = 0;
	bool ok_here = applies(c, s);
	if (ok_here) {
		read_evidence(c, cal, s, today, &e);
		st = timing(c, cal, &e, today, &has_due, &due);
	} else {
		memset(&e, 0, sizeof e);
		st = CG_CS_NOT_APPLICABLE;
		SAY(&e, "%s", "%s", "không áp dụng");
		snprintf(e.en, sizeof e.en, "not applicable");
	}
	json_t *notify = json_array();
	for (int i = 0; i < c->n_notify; i++)
		json_array_append_new(notify, json_string(c->notify[i]));
	char ds[11];
	if (has_due)
		cg_compliance_format_day(due, ds);
	int64_t id = c->applies == CG_SUBJ_ENDPOINT ? 0 : int_of(s, "id");
	int64_t agency = c->applies == CG_SUBJ_AGENCY ? id : int_of(s, "agency_id");
	const char *name = c->applies == CG_SUBJ_ENDPOINT ? str_of(s, "host") : str_of(s, "name");
	json_t *r = json_pack(
	    "{s:s, s:s, s:s, s:s, s:o, s:s, s:I, s:s, s:o, s:o, s:s, s:s, s:s, s:o, s:s, s:s, "
	    "s:o, s:b}",
	    "type", "control", "control", c->id, "title", c->title_vi, "title_en", c->title_en,
	    "subject_type", json_string(cg_subject_type_name(c->applies)), "subject_name", name,
	    "agency_id", (json_int_t)agency, "status", cg_cstatus_name(st), "due",
	    has_due ? json_string(ds) : json_null(), "legal_basis", basis(c), "seed", c->seed,
	    "evidence", e.vi, "evidence_en", e.en, "link",
	    e.link && ok_here ? json_string(e.link) : json_null(), "explain", c->explain_vi,
	    "explain_en", c->explain_en, "notify", notify, "awaiting_decree", c->pending_decree);
	if (!r)
		return CG_ENOMEM;
	if (c->applies == CG_SUBJ_ENDPOINT)
		json_object_set_new(r, "subject_id", json_string(str_of(s, "agent_id")));
	else
		json_object_set_new(r, "subject_id", json_integer(id));
	json_array_append_new(out, r);
	return CG_OK;
}

cg_err cg_compliance_evaluate(const cg_compliance_rules *r, const cg_deadline_rules *cal,
                              const json_t *facts, int32_t today, json_t **results)
{
	*results = NULL;
	if (!r || !cal || !json_is_object(facts))
		return CG_EINVAL;
	json_t *out = json_array();
	if (!out)
		return CG_ENOMEM;
	static const char *const lists[] = {"agencies", "systems", "endpoints"};
	for (int i = 0; i < r->n_control; i++) {
		const cg_control *c = &r->control[i];
		size_t j;
		json_t *s;
		json_array_foreach(json_object_get(facts, lists[c->applies]), j, s)
		{
			cg_err err = one(c, cal, s, today, out);
			if (err) {
				json_decref(out);
				return err;
			}
		}
	}
	*results = out;
	return CG_OK;
}

bool cg_compliance_needs_action(const json_t *result)
{
	const char *s = str_of(result, "status");
	return strcmp(s, "overdue") == 0 || strcmp(s, "missing_evidence") == 0;
}

static int status_index(const json_t *res)
{
	const char *s = str_of(res, "status");
	for (int i = 0; i < CG_CS_COUNT; i++)
		if (strcmp(s, cg_cstatus_name((cg_cstatus)i)) == 0)
			return i;
	return CG_CS_NOT_APPLICABLE;
}

static json_t *counts_json(const int64_t n[CG_CS_COUNT])
{
	json_t *c = json_object();
	for (int i = 0; i < CG_CS_COUNT; i++)
		json_object_set_new(c, cg_cstatus_name((cg_cstatus)i), json_integer(n[i]));
	return c;
}

/* (ok + due_soon) / (all but not_applicable), rounded down; null when
 * nothing applies. */
static json_t *percent(const int64_t n[CG_CS_COUNT])
{
	int64_t all = 0;
	for (int i = 0; i < CG_CS_COUNT; i++)
		if (i != CG_CS_NOT_APPLICABLE)
			all += n[i];
	if (!all)
		return json_null();
	return json_integer((n[CG_CS_OK] + n[CG_CS_DUE_SOON]) * 100 / all);
}

json_t *cg_compliance_summary(const cg_compliance_rules *r, const json_t *facts,
                              const json_t *results, int32_t today)
{
	int64_t total[CG_CS_COUNT] = {0};
	size_t i, j;
	json_t *res, *ag;
	json_array_foreach(results, i, res) total[status_index(res)]++;
	json_t *agencies = json_array();
	json_array_foreach(json_object_get(facts, "agencies"), i, ag)
	{
		int64_t n[CG_CS_COUNT] = {0};
		int64_t id = int_of(ag, "id");
		json_array_foreach(results, j, res) if (int_of(res, "agency_id") == id)
		    n[status_index(res)]++;
		json_array_append_new(agencies,
		                      json_pack("{s:I, s:s, s:o, s:o}", "agency_id", (json_int_t)id,
		                                "name", str_of(ag, "name"), "percent", percent(n),
		                                "counts", counts_json(n)));
	}
	char at[11];
	cg_compliance_format_day(today, at);
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:o}", "type", "summary", "regime",
	                 r->regime, "regime_title", r->title_vi, "regime_title_en", r->title_en,
	                 "at", at, "counts", counts_json(total), "percent", percent(total),
	                 "agencies", agencies);
}

typedef struct dated {
	const json_t *r;
	size_t order; /* ties keep the results' order */
} dated;

static int cmp_due(const void *a, const void *b)
{
	const dated *x = a, *y = b;
	int c = strcmp(str_of(x->r, "due"), str_of(y->r, "due")); /* ISO dates sort as text */
	return c ? c : (x->order > y->order) - (x->order < y->order);
}

json_t *cg_compliance_calendar(const json_t *results, int32_t today, int days)
{
	size_t i, n = 0;
	json_t *res;
	dated *v = calloc(json_array_size(results) + 1, sizeof *v);
	if (!v)
		return NULL;
	json_array_foreach(results, i, res)
	{
		int32_t d;
		if (date_of(json_object_get(res, "due"), &d) && d >= today && d <= today + days &&
		    strcmp(str_of(res, "status"), "not_applicable") != 0) {
			v[n].r = res;
			v[n].order = n;
			n++;
		}
	}
	qsort(v, n, sizeof *v, cmp_due);
	json_t *out = json_array();
	for (i = 0; i < n; i++)
		json_array_append(out, (json_t *)v[i].r);
	free(v);
	return out;
}

json_t *cg_compliance_reminders(const json_t *results)
{
	json_t *out = json_array();
	size_t i;
	json_t *r;
	json_array_foreach(results, i, r)
	{
		const char *st = str_of(r, "status");
		if (strcmp(st, "due_soon") != 0 && strcmp(st, "overdue") != 0)
			continue;
		json_t *sid = json_object_get(r, "subject_id");
		char key[512], digest_hex[65];
		uint8_t digest[32];
		int n = snprintf(
		    key, sizeof key, "%s|%s|%s|%lld|%s|%s", str_of(r, "control"),
		    str_of(r, "subject_type"), json_is_string(sid) ? json_string_value(sid) : "",
		    json_is_integer(sid) ? (long long)json_integer_value(sid) : 0LL,
		    json_is_string(json_object_get(r, "due")) ? str_of(r, "due") : "-", st);
		if (n < 0 || (size_t)n >= sizeof key)
			continue; /* cannot happen with the bounded names */
		cg_sha256(key, (size_t)n, digest);
		cg_hex_encode(digest, 16, digest_hex);
		char id[40];
		snprintf(id, sizeof id, "cmp-%.32s", digest_hex);
		json_array_append_new(out, json_pack("{s:s, s:O}", "id", id, "result", r));
	}
	return out;
}
