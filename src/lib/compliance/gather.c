/*
 * gather.c - the facts of compliance.h, read from the store.
 *
 * Everything comes through store.h, within the caller's scope (an
 * officer's gather holds only their agency): the inventory (agencies,
 * systems with their level and classification dossier, people), the
 * latest drill per system, the enrolled agents, the events of the
 * engines (exposure scans per system, account audits, state-secret
 * findings and their triage state) and of records ("record" events whose
 * kind names the record: protection_plan, assessment, annual_report...),
 * and the incident cases. The evaluator never sees the store, so it is
 * tested on hand-built facts; this file is tested through the command.
 *
 * Event times become Vietnam dates (UTC+07:00, no daylight saving time),
 * the calendar the obligations are counted on.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/triage.h"
#include "compliance.h"
#include "core/timeutil.h"
#include "store/figures.h"

#define VN_OFFSET_MS (7LL * 3600 * 1000)
#define DAY_MS       86400000LL

/* "YYYY-MM-DD" (Vietnam date) of an RFC 3339 time; false when unparsable. */
static bool vn_date(const char *rfc3339, char out[11])
{
	int64_t ms;
	if (!rfc3339 || cg_time_parse(cg_slice_cstr(rfc3339), &ms))
		return false;
	int64_t t = ms + VN_OFFSET_MS;
	int64_t day = t / DAY_MS - (t % DAY_MS < 0);
	cg_compliance_format_day((int32_t)day, out);
	return true;
}

static cg_err list_all(cg_store *st, const cg_scope *scope, cg_resource r, json_t **out)
{
	*out = json_array();
	json_t *filters = json_object();
	int64_t offset = 0, total = 0;
	cg_err err = CG_OK;
	do {
		json_t *items = NULL;
		err = cg_store_inv_list(st, scope, r, filters, CG_MAX_LIST_LIMIT, offset, &items,
		                        &total);
		if (err)
			break;
		size_t got = json_array_size(items);
		json_array_extend(*out, items);
		json_decref(items);
		offset += (int64_t)got;
		if (got == 0)
			break;
	} while (offset < total);
	json_decref(filters);
	if (err) {
		json_decref(*out);
		*out = NULL;
	}
	return err;
}

static json_t *by_id(json_t *map, int64_t id)
{
	char key[24];
	snprintf(key, sizeof key, "%lld", (long long)id);
	return json_object_get(map, key);
}

static int64_t int_of(const json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);
	return json_is_integer(v) ? json_integer_value(v) : 0;
}

/* Sets subj.last[key] to date unless a later one is there. */
static void keep_latest(json_t *subj, const char *key, const char *date)
{
	if (!subj)
		return;
	json_t *last = json_object_get(subj, "last");
	const char *cur = json_string_value(json_object_get(last, key));
	if (!cur || strcmp(cur, date) < 0)
		json_object_set_new(last, key, json_string(date));
}

/* Events of one source (newest first, at most CG_COMPLIANCE_MAX_EVENTS). */
static cg_err events_of(cg_store *st, const cg_scope *scope, const char *source, int64_t system_id,
                        int64_t limit, json_t **items)
{
	cg_event_query q = {.source = source, .system_id = system_id, .limit = limit};
	int64_t next = 0;
	return cg_store_events_query(st, scope, &q, items, &next);
}

