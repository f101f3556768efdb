/*
 * intel_wire.c - the sandboxed intelligence reader's messages
 * (intel_wire.h): the child's answer, built only once its reader has
 * finished, and the server's checks, which rebuild every item and event
 * from what they may hold.
 */
#include "intel_wire.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"
#include "core/limits.h"
#include "sandbox/sbmsg.h"
#include "stix.h"

static const char *const doc_names[] = {"stix", "misp", "manifest"};

const char *cg_intel_doc_name(cg_intel_doc d)
{
	return (unsigned)d < sizeof doc_names / sizeof *doc_names ? doc_names[d] : "?";
}

cg_err cg_intel_doc_parse(const char *s, cg_intel_doc *out)
{
	for (size_t i = 0; s && i < sizeof doc_names / sizeof *doc_names; i++)
		if (strcmp(s, doc_names[i]) == 0) {
			*out = (cg_intel_doc)i;
			return CG_OK;
		}
	return CG_EINVAL;
}

/* ---- the child ------------------------------------------------------ */

static cg_err send_error(int fd, cg_err err, const cg_buf *why)
{
	cg_slice text = why->len ? cg_buf_slice(why) : cg_slice_cstr(cg_strerror(err));
	json_t *o = json_pack("{s:o,s:s}", "error", cg_json_str(text), "code",
	                      err == CG_ETOOBIG  ? "toobig"
	                      : err == CG_ENOMEM ? "nomem"
	                                         : "parse");
	cg_err e = cg_sbmsg_send_json(fd, CG_SBMSG_ERROR, o);
	json_decref(o);
	return e;
}

/* arr in ITEM frames {"member": [...]} of about CG_INTEL_WIRE_BATCH bytes:
 * one frame per value would cost a write and a parse each. */
static cg_err send_batches(int fd, const char *member, const json_t *arr)
{
	cg_buf b;
	cg_buf_init(&b, CG_SANDBOX_MAX_MSG);
	size_t n = json_array_size(arr), i = 0;
	cg_err err = CG_OK;
	while (!err && i < n) {
		cg_buf_reset(&b);
		err = cg_buf_printf(&b, "{\"%s\":[", member);
		size_t first = i;
		while (!err && i < n && b.len < CG_INTEL_WIRE_BATCH) {
			if (i > first)
				err = cg_buf_puts(&b, ",");
			if (!err)
				err = cg_json_encode(&b, json_array_get(arr, i));
			i++;
		}
		if (!err)
			err = cg_buf_puts(&b, "]}");
		if (!err)
			err = cg_sbmsg_send(fd, CG_SBMSG_ITEM, cg_buf_slice(&b));
	}
	cg_buf_free(&b);
	return err;
}

static cg_err answer_manifest(int fd, cg_slice text, int64_t after_s)
{
	cg_mispfeed_event *ev = NULL;
	size_t n = 0, skipped = 0;
	cg_buf why;
	cg_buf_init(&why, 1024);
	cg_err err = cg_mispfeed_manifest(text, after_s, &ev, &n, &skipped, &why);
	if (err) {
		err = send_error(fd, err, &why);
		cg_buf_free(&why);
		return err;
	}
	cg_buf_free(&why);
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < n; i++)
		json_array_append_new(
		    arr, json_pack("{s:s,s:I}", "uuid", ev[i].uuid, "ts", (json_int_t)ev[i].ts));
	free(ev);
	err = arr ? send_batches(fd, "events", arr) : CG_ENOMEM;
	json_decref(arr);
	if (!err) {
		json_t *o = json_pack("{s:I}", "skipped", (json_int_t)skipped);
		err = cg_sbmsg_send_json(fd, CG_SBMSG_DONE, o);
		json_decref(o);
	}
	return err;
}

