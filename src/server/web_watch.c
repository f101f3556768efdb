/*
 * web_watch.c - the server's portal watcher (see web_watch.h).
 *
 * One cycle: read the inventory's URLs, baseline the ones without a
 * baseline (or queued for a new one), check them all with the engine, and
 * turn findings into alert state changes (open / resolved events). The
 * engine does the fetching in parallel; this file only keeps state.
 * The watcher wakes every `tick` seconds (canhgac serve --web-interval)
 * and checks the portals that are due: each system has its own
 * monitor_interval_s (inventory; default 300 s). The first wake-up is one
 * tick after start (at once when a check or re-baseline is requested).
 */
#include "web_watch.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "api/triage.h"
#include "incident_auto.h"
#include "core/event.h"
#include "core/fileio.h"
#include "core/json.h"
#include "core/limits.h"
#include "core/log.h"
#include "core/rulesdir.h"
#include "core/timeutil.h"
#include "version.h"
#include "jobs.h"
#include "web/web.h"
#include "portal_contact.h"
#include "alert_job.h"

#define RT_HISTORY  288 /* a day of 5-minute checks */
#define MAX_PORTALS 20000
#define MAX_OPEN    100000

typedef struct portal {
	char *url;
	int64_t system_id, agency_id;
	int64_t interval_s; /* the system's monitor_interval_s */
	int64_t last_check_ms;
	long status;
	char outcome[256];
	int64_t rt_at[RT_HISTORY];
	double rt_ms[RT_HISTORY];
	size_t nrt, rt_pos;
	bool checked_now;
	/* the contact check (portal_contact.h): systems of kind portal */
	bool is_portal;
	char contact_state[16]; /* the last one stored, "" none */
	int64_t contact_stored_ms;
} portal;

typedef struct open_f {
	char *url, *kind, *summary;
	cg_severity severity;
	int64_t since_ms;
	char event_id[CG_MAX_EVENT_ID + 1];
	bool seen_now;
} open_f;

struct cg_web_watch {
	cg_store *st;
	char *data_dir;
	int interval_s;
	cg_jobs *jobs;
	pthread_mutex_t mu;
	portal *p;
	size_t np;
	open_f *open;
	size_t nopen;
	cg_strset rebase;    /* URLs to baseline again, then check */
	cg_strset check_now; /* URLs to check at the next wake-up */
	json_t *contacts;    /* agencies' contact points (portal_contact.h) */
	cg_lexicons lex;
	bool lex_ok;
	cg_web_opts opts;
	int64_t cycles, last_cycle_ms;
	cg_web_alerts *alerts; /* the server's one handle (alert_job.h) */
};

static cg_web_watch *g_watch;

cg_web_watch *cg_web_watch_current(void)
{
	return g_watch;
}

/* ---- state ------------------------------------------------------------- */

static portal *find_portal(cg_web_watch *w, const char *url)
{
	for (size_t i = 0; i < w->np; i++)
		if (strcmp(w->p[i].url, url) == 0)
			return &w->p[i];
	return NULL;
}

static open_f *find_open(cg_web_watch *w, const char *url, const char *kind)
{
	for (size_t i = 0; i < w->nopen; i++)
		if (strcmp(w->open[i].url, url) == 0 && strcmp(w->open[i].kind, kind) == 0)
			return &w->open[i];
	return NULL;
}

static void add_open(cg_web_watch *w, const char *url, const char *kind, const char *summary,
                     cg_severity sev, int64_t since, const char *id)
{
	if (w->nopen >= MAX_OPEN)
		return;
	open_f *n = realloc(w->open, (w->nopen + 1) * sizeof *n);
	if (!n)
		return;
	w->open = n;
	open_f *o = &w->open[w->nopen++];
	memset(o, 0, sizeof *o);
	o->url = strdup(url);
	o->kind = strdup(kind);
	o->summary = strdup(summary ? summary : "");
	o->severity = sev;
	o->since_ms = since;
	cg_slice_copy(cg_slice_cstr(id), o->event_id, sizeof o->event_id);
}

static void free_open(open_f *o)
{
	free(o->url);
	free(o->kind);
	free(o->summary);
}

