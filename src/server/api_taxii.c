/*
 * api_taxii.c - a read-only TAXII 2.1 server under /taxii2/, from which
 * the national monitoring centre or a partner province pulls the
 * province's findings as STIX 2.1:
 *
 *   GET /taxii2/                                     discovery
 *   GET /taxii2/api/                                 the one API root
 *   GET /taxii2/api/collections/                     one collection per TLP level
 *   GET /taxii2/api/collections/ID/                  one collection
 *   GET /taxii2/api/collections/ID/objects/          ?added_after &limit &next
 *                                                    &match[type] &match[id]
 *   GET /taxii2/api/collections/ID/objects/OBJECT/   one object
 *   GET /taxii2/api/collections/ID/manifest/         the same filters
 *
 * One route row (/taxii2/ and everything below it, resource "sharing", action read), so the
 * policy decides who may pull as for the STIX export: admin, analyst and
 * read-scope API tokens ("Authorization: Bearer cgt_..."), a token bound to
 * an agency getting that agency's findings only. Nothing is written:
 * there is no POST or DELETE route. What a collection holds, what the
 * parameters mean and which objects make a page are share/taxii.h; the
 * objects are share/stix_export.h's, built from the store once per store
 * change: a built collection (per TLP level and caller's agency) is kept
 * and served again while the newest event's seq and the newest audit row
 * (every change to triage, cases and agencies writes one) are the same,
 * for at most CG_TAXII_CACHE_MS (what no mark shows -- an insert still
 * committing on PostgreSQL, retention deleting old events -- shows by
 * then).
 * Every answer is application/taxii+json;version=2.1, errors as TAXII
 * error objects; a client whose Accept names neither that nor a wildcard
 * gets 406.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"
#include "core/timeutil.h"
#include "server.h"
#include "share/stix_export.h"
#include "share/taxii.h"

void api_taxii(cg_req *req, cg_resp *resp);

static void taxii_json(cg_resp *resp, unsigned status, json_t *body)
{
	cg_resp_json(resp, status, body);
	resp->content_type = CG_TAXII_MEDIA;
}

static void taxii_error(cg_resp *resp, unsigned status, const char *title, const char *desc)
{
	char st[8];
	snprintf(st, sizeof st, "%u", status);
	json_t *e = json_pack("{s:s,s:s}", "title", title, "http_status", st);
	if (e && desc)
		json_object_set_new(e, "description", cg_json_cstr(desc));
	taxii_json(resp, status, e);
}

static bool acceptable(cg_req *req)
{
	const char *a = cg_req_header(req, "Accept");
	return !a || strstr(a, "application/taxii+json") || strstr(a, "*/*") ||
	       strstr(a, "application/*");
}

static json_t *collection(cg_tlp t)
{
	char id[40], title[40], alias[40], desc[160];
	cg_taxii_collection_id(t, id);
	snprintf(alias, sizeof alias, "tlp-%s", cg_tlp_name(t));
	snprintf(title, sizeof title, "TLP:%s", cg_tlp_name(t));
	for (char *p = title + 4; *p; p++)
		if (*p >= 'a' && *p <= 'z')
			*p = (char)(*p - 32);
	snprintf(desc, sizeof desc,
	         "The province's findings shareable at %s or a clearer level (STIX 2.1)", title);
	return json_pack("{s:s,s:s,s:s,s:s,s:b,s:b,s:[s]}", "id", id, "title", title, "description",
	                 desc, "alias", alias, "can_read", 1, "can_write", 0, "media_types",
	                 CG_STIX_MEDIA);
}

/* The page's objects (full, or as manifest records) and its headers. */
/* ---- built collections, kept while the store is unchanged ------------- */

typedef struct built {
	int refs; /* the cache's and each request's; freed at 0 */
	cg_tlp level;
	int64_t agency, seq, audit, mono_ms;
	cg_stix *x;
	const cg_stix_item *items;
	size_t n;
} built;

static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static built *g_built[CG_TAXII_CACHE_SLOTS];

static void built_unref_locked(built *b)
{
	if (b && --b->refs == 0) {
		cg_stix_free(b->x);
		free(b);
	}
}

static void built_put(built *b)
{
	pthread_mutex_lock(&g_lock);
	built_unref_locked(b);
	pthread_mutex_unlock(&g_lock);
}

/* The store's change marks: the newest event's seq, the newest audit
 * row's id. */
