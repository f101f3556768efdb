/*
 * api_metrics.c - GET /metrics: this server's figures in the Prometheus
 * text exposition format (version 0.0.4), for a scraper holding a token
 * of scope "metrics" (or an admin). Who may read it is the policy's
 * answer for CG_PRES_METRICS (api/policy.h), as for every route.
 *
 * Two kinds of figure:
 *  - counted here, per process (a scraper scrapes each server behind the
 *    balancer and sums): requests by route and status, request latency by
 *    route, ingested events and ingest batch latency. The counters are
 *    static arrays of C11 atomics (core/metrics.h), one row per route of
 *    the table plus one for unmatched requests, so counting takes no lock
 *    and no allocation, and the labels are the route patterns (a bounded
 *    set), never the request's path;
 *  - read from the store at scrape time, the same from every server on one
 *    database: the jobs with their lag (how long a due job has waited for
 *    a runner), the alerts waiting for delivery, the DNS uploads waiting
 *    for analysis, the store's size. A store that does not answer leaves
 *    these out and sets canhgac_store_up 0; the counters are still served.
 *
 * Statuses are counted in a fixed list of the codes this server answers;
 * anything else (none today) is counted as "other".
 */
#include <string.h>

#include "api_metrics.h"
#include "core/json.h"
#include "core/metrics.h"
#include "core/timeutil.h"
#include "server.h"

static const unsigned statuses[] = {200, 201, 202, 204, 206, 301, 302, 304, 400, 401, 403, 404,
                                    405, 409, 410, 413, 414, 415, 422, 429, 500, 502, 503, 504};
#define NSTATUS (sizeof statuses / sizeof statuses[0] + 1) /* + "other" */
#define NROWS   (CG_METRICS_MAX_ROUTES + 1)                /* + unmatched */

static cg_counter g_requests[NROWS][NSTATUS];
static cg_histo g_latency[NROWS];
static cg_counter g_ev_accepted, g_ev_duplicates, g_ev_refused;
static cg_histo g_batch;

static size_t row_of(int route)
{
	return route >= 0 && route < CG_METRICS_MAX_ROUTES ? (size_t)route : CG_METRICS_MAX_ROUTES;
}

void cg_metrics_request(int route, unsigned status, uint64_t us)
{
	size_t s = 0;
	while (s < NSTATUS - 1 && statuses[s] != status)
		s++;
	size_t r = row_of(route);
	cg_counter_add(&g_requests[r][s], 1);
	cg_histo_observe(&g_latency[r], us);
}

void cg_metrics_ingest(uint64_t accepted, uint64_t duplicates, uint64_t refused, uint64_t us)
{
	cg_counter_add(&g_ev_accepted, accepted);
	cg_counter_add(&g_ev_duplicates, duplicates);
	cg_counter_add(&g_ev_refused, refused);
	cg_histo_observe(&g_batch, us);
}

/* The route's labels: method and pattern, or "*" and "(unmatched)". */
static void route_labels(size_t r, cg_metrics_labels *l)
{
	cg_metrics_labels_init(l);
	const cg_route *rt = r < CG_METRICS_MAX_ROUTES ? cg_route_at((int)r) : NULL;
	cg_metrics_label(l, "method", rt ? rt->method : "*");
	cg_metrics_label(l, "route", rt ? rt->pattern : "(unmatched)");
}

