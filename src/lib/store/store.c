/*
 * store.c - the store interface (store.h) dispatching to a backend.
 *
 * cg_store_open reads the scheme of the URL and keeps the backend's table
 * of functions (backend.h) with the backend's own state; every other
 * function here is one indirect call. Keeping the dispatch in one place
 * means a caller never knows which database it talks to, and a backend
 * only has to implement the table.
 *
 * Also here, because both backends share them: the per-thread error text
 * for logs and the last violated constraint (as data, for the API).
 */
#include "backend.h"
#include "api/incident.h"
#include "api/triage.h"
#include "core/log.h"
#include "core/timeutil.h"

#include "core/json.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct cg_store {
	const cg_store_ops *ops;
	cg_store_impl *impl;
};

const cg_store_ops *cg_store_ops_of(const cg_store *st)
{
	return st->ops;
}

cg_store_impl *cg_store_impl_of(const cg_store *st)
{
	return st->impl;
}

static _Thread_local char g_errmsg[256];
static _Thread_local cg_store_violation g_viol;
static _Thread_local char g_viol_field[64];

const char *cg_store_errmsg(void)
{
	return g_errmsg;
}

void cg_store_set_errmsg(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(g_errmsg, sizeof g_errmsg, fmt, ap);
	va_end(ap);
}

void cg_store_set_violation(cg_store_violation kind, const char *field)
{
	g_viol = kind;
	snprintf(g_viol_field, sizeof g_viol_field, "%s", field ? field : "");
}

cg_store_violation cg_store_last_violation(const char **field)
{
	if (field)
		*field = g_viol_field;
	return g_viol;
}

const char *cg_store_violation_code(cg_store_violation v)
{
	switch (v) {
	case CG_VIOL_DUPLICATE:
		return "duplicate";
	case CG_VIOL_UNKNOWN:
		return "unknown_reference";
	case CG_VIOL_IN_USE:
		return "in_use";
	default:
		return "";
	}
}

static const char *const resource_names[] = {"agency", "system", "person"};

const char *cg_resource_name(cg_resource r)
{
	return (unsigned)r < 3 ? resource_names[r] : "?";
}

int cg_store_schema_latest(const char *url)
{
	if (strncmp(url, "postgresql://", 13) == 0 || strncmp(url, "postgres://", 11) == 0)
		return cg_store_postgres_latest();
	return strstr(url, "://") ? 0 : cg_store_sqlite_latest();
}

cg_err cg_store_open(const char *url, cg_store **out, cg_buf *why)
{
	*out = NULL;
	const cg_store_ops *ops = &cg_store_sqlite_ops;
	const char *target = url;
	if (strncmp(url, "sqlite:", 7) == 0)
		target = url + 7;
	else if (strncmp(url, "postgresql://", 13) == 0 || strncmp(url, "postgres://", 11) == 0)
		ops = &cg_store_postgres_ops;
	else if (strstr(url, "://")) {
		if (why)
			cg_buf_puts(why, "unknown store URL scheme (use sqlite:PATH or "
			                 "postgresql://...)");
		return CG_EINVAL;
	}
	if (!*target) {
		if (why)
			cg_buf_puts(why, "empty store path");
		return CG_EINVAL;
	}
	cg_store *st = calloc(1, sizeof *st);
	if (!st)
		return CG_ENOMEM;
	st->ops = ops;
	cg_err err = ops->open(target, &st->impl, why);
	if (err) {
		free(st);
		return err;
	}
	*out = st;
	return CG_OK;
}

void cg_store_close(cg_store *st)
{
	if (!st)
		return;
	st->ops->close(st->impl);
	free(st);
}

const char *cg_store_backend(const cg_store *st)
{
	return st->ops->name;
}

int cg_store_schema_version(cg_store *st)
{
	return st->ops->schema_version(st->impl);
}

/* Every write starts with no violation recorded. */
#define WRITE(call)                                                                                \
	do {                                                                                       \
		cg_store_set_violation(CG_VIOL_NONE, NULL);                                        \
		return st->ops->call;                                                              \
	} while (0)

cg_err cg_store_inv_list(cg_store *st, const cg_scope *scope, cg_resource r, const json_t *filters,
                         int64_t limit, int64_t offset, json_t **items, int64_t *total)
{
	return st->ops->inv_list(st->impl, scope, r, filters, limit, offset, items, total);
}

cg_err cg_store_inv_get(cg_store *st, const cg_scope *scope, cg_resource r, int64_t id,
                        json_t **out)
{
	return st->ops->inv_get(st->impl, scope, r, id, out);
}

