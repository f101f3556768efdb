/*
 * intel_feed.c - [intel.NAME] sources, their pull, and the bounded HTTP
 * exchange (intel_feed.h). libcurl's easy interface: one request at a
 * time from the source's job, which is all a pull every few minutes
 * needs.
 */
#include "intel_feed.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/config_sections.h"
#include "core/fileio.h"
#include "core/json.h"
#include "core/timeutil.h"
#include "intel.h"
#include "intel_mispfeed.h"
#include "intel_readers.h"

static const char *const feed_keys[] = {"kind",        "url",     "token_file", "interval",
                                        "expire_days", "ca_file", "page_size"};

const char *cg_intel_kind_name(cg_intel_kind k)
{
	return k == CG_INTEL_MISP ? "misp" : k == CG_INTEL_MISP_FEED ? "misp-feed" : "taxii";
}

static int key_line(const cg_config *ini, const char *sec, const char *key)
{
	const char *s, *k;
	int line;
	for (size_t i = 0; cg_config_entry(ini, i, &s, &k, &line); i++)
		if (strcmp(s, sec) == 0 && (!key || strcmp(k, key) == 0))
			return line;
	return 0;
}

static cg_err bad(cg_buf *why, const cg_config *ini, const char *sec, const char *key,
                  const char *reason)
{
	cg_buf_reset(why);
	cg_buf_printf(why, "%s:%d: [%s] %s", cg_config_name(ini), key_line(ini, sec, key), sec,
	              reason);
	return CG_EINVAL;
}

/* One [section] into item (a cg_intel_feed: cg_config_read_sections' callback). */
static cg_err one_feed(const cg_config *ini, const char *sec, void *item, cg_buf *why)
{
	cg_intel_feed *f = item;
	memset(f, 0, sizeof *f);
	const char *name = sec + strlen("intel.");
	snprintf(f->name, sizeof f->name, "%s", name);
	snprintf(f->job, sizeof f->job, "intel:%s", name);
	const char *kind = cg_config_get(ini, sec, "kind");
	if (!kind || (strcmp(kind, "taxii") && strcmp(kind, "misp") && strcmp(kind, "misp-feed")))
		return bad(why, ini, sec, "kind", "kind must be taxii, misp or misp-feed");
	f->kind = strcmp(kind, "misp") == 0        ? CG_INTEL_MISP
	          : strcmp(kind, "misp-feed") == 0 ? CG_INTEL_MISP_FEED
	                                           : CG_INTEL_TAXII;
	const char *url = cg_config_get(ini, sec, "url");
	if (!url || (strncmp(url, "http://", 7) && strncmp(url, "https://", 8)) ||
	    strlen(url) >= sizeof f->url - 64)
		return bad(why, ini, sec, "url", "url must be an http:// or https:// URL");
	for (const char *p = url; *p; p++)
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f)
			return bad(why, ini, sec, "url", "url must be printable ASCII");
	/* the TAXII objects/ and manifest/ paths are appended: one '/' */
	snprintf(f->url, sizeof f->url, "%s%s", url,
	         f->kind == CG_INTEL_TAXII && url[strlen(url) - 1] != '/' ? "/" : "");
	if (f->kind != CG_INTEL_TAXII && f->url[strlen(f->url) - 1] == '/')
		f->url[strlen(f->url) - 1] = 0;
	const char *ca = cg_config_get(ini, sec, "ca_file");
	if (ca && snprintf(f->ca_file, sizeof f->ca_file, "%s", ca) >= (int)sizeof f->ca_file)
		return bad(why, ini, sec, "ca_file", "ca_file: path too long");
	cg_err err = cg_config_get_int(ini, sec, "interval", CG_INTEL_MIN_PERIOD_S, 366 * 86400,
	                               CG_INTEL_PERIOD_S, &f->interval_s, why);
	if (!err)
		err = cg_config_get_int(ini, sec, "expire_days", 0, 36500, 0, &f->expire_days, why);
	if (!err)
		err = cg_config_get_int(ini, sec, "page_size", 1, CG_INTEL_TAXII_PAGE,
		                        CG_INTEL_TAXII_PAGE, &f->page_size, why);
	if (err)
		return err;
	const char *tf = cg_config_get(ini, sec, "token_file");
	if (tf) {
		cg_buf tok, r;
		cg_buf_init(&tok, sizeof f->secret - 1);
		cg_buf_init(&r, 1024);
		err = cg_read_file(tf, &tok, &r);
		if (!err) {
			/* the token, without the blank and line ends around it */
			cg_slice t = cg_buf_slice(&tok);
			while (t.len && (unsigned char)t.ptr[t.len - 1] <= 0x20)
				t.len--;
			while (t.len && (unsigned char)t.ptr[0] <= 0x20)
				t.ptr++, t.len--;
			for (size_t i = 0; i < t.len && !err; i++)
				if ((unsigned char)t.ptr[i] < 0x21 ||
				    (unsigned char)t.ptr[i] > 0x7e)
					err = CG_EINVAL;
			if (err || t.len == 0)
				err = bad(why, ini, sec, "token_file",
				          "token_file must hold one printable token");
			else
				memcpy(f->secret, t.ptr, t.len);
		} else {
			char msg[1200];
			snprintf(msg, sizeof msg, "token_file: %s", cg_buf_cstr(&r));
			err = bad(why, ini, sec, "token_file", msg);
		}
		cg_buf_free(&r);
		cg_buf_free(&tok);
	}
	return err;
}