static cg_err change_marks(cg_store *st, int64_t *seq, int64_t *audit)
{
	cg_scope all = {0};
	cg_event_query q = {0};
	q.limit = 1;
	json_t *items = NULL;
	int64_t next = 0;
	cg_err err = cg_store_events_query(st, &all, &q, &items, &next);
	*seq = json_integer_value(json_object_get(json_array_get(items, 0), "seq"));
	json_decref(items);
	/* the audit log only grows: its newest id, from the index (a count
	 * over the whole log per request would grow with it) */
	*audit = 0;
	if (!err)
		err = cg_store_audit_last(st, audit);
	return err;
}

/* The collection of level as the caller may see it: the kept one when
 * the store has not changed, else built now and kept. Release with
 * built_put. */
static cg_err built_get(cg_req *req, cg_tlp level, built **out)
{
	*out = NULL;
	int64_t seq = 0, audit = 0, mono = cg_mono_ms(), agency = req->scope.agency_id;
	cg_err err = change_marks(req->srv->store, &seq, &audit);
	if (err)
		return err;
	pthread_mutex_lock(&g_lock);
	for (size_t i = 0; i < CG_TAXII_CACHE_SLOTS; i++) {
		built *b = g_built[i];
		if (b && b->level == level && b->agency == agency && b->seq == seq &&
		    b->audit == audit && mono - b->mono_ms < CG_TAXII_CACHE_MS) {
			b->refs++;
			*out = b;
			break;
		}
	}
	pthread_mutex_unlock(&g_lock);
	if (*out)
		return CG_OK;
	built *b = calloc(1, sizeof *b);
	if (!b)
		return CG_ENOMEM;
	*b = (built){2, level, agency, seq, audit, mono, NULL, NULL, 0};
	cg_stix_opts o = {.tlp = level};
	cg_stix_range r = {0};
	cg_buf why;
	cg_buf_init(&why, 1024);
	err = cg_stix_export(req->srv->store, &req->scope, &o, &r, &b->x, &why);
	cg_buf_free(&why);
	if (!err)
		err = cg_stix_items(b->x, &b->items, &b->n);
	if (err) {
		cg_stix_free(b->x);
		free(b);
		return err;
	}
	pthread_mutex_lock(&g_lock);
	/* its slot: the one of the same level and agency, else an empty or
	 * the oldest one */
	size_t slot = 0;
	for (size_t i = 0; i < CG_TAXII_CACHE_SLOTS; i++) {
		built *c = g_built[i];
		if (c && c->level == level && c->agency == agency) {
			slot = i;
			break;
		}
		if (!c || (g_built[slot] && c->mono_ms < g_built[slot]->mono_ms))
			slot = i;
	}
	built_unref_locked(g_built[slot]);
	g_built[slot] = b;
	pthread_mutex_unlock(&g_lock);
	*out = b;
	return CG_OK;
}

static void objects(cg_req *req, cg_resp *resp, cg_tlp level, const char *object_id, bool manifest)
{
	cg_taxii_query q;
	const char *field;
	cg_err err =
	    cg_taxii_query_parse(cg_req_arg(req, "added_after"), cg_req_arg(req, "limit"),
	                         cg_req_arg(req, "next"), cg_req_arg(req, "match[type]"),
	                         object_id ? object_id : cg_req_arg(req, "match[id]"), &q, &field);
	if (err) {
		char d[96];
		snprintf(d, sizeof d, "bad parameter: %s", field);
		taxii_error(resp, 400, object_id ? "no such object" : "invalid parameter", d);
		return;
	}
	built *b = NULL;
	const cg_stix_item *items = NULL;
	size_t n = 0, nidx = 0;
	size_t *idx = NULL;
	bool more = false;
	char next[160];
	err = built_get(req, level, &b);
	if (!err) {
		items = b->items;
		n = b->n;
	}
	if (!err && !(idx = calloc((size_t)q.limit, sizeof *idx)))
		err = CG_ENOMEM;
	if (!err)
		err = cg_taxii_page(items, n, &q, idx, &nidx, &more, next, sizeof next);
	if (err) {
		taxii_error(resp, 500, "the findings could not be read", NULL);
		goto done;
	}
	if (object_id && nidx == 0) {
		taxii_error(resp, 404, "no such object", NULL);
		goto done;
	}
	json_t *list = json_array();
	for (size_t i = 0; i < nidx; i++) {
		const cg_stix_item *it = &items[idx[i]];
		if (manifest) {
			char added[40];
			cg_time_format(it->added_ms, added, sizeof added);
			const char *ver = cg_json_get_str(it->obj, "modified");
			json_array_append_new(
			    list,
			    json_pack("{s:O,s:s,s:s,s:s}", "id", json_object_get(it->obj, "id"),
			              "date_added", added, "version",
			              ver ? ver : cg_json_get_str(it->obj, "created"), "media_type",
			              CG_STIX_MEDIA));
		} else {
			json_array_append(list, it->obj);
		}
	}
	json_t *env = json_pack("{s:b}", "more", more);
	if (more)
		json_object_set_new(env, "next", json_string(next));
	if (json_array_size(list))
		json_object_set_new(env, "objects", list);
	else
		json_decref(list);
	if (nidx) {
		resp->hdr_name[0] = "X-TAXII-Date-Added-First";
		cg_time_format(items[idx[0]].added_ms, resp->hdr_value[0],
		               sizeof resp->hdr_value[0]);
		resp->hdr_name[1] = "X-TAXII-Date-Added-Last";
		cg_time_format(items[idx[nidx - 1]].added_ms, resp->hdr_value[1],
		               sizeof resp->hdr_value[1]);
	}
	taxii_json(resp, 200, env);
done:
	free(idx);
	if (b)
		built_put(b);
}

