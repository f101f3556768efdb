/*
 * exposure_job.c - the "exposure-scan" job (see exposure_job.h).
 *
 * One job run: queue the systems the schedule says are due (when on),
 * then take queued runs one by one (at most CG_XP_RUNS_PER_JOB; more make
 * the job due again at once) and scan each. A run's findings are compared
 * with the system's open findings in the store, so a restart or another
 * server taking the job over neither repeats nor forgets one: a finding
 * is recorded open before its event is stored.
 */
#include "exposure_job.h"

#include <dirent.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api/triage.h"
#include "core/event.h"
#include "core/json.h"
#include "core/limits.h"
#include "core/log.h"
#include "core/rulesdir.h"
#include "core/timeutil.h"
#include "exposure/exposure.h"
#include "exposure/scope.h"
#include "alert_job.h"
#include "version.h"

struct cg_xp_job {
	cg_store *st;
	char *data_dir;
	cg_jobs *jobs;
	_Atomic int days, days_l3; /* the schedule; days 0: off */
	cg_web_alerts *alerts;     /* new high/critical findings (alert_job.h) */
	cg_xtpl **tpls;
	size_t ntpls, cap;
	cg_xfeed feed;
};

static cg_xp_job *g_xp;

/* One run in progress. */
typedef struct run {
	cg_xp_job *x;
	int64_t id, system_id, agency_id;
	json_t *seen;   /* "subject\nkind" of every finding of this run */
	json_t *errors; /* [{target, error, detail}] */
	json_t *failed; /* targets that did not answer: {input: true} */
	int64_t opened;
} run;

/* ---- loading ------------------------------------------------------------ */

static void on_tpl(cg_xtpl *t, void *ctx)
{
	cg_xp_job *x = ctx;
	if (t->skip[0] || x->ntpls >= CG_XP_MAX_TEMPLATES) {
		cg_xtpl_free(t);
		return;
	}
	if (x->ntpls == x->cap) {
		size_t nc = x->cap ? x->cap * 2 : 64;
		cg_xtpl **n = realloc(x->tpls, nc * sizeof *n);
		if (!n) {
			cg_xtpl_free(t);
			return;
		}
		x->tpls = n;
		x->cap = nc;
	}
	x->tpls[x->ntpls++] = t;
}

static void on_bad(const char *why, void *ctx)
{
	(void)ctx;
	cg_warn("exposure scans: template %s", why);
}

/* The vulnerability feeds the operator placed in DATA_DIR/exposure: NVD
 * CVE JSON 2.0 files in nvd/ and the KEV catalogue as kev.json. Read
 * again by each job run that has a scan to do (scans are rare; a new
 * year's file applies without a restart); without any, the shipped list
 * of supported versions decides (as `scan exposure` without --vuln-feed). */
static void load_feeds(cg_xp_job *x)
{
	cg_xfeed_free(&x->feed);
	memset(&x->feed, 0, sizeof x->feed);
	cg_buf path, why;
	cg_buf_init(&path, 8192);
	cg_buf_init(&why, 4096);
	size_t nvd = 0;
	cg_buf_printf(&path, "%s/exposure/nvd", x->data_dir);
	DIR *d = opendir(cg_buf_cstr(&path));
	struct dirent *e;
	while (d && (e = readdir(d))) {
		size_t n = strlen(e->d_name);
		if (e->d_name[0] == '.' || n < 6 || strcmp(e->d_name + n - 5, ".json") != 0)
			continue;
		cg_buf_reset(&path);
		cg_buf_reset(&why);
		cg_buf_printf(&path, "%s/exposure/nvd/%s", x->data_dir, e->d_name);
		if (cg_xfeed_load_nvd(&x->feed, cg_buf_cstr(&path), &why))
			cg_error("exposure scans: %s", cg_buf_cstr(&why));
		else
			nvd++;
	}
	if (d)
		closedir(d);
	cg_buf_reset(&path);
	cg_buf_printf(&path, "%s/exposure/kev.json", x->data_dir);
	cg_buf_reset(&why);
	if (nvd && access(cg_buf_cstr(&path), R_OK) == 0 &&
	    cg_xfeed_load_kev(&x->feed, cg_buf_cstr(&path), &why))
		cg_error("exposure scans: %s", cg_buf_cstr(&why));
	char dir[4096];
	if (!nvd && cg_rules_dir("exposure", dir, sizeof dir) == CG_OK &&
	    strlen(dir) + sizeof "/versions.json" < sizeof dir) {
		memcpy(dir + strlen(dir), "/versions.json", sizeof "/versions.json");
		cg_buf_reset(&why);
		if (cg_xfeed_load_outdated(&x->feed, dir, &why))
			cg_error("exposure scans: %s", cg_buf_cstr(&why));
	}
	cg_buf_free(&path);
	cg_buf_free(&why);
}

