/*
 * incident_auto.c - see incident_auto.h.
 *
 * The playbook's tasks are added by playbook/apply.h (tasks first, then
 * the record; see there why).
 */
#include "incident_auto.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/incident.h"
#include "core/json.h"
#include "core/limits.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "incident_deadlines.h"
#include "playbook/apply.h"
#include "playbook/autocase.h"
#include "playbook/playbook.h"

#define JOB_NAME   "incident-auto"
#define AUTO_ACTOR "server:autocase"

static struct {
	cg_store *st;
	_Atomic(cg_jobs *) jobs;
	cg_playbooks books;
	cg_autocase_rules *rules;
} g;

void cg_incident_auto_poke(void)
{
	/* a poke during a run brings the next one at once (jobs.h) */
	cg_jobs *j = atomic_load(&g.jobs);
	if (j)
		cg_jobs_run_soon(j, JOB_NAME);
}

/* ---- playbooks (playbook/apply.h) -------------------------------------- */

cg_err cg_incident_playbook_apply(cg_store *st, const cg_actor *actor, int64_t id, int64_t now_ms)
{
	cg_err err = cg_playbook_apply(st, &g.books, actor, id, now_ms, NULL);
	if (err)
		cg_error("playbooks: case %lld: %s", (long long)id, cg_store_errmsg());
	return err;
}

void cg_incident_tasks_enrich(const json_t *c, json_t *tasks)
{
	cg_playbook_tasks_enrich(c, tasks);
}

/* ---- auto-case rules ---------------------------------------------------- */

/* The findings one rule counts on one agency in this run. */
typedef struct group {
	int64_t agency;
	int64_t *seq;
	size_t n;
	json_t *systems; /* distinct system ids */
	cg_severity sev; /* the highest */
	json_t *newest;  /* borrowed: the newest finding */
} group;

static int system_level(json_t *cache, int64_t sys)
{
	if (sys <= 0)
		return 0;
	char key[24];
	snprintf(key, sizeof key, "%lld", (long long)sys);
	json_t *v = json_object_get(cache, key);
	if (v)
		return (int)json_integer_value(v);
	json_t *s = NULL;
	int level = 0;
	if (cg_store_inv_get(g.st, &(cg_scope){0}, CG_RES_SYSTEM, sys, &s) == CG_OK)
		level = (int)json_integer_value(json_object_get(s, "level"));
	json_decref(s);
	json_object_set_new(cache, key, json_integer(level));
	return level;
}

/* The open cases rules opened: "RULE/AGENCY" -> case id. */
static cg_err open_auto_cases(json_t *out, cg_buf *why)
{
	int64_t total = 0;
	for (int64_t off = 0;; off += CG_INC_DEADLINE_PAGE) {
		json_t *items = NULL;
		if (cg_store_incidents_list(g.st, &(cg_scope){0}, NULL, CG_INC_DEADLINE_PAGE, off,
		                            &items, &total)) {
			cg_buf_printf(why, "incident-auto: %s", cg_store_errmsg());
			return CG_EDB;
		}
		size_t i;
		json_t *c;
		json_array_foreach(items, i, c)
		{
			const char *rule = cg_json_get_str(c, "auto_rule");
			cg_inc_state s;
			if (!rule || cg_inc_state_parse(cg_json_get_str(c, "state"), &s) ||
			    cg_inc_is_final(s))
				continue;
			char key[CG_AUTOCASE_MAX_NAME + 24];
			snprintf(key, sizeof key, "%s/%lld", rule,
			         (long long)json_integer_value(json_object_get(c, "agency_id")));
			if (!json_object_get(out, key)) /* newest first: the newest open one */
				json_object_set(out, key, json_object_get(c, "id"));
		}
		size_t got = json_array_size(items);
		json_decref(items);
		if (got < CG_INC_DEADLINE_PAGE)
			return CG_OK;
	}
}

/* "PREFIX: SUBJECT" cut at a character boundary to fit a case title. */
static void make_title(const char *prefix, const char *subject, char *out, size_t n)
{
	cg_buf b;
	cg_buf_init(&b, 4096);
	cg_buf_printf(&b, "%s%s%s", prefix, subject ? ": " : "", subject ? subject : "");
	size_t len = b.len < n - 1 ? b.len : n - 1;
	memcpy(out, b.ptr ? b.ptr : "", len);
	out[len] = '\0';
	cg_buf_free(&b);
	if (len == n - 1) /* cut: drop a partial UTF-8 sequence */
		while (len > 0 && ((unsigned char)out[len - 1] & 0xC0) == 0x80)
			out[--len] = '\0';
	if (len > 0 && (unsigned char)out[len - 1] >= 0xC0)
		out[--len] = '\0';
}