cg_err cg_intel_feeds_from_config(const cg_config *ini, cg_intel_feed **out, size_t *n, cg_buf *why)
{
	static const cg_config_sections rules = {
	    .prefix = "intel.",
	    .keys = feed_keys,
	    .nkeys = sizeof feed_keys / sizeof *feed_keys,
	    .max = CG_INTEL_MAX_FEEDS,
	    .name_max = CG_INTEL_NAME_MAX,
	    .name_rule = "the name must be 1-64 letters, digits, '-', '_' or '.'",
	};
	void *items;
	cg_err err = cg_config_read_sections(ini, &rules, sizeof **out, one_feed, &items, n, why);
	*out = items;
	return err;
}

/* ---- HTTP ----------------------------------------------------------- */

typedef struct sink {
	cg_buf *out;
	bool over;
	char *added_last, *ctype;
} sink;

static size_t on_body(char *p, size_t size, size_t nmemb, void *ud)
{
	sink *s = ud;
	if (cg_buf_append(s->out, p, size * nmemb)) {
		s->over = true;
		return 0;
	}
	return size * nmemb;
}

/* "Name: value" into dst (n bytes) when the header line is name's. */
static void header_value(const char *line, size_t len, const char *name, char *dst, size_t n)
{
	size_t nl = strlen(name);
	if (!dst || len <= nl + 1 || strncasecmp(line, name, nl) != 0 || line[nl] != ':')
		return;
	const char *v = line + nl + 1, *end = line + len;
	while (v < end && (*v == ' ' || *v == '\t'))
		v++;
	while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' '))
		end--;
	size_t vl = (size_t)(end - v);
	if (vl < n) {
		memcpy(dst, v, vl);
		dst[vl] = 0;
	}
}

static size_t on_header(char *p, size_t size, size_t nmemb, void *ud)
{
	sink *s = ud;
	size_t len = size * nmemb;
	header_value(p, len, "X-TAXII-Date-Added-Last", s->added_last, 64);
	header_value(p, len, "Content-Type", s->ctype, 128);
	return len;
}

