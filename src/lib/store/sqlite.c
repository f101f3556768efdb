/*
 * sqlite.c - the SQLite backend of store.h, the embedded default.
 *
 * Design:
 *  - WAL journal, synchronous=NORMAL, foreign keys on, a busy timeout. In
 *    WAL mode with synchronous=NORMAL a commit is durable against a crash
 *    of the process (kill -9: the WAL is in the OS page cache and is
 *    replayed on the next open); only an OS crash or power cut can lose
 *    the last transactions. docs/storage.md explains the choice.
 *  - One writer connection behind a mutex (SQLite serialises writers
 *    anyway; waiting on our mutex is cheaper than busy-retrying) and a
 *    small pool of reader connections: WAL readers never block on the
 *    writer. Connections are opened NOMUTEX: each is used by one thread
 *    at a time.
 *  - Statements are prepared once per connection and cached by the
 *    address of their SQL text (static strings, or strings built once at
 *    open); only list queries with optional filters are prepared per call.
 *  - Migrations are an ordered array of SQL scripts; schema_version holds
 *    how many have been applied. Never edit a shipped migration: append.
 *  - Inventory resources are described by tables of fields (name, type),
 *    so create/read/update/delete/list are written once for all three.
 */
#include "backend.h"
#include "resources.h"

#include <pthread.h>
#include <stdatomic.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"
#include "core/limits.h"
#include "core/text.h"
#include "core/timeutil.h"

/* ---- migrations ------------------------------------------------------ */

static const char *const migrations[] = {
    /* 1: inventory, accounts, audit, events */
    "CREATE TABLE agencies ("
    " id INTEGER PRIMARY KEY,"
    " name TEXT NOT NULL,"
    " kind TEXT NOT NULL,"
    " parent_id INTEGER REFERENCES agencies(id) ON DELETE RESTRICT,"
    " code TEXT UNIQUE,"
    " ip_ranges TEXT NOT NULL DEFAULT '[]',"
    " declared_endpoints INTEGER NOT NULL DEFAULT 0,"
    " created_at INTEGER NOT NULL,"
    " updated_at INTEGER NOT NULL);"
    "CREATE INDEX agencies_parent ON agencies(parent_id);"
    "CREATE TABLE systems ("
    " id INTEGER PRIMARY KEY,"
    " agency_id INTEGER NOT NULL REFERENCES agencies(id) ON DELETE RESTRICT,"
    " name TEXT NOT NULL,"
    " kind TEXT NOT NULL,"
    " urls TEXT NOT NULL DEFAULT '[]',"
    " domains TEXT NOT NULL DEFAULT '[]',"
    " ips TEXT NOT NULL DEFAULT '[]',"
    " level INTEGER NOT NULL,"
    " dossier_status TEXT NOT NULL,"
    " dossier_dates TEXT NOT NULL DEFAULT '{}',"
    " monitor_interval_s INTEGER NOT NULL DEFAULT 300,"
    " created_at INTEGER NOT NULL,"
    " updated_at INTEGER NOT NULL);"
    "CREATE INDEX systems_agency ON systems(agency_id);"
    "CREATE TABLE people ("
    " id INTEGER PRIMARY KEY,"
    " agency_id INTEGER NOT NULL REFERENCES agencies(id) ON DELETE RESTRICT,"
    " name TEXT NOT NULL,"
    " role TEXT NOT NULL,"
    " title TEXT NOT NULL DEFAULT '',"
    " phone TEXT NOT NULL DEFAULT '',"
    " email TEXT NOT NULL DEFAULT '',"
    " published_on_portal INTEGER NOT NULL DEFAULT 0,"
    " created_at INTEGER NOT NULL,"
    " updated_at INTEGER NOT NULL);"
    "CREATE INDEX people_agency ON people(agency_id);"
    "CREATE TABLE users ("
    " id INTEGER PRIMARY KEY,"
    " username TEXT NOT NULL UNIQUE COLLATE NOCASE,"
    " display_name TEXT NOT NULL DEFAULT '',"
    " role TEXT NOT NULL,"
    " agency_id INTEGER REFERENCES agencies(id) ON DELETE RESTRICT,"
    " pw_hash TEXT NOT NULL,"
    " disabled INTEGER NOT NULL DEFAULT 0,"
    " created_at INTEGER NOT NULL,"
    " updated_at INTEGER NOT NULL);"
    "CREATE INDEX users_agency ON users(agency_id);"
    "CREATE TABLE sessions ("
    " token_hash BLOB PRIMARY KEY,"
    " user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
    " csrf TEXT NOT NULL,"
    " created_at INTEGER NOT NULL,"
    " expires_at INTEGER NOT NULL) WITHOUT ROWID;"
    "CREATE INDEX sessions_user ON sessions(user_id);"
    "CREATE TABLE api_tokens ("
    " id INTEGER PRIMARY KEY,"
    " name TEXT NOT NULL,"
    " scope TEXT NOT NULL,"
    " agency_id INTEGER REFERENCES agencies(id) ON DELETE RESTRICT,"
    " token_hash BLOB NOT NULL UNIQUE,"
    " created_at INTEGER NOT NULL,"
    " last_used_at INTEGER,"
    " revoked_at INTEGER);"
    "CREATE INDEX api_tokens_agency ON api_tokens(agency_id);"
    "CREATE TABLE audit ("
    " id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " time INTEGER NOT NULL,"
    " actor TEXT NOT NULL,"
    " action TEXT NOT NULL,"
    " object_type TEXT NOT NULL,"
    " object_id INTEGER,"
    " detail TEXT);"
    "CREATE INDEX audit_actor ON audit(actor, id);"
    "CREATE INDEX audit_time ON audit(time);"
    "CREATE TABLE events ("
    " seq INTEGER PRIMARY KEY AUTOINCREMENT,"
    " id TEXT NOT NULL UNIQUE,"
    " time INTEGER NOT NULL,"
    " received_at INTEGER NOT NULL,"
    " host TEXT,"
    " agency TEXT,"
    " agency_id INTEGER REFERENCES agencies(id) ON DELETE SET NULL,"
    " system_id INTEGER REFERENCES systems(id) ON DELETE SET NULL,"
    " source TEXT NOT NULL,"
    " kind TEXT NOT NULL,"
    " severity INTEGER NOT NULL,"
    " subject TEXT,"
    " summary TEXT NOT NULL,"
    " evidence TEXT NOT NULL);"
    "CREATE INDEX events_agency ON events(agency_id, seq);"
    "CREATE INDEX events_system ON events(system_id, seq);"
    "CREATE INDEX events_source ON events(source, seq);"
    "CREATE INDEX events_kind ON events(kind, seq);"
    "CREATE INDEX events_severity ON events(severity, seq);"
    "CREATE INDEX events_time ON events(time);",
    /* 2: running totals for the overview, kept by the ingest
     * transaction: events per agency, UTC day and severity, and the
     * hosts seen by agents per agency (a scan of a million events per
     * overview page would take seconds) */
    "CREATE TABLE event_counts ("
    " agency_id INTEGER NOT NULL REFERENCES agencies(id) ON DELETE CASCADE,"
    " day INTEGER NOT NULL,"
    " severity INTEGER NOT NULL,"
    " n INTEGER NOT NULL,"
    " PRIMARY KEY (agency_id, day, severity)) WITHOUT ROWID;"
    "CREATE TABLE event_hosts ("
    " agency_id INTEGER NOT NULL REFERENCES agencies(id) ON DELETE CASCADE,"
    " host TEXT NOT NULL,"
    " last_seen INTEGER NOT NULL,"
    " PRIMARY KEY (agency_id, host)) WITHOUT ROWID;"
    "INSERT INTO event_counts(agency_id, day, severity, n)"
    " SELECT agency_id, time / 86400000, severity, count(*) FROM events"
    " WHERE agency_id IS NOT NULL GROUP BY 1, 2, 3;"
    "INSERT INTO event_hosts(agency_id, host, last_seen)"
    " SELECT agency_id, host, max(time) FROM events"
    " WHERE source='agent' AND agency_id IS NOT NULL AND host IS NOT NULL"
    " GROUP BY 1, 2;",
    /* 3: text search. A contentless FTS5 index over the search words of
     * subject and summary (core/text.h cg_text_search_words: Vietnamese
     * folded to ASCII, case folded, one space between words), its rowid
     * the event's seq, kept by the ingest transaction. Contentless: the
     * text is in events already; events are never updated. */
    "CREATE VIRTUAL TABLE events_fts USING fts5(words, content='', columnsize=0,"
    " tokenize='unicode61 remove_diacritics 0');"
    "INSERT INTO events_fts(rowid, words)"
    " SELECT seq, cg_search_words(coalesce(subject, '') || ' ' || summary) FROM events;",
    /* 4: event ids are unique per producer (the token, user or server
     * module that made the event), not across the province: one producer
     * must not be able to pre-file an id that silences another's later
     * event. SQLite cannot drop a UNIQUE constraint: the table is rebuilt
     * with the same seq values (the text index keys on them); events
     * stored before have the producer ''. */
    "CREATE TABLE events_v4 ("
    " seq INTEGER PRIMARY KEY AUTOINCREMENT,"
    " producer TEXT NOT NULL DEFAULT '',"
    " id TEXT NOT NULL,"
    " time INTEGER NOT NULL,"
    " received_at INTEGER NOT NULL,"
    " host TEXT,"
    " agency TEXT,"
    " agency_id INTEGER REFERENCES agencies(id) ON DELETE SET NULL,"
    " system_id INTEGER REFERENCES systems(id) ON DELETE SET NULL,"
    " source TEXT NOT NULL,"
    " kind TEXT NOT NULL,"
    " severity INTEGER NOT NULL,"
    " subject TEXT,"
    " summary TEXT NOT NULL,"
    " evidence TEXT NOT NULL,"
    " UNIQUE (producer, id));"
    "INSERT INTO events_v4(seq,producer,id,time,received_at,host,agency,agency_id,system_id,"
    "source,kind,severity,subject,summary,evidence)"
    " SELECT seq,'',id,time,received_at,host,agency,agency_id,system_id,source,kind,"
    "severity,subject,summary,evidence FROM events;"
    "DROP TABLE events;"
    "ALTER TABLE events_v4 RENAME TO events;"
    "CREATE INDEX events_agency ON events(agency_id, seq);"
    "CREATE INDEX events_system ON events(system_id, seq);"
    "CREATE INDEX events_source ON events(source, seq);"
    "CREATE INDEX events_kind ON events(kind, seq);"
    "CREATE INDEX events_severity ON events(severity, seq);"
    "CREATE INDEX events_time ON events(time);",
    /* 5: the job scheduler (store.h cg_job) */
    "CREATE TABLE jobs ("
    " name TEXT PRIMARY KEY,"
    " kind TEXT NOT NULL,"
    " next_run INTEGER NOT NULL,"
    " last_run INTEGER,"
    " last_ok INTEGER,"
    " last_error TEXT,"
    " attempts INTEGER NOT NULL DEFAULT 0,"
    " lease_holder TEXT,"
    " lease_until INTEGER,"
    " lease_seq INTEGER NOT NULL DEFAULT 0);"
    "CREATE INDEX jobs_due ON jobs(next_run);",
    /* 6: the portal watch's open findings (was DATA/web/watch.json) */
    "CREATE TABLE web_findings ("
    " url TEXT NOT NULL,"
    " kind TEXT NOT NULL,"
    " summary TEXT NOT NULL,"
    " severity TEXT NOT NULL,"
    " since INTEGER NOT NULL,"
    " event_id TEXT NOT NULL,"
    " PRIMARY KEY (url, kind));",
    /* 7: the alert queue (was DATA/web/alerts.json) */
    "CREATE TABLE alerts ("
    " id TEXT PRIMARY KEY,"
    " created INTEGER NOT NULL,"
    " agency_id INTEGER,"
    " state TEXT NOT NULL,"
    " attempts INTEGER NOT NULL,"
    " next_try INTEGER NOT NULL,"
    " last_error TEXT,"
    " delivered INTEGER,"
    " doc TEXT NOT NULL);"
    "CREATE INDEX alerts_due ON alerts(state, next_try);"
    "CREATE INDEX alerts_created ON alerts(created);",
    /* the server state that had files or process memory of its own
     * (sqlite_state.c): the store's secrets, the login throttle (was in
     * each server's memory), the agent registry, enrolment tokens and
     * agent policies (were DATA_DIR/agents.db) */
    "CREATE TABLE store_secrets (name TEXT PRIMARY KEY, value BLOB NOT NULL);"
    "CREATE TABLE login_throttle ("
    " key BLOB PRIMARY KEY,"
    " window_start INTEGER NOT NULL,"
    " fails INTEGER NOT NULL);"
    "CREATE INDEX login_throttle_window ON login_throttle(window_start);"
    "CREATE TABLE enroll_tokens ("
    " id INTEGER PRIMARY KEY,"
    " token_hash BLOB NOT NULL UNIQUE,"
    " agency_id INTEGER NOT NULL REFERENCES agencies(id) ON DELETE CASCADE,"
    " note TEXT,"
    " created_by TEXT,"
    " created_at INTEGER NOT NULL,"
    " expires_at INTEGER NOT NULL,"
    " used_at INTEGER,"
    " used_by TEXT);"
    "CREATE INDEX enroll_tokens_agency ON enroll_tokens(agency_id);"
    "CREATE TABLE agents ("
    " id INTEGER PRIMARY KEY,"
    " agent_id TEXT NOT NULL UNIQUE,"
    " api_token_id INTEGER NOT NULL UNIQUE REFERENCES api_tokens(id) ON DELETE RESTRICT,"
    " agency_id INTEGER NOT NULL REFERENCES agencies(id) ON DELETE RESTRICT,"
    " host TEXT,"
    " os TEXT,"
    " agent_version TEXT,"
    " rule_version TEXT,"
    " policy_version INTEGER,"
    " spool_pending INTEGER,"
    " enrolled_at INTEGER NOT NULL,"
    " last_seen INTEGER NOT NULL);"
    "CREATE INDEX agents_agency ON agents(agency_id);"
    "CREATE TABLE agent_policies ("
    " agency_id INTEGER PRIMARY KEY REFERENCES agencies(id) ON DELETE CASCADE,"
    " version INTEGER NOT NULL,"
    " body TEXT NOT NULL,"
    " updated_at INTEGER NOT NULL);",
    /* DNS log uploads (were a registry in memory and DATA_DIR files) */
    "CREATE TABLE dns_uploads ("
    " id INTEGER PRIMARY KEY,"
    " name TEXT NOT NULL,"
    " owner TEXT NOT NULL,"
    " owner_kind INTEGER NOT NULL,"
    " agency_id INTEGER NOT NULL,"
    " state TEXT NOT NULL,"
    " size INTEGER NOT NULL,"
    " writing_until INTEGER,"
    " progress TEXT,"
    " result TEXT,"
    " error TEXT,"
    " created INTEGER NOT NULL,"
    " started INTEGER,"
    " finished INTEGER);"
    "CREATE INDEX dns_uploads_owner ON dns_uploads(owner);"
    "CREATE INDEX dns_uploads_state ON dns_uploads(state, id);",
    /* retention (cg_store_events_maintain) finds old events by arrival */
    "CREATE INDEX events_received ON events(received_at);",
    /* the triage of events (store.h cg_store_events_triage): one row per
     * event someone triaged, beside the never-changed event; its agency,
     * UTC day and severity copied so the overview counts what is left
     * "chưa xử lý" without reading the events */
    "CREATE TABLE event_triage ("
    " seq INTEGER PRIMARY KEY,"
    " agency_id INTEGER,"
    " day INTEGER NOT NULL,"
    " severity INTEGER NOT NULL,"
    " state TEXT NOT NULL,"
    " assignee TEXT,"
    " note TEXT,"
    " updated_at INTEGER NOT NULL,"
    " updated_by TEXT NOT NULL);"
    "CREATE INDEX event_triage_day ON event_triage(day, agency_id);"
    /* suppression rules made from false positives (store.h) */
    "CREATE TABLE suppressions ("
    " id INTEGER PRIMARY KEY,"
    " source TEXT NOT NULL,"
    " kind TEXT NOT NULL,"
    " subject TEXT,"
    " agency_id INTEGER,"
    " note TEXT,"
    " from_event INTEGER,"
    " expires_at INTEGER NOT NULL,"
    " created_at INTEGER NOT NULL,"
    " created_by TEXT NOT NULL,"
    " revoked_at INTEGER);"
    /* incident cases (store.h cg_store_incident_*): the columns the
     * scope and the lists need, the rest of the record as JSON; every
     * change and comment a timeline row */
    "CREATE TABLE incidents ("
    " id INTEGER PRIMARY KEY,"
    " year INTEGER NOT NULL,"
    " year_seq INTEGER NOT NULL,"
    " agency_id INTEGER NOT NULL,"
    " state TEXT NOT NULL,"
    " severity TEXT NOT NULL,"
    " kind TEXT NOT NULL,"
    " rec TEXT NOT NULL,"
    " created_at INTEGER NOT NULL,"
    " updated_at INTEGER NOT NULL,"
    " UNIQUE (year, year_seq));"
    "CREATE INDEX incidents_agency ON incidents(agency_id, id);"
    "CREATE TABLE incident_events ("
    " incident_id INTEGER NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,"
    " seq INTEGER NOT NULL,"
    " PRIMARY KEY (incident_id, seq)) WITHOUT ROWID;"
    "CREATE INDEX incident_events_seq ON incident_events(seq);"
    "CREATE TABLE incident_timeline ("
    " id INTEGER PRIMARY KEY,"
    " incident_id INTEGER NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,"
    " time INTEGER NOT NULL,"
    " actor TEXT NOT NULL,"
    " what TEXT NOT NULL,"
    " detail TEXT);"
    "CREATE INDEX incident_timeline_case ON incident_timeline(incident_id, id);",
    /* the public report form: proof-of-work challenges (also the
     * per-address rate limit) and the reports' tracking state */
    "CREATE TABLE pow_challenges ("
    " id TEXT PRIMARY KEY,"
    " client TEXT NOT NULL,"
    " created INTEGER NOT NULL,"
    " expires INTEGER NOT NULL,"
    " used INTEGER NOT NULL DEFAULT 0);"
    "CREATE INDEX pow_challenges_client ON pow_challenges(client, created);"
    "CREATE INDEX pow_challenges_created ON pow_challenges(created);"
    "CREATE TABLE public_reports ("
    " code TEXT PRIMARY KEY,"
    " state TEXT NOT NULL,"
    " created INTEGER NOT NULL,"
    " updated INTEGER NOT NULL,"
    " agency_id INTEGER,"
    " event_id TEXT NOT NULL,"
    " screenshots TEXT NOT NULL);",
    /* drills (diễn tập) on systems; agency_id is the system's, for scope */
    "CREATE TABLE drills ("
    " id INTEGER PRIMARY KEY,"
    " system_id INTEGER NOT NULL REFERENCES systems(id) ON DELETE CASCADE,"
    " agency_id INTEGER NOT NULL,"
    " date TEXT NOT NULL,"
    " scenario TEXT NOT NULL,"
    " participants TEXT NOT NULL,"
    " result TEXT NOT NULL,"
    " findings TEXT NOT NULL,"
    " created_at INTEGER NOT NULL,"
    " created_by TEXT NOT NULL);"
    "CREATE INDEX drills_system ON drills(system_id, date);"
    "CREATE INDEX drills_agency ON drills(agency_id, date);",
    /* exposure scans of systems (store.h): each run, and each finding from
     * the run that saw it first to the run that no longer saw it */
    "CREATE TABLE exposure_runs ("
    " id INTEGER PRIMARY KEY,"
    " system_id INTEGER NOT NULL REFERENCES systems(id) ON DELETE CASCADE,"
    " agency_id INTEGER NOT NULL,"
    " status TEXT NOT NULL,"
    " requested_by TEXT NOT NULL,"
    " queued INTEGER NOT NULL,"
    " started INTEGER,"
    " finished INTEGER,"
    " targets INTEGER NOT NULL DEFAULT 0,"
    " reached INTEGER NOT NULL DEFAULT 0,"
    " findings INTEGER NOT NULL DEFAULT 0,"
    " fixed INTEGER NOT NULL DEFAULT 0,"
    " errors TEXT NOT NULL DEFAULT '[]');"
    "CREATE INDEX exposure_runs_system ON exposure_runs(system_id, id);"
    "CREATE INDEX exposure_runs_status ON exposure_runs(status, id);"
    "CREATE TABLE exposure_findings ("
    " id INTEGER PRIMARY KEY,"
    " system_id INTEGER NOT NULL REFERENCES systems(id) ON DELETE CASCADE,"
    " agency_id INTEGER NOT NULL,"
    " target TEXT NOT NULL,"
    " kind TEXT NOT NULL,"
    " severity TEXT NOT NULL,"
    " summary TEXT NOT NULL,"
    " cves TEXT NOT NULL DEFAULT '[]',"
    " kev INTEGER NOT NULL DEFAULT 0,"
    " event_id TEXT NOT NULL,"
    " opened INTEGER NOT NULL,"
    " opened_run INTEGER NOT NULL,"
    " fixed INTEGER,"
    " fixed_run INTEGER);"
    "CREATE UNIQUE INDEX exposure_findings_open ON exposure_findings(system_id, target, kind)"
    " WHERE fixed IS NULL;"
    "CREATE INDEX exposure_findings_agency ON exposure_findings(agency_id, id);",
    /* the deadline notices of incident cases (cg_store_incident_notice):
     * one row per (case, rule, stage) sent, so each is sent once */
    "CREATE TABLE incident_notices ("
    " incident_id INTEGER NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,"
    " rule TEXT NOT NULL,"
    " stage TEXT NOT NULL,"
    " sent_at INTEGER NOT NULL,"
    " PRIMARY KEY (incident_id, rule, stage)) WITHOUT ROWID;",
    /* the tasks of incident cases (cg_store_incident_task_*) */
    "CREATE TABLE incident_tasks ("
    " id INTEGER PRIMARY KEY,"
    " incident_id INTEGER NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,"
    " title TEXT NOT NULL,"
    " assignee TEXT,"
    " due_at TEXT,"
    " done INTEGER NOT NULL DEFAULT 0,"
    " created_at INTEGER NOT NULL,"
    " updated_at INTEGER NOT NULL);"
    "CREATE INDEX incident_tasks_case ON incident_tasks(incident_id, id);",
    /* periodic reports (report/make.h): one per kind, period, agency
     * (0: the province) and language; the files are blob hashes */
    "CREATE TABLE reports ("
    " id INTEGER PRIMARY KEY,"
    " kind TEXT NOT NULL,"
    " period TEXT NOT NULL,"
    " agency_id INTEGER NOT NULL DEFAULT 0,"
    " lang TEXT NOT NULL,"
    " files TEXT NOT NULL,"
    " created_at INTEGER NOT NULL,"
    " created_by TEXT NOT NULL,"
    " signed_by TEXT,"
    " UNIQUE(kind, period, agency_id, lang));"
    "CREATE INDEX reports_agency ON reports(agency_id, id);",
    /* syslog forwarding (store.h): one cursor per destination */
    "CREATE TABLE fwd_cursors ("
    " name TEXT PRIMARY KEY,"
    " last_seq INTEGER NOT NULL DEFAULT 0,"
    " sent INTEGER NOT NULL DEFAULT 0,"
    " last_sent INTEGER,"
    " last_error TEXT,"
    " error_at INTEGER);",
    /* threat intelligence in (store.h "threat intelligence"): the sources
     * and their indicators, one row per source, type and value */
    "CREATE TABLE intel_sources ("
    " name TEXT PRIMARY KEY,"
    " kind TEXT NOT NULL,"
    " cursor TEXT,"
    " last_pull INTEGER,"
    " last_error TEXT,"
    " error_at INTEGER);"
    "CREATE TABLE intel_indicators ("
    " id INTEGER PRIMARY KEY,"
    " source TEXT NOT NULL REFERENCES intel_sources(name) ON DELETE CASCADE,"
    " type TEXT NOT NULL,"
    " value TEXT NOT NULL,"
    " confidence INTEGER,"
    " tlp TEXT,"
    " valid_from INTEGER NOT NULL,"
    " valid_until INTEGER,"
    " first_seen INTEGER NOT NULL,"
    " last_seen INTEGER NOT NULL,"
    " ext_id TEXT,"
    " description TEXT,"
    " UNIQUE(source, type, value));"
    "CREATE INDEX intel_indicators_type ON intel_indicators(type, value);",
    /* a DNS upload's bytes: its chunks in the blob store, in order, a
     * JSON array of [sha256, size] (server/dns_upload.c) */
    "ALTER TABLE dns_uploads ADD COLUMN chunks TEXT NOT NULL DEFAULT '[]';",
    /* the malware statistics sent to the national monitoring centre
     * (store_natreport.h): one row per delivery attempt and its answer */
    "CREATE TABLE national_deliveries ("
    " id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " period TEXT NOT NULL,"
    " format TEXT NOT NULL,"
    " url TEXT NOT NULL,"
    " at INTEGER NOT NULL,"
    " ok INTEGER NOT NULL,"
    " http_status INTEGER,"
    " answer TEXT,"
    " error TEXT,"
    " sha256 TEXT NOT NULL,"
    " bytes INTEGER NOT NULL);"
    "CREATE INDEX national_deliveries_period ON national_deliveries(period, ok);",
    /* the antivirus products an agent reported in its last heartbeat
     * (platform/av.h; JSON array, NULL when it reports none) */
    "ALTER TABLE agents ADD COLUMN antivirus TEXT;",
    /* the scheduled MISP pushes (store_natreport.h): one row per run */
    "CREATE TABLE misp_deliveries ("
    " id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " dest TEXT NOT NULL,"
    " url TEXT NOT NULL,"
    " since INTEGER NOT NULL,"
    " until INTEGER NOT NULL,"
    " from_seq INTEGER NOT NULL,"
    " to_seq INTEGER NOT NULL,"
    " at INTEGER NOT NULL,"
    " ok INTEGER NOT NULL,"
    " http_status INTEGER,"
    " events INTEGER NOT NULL,"
    " attributes INTEGER NOT NULL,"
    " error TEXT);"
    "CREATE INDEX misp_deliveries_dest ON misp_deliveries(dest, ok);",
    /* enrolment tokens that enrol many endpoints (api_agent.c): one use
     * per enrolment up to max_uses; used_at/used_by are the last use */
    "ALTER TABLE enroll_tokens ADD COLUMN max_uses INTEGER NOT NULL DEFAULT 1;"
    "ALTER TABLE enroll_tokens ADD COLUMN uses INTEGER NOT NULL DEFAULT 0;"
    "UPDATE enroll_tokens SET uses=1 WHERE used_at IS NOT NULL;",
    /* a revoked enrolment token enrols nothing more (api_agent.c); two
     * statements in one step (the parentheses tell clang's
     * -Wstring-concatenation the joined literals are meant) */
    ("ALTER TABLE enroll_tokens ADD COLUMN revoked_at INTEGER;"
     "ALTER TABLE enroll_tokens ADD COLUMN revoked_by TEXT;"),
};
#define N_MIGRATIONS ((int)(sizeof migrations / sizeof migrations[0]))

