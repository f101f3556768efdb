/*
 * demo.c - writes the demo province (demo_data.c) through the store
 * interface, the same way the API does: each record is built as the JSON
 * a client would send, checked and completed by cg_inv_normalize, then
 * created with the "demo" actor (so the audit log says where it came
 * from). Events are decoded with cg_event_decode, like an ingest batch,
 * and inserted in one transaction.
 *
 * Idempotent: before creating, each record is looked up by its natural
 * key (agency code; system or person name within the agency) and an
 * existing one is left as it is (a user may have edited it). Events have
 * fixed ids, which the store counts as duplicates the second time.
 */
#include "demo.h"

#include <stdlib.h>
#include <string.h>

#include "core/event.h"
#include "core/json.h"
#include "core/timeutil.h"
#include "api/auth.h"
#include "api/inventory.h"
#include "api/users.h"

static const cg_actor demo_actor = {"demo"};
static const cg_scope province = {0};

/* "a;b" -> ["a","b"]; NULL -> []. */
static json_t *list_of(const char *s)
{
	if (s == NULL)
		return json_array();
	return cg_inv_split_list(cg_slice_cstr(s));
}

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static void set_why(cg_buf *why, const char *what, const char *name, const cg_inv_error *e)
{
	if (why == NULL)
		return;
	cg_buf_reset(why);
	if (e && e->field[0])
		cg_buf_printf(why, "demo %s \"%s\": %s: %s", what, name, e->field, e->message);
	else
		cg_buf_printf(why, "demo %s \"%s\": %s", what, name, cg_store_errmsg());
}

/* Normalizes rec and creates it; the record reference is consumed. */
static cg_err create_record(cg_store *st, cg_resource r, json_t *rec, const char *name, cg_buf *why)
{
	json_t *norm = NULL;
	cg_inv_error e = {0};
	cg_err err = cg_inv_normalize(r, rec, NULL, &norm, &e);
	json_decref(rec);
	if (err) {
		set_why(why, cg_resource_name(r), name, &e);
		return err;
	}
	int64_t id = 0;
	err = cg_store_inv_create(st, &province, &demo_actor, r, norm, &id);
	json_decref(norm);
	if (err)
		set_why(why, cg_resource_name(r), name, NULL);
	return err;
}

/* Is there already a record of resource r in agency_id named name? */
static cg_err exists_in_agency(cg_store *st, cg_resource r, int64_t agency_id, const char *name,
                               bool *found)
{
	json_t *filters = json_pack("{s:I,s:s}", "agency_id", (json_int_t)agency_id, "q", name);
	json_t *items = NULL;
	int64_t total = 0;
	*found = false;
	if (filters == NULL)
		return CG_ENOMEM;
	cg_err err =
	    cg_store_inv_list(st, &province, r, filters, CG_MAX_LIST_LIMIT, 0, &items, &total);
	json_decref(filters);
	if (err)
		return err;
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it)
	{
		const char *n = json_string_value(json_object_get(it, "name"));
		if (n && strcmp(n, name) == 0)
			*found = true;
	}
	json_decref(items);
	return CG_OK;
}

static cg_err agency_id_of(cg_store *st, const char *code, int64_t *id)
{
	return cg_store_agency_lookup(st, &province, code, id);
}

static cg_err seed_agencies(cg_store *st, cg_demo_counts *c, cg_buf *why)
{
	for (int i = 0; i < cg_demo_nagencies; i++) {
		const cg_demo_agency *a = &cg_demo_agencies[i];
		int64_t id = 0, parent = 0;
		cg_err err = agency_id_of(st, a->code, &id);
		if (err == CG_OK)
			continue;
		if (err != CG_ENOTFOUND)
			return err;
		if (a->parent_code && (err = agency_id_of(st, a->parent_code, &parent)))
			return err;
		json_t *rec = json_pack("{s:s,s:s,s:s,s:o,s:i}", "name", a->name, "kind", a->kind,
		                        "code", a->code, "ip_ranges", list_of(a->ip_ranges),
		                        "declared_endpoints", a->declared_endpoints);
		if (rec == NULL)
			return CG_ENOMEM;
		if (parent > 0)
			json_object_set_new(rec, "parent_id", json_integer(parent));
		if ((err = create_record(st, CG_RES_AGENCY, rec, a->name, why)))
			return err;
		c->agencies++;
	}
	return CG_OK;
}

