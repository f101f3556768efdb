/*
 * test_incident_task.c - api/incident_task.h: a new task (title
 * required, done false), a change keeping what it does not name, the due
 * time kept in UTC, and each bad field refused by name.
 */
#include <string.h>

#include "api/incident_task.h"
#include "core/json.h"
#include "../test.h"

static const char *refused(const char *body_json, const json_t *cur)
{
	static cg_inv_error e;
	json_t *b = json_loads(body_json, 0, NULL), *out = NULL;
	cg_err err = cg_inc_task_parse(b, cur, &out, &e);
	json_decref(b);
	json_decref(out);
	return err ? e.field : NULL;
}

TEST(new_and_changed)
{
	cg_inv_error e;
	json_t *b =
	    json_pack("{s:s,s:s}", "title", "Cô lập máy", "due_at", "2026-12-05T10:00:00+07:00");
	json_t *t = NULL;
	CHECK(cg_inc_task_parse(b, NULL, &t, &e) == CG_OK && t);
	CHECK(strcmp(cg_json_get_str(t, "due_at"), "2026-12-05T03:00:00.000Z") == 0);
	CHECK(json_is_false(json_object_get(t, "done")) &&
	      json_is_null(json_object_get(t, "assignee")));
	json_decref(b);
	b = json_pack("{s:b}", "done", 1);
	json_t *t2 = NULL;
	CHECK(cg_inc_task_parse(b, t, &t2, &e) == CG_OK && t2);
	CHECK(json_is_true(json_object_get(t2, "done")));
	CHECK(strcmp(cg_json_get_str(t2, "title"), "Cô lập máy") == 0);
	CHECK(cg_json_get_str(t2, "due_at") != NULL);
	json_decref(b);
	json_decref(t2);
	json_decref(t);
}

TEST(refusals)
{
	CHECK(strcmp(refused("{}", NULL), "title") == 0);
	CHECK(strcmp(refused("{\"title\":\"\"}", NULL), "title") == 0);
	CHECK(strcmp(refused("{\"title\":\"x\",\"due_at\":\"mai\"}", NULL), "due_at") == 0);
	CHECK(strcmp(refused("{\"title\":\"x\",\"done\":1}", NULL), "done") == 0);
	CHECK(strcmp(refused("{\"title\":\"x\",\"assignee\":5}", NULL), "assignee") == 0);
	CHECK(strcmp(refused("{\"title\":\"x\",\"evil\":5}", NULL), "evil") == 0);
	CHECK(strcmp(refused("[]", NULL), "") == 0);
	CHECK(refused("{\"title\":\"x\",\"assignee\":null,\"due_at\":null}", NULL) == NULL);
}

int main(void)
{
	RUN(new_and_changed);
	RUN(refusals);
	return test_done();
}