cg_err cg_intel_wire_answer(int fd, cg_intel_doc doc, cg_slice text, int64_t now_ms,
                            int64_t after_s)
{
	if (doc == CG_INTEL_DOC_MANIFEST)
		return answer_manifest(fd, text, after_s);
	json_t *items = NULL;
	cg_intel_stats st = {0};
	cg_intel_page page = {0};
	cg_buf why;
	cg_buf_init(&why, 1024);
	cg_err err = doc == CG_INTEL_DOC_MISP
	                 ? cg_intel_read_misp(text, now_ms, &items, &st, &why)
	                 : cg_intel_read_stix(text, now_ms, &items, &st, &page, &why);
	if (err) {
		err = send_error(fd, err, &why);
	} else {
		err = send_batches(fd, "items", items);
		json_t *o = json_pack("{s:I,s:I,s:I,s:I,s:I}", "objects", (json_int_t)st.objects,
		                      "indicators", (json_int_t)st.indicators, "taken",
		                      (json_int_t)st.taken, "skipped", (json_int_t)st.skipped,
		                      "expired", (json_int_t)st.expired);
		if (doc == CG_INTEL_DOC_STIX) {
			json_object_set_new(o, "more", json_boolean(page.more));
			json_object_set_new(o, "next", json_string(page.next));
		}
		if (!err)
			err = cg_sbmsg_send_json(fd, CG_SBMSG_DONE, o);
		json_decref(o);
	}
	json_decref(items);
	cg_buf_free(&why);
	return err;
}

/* ---- the server ----------------------------------------------------- */

void cg_intel_wire_init(cg_intel_wire *w, cg_intel_doc doc, int64_t after_s, size_t have)
{
	*w = (cg_intel_wire){.doc = doc, .after_s = after_s, .have = have, .code = CG_OK};
	w->items = json_array();
}

void cg_intel_wire_free(cg_intel_wire *w)
{
	json_decref(w->items);
	free(w->ev);
	w->items = NULL;
	w->ev = NULL;
}

static int refuse(cg_intel_wire *w, const char *why)
{
	snprintf(w->bad, sizeof w->bad, "%s", why);
	return 1;
}

/* A text member: absent, or a string of bounded length (the readers cut
 * at CG_INTEL_TEXT_MAX bytes; the JSON encoder's replacement of a cut
 * character may add a few). */
static bool text_ok(const json_t *it, const char *key)
{
	const json_t *v = json_object_get(it, key);
	return !v || (json_is_string(v) && json_string_length(v) <= 2 * CG_INTEL_TEXT_MAX);
}

json_t *cg_intel_item_check(const json_t *it)
{
	if (!json_is_object(it))
		return NULL;
	const char *type = cg_json_get_str(it, "type"), *value = cg_json_get_str(it, "value");
	const json_t *from = json_object_get(it, "valid_from"),
	             *until = json_object_get(it, "valid_until");
	const json_t *conf = json_object_get(it, "confidence"), *tlpj = json_object_get(it, "tlp");
	char norm[CG_INTEL_VALUE_MAX + 1];
	cg_tlp tlp = CG_TLP_CLEAR;
	if (!value || strlen(value) > CG_INTEL_VALUE_MAX ||
	    !cg_intel_norm(type, value, norm, sizeof norm))
		return NULL;
	if (!json_is_integer(from) || (until && !json_is_integer(until)))
		return NULL;
	if (conf && (!json_is_integer(conf) || json_integer_value(conf) < 0 ||
	             json_integer_value(conf) > 100))
		return NULL;
	if (tlpj && (!json_is_string(tlpj) || cg_tlp_parse(json_string_value(tlpj), &tlp)))
		return NULL;
	if (!text_ok(it, "ext_id") || !text_ok(it, "description"))
		return NULL;
	json_t *o = json_pack("{s:s,s:s,s:I}", "type", type, "value", norm, "valid_from",
	                      (json_int_t)json_integer_value(from));
	if (!o)
		return NULL;
	if (until)
		json_object_set_new(o, "valid_until", json_integer(json_integer_value(until)));
	if (conf)
		json_object_set_new(o, "confidence", json_integer(json_integer_value(conf)));
	if (tlpj)
		json_object_set_new(o, "tlp", json_string(cg_tlp_name(tlp)));
	static const char *const texts[] = {"ext_id", "description"};
	for (size_t i = 0; i < 2; i++) {
		const json_t *v = json_object_get(it, texts[i]);
		if (v)
			json_object_set_new(o, texts[i], json_string(json_string_value(v)));
	}
	return o;
}

static int take_items(cg_intel_wire *w, const json_t *p)
{
	const json_t *arr = json_object_get(p, "items");
	if (!json_is_array(arr))
		return refuse(w, "an ITEM without its items");
	size_t i;
	json_t *it;
	json_array_foreach(arr, i, it)
	{
		if (w->have + json_array_size(w->items) >= CG_INTEL_MAX_INDICATORS) {
			w->toobig = true;
			return 1;
		}
		json_t *clean = cg_intel_item_check(it);
		if (!clean)
			return refuse(w, "an item that is not a valid indicator");
		json_array_append_new(w->items, clean);
	}
	return 0;
}

