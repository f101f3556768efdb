/*
 * api_incidents.c - incident cases: list, open (by an officer or the
 * province team, optionally promoted from events), read, change (the
 * state machine of api/incident.h), link events, comment.
 *
 * Each handler reads the case (the caller's scope), asks the policy with
 * the case's agency, lets api/incident.h decide the new record, and hands
 * the store one write: the record, the events to link, one timeline entry
 * — one transaction, so an acknowledged change survives a crash whole.
 * A change carries the state it was read in: another writer's move in
 * between answers 409 instead of being overwritten.
 */
#include <stdlib.h>
#include <string.h>

#include "api/incident.h"
#include "incident_auto.h"
#include "incident_deadlines.h"
#include "core/limits.h"
#include "core/timeutil.h"
#include "server.h"

void api_incidents_list(cg_req *req, cg_resp *resp);
void api_incidents_create(cg_req *req, cg_resp *resp);
void api_incidents_get(cg_req *req, cg_resp *resp);
void api_incidents_patch(cg_req *req, cg_resp *resp);
void api_incidents_link(cg_req *req, cg_resp *resp);
void api_incidents_comment(cg_req *req, cg_resp *resp);
/* cg_resp_invalid (api_inventory.c): 400 naming the field. */
void cg_resp_invalid(cg_resp *resp, const cg_inv_error *e);

static void invalid(cg_resp *resp, const char *field, const char *msg)
{
	cg_inv_error e = {0};
	size_t n = strlen(field) < sizeof e.field - 1 ? strlen(field) : sizeof e.field - 1;
	memcpy(e.field, field, n);
	n = strlen(msg) < sizeof e.message - 1 ? strlen(msg) : sizeof e.message - 1;
	memcpy(e.message, msg, n);
	cg_resp_invalid(resp, &e);
}

/* "next_states": where the machine lets the case go from here (for the
 * dashboard's buttons: the rule stays in api/incident.h). */
static void with_next(json_t *c)
{
	cg_inc_state from;
	json_t *next = json_array();
	if (!cg_inc_state_parse(cg_json_get_str(c, "state"), &from))
		for (int to = 0; to < CG_INC_NSTATES; to++)
			if (cg_inc_can_move(from, (cg_inc_state)to))
				json_array_append_new(
				    next, json_string(cg_inc_state_name((cg_inc_state)to)));
	json_object_set_new(c, "next_states", next);
}

static void answer(cg_req *req, cg_resp *resp, cg_err err, int64_t id, unsigned status)
{
	json_t *out = NULL;
	if (!err)
		err = cg_store_incident_get(req->srv->store, &req->scope, id, &out);
	if (err) {
		cg_resp_store_error(resp, err, "incident");
		return;
	}
	with_next(out);
	cg_incident_with_clocks(req->srv->store, out, cg_time_now_ms());
	cg_incident_deadlines_poke(); /* an escalation goes out at once */
	cg_resp_json(resp, status, out);
}

/* Event seqs from a JSON array into *ids (malloc'd); false after a 400. */
static bool event_ids(cg_resp *resp, const json_t *arr, int64_t **ids, size_t *n)
{
	*ids = NULL;
	*n = 0;
	if (!arr)
		return true;
	if (!json_is_array(arr) || json_array_size(arr) > CG_TRIAGE_MAX_BULK) {
		invalid(resp, "event_ids", "expected a list of event sequence numbers");
		return false;
	}
	*ids = calloc(json_array_size(arr) + 1, sizeof **ids);
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v)
	{
		if (!json_is_integer(v) || json_integer_value(v) <= 0) {
			free(*ids);
			*ids = NULL;
			invalid(resp, "event_ids", "expected a list of event sequence numbers");
			return false;
		}
		(*ids)[(*n)++] = json_integer_value(v);
	}
	return true;
}

/* The agency, the systems (of that agency) and the owner (a user) the
 * record names exist; false after a 400. */