cg_err cg_store_inv_create(cg_store *st, const cg_scope *scope, const cg_actor *actor,
                           cg_resource r, const json_t *rec, int64_t *id)
{
	WRITE(inv_create(st->impl, scope, actor, r, rec, id));
}

cg_err cg_store_inv_update(cg_store *st, const cg_scope *scope, const cg_actor *actor,
                           cg_resource r, int64_t id, const json_t *rec)
{
	WRITE(inv_update(st->impl, scope, actor, r, id, rec));
}

cg_err cg_store_inv_delete(cg_store *st, const cg_scope *scope, const cg_actor *actor,
                           cg_resource r, int64_t id)
{
	WRITE(inv_delete(st->impl, scope, actor, r, id));
}

cg_err cg_store_agency_lookup(cg_store *st, const cg_scope *scope, const char *key, int64_t *id)
{
	return st->ops->agency_lookup(st->impl, scope, key, id);
}

cg_err cg_store_agency_map(cg_store *st, json_t **out)
{
	return st->ops->agency_map(st->impl, out);
}

cg_err cg_store_system_map(cg_store *st, json_t **out)
{
	return st->ops->system_map(st->impl, out);
}

uint64_t cg_store_agencies_generation(cg_store *st)
{
	/* an error reads as "changed": the caller rebuilds its table and
	 * meets the same error there, where it is reported */
	uint64_t gen = 0;
	if (st->ops->agencies_generation(st->impl, &gen))
		return UINT64_MAX;
	return gen;
}

cg_err cg_store_findings_by_day(cg_store *st, const cg_scope *scope, int64_t since_day,
                                json_t **out)
{
	return st->ops->findings_by_day(st->impl, scope, since_day, out);
}

cg_err cg_store_events_distinct(cg_store *st, const cg_scope *scope, const char *source,
                                const char *kind, int severity_min, int64_t since_ms,
                                int64_t until_ms, bool subject, json_t **out)
{
	return st->ops->events_distinct(st->impl, scope, source, kind, severity_min, since_ms,
	                                until_ms, subject, out);
}

cg_err cg_store_overview(cg_store *st, const cg_scope *scope, int64_t now_ms, json_t **out)
{
	return st->ops->overview(st->impl, scope, now_ms, out);
}

cg_err cg_store_user_create(cg_store *st, const cg_actor *actor, const json_t *rec,
                            const char *pw_hash, int64_t *id)
{
	WRITE(user_create(st->impl, actor, rec, pw_hash, id));
}

cg_err cg_store_user_update(cg_store *st, const cg_actor *actor, int64_t id, const json_t *rec,
                            const char *pw_hash)
{
	WRITE(user_update(st->impl, actor, id, rec, pw_hash));
}

cg_err cg_store_user_delete(cg_store *st, const cg_actor *actor, int64_t id)
{
	WRITE(user_delete(st->impl, actor, id));
}

cg_err cg_store_user_get(cg_store *st, int64_t id, json_t **out)
{
	return st->ops->user_get(st->impl, id, out);
}

cg_err cg_store_user_list(cg_store *st, int64_t limit, int64_t offset, json_t **items,
                          int64_t *total)
{
	return st->ops->user_list(st->impl, limit, offset, items, total);
}

cg_err cg_store_user_auth_info(cg_store *st, const char *username, json_t **user, char **pw_hash)
{
	return st->ops->user_auth_info(st->impl, username, user, pw_hash);
}

cg_err cg_store_session_create(cg_store *st, const uint8_t token_hash[32], int64_t user_id,
                               const char *csrf, int64_t expires_ms)
{
	WRITE(session_create(st->impl, token_hash, user_id, csrf, expires_ms));
}

cg_err cg_store_session_get(cg_store *st, const uint8_t token_hash[32], int64_t now_ms,
                            json_t **user, char **csrf)
{
	return st->ops->session_get(st->impl, token_hash, now_ms, user, csrf);
}

cg_err cg_store_session_delete(cg_store *st, const uint8_t token_hash[32])
{
	WRITE(session_delete(st->impl, token_hash));
}

cg_err cg_store_token_create(cg_store *st, const cg_actor *actor, const json_t *rec,
                             const uint8_t token_hash[32], int64_t *id)
{
	WRITE(token_create(st->impl, actor, rec, token_hash, id));
}

cg_err cg_store_token_list(cg_store *st, int64_t limit, int64_t offset, json_t **items,
                           int64_t *total)
{
	return st->ops->token_list(st->impl, limit, offset, items, total);
}

