/*
 * api_incident_tasks.c - the tasks of an incident case.
 *
 *   GET   /api/v1/incidents/{id}/tasks          the case's tasks, oldest first
 *   POST  /api/v1/incidents/{id}/tasks          {title, assignee?, due_at?, done?}
 *   PATCH /api/v1/incidents/{id}/tasks/{task}   {title?, assignee?, due_at?, done?}
 *
 * The case is read in the caller's scope and the policy asked with its
 * agency (read to list, update to change), api/incident_task.h decides
 * the record, the store keeps it, and the change goes on the case's
 * timeline ("task": the task's id, title and what changed). A task made
 * from a playbook's step is listed with that step's name, role, English
 * title and checklist (incident_auto.h).
 */
#include <string.h>

#include "api/incident_task.h"
#include "core/json.h"
#include "core/timeutil.h"
#include "incident_auto.h"
#include "server.h"

void api_incident_tasks_list(cg_req *req, cg_resp *resp);
void api_incident_task_add(cg_req *req, cg_resp *resp);
void api_incident_task_patch(cg_req *req, cg_resp *resp);
void cg_resp_invalid(cg_resp *resp, const cg_inv_error *e);

static bool case_allowed(cg_req *req, cg_resp *resp, cg_pol_action act)
{
	json_t *c = NULL;
	cg_err err = cg_store_incident_get(req->srv->store, &req->scope, req->id, &c);
	if (err) {
		cg_resp_store_error(resp, err, "incident");
		return false;
	}
	bool ok =
	    cg_req_allow(req, resp, act, CG_PRES_INCIDENT,
	                 json_integer_value(json_object_get(c, "agency_id")), CG_POL_OWNER_NA);
	json_decref(c);
	return ok;
}

static void list(cg_req *req, cg_resp *resp, unsigned status)
{
	json_t *items = NULL, *c = NULL;
	cg_err err = cg_store_incident_tasks(req->srv->store, req->id, &items);
	if (!err && cg_store_incident_get(req->srv->store, &req->scope, req->id, &c) == CG_OK)
		cg_incident_tasks_enrich(c, items); /* step, role, checklist */
	json_decref(c);
	if (err)
		cg_resp_store_error(resp, err, "tasks");
	else
		cg_resp_json(resp, status, json_pack("{s:o}", "items", items));
}

void api_incident_tasks_list(cg_req *req, cg_resp *resp)
{
	if (case_allowed(req, resp, CG_ACT_READ))
		list(req, resp, 200);
}

/* Writes the task (task_id 0: a new one) and its timeline entry. */
static void put(cg_req *req, cg_resp *resp, const json_t *cur, int64_t task_id)
{
	json_t *body, *rec = NULL;
	if (!cg_req_json(req, resp, &body))
		return;
	cg_inv_error e = {0};
	cg_err err = cg_inc_task_parse(body, cur, &rec, &e);
	if (err) {
		cg_resp_invalid(resp, &e);
		json_decref(body);
		return;
	}
	int64_t now = cg_time_now_ms();
	err = cg_store_incident_task_put(req->srv->store, req->id, rec, now, &task_id);
	if (!err) {
		json_t *detail = json_pack("{s:I,s:O,s:O}", "task", (json_int_t)task_id, "title",
		                           json_object_get(rec, "title"), "change", body);
		cg_inc_write w = {.id = req->id, .what = "task", .detail = detail};
		int64_t id = 0;
		err = cg_store_incident_write(req->srv->store, &req->scope, &req->actor, &w, now,
		                              &id);
		json_decref(detail);
	}
	json_decref(rec);
	json_decref(body);
	if (err)
		cg_resp_store_error(resp, err, "task");
	else
		list(req, resp, cur ? 200 : 201);
}

void api_incident_task_add(cg_req *req, cg_resp *resp)
{
	if (case_allowed(req, resp, CG_ACT_UPDATE))
		put(req, resp, NULL, 0);
}

void api_incident_task_patch(cg_req *req, cg_resp *resp)
{
	if (!case_allowed(req, resp, CG_ACT_UPDATE))
		return;
	int64_t task = cg_req_param(req, "task");
	json_t *items = NULL, *cur = NULL;
	cg_err err = cg_store_incident_tasks(req->srv->store, req->id, &items);
	size_t i;
	json_t *t;
	json_array_foreach(items, i, t) if (json_integer_value(json_object_get(t, "id")) == task)
	    cur = t;
	if (err || !cur)
		cg_resp_store_error(resp, err ? err : CG_ENOTFOUND, "task");
	else
		put(req, resp, cur, task);
	json_decref(items);
}

/* ---- routes (gathered by routes.c; who may call each: api/policy.h) --- */

CG_ROUTE_GROUP(api_incident_tasks);
const cg_route api_incident_tasks_routes[] = {
    {"GET", "/api/v1/incidents/{id}/tasks", api_incident_tasks_list, CG_PRES_INCIDENT, CG_ACT_READ,
     NULL},
    {"POST", "/api/v1/incidents/{id}/tasks", api_incident_task_add, CG_PRES_INCIDENT, CG_ACT_UPDATE,
     NULL},
    {"PATCH", "/api/v1/incidents/{id}/tasks/{task}", api_incident_task_patch, CG_PRES_INCIDENT,
     CG_ACT_UPDATE, NULL},
};
CG_ROUTE_COUNT(api_incident_tasks);
