/*
 * figures.c - the dashboard's figures, each defined once (see figures.h).
 *
 * Everything here reads through the public store interface: running
 * totals for the open findings and the trend, paged event queries for the
 * distinct-host counts. The pages (overview, endpoints, DNS, portals) ask
 * the server, which calls these functions, so two pages can no longer
 * disagree on what "online" or "infected" means.
 */
#include "store/figures.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "api/triage.h"
#include "core/json.h"
#include "core/limits.h"
#include "core/timeutil.h"
#include "store/infection.h"

#define DAY_MS    86400000LL
#define PAGE      500
#define MAX_PAGES 2000 /* 1,000,000 events: a bound, never reached in a day */

static const char *const SEV[] = {"critical", "high", "medium", "low", "info"};

void cg_fig_agents(const json_t *agents, int64_t agency_id, int64_t *enrolled, int64_t *online)
{
	*enrolled = 0;
	*online = 0;
	size_t i;
	json_t *a;
	json_array_foreach(agents, i, a)
	{
		if (agency_id && json_integer_value(json_object_get(a, "agency_id")) != agency_id)
			continue;
		(*enrolled)++;
		*online += !json_is_true(json_object_get(a, "offline"));
	}
}

bool cg_fig_protected(const json_t *agent)
{
	const json_t *av = json_object_get(agent, "antivirus");
	if (json_is_array(av) && json_array_size(av) > 0) {
		size_t i;
		const json_t *p;
		json_array_foreach(av, i, p)
		{
			if (json_is_true(json_object_get(p, "enabled")) &&
			    json_is_true(json_object_get(p, "up_to_date")))
				return true;
		}
		return false;
	}
	const char *os = json_string_value(json_object_get(agent, "os"));
	return !(os && strncasecmp(os, "windows", 7) == 0);
}

int64_t cg_fig_protected_count(const json_t *agents, int64_t agency_id)
{
	int64_t n = 0;
	size_t i;
	const json_t *a;
	json_array_foreach(agents, i, a)
	{
		if (agency_id && json_integer_value(json_object_get(a, "agency_id")) != agency_id)
			continue;
		n += cg_fig_protected(a);
	}
	return n;
}

static bool str_field(const json_t *p, const char *k, size_t max)
{
	const json_t *v = json_object_get(p, k);
	return json_is_string(v) && json_string_length(v) <= max;
}

cg_err cg_fig_antivirus_check(const json_t *in, json_t **out, cg_buf *why)
{
	*out = NULL;
	if (!json_is_array(in) || json_array_size(in) > CG_AV_MAX_PRODUCTS) {
		cg_buf_printf(why, "antivirus: an array of at most %d products",
		              CG_AV_MAX_PRODUCTS);
		return CG_EINVAL;
	}
	json_t *arr = json_array();
	size_t i;
	const json_t *p;
	json_array_foreach(in, i, p)
	{
		if (!json_is_object(p) || !str_field(p, "name", 256) ||
		    !json_is_boolean(json_object_get(p, "enabled")) ||
		    !json_is_boolean(json_object_get(p, "up_to_date"))) {
			cg_buf_printf(
			    why, "antivirus[%zu]: an object with name, enabled and up_to_date", i);
			json_decref(arr);
			return CG_EINVAL;
		}
		json_t *q = json_pack("{s:O,s:O,s:O}", "name", json_object_get(p, "name"),
		                      "enabled", json_object_get(p, "enabled"), "up_to_date",
		                      json_object_get(p, "up_to_date"));
		if (str_field(p, "state", 32))
			json_object_set(q, "state", json_object_get(p, "state"));
		if (str_field(p, "source", 32))
			json_object_set(q, "source", json_object_get(p, "source"));
		if (json_is_object(json_object_get(p, "raw")))
			json_object_set(q, "raw", json_object_get(p, "raw"));
		json_array_append_new(arr, q);
	}
	cg_buf b;
	cg_buf_init(&b, CG_AV_MAX_HEARTBEAT_JSON);
	cg_err err = cg_json_encode(&b, arr);
	cg_buf_free(&b);
	if (err) {
		cg_buf_printf(why, "antivirus: more than %u bytes", CG_AV_MAX_HEARTBEAT_JSON);
		json_decref(arr);
		return CG_EINVAL;
	}
	*out = arr;
	return CG_OK;
}

