/*
 * store.h - the storage interface of the central server.
 *
 * Everything the server keeps (inventory, users, sessions, API tokens, the
 * audit log, events) goes through these functions; no SQL lives outside the
 * backends: SQLite (sqlite.c, the embedded default) and PostgreSQL
 * (postgres.c), chosen by the URL given to cg_store_open; store.c
 * dispatches every call through the chosen backend's table of functions
 * (backend.h, docs/storage.md). The interface is deliberately narrow and
 * record-shaped:
 *
 *  - Records cross the interface as jansson objects whose members are the
 *    API contract's field names (docs/openapi.yaml). A backend maps them to
 *    its columns; callers validate them first (server/inventory.h), so the
 *    store only enforces what the database must: scope, uniqueness,
 *    references.
 *  - Every read and write of agency-owned data takes the caller's scope
 *    (cg_scope). An agency officer's scope names their agency and the
 *    backend adds the agency condition to the query itself, so no handler
 *    can forget it: a record of another agency is simply "not found", and
 *    a write that would move a record into another agency is CG_EPERM.
 *  - Every change takes an actor and writes its audit row in the same
 *    transaction as the change: no change without its audit entry.
 *  - Event batches are committed in one transaction before the call
 *    returns; a sender id already stored is counted as a duplicate.
 *
 * Thread safety: one cg_store is shared by all server threads. The SQLite
 * backend keeps one writer connection (writes are serialised, as SQLite
 * does anyway) and a small pool of reader connections (WAL readers never
 * wait for the writer); the PostgreSQL backend keeps a pool of
 * connections, each used by one thread at a time.
 *
 * Ownership: json_t results (*out, *items) are new references the caller
 * json_decref()s. Input records are borrowed.
 */
#ifndef CG_STORE_H
#define CG_STORE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/event.h"
#include "core/limits.h"

typedef struct cg_store cg_store;

/* Which agencies the caller may see. agency_id 0 = the whole province
 * (admin, analyst, viewer); any other value = only that agency (agency
 * officer, or an API token bound to an agency); a negative value matches
 * no agency at all (an officer whose agency is unknown sees nothing). */
typedef struct cg_scope {
	int64_t agency_id;
} cg_scope;

/* Who makes a change, for the audit log ("user:admin", "token:3 agent-x",
 * "cli"). */
typedef struct cg_actor {
	const char *name;
} cg_actor;

/* Opens the store named by url, applying pending migrations:
 *   sqlite:PATH                  a SQLite file (created if needed)
 *   postgresql://... postgres://...  a PostgreSQL database (libpq URI)
 *   PATH                         (no scheme) a SQLite file
 * *why gets a reason on failure (never a password). */
cg_err cg_store_open(const char *url, cg_store **out, cg_buf *why);
/* "sqlite" or "postgresql". */
const char *cg_store_backend(const cg_store *st);
/* Waits for nothing: callers stop using the store first. NULL is a no-op. */
void cg_store_close(cg_store *st);
int cg_store_schema_version(cg_store *st);
/* The schema version this canhgac migrates a store at url to (0 for an
 * unknown scheme), without opening it. */
int cg_store_schema_latest(const char *url);
/* The backend's last error text for logs ("" when none). Thread-local. */
const char *cg_store_errmsg(void);

/* What a refused write violated, as data the API turns into a message
 * naming the field (never the backend's text). Thread-local; set by the
 * failing call (CG_ECONFLICT or CG_EINVAL), cleared by every write. */
typedef enum cg_store_violation {
	CG_VIOL_NONE = 0,
	CG_VIOL_DUPLICATE, /* a unique field (field) already has this value */
	CG_VIOL_UNKNOWN,   /* a reference (field) names no record */
	CG_VIOL_IN_USE,    /* other records still refer to this one */
} cg_store_violation;
/* The kind; *field (may be NULL) gets the API field name or "". */
cg_store_violation cg_store_last_violation(const char **field);
/* "duplicate", "unknown_reference", "in_use" (the API's error code). */
const char *cg_store_violation_code(cg_store_violation v);

/* ---- inventory: agencies, systems, people --------------------------- */

typedef enum cg_resource {
	CG_RES_AGENCY = 0,
	CG_RES_SYSTEM = 1,
	CG_RES_PERSON = 2,
} cg_resource;

/* "agency", "system", "person": the audit log's object_type. */
const char *cg_resource_name(cg_resource r);

/* Filters: members of `filters` (strings or integers), per resource:
 * agencies q,kind,parent_id; systems q,agency_id,kind,level; people
 * q,agency_id,role. Unknown members are ignored. */
cg_err cg_store_inv_list(cg_store *st, const cg_scope *scope, cg_resource r, const json_t *filters,
                         int64_t limit, int64_t offset, json_t **items, int64_t *total);
cg_err cg_store_inv_get(cg_store *st, const cg_scope *scope, cg_resource r, int64_t id,
                        json_t **out);
/* rec is a full validated record (no id/created_at/updated_at). Returns
 * CG_ECONFLICT for a duplicate code, CG_EINVAL for an unknown
 * agency/parent, CG_EPERM outside scope. */
cg_err cg_store_inv_create(cg_store *st, const cg_scope *scope, const cg_actor *actor,
                           cg_resource r, const json_t *rec, int64_t *id);
/* Replaces the record's fields with rec (a full validated record). */
cg_err cg_store_inv_update(cg_store *st, const cg_scope *scope, const cg_actor *actor,
                           cg_resource r, int64_t id, const json_t *rec);