static void load_rules(cg_xp_job *x)
{
	char dir[4096];
	cg_buf why;
	cg_buf_init(&why, 4096);
	if (cg_rules_dir("exposure", dir, sizeof dir) != CG_OK) {
		cg_error("exposure scans: no shipped templates (%s): only the built-in checks run",
		         dir);
		cg_buf_free(&why);
		return;
	}
	if (cg_xtpl_load_dir(dir, on_tpl, on_bad, x, &why))
		cg_error("exposure scans: %s", cg_buf_cstr(&why));
	cg_buf_free(&why);
}

/* ---- events ------------------------------------------------------------- */

static void store_event(cg_store *st, const cg_event *ev, int64_t agency_id, int64_t system_id)
{
	cg_event_in in = {.ev = ev,
	                  .agency_id = agency_id,
	                  .system_id = system_id,
	                  .producer = "server:exposure"};
	size_t acc = 0, dup = 0;
	if (cg_store_events_insert(st, &in, 1, cg_time_now_ms(), &acc, &dup))
		cg_error("exposure scans: cannot store a %s event for %s: %s", ev->kind,
		         ev->subject ? ev->subject : "", cg_store_errmsg());
}

static void key_of(const char *subject, const char *kind, cg_buf *k)
{
	cg_buf_reset(k);
	cg_buf_printf(k, "%s\n%s", subject ? subject : "", kind ? kind : "");
}

static void on_finding(const cg_event *ev, const char *target, const char *check, void *ctx)
{
	(void)check;
	run *r = ctx;
	const char *subject = ev->subject ? ev->subject : target;
	cg_buf k;
	cg_buf_init(&k, 8192);
	key_of(subject, ev->kind, &k);
	bool again = json_object_get(r->seen, cg_buf_cstr(&k)) != NULL;
	json_object_set_new(r->seen, cg_buf_cstr(&k), json_true());
	cg_buf_free(&k);
	if (again)
		return;
	json_t *cves = json_array();
	size_t i;
	json_t *c;
	json_array_foreach(json_object_get(ev->evidence, "cves"), i, c)
	{
		const char *id =
		    json_is_string(c) ? json_string_value(c) : cg_json_get_str(c, "id");
		if (id)
			json_array_append_new(cves, json_string(id));
	}
	json_t *rec = json_pack(
	    "{s:I,s:I,s:o,s:o,s:s,s:o,s:o,s:I,s:s,s:I,s:I}", "system_id", (json_int_t)r->system_id,
	    "agency_id", (json_int_t)r->agency_id, "target", cg_json_cstr(subject), "kind",
	    cg_json_cstr(ev->kind), "severity", cg_severity_name(ev->severity), "summary",
	    cg_json_cstr(ev->summary ? ev->summary : ""), "cves", cves, "kev",
	    (json_int_t)json_is_true(json_object_get(ev->evidence, "known_exploited")), "event_id",
	    ev->id, "opened", (json_int_t)ev->time_ms, "opened_run", (json_int_t)r->id);
	int64_t fid = 0;
	/* recorded before the event: a server taking the job over after this
	 * point sees it open and does not report it a second time */
	cg_err err = rec ? cg_store_xp_finding_open(r->x->st, rec, &fid) : CG_ENOMEM;
	json_decref(rec);
	if (err == CG_ECONFLICT)
		return; /* open since an earlier run */
	if (err) {
		cg_error("exposure scans: cannot record the finding %s %s: %s", ev->kind, subject,
		         cg_store_errmsg());
		return;
	}
	json_object_set_new(ev->evidence, "state", json_string("open"));
	json_object_set_new(ev->evidence, "scan_run", json_integer(r->id));
	store_event(r->x->st, ev, r->agency_id, r->system_id);
	/* once: a finding already open returned above, and the finding is
	 * recorded before its alert is queued */
	if (ev->severity >= CG_SEV_HIGH)
		cg_web_alerts_new_finding(r->x->alerts, ev, r->agency_id);
	r->opened++;
}

static void on_error(const char *target, const char *msg, const char *detail, void *ctx)
{
	run *r = ctx;
	json_array_append_new(r->errors, json_pack("{s:o,s:o,s:o}", "target", cg_json_cstr(target),
	                                           "error", cg_json_cstr(msg), "detail",
	                                           cg_json_cstr(detail ? detail : "")));
	json_object_set_new(r->failed, target, json_true());
}