cg_err cg_store_token_get(cg_store *st, int64_t id, json_t **out)
{
	return st->ops->token_get(st->impl, id, out);
}

cg_err cg_store_token_revoke(cg_store *st, const cg_actor *actor, int64_t id, int64_t now_ms)
{
	WRITE(token_revoke(st->impl, actor, id, now_ms));
}

cg_err cg_store_token_auth(cg_store *st, const uint8_t token_hash[32], int64_t now_ms, json_t **out)
{
	return st->ops->token_auth(st->impl, token_hash, now_ms, out);
}

cg_err cg_store_audit(cg_store *st, const cg_actor *actor, const char *action,
                      const char *object_type, int64_t object_id, const json_t *detail)
{
	WRITE(audit(st->impl, actor, action, object_type, object_id, detail));
}

cg_err cg_store_audit_last(cg_store *st, int64_t *id)
{
	*id = 0;
	return st->ops->audit_last(st->impl, id);
}

cg_err cg_store_audit_list(cg_store *st, const char *actor, int64_t since_ms, int64_t limit,
                           int64_t offset, json_t **items, int64_t *total)
{
	return st->ops->audit_list(st->impl, actor, since_ms, limit, offset, items, total);
}

/* After an insert: the new events an active suppression rule covers are
 * triaged false_positive by the rule (store.h). */
static cg_err suppress(cg_store *st, const cg_event_in *evs, size_t n, int64_t now_ms)
{
	json_t *rules = NULL;
	cg_err err = st->ops->suppressions_list(st->impl, &(cg_scope){0}, true, 0, now_ms, &rules);
	for (size_t i = 0; !err && json_array_size(rules) && i < n; i++) {
		if (evs[i].duplicate)
			continue;
		size_t k;
		json_t *r;
		json_array_foreach(rules, k, r)
		{
			if (!cg_suppression_matches(r, evs[i].ev, evs[i].agency_id))
				continue;
			int64_t seq = 0;
			char by[48];
			snprintf(by, sizeof by, "system:suppression:%lld",
			         (long long)json_integer_value(json_object_get(r, "id")));
			cg_actor actor = {by};
			cg_triage_set set = {.state =
			                         cg_triage_state_name(CG_TRIAGE_FALSE_POSITIVE)};
			err = st->ops->event_seq(st->impl, evs[i].producer ? evs[i].producer : "",
			                         evs[i].ev->id, &seq);
			if (!err)
				err = st->ops->events_triage(st->impl, &(cg_scope){0}, &actor, &seq,
				                             1, &set, now_ms);
			break;
		}
	}
	json_decref(rules);
	return err;
}

cg_err cg_store_events_insert(cg_store *st, cg_event_in *evs, size_t n, int64_t received_ms,
                              size_t *accepted, size_t *duplicates)
{
	cg_store_set_violation(CG_VIOL_NONE, NULL);
	cg_err err = st->ops->events_insert(st->impl, evs, n, received_ms, accepted, duplicates);
	if (err || !*accepted)
		return err;
	/* the events are committed: a failure here leaves them new, and the
	 * caller must not resend them, so it is only logged */
	if (suppress(st, evs, n, received_ms ? received_ms : cg_time_now_ms()))
		cg_warn("store: suppression rules not applied to a batch: %s", cg_store_errmsg());
	return CG_OK;
}

/* The number from the row's year and year_seq (api/incident.h). */
static void inc_number(json_t *c)
{
	char n[32];
	int year = (int)json_integer_value(json_object_get(c, "year"));
	if (cg_inc_number(n, sizeof n, year, json_integer_value(json_object_get(c, "year_seq"))))
		json_object_set_new(c, "number", json_string(n));
	json_object_del(c, "year");
	json_object_del(c, "year_seq");
}

cg_err cg_store_incident_write(cg_store *st, const cg_scope *scope, const cg_actor *actor,
                               const cg_inc_write *w, int64_t now_ms, int64_t *id)
{
	*id = 0;
	if (!w || !w->what || (!w->id && (!w->rec || w->year < 2000)))
		return CG_EINVAL;
	WRITE(incident_write(st->impl, scope, actor, w, now_ms, id));
}

cg_err cg_store_incident_get(cg_store *st, const cg_scope *scope, int64_t id, json_t **out)
{
	cg_err err = st->ops->incident_get(st->impl, scope, id, out);
	if (!err)
		inc_number(*out);
	return err;
}