/* CG_ECONFLICT when other records still refer to it. */
cg_err cg_store_inv_delete(cg_store *st, const cg_scope *scope, const cg_actor *actor,
                           cg_resource r, int64_t id);

/* Finds an agency by id (decimal text), code or exact name within scope:
 * used by CSV import ("parent", "agency" columns). */
cg_err cg_store_agency_lookup(cg_store *st, const cg_scope *scope, const char *key, int64_t *id);

/* For mapping events to agencies: [{id, code, name, ip_ranges:[...]}, ...]
 * in id order. */
cg_err cg_store_agency_map(cg_store *st, json_t **out);
/* A number that changes whenever an agency is created, updated or
 * deleted through this store (cheap: no query). Caches of
 * cg_store_agency_map (api/agencytable.h) compare it per request. A
 * backend shared by several servers must make it see the other servers'
 * changes too (a counter row bumped in the same transaction). */
uint64_t cg_store_agencies_generation(cg_store *st);

/* For mapping events to systems: [{id, agency_id, urls, domains, ips}]. */
cg_err cg_store_system_map(cg_store *st, json_t **out);

/* The overview: see the API contract. */
cg_err cg_store_overview(cg_store *st, const cg_scope *scope, int64_t now_ms, json_t **out);
/* [{day (UTC days since the epoch), severity, n}] for days >= since_day,
 * from the same totals as the overview's open findings. */
cg_err cg_store_findings_by_day(cg_store *st, const cg_scope *scope, int64_t since_day,
                                json_t **out);
/* {"<agency id>": number of distinct hosts (or subjects) among the events
 * of `source` (and `kind` unless NULL) with severity >= severity_min and
 * since_ms <= time < until_ms}; "0" counts events of no agency. */
cg_err cg_store_events_distinct(cg_store *st, const cg_scope *scope, const char *source,
                                const char *kind, int severity_min, int64_t since_ms,
                                int64_t until_ms, bool subject, json_t **out);

/* ---- users ----------------------------------------------------------- */

/* User records: {id, username, display_name, role, agency_id|null,
 * disabled}. The password hash never leaves the store except through
 * cg_store_user_auth_info. */
cg_err cg_store_user_create(cg_store *st, const cg_actor *actor, const json_t *rec,
                            const char *pw_hash, int64_t *id);
/* rec holds the members to change (display_name, role, agency_id,
 * disabled); pw_hash non-NULL changes the password. */
cg_err cg_store_user_update(cg_store *st, const cg_actor *actor, int64_t id, const json_t *rec,
                            const char *pw_hash);
cg_err cg_store_user_delete(cg_store *st, const cg_actor *actor, int64_t id);
cg_err cg_store_user_get(cg_store *st, int64_t id, json_t **out);
cg_err cg_store_user_list(cg_store *st, int64_t limit, int64_t offset, json_t **items,
                          int64_t *total);
/* The user record of username plus its hash (caller frees *pw_hash). */
cg_err cg_store_user_auth_info(cg_store *st, const char *username, json_t **user, char **pw_hash);

/* ---- sessions (cookie logins) ---------------------------------------- */

/* token_hash is the SHA-256 of the cookie value; the cookie itself is
 * never stored. */
cg_err cg_store_session_create(cg_store *st, const uint8_t token_hash[32], int64_t user_id,
                               const char *csrf, int64_t expires_ms);
/* The live session's user record and csrf token (caller frees *csrf);
 * CG_ENOTFOUND when unknown, expired, or the user is disabled. */
cg_err cg_store_session_get(cg_store *st, const uint8_t token_hash[32], int64_t now_ms,
                            json_t **user, char **csrf);
cg_err cg_store_session_delete(cg_store *st, const uint8_t token_hash[32]);

/* ---- API tokens ------------------------------------------------------- */

/* rec {name, scope, agency_id|null}; token records out: {id, name, scope,
 * agency_id, created_at, last_used_at, revoked_at}. */
cg_err cg_store_token_create(cg_store *st, const cg_actor *actor, const json_t *rec,
                             const uint8_t token_hash[32], int64_t *id);
cg_err cg_store_token_list(cg_store *st, int64_t limit, int64_t offset, json_t **items,
                           int64_t *total);
cg_err cg_store_token_get(cg_store *st, int64_t id, json_t **out);
cg_err cg_store_token_revoke(cg_store *st, const cg_actor *actor, int64_t id, int64_t now_ms);
/* The live (not revoked) token's record; updates last_used_at at most once
 * a minute (a write per request would serialise reads behind the writer). */
cg_err cg_store_token_auth(cg_store *st, const uint8_t token_hash[32], int64_t now_ms,
                           json_t **out);

/* ---- audit log -------------------------------------------------------- */

/* For changes that happen outside the store's own writes (login, logout,
 * failed login). detail may be NULL. */
cg_err cg_store_audit(cg_store *st, const cg_actor *actor, const char *action,
                      const char *object_type, int64_t object_id, const json_t *detail);
/* The newest audit row's id (0: none): one lookup in the primary key's
 * index on both backends, never a count over the log, for caches that
 * key on "has anything changed" (api_taxii.c). */
cg_err cg_store_audit_last(cg_store *st, int64_t *id);
/* actor NULL = any; since_ms 0 = all. */
cg_err cg_store_audit_list(cg_store *st, const char *actor, int64_t since_ms, int64_t limit,
                           int64_t offset, json_t **items, int64_t *total);

/* ---- events ----------------------------------------------------------- */

