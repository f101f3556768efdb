/*
 * stix_export.c - reads the findings of a period from the store into a
 * STIX builder (share/stix.h): the events of the engines that name
 * malicious things (DNS, malware, web), then the incident cases active in
 * the period, so that a case's linked events relate it to their
 * indicators.
 *
 * Everything goes through the store interface with the caller's scope,
 * so an agency officer's export (API) holds only their agency, as every
 * other read does.
 */
#include "share/stix_export.h"

#include <string.h>

#include "core/json.h"
#include "core/limits.h"
#include "core/timeutil.h"

static const char *const SOURCES[] = {"dns", "malware", "web"};

static cg_err add_events(cg_store *st, const cg_scope *scope, const cg_stix_range *r,
                         const char *source, cg_stix *x, cg_buf *why)
{
	cg_event_query q = {0};
	q.agency_id = r->agency_id;
	q.source = source;
	q.since_ms = r->since_ms;
	q.until_ms = r->until_ms;
	q.limit = CG_STIX_PAGE;
	for (;;) {
		json_t *items = NULL;
		int64_t next = 0;
		cg_err err = cg_store_events_query(st, scope, &q, &items, &next);
		if (err) {
			cg_buf_printf(why, "reading %s events: %s", source, cg_strerror(err));
			return err;
		}
		size_t i;
		json_t *ev;
		json_array_foreach(items, i, ev)
		{
			if ((err = cg_stix_add_event(x, ev))) {
				json_decref(items);
				cg_buf_printf(why, "building the bundle: %s", cg_strerror(err));
				return err;
			}
		}
		json_decref(items);
		if (!next)
			return CG_OK;
		q.before_seq = next;
	}
}

static int64_t ms_of(const json_t *o, const char *key)
{
	const char *s = cg_json_get_str(o, key);
	int64_t ms;
	return s && cg_time_parse(cg_slice_cstr(s), &ms) == CG_OK ? ms : 0;
}

static cg_err add_incidents(cg_store *st, const cg_scope *scope, const cg_stix_range *r, cg_stix *x,
                            cg_buf *why)
{
	int64_t offset = 0;
	for (;;) {
		json_t *items = NULL;
		int64_t total = 0;
		cg_err err =
		    cg_store_incidents_list(st, scope, NULL, CG_STIX_PAGE, offset, &items, &total);
		if (err) {
			cg_buf_printf(why, "reading incident cases: %s", cg_strerror(err));
			return err;
		}
		size_t n = json_array_size(items), i;
		json_t *c;
		json_array_foreach(items, i, c)
		{
			/* a case belongs to the period when it was open in it */
			int64_t created = ms_of(c, "created_at"), updated = ms_of(c, "updated_at");
			if ((r->until_ms && created >= r->until_ms) ||
			    (r->since_ms && updated < r->since_ms))
				continue;
			if (r->agency_id &&
			    json_integer_value(json_object_get(c, "agency_id")) != r->agency_id)
				continue;
			json_t *full = NULL;
			int64_t id = (int64_t)json_integer_value(json_object_get(c, "id"));
			if ((err = cg_store_incident_get(st, scope, id, &full)) == CG_OK) {
				err = cg_stix_add_incident(x, full);
				json_decref(full);
			}
			if (err && err != CG_ENOTFOUND) {
				json_decref(items);
				cg_buf_printf(why, "reading incident case %lld: %s", (long long)id,
				              cg_strerror(err));
				return err;
			}
		}
		json_decref(items);
		offset += (int64_t)n;
		if (n == 0 || offset >= total)
			return CG_OK;
	}
}

cg_err cg_stix_export(cg_store *st, const cg_scope *scope, const cg_stix_opts *o,
                      const cg_stix_range *r, cg_stix **out, cg_buf *why)
{
	*out = NULL;
	cg_stix *x = NULL;
	cg_err err = cg_stix_new(o, &x);
	if (err)
		return err;
	json_t *map = NULL;
	if ((err = cg_store_agency_map(st, &map)) == CG_OK) {
		err = cg_stix_set_agencies(x, map);
		json_decref(map);
	} else {
		cg_buf_printf(why, "reading agencies: %s", cg_strerror(err));
	}
	for (size_t i = 0; !err && i < sizeof SOURCES / sizeof SOURCES[0]; i++)
		err = add_events(st, scope, r, SOURCES[i], x, why);
	if (!err)
		err = add_incidents(st, scope, r, x, why);
	if (err) {
		cg_stix_free(x);
		return err;
	}
	*out = x;
	return CG_OK;
}

cg_err cg_stix_export_after(cg_store *st, const cg_stix_opts *o, int64_t after_seq, int64_t limit,
                            int64_t cases_since_ms, cg_stix **out, int64_t *upto, int64_t *count,
                            cg_buf *why)
{
	*out = NULL;
	*upto = after_seq;
	*count = 0;
	cg_stix *x = NULL;
	cg_err err = cg_stix_new(o, &x);
	if (err)
		return err;
	json_t *map = NULL, *items = NULL;
	if ((err = cg_store_agency_map(st, &map)) == CG_OK) {
		err = cg_stix_set_agencies(x, map);
		json_decref(map);
	} else {
		cg_buf_printf(why, "reading agencies: %s", cg_strerror(err));
	}
	if (!err && (err = cg_store_events_after(st, after_seq, limit, &items, upto)))
		cg_buf_printf(why, "reading events: %s", cg_strerror(err));
	size_t i;
	json_t *ev;
	json_array_foreach(items, i, ev)
	{
		const char *src = cg_json_get_str(ev, "source");
		bool shared = false;
		for (size_t k = 0; src && k < sizeof SOURCES / sizeof SOURCES[0]; k++)
			shared |= strcmp(src, SOURCES[k]) == 0;
		if (!err && shared && (err = cg_stix_add_event(x, ev)))
			cg_buf_printf(why, "building the bundle: %s", cg_strerror(err));
	}
	*count = (int64_t)json_array_size(items);
	json_decref(items);
	cg_scope all = {0};
	cg_stix_range r = {cases_since_ms, 0, 0};
	if (!err)
		err = add_incidents(st, &all, &r, x, why);
	if (err) {
		cg_stix_free(x);
		return err;
	}
	*out = x;
	return CG_OK;
}