cg_err cg_store_incidents_list(cg_store *st, const cg_scope *scope, const char *state,
                               int64_t limit, int64_t offset, json_t **items, int64_t *total)
{
	cg_err err = st->ops->incidents_list(st->impl, scope, state, limit, offset, items, total);
	size_t i;
	json_t *c;
	if (!err)
		json_array_foreach(*items, i, c) inc_number(c);
	return err;
}

cg_err cg_store_suppression_create(cg_store *st, const cg_actor *actor, const json_t *rec,
                                   int64_t expires_ms, int64_t now_ms, int64_t *id)
{
	*id = 0;
	if (!cg_json_get_str(rec, "source") || !cg_json_get_str(rec, "kind"))
		return CG_EINVAL;
	WRITE(suppression_create(st->impl, actor, rec, expires_ms, now_ms, id));
}

cg_err cg_store_suppressions_list(cg_store *st, const cg_scope *scope, bool active_only, int64_t id,
                                  int64_t now_ms, json_t **items)
{
	return st->ops->suppressions_list(st->impl, scope, active_only, id, now_ms, items);
}

cg_err cg_store_suppression_revoke(cg_store *st, const cg_scope *scope, const cg_actor *actor,
                                   int64_t id, int64_t now_ms)
{
	WRITE(suppression_revoke(st->impl, scope, actor, id, now_ms));
}

/* Sets each event's triage fields from its record (none: new). */
static cg_err with_triage(cg_store *st, json_t *events)
{
	size_t n = json_array_size(events), i;
	if (!n)
		return CG_OK;
	int64_t *seqs = calloc(n, sizeof *seqs);
	if (!seqs)
		return CG_ENOMEM;
	json_t *e;
	json_array_foreach(events, i, e) seqs[i] = json_integer_value(json_object_get(e, "seq"));
	json_t *recs = NULL;
	cg_err err = st->ops->triage_get(st->impl, seqs, n, &recs);
	free(seqs);
	if (err)
		return err;
	json_array_foreach(events, i, e)
	{
		char key[24];
		snprintf(key, sizeof key, "%lld",
		         (long long)json_integer_value(json_object_get(e, "seq")));
		json_t *r = json_object_get(recs, key);
		static const char *const f[] = {"assignee", "note", "triaged_at", "triaged_by"};
		json_object_set_new(
		    e, "state", r ? json_incref(json_object_get(r, "state")) : json_string("new"));
		for (size_t k = 0; k < sizeof f / sizeof *f; k++) {
			json_t *v = r ? json_object_get(r, f[k]) : NULL;
			json_object_set_new(e, f[k], v ? json_incref(v) : json_null());
		}
	}
	json_decref(recs);
	return CG_OK;
}

cg_err cg_store_events_query(cg_store *st, const cg_scope *scope, const cg_event_query *q,
                             json_t **items, int64_t *next)
{
	cg_err err = st->ops->events_query(st->impl, scope, q, items, next);
	if (!err && (err = with_triage(st, *items))) {
		json_decref(*items);
		*items = NULL;
	}
	return err;
}

cg_err cg_store_event_get(cg_store *st, const cg_scope *scope, int64_t seq, json_t **out)
{
	cg_err err = st->ops->event_get(st->impl, scope, seq, out);
	if (err)
		return err;
	json_t *one = json_pack("[O]", *out);
	err = one ? with_triage(st, one) : CG_ENOMEM;
	json_decref(one);
	if (err) {
		json_decref(*out);
		*out = NULL;
	}
	return err;
}

cg_err cg_store_events_triage(cg_store *st, const cg_scope *scope, const cg_actor *actor,
                              const int64_t *seqs, size_t n, const cg_triage_set *set,
                              int64_t now_ms)
{
	if (!n || !set)
		return CG_EINVAL;
	WRITE(events_triage(st->impl, scope, actor, seqs, n, set, now_ms));
}

cg_err cg_store_event_seq(cg_store *st, const char *producer, const char *id, int64_t *seq)
{
	*seq = 0;
	if (!id)
		return CG_EINVAL;
	return st->ops->event_seq(st->impl, producer ? producer : "", id, seq);
}

cg_err cg_store_triage_counts(cg_store *st, const cg_scope *scope, int64_t since_ms, json_t **out)
{
	return st->ops->triage_counts(st->impl, scope, since_ms, out);
}

cg_err cg_store_events_maintain(cg_store *st, int64_t ahead_ms, int64_t before_ms, int64_t *removed)
{
	*removed = 0;
	return st->ops->events_maintain(st->impl, ahead_ms, before_ms, removed);
}