/* One event to store: the decoded event plus what the server mapped.
 * producer names who made the event: "token:ID" or "user:ID" for what a
 * caller sent, "server:MODULE" for what the server made ("server:dns",
 * "server:web"). Event ids are unique per producer only: a producer
 * re-sending its own event is a duplicate, but no producer can pre-file
 * an id to silence another's later event. NULL = "". */
typedef struct cg_event_in {
	const cg_event *ev;
	int64_t agency_id; /* 0 = unknown */
	int64_t system_id; /* 0 = none */
	const char *producer;
	/* filled by cg_store_events_insert: */
	bool duplicate;
} cg_event_in;

/* Commits all n events in one transaction (durable when it returns
 * CG_OK); an id its producer already stored sets .duplicate and is not
 * stored again. */
cg_err cg_store_events_insert(cg_store *st, cg_event_in *evs, size_t n, int64_t received_ms,
                              size_t *accepted, size_t *duplicates);

typedef struct cg_event_query {
	int64_t agency_id;  /* 0 = any (scope still applies) */
	int64_t system_id;  /* 0 = any */
	const char *source; /* NULL = any */
	const char *kind;   /* NULL = any */
	int severity_min;   /* 0 = any */
	int64_t since_ms;   /* 0 = no bound */
	int64_t until_ms;   /* 0 = no bound */
	const char *q;      /* substring of subject or summary; NULL = any */
	const char *state;  /* triage state (api/triage.h); NULL = any */
	int64_t before_seq; /* cursor: only seq < before; 0 = newest */
	int64_t limit;
} cg_event_query;

/* Newest first; *next = the seq to pass as before_seq for the next page,
 * or 0 when this is the last page. */
cg_err cg_store_events_query(cg_store *st, const cg_scope *scope, const cg_event_query *q,
                             json_t **items, int64_t *next);
cg_err cg_store_event_get(cg_store *st, const cg_scope *scope, int64_t seq, json_t **out);
cg_err cg_store_events_count(cg_store *st, int64_t *count);
/* Suppression rules, made from a false positive: later events of the same
 * source, kind, subject and agency are stored as usual and triaged
 * false_positive at once (by "system:suppression:ID"), until the rule
 * expires or is revoked. The triage follows the insert's commit in a
 * transaction of its own: a crash between the two leaves the event new,
 * never lost.
 * Records: {id, source, kind, subject|null, agency_id|null, note|null,
 * from_event|null, expires_at, created_at, created_by, revoked_at|null}.
 * create takes {source, kind, subject, agency_id, note, from_event} and
 * the expiry in ms; audited. */
cg_err cg_store_suppression_create(cg_store *st, const cg_actor *actor, const json_t *rec,
                                   int64_t expires_ms, int64_t now_ms, int64_t *id);
/* Newest first (at most 1000), within the scope; active_only: neither
 * expired at now_ms nor revoked; id > 0: that rule only. */
cg_err cg_store_suppressions_list(cg_store *st, const cg_scope *scope, bool active_only, int64_t id,
                                  int64_t now_ms, json_t **items);
/* Revokes a rule the scope sees (CG_ENOTFOUND otherwise, or when it was
 * revoked already); audited. */
cg_err cg_store_suppression_revoke(cg_store *st, const cg_scope *scope, const cg_actor *actor,
                                   int64_t id, int64_t now_ms);

/* ---- incident cases (api/incident.h decides what a case may be) -------
 *
 * A case as returned: the record of api/incident.h plus {id, number
 * ("SC-YYYY-NNNN": the year given at creation and the case's order in
 * it), created_at, updated_at}; cg_store_incident_get adds "events" (the
 * linked event seqs) and "timeline" ([{time, actor, what, detail}],
 * oldest first: every change and comment). An officer's scope sees and
 * writes only their agency's cases. */
typedef struct cg_inc_write {
	int64_t id;               /* 0: open a new case */
	int year;                 /* a new case: the year of its number */
	const char *expect_state; /* a change: the state the case was read in;
	                             another writer moved it since: CG_ECONFLICT */
	const json_t *rec;        /* the whole record; NULL: unchanged */
	const int64_t *link;      /* events to link (they become in_incident) */
	size_t nlink;
	const char *what;     /* the timeline entry: "created", "state", ... */
	const json_t *detail; /* and its detail (may be NULL) */
} cg_inc_write;

/* One transaction: the case written, the events linked, one timeline row
 * and one audit row ("incident.WHAT"). *id is the case's id. */
cg_err cg_store_incident_write(cg_store *st, const cg_scope *scope, const cg_actor *actor,
                               const cg_inc_write *w, int64_t now_ms, int64_t *id);
cg_err cg_store_incident_get(cg_store *st, const cg_scope *scope, int64_t id, json_t **out);
/* Newest first; state NULL = any. */
cg_err cg_store_incidents_list(cg_store *st, const cg_scope *scope, const char *state,
                               int64_t limit, int64_t offset, json_t **items, int64_t *total);

/* The deadline notices of cases (server/incident_deadlines.c): records
 * that the notice (case, rule, stage) is being sent; *fresh is true only
 * for the first call with these, so each is sent once whichever server
 * runs the job, and recorded before it is queued. */
cg_err cg_store_incident_notice(cg_store *st, int64_t id, const char *rule, const char *stage,
                                int64_t now_ms, bool *fresh);

/* The tasks of a case (api/incident_task.h decides what a task may be):
 * rec {title, assignee|null, due_at|null (RFC 3339), done}. *task_id 0
 * adds one (*task_id gets its id), else changes that task of that case
 * (CG_ENOTFOUND when the case has no such task). The caller has checked
 * the case against the caller's scope. */
cg_err cg_store_incident_task_put(cg_store *st, int64_t incident_id, const json_t *rec,
                                  int64_t now_ms, int64_t *task_id);