int cg_store_sqlite_latest(void)
{
	return N_MIGRATIONS;
}

/* ---- resources -------------------------------------------------------- */

/* The field tables: resources.h (shared with the other backend). */


/* ---- connections ------------------------------------------------------ */

#define STMT_CACHE 64

typedef struct conn {
	sqlite3 *db;
	struct {
		const char *sql;
		sqlite3_stmt *st;
	} cache[STMT_CACHE];
	int ncache;
	bool in_use;
} conn;

/* Per-resource SQL built once at open, so it can be cached by address. */
typedef struct ressql {
	char *select; /* "SELECT cols FROM t" */
	char *get;    /* select + " WHERE id=?" */
	char *insert;
	char *update; /* "UPDATE t SET f=?,...,updated_at=? WHERE id=?" */
	char *del;
} ressql;

struct cg_store_impl {
	char *path;
	conn writer;
	pthread_mutex_t wmu;
	conn readers[CG_STORE_READERS];
	pthread_mutex_t rmu;
	pthread_cond_t rcv;
	int version;
	ressql sql[N_RES];
	/* bumped after every committed agency change: caches of the agency
	 * table (api/agencytable.h) compare it instead of reloading */
	_Atomic uint64_t agencies_gen;
};


/* The column of "UNIQUE constraint failed: table.column[, ...]": the API
 * field (our columns carry the API's names). */
static void unique_violation(const char *msg)
{
	char field[64] = "";
	const char *p = strstr(msg, "failed: ");
	const char *dot = p ? strchr(p, '.') : NULL;
	if (dot) {
		size_t n = strcspn(dot + 1, ", ");
		if (n < sizeof field) {
			memcpy(field, dot + 1, n);
			field[n] = '\0';
		}
	}
	cg_store_set_violation(CG_VIOL_DUPLICATE, field);
}

/* SQLite does not say which foreign key failed; each table has one that a
 * caller can get wrong, so the caller names it when none is recorded. */
static void fk_field(const char *field)
{
	const char *f;
	if (cg_store_last_violation(&f) == CG_VIOL_UNKNOWN && !*f)
		cg_store_set_violation(CG_VIOL_UNKNOWN, field);
}

static cg_err db_err(sqlite3 *db, int rc)
{
	cg_store_set_errmsg("%s", sqlite3_errmsg(db));
	switch (rc & 0xff) {
	case SQLITE_CONSTRAINT:
		if (rc == SQLITE_CONSTRAINT_FOREIGNKEY) {
			cg_store_set_violation(CG_VIOL_UNKNOWN, "");
			return CG_EINVAL;
		}
		if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY) {
			unique_violation(sqlite3_errmsg(db));
			return CG_ECONFLICT;
		}
		return CG_EINVAL;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return CG_ETIMEOUT;
	case SQLITE_NOMEM:
		return CG_ENOMEM;
	case SQLITE_TOOBIG:
		return CG_ETOOBIG;
	default:
		return CG_EDB;
	}
}

static cg_err exec(conn *c, const char *sql)
{
	char *msg = NULL;
	int rc = sqlite3_exec(c->db, sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK) {
		cg_store_set_errmsg("%s", msg ? msg : "?");
		sqlite3_free(msg);
		return db_err(c->db, sqlite3_extended_errcode(c->db));
	}
	return CG_OK;
}

/* A cached prepared statement for sql (which must outlive the store),
 * reset and unbound. NULL on error (cg_store_errmsg() says why). */
static sqlite3_stmt *stmt(conn *c, const char *sql)
{
	for (int i = 0; i < c->ncache; i++) {
		if (c->cache[i].sql == sql) {
			sqlite3_stmt *s = c->cache[i].st;
			sqlite3_reset(s);
			sqlite3_clear_bindings(s);
			return s;
		}
	}
	if (c->ncache >= STMT_CACHE) {
		cg_store_set_errmsg("statement cache full");
		return NULL;
	}
	sqlite3_stmt *s = NULL;
	if (sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s, NULL) != SQLITE_OK) {
		db_err(c->db, sqlite3_extended_errcode(c->db));
		return NULL;
	}
	c->cache[c->ncache].sql = sql;
	c->cache[c->ncache].st = s;
	c->ncache++;
	return s;
}

/* A one-off statement (dynamic SQL); finalize it. */
static sqlite3_stmt *stmt_dyn(conn *c, const char *sql)
{
	sqlite3_stmt *s = NULL;
	if (sqlite3_prepare_v2(c->db, sql, -1, &s, NULL) != SQLITE_OK) {
		db_err(c->db, sqlite3_extended_errcode(c->db));
		return NULL;
	}
	return s;
}

static void conn_close(conn *c)
{
	for (int i = 0; i < c->ncache; i++)
		sqlite3_finalize(c->cache[i].st);
	c->ncache = 0;
	if (c->db)
		sqlite3_close(c->db);
	c->db = NULL;
}

/* The search words of text (core/text.h) into out (reset first). */
static cg_err search_words(const char *a, const char *b, cg_buf *out)
{
	cg_buf_reset(out);
	cg_err err = a ? cg_text_search_words(cg_slice_cstr(a), out) : CG_OK;
	if (!err && b) {
		if (out->len)
			err = cg_buf_putc(out, ' ');
		if (!err)
			err = cg_text_search_words(cg_slice_cstr(b), out);
	}
	return err;
}

/* SQL function cg_search_words(text), for the migration that builds the
 * index from stored events. */
static void sql_search_words(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	const char *t = (const char *)sqlite3_value_text(argv[0]);
	cg_buf w;
	cg_buf_init(&w, CG_MAX_EVENT_JSON);
	if (search_words(t, NULL, &w))
		sqlite3_result_error(ctx, "cg_search_words failed", -1);
	else
		sqlite3_result_text(ctx, cg_buf_cstr(&w), (int)w.len, SQLITE_TRANSIENT);
	cg_buf_free(&w);
}

static cg_err conn_open(conn *c, const char *path, int cache_kib, cg_buf *why)
{
	memset(c, 0, sizeof *c);
	int rc = sqlite3_open_v2(
	    path, &c->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		if (why)
			cg_buf_printf(why, "%s: %s", path,
			              c->db ? sqlite3_errmsg(c->db) : sqlite3_errstr(rc));
		conn_close(c);
		return CG_EDB;
	}
	sqlite3_busy_timeout(c->db, CG_STORE_BUSY_MS);
	cg_err err = exec(c, "PRAGMA journal_mode=WAL;"
	                     "PRAGMA synchronous=NORMAL;"
	                     "PRAGMA foreign_keys=ON;"
	                     "PRAGMA temp_store=MEMORY;");
	if (!err) {
		/* random event ids make the dedup index write everywhere: a
		 * page cache that holds it saves a read per insert */
		char pragma[64];
		snprintf(pragma, sizeof pragma, "PRAGMA cache_size=-%d", cache_kib);
		err = exec(c, pragma);
	}
	/* migration 3 fills the text index with the same folding as ingest */
	if (!err && sqlite3_create_function(c->db, "cg_search_words", 1,
	                                    SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
	                                    sql_search_words, NULL, NULL) != SQLITE_OK)
		err = db_err(c->db, sqlite3_extended_errcode(c->db));
	if (err) {
		if (why)
			cg_buf_printf(why, "%s: %s", path, cg_store_errmsg());
		conn_close(c);
	}
	return err;
}

static conn *writer_get(cg_store_impl *st)
{
	pthread_mutex_lock(&st->wmu);
	return &st->writer;
}

static void writer_put(cg_store_impl *st)
{
	pthread_mutex_unlock(&st->wmu);
}

static conn *reader_get(cg_store_impl *st)
{
	pthread_mutex_lock(&st->rmu);
	for (;;) {
		for (int i = 0; i < CG_STORE_READERS; i++) {
			if (!st->readers[i].in_use) {
				st->readers[i].in_use = true;
				pthread_mutex_unlock(&st->rmu);
				return &st->readers[i];
			}
		}
		pthread_cond_wait(&st->rcv, &st->rmu);
	}
}

static void reader_put(cg_store_impl *st, conn *c)
{
	/* leave no read transaction open: it would pin the WAL */
	pthread_mutex_lock(&st->rmu);
	c->in_use = false;
	pthread_cond_signal(&st->rcv);
	pthread_mutex_unlock(&st->rmu);
}

static const char SQL_BEGIN[] = "BEGIN IMMEDIATE";
static const char SQL_COMMIT[] = "COMMIT";
static const char SQL_ROLLBACK[] = "ROLLBACK";

static cg_err run(conn *c, const char *sql)
{
	sqlite3_stmt *s = stmt(c, sql);
	if (!s)
		return CG_EDB;
	int rc = sqlite3_step(s);
	sqlite3_reset(s);
	return rc == SQLITE_DONE || rc == SQLITE_ROW
	           ? CG_OK
	           : db_err(c->db, sqlite3_extended_errcode(c->db));
}

static cg_err begin(conn *c)
{
	return run(c, SQL_BEGIN);
}

/* Commits when err is CG_OK, else rolls back; returns the first error. */
static cg_err finish(conn *c, cg_err err)
{
	if (!err) {
		err = run(c, SQL_COMMIT);
		if (!err)
			return CG_OK;
	}
	if (!sqlite3_get_autocommit(c->db))
		run(c, SQL_ROLLBACK);
	return err;
}

/* Steps a statement expected to finish (INSERT/UPDATE/DELETE). */
static cg_err step_done(conn *c, sqlite3_stmt *s)
{
	int rc = sqlite3_step(s);
	cg_err err = rc == SQLITE_DONE ? CG_OK : db_err(c->db, sqlite3_extended_errcode(c->db));
	sqlite3_reset(s);
	return err;
}

/* ---- binding and reading helpers ------------------------------------- */

static void bind_str(sqlite3_stmt *s, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(s, i);
}

static void bind_id(sqlite3_stmt *s, int i, int64_t v)
{
	if (v > 0)
		sqlite3_bind_int64(s, i, v);
	else
		sqlite3_bind_null(s, i);
}

static json_t *col_str(sqlite3_stmt *s, int i)
{
	if (sqlite3_column_type(s, i) == SQLITE_NULL)
		return json_null();
	const char *t = (const char *)sqlite3_column_text(s, i);
	return cg_json_str(cg_slice_from(t ? t : "", (size_t)sqlite3_column_bytes(s, i)));
}

static json_t *col_int_null(sqlite3_stmt *s, int i)
{
	if (sqlite3_column_type(s, i) == SQLITE_NULL)
		return json_null();
	return json_integer(sqlite3_column_int64(s, i));
}

static json_t *col_time(sqlite3_stmt *s, int i)
{
	if (sqlite3_column_type(s, i) == SQLITE_NULL)
		return json_null();
	char ts[32];
	cg_time_format(sqlite3_column_int64(s, i), ts, sizeof ts);
	return json_string(ts);
}

static json_t *col_json(sqlite3_stmt *s, int i)
{
	const char *t = (const char *)sqlite3_column_text(s, i);
	json_t *v = t ? json_loadb(t, (size_t)sqlite3_column_bytes(s, i), 0, NULL) : NULL;
	return v ? v : json_null();
}

/* A row as JSON by a column map: each column's member name and kind, in
 * the SELECT's order, so a list's rows are written once per resource
 * (postgres.c has the same map over its results). */
typedef enum { CM_STR, CM_INT, CM_INT_NULL, CM_TIME, CM_JSON, CM_BOOL } cm_kind;
typedef struct colmap {
	const char *name; /* NULL ends the map */
	cm_kind kind;
} colmap;

static json_t *row_map(sqlite3_stmt *s, const colmap *m)
{
	json_t *o = json_object();
	for (int i = 0; o && m[i].name; i++) {
		json_t *v;
		switch (m[i].kind) {
		case CM_STR: v = col_str(s, i); break;
		case CM_INT: v = json_integer(sqlite3_column_int64(s, i)); break;
		case CM_INT_NULL: v = col_int_null(s, i); break;
		case CM_TIME: v = col_time(s, i); break;
		case CM_BOOL:
			v = json_boolean(sqlite3_column_int64(s, i) != 0);
			break;
		default: v = col_json(s, i); break;
		}
		json_object_set_new(o, m[i].name, v);
	}
	return o;
}

/* Every row of the list statement sql (no parameter) through map m. */
static cg_err list_map(cg_store_impl *st, const char *sql, const colmap *m, json_t **items)
{
	*items = NULL;
	conn *c = reader_get(st);
	sqlite3_stmt *s = stmt(c, sql);
	cg_err err = s ? CG_OK : CG_EDB;
	json_t *arr = json_array();
	if (!err) {
		int rc;
		while ((rc = sqlite3_step(s)) == SQLITE_ROW)
			json_array_append_new(arr, row_map(s, m));
		if (rc != SQLITE_DONE)
			err = db_err(c->db, sqlite3_extended_errcode(c->db));
		sqlite3_reset(s);
	}
	reader_put(st, c);
	if (err) {
		json_decref(arr);
		return err;
	}
	*items = arr;
	return CG_OK;
}

static char *dup_col(sqlite3_stmt *s, int i)
{
	const char *t = (const char *)sqlite3_column_text(s, i);
	return strdup(t ? t : "");
}

/* The audit row of a change, inside the caller's transaction. */
static const char SQL_AUDIT[] = "INSERT INTO audit(time,actor,action,object_type,object_id,detail)"
                                " VALUES(?,?,?,?,?,?)";

static cg_err audit_row(conn *c, const cg_actor *actor, const char *action, const char *otype,
                        int64_t oid, const json_t *detail)
{
	sqlite3_stmt *s = stmt(c, SQL_AUDIT);
	if (!s)
		return CG_EDB;
	char *d = detail ? json_dumps(detail, JSON_COMPACT) : NULL;
	sqlite3_bind_int64(s, 1, cg_time_now_ms());
	bind_str(s, 2, actor && actor->name ? actor->name : "system");
	bind_str(s, 3, action);
	bind_str(s, 4, otype);
	bind_id(s, 5, oid);
	bind_str(s, 6, d);
	cg_err err = step_done(c, s);
	free(d);
	return err;
}

/* ---- open / close ----------------------------------------------------- */

static void sq_close(cg_store_impl *st);

static cg_err migrate(cg_store_impl *st, cg_buf *why)
{
	conn *c = &st->writer;
	cg_err err = exec(c, "CREATE TABLE IF NOT EXISTS schema_version"
	                     " (version INTEGER NOT NULL)");
	if (err)
		goto fail;
	sqlite3_stmt *s = stmt_dyn(c, "SELECT max(version) FROM schema_version");
	if (!s) {
		err = CG_EDB;
		goto fail;
	}
	int v = 0;
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	if (v > N_MIGRATIONS) {
		cg_store_set_errmsg(
		         "schema version %d is newer than this canhgac (%d)", v, N_MIGRATIONS);
		err = CG_EUNSUPPORTED;
		goto fail;
	}
	for (; v < N_MIGRATIONS; v++) {
		char upd[96];
		snprintf(upd, sizeof upd, "INSERT INTO schema_version(version) VALUES(%d)", v + 1);
		err = exec(c, "BEGIN IMMEDIATE");
		if (!err)
			err = exec(c, migrations[v]);
		if (!err)
			err = exec(c, upd);
		if (!err)
			err = exec(c, "COMMIT");
		if (err) {
			char saved[200];
			snprintf(saved, sizeof saved, "%.199s", cg_store_errmsg());
			exec(c, "ROLLBACK");
			cg_store_set_errmsg("migration %d: %.199s", v + 1, saved);
			goto fail;
		}
	}
	st->version = v;
	return CG_OK;
fail:
	if (why)
		cg_buf_printf(why, "%s: %s", st->path, cg_store_errmsg());
	return err;
}