/* The finding f (a store record) is no longer seen: its end as an event,
 * and the first event's triage resolved when nobody took it further. */
static void close_finding(run *r, const json_t *f, int64_t now)
{
	cg_err err = cg_store_xp_finding_fix(r->x->st, json_integer_value(json_object_get(f, "id")),
	                                     r->id, now);
	if (err) {
		if (err != CG_ENOTFOUND)
			cg_error("exposure scans: cannot close a finding: %s", cg_store_errmsg());
		return;
	}
	cg_event ev;
	if (cg_event_init(&ev))
		return;
	cg_buf sum;
	cg_buf_init(&sum, CG_MAX_EVENT_SUMMARY);
	cg_buf_printf(&sum, "Đã khắc phục: %s", cg_json_get_str(f, "summary"));
	cg_event_set(&ev, CG_EV_SOURCE, CG_SLICE("exposure"));
	cg_event_set(&ev, CG_EV_KIND, cg_slice_cstr(cg_json_get_str(f, "kind")));
	cg_event_set(&ev, CG_EV_SUBJECT, cg_slice_cstr(cg_json_get_str(f, "target")));
	cg_event_set(&ev, CG_EV_SUMMARY, cg_buf_slice(&sum));
	ev.severity = CG_SEV_INFO;
	const char *open_id = cg_json_get_str(f, "event_id");
	json_object_set_new(ev.evidence, "state", json_string("resolved"));
	json_object_set_new(ev.evidence, "open_event_id", cg_json_cstr(open_id ? open_id : ""));
	json_object_set_new(ev.evidence, "open_severity",
	                    json_incref(json_object_get(f, "severity")));
	json_object_set_new(ev.evidence, "scan_run", json_integer(r->id));
	store_event(r->x->st, &ev, r->agency_id, r->system_id);
	cg_event_clear(&ev);
	cg_buf_free(&sum);
	bool changed;
	err = open_id ? cg_triage_resolve_ended(r->x->st, "server:exposure", open_id,
	                                        "system:exposure-scan", now, &changed)
	              : CG_OK;
	if (err && err != CG_ENOTFOUND)
		cg_error("exposure scans: cannot resolve the event of a fixed finding: %s",
		         cg_store_errmsg());
}

/* ---- one run ------------------------------------------------------------ */

static const char *status_of(size_t targets, size_t reached, size_t refused)
{
	if (targets == 0)
		return refused ? "refused" : "no_targets";
	if (reached == 0)
		return "unreachable";
	return reached < targets || refused ? "partial" : "ok";
}

/* The server's rate limits. A build with its tests (CG_TEST_HOOKS; the
 * Debian packages have none) lifts them when CANHGAC_TEST_XP_NO_RATE=1:
 * the suites scan their own loopback sites, where the politeness limits
 * only make every scan take seconds; no suite measures the limits (the
 * engine's own tests do, through `scan exposure --rate`). */
static void server_rates(cg_xp_opts *o)
{
	o->http.rate = CG_XP_SERVER_RATE;
	o->http.per_host_rate = CG_XP_SERVER_HOST_RATE;
#if CG_TEST_HOOKS
	const char *v = getenv("CANHGAC_TEST_XP_NO_RATE");
	if (v && strcmp(v, "1") == 0) {
		o->http.rate = 0;
		o->http.per_host_rate = 0;
	}
#endif
}