/* Oldest first: [{id, title, assignee, due_at, done, created_at,
 * updated_at}]. */
cg_err cg_store_incident_tasks(cg_store *st, int64_t incident_id, json_t **items);

/* The seq of the event producer stored with this id; CG_ENOTFOUND. */
cg_err cg_store_event_seq(cg_store *st, const char *producer, const char *id, int64_t *seq);

/* ---- triage of events (api/triage.h decides what a change may be) -----
 *
 * An event's triage record (state, assignee, note, who changed it last
 * and when) lives beside the event, which itself is never changed; an
 * event without one is `new`. The events that events_query and event_get
 * return carry "state", "assignee", "note", "triaged_at" and
 * "triaged_by". */
typedef struct cg_triage_set {
	const char *state;    /* NULL: unchanged */
	const char *assignee; /* NULL: unchanged; "": none */
	const char *note;     /* NULL: unchanged; "": none */
} cg_triage_set;

/* Applies set to the events seqs[0..n), all or none, in one transaction
 * with one audit row per event (action "triage", object "event", detail
 * {from, state, assignee, note}). CG_ENOTFOUND (nothing changed) when one
 * of them is not an event the scope sees. */
cg_err cg_store_events_triage(cg_store *st, const cg_scope *scope, const cg_actor *actor,
                              const int64_t *seqs, size_t n, const cg_triage_set *set,
                              int64_t now_ms);
/* Within the scope, triage records of events of UTC day >= since_ms's
 * day, counted: [{agency_id, severity (name), state, n}] (for the
 * overview: figures.c subtracts what is no longer "chưa xử lý"). */
cg_err cg_store_triage_counts(cg_store *st, const cg_scope *scope, int64_t since_ms, json_t **out);

/* Event housekeeping, run by the "events" job (server/events_job.c):
 * on PostgreSQL, makes the monthly partitions of events up to the month
 * of ahead_ms; then, when before_ms > 0, removes every event received
 * before before_ms (a month start: cg_store_retention_cutoff) -- its
 * partitions dropped on PostgreSQL, its rows deleted on SQLite -- and
 * takes them out of the running totals (event_counts, event_hosts) and
 * the dedup keys in the same transaction, so the overview and figures
 * stay the sum of the events that remain. *removed = events removed. */
cg_err cg_store_events_maintain(cg_store *st, int64_t ahead_ms, int64_t before_ms,
                                int64_t *removed);
/* The first instant kept with a retention of `months` (> 0) at now_ms:
 * the start (UTC) of the month `months` months before now's month. So at
 * least `months` whole months are kept, at most one more. */
int64_t cg_store_retention_cutoff(int64_t now_ms, int months);

/* ---- jobs: the scheduler's state (docs/storage.md "Jobs") -------------
 *
 * A job is a named row (name unique, a kind saying which code runs it)
 * with its next run time. A server claims a due job with a lease: the
 * claim is one conditional UPDATE (PostgreSQL: the row picked FOR UPDATE
 * SKIP LOCKED; SQLite: inside the write transaction), so two servers never
 * hold the same job at once. The claim numbers itself (lease_seq); finish
 * and renew name that number, so a holder whose lease expired and was
 * taken over by another server can no longer write the job (CG_ECONFLICT).
 * A failed run is retried after cg_job_backoff_ms(attempts). Times are
 * the callers' clocks (ms since the epoch): servers sharing a database
 * keep their clocks in step (NTP), as they must for sessions anyway. */
typedef struct cg_job {
	char name[CG_JOB_NAME_MAX];
	char kind[CG_JOB_NAME_MAX];
	int64_t lease_seq; /* this claim */
	int64_t attempts;  /* runs started since the last success, this one included */
	int64_t due_ms;    /* the next-run time it was claimed for */
} cg_job;

/* Makes the job if it does not exist (first run at first_run_ms); an
 * existing job keeps its state (a restart does not reschedule it). */
cg_err cg_store_job_ensure(cg_store *st, const char *name, const char *kind, int64_t first_run_ms);
/* Claims the due job (next run <= now, no live lease) of one of the
 * nkinds kinds (0: any kind) that is most overdue, leased to holder until
 * now + lease_ms. A server claims only the kinds it can run. CG_ENOTFOUND:
 * none. */
cg_err cg_store_job_claim(cg_store *st, const char *holder, const char *const *kinds, size_t nkinds,
                          int64_t now_ms, int64_t lease_ms, cg_job *out);
/* Extends the lease of a run still going. CG_ECONFLICT: the lease was lost. */
cg_err cg_store_job_renew(cg_store *st, const cg_job *job, int64_t now_ms, int64_t lease_ms);
/* Ends a run and releases the lease. error NULL: success, next run at
 * next_run_ms, attempts back to 0. Otherwise the error is kept and the
 * job is due again at now + cg_job_backoff_ms(attempts) (next_run_ms
 * ignored). CG_ECONFLICT: the lease was lost (another server owns the job
 * now; this run's outcome is not recorded). */
cg_err cg_store_job_finish(cg_store *st, const cg_job *job, int64_t now_ms, int64_t next_run_ms,
                           const char *error);
/* Brings the job's next run forward to at_ms (a user asked for it now);
 * a later time changes nothing. A job running now (live lease) runs again
 * at once when that run ends: the trigger leaves next_run before the
 * claimed due_ms, which cg_store_job_finish keeps over the run's own next
 * time. CG_ENOTFOUND: no such job. */