static cg_err http_families(cg_buf *out)
{
	int n = cg_route_count();
	cg_err err = cg_metrics_family(out, "canhgac_http_requests_total", "counter",
	                               "HTTP requests answered, by route and status.");
	for (size_t r = 0; !err && r < NROWS; r++) {
		if (r < CG_METRICS_MAX_ROUTES && (int)r >= n)
			continue;
		for (size_t s = 0; !err && s < NSTATUS; s++) {
			uint64_t v = cg_counter_get(&g_requests[r][s]);
			if (!v)
				continue;
			cg_metrics_labels l;
			route_labels(r, &l);
			char code[16];
			if (s < NSTATUS - 1)
				snprintf(code, sizeof code, "%u", statuses[s]);
			else
				snprintf(code, sizeof code, "other");
			cg_metrics_label(&l, "status", code);
			err = cg_metrics_u64(out, "canhgac_http_requests_total", &l, v);
		}
	}
	if (!err)
		err =
		    cg_metrics_family(out, "canhgac_http_request_duration_seconds", "histogram",
		                      "Time from a request's first byte to its answer, by route.");
	for (size_t r = 0; !err && r < NROWS; r++) {
		if ((r < CG_METRICS_MAX_ROUTES && (int)r >= n) ||
		    !cg_counter_get(&g_latency[r].count))
			continue;
		cg_metrics_labels l;
		route_labels(r, &l);
		err = cg_metrics_histo(out, "canhgac_http_request_duration_seconds", &l,
		                       &g_latency[r]);
	}
	return err;
}

static cg_err ingest_families(cg_buf *out)
{
	cg_err err = cg_metrics_family(out, "canhgac_events_ingested_total", "counter",
	                               "Events received on POST /api/v1/events, by outcome.");
	static const char *const outcome[] = {"accepted", "duplicate", "refused"};
	cg_counter *c[] = {&g_ev_accepted, &g_ev_duplicates, &g_ev_refused};
	for (size_t i = 0; !err && i < 3; i++) {
		cg_metrics_labels l;
		cg_metrics_labels_init(&l);
		cg_metrics_label(&l, "outcome", outcome[i]);
		err =
		    cg_metrics_u64(out, "canhgac_events_ingested_total", &l, cg_counter_get(c[i]));
	}
	if (!err)
		err = cg_metrics_family(out, "canhgac_ingest_batch_duration_seconds", "histogram",
		                        "Time to decode, map and commit one ingest batch.");
	return err ? err
	           : cg_metrics_histo(out, "canhgac_ingest_batch_duration_seconds", NULL, &g_batch);
}

static int64_t time_ms(const json_t *o, const char *k)
{
	const char *s = cg_json_get_str(o, k);
	int64_t ms = 0;
	if (!s || cg_time_parse(cg_slice_cstr(s), &ms))
		return -1;
	return ms;
}

/* One gauge per job; v returns the value or false to leave the job out. */
static cg_err job_family(cg_buf *out, const json_t *jobs, const char *name, const char *help,
                         int64_t now, bool (*v)(const json_t *job, int64_t now, double *val))
{
	cg_err err = cg_metrics_family(out, name, "gauge", help);
	for (size_t i = 0; !err && i < json_array_size(jobs); i++) {
		const json_t *j = json_array_get(jobs, i);
		double val;
		if (!v(j, now, &val))
			continue;
		cg_metrics_labels l;
		cg_metrics_labels_init(&l);
		const char *name_s = cg_json_get_str(j, "name"), *kind = cg_json_get_str(j, "kind");
		cg_metrics_label(&l, "job", name_s ? name_s : "");
		cg_metrics_label(&l, "kind", kind ? kind : "");
		err = cg_metrics_f64(out, name, &l, val);
	}
	return err;
}

static bool running(const json_t *j, int64_t now)
{
	int64_t until = time_ms(j, "lease_until");
	return until >= 0 && until > now;
}

/* A due job not running has waited this long; a running or future one 0. */
static bool v_lag(const json_t *j, int64_t now, double *val)
{
	int64_t next = time_ms(j, "next_run");
	*val = next >= 0 && next < now && !running(j, now) ? (double)(now - next) / 1000.0 : 0.0;
	return true;
}

static bool v_running(const json_t *j, int64_t now, double *val)
{
	*val = running(j, now) ? 1.0 : 0.0;
	return true;
}

static bool v_failures(const json_t *j, int64_t now, double *val)
{
	json_int_t a = json_integer_value(json_object_get(j, "attempts"));
	/* a run in progress is an attempt not yet failed */
	*val = (double)(running(j, now) && a > 0 ? a - 1 : a);
	return true;
}