/* The open findings as the store has them (called with mu held): the
 * server that now holds the portal-watch job continues where the previous
 * holder stopped. */
static void load_state(cg_web_watch *w)
{
	for (size_t i = 0; i < w->nopen; i++)
		free_open(&w->open[i]);
	w->nopen = 0;
	json_t *items = NULL;
	if (cg_store_web_findings(w->st, &items)) {
		cg_error("web watcher: cannot read the open findings: %s", cg_store_errmsg());
		return;
	}
	size_t i;
	json_t *o;
	json_array_foreach(items, i, o)
	{
		cg_severity sev = CG_SEV_INFO;
		cg_severity_parse(cg_json_get_str(o, "severity"), &sev);
		add_open(w, cg_json_get_str(o, "url"), cg_json_get_str(o, "kind"),
		         cg_json_get_str(o, "summary"), sev,
		         json_integer_value(json_object_get(o, "since")),
		         cg_json_get_str(o, "event_id"));
	}
	json_decref(items);
}

/* One-time migration: open findings that an older canhgac kept in
 * DATA/web/watch.json go into the store, and the file is renamed
 * watch.json.imported so it is not read again. */
static void import_legacy(cg_web_watch *w)
{
	cg_buf text, path, done;
	cg_buf_init(&text, 64u * 1024u * 1024u);
	cg_buf_init(&path, 4096);
	cg_buf_init(&done, 4096);
	cg_buf_printf(&path, "%s/web/watch.json", w->data_dir);
	json_t *doc = NULL;
	if (cg_read_file(cg_buf_cstr(&path), &text, NULL) == CG_OK &&
	    cg_json_parse(cg_buf_slice(&text), &doc, NULL) == CG_OK) {
		size_t i, n = 0;
		json_t *o;
		bool ok = true;
		json_array_foreach(json_object_get(doc, "open"), i, o)
		{
			if (!cg_json_get_str(o, "url") || !cg_json_get_str(o, "kind"))
				continue;
			if (!cg_json_get_str(o, "event_id"))
				json_object_set_new(o, "event_id", json_string(""));
			cg_err err = cg_store_web_finding_open(w->st, o);
			if (err && err != CG_ECONFLICT)
				ok = false;
			else
				n++;
		}
		cg_buf_printf(&done, "%s.imported", cg_buf_cstr(&path));
		if (ok && rename(cg_buf_cstr(&path), cg_buf_cstr(&done)) == 0)
			cg_info("web watcher: %zu open findings moved from %s into the store", n,
			        cg_buf_cstr(&path));
		else
			cg_error("web watcher: cannot move %s into the store: %s",
			         cg_buf_cstr(&path), cg_store_errmsg());
	}
	json_decref(doc);
	cg_buf_free(&text);
	cg_buf_free(&path);
	cg_buf_free(&done);
}

/* ---- events -------------------------------------------------------------- */

static void store_event(cg_web_watch *w, const cg_event *ev, const portal *p)
{
	cg_event_in in = {.ev = ev,
	                  .agency_id = p ? p->agency_id : 0,
	                  .system_id = p ? p->system_id : 0,
	                  .producer = "server:web"};
	size_t acc = 0, dup = 0;
	if (cg_store_events_insert(w->st, &in, 1, cg_time_now_ms(), &acc, &dup))
		cg_error("web watcher: cannot store a %s event for %s: %s", ev->kind, ev->subject,
		         cg_store_errmsg());
	else if (acc)
		cg_incident_auto_poke(); /* a defacement may open a case (incident_auto.h) */
}

