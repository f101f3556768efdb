/*
 * misp.c - a STIX builder's objects as one MISP event (misp.h).
 *
 * The indicator patterns are the ones canhgac wrote itself (one equality
 * comparison each), read back with the importer's pattern reader
 * (intel.h), so the mapping from a value to its MISP type lives in one
 * table here and the value rules in one place (stix.c).
 */
#include "misp.h"

#include <stdio.h>
#include <string.h>

#include "core/json.h"
#include "core/limits.h"
#include "core/timeutil.h"
#include "intel.h"

#define FILE_TEMPLATE "688c46fb-5edb-40a3-8273-1af7923e2215"

/* The uuid part of a STIX id ("indicator--<uuid>"). */
static const char *uuid_of(const char *stix_id)
{
	const char *p = stix_id ? strstr(stix_id, "--") : NULL;
	return p ? p + 2 : "";
}

static void uuid5(const char *name, char out[40])
{
	char id[96];
	cg_stix_id("misp", cg_slice_cstr(name), id, sizeof id);
	snprintf(out, 40, "%s", uuid_of(id));
}

/* Seconds since the epoch, as MISP's strings. */
static json_t *epoch_str(const char *rfc3339, int64_t *max_ms)
{
	int64_t ms = 0;
	if (rfc3339)
		cg_time_parse(cg_slice_cstr(rfc3339), &ms);
	if (ms > *max_ms)
		*max_ms = ms;
	char b[24];
	snprintf(b, sizeof b, "%lld", (long long)(ms / 1000));
	return json_string(b);
}

typedef struct one {
	char type[16], value[CG_INTEL_VALUE_MAX + 1];
	int n;
} one;

static void on_value(void *ud, const char *type, const char *value)
{
	one *o = ud;
	if (o->n++ == 0) {
		snprintf(o->type, sizeof o->type, "%s", type);
		snprintf(o->value, sizeof o->value, "%s", value);
	}
}

static json_t *attribute(const char *uuid, const char *type, const char *category,
                         const char *value, json_t *ts, const json_t *ind)
{
	json_t *a =
	    json_pack("{s:s,s:s,s:s,s:s,s:b,s:s,s:o}", "uuid", uuid, "type", type, "category",
	              category, "value", value, "to_ids", 1, "distribution", "5", "timestamp", ts);
	const char *d = cg_json_get_str(ind, "description");
	if (d) {
		size_t n = strlen(d);
		json_object_set_new(
		    a, "comment",
		    cg_json_str(cg_slice_from(d, n > CG_INTEL_TEXT_MAX ? CG_INTEL_TEXT_MAX : n)));
	}
	const char *vf = cg_json_get_str(ind, "valid_from");
	if (vf)
		json_object_set_new(a, "first_seen", json_string(vf));
	return a;
}

/* A uuid of this push: uuid itself, or (salt given) UUIDv5 of salt and
 * uuid, so the same indicator in two events has two attribute uuids (MISP
 * keeps an attribute uuid unique across events). */
static void salted(const char *salt, const char *uuid, char out[40])
{
	if (!salt) {
		snprintf(out, 40, "%s", uuid);
		return;
	}
	char name[200];
	snprintf(name, sizeof name, "%s|%s", salt, uuid);
	uuid5(name, out);
}

/* One indicator as an attribute (domain, address, URL) or a file object
 * (a hash). Indicators canhgac did not write (more than one comparison)
 * are skipped. */
static void add_indicator(const json_t *ob, const char *salt, json_t *attrs, json_t *objs,
                          int64_t *newest)
{
	one v = {0};
	const char *pattern = cg_json_get_str(ob, "pattern");
	if (!pattern || cg_intel_pattern(cg_slice_cstr(pattern), on_value, &v, NULL) || v.n != 1)
		return;
	char uuid[40];
	salted(salt, uuid_of(cg_json_get_str(ob, "id")), uuid);
	json_t *ts = epoch_str(cg_json_get_str(ob, "modified"), newest);
	if (!strcmp(v.type, "domain") || !strcmp(v.type, "url")) {
		json_array_append_new(attrs,
		                      attribute(uuid, v.type, "Network activity", v.value, ts, ob));
	} else if (!strcmp(v.type, "ipv4") || !strcmp(v.type, "ipv6")) {
		json_array_append_new(
		    attrs, attribute(uuid, "ip-dst", "Network activity", v.value, ts, ob));
	} else {
		char ouuid[40], name[200];
		snprintf(name, sizeof name, "object|%s%s%s", salt ? salt : "", salt ? "|" : "",
		         cg_json_get_str(ob, "id"));
		uuid5(name, ouuid);
		json_t *a =
		    attribute(uuid, v.type, "Payload delivery", v.value, json_deep_copy(ts), ob);
		json_object_set_new(a, "object_relation", json_string(v.type));
		json_array_append_new(objs, json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:o,s:[o]}", "name",
		                                      "file", "meta-category", "file", "uuid",
		                                      ouuid, "template_uuid", FILE_TEMPLATE,
		                                      "template_version", "1", "distribution", "5",
		                                      "timestamp", ts, "Attribute", a));
	}
}