static void scan_one(cg_xp_job *x, const json_t *claimed)
{
	cg_scope all = {0};
	run r = {.x = x,
	         .id = json_integer_value(json_object_get(claimed, "id")),
	         .system_id = json_integer_value(json_object_get(claimed, "system_id")),
	         .agency_id = json_integer_value(json_object_get(claimed, "agency_id")),
	         .seen = json_object(),
	         .errors = json_array(),
	         .failed = json_object()};
	json_t *sys = NULL, *agency = NULL;
	cg_xtargets ts = {0};
	const char *status = "error";
	size_t reached = 0, fixed = 0;
	cg_err err = cg_store_inv_get(x->st, &all, CG_RES_SYSTEM, r.system_id, &sys);
	if (!err && r.agency_id > 0 &&
	    cg_store_inv_get(x->st, &all, CG_RES_AGENCY, r.agency_id, &agency) != CG_OK)
		agency = NULL;
	if (err) {
		json_array_append_new(r.errors, json_pack("{s:s,s:s}", "target", "", "error",
		                                          "cannot read the system"));
	} else {
		cg_xp_system_targets(sys, agency, &ts, r.errors);
		size_t refused = json_array_size(r.errors);
		if (ts.n) {
			cg_xp_opts o;
			cg_xp_opts_default(&o);
			server_rates(&o);
			o.http.parallel = CG_XP_SERVER_PARALLEL;
			o.feed = &x->feed;
			o.tpls = x->tpls;
			o.ntpls = x->ntpls;
			cg_xp_sink sink = {on_finding, on_error, NULL, NULL, &r};
			cg_xp_stats stats;
			cg_err serr = cg_xp_scan(&ts, &o, &sink, &stats);
			if (serr)
				on_error("", "the scan failed", cg_strerror(serr), &r);
		}
		for (size_t i = 0; i < ts.n; i++)
			reached += !json_object_get(r.failed, ts.v[i].input);
		status = status_of(ts.n, reached, refused);
		/* only a run that reached every target says what is gone */
		if (strcmp(status, "ok") == 0) {
			json_t *open = NULL;
			cg_scope sc = {0};
			int64_t now = cg_time_now_ms();
			if (cg_store_xp_findings(x->st, &sc, r.system_id, true, 100000, &open) ==
			    CG_OK) {
				size_t i;
				json_t *f;
				cg_buf k;
				cg_buf_init(&k, 8192);
				json_array_foreach(open, i, f)
				{
					key_of(cg_json_get_str(f, "target"),
					       cg_json_get_str(f, "kind"), &k);
					if (!json_object_get(r.seen, cg_buf_cstr(&k))) {
						close_finding(&r, f, now);
						fixed++;
					}
				}
				cg_buf_free(&k);
				json_decref(open);
			} else {
				cg_error("exposure scans: cannot read the open findings: %s",
				         cg_store_errmsg());
			}
		}
	}
	char *etext = json_dumps(r.errors, JSON_COMPACT);
	json_t *fin =
	    json_pack("{s:s,s:I,s:I,s:I,s:I,s:I,s:s}", "status", status, "finished",
	              (json_int_t)cg_time_now_ms(), "targets", (json_int_t)ts.n, "reached",
	              (json_int_t)reached, "findings", (json_int_t)json_object_size(r.seen),
	              "fixed", (json_int_t)fixed, "errors", etext ? etext : "[]");
	if (!fin || cg_store_xp_run_finish(x->st, r.id, fin))
		cg_error("exposure scans: cannot record the end of run %lld: %s", (long long)r.id,
		         cg_store_errmsg());
	cg_info("exposure scans: run %lld of system %lld: %s, %zu/%zu target(s) answered, %zu "
	        "finding(s) (%lld new), %zu fixed",
	        (long long)r.id, (long long)r.system_id, status, reached, ts.n,
	        json_object_size(r.seen), (long long)r.opened, fixed);
	json_decref(fin);
	free(etext);
	cg_xtargets_free(&ts);
	json_decref(sys);
	json_decref(agency);
	json_decref(r.seen);
	json_decref(r.errors);
	json_decref(r.failed);
}

/* ---- the schedule -------------------------------------------------------- */

static bool has_targets(const json_t *sys)
{
	return json_array_size(json_object_get(sys, "urls")) ||
	       json_array_size(json_object_get(sys, "domains")) ||
	       json_array_size(json_object_get(sys, "ips"));
}

static void queue_due(cg_xp_job *x, int64_t now, int days, int days_l3)
{
	json_t *systems = NULL, *latest = NULL;
	int64_t total = 0;
	cg_scope all = {0};
	if (cg_store_inv_list(x->st, &all, CG_RES_SYSTEM, NULL, 100000, 0, &systems, &total) ||
	    cg_store_xp_latest(x->st, &latest)) {
		cg_error("exposure scans: cannot read the schedule: %s", cg_store_errmsg());
		json_decref(systems);
		return;
	}
	json_t *last = json_object();
	size_t i;
	json_t *o;
	json_array_foreach(latest, i, o)
	{
		char k[24];
		snprintf(k, sizeof k, "%lld",
		         (long long)json_integer_value(json_object_get(o, "system_id")));
		json_object_set(last, k, json_object_get(o, "queued"));
	}
	json_array_foreach(systems, i, o)
	{
		if (!has_targets(o))
			continue;
		int64_t id = json_integer_value(json_object_get(o, "id"));
		char k[24];
		snprintf(k, sizeof k, "%lld", (long long)id);
		json_t *q = json_object_get(last, k);
		int64_t period =
		    (json_integer_value(json_object_get(o, "level")) >= 3 ? days_l3 : days) *
		    86400000LL;
		if (q && now - json_integer_value(q) < period)
			continue;
		int64_t rid = 0;
		bool already = false;
		if (cg_store_xp_run_queue(x->st, id, "system:schedule", now, &rid, &already))
			cg_error("exposure scans: cannot queue system %lld: %s", (long long)id,
			         cg_store_errmsg());
	}
	json_decref(last);
	json_decref(systems);
	json_decref(latest);
}