void api_taxii(cg_req *req, cg_resp *resp)
{
	if (!acceptable(req)) {
		taxii_error(resp, 406, "not acceptable", "this server speaks " CG_TAXII_MEDIA);
		return;
	}
	const char *t = req->tail;
	if (strcmp(t, "") == 0) {
		taxii_json(resp, 200,
		           json_pack("{s:s,s:s,s:s,s:[s]}", "title", "canhgac TAXII 2.1",
		                     "description",
		                     "The province's security findings as STIX 2.1, by TLP level",
		                     "default", "/taxii2/api/", "api_roots", "/taxii2/api/"));
		return;
	}
	if (strcmp(t, "api/") == 0) {
		taxii_json(resp, 200,
		           json_pack("{s:s,s:s,s:[s],s:I}", "title", "canhgac", "description",
		                     "Read-only: the province's findings", "versions",
		                     CG_TAXII_MEDIA, "max_content_length", (json_int_t)0));
		return;
	}
	if (strcmp(t, "api/collections/") == 0) {
		json_t *cs = json_array();
		for (int l = 0; l < CG_TLP_NLEVELS; l++)
			json_array_append_new(cs, collection((cg_tlp)l));
		taxii_json(resp, 200, json_pack("{s:o}", "collections", cs));
		return;
	}
	static const char pre[] = "api/collections/";
	if (strncmp(t, pre, sizeof pre - 1) == 0) {
		const char *c = t + sizeof pre - 1;
		char cid[40];
		const char *slash = strchr(c, '/');
		size_t cl = slash ? (size_t)(slash - c) : 0;
		if (slash && cl < sizeof cid) {
			memcpy(cid, c, cl);
			cid[cl] = 0;
			int level = cg_taxii_collection_level(cid);
			const char *rest = slash + 1;
			if (level >= 0 && strcmp(rest, "") == 0) {
				taxii_json(resp, 200, collection((cg_tlp)level));
				return;
			}
			if (level >= 0 && strcmp(rest, "objects/") == 0) {
				objects(req, resp, (cg_tlp)level, NULL, false);
				return;
			}
			if (level >= 0 && strcmp(rest, "manifest/") == 0) {
				objects(req, resp, (cg_tlp)level, NULL, true);
				return;
			}
			static const char op[] = "objects/";
			size_t rl = strlen(rest);
			if (level >= 0 && strncmp(rest, op, sizeof op - 1) == 0 && rl > sizeof op &&
			    rest[rl - 1] == '/' && rl - sizeof op < 96) {
				char oid[96];
				memcpy(oid, rest + sizeof op - 1, rl - sizeof op);
				oid[rl - sizeof op] = 0;
				objects(req, resp, (cg_tlp)level, oid, false);
				return;
			}
		}
	}
	taxii_error(resp, 404, "not found", NULL);
}

const cg_route api_taxii_routes[] = {
    {"GET", "/taxii2/*", api_taxii, CG_PRES_SHARING, CG_ACT_READ, NULL},
};
CG_ROUTE_COUNT(api_taxii);