/* A finding of this check: a new alert when (URL, kind) is not open. */
static void on_finding(const cg_event *ev, void *ctx)
{
	cg_web_watch *w = ctx;
	pthread_mutex_lock(&w->mu);
	open_f *o = find_open(w, ev->subject, ev->kind);
	if (o) {
		o->seen_now = true;
		pthread_mutex_unlock(&w->mu);
		return;
	}
	portal *p = find_portal(w, ev->subject);
	/* recorded before anyone is told: a server taking the job over after
	 * this point knows the finding is open and does not notify it again */
	json_t *rec =
	    json_pack("{s:s,s:s,s:s,s:s,s:I,s:s}", "url", ev->subject, "kind", ev->kind, "summary",
	              ev->summary ? ev->summary : "", "severity", cg_severity_name(ev->severity),
	              "since", (json_int_t)ev->time_ms, "event_id", ev->id);
	cg_err err = rec ? cg_store_web_finding_open(w->st, rec) : CG_ENOMEM;
	json_decref(rec);
	if (err == CG_ECONFLICT) { /* opened meanwhile by another holder */
		add_open(w, ev->subject, ev->kind, ev->summary, ev->severity, ev->time_ms, ev->id);
		if (w->nopen)
			w->open[w->nopen - 1].seen_now = true;
		pthread_mutex_unlock(&w->mu);
		return;
	}
	if (err)
		cg_error("web watcher: cannot record the open finding %s %s: %s", ev->kind,
		         ev->subject, cg_store_errmsg());
	json_object_set_new(ev->evidence, "state", json_string("open"));
	store_event(w, ev, p);
	cg_web_alerts_new_finding(w->alerts, ev, p ? p->agency_id : 0);
	add_open(w, ev->subject, ev->kind, ev->summary, ev->severity, ev->time_ms, ev->id);
	w->open[w->nopen - 1].seen_now = true;
	pthread_mutex_unlock(&w->mu);
}

static void resolve(cg_web_watch *w, open_f *o)
{
	cg_event ev;
	if (cg_event_init(&ev))
		return;
	char since[32];
	cg_time_format(o->since_ms, since, sizeof since);
	cg_buf sum;
	cg_buf_init(&sum, CG_MAX_EVENT_SUMMARY);
	cg_buf_printf(&sum, "Đã hết: %s", o->summary);
	cg_event_set(&ev, CG_EV_SOURCE, CG_SLICE("web"));
	cg_event_set(&ev, CG_EV_KIND, cg_slice_cstr(o->kind));
	cg_event_set(&ev, CG_EV_SUBJECT, cg_slice_cstr(o->url));
	cg_event_set(&ev, CG_EV_SUMMARY, cg_buf_slice(&sum));
	ev.severity = CG_SEV_INFO;
	json_object_set_new(ev.evidence, "state", json_string("resolved"));
	json_object_set_new(ev.evidence, "url", cg_json_cstr(o->url));
	json_object_set_new(ev.evidence, "opened", json_string(since));
	json_object_set_new(ev.evidence, "open_event_id", cg_json_cstr(o->event_id));
	json_object_set_new(ev.evidence, "open_severity",
	                    json_string(cg_severity_name(o->severity)));
	store_event(w, &ev, find_portal(w, o->url));
	cg_event_clear(&ev);
	cg_buf_free(&sum);
}

static void on_error(const char *url, const char *msg, void *ctx)
{
	cg_web_watch *w = ctx;
	pthread_mutex_lock(&w->mu);
	portal *p = find_portal(w, url);
	if (p) {
		snprintf(p->outcome, sizeof p->outcome, "error: %s", msg);
		p->last_check_ms = cg_time_now_ms();
	}
	pthread_mutex_unlock(&w->mu);
	cg_warn("web watcher: %s: %s", url, msg);
}

static void contact_check(cg_web_watch *w, const char *url, const cg_web_req *r);

static void on_checked(const char *url, const cg_web_req *r, void *ctx)
{
	cg_web_watch *w = ctx;
	pthread_mutex_lock(&w->mu);
	portal *p = find_portal(w, url);
	if (p) {
		p->checked_now = true;
		p->last_check_ms = cg_time_now_ms();
		p->status = r->status;
		if (r->fail == CG_FETCH_OK) {
			p->rt_at[p->rt_pos] = p->last_check_ms;
			p->rt_ms[p->rt_pos] = r->time_ms;
			p->rt_pos = (p->rt_pos + 1) % RT_HISTORY;
			if (p->nrt < RT_HISTORY)
				p->nrt++;
		}
		size_t n = 0;
		for (size_t i = 0; i < w->nopen; i++)
			n += strcmp(w->open[i].url, url) == 0 && w->open[i].seen_now;
		if (n)
			snprintf(p->outcome, sizeof p->outcome, "findings");
		else
			snprintf(p->outcome, sizeof p->outcome, "ok");
	}
	pthread_mutex_unlock(&w->mu);
}

