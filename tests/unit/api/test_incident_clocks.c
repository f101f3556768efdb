/*
 * test_incident_clocks.c - api/incident_clocks.h with a fixed clock and
 * the shipped deadline rules: which moments of a case a clock counts
 * from (the closing report only once the response has ended, and not
 * while the case is back to responding), no clocks for a rejected case,
 * the level and state-secret conditions of the escalation, the notice
 * stages (reminder within the lead time, due when overdue, an immediate
 * rule never reminded of, a stopped clock silent) and the notice text.
 */
#include <stdlib.h>
#include <string.h>

#include "api/incident_clocks.h"
#include "core/timeutil.h"
#include "../test.h"

static cg_deadline_rules *R;

static int64_t T(const char *rfc3339)
{
	int64_t ms = 0;
	cg_time_parse(cg_slice_cstr(rfc3339), &ms);
	return ms;
}

static json_t *case_of(const char *state, const char *detected, const char *contained)
{
	json_t *c = json_pack("{s:s,s:s,s:s,s:n,s:n,s:n,s:b}", "number", "SC-2027-0001", "title",
	                      "Cổng bị thay giao diện", "state", state, "reported_at",
	                      "closing_reported_at", "escalated_at", "state_secret", 0);
	json_object_set_new(c, "detected_at", detected ? json_string(detected) : json_null());
	json_object_set_new(c, "contained_at", contained ? json_string(contained) : json_null());
	return c;
}

static size_t clocks(const json_t *c, int level, int64_t now, cg_clock *k)
{
	cg_case_facts f;
	size_t n = 0;
	if (!cg_inc_facts(c, level, &f))
		return 0;
	if (cg_deadline_clocks(R, &f, now, k, CG_DEADLINE_MAX_RULES, &n))
		return 99;
	return n;
}

TEST(moments_of_a_case)
{
	cg_clock k[CG_DEADLINE_MAX_RULES];
	/* Thursday 2027-01-07 10:00 local: due at the end of Tuesday the 12th */
	json_t *c = case_of("responding", "2027-01-07T03:00:00Z", NULL);
	int64_t now = T("2027-01-08T03:00:00Z");
	CHECK(clocks(c, 2, now, k) == 1);
	CHECK(strcmp(k[0].rule->name, "initial_report") == 0 && k[0].state == CG_CLOCK_RUNNING);
	CHECK(k[0].due_ms == T("2027-01-12T17:00:00Z"));
	/* level 3: the escalation too, due at once */
	CHECK(clocks(c, 3, now, k) == 2);
	CHECK(strcmp(k[1].rule->name, "escalation") == 0 && k[1].state == CG_CLOCK_OVERDUE);
	/* state secrets on a level-1 system: the escalation as well */
	json_object_set_new(c, "state_secret", json_true());
	CHECK(clocks(c, 1, now, k) == 2);
	json_object_set_new(c, "state_secret", json_false());
	/* a contained_at left from before the case came back to responding
	 * does not start the closing report's clock */
	json_object_set_new(c, "contained_at", json_string("2027-01-07T09:00:00Z"));
	CHECK(clocks(c, 2, now, k) == 1);
	json_object_set_new(c, "state", json_string("contained"));
	CHECK(clocks(c, 2, now, k) == 2 && strcmp(k[1].rule->name, "closing_report") == 0);
	/* closed without a contained_at (an older record): closed_at counts */
	json_object_set_new(c, "state", json_string("closed"));
	json_object_set_new(c, "contained_at", json_null());
	json_object_set_new(c, "closed_at", json_string("2027-01-07T09:00:00Z"));
	CHECK(clocks(c, 2, now, k) == 2);
	/* the report recorded stops the clock */
	json_object_set_new(c, "reported_at", json_string("2027-01-08T01:00:00Z"));
	CHECK(clocks(c, 2, now, k) == 2 && k[0].state == CG_CLOCK_MET);
	/* rejected and duplicate cases have none; nor a case without a
	 * detection time */
	json_object_set_new(c, "state", json_string("rejected"));
	CHECK(clocks(c, 3, now, k) == 0);
	json_object_set_new(c, "state", json_string("duplicate"));
	CHECK(clocks(c, 3, now, k) == 0);
	json_decref(c);
	c = case_of("new", NULL, NULL);
	CHECK(clocks(c, 3, now, k) == 0);
	json_decref(c);
}