static bool refs_exist(cg_req *req, cg_resp *resp, const json_t *rec)
{
	json_t *x = NULL;
	int64_t agency = json_integer_value(json_object_get(rec, "agency_id"));
	if (cg_store_inv_get(req->srv->store, &(cg_scope){0}, CG_RES_AGENCY, agency, &x)) {
		invalid(resp, "agency_id", "no such agency");
		return false;
	}
	json_decref(x);
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(rec, "system_ids"), i, v)
	{
		x = NULL;
		cg_err err = cg_store_inv_get(req->srv->store, &(cg_scope){0}, CG_RES_SYSTEM,
		                              json_integer_value(v), &x);
		bool ok = !err && json_integer_value(json_object_get(x, "agency_id")) == agency;
		json_decref(x);
		if (!ok) {
			invalid(resp, "system_ids", "a system of the case's agency");
			return false;
		}
	}
	const char *owner = cg_json_get_str(rec, "owner");
	if (owner) {
		json_t *u = NULL;
		char *hash = NULL;
		cg_err err = cg_store_user_auth_info(req->srv->store, owner, &u, &hash);
		json_decref(u);
		free(hash);
		if (err) {
			invalid(resp, "owner", "no such user");
			return false;
		}
	}
	return true;
}

void api_incidents_list(cg_req *req, cg_resp *resp)
{
	int64_t limit, offset, total = 0;
	if (!cg_req_paging(req, resp, &limit, &offset))
		return;
	const char *state = cg_req_arg(req, "state");
	cg_inc_state s;
	if (state && *state && cg_inc_state_parse(state, &s)) {
		invalid(resp, "state",
		        "one of new triage responding contained closed rejected duplicate");
		return;
	}
	json_t *items = NULL;
	cg_err err =
	    cg_store_incidents_list(req->srv->store, &req->scope, state && *state ? state : NULL,
	                            limit, offset, &items, &total);
	if (err) {
		cg_resp_store_error(resp, err, "incidents");
		return;
	}
	size_t i;
	json_t *c;
	int64_t now = cg_time_now_ms();
	json_array_foreach(items, i, c) cg_incident_with_clocks(req->srv->store, c, now);
	cg_resp_json(resp, 200, cg_list_body(items, total));
}

void api_incidents_create(cg_req *req, cg_resp *resp)
{
	json_t *body;
	if (!cg_req_json(req, resp, &body))
		return;
	int64_t *ids = NULL;
	size_t n = 0;
	json_t *evs = json_is_object(body) ? json_object_get(body, "event_ids") : NULL;
	if (!event_ids(resp, evs, &ids, &n)) {
		json_decref(body);
		return;
	}
	if (evs)
		json_object_del(body, "event_ids");
	int64_t now = cg_time_now_ms();
	json_t *rec = NULL;
	cg_inv_error e;
	cg_err err = cg_inc_parse_create(body, now, &rec, &e);
	json_decref(body);
	if (err) {
		free(ids);
		cg_resp_invalid(resp, &e);
		return;
	}
	int64_t agency = json_integer_value(json_object_get(rec, "agency_id"));
	if (!cg_req_allow(req, resp, CG_ACT_CREATE, CG_PRES_INCIDENT, agency, CG_POL_OWNER_NA) ||
	    (n &&
	     !cg_req_allow(req, resp, CG_ACT_UPDATE, CG_PRES_EVENT, agency, CG_POL_OWNER_NA)) ||
	    !refs_exist(req, resp, rec)) {
		free(ids);
		json_decref(rec);
		return;
	}
	/* promoted events: the case's agency's only */
	for (size_t i = 0; i < n; i++) {
		json_t *ev = NULL;
		err = cg_store_event_get(req->srv->store, &req->scope, ids[i], &ev);
		bool same = !err && json_integer_value(json_object_get(ev, "agency_id")) == agency;
		json_decref(ev);
		if (err || !same) {
			free(ids);
			json_decref(rec);
			if (err)
				cg_resp_store_error(resp, err, "event");
			else
				invalid(resp, "event_ids", "events of the case's agency");
			return;
		}
	}
	json_t *detail = json_pack("{s:O}", "title", json_object_get(rec, "title"));
	cg_inc_write w = {.year = cg_inc_year(now),
	                  .rec = rec,
	                  .link = ids,
	                  .nlink = n,
	                  .what = "created",
	                  .detail = detail};
	int64_t id = 0;
	err = cg_store_incident_write(req->srv->store, &req->scope, &req->actor, &w, now, &id);
	json_decref(detail);
	json_decref(rec);
	free(ids);
	if (!err) /* the playbook's steps become the case's tasks */
		cg_incident_playbook_apply(req->srv->store, &req->actor, id, now);
	answer(req, resp, err, id, 201);
}