static cg_err build_sql(cg_store_impl *st)
{
	for (int r = 0; r < N_RES; r++) {
		const resdef *d = &cg_store_resdefs[r];
		cg_buf cols, ins, qs, upd;
		cg_buf_init(&cols, 4096);
		cg_buf_init(&ins, 4096);
		cg_buf_init(&qs, 4096);
		cg_buf_init(&upd, 4096);
		cg_err err = CG_OK;
		cg_buf_puts(&cols, "id");
		cg_buf_printf(&ins, "INSERT INTO %s(", d->table);
		cg_buf_printf(&upd, "UPDATE %s SET ", d->table);
		for (const field *f = d->fields; f->name; f++) {
			cg_buf_printf(&cols, ",%s", f->name);
			cg_buf_printf(&ins, "%s,", f->name);
			cg_buf_puts(&qs, "?,");
			cg_buf_printf(&upd, "%s=?,", f->name);
		}
		cg_buf_puts(&cols, ",created_at,updated_at");
		cg_buf_printf(&ins, "created_at,updated_at) VALUES(%s?,?)", cg_buf_cstr(&qs));
		err = cg_buf_puts(&upd, "updated_at=? WHERE id=?");
		cg_buf sel;
		cg_buf_init(&sel, 4096);
		cg_buf_printf(&sel, "SELECT %s FROM %s", cg_buf_cstr(&cols), d->table);
		st->sql[r].select = strdup(cg_buf_cstr(&sel));
		cg_buf_puts(&sel, " WHERE id=?");
		st->sql[r].get = cg_buf_detach(&sel, NULL);
		st->sql[r].insert = cg_buf_detach(&ins, NULL);
		st->sql[r].update = cg_buf_detach(&upd, NULL);
		cg_buf del;
		cg_buf_init(&del, 256);
		cg_buf_printf(&del, "DELETE FROM %s WHERE id=?", d->table);
		st->sql[r].del = cg_buf_detach(&del, NULL);
		cg_buf_free(&cols);
		cg_buf_free(&qs);
		cg_buf_free(&sel);
		if (err || !st->sql[r].select || !st->sql[r].get || !st->sql[r].insert ||
		    !st->sql[r].update || !st->sql[r].del)
			return CG_ENOMEM;
	}
	return CG_OK;
}

static cg_err sq_open(const char *path, cg_store_impl **out, cg_buf *why)
{
	*out = NULL;
	cg_store_impl *st = calloc(1, sizeof *st);
	if (!st)
		return CG_ENOMEM;
	st->path = strdup(path);
	pthread_mutex_init(&st->wmu, NULL);
	pthread_mutex_init(&st->rmu, NULL);
	pthread_cond_init(&st->rcv, NULL);
	cg_err err = st->path ? build_sql(st) : CG_ENOMEM;
	if (!err)
		err = conn_open(&st->writer, path, CG_STORE_WRITER_CACHE_KIB, why);
	if (!err)
		err = migrate(st, why);
	for (int i = 0; !err && i < CG_STORE_READERS; i++)
		err = conn_open(&st->readers[i], path, CG_STORE_READER_CACHE_KIB, why);
	if (err) {
		sq_close(st);
		return err;
	}
	*out = st;
	return CG_OK;
}

static void sq_close(cg_store_impl *st)
{
	if (!st)
		return;
	for (int i = 0; i < CG_STORE_READERS; i++)
		conn_close(&st->readers[i]);
	if (st->writer.db)
		exec(&st->writer, "PRAGMA optimize");
	conn_close(&st->writer);
	for (int r = 0; r < N_RES; r++) {
		free(st->sql[r].select);
		free(st->sql[r].get);
		free(st->sql[r].insert);
		free(st->sql[r].update);
		free(st->sql[r].del);
	}
	pthread_mutex_destroy(&st->wmu);
	pthread_mutex_destroy(&st->rmu);
	pthread_cond_destroy(&st->rcv);
	free(st->path);
	free(st);
}

static int sq_schema_version(cg_store_impl *st)
{
	return st->version;
}

/* One server per database file: an in-process counter is enough. */
static cg_err sq_agencies_generation(cg_store_impl *st, uint64_t *gen)
{
	*gen = atomic_load(&st->agencies_gen);
	return CG_OK;
}

/* After a committed change of resource r. */
static void changed(cg_store_impl *st, cg_resource r, cg_err err)
{
	if (!err && r == CG_RES_AGENCY)
		atomic_fetch_add(&st->agencies_gen, 1);
}

/* ---- inventory -------------------------------------------------------- */

static json_t *row_record(const resdef *d, sqlite3_stmt *s)
{
	json_t *o = json_object();
	if (!o)
		return NULL;
	json_object_set_new(o, "id", json_integer(sqlite3_column_int64(s, 0)));
	int i = 1;
	for (const field *f = d->fields; f->name; f++, i++) {
		json_t *v;
		switch (f->type) {
		case F_TEXT:
		case F_TEXT_NULL:
			v = col_str(s, i);
			break;
		case F_INT:
		case F_INT_NULL:
			v = col_int_null(s, i);
			break;
		case F_BOOL:
			v = json_boolean(sqlite3_column_int(s, i) != 0);
			break;
		default:
			v = col_json(s, i);
			break;
		}
		json_object_set_new(o, f->name, v);
	}
	json_object_set_new(o, "created_at", col_time(s, i));
	json_object_set_new(o, "updated_at", col_time(s, i + 1));
	return o;
}

/* Binds the record's fields to ?1..?n; returns the next index. */
static int bind_record(const resdef *d, sqlite3_stmt *s, const json_t *rec, char **tofree)
{
	int i = 1, nf = 0;
	for (const field *f = d->fields; f->name; f++, i++) {
		json_t *v = json_object_get(rec, f->name);
		switch (f->type) {
		case F_TEXT:
			bind_str(s, i, json_is_string(v) ? json_string_value(v) : "");
			break;
		case F_TEXT_NULL:
			bind_str(s, i, json_is_string(v) ? json_string_value(v) : NULL);
			break;
		case F_INT:
			sqlite3_bind_int64(s, i, json_integer_value(v));
			break;
		case F_INT_NULL:
			bind_id(s, i, json_is_integer(v) ? json_integer_value(v) : 0);
			break;
		case F_BOOL:
			sqlite3_bind_int(s, i, json_is_true(v));
			break;
		default: {
			char *t = v ? json_dumps(v, JSON_COMPACT) : NULL;
			tofree[nf++] = t;
			bind_str(s, i, t ? t : "[]");
			break;
		}
		}
	}
	return i;
}

static void free_all(char **p)
{
	for (int i = 0; i < 16; i++)
		free(p[i]);
}

/* The agency a record belongs to (for scope checks). */
static int64_t rec_agency(cg_resource r, const json_t *rec)
{
	if (r == CG_RES_AGENCY)
		return 0;
	return json_integer_value(json_object_get(rec, "agency_id"));
}

/* Is the record (by id) visible in scope? Within the writer's transaction. */
static cg_err check_scope(conn *c, cg_store_impl *st, const cg_scope *scope, cg_resource r, int64_t id)
{
	sqlite3_stmt *s = stmt(c, st->sql[r].get);
	if (!s)
		return CG_EDB;
	sqlite3_bind_int64(s, 1, id);
	int rc = sqlite3_step(s);
	cg_err err = CG_OK;
	if (rc != SQLITE_ROW)
		err = rc == SQLITE_DONE ? CG_ENOTFOUND
		                        : db_err(c->db, sqlite3_extended_errcode(c->db));
	else if (scope->agency_id != 0) {
		/* the scope column is "id" for agencies, else agency_id (col 1) */
		int64_t owner =
		    r == CG_RES_AGENCY ? sqlite3_column_int64(s, 0) : sqlite3_column_int64(s, 1);
		if (owner != scope->agency_id)
			err = CG_ENOTFOUND;
	}
	sqlite3_reset(s);
	return err;
}

static cg_err sq_inv_create(cg_store_impl *st, const cg_scope *scope, const cg_actor *actor,
                           cg_resource r, const json_t *rec, int64_t *id)
{
	if ((unsigned)r >= N_RES)
		return CG_EINVAL;
	if (scope->agency_id != 0 && (r == CG_RES_AGENCY || rec_agency(r, rec) != scope->agency_id))
		return CG_EPERM;
	const resdef *d = &cg_store_resdefs[r];
	char *tofree[16] = {0};
	conn *c = writer_get(st);
	cg_err err = begin(c);
	if (!err) {
		sqlite3_stmt *s = stmt(c, st->sql[r].insert);
		if (!s)
			err = CG_EDB;
		else {
			int i = bind_record(d, s, rec, tofree);
			int64_t now = cg_time_now_ms();
			sqlite3_bind_int64(s, i, now);
			sqlite3_bind_int64(s, i + 1, now);
			err = step_done(c, s);
			if (err == CG_EINVAL)
				fk_field(r == CG_RES_AGENCY ? "parent_id" : "agency_id");
		}
		if (!err) {
			*id = sqlite3_last_insert_rowid(c->db);
			err = audit_row(c, actor, "create", d->type, *id, rec);
		}
		err = finish(c, err);
	}
	changed(st, r, err);
	writer_put(st);
	free_all(tofree);
	return err;
}

static cg_err sq_inv_update(cg_store_impl *st, const cg_scope *scope, const cg_actor *actor,
                           cg_resource r, int64_t id, const json_t *rec)
{
	if ((unsigned)r >= N_RES)
		return CG_EINVAL;
	if (scope->agency_id != 0 && r != CG_RES_AGENCY && rec_agency(r, rec) != scope->agency_id)
		return CG_EPERM;
	const resdef *d = &cg_store_resdefs[r];
	char *tofree[16] = {0};
	conn *c = writer_get(st);
	cg_err err = begin(c);
	if (!err) {
		err = check_scope(c, st, scope, r, id);
		if (!err && scope->agency_id != 0 && r == CG_RES_AGENCY && id != scope->agency_id)
			err = CG_ENOTFOUND;
		sqlite3_stmt *s = err ? NULL : stmt(c, st->sql[r].update);
		if (!err && !s)
			err = CG_EDB;
		if (!err) {
			int i = bind_record(d, s, rec, tofree);
			sqlite3_bind_int64(s, i, cg_time_now_ms());
			sqlite3_bind_int64(s, i + 1, id);
			err = step_done(c, s);
			if (err == CG_EINVAL)
				fk_field(r == CG_RES_AGENCY ? "parent_id" : "agency_id");
		}
		if (!err)
			err = audit_row(c, actor, "update", d->type, id, rec);
		err = finish(c, err);
	}
	changed(st, r, err);
	writer_put(st);
	free_all(tofree);
	return err;
}

static cg_err sq_inv_delete(cg_store_impl *st, const cg_scope *scope, const cg_actor *actor,
                           cg_resource r, int64_t id)
{
	if ((unsigned)r >= N_RES)
		return CG_EINVAL;
	if (scope->agency_id != 0 && r == CG_RES_AGENCY)
		return CG_EPERM;
	conn *c = writer_get(st);
	cg_err err = begin(c);
	if (!err) {
		err = check_scope(c, st, scope, r, id);
		sqlite3_stmt *s = err ? NULL : stmt(c, st->sql[r].del);
		if (!err && !s)
			err = CG_EDB;
		if (!err) {
			sqlite3_bind_int64(s, 1, id);
			err = step_done(c, s);
			/* a reference still pointing here: a conflict, not a
			 * bad argument */
			if (err == CG_EINVAL) {
				err = CG_ECONFLICT;
				cg_store_set_violation(CG_VIOL_IN_USE, "");
			}
		}
		if (!err)
			err = audit_row(c, actor, "delete", cg_store_resdefs[r].type, id, NULL);
		err = finish(c, err);
	}
	changed(st, r, err);
	writer_put(st);
	return err;
}

static cg_err sq_inv_get(cg_store_impl *st, const cg_scope *scope, cg_resource r, int64_t id,
                        json_t **out)
{
	*out = NULL;
	if ((unsigned)r >= N_RES)
		return CG_EINVAL;
	conn *c = reader_get(st);
	sqlite3_stmt *s = stmt(c, st->sql[r].get);
	cg_err err = s ? CG_OK : CG_EDB;
	if (!err) {
		sqlite3_bind_int64(s, 1, id);
		int rc = sqlite3_step(s);
		if (rc == SQLITE_ROW) {
			int64_t owner = r == CG_RES_AGENCY ? sqlite3_column_int64(s, 0)
			                                   : sqlite3_column_int64(s, 1);
			if (scope->agency_id != 0 && owner != scope->agency_id)
				err = CG_ENOTFOUND;
			else if (!(*out = row_record(&cg_store_resdefs[r], s)))
				err = CG_ENOMEM;
		} else
			err = rc == SQLITE_DONE ? CG_ENOTFOUND
			                        : db_err(c->db, sqlite3_extended_errcode(c->db));
		sqlite3_reset(s);
	}
	reader_put(st, c);
	return err;
}

/* Up to 16 bound values of a dynamic WHERE clause. */
typedef struct binds {
	int n;
	struct {
		bool is_int;
		int64_t i;
		char *s;
	} v[16];
} binds;

static void binds_int(binds *b, int64_t v)
{
	if (b->n < 16) {
		b->v[b->n].is_int = true;
		b->v[b->n].i = v;
		b->v[b->n].s = NULL;
		b->n++;
	}
}

static void binds_str(binds *b, char *v)
{
	if (b->n < 16) {
		b->v[b->n].is_int = false;
		b->v[b->n].s = v;
		b->n++;
	} else
		free(v);
}

static void binds_apply(const binds *b, sqlite3_stmt *s)
{
	for (int i = 0; i < b->n; i++) {
		if (b->v[i].is_int)
			sqlite3_bind_int64(s, i + 1, b->v[i].i);
		else
			bind_str(s, i + 1, b->v[i].s);
	}
}

static void binds_free(binds *b)
{
	for (int i = 0; i < b->n; i++)
		free(b->v[i].s);
	b->n = 0;
}

/* "%text%" with LIKE's wildcards escaped by backslash. */
static char *like_pattern(const char *q)
{
	size_t n = strlen(q);
	char *p = malloc(2 * n + 3);
	if (!p)
		return NULL;
	size_t j = 0;
	p[j++] = '%';
	for (size_t i = 0; i < n; i++) {
		if (q[i] == '%' || q[i] == '_' || q[i] == '\\')
			p[j++] = '\\';
		p[j++] = q[i];
	}
	p[j++] = '%';
	p[j] = '\0';
	return p;
}

/* Value of a filter member as integer (accepts "12" or 12). */
static cg_err filter_int(const json_t *v, int64_t *out)
{
	if (json_is_integer(v)) {
		*out = json_integer_value(v);
		return CG_OK;
	}
	if (json_is_string(v))
		return cg_parse_i64(cg_slice_cstr(json_string_value(v)), INT64_MIN + 1, INT64_MAX,
		                    out);
	return CG_EINVAL;
}

static cg_err build_where(const resdef *d, const cg_scope *scope, const json_t *filters,
                          cg_buf *where, binds *b)
{
	cg_err err = cg_buf_puts(where, " WHERE 1=1");
	if (scope->agency_id != 0) {
		cg_buf_printf(where, " AND %s=?", d->scope_col);
		binds_int(b, scope->agency_id);
	}
	for (const filter *f = d->filters; !err && f->param; f++) {
		json_t *v = json_object_get(filters, f->param);
		if (!v || json_is_null(v))
			continue;
		if (json_is_string(v) && !*json_string_value(v))
			continue;
		if (f->op == OP_EQ_INT) {
			int64_t n;
			if (filter_int(v, &n)) {
				cg_store_set_errmsg("%s: not an integer", f->param);
				return CG_EINVAL;
			}
			cg_buf_printf(where, " AND %s=?", f->column);
			binds_int(b, n);
		} else if (json_is_string(v)) {
			const char *sv = json_string_value(v);
			if (f->op == OP_LIKE) {
				cg_buf_printf(where, " AND %s LIKE ? ESCAPE '\\'", f->column);
				binds_str(b, like_pattern(sv));
			} else {
				cg_buf_printf(where, " AND %s=?", f->column);
				binds_str(b, strdup(sv));
			}
		}
		err = where->len >= where->max ? CG_ETOOBIG : CG_OK;
	}
	return err;
}

static cg_err sq_inv_list(cg_store_impl *st, const cg_scope *scope, cg_resource r, const json_t *filters,
                         int64_t limit, int64_t offset, json_t **items, int64_t *total)
{
	*items = NULL;
	*total = 0;
	if ((unsigned)r >= N_RES)
		return CG_EINVAL;
	const resdef *d = &cg_store_resdefs[r];
	cg_buf where, sql;
	cg_buf_init(&where, 4096);
	cg_buf_init(&sql, 8192);
	binds b = {0};
	cg_err err = build_where(d, scope, filters, &where, &b);
	if (err) {
		cg_buf_free(&where);
		cg_buf_free(&sql);
		binds_free(&b);
		return err;
	}
	conn *c = reader_get(st);
	/* one read transaction so total and items agree */
	exec(c, "BEGIN");
	cg_buf_printf(&sql, "SELECT count(*) FROM %s%s", d->table, cg_buf_cstr(&where));
	sqlite3_stmt *s = stmt_dyn(c, cg_buf_cstr(&sql));
	if (!s)
		err = CG_EDB;
	else {
		binds_apply(&b, s);
		if (sqlite3_step(s) == SQLITE_ROW)
			*total = sqlite3_column_int64(s, 0);
		sqlite3_finalize(s);
	}
	json_t *arr = json_array();
	if (!err) {
		cg_buf_reset(&sql);
		cg_buf_printf(&sql, "%s%s ORDER BY id LIMIT %lld OFFSET %lld", st->sql[r].select,
		              cg_buf_cstr(&where), (long long)limit, (long long)offset);
		s = stmt_dyn(c, cg_buf_cstr(&sql));
		if (!s)
			err = CG_EDB;
		else {
			binds_apply(&b, s);
			int rc;
			while ((rc = sqlite3_step(s)) == SQLITE_ROW)
				json_array_append_new(arr, row_record(d, s));
			if (rc != SQLITE_DONE)
				err = db_err(c->db, sqlite3_extended_errcode(c->db));
			sqlite3_finalize(s);
		}
	}
	exec(c, "COMMIT");
	reader_put(st, c);
	cg_buf_free(&where);
	cg_buf_free(&sql);
	binds_free(&b);
	if (err) {
		json_decref(arr);
		return err;
	}
	*items = arr;
	return CG_OK;
}

static const char SQL_AG_BY_ID[] = "SELECT id FROM agencies WHERE id=?";
static const char SQL_AG_BY_CODE[] = "SELECT id FROM agencies WHERE code=? COLLATE NOCASE";
static const char SQL_AG_BY_NAME[] = "SELECT id FROM agencies WHERE name=? ORDER BY id LIMIT 1";

static cg_err sq_agency_lookup(cg_store_impl *st, const cg_scope *scope, const char *key, int64_t *id)
{
	*id = 0;
	int64_t n = 0;
	bool numeric = cg_parse_i64(cg_slice_cstr(key), 1, INT64_MAX, &n) == CG_OK;
	const char *order[3] = {numeric ? SQL_AG_BY_ID : NULL, SQL_AG_BY_CODE, SQL_AG_BY_NAME};
	conn *c = reader_get(st);
	cg_err err = CG_ENOTFOUND;
	for (int k = 0; k < 3 && err == CG_ENOTFOUND; k++) {
		if (!order[k])
			continue;
		sqlite3_stmt *s = stmt(c, order[k]);
		if (!s) {
			err = CG_EDB;
			break;
		}
		if (k == 0)
			sqlite3_bind_int64(s, 1, n);
		else
			bind_str(s, 1, key);
		if (sqlite3_step(s) == SQLITE_ROW) {
			*id = sqlite3_column_int64(s, 0);
			err = CG_OK;
		}
		sqlite3_reset(s);
	}
	reader_put(st, c);
	if (!err && scope->agency_id != 0 && *id != scope->agency_id) {
		*id = 0;
		err = CG_ENOTFOUND;
	}
	return err;
}

static const char SQL_AG_MAP[] = "SELECT id, code, ip_ranges, name FROM agencies ORDER BY id";

