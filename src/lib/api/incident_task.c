/*
 * incident_task.c - see incident_task.h.
 */
#include "api/incident_task.h"

#include <stdio.h>
#include <string.h>

#include "core/json.h"
#include "core/limits.h"
#include "core/timeutil.h"

static cg_err refuse(cg_inv_error *e, const char *field, const char *msg)
{
	memset(e, 0, sizeof *e);
	snprintf(e->field, sizeof e->field, "%s", field);
	snprintf(e->message, sizeof e->message, "%s", msg);
	return CG_EINVAL;
}

static bool text_ok(const json_t *v, size_t max)
{
	return json_is_string(v) && json_string_length(v) > 0 && json_string_length(v) <= max &&
	       !memchr(json_string_value(v), '\0', json_string_length(v));
}

static cg_err apply(const json_t *body, json_t *rec, cg_inv_error *e)
{
	static const char *const known[] = {"title", "assignee", "due_at", "done", NULL};
	if (!json_is_object(body))
		return refuse(e, "", "expected a JSON object");
	const char *k;
	json_t *v;
	json_object_foreach((json_t *)body, k, v)
	{
		bool ok = false;
		for (int i = 0; known[i]; i++)
			ok |= strcmp(k, known[i]) == 0;
		if (!ok)
			return refuse(e, k, "unknown field");
	}
	if ((v = json_object_get(body, "title"))) {
		if (!text_ok(v, CG_INC_MAX_TITLE))
			return refuse(e, "title", "a title of 1 to 300 bytes");
		json_object_set(rec, "title", v);
	}
	if ((v = json_object_get(body, "assignee"))) {
		if (!json_is_null(v) && !text_ok(v, CG_TRIAGE_MAX_ASSIGNEE))
			return refuse(e, "assignee", "a username or null");
		json_object_set(rec, "assignee", v);
	}
	if ((v = json_object_get(body, "due_at"))) {
		int64_t ms;
		if (json_is_null(v)) {
			json_object_set_new(rec, "due_at", json_null());
		} else if (!json_is_string(v) ||
		           cg_time_parse(cg_slice_cstr(json_string_value(v)), &ms)) {
			return refuse(e, "due_at", "expected an RFC 3339 time or null");
		} else {
			char ts[40];
			cg_time_format(ms, ts, sizeof ts);
			json_object_set_new(rec, "due_at", json_string(ts));
		}
	}
	if ((v = json_object_get(body, "done"))) {
		if (!json_is_boolean(v))
			return refuse(e, "done", "expected true or false");
		json_object_set(rec, "done", v);
	}
	return CG_OK;
}

cg_err cg_inc_task_parse(const json_t *body, const json_t *cur, json_t **out, cg_inv_error *e)
{
	*out = NULL;
	json_t *rec =
	    cur ? json_pack("{s:O,s:O,s:O,s:O}", "title", json_object_get(cur, "title"), "assignee",
	                    json_object_get(cur, "assignee"), "due_at",
	                    json_object_get(cur, "due_at"), "done", json_object_get(cur, "done"))
	        : json_pack("{s:n,s:n,s:b}", "assignee", "due_at", "done", 0);
	if (!rec)
		return CG_ENOMEM;
	cg_err err = apply(body, rec, e);
	if (!err && !json_object_get(rec, "title"))
		err = refuse(e, "title", "required");
	if (err) {
		json_decref(rec);
		return err;
	}
	*out = rec;
	return CG_OK;
}