int64_t cg_store_retention_cutoff(int64_t now_ms, int months)
{
	/* civil months in UTC (days from civil, Howard Hinnant's method) */
	int64_t days = now_ms >= 0 ? now_ms / 86400000 : (now_ms - 86399999) / 86400000;
	int64_t z = days + 719468, era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
	int64_t m = mp < 10 ? mp + 3 : mp - 9, y = yoe + era * 400 + (m <= 2);
	/* back `months` months, to the first of that month */
	int64_t idx = y * 12 + (m - 1) - months;
	y = idx >= 0 ? idx / 12 : (idx - 11) / 12;
	m = idx - y * 12 + 1;
	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (era * 146097 + doe - 719468) * 86400000;
}

cg_err cg_store_events_count(cg_store *st, int64_t *count)
{
	return st->ops->events_count(st->impl, count);
}

/* ---- jobs ------------------------------------------------------------- */

static bool job_name_ok(const char *s)
{
	return s && *s && strlen(s) < CG_JOB_NAME_MAX;
}

int64_t cg_job_backoff_ms(int64_t attempts)
{
	int64_t d = CG_JOB_BACKOFF_BASE_MS;
	for (int64_t i = 1; i < attempts && d < CG_JOB_BACKOFF_MAX_MS; i++)
		d *= 2;
	return d < CG_JOB_BACKOFF_MAX_MS ? d : CG_JOB_BACKOFF_MAX_MS;
}

cg_err cg_store_job_ensure(cg_store *st, const char *name, const char *kind, int64_t first_run_ms)
{
	if (!job_name_ok(name) || !job_name_ok(kind))
		return CG_EINVAL;
	WRITE(job_ensure(st->impl, name, kind, first_run_ms));
}

cg_err cg_store_job_claim(cg_store *st, const char *holder, const char *const *kinds, size_t nkinds,
                          int64_t now_ms, int64_t lease_ms, cg_job *out)
{
	memset(out, 0, sizeof *out);
	if (!holder || !*holder || lease_ms <= 0)
		return CG_EINVAL;
	char *list = NULL;
	if (nkinds) {
		json_t *a = json_array();
		for (size_t i = 0; i < nkinds; i++)
			json_array_append_new(a, json_string(kinds[i]));
		list = json_dumps(a, JSON_COMPACT);
		json_decref(a);
		if (!list)
			return CG_ENOMEM;
	}
	cg_store_set_violation(CG_VIOL_NONE, NULL);
	cg_err err = st->ops->job_claim(st->impl, holder, list, now_ms, lease_ms, out);
	free(list);
	return err;
}

cg_err cg_store_job_renew(cg_store *st, const cg_job *job, int64_t now_ms, int64_t lease_ms)
{
	WRITE(job_renew(st->impl, job, now_ms + lease_ms));
}

cg_err cg_store_job_finish(cg_store *st, const cg_job *job, int64_t now_ms, int64_t next_run_ms,
                           const char *error)
{
	if (error)
		next_run_ms = now_ms + cg_job_backoff_ms(job->attempts);
	WRITE(job_finish(st->impl, job, now_ms, next_run_ms, error));
}

cg_err cg_store_job_due(cg_store *st, const char *name, int64_t at_ms)
{
	WRITE(job_due(st->impl, name, at_ms));
}

cg_err cg_store_job_list(cg_store *st, json_t **items)
{
	return st->ops->job_list(st->impl, items);
}

cg_err cg_store_stats_get(cg_store *st, cg_store_stats *out)
{
	*out = (cg_store_stats){0};
	return st->ops->stats(st->impl, out);
}

/* ---- portal watch ------------------------------------------------------ */

cg_err cg_store_web_findings(cg_store *st, json_t **items)
{
	return st->ops->web_findings(st->impl, items);
}

cg_err cg_store_web_finding_open(cg_store *st, const json_t *rec)
{
	if (!cg_json_get_str(rec, "url") || !cg_json_get_str(rec, "kind"))
		return CG_EINVAL;
	WRITE(web_finding_open(st->impl, rec));
}

cg_err cg_store_web_finding_close(cg_store *st, const char *url, const char *kind)
{
	if (!url || !kind)
		return CG_EINVAL;
	WRITE(web_finding_close(st->impl, url, kind));
}

/* ---- alert queue ------------------------------------------------------- */

/* What to send, kept as one JSON column: the backends index and update
 * only the queue's own columns. */
