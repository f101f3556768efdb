/*
 * report.c - periods, figures, recommendations and the report document
 * (report.h).
 *
 * Figures: the events of the period are read once through
 * cg_store_events_scan (a plain row each, no JSON: on a month of a million
 * events the JSON objects of cg_store_events_query cost more than the
 * rest of the report) and counted here, in count_event;
 * distinct hosts are counted per agency with a small open-addressing set
 * of (agency, host) hashes, bounded by CG_REPORT_MAX_HOSTS. Reading the
 * events once and counting in C keeps the definition of each figure in one
 * place for both store backends. The infected hosts and the infection
 * index are the exception: they are store/infection.h's, which the
 * coverage API calls too, so the dashboard and the reports agree.
 */
#include "report/report.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/incident.h"
#include "api/incident_clocks.h"
#include "core/json.h"
#include "core/limits.h"
#include "core/rulefile.h"
#include "core/timeutil.h"
#include "store/infection.h"

cg_err cg_report_kind_parse(const char *s, cg_report_kind *k)
{
	static const char *names[] = {"monthly", "semiannual", "annual", "incidents"};
	for (int i = 0; i < 4; i++)
		if (strcmp(s, names[i]) == 0) {
			*k = (cg_report_kind)i;
			return CG_OK;
		}
	return CG_EINVAL;
}

static int64_t month_start(int y, int m)
{
	struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = 1};
	return (int64_t)timegm(&tm) * 1000;
}

static void set(cg_period *p, int y, int m, int months, int half)
{
	p->year = y;
	p->month = months == 1 ? m : 0;
	p->half = half;
	p->from_ms = month_start(y, m);
	int em = m + months, ey = y;
	while (em > 12) {
		em -= 12;
		ey++;
	}
	p->to_ms = month_start(ey, em);
	if (months == 1)
		snprintf(p->name, sizeof p->name, "%04d-%02d", y, m);
	else if (months == 6)
		snprintf(p->name, sizeof p->name, "%04d-H%d", y, half);
	else
		snprintf(p->name, sizeof p->name, "%04d", y);
}

cg_err cg_period_parse(cg_report_kind kind, const char *t, cg_period *cur, cg_period *prev)
{
	memset(cur, 0, sizeof *cur);
	memset(prev, 0, sizeof *prev);
	size_t n = strlen(t);
	int64_t y;
	if (n < 4 || cg_parse_i64(cg_slice_from(t, 4), 2000, 2100, &y))
		return CG_EINVAL;
	if (kind == CG_REPORT_MONTHLY) {
		int64_t m;
		if (n != 7 || t[4] != '-' || cg_parse_i64(cg_slice_from(t + 5, 2), 1, 12, &m))
			return CG_EINVAL;
		set(cur, (int)y, (int)m, 1, 0);
		set(prev, m == 1 ? (int)y - 1 : (int)y, m == 1 ? 12 : (int)m - 1, 1, 0);
		return CG_OK;
	}
	if (n == 7 && t[4] == '-' && t[5] == 'H' && (t[6] == '1' || t[6] == '2') &&
	    kind != CG_REPORT_ANNUAL) {
		int h = t[6] - '0';
		set(cur, (int)y, h == 1 ? 1 : 7, 6, h);
		set(prev, h == 1 ? (int)y - 1 : (int)y, h == 1 ? 7 : 1, 6, h == 1 ? 2 : 1);
		return CG_OK;
	}
	if (n == 4 && kind != CG_REPORT_SEMIANNUAL) {
		set(cur, (int)y, 1, 12, 0);
		set(prev, (int)y - 1, 1, 12, 0);
		return CG_OK;
	}
	return CG_EINVAL;
}

/* ---- counting ---- */

typedef struct hostset {
	uint64_t *slot;
	size_t cap, n;
} hostset;

static uint64_t fnv(int64_t agency, const char *a, const char *b)
{
	uint64_t h = 1469598103934665603ull ^ (uint64_t)agency;
	for (const char *s = a; s && *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	h = (h ^ 0xff) * 1099511628211ull;
	for (const char *s = b; s && *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h ? h : 1;
}

/* true when the key was new */
static bool hs_add(hostset *s, uint64_t k)
{
	if (!s->slot || s->n >= CG_REPORT_MAX_HOSTS)
		return false;
	for (size_t i = k & (s->cap - 1);; i = (i + 1) & (s->cap - 1)) {
		if (s->slot[i] == k)
			return false;
		if (!s->slot[i]) {
			s->slot[i] = k;
			s->n++;
			return true;
		}
	}
}

static bool is(const char *a, const char *b)
{
	return a && strcmp(a, b) == 0;
}

/* first and last time a finding was seen on one URL, for how long it
 * stayed */
typedef struct seen {
	uint64_t key;
	int64_t first, last;
} seen;

/* the security level of each system, for the clocks of the cases naming
 * it (a rule may apply only from level 3) */
typedef struct syslevel {
	int64_t id;
	int level;
} syslevel;

typedef struct syslevels {
	syslevel *v;
	size_t n, cap;
} syslevels;

static int syslevel_of(const syslevels *l, int64_t id)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].id == id)
			return l->v[i].level;
	return 0;
}

