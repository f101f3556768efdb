/*
 * postgres.c - the PostgreSQL backend of store.h (libpq).
 *
 * For a province (or the national level) that outgrows one machine: the
 * database is a server of its own, several `canhgac serve` may share it.
 * The same five rules as the SQLite backend (docs/storage.md): opaque
 * handle, JSON records with the API's names, scope in every query, audit
 * in the transaction of the change, events committed before returning.
 *
 * Design:
 *  - A pool of CG_STORE_PG_CONNS connections, opened on first use; a
 *    thread takes one (waiting on a condition variable when all are busy),
 *    runs its statements and transaction on it, and gives it back. A
 *    connection found broken is reset before use, so a restarted database
 *    costs one failed request, not a restart of the server.
 *  - Parameters are sent as text with PQexecParams: the server parses
 *    them with the column's type, so nothing is ever spliced into SQL.
 *    The event insert, the one hot statement, is prepared once per
 *    connection.
 *  - Migrations are numbered per backend (an ordered array here, its own
 *    schema_version table); each runs in its own transaction under an
 *    advisory lock, so two servers starting together migrate once.
 *  - Dedup is `INSERT ... ON CONFLICT (id) DO NOTHING RETURNING seq`: a
 *    row back means stored, none means duplicate. seq is a bigserial
 *    (monotonic, never reused; a rolled-back batch leaves a gap, which the
 *    cursor does not mind).
 *  - Constraint failures are mapped from SQLSTATE and the constraint's
 *    name to {kind, field} (cg_store_set_violation), never passed on as
 *    the server's text.
 */
#include "backend.h"
#include "resources.h"

#include <libpq-fe.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"
#include "core/limits.h"
#include "core/text.h"
#include "core/timeutil.h"

/* ---- migrations ------------------------------------------------------ */

static const char *const migrations[] = {
    /* 1: inventory, accounts, audit, events, overview totals */
    "CREATE TABLE agencies ("
    " id bigserial PRIMARY KEY,"
    " name text NOT NULL,"
    " kind text NOT NULL,"
    " parent_id bigint CONSTRAINT agencies_parent_fk REFERENCES agencies(id) ON DELETE RESTRICT,"
    " code text CONSTRAINT agencies_code_key UNIQUE,"
    " ip_ranges jsonb NOT NULL DEFAULT '[]',"
    " declared_endpoints bigint NOT NULL DEFAULT 0,"
    " created_at bigint NOT NULL,"
    " updated_at bigint NOT NULL);"
    "CREATE INDEX agencies_parent ON agencies(parent_id);"
    "CREATE TABLE systems ("
    " id bigserial PRIMARY KEY,"
    " agency_id bigint NOT NULL CONSTRAINT systems_agency_fk REFERENCES agencies(id)"
    "  ON DELETE RESTRICT,"
    " name text NOT NULL,"
    " kind text NOT NULL,"
    " urls jsonb NOT NULL DEFAULT '[]',"
    " domains jsonb NOT NULL DEFAULT '[]',"
    " ips jsonb NOT NULL DEFAULT '[]',"
    " level bigint NOT NULL,"
    " dossier_status text NOT NULL,"
    " dossier_dates jsonb NOT NULL DEFAULT '{}',"
    " monitor_interval_s bigint NOT NULL DEFAULT 300,"
    " created_at bigint NOT NULL,"
    " updated_at bigint NOT NULL);"
    "CREATE INDEX systems_agency ON systems(agency_id);"
    "CREATE TABLE people ("
    " id bigserial PRIMARY KEY,"
    " agency_id bigint NOT NULL CONSTRAINT people_agency_fk REFERENCES agencies(id)"
    "  ON DELETE RESTRICT,"
    " name text NOT NULL,"
    " role text NOT NULL,"
    " title text NOT NULL DEFAULT '',"
    " phone text NOT NULL DEFAULT '',"
    " email text NOT NULL DEFAULT '',"
    " published_on_portal boolean NOT NULL DEFAULT false,"
    " created_at bigint NOT NULL,"
    " updated_at bigint NOT NULL);"
    "CREATE INDEX people_agency ON people(agency_id);"
    "CREATE TABLE users ("
    " id bigserial PRIMARY KEY,"
    " username text NOT NULL,"
    " display_name text NOT NULL DEFAULT '',"
    " role text NOT NULL,"
    " agency_id bigint CONSTRAINT users_agency_fk REFERENCES agencies(id) ON DELETE RESTRICT,"
    " pw_hash text NOT NULL,"
    " disabled boolean NOT NULL DEFAULT false,"
    " created_at bigint NOT NULL,"
    " updated_at bigint NOT NULL);"
    "CREATE UNIQUE INDEX users_username_key ON users(lower(username));"
    "CREATE INDEX users_agency ON users(agency_id);"
    "CREATE TABLE sessions ("
    " token_hash bytea PRIMARY KEY,"
    " user_id bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
    " csrf text NOT NULL,"
    " created_at bigint NOT NULL,"
    " expires_at bigint NOT NULL);"
    "CREATE INDEX sessions_user ON sessions(user_id);"
    "CREATE INDEX sessions_expires ON sessions(expires_at);"
    "CREATE TABLE api_tokens ("
    " id bigserial PRIMARY KEY,"
    " name text NOT NULL,"
    " scope text NOT NULL,"
    " agency_id bigint CONSTRAINT api_tokens_agency_fk REFERENCES agencies(id)"
    "  ON DELETE RESTRICT,"
    " token_hash bytea NOT NULL UNIQUE,"
    " created_at bigint NOT NULL,"
    " last_used_at bigint,"
    " revoked_at bigint);"
    "CREATE INDEX api_tokens_agency ON api_tokens(agency_id);"
    "CREATE TABLE audit ("
    " id bigserial PRIMARY KEY,"
    " time bigint NOT NULL,"
    " actor text NOT NULL,"
    " action text NOT NULL,"
    " object_type text NOT NULL,"
    " object_id bigint,"
    " detail jsonb);"
    "CREATE INDEX audit_actor ON audit(actor, id);"
    "CREATE INDEX audit_time ON audit(time);"
    "CREATE TABLE events ("
    " seq bigserial PRIMARY KEY,"
    /* ids are unique per producer (store.h cg_event_in) */
    " producer text NOT NULL DEFAULT '',"
    " id text NOT NULL,"
    " time bigint NOT NULL,"
    " received_at bigint NOT NULL,"
    " host text,"
    " agency text,"
    " agency_id bigint REFERENCES agencies(id) ON DELETE SET NULL,"
    " system_id bigint REFERENCES systems(id) ON DELETE SET NULL,"
    " source text NOT NULL,"
    " kind text NOT NULL,"
    " severity int NOT NULL,"
    " subject text,"
    " summary text NOT NULL,"
    " evidence jsonb NOT NULL,"
    /* text search: the search words of subject and summary
     * (core/text.h cg_text_search_words, the same folding as SQLite's
     * index), computed by canhgac at ingest */
    " search tsvector NOT NULL,"
    " CONSTRAINT events_producer_id_key UNIQUE (producer, id));"
    "CREATE INDEX events_search ON events USING gin(search);"
    "CREATE INDEX events_agency ON events(agency_id, seq);"
    "CREATE INDEX events_system ON events(system_id, seq);"
    "CREATE INDEX events_source ON events(source, seq);"
    "CREATE INDEX events_kind ON events(kind, seq);"
    "CREATE INDEX events_severity ON events(severity, seq);"
    "CREATE INDEX events_time ON events(time);"
    "CREATE TABLE event_counts ("
    " agency_id bigint NOT NULL REFERENCES agencies(id) ON DELETE CASCADE,"
    " day bigint NOT NULL,"
    " severity int NOT NULL,"
    " n bigint NOT NULL,"
    " PRIMARY KEY (agency_id, day, severity));"
    "CREATE TABLE event_hosts ("
    " agency_id bigint NOT NULL REFERENCES agencies(id) ON DELETE CASCADE,"
    " host text NOT NULL,"
    " last_seen bigint NOT NULL,"
    " PRIMARY KEY (agency_id, host));",
    /* 2: a counter every server reads to know that the agencies changed
     * (the address table it caches, api/agencytable.h); a statement
     * trigger bumps it in the transaction of the change */
    "CREATE TABLE store_counters (name text PRIMARY KEY, n bigint NOT NULL);"
    "INSERT INTO store_counters VALUES ('agencies', 0);"
    "CREATE FUNCTION bump_agencies() RETURNS trigger LANGUAGE plpgsql AS $$"
    " BEGIN UPDATE store_counters SET n = n + 1 WHERE name = 'agencies'; RETURN NULL; END $$;"
    "CREATE TRIGGER agencies_changed AFTER INSERT OR UPDATE OR DELETE ON agencies"
    " FOR EACH STATEMENT EXECUTE FUNCTION bump_agencies();",
    /* 3: the job scheduler (store.h cg_job) */
    "CREATE TABLE jobs ("
    " name text PRIMARY KEY,"
    " kind text NOT NULL,"
    " next_run bigint NOT NULL,"
    " last_run bigint,"
    " last_ok bigint,"
    " last_error text,"
    " attempts bigint NOT NULL DEFAULT 0,"
    " lease_holder text,"
    " lease_until bigint,"
    " lease_seq bigint NOT NULL DEFAULT 0);"
    "CREATE INDEX jobs_due ON jobs(next_run);",
    /* 4: the portal watch's open findings (was DATA/web/watch.json) */
    "CREATE TABLE web_findings ("
    " url text NOT NULL,"
    " kind text NOT NULL,"
    " summary text NOT NULL,"
    " severity text NOT NULL,"
    " since bigint NOT NULL,"
    " event_id text NOT NULL,"
    " CONSTRAINT web_findings_pkey PRIMARY KEY (url, kind));",
    /* 5: the alert queue (was DATA/web/alerts.json) */
    "CREATE TABLE alerts ("
    " id text PRIMARY KEY,"
    " created bigint NOT NULL,"
    " agency_id bigint,"
    " state text NOT NULL,"
    " attempts bigint NOT NULL,"
    " next_try bigint NOT NULL,"
    " last_error text,"
    " delivered bigint,"
    " doc jsonb NOT NULL);"
    "CREATE INDEX alerts_due ON alerts(state, next_try);"
    "CREATE INDEX alerts_created ON alerts(created);",
    /* the server state that had files or process memory of its own
     * (postgres_state.c): the store's secrets, the login throttle (was in
     * each server's memory), the agent registry, enrolment tokens and
     * agent policies (were DATA_DIR/agents.db) */
    "CREATE TABLE store_secrets (name text PRIMARY KEY, value bytea NOT NULL);"
    "CREATE TABLE login_throttle ("
    " key bytea PRIMARY KEY,"
    " window_start bigint NOT NULL,"
    " fails bigint NOT NULL);"
    "CREATE INDEX login_throttle_window ON login_throttle(window_start);"
    "CREATE TABLE enroll_tokens ("
    " id bigserial PRIMARY KEY,"
    " token_hash bytea NOT NULL CONSTRAINT enroll_tokens_hash_key UNIQUE,"
    " agency_id bigint NOT NULL CONSTRAINT enroll_tokens_agency_fk"
    "  REFERENCES agencies(id) ON DELETE CASCADE,"
    " note text,"
    " created_by text,"
    " created_at bigint NOT NULL,"
    " expires_at bigint NOT NULL,"
    " used_at bigint,"
    " used_by text);"
    "CREATE INDEX enroll_tokens_agency ON enroll_tokens(agency_id);"
    "CREATE TABLE agents ("
    " id bigserial PRIMARY KEY,"
    " agent_id text NOT NULL CONSTRAINT agents_agent_id_key UNIQUE,"
    " api_token_id bigint NOT NULL CONSTRAINT agents_token_key UNIQUE"
    "  CONSTRAINT agents_token_fk REFERENCES api_tokens(id) ON DELETE RESTRICT,"
    " agency_id bigint NOT NULL CONSTRAINT agents_agency_fk"
    "  REFERENCES agencies(id) ON DELETE RESTRICT,"
    " host text,"
    " os text,"
    " agent_version text,"
    " rule_version text,"
    " policy_version bigint,"
    " spool_pending bigint,"
    " enrolled_at bigint NOT NULL,"
    " last_seen bigint NOT NULL);"
    "CREATE INDEX agents_agency ON agents(agency_id);"
    "CREATE TABLE agent_policies ("
    " agency_id bigint PRIMARY KEY CONSTRAINT agent_policies_agency_fk"
    "  REFERENCES agencies(id) ON DELETE CASCADE,"
    " version bigint NOT NULL,"
    " body jsonb NOT NULL,"
    " updated_at bigint NOT NULL);",
    /* DNS log uploads (were a registry in memory and DATA_DIR files) */
    "CREATE TABLE dns_uploads ("
    " id bigserial PRIMARY KEY,"
    " name text NOT NULL,"
    " owner text NOT NULL,"
    " owner_kind bigint NOT NULL,"
    " agency_id bigint NOT NULL,"
    " state text NOT NULL,"
    " size bigint NOT NULL,"
    " writing_until bigint,"
    " progress text,"
    " result text,"
    " error text,"
    " created bigint NOT NULL,"
    " started bigint,"
    " finished bigint);"
    "CREATE INDEX dns_uploads_owner ON dns_uploads(owner);"
    "CREATE INDEX dns_uploads_state ON dns_uploads(state, id);",
    /* events partitioned by month of received_at (docs/storage.md,
     * "Events by month"). The existing table is converted, keeping every
     * row, its seq and the sequence. A unique index on a partitioned
     * table must contain the partition key, which (producer, id) does
     * not: per-producer dedup moves to event_keys, one row per stored
     * event, kept by a BEFORE INSERT trigger (a duplicate's row is
     * skipped, so INSERT ... RETURNING returns nothing for it, as ON
     * CONFLICT DO NOTHING did). Partitions are made ahead by
     * canhgac_event_partitions (at open and by the events job) and
     * dropped by canhgac_events_drop_before (retention). */
    "CREATE TABLE event_partitions ("
    " name text PRIMARY KEY, lo bigint NOT NULL, hi bigint NOT NULL);"
    "CREATE TABLE event_keys ("
    " producer text NOT NULL,"
    " id text NOT NULL,"
    " received_at bigint NOT NULL,"
    " seq bigint NOT NULL,"
    " CONSTRAINT event_keys_pkey PRIMARY KEY (producer, id));"
    "CREATE FUNCTION canhgac_month_start(ms bigint, add int) RETURNS bigint"
    " LANGUAGE sql IMMUTABLE AS $$ SELECT (extract(epoch FROM date_trunc('month',"
    " to_timestamp(ms / 1000.0) AT TIME ZONE 'UTC') + make_interval(months => add))"
    " * 1000)::bigint $$;"
    "CREATE FUNCTION canhgac_event_partitions(from_ms bigint, to_ms bigint) RETURNS int"
    " LANGUAGE plpgsql AS $$"
    " DECLARE m bigint := canhgac_month_start(from_ms, 0); nx bigint; nm text; made int := 0;"
    " BEGIN"
    "  PERFORM pg_advisory_xact_lock(7311002612);"
    "  WHILE m <= to_ms LOOP"
    "   nx := canhgac_month_start(m, 1);"
    "   nm := 'events_' || to_char(to_timestamp(m / 1000) AT TIME ZONE 'UTC', 'YYYY_MM');"
    "   IF NOT EXISTS (SELECT 1 FROM event_partitions WHERE name = nm) THEN"
    "    EXECUTE format('CREATE TABLE %I PARTITION OF events FOR VALUES FROM (%s) TO (%s)',"
    "                   nm, m, nx);"
    "    INSERT INTO event_partitions VALUES (nm, m, nx);"
    "    made := made + 1;"
    "   END IF;"
    "   m := nx;"
    "  END LOOP;"
    "  RETURN made;"
    " END $$;"
    "CREATE FUNCTION canhgac_event_key() RETURNS trigger LANGUAGE plpgsql AS $$"
    " DECLARE n int;"
    " BEGIN"
    "  INSERT INTO event_keys(producer, id, received_at, seq)"
    "   VALUES (NEW.producer, NEW.id, NEW.received_at, NEW.seq) ON CONFLICT DO NOTHING;"
    "  GET DIAGNOSTICS n = ROW_COUNT;"
    /* the same row again (moved to another month by an UPDATE of
     * received_at, or copied again by `store copy`) keeps its key */
    "  IF n = 0 THEN"
    "   UPDATE event_keys SET received_at = NEW.received_at"
    "    WHERE producer = NEW.producer AND id = NEW.id AND seq = NEW.seq;"
    "   GET DIAGNOSTICS n = ROW_COUNT;"
    "   IF n = 0 THEN RETURN NULL; END IF;"
    "  END IF;"
    "  RETURN NEW;"
    " END $$;"
    /* the running totals lose what is dropped (the same rules as ingest:
     * day of the event's time, agent hosts' latest time) */
    "CREATE FUNCTION canhgac_events_drop_before(cutoff bigint) RETURNS bigint"
    " LANGUAGE plpgsql AS $$"
    " DECLARE p record; cnt bigint; total bigint := 0;"
    " BEGIN"
    "  PERFORM pg_advisory_xact_lock(7311002612);"
    "  CREATE TEMP TABLE IF NOT EXISTS canhgac_gone_hosts (agency_id bigint, host text)"
    "   ON COMMIT DROP;"
    "  FOR p IN SELECT name, lo, hi FROM event_partitions WHERE hi <= cutoff ORDER BY lo LOOP"
    "   EXECUTE format('SELECT count(*) FROM %I', p.name) INTO cnt;"
    "   EXECUTE format('UPDATE event_counts c SET n = c.n - d.n FROM (SELECT agency_id,"
    "    CASE WHEN time >= 0 THEN time / 86400000 ELSE 0 END AS day, severity, count(*) AS n"
    "    FROM %I WHERE agency_id IS NOT NULL GROUP BY 1, 2, 3) d WHERE c.agency_id ="
    "    d.agency_id AND c.day = d.day AND c.severity = d.severity', p.name);"
    "   EXECUTE format('INSERT INTO canhgac_gone_hosts SELECT DISTINCT agency_id, host"
    "    FROM %I WHERE source = ''agent'' AND host IS NOT NULL AND agency_id IS NOT NULL',"
    "    p.name);"
    "   DELETE FROM event_keys WHERE received_at >= p.lo AND received_at < p.hi;"
    "   EXECUTE format('DROP TABLE %I', p.name);"
    "   DELETE FROM event_partitions WHERE name = p.name;"
    "   total := total + cnt;"
    "  END LOOP;"
    "  DELETE FROM event_counts WHERE n <= 0;"
    "  EXECUTE 'DELETE FROM event_hosts h USING (SELECT DISTINCT agency_id, host FROM"
    "   canhgac_gone_hosts) g WHERE h.agency_id = g.agency_id AND h.host = g.host AND NOT"
    "   EXISTS (SELECT 1 FROM events e WHERE e.agency_id = h.agency_id AND e.host = h.host"
    "   AND e.source = ''agent'')';"
    "  EXECUTE 'UPDATE event_hosts h SET last_seen = m.last FROM (SELECT e.agency_id, e.host,"
    "   max(e.time) AS last FROM events e JOIN (SELECT DISTINCT agency_id, host FROM"
    "   canhgac_gone_hosts) g ON e.agency_id = g.agency_id AND e.host = g.host WHERE"
    "   e.source = ''agent'' GROUP BY 1, 2) m WHERE h.agency_id = m.agency_id AND"
    "   h.host = m.host';"
    "  EXECUTE 'DELETE FROM canhgac_gone_hosts';"
    "  RETURN total;"
    " END $$;"
    /* the conversion: the old table moves aside, its rows go into the
     * partitions, its names are freed for the new table's */
    "ALTER TABLE events RENAME TO events_unpartitioned;"
    "ALTER SEQUENCE events_seq_seq OWNED BY NONE;"
    "CREATE TABLE events ("
    " seq bigint NOT NULL DEFAULT nextval('events_seq_seq'),"
    " producer text NOT NULL DEFAULT '',"
    " id text NOT NULL,"
    " time bigint NOT NULL,"
    " received_at bigint NOT NULL,"
    " host text,"
    " agency text,"
    " agency_id bigint REFERENCES agencies(id) ON DELETE SET NULL,"
    " system_id bigint REFERENCES systems(id) ON DELETE SET NULL,"
    " source text NOT NULL,"
    " kind text NOT NULL,"
    " severity int NOT NULL,"
    " subject text,"
    " summary text NOT NULL,"
    " evidence jsonb NOT NULL,"
    " search tsvector NOT NULL"
    ") PARTITION BY RANGE (received_at);"
    "SELECT canhgac_event_partitions("
    " least(coalesce((SELECT min(received_at) FROM events_unpartitioned), n), n),"
    " greatest(coalesce((SELECT max(received_at) FROM events_unpartitioned), n), n)"
    " + 62 * 86400000::bigint)"
    " FROM (SELECT (extract(epoch FROM now()) * 1000)::bigint AS n) t;"
    "INSERT INTO event_keys(producer, id, received_at, seq)"
    " SELECT producer, id, received_at, seq FROM events_unpartitioned;"
    "INSERT INTO events SELECT seq, producer, id, time, received_at, host, agency, agency_id,"
    " system_id, source, kind, severity, subject, summary, evidence, search"
    " FROM events_unpartitioned;"
    "DROP TABLE events_unpartitioned;"
    "ALTER SEQUENCE events_seq_seq OWNED BY events.seq;"
    "ALTER TABLE events ADD CONSTRAINT events_pkey PRIMARY KEY (seq, received_at);"
    "CREATE INDEX events_search ON events USING gin(search);"
    "CREATE INDEX events_agency ON events(agency_id, seq);"
    "CREATE INDEX events_system ON events(system_id, seq);"
    "CREATE INDEX events_source ON events(source, seq);"
    "CREATE INDEX events_kind ON events(kind, seq);"
    "CREATE INDEX events_severity ON events(severity, seq);"
    "CREATE INDEX events_time ON events(time);"
    "CREATE INDEX event_keys_received ON event_keys(received_at);"
    "CREATE TRIGGER events_dedup BEFORE INSERT ON events"
    " FOR EACH ROW EXECUTE FUNCTION canhgac_event_key();",
    /* the triage of events (store.h cg_store_events_triage): one row per
     * event someone triaged, beside the never-changed event; its agency,
     * UTC day and severity copied so the overview counts what is left
     * "chưa xử lý" without reading the events */
    "CREATE TABLE event_triage ("
    " seq bigint PRIMARY KEY,"
    " agency_id bigint,"
    " day bigint NOT NULL,"
    " severity int NOT NULL,"
    " state text NOT NULL,"
    " assignee text,"
    " note text,"
    " updated_at bigint NOT NULL,"
    " updated_by text NOT NULL);"
    "CREATE INDEX event_triage_day ON event_triage(day, agency_id);"
    /* suppression rules made from false positives (store.h) */
    "CREATE TABLE suppressions ("
    " id bigserial PRIMARY KEY,"
    " source text NOT NULL,"
    " kind text NOT NULL,"
    " subject text,"
    " agency_id bigint,"
    " note text,"
    " from_event bigint,"
    " expires_at bigint NOT NULL,"
    " created_at bigint NOT NULL,"
    " created_by text NOT NULL,"
    " revoked_at bigint);"
    /* incident cases (store.h cg_store_incident_*): the columns the
     * scope and the lists need, the rest of the record as JSON; every
     * change and comment a timeline row */
    "CREATE TABLE incidents ("
    " id bigserial PRIMARY KEY,"
    " year int NOT NULL,"
    " year_seq bigint NOT NULL,"
    " agency_id bigint NOT NULL,"
    " state text NOT NULL,"
    " severity text NOT NULL,"
    " kind text NOT NULL,"
    " rec jsonb NOT NULL,"
    " created_at bigint NOT NULL,"
    " updated_at bigint NOT NULL,"
    " CONSTRAINT incidents_year_seq_key UNIQUE (year, year_seq));"
    "CREATE INDEX incidents_agency ON incidents(agency_id, id);"
    "CREATE TABLE incident_events ("
    " incident_id bigint NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,"
    " seq bigint NOT NULL,"
    " PRIMARY KEY (incident_id, seq));"
    "CREATE INDEX incident_events_seq ON incident_events(seq);"
    "CREATE TABLE incident_timeline ("
    " id bigserial PRIMARY KEY,"
    " incident_id bigint NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,"
    " time bigint NOT NULL,"
    " actor text NOT NULL,"
    " what text NOT NULL,"
    " detail jsonb);"
    "CREATE INDEX incident_timeline_case ON incident_timeline(incident_id, id);",
    /* the public report form: proof-of-work challenges (also the
     * per-address rate limit) and the reports' tracking state */
    "CREATE TABLE pow_challenges ("
    " id text PRIMARY KEY,"
    " client text NOT NULL,"
    " created bigint NOT NULL,"
    " expires bigint NOT NULL,"
    " used boolean NOT NULL DEFAULT false);"
    "CREATE INDEX pow_challenges_client ON pow_challenges(client, created);"
    "CREATE INDEX pow_challenges_created ON pow_challenges(created);"
    "CREATE TABLE public_reports ("
    " code text PRIMARY KEY,"
    " state text NOT NULL,"
    " created bigint NOT NULL,"
    " updated bigint NOT NULL,"
    " agency_id bigint,"
    " event_id text NOT NULL,"
    " screenshots jsonb NOT NULL);",
    /* drills (diễn tập) on systems; agency_id is the system's, for scope */
    "CREATE TABLE drills ("
    " id bigserial PRIMARY KEY,"
    " system_id bigint NOT NULL REFERENCES systems(id) ON DELETE CASCADE,"
    " agency_id bigint NOT NULL,"
    " date text NOT NULL,"
    " scenario text NOT NULL,"
    " participants text NOT NULL,"
    " result text NOT NULL,"
    " findings text NOT NULL,"
    " created_at bigint NOT NULL,"
    " created_by text NOT NULL);"
    "CREATE INDEX drills_system ON drills(system_id, date);"
    "CREATE INDEX drills_agency ON drills(agency_id, date);",
    /* exposure scans of systems (store.h): each run, and each finding from
     * the run that saw it first to the run that no longer saw it */
    "CREATE TABLE exposure_runs ("
    " id bigserial PRIMARY KEY,"
    " system_id bigint NOT NULL REFERENCES systems(id) ON DELETE CASCADE,"
    " agency_id bigint NOT NULL,"
    " status text NOT NULL,"
    " requested_by text NOT NULL,"
    " queued bigint NOT NULL,"
    " started bigint,"
    " finished bigint,"
    " targets bigint NOT NULL DEFAULT 0,"
    " reached bigint NOT NULL DEFAULT 0,"
    " findings bigint NOT NULL DEFAULT 0,"
    " fixed bigint NOT NULL DEFAULT 0,"
    " errors text NOT NULL DEFAULT '[]');"
    "CREATE INDEX exposure_runs_system ON exposure_runs(system_id, id);"
    "CREATE INDEX exposure_runs_status ON exposure_runs(status, id);"
    "CREATE TABLE exposure_findings ("
    " id bigserial PRIMARY KEY,"
    " system_id bigint NOT NULL REFERENCES systems(id) ON DELETE CASCADE,"
    " agency_id bigint NOT NULL,"
    " target text NOT NULL,"
    " kind text NOT NULL,"
    " severity text NOT NULL,"
    " summary text NOT NULL,"
    " cves text NOT NULL DEFAULT '[]',"
    " kev bigint NOT NULL DEFAULT 0,"
    " event_id text NOT NULL,"
    " opened bigint NOT NULL,"
    " opened_run bigint NOT NULL,"
    " fixed bigint,"
    " fixed_run bigint);"
    "CREATE UNIQUE INDEX exposure_findings_open ON exposure_findings(system_id, target, kind)"
    " WHERE fixed IS NULL;"
    "CREATE INDEX exposure_findings_agency ON exposure_findings(agency_id, id);",
    /* the deadline notices of incident cases (cg_store_incident_notice):
     * one row per (case, rule, stage) sent, so each is sent once */
    "CREATE TABLE incident_notices ("
    " incident_id bigint NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,"
    " rule text NOT NULL,"
    " stage text NOT NULL,"
    " sent_at bigint NOT NULL,"
    " PRIMARY KEY (incident_id, rule, stage));",
    /* the tasks of incident cases (cg_store_incident_task_*) */
    "CREATE TABLE incident_tasks ("
    " id bigserial PRIMARY KEY,"
    " incident_id bigint NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,"
    " title text NOT NULL,"
    " assignee text,"
    " due_at text,"
    " done boolean NOT NULL DEFAULT false,"
    " created_at bigint NOT NULL,"
    " updated_at bigint NOT NULL);"
    "CREATE INDEX incident_tasks_case ON incident_tasks(incident_id, id);",
    /* periodic reports (report/make.h): one per kind, period, agency
     * (0: the province) and language; the files are blob hashes */
    "CREATE TABLE reports ("
    " id bigserial PRIMARY KEY,"
    " kind text NOT NULL,"
    " period text NOT NULL,"
    " agency_id bigint NOT NULL DEFAULT 0,"
    " lang text NOT NULL,"
    " files jsonb NOT NULL,"
    " created_at bigint NOT NULL,"
    " created_by text NOT NULL,"
    " signed_by text,"
    " UNIQUE(kind, period, agency_id, lang));"
    "CREATE INDEX reports_agency ON reports(agency_id, id);",
    /* syslog forwarding (store.h): one cursor per destination */
    "CREATE TABLE fwd_cursors ("
    " name text PRIMARY KEY,"
    " last_seq bigint NOT NULL DEFAULT 0,"
    " sent bigint NOT NULL DEFAULT 0,"
    " last_sent bigint,"
    " last_error text,"
    " error_at bigint);",
    /* threat intelligence in (store.h "threat intelligence"): the sources
     * and their indicators, one row per source, type and value */
    "CREATE TABLE intel_sources ("
    " name text PRIMARY KEY,"
    " kind text NOT NULL,"
    " cursor text,"
    " last_pull bigint,"
    " last_error text,"
    " error_at bigint);"
    "CREATE TABLE intel_indicators ("
    " id bigserial PRIMARY KEY,"
    " source text NOT NULL REFERENCES intel_sources(name) ON DELETE CASCADE,"
    " type text NOT NULL,"
    " value text NOT NULL,"
    " confidence bigint,"
    " tlp text,"
    " valid_from bigint NOT NULL,"
    " valid_until bigint,"
    " first_seen bigint NOT NULL,"
    " last_seen bigint NOT NULL,"
    " ext_id text,"
    " description text,"
    " UNIQUE(source, type, value));"
    "CREATE INDEX intel_indicators_type ON intel_indicators(type, value);",
    /* a DNS upload's bytes: its chunks in the blob store, in order, a
     * JSON array of [sha256, size] (server/dns_upload.c) */
    "ALTER TABLE dns_uploads ADD COLUMN chunks text NOT NULL DEFAULT '[]';",
    /* the malware statistics sent to the national monitoring centre
     * (store_natreport.h): one row per delivery attempt and its answer */
    "CREATE TABLE national_deliveries ("
    " id bigserial PRIMARY KEY,"
    " period text NOT NULL,"
    " format text NOT NULL,"
    " url text NOT NULL,"
    " at bigint NOT NULL,"
    " ok bigint NOT NULL,"
    " http_status bigint,"
    " answer text,"
    " error text,"
    " sha256 text NOT NULL,"
    " bytes bigint NOT NULL);"
    "CREATE INDEX national_deliveries_period ON national_deliveries(period, ok);",
    /* the antivirus products an agent reported in its last heartbeat
     * (platform/av.h; JSON array, NULL when it reports none) */
    "ALTER TABLE agents ADD COLUMN antivirus text;",
    /* the scheduled MISP pushes (store_natreport.h): one row per run */
    "CREATE TABLE misp_deliveries ("
    " id bigserial PRIMARY KEY,"
    " dest text NOT NULL,"
    " url text NOT NULL,"
    " since bigint NOT NULL,"
    " until bigint NOT NULL,"
    " from_seq bigint NOT NULL,"
    " to_seq bigint NOT NULL,"
    " at bigint NOT NULL,"
    " ok bigint NOT NULL,"
    " http_status bigint,"
    " events bigint NOT NULL,"
    " attributes bigint NOT NULL,"
    " error text);"
    "CREATE INDEX misp_deliveries_dest ON misp_deliveries(dest, ok);",
    /* enrolment tokens that enrol many endpoints (api_agent.c): one use
     * per enrolment up to max_uses; used_at/used_by are the last use */
    "ALTER TABLE enroll_tokens ADD COLUMN max_uses bigint NOT NULL DEFAULT 1;"
    "ALTER TABLE enroll_tokens ADD COLUMN uses bigint NOT NULL DEFAULT 0;"
    "UPDATE enroll_tokens SET uses=1 WHERE used_at IS NOT NULL;",
    /* a revoked enrolment token enrols nothing more (api_agent.c); two
     * statements in one step (the parentheses tell clang's
     * -Wstring-concatenation the joined literals are meant) */
    ("ALTER TABLE enroll_tokens ADD COLUMN revoked_at bigint;"
     "ALTER TABLE enroll_tokens ADD COLUMN revoked_by text;"),
};
#define N_MIGRATIONS ((int)(sizeof migrations / sizeof migrations[0]))

