/*
 * apply.c - see apply.h.
 */
#include "playbook/apply.h"

#include <string.h>

#include "api/incident.h"
#include "core/json.h"

#define MAX_DOMAINS 64

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

/* Whether task id is named by the case: by a step of the playbook it
 * follows, or by the "task_ids" of a "playbook" entry of its timeline (a
 * playbook it followed before). */
static bool task_named(const json_t *c, json_int_t id)
{
	size_t i, k;
	json_t *s, *e, *v;
	json_array_foreach(json_object_get(json_object_get(c, "playbook"), "steps"), i, s)
	{
		if (json_integer_value(json_object_get(s, "task")) == id)
			return true;
	}
	json_array_foreach(json_object_get(c, "timeline"), i, e)
	{
		const char *what = cg_json_get_str(e, "what");
		if (!what || strcmp(what, "playbook") != 0)
			continue;
		json_array_foreach(json_object_get(json_object_get(e, "detail"), "task_ids"), k, v)
		{
			if (json_integer_value(v) == id)
				return true;
		}
	}
	return false;
}

/* The id of a task of the case a step titled title already has: one the
 * case does not name (an apply that stopped between its two writes left
 * it) with that title, not taken by an earlier step (*orphans loses it);
 * 0 when there is none. */
static int64_t orphan_for(json_t *orphans, const char *title)
{
	size_t i;
	json_t *t;
	json_array_foreach(orphans, i, t)
	{
		const char *tt = cg_json_get_str(t, "title");
		if (tt && strcmp(tt, title) == 0) {
			int64_t id = json_integer_value(json_object_get(t, "id"));
			json_array_remove(orphans, i);
			return id;
		}
	}
	return 0;
}

/* The tasks of pb on case c; *steps gets the steps with their task ids.
 * A step that has its task already (orphan_for) is not given another, so
 * applying again after a crash between the tasks and the record adds
 * nothing twice. */
static cg_err add_tasks(cg_store *st, const json_t *c, const cg_playbook *pb, int64_t now,
                        json_t **steps)
{
	int64_t id = json_integer_value(json_object_get(c, "id"));
	json_t *tasks = NULL, *orphans = json_array();
	cg_err err = cg_store_incident_tasks(st, id, &tasks);
	size_t i;
	json_t *t;
	json_array_foreach(tasks, i, t)
	{
		if (!task_named(c, json_integer_value(json_object_get(t, "id"))))
			json_array_append(orphans, t);
	}
	json_decref(tasks);
	*steps = json_array();
	for (int k = 0; !err && k < pb->n_step; k++) {
		int64_t task = orphan_for(orphans, pb->step[k].title_vi);
		if (!task) {
			t = json_pack("{s:s,s:n,s:n,s:b}", "title", pb->step[k].title_vi,
			              "assignee", "due_at", "done", 0);
			err = cg_store_incident_task_put(st, id, t, now, &task);
			json_decref(t);
		}
		if (!err)
			json_array_append_new(*steps, step_json(&pb->step[k], task));
	}
	json_decref(orphans);
	return err;
}

/* The task ids of steps, for the timeline. */
static json_t *step_task_ids(const json_t *steps)
{
	json_t *ids = json_array(), *s;
	size_t i;
	json_array_foreach(steps, i, s) json_array_append(ids, json_object_get(s, "task"));
	return ids;
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
		if (!steps && (err = add_tasks(st, c, pb, now_ms, &steps))) {
			json_decref(c);
			break;
		}
		json_t *rec = cg_inc_record(c);
		json_object_set_new(rec, "playbook",
		                    json_pack("{s:s,s:s,s:s,s:O}", "name", pb->name, "title_vi",
		                              pb->title_vi, "title_en", pb->title_en, "steps",
		                              steps));
		json_t *detail =
		    json_pack("{s:s,s:s,s:I,s:o}", "name", pb->name, "title", pb->title_vi, "tasks",
		              (json_int_t)pb->n_step, "task_ids", step_task_ids(steps));
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
