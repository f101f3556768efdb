/* Unit tests for store/figures.c: the overview's figures add up (headline
 * = severities = 30-day trend, a future-dated event included), agents are
 * counted per agency, malware hosts and DNS clients are distinct, and the
 * portal list holds every web URL with the findings on it or on a page
 * under it - never on a look-alike host that merely starts the same. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/json.h"
#include "core/timeutil.h"
#include "store/figures.h"
#include "../test.h"

static char dir[256];
static const cg_scope ALL = {0};
static const cg_actor ACTOR = {"test"};

static cg_store *fresh(void)
{
	snprintf(dir, sizeof dir, "/tmp/canhgac-figures.XXXXXX");
	if (!mkdtemp(dir))
		return NULL;
	char path[300];
	snprintf(path, sizeof path, "%s/t.db", dir);
	cg_store *st = NULL;
	if (cg_store_open(path, &st, NULL))
		printf("# cannot open %s\n", path);
	return st;
}

static void done(cg_store *st)
{
	cg_store_close(st);
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		printf("# cleanup failed\n");
}

static int64_t mk_agency(cg_store *st, const char *name, const char *code)
{
	json_t *rec = json_pack("{s:s,s:s,s:n,s:s,s:[],s:i}", "name", name, "kind", "xa",
	                        "parent_id", "code", code, "ip_ranges", "declared_endpoints", 10);
	int64_t id = 0;
	CHECK(cg_store_inv_create(st, &ALL, &ACTOR, CG_RES_AGENCY, rec, &id) == CG_OK);
	json_decref(rec);
	return id;
}

static int64_t mk_system(cg_store *st, int64_t agency, const char *name, const char *url)
{
	json_t *rec = json_pack("{s:I,s:s,s:s,s:[s],s:[],s:[],s:i,s:s,s:{},s:i}", "agency_id",
	                        (json_int_t)agency, "name", name, "kind", "portal", "urls", url,
	                        "domains", "ips", "level", 2, "dossier_status", "none",
	                        "dossier_dates", "monitor_interval_s", 300);
	int64_t id = 0;
	CHECK(cg_store_inv_create(st, &ALL, &ACTOR, CG_RES_SYSTEM, rec, &id) == CG_OK);
	json_decref(rec);
	return id;
}

typedef struct spec {
	const char *id, *source, *kind, *host, *subject;
	int sev;
	int64_t age_ms; /* negative: in the future */
	int64_t agency;
} spec;

static void store_events(cg_store *st, const spec *s, size_t n)
{
	cg_event evs[16];
	cg_event_in in[16];
	int64_t now = cg_time_now_ms();
	for (size_t i = 0; i < n; i++) {
		cg_event_init(&evs[i]);
		snprintf(evs[i].id, sizeof evs[i].id, "%s", s[i].id);
		evs[i].severity = (cg_severity)s[i].sev;
		evs[i].time_ms = now - s[i].age_ms;
		cg_event_set(&evs[i], CG_EV_SOURCE, cg_slice_cstr(s[i].source));
		cg_event_set(&evs[i], CG_EV_KIND, cg_slice_cstr(s[i].kind));
		cg_event_set(&evs[i], CG_EV_HOST, cg_slice_cstr(s[i].host));
		cg_event_set(&evs[i], CG_EV_SUBJECT, cg_slice_cstr(s[i].subject));
		cg_event_set(&evs[i], CG_EV_SUMMARY, CG_SLICE("s"));
		in[i] = (cg_event_in){.ev = &evs[i], .agency_id = s[i].agency};
	}
	size_t acc = 0, dup = 0;
	CHECK(cg_store_events_insert(st, in, n, now, &acc, &dup) == CG_OK && acc == n);
	for (size_t i = 0; i < n; i++)
		cg_event_clear(&evs[i]);
}