static void tag(json_t *tags, const char *fmt, const char *v)
{
	char b[600];
	snprintf(b, sizeof b, fmt, v);
	size_t i;
	json_t *t;
	json_array_foreach(tags, i, t)
	{
		if (strcmp(cg_json_get_str(t, "name"), b) == 0)
			return;
	}
	json_array_append_new(tags, json_pack("{s:s}", "name", b));
}

/* {"Event": {...}} of these parts (references taken). */
static json_t *finish_event(const char *uuid, const char *info, const char *threat,
                            const char *analysis, const cg_misp_opts *o, int64_t newest,
                            json_t *tags, json_t *attrs, json_t *objs)
{
	char date[16] = "", ts[24];
	if (!newest)
		newest = cg_time_now_ms();
	char full[32];
	cg_time_format(newest, full, sizeof full);
	memcpy(date, full, 10);
	snprintf(ts, sizeof ts, "%lld", (long long)(newest / 1000));
	int dist = o && o->distribution >= 0 && o->distribution <= 4 ? o->distribution : 1;
	char dists[4];
	snprintf(dists, sizeof dists, "%d", dist);
	json_t *ev = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:b,s:s,s:o,s:o,s:o}", "uuid", uuid,
	                       "info", info, "date", date, "threat_level_id", threat, "analysis",
	                       analysis, "distribution", dists, "published", 0, "timestamp", ts,
	                       "Tag", tags, "Attribute", attrs, "Object", objs);
	if (ev && dist == 4 && o && o->sharing_group_id > 0) {
		char sg[24];
		snprintf(sg, sizeof sg, "%lld", (long long)o->sharing_group_id);
		json_object_set_new(ev, "sharing_group_id", json_string(sg));
	}
	return ev ? json_pack("{s:o}", "Event", ev) : NULL;
}

cg_err cg_misp_event(cg_stix *x, const cg_misp_opts *o, cg_tlp tlp, json_t **out)
{
	*out = NULL;
	const cg_stix_item *items;
	size_t n;
	cg_err err = cg_stix_items(x, &items, &n);
	if (err)
		return err;
	json_t *attrs = json_array(), *objs = json_array(), *tags = json_array();
	int64_t newest = 0;
	tag(tags, "tlp:%s", cg_tlp_name(tlp));
	/* identities by id: the agencies of sightings */
	for (size_t i = 0; i < n; i++) {
		const json_t *ob = items[i].obj;
		const char *type = cg_json_get_str(ob, "type");
		if (!type)
			continue;
		if (strcmp(type, "malware") == 0 && cg_json_get_str(ob, "name")) {
			tag(tags, "canhgac:malware=\"%s\"", cg_json_get_str(ob, "name"));
		} else if (strcmp(type, "sighting") == 0 && tlp >= CG_TLP_AMBER) {
			size_t k;
			json_t *ref;
			json_array_foreach(json_object_get(ob, "where_sighted_refs"), k, ref)
			{
				for (size_t j = 0; j < n; j++)
					if (strcmp(cg_json_get_str(items[j].obj, "id"),
					           json_string_value(ref) ? json_string_value(ref)
					                                  : "") == 0 &&
					    cg_json_get_str(items[j].obj, "name") &&
					    strcmp(cg_json_get_str(items[j].obj, "identity_class")
					               ? cg_json_get_str(items[j].obj,
					                                 "identity_class")
					               : "",
					           "organization") == 0 &&
					    items[j].level >= CG_TLP_AMBER)
						tag(tags, "canhgac:agency=\"%s\"",
						    cg_json_get_str(items[j].obj, "name"));
			}
		} else if (strcmp(type, "indicator") == 0) {
			add_indicator(ob, o ? o->uuid_salt : NULL, attrs, objs, &newest);
		}
	}
	char uuid[40], info[600];
	uuid5(o && o->key ? o->key : "event", uuid);
	snprintf(info, sizeof info, "canhgac: %s",
	         o && o->province ? o->province : CG_STIX_PROVINCE);
	*out = finish_event(uuid, info, "2", "2", o, newest, tags, attrs, objs);
	return *out ? CG_OK : CG_ENOMEM;
}