cg_err cg_compliance_gather(cg_store *st, const cg_scope *scope, int64_t now_ms, json_t **facts)
{
	*facts = NULL;
	json_t *agencies = NULL, *systems = NULL, *people = NULL, *drills = NULL, *agents = NULL;
	json_t *ev = NULL, *incs = NULL;
	json_t *amap = json_object(), *smap = json_object(), *endpoints = json_array();
	cg_err err = list_all(st, scope, CG_RES_AGENCY, &agencies);
	if (!err)
		err = list_all(st, scope, CG_RES_SYSTEM, &systems);
	if (!err)
		err = list_all(st, scope, CG_RES_PERSON, &people);
	if (!err)
		err = cg_store_drill_latest(st, scope, &drills);
	if (!err)
		err = cg_store_agents_list(
		    st, scope, (int64_t)CG_COMPLIANCE_AGENT_OFFLINE_DAYS * DAY_MS, now_ms, &agents);
	if (err)
		goto out;

	size_t i;
	json_t *x;
	char key[24], d[11];
	json_array_foreach(agencies, i, x)
	{
		json_object_set_new(x, "people", json_array());
		json_object_set_new(x, "agents", json_integer(0));
		json_object_set_new(x, "protected", json_integer(0));
		json_object_set_new(x, "open_secrets", json_integer(0));
		json_object_set_new(x, "last", json_object());
		json_object_set_new(x, "incidents", json_array());
		json_object_set_new(x, "portal_checks", json_array());
		snprintf(key, sizeof key, "%lld", (long long)int_of(x, "id"));
		json_object_set(amap, key, x);
	}
	json_array_foreach(people, i, x)
	{
		json_t *ag = by_id(amap, int_of(x, "agency_id"));
		if (ag)
			json_array_append(json_object_get(ag, "people"), x);
	}
	json_array_foreach(systems, i, x)
	{
		int64_t id = int_of(x, "id");
		json_object_set_new(x, "last", json_object());
		snprintf(key, sizeof key, "%lld", (long long)id);
		json_object_set(smap, key, x);
		const char *dd = json_string_value(json_object_get(drills, key));
		if (dd)
			keep_latest(x, "drill", dd);
		/* the newest exposure finding of this system: its latest scan */
		json_t *items = NULL;
		if ((err = events_of(st, scope, "exposure", id, 1, &items)))
			goto out;
		json_t *e0 = json_array_get(items, 0);
		if (e0 && vn_date(json_string_value(json_object_get(e0, "time")), d))
			keep_latest(x, "vuln_scan", d);
		json_decref(items);
	}
	json_array_foreach(agents, i, x)
	{
		json_t *ag = by_id(amap, int_of(x, "agency_id"));
		if (ag)
			json_object_set_new(ag, "agents", json_integer(int_of(ag, "agents") + 1));
		/* endpoints with an antivirus on and current (store/figures.h) */
		if (ag && cg_fig_protected(x))
			json_object_set_new(ag, "protected",
			                    json_integer(int_of(ag, "protected") + 1));
		json_array_append_new(
		    endpoints,
		    json_pack("{s:O?, s:I, s:O?, s:O}", "agent_id", json_object_get(x, "agent_id"),
		              "agency_id", (json_int_t)int_of(x, "agency_id"), "host",
		              json_object_get(x, "host"), "offline",
		              json_object_get(x, "offline") ? json_object_get(x, "offline")
		                                            : json_true()));
	}
	/* records, account audits and state-secret findings */
	static const char *const sources[] = {"record", "accounts", "secrets"};
	for (int s = 0; s < 3; s++) {
		if ((err = events_of(st, scope, sources[s], 0, CG_COMPLIANCE_MAX_EVENTS, &ev)))
			goto out;
		json_array_foreach(ev, i, x)
		{
			json_t *ag = by_id(amap, int_of(x, "agency_id"));
			if (!vn_date(json_string_value(json_object_get(x, "time")), d))
				continue;
			if (s == 0) {
				char rk[CG_COMPLIANCE_MAX_NAME + 8];
				snprintf(rk, sizeof rk, "record:%s",
				         json_string_value(json_object_get(x, "kind")));
				int64_t sys = int_of(x, "system_id");
				keep_latest(sys ? by_id(smap, sys) : ag, rk, d);
			} else if (s == 1) {
				keep_latest(ag, "accounts_audit", d);
			} else if (ag && cg_triage_is_open(
			                     json_string_value(json_object_get(x, "state")))) {
				json_object_set_new(ag, "open_secrets",
				                    json_integer(int_of(ag, "open_secrets") + 1));
			}
		}
		json_decref(ev);
		ev = NULL;
	}
	/* the portal watcher's contact checks: the newest per agency and URL */
	if ((err = events_of(st, scope, CG_COMPLIANCE_CONTACT_SOURCE, 0, CG_COMPLIANCE_MAX_EVENTS,
	                     &ev)))
		goto out;
	json_array_foreach(ev, i, x)
	{
		json_t *ag = by_id(amap, int_of(x, "agency_id"));
		const char *url = json_string_value(json_object_get(x, "subject"));
		if (!ag || !url || !vn_date(json_string_value(json_object_get(x, "time")), d))
			continue;
		json_t *checks = json_object_get(ag, "portal_checks"), *c;
		size_t k;
		bool seen = false;
		json_array_foreach(checks, k, c) seen |=
		    strcmp(json_string_value(json_object_get(c, "url")), url) == 0;
		if (seen)
			continue;
		const json_t *e = json_object_get(x, "evidence");
		json_array_append_new(checks, json_pack("{s:s, s:O?, s:s, s:O?, s:O?}", "url", url,
		                                        "state", json_object_get(x, "kind"), "date",
		                                        d, "found", json_object_get(e, "found"),
		                                        "error", json_object_get(e, "error")));
	}
	json_decref(ev);
	ev = NULL;
	/* incident cases (not the rejected or duplicate ones) */
	int64_t offset = 0, total = 0;
	do {
		if ((err = cg_store_incidents_list(st, scope, NULL, CG_MAX_LIST_LIMIT, offset,
		                                   &incs, &total)))
			goto out;
		size_t got = json_array_size(incs);
		json_array_foreach(incs, i, x)
		{
			const char *state = json_string_value(json_object_get(x, "state"));
			json_t *ag = by_id(amap, int_of(x, "agency_id"));
			if (!ag || !state || !strcmp(state, "rejected") ||
			    !strcmp(state, "duplicate"))
				continue;
			json_array_append_new(
			    json_object_get(ag, "incidents"),
			    json_pack("{s:O?, s:O?, s:O?, s:O?}", "id", json_object_get(x, "id"),
			              "number", json_object_get(x, "number"), "detected_at",
			              json_object_get(x, "detected_at"), "reported_at",
			              json_object_get(x, "reported_at")));
		}
		json_decref(incs);
		incs = NULL;
		offset += (int64_t)got;
		if (!got)
			break;
	} while (offset < total);

	*facts = json_pack("{s:O, s:O, s:O}", "agencies", agencies, "systems", systems, "endpoints",
	                   endpoints);
	if (!*facts)
		err = CG_ENOMEM;
out:
	json_decref(agencies);
	json_decref(systems);
	json_decref(people);
	json_decref(drills);
	json_decref(agents);
	json_decref(ev);
	json_decref(incs);
	json_decref(amap);
	json_decref(smap);
	json_decref(endpoints);
	return err;
}