static const char *const ALERT_DOC[] = {"channel",  "to",  "event_id", "kind",
                                        "severity", "url", "subject",  "text"};

cg_err cg_store_alert_add(cg_store *st, const json_t *rec, int64_t keep)
{
	if (!cg_json_get_str(rec, "id") || !cg_json_get_str(rec, "channel"))
		return CG_EINVAL;
	json_t *doc = json_object();
	for (size_t i = 0; i < sizeof ALERT_DOC / sizeof ALERT_DOC[0]; i++) {
		json_t *v = json_object_get(rec, ALERT_DOC[i]);
		if (v)
			json_object_set(doc, ALERT_DOC[i], v);
	}
	char *text = json_dumps(doc, JSON_COMPACT);
	json_decref(doc);
	if (!text)
		return CG_ENOMEM;
	cg_store_set_violation(CG_VIOL_NONE, NULL);
	cg_err err = st->ops->alert_add(st->impl, rec, text, keep);
	free(text);
	return err;
}

/* Spreads the doc column of each row into the row. */
static void alert_rows(json_t *items)
{
	size_t i;
	json_t *r;
	json_array_foreach(items, i, r)
	{
		json_t *doc = json_object_get(r, "doc");
		if (json_is_object(doc))
			json_object_update_missing(r, doc);
		json_object_del(r, "doc");
	}
}

cg_err cg_store_alerts_due(cg_store *st, int64_t now_ms, int64_t limit, json_t **items)
{
	cg_err err = st->ops->alerts_due(st->impl, now_ms, limit, items);
	if (!err)
		alert_rows(*items);
	return err;
}

cg_err cg_store_alert_update(cg_store *st, const char *id, const json_t *upd)
{
	if (!id)
		return CG_EINVAL;
	WRITE(alert_update(st->impl, id, upd));
}

cg_err cg_store_alerts_list(cg_store *st, int64_t agency_id, int64_t limit, json_t **items)
{
	cg_err err = st->ops->alerts_list(st->impl, agency_id, limit, items);
	if (!err)
		alert_rows(*items);
	return err;
}

/* ---- public report form ------------------------------------------------ */

cg_err cg_store_challenge_issue(cg_store *st, const char *id, const char *client, int64_t now_ms,
                                int64_t expires_ms, int64_t window_ms, int64_t max)
{
	if (!id || !client || max < 1 || window_ms < 1)
		return CG_EINVAL;
	WRITE(challenge_issue(st->impl, id, client, now_ms, expires_ms, now_ms - window_ms, max));
}

cg_err cg_store_challenge_consume(cg_store *st, const char *id, int64_t now_ms)
{
	if (!id)
		return CG_EINVAL;
	WRITE(challenge_consume(st->impl, id, now_ms));
}

cg_err cg_store_public_report_add(cg_store *st, const json_t *rec)
{
	if (!cg_json_get_str(rec, "code") || !cg_json_get_str(rec, "state") ||
	    !cg_json_get_str(rec, "event_id"))
		return CG_EINVAL;
	WRITE(public_report_add(st->impl, rec));
}

cg_err cg_store_public_report_get(cg_store *st, const char *code, json_t **out)
{
	*out = NULL;
	if (!code)
		return CG_EINVAL;
	return st->ops->public_report_get(st->impl, code, out);
}

/* ---- drills ------------------------------------------------------------ */

cg_err cg_store_drill_create(cg_store *st, const cg_scope *scope, const cg_actor *actor,
                             const json_t *rec, int64_t *id)
{
	*id = 0;
	if (!json_is_integer(json_object_get(rec, "system_id")) || !cg_json_get_str(rec, "date") ||
	    !cg_json_get_str(rec, "result"))
		return CG_EINVAL;
	if (scope->agency_id < 0)
		return CG_EPERM;
	WRITE(drill_create(st->impl, scope, actor, rec, id));
}

cg_err cg_store_drill_list(cg_store *st, const cg_scope *scope, int64_t system_id, int64_t limit,
                           int64_t offset, json_t **items, int64_t *total)
{
	*items = NULL;
	*total = 0;
	if (scope->agency_id < 0) {
		*items = json_array();
		return CG_OK;
	}
	return st->ops->drill_list(st->impl, scope, system_id, limit, offset, items, total);
}

cg_err cg_store_drill_latest(cg_store *st, const cg_scope *scope, json_t **out)
{
	*out = NULL;
	if (scope->agency_id < 0) {
		*out = json_object();
		return CG_OK;
	}
	return st->ops->drill_latest(st->impl, scope, out);
}