TEST(clocks_as_json)
{
	json_t *c = case_of("new", "2027-01-07T03:00:00Z", NULL), *out = NULL;
	CHECK(cg_inc_clocks_json(R, c, 2, T("2027-01-15T03:00:00Z"), &out) == CG_OK);
	CHECK(json_array_size(out) == 1);
	json_t *k = json_array_get(out, 0);
	CHECK(strcmp(json_string_value(json_object_get(k, "state")), "overdue") == 0);
	CHECK(strcmp(json_string_value(json_object_get(k, "text_vi")), "quá hạn 2 ngày") == 0);
	CHECK(strcmp(json_string_value(json_object_get(k, "due_at")), "2027-01-12T17:00:00.000Z") ==
	      0);
	CHECK(json_integer_value(json_object_get(k, "remaining_s")) < 0);
	CHECK(json_is_null(json_object_get(k, "stopped_at")));
	json_decref(out);
	/* no rules (not loaded yet): no clocks, not an error */
	CHECK(cg_inc_clocks_json(NULL, c, 2, 0, &out) == CG_OK && json_array_size(out) == 0);
	json_decref(out);
	json_decref(c);
}

TEST(notice_stages)
{
	cg_clock k[CG_DEADLINE_MAX_RULES];
	json_t *c = case_of("triage", "2027-01-07T03:00:00Z", NULL);
	int64_t day = 86400000;
	/* far from the deadline: nothing; within the lead time: a reminder */
	CHECK(clocks(c, 3, T("2027-01-08T03:00:00Z"), k) == 2);
	CHECK(cg_inc_notice_stage(&k[0], day) == NULL);
	CHECK(strcmp(cg_inc_notice_stage(&k[0], 10 * day), "reminder") == 0);
	/* the immediate rule is due at once, never a reminder */
	CHECK(strcmp(cg_inc_notice_stage(&k[1], 10 * day), "due") == 0);
	/* past the deadline */
	CHECK(clocks(c, 3, T("2027-01-13T03:00:00Z"), k) == 2);
	CHECK(strcmp(cg_inc_notice_stage(&k[0], day), "due") == 0);
	/* stopped: silent */
	json_object_set_new(c, "reported_at", json_string("2027-01-13T04:00:00Z"));
	json_object_set_new(c, "escalated_at", json_string("2027-01-07T04:00:00Z"));
	CHECK(clocks(c, 3, T("2027-01-14T03:00:00Z"), k) == 2);
	CHECK(k[0].state == CG_CLOCK_LATE && cg_inc_notice_stage(&k[0], day) == NULL);
	CHECK(cg_inc_notice_stage(&k[1], day) == NULL);
	json_decref(c);
}

TEST(notice_text)
{
	cg_clock k[CG_DEADLINE_MAX_RULES];
	json_t *c = case_of("triage", "2027-01-07T03:00:00Z", NULL);
	CHECK(clocks(c, 3, T("2027-01-13T03:00:00Z"), k) == 2);
	cg_buf s, t;
	cg_buf_init(&s, 256);
	cg_buf_init(&t, 4096);
	CHECK(cg_inc_notice_text(c, &k[0], "due", &s, &t) == CG_OK);
	CHECK(strstr(cg_buf_cstr(&s), "Quá hạn SC-2027-0001") != NULL);
	CHECK(strstr(cg_buf_cstr(&t), "Mẫu 03") && strstr(cg_buf_cstr(&t), "Form 03"));
	CHECK(strstr(cg_buf_cstr(&t), "2027-01-12T17:00:00") != NULL);
	cg_buf_reset(&s);
	cg_buf_reset(&t);
	CHECK(cg_inc_notice_text(c, &k[1], "due", &s, &t) == CG_OK);
	CHECK(strstr(cg_buf_cstr(&s), "Báo cáo ngay SC-2027-0001") != NULL);
	cg_buf_free(&s);
	cg_buf_free(&t);
	json_decref(c);
}

int main(void)
{
	R = calloc(1, sizeof *R);
	if (!R || cg_deadline_load_default(R, NULL))
		return 1;
	RUN(moments_of_a_case);
	RUN(clocks_as_json);
	RUN(notice_stages);
	RUN(notice_text);
	free(R);
	return test_done();
}
