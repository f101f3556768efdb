/*
 * incident.c - see incident.h. The state machine is one table of allowed
 * moves; the parsers check each field's type and bound and name the
 * field they refuse, as the inventory's validation does.
 */
#include "api/incident.h"

#include <stdio.h>
#include <string.h>

#include "core/event.h"
#include "core/limits.h"
#include "core/timeutil.h"

static const char *const NAMES[CG_INC_NSTATES] = {"new",    "triage",   "responding", "contained",
                                                  "closed", "rejected", "duplicate"};

const char *const cg_inc_kinds[] = {"defacement",      "webshell",  "malware", "dns_infection",
                                    "secret_document", "data_leak", "ddos",    "phishing",
                                    "ransomware",      "other",     NULL};

const char *cg_inc_state_name(cg_inc_state s)
{
	return (unsigned)s < CG_INC_NSTATES ? NAMES[s] : "new";
}

cg_err cg_inc_state_parse(const char *name, cg_inc_state *out)
{
	for (int i = 0; name && i < CG_INC_NSTATES; i++)
		if (strcmp(name, NAMES[i]) == 0) {
			*out = (cg_inc_state)i;
			return CG_OK;
		}
	return CG_EINVAL;
}

#define M(s) (1u << CG_INC_##s)
/* MOVES[from]: the states a case may move to. */
static const unsigned MOVES[CG_INC_NSTATES] = {
    [CG_INC_NEW] = M(TRIAGE) | M(REJECTED) | M(DUPLICATE),
    [CG_INC_TRIAGE] = M(RESPONDING) | M(REJECTED) | M(DUPLICATE),
    [CG_INC_RESPONDING] = M(CONTAINED),
    [CG_INC_CONTAINED] = M(CLOSED) | M(RESPONDING),
    [CG_INC_CLOSED] = 0,
    [CG_INC_REJECTED] = 0,
    [CG_INC_DUPLICATE] = 0,
};
#undef M

bool cg_inc_can_move(cg_inc_state from, cg_inc_state to)
{
	if ((unsigned)from >= CG_INC_NSTATES || (unsigned)to >= CG_INC_NSTATES)
		return false;
	return (MOVES[from] >> to) & 1u;
}

bool cg_inc_is_final(cg_inc_state s)
{
	return s == CG_INC_CLOSED || s == CG_INC_REJECTED || s == CG_INC_DUPLICATE;
}

bool cg_inc_kind_valid(const char *kind)
{
	for (int i = 0; kind && cg_inc_kinds[i]; i++)
		if (strcmp(kind, cg_inc_kinds[i]) == 0)
			return true;
	return false;
}

bool cg_inc_number(char *out, size_t n, int year, int64_t seq)
{
	if (year < 2000 || year > 9999 || seq < 1 || seq > 999999)
		return false;
	int w = snprintf(out, n, "SC-%04d-%04lld", year, (long long)seq);
	return w > 0 && (size_t)w < n;
}

int cg_inc_year(int64_t ms)
{
	char ts[32];
	cg_time_format(ms + 7LL * 3600 * 1000, ts, sizeof ts);
	int y = 0;
	for (int i = 0; i < 4 && ts[i] >= '0' && ts[i] <= '9'; i++)
		y = y * 10 + (ts[i] - '0');
	return y;
}

static cg_err refuse(cg_inv_error *e, const char *field, const char *msg)
{
	memset(e, 0, sizeof *e);
	snprintf(e->field, sizeof e->field, "%s", field);
	snprintf(e->message, sizeof e->message, "%s", msg);
	return CG_EINVAL;
}

/* A bounded text member copied into out (null clears it when nullable). */
static cg_err text(const json_t *body, json_t *out, const char *name, size_t max, bool nullable,
                   cg_inv_error *e)
{
	json_t *v = json_object_get(body, name);
	if (!v)
		return CG_OK;
	if (json_is_null(v) && nullable) {
		json_object_set_new(out, name, json_null());
		return CG_OK;
	}
	if (!json_is_string(v) || json_string_length(v) == 0)
		return refuse(e, name, "expected a non-empty string");
	if (json_string_length(v) > max)
		return refuse(e, name, "too long");
	if (memchr(json_string_value(v), '\0', json_string_length(v)))
		return refuse(e, name, "contains a NUL character");
	json_object_set(out, name, v);
	return CG_OK;
}

/* A time member (RFC 3339 text, or null) normalised to RFC 3339 UTC. */
static cg_err when(const json_t *body, json_t *out, const char *name, cg_inv_error *e)
{
	json_t *v = json_object_get(body, name);
	if (!v)
		return CG_OK;
	if (json_is_null(v)) {
		json_object_set_new(out, name, json_null());
		return CG_OK;
	}
	int64_t ms;
	if (!json_is_string(v) || cg_time_parse(cg_slice_cstr(json_string_value(v)), &ms))
		return refuse(e, name, "expected an RFC 3339 time");
	char ts[40];
	cg_time_format(ms, ts, sizeof ts);
	json_object_set_new(out, name, json_string(ts));
	return CG_OK;
}