static json_t *controls_json(const cg_compliance_rules *r)
{
	json_t *a = json_array();
	for (int i = 0; i < r->n_control; i++) {
		const cg_control *c = &r->control[i];
		char basis[2 * CG_COMPLIANCE_MAX_TEXT + 8];
		snprintf(basis, sizeof basis, "%s, %s", c->document, c->article);
		json_t *o =
		    json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:s}", "id", c->id, "title",
		              c->title_vi, "title_en", c->title_en, "applies",
		              cg_subject_type_name(c->applies), "legal_basis", basis, "explain",
		              c->explain_vi, "explain_en", c->explain_en, "awaiting_decree",
		              c->pending_decree, "evidence", cg_evidence_kind_name(c->evidence));
		if (o && c->evidence == CG_EV_RECORD)
			json_object_set_new(o, "record_kind", json_string(c->record_kind));
		json_array_append_new(a, o);
	}
	return a;
}

cg_err cg_compliance_report_section(cg_store *st, const cg_scope *scope, const char *regime,
                                    const char *at, int64_t now_ms, json_t **out, cg_buf *why)
{
	*out = NULL;
	cg_deadline_rules *cal = malloc(sizeof *cal);
	cg_compliance_rules *r = malloc(sizeof *r);
	json_t *facts = NULL, *results = NULL;
	cg_err err = cal && r ? CG_OK : CG_ENOMEM;
	if (!err)
		err = cg_deadline_load_default(cal, why);
	int32_t today = 0;
	if (!err) {
		today = cg_deadline_local_day(cal, now_ms);
		if (at) {
			if (!cg_compliance_parse_day(cg_slice_cstr(at), &today)) {
				if (why) {
					cg_buf_reset(why);
					cg_buf_printf(why, "at: not a date YYYY-MM-DD");
				}
				err = CG_EINVAL;
			} else /* as of the end of that day */
				now_ms = cg_deadline_day_start(cal, today + 1) - 1;
		}
	}
	if (!err)
		err = cg_compliance_load(NULL, regime, today, r, why);
	if (!err)
		err = cg_compliance_gather(st, scope, now_ms, &facts);
	if (!err)
		err = cg_compliance_evaluate(r, cal, facts, today, &results);
	if (!err) {
		*out = json_pack("{s:o, s:o, s:O, s:o}", "summary",
		                 cg_compliance_summary(r, facts, results, today), "calendar",
		                 cg_compliance_calendar(results, today, 90), "results", results,
		                 "controls", controls_json(r));
		if (!*out)
			err = CG_ENOMEM;
	}
	json_decref(facts);
	json_decref(results);
	free(cal);
	free(r);
	return err;
}