static int64_t geti(const json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

#define DAY 86400000LL

TEST(overview_figures_add_up)
{
	cg_store *st = fresh();
	int64_t a = mk_agency(st, "A", "a"), b = mk_agency(st, "B", "b");
	const spec evs[] = {
	    {"m1", "malware", "malware", "pc-1", "x", 3, 1000, a},
	    {"m2", "malware", "malware", "pc-1", "y", 4, 2 * DAY, a},  /* same host */
	    {"m3", "malware", "malware", "pc-2", "z", 2, 1000, a},     /* medium: not infected */
	    {"m4", "malware", "malware", "pc-3", "z", 4, 40 * DAY, a}, /* too old */
	    {"d1", "dns", "infected_client", "r", "10.0.0.5", 3, 1000, b},
	    {"d2", "dns", "infected_client", "r", "10.0.0.5", 3, DAY, b},
	    {"d3", "dns", "infected_client", "r", "10.0.0.6", 3, DAY, b},
	    {"f1", "web", "defacement", "w", "https://b.example/", 4, -DAY, b}, /* clock ahead */
	    {"i1", "agent", "offline", "pc-9", "pc-9", 0, 5 * DAY, b},
	};
	store_events(st, evs, sizeof evs / sizeof *evs);
	json_t *agents = json_pack("[{s:I,s:b},{s:I,s:b},{s:I,s:b}]", "agency_id", (json_int_t)a,
	                           "offline", 0, "agency_id", (json_int_t)a, "offline", 1,
	                           "agency_id", (json_int_t)b, "offline", 0);
	json_t *ov = NULL;
	CHECK(cg_fig_overview(st, &ALL, agents, cg_time_now_ms(), &ov) == CG_OK);
	json_t *tot = json_object_get(ov, "totals");
	CHECK(geti(tot, "enrolled") == 3 && geti(tot, "online") == 2);
	CHECK(geti(tot, "malware_hosts") == 1);
	CHECK(geti(tot, "dns_clients") == 2);
	CHECK(json_object_get(tot, "endpoints") == NULL);
	/* headline = five severities = the trend's bars */
	json_t *of = json_object_get(tot, "open_findings");
	int64_t sev = geti(of, "critical") + geti(of, "high") + geti(of, "medium") +
	              geti(of, "low") + geti(of, "info");
	int64_t bars = 0;
	size_t i;
	json_t *d;
	json_array_foreach(json_object_get(ov, "trend"), i, d) bars +=
	    geti(d, "critical") + geti(d, "high") + geti(d, "medium") + geti(d, "low") +
	    geti(d, "info");
	CHECK(json_array_size(json_object_get(ov, "trend")) == CG_FIG_OPEN_DAYS);
	CHECK(geti(tot, "open_total") == sev && sev == bars && bars == 8);
	json_t *ag;
	json_array_foreach(json_object_get(ov, "agencies"), i, ag)
	{
		if (geti(ag, "id") == a)
			CHECK(geti(ag, "enrolled") == 2 && geti(ag, "online") == 1 &&
			      geti(ag, "malware_hosts") == 1 && geti(ag, "dns_clients") == 0);
		else
			CHECK(geti(ag, "enrolled") == 1 && geti(ag, "dns_clients") == 2 &&
			      geti(ag, "malware_hosts") == 0);
	}
	json_decref(ov);
	/* an officer of B sees B's figures only */
	cg_scope only_b = {b};
	CHECK(cg_fig_overview(st, &only_b, NULL, cg_time_now_ms(), &ov) == CG_OK);
	tot = json_object_get(ov, "totals");
	CHECK(geti(tot, "agencies") == 1 && geti(tot, "malware_hosts") == 0 &&
	      geti(tot, "dns_clients") == 2 && geti(tot, "enrolled") == 0);
	json_decref(ov);
	json_decref(agents);
	done(st);
}

TEST(portals_listed_with_their_findings)
{
	cg_store *st = fresh();
	int64_t a = mk_agency(st, "A", "a");
	int64_t s1 = mk_system(st, a, "Portal A", "https://a.example");
	mk_system(st, a, "Portal B", "https://b.example/");
	const spec evs[] = {
	    {"w1", "web", "spam", "w", "https://a.example/tin-tuc/1?x=1", 3, 1000, a},
	    {"w2", "web", "spam", "w", "https://a.example/", 2, 2000, a}, /* older, same kind */
	    {"w3", "web", "defacement", "w", "https://a.example.evil/", 4, 1000, a},
	    {"w4", "web", "defacement", "w", "https://b.example/", 4, 40 * DAY, a}, /* old */
	};
	store_events(st, evs, sizeof evs / sizeof *evs);
	json_t *list = NULL;
	CHECK(cg_fig_portals(st, &ALL, cg_time_now_ms(), NULL, &list) == CG_OK);
	CHECK(json_array_size(list) == 2);
	size_t i;
	json_t *p;
	json_array_foreach(list, i, p)
	{
		json_t *open = json_object_get(p, "open_findings");
		CHECK(json_is_false(json_object_get(p, "watched")));
		CHECK_STR(cg_json_get_str(p, "outcome"), "not watched");
		if (geti(p, "system_id") == s1) {
			/* the newest spam only; the look-alike host is not this portal */
			CHECK(json_array_size(open) == 1);
			CHECK_STR(cg_json_get_str(json_array_get(open, 0), "event_id"), "w1");
		} else {
			CHECK(json_array_size(open) == 0);
		}
	}
	json_decref(list);
	/* the watcher's state wins for the URLs it watches */
	json_t *watch = json_pack("[{s:s,s:s,s:i,s:[]}]", "url", "https://b.example/", "outcome",
	                          "ok", "http_status", 200, "open_findings");
	CHECK(cg_fig_portals(st, &ALL, cg_time_now_ms(), watch, &list) == CG_OK);
	json_array_foreach(list, i, p)
	{
		if (geti(p, "system_id") != s1)
			CHECK(json_is_true(json_object_get(p, "watched")) &&
			      geti(p, "http_status") == 200);
	}
	json_decref(list);
	json_decref(watch);
	done(st);
}

int main(void)
{
	RUN(overview_figures_add_up);
	RUN(portals_listed_with_their_findings);
	return test_done();
}
