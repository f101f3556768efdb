/*
 * incident_deadlines.c - see incident_deadlines.h.
 *
 * A notice is recorded before it is queued (jobs.h: a holder that dies
 * between the two loses that notice rather than sending it twice; the
 * clock itself stays on the case's page, red, so nothing is hidden).
 */
#include "incident_deadlines.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "api/incident_clocks.h"
#include "core/json.h"
#include "core/limits.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "alert_job.h"

#define JOB_NAME "incident-deadlines"

static struct {
	cg_store *st;
	_Atomic(cg_jobs *) jobs; /* handlers poke it */
	cg_web_alerts *alerts;   /* the server's one handle (alert_job.h) */
	cg_deadline_rules *rules;
} g;

const cg_deadline_rules *cg_incident_rules(void)
{
	return g.rules;
}

int cg_incident_level(cg_store *st, const json_t *rec)
{
	int level = 0;
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(rec, "system_ids"), i, v)
	{
		json_t *sys = NULL;
		if (cg_store_inv_get(st, &(cg_scope){0}, CG_RES_SYSTEM, json_integer_value(v),
		                     &sys) == CG_OK) {
			int l = (int)json_integer_value(json_object_get(sys, "level"));
			if (l > level)
				level = l;
		}
		json_decref(sys);
	}
	return level;
}

void cg_incident_with_clocks(cg_store *st, json_t *rec, int64_t now_ms)
{
	json_t *clocks = NULL;
	if (cg_inc_clocks_json(g.rules, rec, cg_incident_level(st, rec), now_ms, &clocks)) {
		json_decref(clocks);
		clocks = json_array();
	}
	json_object_set_new(rec, "clocks", clocks);
}

void cg_incident_deadlines_poke(void)
{
	cg_jobs *j = atomic_load(&g.jobs);
	if (j)
		cg_jobs_run_soon(j, JOB_NAME);
}

/* The notices one case calls for now. */
static void check_case(json_t *c, int64_t now, int64_t remind_ms)
{
	if (!cg_web_alerts_enabled(g.alerts))
		return; /* nothing to send with: the clocks still show on the case */
	cg_case_facts f;
	if (!cg_inc_facts(c, cg_incident_level(g.st, c), &f))
		return;
	cg_clock k[CG_DEADLINE_MAX_RULES];
	size_t n = 0;
	if (cg_deadline_clocks(g.rules, &f, now, k, CG_DEADLINE_MAX_RULES, &n))
		return;
	int64_t id = json_integer_value(json_object_get(c, "id"));
	int64_t agency = json_integer_value(json_object_get(c, "agency_id"));
	for (size_t i = 0; i < n; i++) {
		const char *stage = cg_inc_notice_stage(&k[i], remind_ms);
		bool fresh = false;
		if (!stage ||
		    cg_store_incident_notice(g.st, id, k[i].rule->name, stage, now, &fresh) ||
		    !fresh)
			continue;
		cg_buf subj, text;
		cg_buf_init(&subj, 1024);
		cg_buf_init(&text, 8192);
		const char *roles[CG_DEADLINE_MAX_NOTIFY];
		for (int j = 0; j < k[i].rule->n_notify; j++)
			roles[j] = k[i].rule->notify[j];
		char kind[64];
		snprintf(kind, sizeof kind, "deadline.%s", stage);
		if (cg_inc_notice_text(c, &k[i], stage, &subj, &text) == CG_OK)
			cg_web_alerts_notice(g.alerts, agency, kind, cg_json_get_str(c, "number"),
			                     roles, (size_t)k[i].rule->n_notify, cg_buf_cstr(&subj),
			                     cg_buf_cstr(&text));
		json_t *to = json_array();
		for (int j = 0; j < k[i].rule->n_notify; j++)
			json_array_append_new(to, json_string(roles[j]));
		json_t *detail = json_pack("{s:s,s:s,s:o}", "rule", k[i].rule->name, "stage", stage,
		                           "notify", to);
		cg_inc_write w = {.id = id, .what = "notice", .detail = detail};
		int64_t wid = 0;
		cg_actor actor = {"server:deadlines"};
		if (cg_store_incident_write(g.st, &(cg_scope){0}, &actor, &w, now, &wid))
			cg_error("deadlines: cannot write the notice of case %lld: %s",
			         (long long)id, cg_store_errmsg());
		json_decref(detail);
		cg_buf_free(&subj);
		cg_buf_free(&text);
	}
}

static cg_err run(void *ctx, const cg_job *job, int64_t *next_run_ms, cg_buf *why)
{
	(void)ctx;
	(void)job;
	int64_t now = cg_time_now_ms(), remind = cg_web_alerts_remind_ms(g.alerts);
	int64_t total = 0;
	for (int64_t off = 0;; off += CG_INC_DEADLINE_PAGE) {
		json_t *items = NULL;
		if (cg_store_incidents_list(g.st, &(cg_scope){0}, NULL, CG_INC_DEADLINE_PAGE, off,
		                            &items, &total)) {
			cg_buf_printf(why, "incident deadlines: %s", cg_store_errmsg());
			return CG_EDB;
		}
		size_t i;
		json_t *c;
		json_array_foreach(items, i, c) check_case(c, now, remind);
		size_t got = json_array_size(items);
		json_decref(items);
		if (got < CG_INC_DEADLINE_PAGE)
			break;
	}
	(void)next_run_ms;
	return CG_OK; /* the notices go out by the alert-delivery job */
}

cg_err cg_incident_deadlines_start(cg_jobs *j, cg_store *st, const char *data_dir,
                                   const char *alert_config, cg_buf *why)
{
	g.st = st;
	g.rules = malloc(sizeof *g.rules);
	(void)data_dir;
	(void)alert_config; /* the channels are alert_job.c's */
	if (!g.rules) {
		cg_incident_deadlines_stop();
		return CG_ENOMEM;
	}
	cg_err err = cg_deadline_load_default(g.rules, why);
	g.alerts = cg_alert_queue();
	if (!err)
		err = cg_jobs_add(j, JOB_NAME, "deadlines", CG_INC_DEADLINE_JOB_MS, run, NULL);
	if (err) {
		cg_incident_deadlines_stop();
		return err;
	}
	atomic_store(&g.jobs, j);
	return CG_OK;
}

void cg_incident_deadlines_stop(void)
{
	atomic_store(&g.jobs, NULL);
	g.alerts = NULL;
	free(g.rules);
	g.rules = NULL;
}