/* Calls fn(event, ctx) for every event matching q, newest first. */
static cg_err each_event(cg_store *st, const cg_scope *scope, cg_event_query q,
                         void (*fn)(json_t *, void *), void *ctx)
{
	q.limit = PAGE;
	for (int page = 0; page < MAX_PAGES; page++) {
		json_t *items = NULL;
		int64_t next = 0;
		cg_err err = cg_store_events_query(st, scope, &q, &items, &next);
		if (err)
			return err;
		size_t i;
		json_t *e;
		json_array_foreach(items, i, e) fn(e, ctx);
		json_decref(items);
		if (!next)
			break;
		q.before_seq = next;
	}
	return CG_OK;
}

cg_err cg_fig_dns_clients(cg_store *st, const cg_scope *scope, json_t **per_agency)
{
	return cg_store_events_distinct(st, scope, "dns", "infected_client", 0, 0, INT64_MAX, true,
	                                per_agency);
}

static void add_to(json_t *obj, const char *key, int64_t n)
{
	json_object_set_new(obj, key,
	                    json_integer(json_integer_value(json_object_get(obj, key)) + n));
}

static int64_t open_total(const json_t *findings)
{
	int64_t n = 0;
	for (size_t k = 0; k < sizeof SEV / sizeof *SEV; k++)
		n += json_integer_value(json_object_get(findings, SEV[k]));
	return n;
}

/* CG_FIG_OPEN_DAYS zeroed days ending today, then the store's counts. */
static cg_err trend(cg_store *st, const cg_scope *scope, int64_t today, json_t **out)
{
	int64_t first = today - (CG_FIG_OPEN_DAYS - 1);
	json_t *rows = NULL;
	cg_err err = cg_store_findings_by_day(st, scope, first, &rows);
	if (err)
		return err;
	json_t *days = json_array();
	for (int64_t d = first; d <= today; d++) {
		char ts[32];
		cg_time_format(d * DAY_MS, ts, sizeof ts);
		ts[10] = '\0';
		json_t *o = json_pack("{s:s}", "day", ts);
		for (size_t k = 0; k < sizeof SEV / sizeof *SEV; k++)
			json_object_set_new(o, SEV[k], json_integer(0));
		json_array_append_new(days, o);
	}
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r)
	{
		int64_t d = json_integer_value(json_object_get(r, "day"));
		if (d < first)
			continue;
		if (d > today)
			d = today; /* a sender's clock ahead: counted today, as in the headline */
		add_to(json_array_get(days, (size_t)(d - first)), cg_json_get_str(r, "severity"),
		       json_integer_value(json_object_get(r, "n")));
	}
	json_decref(rows);
	*out = days;
	return CG_OK;
}

/* Takes the triaged events that are no longer "chưa xử lý" out of the
 * store's open findings (per agency and in the totals). */
static cg_err less_triaged(cg_store *st, const cg_scope *scope, int64_t now_ms, json_t *ov)
{
	json_t *rows = NULL;
	cg_err err = cg_store_triage_counts(st, scope, now_ms - CG_FIG_OPEN_DAYS * DAY_MS, &rows);
	if (err)
		return err;
	json_t *byid = json_object();
	size_t i;
	json_t *a;
	json_array_foreach(json_object_get(ov, "agencies"), i, a)
	{
		char key[24];
		snprintf(key, sizeof key, "%lld",
		         (long long)json_integer_value(json_object_get(a, "id")));
		json_object_set(byid, key, a);
	}
	json_t *tot = json_object_get(json_object_get(ov, "totals"), "open_findings");
	json_t *r;
	json_array_foreach(rows, i, r)
	{
		if (cg_triage_is_open(cg_json_get_str(r, "state")))
			continue;
		char key[24];
		snprintf(key, sizeof key, "%lld",
		         (long long)json_integer_value(json_object_get(r, "agency_id")));
		json_t *ag = json_object_get(byid, key);
		if (!ag) /* an agency outside the overview's list */
			continue;
		const char *sev = cg_json_get_str(r, "severity");
		int64_t n = json_integer_value(json_object_get(r, "n"));
		add_to(json_object_get(ag, "open_findings"), sev, -n);
		add_to(tot, sev, -n);
	}
	json_decref(byid);
	json_decref(rows);
	return CG_OK;
}