static cg_err sq_agency_map(cg_store_impl *st, json_t **out)
{
	*out = NULL;
	conn *c = reader_get(st);
	sqlite3_stmt *s = stmt(c, SQL_AG_MAP);
	cg_err err = s ? CG_OK : CG_EDB;
	json_t *arr = json_array();
	if (!err) {
		int rc;
		while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
			json_t *o = json_object();
			json_object_set_new(o, "id", json_integer(sqlite3_column_int64(s, 0)));
			json_object_set_new(o, "code", col_str(s, 1));
			json_object_set_new(o, "ip_ranges", col_json(s, 2));
			json_object_set_new(o, "name", col_str(s, 3));
			json_array_append_new(arr, o);
		}
		if (rc != SQLITE_DONE)
			err = db_err(c->db, sqlite3_extended_errcode(c->db));
		sqlite3_reset(s);
	}
	reader_put(st, c);
	if (err) {
		json_decref(arr);
		return err;
	}
	*out = arr;
	return CG_OK;
}

static const char SQL_SYS_MAP[] = "SELECT id, agency_id, urls, domains, ips FROM systems";

static cg_err sq_system_map(cg_store_impl *st, json_t **out)
{
	*out = NULL;
	conn *c = reader_get(st);
	sqlite3_stmt *s = stmt(c, SQL_SYS_MAP);
	cg_err err = s ? CG_OK : CG_EDB;
	json_t *arr = json_array();
	if (!err) {
		int rc;
		while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
			json_t *o = json_object();
			json_object_set_new(o, "id", json_integer(sqlite3_column_int64(s, 0)));
			json_object_set_new(o, "agency_id",
			                    json_integer(sqlite3_column_int64(s, 1)));
			json_object_set_new(o, "urls", col_json(s, 2));
			json_object_set_new(o, "domains", col_json(s, 3));
			json_object_set_new(o, "ips", col_json(s, 4));
			json_array_append_new(arr, o);
		}
		if (rc != SQLITE_DONE)
			err = db_err(c->db, sqlite3_extended_errcode(c->db));
		sqlite3_reset(s);
	}
	reader_put(st, c);
	if (err) {
		json_decref(arr);
		return err;
	}
	*out = arr;
	return CG_OK;
}

/* ---- overview --------------------------------------------------------- */

static const char SQL_OV_AGENCIES[] = "SELECT id,name,kind,declared_endpoints FROM agencies"
                                      " WHERE ?1=0 OR id=?1 ORDER BY name";
static const char SQL_OV_SYSTEMS[] = "SELECT agency_id, count(*), sum(kind='portal'),"
                                     " sum(dossier_status='approved') FROM systems"
                                     " WHERE ?1=0 OR agency_id=?1 GROUP BY agency_id";
static const char SQL_OV_FINDINGS[] = "SELECT agency_id, severity, sum(n) FROM event_counts"
                                      " WHERE day>=?2/86400000 AND (?1=0 OR agency_id=?1)"
                                      " GROUP BY agency_id, severity";
static const char SQL_OV_ENDPOINTS[] = "SELECT agency_id, count(*) FROM event_hosts"
                                       " WHERE last_seen>=?2 AND (?1=0 OR agency_id=?1)"
                                       " GROUP BY agency_id";

static json_t *zero_findings(void)
{
	return json_pack("{s:i,s:i,s:i,s:i,s:i}", "critical", 0, "high", 0, "medium", 0, "low", 0,
	                 "info", 0);
}

static void add_int(json_t *o, const char *key, json_int_t n)
{
	json_t *v = json_object_get(o, key);
	json_object_set_new(o, key, json_integer(json_integer_value(v) + n));
}

static cg_err sq_overview(cg_store_impl *st, const cg_scope *scope, int64_t now_ms, json_t **out)
{
	*out = NULL;
	/* "open findings": events of the last 30 days (until incidents track
	 * a state of their own) */
	int64_t since = now_ms - 30LL * 86400 * 1000;
	conn *c = reader_get(st);
	exec(c, "BEGIN");
	json_t *byid = json_object(), *list = json_array();
	cg_err err = CG_OK;
	sqlite3_stmt *s = stmt(c, SQL_OV_AGENCIES);
	if (!s)
		err = CG_EDB;
	else {
		sqlite3_bind_int64(s, 1, scope->agency_id);
		while (sqlite3_step(s) == SQLITE_ROW) {
			json_t *a = json_object();
			json_object_set_new(a, "id", json_integer(sqlite3_column_int64(s, 0)));
			json_object_set_new(a, "name", col_str(s, 1));
			json_object_set_new(a, "kind", col_str(s, 2));
			json_object_set_new(a, "portals", json_integer(0));
			json_object_set_new(a, "systems", json_integer(0));
			json_object_set_new(a, "endpoints", json_integer(0));
			json_object_set_new(a, "declared_endpoints",
			                    json_integer(sqlite3_column_int64(s, 3)));
			json_object_set_new(a, "open_findings", zero_findings());
			json_object_set_new(a, "classified",
			                    json_pack("{s:i,s:i}", "approved", 0, "total", 0));
			json_object_set(byid, (const char *)sqlite3_column_text(s, 0), a);
			json_array_append_new(list, a);
		}
		sqlite3_reset(s);
	}
	if (!err && (s = stmt(c, SQL_OV_SYSTEMS))) {
		sqlite3_bind_int64(s, 1, scope->agency_id);
		while (sqlite3_step(s) == SQLITE_ROW) {
			json_t *a = json_object_get(byid, (const char *)sqlite3_column_text(s, 0));
			if (!a)
				continue;
			json_object_set_new(a, "systems", json_integer(sqlite3_column_int64(s, 1)));
			json_object_set_new(a, "portals", json_integer(sqlite3_column_int64(s, 2)));
			json_t *cl = json_object_get(a, "classified");
			json_object_set_new(cl, "approved",
			                    json_integer(sqlite3_column_int64(s, 3)));
			json_object_set_new(cl, "total", json_integer(sqlite3_column_int64(s, 1)));
		}
		sqlite3_reset(s);
	} else if (!err)
		err = CG_EDB;
	if (!err && (s = stmt(c, SQL_OV_FINDINGS))) {
		sqlite3_bind_int64(s, 1, scope->agency_id);
		sqlite3_bind_int64(s, 2, since);
		while (sqlite3_step(s) == SQLITE_ROW) {
			json_t *a = json_object_get(byid, (const char *)sqlite3_column_text(s, 0));
			if (!a)
				continue;
			add_int(json_object_get(a, "open_findings"),
			        cg_severity_name((cg_severity)sqlite3_column_int(s, 1)),
			        sqlite3_column_int64(s, 2));
		}
		sqlite3_reset(s);
	} else if (!err)
		err = CG_EDB;
	if (!err && (s = stmt(c, SQL_OV_ENDPOINTS))) {
		sqlite3_bind_int64(s, 1, scope->agency_id);
		sqlite3_bind_int64(s, 2, since);
		while (sqlite3_step(s) == SQLITE_ROW) {
			json_t *a = json_object_get(byid, (const char *)sqlite3_column_text(s, 0));
			if (a)
				json_object_set_new(a, "endpoints",
				                    json_integer(sqlite3_column_int64(s, 1)));
		}
		sqlite3_reset(s);
	} else if (!err)
		err = CG_EDB;
	exec(c, "COMMIT");
	reader_put(st, c);
	json_decref(byid);
	if (err) {
		json_decref(list);
		return err;
	}
	/* totals over the listed agencies */
	json_t *tot =
	    json_pack("{s:i,s:i,s:i,s:i,s:i}", "agencies", (json_int_t)json_array_size(list),
	              "portals", 0, "systems", 0, "endpoints", 0, "declared_endpoints", 0);
	json_object_set_new(tot, "open_findings", zero_findings());
	json_object_set_new(tot, "classified", json_pack("{s:i,s:i}", "approved", 0, "total", 0));
	size_t i;
	json_t *a;
	json_array_foreach(list, i, a)
	{
		static const char *const nums[] = {"portals", "systems", "endpoints",
		                                   "declared_endpoints"};
		for (int k = 0; k < 4; k++)
			add_int(tot, nums[k], json_integer_value(json_object_get(a, nums[k])));
		const char *key;
		json_t *v;
		json_object_foreach(json_object_get(a, "open_findings"), key, v)
		    add_int(json_object_get(tot, "open_findings"), key, json_integer_value(v));
		json_object_foreach(json_object_get(a, "classified"), key, v)
		    add_int(json_object_get(tot, "classified"), key, json_integer_value(v));
	}
	*out = json_pack("{s:o,s:o}", "agencies", list, "totals", tot);
	return *out ? CG_OK : CG_ENOMEM;
}

/* Findings per UTC day and severity from the overview's running totals
 * (the same table and day bound as the open findings above, so the
 * overview's chart adds up to its headline). A separate small query so a
 * second backend ports it on its own. */
static const char SQL_FINDINGS_BY_DAY[] =
    "SELECT day, severity, sum(n) FROM event_counts"
    " WHERE day>=?2 AND (?1=0 OR agency_id=?1) GROUP BY day, severity ORDER BY day";

static cg_err sq_findings_by_day(cg_store_impl *st, const cg_scope *scope, int64_t since_day,
                                 json_t **out)
{
	*out = NULL;
	conn *c = reader_get(st);
	sqlite3_stmt *s = stmt(c, SQL_FINDINGS_BY_DAY);
	if (!s) {
		reader_put(st, c);
		return CG_EDB;
	}
	json_t *list = json_array();
	sqlite3_bind_int64(s, 1, scope->agency_id);
	sqlite3_bind_int64(s, 2, since_day);
	while (sqlite3_step(s) == SQLITE_ROW)
		json_array_append_new(
		    list, json_pack("{s:I,s:s,s:I}", "day", (json_int_t)sqlite3_column_int64(s, 0),
		                    "severity", cg_severity_name((cg_severity)sqlite3_column_int(s, 1)),
		                    "n", (json_int_t)sqlite3_column_int64(s, 2)));
	sqlite3_reset(s);
	reader_put(st, c);
	*out = list;
	return CG_OK;
}

/* Distinct hosts or subjects per agency for the dashboard's figures
 * (figures.c, infection.c): one grouped query instead of decoding every event. */
#define SQL_DISTINCT(col)                                                                          \
	"SELECT coalesce(agency_id,0), count(DISTINCT " col ") FROM events"                        \
	" WHERE source=?1 AND (?2 IS NULL OR kind=?2) AND severity>=?3 AND time>=?4"               \
	" AND time<?6 AND (?5=0 OR agency_id=?5) AND " col " IS NOT NULL AND " col "<>''"          \
	" GROUP BY 1"
static const char SQL_DISTINCT_HOST[] = SQL_DISTINCT("host");
static const char SQL_DISTINCT_SUBJECT[] = SQL_DISTINCT("subject");

static cg_err sq_events_distinct(cg_store_impl *st, const cg_scope *scope, const char *source,
                                 const char *kind, int severity_min, int64_t since_ms,
                                 int64_t until_ms, bool subject, json_t **out)
{
	*out = NULL;
	conn *c = reader_get(st);
	sqlite3_stmt *s = stmt(c, subject ? SQL_DISTINCT_SUBJECT : SQL_DISTINCT_HOST);
	if (!s) {
		reader_put(st, c);
		return CG_EDB;
	}
	sqlite3_bind_text(s, 1, source, -1, SQLITE_TRANSIENT);
	if (kind)
		sqlite3_bind_text(s, 2, kind, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(s, 3, severity_min);
	sqlite3_bind_int64(s, 4, since_ms);
	sqlite3_bind_int64(s, 5, scope->agency_id);
	sqlite3_bind_int64(s, 6, until_ms);
	json_t *res = json_object();
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		char key[32];
		snprintf(key, sizeof key, "%lld", (long long)sqlite3_column_int64(s, 0));
		json_object_set_new(res, key, json_integer(sqlite3_column_int64(s, 1)));
	}
	sqlite3_reset(s);
	reader_put(st, c);
	if (rc != SQLITE_DONE) {
		json_decref(res);
		return CG_EDB;
	}
	*out = res;
	return CG_OK;
}

/* ---- users ------------------------------------------------------------ */

static const char SQL_USER_COLS[] =
    "SELECT id,username,display_name,role,agency_id,disabled FROM users";
static const char SQL_USER_GET[] =
    "SELECT id,username,display_name,role,agency_id,disabled FROM users"
    " WHERE id=?";
static const char SQL_USER_AUTH[] =
    "SELECT id,username,display_name,role,agency_id,disabled,pw_hash"
    " FROM users WHERE username=?";
static const char SQL_USER_INSERT[] =
    "INSERT INTO users(username,display_name,role,agency_id,pw_hash,"
    "disabled,created_at,updated_at) VALUES(?,?,?,?,?,?,?,?)";
static const char SQL_USER_DELETE[] = "DELETE FROM users WHERE id=?";
static const char SQL_SESS_DEL_USER[] = "DELETE FROM sessions WHERE user_id=?";

static json_t *row_user(sqlite3_stmt *s)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(sqlite3_column_int64(s, 0)));
	json_object_set_new(o, "username", col_str(s, 1));
	json_object_set_new(o, "display_name", col_str(s, 2));
	json_object_set_new(o, "role", col_str(s, 3));
	json_object_set_new(o, "agency_id", col_int_null(s, 4));
	json_object_set_new(o, "disabled", json_boolean(sqlite3_column_int(s, 5)));
	return o;
}

static cg_err sq_user_create(cg_store_impl *st, const cg_actor *actor, const json_t *rec,
                            const char *pw_hash, int64_t *id)
{
	conn *c = writer_get(st);
	cg_err err = begin(c);
	if (!err) {
		sqlite3_stmt *s = stmt(c, SQL_USER_INSERT);
		if (!s)
			err = CG_EDB;
		else {
			int64_t now = cg_time_now_ms();
			json_t *ag = json_object_get(rec, "agency_id");
			bind_str(s, 1, cg_json_get_str(rec, "username"));
			const char *dn = cg_json_get_str(rec, "display_name");
			bind_str(s, 2, dn ? dn : "");
			bind_str(s, 3, cg_json_get_str(rec, "role"));
			bind_id(s, 4, json_is_integer(ag) ? json_integer_value(ag) : 0);
			bind_str(s, 5, pw_hash);
			sqlite3_bind_int(s, 6, json_is_true(json_object_get(rec, "disabled")));
			sqlite3_bind_int64(s, 7, now);
			sqlite3_bind_int64(s, 8, now);
			err = step_done(c, s);
			if (err == CG_EINVAL)
				fk_field("agency_id");
		}
		if (!err) {
			*id = sqlite3_last_insert_rowid(c->db);
			err = audit_row(c, actor, "create", "user", *id, rec);
		}
		err = finish(c, err);
	}
	writer_put(st);
	return err;
}

static cg_err sq_user_update(cg_store_impl *st, const cg_actor *actor, int64_t id, const json_t *rec,
                            const char *pw_hash)
{
	static const char *const cols[] = {"display_name", "role", "agency_id", "disabled"};
	cg_buf sql;
	cg_buf_init(&sql, 1024);
	cg_buf_puts(&sql, "UPDATE users SET updated_at=?");
	for (int k = 0; k < 4; k++)
		if (json_object_get(rec, cols[k]))
			cg_buf_printf(&sql, ",%s=?", cols[k]);
	if (pw_hash)
		cg_buf_puts(&sql, ",pw_hash=?");
	cg_buf_puts(&sql, " WHERE id=?");
	conn *c = writer_get(st);
	cg_err err = begin(c);
	if (!err) {
		sqlite3_stmt *s = stmt_dyn(c, cg_buf_cstr(&sql));
		if (!s)
			err = CG_EDB;
		else {
			int i = 1;
			sqlite3_bind_int64(s, i++, cg_time_now_ms());
			for (int k = 0; k < 4; k++) {
				json_t *v = json_object_get(rec, cols[k]);
				if (!v)
					continue;
				if (k == 2)
					bind_id(s, i++,
					        json_is_integer(v) ? json_integer_value(v) : 0);
				else if (k == 3)
					sqlite3_bind_int(s, i++, json_is_true(v));
				else
					bind_str(s, i++, json_string_value(v));
			}
			if (pw_hash)
				bind_str(s, i++, pw_hash);
			sqlite3_bind_int64(s, i, id);
			err = step_done(c, s);
			if (err == CG_EINVAL)
				fk_field("agency_id");
			if (!err && sqlite3_changes(c->db) == 0)
				err = CG_ENOTFOUND;
			sqlite3_finalize(s);
		}
		/* a disabled account or a new password ends its sessions */
		if (!err && (pw_hash || json_is_true(json_object_get(rec, "disabled")) ||
		             json_object_get(rec, "role") || json_object_get(rec, "agency_id"))) {
			sqlite3_stmt *d = stmt(c, SQL_SESS_DEL_USER);
			if (!d)
				err = CG_EDB;
			else {
				sqlite3_bind_int64(d, 1, id);
				err = step_done(c, d);
			}
		}
		if (!err) {
			json_t *detail = json_deep_copy(rec);
			if (pw_hash)
				json_object_set_new(detail, "password_changed", json_true());
			err = audit_row(c, actor, "update", "user", id, detail);
			json_decref(detail);
		}
		err = finish(c, err);
	}
	writer_put(st);
	cg_buf_free(&sql);
	return err;
}

static cg_err sq_user_delete(cg_store_impl *st, const cg_actor *actor, int64_t id)
{
	conn *c = writer_get(st);
	cg_err err = begin(c);
	if (!err) {
		sqlite3_stmt *s = stmt(c, SQL_USER_DELETE);
		if (!s)
			err = CG_EDB;
		else {
			sqlite3_bind_int64(s, 1, id);
			err = step_done(c, s);
			if (!err && sqlite3_changes(c->db) == 0)
				err = CG_ENOTFOUND;
		}
		if (!err)
			err = audit_row(c, actor, "delete", "user", id, NULL);
		err = finish(c, err);
	}
	writer_put(st);
	return err;
}

static cg_err sq_user_get(cg_store_impl *st, int64_t id, json_t **out)
{
	*out = NULL;
	conn *c = reader_get(st);
	sqlite3_stmt *s = stmt(c, SQL_USER_GET);
	cg_err err = s ? CG_OK : CG_EDB;
	if (!err) {
		sqlite3_bind_int64(s, 1, id);
		if (sqlite3_step(s) == SQLITE_ROW)
			*out = row_user(s);
		else
			err = CG_ENOTFOUND;
		sqlite3_reset(s);
	}
	reader_put(st, c);
	return err;
}

/* A paged list of a whole table: count + rows converted by fn. */
static cg_err list_table(cg_store_impl *st, const char *cols_sql, const char *table, const char *where,
                         const binds *b, const char *order, int64_t limit, int64_t offset,
                         json_t *(*fn)(sqlite3_stmt *), json_t **items, int64_t *total)
{
	*items = NULL;
	*total = 0;
	cg_buf sql;
	cg_buf_init(&sql, 4096);
	conn *c = reader_get(st);
	exec(c, "BEGIN");
	cg_err err = CG_OK;
	cg_buf_printf(&sql, "SELECT count(*) FROM %s%s", table, where);
	sqlite3_stmt *s = stmt_dyn(c, cg_buf_cstr(&sql));
	if (!s)
		err = CG_EDB;
	else {
		binds_apply(b, s);
		if (sqlite3_step(s) == SQLITE_ROW)
			*total = sqlite3_column_int64(s, 0);
		sqlite3_finalize(s);
	}
	json_t *arr = json_array();
	if (!err) {
		cg_buf_reset(&sql);
		cg_buf_printf(&sql, "%s%s ORDER BY %s LIMIT %lld OFFSET %lld", cols_sql, where,
		              order, (long long)limit, (long long)offset);
		s = stmt_dyn(c, cg_buf_cstr(&sql));
		if (!s)
			err = CG_EDB;
		else {
			binds_apply(b, s);
			int rc;
			while ((rc = sqlite3_step(s)) == SQLITE_ROW)
				json_array_append_new(arr, fn(s));
			if (rc != SQLITE_DONE)
				err = db_err(c->db, sqlite3_extended_errcode(c->db));
			sqlite3_finalize(s);
		}
	}
	exec(c, "COMMIT");
	reader_put(st, c);
	cg_buf_free(&sql);
	if (err) {
		json_decref(arr);
		return err;
	}
	*items = arr;
	return CG_OK;
}

static cg_err sq_user_list(cg_store_impl *st, int64_t limit, int64_t offset, json_t **items,
                          int64_t *total)
{
	binds b = {0};
	return list_table(st, SQL_USER_COLS, "users", "", &b, "id", limit, offset, row_user, items,
	                  total);
}

static cg_err sq_user_auth_info(cg_store_impl *st, const char *username, json_t **user, char **pw_hash)
{
	*user = NULL;
	*pw_hash = NULL;
	conn *c = reader_get(st);
	sqlite3_stmt *s = stmt(c, SQL_USER_AUTH);
	cg_err err = s ? CG_OK : CG_EDB;
	if (!err) {
		bind_str(s, 1, username);
		if (sqlite3_step(s) == SQLITE_ROW) {
			*user = row_user(s);
			*pw_hash = dup_col(s, 6);
		} else
			err = CG_ENOTFOUND;
		sqlite3_reset(s);
	}
	reader_put(st, c);
	return err;
}

/* ---- sessions --------------------------------------------------------- */

static const char SQL_SESS_INSERT[] =
    "INSERT INTO sessions(token_hash,user_id,csrf,created_at,expires_at)"
    " VALUES(?,?,?,?,?)";
