/*
 * apply.c - see apply.h.
 */
#include "playbook/apply.h"

#include <string.h>

#include "core/json.h"

#define MAX_DOMAINS 64

json_t *cg_playbook_case_record(const json_t *c)
{
	json_t *r = json_deep_copy(c);
	static const char *const drop[] = {"id",     "number",   "created_at",  "updated_at",
	                                   "events", "timeline", "next_states", "clocks"};
	for (size_t i = 0; i < sizeof drop / sizeof *drop; i++)
		json_object_del(r, drop[i]);
	return r;
}

/* The domains of the case's systems (strings owned by *systems). */
static size_t case_domains(cg_store *st, const json_t *c, json_t *systems, const char **out)
{
	size_t n = 0, i, k;
	json_t *v, *d;
	json_array_foreach(json_object_get(c, "system_ids"), i, v)
	{
		json_t *s = NULL;
		if (cg_store_inv_get(st, &(cg_scope){0}, CG_RES_SYSTEM, json_integer_value(v), &s))
			continue;
		json_array_append_new(systems, s);
		json_array_foreach(json_object_get(s, "domains"), k,
		                   d) if (json_is_string(d) && n < MAX_DOMAINS) out[n++] =
		    json_string_value(d);
	}
	return n;
}

static json_t *step_json(const cg_pb_step *s, int64_t task)
{
	json_t *checks = json_array();
	for (int i = 0; i < s->n_check; i++)
		json_array_append_new(
		    checks, json_pack("{s:s,s:s}", "vi", s->check[i].vi, "en", s->check[i].en));
	return json_pack("{s:s,s:I,s:s,s:s,s:o}", "step", s->name, "task", (json_int_t)task, "role",
	                 cg_pb_role_name(s->role), "title_en", s->title_en, "checklist", checks);
}

/* The tasks of pb on case id; *steps gets the steps with their task ids. */
static cg_err add_tasks(cg_store *st, int64_t id, const cg_playbook *pb, int64_t now,
                        json_t **steps)
{
	*steps = json_array();
	for (int i = 0; i < pb->n_step; i++) {
		json_t *t = json_pack("{s:s,s:n,s:n,s:b}", "title", pb->step[i].title_vi,
		                      "assignee", "due_at", "done", 0);
		int64_t task = 0;
		cg_err err = cg_store_incident_task_put(st, id, t, now, &task);
		json_decref(t);
		if (err)
			return err;
		json_array_append_new(*steps, step_json(&pb->step[i], task));
	}
	return CG_OK;
}

cg_err cg_playbook_apply(cg_store *st, const cg_playbooks *books, const cg_actor *actor, int64_t id,
                         int64_t now_ms, const cg_playbook **followed)
{
	if (followed)
		*followed = NULL;
	json_t *steps = NULL;
	cg_err err = CG_OK;
	const cg_playbook *pb = NULL;
	for (int attempt = 0; attempt < 4; attempt++) {
		json_t *c = NULL;
		if ((err = cg_store_incident_get(st, &(cg_scope){0}, id, &c)))
			break;
		json_t *systems = json_array();
		const char *domains[MAX_DOMAINS];
		size_t nd = case_domains(st, c, systems, domains);
		const char *follows = cg_json_get_str(json_object_get(c, "playbook"), "name");
		pb = cg_playbook_select(books, cg_json_get_str(c, "kind"), domains, nd);
		json_decref(systems);
		if (!pb || (follows && strcmp(follows, pb->name) == 0)) {
			if (followed)
				*followed = pb;
			json_decref(c);
			break; /* none, or followed already */
		}
		if (!steps && (err = add_tasks(st, id, pb, now_ms, &steps))) {
			json_decref(c);
			break;
		}
		json_t *rec = cg_playbook_case_record(c);
		json_object_set_new(rec, "playbook",
		                    json_pack("{s:s,s:s,s:s,s:O}", "name", pb->name, "title_vi",
		                              pb->title_vi, "title_en", pb->title_en, "steps",
		                              steps));
		json_t *detail = json_pack("{s:s,s:s,s:I}", "name", pb->name, "title", pb->title_vi,
		                           "tasks", (json_int_t)pb->n_step);
		cg_inc_write w = {.id = id,
		                  .expect_state = cg_json_get_str(c, "state"),
		                  .rec = rec,
		                  .what = "playbook",
		                  .detail = detail};
		int64_t wid = 0;
		err = cg_store_incident_write(st, &(cg_scope){0}, actor, &w, now_ms, &wid);
		json_decref(detail);
		json_decref(rec);
		json_decref(c);
		if (!err && followed)
			*followed = pb;
		if (err != CG_ECONFLICT)
			break;
	}
	json_decref(steps);
	return err;
}

void cg_playbook_tasks_enrich(const json_t *c, json_t *tasks)
{
	const json_t *steps = json_object_get(json_object_get(c, "playbook"), "steps");
	size_t i, k;
	json_t *t, *s;
	json_array_foreach(tasks, i, t)
	{
		json_int_t id = json_integer_value(json_object_get(t, "id"));
		json_array_foreach(steps, k,
		                   s) if (json_integer_value(json_object_get(s, "task")) == id)
		{
			json_object_set(t, "step", json_object_get(s, "step"));
			json_object_set(t, "role", json_object_get(s, "role"));
			json_object_set(t, "title_en", json_object_get(s, "title_en"));
			json_object_set(t, "checklist", json_object_get(s, "checklist"));
		}
	}
}