/* The case as the caller may act on it (act), or false after the answer. */
static bool case_for(cg_req *req, cg_resp *resp, cg_pol_action act, json_t **cur)
{
	*cur = NULL;
	cg_err err = cg_store_incident_get(req->srv->store, &req->scope, req->id, cur);
	if (err) {
		cg_resp_store_error(resp, err, "incident");
		return false;
	}
	if (!cg_req_allow(req, resp, act, CG_PRES_INCIDENT,
	                  json_integer_value(json_object_get(*cur, "agency_id")),
	                  CG_POL_OWNER_NA)) {
		json_decref(*cur);
		*cur = NULL;
		return false;
	}
	return true;
}

void api_incidents_get(cg_req *req, cg_resp *resp)
{
	json_t *cur;
	if (case_for(req, resp, CG_ACT_READ, &cur)) {
		with_next(cur);
		cg_incident_with_clocks(req->srv->store, cur, cg_time_now_ms());
		cg_resp_json(resp, 200, cur);
	}
}

void api_incidents_patch(cg_req *req, cg_resp *resp)
{
	json_t *cur, *body;
	if (!case_for(req, resp, CG_ACT_UPDATE, &cur))
		return;
	if (!cg_req_json(req, resp, &body)) {
		json_decref(cur);
		return;
	}
	int64_t now = cg_time_now_ms();
	json_t *base = cg_inc_record(cur), *rec = NULL;
	const char *what = NULL;
	cg_inv_error e;
	cg_err err = cg_inc_apply(base, body, now, &rec, &what, &e);
	json_decref(base);
	if (err == CG_ECONFLICT) {
		cg_resp_error(resp, 409, "state: this move is not allowed from the case's state",
		              json_pack("{s:s,s:s,s:O}", "field", "state", "code", "state", "from",
		                        json_object_get(cur, "state")));
	} else if (err) {
		cg_resp_invalid(resp, &e);
	} else if (refs_exist(req, resp, rec)) {
		json_t *detail = json_deep_copy(body);
		if (strcmp(what, "state") == 0)
			json_object_set(detail, "from", json_object_get(cur, "state"));
		cg_inc_write w = {.id = req->id,
		                  .expect_state = cg_json_get_str(cur, "state"),
		                  .rec = rec,
		                  .what = what,
		                  .detail = detail};
		int64_t id = 0;
		err = cg_store_incident_write(req->srv->store, &req->scope, &req->actor, &w, now,
		                              &id);
		json_decref(detail);
		/* another kind, or other systems, may call for another playbook */
		if (!err && (json_object_get(body, "kind") || json_object_get(body, "system_ids")))
			cg_incident_playbook_apply(req->srv->store, &req->actor, req->id, now);
		answer(req, resp, err, req->id, 200);
	}
	json_decref(rec);
	json_decref(body);
	json_decref(cur);
}