/* 8-4-4-4-12 lower-case hex digits (the child lowered them). */
static bool uuid_ok(const char *s)
{
	if (!s || strlen(s) != 36)
		return false;
	for (size_t i = 0; i < 36; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;
		char c = s[i];
		if (dash ? c != '-' : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return false;
	}
	return true;
}

static int take_events(cg_intel_wire *w, const json_t *p)
{
	const json_t *arr = json_object_get(p, "events");
	if (!json_is_array(arr))
		return refuse(w, "an ITEM without its events");
	size_t i;
	json_t *e;
	json_array_foreach(arr, i, e)
	{
		const char *uuid = cg_json_get_str(e, "uuid");
		const json_t *ts = json_object_get(e, "ts");
		if (!uuid_ok(uuid) || !json_is_integer(ts) ||
		    json_integer_value(ts) <= w->after_s || json_integer_value(ts) < 1 ||
		    json_integer_value(ts) > 99999999999)
			return refuse(
			    w, "an event that is not a uuid with a timestamp after the cursor");
		if (w->nev == CG_INTEL_FEED_MAX_EVENTS)
			return refuse(w, "more events than a manifest may list");
		if (w->nev == w->cap) {
			size_t cap = w->cap ? w->cap * 2 : 64;
			cg_mispfeed_event *g = realloc(w->ev, cap * sizeof *g);
			if (!g)
				return refuse(w, "out of memory");
			w->ev = g;
			w->cap = cap;
		}
		memcpy(w->ev[w->nev].uuid, uuid, 37);
		w->ev[w->nev].ts = json_integer_value(ts);
		w->nev++;
	}
	return 0;
}

/* A count of DONE: a non-negative integer. */
static bool count(const json_t *p, const char *key, uint64_t *out)
{
	const json_t *v = json_object_get(p, key);
	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return false;
	*out = (uint64_t)json_integer_value(v);
	return true;
}

static int by_time(const void *a, const void *b)
{
	const cg_mispfeed_event *x = a, *y = b;
	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	return strcmp(x->uuid, y->uuid);
}

static int take_done(cg_intel_wire *w, const json_t *p)
{
	if (w->doc == CG_INTEL_DOC_MANIFEST) {
		uint64_t sk;
		if (!count(p, "skipped", &sk) || sk > CG_INTEL_FEED_MAX_EVENTS)
			return refuse(w, "a DONE without its count");
		w->skipped = (size_t)sk;
		if (w->nev)
			qsort(w->ev, w->nev, sizeof *w->ev, by_time);
		w->done = true;
		return 0;
	}
	cg_intel_stats s;
	if (!count(p, "objects", &s.objects) || !count(p, "indicators", &s.indicators) ||
	    !count(p, "taken", &s.taken) || !count(p, "skipped", &s.skipped) ||
	    !count(p, "expired", &s.expired))
		return refuse(w, "a DONE without its counts");
	if (s.taken != json_array_size(w->items) || s.expired > s.taken)
		return refuse(w, "a DONE whose counts are not the items sent");
	w->st = s;
	if (w->doc == CG_INTEL_DOC_STIX) {
		const json_t *more = json_object_get(p, "more");
		const char *next = cg_json_get_str(p, "next");
		if ((more && !json_is_boolean(more)) ||
		    (next && strlen(next) >= sizeof w->page.next))
			return refuse(w, "a DONE with a malformed next page");
		w->page.more = json_is_true(more);
		if (next)
			memcpy(w->page.next, next, strlen(next) + 1);
	}
	w->done = true;
	return 0;
}

int cg_intel_wire_take(cg_intel_wire *w, uint8_t type, const json_t *p)
{
	if (w->done || w->error)
		return refuse(w, "a message after the end");
	if (!json_is_object(p))
		return refuse(w, "a message that is not a JSON object");
	switch (type) {
	case CG_SBMSG_ITEM:
		return w->doc == CG_INTEL_DOC_MANIFEST ? take_events(w, p) : take_items(w, p);
	case CG_SBMSG_DONE:
		return take_done(w, p);
	case CG_SBMSG_ERROR: {
		const char *c = cg_json_get_str(p, "code");
		w->error = true;
		w->code = c && strcmp(c, "toobig") == 0  ? CG_ETOOBIG
		          : c && strcmp(c, "nomem") == 0 ? CG_ENOMEM
		                                         : CG_EPARSE;
		return 0;
	}
	default:
		return refuse(w, "an unexpected message");
	}
}