static json_t *dossier_dates(const cg_demo_system *s)
{
	return json_pack("{s:o,s:o,s:o,s:o}", "draft", str_or_null(s->dates[0]), "submitted",
	                 str_or_null(s->dates[1]), "appraised", str_or_null(s->dates[2]),
	                 "approved", str_or_null(s->dates[3]));
}

static cg_err seed_systems(cg_store *st, cg_demo_counts *c, cg_buf *why)
{
	for (int i = 0; i < cg_demo_nsystems; i++) {
		const cg_demo_system *s = &cg_demo_systems[i];
		int64_t agency = 0;
		bool found = false;
		cg_err err = agency_id_of(st, s->agency_code, &agency);
		if (!err)
			err = exists_in_agency(st, CG_RES_SYSTEM, agency, s->name, &found);
		if (err)
			return err;
		if (found)
			continue;
		json_t *rec = json_pack("{s:I,s:s,s:s,s:o,s:o,s:o,s:i,s:s,s:o,s:i}", "agency_id",
		                        (json_int_t)agency, "name", s->name, "kind", s->kind,
		                        "urls", list_of(s->urls), "domains", list_of(s->domains),
		                        "ips", list_of(s->ips), "level", s->level, "dossier_status",
		                        s->dossier_status, "dossier_dates", dossier_dates(s),
		                        "monitor_interval_s", 300);
		if (rec == NULL)
			return CG_ENOMEM;
		if ((err = create_record(st, CG_RES_SYSTEM, rec, s->name, why)))
			return err;
		c->systems++;
	}
	return CG_OK;
}

static cg_err seed_people(cg_store *st, cg_demo_counts *c, cg_buf *why)
{
	for (int i = 0; i < cg_demo_npeople; i++) {
		const cg_demo_person *p = &cg_demo_people[i];
		int64_t agency = 0;
		bool found = false;
		cg_err err = agency_id_of(st, p->agency_code, &agency);
		if (!err)
			err = exists_in_agency(st, CG_RES_PERSON, agency, p->name, &found);
		if (err)
			return err;
		if (found)
			continue;
		json_t *rec = json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:b}", "agency_id",
		                        (json_int_t)agency, "name", p->name, "role", p->role,
		                        "title", p->title, "phone", p->phone, "email", p->email,
		                        "published_on_portal", p->published_on_portal);
		if (rec == NULL)
			return CG_ENOMEM;
		if ((err = create_record(st, CG_RES_PERSON, rec, p->name, why)))
			return err;
		c->people++;
	}
	return CG_OK;
}

/* The demo event as an ingest client would send it, decoded and checked
 * by cg_event_decode. */
static cg_err build_event(const cg_demo_event *d, const char *agency_name, int64_t now_ms,
                          cg_event *ev, cg_buf *why)
{
	json_error_t jerr;
	json_t *evidence = json_loads(d->evidence_json, 0, &jerr);
	if (evidence == NULL) {
		cg_buf_reset(why);
		cg_buf_printf(why, "demo event %s: evidence: %s", d->id, jerr.text);
		return CG_EPARSE;
	}
	char when[40];
	cg_time_format(now_ms - (int64_t)d->age_min * 60000, when, sizeof when);
	json_t *obj = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:o}", "id", d->id, "time",
	                        when, "host", d->host, "agency", agency_name, "source", d->source,
	                        "kind", d->kind, "severity", d->severity, "subject", d->subject,
	                        "summary", d->summary, "evidence", evidence);
	if (obj == NULL)
		return CG_ENOMEM;
	cg_err err = cg_event_decode(obj, ev, false, why);
	json_decref(obj);
	return err;
}

