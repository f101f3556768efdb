/*
 * intel_mispfeed.c - MISP feeds in (intel_mispfeed.h): the manifest read
 * into the list of events to fetch, and the pull that fetches them with
 * the bounded HTTP exchange of intel_feed.c.
 */
#include "intel_mispfeed.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"
#include "core/limits.h"
#include "intel_readers.h"

/* 8-4-4-4-12 hex digits, nothing else: the only names put in a URL. */
static bool uuid_ok(const char *s)
{
	if (strlen(s) != 36)
		return false;
	for (size_t i = 0; i < 36; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;
		char c = s[i];
		if (dash ? c != '-'
		         : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
		             (c >= 'A' && c <= 'F')))
			return false;
	}
	return true;
}

/* Seconds (a positive number or a decimal string of one); 0 when not. */
static int64_t seconds(const json_t *v)
{
	int64_t s = 0;
	if (json_is_integer(v))
		s = json_integer_value(v);
	else if (json_is_string(v) &&
	         cg_parse_i64(cg_slice_cstr(json_string_value(v)), 1, 99999999999, &s) != CG_OK)
		s = 0;
	return s > 0 && s <= 99999999999 ? s : 0;
}

static int by_time(const void *a, const void *b)
{
	const cg_mispfeed_event *x = a, *y = b;
	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	return strcmp(x->uuid, y->uuid);
}

cg_err cg_mispfeed_manifest(cg_slice text, int64_t after_s, cg_mispfeed_event **out, size_t *n,
                            size_t *skipped, cg_buf *why)
{
	*out = NULL;
	*n = 0;
	*skipped = 0;
	if (text.len > CG_INTEL_MAX_INPUT) {
		cg_buf_reset(why);
		cg_buf_printf(why, "manifest larger than %u bytes", CG_INTEL_MAX_INPUT);
		return CG_ETOOBIG;
	}
	json_t *doc = NULL;
	if (cg_json_parse(text, &doc, why))
		return CG_EPARSE;
	cg_err err = CG_OK;
	if (!json_is_object(doc)) {
		cg_buf_reset(why);
		cg_buf_puts(why, "not a MISP feed manifest (not an object of events by uuid)");
		err = CG_EPARSE;
	} else if (json_object_size(doc) > CG_INTEL_FEED_MAX_EVENTS) {
		cg_buf_reset(why);
		cg_buf_printf(why, "manifest lists more than %d events", CG_INTEL_FEED_MAX_EVENTS);
		err = CG_ETOOBIG;
	}
	cg_mispfeed_event *ev = NULL;
	size_t ne = 0;
	if (!err && json_object_size(doc) && !(ev = calloc(json_object_size(doc), sizeof *ev)))
		err = CG_ENOMEM;
	const char *key;
	json_t *v;
	json_object_foreach(err ? NULL : doc, key, v)
	{
		int64_t ts = seconds(json_object_get(v, "timestamp"));
		if (!uuid_ok(key) || !ts) {
			(*skipped)++;
			continue;
		}
		if (ts <= after_s)
			continue;
		/* lower case: one spelling in the URL and in ties */
		for (size_t i = 0; i < 36; i++)
			ev[ne].uuid[i] =
			    (char)(key[i] >= 'A' && key[i] <= 'F' ? key[i] + 32 : key[i]);
		ev[ne].ts = ts;
		ne++;
	}
	json_decref(doc);
	if (err || ne == 0) {
		free(ev);
		return err;
	}
	qsort(ev, ne, sizeof *ev, by_time);
	*out = ev;
	*n = ne;
	return CG_OK;
}

cg_err cg_mispfeed_pull(const cg_intel_feed *f, int64_t now_ms, const char *cursor, json_t **items,
                        cg_intel_stats *s, cg_intel_pull_result *res, char *new_cursor, cg_buf *why)
{
	char auth[600] = "", url[2200];
	const char *hdrs[] = {"Accept: application/json", NULL, NULL};
	if (f->secret[0]) {
		snprintf(auth, sizeof auth, "Authorization: %s", f->secret);
		hdrs[1] = auth;
	}
	int64_t after = 0;
	if (cursor[0] && cg_parse_i64(cg_slice_cstr(cursor), 0, 99999999999, &after) != CG_OK)
		after = 0; /* a cursor not ours: everything again (a repeat only updates) */
	snprintf(new_cursor, 64, "%s", cursor);
	cg_buf body;
	cg_buf_init(&body, CG_INTEL_MAX_INPUT);
	long status = 0;
	snprintf(url, sizeof url, "%s/manifest.json", f->url);
	cg_err err = cg_intel_http("GET", url, hdrs, f->ca_file, (cg_slice){0}, &body, &status,
	                           NULL, NULL, why);
	if (!err && status != 200) {
		cg_buf_printf(why, "%s: HTTP %ld", url, status);
		err = CG_EIO;
	}
	cg_mispfeed_event *ev = NULL;
	size_t n = 0, bad = 0;
	if (!err) {
		cg_buf r;
		cg_buf_init(&r, 1024);
		err =
		    cg_intel_readers_get()->manifest(cg_buf_slice(&body), after, &ev, &n, &bad, &r);
		if (err)
			cg_buf_printf(why, "%s: %s", url, cg_buf_cstr(&r));
		cg_buf_free(&r);
		s->skipped += bad;
	}
	res->pages = 1;
	size_t take = n < CG_INTEL_FEED_EVENTS_PER_PULL ? n : CG_INTEL_FEED_EVENTS_PER_PULL;
	for (size_t i = 0; i < take && !err; i++) {
		cg_buf_reset(&body);
		snprintf(url, sizeof url, "%s/%s.json", f->url, ev[i].uuid);
		err = cg_intel_http("GET", url, hdrs, f->ca_file, (cg_slice){0}, &body, &status,
		                    NULL, NULL, why);
		/* a listed event that cannot be fetched fails the pull (the
		 * cursor stays: fetched again next time); one that cannot be
		 * read is skipped, counted, as any input not understood */
		if (!err && status != 200) {
			cg_buf_printf(why, "%s: HTTP %ld", url, status);
			err = CG_EIO;
		}
		res->pages++;
		if (err)
			break;
		cg_buf r;
		cg_buf_init(&r, 1024);
		cg_err rerr =
		    cg_intel_readers_get()->misp(cg_buf_slice(&body), now_ms, items, s, &r);
		if (rerr == CG_EPARSE) {
			s->skipped++;
		} else if (rerr) {
			/* too many, no memory, or a sandboxed reader that crashed
			 * or hung (intel_readers.h): the pull fails */
			cg_buf_printf(why, "%s: %s", url, cg_buf_cstr(&r));
			err = rerr;
		}
		cg_buf_free(&r);
	}
	if (!err && take) {
		int64_t c = ev[take - 1].ts;
		/* cut short among events of one second: that second again */
		if (take < n && ev[take].ts == c && c - 1 > after)
			c--;
		snprintf(new_cursor, 64, "%lld", (long long)c);
	}
	free(ev);
	cg_buf_free(&body);
	explicit_bzero(auth, sizeof auth);
	return err;
}