/* After each check: the status, then the contact check. */
static void on_checked_all(const char *url, const cg_web_req *r, void *ctx)
{
	on_checked(url, r, ctx);
	contact_check(ctx, url, r);
}

/* The contact check of a portal's page (portal_contact.h): stored when
 * its state changes, and daily while it does not. */
static void contact_check(cg_web_watch *w, const char *url, const cg_web_req *r)
{
	pthread_mutex_lock(&w->mu);
	portal *p = find_portal(w, url);
	char key[24];
	snprintf(key, sizeof key, "%lld", (long long)(p ? p->agency_id : 0));
	json_t *points = p && p->is_portal ? json_incref(json_object_get(w->contacts, key)) : NULL;
	pthread_mutex_unlock(&w->mu);
	if (!points)
		return; /* not a portal, or its agency has no contact to look for */
	cg_event ev;
	cg_err err = cg_portal_contact_check(points, url, r, &ev);
	json_decref(points);
	if (err)
		return;
	int64_t now = cg_time_now_ms();
	pthread_mutex_lock(&w->mu);
	p = find_portal(w, url);
	bool store = p && (strcmp(p->contact_state, ev.kind) != 0 ||
	                   now - p->contact_stored_ms >= CG_CONTACT_CHECK_REFRESH_MS);
	if (store) {
		snprintf(p->contact_state, sizeof p->contact_state, "%s", ev.kind);
		p->contact_stored_ms = now;
		store_event(w, &ev, p);
	}
	pthread_mutex_unlock(&w->mu);
	cg_event_clear(&ev);
}

/* ---- one cycle ------------------------------------------------------------ */

static bool http_url(const char *u)
{
	return u && (strncmp(u, "http://", 7) == 0 || strncmp(u, "https://", 8) == 0) &&
	       strlen(u) < 2048;
}

/* Refreshes the portal list from the inventory. Returns the URLs (borrowed
 * from w->p, valid until the next refresh). */
static const char **refresh(cg_web_watch *w, size_t *n)
{
	json_t *map = NULL;
	int64_t total = 0;
	cg_scope all = {0};
	*n = 0;
	if (cg_store_inv_list(w->st, &all, CG_RES_SYSTEM, NULL, MAX_PORTALS, 0, &map, &total)) {
		cg_error("web watcher: cannot read the inventory: %s", cg_store_errmsg());
		return NULL;
	}
	json_t *contacts = cg_portal_contacts_load(w->st);
	if (!contacts)
		cg_error("web watcher: cannot read the contact points: %s", cg_store_errmsg());
	pthread_mutex_lock(&w->mu);
	size_t i;
	json_t *sys;
	json_array_foreach(map, i, sys)
	{
		size_t k;
		json_t *u;
		json_array_foreach(json_object_get(sys, "urls"), k, u)
		{
			const char *url = json_string_value(u);
			if (!http_url(url) || w->np >= MAX_PORTALS)
				continue;
			portal *p = find_portal(w, url);
			if (!p) {
				portal *np = realloc(w->p, (w->np + 1) * sizeof *np);
				if (!np)
					continue;
				w->p = np;
				p = &w->p[w->np++];
				memset(p, 0, sizeof *p);
				p->url = strdup(url);
				snprintf(p->outcome, sizeof p->outcome, "not checked yet");
			}
			p->system_id = json_integer_value(json_object_get(sys, "id"));
			p->is_portal = cg_json_get_str(sys, "kind") &&
			               strcmp(cg_json_get_str(sys, "kind"), "portal") == 0;
			p->agency_id = json_integer_value(json_object_get(sys, "agency_id"));
			p->interval_s =
			    json_integer_value(json_object_get(sys, "monitor_interval_s"));
			if (p->interval_s <= 0)
				p->interval_s = 300;
		}
	}
	json_decref(map);
	if (contacts) {
		json_decref(w->contacts);
		w->contacts = contacts;
	}
	/* due: never checked, its interval passed, or asked for */
	int64_t now = cg_time_now_ms();
	const char **urls = calloc(w->np + 1, sizeof *urls);
	for (size_t k = 0; urls && k < w->np; k++) {
		portal *p = &w->p[k];
		p->checked_now = false;
		if (!p->last_check_ms || now - p->last_check_ms >= p->interval_s * 1000 - 500 ||
		    cg_strset_has(&w->check_now, p->url) || cg_strset_has(&w->rebase, p->url))
			urls[(*n)++] = p->url;
	}
	cg_strset_free(&w->check_now);
	for (size_t k = 0; k < w->nopen; k++)
		w->open[k].seen_now = false;
	pthread_mutex_unlock(&w->mu);
	return urls;
}