static cg_err open_case(const cg_autocase_rule *r, group *gr, int64_t now)
{
	char title[CG_INC_MAX_TITLE];
	make_title(r->title_vi, cg_json_get_str(gr->newest, "subject"), title, sizeof title);
	cg_buf desc;
	cg_buf_init(&desc, CG_INC_MAX_TEXT);
	cg_buf_printf(&desc, "Mở tự động theo quy tắc %s (%s) từ %zu phát hiện:", r->name,
	              r->title_en, gr->n);
	json_t *body =
	    json_pack("{s:s,s:s,s:s,s:I,s:O,s:b}", "title", title, "kind", r->case_kind, "severity",
	              cg_severity_name(gr->sev), "agency_id", (json_int_t)gr->agency, "system_ids",
	              gr->systems, "state_secret", r->state_secret);
	const char *sum = cg_json_get_str(gr->newest, "summary");
	if (sum && desc.len + strlen(sum) + 8 < CG_INC_MAX_TEXT)
		cg_buf_printf(&desc, "\n- %s", sum);
	json_object_set_new(body, "description", json_string(cg_buf_cstr(&desc)));
	cg_buf_free(&desc);
	json_t *rec = NULL;
	cg_inv_error e;
	cg_err err = cg_inc_parse_create(body, now, &rec, &e);
	json_decref(body);
	if (err) {
		cg_error("incident-auto: rule %s: the case is refused: %s: %s", r->name, e.field,
		         e.message);
		return err;
	}
	json_object_set_new(rec, "auto_rule", json_string(r->name));
	json_t *detail = json_pack("{s:s,s:s,s:I}", "title", title, "rule", r->name, "findings",
	                           (json_int_t)gr->n);
	cg_inc_write w = {.year = cg_inc_year(now),
	                  .rec = rec,
	                  .link = gr->seq,
	                  .nlink = gr->n,
	                  .what = "created",
	                  .detail = detail};
	int64_t id = 0;
	cg_actor actor = {AUTO_ACTOR};
	err = cg_store_incident_write(g.st, &(cg_scope){0}, &actor, &w, now, &id);
	json_decref(detail);
	json_decref(rec);
	if (err) {
		cg_error("incident-auto: rule %s: cannot open a case: %s", r->name,
		         cg_store_errmsg());
		return err;
	}
	cg_info("incident-auto: rule %s opened case %lld for agency %lld (%zu findings)", r->name,
	        (long long)id, (long long)gr->agency, gr->n);
	cg_incident_playbook_apply(g.st, &actor, id, now);
	return CG_OK;
}

static cg_err link_case(const cg_autocase_rule *r, int64_t id, group *gr, int64_t now)
{
	json_t *ids = json_array();
	for (size_t i = 0; i < gr->n; i++)
		json_array_append_new(ids, json_integer(gr->seq[i]));
	json_t *detail = json_pack("{s:o,s:s}", "event_ids", ids, "rule", r->name);
	cg_inc_write w = {
	    .id = id, .link = gr->seq, .nlink = gr->n, .what = "events", .detail = detail};
	int64_t wid = 0;
	cg_actor actor = {AUTO_ACTOR};
	cg_err err = cg_store_incident_write(g.st, &(cg_scope){0}, &actor, &w, now, &wid);
	json_decref(detail);
	if (err)
		cg_error("incident-auto: rule %s: cannot link findings to case %lld: %s", r->name,
		         (long long)id, cg_store_errmsg());
	return err;
}

static group *group_for(group **gs, size_t *ng, int64_t agency)
{
	for (size_t i = 0; i < *ng; i++)
		if ((*gs)[i].agency == agency)
			return &(*gs)[i];
	group *ng2 = realloc(*gs, (*ng + 1) * sizeof **gs);
	if (!ng2)
		return NULL;
	*gs = ng2;
	group *x = &(*gs)[(*ng)++];
	*x = (group){.agency = agency, .systems = json_array()};
	return x;
}

static bool has_int(const json_t *arr, json_int_t v)
{
	size_t i;
	json_t *x;
	json_array_foreach(arr, i, x) if (json_integer_value(x) == v) return true;
	return false;
}

