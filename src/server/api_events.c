/*
 * api_events.c - event ingest and the events list.
 *
 * POST /events: the body (JSON array or JSON lines, maybe gzip: decoded
 * by http.c) is split into events; each is decoded and validated by
 * cg_event_decode (strict: sizes, types, UTF-8, a sender id), refused
 * one by one with its reason, mapped to an agency, and the good ones are
 * committed in ONE transaction before the 200 is sent. Ids already stored
 * count as duplicates (agents retry after a lost answer).
 *
 * Agency mapping, in order: the event's `agency` naming a known agency
 * (its code, or its id in decimal); else the `host` address inside one of
 * an agency's ip_ranges (the longest prefix wins); else the API token's
 * agency. Both questions go to the server's cached agency table
 * (api/agencytable.h), rebuilt only when agencies change. A token bound
 * to an agency can only file events under that agency: whatever the
 * event claims, it lands there.
 *
 * System mapping: the host of the event's `subject` (when it is a URL) or
 * its `host` field, compared with each system's domains, URL hosts and
 * IPs (case-insensitive); the first system that matches within the
 * event's agency (or any agency when the event has none yet, which then
 * takes the system's agency).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/ingest.h"
#include "api_metrics.h"
#include "api/netaddr.h"
#include "api/triage.h"
#include "incident_auto.h"
#include "core/event.h"
#include "core/json.h"
#include "core/limits.h"
#include "core/timeutil.h"
#include "events_filter.h"
#include "server.h"

void api_events_ingest(cg_req *req, cg_resp *resp);
void api_events_list(cg_req *req, cg_resp *resp);
void api_events_get(cg_req *req, cg_resp *resp);

/* One name of a system (a domain, an IP, a URL's host), lowercased. */
typedef struct sysname {
	char host[256];
	int64_t system_id;
	int64_t agency_id;
} sysname;

typedef struct agmap {
	cg_agency_table *agencies; /* the server's cached address plan */
	json_t *systems;           /* [{id, agency_id, urls, domains, ips}] */
	sysname *names;            /* sorted by host, then system id */
	size_t nnames;
} agmap;

static void host_of(const char *s, char *out, size_t n);
static cg_err names_build(agmap *m);

static cg_err agmap_load(cg_server *srv, agmap *m)
{
	memset(m, 0, sizeof *m);
	cg_err err = cg_agency_cache_get(&srv->agencies, srv->store, &m->agencies);
	if (!err)
		err = cg_store_system_map(srv->store, &m->systems);
	if (!err)
		err = names_build(m);
	return err;
}

static int cmp_name(const void *a, const void *b)
{
	const sysname *x = a, *y = b;
	int c = strcmp(x->host, y->host);
	if (c)
		return c;
	return x->system_id < y->system_id ? -1 : x->system_id > y->system_id;
}

static void lower(char *s)
{
	for (; *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s - 'A' + 'a');
}

/* The sorted index of every system's names, so mapping an event is a
 * binary search, not a loop over all systems. */
static cg_err names_build(agmap *m)
{
	static const char *const lists[] = {"domains", "ips", "urls"};
	size_t cap = 0, i;
	json_t *sys;
	json_array_foreach(m->systems, i, sys)
	{
		for (int k = 0; k < 3; k++) {
			size_t j;
			json_t *v;
			json_array_foreach(json_object_get(sys, lists[k]), j, v)
			{
				const char *x = json_string_value(v);
				if (!x)
					continue;
				if (m->nnames == cap) {
					cap = cap ? cap * 2 : 64;
					sysname *p = realloc(m->names, cap * sizeof *p);
					if (!p)
						return CG_ENOMEM;
					m->names = p;
				}
				sysname *e = &m->names[m->nnames];
				if (k == 2)
					host_of(x, e->host, sizeof e->host);
				else
					snprintf(e->host, sizeof e->host, "%s", x);
				if (!e->host[0])
					continue;
				lower(e->host);
				e->system_id = json_integer_value(json_object_get(sys, "id"));
				e->agency_id =
				    json_integer_value(json_object_get(sys, "agency_id"));
				m->nnames++;
			}
		}
	}
	if (m->nnames)
		qsort(m->names, m->nnames, sizeof *m->names, cmp_name);
	return CG_OK;
}

static void agmap_free(agmap *m)
{
	free(m->names);
	cg_agency_table_release(m->agencies);
	json_decref(m->systems);
}

static int64_t map_agency(const agmap *m, const cg_event *ev, int64_t token_agency)
{
	if (token_agency > 0)
		return token_agency;
	const cg_agency_ref *a = cg_agency_table_find(m->agencies, ev->agency);
	if (!a && ev->host && *ev->host)
		a = cg_agency_table_route_text(m->agencies, cg_slice_cstr(ev->host));
	return a ? a->id : 0;
}

/* The host part of "scheme://host[:port]/..." (or s itself when it has no
 * scheme), into out. */