cg_err cg_store_job_due(cg_store *st, const char *name, int64_t at_ms);
/* Every job, by name: {name, kind, next_run, last_run, last_ok, last_error,
 * attempts, lease_holder, lease_until} (times RFC 3339 or null). */
cg_err cg_store_job_list(cg_store *st, json_t **items);
/* ---- syslog forwarding: one cursor per destination (server/forward_job.h)
 *
 * A destination's cursor is the seq of the last event it was given (or
 * passed over by its filters); a new destination starts at 0, so it is
 * given every event still stored. Only the holder of the destination's
 * job moves it, and only forward: advance is a compare-and-set from the
 * cursor the sender read, so a server whose lease was taken over cannot
 * move it back or skip what the new holder sent. */
/* The cursor of name (made at 0 when there is none). */
cg_err cg_store_fwd_cursor(cg_store *st, const char *name, int64_t *last_seq);
/* Moves the cursor from from_seq to to_seq (> from_seq), adds sent to its
 * count and clears its error. CG_ECONFLICT: the cursor is not at from_seq. */
cg_err cg_store_fwd_advance(cg_store *st, const char *name, int64_t from_seq, int64_t to_seq,
                            int64_t sent, int64_t now_ms);
/* Records the last failure (error NULL: none). */
cg_err cg_store_fwd_error(cg_store *st, const char *name, const char *error, int64_t now_ms);
/* Every cursor by name: {name, last_seq, sent, last_sent (RFC 3339 or
 * null), last_error, error_at, backlog (events stored after last_seq,
 * before the destination's filters)}. */
cg_err cg_store_fwd_list(cg_store *st, json_t **items);
/* Events with seq > after_seq in seq order (at most limit, as
 * events_query's records). *upto: how far a reader that has handled all
 * of them may move its cursor -- the last one's seq when limit were
 * returned, else the newest seq no event still being inserted can fall
 * under (on PostgreSQL seqs are taken before commit, so a later seq may
 * commit first: the read waits for the inserts in progress; see
 * postgres_fwd.c). */
cg_err cg_store_events_after(cg_store *st, int64_t after_seq, int64_t limit, json_t **items,
                             int64_t *upto);
/* One event as the forwarder formats it, straight from the row (no JSON
 * record): the strings are what events_after's record would hold (UTF-8
 * sanitized, "" for NULL, time as RFC 3339 or ""), borrowed: valid only
 * during the callback. severity: a cg_severity (info for an unknown one). */
typedef struct cg_fwd_row {
	int64_t seq;
	const char *id, *time, *host, *agency, *source, *kind, *subject, *summary;
	int severity;
	bool has_agency_id;
	int64_t agency_id;
} cg_fwd_row;
/* Called for each row in seq order; an error stops the read and is
 * returned. */
typedef cg_err (*cg_fwd_row_fn)(void *ctx, const cg_fwd_row *row);
/* events_after without building records: the same rows and *upto, each
 * given to fn (for the forwarder, where a JSON object per event cost more
 * than formatting and sending it). *count: rows given. */
cg_err cg_store_event_rows_after(cg_store *st, int64_t after_seq, int64_t limit, cg_fwd_row_fn fn,
                                 void *ctx, int64_t *upto, int64_t *count);

/* ---- threat intelligence in (share/intel.h)
 *
 * Indicators (a type -- domain, ipv4, ipv6, url, sha256, sha1, md5 -- and
 * a normalized value) from named sources (a STIX file, a TAXII
 * collection, a MISP instance), one row per source, type and value, with
 * the source's confidence (0-100), TLP, validity and the id it has there.
 * An indicator is active from valid_from until valid_until (none: no
 * end); an expired one stays stored but stops matching. */
/* Stores items ([{type, value, valid_from (ms), valid_until (ms or
 * absent), confidence, tlp, ext_id, description}]) for source (made with
 * kind "stix", "taxii", "misp" or "misp-feed" when new) in one transaction: a value
 * stored before is updated (its first_seen kept), a new one inserted;
 * *added counts the new ones. */
cg_err cg_store_intel_put(cg_store *st, const char *source, const char *kind, const json_t *items,
                          int64_t now_ms, int64_t *added);
/* Records a pull of source: error NULL -> last_pull = now, cursor (when
 * not NULL) kept for the next pull, the last error cleared; else the
 * error and its time. */
cg_err cg_store_intel_pulled(cg_store *st, const char *source, const char *kind, const char *cursor,
                             const char *error, int64_t now_ms);
/* Every source by name: {name, kind, cursor, last_pull, last_error,
 * error_at, indicators, active (valid at now_ms), next_expiry}. */
cg_err cg_store_intel_sources(cg_store *st, int64_t now_ms, json_t **items);
/* The indicators valid at now_ms (of type, or every type when NULL), by
 * type and value, at most limit: [{type, value, source, confidence, tlp,
 * valid_from, valid_until, ext_id, description}] (times RFC 3339). */
cg_err cg_store_intel_active(cg_store *st, const char *type, int64_t now_ms, int64_t limit,
                             json_t **items);

/* ---- portal watch: its open findings (server/web_watch.h) -------------
 *
 * A finding (URL, kind) is open from the check that first sees it until a
 * check no longer does; the watch records it here before it notifies
 * anyone, so whichever server runs the portal-watch job next knows it is
 * already open (and does not notify it again). Records: {url, kind,
 * summary, severity (name), since (ms), event_id}. */
cg_err cg_store_web_findings(cg_store *st, json_t **items);
/* CG_ECONFLICT: (url, kind) is already open. */
cg_err cg_store_web_finding_open(cg_store *st, const json_t *rec);
/* CG_ENOTFOUND: it was not open. */
cg_err cg_store_web_finding_close(cg_store *st, const char *url, const char *kind);