const char *cg_store_pg_migration(int i)
{
	return i >= 0 && i < N_MIGRATIONS ? migrations[i] : NULL;
}

int cg_store_postgres_latest(void)
{
	return N_MIGRATIONS;
}

/* ---- resources -------------------------------------------------------- */

/* The field tables: resources.h (shared with the other backend). */

/* ---- parameters --------------------------------------------------------- */

#define MAX_PARAMS 24

/* Text parameters of one statement; owned copies freed by params_free. */
typedef struct params {
	int n;
	const char *v[MAX_PARAMS];
	char *own[MAX_PARAMS];
} params;

static void p_own(params *p, char *s)
{
	if (p->n < MAX_PARAMS) {
		p->v[p->n] = s;
		p->own[p->n] = s;
		p->n++;
	} else
		free(s);
}

static void p_null(params *p)
{
	if (p->n < MAX_PARAMS) {
		p->v[p->n] = NULL;
		p->own[p->n] = NULL;
		p->n++;
	}
}

static void p_int(params *p, int64_t v)
{
	char b[24];
	snprintf(b, sizeof b, "%lld", (long long)v);
	p_own(p, strdup(b));
}

/* A reference: NULL when not > 0. */
static void p_id(params *p, int64_t v)
{
	if (v > 0)
		p_int(p, v);
	else
		p_null(p);
}

static void p_str(params *p, const char *s)
{
	if (s)
		p_own(p, strdup(s));
	else
		p_null(p);
}

static void p_bool(params *p, bool v)
{
	p_str(p, v ? "t" : "f");
}

/* A 32-byte hash as bytea's hex input form. */
static void p_hash(params *p, const uint8_t h[32])
{
	static const char hx[] = "0123456789abcdef";
	char *b = malloc(2 + 64 + 1);
	if (!b) {
		p_null(p);
		return;
	}
	b[0] = '\\';
	b[1] = 'x';
	for (int i = 0; i < 32; i++) {
		b[2 + 2 * i] = hx[h[i] >> 4];
		b[3 + 2 * i] = hx[h[i] & 15];
	}
	b[66] = '\0';
	p_own(p, b);
}

static void p_json(params *p, const json_t *v, const char *dflt)
{
	char *t = v && !json_is_null(v) ? json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
	if (t)
		p_own(p, t);
	else
		p_str(p, dflt);
}

static void params_free(params *p)
{
	for (int i = 0; i < p->n; i++)
		free(p->own[i]);
	p->n = 0;
}

/* ---- connections ------------------------------------------------------ */

typedef struct pgconn {
	PGconn *c;
	bool in_use;
	bool prepared; /* the event insert is prepared on it */
} pgconn;

struct cg_store_impl {
	char *conninfo;
	pgconn conns[CG_STORE_PG_CONNS];
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int version;
	struct {
		char *select, *get, *insert, *update, *del;
	} sql[N_RES];
	/* arrival times known to have an events partition: [part_lo, part_hi)
	 * (under mu); an insert outside makes its month's first */
	int64_t part_lo, part_hi;
};

static void quiet_notices(void *arg, const char *msg)
{
	(void)arg;
	(void)msg;
}

/* Connects (or reconnects) c; CG_EDB with the reason in the error text. */
static cg_err conn_connect(cg_store_impl *st, pgconn *c)
{
	if (c->c && PQstatus(c->c) == CONNECTION_OK)
		return CG_OK;
	if (c->c)
		PQfinish(c->c);
	c->prepared = false;
	c->c = PQconnectdb(st->conninfo);
	if (!c->c)
		return CG_ENOMEM;
	if (PQstatus(c->c) != CONNECTION_OK) {
		cg_store_set_errmsg("postgresql: %s", PQerrorMessage(c->c));
		PQfinish(c->c);
		c->c = NULL;
		return CG_EDB;
	}
	PQsetNoticeProcessor(c->c, quiet_notices, NULL);
	/* times are integers; text compares byte-wise like SQLite's */
	PGresult *r = PQexec(c->c, "SET client_encoding='UTF8'; SET TIME ZONE 'UTC'");
	PQclear(r);
	return CG_OK;
}

static pgconn *conn_get(cg_store_impl *st)
{
	pthread_mutex_lock(&st->mu);
	for (;;) {
		for (int i = 0; i < CG_STORE_PG_CONNS; i++) {
			if (!st->conns[i].in_use) {
				st->conns[i].in_use = true;
				pthread_mutex_unlock(&st->mu);
				return &st->conns[i];
			}
		}
		pthread_cond_wait(&st->cv, &st->mu);
	}
}

static void conn_put(cg_store_impl *st, pgconn *c)
{
	/* never hand on a connection inside a transaction */
	if (c->c && PQtransactionStatus(c->c) != PQTRANS_IDLE) {
		PGresult *r = PQexec(c->c, "ROLLBACK");
		PQclear(r);
	}
	pthread_mutex_lock(&st->mu);
	c->in_use = false;
	pthread_cond_signal(&st->cv);
	pthread_mutex_unlock(&st->mu);
}

/* Maps a constraint name to the API field it guards. */
static const char *constraint_field(const char *name)
{
	static const struct {
		const char *constraint, *field;
	} map[] = {
	    {"agencies_code_key", "code"},         {"agencies_parent_fk", "parent_id"},
	    {"systems_agency_fk", "agency_id"},    {"people_agency_fk", "agency_id"},
	    {"users_agency_fk", "agency_id"},      {"users_username_key", "username"},
	    {"api_tokens_agency_fk", "agency_id"},
	};
	for (size_t i = 0; name && i < sizeof map / sizeof map[0]; i++)
		if (strcmp(map[i].constraint, name) == 0)
			return map[i].field;
	return "";
}