static void host_of(const char *s, char *out, size_t n)
{
	out[0] = '\0';
	if (!s)
		return;
	const char *p = strstr(s, "://");
	p = p ? p + 3 : s;
	const char *at = strpbrk(p, "@/");
	if (at && *at == '@')
		p = at + 1;
	size_t len = 0;
	if (*p == '[') { /* [v6]:port */
		p++;
		while (p[len] && p[len] != ']')
			len++;
	} else {
		while (p[len] && p[len] != '/' && p[len] != ':' && p[len] != '?' && p[len] != '#')
			len++;
	}
	if (len >= n)
		return;
	memcpy(out, p, len);
	out[len] = '\0';
}

/* The first system named `host` (lowercased) within agency (0 = any). */
static const sysname *find_name(const agmap *m, const char *host, int64_t agency)
{
	if (!*host || !m->nnames)
		return NULL;
	size_t lo = 0, hi = m->nnames;
	while (lo < hi) { /* first entry >= host */
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(m->names[mid].host, host) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < m->nnames && strcmp(m->names[lo].host, host) == 0; lo++)
		if (!agency || m->names[lo].agency_id == agency)
			return &m->names[lo];
	return NULL;
}

/* Sets *system (and *agency when it was 0) from the event's subject/host. */
static void map_system(const agmap *m, const cg_event *ev, int64_t *agency, int64_t *system)
{
	char hosts[2][256];
	host_of(ev->subject && strstr(ev->subject, "://") ? ev->subject : NULL, hosts[0],
	        sizeof hosts[0]);
	host_of(ev->host, hosts[1], sizeof hosts[1]);
	for (int k = 0; k < 2; k++) {
		lower(hosts[k]);
		const sysname *e = find_name(m, hosts[k], *agency);
		if (e) {
			*system = e->system_id;
			if (!*agency)
				*agency = e->agency_id;
			return;
		}
	}
}

static void reject(json_t *rejected, size_t index, const json_t *v, const char *why)
{
	const char *id = json_is_object(v) ? cg_json_get_str(v, "id") : NULL;
	json_t *o = json_pack("{s:I}", "index", (json_int_t)index);
	json_object_set_new(o, "id", id ? cg_json_cstr(id) : json_null());
	json_object_set_new(o, "error", cg_json_cstr(why));
	json_array_append_new(rejected, o);
}

void api_events_ingest(cg_req *req, cg_resp *resp)
{
	const char *ct = cg_req_header(req, "Content-Type");
	if (ct && strncmp(ct, "application/json", 16) != 0 &&
	    strncmp(ct, "application/x-ndjson", 20) != 0 &&
	    strncmp(ct, "application/jsonl", 17) != 0) {
		cg_resp_error(resp, 415, "expected application/json or application/x-ndjson", NULL);
		return;
	}
	int64_t t0 = cg_mono_us();
	cg_ingest_batch b;
	cg_buf why;
	cg_buf_init(&why, 1024);
	cg_err err = cg_ingest_split(cg_buf_slice(&req->body), &b, &why);
	if (err) {
		char msg[1200];
		snprintf(msg, sizeof msg, "%s%s",
		         err == CG_ETOOBIG ? "" : "invalid JSON: ", cg_buf_cstr(&why));
		cg_resp_error(resp, err == CG_ETOOBIG ? 413 : 400, msg, NULL);
		cg_buf_free(&why);
		return;
	}
	agmap m;
	if ((err = agmap_load(req->srv, &m))) {
		agmap_free(&m);
		cg_ingest_batch_free(&b);
		cg_buf_free(&why);
		cg_resp_store_error(resp, err, "agencies");
		return;
	}
	/* dedup is per producer: this token or this user */
	char producer[48];
	snprintf(producer, sizeof producer, "%s:%lld", req->who.is_token ? "token" : "user",
	         (long long)req->who.id);
	cg_event *evs = calloc(b.n ? b.n : 1, sizeof *evs);
	cg_event_in *ins = calloc(b.n ? b.n : 1, sizeof *ins);
	json_t *rejected = json_array();
	size_t n = 0;
	for (size_t i = 0; evs && ins && i < b.n; i++) {
		if (!b.items[i].value) {
			reject(rejected, i, NULL,
			       b.items[i].error ? b.items[i].error : "invalid JSON");
			continue;
		}
		cg_buf_reset(&why);
		if (cg_event_decode(b.items[i].value, &evs[n], false, &why)) {
			reject(rejected, i, b.items[i].value, cg_buf_cstr(&why));
			continue;
		}
		ins[n].ev = &evs[n];
		ins[n].producer = producer;
		ins[n].agency_id = map_agency(&m, &evs[n], req->who.agency_id);
		map_system(&m, &evs[n], &ins[n].agency_id, &ins[n].system_id);
		n++;
	}
	size_t accepted = 0, dups = 0;
	if (!evs || !ins)
		err = CG_ENOMEM;
	else if (n)
		err = cg_store_events_insert(req->srv->store, ins, n, cg_time_now_ms(), &accepted,
		                             &dups);
	if (err)
		cg_resp_store_error(resp, err, "events");
	else
		cg_metrics_ingest(accepted, dups, json_array_size(rejected),
		                  (uint64_t)(cg_mono_us() - t0));
	if (!err && accepted)
		cg_incident_auto_poke(); /* the auto-case rules look at them soon */
	if (!err)
		cg_resp_json(resp, 200,
		             json_pack("{s:I,s:I,s:O}", "accepted", (json_int_t)accepted,
		                       "duplicates", (json_int_t)dups, "rejected", rejected));
	for (size_t i = 0; evs && i < n; i++)
		cg_event_clear(&evs[i]);
	free(evs);
	free(ins);
	json_decref(rejected);
	agmap_free(&m);
	cg_ingest_batch_free(&b);
	cg_buf_free(&why);
}