/* ---- figures for /metrics (server/api_metrics.c) ----------------------
 * The store's size in bytes (SQLite: page_count x page_size of the main
 * file; PostgreSQL: pg_database_size) and the lengths of its queues:
 * alerts waiting for delivery, DNS uploads queued or being analysed. */
typedef struct cg_store_stats {
	int64_t size_bytes;
	int64_t alerts_pending;
	int64_t dns_uploads_queued;
} cg_store_stats;
cg_err cg_store_stats_get(cg_store *st, cg_store_stats *out);

/* ---- alert queue: one row per delivery (server/web_alert.h) ----------
 *
 * A row: {id, created (ms), agency_id, state ("pending", "delivered",
 * "failed"), attempts, next_try_ms, last_error, delivered (ms or null),
 * and what to send: channel, to, event_id, kind, severity, url, subject,
 * text}. Rows are kept in the store, so whichever server holds the
 * portal-watch job delivers what another queued. */
/* Adds a pending row, then keeps at most `keep` rows (the oldest finished
 * rows go first). */
cg_err cg_store_alert_add(cg_store *st, const json_t *rec, int64_t keep);
/* Pending rows due at now_ms, oldest first (at most limit). Times as ms. */
cg_err cg_store_alerts_due(cg_store *st, int64_t now_ms, int64_t limit, json_t **items);
/* Records an attempt: {state, attempts, next_try_ms, last_error, delivered}. */
cg_err cg_store_alert_update(cg_store *st, const char *id, const json_t *upd);
/* Newest first; agency_id > 0: that agency's only. Times as ms. */
cg_err cg_store_alerts_list(cg_store *st, int64_t agency_id, int64_t limit, json_t **items);

/* ---- the public report form (api/public_report.h) ---------------------
 *
 * Proof-of-work challenges are rows, so any server can check a challenge
 * another issued and a used one is refused everywhere; the count of
 * challenges an address took in the last window is its rate limit, the
 * same for every server. */
/* Issues challenge id to client (its address) at now_ms, usable until
 * expires_ms. CG_ELIMIT when client already took max in the window_ms
 * before now (then nothing is stored). Rows older than the window go. */
cg_err cg_store_challenge_issue(cg_store *st, const char *id, const char *client, int64_t now_ms,
                                int64_t expires_ms, int64_t window_ms, int64_t max);
/* Uses the challenge up. CG_ENOTFOUND: unknown, expired or used before. */
cg_err cg_store_challenge_consume(cg_store *st, const char *id, int64_t now_ms);
/* rec {code, state, created (ms), agency_id (0: none), event_id,
 * screenshots: [{sha256, size, type}]}. CG_ECONFLICT: the code exists. */
cg_err cg_store_public_report_add(cg_store *st, const json_t *rec);
/* What the tracking page may show: {code, state, created, updated} (ms).
 * CG_ENOTFOUND: no such code. */
cg_err cg_store_public_report_get(cg_store *st, const char *code, json_t **out);

/* ---- periodic reports (report/make.h; the report job and the API) ------
 *
 * A report as stored: {id, kind ("monthly", ...), period ("2026-11"),
 * agency_id (0: the province's), lang ("vi"|"en"), files {"pdf": {blob,
 * size, p7s, p7s_size}, ...} (blob hashes of the blob store; p7s null
 * when the file carries no detached signature), created_at, created_by
 * ("job" or "user:NAME"), signed_by (the signer's subject, or null)}. One
 * report per (kind, period, agency_id, lang): putting it again replaces
 * it (made again on request). An officer's scope sees its agency's
 * reports only, never the province's. */
cg_err cg_store_report_put(cg_store *st, const json_t *rec, int64_t now_ms, int64_t *id);
/* CG_ENOTFOUND when there is none. */
cg_err cg_store_report_find(cg_store *st, const char *kind, const char *period, int64_t agency_id,
                            const char *lang, int64_t *id);
/* Newest first. */
cg_err cg_store_reports_list(cg_store *st, const cg_scope *scope, int64_t limit, int64_t offset,
                             json_t **items, int64_t *total);
cg_err cg_store_report_get(cg_store *st, const cg_scope *scope, int64_t id, json_t **out);

/* One event as a periodic report counts it (report/report.c), without
 * the JSON object events_query builds: the strings are valid during the
 * call only, NULL when the event has none; severity is a cg_severity. */
typedef struct cg_event_row {
	int64_t time_ms, agency_id;
	int severity;
	const char *source, *kind, *host, *subject;
} cg_event_row;
/* Returns nonzero to stop the scan. */
typedef int (*cg_event_row_fn)(void *ud, const cg_event_row *e);
/* Every event of the scope with from_ms <= time < to_ms to fn, in no
 * particular order: the reports' one pass over a period (a month may hold
 * millions of events; a JSON object each cost more than the rest of the
 * report). CG_ELIMIT when fn stopped it. */
cg_err cg_store_events_scan(cg_store *st, const cg_scope *scope, int64_t from_ms, int64_t to_ms,
                            cg_event_row_fn fn, void *ud);

/* ---- drills (drill/drill.h) -------------------------------------------
 *
 * A drill belongs to a system and takes the system's agency, so scope
 * works on it as on the inventory. Records: {id, system_id, system_name,
 * agency_id, date, scenario, participants, result, findings, created_at,
 * created_by}. */
/* rec: a normalized drill (cg_drill_normalize). CG_EINVAL (violation
 * unknown_reference, system_id) for no such system, CG_EPERM for a system
 * outside scope. Audited. */