/* The cg_err of a failed result (and the violation as data). */
static cg_err res_err(PGconn *db, PGresult *r)
{
	const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	const char *msg = r ? PQresultErrorMessage(r) : PQerrorMessage(db);
	cg_store_set_errmsg("%s", msg && *msg ? msg : "postgresql error");
	/* drop the newline libpq ends messages with */
	char *e = (char *)cg_store_errmsg();
	size_t n = strlen(e);
	while (n && (e[n - 1] == '\n' || e[n - 1] == ' '))
		e[--n] = '\0';
	if (!state)
		return CG_EDB;
	const char *cons = PQresultErrorField(r, PG_DIAG_CONSTRAINT_NAME);
	if (strcmp(state, "23505") == 0) {
		cg_store_set_violation(CG_VIOL_DUPLICATE, constraint_field(cons));
		return CG_ECONFLICT;
	}
	if (strcmp(state, "23503") == 0) {
		cg_store_set_violation(CG_VIOL_UNKNOWN, constraint_field(cons));
		return CG_EINVAL;
	}
	if (strncmp(state, "23", 2) == 0 || strncmp(state, "22", 2) == 0)
		return CG_EINVAL;
	if (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0 ||
	    strcmp(state, "55P03") == 0 || strcmp(state, "57014") == 0)
		return CG_ETIMEOUT;
	if (strcmp(state, "53200") == 0)
		return CG_ENOMEM;
	return CG_EDB;
}

/* Runs sql with p's parameters; *out (may be NULL) gets the result when it
 * is CG_OK (the caller PQclear()s it). */
static cg_err q(pgconn *c, const char *sql, const params *p, PGresult **out)
{
	if (out)
		*out = NULL;
	PGresult *r = PQexecParams(c->c, sql, p ? p->n : 0, NULL, p ? p->v : NULL, NULL, NULL, 0);
	ExecStatusType s = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
	if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) {
		cg_err err = res_err(c->c, r);
		PQclear(r);
		return err;
	}
	if (out)
		*out = r;
	else
		PQclear(r);
	return CG_OK;
}

/* A statement without parameters (may be several, separated by ';'). */
static cg_err q0(pgconn *c, const char *sql)
{
	PGresult *r = PQexec(c->c, sql);
	ExecStatusType s = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
	cg_err err = CG_OK;
	if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK)
		err = res_err(c->c, r);
	PQclear(r);
	return err;
}

static cg_err begin(pgconn *c)
{
	return q0(c, "BEGIN");
}

/* Commits when err is CG_OK, else rolls back; returns the first error. */
static cg_err finish(pgconn *c, cg_err err)
{
	if (!err) {
		err = q0(c, "COMMIT");
		if (!err)
			return CG_OK;
	}
	PGresult *r = PQexec(c->c, "ROLLBACK");
	PQclear(r);
	return err;
}

/* A connection from the pool, connected; NULL (given back) on failure. */
static pgconn *take(cg_store_impl *st, cg_err *err)
{
	pgconn *c = conn_get(st);
	*err = conn_connect(st, c);
	if (*err) {
		conn_put(st, c);
		return NULL;
	}
	return c;
}

/* ---- reading helpers ----------------------------------------------- */

static bool isnull(const PGresult *r, int row, int col)
{
	return PQgetisnull(r, row, col) != 0;
}

static int64_t col_i64(const PGresult *r, int row, int col)
{
	if (isnull(r, row, col))
		return 0;
	return strtoll(PQgetvalue(r, row, col), NULL, 10);
}

static json_t *col_str(const PGresult *r, int row, int col)
{
	if (isnull(r, row, col))
		return json_null();
	return cg_json_str(
	    cg_slice_from(PQgetvalue(r, row, col), (size_t)PQgetlength(r, row, col)));
}

static json_t *col_int_null(const PGresult *r, int row, int col)
{
	return isnull(r, row, col) ? json_null() : json_integer(col_i64(r, row, col));
}

static bool col_bool(const PGresult *r, int row, int col)
{
	const char *v = PQgetvalue(r, row, col);
	return v && (v[0] == 't' || v[0] == '1');
}

static json_t *col_time(const PGresult *r, int row, int col)
{
	if (isnull(r, row, col))
		return json_null();
	char ts[32];
	cg_time_format(col_i64(r, row, col), ts, sizeof ts);
	return json_string(ts);
}

static json_t *col_json(const PGresult *r, int row, int col)
{
	if (isnull(r, row, col))
		return json_null();
	json_t *v = json_loadb(PQgetvalue(r, row, col), (size_t)PQgetlength(r, row, col),
	                       JSON_DECODE_ANY, NULL);
	return v ? v : json_null();
}

/* ---- audit ---------------------------------------------------------- */

static const char SQL_AUDIT[] = "INSERT INTO audit(time,actor,action,object_type,object_id,detail)"
                                " VALUES($1,$2,$3,$4,$5,$6)";

static cg_err audit_row(pgconn *c, const cg_actor *actor, const char *action, const char *otype,
                        int64_t oid, const json_t *detail)
{
	params p = {0};
	p_int(&p, cg_time_now_ms());
	p_str(&p, actor && actor->name ? actor->name : "system");
	p_str(&p, action);
	p_str(&p, otype);
	p_id(&p, oid);
	if (detail)
		p_json(&p, detail, NULL);
	else
		p_null(&p);
	cg_err err = q(c, SQL_AUDIT, &p, NULL);
	params_free(&p);
	return err;
}

/* ---- open / close ----------------------------------------------------- */

static cg_err migrate(cg_store_impl *st, pgconn *c)
{
	cg_err err = CG_OK;
	int v = 0;
	for (;;) {
		PGresult *r = NULL;
		err = begin(c);
		/* one server migrates at a time; the others wait, then see the
		 * new version */
		if (!err)
			err = q0(c, "SELECT pg_advisory_xact_lock(7311002611)");
		if (!err)
			err = q0(c, "CREATE TABLE IF NOT EXISTS schema_version"
			            " (version int NOT NULL)");
		if (!err)
			err = q(c, "SELECT coalesce(max(version),0) FROM schema_version", NULL, &r);
		if (!err) {
			v = (int)col_i64(r, 0, 0);
			PQclear(r);
		}
		if (!err && v > N_MIGRATIONS) {
			cg_store_set_errmsg("schema version %d is newer than this canhgac (%d)", v,
			                    N_MIGRATIONS);
			err = CG_EUNSUPPORTED;
		}
		if (!err && v == N_MIGRATIONS) {
			err = finish(c, CG_OK);
			break;
		}
		if (!err)
			err = q0(c, migrations[v]);
		if (!err) {
			params p = {0};
			p_int(&p, v + 1);
			err = q(c, "INSERT INTO schema_version(version) VALUES($1)", &p, NULL);
			params_free(&p);
		}
		if (err) {
			char saved[200];
			snprintf(saved, sizeof saved, "%.199s", cg_store_errmsg());
			finish(c, err);
			cg_store_set_errmsg("migration %d: %.199s", v + 1, saved);
			return err;
		}
		if ((err = finish(c, CG_OK)))
			return err;
	}
	st->version = v;
	return err;
}

static cg_err build_sql(cg_store_impl *st)
{
	for (int r = 0; r < N_RES; r++) {
		const resdef *d = &cg_store_resdefs[r];
		cg_buf cols, ins, vals, upd, sel, del;
		cg_buf_init(&cols, 4096);
		cg_buf_init(&ins, 4096);
		cg_buf_init(&vals, 4096);
		cg_buf_init(&upd, 4096);
		cg_buf_init(&sel, 4096);
		cg_buf_init(&del, 256);
		int i = 1;
		cg_buf_puts(&cols, "id");
		cg_buf_printf(&ins, "INSERT INTO %s(", d->table);
		cg_buf_printf(&upd, "UPDATE %s SET ", d->table);
		for (const field *f = d->fields; f->name; f++, i++) {
			cg_buf_printf(&cols, ",%s", f->name);
			cg_buf_printf(&ins, "%s,", f->name);
			cg_buf_printf(&vals, "$%d,", i);
			cg_buf_printf(&upd, "%s=$%d,", f->name, i);
		}
		cg_buf_puts(&cols, ",created_at,updated_at");
		cg_buf_printf(&ins, "created_at,updated_at) VALUES(%s$%d,$%d) RETURNING id",
		              cg_buf_cstr(&vals), i, i + 1);
		cg_err err = cg_buf_printf(&upd, "updated_at=$%d WHERE id=$%d", i, i + 1);
		cg_buf_printf(&sel, "SELECT %s FROM %s", cg_buf_cstr(&cols), d->table);
		st->sql[r].select = strdup(cg_buf_cstr(&sel));
		cg_buf_puts(&sel, " WHERE id=$1");
		st->sql[r].get = cg_buf_detach(&sel, NULL);
		st->sql[r].insert = cg_buf_detach(&ins, NULL);
		st->sql[r].update = cg_buf_detach(&upd, NULL);
		cg_buf_printf(&del, "DELETE FROM %s WHERE id=$1", d->table);
		st->sql[r].del = cg_buf_detach(&del, NULL);
		cg_buf_free(&cols);
		cg_buf_free(&vals);
		cg_buf_free(&sel);
		if (err || !st->sql[r].select || !st->sql[r].get || !st->sql[r].insert ||
		    !st->sql[r].update || !st->sql[r].del)
			return CG_ENOMEM;
	}
	return CG_OK;
}

static void pg_close(cg_store_impl *st)
{
	if (!st)
		return;
	for (int i = 0; i < CG_STORE_PG_CONNS; i++)
		if (st->conns[i].c)
			PQfinish(st->conns[i].c);
	for (int r = 0; r < N_RES; r++) {
		free(st->sql[r].select);
		free(st->sql[r].get);
		free(st->sql[r].insert);
		free(st->sql[r].update);
		free(st->sql[r].del);
	}
	pthread_mutex_destroy(&st->mu);
	pthread_cond_destroy(&st->cv);
	free(st->conninfo);
	free(st);
}

/* Makes the monthly partitions of events from from_ms's month to to_ms's,
 * and remembers them as known. */
static cg_err partitions_make(cg_store_impl *st, pgconn *c, int64_t from_ms, int64_t to_ms)
{
	params p = {0};
	p_int(&p, from_ms);
	p_int(&p, to_ms);
	cg_err err = q(c, "SELECT canhgac_event_partitions($1, $2)", &p, NULL);
	params_free(&p);
	if (!err) {
		pthread_mutex_lock(&st->mu);
		st->part_lo = cg_store_retention_cutoff(from_ms, 0);
		st->part_hi = cg_store_retention_cutoff(to_ms, -1);
		pthread_mutex_unlock(&st->mu);
	}
	return err;
}

static cg_err pg_open(const char *url, cg_store_impl **out, cg_buf *why)
{
	*out = NULL;
	cg_store_impl *st = calloc(1, sizeof *st);
	if (!st)
		return CG_ENOMEM;
	pthread_mutex_init(&st->mu, NULL);
	pthread_cond_init(&st->cv, NULL);
	st->conninfo = strdup(url);
	cg_err err = st->conninfo ? build_sql(st) : CG_ENOMEM;
	if (!err) {
		/* the first connection now: a wrong URL fails at start */
		pgconn *c = &st->conns[0];
		err = conn_connect(st, c);
		if (!err)
			err = migrate(st, c);
		/* this month's and the next partitions: ingest must not wait
		 * for the events job (which keeps CG_EVENT_MONTHS_AHEAD) */
		if (!err)
			err = partitions_make(st, c, cg_time_now_ms(),
			                      cg_time_now_ms() + 31 * 86400000LL);
	}
	if (err) {
		if (why)
			cg_buf_printf(why, "store: %s", cg_store_errmsg());
		pg_close(st);
		return err;
	}
	*out = st;
	return CG_OK;
}

static int pg_schema_version(cg_store_impl *st)
{
	return st->version;
}

/* ---- inventory -------------------------------------------------------- */

static json_t *row_record(const resdef *d, const PGresult *r, int row)
{
	json_t *o = json_object();
	if (!o)
		return NULL;
	json_object_set_new(o, "id", json_integer(col_i64(r, row, 0)));
	int i = 1;
	for (const field *f = d->fields; f->name; f++, i++) {
		json_t *v;
		switch (f->type) {
		case F_TEXT:
		case F_TEXT_NULL:
			v = col_str(r, row, i);
			break;
		case F_INT:
		case F_INT_NULL:
			v = col_int_null(r, row, i);
			break;
		case F_BOOL:
			v = json_boolean(col_bool(r, row, i));
			break;
		default:
			v = col_json(r, row, i);
			break;
		}
		json_object_set_new(o, f->name, v);
	}
	json_object_set_new(o, "created_at", col_time(r, row, i));
	json_object_set_new(o, "updated_at", col_time(r, row, i + 1));
	return o;
}

static void bind_record(const resdef *d, params *p, const json_t *rec)
{
	for (const field *f = d->fields; f->name; f++) {
		json_t *v = json_object_get(rec, f->name);
		switch (f->type) {
		case F_TEXT:
			p_str(p, json_is_string(v) ? json_string_value(v) : "");
			break;
		case F_TEXT_NULL:
			p_str(p, json_is_string(v) ? json_string_value(v) : NULL);
			break;
		case F_INT:
			p_int(p, json_integer_value(v));
			break;
		case F_INT_NULL:
			p_id(p, json_is_integer(v) ? json_integer_value(v) : 0);
			break;
		case F_BOOL:
			p_bool(p, json_is_true(v));
			break;
		default:
			p_json(p, v, "[]");
			break;
		}
	}
}

static int64_t rec_agency(cg_resource r, const json_t *rec)
{
	if (r == CG_RES_AGENCY)
		return 0;
	return json_integer_value(json_object_get(rec, "agency_id"));
}

/* Is the record visible in scope? Locks its row for the transaction. */
static cg_err check_scope(pgconn *c, cg_store_impl *st, const cg_scope *scope, cg_resource r,
                          int64_t id)
{
	char sql[512];
	snprintf(sql, sizeof sql, "%s FOR UPDATE", st->sql[r].get);
	params p = {0};
	p_int(&p, id);
	PGresult *res = NULL;
	cg_err err = q(c, sql, &p, &res);
	params_free(&p);
	if (err)
		return err;
	if (PQntuples(res) == 0)
		err = CG_ENOTFOUND;
	else if (scope->agency_id != 0) {
		int64_t owner = r == CG_RES_AGENCY ? col_i64(res, 0, 0) : col_i64(res, 0, 1);
		if (owner != scope->agency_id)
			err = CG_ENOTFOUND;
	}
	PQclear(res);
	return err;
}

static cg_err pg_inv_create(cg_store_impl *st, const cg_scope *scope, const cg_actor *actor,
                            cg_resource r, const json_t *rec, int64_t *id)
{
	if ((unsigned)r >= N_RES)
		return CG_EINVAL;
	if (scope->agency_id != 0 && (r == CG_RES_AGENCY || rec_agency(r, rec) != scope->agency_id))
		return CG_EPERM;
	const resdef *d = &cg_store_resdefs[r];
	cg_err err;
	pgconn *c = take(st, &err);
	if (!c)
		return err;
	err = begin(c);
	if (!err) {
		params p = {0};
		bind_record(d, &p, rec);
		int64_t now = cg_time_now_ms();
		p_int(&p, now);
		p_int(&p, now);
		PGresult *res = NULL;
		err = q(c, st->sql[r].insert, &p, &res);
		params_free(&p);
		if (!err) {
			*id = col_i64(res, 0, 0);
			PQclear(res);
			err = audit_row(c, actor, "create", d->type, *id, rec);
		}
		err = finish(c, err);
	}
	conn_put(st, c);
	return err;
}

static cg_err pg_inv_update(cg_store_impl *st, const cg_scope *scope, const cg_actor *actor,
                            cg_resource r, int64_t id, const json_t *rec)
{
	if ((unsigned)r >= N_RES)
		return CG_EINVAL;
	if (scope->agency_id != 0 && r != CG_RES_AGENCY && rec_agency(r, rec) != scope->agency_id)
		return CG_EPERM;
	const resdef *d = &cg_store_resdefs[r];
	cg_err err;
	pgconn *c = take(st, &err);
	if (!c)
		return err;
	err = begin(c);
	if (!err) {
		err = check_scope(c, st, scope, r, id);
		if (!err && scope->agency_id != 0 && r == CG_RES_AGENCY && id != scope->agency_id)
			err = CG_ENOTFOUND;
		if (!err) {
			params p = {0};
			bind_record(d, &p, rec);
			p_int(&p, cg_time_now_ms());
			p_int(&p, id);
			err = q(c, st->sql[r].update, &p, NULL);
			params_free(&p);
		}
		if (!err)
			err = audit_row(c, actor, "update", d->type, id, rec);
		err = finish(c, err);
	}
	conn_put(st, c);
	return err;
}

static cg_err pg_inv_delete(cg_store_impl *st, const cg_scope *scope, const cg_actor *actor,
                            cg_resource r, int64_t id)
{
	if ((unsigned)r >= N_RES)
		return CG_EINVAL;
	if (scope->agency_id != 0 && r == CG_RES_AGENCY)
		return CG_EPERM;
	cg_err err;
	pgconn *c = take(st, &err);
	if (!c)
		return err;
	err = begin(c);
	if (!err) {
		err = check_scope(c, st, scope, r, id);
		if (!err) {
			params p = {0};
			p_int(&p, id);
			err = q(c, st->sql[r].del, &p, NULL);
			params_free(&p);
			/* a reference still pointing here: a conflict */
			if (err == CG_EINVAL) {
				err = CG_ECONFLICT;
				cg_store_set_violation(CG_VIOL_IN_USE, "");
			}
		}
		if (!err)
			err = audit_row(c, actor, "delete", cg_store_resdefs[r].type, id, NULL);
		err = finish(c, err);
	}
	conn_put(st, c);
	return err;
}

static cg_err pg_inv_get(cg_store_impl *st, const cg_scope *scope, cg_resource r, int64_t id,
                         json_t **out)
{
	*out = NULL;
	if ((unsigned)r >= N_RES)
		return CG_EINVAL;
	cg_err err;
	pgconn *c = take(st, &err);
	if (!c)
		return err;
	params p = {0};
	p_int(&p, id);
	PGresult *res = NULL;
	err = q(c, st->sql[r].get, &p, &res);
	params_free(&p);
	conn_put(st, c);
	if (err)
		return err;
	if (PQntuples(res) == 0)
		err = CG_ENOTFOUND;
	else {
		int64_t owner = r == CG_RES_AGENCY ? col_i64(res, 0, 0) : col_i64(res, 0, 1);
		if (scope->agency_id != 0 && owner != scope->agency_id)
			err = CG_ENOTFOUND;
		else if (!(*out = row_record(&cg_store_resdefs[r], res, 0)))
			err = CG_ENOMEM;
	}
	PQclear(res);
	return err;
}

