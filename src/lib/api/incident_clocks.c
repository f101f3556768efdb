/*
 * incident_clocks.c - see incident_clocks.h. The arithmetic is the
 * deadline library's; this file only reads a case's moments and writes
 * clocks and notices.
 */
#include "api/incident_clocks.h"

#include <string.h>

#include "api/incident.h"
#include "core/json.h"
#include "core/timeutil.h"

/* A time member of the record as ms; 0 when null, absent or unreadable. */
static int64_t moment(const json_t *rec, const char *name)
{
	const char *s = cg_json_get_str(rec, name);
	int64_t ms = 0;
	if (!s || cg_time_parse(cg_slice_cstr(s), &ms))
		return 0;
	return ms;
}

/* The record field each moment is read from (see the header). */
static const char *const FIELD[CG_MOMENT_COUNT] = {
    [CG_MOMENT_DETECTED] = "detected_at",
    [CG_MOMENT_RESPONSE_ENDED] = "contained_at",
    [CG_MOMENT_INITIAL_REPORTED] = "reported_at",
    [CG_MOMENT_CLOSING_REPORTED] = "closing_reported_at",
    [CG_MOMENT_ESCALATED] = "escalated_at",
};

const char *cg_inc_moment_field(cg_case_moment m)
{
	return (unsigned)m < CG_MOMENT_COUNT ? FIELD[m] : "";
}

bool cg_inc_facts(const json_t *rec, int level, cg_case_facts *f)
{
	memset(f, 0, sizeof *f);
	cg_inc_state st;
	if (cg_inc_state_parse(cg_json_get_str(rec, "state"), &st) || st == CG_INC_REJECTED ||
	    st == CG_INC_DUPLICATE)
		return false;
	for (int m = 0; m < CG_MOMENT_COUNT; m++)
		if (m != CG_MOMENT_RESPONSE_ENDED)
			f->at[m] = moment(rec, FIELD[m]);
	if (st == CG_INC_CONTAINED || st == CG_INC_CLOSED) {
		int64_t end = moment(rec, FIELD[CG_MOMENT_RESPONSE_ENDED]);
		f->at[CG_MOMENT_RESPONSE_ENDED] = end ? end : moment(rec, "closed_at");
	}
	f->level = level;
	f->state_secret = json_is_true(json_object_get(rec, "state_secret"));
	return f->at[CG_MOMENT_DETECTED] != 0;
}

static json_t *time_json(int64_t ms)
{
	if (!ms)
		return json_null();
	char ts[40];
	cg_time_format(ms, ts, sizeof ts);
	return json_string(ts);
}

cg_err cg_inc_clocks_json(const cg_deadline_rules *r, const json_t *rec, int level, int64_t now_ms,
                          json_t **out)
{
	*out = json_array();
	if (!*out)
		return CG_ENOMEM;
	cg_case_facts f;
	if (!r || !cg_inc_facts(rec, level, &f))
		return CG_OK;
	cg_clock k[CG_DEADLINE_MAX_RULES];
	size_t n = 0;
	cg_err err = cg_deadline_clocks(r, &f, now_ms, k, CG_DEADLINE_MAX_RULES, &n);
	if (err)
		return err;
	cg_buf vi, en;
	cg_buf_init(&vi, 128);
	cg_buf_init(&en, 128);
	for (size_t i = 0; !err && i < n; i++) {
		const cg_deadline_rule *ru = k[i].rule;
		cg_buf_reset(&vi);
		cg_buf_reset(&en);
		err = cg_deadline_format(&k[i], "vi", &vi);
		if (!err)
			err = cg_deadline_format(&k[i], "en", &en);
		json_t *who = json_array();
		for (int j = 0; j < ru->n_notify; j++)
			json_array_append_new(who, json_string(ru->notify[j]));
		json_t *c = json_pack(
		    "{s:s,s:s,s:s,s:s,s:o,s:s,s:o,s:o,s:o,s:I,s:s,s:s,s:b,s:s}", "rule", ru->name,
		    "label_vi", ru->label_vi, "label_en", ru->label_en, "basis", ru->basis,
		    "notify", who, "state", cg_clock_state_name(k[i].state), "started_at",
		    time_json(k[i].start_ms), "due_at", time_json(k[i].due_ms), "stopped_at",
		    time_json(k[i].stop_ms), "remaining_s", (json_int_t)(k[i].remaining_ms / 1000),
		    "text_vi", cg_buf_cstr(&vi), "text_en", cg_buf_cstr(&en), "calendar_unknown",
		    k[i].calendar_unknown, "stop_field", cg_inc_moment_field(ru->stop));
		if (!c)
			err = CG_ENOMEM;
		else
			json_array_append_new(*out, c);
	}
	cg_buf_free(&vi);
	cg_buf_free(&en);
	return err;
}

const char *cg_inc_notice_stage(const cg_clock *k, int64_t remind_before_ms)
{
	if (k->state != CG_CLOCK_RUNNING && k->state != CG_CLOCK_OVERDUE)
		return NULL;
	/* due now or past; an immediate rule (period 0) is never reminded of */
	if (k->state == CG_CLOCK_OVERDUE || k->remaining_ms <= 0 || k->rule->period == 0)
		return "due";
	return k->remaining_ms <= remind_before_ms ? "reminder" : NULL;
}

cg_err cg_inc_notice_text(const json_t *rec, const cg_clock *k, const char *stage, cg_buf *subject,
                          cg_buf *text)
{
	cg_buf vi, en;
	cg_buf_init(&vi, 128);
	cg_buf_init(&en, 128);
	cg_err err = cg_deadline_format(k, "vi", &vi);
	if (!err)
		err = cg_deadline_format(k, "en", &en);
	char due[40];
	cg_time_format(k->due_ms, due, sizeof due);
	const char *number = cg_json_get_str(rec, "number");
	const char *title = cg_json_get_str(rec, "title");
	bool now = strcmp(stage, "due") == 0;
	bool immediate = k->rule->period == 0;
	const char *head = immediate ? "Báo cáo ngay" : now ? "Quá hạn" : "Sắp đến hạn";
	if (!err)
		err = cg_buf_printf(subject, "[canhgac] %s %s: %s - %s", head, number ? number : "",
		                    k->rule->label_vi, cg_buf_cstr(&vi));
	if (!err)
		err = cg_buf_printf(
		    text,
		    "%s\n\n"
		    "Sự cố %s: %s\n"
		    "%s\nHạn: %s (giờ UTC) - %s\nCăn cứ: %s\n\n"
		    "Incident %s: %s\n%s\nDue: %s (UTC) - %s\n\n"
		    "Ghi nhận việc đã báo cáo trên trang sự cố của canhgac để dừng đồng hồ này.\n"
		    "Record the report on the incident's page in canhgac to stop this clock.\n",
		    head, number ? number : "", title ? title : "", k->rule->label_vi, due,
		    cg_buf_cstr(&vi), k->rule->basis, number ? number : "", title ? title : "",
		    k->rule->label_en, due, cg_buf_cstr(&en));
	cg_buf_free(&vi);
	cg_buf_free(&en);
	return err;
}