static const char SQL_SESS_PURGE[] = "DELETE FROM sessions WHERE expires_at<?";
static const char SQL_SESS_GET[] =
    "SELECT u.id,u.username,u.display_name,u.role,u.agency_id,u.disabled,"
    "s.csrf FROM sessions s JOIN users u ON u.id=s.user_id"
    " WHERE s.token_hash=? AND s.expires_at>? AND u.disabled=0";
static const char SQL_SESS_DELETE[] = "DELETE FROM sessions WHERE token_hash=?";

static cg_err sq_session_create(cg_store_impl *st, const uint8_t token_hash[32], int64_t user_id,
                               const char *csrf, int64_t expires_ms)
{
	conn *c = writer_get(st);
	cg_err err = begin(c);
	if (!err) {
		int64_t now = cg_time_now_ms();
		sqlite3_stmt *s = stmt(c, SQL_SESS_PURGE);
		if (!s)
			err = CG_EDB;
		else {
			sqlite3_bind_int64(s, 1, now);
			err = step_done(c, s);
		}
		if (!err && !(s = stmt(c, SQL_SESS_INSERT)))
			err = CG_EDB;
		if (!err) {
			sqlite3_bind_blob(s, 1, token_hash, 32, SQLITE_STATIC);
			sqlite3_bind_int64(s, 2, user_id);
			bind_str(s, 3, csrf);
			sqlite3_bind_int64(s, 4, now);
			sqlite3_bind_int64(s, 5, expires_ms);
			err = step_done(c, s);
		}
		err = finish(c, err);
	}
	writer_put(st);
	return err;
}

static cg_err sq_session_get(cg_store_impl *st, const uint8_t token_hash[32], int64_t now_ms,
                            json_t **user, char **csrf)
{
	*user = NULL;
	*csrf = NULL;
	conn *c = reader_get(st);
	sqlite3_stmt *s = stmt(c, SQL_SESS_GET);
	cg_err err = s ? CG_OK : CG_EDB;
	if (!err) {
		sqlite3_bind_blob(s, 1, token_hash, 32, SQLITE_STATIC);
		sqlite3_bind_int64(s, 2, now_ms);
		if (sqlite3_step(s) == SQLITE_ROW) {
			*user = row_user(s);
			*csrf = dup_col(s, 6);
		} else
			err = CG_ENOTFOUND;
		sqlite3_reset(s);
	}
	reader_put(st, c);
	return err;
}

static cg_err sq_session_delete(cg_store_impl *st, const uint8_t token_hash[32])
{
	conn *c = writer_get(st);
	sqlite3_stmt *s = stmt(c, SQL_SESS_DELETE);
	cg_err err = s ? CG_OK : CG_EDB;
	if (!err) {
		sqlite3_bind_blob(s, 1, token_hash, 32, SQLITE_STATIC);
		err = step_done(c, s);
	}
	writer_put(st);
	return err;
}

/* ---- API tokens ------------------------------------------------------- */

static const char SQL_TOK_COLS[] =
    "SELECT id,name,scope,agency_id,created_at,last_used_at,revoked_at"
    " FROM api_tokens";
static const char SQL_TOK_GET[] =
    "SELECT id,name,scope,agency_id,created_at,last_used_at,revoked_at"
    " FROM api_tokens WHERE id=?";
static const char SQL_TOK_AUTH[] =
    "SELECT id,name,scope,agency_id,created_at,last_used_at,revoked_at"
    " FROM api_tokens WHERE token_hash=? AND revoked_at IS NULL";
static const char SQL_TOK_INSERT[] =
    "INSERT INTO api_tokens(name,scope,agency_id,token_hash,created_at)"
    " VALUES(?,?,?,?,?)";
static const char SQL_TOK_REVOKE[] =
    "UPDATE api_tokens SET revoked_at=? WHERE id=? AND revoked_at IS NULL";
static const char SQL_TOK_USED[] = "UPDATE api_tokens SET last_used_at=? WHERE id=?";

static json_t *row_token(sqlite3_stmt *s)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(sqlite3_column_int64(s, 0)));
	json_object_set_new(o, "name", col_str(s, 1));
	json_object_set_new(o, "scope", col_str(s, 2));
	json_object_set_new(o, "agency_id", col_int_null(s, 3));
	json_object_set_new(o, "created_at", col_time(s, 4));
	json_object_set_new(o, "last_used_at", col_time(s, 5));
	json_object_set_new(o, "revoked_at", col_time(s, 6));
	return o;
}

static cg_err sq_token_create(cg_store_impl *st, const cg_actor *actor, const json_t *rec,
                             const uint8_t token_hash[32], int64_t *id)
{
	conn *c = writer_get(st);
	cg_err err = begin(c);
	if (!err) {
		sqlite3_stmt *s = stmt(c, SQL_TOK_INSERT);
		if (!s)
			err = CG_EDB;
		else {
			json_t *ag = json_object_get(rec, "agency_id");
			bind_str(s, 1, cg_json_get_str(rec, "name"));
			bind_str(s, 2, cg_json_get_str(rec, "scope"));
			bind_id(s, 3, json_is_integer(ag) ? json_integer_value(ag) : 0);
			sqlite3_bind_blob(s, 4, token_hash, 32, SQLITE_STATIC);
			sqlite3_bind_int64(s, 5, cg_time_now_ms());
			err = step_done(c, s);
			if (err == CG_EINVAL)
				fk_field("agency_id");
		}
		if (!err) {
			*id = sqlite3_last_insert_rowid(c->db);
			err = audit_row(c, actor, "create", "token", *id, rec);
		}
		err = finish(c, err);
	}
	writer_put(st);
	return err;
}

static cg_err sq_token_list(cg_store_impl *st, int64_t limit, int64_t offset, json_t **items,
                           int64_t *total)
{
	binds b = {0};
	return list_table(st, SQL_TOK_COLS, "api_tokens", "", &b, "id", limit, offset, row_token,
	                  items, total);
}

static cg_err sq_token_get(cg_store_impl *st, int64_t id, json_t **out)
{
	*out = NULL;
	conn *c = reader_get(st);
	sqlite3_stmt *s = stmt(c, SQL_TOK_GET);
	cg_err err = s ? CG_OK : CG_EDB;
	if (!err) {
		sqlite3_bind_int64(s, 1, id);
		if (sqlite3_step(s) == SQLITE_ROW)
			*out = row_token(s);
		else
			err = CG_ENOTFOUND;
		sqlite3_reset(s);
	}
	reader_put(st, c);
	return err;
}

static cg_err sq_token_revoke(cg_store_impl *st, const cg_actor *actor, int64_t id, int64_t now_ms)
{
	conn *c = writer_get(st);
	cg_err err = begin(c);
	if (!err) {
		sqlite3_stmt *s = stmt(c, SQL_TOK_REVOKE);
		if (!s)
			err = CG_EDB;
		else {
			sqlite3_bind_int64(s, 1, now_ms);
			sqlite3_bind_int64(s, 2, id);
			err = step_done(c, s);
			if (!err && sqlite3_changes(c->db) == 0)
				err = CG_ENOTFOUND;
		}
		if (!err)
			err = audit_row(c, actor, "revoke", "token", id, NULL);
		err = finish(c, err);
	}
	writer_put(st);
	return err;
}

static cg_err sq_token_auth(cg_store_impl *st, const uint8_t token_hash[32], int64_t now_ms, json_t **out)
{
	*out = NULL;
	int64_t id = 0, last = 0;
	conn *c = reader_get(st);
	sqlite3_stmt *s = stmt(c, SQL_TOK_AUTH);
	cg_err err = s ? CG_OK : CG_EDB;
	if (!err) {
		sqlite3_bind_blob(s, 1, token_hash, 32, SQLITE_STATIC);
		if (sqlite3_step(s) == SQLITE_ROW) {
			*out = row_token(s);
			id = sqlite3_column_int64(s, 0);
			last = sqlite3_column_int64(s, 5);
		} else
			err = CG_ENOTFOUND;
		sqlite3_reset(s);
	}
	reader_put(st, c);
	if (!err && now_ms - last >= 60000) {
		c = writer_get(st);
		s = stmt(c, SQL_TOK_USED);
		if (s) {
			sqlite3_bind_int64(s, 1, now_ms);
			sqlite3_bind_int64(s, 2, id);
			step_done(c, s); /* best effort: auth does not fail on it */
		}
		writer_put(st);
	}
	return err;
}

/* ---- audit ------------------------------------------------------------ */

static const char SQL_AUDIT_COLS[] =
    "SELECT id,time,actor,action,object_type,object_id,detail FROM audit";

static json_t *row_audit(sqlite3_stmt *s)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(sqlite3_column_int64(s, 0)));
	json_object_set_new(o, "time", col_time(s, 1));
	json_object_set_new(o, "actor", col_str(s, 2));
	json_object_set_new(o, "action", col_str(s, 3));
	json_object_set_new(o, "object_type", col_str(s, 4));
	json_object_set_new(o, "object_id", col_int_null(s, 5));
	json_object_set_new(o, "detail", col_json(s, 6));
	return o;
}

static cg_err sq_audit(cg_store_impl *st, const cg_actor *actor, const char *action,
                      const char *object_type, int64_t object_id, const json_t *detail)
{
	conn *c = writer_get(st);
	cg_err err = audit_row(c, actor, action, object_type, object_id, detail);
	writer_put(st);
	return err;
}

/* max() of the INTEGER PRIMARY KEY: SQLite reads the last rowid of the
 * table's b-tree, O(log n) */
static const char SQL_AUDIT_LAST[] = "SELECT max(id) FROM audit";

static cg_err sq_audit_last(cg_store_impl *st, int64_t *id)
{
	conn *c = reader_get(st);
	sqlite3_stmt *s = stmt(c, SQL_AUDIT_LAST);
	cg_err err = s ? CG_OK : CG_EDB;
	if (!err) {
		if (sqlite3_step(s) == SQLITE_ROW)
			*id = sqlite3_column_int64(s, 0); /* NULL (empty): 0 */
		else
			err = db_err(c->db, sqlite3_extended_errcode(c->db));
		sqlite3_reset(s);
	}
	reader_put(st, c);
	return err;
}

static cg_err sq_audit_list(cg_store_impl *st, const char *actor, int64_t since_ms, int64_t limit,
                           int64_t offset, json_t **items, int64_t *total)
{
	binds b = {0};
	cg_buf where;
	cg_buf_init(&where, 256);
	cg_buf_puts(&where, " WHERE 1=1");
	if (actor && *actor) {
		cg_buf_puts(&where, " AND actor=?");
		binds_str(&b, strdup(actor));
	}
	if (since_ms > 0) {
		cg_buf_puts(&where, " AND time>=?");
		binds_int(&b, since_ms);
	}
	cg_err err = list_table(st, SQL_AUDIT_COLS, "audit", cg_buf_cstr(&where), &b, "id DESC",
	                        limit, offset, row_audit, items, total);
	binds_free(&b);
	cg_buf_free(&where);
	return err;
}

/* ---- events ----------------------------------------------------------- */

static const char SQL_EV_INSERT[] =
    "INSERT INTO events(id,time,received_at,host,agency,agency_id,"
    "system_id,source,kind,severity,subject,summary,evidence,producer)"
    " VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(producer, id) DO NOTHING";
static const char SQL_EV_COLS[] = "SELECT seq,id,time,received_at,host,agency,agency_id,system_id,"
                                  "source,kind,severity,subject,summary,evidence FROM events";
static const char SQL_EV_GET[] =
    "SELECT seq,id,time,received_at,host,agency,agency_id,system_id,"
    "source,kind,severity,subject,summary,evidence FROM events WHERE seq=?";
static const char SQL_EV_COUNT[] = "SELECT count(*) FROM events";

static const char SQL_FTS_INSERT[] = "INSERT INTO events_fts(rowid, words) VALUES(?,?)";
static const char SQL_COUNT_ADD[] =
    "INSERT INTO event_counts(agency_id, day, severity, n) VALUES(?,?,?,?)"
    " ON CONFLICT(agency_id, day, severity) DO UPDATE SET n = n + excluded.n";
static const char SQL_HOST_SEEN[] =
    "INSERT INTO event_hosts(agency_id, host, last_seen) VALUES(?,?,?)"
    " ON CONFLICT(agency_id, host) DO UPDATE SET"
    " last_seen = max(last_seen, excluded.last_seen)";

/* One running total of a batch. */
typedef struct tally {
	int64_t agency_id, day, n;
	int severity;
} tally;

/* Adds the stored (not duplicate) events of the batch to the overview's
 * running totals, in the batch's transaction. */
static cg_err update_totals(conn *c, const cg_event_in *evs, size_t n)
{
	tally *t = calloc(n ? n : 1, sizeof *t);
	if (!t)
		return CG_ENOMEM;
	size_t nt = 0;
	cg_err err = CG_OK;
	sqlite3_stmt *h = stmt(c, SQL_HOST_SEEN);
	if (!h)
		err = CG_EDB;
	for (size_t i = 0; !err && i < n; i++) {
		const cg_event *e = evs[i].ev;
		if (evs[i].duplicate || evs[i].agency_id <= 0)
			continue;
		int64_t day = e->time_ms >= 0 ? e->time_ms / 86400000 : 0;
		size_t k = 0;
		while (k < nt && !(t[k].agency_id == evs[i].agency_id && t[k].day == day &&
		                   t[k].severity == (int)e->severity))
			k++;
		if (k == nt)
			t[nt++] = (tally){evs[i].agency_id, day, 0, (int)e->severity};
		t[k].n++;
		if (e->host && e->source && strcmp(e->source, "agent") == 0) {
			sqlite3_reset(h);
			sqlite3_bind_int64(h, 1, evs[i].agency_id);
			sqlite3_bind_text(h, 2, e->host, -1, SQLITE_STATIC);
			sqlite3_bind_int64(h, 3, e->time_ms);
			err = step_done(c, h);
		}
	}
	sqlite3_stmt *s = err ? NULL : stmt(c, SQL_COUNT_ADD);
	if (!err && !s)
		err = CG_EDB;
	for (size_t k = 0; !err && k < nt; k++) {
		sqlite3_bind_int64(s, 1, t[k].agency_id);
		sqlite3_bind_int64(s, 2, t[k].day);
		sqlite3_bind_int(s, 3, t[k].severity);
		sqlite3_bind_int64(s, 4, t[k].n);
		err = step_done(c, s);
	}
	free(t);
	return err;
}

static cg_err sq_events_insert(cg_store_impl *st, cg_event_in *evs, size_t n, int64_t received_ms,
                              size_t *accepted, size_t *duplicates)
{
	*accepted = 0;
	*duplicates = 0;
	cg_buf ev, words;
	cg_buf_init(&ev, CG_MAX_EVENT_JSON);
	cg_buf_init(&words, 4 * CG_MAX_EVENT_JSON);
	conn *c = writer_get(st);
	cg_err err = begin(c);
	sqlite3_stmt *s = err ? NULL : stmt(c, SQL_EV_INSERT);
	sqlite3_stmt *fts = err ? NULL : stmt(c, SQL_FTS_INSERT);
	if (!err && (!s || !fts))
		err = CG_EDB;
	size_t acc = 0, dup = 0;
	for (size_t i = 0; !err && i < n; i++) {
		const cg_event *e = evs[i].ev;
		cg_buf_reset(&ev);
		err = cg_json_encode(&ev, e->evidence);
		if (err)
			break;
		sqlite3_bind_text(s, 1, e->id, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 2, e->time_ms);
		sqlite3_bind_int64(s, 3, received_ms);
		bind_str(s, 4, e->host);
		bind_str(s, 5, e->agency);
		bind_id(s, 6, evs[i].agency_id);
		bind_id(s, 7, evs[i].system_id);
		sqlite3_bind_text(s, 8, e->source, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 9, e->kind, -1, SQLITE_STATIC);
		sqlite3_bind_int(s, 10, (int)e->severity);
		if (e->subject)
			sqlite3_bind_text(s, 11, e->subject, -1, SQLITE_STATIC);
		else
			sqlite3_bind_null(s, 11);
		sqlite3_bind_text(s, 12, e->summary ? e->summary : "", -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 13, cg_buf_cstr(&ev), (int)ev.len, SQLITE_STATIC);
		sqlite3_bind_text(s, 14, evs[i].producer ? evs[i].producer : "", -1, SQLITE_STATIC);
		err = step_done(c, s);
		if (err)
			break;
		evs[i].duplicate = sqlite3_changes(c->db) == 0;
		if (evs[i].duplicate) {
			dup++;
			continue;
		}
		acc++;
		/* the text index, in the same transaction */
		err = search_words(e->subject, e->summary, &words);
		if (err)
			break;
		sqlite3_bind_int64(fts, 1, sqlite3_last_insert_rowid(c->db));
		sqlite3_bind_text(fts, 2, cg_buf_cstr(&words), (int)words.len, SQLITE_STATIC);
		err = step_done(c, fts);
	}
	if (s)
		sqlite3_clear_bindings(s);
	if (fts)
		sqlite3_clear_bindings(fts);
	if (!err)
		err = update_totals(c, evs, n);
	err = finish(c, err);
	writer_put(st);
	cg_buf_free(&ev);
	cg_buf_free(&words);
	if (!err) {
		*accepted = acc;
		*duplicates = dup;
	}
	return err;
}

static json_t *row_event(sqlite3_stmt *s)
{
	json_t *o = json_object();
	json_object_set_new(o, "seq", json_integer(sqlite3_column_int64(s, 0)));
	json_object_set_new(o, "id", col_str(s, 1));
	json_object_set_new(o, "time", col_time(s, 2));
	json_object_set_new(o, "received_at", col_time(s, 3));
	json_object_set_new(o, "host", col_str(s, 4));
	json_object_set_new(o, "agency", col_str(s, 5));
	json_object_set_new(o, "agency_id", col_int_null(s, 6));
	json_object_set_new(o, "system_id", col_int_null(s, 7));
	json_object_set_new(o, "source", col_str(s, 8));
	json_object_set_new(o, "kind", col_str(s, 9));
	json_object_set_new(o, "severity",
	                    json_string(cg_severity_name((cg_severity)sqlite3_column_int(s, 10))));
	json_object_set_new(o, "subject", col_str(s, 11));
	json_object_set_new(o, "summary", col_str(s, 12));
	json_object_set_new(o, "evidence", col_json(s, 13));
	return o;
}

/* The FTS5 query of a text search: the search words of q as one phrase,
 * the last word a prefix ("nha ca" -> "nha ca"*, matching "nhà cái").
 * The words hold only letters and digits, so quoting them is safe. NULL
 * when q has no word (nothing can match). */
static char *fts_query(const char *q)
{
	cg_buf w;
	cg_buf_init(&w, 4096);
	char *out = NULL;
	if (cg_text_search_words(cg_slice_cstr(q), &w) == CG_OK && w.len) {
		cg_buf m;
		cg_buf_init(&m, 8192);
		if (cg_buf_printf(&m, "\"%s\"*", cg_buf_cstr(&w)) == CG_OK)
			out = cg_buf_detach(&m, NULL);
		cg_buf_free(&m);
	}
	cg_buf_free(&w);
	return out;
}

/* Builds the events list query. walk_seq: severity and time are filtered
 * with a unary '+' (no index), so the planner walks seq DESC (or an
 * equality filter's (column, seq) index, which gives the same order) and
 * stops after one page: right when matches are common. Otherwise the
 * planner may use the time and severity indexes and sort the matches:
 * right when they are rare (an old time window, a rare level).
 * A text search is driven by the FTS5 index instead, newest match first
 * (rowid = seq, DESC), each match checked against the other filters:
 * the page is exact, its cost the matches looked at. */
static void events_sql(const cg_scope *scope, const cg_event_query *q, bool walk_seq,
                       cg_buf *sql, binds *b)
{
	const char *plus = walk_seq ? "+" : "";
	bool text = q->q && *q->q;
	cg_buf_puts(sql, SQL_EV_COLS);
	if (text)
		cg_buf_puts(sql, "_fts JOIN events ON events.seq = events_fts.rowid");
	/* the planner prefers walking seq for ORDER BY ... LIMIT; when that
	 * walk has already run out of budget, name the index that finds the
	 * rare matches */
	else if (!walk_seq && (q->since_ms > 0 || q->until_ms > 0))
		cg_buf_puts(sql, " INDEXED BY events_time");
	else if (!walk_seq && q->severity_min > 0)
		cg_buf_puts(sql, " INDEXED BY events_severity");
	cg_buf_puts(sql, " WHERE 1=1");
	int64_t ag = scope->agency_id != 0 ? scope->agency_id : q->agency_id;
	if (ag != 0) {
		cg_buf_printf(sql, " AND %sagency_id=?", text ? "+" : "");
		binds_int(b, ag);
	}
	if (q->system_id > 0) {
		cg_buf_printf(sql, " AND %ssystem_id=?", text ? "+" : "");
		binds_int(b, q->system_id);
	}
	if (q->source && *q->source) {
		cg_buf_printf(sql, " AND %ssource=?", text ? "+" : "");
		binds_str(b, strdup(q->source));
	}
	if (q->kind && *q->kind) {
		cg_buf_printf(sql, " AND %skind=?", text ? "+" : "");
		binds_str(b, strdup(q->kind));
	}
	if (q->state && *q->state) { /* no triage record: new */
		cg_buf_puts(sql, " AND coalesce((SELECT t.state FROM event_triage t WHERE"
		                 " t.seq=events.seq), 'new')=?");
		binds_str(b, strdup(q->state));
	}
	if (q->severity_min > 0) {
		cg_buf_printf(sql, " AND %sseverity>=?", text ? "+" : plus);
		binds_int(b, q->severity_min);
	}
	if (q->since_ms > 0) {
		cg_buf_printf(sql, " AND %stime>=?", text ? "+" : plus);
		binds_int(b, q->since_ms);
	}
	if (q->until_ms > 0) {
		cg_buf_printf(sql, " AND %stime<?", text ? "+" : plus);
		binds_int(b, q->until_ms);
	}
	if (q->before_seq > 0) {
		cg_buf_puts(sql, text ? " AND events_fts.rowid<?" : " AND seq<?");
		binds_int(b, q->before_seq);
	}
	/* last: a numbered parameter after all the anonymous ones */
	if (text)
		cg_buf_puts(sql, " AND events_fts MATCH ?100");
	cg_buf_printf(sql, " ORDER BY %s DESC LIMIT %lld", text ? "events_fts.rowid" : "seq",
	              (long long)q->limit + 1);
}