cg_err cg_store_drill_create(cg_store *st, const cg_scope *scope, const cg_actor *actor,
                             const json_t *rec, int64_t *id);
/* Newest date first; system_id 0 = any. */
cg_err cg_store_drill_list(cg_store *st, const cg_scope *scope, int64_t system_id, int64_t limit,
                           int64_t offset, json_t **items, int64_t *total);
/* {"<system id>": "YYYY-MM-DD" of its latest drill} within scope. */
cg_err cg_store_drill_latest(cg_store *st, const cg_scope *scope, json_t **out);

/* ---- exposure scans (server/exposure_job.c) ----------------------------
 *
 * A run is one scan of one system: queued (by the schedule or "scan
 * now"), running, then finished with a status: "ok" (every target
 * answered), "partial" (some did not), "unreachable" (none did),
 * "refused" (no target inside the agency's scope) or "error". Runs:
 * {id, system_id, system_name, agency_id, status, requested_by, queued,
 * started, finished, targets, reached, findings, fixed, errors (a JSON
 * array of {target, error})}. A finding: {id, system_id, system_name,
 * agency_id, target, kind, severity, summary, cves (JSON array), kev
 * (0/1), event_id, opened, opened_run, fixed, fixed_run}; at most one
 * open (fixed null) per system, target and kind. Times are ms when given, RFC 3339 text in the
 * lists. */
/* Queues a run of the system (its agency is the system's); when one is
 * queued or running already, *id is that one and *already is set.
 * CG_ENOTFOUND: no such system. */
cg_err cg_store_xp_run_queue(cg_store *st, int64_t system_id, const char *by, int64_t now_ms,
                             int64_t *id, bool *already);
/* Takes the oldest queued run (or one left running by a server that died
 * stale_ms ago) and marks it running: {id, system_id, agency_id}.
 * CG_ENOTFOUND: none. */
cg_err cg_store_xp_run_claim(cg_store *st, int64_t now_ms, int64_t stale_ms, json_t **run);
/* rec: {status, finished, targets, reached, findings, fixed, errors}. */
cg_err cg_store_xp_run_finish(cg_store *st, int64_t id, const json_t *rec);
/* Newest first; system_id 0 = any. */
cg_err cg_store_xp_runs(cg_store *st, const cg_scope *scope, int64_t system_id, int64_t limit,
                        json_t **items);
/* [{system_id, queued}]: each system's newest run of any state. */
cg_err cg_store_xp_latest(cg_store *st, json_t **items);
/* rec: a finding without id/fixed. CG_ECONFLICT: one is open already. */
cg_err cg_store_xp_finding_open(cg_store *st, const json_t *rec, int64_t *id);
/* Newest first; open_only leaves the fixed ones out. */
cg_err cg_store_xp_findings(cg_store *st, const cg_scope *scope, int64_t system_id, bool open_only,
                            int64_t limit, json_t **items);
cg_err cg_store_xp_finding_fix(cg_store *st, int64_t id, int64_t run_id, int64_t now_ms);

/* Delay before retry number `attempts` (>= 1) after a failure:
 * CG_JOB_BACKOFF_BASE_MS doubled per attempt, at most CG_JOB_BACKOFF_MAX_MS. */
int64_t cg_job_backoff_ms(int64_t attempts);

/* ---- server state shared by every server (docs/storage.md) ------------
 * The login throttle, the agent registry and enrolment tokens: rows of the
 * store, so two servers on one database share them. */

/* The store's named secret (32 bytes): made from `fresh` (random bytes of
 * the caller) by whichever server asks first, then the same for every
 * server on the store (the login throttle keys its hash with it). */
cg_err cg_store_secret(cg_store *st, const char *name, const uint8_t fresh[32], uint8_t out[32]);

/* Failed logins per key (a keyed hash, never a username or an address in
 * clear) in a fixed window of window_ms that starts at the key's first
 * failure. *fails = the failures of the key's live window (0: none), or
 * -1 when it has none and max_keys windows are live: it could not be
 * counted, so callers treat it as over its limit (fail closed). */
cg_err cg_store_throttle_get(cg_store *st, const uint8_t key[32], int64_t now_ms, int64_t window_ms,
                             int64_t max_keys, int64_t *fails);
/* Counts a failure (a window that ended starts again) and drops the rows
 * of ended windows. A live counter is never dropped: when max_keys live
 * windows exist and key has none, nothing is counted and the call returns
 * CG_ELIMIT (callers treat the key as over its limit). */
cg_err cg_store_throttle_fail(cg_store *st, const uint8_t key[32], int64_t now_ms,
                              int64_t window_ms, int64_t max_keys, int64_t *fails);
cg_err cg_store_throttle_reset(cg_store *st, const uint8_t key[32]);

/* Enrolment tokens: one-time, stored as the SHA-256 of the token. rec
 * {agency_id, note|null, created_by|null, expires_at (ms)} and, when an
 * older registry is imported, {created_at, used_at, used_by}. CG_EPERM:
 * the agency is outside scope; CG_EINVAL: no such agency. */
cg_err cg_store_etoken_create(cg_store *st, const cg_scope *scope, const json_t *rec,
                              const uint8_t hash[32], int64_t *id);
/* Newest first (at most 500): [{id, agency_id, note, created_by,
 * created_at, expires_at, used_at, used_by, uses, max_uses, revoked_at,
 * revoked_by}] (times RFC 3339). */