/* MISP's threat level of a case's severity (1 high ... 4 undefined) and
 * its analysis of the case's state (0 initial, 1 ongoing, 2 complete). */
static const char *threat_of(const char *sev)
{
	if (!sev)
		return "4";
	if (!strcmp(sev, "critical") || !strcmp(sev, "high"))
		return "1";
	return !strcmp(sev, "medium") ? "2" : !strcmp(sev, "low") ? "3" : "4";
}

static const char *analysis_of(const char *state)
{
	if (!state || !strcmp(state, "new"))
		return "0";
	return !strcmp(state, "closed") || !strcmp(state, "resolved") ? "2" : "1";
}

static const json_t *item_by_id(const cg_stix_item *items, size_t n, const char *id)
{
	for (size_t i = 0; id && i < n; i++) {
		const char *k = cg_json_get_str(items[i].obj, "id");
		if (k && strcmp(k, id) == 0)
			return items[i].obj;
	}
	return NULL;
}

cg_err cg_misp_incident_events(cg_stix *x, const cg_misp_opts *o, cg_tlp tlp, json_t **out)
{
	*out = NULL;
	const cg_stix_item *items;
	size_t n;
	cg_err err = cg_stix_items(x, &items, &n);
	if (err)
		return err;
	json_t *events = json_array();
	for (size_t i = 0; i < n && events; i++) {
		const json_t *inc = items[i].obj;
		const char *type = cg_json_get_str(inc, "type");
		const char *id = cg_json_get_str(inc, "id");
		if (!type || strcmp(type, "incident") != 0 || !id || items[i].level > tlp)
			continue;
		json_t *attrs = json_array(), *objs = json_array(), *tags = json_array();
		int64_t newest = 0;
		tag(tags, "tlp:%s",
		    cg_tlp_name(items[i].level > CG_TLP_AMBER ? items[i].level : CG_TLP_AMBER));
		const char *kind = cg_json_get_str(inc, "x_canhgac_kind");
		if (kind)
			tag(tags, "canhgac:incident-kind=\"%s\"", kind);
		/* the incident's relationships: its agency and its indicators */
		for (size_t k = 0; k < n; k++) {
			const json_t *r = items[k].obj;
			const char *rt = cg_json_get_str(r, "type");
			const char *src = cg_json_get_str(r, "source_ref");
			if (!rt || strcmp(rt, "relationship") != 0 || !src || strcmp(src, id) != 0)
				continue;
			const json_t *to = item_by_id(items, n, cg_json_get_str(r, "target_ref"));
			const char *tt = to ? cg_json_get_str(to, "type") : NULL;
			if (tt && !strcmp(tt, "indicator"))
				add_indicator(to, id, attrs, objs, &newest);
			else if (tt && !strcmp(tt, "identity") && cg_json_get_str(to, "name"))
				tag(tags, "canhgac:agency=\"%s\"", cg_json_get_str(to, "name"));
		}
		int64_t mod = 0;
		json_decref(epoch_str(cg_json_get_str(inc, "modified"), &mod));
		if (mod > newest)
			newest = mod;
		char uuid[40], info[600];
		snprintf(info, sizeof info, "misp-incident|%s", id);
		uuid5(info, uuid);
		snprintf(info, sizeof info, "canhgac %s: %s",
		         cg_json_get_str(inc, "x_canhgac_number")
		             ? cg_json_get_str(inc, "x_canhgac_number")
		             : "",
		         cg_json_get_str(inc, "name") ? cg_json_get_str(inc, "name") : "");
		json_t *ev =
		    finish_event(uuid, info, threat_of(cg_json_get_str(inc, "x_canhgac_severity")),
		                 analysis_of(cg_json_get_str(inc, "x_canhgac_state")), o, newest,
		                 tags, attrs, objs);
		if (!ev || json_array_append_new(events, ev)) {
			json_decref(events);
			events = NULL;
		}
	}
	*out = events;
	return events ? CG_OK : CG_ENOMEM;
}
