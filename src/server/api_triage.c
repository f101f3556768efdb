/*
 * api_triage.c - the triage of events: one event (PATCH
 * /api/v1/events/{id}) or many at once (POST /api/v1/events/triage, the
 * dashboard's bulk action on the rows of a filtered list).
 *
 * What a change may hold is api/triage.h's decision (cg_triage_parse);
 * who may make it is the policy's (update on an event of that agency:
 * the province team on every event, an officer on their agency's). A bulk
 * request is judged event by event before anything is written, and the
 * store applies it all or none, one audit row per event. An assignee
 * must be an existing user.
 *
 * A false positive can become a suppression rule (POST
 * /api/v1/suppressions from the event): the same source, kind, subject
 * and agency, for a number of days; listed, revocable (DELETE). The store
 * applies active rules to every event it stores (store.h).
 */
#include <stdlib.h>
#include <string.h>

#include "api/triage.h"
#include "core/limits.h"
#include "core/timeutil.h"
#include "server.h"

void api_events_patch(cg_req *req, cg_resp *resp);
void api_events_triage(cg_req *req, cg_resp *resp);
void api_suppressions_create(cg_req *req, cg_resp *resp);
void api_suppressions_list(cg_req *req, cg_resp *resp);
void api_suppressions_revoke(cg_req *req, cg_resp *resp);
/* cg_resp_invalid (api_inventory.c): 400 naming the field. */
void cg_resp_invalid(cg_resp *resp, const cg_inv_error *e);

static int64_t event_agency(const json_t *ev)
{
	return json_integer_value(json_object_get(ev, "agency_id")); /* null: 0 */
}

/* The event seq as this caller may change it: false after the answer
 * (404 when the scope does not see it, 403 when the role may not). */
static bool may_change(cg_req *req, cg_resp *resp, int64_t seq)
{
	json_t *ev = NULL;
	cg_err err = cg_store_event_get(req->srv->store, &req->scope, seq, &ev);
	if (err) {
		cg_resp_store_error(resp, err, "event");
		return false;
	}
	bool ok = cg_req_allow(req, resp, CG_ACT_UPDATE, CG_PRES_EVENT, event_agency(ev),
	                       CG_POL_OWNER_NA);
	json_decref(ev);
	return ok;
}

/* The change for the store; false after a 400 (an unknown assignee). */
static bool to_set(cg_req *req, cg_resp *resp, const cg_triage_change *ch, cg_triage_set *set)
{
	memset(set, 0, sizeof *set);
	if (ch->has_state)
		set->state = cg_triage_state_name(ch->state);
	if (ch->has_assignee)
		set->assignee = ch->assignee;
	if (ch->has_note)
		set->note = ch->note;
	if (ch->has_assignee && ch->assignee[0]) {
		json_t *user = NULL;
		char *hash = NULL;
		cg_err err = cg_store_user_auth_info(req->srv->store, ch->assignee, &user, &hash);
		json_decref(user);
		free(hash);
		if (err == CG_ENOTFOUND) {
			cg_inv_error e = {0};
			memcpy(e.field, "assignee", sizeof "assignee");
			memcpy(e.message, "no such user", sizeof "no such user");
			cg_resp_invalid(resp, &e);
			return false;
		}
		if (err) {
			cg_resp_store_error(resp, err, "users");
			return false;
		}
	}
	return true;
}

void api_events_patch(cg_req *req, cg_resp *resp)
{
	if (!may_change(req, resp, req->id))
		return;
	json_t *body;
	if (!cg_req_json(req, resp, &body))
		return;
	cg_triage_change ch;
	cg_inv_error e;
	cg_err err = cg_triage_parse(body, &ch, &e);
	if (!err && json_object_get(body, "ids")) { /* the bulk route's field */
		memset(&e, 0, sizeof e);
		memcpy(e.field, "ids", sizeof "ids");
		memcpy(e.message, "unknown field", sizeof "unknown field");
		err = CG_EINVAL;
	}
	json_decref(body);
	if (err) {
		cg_resp_invalid(resp, &e);
		return;
	}
	cg_triage_set set;
	if (!to_set(req, resp, &ch, &set))
		return;
	err = cg_store_events_triage(req->srv->store, &req->scope, &req->actor, &req->id, 1, &set,
	                             cg_time_now_ms());
	json_t *ev = NULL;
	if (!err)
		err = cg_store_event_get(req->srv->store, &req->scope, req->id, &ev);
	if (err)
		cg_resp_store_error(resp, err, "event");
	else
		cg_resp_json(resp, 200, ev);
}

