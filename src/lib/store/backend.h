/*
 * backend.h - what a storage backend provides to store.c (not for callers:
 * they use store.h).
 *
 * store.h is an interface with two implementations, SQLite (sqlite.c) and
 * PostgreSQL (postgres.c). cg_store_open picks one from the URL and keeps
 * its table of functions; every store.h call dispatches through it. Each
 * backend defines struct cg_store_impl, its own state, in its own file.
 *
 * The error text for logs (cg_store_errmsg) and the last constraint that
 * failed (cg_store_last_violation) are per thread and shared: a backend
 * writes them with cg_store_set_errmsg / cg_store_set_violation.
 */
#ifndef CG_STORE_BACKEND_H
#define CG_STORE_BACKEND_H

#include "store.h"

typedef struct cg_store_impl cg_store_impl;

typedef struct cg_store_ops {
	const char *name; /* "sqlite", "postgresql" */
	cg_err (*open)(const char *target, cg_store_impl **out, cg_buf *why);
	void (*close)(cg_store_impl *st);
	int (*schema_version)(cg_store_impl *st);
	cg_err (*inv_list)(cg_store_impl *st, const cg_scope *scope, cg_resource r,
	                   const json_t *filters, int64_t limit, int64_t offset, json_t **items,
	                   int64_t *total);
	cg_err (*inv_get)(cg_store_impl *st, const cg_scope *scope, cg_resource r, int64_t id,
	                  json_t **out);
	cg_err (*inv_create)(cg_store_impl *st, const cg_scope *scope, const cg_actor *actor,
	                     cg_resource r, const json_t *rec, int64_t *id);
	cg_err (*inv_update)(cg_store_impl *st, const cg_scope *scope, const cg_actor *actor,
	                     cg_resource r, int64_t id, const json_t *rec);
	cg_err (*inv_delete)(cg_store_impl *st, const cg_scope *scope, const cg_actor *actor,
	                     cg_resource r, int64_t id);
	cg_err (*agency_lookup)(cg_store_impl *st, const cg_scope *scope, const char *key,
	                        int64_t *id);
	cg_err (*agency_map)(cg_store_impl *st, json_t **out);
	cg_err (*system_map)(cg_store_impl *st, json_t **out);
	cg_err (*overview)(cg_store_impl *st, const cg_scope *scope, int64_t now_ms, json_t **out);
	cg_err (*user_create)(cg_store_impl *st, const cg_actor *actor, const json_t *rec,
	                      const char *pw_hash, int64_t *id);
	cg_err (*user_update)(cg_store_impl *st, const cg_actor *actor, int64_t id,
	                      const json_t *rec, const char *pw_hash);
	cg_err (*user_delete)(cg_store_impl *st, const cg_actor *actor, int64_t id);
	cg_err (*user_get)(cg_store_impl *st, int64_t id, json_t **out);
	cg_err (*user_list)(cg_store_impl *st, int64_t limit, int64_t offset, json_t **items,
	                    int64_t *total);
	cg_err (*user_auth_info)(cg_store_impl *st, const char *username, json_t **user,
	                         char **pw_hash);
	cg_err (*session_create)(cg_store_impl *st, const uint8_t token_hash[32], int64_t user_id,
	                         const char *csrf, int64_t expires_ms);
	cg_err (*session_get)(cg_store_impl *st, const uint8_t token_hash[32], int64_t now_ms,
	                      json_t **user, char **csrf);
	cg_err (*session_delete)(cg_store_impl *st, const uint8_t token_hash[32]);
	cg_err (*token_create)(cg_store_impl *st, const cg_actor *actor, const json_t *rec,
	                       const uint8_t token_hash[32], int64_t *id);
	cg_err (*token_list)(cg_store_impl *st, int64_t limit, int64_t offset, json_t **items,
	                     int64_t *total);
	cg_err (*token_get)(cg_store_impl *st, int64_t id, json_t **out);
	cg_err (*token_revoke)(cg_store_impl *st, const cg_actor *actor, int64_t id,
	                       int64_t now_ms);
	cg_err (*token_auth)(cg_store_impl *st, const uint8_t token_hash[32], int64_t now_ms,
	                     json_t **out);
	cg_err (*audit)(cg_store_impl *st, const cg_actor *actor, const char *action,
	                const char *object_type, int64_t object_id, const json_t *detail);
	cg_err (*audit_list)(cg_store_impl *st, const char *actor, int64_t since_ms, int64_t limit,
	                     int64_t offset, json_t **items, int64_t *total);
	cg_err (*audit_last)(cg_store_impl *st, int64_t *id);
	cg_err (*events_insert)(cg_store_impl *st, cg_event_in *evs, size_t n, int64_t received_ms,
	                        size_t *accepted, size_t *duplicates);
	cg_err (*events_query)(cg_store_impl *st, const cg_scope *scope, const cg_event_query *q,
	                       json_t **items, int64_t *next);
	cg_err (*event_get)(cg_store_impl *st, const cg_scope *scope, int64_t seq, json_t **out);
	cg_err (*events_count)(cg_store_impl *st, int64_t *count);
	cg_err (*events_maintain)(cg_store_impl *st, int64_t ahead_ms, int64_t before_ms,
	                          int64_t *removed);
	/* incident cases (store.h); rows carry year and year_seq, store.c
	 * makes the number */
	cg_err (*incident_write)(cg_store_impl *st, const cg_scope *scope, const cg_actor *actor,
	                         const cg_inc_write *w, int64_t now_ms, int64_t *id);
	cg_err (*incident_get)(cg_store_impl *st, const cg_scope *scope, int64_t id, json_t **out);
	cg_err (*incidents_list)(cg_store_impl *st, const cg_scope *scope, const char *state,
	                         int64_t limit, int64_t offset, json_t **items, int64_t *total);
	/* triage (store.h) */
	cg_err (*suppression_create)(cg_store_impl *st, const cg_actor *actor, const json_t *rec,
	                             int64_t expires_ms, int64_t now_ms, int64_t *id);
	cg_err (*suppressions_list)(cg_store_impl *st, const cg_scope *scope, bool active_only,
	                            int64_t id, int64_t now_ms, json_t **items);
	cg_err (*suppression_revoke)(cg_store_impl *st, const cg_scope *scope, const cg_actor *actor,
	                             int64_t id, int64_t now_ms);
	cg_err (*event_seq)(cg_store_impl *st, const char *producer, const char *id, int64_t *seq);
	cg_err (*events_triage)(cg_store_impl *st, const cg_scope *scope, const cg_actor *actor,
	                        const int64_t *seqs, size_t n, const cg_triage_set *set,
	                        int64_t now_ms);
	/* {"<seq>": {state, assignee, note, triaged_at, triaged_by}} */
	cg_err (*triage_get)(cg_store_impl *st, const int64_t *seqs, size_t n, json_t **out);
	cg_err (*triage_counts)(cg_store_impl *st, const cg_scope *scope, int64_t since_ms,
	                        json_t **out);
	cg_err (*agencies_generation)(cg_store_impl *st, uint64_t *gen);
	cg_err (*findings_by_day)(cg_store_impl *st, const cg_scope *scope, int64_t since_day,
	                          json_t **out);
	cg_err (*events_distinct)(cg_store_impl *st, const cg_scope *scope, const char *source,
	                          const char *kind, int severity_min, int64_t since_ms,
	                          int64_t until_ms, bool subject, json_t **out);
	/* jobs (store.h): error NULL = success */
	cg_err (*job_ensure)(cg_store_impl *st, const char *name, const char *kind,
	                     int64_t first_run_ms);
	/* kinds: a JSON array of kind names, or NULL for any */
	cg_err (*job_claim)(cg_store_impl *st, const char *holder, const char *kinds,
	                    int64_t now_ms, int64_t lease_ms, cg_job *out);
	cg_err (*job_renew)(cg_store_impl *st, const cg_job *job, int64_t lease_until_ms);
	cg_err (*job_finish)(cg_store_impl *st, const cg_job *job, int64_t now_ms,
	                     int64_t next_run_ms, const char *error);
	cg_err (*job_due)(cg_store_impl *st, const char *name, int64_t at_ms);
	cg_err (*job_list)(cg_store_impl *st, json_t **items);
	/* portal watch (store.h) */
	cg_err (*web_findings)(cg_store_impl *st, json_t **items);
	cg_err (*web_finding_open)(cg_store_impl *st, const json_t *rec);
	cg_err (*web_finding_close)(cg_store_impl *st, const char *url, const char *kind);
	/* alert queue (store.h); doc = the JSON text of what to send */
	cg_err (*alert_add)(cg_store_impl *st, const json_t *rec, const char *doc, int64_t keep);
	cg_err (*alerts_due)(cg_store_impl *st, int64_t now_ms, int64_t limit, json_t **items);
	cg_err (*alert_update)(cg_store_impl *st, const char *id, const json_t *upd);
	cg_err (*alerts_list)(cg_store_impl *st, int64_t agency_id, int64_t limit, json_t **items);
	/* the server state shared by every server: backend_state.h */
	const struct cg_store_state_ops *state;
	/* the periodic reports: backend_reports.h */
	const struct cg_store_reports_ops *reports;
	/* syslog forwarding cursors: backend_fwd.h */
	const struct cg_store_fwd_ops *fwd;
	/* threat intelligence in: backend_intel.h */
	const struct cg_store_intel_ops *intel;
	/* deliveries to the national centre: backend_natreport.h */
	const struct cg_store_natreport_ops *natreport;
	/* public report form (store.h) */
	cg_err (*challenge_issue)(cg_store_impl *st, const char *id, const char *client,
	                          int64_t now_ms, int64_t expires_ms, int64_t since_ms, int64_t max);
	cg_err (*challenge_consume)(cg_store_impl *st, const char *id, int64_t now_ms);
	cg_err (*public_report_add)(cg_store_impl *st, const json_t *rec);
	cg_err (*public_report_get)(cg_store_impl *st, const char *code, json_t **out);
	/* drills (store.h) */
	cg_err (*drill_create)(cg_store_impl *st, const cg_scope *scope, const cg_actor *actor,
	                       const json_t *rec, int64_t *id);
	cg_err (*drill_list)(cg_store_impl *st, const cg_scope *scope, int64_t system_id,
	                     int64_t limit, int64_t offset, json_t **items, int64_t *total);
	cg_err (*drill_latest)(cg_store_impl *st, const cg_scope *scope, json_t **out);
	/* figures for /metrics (store.h); sqlite_metrics.c, postgres_metrics.c */
	cg_err (*stats)(cg_store_impl *st, cg_store_stats *out);
	/* exposure scans: backend_exposure.h */
	const struct cg_store_xp_ops *exposure;
} cg_store_ops;

/* The PostgreSQL migrations' SQL, i from 0; NULL past the last. For the
 * test that converts a store made before a migration (test_retention). */
const char *cg_store_pg_migration(int i);

extern const cg_store_ops cg_store_sqlite_ops;
extern const cg_store_ops cg_store_postgres_ops;
/* The schema version each backend's migrations lead to. */
int cg_store_sqlite_latest(void);
int cg_store_postgres_latest(void);

/* The backend of an open store (for store_state.c's dispatch). */
const cg_store_ops *cg_store_ops_of(const cg_store *st);
cg_store_impl *cg_store_impl_of(const cg_store *st);

/* printf-style: the thread's error text for logs. */
void cg_store_set_errmsg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The thread's last violated constraint (kind NONE clears it); field is
 * an API field name, copied. */
void cg_store_set_violation(cg_store_violation kind, const char *field);

#endif