/* "%text%" with LIKE's wildcards escaped by backslash. */
static char *like_pattern(const char *s)
{
	size_t n = strlen(s);
	char *p = malloc(2 * n + 3);
	if (!p)
		return NULL;
	size_t j = 0;
	p[j++] = '%';
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '%' || s[i] == '_' || s[i] == '\\')
			p[j++] = '\\';
		p[j++] = s[i];
	}
	p[j++] = '%';
	p[j] = '\0';
	return p;
}

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
                          cg_buf *where, params *p)
{
	cg_err err = cg_buf_puts(where, " WHERE true");
	if (scope->agency_id != 0) {
		p_int(p, scope->agency_id);
		cg_buf_printf(where, " AND %s=$%d", d->scope_col, p->n);
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
			p_int(p, n);
			cg_buf_printf(where, " AND %s=$%d", f->column, p->n);
		} else if (json_is_string(v)) {
			const char *sv = json_string_value(v);
			if (f->op == OP_LIKE) {
				p_own(p, like_pattern(sv));
				cg_buf_printf(where, " AND %s ILIKE $%d ESCAPE '\\'", f->column,
				              p->n);
			} else {
				p_str(p, sv);
				cg_buf_printf(where, " AND %s=$%d", f->column, p->n);
			}
		}
		err = where->len >= where->max ? CG_ETOOBIG : CG_OK;
	}
	return err;
}

/* count(*) and one page of rows in one snapshot: *total and the rows
 * converted by fn. */