cg_err cg_fig_overview(cg_store *st, const cg_scope *scope, const json_t *agents, int64_t now_ms,
                       json_t **out)
{
	*out = NULL;
	json_t *ov = NULL, *dns = NULL, *days = NULL;
	int64_t today = now_ms / DAY_MS;
	/* the malware window is the open-findings window, the Điểm cuối page's */
	int64_t since, until;
	cg_infection_window(now_ms, CG_FIG_OPEN_DAYS, &since, &until);
	json_t *malware = NULL;
	cg_err err = cg_store_overview(st, scope, now_ms, &ov);
	if (!err)
		err = less_triaged(st, scope, now_ms, ov);
	if (!err)
		err = cg_fig_dns_clients(st, scope, &dns);
	if (!err) /* one pass over the window for every agency */
		err = cg_infection_malware_hosts(st, scope, since, until, &malware);
	if (!err)
		err = trend(st, scope, today, &days);
	json_t *tot = ov ? json_object_get(ov, "totals") : NULL;
	if (!err) {
		json_object_del(tot, "endpoints"); /* hosts seen in events: not a figure we show */
		json_object_set_new(tot, "enrolled", json_integer(0));
		json_object_set_new(tot, "online", json_integer(0));
		json_object_set_new(tot, "malware_hosts", json_integer(0));
		json_object_set_new(tot, "dns_clients", json_integer(0));
		json_object_set_new(
		    tot, "open_total",
		    json_integer(open_total(json_object_get(tot, "open_findings"))));
	}
	size_t i;
	json_t *a;
	json_array_foreach(ov ? json_object_get(ov, "agencies") : NULL, i, a)
	{
		if (err)
			break;
		int64_t id = json_integer_value(json_object_get(a, "id"));
		int64_t enrolled = 0, online = 0;
		if (agents)
			cg_fig_agents(agents, id, &enrolled, &online);
		char key[32];
		snprintf(key, sizeof key, "%lld", (long long)id);
		int64_t dnsn = json_integer_value(json_object_get(dns, key));
		int64_t mw = json_integer_value(json_object_get(malware, key));
		json_object_del(a, "endpoints");
		json_object_set_new(a, "enrolled", json_integer(enrolled));
		json_object_set_new(a, "online", json_integer(online));
		json_object_set_new(a, "malware_hosts", json_integer(mw));
		json_object_set_new(a, "dns_clients", json_integer(dnsn));
		json_object_set_new(a, "open_total",
		                    json_integer(open_total(json_object_get(a, "open_findings"))));
		add_to(tot, "enrolled", enrolled);
		add_to(tot, "online", online);
		add_to(tot, "malware_hosts", mw);
		add_to(tot, "dns_clients", dnsn);
	}
	json_decref(dns);
	json_decref(malware);
	if (err) {
		json_decref(ov);
		json_decref(days);
		return err;
	}
	json_object_set_new(ov, "trend", days);
	json_object_set_new(ov, "open_days", json_integer(CG_FIG_OPEN_DAYS));
	*out = ov;
	return CG_OK;
}

/* ---- portals ------------------------------------------------------------ */

/* Length of url without its trailing slashes. */
static size_t base_len(const char *url)
{
	size_t n = strlen(url);
	while (n > 0 && url[n - 1] == '/')
		n--;
	return n;
}

/* True when ev_url is the portal's URL or a page under it. */
static bool under(const char *portal, const char *ev_url)
{
	size_t n = base_len(portal);
	if (n == 0 || strncmp(portal, ev_url, n) != 0)
		return false;
	char c = ev_url[n];
	return c == '\0' || c == '/' || c == '?' || c == '#';
}

static bool is_web_url(const char *u)
{
	return u && (strncmp(u, "http://", 7) == 0 || strncmp(u, "https://", 8) == 0);
}

typedef struct portal_ctx {
	json_t *list; /* the portals being built */
} portal_ctx;

/* Files one web event under the portals it concerns (newest per kind, as
 * events come newest first). */