cg_err cg_intel_http(const char *method, const char *url, const char *const *headers,
                     const char *ca_file, cg_slice body, cg_buf *out, long *status,
                     char *date_added_last, char *content_type, cg_buf *why)
{
	*status = 0;
	if (date_added_last)
		*date_added_last = 0;
	if (content_type)
		*content_type = 0;
	CURL *h = curl_easy_init();
	if (!h)
		return CG_ENOMEM;
	struct curl_slist *hl = NULL;
	for (size_t i = 0; headers && headers[i]; i++)
		hl = curl_slist_append(hl, headers[i]);
	sink s = {out, false, date_added_last, content_type};
	char errbuf[CURL_ERROR_SIZE] = "";
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, (long)CG_INTEL_HTTP_TIMEOUT_S);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hl);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &s);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, &s);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "canhgac");
	if (ca_file && *ca_file)
		curl_easy_setopt(h, CURLOPT_CAINFO, ca_file);
	if (strcmp(method, "POST") == 0) {
		curl_easy_setopt(h, CURLOPT_POST, 1L);
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, body.ptr ? body.ptr : "");
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body.len);
	}
	CURLcode rc = curl_easy_perform(h);
	cg_err err = CG_OK;
	if (s.over) {
		cg_buf_printf(why, "%s: the answer is larger than %zu bytes", url, out->max);
		err = CG_ETOOBIG;
	} else if (rc != CURLE_OK) {
		cg_buf_printf(why, "%s: %s", url, errbuf[0] ? errbuf : curl_easy_strerror(rc));
		err = CG_EIO;
	} else {
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, status);
	}
	curl_slist_free_all(hl);
	curl_easy_cleanup(h);
	return err;
}

/* ---- pulls ---------------------------------------------------------- */

/* The source's cursor in the store ("" when none). */
static void cursor_of(cg_store *st, const char *name, int64_t now_ms, char *out, size_t n)
{
	json_t *items = NULL;
	out[0] = 0;
	if (cg_store_intel_sources(st, now_ms, &items))
		return;
	size_t i;
	json_t *o;
	json_array_foreach(items, i, o)
	{
		const char *c = cg_json_get_str(o, "cursor");
		if (c && strcmp(cg_json_get_str(o, "name"), name) == 0 && strlen(c) < n)
			memcpy(out, c, strlen(c) + 1);
	}
	json_decref(items);
}

static cg_err url_param(cg_buf *u, const char *key, const char *value)
{
	char *e = curl_easy_escape(NULL, value, 0);
	if (!e)
		return CG_ENOMEM;
	cg_err err = cg_buf_printf(u, "&%s=%s", key, e);
	curl_free(e);
	return err;
}

static cg_err pull_taxii(const cg_intel_feed *f, int64_t now_ms, const char *cursor, json_t **items,
                         cg_intel_stats *s, cg_intel_pull_result *res, char *new_cursor,
                         cg_buf *why)
{
	char auth[600] = "";
	const char *hdrs[] = {"Accept: application/taxii+json;version=2.1", NULL, NULL};
	if (f->secret[0]) {
		snprintf(auth, sizeof auth, "Authorization: Bearer %s", f->secret);
		hdrs[1] = auth;
	}
	cg_buf url, body;
	cg_buf_init(&url, 8192);
	cg_buf_init(&body, CG_INTEL_MAX_INPUT);
	cg_intel_page page = {0};
	cg_err err = CG_OK;
	memcpy(new_cursor, cursor, strlen(cursor) + 1);
	do {
		cg_buf_reset(&url);
		cg_buf_reset(&body);
		err = cg_buf_printf(&url, "%sobjects/?match%%5Btype%%5D=indicator&limit=%lld",
		                    f->url, (long long)f->page_size);
		if (!err && cursor[0])
			err = url_param(&url, "added_after", cursor);
		if (!err && page.next[0])
			err = url_param(&url, "next", page.next);
		long status = 0;
		char last[64], ctype[128];
		if (!err)
			err = cg_intel_http("GET", cg_buf_cstr(&url), hdrs, f->ca_file,
			                    (cg_slice){0}, &body, &status, last, ctype, why);
		if (!err && status != 200) {
			cg_buf_printf(why, "%s: HTTP %ld", cg_buf_cstr(&url), status);
			err = CG_EIO;
		}
		if (!err && strncasecmp(ctype, "application/taxii+json", 22) != 0) {
			cg_buf_printf(why, "%s: not a TAXII answer (Content-Type '%s')",
			              cg_buf_cstr(&url), ctype);
			err = CG_EPARSE;
		}
		if (!err) {
			cg_buf r;
			cg_buf_init(&r, 1024);
			err = cg_intel_readers_get()->stix(cg_buf_slice(&body), now_ms, items, s,
			                                   &page, &r);
			if (err)
				cg_buf_printf(why, "%s: %s", cg_buf_cstr(&url), cg_buf_cstr(&r));
			cg_buf_free(&r);
		}
		/* the newest date added seen: where the next pull starts */
		if (!err && last[0] && strcmp(last, new_cursor) > 0)
			memcpy(new_cursor, last, strlen(last) + 1);
		res->pages++;
	} while (!err && page.more && page.next[0] && res->pages < CG_INTEL_MAX_PAGES);
	cg_buf_free(&url);
	cg_buf_free(&body);
	explicit_bzero(auth, sizeof auth);
	return err;
}