/* One rule over the findings still new in its window. */
static cg_err apply_rule(const cg_autocase_rule *r, json_t *open, json_t *levels, int64_t now)
{
	group *gs = NULL;
	size_t ng = 0;
	json_t *keep = json_array(); /* owns the findings the groups point into */
	cg_err err = CG_OK;
	for (int k = 0; k < r->n_kind && !err; k++) {
		cg_event_query q = {.kind = r->kind[k],
		                    .severity_min = (int)r->min_severity,
		                    .since_ms = now - r->window_ms,
		                    .state = "new",
		                    .limit = CG_AUTOCASE_PAGE};
		json_t *items = NULL;
		int64_t next = 0;
		if ((err = cg_store_events_query(g.st, &(cg_scope){0}, &q, &items, &next)))
			break;
		json_array_append_new(keep, items);
		size_t i;
		json_t *ev;
		json_array_foreach(items, i, ev)
		{
			int64_t agency = json_integer_value(json_object_get(ev, "agency_id"));
			int64_t sys = json_integer_value(json_object_get(ev, "system_id"));
			cg_severity sev = CG_SEV_INFO;
			cg_severity_parse(cg_json_get_str(ev, "severity"), &sev);
			if (agency <= 0 || !cg_autocase_match(r, cg_json_get_str(ev, "source"),
			                                      cg_json_get_str(ev, "kind"), sev,
			                                      system_level(levels, sys)))
				continue;
			group *gr = group_for(&gs, &ng, agency);
			int64_t *seq = gr ? realloc(gr->seq, (gr->n + 1) * sizeof *seq) : NULL;
			if (!seq) {
				err = CG_ENOMEM;
				break;
			}
			gr->seq = seq;
			gr->seq[gr->n++] = json_integer_value(json_object_get(ev, "seq"));
			if (sys > 0 && !has_int(gr->systems, sys))
				json_array_append_new(gr->systems, json_integer(sys));
			if (sev > gr->sev || gr->n == 1)
				gr->sev = sev;
			if (!gr->newest)
				gr->newest = ev; /* newest first */
		}
	}
	for (size_t i = 0; i < ng && !err; i++) {
		char key[CG_AUTOCASE_MAX_NAME + 24];
		snprintf(key, sizeof key, "%s/%lld", r->name, (long long)gs[i].agency);
		json_t *id = json_object_get(open, key);
		if (id)
			link_case(r, json_integer_value(id), &gs[i], now);
		else if (gs[i].n >= (size_t)r->count && open_case(r, &gs[i], now) == CG_OK)
			cg_incident_deadlines_poke();
	}
	for (size_t i = 0; i < ng; i++) {
		free(gs[i].seq);
		json_decref(gs[i].systems);
	}
	free(gs);
	json_decref(keep);
	return err;
}

static cg_err run(void *ctx, const cg_job *job, int64_t *next_run_ms, cg_buf *why)
{
	(void)ctx;
	(void)job;
	if (!g.rules || g.rules->n_rule == 0)
		return CG_OK;
	int64_t now = cg_time_now_ms();
	json_t *open = json_object(), *levels = json_object();
	cg_err err = open_auto_cases(open, why);
	for (int i = 0; i < g.rules->n_rule && !err; i++) {
		/* a case opened by an earlier rule took its findings: they are
		 * in_incident now and no later rule sees them */
		err = apply_rule(&g.rules->rule[i], open, levels, now);
		if (err)
			cg_buf_printf(why, "incident-auto: rule %s: %s", g.rules->rule[i].name,
			              cg_store_errmsg());
		json_object_clear(open);
		if (!err)
			err = open_auto_cases(open, why);
	}
	json_decref(open);
	json_decref(levels);
	(void)next_run_ms;
	return err;
}

cg_err cg_incident_auto_start(cg_jobs *j, cg_store *st, cg_buf *why)
{
	g.st = st;
	cg_err err = cg_playbooks_load_default(cg_inc_kinds, &g.books, why);
	if (!err && !(g.rules = malloc(sizeof *g.rules)))
		err = CG_ENOMEM;
	if (!err)
		err = cg_autocase_load_default(cg_inc_kinds, g.rules, why);
	if (!err)
		err = cg_jobs_add(j, JOB_NAME, "incidents", CG_AUTOCASE_JOB_MS, run, NULL);
	if (err) {
		cg_incident_auto_stop();
		return err;
	}
	cg_info("incidents: %d playbooks, %d auto-case rules", g.books.n, g.rules->n_rule);
	atomic_store(&g.jobs, j);
	return CG_OK;
}

void cg_incident_auto_stop(void)
{
	atomic_store(&g.jobs, NULL);
	cg_playbooks_free(&g.books);
	free(g.rules);
	g.rules = NULL;
}