static cg_err list_rows(cg_store_impl *st, const char *cols_sql, const char *table,
                        const char *where, const params *p, const char *order, int64_t limit,
                        int64_t offset, json_t *(*fn)(const PGresult *, int, const void *),
                        const void *arg, json_t **items, int64_t *total)
{
	*items = NULL;
	*total = 0;
	cg_err err;
	pgconn *c = take(st, &err);
	if (!c)
		return err;
	cg_buf sql;
	cg_buf_init(&sql, 8192);
	json_t *arr = json_array();
	PGresult *res = NULL;
	err = q0(c, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
	if (!err) {
		cg_buf_printf(&sql, "SELECT count(*) FROM %s%s", table, where);
		err = q(c, cg_buf_cstr(&sql), p, &res);
	}
	if (!err) {
		*total = col_i64(res, 0, 0);
		PQclear(res);
		cg_buf_reset(&sql);
		cg_buf_printf(&sql, "%s%s ORDER BY %s LIMIT %lld OFFSET %lld", cols_sql, where,
		              order, (long long)limit, (long long)offset);
		err = q(c, cg_buf_cstr(&sql), p, &res);
	}
	if (!err) {
		int n = PQntuples(res);
		for (int i = 0; i < n; i++)
			json_array_append_new(arr, fn(res, i, arg));
		PQclear(res);
	}
	finish(c, CG_EINVAL); /* a read: roll back */
	conn_put(st, c);
	cg_buf_free(&sql);
	if (err) {
		json_decref(arr);
		return err;
	}
	*items = arr;
	return CG_OK;
}

static json_t *row_record_fn(const PGresult *r, int row, const void *arg)
{
	return row_record(arg, r, row);
}

static cg_err pg_inv_list(cg_store_impl *st, const cg_scope *scope, cg_resource r,
                          const json_t *filters, int64_t limit, int64_t offset, json_t **items,
                          int64_t *total)
{
	*items = NULL;
	*total = 0;
	if ((unsigned)r >= N_RES)
		return CG_EINVAL;
	const resdef *d = &cg_store_resdefs[r];
	cg_buf where;
	cg_buf_init(&where, 4096);
	params p = {0};
	cg_err err = build_where(d, scope, filters, &where, &p);
	if (!err)
		err = list_rows(st, st->sql[r].select, d->table, cg_buf_cstr(&where), &p, "id",
		                limit, offset, row_record_fn, d, items, total);
	cg_buf_free(&where);
	params_free(&p);
	return err;
}

static cg_err pg_agency_lookup(cg_store_impl *st, const cg_scope *scope, const char *key,
                               int64_t *id)
{
	*id = 0;
	int64_t n = 0;
	bool numeric = cg_parse_i64(cg_slice_cstr(key), 1, INT64_MAX, &n) == CG_OK;
	static const char *const sqls[3] = {
	    "SELECT id FROM agencies WHERE id=$1",
	    "SELECT id FROM agencies WHERE lower(code)=lower($1)",
	    "SELECT id FROM agencies WHERE name=$1 ORDER BY id LIMIT 1",
	};
	cg_err err;
	pgconn *c = take(st, &err);
	if (!c)
		return err;
	err = CG_ENOTFOUND;
	for (int k = 0; k < 3 && err == CG_ENOTFOUND; k++) {
		if (k == 0 && !numeric)
			continue;
		params p = {0};
		if (k == 0)
			p_int(&p, n);
		else
			p_str(&p, key);
		PGresult *res = NULL;
		cg_err e = q(c, sqls[k], &p, &res);
		params_free(&p);
		if (e) {
			err = e;
			break;
		}
		if (PQntuples(res) > 0) {
			*id = col_i64(res, 0, 0);
			err = CG_OK;
		}
		PQclear(res);
	}
	conn_put(st, c);
	if (!err && scope->agency_id != 0 && *id != scope->agency_id) {
		*id = 0;
		err = CG_ENOTFOUND;
	}
	return err;
}

/* Runs a read-only query and hands back its result. */
static cg_err read_q(cg_store_impl *st, const char *sql, const params *p, PGresult **res)
{
	cg_err err;
	pgconn *c = take(st, &err);
	if (!c)
		return err;
	err = q(c, sql, p, res);
	conn_put(st, c);
	return err;
}

/* A row as JSON by a column map: each column's member name and kind, in
 * the SELECT's order, so a list's rows are written once per resource
 * (sqlite.c has the same map over its statements). */
typedef enum { CM_STR, CM_INT, CM_INT_NULL, CM_TIME, CM_JSON, CM_BOOL } cm_kind;
typedef struct colmap {
	const char *name; /* NULL ends the map */
	cm_kind kind;
} colmap;

static json_t *row_map(const PGresult *r, int row, const colmap *m)
{
	json_t *o = json_object();
	for (int i = 0; o && m[i].name; i++) {
		json_t *v;
		switch (m[i].kind) {
		case CM_STR: v = col_str(r, row, i); break;
		case CM_INT: v = json_integer(col_i64(r, row, i)); break;
		case CM_INT_NULL: v = col_int_null(r, row, i); break;
		case CM_TIME: v = col_time(r, row, i); break;
		case CM_BOOL:
			v = json_boolean(col_i64(r, row, i) != 0);
			break;
		default: v = col_json(r, row, i); break;
		}
		json_object_set_new(o, m[i].name, v);
	}
	return o;
}

/* Every row of the list query sql (no parameter) through map m. */
static cg_err list_map(cg_store_impl *st, const char *sql, const colmap *m, json_t **items)
{
	*items = NULL;
	PGresult *res = NULL;
	cg_err err = read_q(st, sql, NULL, &res);
	if (err)
		return err;
	json_t *arr = json_array();
	for (int i = 0; i < PQntuples(res); i++)
		json_array_append_new(arr, row_map(res, i, m));
	PQclear(res);
	*items = arr;
	return CG_OK;
}

static cg_err pg_agency_map(cg_store_impl *st, json_t **out)
{
	*out = NULL;
	PGresult *res = NULL;
	cg_err err = read_q(st, "SELECT id, code, ip_ranges, name FROM agencies ORDER BY id", NULL, &res);
	if (err)
		return err;
	json_t *arr = json_array();
	for (int i = 0; i < PQntuples(res); i++) {
		json_t *o = json_object();
		json_object_set_new(o, "id", json_integer(col_i64(res, i, 0)));
		json_object_set_new(o, "code", col_str(res, i, 1));
		json_object_set_new(o, "ip_ranges", col_json(res, i, 2));
		json_object_set_new(o, "name", col_str(res, i, 3));
		json_array_append_new(arr, o);
	}
	PQclear(res);
	*out = arr;
	return CG_OK;
}

static cg_err pg_system_map(cg_store_impl *st, json_t **out)
{
	*out = NULL;
	PGresult *res = NULL;
	cg_err err = read_q(st, "SELECT id, agency_id, urls, domains, ips FROM systems ORDER BY id",
	                    NULL, &res);
	if (err)
		return err;
	json_t *arr = json_array();
	for (int i = 0; i < PQntuples(res); i++) {
		json_t *o = json_object();
		json_object_set_new(o, "id", json_integer(col_i64(res, i, 0)));
		json_object_set_new(o, "agency_id", json_integer(col_i64(res, i, 1)));
		json_object_set_new(o, "urls", col_json(res, i, 2));
		json_object_set_new(o, "domains", col_json(res, i, 3));
		json_object_set_new(o, "ips", col_json(res, i, 4));
		json_array_append_new(arr, o);
	}
	PQclear(res);
	*out = arr;
	return CG_OK;
}

/* ---- overview --------------------------------------------------------- */

/* Names sort byte-wise, as in SQLite, whatever the database's locale. */
static const char SQL_OV_AGENCIES[] = "SELECT id,name,kind,declared_endpoints FROM agencies"
                                      " WHERE $1::bigint=0 OR id=$1 ORDER BY name COLLATE \"C\"";
static const char SQL_OV_SYSTEMS[] =
    "SELECT agency_id, count(*), count(*) FILTER (WHERE kind='portal'),"
    " count(*) FILTER (WHERE dossier_status='approved') FROM systems"
    " WHERE $1::bigint=0 OR agency_id=$1 GROUP BY agency_id";
static const char SQL_OV_FINDINGS[] = "SELECT agency_id, severity, sum(n) FROM event_counts"
                                      " WHERE day>=$2::bigint/86400000 AND"
                                      " ($1::bigint=0 OR agency_id=$1)"
                                      " GROUP BY agency_id, severity";
static const char SQL_OV_ENDPOINTS[] = "SELECT agency_id, count(*) FROM event_hosts"
                                       " WHERE last_seen>=$2::bigint AND"
                                       " ($1::bigint=0 OR agency_id=$1) GROUP BY agency_id";

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

static cg_err pg_overview(cg_store_impl *st, const cg_scope *scope, int64_t now_ms, json_t **out)
{
	*out = NULL;
	int64_t since = now_ms - 30LL * 86400 * 1000;
	cg_err err;
	pgconn *c = take(st, &err);
	if (!c)
		return err;
	json_t *byid = json_object(), *list = json_array();
	params p = {0};
	p_int(&p, scope->agency_id);
	p_int(&p, since);
	params p1 = {.n = 1, .v = {p.v[0]}};
	PGresult *r = NULL;
	err = q0(c, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
	if (!err && !(err = q(c, SQL_OV_AGENCIES, &p1, &r))) {
		for (int i = 0; i < PQntuples(r); i++) {
			json_t *a = json_object();
			json_object_set_new(a, "id", json_integer(col_i64(r, i, 0)));
			json_object_set_new(a, "name", col_str(r, i, 1));
			json_object_set_new(a, "kind", col_str(r, i, 2));
			json_object_set_new(a, "portals", json_integer(0));
			json_object_set_new(a, "systems", json_integer(0));
			json_object_set_new(a, "endpoints", json_integer(0));
			json_object_set_new(a, "declared_endpoints",
			                    json_integer(col_i64(r, i, 3)));
			json_object_set_new(a, "open_findings", zero_findings());
			json_object_set_new(a, "classified",
			                    json_pack("{s:i,s:i}", "approved", 0, "total", 0));
			json_object_set(byid, PQgetvalue(r, i, 0), a);
			json_array_append_new(list, a);
		}
		PQclear(r);
	}
	if (!err && !(err = q(c, SQL_OV_SYSTEMS, &p1, &r))) {
		for (int i = 0; i < PQntuples(r); i++) {
			json_t *a = json_object_get(byid, PQgetvalue(r, i, 0));
			if (!a)
				continue;
			json_object_set_new(a, "systems", json_integer(col_i64(r, i, 1)));
			json_object_set_new(a, "portals", json_integer(col_i64(r, i, 2)));
			json_t *cl = json_object_get(a, "classified");
			json_object_set_new(cl, "approved", json_integer(col_i64(r, i, 3)));
			json_object_set_new(cl, "total", json_integer(col_i64(r, i, 1)));
		}
		PQclear(r);
	}
	if (!err && !(err = q(c, SQL_OV_FINDINGS, &p, &r))) {
		for (int i = 0; i < PQntuples(r); i++) {
			json_t *a = json_object_get(byid, PQgetvalue(r, i, 0));
			if (a)
				add_int(json_object_get(a, "open_findings"),
				        cg_severity_name((cg_severity)col_i64(r, i, 1)),
				        col_i64(r, i, 2));
		}
		PQclear(r);
	}
	if (!err && !(err = q(c, SQL_OV_ENDPOINTS, &p, &r))) {
		for (int i = 0; i < PQntuples(r); i++) {
			json_t *a = json_object_get(byid, PQgetvalue(r, i, 0));
			if (a)
				json_object_set_new(a, "endpoints", json_integer(col_i64(r, i, 1)));
		}
		PQclear(r);
	}
	finish(c, CG_EINVAL);
	conn_put(st, c);
	params_free(&p);
	json_decref(byid);
	if (err) {
		json_decref(list);
		return err;
	}
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

/* ---- users ------------------------------------------------------------ */

static const char SQL_USER_COLS[] =
    "SELECT id,username,display_name,role,agency_id,disabled FROM users";

static json_t *row_user(const PGresult *r, int i, const void *arg)
{
	(void)arg;
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(col_i64(r, i, 0)));
	json_object_set_new(o, "username", col_str(r, i, 1));
	json_object_set_new(o, "display_name", col_str(r, i, 2));
	json_object_set_new(o, "role", col_str(r, i, 3));
	json_object_set_new(o, "agency_id", col_int_null(r, i, 4));
	json_object_set_new(o, "disabled", json_boolean(col_bool(r, i, 5)));
	return o;
}

static cg_err pg_user_create(cg_store_impl *st, const cg_actor *actor, const json_t *rec,
                             const char *pw_hash, int64_t *id)
{
	cg_err err;
	pgconn *c = take(st, &err);
	if (!c)
		return err;
	err = begin(c);
	if (!err) {
		params p = {0};
		int64_t now = cg_time_now_ms();
		json_t *ag = json_object_get(rec, "agency_id");
		const char *dn = cg_json_get_str(rec, "display_name");
		p_str(&p, cg_json_get_str(rec, "username"));
		p_str(&p, dn ? dn : "");
		p_str(&p, cg_json_get_str(rec, "role"));
		p_id(&p, json_is_integer(ag) ? json_integer_value(ag) : 0);
		p_str(&p, pw_hash);
		p_bool(&p, json_is_true(json_object_get(rec, "disabled")));
		p_int(&p, now);
		p_int(&p, now);
		PGresult *res = NULL;
		err = q(c,
		        "INSERT INTO users(username,display_name,role,agency_id,pw_hash,"
		        "disabled,created_at,updated_at) VALUES($1,$2,$3,$4,$5,$6,$7,$8)"
		        " RETURNING id",
		        &p, &res);
		params_free(&p);
		if (!err) {
			*id = col_i64(res, 0, 0);
			PQclear(res);
			err = audit_row(c, actor, "create", "user", *id, rec);
		}
		err = finish(c, err);
	}
	conn_put(st, c);
	return err;
}

static cg_err pg_user_update(cg_store_impl *st, const cg_actor *actor, int64_t id,
                             const json_t *rec, const char *pw_hash)
{
	static const char *const cols[] = {"display_name", "role", "agency_id", "disabled"};
	cg_buf sql;
	cg_buf_init(&sql, 1024);
	params p = {0};
	p_int(&p, cg_time_now_ms());
	cg_buf_puts(&sql, "UPDATE users SET updated_at=$1");
	for (int k = 0; k < 4; k++) {
		json_t *v = json_object_get(rec, cols[k]);
		if (!v)
			continue;
		if (k == 2)
			p_id(&p, json_is_integer(v) ? json_integer_value(v) : 0);
		else if (k == 3)
			p_bool(&p, json_is_true(v));
		else
			p_str(&p, json_string_value(v));
		cg_buf_printf(&sql, ",%s=$%d", cols[k], p.n);
	}
	if (pw_hash) {
		p_str(&p, pw_hash);
		cg_buf_printf(&sql, ",pw_hash=$%d", p.n);
	}
	p_int(&p, id);
	cg_buf_printf(&sql, " WHERE id=$%d", p.n);
	cg_err err;
	pgconn *c = take(st, &err);
	if (!c) {
		params_free(&p);
		cg_buf_free(&sql);
		return err;
	}
	err = begin(c);
	if (!err) {
		PGresult *res = NULL;
		err = q(c, cg_buf_cstr(&sql), &p, &res);
		if (!err) {
			if (strcmp(PQcmdTuples(res), "0") == 0)
				err = CG_ENOTFOUND;
			PQclear(res);
		}
		/* a disabled account, a new password or new rights end its
		 * sessions */
		if (!err && (pw_hash || json_is_true(json_object_get(rec, "disabled")) ||
		             json_object_get(rec, "role") || json_object_get(rec, "agency_id"))) {
			params d = {0};
			p_int(&d, id);
			err = q(c, "DELETE FROM sessions WHERE user_id=$1", &d, NULL);
			params_free(&d);
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
	conn_put(st, c);
	params_free(&p);
	cg_buf_free(&sql);
	return err;
}

/* Runs one DELETE/UPDATE by id and its audit row in one transaction;
 * CG_ENOTFOUND when no row changed. */
static cg_err change_by_id(cg_store_impl *st, const char *sql, params *p, const cg_actor *actor,
                           const char *action, const char *otype, int64_t id)
{
	cg_err err;
	pgconn *c = take(st, &err);
	if (!c)
		return err;
	err = begin(c);
	if (!err) {
		PGresult *res = NULL;
		err = q(c, sql, p, &res);
		if (!err) {
			if (strcmp(PQcmdTuples(res), "0") == 0)
				err = CG_ENOTFOUND;
			PQclear(res);
		}
		if (!err)
			err = audit_row(c, actor, action, otype, id, NULL);
		err = finish(c, err);
	}
	conn_put(st, c);
	return err;
}

static cg_err pg_user_delete(cg_store_impl *st, const cg_actor *actor, int64_t id)
{
	params p = {0};
	p_int(&p, id);
	cg_err err =
	    change_by_id(st, "DELETE FROM users WHERE id=$1", &p, actor, "delete", "user", id);
	params_free(&p);
	return err;
}

/* One row by a query with one parameter, converted by fn. */
static cg_err get_one(cg_store_impl *st, const char *sql, params *p,
                      json_t *(*fn)(const PGresult *, int, const void *), json_t **out)
{
	*out = NULL;
	PGresult *res = NULL;
	cg_err err = read_q(st, sql, p, &res);
	if (err)
		return err;
	if (PQntuples(res) > 0)
		*out = fn(res, 0, NULL);
	else
		err = CG_ENOTFOUND;
	PQclear(res);
	return err;
}

static cg_err pg_user_get(cg_store_impl *st, int64_t id, json_t **out)
{
	params p = {0};
	p_int(&p, id);
	cg_err err = get_one(
	    st, "SELECT id,username,display_name,role,agency_id,disabled FROM users WHERE id=$1",
	    &p, row_user, out);
	params_free(&p);
	return err;
}

static cg_err pg_user_list(cg_store_impl *st, int64_t limit, int64_t offset, json_t **items,
                           int64_t *total)
{
	return list_rows(st, SQL_USER_COLS, "users", "", NULL, "id", limit, offset, row_user, NULL,
	                 items, total);
}

static cg_err pg_user_auth_info(cg_store_impl *st, const char *username, json_t **user,
                                char **pw_hash)
{
	*user = NULL;
	*pw_hash = NULL;
	params p = {0};
	p_str(&p, username);
	PGresult *res = NULL;
	cg_err err = read_q(st,
	                    "SELECT id,username,display_name,role,agency_id,disabled,pw_hash"
	                    " FROM users WHERE lower(username)=lower($1)",
	                    &p, &res);
	params_free(&p);
	if (err)
		return err;
	if (PQntuples(res) > 0) {
		*user = row_user(res, 0, NULL);
		*pw_hash = strdup(PQgetvalue(res, 0, 6));
	} else
		err = CG_ENOTFOUND;
	PQclear(res);
	return err;
}

/* ---- sessions --------------------------------------------------------- */

static cg_err pg_session_create(cg_store_impl *st, const uint8_t token_hash[32], int64_t user_id,
                                const char *csrf, int64_t expires_ms)
{
	cg_err err;
	pgconn *c = take(st, &err);
	if (!c)
		return err;
	int64_t now = cg_time_now_ms();
	err = begin(c);
	if (!err) {
		params p = {0};
		p_int(&p, now);
		err = q(c, "DELETE FROM sessions WHERE expires_at<$1", &p, NULL);
		params_free(&p);
	}
	if (!err) {
		params p = {0};
		p_hash(&p, token_hash);
		p_int(&p, user_id);
		p_str(&p, csrf);
		p_int(&p, now);
		p_int(&p, expires_ms);
		err = q(c,
		        "INSERT INTO sessions(token_hash,user_id,csrf,created_at,expires_at)"
		        " VALUES($1,$2,$3,$4,$5)",
		        &p, NULL);
		params_free(&p);
	}
	err = finish(c, err);
	conn_put(st, c);
	return err;
}

static cg_err pg_session_get(cg_store_impl *st, const uint8_t token_hash[32], int64_t now_ms,
                             json_t **user, char **csrf)
{
	*user = NULL;
	*csrf = NULL;
	params p = {0};
	p_hash(&p, token_hash);
	p_int(&p, now_ms);
	PGresult *res = NULL;
	cg_err err = read_q(st,
	                    "SELECT u.id,u.username,u.display_name,u.role,u.agency_id,u.disabled,"
	                    "s.csrf FROM sessions s JOIN users u ON u.id=s.user_id"
	                    " WHERE s.token_hash=$1 AND s.expires_at>$2 AND NOT u.disabled",
	                    &p, &res);
	params_free(&p);
	if (err)
		return err;
	if (PQntuples(res) > 0) {
		*user = row_user(res, 0, NULL);
		*csrf = strdup(PQgetvalue(res, 0, 6));
	} else
		err = CG_ENOTFOUND;
	PQclear(res);
	return err;
}

static cg_err pg_session_delete(cg_store_impl *st, const uint8_t token_hash[32])
{
	params p = {0};
	p_hash(&p, token_hash);
	cg_err err;
	pgconn *c = take(st, &err);
	if (c) {
		err = q(c, "DELETE FROM sessions WHERE token_hash=$1", &p, NULL);
		conn_put(st, c);
	}
	params_free(&p);
	return err;
}

/* ---- API tokens ------------------------------------------------------- */

static const char SQL_TOK_COLS[] =
    "SELECT id,name,scope,agency_id,created_at,last_used_at,revoked_at FROM api_tokens";

static json_t *row_token(const PGresult *r, int i, const void *arg)
{
	(void)arg;
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(col_i64(r, i, 0)));
	json_object_set_new(o, "name", col_str(r, i, 1));
	json_object_set_new(o, "scope", col_str(r, i, 2));
	json_object_set_new(o, "agency_id", col_int_null(r, i, 3));
	json_object_set_new(o, "created_at", col_time(r, i, 4));
	json_object_set_new(o, "last_used_at", col_time(r, i, 5));
	json_object_set_new(o, "revoked_at", col_time(r, i, 6));
	return o;
}

static cg_err pg_token_create(cg_store_impl *st, const cg_actor *actor, const json_t *rec,
                              const uint8_t token_hash[32], int64_t *id)
{
	cg_err err;
	pgconn *c = take(st, &err);
	if (!c)
		return err;
	err = begin(c);
	if (!err) {
		params p = {0};
		json_t *ag = json_object_get(rec, "agency_id");
		p_str(&p, cg_json_get_str(rec, "name"));
		p_str(&p, cg_json_get_str(rec, "scope"));
		p_id(&p, json_is_integer(ag) ? json_integer_value(ag) : 0);
		p_hash(&p, token_hash);
		p_int(&p, cg_time_now_ms());
		PGresult *res = NULL;
		err = q(c,
		        "INSERT INTO api_tokens(name,scope,agency_id,token_hash,created_at)"
		        " VALUES($1,$2,$3,$4,$5) RETURNING id",
		        &p, &res);
		params_free(&p);
		if (!err) {
			*id = col_i64(res, 0, 0);
			PQclear(res);
			err = audit_row(c, actor, "create", "token", *id, rec);
		}
		err = finish(c, err);
	}
	conn_put(st, c);
	return err;
}

static cg_err pg_token_list(cg_store_impl *st, int64_t limit, int64_t offset, json_t **items,
                            int64_t *total)
{
	return list_rows(st, SQL_TOK_COLS, "api_tokens", "", NULL, "id", limit, offset, row_token,
	                 NULL, items, total);
}

static cg_err pg_token_get(cg_store_impl *st, int64_t id, json_t **out)
{
	params p = {0};
	p_int(&p, id);
	cg_err err = get_one(st,
	                     "SELECT id,name,scope,agency_id,created_at,last_used_at,revoked_at"
	                     " FROM api_tokens WHERE id=$1",
	                     &p, row_token, out);
	params_free(&p);
	return err;
}

static cg_err pg_token_revoke(cg_store_impl *st, const cg_actor *actor, int64_t id, int64_t now_ms)
{
	params p = {0};
	p_int(&p, now_ms);
	p_int(&p, id);
	cg_err err = change_by_id(st,
	                          "UPDATE api_tokens SET revoked_at=$1 WHERE id=$2"
	                          " AND revoked_at IS NULL",
	                          &p, actor, "revoke", "token", id);
	params_free(&p);
	return err;
}

static cg_err pg_token_auth(cg_store_impl *st, const uint8_t token_hash[32], int64_t now_ms,
                            json_t **out)
{
	*out = NULL;
	params p = {0};
	p_hash(&p, token_hash);
	cg_err err;
	pgconn *c = take(st, &err);
	if (!c) {
		params_free(&p);
		return err;
	}
	PGresult *res = NULL;
	err = q(c,
	        "SELECT id,name,scope,agency_id,created_at,last_used_at,revoked_at"
	        " FROM api_tokens WHERE token_hash=$1 AND revoked_at IS NULL",
	        &p, &res);
	params_free(&p);
	int64_t id = 0, last = 0;
	if (!err) {
		if (PQntuples(res) > 0) {
			*out = row_token(res, 0, NULL);
			id = col_i64(res, 0, 0);
			last = col_i64(res, 0, 5);
		} else
			err = CG_ENOTFOUND;
		PQclear(res);
	}
	/* last_used_at at most once a minute; best effort */
	if (!err && now_ms - last >= 60000) {
		params u = {0};
		p_int(&u, now_ms);
		p_int(&u, id);
		q(c, "UPDATE api_tokens SET last_used_at=$1 WHERE id=$2", &u, NULL);
		params_free(&u);
	}
	conn_put(st, c);
	return err;
}

/* ---- audit ------------------------------------------------------------ */

static json_t *row_audit(const PGresult *r, int i, const void *arg)
{
	(void)arg;
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(col_i64(r, i, 0)));
	json_object_set_new(o, "time", col_time(r, i, 1));
	json_object_set_new(o, "actor", col_str(r, i, 2));
	json_object_set_new(o, "action", col_str(r, i, 3));
	json_object_set_new(o, "object_type", col_str(r, i, 4));
	json_object_set_new(o, "object_id", col_int_null(r, i, 5));
	json_object_set_new(o, "detail", col_json(r, i, 6));
	return o;
}

static cg_err pg_audit(cg_store_impl *st, const cg_actor *actor, const char *action,
                       const char *object_type, int64_t object_id, const json_t *detail)
{
	cg_err err;
	pgconn *c = take(st, &err);
	if (!c)
		return err;
	err = audit_row(c, actor, action, object_type, object_id, detail);
	conn_put(st, c);
	return err;
}

/* max() of the primary key: PostgreSQL answers it from the end of the
 * index (a backward index-only scan of one row) */
static cg_err pg_audit_last(cg_store_impl *st, int64_t *id)
{
	PGresult *res = NULL;
	cg_err err = read_q(st, "SELECT coalesce(max(id), 0) FROM audit", NULL, &res);
	if (err)
		return err;
	*id = PQntuples(res) == 1 ? col_i64(res, 0, 0) : 0;
	PQclear(res);
	return CG_OK;
}

static cg_err pg_audit_list(cg_store_impl *st, const char *actor, int64_t since_ms, int64_t limit,
                            int64_t offset, json_t **items, int64_t *total)
{
	params p = {0};
	cg_buf where;
	cg_buf_init(&where, 256);
	cg_buf_puts(&where, " WHERE true");
	if (actor && *actor) {
		p_str(&p, actor);
		cg_buf_printf(&where, " AND actor=$%d", p.n);
	}
	if (since_ms > 0) {
		p_int(&p, since_ms);
		cg_buf_printf(&where, " AND time>=$%d", p.n);
	}
	cg_err err = list_rows(
	    st, "SELECT id,time,actor,action,object_type,object_id,detail FROM audit", "audit",
	    cg_buf_cstr(&where), &p, "id DESC", limit, offset, row_audit, NULL, items, total);
	params_free(&p);
	cg_buf_free(&where);
	return err;
}

/* ---- events ----------------------------------------------------------- */

static const char SQL_EV_INSERT[] =
    "INSERT INTO events(id,time,received_at,host,agency,agency_id,system_id,source,kind,"
    "severity,subject,summary,evidence,search,producer) VALUES($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,"
    "$11,$12,$13,to_tsvector('simple',$14),$15) RETURNING seq";
/* (a duplicate (producer, id) returns no row: the events_dedup trigger
 * skips it, see the partitioning migration) */

/* The search words of an event's subject and summary into out. */
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

/* The tsquery of a text search: the search words of q in order, the last
 * a prefix ('nha' <-> 'ca':*), as SQLite's phrase query. NULL when q has
 * no word. Words hold only letters and digits: quoting is safe. */
static char *ts_query(const char *q)
{
	cg_buf w, m;
	cg_buf_init(&w, 4096);
	cg_buf_init(&m, 16384);
	char *out = NULL;
	if (cg_text_search_words(cg_slice_cstr(q), &w) == CG_OK && w.len) {
		const char *p = cg_buf_cstr(&w);
		cg_err err = CG_OK;
		while (!err && *p) {
			size_t n = strcspn(p, " ");
			err = cg_buf_printf(&m, "%s'%.*s'", m.len ? " <-> " : "", (int)n, p);
			p += n;
			while (*p == ' ')
				p++;
		}
		if (!err && cg_buf_puts(&m, ":*") == CG_OK)
			out = cg_buf_detach(&m, NULL);
	}
	cg_buf_free(&w);
	cg_buf_free(&m);
	return out;
}
static const char SQL_EV_COLS[] = "SELECT seq,id,time,received_at,host,agency,agency_id,system_id,"
                                  "source,kind,severity,subject,summary,evidence FROM events";

/* Event inserts per pipeline round trip. */
#define PIPE_CHUNK 256

typedef struct tally {
	int64_t agency_id, day, n;
	int severity;
} tally;

/* Running totals are upserted in key order, so two batches committing at
 * once lock the same rows in the same order (no deadlock). */
static int tally_cmp(const void *pa, const void *pb)
{
	const tally *a = pa, *b = pb;
	if (a->agency_id != b->agency_id)
		return a->agency_id < b->agency_id ? -1 : 1;
	if (a->day != b->day)
		return a->day < b->day ? -1 : 1;
	return (a->severity > b->severity) - (a->severity < b->severity);
}

typedef struct hostseen {
	int64_t agency_id, last;
	const char *host;
} hostseen;

static int host_cmp(const void *pa, const void *pb)
{
	const hostseen *a = pa, *b = pb;
	if (a->agency_id != b->agency_id)
		return a->agency_id < b->agency_id ? -1 : 1;
	return strcmp(a->host, b->host);
}

static cg_err update_totals(pgconn *c, const cg_event_in *evs, size_t n)
{
	tally *t = calloc(n ? n : 1, sizeof *t);
	hostseen *h = calloc(n ? n : 1, sizeof *h);
	if (!t || !h) {
		free(t);
		free(h);
		return CG_ENOMEM;
	}
	size_t nt = 0, nh = 0;
	for (size_t i = 0; i < n; i++) {
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
		if (e->host && e->source && strcmp(e->source, "agent") == 0)
			h[nh++] = (hostseen){evs[i].agency_id, e->time_ms, e->host};
	}
	qsort(t, nt, sizeof *t, tally_cmp);
	qsort(h, nh, sizeof *h, host_cmp);
	cg_err err = CG_OK;
	for (size_t k = 0; !err && k < nh; k++) {
		/* one row per host: its latest time in the batch */
		if (k + 1 < nh && host_cmp(&h[k], &h[k + 1]) == 0) {
			if (h[k].last > h[k + 1].last)
				h[k + 1].last = h[k].last;
			continue;
		}
		params p = {0};
		p_int(&p, h[k].agency_id);
		p_str(&p, h[k].host);
		p_int(&p, h[k].last);
		err = q(c,
		        "INSERT INTO event_hosts(agency_id, host, last_seen) VALUES($1,$2,$3)"
		        " ON CONFLICT (agency_id, host) DO UPDATE SET last_seen ="
		        " greatest(event_hosts.last_seen, excluded.last_seen)",
		        &p, NULL);
		params_free(&p);
	}
	for (size_t k = 0; !err && k < nt; k++) {
		params p = {0};
		p_int(&p, t[k].agency_id);
		p_int(&p, t[k].day);
		p_int(&p, t[k].severity);
		p_int(&p, t[k].n);
		err = q(c,
		        "INSERT INTO event_counts(agency_id, day, severity, n) VALUES($1,$2,$3,$4)"
		        " ON CONFLICT (agency_id, day, severity) DO UPDATE SET"
		        " n = event_counts.n + excluded.n",
		        &p, NULL);
		params_free(&p);
	}
	free(t);
	free(h);
	return err;
}

static cg_err pg_events_insert(cg_store_impl *st, cg_event_in *evs, size_t n, int64_t received_ms,
                               size_t *accepted, size_t *duplicates)
{
	*accepted = 0;
	*duplicates = 0;
	cg_err err;
	pgconn *c = take(st, &err);
	if (!c)
		return err;
	if (!c->prepared) {
		PGresult *r = PQprepare(c->c, "ev_insert", SQL_EV_INSERT, 15, NULL);
		if (PQresultStatus(r) != PGRES_COMMAND_OK)
			err = res_err(c->c, r);
		else
			c->prepared = true;
		PQclear(r);
	}
	pthread_mutex_lock(&st->mu);
	bool known = received_ms >= st->part_lo && received_ms < st->part_hi;
	pthread_mutex_unlock(&st->mu);
	if (!err && !known) /* a month with no partition yet */
		err = partitions_make(st, c, received_ms, received_ms);
	cg_buf ev, words;
	cg_buf_init(&ev, CG_MAX_EVENT_JSON);
	cg_buf_init(&words, 4 * CG_MAX_EVENT_JSON);
	/* the shared lock of the forwarding order (postgres_fwd.c), taken
	 * before the first seq is drawn */
	if (!err)
		err = q0(c, "BEGIN; SELECT pg_advisory_xact_lock_shared(7311002613)");
	/* The inserts go out in pipeline mode, PIPE_CHUNK at a time: one
	 * round trip per chunk instead of one per event. Chunks bound what
	 * both sides buffer (the server's answers wait in its socket until
	 * we read them). */
	size_t acc = 0, dup = 0;
	for (size_t from = 0; !err && from < n; from += PIPE_CHUNK) {
		size_t to = n - from < PIPE_CHUNK ? n : from + PIPE_CHUNK, sent = from;
		if (PQenterPipelineMode(c->c) != 1) {
			err = res_err(c->c, NULL);
			break;
		}
		for (size_t i = from; !err && i < to; i++) {
			const cg_event *e = evs[i].ev;
			cg_buf_reset(&ev);
			err = cg_json_encode(&ev, e->evidence);
			if (!err)
				err = search_words(e->subject, e->summary, &words);
			if (err)
				break;
			char t[24], rcv[24], ag[24], sys[24], sev[8];
			snprintf(t, sizeof t, "%lld", (long long)e->time_ms);
			snprintf(rcv, sizeof rcv, "%lld", (long long)received_ms);
			snprintf(ag, sizeof ag, "%lld", (long long)evs[i].agency_id);
			snprintf(sys, sizeof sys, "%lld", (long long)evs[i].system_id);
			snprintf(sev, sizeof sev, "%d", (int)e->severity);
			const char *v[15] = {e->id,
			                     t,
			                     rcv,
			                     e->host,
			                     e->agency,
			                     evs[i].agency_id > 0 ? ag : NULL,
			                     evs[i].system_id > 0 ? sys : NULL,
			                     e->source,
			                     e->kind,
			                     sev,
			                     e->subject,
			                     e->summary ? e->summary : "",
			                     cg_buf_cstr(&ev),
			                     cg_buf_cstr(&words),
			                     evs[i].producer ? evs[i].producer : ""};
			/* libpq copies the values into its output buffer */
			if (!PQsendQueryPrepared(c->c, "ev_insert", 15, v, NULL, NULL, 0))
				err = res_err(c->c, NULL);
			else
				sent++;
		}
		if (PQpipelineSync(c->c) != 1 && !err)
			err = res_err(c->c, NULL);
		/* every result of what was sent, then the sync point */
		for (size_t i = from; i < sent; i++) {
			PGresult *r = PQgetResult(c->c);
			if (!err && PQresultStatus(r) != PGRES_TUPLES_OK)
				err = res_err(c->c, r);
			else if (!err) {
				evs[i].duplicate = PQntuples(r) == 0;
				if (evs[i].duplicate)
					dup++;
				else
					acc++;
			}
			PQclear(r);
			PQclear(PQgetResult(c->c)); /* the NULL ending this query */
		}
		for (;;) {
			PGresult *r = PQgetResult(c->c);
			if (!r) {
				if (PQstatus(c->c) == CONNECTION_BAD) {
					err = CG_EDB;
					break;
				}
				continue;
			}
			ExecStatusType rs = PQresultStatus(r);
			PQclear(r);
			if (rs == PGRES_PIPELINE_SYNC)
				break;
			if (rs == PGRES_FATAL_ERROR && PQstatus(c->c) == CONNECTION_BAD) {
				err = CG_EDB;
				break;
			}
		}
		if (PQexitPipelineMode(c->c) != 1 && !err)
			err = res_err(c->c, NULL);
	}
	if (!err)
		err = update_totals(c, evs, n);
	err = finish(c, err);
	conn_put(st, c);
	cg_buf_free(&ev);
	cg_buf_free(&words);
	if (!err) {
		*accepted = acc;
		*duplicates = dup;
	}
	return err;
}

static json_t *row_event(const PGresult *r, int i, const void *arg)
{
	(void)arg;
	json_t *o = json_object();
	json_object_set_new(o, "seq", json_integer(col_i64(r, i, 0)));
	json_object_set_new(o, "id", col_str(r, i, 1));
	json_object_set_new(o, "time", col_time(r, i, 2));
	json_object_set_new(o, "received_at", col_time(r, i, 3));
	json_object_set_new(o, "host", col_str(r, i, 4));
	json_object_set_new(o, "agency", col_str(r, i, 5));
	json_object_set_new(o, "agency_id", col_int_null(r, i, 6));
	json_object_set_new(o, "system_id", col_int_null(r, i, 7));
	json_object_set_new(o, "source", col_str(r, i, 8));
	json_object_set_new(o, "kind", col_str(r, i, 9));
	json_object_set_new(o, "severity",
	                    json_string(cg_severity_name((cg_severity)col_i64(r, i, 10))));
	json_object_set_new(o, "subject", col_str(r, i, 11));
	json_object_set_new(o, "summary", col_str(r, i, 12));
	json_object_set_new(o, "evidence", col_json(r, i, 13));
	return o;
}

/* text search: its own file, in this translation unit */
#include "postgres_search.c"

static cg_err pg_events_query(cg_store_impl *st, const cg_scope *scope, const cg_event_query *qq,
                              json_t **items, int64_t *next)
{
	*items = NULL;
	*next = 0;
	json_t *arr = json_array();
	if (!arr)
		return CG_ENOMEM;
	if (scope->agency_id != 0 && qq->agency_id > 0 && qq->agency_id != scope->agency_id) {
		*items = arr;
		return CG_OK;
	}
	cg_buf sql;
	cg_buf_init(&sql, 4096);
	params p = {0};
	cg_buf_puts(&sql, SQL_EV_COLS);
	cg_buf_puts(&sql, " WHERE true");
	int64_t ag = scope->agency_id != 0 ? scope->agency_id : qq->agency_id;
	if (ag != 0) {
		p_int(&p, ag);
		cg_buf_printf(&sql, " AND agency_id=$%d", p.n);
	}
	if (qq->system_id > 0) {
		p_int(&p, qq->system_id);
		cg_buf_printf(&sql, " AND system_id=$%d", p.n);
	}
	if (qq->source && *qq->source) {
		p_str(&p, qq->source);
		cg_buf_printf(&sql, " AND source=$%d", p.n);
	}
	if (qq->kind && *qq->kind) {
		p_str(&p, qq->kind);
		cg_buf_printf(&sql, " AND kind=$%d", p.n);
	}
	if (qq->state && *qq->state) { /* no triage record: new */
		p_str(&p, qq->state);
		cg_buf_printf(&sql,
		              " AND coalesce((SELECT t.state FROM event_triage t WHERE"
		              " t.seq=events.seq), 'new')=$%d",
		              p.n);
	}
	if (qq->severity_min > 0) {
		p_int(&p, qq->severity_min);
		cg_buf_printf(&sql, " AND severity>=$%d", p.n);
	}
	if (qq->since_ms > 0) {
		p_int(&p, qq->since_ms);
		cg_buf_printf(&sql, " AND time>=$%d", p.n);
	}
	if (qq->until_ms > 0) {
		p_int(&p, qq->until_ms);
		cg_buf_printf(&sql, " AND time<$%d", p.n);
	}
	if (qq->before_seq > 0) {
		p_int(&p, qq->before_seq);
		cg_buf_printf(&sql, " AND seq<$%d", p.n);
	}
	char *tq = NULL;
	if (qq->q && *qq->q) {
		tq = ts_query(qq->q);
		if (!tq) { /* no word to look for: nothing matches */
			params_free(&p);
			cg_buf_free(&sql);
			*items = arr;
			return CG_OK;
		}
	}
	/* text and range filters (severity, time): a plan per window of seq
	 * (postgres_search.c); equality filters have their (column, seq)
	 * index, which yields a page in order */
	if (tq || qq->severity_min > 0 || qq->since_ms > 0 || qq->until_ms > 0) {
		cg_err err = pg_events_windows(st, cg_buf_cstr(&sql), &p, tq, qq->before_seq,
		                               qq->limit, arr, next);
		free(tq);
		params_free(&p);
		cg_buf_free(&sql);
		if (err) {
			json_decref(arr);
			return err;
		}
		*items = arr;
		return CG_OK;
	}
	cg_buf_printf(&sql, " ORDER BY seq DESC LIMIT %lld", (long long)qq->limit + 1);
	PGresult *res = NULL;
	cg_err err = read_q(st, cg_buf_cstr(&sql), &p, &res);
	params_free(&p);
	cg_buf_free(&sql);
	if (err) {
		json_decref(arr);
		return err;
	}
	int rows = PQntuples(res);
	for (int i = 0; i < rows && i < qq->limit; i++)
		json_array_append_new(arr, row_event(res, i, NULL));
	if (rows > qq->limit && qq->limit > 0)
		*next = col_i64(res, (int)qq->limit - 1, 0);
	PQclear(res);
	*items = arr;
	return CG_OK;
}

static cg_err pg_event_get(cg_store_impl *st, const cg_scope *scope, int64_t seq, json_t **out)
{
	*out = NULL;
	params p = {0};
	p_int(&p, seq);
	char sql[512];
	snprintf(sql, sizeof sql, "%s WHERE seq=$1", SQL_EV_COLS);
	PGresult *res = NULL;
	cg_err err = read_q(st, sql, &p, &res);
	params_free(&p);
	if (err)
		return err;
	if (PQntuples(res) > 0 && (scope->agency_id == 0 || col_i64(res, 0, 6) == scope->agency_id))
		*out = row_event(res, 0, NULL);
	else
		err = CG_ENOTFOUND;
	PQclear(res);
	return err;
}

static cg_err pg_events_count(cg_store_impl *st, int64_t *count)
{
	*count = 0;
	PGresult *res = NULL;
	cg_err err = read_q(st, "SELECT count(*) FROM events", NULL, &res);
	if (err)
		return err;
	*count = col_i64(res, 0, 0);
	PQclear(res);
	return CG_OK;
}

/* Partitions ahead, then retention (store.h): the SQL functions of the
 * partitioning migration, in one transaction. */
static cg_err pg_events_maintain(cg_store_impl *st, int64_t ahead_ms, int64_t before_ms,
                                 int64_t *removed)
{
	cg_err err;
	pgconn *c = take(st, &err);
	if (!c)
		return err;
	err = begin(c);
	if (!err)
		err = partitions_make(st, c, cg_time_now_ms(), ahead_ms);
	if (!err && before_ms > 0) {
		pthread_mutex_lock(&st->mu);
		st->part_lo = st->part_hi = 0; /* months may be gone */
		pthread_mutex_unlock(&st->mu);
		params p = {0};
		p_int(&p, before_ms);
		PGresult *r = NULL;
		err = q(c, "SELECT canhgac_events_drop_before($1)", &p, &r);
		if (!err) {
			*removed = col_i64(r, 0, 0);
			PQclear(r);
		}
		params_free(&p);
	}
	err = finish(c, err);
	conn_put(st, c);
	return err;
}

/* Several servers share the database: the counter row is bumped by a
 * trigger in the transaction of each agency change (migration 2). */
static cg_err pg_agencies_generation(cg_store_impl *st, uint64_t *gen)
{
	PGresult *res = NULL;
	cg_err err =
	    read_q(st, "SELECT n FROM store_counters WHERE name = 'agencies'", NULL, &res);
	if (err)
		return err;
	*gen = PQntuples(res) ? (uint64_t)col_i64(res, 0, 0) : 0;
	PQclear(res);
	return CG_OK;
}

/* Findings per UTC day and severity from the running totals (figures.c). */
static cg_err pg_findings_by_day(cg_store_impl *st, const cg_scope *scope, int64_t since_day,
                                 json_t **out)
{
	*out = NULL;
	params p = {0};
	p_int(&p, scope->agency_id);
	p_int(&p, since_day);
	PGresult *res = NULL;
	cg_err err = read_q(st,
	                    "SELECT day, severity, sum(n)::bigint FROM event_counts"
	                    " WHERE day >= $2 AND ($1 = 0 OR agency_id = $1)"
	                    " GROUP BY day, severity ORDER BY day",
	                    &p, &res);
	params_free(&p);
	if (err)
		return err;
	json_t *list = json_array();
	for (int i = 0; i < PQntuples(res); i++)
		json_array_append_new(
		    list, json_pack("{s:I,s:s,s:I}", "day", (json_int_t)col_i64(res, i, 0),
		                    "severity", cg_severity_name((cg_severity)col_i64(res, i, 1)),
		                    "n", (json_int_t)col_i64(res, i, 2)));
	PQclear(res);
	*out = list;
	return CG_OK;
}

/* Distinct hosts or subjects per agency (figures.c, infection.c): one
 * grouped query. */
#define PG_DISTINCT(col)                                                                           \
	"SELECT coalesce(agency_id, 0), count(DISTINCT " col ") FROM events"                       \
	" WHERE source = $1 AND ($2::text IS NULL OR kind = $2) AND severity >= $3"                \
	" AND time >= $4 AND time < $6 AND ($5 = 0 OR agency_id = $5) AND " col " IS NOT NULL"     \
	" AND " col " <> '' GROUP BY 1"

static cg_err pg_events_distinct(cg_store_impl *st, const cg_scope *scope, const char *source,
                                 const char *kind, int severity_min, int64_t since_ms,
                                 int64_t until_ms, bool subject, json_t **out)
{
	*out = NULL;
	params p = {0};
	p_str(&p, source);
	if (kind)
		p_str(&p, kind);
	else
		p_null(&p);
	p_int(&p, severity_min);
	p_int(&p, since_ms);
	p_int(&p, scope->agency_id);
	p_int(&p, until_ms);
	PGresult *res = NULL;
	cg_err err =
	    read_q(st, subject ? PG_DISTINCT("subject") : PG_DISTINCT("host"), &p, &res);
	params_free(&p);
	if (err)
		return err;
	json_t *o = json_object();
	for (int i = 0; i < PQntuples(res); i++) {
		char key[32];
		snprintf(key, sizeof key, "%lld", (long long)col_i64(res, i, 0));
		json_object_set_new(o, key, json_integer(col_i64(res, i, 1)));
	}
	PQclear(res);
	*out = o;
	return CG_OK;
}

/* ---- jobs ------------------------------------------------------------- */

static cg_err pg_job_ensure(cg_store_impl *st, const char *name, const char *kind,
                            int64_t first_run_ms)
{
	params p = {0};
	p_str(&p, name);
	p_str(&p, kind);
	p_int(&p, first_run_ms);
	cg_err err;
	pgconn *c = take(st, &err);
	if (c) {
		err = q(c,
		        "INSERT INTO jobs(name,kind,next_run) VALUES($1,$2,$3)"
		        " ON CONFLICT (name) DO NOTHING",
		        &p, NULL);
		conn_put(st, c);
	}
	params_free(&p);
	return err;
}

static void copy_name(char *dst, const PGresult *r, int col)
{
	snprintf(dst, CG_JOB_NAME_MAX, "%s", PQgetvalue(r, 0, col));
}

/* One statement: the subquery picks the most overdue job without a live
 * lease FOR UPDATE SKIP LOCKED, so a second server claiming at the same
 * moment skips the row being leased instead of waiting for it; a row
 * whose lease was committed meanwhile is re-checked against the
 * condition (no longer due) and not taken twice. */
static cg_err pg_job_claim(cg_store_impl *st, const char *holder, const char *kinds, int64_t now_ms,
                           int64_t lease_ms, cg_job *out)
{
	params p = {0};
	p_str(&p, holder);
	p_int(&p, now_ms);
	p_int(&p, now_ms + lease_ms);
	p_str(&p, kinds);
	cg_err err;
	pgconn *c = take(st, &err);
	if (c) {
		PGresult *res = NULL;
		err =
		    q(c,
		      "UPDATE jobs j SET lease_holder=$1, lease_until=$3, lease_seq=j.lease_seq+1,"
		      " attempts=j.attempts+1, last_run=$2"
		      " FROM (SELECT name FROM jobs WHERE next_run<=$2"
		      " AND (lease_until IS NULL OR lease_until<=$2)"
		      " AND ($4::jsonb IS NULL OR kind IN"
		      " (SELECT jsonb_array_elements_text($4::jsonb)))"
		      " ORDER BY next_run, name LIMIT 1 FOR UPDATE SKIP LOCKED) d"
		      " WHERE j.name=d.name"
		      " RETURNING j.name,j.kind,j.lease_seq,j.attempts,j.next_run",
		      &p, &res);
		if (!err) {
			if (PQntuples(res) == 1) {
				copy_name(out->name, res, 0);
				copy_name(out->kind, res, 1);
				out->lease_seq = col_i64(res, 0, 2);
				out->attempts = col_i64(res, 0, 3);
				out->due_ms = col_i64(res, 0, 4);
			} else
				err = CG_ENOTFOUND;
			PQclear(res);
		}
		conn_put(st, c);
	}
	params_free(&p);
	return err;
}

/* An UPDATE of one job under its lease; no row = the lease was lost. */
static cg_err job_update(cg_store_impl *st, const char *sql, params *p)
{
	cg_err err;
	pgconn *c = take(st, &err);
	if (c) {
		PGresult *res = NULL;
		err = q(c, sql, p, &res);
		if (!err) {
			if (strcmp(PQcmdTuples(res), "0") == 0)
				err = CG_ECONFLICT;
			PQclear(res);
		}
		conn_put(st, c);
	}
	params_free(p);
	return err;
}

static cg_err pg_job_renew(cg_store_impl *st, const cg_job *job, int64_t lease_until_ms)
{
	params p = {0};
	p_int(&p, lease_until_ms);
	p_str(&p, job->name);
	p_int(&p, job->lease_seq);
	return job_update(st,
	                  "UPDATE jobs SET lease_until=$1 WHERE name=$2 AND lease_seq=$3"
	                  " AND lease_holder IS NOT NULL",
	                  &p);
}

static cg_err pg_job_finish(cg_store_impl *st, const cg_job *job, int64_t now_ms,
                            int64_t next_run_ms, const char *error)
{
	params p = {0};
	p_int(&p, next_run_ms);
	if (error)
		p_str(&p, error);
	else
		p_int(&p, now_ms);
	p_str(&p, job->name);
	p_int(&p, job->lease_seq);
	p_int(&p, job->due_ms);
	/* a trigger during the run (pg_job_due) left next_run before the time
	 * the run was claimed for: kept (due at once) over the run's own */
	if (error)
		return job_update(
		    st,
		    "UPDATE jobs SET next_run=CASE WHEN next_run<$5 THEN"
		    " LEAST(next_run,$1::bigint) ELSE $1 END, last_error=$2,"
		    " lease_holder=NULL, lease_until=NULL WHERE name=$3 AND lease_seq=$4"
		    " AND lease_holder IS NOT NULL",
		    &p);
	return job_update(st,
	                  "UPDATE jobs SET next_run=CASE WHEN next_run<$5 THEN"
	                  " LEAST(next_run,$1::bigint) ELSE $1 END, last_ok=$2, last_error=NULL,"
	                  " attempts=0, lease_holder=NULL, lease_until=NULL WHERE name=$3"
	                  " AND lease_seq=$4 AND lease_holder IS NOT NULL",
	                  &p);
}

static cg_err pg_job_due(cg_store_impl *st, const char *name, int64_t at_ms)
{
	params p = {0};
	p_int(&p, at_ms);
	p_str(&p, name);
	cg_err err;
	pgconn *c = take(st, &err);
	if (c) {
		PGresult *res = NULL;
		/* under a live lease the job is already due: 1 ms earlier is the
		 * mark its finishing run looks for (store.h cg_store_job_due) */
		err = q(c,
		        "UPDATE jobs SET next_run=LEAST(next_run,$1::bigint) - CASE WHEN"
		        " lease_holder IS NOT NULL AND lease_until>$1 AND next_run<=$1 THEN 1"
		        " ELSE 0 END WHERE name=$2",
		        &p, &res);
		if (!err) {
			if (strcmp(PQcmdTuples(res), "0") == 0)
				err = CG_ENOTFOUND;
			PQclear(res);
		}
		conn_put(st, c);
	}
	params_free(&p);
	return err;
}

static const colmap job_cols[] = {
    {"name", CM_STR},     {"kind", CM_STR},         {"next_run", CM_TIME},
    {"last_run", CM_TIME}, {"last_ok", CM_TIME},     {"last_error", CM_STR},
    {"attempts", CM_INT}, {"lease_holder", CM_STR}, {"lease_until", CM_TIME},
    {NULL, CM_STR},
};

static cg_err pg_job_list(cg_store_impl *st, json_t **items)
{
	return list_map(st,
	                "SELECT name,kind,next_run,last_run,last_ok,last_error,attempts,"
	                "lease_holder,lease_until FROM jobs ORDER BY name COLLATE \"C\"",
	                job_cols, items);
}

/* ---- portal watch ------------------------------------------------------ */

static const colmap web_finding_cols[] = {
    {"url", CM_STR},      {"kind", CM_STR},  {"summary", CM_STR},
    {"severity", CM_STR}, {"since", CM_INT}, {"event_id", CM_STR},
    {NULL, CM_STR},
};

static cg_err pg_web_findings(cg_store_impl *st, json_t **items)
{
	return list_map(st,
	                "SELECT url,kind,summary,severity,since,event_id FROM web_findings"
	                " ORDER BY since, url COLLATE \"C\", kind COLLATE \"C\"",
	                web_finding_cols, items);
}

static cg_err pg_web_finding_open(cg_store_impl *st, const json_t *rec)
{
	const char *sum = cg_json_get_str(rec, "summary"), *sev = cg_json_get_str(rec, "severity"),
	           *id = cg_json_get_str(rec, "event_id");
	params p = {0};
	p_str(&p, cg_json_get_str(rec, "url"));
	p_str(&p, cg_json_get_str(rec, "kind"));
	p_str(&p, sum ? sum : "");
	p_str(&p, sev ? sev : "info");
	p_int(&p, json_integer_value(json_object_get(rec, "since")));
	p_str(&p, id ? id : "");
	cg_err err;
	pgconn *c = take(st, &err);
	if (c) {
		err = q(c,
		        "INSERT INTO web_findings(url,kind,summary,severity,since,event_id)"
		        " VALUES($1,$2,$3,$4,$5,$6)",
		        &p, NULL);
		conn_put(st, c);
	}
	params_free(&p);
	return err;
}

static cg_err pg_web_finding_close(cg_store_impl *st, const char *url, const char *kind)
{
	params p = {0};
	p_str(&p, url);
	p_str(&p, kind);
	cg_err err;
	pgconn *c = take(st, &err);
	if (c) {
		PGresult *res = NULL;
		err = q(c, "DELETE FROM web_findings WHERE url=$1 AND kind=$2", &p, &res);
		if (!err) {
			if (strcmp(PQcmdTuples(res), "0") == 0)
				err = CG_ENOTFOUND;
			PQclear(res);
		}
		conn_put(st, c);
	}
	params_free(&p);
	return err;
}

/* ---- alert queue -------------------------------------------------------- */

#define PG_AL_COLS                                                                                 \
	"SELECT id,created,agency_id,state,attempts,next_try,last_error,delivered,doc FROM alerts"

static json_t *row_alert(const PGresult *r, int i, const void *arg)
{
	(void)arg;
	json_t *o = json_object();
	json_object_set_new(o, "id", col_str(r, i, 0));
	json_object_set_new(o, "created", json_integer(col_i64(r, i, 1)));
	json_object_set_new(o, "agency_id", json_integer(col_i64(r, i, 2)));
	json_object_set_new(o, "state", col_str(r, i, 3));
	json_object_set_new(o, "attempts", json_integer(col_i64(r, i, 4)));
	json_object_set_new(o, "next_try_ms", json_integer(col_i64(r, i, 5)));
	json_object_set_new(o, "last_error", col_str(r, i, 6));
	json_object_set_new(o, "delivered", col_int_null(r, i, 7));
	json_object_set_new(o, "doc", col_json(r, i, 8));
	return o;
}

static cg_err pg_alert_add(cg_store_impl *st, const json_t *rec, const char *doc, int64_t keep)
{
	params p = {0};
	p_str(&p, cg_json_get_str(rec, "id"));
	p_int(&p, json_integer_value(json_object_get(rec, "created")));
	p_int(&p, json_integer_value(json_object_get(rec, "agency_id")));
	p_int(&p, json_integer_value(json_object_get(rec, "next_try_ms")));
	p_str(&p, doc);
	cg_err err;
	pgconn *c = take(st, &err);
	if (c) {
		err = begin(c);
		if (!err)
			err = q(c,
			        "INSERT INTO alerts(id,created,agency_id,state,attempts,next_try,"
			        "last_error,delivered,doc) "
			        "VALUES($1,$2,$3,'pending',0,$4,NULL,NULL,$5)",
			        &p, NULL);
		if (!err && keep > 0) {
			params k = {0};
			p_int(&k, keep);
			err = q(c,
			        "DELETE FROM alerts WHERE id IN (SELECT id FROM alerts ORDER BY"
			        " state='pending', created, id COLLATE \"C\" LIMIT"
			        " GREATEST(0,(SELECT count(*) FROM alerts)-$1::bigint))",
			        &k, NULL);
			params_free(&k);
		}
		err = finish(c, err);
		conn_put(st, c);
	}
	params_free(&p);
	return err;
}

static cg_err alert_rows_q(cg_store_impl *st, const char *sql, params *p, json_t **items)
{
	*items = NULL;
	PGresult *res = NULL;
	cg_err err = read_q(st, sql, p, &res);
	params_free(p);
	if (err)
		return err;
	json_t *arr = json_array();
	for (int i = 0; i < PQntuples(res); i++)
		json_array_append_new(arr, row_alert(res, i, NULL));
	PQclear(res);
	*items = arr;
	return CG_OK;
}

static cg_err pg_alerts_due(cg_store_impl *st, int64_t now_ms, int64_t limit, json_t **items)
{
	params p = {0};
	p_int(&p, now_ms);
	p_int(&p, limit);
	return alert_rows_q(st,
	                    PG_AL_COLS " WHERE state='pending' AND next_try<=$1"
	                               " ORDER BY created, id COLLATE \"C\" LIMIT $2",
	                    &p, items);
}

static cg_err pg_alerts_list(cg_store_impl *st, int64_t agency_id, int64_t limit, json_t **items)
{
	params p = {0};
	p_int(&p, limit);
	if (agency_id > 0) {
		p_int(&p, agency_id);
		return alert_rows_q(st,
		                    PG_AL_COLS
		                    " WHERE agency_id=$2"
		                    " ORDER BY created DESC, id COLLATE \"C\" DESC LIMIT $1",
		                    &p, items);
	}
	return alert_rows_q(st, PG_AL_COLS " ORDER BY created DESC, id COLLATE \"C\" DESC LIMIT $1",
	                    &p, items);
}

static cg_err pg_alert_update(cg_store_impl *st, const char *id, const json_t *upd)
{
	json_t *dl = json_object_get(upd, "delivered");
	params p = {0};
	p_str(&p, cg_json_get_str(upd, "state"));
	p_int(&p, json_integer_value(json_object_get(upd, "attempts")));
	p_int(&p, json_integer_value(json_object_get(upd, "next_try_ms")));
	p_str(&p, cg_json_get_str(upd, "last_error"));
	if (json_is_integer(dl))
		p_int(&p, json_integer_value(dl));
	else
		p_null(&p);
	p_str(&p, id);
	cg_err err;
	pgconn *c = take(st, &err);
	if (c) {
		PGresult *res = NULL;
		err = q(
		    c,
		    "UPDATE alerts SET state=$1,attempts=$2,next_try=$3,last_error=$4,delivered=$5"
		    " WHERE id=$6",
		    &p, &res);
		if (!err) {
			if (strcmp(PQcmdTuples(res), "0") == 0)
				err = CG_ENOTFOUND;
			PQclear(res);
		}
		conn_put(st, c);
	}
	params_free(&p);
	return err;
}

/* the server-state tables: their own file, in this translation unit */
#include "backend_state.h"
#include "postgres_state.c"
/* the figures for /metrics */
#include "postgres_metrics.c"
#include "backend_exposure.h"
#include "postgres_exposure.c"
#include "backend_reports.h"
#include "postgres_reports.c"
/* the syslog forwarding cursors, likewise */
#include "backend_fwd.h"
#include "postgres_fwd.c"
#include "backend_intel.h"
#include "postgres_intel.c"
#include "backend_natreport.h"
#include "postgres_natreport.c"
/* ---- triage of events ---------------------------------------------------- */

/* One event's change inside the caller's transaction: the event row is
 * locked (FOR UPDATE) so two servers changing one event apply in turn. */
static cg_err triage_one(pgconn *c, const cg_scope *scope, const cg_actor *actor, int64_t seq,
                         const cg_triage_set *set, int64_t now_ms)
{
	params p = {0};
	p_int(&p, seq);
	PGresult *ev = NULL, *old = NULL;
	cg_err err =
	    q(c, "SELECT agency_id, time, severity FROM events WHERE seq=$1 FOR UPDATE", &p, &ev);
	if (!err && (PQntuples(ev) != 1 ||
	             (scope->agency_id != 0 && col_i64(ev, 0, 0) != scope->agency_id)))
		err = CG_ENOTFOUND;
	if (!err)
		err = q(c, "SELECT state, assignee, note FROM event_triage WHERE seq=$1", &p, &old);
	params_free(&p);
	if (err) {
		PQclear(ev);
		return err;
	}
	bool had = PQntuples(old) == 1;
	const char *was[3];
	for (int k = 0; k < 3; k++)
		was[k] = had && !isnull(old, 0, k) ? PQgetvalue(old, 0, k) : NULL;
	const char *state = set->state ? set->state : was[0] ? was[0] : "new";
	const char *assignee = set->assignee ? set->assignee : was[1];
	const char *note = set->note ? set->note : was[2];
	if (assignee && !*assignee)
		assignee = NULL;
	if (note && !*note)
		note = NULL;
	params w = {0};
	p_int(&w, seq);
	if (isnull(ev, 0, 0))
		p_null(&w);
	else
		p_int(&w, col_i64(ev, 0, 0));
	p_int(&w, col_i64(ev, 0, 1) / 86400000);
	p_int(&w, col_i64(ev, 0, 2));
	p_str(&w, state);
	if (assignee)
		p_str(&w, assignee);
	else
		p_null(&w);
	if (note)
		p_str(&w, note);
	else
		p_null(&w);
	p_int(&w, now_ms);
	p_str(&w, actor && actor->name ? actor->name : "system");
	err = q(c,
	        "INSERT INTO event_triage(seq,agency_id,day,severity,state,assignee,note,"
	        "updated_at,updated_by) VALUES($1,$2,$3,$4,$5,$6,$7,$8,$9) ON CONFLICT(seq) DO"
	        " UPDATE SET state=$5, assignee=$6, note=$7, updated_at=$8, updated_by=$9",
	        &w, NULL);
	params_free(&w);
	if (!err) {
		json_t *d = json_pack("{s:s,s:s}", "from", was[0] ? was[0] : "new", "state", state);
		json_object_set_new(d, "assignee", assignee ? cg_json_cstr(assignee) : json_null());
		json_object_set_new(d, "note", note ? cg_json_cstr(note) : json_null());
		err = audit_row(c, actor, "triage", "event", seq, d);
		json_decref(d);
	}
	PQclear(old);
	PQclear(ev);
	return err;
}

static cg_err pg_event_seq(cg_store_impl *st, const char *producer, const char *id, int64_t *seq)
{
	params p = {0};
	p_str(&p, producer);
	p_str(&p, id);
	PGresult *res = NULL;
	cg_err err = read_q(st, "SELECT seq FROM event_keys WHERE producer=$1 AND id=$2", &p, &res);
	params_free(&p);
	if (err)
		return err;
	if (PQntuples(res) == 1)
		*seq = col_i64(res, 0, 0);
	else
		err = CG_ENOTFOUND;
	PQclear(res);
	return err;
}

static cg_err pg_events_triage(cg_store_impl *st, const cg_scope *scope, const cg_actor *actor,
                               const int64_t *seqs, size_t n, const cg_triage_set *set,
                               int64_t now_ms)
{
	cg_err err;
	pgconn *c = take(st, &err);
	if (!c)
		return err;
	err = begin(c);
	if (!err) {
		for (size_t i = 0; !err && i < n; i++)
			err = triage_one(c, scope, actor, seqs[i], set, now_ms);
		err = finish(c, err);
	}
	conn_put(st, c);
	return err;
}

static cg_err pg_triage_get(cg_store_impl *st, const int64_t *seqs, size_t n, json_t **out)
{
	*out = NULL;
	cg_buf arr;
	cg_buf_init(&arr, 32 + n * 21);
	cg_buf_puts(&arr, "{");
	for (size_t i = 0; i < n; i++) {
		char one[24];
		snprintf(one, sizeof one, "%s%lld", i ? "," : "", (long long)seqs[i]);
		cg_buf_puts(&arr, one);
	}
	cg_buf_puts(&arr, "}");
	params p = {0};
	p_str(&p, cg_buf_cstr(&arr));
	cg_buf_free(&arr);
	PGresult *res = NULL;
	cg_err err = read_q(st,
	                    "SELECT seq, state, assignee, note, updated_at, updated_by FROM"
	                    " event_triage WHERE seq = ANY($1::bigint[])",
	                    &p, &res);
	params_free(&p);
	if (err)
		return err;
	json_t *map = json_object();
	for (int i = 0; i < PQntuples(res); i++) {
		json_t *o = json_object();
		json_object_set_new(o, "state", col_str(res, i, 1));
		json_object_set_new(o, "assignee", col_str(res, i, 2));
		json_object_set_new(o, "note", col_str(res, i, 3));
		json_object_set_new(o, "triaged_at", col_time(res, i, 4));
		json_object_set_new(o, "triaged_by", col_str(res, i, 5));
		json_object_set_new(map, PQgetvalue(res, i, 0), o);
	}
	PQclear(res);
	*out = map;
	return CG_OK;
}

static cg_err pg_triage_counts(cg_store_impl *st, const cg_scope *scope, int64_t since_ms,
                               json_t **out)
{
	*out = NULL;
	params p = {0};
	p_int(&p, scope->agency_id);
	p_int(&p, since_ms / 86400000);
	PGresult *res = NULL;
	cg_err err = read_q(st,
	                    "SELECT agency_id, severity, state, count(*) FROM event_triage"
	                    " WHERE day>=$2 AND agency_id IS NOT NULL AND ($1=0 OR agency_id=$1)"
	                    " GROUP BY 1, 2, 3",
	                    &p, &res);
	params_free(&p);
	if (err)
		return err;
	json_t *arr = json_array();
	for (int i = 0; i < PQntuples(res); i++)
		json_array_append_new(
		    arr,
		    json_pack("{s:I,s:s,s:s,s:I}", "agency_id", (json_int_t)col_i64(res, i, 0),
		              "severity", cg_severity_name((cg_severity)col_i64(res, i, 1)),
		              "state", PQgetvalue(res, i, 2), "n", (json_int_t)col_i64(res, i, 3)));
	PQclear(res);
	*out = arr;
	return CG_OK;
}

/* ---- suppression rules --------------------------------------------------- */

static void p_str_or_null(params *p, const char *s)
{
	if (s)
		p_str(p, s);
	else
		p_null(p);
}

static void p_id_or_null(params *p, int64_t v)
{
	if (v > 0)
		p_int(p, v);
	else
		p_null(p);
}

static cg_err pg_suppression_create(cg_store_impl *st, const cg_actor *actor, const json_t *rec,
                                    int64_t expires_ms, int64_t now_ms, int64_t *id)
{
	params p = {0};
	p_str_or_null(&p, cg_json_get_str(rec, "source"));
	p_str_or_null(&p, cg_json_get_str(rec, "kind"));
	p_str_or_null(&p, cg_json_get_str(rec, "subject"));
	p_id_or_null(&p, json_integer_value(json_object_get(rec, "agency_id")));
	p_str_or_null(&p, cg_json_get_str(rec, "note"));
	p_id_or_null(&p, json_integer_value(json_object_get(rec, "from_event")));
	p_int(&p, expires_ms);
	p_int(&p, now_ms);
	p_str(&p, actor && actor->name ? actor->name : "system");
	cg_err err;
	pgconn *c = take(st, &err);
	if (!c) {
		params_free(&p);
		return err;
	}
	err = begin(c);
	if (!err) {
		PGresult *res = NULL;
		err = q(c,
		        "INSERT INTO suppressions(source,kind,subject,agency_id,note,from_event,"
		        "expires_at,created_at,created_by) VALUES($1,$2,$3,$4,$5,$6,$7,$8,$9)"
		        " RETURNING id",
		        &p, &res);
		if (!err) {
			*id = col_i64(res, 0, 0);
			PQclear(res);
			err = audit_row(c, actor, "create", "suppression", *id, rec);
		}
		err = finish(c, err);
	}
	conn_put(st, c);
	params_free(&p);
	return err;
}

static cg_err pg_suppressions_list(cg_store_impl *st, const cg_scope *scope, bool active_only,
                                   int64_t id, int64_t now_ms, json_t **items)
{
	*items = NULL;
	params p = {0};
	p_int(&p, scope->agency_id);
	p_int(&p, active_only);
	p_int(&p, now_ms);
	p_int(&p, id);
	PGresult *res = NULL;
	cg_err err =
	    read_q(st,
	           "SELECT id,source,kind,subject,agency_id,note,from_event,expires_at,created_at,"
	           "created_by,revoked_at FROM suppressions WHERE ($1=0 OR agency_id=$1)"
	           " AND ($2=0 OR (revoked_at IS NULL AND expires_at>$3)) AND ($4=0 OR id=$4)"
	           " ORDER BY id DESC LIMIT 1000",
	           &p, &res);
	params_free(&p);
	if (err)
		return err;
	json_t *arr = json_array();
	for (int i = 0; i < PQntuples(res); i++) {
		json_t *o = json_object();
		json_object_set_new(o, "id", json_integer(col_i64(res, i, 0)));
		json_object_set_new(o, "source", col_str(res, i, 1));
		json_object_set_new(o, "kind", col_str(res, i, 2));
		json_object_set_new(o, "subject", col_str(res, i, 3));
		json_object_set_new(o, "agency_id", col_int_null(res, i, 4));
		json_object_set_new(o, "note", col_str(res, i, 5));
		json_object_set_new(o, "from_event", col_int_null(res, i, 6));
		json_object_set_new(o, "expires_at", col_time(res, i, 7));
		json_object_set_new(o, "created_at", col_time(res, i, 8));
		json_object_set_new(o, "created_by", col_str(res, i, 9));
		json_object_set_new(o, "revoked_at",
		                    isnull(res, i, 10) ? json_null() : col_time(res, i, 10));
		json_array_append_new(arr, o);
	}
	PQclear(res);
	*items = arr;
	return CG_OK;
}

static cg_err pg_suppression_revoke(cg_store_impl *st, const cg_scope *scope, const cg_actor *actor,
                                    int64_t id, int64_t now_ms)
{
	params p = {0};
	p_int(&p, now_ms);
	p_int(&p, id);
	p_int(&p, scope->agency_id);
	cg_err err;
	pgconn *c = take(st, &err);
	if (!c) {
		params_free(&p);
		return err;
	}
	err = begin(c);
	if (!err) {
		PGresult *res = NULL;
		err = q(c,
		        "UPDATE suppressions SET revoked_at=$1 WHERE id=$2 AND revoked_at IS NULL"
		        " AND ($3=0 OR agency_id=$3)",
		        &p, &res);
		if (!err) {
			if (strcmp(PQcmdTuples(res), "0") == 0)
				err = CG_ENOTFOUND;
			PQclear(res);
		}
		if (!err)
			err = audit_row(c, actor, "revoke", "suppression", id, NULL);
		err = finish(c, err);
	}
	conn_put(st, c);
	params_free(&p);
	return err;
}

/* ---- incident cases ------------------------------------------------------ */

#define PG_INC_COLS                                                                                \
	"SELECT id,year,year_seq,agency_id,state,severity,kind,rec,created_at,updated_at"          \
	" FROM incidents"

static json_t *row_incident(const PGresult *r, int i)
{
	json_t *o = col_json(r, i, 7);
	if (!json_is_object(o)) {
		json_decref(o);
		o = json_object();
	}
	json_object_set_new(o, "id", json_integer(col_i64(r, i, 0)));
	json_object_set_new(o, "year", json_integer(col_i64(r, i, 1)));
	json_object_set_new(o, "year_seq", json_integer(col_i64(r, i, 2)));
	json_object_set_new(o, "agency_id", json_integer(col_i64(r, i, 3)));
	json_object_set_new(o, "state", col_str(r, i, 4));
	json_object_set_new(o, "severity", col_str(r, i, 5));
	json_object_set_new(o, "kind", col_str(r, i, 6));
	json_object_set_new(o, "created_at", col_time(r, i, 8));
	json_object_set_new(o, "updated_at", col_time(r, i, 9));
	return o;
}

static cg_err inc_write_tx(pgconn *c, const cg_scope *scope, const cg_actor *actor,
                           const cg_inc_write *w, int64_t now_ms, int64_t *id)
{
	cg_err err = CG_OK;
	char *rec = w->rec ? json_dumps(w->rec, JSON_COMPACT) : NULL;
	if (w->rec && !rec)
		return CG_ENOMEM;
	PGresult *res = NULL;
	if (!w->id) {
		int64_t agency = json_integer_value(json_object_get(w->rec, "agency_id"));
		if (scope->agency_id != 0 && agency != scope->agency_id)
			err = CG_EPERM;
		/* numbers in order per year: one opener at a time, also across
		 * servers (readers are not blocked) */
		if (!err)
			err = q0(c, "LOCK TABLE incidents IN SHARE ROW EXCLUSIVE MODE");
		if (!err) {
			params p = {0};
			p_int(&p, w->year);
			p_int(&p, agency);
			p_str(&p, cg_json_get_str(w->rec, "state"));
			p_str(&p, cg_json_get_str(w->rec, "severity"));
			p_str(&p, cg_json_get_str(w->rec, "kind"));
			p_str(&p, rec);
			p_int(&p, now_ms);
			err = q(
			    c,
			    "INSERT INTO incidents(year,year_seq,agency_id,state,severity,kind,rec,"
			    "created_at,updated_at) SELECT $1::int, coalesce(max(year_seq),0)+1,"
			    " $2::bigint, $3, $4, $5, $6::jsonb, $7::bigint, $7::bigint FROM "
			    "incidents"
			    " WHERE year=$1::int RETURNING id",
			    &p, &res);
			params_free(&p);
			if (!err) {
				*id = col_i64(res, 0, 0);
				PQclear(res);
			}
		}
	} else {
		*id = w->id;
		params p = {0};
		p_int(&p, w->id);
		err =
		    q(c, "SELECT agency_id, state FROM incidents WHERE id=$1 FOR UPDATE", &p, &res);
		params_free(&p);
		if (!err) {
			if (PQntuples(res) != 1 ||
			    (scope->agency_id != 0 && col_i64(res, 0, 0) != scope->agency_id))
				err = CG_ENOTFOUND;
			PQclear(res);
		}
		if (!err && w->rec) {
			params u = {0};
			p_str(&u, cg_json_get_str(w->rec, "state"));
			p_str(&u, cg_json_get_str(w->rec, "severity"));
			p_str(&u, rec);
			p_int(&u, now_ms);
			p_int(&u, w->id);
			p_str(&u, w->expect_state ? w->expect_state : "");
			p_str(&u, cg_json_get_str(w->rec, "kind")); /* it may change */
			err = q(c,
			        "UPDATE incidents SET state=$1, severity=$2, rec=$3::jsonb, "
			        "updated_at=$4, kind=$7"
			        " WHERE id=$5 AND state=$6",
			        &u, &res);
			params_free(&u);
			if (!err) {
				if (strcmp(PQcmdTuples(res), "0") == 0)
					err = CG_ECONFLICT; /* moved by another writer since it was
					                       read */
				PQclear(res);
			}
		} else if (!err) {
			params u = {0};
			p_int(&u, now_ms);
			p_int(&u, w->id);
			err = q(c, "UPDATE incidents SET updated_at=$1 WHERE id=$2", &u, NULL);
			params_free(&u);
		}
	}
	free(rec);
	cg_triage_set in_inc = {.state = "in_incident"};
	for (size_t i = 0; !err && i < w->nlink; i++) {
		err = triage_one(c, scope, actor, w->link[i], &in_inc, now_ms);
		if (!err) {
			params p = {0};
			p_int(&p, *id);
			p_int(&p, w->link[i]);
			err = q(c,
			        "INSERT INTO incident_events(incident_id, seq) VALUES($1,$2)"
			        " ON CONFLICT DO NOTHING",
			        &p, NULL);
			params_free(&p);
		}
	}
	if (!err) {
		char *d = w->detail ? json_dumps(w->detail, JSON_COMPACT) : NULL;
		params p = {0};
		p_int(&p, *id);
		p_int(&p, now_ms);
		p_str(&p, actor && actor->name ? actor->name : "system");
		p_str(&p, w->what);
		if (d)
			p_str(&p, d);
		else
			p_null(&p);
		free(d);
		err = q(c,
		        "INSERT INTO incident_timeline(incident_id,time,actor,what,detail)"
		        " VALUES($1,$2,$3,$4,$5::jsonb)",
		        &p, NULL);
		params_free(&p);
	}
	if (!err) {
		char action[48];
		snprintf(action, sizeof action, "incident.%s", w->what);
		err = audit_row(c, actor, action, "incident", *id, w->detail);
	}
	return err;
}

static cg_err pg_incident_write(cg_store_impl *st, const cg_scope *scope, const cg_actor *actor,
                                const cg_inc_write *w, int64_t now_ms, int64_t *id)
{
	cg_err err;
	pgconn *c = take(st, &err);
	if (!c)
		return err;
	err = begin(c);
	if (!err) {
		err = inc_write_tx(c, scope, actor, w, now_ms, id);
		err = finish(c, err);
	}
	conn_put(st, c);
	if (err)
		*id = 0;
	return err;
}

static cg_err pg_incident_get(cg_store_impl *st, const cg_scope *scope, int64_t id, json_t **out)
{
	*out = NULL;
	params p = {0};
	p_int(&p, id);
	PGresult *res = NULL;
	cg_err err = read_q(st, PG_INC_COLS " WHERE id=$1", &p, &res);
	if (err) {
		params_free(&p);
		return err;
	}
	json_t *o = NULL;
	if (PQntuples(res) == 1 &&
	    (scope->agency_id == 0 || col_i64(res, 0, 3) == scope->agency_id))
		o = row_incident(res, 0);
	PQclear(res);
	if (!o) {
		params_free(&p);
		return CG_ENOTFOUND;
	}
	err = read_q(st, "SELECT seq FROM incident_events WHERE incident_id=$1 ORDER BY seq", &p,
	             &res);
	if (!err) {
		json_t *evs = json_array();
		for (int i = 0; i < PQntuples(res); i++)
			json_array_append_new(evs, json_integer(col_i64(res, i, 0)));
		json_object_set_new(o, "events", evs);
		PQclear(res);
		err = read_q(
		    st,
		    "SELECT time,actor,what,detail FROM incident_timeline WHERE incident_id=$1"
		    " ORDER BY id",
		    &p, &res);
	}
	if (!err) {
		json_t *tl = json_array();
		for (int i = 0; i < PQntuples(res); i++) {
			json_t *r = json_object();
			json_object_set_new(r, "time", col_time(res, i, 0));
			json_object_set_new(r, "actor", col_str(res, i, 1));
			json_object_set_new(r, "what", col_str(res, i, 2));
			json_object_set_new(r, "detail", col_json(res, i, 3));
			json_array_append_new(tl, r);
		}
		json_object_set_new(o, "timeline", tl);
		PQclear(res);
	}
	params_free(&p);
	if (err) {
		json_decref(o);
		return err;
	}
	*out = o;
	return CG_OK;
}

static cg_err pg_incidents_list(cg_store_impl *st, const cg_scope *scope, const char *state,
                                int64_t limit, int64_t offset, json_t **items, int64_t *total)
{
	*items = NULL;
	*total = 0;
	params p = {0};
	p_int(&p, scope->agency_id);
	if (state)
		p_str(&p, state);
	else
		p_null(&p);
	PGresult *res = NULL;
	cg_err err = read_q(st,
	                    "SELECT count(*) FROM incidents WHERE ($1=0 OR agency_id=$1) AND"
	                    " ($2::text IS NULL OR state=$2)",
	                    &p, &res);
	if (!err) {
		*total = col_i64(res, 0, 0);
		PQclear(res);
		p_int(&p, limit);
		p_int(&p, offset);
		err = read_q(st,
		             PG_INC_COLS " WHERE ($1=0 OR agency_id=$1) AND ($2::text IS NULL OR"
		                         " state=$2) ORDER BY id DESC LIMIT $3 OFFSET $4",
		             &p, &res);
	}
	params_free(&p);
	if (err)
		return err;
	json_t *arr = json_array();
	for (int i = 0; i < PQntuples(res); i++)
		json_array_append_new(arr, row_incident(res, i));
	PQclear(res);
	*items = arr;
	return CG_OK;
}

/* ---- public report form ------------------------------------------------ */

static cg_err pg_challenge_issue(cg_store_impl *st, const char *id, const char *client,
                                 int64_t now_ms, int64_t expires_ms, int64_t since_ms, int64_t max)
{
	params pr = {0}, p = {0};
	p_int(&pr, since_ms);
	p_str(&p, id);
	p_str(&p, client);
	p_int(&p, now_ms);
	p_int(&p, expires_ms);
	p_int(&p, since_ms);
	p_int(&p, max);
	cg_err err;
	pgconn *c = take(st, &err);
	if (c) {
		err = q(c, "DELETE FROM pow_challenges WHERE created < $1", &pr, NULL);
		PGresult *res = NULL;
		/* the address's count and the insert in one statement (two
		 * servers racing for one address may each let one more in) */
		if (!err)
			err = q(c,
			        "INSERT INTO pow_challenges(id,client,created,expires,used)"
			        " SELECT $1::text,$2::text,$3::bigint,$4::bigint,false"
			        " WHERE (SELECT count(*) FROM pow_challenges"
			        " WHERE client=$2::text AND created>=$5::bigint) < $6::bigint",
			        &p, &res);
		if (!err) {
			if (strcmp(PQcmdTuples(res), "0") == 0)
				err = CG_ELIMIT;
			PQclear(res);
		}
		conn_put(st, c);
	}
	params_free(&pr);
	params_free(&p);
	return err;
}

static cg_err pg_challenge_consume(cg_store_impl *st, const char *id, int64_t now_ms)
{
	params p = {0};
	p_str(&p, id);
	p_int(&p, now_ms);
	cg_err err;
	pgconn *c = take(st, &err);
	if (c) {
		PGresult *res = NULL;
		err = q(
		    c,
		    "UPDATE pow_challenges SET used=true WHERE id=$1 AND NOT used AND expires>=$2",
		    &p, &res);
		if (!err) {
			if (strcmp(PQcmdTuples(res), "0") == 0)
				err = CG_ENOTFOUND;
			PQclear(res);
		}
		conn_put(st, c);
	}
	params_free(&p);
	return err;
}

static cg_err pg_public_report_add(cg_store_impl *st, const json_t *rec)
{
	int64_t created = json_integer_value(json_object_get(rec, "created"));
	params p = {0};
	p_str(&p, cg_json_get_str(rec, "code"));
	p_str(&p, cg_json_get_str(rec, "state"));
	p_int(&p, created);
	p_int(&p, created);
	p_id(&p, json_integer_value(json_object_get(rec, "agency_id")));
	p_str(&p, cg_json_get_str(rec, "event_id"));
	p_json(&p, json_object_get(rec, "screenshots"), "[]");
	cg_err err;
	pgconn *c = take(st, &err);
	if (c) {
		err = q(c,
		        "INSERT INTO public_reports(code,state,created,updated,agency_id,event_id,"
		        "screenshots) VALUES($1,$2,$3,$4,$5,$6,$7)",
		        &p, NULL);
		conn_put(st, c);
	}
	params_free(&p);
	return err;
}

static cg_err pg_public_report_get(cg_store_impl *st, const char *code, json_t **out)
{
	params p = {0};
	p_str(&p, code);
	PGresult *res = NULL;
	cg_err err = read_q(
	    st, "SELECT code,state,created,updated FROM public_reports WHERE code=$1", &p, &res);
	params_free(&p);
	if (err)
		return err;
	if (PQntuples(res) == 0) {
		PQclear(res);
		return CG_ENOTFOUND;
	}
	json_t *o = json_object();
	json_object_set_new(o, "code", col_str(res, 0, 0));
	json_object_set_new(o, "state", col_str(res, 0, 1));
	json_object_set_new(o, "created", json_integer(col_i64(res, 0, 2)));
	json_object_set_new(o, "updated", json_integer(col_i64(res, 0, 3)));
	PQclear(res);
	*out = o;
	return CG_OK;
}

/* ---- drills ------------------------------------------------------------ */

static cg_err pg_drill_create(cg_store_impl *st, const cg_scope *scope, const cg_actor *actor,
                              const json_t *rec, int64_t *id)
{
	int64_t sys = json_integer_value(json_object_get(rec, "system_id")), agency = 0;
	const char *f = cg_json_get_str(rec, "findings");
	params ps = {0};
	p_int(&ps, sys);
	cg_err err;
	pgconn *c = take(st, &err);
	if (!c) {
		params_free(&ps);
		return err;
	}
	err = begin(c);
	PGresult *res = NULL;
	if (!err)
		err = q(c, "SELECT agency_id FROM systems WHERE id=$1 FOR SHARE", &ps, &res);
	if (!err) {
		if (PQntuples(res) == 0) {
			cg_store_set_violation(CG_VIOL_UNKNOWN, "system_id");
			err = CG_EINVAL;
		} else {
			agency = col_i64(res, 0, 0);
		}
		PQclear(res);
		res = NULL;
	}
	if (!err && scope->agency_id > 0 && agency != scope->agency_id)
		err = CG_EPERM;
	params p = {0};
	p_int(&p, sys);
	p_int(&p, agency);
	p_str(&p, cg_json_get_str(rec, "date"));
	p_str(&p, cg_json_get_str(rec, "scenario"));
	p_str(&p, cg_json_get_str(rec, "participants"));
	p_str(&p, cg_json_get_str(rec, "result"));
	p_str(&p, f ? f : "");
	p_int(&p, cg_time_now_ms());
	p_str(&p, actor && actor->name ? actor->name : "system");
	if (!err)
		err = q(c,
		        "INSERT INTO drills(system_id,agency_id,date,scenario,participants,result,"
		        "findings,created_at,created_by) VALUES($1,$2,$3,$4,$5,$6,$7,$8,$9)"
		        " RETURNING id",
		        &p, &res);
	if (!err) {
		*id = col_i64(res, 0, 0);
		PQclear(res);
		err = audit_row(c, actor, "create", "drill", *id, rec);
	}
	err = finish(c, err);
	conn_put(st, c);
	params_free(&p);
	params_free(&ps);
	return err;
}

static cg_err pg_drill_list(cg_store_impl *st, const cg_scope *scope, int64_t system_id,
                            int64_t limit, int64_t offset, json_t **items, int64_t *total)
{
	params p = {0};
	p_int(&p, scope->agency_id);
	p_int(&p, system_id);
	PGresult *res = NULL;
	cg_err err = read_q(st,
	                    "SELECT count(*) FROM drills d WHERE ($1::bigint=0 OR d.agency_id=$1)"
	                    " AND ($2::bigint=0 OR d.system_id=$2)",
	                    &p, &res);
	if (err) {
		params_free(&p);
		return err;
	}
	*total = col_i64(res, 0, 0);
	PQclear(res);
	p_int(&p, limit);
	p_int(&p, offset);
	err = read_q(st,
	             "SELECT d.id,d.system_id,s.name,d.agency_id,d.date,d.scenario,d.participants,"
	             "d.result,d.findings,d.created_at,d.created_by FROM drills d"
	             " JOIN systems s ON s.id=d.system_id"
	             " WHERE ($1::bigint=0 OR d.agency_id=$1) AND ($2::bigint=0 OR d.system_id=$2)"
	             " ORDER BY d.date DESC, d.id DESC LIMIT $3 OFFSET $4",
	             &p, &res);
	params_free(&p);
	if (err)
		return err;
	json_t *arr = json_array();
	for (int i = 0; i < PQntuples(res); i++) {
		json_t *o = json_object();
		json_object_set_new(o, "id", json_integer(col_i64(res, i, 0)));
		json_object_set_new(o, "system_id", json_integer(col_i64(res, i, 1)));
		json_object_set_new(o, "system_name", col_str(res, i, 2));
		json_object_set_new(o, "agency_id", json_integer(col_i64(res, i, 3)));
		json_object_set_new(o, "date", col_str(res, i, 4));
		json_object_set_new(o, "scenario", col_str(res, i, 5));
		json_object_set_new(o, "participants", col_str(res, i, 6));
		json_object_set_new(o, "result", col_str(res, i, 7));
		json_object_set_new(o, "findings", col_str(res, i, 8));
		json_object_set_new(o, "created_at", col_time(res, i, 9));
		json_object_set_new(o, "created_by", col_str(res, i, 10));
		json_array_append_new(arr, o);
	}
	PQclear(res);
	*items = arr;
	return CG_OK;
}

static cg_err pg_drill_latest(cg_store_impl *st, const cg_scope *scope, json_t **out)
{
	params p = {0};
	p_int(&p, scope->agency_id);
	PGresult *res = NULL;
	cg_err err = read_q(st,
	                    "SELECT system_id, max(date) FROM drills"
	                    " WHERE ($1::bigint=0 OR agency_id=$1) GROUP BY system_id",
	                    &p, &res);
	params_free(&p);
	if (err)
		return err;
	json_t *o = json_object();
	for (int i = 0; i < PQntuples(res); i++) {
		char key[24];
		snprintf(key, sizeof key, "%lld", (long long)col_i64(res, i, 0));
		json_object_set_new(o, key, col_str(res, i, 1));
	}
	PQclear(res);
	*out = o;
	return CG_OK;
}

const cg_store_ops cg_store_postgres_ops = {
    .name = "postgresql",
    .open = pg_open,
    .close = pg_close,
    .schema_version = pg_schema_version,
    .inv_list = pg_inv_list,
    .inv_get = pg_inv_get,
    .inv_create = pg_inv_create,
    .inv_update = pg_inv_update,
    .inv_delete = pg_inv_delete,
    .agency_lookup = pg_agency_lookup,
    .agency_map = pg_agency_map,
    .system_map = pg_system_map,
    .overview = pg_overview,
    .user_create = pg_user_create,
    .user_update = pg_user_update,
    .user_delete = pg_user_delete,
    .user_get = pg_user_get,
    .user_list = pg_user_list,
    .user_auth_info = pg_user_auth_info,
    .session_create = pg_session_create,
    .session_get = pg_session_get,
    .session_delete = pg_session_delete,
    .token_create = pg_token_create,
    .token_list = pg_token_list,
    .token_get = pg_token_get,
    .token_revoke = pg_token_revoke,
    .token_auth = pg_token_auth,
    .audit = pg_audit,
    .audit_list = pg_audit_list,
    .audit_last = pg_audit_last,
    .events_insert = pg_events_insert,
    .events_query = pg_events_query,
    .event_get = pg_event_get,
    .events_count = pg_events_count,
    .events_maintain = pg_events_maintain,
    .event_seq = pg_event_seq,
    .incident_write = pg_incident_write,
    .incident_get = pg_incident_get,
    .incidents_list = pg_incidents_list,
    .suppression_create = pg_suppression_create,
    .suppressions_list = pg_suppressions_list,
    .suppression_revoke = pg_suppression_revoke,
    .events_triage = pg_events_triage,
    .triage_get = pg_triage_get,
    .triage_counts = pg_triage_counts,
    .agencies_generation = pg_agencies_generation,
    .findings_by_day = pg_findings_by_day,
    .events_distinct = pg_events_distinct,
    .job_ensure = pg_job_ensure,
    .job_claim = pg_job_claim,
    .job_renew = pg_job_renew,
    .job_finish = pg_job_finish,
    .job_due = pg_job_due,
    .job_list = pg_job_list,
    .web_findings = pg_web_findings,
    .web_finding_open = pg_web_finding_open,
    .web_finding_close = pg_web_finding_close,
    .alert_add = pg_alert_add,
    .alerts_due = pg_alerts_due,
    .alert_update = pg_alert_update,
    .alerts_list = pg_alerts_list,
    .state = &pg_state_ops,
    .reports = &pg_reports_ops,
    .fwd = &pg_fwd_ops,
    .intel = &pg_intel_ops,
    .natreport = &pg_natreport_ops,
    .challenge_issue = pg_challenge_issue,
    .challenge_consume = pg_challenge_consume,
    .public_report_add = pg_public_report_add,
    .public_report_get = pg_public_report_get,
    .drill_create = pg_drill_create,
    .drill_list = pg_drill_list,
    .drill_latest = pg_drill_latest,
    .stats = pg_stats,
    .exposure = &pg_xp_ops,
};