/* Progress budget of the seq walk, in SQLite VM steps (a few milliseconds). */
#define WALK_BUDGET_STEPS 100000

static int walk_budget(void *p)
{
	int64_t *left = p;
	*left -= 1000;
	return *left <= 0;
}

/* Runs one plan; CG_ETIMEOUT when the budget ran out (nothing added). */
static cg_err events_run(conn *c, const cg_scope *scope, const cg_event_query *q, bool walk_seq,
                         json_t *arr, int64_t *next)
{
	binds b = {0};
	cg_buf sql;
	cg_buf_init(&sql, 4096);
	events_sql(scope, q, walk_seq, &sql, &b);
	sqlite3_stmt *s = stmt_dyn(c, cg_buf_cstr(&sql));
	cg_err err = s ? CG_OK : CG_EDB;
	int64_t left = WALK_BUDGET_STEPS;
	if (walk_seq)
		sqlite3_progress_handler(c->db, 1000, walk_budget, &left);
	if (!err) {
		binds_apply(&b, s);
		char *m = q->q && *q->q ? fts_query(q->q) : NULL;
		if (m)
			sqlite3_bind_text(s, 100, m, -1, SQLITE_TRANSIENT);
		free(m);
		int rc;
		int64_t count = 0, last = 0;
		while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
			if (count == q->limit) {
				*next = last;
				break;
			}
			last = sqlite3_column_int64(s, 0);
			json_array_append_new(arr, row_event(s));
			count++;
		}
		if (rc == SQLITE_INTERRUPT) {
			json_array_clear(arr);
			*next = 0;
			err = CG_ETIMEOUT;
		} else if (rc != SQLITE_ROW && rc != SQLITE_DONE)
			err = db_err(c->db, sqlite3_extended_errcode(c->db));
		sqlite3_finalize(s);
	}
	sqlite3_progress_handler(c->db, 0, NULL, NULL);
	binds_free(&b);
	cg_buf_free(&sql);
	return err;
}

static cg_err sq_events_query(cg_store_impl *st, const cg_scope *scope, const cg_event_query *q,
                             json_t **items, int64_t *next)
{
	*items = NULL;
	*next = 0;
	json_t *arr = json_array();
	if (!arr)
		return CG_ENOMEM;
	if (scope->agency_id != 0 && q->agency_id > 0 && q->agency_id != scope->agency_id) {
		/* another agency's events: an empty page, not an error */
		*items = arr;
		return CG_OK;
	}
	if (q->q && *q->q) {
		char *m = fts_query(q->q);
		free(m);
		if (!m) { /* no word to look for: nothing matches */
			*items = arr;
			return CG_OK;
		}
	}
	conn *c = reader_get(st);
	/* the seq walk first (a page of common matches is found at once);
	 * when it runs out of budget the matches are rare: let the time and
	 * severity indexes find them. A text search is one plan, driven by
	 * its index. */
	bool text = q->q && *q->q;
	bool selective = !text && (q->severity_min > 0 || q->since_ms > 0 || q->until_ms > 0);
	cg_err err = events_run(c, scope, q, selective, arr, next);
	if (err == CG_ETIMEOUT)
		err = events_run(c, scope, q, false, arr, next);
	reader_put(st, c);
	if (err) {
		json_decref(arr);
		return err;
	}
	*items = arr;
	return CG_OK;
}

static cg_err sq_event_get(cg_store_impl *st, const cg_scope *scope, int64_t seq, json_t **out)
{
	*out = NULL;
	conn *c = reader_get(st);
	sqlite3_stmt *s = stmt(c, SQL_EV_GET);
	cg_err err = s ? CG_OK : CG_EDB;
	if (!err) {
		sqlite3_bind_int64(s, 1, seq);
		if (sqlite3_step(s) == SQLITE_ROW &&
		    (scope->agency_id == 0 || sqlite3_column_int64(s, 6) == scope->agency_id))
			*out = row_event(s);
		else
			err = CG_ENOTFOUND;
		sqlite3_reset(s);
	}
	reader_put(st, c);
	return err;
}

static cg_err sq_events_count(cg_store_impl *st, int64_t *count)
{
	*count = 0;
	conn *c = reader_get(st);
	sqlite3_stmt *s = stmt(c, SQL_EV_COUNT);
	cg_err err = s ? CG_OK : CG_EDB;
	if (!err) {
		if (sqlite3_step(s) == SQLITE_ROW)
			*count = sqlite3_column_int64(s, 0);
		sqlite3_reset(s);
	}
	reader_put(st, c);
	return err;
}

/* Retention (store.h): the events received before before_ms leave the
 * running totals, the text index and the table in one transaction. The
 * totals follow the ingest's rules (update_totals): a day of the event's
 * time per agency and severity; an agent host's latest time. SQLite has
 * no partitions: ahead_ms has nothing to make. */
static cg_err sq_events_maintain(cg_store_impl *st, int64_t ahead_ms, int64_t before_ms,
                                 int64_t *removed)
{
	(void)ahead_ms;
	if (before_ms <= 0)
		return CG_OK;
	char sql[3072];
	int n = snprintf(
	    sql, sizeof sql,
	    "CREATE TEMP TABLE IF NOT EXISTS gone(seq INTEGER PRIMARY KEY, agency_id INTEGER,"
	    " day INTEGER, severity INTEGER, host TEXT, agent INTEGER);"
	    "DELETE FROM temp.gone;"
	    "INSERT INTO temp.gone SELECT seq, agency_id,"
	    " CASE WHEN time >= 0 THEN time / 86400000 ELSE 0 END, severity, host,"
	    " source = 'agent' FROM events WHERE received_at < %lld;"
	    "UPDATE event_counts SET n = n - (SELECT count(*) FROM temp.gone g"
	    " WHERE g.agency_id = event_counts.agency_id AND g.day = event_counts.day"
	    " AND g.severity = event_counts.severity)"
	    " WHERE (agency_id, day, severity) IN (SELECT agency_id, day, severity FROM temp.gone);"
	    "DELETE FROM event_counts WHERE n <= 0;"
	    /* contentless FTS5: a row leaves the index by its words */
	    "INSERT INTO events_fts(events_fts, rowid, words) SELECT 'delete', seq,"
	    " cg_search_words(coalesce(subject, '') || ' ' || summary) FROM events"
	    " WHERE seq IN (SELECT seq FROM temp.gone);"
	    "DELETE FROM events WHERE seq IN (SELECT seq FROM temp.gone);"
	    "DELETE FROM event_hosts WHERE (agency_id, host) IN"
	    " (SELECT agency_id, host FROM temp.gone WHERE agent AND host IS NOT NULL)"
	    " AND NOT EXISTS (SELECT 1 FROM events e WHERE e.agency_id = event_hosts.agency_id"
	    " AND e.host = event_hosts.host AND e.source = 'agent');"
	    "UPDATE event_hosts SET last_seen = (SELECT max(time) FROM events e"
	    " WHERE e.agency_id = event_hosts.agency_id AND e.host = event_hosts.host"
	    " AND e.source = 'agent') WHERE (agency_id, host) IN"
	    " (SELECT agency_id, host FROM temp.gone WHERE agent AND host IS NOT NULL);",
	    (long long)before_ms);
	if (n < 0 || (size_t)n >= sizeof sql)
		return CG_ETOOBIG;
	conn *c = writer_get(st);
	cg_err err = begin(c);
	if (!err)
		err = exec(c, sql);
	sqlite3_stmt *s = NULL;
	if (!err &&
	    sqlite3_prepare_v2(c->db, "SELECT count(*) FROM temp.gone", -1, &s, NULL) != SQLITE_OK)
		err = db_err(c->db, sqlite3_extended_errcode(c->db));
	if (!err && sqlite3_step(s) == SQLITE_ROW)
		*removed = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	if (!err)
		err = exec(c, "DELETE FROM temp.gone;");
	err = finish(c, err);
	writer_put(st);
	return err;
}

/* ---- jobs ------------------------------------------------------------- */

static const char SQL_JOB_ENSURE[] =
    "INSERT INTO jobs(name,kind,next_run) VALUES(?,?,?) ON CONFLICT(name) DO NOTHING";
/* The most overdue job without a live lease. The claim runs in the write
 * transaction (BEGIN IMMEDIATE holds SQLite's write lock, also against
 * another process on the same file), so the pick and the lease are one
 * step for every writer. */
static const char SQL_JOB_PICK[] =
    "SELECT name FROM jobs WHERE next_run<=?1 AND (lease_until IS NULL OR lease_until<=?1)"
    " AND (?2 IS NULL OR kind IN (SELECT value FROM json_each(?2)))"
    " ORDER BY next_run, name LIMIT 1";
static const char SQL_JOB_LEASE[] =
    "UPDATE jobs SET lease_holder=?1, lease_until=?2, lease_seq=lease_seq+1,"
    " attempts=attempts+1, last_run=?3 WHERE name=?4"
    " RETURNING name,kind,lease_seq,attempts,next_run";
static const char SQL_JOB_RENEW[] =
    "UPDATE jobs SET lease_until=? WHERE name=? AND lease_seq=? AND lease_holder IS NOT NULL";
/* A trigger during the run (SQL_JOB_DUE) left next_run before the time
 * the run was claimed for (?5): the finishing run keeps it (due at once)
 * rather than its own next time. */
static const char SQL_JOB_OK[] =
    "UPDATE jobs SET next_run=CASE WHEN next_run<?5 THEN min(next_run,?1) ELSE ?1 END,"
    " last_ok=?2, last_error=NULL, attempts=0, lease_holder=NULL,"
    " lease_until=NULL WHERE name=?3 AND lease_seq=?4 AND lease_holder IS NOT NULL";
static const char SQL_JOB_FAIL[] =
    "UPDATE jobs SET next_run=CASE WHEN next_run<?5 THEN min(next_run,?1) ELSE ?1 END,"
    " last_error=?2, lease_holder=NULL, lease_until=NULL"
    " WHERE name=?3 AND lease_seq=?4 AND lease_holder IS NOT NULL";
/* min(next_run, ?): a row is changed (found) even when it is already due.
 * A job running under a live lease is already due (next_run <= now): the
 * trigger moves next_run 1 ms earlier, the mark its finish looks for
 * (store.h cg_store_job_due). */
static const char SQL_JOB_DUE[] =
    "UPDATE jobs SET next_run=min(next_run,?1)"
    " - (lease_holder IS NOT NULL AND lease_until>?1 AND next_run<=?1) WHERE name=?2";
static const char SQL_JOB_LIST[] =
    "SELECT name,kind,next_run,last_run,last_ok,last_error,attempts,lease_holder,lease_until"
    " FROM jobs ORDER BY name";

static cg_err sq_job_ensure(cg_store_impl *st, const char *name, const char *kind,
                            int64_t first_run_ms)
{
	conn *c = writer_get(st);
	sqlite3_stmt *s = stmt(c, SQL_JOB_ENSURE);
	cg_err err = s ? CG_OK : CG_EDB;
	if (!err) {
		bind_str(s, 1, name);
		bind_str(s, 2, kind);
		sqlite3_bind_int64(s, 3, first_run_ms);
		err = step_done(c, s);
	}
	writer_put(st);
	return err;
}

static void copy_name(char *dst, sqlite3_stmt *s, int i)
{
	const char *t = (const char *)sqlite3_column_text(s, i);
	snprintf(dst, CG_JOB_NAME_MAX, "%s", t ? t : "");
}

static cg_err sq_job_claim(cg_store_impl *st, const char *holder, const char *kinds, int64_t now_ms,
                           int64_t lease_ms, cg_job *out)
{
	conn *c = writer_get(st);
	cg_err err = begin(c);
	if (!err) {
		char name[CG_JOB_NAME_MAX] = "";
		sqlite3_stmt *s = stmt(c, SQL_JOB_PICK);
		if (!s)
			err = CG_EDB;
		else {
			sqlite3_bind_int64(s, 1, now_ms);
			bind_str(s, 2, kinds);
			int rc = sqlite3_step(s);
			if (rc == SQLITE_ROW)
				copy_name(name, s, 0);
			else if (rc == SQLITE_DONE)
				err = CG_ENOTFOUND;
			else
				err = db_err(c->db, sqlite3_extended_errcode(c->db));
			sqlite3_reset(s);
		}
		if (!err) {
			s = stmt(c, SQL_JOB_LEASE);
			if (!s)
				err = CG_EDB;
			else {
				bind_str(s, 1, holder);
				sqlite3_bind_int64(s, 2, now_ms + lease_ms);
				sqlite3_bind_int64(s, 3, now_ms);
				bind_str(s, 4, name);
				int rc = sqlite3_step(s);
				if (rc == SQLITE_ROW) {
					copy_name(out->name, s, 0);
					copy_name(out->kind, s, 1);
					out->lease_seq = sqlite3_column_int64(s, 2);
					out->attempts = sqlite3_column_int64(s, 3);
					out->due_ms = sqlite3_column_int64(s, 4);
					rc = sqlite3_step(s);
				}
				if (rc != SQLITE_DONE)
					err = db_err(c->db, sqlite3_extended_errcode(c->db));
				sqlite3_reset(s);
			}
		}
		err = finish(c, err);
	}
	writer_put(st);
	return err;
}

/* Runs an UPDATE of one job's lease; no row changed = the lease was lost. */
static cg_err job_update(cg_store_impl *st, const char *sql, int64_t t, const char *text,
                         int64_t t2, const cg_job *job)
{
	conn *c = writer_get(st);
	sqlite3_stmt *s = stmt(c, sql);
	cg_err err = s ? CG_OK : CG_EDB;
	if (!err) {
		int i = 1;
		sqlite3_bind_int64(s, i++, t);
		if (sql == SQL_JOB_OK)
			sqlite3_bind_int64(s, i++, t2);
		else if (sql == SQL_JOB_FAIL)
			bind_str(s, i++, text);
		bind_str(s, i++, job->name);
		sqlite3_bind_int64(s, i++, job->lease_seq);
		if (sql != SQL_JOB_RENEW)
			sqlite3_bind_int64(s, i++, job->due_ms);
		err = step_done(c, s);
		if (!err && sqlite3_changes(c->db) == 0)
			err = CG_ECONFLICT;
	}
	writer_put(st);
	return err;
}

static cg_err sq_job_renew(cg_store_impl *st, const cg_job *job, int64_t lease_until_ms)
{
	return job_update(st, SQL_JOB_RENEW, lease_until_ms, NULL, 0, job);
}

static cg_err sq_job_finish(cg_store_impl *st, const cg_job *job, int64_t now_ms,
                            int64_t next_run_ms, const char *error)
{
	if (error)
		return job_update(st, SQL_JOB_FAIL, next_run_ms, error, 0, job);
	return job_update(st, SQL_JOB_OK, next_run_ms, NULL, now_ms, job);
}

static cg_err sq_job_due(cg_store_impl *st, const char *name, int64_t at_ms)
{
	conn *c = writer_get(st);
	sqlite3_stmt *s = stmt(c, SQL_JOB_DUE);
	cg_err err = s ? CG_OK : CG_EDB;
	if (!err) {
		sqlite3_bind_int64(s, 1, at_ms);
		bind_str(s, 2, name);
		err = step_done(c, s);
		if (!err && sqlite3_changes(c->db) == 0)
			err = CG_ENOTFOUND;
	}
	writer_put(st);
	return err;
}

static const colmap job_cols[] = {
    {"name", CM_STR},     {"kind", CM_STR},         {"next_run", CM_TIME},
    {"last_run", CM_TIME}, {"last_ok", CM_TIME},     {"last_error", CM_STR},
    {"attempts", CM_INT}, {"lease_holder", CM_STR}, {"lease_until", CM_TIME},
    {NULL, CM_STR},
};

static cg_err sq_job_list(cg_store_impl *st, json_t **items)
{
	return list_map(st, SQL_JOB_LIST, job_cols, items);
}

/* ---- portal watch ------------------------------------------------------ */

static const char SQL_WF_LIST[] =
    "SELECT url,kind,summary,severity,since,event_id FROM web_findings ORDER BY since, url, kind";
static const char SQL_WF_OPEN[] =
    "INSERT INTO web_findings(url,kind,summary,severity,since,event_id) VALUES(?,?,?,?,?,?)";
static const char SQL_WF_CLOSE[] = "DELETE FROM web_findings WHERE url=? AND kind=?";

static const colmap web_finding_cols[] = {
    {"url", CM_STR},      {"kind", CM_STR},  {"summary", CM_STR},
    {"severity", CM_STR}, {"since", CM_INT}, {"event_id", CM_STR},
    {NULL, CM_STR},
};

static cg_err sq_web_findings(cg_store_impl *st, json_t **items)
{
	return list_map(st, SQL_WF_LIST, web_finding_cols, items);
}

static cg_err sq_web_finding_open(cg_store_impl *st, const json_t *rec)
{
	conn *c = writer_get(st);
	sqlite3_stmt *s = stmt(c, SQL_WF_OPEN);
	cg_err err = s ? CG_OK : CG_EDB;
	if (!err) {
		const char *sum = cg_json_get_str(rec, "summary");
		const char *sev = cg_json_get_str(rec, "severity");
		const char *id = cg_json_get_str(rec, "event_id");
		bind_str(s, 1, cg_json_get_str(rec, "url"));
		bind_str(s, 2, cg_json_get_str(rec, "kind"));
		bind_str(s, 3, sum ? sum : "");
		bind_str(s, 4, sev ? sev : "info");
		sqlite3_bind_int64(s, 5, json_integer_value(json_object_get(rec, "since")));
		bind_str(s, 6, id ? id : "");
		err = step_done(c, s);
	}
	writer_put(st);
	return err;
}

static cg_err sq_web_finding_close(cg_store_impl *st, const char *url, const char *kind)
{
	conn *c = writer_get(st);
	sqlite3_stmt *s = stmt(c, SQL_WF_CLOSE);
	cg_err err = s ? CG_OK : CG_EDB;
	if (!err) {
		bind_str(s, 1, url);
		bind_str(s, 2, kind);
		err = step_done(c, s);
		if (!err && sqlite3_changes(c->db) == 0)
			err = CG_ENOTFOUND;
	}
	writer_put(st);
	return err;
}

/* ---- alert queue -------------------------------------------------------- */

#define SQL_AL_COLS                                                                                \
	"SELECT id,created,agency_id,state,attempts,next_try,last_error,delivered,doc FROM alerts"
static const char SQL_AL_ADD[] =
    "INSERT INTO alerts(id,created,agency_id,state,attempts,next_try,last_error,delivered,doc)"
    " VALUES(?,?,?,'pending',0,?,NULL,NULL,?)";
/* the oldest finished rows beyond `keep`, then the oldest of any state */
static const char SQL_AL_PRUNE[] =
    "DELETE FROM alerts WHERE id IN (SELECT id FROM alerts ORDER BY state='pending', created, id"
    " LIMIT max(0,(SELECT count(*) FROM alerts)-?))";
static const char SQL_AL_DUE[] =
    SQL_AL_COLS " WHERE state='pending' AND next_try<=? ORDER BY created, id LIMIT ?";
static const char SQL_AL_UPD[] = "UPDATE alerts SET state=?,attempts=?,next_try=?,last_error=?,"
                                 "delivered=? WHERE id=?";
static const char SQL_AL_LIST[] = SQL_AL_COLS " ORDER BY created DESC, id DESC LIMIT ?";
static const char SQL_AL_LIST_AG[] =
    SQL_AL_COLS " WHERE agency_id=? ORDER BY created DESC, id DESC LIMIT ?";

static json_t *row_alert(sqlite3_stmt *s)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", col_str(s, 0));
	json_object_set_new(o, "created", json_integer(sqlite3_column_int64(s, 1)));
	json_object_set_new(o, "agency_id", json_integer(sqlite3_column_int64(s, 2)));
	json_object_set_new(o, "state", col_str(s, 3));
	json_object_set_new(o, "attempts", json_integer(sqlite3_column_int64(s, 4)));
	json_object_set_new(o, "next_try_ms", json_integer(sqlite3_column_int64(s, 5)));
	json_object_set_new(o, "last_error", col_str(s, 6));
	json_object_set_new(o, "delivered", col_int_null(s, 7));
	json_object_set_new(o, "doc", col_json(s, 8));
	return o;
}