/* Indexes of the demo events from the oldest to the newest: the store
 * lists events by arrival, so inserting them in time order makes the
 * dashboard's "newest first" agree with their times. */
static void oldest_first(int order[CG_DEMO_MAX_EVENTS])
{
	for (int i = 0; i < cg_demo_nevents; i++) {
		int j = i;
		for (; j > 0 && cg_demo_events[order[j - 1]].age_min < cg_demo_events[i].age_min;
		     j--)
			order[j] = order[j - 1];
		order[j] = i;
	}
}

static cg_err seed_events(cg_store *st, int64_t now_ms, cg_demo_counts *c, cg_buf *why)
{
	cg_event evs[CG_DEMO_MAX_EVENTS];
	cg_event_in in[CG_DEMO_MAX_EVENTS];
	int n = 0;
	cg_err err = CG_OK;
	if (cg_demo_nevents > CG_DEMO_MAX_EVENTS)
		return CG_EINTERNAL;
	int order[CG_DEMO_MAX_EVENTS];
	oldest_first(order);
	for (; n < cg_demo_nevents && !err; n++) {
		const cg_demo_event *d = &cg_demo_events[order[n]];
		int64_t agency = 0;
		const char *agency_name = d->agency_code;
		for (int i = 0; i < cg_demo_nagencies; i++)
			if (strcmp(cg_demo_agencies[i].code, d->agency_code) == 0)
				agency_name = cg_demo_agencies[i].name;
		err = agency_id_of(st, d->agency_code, &agency);
		if (!err)
			err = build_event(d, agency_name, now_ms, &evs[n], why);
		if (err)
			break;
		in[n] =
		    (cg_event_in){.ev = &evs[n], .agency_id = agency, .producer = "server:demo"};
	}
	if (!err) {
		size_t accepted = 0, dups = 0;
		err = cg_store_events_insert(st, in, (size_t)n, now_ms, &accepted, &dups);
		c->events = (int)accepted;
		if (err)
			set_why(why, "events", "batch", NULL);
	}
	for (int i = 0; i < n; i++)
		cg_event_clear(&evs[i]);
	return err;
}

cg_err cg_demo_seed(cg_store *st, int64_t now_ms, cg_demo_counts *counts, cg_buf *why)
{
	cg_err err;
	memset(counts, 0, sizeof *counts);
	if ((err = seed_agencies(st, counts, why)) || (err = seed_systems(st, counts, why)) ||
	    (err = seed_people(st, counts, why)) || (err = seed_events(st, now_ms, counts, why)))
		return err;
	int cases = 0;
	if ((err = cg_demo_seed_incidents(st, now_ms, &cases))) {
		set_why(why, "incidents", "cases", NULL);
		return err;
	}
	if ((err = cg_demo_seed_compliance(st, now_ms, &counts->evidence)))
		set_why(why, "compliance", "evidence", NULL);
	return err;
}

cg_err cg_demo_ensure_admin(cg_store *st, const char *username, const char *password, bool *created)
{
	json_t *user = NULL;
	char *hash = NULL;
	*created = false;
	cg_err err = cg_store_user_auth_info(st, username, &user, &hash);
	if (err == CG_OK) {
		json_decref(user);
		free(hash);
		return CG_OK;
	}
	if (err != CG_ENOTFOUND)
		return err;
	/* the rules every user is made by (api/users.h) */
	json_t *in = json_pack("{s:s,s:s,s:s,s:n,s:b,s:s}", "username", username, "display_name",
	                       "Quản trị viên (demo)", "role", "admin", "agency_id", "disabled", 0,
	                       "password", password);
	if (in == NULL)
		return CG_ENOMEM;
	int64_t id = 0;
	cg_inv_error e;
	err = cg_user_create(st, &demo_actor, in, &id, &e);
	json_decref(in);
	if (!err)
		*created = true;
	return err;
}