void api_events_triage(cg_req *req, cg_resp *resp)
{
	json_t *body;
	if (!cg_req_json(req, resp, &body))
		return;
	int64_t *ids = calloc(CG_TRIAGE_MAX_BULK, sizeof *ids);
	if (!ids) {
		json_decref(body);
		cg_resp_store_error(resp, CG_ENOMEM, "events");
		return;
	}
	size_t n = 0;
	cg_triage_change ch;
	cg_inv_error e;
	cg_err err = cg_triage_parse_bulk(body, ids, &n, &ch, &e);
	json_decref(body);
	if (err) {
		cg_resp_invalid(resp, &e);
		free(ids);
		return;
	}
	bool ok = true;
	for (size_t i = 0; ok && i < n; i++)
		ok = may_change(req, resp, ids[i]);
	cg_triage_set set;
	if (ok && to_set(req, resp, &ch, &set)) {
		err = cg_store_events_triage(req->srv->store, &req->scope, &req->actor, ids, n,
		                             &set, cg_time_now_ms());
		if (err)
			cg_resp_store_error(resp, err, "event");
		else
			cg_resp_json(resp, 200, json_pack("{s:I}", "changed", (json_int_t)n));
	}
	free(ids);
}

/* POST /api/v1/suppressions {event_id, days, note}: a rule from the event's
 * source, kind, subject and agency, lasting `days` (1..limit); the event
 * itself becomes a false positive in the same request. */
void api_suppressions_create(cg_req *req, cg_resp *resp)
{
	json_t *body;
	if (!cg_req_json(req, resp, &body))
		return;
	json_t *evid = json_object_get(body, "event_id"), *days = json_object_get(body, "days");
	json_t *note = json_object_get(body, "note");
	const char *bad = NULL;
	if (!json_is_object(body))
		bad = "expected a JSON object";
	else if (!json_is_integer(evid) || json_integer_value(evid) <= 0)
		bad = "event_id: the seq of the false positive";
	else if (!json_is_integer(days) || json_integer_value(days) < 1 ||
	         json_integer_value(days) > CG_TRIAGE_MAX_SUPPRESS_DAYS)
		bad = "days: from 1 to 365";
	else if (note && !json_is_null(note) &&
	         (!json_is_string(note) || json_string_length(note) > CG_TRIAGE_MAX_NOTE))
		bad = "note: a string of at most 2000 bytes";
	if (bad) {
		json_decref(body);
		cg_resp_error(resp, 400, bad, NULL);
		return;
	}
	int64_t seq = json_integer_value(evid);
	json_t *ev = NULL;
	cg_err err = cg_store_event_get(req->srv->store, &req->scope, seq, &ev);
	if (err) {
		json_decref(body);
		cg_resp_store_error(resp, err, "event");
		return;
	}
	int64_t agency = event_agency(ev);
	if (!cg_req_allow(req, resp, CG_ACT_CREATE, CG_PRES_SUPPRESSION, agency, CG_POL_OWNER_NA) ||
	    !cg_req_allow(req, resp, CG_ACT_UPDATE, CG_PRES_EVENT, agency, CG_POL_OWNER_NA)) {
		json_decref(ev);
		json_decref(body);
		return;
	}
	json_t *rec = json_pack("{s:O,s:O,s:O,s:I}", "source", json_object_get(ev, "source"),
	                        "kind", json_object_get(ev, "kind"), "subject",
	                        json_object_get(ev, "subject"), "from_event", (json_int_t)seq);
	json_object_set_new(rec, "agency_id", agency ? json_integer(agency) : json_null());
	json_object_set_new(rec, "note", json_is_string(note) ? json_incref(note) : json_null());
	int64_t now = cg_time_now_ms(), id = 0;
	err = cg_store_suppression_create(req->srv->store, &req->actor, rec,
	                                  now + json_integer_value(days) * 86400000LL, now, &id);
	cg_triage_set fp = {.state = cg_triage_state_name(CG_TRIAGE_FALSE_POSITIVE)};
	if (!err)
		err = cg_store_events_triage(req->srv->store, &req->scope, &req->actor, &seq, 1,
		                             &fp, now);
	json_decref(rec);
	json_decref(ev);
	json_decref(body);
	json_t *items = NULL;
	if (!err)
		err = cg_store_suppressions_list(req->srv->store, &req->scope, false, id, now,
		                                 &items);
	if (err) {
		cg_resp_store_error(resp, err, "suppression");
		return;
	}
	size_t i;
	json_t *r;
	json_array_foreach(items, i, r)
	{
		if (json_integer_value(json_object_get(r, "id")) == id) {
			cg_resp_json(resp, 201, json_incref(r));
			break;
		}
	}
	json_decref(items);
}