static cg_err sq_alert_add(cg_store_impl *st, const json_t *rec, const char *doc, int64_t keep)
{
	conn *c = writer_get(st);
	cg_err err = begin(c);
	if (!err) {
		sqlite3_stmt *s = stmt(c, SQL_AL_ADD);
		if (!s)
			err = CG_EDB;
		else {
			bind_str(s, 1, cg_json_get_str(rec, "id"));
			sqlite3_bind_int64(s, 2, json_integer_value(json_object_get(rec, "created")));
			sqlite3_bind_int64(s, 3, json_integer_value(json_object_get(rec, "agency_id")));
			sqlite3_bind_int64(s, 4,
			                   json_integer_value(json_object_get(rec, "next_try_ms")));
			bind_str(s, 5, doc);
			err = step_done(c, s);
		}
		if (!err && keep > 0) {
			s = stmt(c, SQL_AL_PRUNE);
			if (!s)
				err = CG_EDB;
			else {
				sqlite3_bind_int64(s, 1, keep);
				err = step_done(c, s);
			}
		}
		err = finish(c, err);
	}
	writer_put(st);
	return err;
}

static cg_err alert_rows_q(cg_store_impl *st, const char *sql, int64_t a, int64_t b, int nb,
                           json_t **items)
{
	*items = NULL;
	conn *c = reader_get(st);
	sqlite3_stmt *s = stmt(c, sql);
	cg_err err = s ? CG_OK : CG_EDB;
	json_t *arr = json_array();
	if (!err) {
		sqlite3_bind_int64(s, 1, a);
		if (nb == 2)
			sqlite3_bind_int64(s, 2, b);
		int rc;
		while ((rc = sqlite3_step(s)) == SQLITE_ROW)
			json_array_append_new(arr, row_alert(s));
		if (rc != SQLITE_DONE)
			err = db_err(c->db, sqlite3_extended_errcode(c->db));
		sqlite3_reset(s);
	}
	reader_put(st, c);
	if (err) {
		json_decref(arr);
		return err;
	}
	*items = arr;
	return CG_OK;
}

static cg_err sq_alerts_due(cg_store_impl *st, int64_t now_ms, int64_t limit, json_t **items)
{
	return alert_rows_q(st, SQL_AL_DUE, now_ms, limit, 2, items);
}

static cg_err sq_alerts_list(cg_store_impl *st, int64_t agency_id, int64_t limit, json_t **items)
{
	if (agency_id > 0)
		return alert_rows_q(st, SQL_AL_LIST_AG, agency_id, limit, 2, items);
	return alert_rows_q(st, SQL_AL_LIST, limit, 0, 1, items);
}

static cg_err sq_alert_update(cg_store_impl *st, const char *id, const json_t *upd)
{
	conn *c = writer_get(st);
	sqlite3_stmt *s = stmt(c, SQL_AL_UPD);
	cg_err err = s ? CG_OK : CG_EDB;
	if (!err) {
		json_t *dl = json_object_get(upd, "delivered");
		bind_str(s, 1, cg_json_get_str(upd, "state"));
		sqlite3_bind_int64(s, 2, json_integer_value(json_object_get(upd, "attempts")));
		sqlite3_bind_int64(s, 3, json_integer_value(json_object_get(upd, "next_try_ms")));
		bind_str(s, 4, cg_json_get_str(upd, "last_error"));
		if (json_is_integer(dl))
			sqlite3_bind_int64(s, 5, json_integer_value(dl));
		else
			sqlite3_bind_null(s, 5);
		bind_str(s, 6, id);
		err = step_done(c, s);
		if (!err && sqlite3_changes(c->db) == 0)
			err = CG_ENOTFOUND;
	}
	writer_put(st);
	return err;
}

/* the server-state tables: their own file, in this translation unit */
#include "backend_state.h"
#include "sqlite_state.c"
/* the figures for /metrics */
#include "sqlite_metrics.c"
#include "backend_exposure.h"
#include "sqlite_exposure.c"
#include "backend_reports.h"
#include "sqlite_reports.c"
/* the syslog forwarding cursors, likewise */
#include "backend_fwd.h"
#include "sqlite_fwd.c"
#include "backend_intel.h"
#include "sqlite_intel.c"
#include "backend_natreport.h"
#include "sqlite_natreport.c"
/* ---- triage of events ---------------------------------------------------- */

static const char SQL_TR_EVENT[] = "SELECT agency_id, time, severity FROM events WHERE seq=?";
static const char SQL_TR_OLD[] = "SELECT state, assignee, note FROM event_triage WHERE seq=?";
static const char SQL_TR_PUT[] =
    "INSERT INTO event_triage(seq,agency_id,day,severity,state,assignee,note,updated_at,"
    "updated_by) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9) ON CONFLICT(seq) DO UPDATE SET"
    " state=?5, assignee=?6, note=?7, updated_at=?8, updated_by=?9";
static const char SQL_TR_GET[] =
    "SELECT seq, state, assignee, note, updated_at, updated_by FROM event_triage"
    " WHERE seq IN (SELECT value FROM json_each(?))";
static const char SQL_TR_COUNTS[] =
    "SELECT agency_id, severity, state, count(*) FROM event_triage"
    " WHERE day>=?2/86400000 AND agency_id IS NOT NULL AND (?1=0 OR agency_id=?1)"
    " GROUP BY 1, 2, 3";

/* A text column as an owned copy (NULL for NULL). */
static char *col_dup(sqlite3_stmt *s, int i)
{
	const char *t = (const char *)sqlite3_column_text(s, i);
	return t ? strdup(t) : NULL;
}

static cg_err triage_one(conn *c, const cg_scope *scope, const cg_actor *actor, int64_t seq,
                         const cg_triage_set *set, int64_t now_ms)
{
	sqlite3_stmt *s = stmt(c, SQL_TR_EVENT);
	if (!s)
		return CG_EDB;
	sqlite3_bind_int64(s, 1, seq);
	if (sqlite3_step(s) != SQLITE_ROW ||
	    (scope->agency_id != 0 && sqlite3_column_int64(s, 0) != scope->agency_id)) {
		sqlite3_reset(s);
		return CG_ENOTFOUND;
	}
	int64_t agency = sqlite3_column_int64(s, 0), time = sqlite3_column_int64(s, 1);
	int sev = sqlite3_column_int(s, 2);
	sqlite3_reset(s);
	char *old[3] = {NULL, NULL, NULL};
	if (!(s = stmt(c, SQL_TR_OLD)))
		return CG_EDB;
	sqlite3_bind_int64(s, 1, seq);
	if (sqlite3_step(s) == SQLITE_ROW)
		for (int k = 0; k < 3; k++)
			old[k] = col_dup(s, k);
	sqlite3_reset(s);
	const char *state = set->state ? set->state : old[0] ? old[0] : "new";
	const char *assignee = set->assignee ? set->assignee : old[1];
	const char *note = set->note ? set->note : old[2];
	if (assignee && !*assignee)
		assignee = NULL;
	if (note && !*note)
		note = NULL;
	cg_err err = CG_OK;
	if (!(s = stmt(c, SQL_TR_PUT)))
		err = CG_EDB;
	if (!err) {
		sqlite3_bind_int64(s, 1, seq);
		bind_id(s, 2, agency);
		sqlite3_bind_int64(s, 3, time / 86400000);
		sqlite3_bind_int(s, 4, sev);
		bind_str(s, 5, state);
		bind_str(s, 6, assignee);
		bind_str(s, 7, note);
		sqlite3_bind_int64(s, 8, now_ms);
		bind_str(s, 9, actor && actor->name ? actor->name : "system");
		err = step_done(c, s);
	}
	if (!err) {
		json_t *d = json_pack("{s:s,s:s}", "from", old[0] ? old[0] : "new", "state", state);
		json_object_set_new(d, "assignee", assignee ? cg_json_cstr(assignee) : json_null());
		json_object_set_new(d, "note", note ? cg_json_cstr(note) : json_null());
		err = audit_row(c, actor, "triage", "event", seq, d);
		json_decref(d);
	}
	for (int k = 0; k < 3; k++)
		free(old[k]);
	return err;
}

static const char SQL_EV_SEQ[] = "SELECT seq FROM events WHERE producer=? AND id=?";

static cg_err sq_event_seq(cg_store_impl *st, const char *producer, const char *id, int64_t *seq)
{
	conn *c = reader_get(st);
	sqlite3_stmt *s = stmt(c, SQL_EV_SEQ);
	cg_err err = s ? CG_OK : CG_EDB;
	if (!err) {
		bind_str(s, 1, producer);
		bind_str(s, 2, id);
		if (sqlite3_step(s) == SQLITE_ROW)
			*seq = sqlite3_column_int64(s, 0);
		else
			err = CG_ENOTFOUND;
		sqlite3_reset(s);
	}
	reader_put(st, c);
	return err;
}

static cg_err sq_events_triage(cg_store_impl *st, const cg_scope *scope, const cg_actor *actor,
                               const int64_t *seqs, size_t n, const cg_triage_set *set,
                               int64_t now_ms)
{
	conn *c = writer_get(st);
	cg_err err = begin(c);
	if (!err) {
		for (size_t i = 0; !err && i < n; i++)
			err = triage_one(c, scope, actor, seqs[i], set, now_ms);
		err = finish(c, err);
	}
	writer_put(st);
	return err;
}

static cg_err sq_triage_get(cg_store_impl *st, const int64_t *seqs, size_t n, json_t **out)
{
	*out = NULL;
	json_t *ids = json_array(), *map = json_object();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(ids, json_integer(seqs[i]));
	char *text = json_dumps(ids, JSON_COMPACT);
	json_decref(ids);
	conn *c = reader_get(st);
	sqlite3_stmt *s = text ? stmt(c, SQL_TR_GET) : NULL;
	cg_err err = !text ? CG_ENOMEM : s ? CG_OK : CG_EDB;
	if (!err) {
		bind_str(s, 1, text);
		while (sqlite3_step(s) == SQLITE_ROW) {
			char key[24];
			snprintf(key, sizeof key, "%lld", (long long)sqlite3_column_int64(s, 0));
			json_t *o = json_object();
			json_object_set_new(o, "state", col_str(s, 1));
			json_object_set_new(o, "assignee", col_str(s, 2));
			json_object_set_new(o, "note", col_str(s, 3));
			json_object_set_new(o, "triaged_at", col_time(s, 4));
			json_object_set_new(o, "triaged_by", col_str(s, 5));
			json_object_set_new(map, key, o);
		}
		sqlite3_reset(s);
	}
	reader_put(st, c);
	free(text);
	if (err) {
		json_decref(map);
		return err;
	}
	*out = map;
	return CG_OK;
}

static cg_err sq_triage_counts(cg_store_impl *st, const cg_scope *scope, int64_t since_ms,
                               json_t **out)
{
	*out = NULL;
	json_t *arr = json_array();
	conn *c = reader_get(st);
	sqlite3_stmt *s = stmt(c, SQL_TR_COUNTS);
	cg_err err = s ? CG_OK : CG_EDB;
	if (!err) {
		sqlite3_bind_int64(s, 1, scope->agency_id);
		sqlite3_bind_int64(s, 2, since_ms);
		while (sqlite3_step(s) == SQLITE_ROW)
			json_array_append_new(
			    arr, json_pack("{s:I,s:s,s:s,s:I}", "agency_id",
			                   (json_int_t)sqlite3_column_int64(s, 0), "severity",
			                   cg_severity_name((cg_severity)sqlite3_column_int(s, 1)),
			                   "state", (const char *)sqlite3_column_text(s, 2), "n",
			                   (json_int_t)sqlite3_column_int64(s, 3)));
		sqlite3_reset(s);
	}
	reader_put(st, c);
	if (err) {
		json_decref(arr);
		return err;
	}
	*out = arr;
	return CG_OK;
}

/* ---- suppression rules --------------------------------------------------- */

static const char SQL_SUP_ADD[] =
    "INSERT INTO suppressions(source,kind,subject,agency_id,note,from_event,expires_at,"
    "created_at,created_by) VALUES(?,?,?,?,?,?,?,?,?)";
static const char SQL_SUP_LIST[] =
    "SELECT id,source,kind,subject,agency_id,note,from_event,expires_at,created_at,created_by,"
    "revoked_at FROM suppressions WHERE (?1=0 OR agency_id=?1)"
    " AND (?2=0 OR (revoked_at IS NULL AND expires_at>?3)) AND (?4=0 OR id=?4)"
    " ORDER BY id DESC LIMIT 1000";
static const char SQL_SUP_REVOKE[] =
    "UPDATE suppressions SET revoked_at=?1 WHERE id=?2 AND revoked_at IS NULL"
    " AND (?3=0 OR agency_id=?3)";

static cg_err sq_suppression_create(cg_store_impl *st, const cg_actor *actor, const json_t *rec,
                                    int64_t expires_ms, int64_t now_ms, int64_t *id)
{
	conn *c = writer_get(st);
	cg_err err = begin(c);
	if (!err) {
		sqlite3_stmt *s = stmt(c, SQL_SUP_ADD);
		if (!s)
			err = CG_EDB;
		else {
			bind_str(s, 1, cg_json_get_str(rec, "source"));
			bind_str(s, 2, cg_json_get_str(rec, "kind"));
			bind_str(s, 3, cg_json_get_str(rec, "subject"));
			bind_id(s, 4, json_integer_value(json_object_get(rec, "agency_id")));
			bind_str(s, 5, cg_json_get_str(rec, "note"));
			bind_id(s, 6, json_integer_value(json_object_get(rec, "from_event")));
			sqlite3_bind_int64(s, 7, expires_ms);
			sqlite3_bind_int64(s, 8, now_ms);
			bind_str(s, 9, actor && actor->name ? actor->name : "system");
			err = step_done(c, s);
			if (!err)
				*id = sqlite3_last_insert_rowid(c->db);
		}
		if (!err)
			err = audit_row(c, actor, "create", "suppression", *id, rec);
		err = finish(c, err);
	}
	writer_put(st);
	return err;
}

static cg_err sq_suppressions_list(cg_store_impl *st, const cg_scope *scope, bool active_only,
                                   int64_t id, int64_t now_ms, json_t **items)
{
	*items = NULL;
	json_t *arr = json_array();
	conn *c = reader_get(st);
	sqlite3_stmt *s = stmt(c, SQL_SUP_LIST);
	cg_err err = s ? CG_OK : CG_EDB;
	if (!err) {
		sqlite3_bind_int64(s, 1, scope->agency_id);
		sqlite3_bind_int(s, 2, active_only);
		sqlite3_bind_int64(s, 3, now_ms);
		sqlite3_bind_int64(s, 4, id);
		while (sqlite3_step(s) == SQLITE_ROW) {
			json_t *o = json_object();
			json_object_set_new(o, "id", json_integer(sqlite3_column_int64(s, 0)));
			json_object_set_new(o, "source", col_str(s, 1));
			json_object_set_new(o, "kind", col_str(s, 2));
			json_object_set_new(o, "subject", col_str(s, 3));
			json_object_set_new(o, "agency_id", col_int_null(s, 4));
			json_object_set_new(o, "note", col_str(s, 5));
			json_object_set_new(o, "from_event", col_int_null(s, 6));
			json_object_set_new(o, "expires_at", col_time(s, 7));
			json_object_set_new(o, "created_at", col_time(s, 8));
			json_object_set_new(o, "created_by", col_str(s, 9));
			json_object_set_new(o, "revoked_at",
			                    sqlite3_column_type(s, 10) == SQLITE_NULL
			                        ? json_null()
			                        : col_time(s, 10));
			json_array_append_new(arr, o);
		}
		sqlite3_reset(s);
	}
	reader_put(st, c);
	if (err) {
		json_decref(arr);
		return err;
	}
	*items = arr;
	return CG_OK;
}

static cg_err sq_suppression_revoke(cg_store_impl *st, const cg_scope *scope, const cg_actor *actor,
                                    int64_t id, int64_t now_ms)
{
	conn *c = writer_get(st);
	cg_err err = begin(c);
	if (!err) {
		sqlite3_stmt *s = stmt(c, SQL_SUP_REVOKE);
		if (!s)
			err = CG_EDB;
		else {
			sqlite3_bind_int64(s, 1, now_ms);
			sqlite3_bind_int64(s, 2, id);
			sqlite3_bind_int64(s, 3, scope->agency_id);
			err = step_done(c, s);
			if (!err && sqlite3_changes(c->db) == 0)
				err = CG_ENOTFOUND;
		}
		if (!err)
			err = audit_row(c, actor, "revoke", "suppression", id, NULL);
		err = finish(c, err);
	}
	writer_put(st);
	return err;
}

/* ---- incident cases ------------------------------------------------------ */

#define SQL_INC_COLS                                                                               \
	"SELECT id,year,year_seq,agency_id,state,severity,kind,rec,created_at,updated_at"          \
	" FROM incidents"
static const char SQL_INC_NEXT[] = "SELECT coalesce(max(year_seq),0)+1 FROM incidents WHERE year=?";
static const char SQL_INC_ADD[] =
    "INSERT INTO incidents(year,year_seq,agency_id,state,severity,kind,rec,created_at,"
    "updated_at) VALUES(?,?,?,?,?,?,?,?,?)";
static const char SQL_INC_CUR[] = "SELECT agency_id, state FROM incidents WHERE id=?";
static const char SQL_INC_SET[] =
    "UPDATE incidents SET state=?1, severity=?2, rec=?3, updated_at=?4, kind=?7 WHERE id=?5"
    " AND state=?6";
static const char SQL_INC_TOUCH[] = "UPDATE incidents SET updated_at=? WHERE id=?";
static const char SQL_INC_LINK[] =
    "INSERT INTO incident_events(incident_id, seq) VALUES(?,?) ON CONFLICT DO NOTHING";
static const char SQL_INC_TL[] =
    "INSERT INTO incident_timeline(incident_id,time,actor,what,detail) VALUES(?,?,?,?,?)";
static const char SQL_INC_GET[] = SQL_INC_COLS " WHERE id=?";
static const char SQL_INC_EVENTS[] =
    "SELECT seq FROM incident_events WHERE incident_id=? ORDER BY seq";
static const char SQL_INC_TIMELINE[] =
    "SELECT time,actor,what,detail FROM incident_timeline WHERE incident_id=? ORDER BY id";

static json_t *row_incident(sqlite3_stmt *s)
{
	json_t *o = col_json(s, 7);
	if (!json_is_object(o)) {
		json_decref(o);
		o = json_object();
	}
	json_object_set_new(o, "id", json_integer(sqlite3_column_int64(s, 0)));
	json_object_set_new(o, "year", json_integer(sqlite3_column_int64(s, 1)));
	json_object_set_new(o, "year_seq", json_integer(sqlite3_column_int64(s, 2)));
	json_object_set_new(o, "agency_id", json_integer(sqlite3_column_int64(s, 3)));
	json_object_set_new(o, "state", col_str(s, 4));
	json_object_set_new(o, "severity", col_str(s, 5));
	json_object_set_new(o, "kind", col_str(s, 6));
	json_object_set_new(o, "created_at", col_time(s, 8));
	json_object_set_new(o, "updated_at", col_time(s, 9));
	return o;
}