static bool has_baseline(const cg_web_watch *w, const char *url)
{
	cg_buf p;
	cg_buf_init(&p, 8192);
	cg_baseline_path(w->data_dir, url, &p);
	struct stat st;
	bool ok = stat(cg_buf_cstr(&p), &st) == 0;
	cg_buf_free(&p);
	return ok;
}

/* The store's threat-intelligence domains valid now (store.h "threat
 * intelligence"), for the engine's intel_domain findings: read before
 * each check, so a new indicator matches at the next check and an
 * expired one no longer does. *srcs maps each name to its source(s).
 * False (nothing to free) when there are none or they cannot be read. */
static bool intel_load(cg_web_watch *w, cg_dns_set **set, json_t **srcs)
{
	json_t *items = NULL;
	*set = NULL;
	*srcs = NULL;
	if (cg_store_intel_active(w->st, "domain", cg_time_now_ms(), CG_INTEL_MAX_INDICATORS,
	                          &items)) {
		cg_warn("web watcher: the intelligence domains not read: %s", cg_store_errmsg());
		return false;
	}
	if (json_array_size(items) == 0 || !(*set = cg_dns_set_new()) || !(*srcs = json_object())) {
		cg_dns_set_free(*set);
		json_decref(items);
		return false;
	}
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it)
	{
		const char *v = cg_json_get_str(it, "value"), *src = cg_json_get_str(it, "source");
		if (!v || !src || cg_dns_set_add(*set, cg_slice_cstr(v), CG_DNS_MATCH_BOTH))
			continue;
		/* one name from several sources: each named */
		const char *had = json_string_value(json_object_get(*srcs, v));
		if (!had)
			json_object_set_new(*srcs, v, json_string(src));
		else if (!strstr(had, src)) {
			char both[CG_INTEL_TEXT_MAX];
			int n = snprintf(both, sizeof both, "%s, %s", had, src);
			if (n > 0 && (size_t)n < sizeof both)
				json_object_set_new(*srcs, v, json_string(both));
		}
	}
	json_decref(items);
	return true;
}

static void cycle(cg_web_watch *w)
{
	size_t n = 0;
	const char **urls = refresh(w, &n);
	if (!urls)
		return;
	if (n == 0) {
		free(urls);
		return;
	}
	const char **nb = calloc(n + 1, sizeof *nb);
	size_t k = 0;
	pthread_mutex_lock(&w->mu);
	for (size_t i = 0; nb && i < n; i++)
		if (cg_strset_has(&w->rebase, urls[i]) || !has_baseline(w, urls[i]))
			nb[k++] = urls[i];
	cg_strset_free(&w->rebase);
	pthread_mutex_unlock(&w->mu);
	cg_web_sink sink = {on_finding, on_error, NULL, on_checked_all, w};
	if (k)
		cg_web_baseline(nb, k, &w->opts, &sink);
	cg_dns_set *iset;
	json_t *isrc;
	cg_web_intel intel;
	if (intel_load(w, &iset, &isrc)) {
		intel = (cg_web_intel){iset, isrc};
		w->opts.intel = &intel;
	}
	cg_web_check(urls, n, &w->opts, &sink);
	w->opts.intel = NULL;
	if (iset) {
		cg_dns_set_free(iset);
		json_decref(isrc);
	}
	pthread_mutex_lock(&w->mu);
	/* open findings of URLs checked now but not seen again have ended */
	for (size_t i = 0; i < w->nopen;) {
		portal *p = find_portal(w, w->open[i].url);
		if (!w->open[i].seen_now && p && p->checked_now) {
			resolve(w, &w->open[i]);
			/* the finding's event, untouched by the team or only
			 * acknowledged, is resolved by the watch (api/triage.h) */
			bool changed;
			cg_err rerr =
			    cg_triage_resolve_ended(w->st, "server:web", w->open[i].event_id,
			                            "system:web-watch", cg_time_now_ms(), &changed);
			if (rerr && rerr != CG_ENOTFOUND)
				cg_error("web watcher: cannot resolve the event of %s %s: %s",
				         w->open[i].kind, w->open[i].url, cg_store_errmsg());
			cg_err err =
			    cg_store_web_finding_close(w->st, w->open[i].url, w->open[i].kind);
			if (err && err != CG_ENOTFOUND)
				cg_error("web watcher: cannot record the end of %s %s: %s",
				         w->open[i].kind, w->open[i].url, cg_store_errmsg());
			free_open(&w->open[i]);
			w->open[i] = w->open[--w->nopen];
			continue;
		}
		i++;
	}
	w->cycles++;
	w->last_cycle_ms = cg_time_now_ms();
	pthread_mutex_unlock(&w->mu);
	free(nb);
	free(urls);
}