static cg_err fields(const json_t *body, json_t *out, bool create, cg_inv_error *e)
{
	static const char *const known[] = {
	    "title",        "kind",  "severity",     "agency_id",
	    "system_ids",   "owner", "description",  "detected_at",
	    "reported_at",  "state", "escalated_at", "closing_reported_at",
	    "state_secret", NULL};
	if (!json_is_object(body))
		return refuse(e, "", "expected a JSON object");
	const char *key;
	json_t *v;
	json_object_foreach((json_t *)body, key, v)
	{
		bool ok = false;
		for (int i = 0; known[i]; i++)
			ok |= strcmp(key, known[i]) == 0;
		if (!ok || (create && strcmp(key, "state") == 0) ||
		    (!create && strcmp(key, "agency_id") == 0))
			return refuse(e, key, create ? "unknown field" : "cannot be changed");
	}
	cg_err err = text(body, out, "title", CG_INC_MAX_TITLE, false, e);
	if (!err)
		err = text(body, out, "owner", CG_TRIAGE_MAX_ASSIGNEE, true, e);
	if (!err)
		err = text(body, out, "description", CG_INC_MAX_TEXT, true, e);
	if (!err)
		err = when(body, out, "detected_at", e);
	if (!err)
		err = when(body, out, "reported_at", e);
	if (!err)
		err = when(body, out, "escalated_at", e);
	if (!err)
		err = when(body, out, "closing_reported_at", e);
	if (err)
		return err;
	if ((v = json_object_get(body, "state_secret"))) {
		if (!json_is_boolean(v))
			return refuse(e, "state_secret", "expected true or false");
		json_object_set(out, "state_secret", v);
	}
	if ((v = json_object_get(body, "kind"))) {
		if (!json_is_string(v) || !cg_inc_kind_valid(json_string_value(v)))
			return refuse(e, "kind", "one of the incident kinds");
		json_object_set(out, "kind", v);
	}
	if ((v = json_object_get(body, "severity"))) {
		cg_severity sev;
		if (!json_is_string(v) || cg_severity_parse(json_string_value(v), &sev))
			return refuse(e, "severity", "one of info low medium high critical");
		json_object_set(out, "severity", v);
	}
	if ((v = json_object_get(body, "agency_id"))) {
		if (!json_is_integer(v) || json_integer_value(v) <= 0)
			return refuse(e, "agency_id", "expected an agency id");
		json_object_set(out, "agency_id", v);
	}
	if ((v = json_object_get(body, "system_ids"))) {
		if (!json_is_array(v) || json_array_size(v) > CG_INC_MAX_SYSTEMS)
			return refuse(e, "system_ids", "expected a list of system ids");
		size_t i;
		json_t *x;
		json_array_foreach(v, i,
		                   x) if (!json_is_integer(x) ||
		                          json_integer_value(x) <=
		                              0) return refuse(e, "system_ids",
		                                               "expected a list of system ids");
		json_object_set(out, "system_ids", v);
	}
	return CG_OK;
}

cg_err cg_inc_parse_create(const json_t *body, int64_t now_ms, json_t **out, cg_inv_error *e)
{
	*out = NULL;
	char now[40];
	cg_time_format(now_ms, now, sizeof now);
	json_t *rec = json_pack("{s:s,s:[],s:n,s:n,s:s,s:n,s:n,s:n,s:n,s:n,s:b}", "state", "new",
	                        "system_ids", "owner", "description", "detected_at", now,
	                        "reported_at", "contained_at", "closed_at", "escalated_at",
	                        "closing_reported_at", "state_secret", 0);
	if (!rec)
		return CG_ENOMEM;
	cg_err err = fields(body, rec, true, e);
	static const char *const need[] = {"title", "kind", "severity", "agency_id", NULL};
	for (int i = 0; !err && need[i]; i++)
		if (!json_object_get(rec, need[i]))
			err = refuse(e, need[i], "required");
	if (err) {
		json_decref(rec);
		return err;
	}
	*out = rec;
	return CG_OK;
}

cg_err cg_inc_apply(const json_t *cur, const json_t *body, int64_t now_ms, json_t **out,
                    const char **what, cg_inv_error *e)
{
	*out = NULL;
	*what = "update";
	json_t *rec = json_deep_copy(cur);
	if (!rec)
		return CG_ENOMEM;
	cg_err err = fields(body, rec, false, e);
	json_t *st = json_is_object(body) ? json_object_get(body, "state") : NULL;
	if (!err && st) {
		cg_inc_state from, to;
		if (!json_is_string(st) || cg_inc_state_parse(json_string_value(st), &to))
			err = refuse(e, "state",
			             "one of new triage responding contained closed "
			             "rejected duplicate");
		else if (cg_inc_state_parse(cg_json_get_str(cur, "state"), &from))
			err = CG_EINTERNAL;
		else if (from != to && !cg_inc_can_move(from, to)) {
			refuse(e, "state", "this move is not allowed from the case's state");
			snprintf(e->value, sizeof e->value, "%s", cg_inc_state_name(from));
			err = CG_ECONFLICT;
		} else if (from != to) {
			char now[40];
			cg_time_format(now_ms, now, sizeof now);
			json_object_set_new(rec, "state", json_string(cg_inc_state_name(to)));
			if (to == CG_INC_CONTAINED)
				json_object_set_new(rec, "contained_at", json_string(now));
			if (cg_inc_is_final(to))
				json_object_set_new(rec, "closed_at", json_string(now));
			*what = "state";
		}
	}
	if (err) {
		json_decref(rec);
		return err;
	}
	*out = rec;
	return CG_OK;
}

json_t *cg_inc_record(const json_t *stored)
{
	json_t *r = json_deep_copy(stored);
	static const char *const drop[] = {"id",     "number",   "created_at",  "updated_at",
	                                   "events", "timeline", "next_states", "clocks"};
	for (size_t i = 0; i < sizeof drop / sizeof *drop; i++)
		json_object_del(r, drop[i]);
	return r;
}