static cg_err pull_misp(const cg_intel_feed *f, int64_t now_ms, const char *cursor, json_t **items,
                        cg_intel_stats *s, cg_intel_pull_result *res, char *new_cursor, cg_buf *why)
{
	char auth[600], url[2200];
	snprintf(auth, sizeof auth, "Authorization: %s", f->secret);
	snprintf(url, sizeof url, "%s/events/restSearch", f->url);
	const char *hdrs[] = {auth, "Accept: application/json", "Content-Type: application/json",
	                      NULL};
	json_t *q = json_pack("{s:s,s:b,s:b}", "returnFormat", "json", "to_ids", 1, "deleted", 0);
	if (cursor[0])
		json_object_set_new(q, "timestamp", json_string(cursor));
	char *qtext = json_dumps(q, JSON_COMPACT);
	json_decref(q);
	cg_buf body;
	cg_buf_init(&body, CG_INTEL_MAX_INPUT);
	long status = 0;
	cg_err err = qtext ? cg_intel_http("POST", url, hdrs, f->ca_file, cg_slice_cstr(qtext),
	                                   &body, &status, NULL, NULL, why)
	                   : CG_ENOMEM;
	free(qtext);
	if (!err && status != 200) {
		cg_buf_printf(why, "%s: HTTP %ld", url, status);
		err = CG_EIO;
	}
	if (!err) {
		cg_buf r;
		cg_buf_init(&r, 1024);
		err = cg_intel_readers_get()->misp(cg_buf_slice(&body), now_ms, items, s, &r);
		if (err)
			cg_buf_printf(why, "%s: %s", url, cg_buf_cstr(&r));
		cg_buf_free(&r);
	}
	/* next time: what changed since a minute before this pull began */
	snprintf(new_cursor, 64, "%lld", (long long)(now_ms / 1000 - 60));
	res->pages = 1;
	cg_buf_free(&body);
	explicit_bzero(auth, sizeof auth);
	return err;
}

cg_err cg_intel_pull(const cg_intel_feed *f, cg_store *st, int64_t now_ms,
                     cg_intel_pull_result *res, cg_buf *why)
{
	*res = (cg_intel_pull_result){0};
	char cursor[64], next[64];
	cursor_of(st, f->name, now_ms, cursor, sizeof cursor);
	json_t *items = json_array();
	cg_intel_stats s = {0};
	const char *kind = cg_intel_kind_name(f->kind);
	cg_err err = f->kind == CG_INTEL_MISP
	                 ? pull_misp(f, now_ms, cursor, &items, &s, res, next, why)
	             : f->kind == CG_INTEL_MISP_FEED
	                 ? cg_mispfeed_pull(f, now_ms, cursor, &items, &s, res, next, why)
	                 : pull_taxii(f, now_ms, cursor, &items, &s, res, next, why);
	if (!err) {
		cg_intel_expire_after(items, f->expire_days);
		if ((err = cg_store_intel_put(st, f->name, kind, items, now_ms, &res->added)))
			cg_buf_printf(why, "not stored: %s", cg_store_errmsg());
	}
	res->taken = (int64_t)s.taken;
	res->skipped = (int64_t)s.skipped;
	json_decref(items);
	cg_err rec = cg_store_intel_pulled(st, f->name, kind, err ? NULL : next,
	                                   err ? cg_buf_cstr(why) : NULL, now_ms);
	return err ? err : rec;
}