static bool v_last_ok(const json_t *j, int64_t now, double *val)
{
	(void)now;
	int64_t t = time_ms(j, "last_ok");
	*val = (double)t / 1000.0;
	return t >= 0;
}

static cg_err store_families(cg_buf *out, cg_store *st, int64_t now)
{
	cg_store_stats s;
	json_t *jobs = NULL;
	bool up = cg_store_stats_get(st, &s) == CG_OK && cg_store_job_list(st, &jobs) == CG_OK;
	cg_err err = cg_metrics_family(out, "canhgac_store_up", "gauge",
	                               "1 when the store answered this scrape's questions.");
	if (!err)
		err = cg_metrics_u64(out, "canhgac_store_up", NULL, up ? 1 : 0);
	if (!up) {
		json_decref(jobs);
		return err;
	}
	cg_metrics_labels b;
	cg_metrics_labels_init(&b);
	cg_metrics_label(&b, "backend", cg_store_backend(st));
	if (!err)
		err = cg_metrics_family(out, "canhgac_store_size_bytes", "gauge",
		                        "The database's size (SQLite: its main file; PostgreSQL: "
		                        "pg_database_size).");
	if (!err)
		err = cg_metrics_u64(out, "canhgac_store_size_bytes", &b,
		                     s.size_bytes > 0 ? (uint64_t)s.size_bytes : 0);
	if (!err)
		err = cg_metrics_family(out, "canhgac_alerts_pending", "gauge",
		                        "Alert deliveries waiting in the queue.");
	if (!err)
		err =
		    cg_metrics_u64(out, "canhgac_alerts_pending", NULL, (uint64_t)s.alerts_pending);
	if (!err)
		err = cg_metrics_family(out, "canhgac_dns_uploads_queued", "gauge",
		                        "DNS log uploads queued for analysis or being analysed.");
	if (!err)
		err = cg_metrics_u64(out, "canhgac_dns_uploads_queued", NULL,
		                     (uint64_t)s.dns_uploads_queued);
	if (!err)
		err = job_family(out, jobs, "canhgac_job_lag_seconds",
		                 "How long a due background job has waited for a runner (0 when "
		                 "running or not due).",
		                 now, v_lag);
	if (!err)
		err = job_family(out, jobs, "canhgac_job_running",
		                 "1 while a server holds the job's lease.", now, v_running);
	if (!err)
		err = job_family(out, jobs, "canhgac_job_failures",
		                 "Failed runs of the job since its last success.", now, v_failures);
	if (!err)
		err = job_family(out, jobs, "canhgac_job_last_success_timestamp_seconds",
		                 "When the job last ran successfully (Unix time).", now, v_last_ok);
	json_decref(jobs);
	return err;
}

void api_metrics_get(cg_req *req, cg_resp *resp);
void api_metrics_get(cg_req *req, cg_resp *resp)
{
	cg_buf *out = &resp->body;
	cg_buf_reset(out);
	int64_t now = cg_time_now_ms();
	cg_err err = cg_metrics_family(out, "process_start_time_seconds", "gauge",
	                               "When this server process started (Unix time).");
	if (!err)
		err = cg_metrics_f64(out, "process_start_time_seconds", NULL,
		                     (double)req->srv->started_ms / 1000.0);
	if (!err)
		err = http_families(out);
	if (!err)
		err = ingest_families(out);
	if (!err)
		err = store_families(out, req->srv->store, now);
	if (err) {
		cg_resp_error(resp, 500, "metrics: the answer did not fit", NULL);
		return;
	}
	resp->status = 200;
	resp->content_type = "text/plain; version=0.0.4; charset=utf-8";
}

CG_ROUTE_GROUP(api_metrics);
const cg_route api_metrics_routes[] = {
    {"GET", "/metrics", api_metrics_get, CG_PRES_METRICS, CG_ACT_READ, NULL},
};
CG_ROUTE_COUNT(api_metrics);