static bool time_arg(cg_req *req, cg_resp *resp, const char *name, int64_t *out)
{
	*out = 0;
	const char *v = cg_req_arg(req, name);
	if (!v || !*v)
		return true;
	if (cg_time_parse(cg_slice_cstr(v), out)) {
		char msg[96];
		snprintf(msg, sizeof msg, "%s: expected an RFC 3339 time or YYYY-MM-DD", name);
		cg_resp_error(resp, 400, msg, NULL);
		return false;
	}
	return true;
}

/* The filters of the events list, also those of its export (events_filter.h). */
bool cg_events_filter_args(cg_req *req, cg_resp *resp, cg_event_query *qp)
{
	cg_event_query q = {0};
	int64_t sev = 0;
	if (!cg_req_int_arg(req, resp, "agency_id", 1, INT64_MAX, &q.agency_id) ||
	    !cg_req_int_arg(req, resp, "system_id", 1, INT64_MAX, &q.system_id) ||
	    !cg_req_int_arg(req, resp, "before", 1, INT64_MAX, &q.before_seq) ||
	    !cg_req_int_arg(req, resp, "limit", 1, CG_MAX_LIST_LIMIT, &q.limit) ||
	    !time_arg(req, resp, "since", &q.since_ms) ||
	    !time_arg(req, resp, "until", &q.until_ms))
		return false;
	if (!q.limit)
		q.limit = CG_DEFAULT_LIST_LIMIT;
	const char *s = cg_req_arg(req, "severity");
	if (s && *s) {
		cg_severity level;
		if (cg_severity_parse(s, &level) != CG_OK) {
			cg_resp_error(resp, 400, "severity: one of info low medium high critical",
			              NULL);
			return false;
		}
		sev = level;
	}
	q.severity_min = (int)sev;
	const char *st = cg_req_arg(req, "state");
	cg_triage_state ts;
	if (st && *st && cg_triage_state_parse(st, &ts) != CG_OK) {
		cg_resp_error(resp, 400,
		              "state: one of new acknowledged false_positive in_incident resolved",
		              NULL);
		return false;
	}
	q.state = st;
	q.source = cg_req_arg(req, "source");
	q.kind = cg_req_arg(req, "kind");
	q.q = cg_req_arg(req, "q");
	*qp = q;
	return true;
}

void api_events_list(cg_req *req, cg_resp *resp)
{
	cg_event_query q;
	if (!cg_events_filter_args(req, resp, &q))
		return;
	json_t *items = NULL;
	int64_t next = 0;
	cg_err err = cg_store_events_query(req->srv->store, &req->scope, &q, &items, &next);
	if (err) {
		cg_resp_store_error(resp, err, "events");
		return;
	}
	json_t *o = json_pack("{s:o}", "items", items);
	json_object_set_new(o, "next", next ? json_integer(next) : json_null());
	cg_resp_json(resp, 200, o);
}

void api_events_get(cg_req *req, cg_resp *resp)
{
	json_t *ev = NULL;
	cg_err err = cg_store_event_get(req->srv->store, &req->scope, req->id, &ev);
	if (err)
		cg_resp_store_error(resp, err, "event");
	else
		cg_resp_json(resp, 200, ev);
}

/* ---- routes (gathered by routes.c; who may call each: api/policy.h) --- */

CG_ROUTE_GROUP(api_events);
const cg_route api_events_routes[] = {
    {"POST", "/api/v1/events", api_events_ingest, CG_PRES_EVENT, CG_ACT_INGEST, NULL},
    {"GET", "/api/v1/events", api_events_list, CG_PRES_EVENT, CG_ACT_READ, NULL},
    {"GET", "/api/v1/events/{id}", api_events_get, CG_PRES_EVENT, CG_ACT_READ, NULL},
};
CG_ROUTE_COUNT(api_events);
