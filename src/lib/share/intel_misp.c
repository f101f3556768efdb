/*
 * intel_misp.c - MISP events in (intel.h): the attributes an event and its
 * objects mark for detection (to_ids), as indicators.
 *
 * MISP's JSON is loose about types (to_ids and deleted are booleans in
 * current versions, "0"/"1" strings in older ones; timestamps are decimal
 * strings of seconds): each is read both ways, anything else counts as
 * absent. A composite value ("filename|sha256", "domain|ip") is split at
 * its '|' and each part taken by its own type.
 */
#include "intel.h"

#include <stdlib.h>
#include <string.h>

#include "core/json.h"
#include "core/limits.h"
#include "core/timeutil.h"
#include "stix.h"

static bool truthy(const json_t *v)
{
	if (json_is_boolean(v))
		return json_is_true(v);
	if (json_is_integer(v))
		return json_integer_value(v) != 0;
	const char *s = json_string_value(v);
	return s && (strcmp(s, "1") == 0 || strcmp(s, "true") == 0);
}

/* Seconds since the epoch (a number or a decimal string), or an RFC 3339
 * time (first_seen), as ms; 0 when neither. */
static int64_t misp_time(const json_t *v)
{
	if (json_is_integer(v))
		return json_integer_value(v) > 0 && json_integer_value(v) < 100000000000
		           ? json_integer_value(v) * 1000
		           : 0;
	const char *s = json_string_value(v);
	int64_t ms = 0;
	if (!s || !*s)
		return 0;
	if (cg_parse_i64(cg_slice_cstr(s), 1, 99999999999, &ms) == CG_OK)
		return ms * 1000;
	return cg_time_parse(cg_slice_cstr(s), &ms) == CG_OK ? ms : 0;
}

typedef struct ev_ctx {
	json_t *items;
	cg_intel_stats *st;
	const char *tlp;
	int64_t event_time, now_ms;
	bool full;
} ev_ctx;

static bool valid_hex(const char *s, size_t n)
{
	if (strlen(s) != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || ((s[i] | 32) >= 'a' && (s[i] | 32) <= 'f')))
			return false;
	return true;
}

/* One typed value: normalized and appended; false when not valid. */
static bool take(ev_ctx *c, const json_t *a, const char *mtype, const char *v)
{
	char out[CG_INTEL_VALUE_MAX + 1];
	const char *type = NULL;
	unsigned char addr[16];
	if (!strcmp(mtype, "domain") || !strcmp(mtype, "hostname")) {
		type = cg_stix_norm_value(CG_OBS_DOMAIN, v, out, sizeof out) ? "domain" : NULL;
	} else if (!strcmp(mtype, "ip-dst") || !strcmp(mtype, "ip-src") || !strcmp(mtype, "ip")) {
		if (cg_stix_norm_value(CG_OBS_IPV4, v, out, sizeof out))
			type = "ipv4";
		else if (cg_stix_norm_value(CG_OBS_IPV6, v, out, sizeof out))
			type = "ipv6";
		(void)addr;
	} else if (!strcmp(mtype, "url")) {
		type = cg_stix_norm_value(CG_OBS_URL, v, out, sizeof out) ? "url" : NULL;
	} else if (!strcmp(mtype, "sha256")) {
		type = cg_stix_norm_value(CG_OBS_SHA256, v, out, sizeof out) ? "sha256" : NULL;
	} else if (!strcmp(mtype, "md5")) {
		type = cg_stix_norm_value(CG_OBS_MD5, v, out, sizeof out) ? "md5" : NULL;
	} else if (!strcmp(mtype, "sha1") && valid_hex(v, 40)) {
		for (size_t i = 0; i < 40; i++)
			out[i] = (char)(v[i] | (v[i] >= 'A' ? 32 : 0));
		out[40] = 0;
		type = "sha1";
	}
	if (!type)
		return false;
	if (json_array_size(c->items) >= CG_INTEL_MAX_INDICATORS) {
		c->full = true;
		return true;
	}
	int64_t from = misp_time(json_object_get(a, "first_seen"));
	if (!from)
		from = misp_time(json_object_get(a, "timestamp"));
	if (!from)
		from = c->event_time ? c->event_time : c->now_ms;
	json_t *it =
	    json_pack("{s:s,s:s,s:I}", "type", type, "value", out, "valid_from", (json_int_t)from);
	if (c->tlp)
		json_object_set_new(it, "tlp", json_string(c->tlp));
	const char *uuid = cg_json_get_str(a, "uuid");
	if (uuid && strlen(uuid) <= 64)
		json_object_set_new(it, "ext_id", json_string(uuid));
	const char *comment = cg_json_get_str(a, "comment");
	if (comment && *comment) {
		size_t n = strlen(comment);
		json_object_set_new(it, "description",
		                    cg_json_str(cg_slice_from(
		                        comment, n > CG_INTEL_TEXT_MAX ? CG_INTEL_TEXT_MAX : n)));
	}
	json_array_append_new(c->items, it);
	c->st->taken++;
	return true;
}