static cg_err inventory(cg_store *st, const cg_scope *scope, cg_report_figs *f, syslevels *lv,
                        cg_buf *why)
{
	json_t *items = NULL;
	int64_t total = 0;
	cg_err err = CG_OK;
	for (int64_t off = 0; !err; off += CG_MAX_INV_LIST) {
		err = cg_store_inv_list(st, scope, CG_RES_AGENCY, NULL, CG_MAX_INV_LIST, off,
		                        &items, &total);
		if (err)
			break;
		size_t i;
		json_t *a;
		json_array_foreach(items, i, a)
		{
			if (f->nagencies >= CG_REPORT_MAX_AGENCIES)
				break;
			cg_agency_figs *g = &f->agencies[f->nagencies++];
			memset(g, 0, sizeof *g);
			g->id = json_integer_value(json_object_get(a, "id"));
			const char *name = cg_json_get_str(a, "name");
			snprintf(g->name, sizeof g->name, "%s", name ? name : "?");
			g->declared = json_integer_value(json_object_get(a, "declared_endpoints"));
		}
		size_t got = json_array_size(items);
		json_decref(items);
		items = NULL;
		if (got < CG_MAX_INV_LIST || off + (int64_t)got >= total)
			break;
	}
	for (int64_t off = 0; !err; off += CG_MAX_INV_LIST) {
		err = cg_store_inv_list(st, scope, CG_RES_SYSTEM, NULL, CG_MAX_INV_LIST, off,
		                        &items, &total);
		if (err)
			break;
		size_t i;
		json_t *s;
		json_array_foreach(items, i, s)
		{
			f->systems++;
			if (lv->n == lv->cap) {
				size_t cap = lv->cap ? lv->cap * 2 : 64;
				syslevel *nv = realloc(lv->v, cap * sizeof *nv);
				if (!nv) {
					err = CG_ENOMEM;
					break;
				}
				lv->v = nv;
				lv->cap = cap;
			}
			lv->v[lv->n++] =
			    (syslevel){json_integer_value(json_object_get(s, "id")),
			               (int)json_integer_value(json_object_get(s, "level"))};
			f->systems_approved += is(cg_json_get_str(s, "dossier_status"), "approved");
			f->portals += is(cg_json_get_str(s, "kind"), "portal");
		}
		size_t got = json_array_size(items);
		json_decref(items);
		items = NULL;
		if (got < CG_MAX_INV_LIST || off + (int64_t)got >= total)
			break;
	}
	if (err && why) {
		cg_buf_reset(why);
		cg_buf_printf(why, "reading the inventory: %s", cg_store_errmsg());
	}
	return err;
}

static int64_t time_of(const json_t *o, const char *key)
{
	int64_t t;
	const char *s = cg_json_get_str(o, key);
	return s && !cg_time_parse(cg_slice_cstr(s), &t) ? t : 0;
}

static bool in_period(const cg_period *p, int64_t t)
{
	return t && t >= p->from_ms && t < p->to_ms;
}

static void count_case(cg_report_figs *f, const cg_period *p, const json_t *c, const syslevels *lv,
                       const cg_deadline_rules *rules, int64_t now_ms)
{
	int64_t detected = time_of(c, "detected_at"), closed = time_of(c, "closed_at");
	const char *state = cg_json_get_str(c, "state");
	cg_inc_state stv = CG_INC_NEW;
	if (state)
		cg_inc_state_parse(state, &stv);
	/* a rejected or duplicate case was no incident */
	if (stv == CG_INC_REJECTED || stv == CG_INC_DUPLICATE)
		return;
	if (in_period(p, closed))
		f->inc_closed++;
	if (detected && detected < p->to_ms && (!closed || closed >= p->to_ms))
		f->inc_open_end++;
	if (!in_period(p, detected))
		return;
	f->inc_opened++;
	const char *kind = cg_json_get_str(c, "kind");
	for (size_t k = 0; kind && cg_inc_kinds[k] && k < CG_REPORT_INC_KINDS; k++)
		if (strcmp(kind, cg_inc_kinds[k]) == 0)
			f->inc_kind[k]++;
	cg_severity sev = CG_SEV_INFO;
	const char *sname = cg_json_get_str(c, "severity");
	if (sname && !cg_severity_parse(sname, &sev))
		f->inc_sev[sev]++;
	if (!rules)
		return;
	int level = 0;
	size_t i;
	json_t *sid;
	json_array_foreach(json_object_get(c, "system_ids"), i, sid)
	{
		int l = syslevel_of(lv, json_integer_value(sid));
		if (l > level)
			level = l;
	}
	/* the case's moments as the case API reads them, so that the report
	 * and the case page agree on every clock */
	cg_case_facts facts;
	if (!cg_inc_facts(c, level, &facts))
		return;
	cg_clock clocks[CG_DEADLINE_MAX_RULES];
	size_t n = 0;
	if (cg_deadline_clocks(rules, &facts, now_ms, clocks, CG_DEADLINE_MAX_RULES, &n))
		return;
	for (size_t k = 0; k < n; k++) {
		if ((unsigned)clocks[k].state >= 4)
			continue;
		/* the rule's stop moment says which report it is: rules are data,
		 * their names are not */
		switch (clocks[k].rule->stop) {
		case CG_MOMENT_INITIAL_REPORTED:
			f->inc_reports[clocks[k].state]++;
			break;
		case CG_MOMENT_CLOSING_REPORTED:
			f->inc_closing[clocks[k].state]++;
			break;
		case CG_MOMENT_ESCALATED:
			f->inc_escalations[clocks[k].state]++;
			break;
		default:
			break;
		}
	}
}

static cg_err incidents(cg_store *st, const cg_scope *scope, const cg_period *p,
                        const syslevels *lv, const cg_deadline_rules *rules, int64_t now_ms,
                        cg_report_figs *f, cg_buf *why)
{
	cg_err err = CG_OK;
	for (int64_t off = 0;; off += CG_MAX_LIST_LIMIT) {
		json_t *items = NULL;
		int64_t total = 0;
		err = cg_store_incidents_list(st, scope, NULL, CG_MAX_LIST_LIMIT, off, &items,
		                              &total);
		if (err)
			break;
		size_t i;
		json_t *c;
		json_array_foreach(items, i, c) count_case(f, p, c, lv, rules, now_ms);
		size_t got = json_array_size(items);
		json_decref(items);
		if (got < CG_MAX_LIST_LIMIT || off + (int64_t)got >= total)
			break;
	}
	if (err && why) {
		cg_buf_reset(why);
		cg_buf_printf(why, "reading the incident cases: %s", cg_store_errmsg());
	}
	return err;
}

/* What the scan over a period's events counts into. */
typedef struct scan {
	cg_report_figs *f;
	const cg_period *p;
	bool weeks;
	hostset hs, urls;
	seen *sn;
	size_t sncap, nsn;
	/* the agencies by id, for a binary search per event */
	struct agidx {
		int64_t id;
		cg_agency_figs *g;
	} * ag;
	size_t nag;
} scan;

static int cmp_agidx(const void *x, const void *y)
{
	const struct agidx *a = x, *b = y;
	return a->id < b->id ? -1 : a->id > b->id;
}