static cg_err xp_job(void *ctx, const cg_job *job, int64_t *next_run_ms, cg_buf *why)
{
	(void)job;
	(void)why;
	cg_xp_job *x = ctx;
	int64_t now = cg_time_now_ms();
	int days = atomic_load(&x->days), days_l3 = atomic_load(&x->days_l3);
	if (days > 0)
		queue_due(x, now, days, days_l3);
	*next_run_ms = now + CG_XP_JOB_PERIOD_MS;
	cg_err err = CG_OK;
	int n = 0;
	for (; n < CG_XP_RUNS_PER_JOB; n++) {
		json_t *claimed = NULL;
		err = cg_store_xp_run_claim(x->st, cg_time_now_ms(), CG_XP_RUN_STALE_MS, &claimed);
		if (err == CG_ENOTFOUND) {
			err = CG_OK;
			break;
		}
		if (err) {
			cg_buf_printf(why, "cannot take a queued scan: %s", cg_store_errmsg());
			break;
		}
		if (n == 0)
			load_feeds(x);
		scan_one(x, claimed);
		json_decref(claimed);
	}
	if (n == CG_XP_RUNS_PER_JOB)
		*next_run_ms = cg_time_now_ms(); /* more queued: again at once */
	return err; /* its alert rows go out by the alert-delivery job */
}

/* ---- public -------------------------------------------------------------- */

cg_err cg_xp_job_add(cg_jobs *jobs, cg_store *st, const char *data_dir, int days, int days_l3,
                     const char *alert_config, cg_xp_job **out)
{
	*out = NULL;
	cg_xp_job *x = calloc(1, sizeof *x);
	if (!x)
		return CG_ENOMEM;
	x->data_dir = strdup(data_dir);
	if (!x->data_dir) {
		free(x);
		return CG_ENOMEM;
	}
	x->st = st;
	x->jobs = jobs;
	cg_xp_job_set_periods(x, days, days_l3);
	(void)alert_config; /* the channels are alert_job.c's */
	x->alerts = cg_alert_queue();
	load_rules(x);
	if (days > 0)
		cg_info("exposure scans: every system every %d days, from level 3 every %d days",
		        days, atomic_load(&x->days_l3));
	else
		cg_info("exposure scans: no schedule (--exposure-interval 0); scan now only");
	cg_err err = cg_jobs_add(jobs, CG_XP_JOB, "exposure", CG_XP_JOB_PERIOD_MS, xp_job, x);
	if (err) {
		cg_error("exposure scans: cannot register the job: %s", cg_store_errmsg());
		cg_xp_job_free(x);
		return err;
	}
	g_xp = x;
	*out = x;
	return CG_OK;
}

void cg_xp_job_free(cg_xp_job *x)
{
	if (!x)
		return;
	if (g_xp == x)
		g_xp = NULL;
	for (size_t i = 0; i < x->ntpls; i++)
		cg_xtpl_free(x->tpls[i]);
	free(x->tpls);
	cg_xfeed_free(&x->feed);
	free(x->data_dir);
	free(x);
}

void cg_xp_job_set_periods(cg_xp_job *x, int days, int days_l3)
{
	if (!x)
		return;
	atomic_store(&x->days, days < 0                       ? 0
	                       : days > CG_XP_PERIOD_MAX_DAYS ? CG_XP_PERIOD_MAX_DAYS
	                                                      : days);
	atomic_store(&x->days_l3, days_l3 < 1                       ? CG_XP_PERIOD_L3_DAYS
	                          : days_l3 > CG_XP_PERIOD_MAX_DAYS ? CG_XP_PERIOD_MAX_DAYS
	                                                            : days_l3);
}

cg_xp_job *cg_xp_job_current(void)
{
	return g_xp;
}

void cg_xp_job_wake(cg_xp_job *x)
{
	if (x)
		cg_jobs_run_soon(x->jobs, CG_XP_JOB);
}