/* The portal-watch job (server/jobs.h): whichever server holds its lease
 * checks every portal and queues the alerts. Its open findings are read
 * again from the store at each run and its alert queue lives there, so a
 * server taking the job over from another continues both instead of
 * opening and notifying them a second time. */
static cg_err watch_job(void *ctx, const cg_job *job, int64_t *next_run_ms, cg_buf *why)
{
	(void)job;
	(void)why;
	cg_web_watch *w = ctx;
	pthread_mutex_lock(&w->mu);
	load_state(w);
	/* the interval in force (a reload may have changed it) */
	*next_run_ms = cg_time_now_ms() + (int64_t)w->interval_s * 1000;
	pthread_mutex_unlock(&w->mu);
	cycle(w); /* its alerts go out by the alert-delivery job */
	return CG_OK;
}

/* ---- public -------------------------------------------------------------- */

cg_err cg_web_watch_start(cg_store *st, cg_jobs *jobs, const char *data_dir, int interval_s,
                          cg_web_watch **out)
{
	*out = NULL;
	if (interval_s <= 0)
		return CG_OK;
	cg_web_watch *w = calloc(1, sizeof *w);
	if (!w)
		return CG_ENOMEM;
	w->st = st;
	w->jobs = jobs;
	w->interval_s = interval_s;
	cg_buf d;
	cg_buf_init(&d, 8192);
	cg_buf_printf(&d, "%s/web", data_dir);
	cg_buf why;
	cg_buf_init(&why, 1024);
	cg_err err = cg_mkdir_p(cg_buf_cstr(&d), 0750, &why);
	char rules[4096];
	cg_rules_base("web", rules, sizeof rules); /* a missing one fails the load */
	if (!err)
		err = cg_web_lexicons_load(&w->lex, rules, NULL, 0, &why);
	w->alerts = cg_alert_queue();
	if (err) {
		cg_error("web watcher: %s", cg_buf_cstr(&why));
		cg_web_lexicons_free(&w->lex);
		cg_buf_free(&d);
		cg_buf_free(&why);
		free(w);
		return err;
	}
	cg_buf_free(&d);
	cg_buf_free(&why);
	w->data_dir = strdup(data_dir);
	cg_web_opts_default(&w->opts);
	w->opts.lex = &w->lex;
	w->opts.data_dir = w->data_dir;
	w->opts.fetch.timeout_ms = 20000;
	pthread_mutex_init(&w->mu, NULL);
	import_legacy(w);
	load_state(w);
	err = cg_jobs_add(jobs, CG_WEB_WATCH_JOB, "web-watch", (int64_t)interval_s * 1000,
	                  watch_job, w);
	if (err) {
		cg_error("web watcher: cannot register its job: %s", cg_store_errmsg());
		cg_web_lexicons_free(&w->lex);
		pthread_mutex_destroy(&w->mu);
		free(w->data_dir);
		free(w);
		return err;
	}
	g_watch = w;
	*out = w;
	return CG_OK;
}