cg_err cg_store_etoken_list(cg_store *st, const cg_scope *scope, json_t **items);
/* Marks the token used; only one caller ever succeeds. CG_ENOTFOUND
 * unknown, CG_ECONFLICT already used, CG_ETIMEOUT expired, CG_EPERM
 * revoked. */
cg_err cg_store_etoken_consume(cg_store *st, const uint8_t hash[32], int64_t now_ms,
                               const char *used_by, int64_t *agency_id);
/* Revokes token id (by: who, for the list): it enrols nothing more; the
 * agents it enrolled keep their own credentials. CG_ENOTFOUND: no such
 * token in scope; CG_ECONFLICT: revoked already. *agency_id: its agency. */
cg_err cg_store_etoken_revoke(cg_store *st, const cg_scope *scope, int64_t id, const char *by,
                              int64_t *agency_id);

/* An enrolled agent, bound to its API token (scope "agent"): rec
 * {agent_id, api_token_id, agency_id, host, os, agent_version,
 * enrolled_at (ms), last_seen (ms)} and, for an import, {rule_version,
 * policy_version, spool_pending}. */
cg_err cg_store_agent_register(cg_store *st, const json_t *rec);
/* info {host, os, agent_version, rule_version, policy_version,
 * spool_pending}; CG_ENOTFOUND when the token is no enrolled agent. */
cg_err cg_store_agent_heartbeat(cg_store *st, int64_t api_token_id, const json_t *info,
                                int64_t now_ms);
/* By agency, host: [{agent_id, agency_id, host, os, agent_version,
 * rule_version, policy_version, spool_pending, enrolled_at, last_seen,
 * offline}]. */
cg_err cg_store_agents_list(cg_store *st, const cg_scope *scope, int64_t offline_after_ms,
                            int64_t now_ms, json_t **items);
/* The agency's agent policy ({} and version 0 when none is set). */
cg_err cg_store_agent_policy_get(cg_store *st, int64_t agency_id, json_t **body, int64_t *version);
/* Replaces it; the version goes up by one (version_in > 0: set to that
 * version, for an import). CG_EINVAL: no such agency. */
cg_err cg_store_agent_policy_set(cg_store *st, int64_t agency_id, const json_t *body,
                                 int64_t now_ms, int64_t version_in, int64_t *version);

/* DNS log uploads (server/dns_upload.c): one row per upload, so any
 * server answers for it and any server's job runner analyses it. A
 * record: {id, name, owner ("user:ID"/"token:ID"), owner_kind (the
 * policy's caller kind), agency_id (the owner's agency, 0 = province),
 * state ("receiving", "queued", "analyzing", "done", "failed"), size,
 * writing_until (ms or null: a PUT holds it), progress {lines_read,
 * queries, bytes_read} or null, result {...} or null, error, created,
 * started, finished (ms or null), chunks: the bytes, blobs of the blob
 * store in order, [[sha256, size], ...]}. */
/* rec {name, owner, owner_kind, agency_id, created}; CG_ELIMIT when the
 * owner has max_per_owner uploads already (checked in the same write). */
cg_err cg_store_dns_upload_create(cg_store *st, const json_t *rec, int64_t max_per_owner,
                                  int64_t *id);
cg_err cg_store_dns_upload_get(cg_store *st, int64_t id, json_t **rec);
/* The owner's uploads and their bytes. */
cg_err cg_store_dns_upload_usage(cg_store *st, const char *owner, int64_t *count, int64_t *bytes);
/* A PUT at offset expect_size takes the upload until until_ms: only when
 * it stands at that size, is not queued or analysed, and no live PUT
 * holds it (held_ms: the hold this PUT has, to renew it; -1 for none).
 * CG_ECONFLICT otherwise. */
cg_err cg_store_dns_upload_write_begin(cg_store *st, int64_t id, int64_t expect_size,
                                       int64_t now_ms, int64_t held_ms, int64_t until_ms);
/* Ends the PUT: new_size >= 0 stores the new size (the upload is
 * receiving again, with no result); < 0 only releases it. */
cg_err cg_store_dns_upload_write_end(cg_store *st, int64_t id, int64_t new_size);
/* Queues it for analysis (not while written, queued or analysed; not when
 * empty). CG_ECONFLICT otherwise. */
cg_err cg_store_dns_upload_queue(cg_store *st, int64_t id, int64_t now_ms);
/* The oldest upload queued or left "analyzing" (its analyser died). */
cg_err cg_store_dns_upload_next(cg_store *st, int64_t *id);
/* Sets state, progress, result, error, started, finished from rec (a
 * member missing = null). */
cg_err cg_store_dns_upload_set(cg_store *st, int64_t id, const json_t *rec);
/* CG_ECONFLICT while it is written, queued or analysed. */
cg_err cg_store_dns_upload_delete(cg_store *st, int64_t id, int64_t now_ms);
/* Sets the upload's chunks ([[sha256, size], ...], each hash 64 hex
 * digits, the sizes summing to new_size) and size when it stands at
 * expect_size: the end of a PUT that wrote a chunk (the upload is
 * receiving again, with no result; the PUT's hold is released), or its
 * undoing. CG_ECONFLICT when it does not stand there, CG_EINVAL for a
 * malformed list. */
cg_err cg_store_dns_upload_chunks_set(cg_store *st, int64_t id, int64_t expect_size,
                                      const json_t *chunks, int64_t new_size);

/* Whether any row names blob hex (DNS upload chunks, incident timelines
 * and cases, public reports' screenshots, reports' files, compliance
 * evidence records): a blob no row
 * names may be removed (cg_blob_remove). */
cg_err cg_store_blob_used(cg_store *st, const char *hex, bool *used);

#endif