static void one_attribute(ev_ctx *c, const json_t *a)
{
	c->st->objects++;
	const char *mtype = cg_json_get_str(a, "type"), *value = cg_json_get_str(a, "value");
	if (!truthy(json_object_get(a, "to_ids")) || truthy(json_object_get(a, "deleted")))
		return;
	c->st->indicators++;
	if (!mtype || !value || strlen(value) > CG_INTEL_VALUE_MAX || strlen(mtype) > 64) {
		c->st->skipped++;
		return;
	}
	const char *bar = strchr(mtype, '|'), *vbar = strchr(value, '|');
	if (!bar) {
		if (!take(c, a, mtype, value))
			c->st->skipped++;
		return;
	}
	if (!vbar) {
		c->st->skipped++;
		return;
	}
	/* composite: each part by its own type ("filename" and "port" are
	 * not indicators on their own) */
	char t1[65], t2[65], v1[CG_INTEL_VALUE_MAX + 1], v2[CG_INTEL_VALUE_MAX + 1];
	size_t nt = (size_t)(bar - mtype), nv = (size_t)(vbar - value);
	memcpy(t1, mtype, nt);
	t1[nt] = 0;
	memcpy(t2, bar + 1, strlen(bar + 1) + 1);
	memcpy(v1, value, nv);
	v1[nv] = 0;
	memcpy(v2, vbar + 1, strlen(vbar + 1) + 1);
	bool any = false;
	if (strcmp(t1, "filename") != 0)
		any |= take(c, a, t1, v1);
	if (strcmp(t2, "port") != 0)
		any |= take(c, a, t2, v2);
	if (!any)
		c->st->skipped++;
}

/* "tlp:amber" (and MISP's old "tlp:white" for clear). */
static const char *event_tlp(const json_t *ev)
{
	size_t i;
	json_t *tag;
	json_array_foreach(json_object_get(ev, "Tag"), i, tag)
	{
		const char *name = cg_json_get_str(tag, "name");
		if (!name || strncasecmp(name, "tlp:", 4) != 0)
			continue;
		cg_tlp t;
		if (strcasecmp(name + 4, "white") == 0)
			return "clear";
		char low[32];
		size_t n = strlen(name + 4);
		if (n >= sizeof low)
			continue;
		for (size_t k = 0; k <= n; k++)
			low[k] =
			    (char)((name[4 + k] >= 'A' && name[4 + k] <= 'Z') ? name[4 + k] + 32
			                                                      : name[4 + k]);
		if (cg_tlp_parse(low, &t) == CG_OK)
			return cg_tlp_name(t);
	}
	return NULL;
}

static void one_event(ev_ctx *c, const json_t *ev)
{
	c->tlp = event_tlp(ev);
	c->event_time = misp_time(json_object_get(ev, "timestamp"));
	if (!c->event_time) {
		int64_t ms;
		const char *d = cg_json_get_str(ev, "date");
		c->event_time = d && cg_time_parse(cg_slice_cstr(d), &ms) == CG_OK ? ms : 0;
	}
	size_t i, k;
	json_t *a, *obj;
	json_array_foreach(json_object_get(ev, "Attribute"), i, a)
	{
		if (c->full)
			return;
		one_attribute(c, a);
	}
	json_array_foreach(json_object_get(ev, "Object"), i, obj)
	{
		if (truthy(json_object_get(obj, "deleted")))
			continue;
		json_array_foreach(json_object_get(obj, "Attribute"), k, a)
		{
			if (c->full)
				return;
			one_attribute(c, a);
		}
	}
}

cg_err cg_intel_read_misp(cg_slice text, int64_t now_ms, json_t **items, cg_intel_stats *st,
                          cg_buf *why)
{
	if (text.len > CG_INTEL_MAX_INPUT) {
		cg_buf_reset(why);
		cg_buf_printf(why, "larger than %u bytes", CG_INTEL_MAX_INPUT);
		return CG_ETOOBIG;
	}
	json_t *doc = NULL;
	if (cg_json_parse(text, &doc, why))
		return CG_EPARSE;
	const json_t *list = json_is_array(doc) ? doc : json_object_get(doc, "response");
	const json_t *single = json_object_get(doc, "Event");
	cg_err err = CG_OK;
	if (!json_is_object(single) && !json_is_array(list)) {
		cg_buf_reset(why);
		cg_buf_puts(why, "not a MISP event (no \"Event\" or \"response\" list)");
		err = CG_EPARSE;
	}
	if (!err && !*items && !(*items = json_array()))
		err = CG_ENOMEM;
	ev_ctx c = {.items = *items, .st = st, .now_ms = now_ms};
	if (!err && json_is_object(single))
		one_event(&c, single);
	size_t i;
	json_t *e;
	json_array_foreach(err ? NULL : list, i, e)
	{
		const json_t *ev = json_object_get(e, "Event");
		if (json_is_object(ev))
			one_event(&c, ev);
		if (c.full)
			break;
	}
	if (!err && c.full) {
		cg_buf_reset(why);
		cg_buf_printf(why, "more than %d indicators", CG_INTEL_MAX_INDICATORS);
		err = CG_ETOOBIG;
	}
	json_decref(doc);
	return err;
}