void cg_web_watch_stop(cg_web_watch *w)
{
	if (!w)
		return;
	g_watch = NULL;
	for (size_t i = 0; i < w->np; i++)
		free(w->p[i].url);
	free(w->p);
	for (size_t i = 0; i < w->nopen; i++)
		free_open(&w->open[i]);
	free(w->open);
	cg_strset_free(&w->rebase);
	cg_strset_free(&w->check_now);
	json_decref(w->contacts);
	cg_web_lexicons_free(&w->lex);
	pthread_mutex_destroy(&w->mu);
	free(w->data_dir);
	free(w);
}

static json_t *time_or_null(int64_t ms)
{
	if (!ms)
		return json_null();
	char t[32];
	cg_time_format(ms, t, sizeof t);
	return json_string(t);
}

json_t *cg_web_watch_status(cg_web_watch *w, int64_t agency_id)
{
	json_t *portals = json_array();
	pthread_mutex_lock(&w->mu);
	for (size_t i = 0; i < w->np; i++) {
		portal *p = &w->p[i];
		if (agency_id > 0 && p->agency_id != agency_id)
			continue;
		json_t *rt = json_array();
		for (size_t k = 0; k < p->nrt; k++) {
			size_t at = (p->rt_pos + RT_HISTORY - p->nrt + k) % RT_HISTORY;
			json_array_append_new(rt, json_pack("{s:o,s:f}", "at",
			                                    time_or_null(p->rt_at[at]), "ms",
			                                    p->rt_ms[at]));
		}
		json_t *open = json_array();
		for (size_t k = 0; k < w->nopen; k++) {
			open_f *o = &w->open[k];
			if (strcmp(o->url, p->url) == 0)
				json_array_append_new(open,
				                      json_pack("{s:o,s:s,s:o,s:o,s:s}", "kind",
				                                cg_json_cstr(o->kind), "severity",
				                                cg_severity_name(o->severity),
				                                "summary", cg_json_cstr(o->summary),
				                                "since", time_or_null(o->since_ms),
				                                "event_id", o->event_id));
		}
		json_array_append_new(
		    portals, json_pack("{s:o,s:I,s:I,s:o,s:I,s:o,s:o,s:o}", "url",
		                       cg_json_cstr(p->url), "system_id", (json_int_t)p->system_id,
		                       "agency_id", (json_int_t)p->agency_id, "last_check",
		                       time_or_null(p->last_check_ms), "http_status",
		                       (json_int_t)p->status, "outcome", cg_json_cstr(p->outcome),
		                       "response_times", rt, "open_findings", open));
	}
	json_t *out = json_pack("{s:i,s:I,s:o,s:o}", "interval_s", w->interval_s, "cycles",
	                        (json_int_t)w->cycles, "last_cycle", time_or_null(w->last_cycle_ms),
	                        "portals", portals);
	pthread_mutex_unlock(&w->mu);
	return out;
}

void cg_web_watch_reconfigure(cg_web_watch *w, int interval_s)
{
	pthread_mutex_lock(&w->mu);
	if (interval_s > 0)
		w->interval_s = interval_s;
	pthread_mutex_unlock(&w->mu);
	/* applied at the job's next run, made due now; on a server that does
	 * not hold the job's lease they apply when it next runs it here */
	cg_jobs_run_soon(w->jobs, CG_WEB_WATCH_JOB);
}

void cg_web_watch_check_now(cg_web_watch *w, const char *url)
{
	pthread_mutex_lock(&w->mu);
	cg_strset_add(&w->check_now, url);
	pthread_mutex_unlock(&w->mu);
	cg_jobs_run_soon(w->jobs, CG_WEB_WATCH_JOB);
}

void cg_web_watch_rebaseline(cg_web_watch *w, const char *url)
{
	pthread_mutex_lock(&w->mu);
	cg_strset_add(&w->rebase, url);
	pthread_mutex_unlock(&w->mu);
	cg_jobs_run_soon(w->jobs, CG_WEB_WATCH_JOB);
}