static void add_web_event(json_t *e, void *vctx)
{
	portal_ctx *ctx = vctx;
	const char *subj = cg_json_get_str(e, "subject");
	const char *evurl = cg_json_get_str(json_object_get(e, "evidence"), "url");
	const char *kind = cg_json_get_str(e, "kind");
	json_t *sys = json_object_get(e, "system_id");
	size_t i;
	json_t *p;
	json_array_foreach(ctx->list, i, p)
	{
		const char *url = cg_json_get_str(p, "url");
		bool mine = (subj && under(url, subj)) || (evurl && under(url, evurl));
		if (!mine && json_is_integer(sys) &&
		    json_integer_value(sys) == json_integer_value(json_object_get(p, "system_id")))
			mine = true;
		if (!mine)
			continue;
		json_t *open = json_object_get(p, "open_findings");
		json_t *entry = json_pack(
		    "{s:O,s:O,s:O,s:O,s:O,s:O}", "kind", json_object_get(e, "kind"), "severity",
		    json_object_get(e, "severity"), "summary", json_object_get(e, "summary"),
		    "since", json_object_get(e, "time"), "event_id", json_object_get(e, "id"),
		    "seq", json_object_get(e, "seq"));
		/* one finding per kind: the latest by event time (the query is in
		 * arrival order; RFC 3339 UTC texts compare as times) */
		size_t k;
		json_t *f;
		bool seen = false;
		json_array_foreach(open, k, f)
		{
			const char *fk = cg_json_get_str(f, "kind");
			if (!kind || !fk || strcmp(fk, kind) != 0)
				continue;
			seen = true;
			const char *had = cg_json_get_str(f, "since"),
			           *t = cg_json_get_str(e, "time");
			if (had && t && strcmp(t, had) > 0)
				json_array_set(open, k, entry);
			break;
		}
		if (!seen)
			json_array_append(open, entry);
		json_decref(entry);
	}
}

cg_err cg_fig_portals(cg_store *st, const cg_scope *scope, int64_t now_ms,
                      const json_t *watch_portals, json_t **out)
{
	*out = NULL;
	json_t *list = json_array();
	cg_err err = CG_OK;
	for (int64_t off = 0;; off += PAGE) {
		json_t *items = NULL;
		int64_t total = 0;
		if ((err = cg_store_inv_list(st, scope, CG_RES_SYSTEM, NULL, PAGE, off, &items,
		                             &total)))
			break;
		size_t i, k;
		json_t *s, *u;
		json_array_foreach(items, i, s)
		{
			json_array_foreach(json_object_get(s, "urls"), k, u)
			{
				const char *url = json_string_value(u);
				if (!is_web_url(url))
					continue;
				json_array_append_new(
				    list,
				    json_pack("{s:s,s:O,s:O,s:O,s:O,s:b,s:n,s:s,s:i,s:[],s:[]}",
				              "url", url, "system_id", json_object_get(s, "id"),
				              "system_name", json_object_get(s, "name"),
				              "system_kind", json_object_get(s, "kind"),
				              "agency_id", json_object_get(s, "agency_id"),
				              "watched", 0, "last_check", "outcome", "not watched",
				              "http_status", 0, "response_times", "open_findings"));
			}
		}
		size_t got = json_array_size(items);
		json_decref(items);
		if (got < PAGE || off + PAGE >= total)
			break;
	}
	if (!err) {
		portal_ctx ctx = {list};
		int64_t since = (now_ms / DAY_MS - (CG_FIG_OPEN_DAYS - 1)) * DAY_MS;
		cg_event_query q = {.source = "web", .since_ms = since};
		err = each_event(st, scope, q, add_web_event, &ctx);
	}
	if (err) {
		json_decref(list);
		return err;
	}
	/* the watcher's own state wins for the URLs it watches */
	size_t i, k;
	json_t *p, *w;
	json_array_foreach(list, i, p){
	    json_array_foreach(watch_portals, k, w){const char *wu = cg_json_get_str(w, "url");
	if (!wu || strcmp(wu, cg_json_get_str(p, "url")) != 0)
		continue;
	static const char *const keep[] = {"last_check", "http_status", "outcome", "response_times",
	                                   "open_findings"};
	for (size_t j = 0; j < sizeof keep / sizeof *keep; j++) {
		json_t *v = json_object_get(w, keep[j]);
		if (v)
			json_object_set(p, keep[j], v);
	}
	json_object_set_new(p, "watched", json_true());
	break;
}
}
*out = list;
return CG_OK;
}