void api_incidents_link(cg_req *req, cg_resp *resp)
{
	json_t *cur, *body;
	if (!case_for(req, resp, CG_ACT_UPDATE, &cur))
		return;
	if (!cg_req_json(req, resp, &body)) {
		json_decref(cur);
		return;
	}
	int64_t agency = json_integer_value(json_object_get(cur, "agency_id"));
	int64_t *ids = NULL;
	size_t n = 0;
	json_t *arr = json_is_object(body) ? json_object_get(body, "event_ids") : NULL;
	bool ok = event_ids(resp, arr, &ids, &n);
	if (ok && !n) {
		invalid(resp, "event_ids", "expected a non-empty list of event sequence numbers");
		ok = false;
	}
	for (size_t i = 0; ok && i < n; i++) {
		json_t *ev = NULL;
		cg_err err = cg_store_event_get(req->srv->store, &req->scope, ids[i], &ev);
		bool same = !err && json_integer_value(json_object_get(ev, "agency_id")) == agency;
		json_decref(ev);
		if (err)
			cg_resp_store_error(resp, err, "event");
		else if (!same)
			invalid(resp, "event_ids", "events of the case's agency");
		ok = !err && same;
	}
	if (ok && cg_req_allow(req, resp, CG_ACT_UPDATE, CG_PRES_EVENT, agency, CG_POL_OWNER_NA)) {
		json_t *detail = json_pack("{s:O}", "event_ids", arr);
		cg_inc_write w = {
		    .id = req->id, .link = ids, .nlink = n, .what = "events", .detail = detail};
		int64_t id = 0;
		cg_err err = cg_store_incident_write(req->srv->store, &req->scope, &req->actor, &w,
		                                     cg_time_now_ms(), &id);
		json_decref(detail);
		answer(req, resp, err, req->id, 200);
	}
	free(ids);
	json_decref(body);
	json_decref(cur);
}

void api_incidents_comment(cg_req *req, cg_resp *resp)
{
	json_t *cur, *body;
	if (!case_for(req, resp, CG_ACT_UPDATE, &cur))
		return;
	json_decref(cur);
	if (!cg_req_json(req, resp, &body))
		return;
	json_t *text = json_is_object(body) ? json_object_get(body, "text") : NULL;
	if (!json_is_string(text) || json_string_length(text) == 0 ||
	    json_string_length(text) > CG_INC_MAX_TEXT ||
	    memchr(json_string_value(text), '\0', json_string_length(text))) {
		json_decref(body);
		invalid(resp, "text", "a comment of 1 to 20000 bytes");
		return;
	}
	json_t *detail = json_pack("{s:O}", "text", text);
	cg_inc_write w = {.id = req->id, .what = "comment", .detail = detail};
	int64_t id = 0;
	cg_err err = cg_store_incident_write(req->srv->store, &req->scope, &req->actor, &w,
	                                     cg_time_now_ms(), &id);
	json_decref(detail);
	json_decref(body);
	answer(req, resp, err, req->id, 201);
}

/* ---- routes (gathered by routes.c; who may call each: api/policy.h) --- */

CG_ROUTE_GROUP(api_incidents);
const cg_route api_incidents_routes[] = {
    {"GET", "/api/v1/incidents", api_incidents_list, CG_PRES_INCIDENT, CG_ACT_READ, NULL},
    {"POST", "/api/v1/incidents", api_incidents_create, CG_PRES_INCIDENT, CG_ACT_CREATE, NULL},
    {"GET", "/api/v1/incidents/{id}", api_incidents_get, CG_PRES_INCIDENT, CG_ACT_READ, NULL},
    {"PATCH", "/api/v1/incidents/{id}", api_incidents_patch, CG_PRES_INCIDENT, CG_ACT_UPDATE, NULL},
    {"POST", "/api/v1/incidents/{id}/events", api_incidents_link, CG_PRES_INCIDENT, CG_ACT_UPDATE,
     NULL},
    {"POST", "/api/v1/incidents/{id}/comments", api_incidents_comment, CG_PRES_INCIDENT,
     CG_ACT_UPDATE, NULL},
};
CG_ROUTE_COUNT(api_incidents);