void api_suppressions_list(cg_req *req, cg_resp *resp)
{
	const char *active = cg_req_arg(req, "active");
	json_t *items = NULL;
	cg_err err = cg_store_suppressions_list(req->srv->store, &req->scope,
	                                        active && strcmp(active, "1") == 0, 0,
	                                        cg_time_now_ms(), &items);
	if (err)
		cg_resp_store_error(resp, err, "suppressions");
	else
		cg_resp_json(resp, 200, cg_list_body(items, (int64_t)json_array_size(items)));
}

void api_suppressions_revoke(cg_req *req, cg_resp *resp)
{
	json_t *items = NULL;
	cg_err err = cg_store_suppressions_list(req->srv->store, &req->scope, false, req->id,
	                                        cg_time_now_ms(), &items);
	if (err) {
		cg_resp_store_error(resp, err, "suppression");
		return;
	}
	json_t *found = NULL, *r;
	size_t i;
	json_array_foreach(items, i, r) if (json_integer_value(json_object_get(r, "id")) == req->id)
	    found = r;
	int64_t agency = found ? json_integer_value(json_object_get(found, "agency_id")) : 0;
	json_decref(items);
	if (!found) {
		cg_resp_store_error(resp, CG_ENOTFOUND, "suppression");
		return;
	}
	if (!cg_req_allow(req, resp, CG_ACT_DELETE, CG_PRES_SUPPRESSION, agency, CG_POL_OWNER_NA))
		return;
	err = cg_store_suppression_revoke(req->srv->store, &req->scope, &req->actor, req->id,
	                                  cg_time_now_ms());
	if (err)
		cg_resp_store_error(resp, err, "suppression");
	else
		cg_resp_json(resp, 200,
		             json_pack("{s:I,s:b}", "id", (json_int_t)req->id, "revoked", 1));
}

/* ---- routes (gathered by routes.c; who may call each: api/policy.h) --- */

CG_ROUTE_GROUP(api_triage);
const cg_route api_triage_routes[] = {
    {"PATCH", "/api/v1/events/{id}", api_events_patch, CG_PRES_EVENT, CG_ACT_UPDATE, NULL},
    {"POST", "/api/v1/events/triage", api_events_triage, CG_PRES_EVENT, CG_ACT_UPDATE, NULL},
    {"GET", "/api/v1/suppressions", api_suppressions_list, CG_PRES_SUPPRESSION, CG_ACT_READ, NULL},
    {"POST", "/api/v1/suppressions", api_suppressions_create, CG_PRES_SUPPRESSION, CG_ACT_CREATE,
     NULL},
    {"DELETE", "/api/v1/suppressions/{id}", api_suppressions_revoke, CG_PRES_SUPPRESSION,
     CG_ACT_DELETE, NULL},
};
CG_ROUTE_COUNT(api_triage);