static cg_agency_figs *scan_agency(const scan *sc, int64_t id)
{
	size_t lo = 0, hi = sc->nag;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (sc->ag[mid].id == id)
			return sc->ag[mid].g;
		if (sc->ag[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* One event counted: every figure of the events is defined here. */
static int count_event(void *ud, const cg_event_row *e)
{
	scan *sc = ud;
	cg_report_figs *f = sc->f;
	const cg_period *p = sc->p;
	int64_t t = e->time_ms;
	if (t < p->from_ms || t >= p->to_ms)
		return 0;
	const char *src = e->source, *kd = e->kind, *host = e->host, *subj = e->subject;
	cg_severity sev = e->severity >= CG_SEV_INFO && e->severity <= CG_SEV_CRITICAL
	                      ? (cg_severity)e->severity
	                      : CG_SEV_INFO;
	int64_t ag = e->agency_id;
	cg_agency_figs *g = scan_agency(sc, ag);
	f->events++;
	f->by_sev[sev]++;
	if (g)
		g->events++;
	size_t b;
	if (sc->weeks) {
		b = (size_t)((t - p->from_ms) / (7 * 86400000ll));
	} else {
		time_t tt = (time_t)(t / 1000);
		struct tm tm;
		gmtime_r(&tt, &tm);
		int first = p->half == 2 ? 7 : 1;
		b = (size_t)((tm.tm_year + 1900 - p->year) * 12 + tm.tm_mon + 1 - first);
	}
	if (b < f->nbuckets)
		f->bucket_sev[b][sev]++;
	if (is(src, "web")) {
		if (is(kd, "defacement") || is(kd, "content_replaced"))
			f->defacements++;
		else if (is(kd, "spam") || is(kd, "hidden_links") || is(kd, "meta_spam") ||
		         is(kd, "cloaking"))
			f->spam++;
		else if (is(kd, "unreachable") || is(kd, "timeout") || is(kd, "http_status"))
			f->outages++;
		if (g)
			g->web_findings++;
		if (hs_add(&sc->urls, fnv(0, subj, NULL)))
			f->web_urls++;
		uint64_t k = fnv(1, subj, kd);
		size_t j = k & (sc->sncap - 1);
		seen *sn = sc->sn;
		while (sn[j].key && sn[j].key != k)
			j = (j + 1) & (sc->sncap - 1);
		if (!sn[j].key && sc->nsn < CG_REPORT_MAX_HOSTS) {
			sn[j] = (seen){k, t, t};
			sc->nsn++;
		} else if (sn[j].key) {
			if (t < sn[j].first)
				sn[j].first = t;
			if (t > sn[j].last)
				sn[j].last = t;
		}
	} else if (is(src, "malware")) {
		f->malware_events++;
		if (kd && strstr(kd, "webshell"))
			f->webshells++;
	} else if (is(src, "secrets")) {
		f->secret_docs++;
		if (g)
			g->secret_docs++;
		if (hs_add(&sc->hs, fnv(ag, "s", host)))
			f->secret_hosts++;
	} else if (is(src, "dns")) {
		f->dns_events++;
	} else if (is(src, "accounts")) {
		f->account_findings++;
	}
	return 0;
}

/* The infected hosts and the infection index of the period, as the
 * coverage API counts them (store/infection.h); the province's hosts
 * include those of no agency. */
static cg_err infection(cg_store *st, const cg_scope *scope, const cg_period *p, cg_report_figs *f,
                        cg_buf *why)
{
	cg_infection_hosts h;
	cg_err err = cg_infection_count(st, scope, p->from_ms, p->to_ms, &h);
	if (err) {
		if (why) {
			cg_buf_reset(why);
			cg_buf_printf(why, "counting the infected hosts: %s", cg_store_errmsg());
		}
		return err;
	}
	const char *k;
	json_t *v;
	json_object_foreach(h.malware, k, v) f->malware_hosts += json_integer_value(v);
	json_object_foreach(h.dns, k, v) f->dns_hosts += json_integer_value(v);
	for (size_t i = 0; i < f->nagencies; i++) {
		cg_agency_figs *g = &f->agencies[i];
		g->malware_hosts = cg_infection_of(h.malware, g->id);
		g->dns_hosts = cg_infection_of(h.dns, g->id);
		g->infected_hosts = g->malware_hosts + g->dns_hosts;
		g->infection_index = cg_infection_index(g->infected_hosts, g->declared);
	}
	cg_infection_free(&h);
	return CG_OK;
}

cg_err cg_report_collect(cg_store *st, const cg_scope *scope, cg_report_kind kind,
                         const cg_period *p, const cg_deadline_rules *rules, int64_t now_ms,
                         cg_report_figs *f, cg_buf *why)
{
	memset(f, 0, sizeof *f);
	syslevels lv = {0};
	cg_err err = inventory(st, scope, f, &lv, why);
	if (!err)
		err = incidents(st, scope, p, &lv, rules, now_ms, f, why);
	free(lv.v);
	if (err)
		return err;
	bool weeks = kind == CG_REPORT_MONTHLY;
	/* weeks from the first day (the last one short), or calendar months */
	f->nbuckets =
	    weeks     ? (size_t)((p->to_ms - p->from_ms + 7 * 86400000ll - 1) / (7 * 86400000ll))
	    : p->half ? 6
	              : 12;
	if (f->nbuckets > CG_REPORT_MAX_BUCKETS)
		f->nbuckets = CG_REPORT_MAX_BUCKETS;
	/* open addressing by key (0: empty), less than half full: a lookup
	 * per web finding stays O(1) however many addresses a month has; a
	 * power of two, so a slot is a mask, not a division */
	size_t cap = 1;
	while (cap < (size_t)CG_REPORT_MAX_HOSTS * 2)
		cap <<= 1;
	scan sc = {.f = f, .p = p, .weeks = weeks, .sncap = cap, .nag = f->nagencies};
	sc.hs = (hostset){calloc(cap, sizeof(uint64_t)), cap, 0};
	sc.urls = (hostset){calloc(cap, sizeof(uint64_t)), cap, 0};
	sc.sn = calloc(cap, sizeof *sc.sn);
	sc.ag = calloc(f->nagencies ? f->nagencies : 1, sizeof *sc.ag);
	if (!sc.hs.slot || !sc.urls.slot || !sc.sn || !sc.ag) {
		err = CG_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < f->nagencies; i++)
		sc.ag[i] = (struct agidx){f->agencies[i].id, &f->agencies[i]};
	qsort(sc.ag, sc.nag, sizeof *sc.ag, cmp_agidx);
	err = cg_store_events_scan(st, scope, p->from_ms, p->to_ms, count_event, &sc);
	if (err) {
		if (why) {
			cg_buf_reset(why);
			cg_buf_printf(why, "reading the events: %s", cg_store_errmsg());
		}
		goto out;
	}
	for (size_t j = 0; j < cap; j++)
		if (sc.sn[j].key && (sc.sn[j].last - sc.sn[j].first) / 1000 > f->web_longest_s)
			f->web_longest_s = (sc.sn[j].last - sc.sn[j].first) / 1000;
	err = infection(st, scope, p, f, why);
out:
	free(sc.hs.slot);
	free(sc.urls.slot);
	free(sc.sn);
	free(sc.ag);
	return err;
}

bool cg_report_figure(const cg_report_figs *f, const char *name, int64_t *v)
{
	struct {
		const char *n;
		int64_t v;
	} t[] = {
	    {"events", f->events},
	    {"critical", f->by_sev[CG_SEV_CRITICAL]},
	    {"high", f->by_sev[CG_SEV_HIGH]},
	    {"defacements", f->defacements},
	    {"spam", f->spam},
	    {"outages", f->outages},
	    {"webshells", f->webshells},
	    {"malware_hosts", f->malware_hosts},
	    {"secret_documents", f->secret_docs},
	    {"dns_infected", f->dns_hosts},
	    {"account_findings", f->account_findings},
	    {"unclassified_systems", f->systems - f->systems_approved},
	    {"incidents", f->inc_opened},
	    {"reports_late", f->inc_reports[CG_CLOCK_LATE] + f->inc_reports[CG_CLOCK_OVERDUE]},
	    {"closing_reports_late",
	     f->inc_closing[CG_CLOCK_LATE] + f->inc_closing[CG_CLOCK_OVERDUE]},
	    {"escalations_missing", f->inc_escalations[CG_CLOCK_OVERDUE]},
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		if (strcmp(t[i].n, name) == 0) {
			*v = t[i].v;
			return true;
		}
	return false;
}

/* ---- recommendations as data ---- */

static bool copy_field(cg_slice s, char *dst, size_t n)
{
	if (s.len == 0 || s.len >= n)
		return false;
	memcpy(dst, s.ptr, s.len);
	dst[s.len] = 0;
	return true;
}

cg_err cg_reco_parse(cg_slice text, const char *file, cg_reco *out, size_t max, size_t *n,
                     cg_buf *why)
{
	*n = 0;
	cg_slice rest = text;
	static const cg_report_figs zero;
	for (int line = 1; rest.len; line++) {
		cg_slice l = cg_slice_cut(rest, '\n', &rest);
		if (l.len && l.ptr[l.len - 1] == '\r')
			l.len--;
		cg_slice t = cg_slice_trim(l);
		if (t.len == 0 || t.ptr[0] == '#')
			continue;
		const char *what = NULL;
		cg_slice fig = cg_slice_cut(l, '\t', &l), min = cg_slice_cut(l, '\t', &l);
		cg_slice vi = cg_slice_cut(l, '\t', &l), en = l;
		cg_reco r;
		int64_t v, dummy;
		if (*n >= max)
			what = "too many recommendations";
		else if (!copy_field(cg_slice_trim(fig), r.figure, sizeof r.figure) ||
		         !cg_report_figure(&zero, r.figure, &dummy))
			what = "unknown figure";
		else if (cg_parse_i64(cg_slice_trim(min), 0, INT64_MAX, &v))
			what = "MIN must be a whole number >= 0";
		else if (!copy_field(cg_slice_trim(vi), r.vi, sizeof r.vi) ||
		         !copy_field(cg_slice_trim(en), r.en, sizeof r.en) ||
		         memchr(en.ptr, '\t', en.len))
			what = "want FIGURE, MIN, Vietnamese and English text separated by tabs";
		if (what)
			return cg_rule_error(why, CG_EPARSE, file, (size_t)line, "%s", what);
		r.min = v;
		out[(*n)++] = r;
	}
	return CG_OK;
}

/* ---- the document ---- */

typedef struct W {
	cg_doc *d;
	bool en;
	cg_err err;
	int tables; /* numbered in order: a table left out leaves no gap */
} W;

static const char *L(const W *w, const char *vi, const char *en)
{
	return w->en ? en : vi;
}

static void para(W *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void para(W *w, const char *fmt, ...)
{
	if (w->err)
		return;
	char text[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	w->err = cg_doc_para(w->d, text);
}

/* A table whose caption is numbered "Bảng N. " / "Table N. ". */
static void table(W *w, const char *vi, const char *en, size_t ncols, const char *const *hdr)
{
	if (w->err)
		return;
	char cap[512];
	snprintf(cap, sizeof cap, "%s %d. %s", w->en ? "Table" : "Bảng", ++w->tables, L(w, vi, en));
	w->err = cg_doc_table(w->d, cap, ncols, hdr);
}

static void heading(W *w, int level, const char *vi, const char *en)
{
	if (!w->err)
		w->err = cg_doc_heading(w->d, level, L(w, vi, en));
}

static void row3(W *w, const char *label, int64_t now, int64_t before)
{
	char a[32], b[32], c[32];
	snprintf(a, sizeof a, "%lld", (long long)now);
	snprintf(b, sizeof b, "%lld", (long long)before);
	snprintf(c, sizeof c, "%+lld", (long long)(now - before));
	const char *cells[] = {label, a, b, c};
	if (!w->err)
		w->err = cg_doc_row(w->d, cells);
}

static int cmp_index(const void *x, const void *y)
{
	const cg_agency_figs *a = *(cg_agency_figs *const *)x, *b = *(cg_agency_figs *const *)y;
	if (a->infection_index != b->infection_index)
		return a->infection_index < b->infection_index ? 1 : -1;
	return a->events < b->events ? 1 : a->events > b->events ? -1 : 0;
}

static void period_words(const W *w, cg_report_kind k, const cg_period *p, char *buf, size_t n)
{
	if (p->month)
		snprintf(buf, n, w->en ? "month %02d/%04d" : "tháng %02d/%04d", p->month, p->year);
	else if (p->half)
		snprintf(buf, n, w->en ? "half %s of %04d" : "6 tháng %s năm %04d",
		         w->en ? (p->half == 1 ? "1" : "2") : (p->half == 1 ? "đầu" : "cuối"),
		         p->year);
	else
		snprintf(buf, n, w->en ? "year %04d" : "năm %04d", p->year);
	(void)k;
}

/* The names of the kinds of api/incident.h cg_inc_kinds, in its order. */
static const char *const INC_KIND_VI[] = {"Thay đổi giao diện",
                                          "Web shell",
                                          "Mã độc trên máy trạm",
                                          "Nhiễm mã độc (phát hiện qua DNS)",
                                          "Tài liệu mật trên máy nối mạng",
                                          "Lộ lọt dữ liệu",
                                          "Tấn công từ chối dịch vụ / gián đoạn",
                                          "Lừa đảo, chiếm tài khoản",
                                          "Mã độc tống tiền",
                                          "Khác"};
static const char *const INC_KIND_EN[] = {"Defacement",
                                          "Web shell",
                                          "Malware on endpoints",
                                          "Infection seen in DNS",
                                          "State-secret document on a networked machine",
                                          "Data leak",
                                          "DDoS / outage",
                                          "Phishing, account takeover",
                                          "Ransomware",
                                          "Other"};

/* The regulated reports by clock state as a table (its cells are numbers
 * in the XLSX), when any fell due. */
static void regulated_table(W *w, const cg_report_figs *f)
{
	const int64_t *rows[] = {f->inc_reports, f->inc_closing, f->inc_escalations};
	const char *vi[] = {"Báo cáo ban đầu (Mẫu 03)", "Báo cáo kết thúc (Mẫu 04)",
	                    "Báo cáo ngay (cấp độ 3+, bí mật nhà nước)"};
	const char *en[] = {"Initial report (Form 03)", "Closing report (Form 04)",
	                    "Immediate escalation (level 3+, state secrets)"};
	int64_t any = 0;
	for (int i = 0; i < 3; i++)
		any += rows[i][0] + rows[i][1] + rows[i][2] + rows[i][3];
	if (!any || w->err)
		return;
	const char *hdr[] = {L(w, "Báo cáo", "Report"), L(w, "Đúng hạn", "On time"),
	                     L(w, "Trễ hạn", "Late"), L(w, "Quá hạn chưa gửi", "Overdue"),
	                     L(w, "Còn trong hạn", "Not yet due")};
	table(w, "Báo cáo sự cố theo quy định", "Regulated incident reports", 5, hdr);
	for (int i = 0; i < 3 && !w->err; i++) {
		char c[4][24];
		const cg_clock_state order[] = {CG_CLOCK_MET, CG_CLOCK_LATE, CG_CLOCK_OVERDUE,
		                                CG_CLOCK_RUNNING};
		for (int k = 0; k < 4; k++)
			snprintf(c[k], sizeof c[k], "%lld", (long long)rows[i][order[k]]);
		const char *cells[] = {w->en ? en[i] : vi[i], c[0], c[1], c[2], c[3]};
		w->err = cg_doc_row(w->d, cells);
	}
}

static void incident_section(W *w, const cg_report_figs *f, const cg_report_figs *b)
{
	if (f->inc_opened == 0 && f->inc_closed == 0 && f->inc_open_end == 0) {
		para(w, "%s",
		     L(w, "Trong kỳ không có sự cố nào được tiếp nhận, xử lý.",
		       "No incident case was opened or handled in the period."));
		return;
	}
	para(w,
	     w->en
	         ? "%lld incident cases were detected in the period (%lld in the period before): "
	           "%lld critical, %lld high, %lld medium, %lld low. %lld cases were closed in the "
	           "period and %lld were still open at its end."
	         : "Trong kỳ tiếp nhận %lld sự cố (kỳ trước %lld): %lld nghiêm trọng, %lld cao, "
	           "%lld trung bình, %lld thấp. Đã kết thúc xử lý %lld sự cố trong kỳ; %lld sự "
	           "cố còn đang xử lý vào cuối kỳ.",
	     (long long)f->inc_opened, (long long)b->inc_opened,
	     (long long)f->inc_sev[CG_SEV_CRITICAL], (long long)f->inc_sev[CG_SEV_HIGH],
	     (long long)f->inc_sev[CG_SEV_MEDIUM], (long long)f->inc_sev[CG_SEV_LOW],
	     (long long)f->inc_closed, (long long)f->inc_open_end);
	size_t nk = 0;
	while (cg_inc_kinds[nk] && nk < CG_REPORT_INC_KINDS &&
	       nk < sizeof INC_KIND_VI / sizeof INC_KIND_VI[0])
		nk++;
	if (f->inc_opened && !w->err) {
		const char *hdr[] = {
		    L(w, "Loại sự cố", "Kind of incident"), L(w, "Kỳ này", "This period"),
		    L(w, "Kỳ trước", "Previous period"), L(w, "Tăng/giảm", "Change")};
		table(w, "Sự cố theo loại", "Incidents by kind", 4, hdr);
		const char *cats[CG_REPORT_INC_KINDS];
		double v[CG_REPORT_INC_KINDS];
		size_t nc = 0;
		for (size_t k = 0; k < nk; k++) {
			if (!f->inc_kind[k] && !b->inc_kind[k])
				continue;
			const char *label = w->en ? INC_KIND_EN[k] : INC_KIND_VI[k];
			row3(w, label, f->inc_kind[k], b->inc_kind[k]);
			cats[nc] = label;
			v[nc++] = (double)f->inc_kind[k];
		}
		const char *series[] = {L(w, "Sự cố", "Incidents")};
		if (!w->err && nc)
			w->err = cg_doc_chart_add(
			    w->d, CG_CHART_BARS, L(w, "Sự cố theo loại", "Incidents by kind"),
			    L(w, "sự cố", "incidents"), nc, cats, 1, series, v);
	}
	const int64_t *r = f->inc_reports;
	if (r[0] + r[1] + r[2] + r[3] == 0)
		para(w, "%s",
		     L(w, "Không có báo cáo sự cố theo quy định nào đến hạn trong kỳ.",
		       "No regulated incident report fell due in the period."));
	else
		para(
		    w,
		    w->en
		        ? "Regulated initial reports (Form 03, Circular 20/2017) of the cases "
		          "detected in the period: %lld sent on time, %lld sent late, %lld overdue "
		          "and not sent, %lld not yet due."
		        : "Báo cáo ban đầu sự cố theo quy định (Mẫu 03, Thông tư 20/2017/TT-BTTTT) "
		          "của các sự cố phát hiện trong kỳ: %lld báo cáo đúng hạn, %lld báo cáo "
		          "trễ hạn, %lld quá hạn chưa gửi, %lld còn trong thời hạn.",
		    (long long)r[CG_CLOCK_MET], (long long)r[CG_CLOCK_LATE],
		    (long long)r[CG_CLOCK_OVERDUE], (long long)r[CG_CLOCK_RUNNING]);
	r = f->inc_closing;
	if (r[0] + r[1] + r[2] + r[3] == 0)
		para(w, "%s",
		     L(w, "Không có báo cáo kết thúc ứng phó sự cố (Mẫu 04) nào đến hạn trong kỳ.",
		       "No closing report (Form 04) fell due in the period."));
	else
		para(
		    w,
		    w->en
		        ? "Closing reports of the response (Form 04) of the cases detected in "
		          "the period: %lld sent on time, %lld sent late, %lld overdue and not "
		          "sent, %lld not yet due."
		        : "Báo cáo kết thúc ứng phó sự cố (Mẫu 04) của các sự cố phát hiện trong "
		          "kỳ: %lld báo cáo đúng hạn, %lld báo cáo trễ hạn, %lld quá hạn chưa gửi, "
		          "%lld còn trong thời hạn.",
		    (long long)r[CG_CLOCK_MET], (long long)r[CG_CLOCK_LATE],
		    (long long)r[CG_CLOCK_OVERDUE], (long long)r[CG_CLOCK_RUNNING]);
	r = f->inc_escalations;
	if (r[0] + r[1] + r[2] + r[3] == 0)
		para(w, "%s",
		     L(w,
		       "Không có sự cố nào phải báo cáo ngay (hệ thống cấp độ 3 trở lên hoặc có bí "
		       "mật nhà nước) trong kỳ.",
		       "No case called for immediate escalation (a level 3+ system or state "
		       "secrets) in the period."));
	else
		para(w,
		     w->en
		         ? "Cases that called for immediate escalation to the provincial police "
		           "and the Department (a level 3+ system or state secrets): %lld, of "
		           "which %lld escalated at detection, %lld escalated later and %lld not "
		           "escalated."
		         : "Sự cố phải báo cáo ngay Công an tỉnh và Sở (hệ thống cấp độ 3 trở lên "
		           "hoặc có bí mật nhà nước): %lld sự cố, trong đó %lld báo cáo ngay khi "
		           "phát hiện, %lld báo cáo muộn, %lld chưa báo cáo.",
		     (long long)(r[0] + r[1] + r[2] + r[3]), (long long)r[CG_CLOCK_MET],
		     (long long)r[CG_CLOCK_LATE],
		     (long long)(r[CG_CLOCK_OVERDUE] + r[CG_CLOCK_RUNNING]));
	regulated_table(w, f);
}

cg_err cg_report_build(cg_report_kind kind, const cg_period *cur, const cg_period *prev,
                       const cg_report_figs *f, const cg_report_figs *b, const cg_reco *recos,
                       size_t nrecos, const cg_report_meta *m, cg_doc **out)
{
	cg_doc *d = cg_doc_new();
	if (!d)
		return CG_ENOMEM;
	W w = {d, m->english, CG_OK, 0};
	d->english = m->english;
	d->toc = 1; /* every periodic report: the annual one runs to many pages */
	char pw[64], text[1024], date[64];
	period_words(&w, kind, cur, pw, sizeof pw);
	time_t now = (time_t)(m->now_ms / 1000);
	struct tm tm;
	gmtime_r(&now, &tm);
	const char *prov = m->province ? m->province : "LAI CHÂU";
	snprintf(text, sizeof text, "%s %s", L(&w, "UBND TỈNH", "PEOPLE'S COMMITTEE OF"), prov);
	cg_doc_set(&d->parent, text);
	cg_doc_set(&d->issuer, m->issuer ? m->issuer
	                                 : L(&w, "SỞ KHOA HỌC VÀ CÔNG NGHỆ",
	                                     "DEPARTMENT OF SCIENCE AND TECHNOLOGY"));
	cg_doc_set(&d->number, L(&w, "Số:      /BC-SKHCN", "No.:      /BC-SKHCN"));
	if (m->english)
		snprintf(date, sizeof date, "%02d/%02d/%04d", tm.tm_mday, tm.tm_mon + 1,
		         tm.tm_year + 1900);
	else
		snprintf(date, sizeof date, "ngày %02d tháng %02d năm %04d", tm.tm_mday,
		         tm.tm_mon + 1, tm.tm_year + 1900);
	snprintf(text, sizeof text, "%s, %s", m->place ? m->place : "Lai Châu", date);
	cg_doc_set(&d->place_date, text);
	cg_doc_set(&d->kind_title, L(&w, "BÁO CÁO", "REPORT"));
	const char *what =
	    kind == CG_REPORT_INCIDENTS
	        ? L(&w, "Công tác ứng cứu sự cố an toàn thông tin mạng",
	            "Cyber-security incident response")
	        : L(&w, "Tình hình an toàn thông tin mạng", "Cyber-security situation");
	if (m->agency_name)
		snprintf(text, sizeof text, "%s %s - %s", what, pw, m->agency_name);
	else
		snprintf(text, sizeof text, "%s %s", what, pw);
	cg_doc_set(&d->title, text);
	cg_doc_set(&d->signer_role,
	           m->signer_role ? m->signer_role : L(&w, "GIÁM ĐỐC", "DIRECTOR"));
	cg_doc_set(&d->signer_name, m->signer_name ? m->signer_name : "");
	if (m->signed_by)
		cg_doc_set(&d->signed_by, m->signed_by);
	cg_doc_recipient(
	    d, L(&w, "UBND tỉnh (để báo cáo)", "Provincial People's Committee (for report)"));
	cg_doc_recipient(
	    d, L(&w, "Các cơ quan, đơn vị trên địa bàn tỉnh", "Agencies of the province"));
	cg_doc_recipient(d, L(&w, "Lưu: VT, CNTT", "Archive"));

	char pp[64];
	period_words(&w, kind, prev, pp, sizeof pp);
	heading(&w, 1, "I. TÌNH HÌNH CHUNG", "I. OVERVIEW");
	char from[32], to[32];
	time_t ta0 = (time_t)(cur->from_ms / 1000), tz0 = (time_t)(cur->to_ms / 1000 - 1);
	struct tm ta, tz;
	gmtime_r(&ta0, &ta);
	gmtime_r(&tz0, &tz);
	strftime(from, sizeof from, "%d/%m/%Y", &ta);
	strftime(to, sizeof to, "%d/%m/%Y", &tz);
	para(&w,
	     w.en ? "From %s to %s the monitoring systems recorded %lld security events "
	            "(%lld critical, %lld high), against %lld in the %s."
	          : "Từ ngày %s đến ngày %s, các hệ thống giám sát ghi nhận %lld sự kiện "
	            "an toàn thông tin (%lld nghiêm trọng, %lld cao), so với %lld sự kiện "
	            "trong %s.",
	     from, to, (long long)f->events, (long long)f->by_sev[CG_SEV_CRITICAL],
	     (long long)f->by_sev[CG_SEV_HIGH], (long long)b->events, pp);
	const char *hdr[] = {L(&w, "Chỉ tiêu", "Figure"), L(&w, "Kỳ này", "This period"),
	                     L(&w, "Kỳ trước", "Previous period"), L(&w, "Tăng/giảm", "Change")};
	table(&w, "Số liệu chính", "Main figures", 4, hdr);
	row3(&w, L(&w, "Tổng số sự kiện", "Events"), f->events, b->events);
	row3(&w, L(&w, "Sự kiện nghiêm trọng", "Critical events"), f->by_sev[4], b->by_sev[4]);
	row3(&w, L(&w, "Sự kiện mức cao", "High events"), f->by_sev[3], b->by_sev[3]);
	row3(&w, L(&w, "Thay đổi giao diện (deface)", "Defacements"), f->defacements,
	     b->defacements);
	row3(&w, L(&w, "Chèn nội dung cờ bạc, cloaking", "Gambling spam, cloaking"), f->spam,
	     b->spam);
	row3(&w, L(&w, "Gián đoạn truy cập cổng", "Portal outages"), f->outages, b->outages);
	row3(&w, L(&w, "Mã độc web shell", "Web shells"), f->webshells, b->webshells);
	row3(&w, L(&w, "Máy nhiễm mã độc", "Hosts with malware"), f->malware_hosts,
	     b->malware_hosts);
	row3(&w, L(&w, "Tài liệu mang dấu mật", "State-secret documents"), f->secret_docs,
	     b->secret_docs);
	row3(&w, L(&w, "Máy nhiễm phát hiện qua DNS", "DNS-detected infected hosts"), f->dns_hosts,
	     b->dns_hosts);
	row3(&w, L(&w, "Phát hiện về tài khoản", "Account findings"), f->account_findings,
	     b->account_findings);

	/* events per week (month) by severity */
	if (!w.err && f->nbuckets) {
		const char *cats[CG_REPORT_MAX_BUCKETS];
		char labels[CG_REPORT_MAX_BUCKETS][24];
		double v[5 * CG_REPORT_MAX_BUCKETS];
		const char *series[5] = {L(&w, "Thông tin", "Info"), L(&w, "Thấp", "Low"),
		                         L(&w, "Trung bình", "Medium"), L(&w, "Cao", "High"),
		                         L(&w, "Nghiêm trọng", "Critical")};
		for (size_t k = 0; k < f->nbuckets; k++) {
			snprintf(labels[k], sizeof labels[k], "%s %zu",
			         kind == CG_REPORT_MONTHLY ? L(&w, "Tuần", "Week")
			                                   : L(&w, "Tháng", "Month"),
			         kind == CG_REPORT_MONTHLY ? k + 1
			                                   : (size_t)(cur->half == 2 ? 7 : 1) + k);
			cats[k] = labels[k];
			for (int s = 0; s < 5; s++)
				v[(size_t)s * f->nbuckets + k] = (double)f->bucket_sev[k][s];
		}
		w.err = cg_doc_chart_add(
		    d, CG_CHART_STACKED,
		    kind == CG_REPORT_MONTHLY
		        ? L(&w, "Sự kiện theo tuần và mức độ", "Events per week by severity")
		        : L(&w, "Sự kiện theo tháng và mức độ", "Events per month by severity"),
		    L(&w, "sự kiện", "events"), f->nbuckets, cats, 5, series, v);
	}

	heading(&w, 1, "II. CỔNG/TRANG THÔNG TIN ĐIỆN TỬ", "II. WEB PORTALS");
	para(&w,
	     w.en ? "%lld portal systems are declared. Found on them: %lld defacements, %lld "
	            "gambling "
	            "spam or cloaking findings and %lld outages, on %lld distinct addresses; the "
	            "longest "
	            "a finding kept being seen on one address was %lld hours."
	          : "Có %lld hệ thống cổng/trang thông tin điện tử được khai báo. Phát hiện %lld "
	            "trường hợp thay đổi giao diện, %lld trường hợp chèn nội dung cờ bạc hoặc "
	            "cloaking "
	            "và %lld lần gián đoạn truy cập, trên %lld địa chỉ; một phát hiện tồn tại lâu "
	            "nhất "
	            "%lld giờ trên cùng một địa chỉ.",
	     (long long)f->portals, (long long)f->defacements, (long long)f->spam,
	     (long long)f->outages, (long long)f->web_urls, (long long)(f->web_longest_s / 3600));
	para(&w, "%s",
	     L(&w,
	       "Tỷ lệ sẵn sàng (%) của từng cổng chưa có số liệu: kho dữ liệu mới lưu các lần "
	       "kiểm tra thất bại, chưa lưu lịch sử các lần kiểm tra thành công.",
	       "Availability (%) per portal has no data yet: the store keeps failed checks, not "
	       "the history of successful ones."));

	heading(&w, 1, "III. MÃ ĐỘC, TÀI LIỆU MẬT, DNS", "III. MALWARE, SECRET DOCUMENTS, DNS");
	para(&w,
	     w.en ? "Malware scans reported %lld findings, %lld of them web shells, on %lld hosts. "
	            "%lld documents carrying a state-secret marking were found on %lld networked "
	            "computers. DNS log analysis flagged %lld infected hosts."
	          : "Quét mã độc ghi nhận %lld phát hiện, trong đó %lld web shell, trên %lld máy. "
	            "Phát hiện %lld tài liệu mang dấu mức độ mật trên %lld máy tính kết nối mạng. "
	            "Phân tích nhật ký DNS phát hiện %lld máy nhiễm mã độc.",
	     (long long)f->malware_events, (long long)f->webshells, (long long)f->malware_hosts,
	     (long long)f->secret_docs, (long long)f->secret_hosts, (long long)f->dns_hosts);
	/* per agency, most at risk first */
	cg_agency_figs *order[CG_REPORT_MAX_AGENCIES];
	size_t na = 0;
	for (size_t i = 0; i < f->nagencies; i++)
		if (f->agencies[i].events)
			order[na++] = (cg_agency_figs *)&f->agencies[i];
	qsort(order, na, sizeof order[0], cmp_index);
	if (na == 0) {
		para(&w, "%s",
		     L(&w, "Không cơ quan nào có sự kiện trong kỳ.",
		       "No agency had events in the period."));
	} else if (!w.err) {
		const char *h[] = {L(&w, "Cơ quan", "Agency"),
		                   L(&w, "Sự kiện", "Events"),
		                   L(&w, "Máy nhiễm mã độc", "Malware hosts"),
		                   L(&w, "Máy nhiễm (DNS)", "DNS hosts"),
		                   L(&w, "Tài liệu mật", "Secret docs"),
		                   L(&w, "Chỉ số lây nhiễm (%)", "Infection index (%)")};
		table(&w, "Các cơ quan theo chỉ số lây nhiễm mã độc",
		      "Agencies by malware infection index", 6, h);
		const char *cats[CG_REPORT_MAX_AGENCIES];
		double v[CG_REPORT_MAX_AGENCIES];
		for (size_t i = 0; i < na && !w.err; i++) {
			const cg_agency_figs *g = order[i];
			char e[24], mh[24], dh[24], sd[24], ii[24];
			snprintf(e, sizeof e, "%lld", (long long)g->events);
			snprintf(mh, sizeof mh, "%lld", (long long)g->malware_hosts);
			snprintf(dh, sizeof dh, "%lld", (long long)g->dns_hosts);
			snprintf(sd, sizeof sd, "%lld", (long long)g->secret_docs);
			snprintf(ii, sizeof ii, "%.2f", g->infection_index);
			const char *cells[] = {g->name, e, mh, dh, sd, ii};
			w.err = cg_doc_row(d, cells);
			cats[i] = g->name;
			v[i] = g->infection_index;
		}
		size_t nc = na > 15 ? 15 : na;
		const char *series[] = {L(&w, "Chỉ số lây nhiễm", "Infection index")};
		if (!w.err)
			w.err = cg_doc_chart_add(d, CG_CHART_BARS,
			                         L(&w, "Chỉ số lây nhiễm mã độc theo cơ quan",
			                           "Malware infection index per agency"),
			                         "%", nc, cats, 1, series, v);
		para(&w, "%s",
		     L(&w,
		       "Chỉ số lây nhiễm: số máy nhiễm mã độc (quét trên máy và qua DNS) trên 100 "
		       "máy "
		       "trạm cơ quan đã khai báo.",
		       "Infection index: hosts with malware (endpoint scans and DNS) per 100 "
		       "endpoints "
		       "the agency declared."));
	}

	heading(&w, 1, "IV. PHÂN LOẠI CẤP ĐỘ VÀ SỰ CỐ", "IV. CLASSIFICATION AND INCIDENTS");
	if (f->systems)
		para(&w,
		     w.en ? "%lld of %lld information systems (%.0f%%) have an approved security "
		            "level."
		          : "%lld trên %lld hệ thống thông tin (%.0f%%) đã được phê duyệt cấp độ.",
		     (long long)f->systems_approved, (long long)f->systems,
		     100.0 * (double)f->systems_approved / (double)f->systems);
	else
		para(&w, "%s",
		     L(&w, "Chưa có hệ thống thông tin nào được khai báo.",
		       "No information system is declared yet."));
	incident_section(&w, f, b);

	bool compliance = m->compliance || m->compliance_error;
	if (compliance) {
		heading(&w, 1, "V. TÌNH HÌNH TUÂN THỦ QUY ĐỊNH",
		        "V. COMPLIANCE WITH THE OBLIGATIONS");
		if (!w.err)
			w.err = cg_report_compliance_section(d, w.en, &w.tables, m->compliance,
			                                     m->compliance_error);
	}
	if (compliance)
		heading(&w, 1, "VI. KIẾN NGHỊ", "VI. RECOMMENDATIONS");
	else
		heading(&w, 1, "V. KIẾN NGHỊ", "V. RECOMMENDATIONS");
	int said = 0;
	for (size_t i = 0; i < nrecos; i++) {
		int64_t v;
		if (cg_report_figure(f, recos[i].figure, &v) && v >= recos[i].min && v > 0) {
			para(&w, "- %s", w.en ? recos[i].en : recos[i].vi);
			said++;
		}
	}
	if (!said)
		para(&w, "%s",
		     L(&w,
		       "Số liệu trong kỳ không đòi hỏi kiến nghị riêng; tiếp tục duy trì "
		       "giám sát.",
		       "The figures of the period call for no particular recommendation; "
		       "keep monitoring."));
	if (w.err) {
		cg_doc_free(d);
		return w.err;
	}
	*out = d;
	return CG_OK;
}