static cg_err inc_write_tx(conn *c, const cg_scope *scope, const cg_actor *actor,
                           const cg_inc_write *w, int64_t now_ms, int64_t *id)
{
	sqlite3_stmt *s;
	cg_err err = CG_OK;
	char *rec = w->rec ? json_dumps(w->rec, JSON_COMPACT) : NULL;
	if (w->rec && !rec)
		return CG_ENOMEM;
	if (!w->id) {
		int64_t agency = json_integer_value(json_object_get(w->rec, "agency_id"));
		if (scope->agency_id != 0 && agency != scope->agency_id)
			err = CG_EPERM;
		int64_t next = 0;
		if (!err && !(s = stmt(c, SQL_INC_NEXT)))
			err = CG_EDB;
		if (!err) {
			sqlite3_bind_int(s, 1, w->year);
			if (sqlite3_step(s) == SQLITE_ROW)
				next = sqlite3_column_int64(s, 0);
			sqlite3_reset(s);
		}
		if (!err && !(s = stmt(c, SQL_INC_ADD)))
			err = CG_EDB;
		if (!err) {
			sqlite3_bind_int(s, 1, w->year);
			sqlite3_bind_int64(s, 2, next);
			sqlite3_bind_int64(s, 3, agency);
			bind_str(s, 4, cg_json_get_str(w->rec, "state"));
			bind_str(s, 5, cg_json_get_str(w->rec, "severity"));
			bind_str(s, 6, cg_json_get_str(w->rec, "kind"));
			bind_str(s, 7, rec);
			sqlite3_bind_int64(s, 8, now_ms);
			sqlite3_bind_int64(s, 9, now_ms);
			err = step_done(c, s);
			if (err == CG_EINVAL)
				fk_field("agency_id");
			if (!err)
				*id = sqlite3_last_insert_rowid(c->db);
		}
	} else {
		*id = w->id;
		if (!(s = stmt(c, SQL_INC_CUR)))
			err = CG_EDB;
		else {
			sqlite3_bind_int64(s, 1, w->id);
			if (sqlite3_step(s) != SQLITE_ROW ||
			    (scope->agency_id != 0 &&
			     sqlite3_column_int64(s, 0) != scope->agency_id))
				err = CG_ENOTFOUND;
			sqlite3_reset(s);
		}
		if (!err && w->rec) {
			if (!(s = stmt(c, SQL_INC_SET)))
				err = CG_EDB;
			else {
				bind_str(s, 1, cg_json_get_str(w->rec, "state"));
				bind_str(s, 2, cg_json_get_str(w->rec, "severity"));
				bind_str(s, 3, rec);
				sqlite3_bind_int64(s, 4, now_ms);
				sqlite3_bind_int64(s, 5, w->id);
				bind_str(s, 6, w->expect_state);
				bind_str(s, 7, cg_json_get_str(w->rec, "kind")); /* it may change */
				err = step_done(c, s);
				if (!err && sqlite3_changes(c->db) == 0)
					err = CG_ECONFLICT; /* moved by another writer since it was
					                       read */
			}
		} else if (!err) {
			if (!(s = stmt(c, SQL_INC_TOUCH)))
				err = CG_EDB;
			else {
				sqlite3_bind_int64(s, 1, now_ms);
				sqlite3_bind_int64(s, 2, w->id);
				err = step_done(c, s);
			}
		}
	}
	free(rec);
	cg_triage_set in_inc = {.state = "in_incident"};
	for (size_t i = 0; !err && i < w->nlink; i++) {
		err = triage_one(c, scope, actor, w->link[i], &in_inc, now_ms);
		if (!err && !(s = stmt(c, SQL_INC_LINK)))
			err = CG_EDB;
		if (!err) {
			sqlite3_bind_int64(s, 1, *id);
			sqlite3_bind_int64(s, 2, w->link[i]);
			err = step_done(c, s);
		}
	}
	char *d = !err && w->detail ? json_dumps(w->detail, JSON_COMPACT) : NULL;
	if (!err && !(s = stmt(c, SQL_INC_TL)))
		err = CG_EDB;
	if (!err) {
		sqlite3_bind_int64(s, 1, *id);
		sqlite3_bind_int64(s, 2, now_ms);
		bind_str(s, 3, actor && actor->name ? actor->name : "system");
		bind_str(s, 4, w->what);
		bind_str(s, 5, d);
		err = step_done(c, s);
	}
	free(d);
	if (!err) {
		char action[48];
		snprintf(action, sizeof action, "incident.%s", w->what);
		err = audit_row(c, actor, action, "incident", *id, w->detail);
	}
	return err;
}

static cg_err sq_incident_write(cg_store_impl *st, const cg_scope *scope, const cg_actor *actor,
                                const cg_inc_write *w, int64_t now_ms, int64_t *id)
{
	conn *c = writer_get(st);
	cg_err err = begin(c);
	if (!err) {
		err = inc_write_tx(c, scope, actor, w, now_ms, id);
		err = finish(c, err);
	}
	writer_put(st);
	if (err)
		*id = 0;
	return err;
}

static cg_err sq_incident_get(cg_store_impl *st, const cg_scope *scope, int64_t id, json_t **out)
{
	*out = NULL;
	conn *c = reader_get(st);
	exec(c, "BEGIN");
	json_t *o = NULL;
	sqlite3_stmt *s = stmt(c, SQL_INC_GET);
	cg_err err = s ? CG_OK : CG_EDB;
	if (!err) {
		sqlite3_bind_int64(s, 1, id);
		if (sqlite3_step(s) == SQLITE_ROW &&
		    (scope->agency_id == 0 || sqlite3_column_int64(s, 3) == scope->agency_id))
			o = row_incident(s);
		else
			err = CG_ENOTFOUND;
		sqlite3_reset(s);
	}
	if (!err && (s = stmt(c, SQL_INC_EVENTS))) {
		json_t *evs = json_array();
		sqlite3_bind_int64(s, 1, id);
		while (sqlite3_step(s) == SQLITE_ROW)
			json_array_append_new(evs, json_integer(sqlite3_column_int64(s, 0)));
		sqlite3_reset(s);
		json_object_set_new(o, "events", evs);
	} else if (!err)
		err = CG_EDB;
	if (!err && (s = stmt(c, SQL_INC_TIMELINE))) {
		json_t *tl = json_array();
		sqlite3_bind_int64(s, 1, id);
		while (sqlite3_step(s) == SQLITE_ROW) {
			json_t *r = json_object();
			json_object_set_new(r, "time", col_time(s, 0));
			json_object_set_new(r, "actor", col_str(s, 1));
			json_object_set_new(r, "what", col_str(s, 2));
			json_object_set_new(r, "detail", col_json(s, 3));
			json_array_append_new(tl, r);
		}
		sqlite3_reset(s);
		json_object_set_new(o, "timeline", tl);
	} else if (!err)
		err = CG_EDB;
	exec(c, "COMMIT");
	reader_put(st, c);
	if (err) {
		json_decref(o);
		return err;
	}
	*out = o;
	return CG_OK;
}

static cg_err sq_incidents_list(cg_store_impl *st, const cg_scope *scope, const char *state,
                                int64_t limit, int64_t offset, json_t **items, int64_t *total)
{
	*items = NULL;
	*total = 0;
	cg_buf sql;
	cg_buf_init(&sql, 512);
	cg_buf_puts(&sql,
	            " FROM incidents WHERE (?1=0 OR agency_id=?1) AND (?2 IS NULL OR state=?2)");
	conn *c = reader_get(st);
	char q1[600], q2[700];
	snprintf(q1, sizeof q1, "SELECT count(*)%s", cg_buf_cstr(&sql));
	snprintf(q2, sizeof q2,
	         "SELECT id,year,year_seq,agency_id,state,severity,kind,rec,created_at,updated_at%s"
	         " ORDER BY id DESC LIMIT ?3 OFFSET ?4",
	         cg_buf_cstr(&sql));
	cg_buf_free(&sql);
	json_t *arr = json_array();
	cg_err err = CG_OK;
	for (int k = 0; k < 2 && !err; k++) {
		sqlite3_stmt *s = stmt_dyn(c, k ? q2 : q1);
		if (!s) {
			err = CG_EDB;
			break;
		}
		sqlite3_bind_int64(s, 1, scope->agency_id);
		bind_str(s, 2, state);
		if (k) {
			sqlite3_bind_int64(s, 3, limit);
			sqlite3_bind_int64(s, 4, offset);
		}
		while (sqlite3_step(s) == SQLITE_ROW) {
			if (k)
				json_array_append_new(arr, row_incident(s));
			else
				*total = sqlite3_column_int64(s, 0);
		}
		sqlite3_finalize(s);
	}
	reader_put(st, c);
	if (err) {
		json_decref(arr);
		return err;
	}
	*items = arr;
	return CG_OK;
}

/* ---- public report form ------------------------------------------------ */

static const char SQL_CH_PRUNE[] = "DELETE FROM pow_challenges WHERE created < ?";
/* one statement: the count and the insert cannot be split by another
 * writer (SQLite has one) */
static const char SQL_CH_ISSUE[] =
    "INSERT INTO pow_challenges(id,client,created,expires,used) SELECT ?1,?2,?3,?4,0"
    " WHERE (SELECT count(*) FROM pow_challenges WHERE client=?2 AND created>=?5) < ?6";
static const char SQL_CH_USE[] =
    "UPDATE pow_challenges SET used=1 WHERE id=? AND used=0 AND expires>=?";
static const char SQL_PR_ADD[] = "INSERT INTO public_reports(code,state,created,updated,agency_id,"
                                 "event_id,screenshots) VALUES(?,?,?,?,?,?,?)";
static const char SQL_PR_GET[] = "SELECT code,state,created,updated FROM public_reports WHERE code=?";

static cg_err sq_challenge_issue(cg_store_impl *st, const char *id, const char *client,
                                 int64_t now_ms, int64_t expires_ms, int64_t since_ms, int64_t max)
{
	conn *c = writer_get(st);
	cg_err err = begin(c);
	sqlite3_stmt *s = err ? NULL : stmt(c, SQL_CH_PRUNE);
	if (!err && !s)
		err = CG_EDB;
	if (!err) {
		sqlite3_bind_int64(s, 1, since_ms);
		err = step_done(c, s);
	}
	if (!err && !(s = stmt(c, SQL_CH_ISSUE)))
		err = CG_EDB;
	if (!err) {
		bind_str(s, 1, id);
		bind_str(s, 2, client);
		sqlite3_bind_int64(s, 3, now_ms);
		sqlite3_bind_int64(s, 4, expires_ms);
		sqlite3_bind_int64(s, 5, since_ms);
		sqlite3_bind_int64(s, 6, max);
		err = step_done(c, s);
		if (!err && sqlite3_changes(c->db) == 0)
			err = CG_ELIMIT;
	}
	/* the prune stands even when the address is over its limit */
	cg_err ferr = finish(c, err == CG_ELIMIT ? CG_OK : err);
	if (ferr)
		err = ferr;
	writer_put(st);
	return err;
}

static cg_err sq_challenge_consume(cg_store_impl *st, const char *id, int64_t now_ms)
{
	conn *c = writer_get(st);
	sqlite3_stmt *s = stmt(c, SQL_CH_USE);
	cg_err err = s ? CG_OK : CG_EDB;
	if (!err) {
		bind_str(s, 1, id);
		sqlite3_bind_int64(s, 2, now_ms);
		err = step_done(c, s);
		if (!err && sqlite3_changes(c->db) == 0)
			err = CG_ENOTFOUND;
	}
	writer_put(st);
	return err;
}

static cg_err sq_public_report_add(cg_store_impl *st, const json_t *rec)
{
	char *shots = json_dumps(json_object_get(rec, "screenshots"), JSON_COMPACT | JSON_ENCODE_ANY);
	int64_t created = json_integer_value(json_object_get(rec, "created"));
	conn *c = writer_get(st);
	sqlite3_stmt *s = stmt(c, SQL_PR_ADD);
	cg_err err = s ? CG_OK : CG_EDB;
	if (!err) {
		bind_str(s, 1, cg_json_get_str(rec, "code"));
		bind_str(s, 2, cg_json_get_str(rec, "state"));
		sqlite3_bind_int64(s, 3, created);
		sqlite3_bind_int64(s, 4, created);
		bind_id(s, 5, json_integer_value(json_object_get(rec, "agency_id")));
		bind_str(s, 6, cg_json_get_str(rec, "event_id"));
		bind_str(s, 7, shots && strcmp(shots, "null") != 0 ? shots : "[]");
		err = step_done(c, s);
	}
	writer_put(st);
	free(shots);
	return err;
}

static cg_err sq_public_report_get(cg_store_impl *st, const char *code, json_t **out)
{
	conn *c = reader_get(st);
	sqlite3_stmt *s = stmt(c, SQL_PR_GET);
	cg_err err = s ? CG_OK : CG_EDB;
	if (!err) {
		bind_str(s, 1, code);
		int rc = sqlite3_step(s);
		if (rc == SQLITE_ROW) {
			json_t *o = json_object();
			json_object_set_new(o, "code", col_str(s, 0));
			json_object_set_new(o, "state", col_str(s, 1));
			json_object_set_new(o, "created", json_integer(sqlite3_column_int64(s, 2)));
			json_object_set_new(o, "updated", json_integer(sqlite3_column_int64(s, 3)));
			*out = o;
		} else {
			err = rc == SQLITE_DONE ? CG_ENOTFOUND
			                        : db_err(c->db, sqlite3_extended_errcode(c->db));
		}
		sqlite3_reset(s);
	}
	reader_put(st, c);
	return err;
}

/* ---- drills ------------------------------------------------------------ */

static const char SQL_DR_SYS[] = "SELECT agency_id FROM systems WHERE id=?";
static const char SQL_DR_ADD[] =
    "INSERT INTO drills(system_id,agency_id,date,scenario,participants,result,findings,"
    "created_at,created_by) VALUES(?,?,?,?,?,?,?,?,?)";
#define SQL_DR_WHERE " WHERE (?1=0 OR d.agency_id=?1) AND (?2=0 OR d.system_id=?2)"
static const char SQL_DR_LIST[] =
    "SELECT d.id,d.system_id,s.name,d.agency_id,d.date,d.scenario,d.participants,d.result,"
    "d.findings,d.created_at,d.created_by FROM drills d JOIN systems s ON "
    "s.id=d.system_id" SQL_DR_WHERE " ORDER BY d.date DESC, d.id DESC LIMIT ?3 OFFSET ?4";
static const char SQL_DR_COUNT[] = "SELECT count(*) FROM drills d" SQL_DR_WHERE;
static const char SQL_DR_LATEST[] =
    "SELECT system_id, max(date) FROM drills WHERE (?1=0 OR agency_id=?1) GROUP BY system_id";

static cg_err sq_drill_create(cg_store_impl *st, const cg_scope *scope, const cg_actor *actor,
                              const json_t *rec, int64_t *id)
{
	conn *c = writer_get(st);
	cg_err err = begin(c);
	int64_t sys = json_integer_value(json_object_get(rec, "system_id")), agency = 0;
	sqlite3_stmt *s = err ? NULL : stmt(c, SQL_DR_SYS);
	if (!err && !s)
		err = CG_EDB;
	if (!err) {
		sqlite3_bind_int64(s, 1, sys);
		int rc = sqlite3_step(s);
		if (rc == SQLITE_ROW)
			agency = sqlite3_column_int64(s, 0);
		else if (rc == SQLITE_DONE) {
			cg_store_set_violation(CG_VIOL_UNKNOWN, "system_id");
			err = CG_EINVAL;
		} else
			err = db_err(c->db, sqlite3_extended_errcode(c->db));
		sqlite3_reset(s);
	}
	if (!err && scope->agency_id > 0 && agency != scope->agency_id)
		err = CG_EPERM;
	if (!err && !(s = stmt(c, SQL_DR_ADD)))
		err = CG_EDB;
	if (!err) {
		sqlite3_bind_int64(s, 1, sys);
		sqlite3_bind_int64(s, 2, agency);
		bind_str(s, 3, cg_json_get_str(rec, "date"));
		bind_str(s, 4, cg_json_get_str(rec, "scenario"));
		bind_str(s, 5, cg_json_get_str(rec, "participants"));
		bind_str(s, 6, cg_json_get_str(rec, "result"));
		const char *f = cg_json_get_str(rec, "findings");
		bind_str(s, 7, f ? f : "");
		sqlite3_bind_int64(s, 8, cg_time_now_ms());
		bind_str(s, 9, actor && actor->name ? actor->name : "system");
		err = step_done(c, s);
		if (!err)
			*id = sqlite3_last_insert_rowid(c->db);
	}
	if (!err)
		err = audit_row(c, actor, "create", "drill", *id, rec);
	err = finish(c, err);
	writer_put(st);
	return err;
}

static cg_err sq_drill_list(cg_store_impl *st, const cg_scope *scope, int64_t system_id,
                            int64_t limit, int64_t offset, json_t **items, int64_t *total)
{
	conn *c = reader_get(st);
	sqlite3_stmt *s = stmt(c, SQL_DR_COUNT);
	cg_err err = s ? CG_OK : CG_EDB;
	if (!err) {
		sqlite3_bind_int64(s, 1, scope->agency_id);
		sqlite3_bind_int64(s, 2, system_id);
		if (sqlite3_step(s) == SQLITE_ROW)
			*total = sqlite3_column_int64(s, 0);
		else
			err = db_err(c->db, sqlite3_extended_errcode(c->db));
		sqlite3_reset(s);
	}
	json_t *arr = json_array();
	if (!err && !(s = stmt(c, SQL_DR_LIST)))
		err = CG_EDB;
	if (!err) {
		sqlite3_bind_int64(s, 1, scope->agency_id);
		sqlite3_bind_int64(s, 2, system_id);
		sqlite3_bind_int64(s, 3, limit);
		sqlite3_bind_int64(s, 4, offset);
		int rc;
		while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
			json_t *o = json_object();
			json_object_set_new(o, "id", json_integer(sqlite3_column_int64(s, 0)));
			json_object_set_new(o, "system_id",
			                    json_integer(sqlite3_column_int64(s, 1)));
			json_object_set_new(o, "system_name", col_str(s, 2));
			json_object_set_new(o, "agency_id",
			                    json_integer(sqlite3_column_int64(s, 3)));
			json_object_set_new(o, "date", col_str(s, 4));
			json_object_set_new(o, "scenario", col_str(s, 5));
			json_object_set_new(o, "participants", col_str(s, 6));
			json_object_set_new(o, "result", col_str(s, 7));
			json_object_set_new(o, "findings", col_str(s, 8));
			json_object_set_new(o, "created_at", col_time(s, 9));
			json_object_set_new(o, "created_by", col_str(s, 10));
			json_array_append_new(arr, o);
		}
		if (rc != SQLITE_DONE)
			err = db_err(c->db, sqlite3_extended_errcode(c->db));
		sqlite3_reset(s);
	}
	reader_put(st, c);
	if (err) {
		json_decref(arr);
		return err;
	}
	*items = arr;
	return CG_OK;
}

static cg_err sq_drill_latest(cg_store_impl *st, const cg_scope *scope, json_t **out)
{
	conn *c = reader_get(st);
	sqlite3_stmt *s = stmt(c, SQL_DR_LATEST);
	cg_err err = s ? CG_OK : CG_EDB;
	json_t *o = json_object();
	if (!err) {
		sqlite3_bind_int64(s, 1, scope->agency_id);
		int rc;
		while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
			char key[24];
			snprintf(key, sizeof key, "%lld", (long long)sqlite3_column_int64(s, 0));
			json_object_set_new(o, key, col_str(s, 1));
		}
		if (rc != SQLITE_DONE)
			err = db_err(c->db, sqlite3_extended_errcode(c->db));
		sqlite3_reset(s);
	}
	reader_put(st, c);
	if (err) {
		json_decref(o);
		return err;
	}
	*out = o;
	return CG_OK;
}

const cg_store_ops cg_store_sqlite_ops = {
	.name = "sqlite",
	.open = sq_open,
	.close = sq_close,
	.schema_version = sq_schema_version,
	.inv_create = sq_inv_create,
	.inv_update = sq_inv_update,
	.inv_delete = sq_inv_delete,
	.inv_get = sq_inv_get,
	.inv_list = sq_inv_list,
	.agency_lookup = sq_agency_lookup,
	.agency_map = sq_agency_map,
	.system_map = sq_system_map,
	.overview = sq_overview,
	.user_create = sq_user_create,
	.user_update = sq_user_update,
	.user_delete = sq_user_delete,
	.user_get = sq_user_get,
	.user_list = sq_user_list,
	.user_auth_info = sq_user_auth_info,
	.session_create = sq_session_create,
	.session_get = sq_session_get,
	.session_delete = sq_session_delete,
	.token_create = sq_token_create,
	.token_list = sq_token_list,
	.token_get = sq_token_get,
	.token_revoke = sq_token_revoke,
	.token_auth = sq_token_auth,
	.audit = sq_audit,
	.audit_list = sq_audit_list,
	.audit_last = sq_audit_last,
	.events_insert = sq_events_insert,
	.events_query = sq_events_query,
	.event_get = sq_event_get,
	.events_count = sq_events_count,
	.events_maintain = sq_events_maintain,
	.event_seq = sq_event_seq,
	.incident_write = sq_incident_write,
	.incident_get = sq_incident_get,
	.incidents_list = sq_incidents_list,
	.suppression_create = sq_suppression_create,
	.suppressions_list = sq_suppressions_list,
	.suppression_revoke = sq_suppression_revoke,
	.events_triage = sq_events_triage,
	.triage_get = sq_triage_get,
	.triage_counts = sq_triage_counts,
	.agencies_generation = sq_agencies_generation,
	.findings_by_day = sq_findings_by_day,
	.events_distinct = sq_events_distinct,
	.job_ensure = sq_job_ensure,
	.job_claim = sq_job_claim,
	.job_renew = sq_job_renew,
	.job_finish = sq_job_finish,
	.job_due = sq_job_due,
	.job_list = sq_job_list,
	.web_findings = sq_web_findings,
	.web_finding_open = sq_web_finding_open,
	.web_finding_close = sq_web_finding_close,
	.alert_add = sq_alert_add,
	.alerts_due = sq_alerts_due,
	.alert_update = sq_alert_update,
	.alerts_list = sq_alerts_list,
	.state = &sq_state_ops,
	.reports = &sq_reports_ops,
	.fwd = &sq_fwd_ops,
	.intel = &sq_intel_ops,
	.natreport = &sq_natreport_ops,
	.challenge_issue = sq_challenge_issue,
	.challenge_consume = sq_challenge_consume,
	.public_report_add = sq_public_report_add,
	.public_report_get = sq_public_report_get,
	.drill_create = sq_drill_create,
	.drill_list = sq_drill_list,
	.drill_latest = sq_drill_latest,
	.stats = sq_stats,
	.exposure = &sq_xp_ops,
};
