/*
 * triage.c - see triage.h. The state names are one table; the parser
 * checks types and bounds field by field and names the field it refuses,
 * so the dashboard can show the message next to it.
 */
#include "api/triage.h"

#include <stdio.h>
#include <string.h>

static const char *const NAMES[CG_TRIAGE_NSTATES] = {"new", "acknowledged", "false_positive",
                                                     "in_incident", "resolved"};

const char *cg_triage_state_name(cg_triage_state s)
{
	return (unsigned)s < CG_TRIAGE_NSTATES ? NAMES[s] : "new";
}

cg_err cg_triage_state_parse(const char *name, cg_triage_state *out)
{
	for (int i = 0; name && i < CG_TRIAGE_NSTATES; i++)
		if (strcmp(name, NAMES[i]) == 0) {
			*out = (cg_triage_state)i;
			return CG_OK;
		}
	return CG_EINVAL;
}

bool cg_triage_is_open(const char *state_name)
{
	cg_triage_state s;
	return cg_triage_state_parse(state_name, &s) != CG_OK || s == CG_TRIAGE_NEW;
}

bool cg_triage_auto_resolves(const char *state_name)
{
	cg_triage_state s;
	if (cg_triage_state_parse(state_name, &s) != CG_OK)
		return true; /* no record: new */
	return s == CG_TRIAGE_NEW || s == CG_TRIAGE_ACKNOWLEDGED;
}

cg_err cg_triage_resolve_ended(cg_store *st, const char *producer, const char *event_id,
                               const char *by, int64_t now_ms, bool *changed)
{
	*changed = false;
	int64_t seq = 0;
	cg_err err = cg_store_event_seq(st, producer, event_id, &seq);
	json_t *ev = NULL;
	if (!err)
		err = cg_store_event_get(st, &(cg_scope){0}, seq, &ev);
	if (err)
		return err;
	bool go = cg_triage_auto_resolves(cg_json_get_str(ev, "state"));
	json_decref(ev);
	if (!go)
		return CG_OK;
	cg_actor actor = {by};
	cg_triage_set set = {.state = cg_triage_state_name(CG_TRIAGE_RESOLVED)};
	err = cg_store_events_triage(st, &(cg_scope){0}, &actor, &seq, 1, &set, now_ms);
	*changed = err == CG_OK;
	return err;
}

static bool same_text(const char *a, const char *b)
{
	if (!a || !*a || !b || !*b)
		return (!a || !*a) && (!b || !*b);
	return strcmp(a, b) == 0;
}

bool cg_suppression_matches(const json_t *rule, const cg_event *ev, int64_t agency_id)
{
	return same_text(cg_json_get_str(rule, "source"), ev->source) &&
	       same_text(cg_json_get_str(rule, "kind"), ev->kind) &&
	       cg_json_get_str(rule, "source") && cg_json_get_str(rule, "kind") &&
	       same_text(cg_json_get_str(rule, "subject"), ev->subject) &&
	       json_integer_value(json_object_get(rule, "agency_id")) == agency_id;
}

static cg_err refuse(cg_inv_error *e, const char *field, const char *msg)
{
	memset(e, 0, sizeof *e);
	snprintf(e->field, sizeof e->field, "%s", field);
	snprintf(e->message, sizeof e->message, "%s", msg);
	return CG_EINVAL;
}

/* A bounded string field into dst (room for max bytes + NUL). */
static cg_err text_field(const json_t *body, const char *name, size_t max, bool *has, char *dst,
                         cg_inv_error *e)
{
	json_t *v = json_object_get(body, name);
	*has = false;
	dst[0] = '\0';
	if (!v)
		return CG_OK;
	if (json_is_null(v)) {
		*has = true;
		return CG_OK;
	}
	if (!json_is_string(v))
		return refuse(e, name, "expected a string");
	size_t len = json_string_length(v);
	if (len > max)
		return refuse(e, name, "too long");
	if (memchr(json_string_value(v), '\0', len))
		return refuse(e, name, "contains a NUL character");
	memcpy(dst, json_string_value(v), len);
	dst[len] = '\0';
	*has = true;
	return CG_OK;
}

cg_err cg_triage_parse(const json_t *body, cg_triage_change *out, cg_inv_error *e)
{
	memset(out, 0, sizeof *out);
	if (!json_is_object(body))
		return refuse(e, "", "expected a JSON object");
	const char *key;
	json_t *v;
	json_object_foreach((json_t *)body, key, v)
	{
		if (strcmp(key, "state") && strcmp(key, "assignee") && strcmp(key, "note") &&
		    strcmp(key, "ids"))
			return refuse(e, key, "unknown field");
	}
	v = json_object_get(body, "state");
	if (v) {
		if (!json_is_string(v) || cg_triage_state_parse(json_string_value(v), &out->state))
			return refuse(
			    e, "state",
			    "one of new acknowledged false_positive in_incident resolved");
		if (out->state == CG_TRIAGE_IN_INCIDENT)
			return refuse(e, "state",
			              "in_incident is set by linking the event to an "
			              "incident");
		out->has_state = true;
	}
	cg_err err = text_field(body, "assignee", CG_TRIAGE_MAX_ASSIGNEE, &out->has_assignee,
	                        out->assignee, e);
	if (!err)
		err = text_field(body, "note", CG_TRIAGE_MAX_NOTE, &out->has_note, out->note, e);
	if (err)
		return err;
	for (const char *p = out->assignee; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f)
			return refuse(e, "assignee", "a username: no spaces or control characters");
	if (!out->has_state && !out->has_assignee && !out->has_note)
		return refuse(e, "", "nothing to change: give state, assignee or note");
	return CG_OK;
}

cg_err cg_triage_parse_bulk(const json_t *body, int64_t *ids, size_t *n, cg_triage_change *out,
                            cg_inv_error *e)
{
	*n = 0;
	json_t *arr = json_is_object(body) ? json_object_get(body, "ids") : NULL;
	if (!json_is_array(arr) || json_array_size(arr) == 0)
		return refuse(e, "ids", "expected a non-empty array of event sequence numbers");
	if (json_array_size(arr) > CG_TRIAGE_MAX_BULK)
		return refuse(e, "ids", "too many events in one request");
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v)
	{
		if (!json_is_integer(v) || json_integer_value(v) <= 0)
			return refuse(e, "ids", "expected positive integers");
		int64_t id = json_integer_value(v);
		for (size_t k = 0; k < *n; k++)
			if (ids[k] == id)
				return refuse(e, "ids", "an event is named twice");
		ids[(*n)++] = id;
	}
	return cg_triage_parse(body, out, e);
}
