/*
 * copy.c - moving a province's store from SQLite to PostgreSQL (copy.h).
 *
 * This is the one place that talks to both databases at once, so it is
 * part of the store library and not a store.h backend: the interface
 * deliberately never hands out raw rows (password and token hashes stay
 * inside), and a copy needs exactly those.
 *
 * Design:
 *  - Both ends are opened through cg_store_open first, so the source is
 *    migrated to the current schema and the destination's schema exists;
 *    then each is read or written on a plain connection of its own.
 *  - One table description drives reading, writing and checking: the
 *    columns and their kinds (integer, text, JSON, boolean, blob), in an
 *    order that satisfies the foreign keys. Agencies refer to agencies:
 *    their parents are set in a second pass.
 *  - Rows keep their ids (and events their seq), so references, cursors
 *    and audit entries stay valid. Each insert is `ON CONFLICT DO
 *    NOTHING`: running the copy again adds nothing, and a copy broken off
 *    half-way is finished by the next run. Sequences are moved past the
 *    copied ids.
 *  - Rows go out in pipeline mode, in transactions of COPY_TX rows.
 *  - The check: per table, the number of rows and an order-independent
 *    checksum (the sum of a BLAKE2b hash of each row's canonical text:
 *    integers in decimal, JSON re-encoded with sorted keys, blobs in hex,
 *    booleans 0/1), computed the same way from both databases.
 */
#include "copy.h"

#include "store.h"

#include <libpq-fe.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"
#include "core/text.h"

/* Rows per destination transaction, and per pipeline round trip. */
#define COPY_TX   5000
#define COPY_PIPE 256

typedef enum ckind { K_INT, K_TEXT, K_JSON, K_BOOL, K_BLOB } ckind;

typedef struct col {
	const char *name;
	ckind kind;
} col;

typedef struct table {
	const char *name;
	const char *order;  /* the source's read order */
	const char *serial; /* the bigserial column, or NULL */
	const col *cols;
} table;

static const col agencies_cols[] = {
    {"id", K_INT},
    {"name", K_TEXT},
    {"kind", K_TEXT},
    {"parent_id", K_INT},
    {"code", K_TEXT},
    {"ip_ranges", K_JSON},
    {"declared_endpoints", K_INT},
    {"created_at", K_INT},
    {"updated_at", K_INT},
    {NULL, K_INT},
};
static const col systems_cols[] = {
    {"id", K_INT},
    {"agency_id", K_INT},
    {"name", K_TEXT},
    {"kind", K_TEXT},
    {"urls", K_JSON},
    {"domains", K_JSON},
    {"ips", K_JSON},
    {"level", K_INT},
    {"dossier_status", K_TEXT},
    {"dossier_dates", K_JSON},
    {"monitor_interval_s", K_INT},
    {"created_at", K_INT},
    {"updated_at", K_INT},
    {NULL, K_INT},
};
static const col people_cols[] = {
    {"id", K_INT},         {"agency_id", K_INT},
    {"name", K_TEXT},      {"role", K_TEXT},
    {"title", K_TEXT},     {"phone", K_TEXT},
    {"email", K_TEXT},     {"published_on_portal", K_BOOL},
    {"created_at", K_INT}, {"updated_at", K_INT},
    {NULL, K_INT},
};
static const col users_cols[] = {
    {"id", K_INT},         {"username", K_TEXT}, {"display_name", K_TEXT}, {"role", K_TEXT},
    {"agency_id", K_INT},  {"pw_hash", K_TEXT},  {"disabled", K_BOOL},     {"created_at", K_INT},
    {"updated_at", K_INT}, {NULL, K_INT},
};
static const col sessions_cols[] = {
    {"token_hash", K_BLOB}, {"user_id", K_INT},    {"csrf", K_TEXT},
    {"created_at", K_INT},  {"expires_at", K_INT}, {NULL, K_INT},
};
static const col tokens_cols[] = {
    {"id", K_INT},           {"name", K_TEXT},       {"scope", K_TEXT},
    {"agency_id", K_INT},    {"token_hash", K_BLOB}, {"created_at", K_INT},
    {"last_used_at", K_INT}, {"revoked_at", K_INT},  {NULL, K_INT},
};
static const col audit_cols[] = {
    {"id", K_INT},           {"time", K_INT},      {"actor", K_TEXT},  {"action", K_TEXT},
    {"object_type", K_TEXT}, {"object_id", K_INT}, {"detail", K_JSON}, {NULL, K_INT},
};
static const col events_cols[] = {
    {"seq", K_INT},         {"producer", K_TEXT}, {"id", K_TEXT},       {"time", K_INT},
    {"received_at", K_INT}, {"host", K_TEXT},     {"agency", K_TEXT},   {"agency_id", K_INT},
    {"system_id", K_INT},   {"source", K_TEXT},   {"kind", K_TEXT},     {"severity", K_INT},
    {"subject", K_TEXT},    {"summary", K_TEXT},  {"evidence", K_JSON}, {NULL, K_INT},
};
static const col counts_cols[] = {
    {"agency_id", K_INT}, {"day", K_INT}, {"severity", K_INT}, {"n", K_INT}, {NULL, K_INT},
};
static const col hosts_cols[] = {
    {"agency_id", K_INT},
    {"host", K_TEXT},
    {"last_seen", K_INT},
    {NULL, K_INT},
};
static const col findings_cols[] = {
    {"url", K_TEXT},  {"kind", K_TEXT},     {"summary", K_TEXT}, {"severity", K_TEXT},
    {"since", K_INT}, {"event_id", K_TEXT}, {NULL, K_INT},
};
static const col alerts_cols[] = {
    {"id", K_TEXT},      {"created", K_INT},  {"agency_id", K_INT},   {"state", K_TEXT},
    {"attempts", K_INT}, {"next_try", K_INT}, {"last_error", K_TEXT}, {"delivered", K_INT},
    {"doc", K_JSON},     {NULL, K_INT},
};
static const col public_reports_cols[] = {
    {"code", K_TEXT},      {"state", K_TEXT},    {"created", K_INT},      {"updated", K_INT},
    {"agency_id", K_INT},  {"event_id", K_TEXT}, {"screenshots", K_JSON}, {NULL, K_INT},
};
static const col drills_cols[] = {
    {"id", K_INT},         {"system_id", K_INT},     {"agency_id", K_INT}, {"date", K_TEXT},
    {"scenario", K_TEXT},  {"participants", K_TEXT}, {"result", K_TEXT},   {"findings", K_TEXT},
    {"created_at", K_INT}, {"created_by", K_TEXT},   {NULL, K_INT},
};
static const col reports_cols[] = {
    {"id", K_INT},         {"kind", K_TEXT},  {"period", K_TEXT},    {"agency_id", K_INT},
    {"lang", K_TEXT},      {"files", K_JSON}, {"created_at", K_INT}, {"created_by", K_TEXT},
    {"signed_by", K_TEXT}, {NULL, K_INT},
};

static const col etokens_cols[] = {
    {"id", K_INT},          {"token_hash", K_BLOB}, {"agency_id", K_INT},  {"note", K_TEXT},
    {"created_by", K_TEXT}, {"created_at", K_INT},  {"expires_at", K_INT}, {"used_at", K_INT},
    {"used_by", K_TEXT},    {"max_uses", K_INT},    {"uses", K_INT},       {"revoked_at", K_INT},
    {"revoked_by", K_TEXT}, {NULL, K_INT},
};
static const col agents_cols[] = {
    {"id", K_INT},           {"agent_id", K_TEXT},       {"api_token_id", K_INT},
    {"agency_id", K_INT},    {"host", K_TEXT},           {"os", K_TEXT},
    {"agent_version", K_TEXT}, {"rule_version", K_TEXT}, {"policy_version", K_INT},
    {"spool_pending", K_INT}, {"enrolled_at", K_INT},    {"last_seen", K_INT},
    {"antivirus", K_JSON},
    {NULL, K_INT},
};
static const col apolicies_cols[] = {
    {"agency_id", K_INT}, {"version", K_INT}, {"body", K_JSON}, {"updated_at", K_INT},
    {NULL, K_INT},
};

static const col xp_runs_cols[] = {
    {"id", K_INT},       {"system_id", K_INT}, {"agency_id", K_INT}, {"status", K_TEXT},
    {"requested_by", K_TEXT}, {"queued", K_INT}, {"started", K_INT}, {"finished", K_INT},
    {"targets", K_INT},  {"reached", K_INT},   {"findings", K_INT},  {"fixed", K_INT},
    {"errors", K_TEXT},  {NULL, K_INT},
};
static const col xp_findings_cols[] = {
    {"id", K_INT},        {"system_id", K_INT}, {"agency_id", K_INT}, {"target", K_TEXT},
    {"kind", K_TEXT},     {"severity", K_TEXT}, {"summary", K_TEXT},  {"cves", K_TEXT},
    {"kev", K_INT},       {"event_id", K_TEXT}, {"opened", K_INT},    {"opened_run", K_INT},
    {"fixed", K_INT},     {"fixed_run", K_INT}, {NULL, K_INT},
};

static const col dnsup_cols[] = {
    {"id", K_INT},         {"name", K_TEXT},     {"owner", K_TEXT},   {"owner_kind", K_INT},
    {"agency_id", K_INT},  {"state", K_TEXT},    {"size", K_INT},     {"writing_until", K_INT},
    {"progress", K_TEXT},  {"result", K_TEXT},   {"error", K_TEXT},   {"created", K_INT},
    {"started", K_INT},    {"finished", K_INT},  {"chunks", K_TEXT},
    {NULL, K_INT},
};

static const col triage_cols[] = {
    {"seq", K_INT},         {"agency_id", K_INT}, {"day", K_INT},   {"severity", K_INT},
    {"state", K_TEXT},      {"assignee", K_TEXT}, {"note", K_TEXT}, {"updated_at", K_INT},
    {"updated_by", K_TEXT}, {NULL, K_INT},
};
static const col suppressions_cols[] = {
    {"id", K_INT},         {"source", K_TEXT},     {"kind", K_TEXT},      {"subject", K_TEXT},
    {"agency_id", K_INT},  {"note", K_TEXT},       {"from_event", K_INT}, {"expires_at", K_INT},
    {"created_at", K_INT}, {"created_by", K_TEXT}, {"revoked_at", K_INT}, {NULL, K_INT},
};
static const col incidents_cols[] = {
    {"id", K_INT},         {"year", K_INT},       {"year_seq", K_INT}, {"agency_id", K_INT},
    {"state", K_TEXT},     {"severity", K_TEXT},  {"kind", K_TEXT},    {"rec", K_JSON},
    {"created_at", K_INT}, {"updated_at", K_INT}, {NULL, K_INT},
};
static const col incident_events_cols[] = {
    {"incident_id", K_INT},
    {"seq", K_INT},
    {NULL, K_INT},
};
static const col incident_timeline_cols[] = {
    {"id", K_INT},    {"incident_id", K_INT}, {"time", K_INT}, {"actor", K_TEXT},
    {"what", K_TEXT}, {"detail", K_JSON},     {NULL, K_INT},
};

static const col inc_notices_cols[] = {
    {"incident_id", K_INT}, {"rule", K_TEXT}, {"stage", K_TEXT}, {"sent_at", K_INT},
    {NULL, K_INT},
};

static const col inc_tasks_cols[] = {
    {"id", K_INT},     {"incident_id", K_INT}, {"title", K_TEXT},      {"assignee", K_TEXT},
    {"due_at", K_TEXT}, {"done", K_BOOL},       {"created_at", K_INT}, {"updated_at", K_INT},
    {NULL, K_INT},
};

static const col fwd_cols[] = {
    {"name", K_TEXT},       {"last_seq", K_INT}, {"sent", K_INT}, {"last_sent", K_INT},
    {"last_error", K_TEXT}, {"error_at", K_INT}, {NULL, K_INT},
};

static const col natdeliv_cols[] = {
    {"id", K_INT},          {"period", K_TEXT},  {"format", K_TEXT}, {"url", K_TEXT},
    {"at", K_INT},          {"ok", K_INT},       {"http_status", K_INT}, {"answer", K_TEXT},
    {"error", K_TEXT},      {"sha256", K_TEXT},  {"bytes", K_INT},   {NULL, K_INT},
};

static const col mispdeliv_cols[] = {
    {"id", K_INT},          {"dest", K_TEXT},        {"url", K_TEXT},    {"since", K_INT},
    {"until", K_INT},       {"at", K_INT},           {"ok", K_INT},      {"http_status", K_INT},
    {"events", K_INT},      {"attributes", K_INT},   {"error", K_TEXT},  {"from_seq", K_INT},
    {"to_seq", K_INT},      {NULL, K_INT},
};

static const col intel_src_cols[] = {
    {"name", K_TEXT},       {"kind", K_TEXT},    {"cursor", K_TEXT}, {"last_pull", K_INT},
    {"last_error", K_TEXT}, {"error_at", K_INT}, {NULL, K_INT},
};

static const col intel_ind_cols[] = {
    {"id", K_INT},          {"source", K_TEXT},     {"type", K_TEXT},       {"value", K_TEXT},
    {"confidence", K_INT},  {"tlp", K_TEXT},        {"valid_from", K_INT},  {"valid_until", K_INT},
    {"first_seen", K_INT},  {"last_seen", K_INT},   {"ext_id", K_TEXT},     {"description", K_TEXT},
    {NULL, K_INT},
};

/* In foreign-key order. Every table of either backend's schema is here or
 * in `skipped` below, with the reason: tests/unit/store/test_copy_tables
 * lists both schemas and fails on a table that is in neither, so a table
 * added later cannot be forgotten by the copy. */
static const table tables[] = {
    {"agencies", "id", "id", agencies_cols},
    {"systems", "id", "id", systems_cols},
    {"people", "id", "id", people_cols},
    {"users", "id", "id", users_cols},
    {"sessions", "token_hash", NULL, sessions_cols},
    {"api_tokens", "id", "id", tokens_cols},
    {"audit", "id", "id", audit_cols},
    {"events", "seq", "seq", events_cols},
    {"event_counts", "agency_id, day, severity", NULL, counts_cols},
    {"event_hosts", "agency_id, host", NULL, hosts_cols},
    {"web_findings", "url, kind", NULL, findings_cols},
    {"alerts", "id", NULL, alerts_cols},
    {"enroll_tokens", "id", "id", etokens_cols},
    {"agents", "id", "id", agents_cols},
    {"agent_policies", "agency_id", NULL, apolicies_cols},
    {"dns_uploads", "id", "id", dnsup_cols},
    {"public_reports", "code", NULL, public_reports_cols},
    {"drills", "id", "id", drills_cols},
    {"event_triage", "seq", NULL, triage_cols},
    {"suppressions", "id", "id", suppressions_cols},
    {"incidents", "id", "id", incidents_cols},
    {"incident_events", "incident_id, seq", NULL, incident_events_cols},
    {"incident_timeline", "id", "id", incident_timeline_cols},
    {"incident_notices", "incident_id, rule, stage", NULL, inc_notices_cols},
    {"incident_tasks", "id", "id", inc_tasks_cols},
    {"exposure_runs", "id", "id", xp_runs_cols},
    {"exposure_findings", "id", "id", xp_findings_cols},
    {"reports", "id", "id", reports_cols},
    /* a moved province's SIEMs go on from where they were */
    {"fwd_cursors", "name", NULL, fwd_cols},
    /* imported intelligence: a moved province keeps matching it */
    {"intel_sources", "name", NULL, intel_src_cols},
    {"intel_indicators", "id", "id", intel_ind_cols},
    /* the record of what the national centre was sent and answered */
    {"national_deliveries", "id", "id", natdeliv_cols},
    /* the record of what the MISP instances were pushed, and the cursor */
    {"misp_deliveries", "id", "id", mispdeliv_cols},
};
#define N_TABLES (sizeof tables / sizeof tables[0])
_Static_assert(N_TABLES <= CG_COPY_MAX_TABLES, "the copy report holds every table");

/* The tables deliberately not copied, and why. */
static const char *const skipped[] = {
    /* the migrations' bookkeeping: each database's own */
    "schema_version",
    /* the scheduler's jobs: each server makes its own when it starts */
    "jobs",
    /* the login throttle's live counts and its secret: a moved province
     * starts counting afresh (store_secrets holds only that secret) */
    "login_throttle",
    "store_secrets",
    /* the public form's proof-of-work challenges: they live ten minutes */
    "pow_challenges",
    /* derived on PostgreSQL: the agencies' change counter (each database
     * counts its own changes), the list of monthly partitions (made by
     * canhgac_event_partitions before events are copied) and the
     * per-producer dedup keys (filled by the trigger as events arrive) */
    "store_counters",
    "event_partitions",
    "event_keys",
    /* derived on SQLite: the text index of events and its shadow tables
     * (the destination computes its own `search`), AUTOINCREMENT's
     * counters */
    "events_fts",
    "events_fts_data",
    "events_fts_idx",
    "events_fts_config",
    "events_fts_docsize",
    "events_fts_content",
    "sqlite_sequence",
};

cg_store_copy_treatment cg_store_copy_treats(const char *table)
{
	for (size_t i = 0; i < N_TABLES; i++)
		if (strcmp(tables[i].name, table) == 0)
			return CG_COPY_COPIED;
	for (size_t i = 0; i < sizeof skipped / sizeof skipped[0]; i++)
		if (strcmp(skipped[i], table) == 0)
			return CG_COPY_SKIPPED;
	return CG_COPY_UNKNOWN;
}

size_t cg_store_copy_ntables(void)
{
	return N_TABLES;
}

const char *cg_store_copy_table_name(size_t i)
{
	return i < N_TABLES ? tables[i].name : NULL;
}

/* ---- one row as text values ------------------------------------------ */

/* The values of one row, as the destination's text parameters and as the
 * checksum's canonical text. */
typedef struct row {
	int n;
	char *v[24]; /* NULL = SQL NULL */
} row;

static void row_free(row *r)
{
	for (int i = 0; i < r->n; i++)
		free(r->v[i]);
	r->n = 0;
}

static char *hex_blob(const unsigned char *p, size_t n)
{
	static const char hx[] = "0123456789abcdef";
	char *s = malloc(2 * n + 3);
	if (!s)
		return NULL;
	s[0] = '\\';
	s[1] = 'x';
	for (size_t i = 0; i < n; i++) {
		s[2 + 2 * i] = hx[p[i] >> 4];
		s[3 + 2 * i] = hx[p[i] & 15];
	}
	s[2 + 2 * n] = '\0';
	return s;
}

/* JSON text re-encoded with sorted keys: jsonb and SQLite keep different
 * spellings of the same value. */
static char *canon_json(const char *t, size_t n)
{
	json_t *v = json_loadb(t, n, JSON_DECODE_ANY, NULL);
	if (!v)
		return strndup(t, n);
	char *s = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
	json_decref(v);
	return s;
}

/* Adds a row's hash to the table's checksum. */
static void sum_row(const row *r, uint64_t *sum)
{
	crypto_generichash_state h;
	crypto_generichash_init(&h, NULL, 0, 8);
	for (int i = 0; i < r->n; i++) {
		const char *v = r->v[i] ? r->v[i] : "\x01NULL";
		crypto_generichash_update(&h, (const unsigned char *)v, strlen(v) + 1);
	}
	unsigned char out[8];
	crypto_generichash_final(&h, out, sizeof out);
	uint64_t x = 0;
	for (int i = 0; i < 8; i++)
		x = x << 8 | out[i];
	*sum += x;
}

/* The canonical form of a value read from either side (in place). */
static char *canon(ckind k, const char *t, size_t n)
{
	switch (k) {
	case K_JSON:
		return canon_json(t, n);
	case K_BOOL:
		return strdup(t[0] == 't' || t[0] == '1' ? "1" : "0");
	default:
		return strndup(t, n);
	}
}

static void read_sqlite_row(const table *t, sqlite3_stmt *s, row *r)
{
	r->n = 0;
	for (const col *c = t->cols; c->name; c++, r->n++) {
		int i = r->n;
		if (sqlite3_column_type(s, i) == SQLITE_NULL) {
			r->v[i] = NULL;
			continue;
		}
		if (c->kind == K_BLOB) {
			r->v[i] =
			    hex_blob(sqlite3_column_blob(s, i), (size_t)sqlite3_column_bytes(s, i));
			continue;
		}
		const char *txt = (const char *)sqlite3_column_text(s, i);
		r->v[i] = canon(c->kind, txt ? txt : "", (size_t)sqlite3_column_bytes(s, i));
	}
}

/* ---- the two connections -------------------------------------------- */

static cg_err pg_ok(PGconn *c, PGresult *r, cg_buf *why, const char *what)
{
	ExecStatusType st = PQresultStatus(r);
	if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)
		return CG_OK;
	if (why)
		cg_buf_printf(why, "%s: %s", what, r ? PQresultErrorMessage(r) : PQerrorMessage(c));
	return CG_EDB;
}

static cg_err pg_exec(PGconn *c, const char *sql, cg_buf *why)
{
	PGresult *r = PQexec(c, sql);
	cg_err err = pg_ok(c, r, why, sql);
	PQclear(r);
	return err;
}

/* The INSERT of table t ($1.. per column; events add the search words).
 * Agencies go in with no parent first (send_row), parents after. */
static void insert_sql(const table *t, cg_buf *sql)
{
	cg_buf_printf(sql, "INSERT INTO %s(", t->name);
	int n = 0;
	for (const col *c = t->cols; c->name; c++, n++)
		cg_buf_printf(sql, "%s%s", n ? "," : "", c->name);
	if (strcmp(t->name, "events") == 0)
		cg_buf_puts(sql, ",search");
	cg_buf_puts(sql, ") VALUES(");
	for (int i = 1; i <= n; i++)
		cg_buf_printf(sql, "%s$%d", i > 1 ? "," : "", i);
	if (strcmp(t->name, "events") == 0)
		cg_buf_printf(sql, ",to_tsvector('simple',$%d)", n + 1);
	cg_buf_puts(sql, ") ON CONFLICT DO NOTHING");
}

/* Sends one prepared insert of row r (pipeline mode). */
static bool send_row(PGconn *pg, const table *t, const row *r, cg_buf *words, bool parent_null)
{
	const char *v[25];
	int n = r->n;
	for (int i = 0; i < n; i++)
		v[i] = r->v[i];
	if (parent_null)
		for (int i = 0; i < n; i++)
			if (strcmp(t->cols[i].name, "parent_id") == 0)
				v[i] = NULL;
	if (strcmp(t->name, "events") == 0) {
		/* the search words, by the same rule as ingest (indexes 12, 13:
		 * subject, summary) */
		cg_buf_reset(words);
		if (r->v[12])
			cg_text_search_words(cg_slice_cstr(r->v[12]), words);
		if (r->v[13]) {
			if (words->len)
				cg_buf_putc(words, ' ');
			cg_text_search_words(cg_slice_cstr(r->v[13]), words);
		}
		v[n++] = cg_buf_cstr(words);
	}
	return PQsendQueryPrepared(pg, t->name, n, v, NULL, NULL, 0) == 1;
}

/* Reads the results of `sent` queries and the sync; counts inserted rows. */
static cg_err drain(PGconn *pg, size_t sent, int64_t *inserted, cg_buf *why)
{
	cg_err err = CG_OK;
	for (size_t i = 0; i < sent; i++) {
		PGresult *r = PQgetResult(pg);
		if (!err && PQresultStatus(r) != PGRES_COMMAND_OK)
			err = pg_ok(pg, r, why, "insert");
		else if (!err)
			*inserted += strtoll(PQcmdTuples(r), NULL, 10);
		PQclear(r);
		PQclear(PQgetResult(pg));
	}
	for (;;) {
		PGresult *r = PQgetResult(pg);
		if (!r) {
			if (PQstatus(pg) == CONNECTION_BAD)
				return CG_EDB;
			continue;
		}
		ExecStatusType st = PQresultStatus(r);
		PQclear(r);
		if (st == PGRES_PIPELINE_SYNC)
			break;
	}
	return err;
}

/* Copies one table (one pass). */
static cg_err copy_table(sqlite3 *db, PGconn *pg, const table *t, bool parent_null,
                         int64_t *inserted, cg_buf *why)
{
	cg_buf sql, words;
	cg_buf_init(&sql, 4096);
	cg_buf_init(&words, 1 << 20);
	insert_sql(t, &sql);
	PQclear(PQexec(pg, "DEALLOCATE ALL"));
	int nparams = 0;
	for (const col *c = t->cols; c->name; c++)
		nparams++;
	if (strcmp(t->name, "events") == 0)
		nparams++;
	PGresult *pr = PQprepare(pg, t->name, cg_buf_cstr(&sql), nparams, NULL);
	cg_err err = pg_ok(pg, pr, why, "prepare");
	PQclear(pr);
	cg_buf_reset(&sql);
	cg_buf_puts(&sql, "SELECT ");
	int n = 0;
	for (const col *c = t->cols; c->name; c++, n++)
		cg_buf_printf(&sql, "%s%s", n ? "," : "", c->name);
	cg_buf_printf(&sql, " FROM %s ORDER BY %s", t->name, t->order);
	sqlite3_stmt *s = NULL;
	if (!err && sqlite3_prepare_v2(db, cg_buf_cstr(&sql), -1, &s, NULL) != SQLITE_OK) {
		cg_buf_printf(why, "%s: %s", t->name, sqlite3_errmsg(db));
		err = CG_EDB;
	}
	size_t in_tx = 0, sent = 0;
	bool more = true;
	while (!err && more) {
		err = pg_exec(pg, "BEGIN", why);
		if (err || PQenterPipelineMode(pg) != 1) {
			err = err ? err : CG_EDB;
			break;
		}
		in_tx = 0;
		while (!err && in_tx < COPY_TX) {
			int rc = sqlite3_step(s);
			if (rc != SQLITE_ROW) {
				more = false;
				if (rc != SQLITE_DONE) {
					cg_buf_printf(why, "%s: %s", t->name, sqlite3_errmsg(db));
					err = CG_EDB;
				}
				break;
			}
			row r;
			read_sqlite_row(t, s, &r);
			if (!send_row(pg, t, &r, &words, parent_null)) {
				cg_buf_printf(why, "%s: %s", t->name, PQerrorMessage(pg));
				err = CG_EDB;
			} else
				sent++;
			row_free(&r);
			in_tx++;
			if (sent == COPY_PIPE) {
				PQpipelineSync(pg);
				cg_err e = drain(pg, sent, inserted, why);
				err = err ? err : e;
				sent = 0;
			}
		}
		PQpipelineSync(pg);
		cg_err e = drain(pg, sent, inserted, why);
		err = err ? err : e;
		sent = 0;
		PQexitPipelineMode(pg);
		cg_err c = pg_exec(pg, err ? "ROLLBACK" : "COMMIT", why);
		err = err ? err : c;
	}
	sqlite3_finalize(s);
	cg_buf_free(&sql);
	cg_buf_free(&words);
	return err;
}

/* Agencies' parents, after every agency exists. */
static cg_err copy_parents(sqlite3 *db, PGconn *pg, cg_buf *why)
{
	sqlite3_stmt *s = NULL;
	if (sqlite3_prepare_v2(db, "SELECT id, parent_id FROM agencies WHERE parent_id IS NOT NULL",
	                       -1, &s, NULL) != SQLITE_OK) {
		cg_buf_printf(why, "agencies: %s", sqlite3_errmsg(db));
		return CG_EDB;
	}
	cg_err err = pg_exec(pg, "BEGIN", why);
	while (!err && sqlite3_step(s) == SQLITE_ROW) {
		char id[24], parent[24];
		snprintf(id, sizeof id, "%lld", (long long)sqlite3_column_int64(s, 0));
		snprintf(parent, sizeof parent, "%lld", (long long)sqlite3_column_int64(s, 1));
		const char *v[2] = {parent, id};
		PGresult *r = PQexecParams(pg,
		                           "UPDATE agencies SET parent_id=$1 WHERE id=$2 AND"
		                           " parent_id IS NULL",
		                           2, NULL, v, NULL, NULL, 0);
		err = pg_ok(pg, r, why, "agencies: parent");
		PQclear(r);
	}
	sqlite3_finalize(s);
	cg_err c = pg_exec(pg, err ? "ROLLBACK" : "COMMIT", why);
	return err ? err : c;
}

/* ---- the check ------------------------------------------------------- */

static cg_err sum_sqlite(sqlite3 *db, const table *t, int64_t *count, uint64_t *sum, cg_buf *why)
{
	cg_buf sql;
	cg_buf_init(&sql, 4096);
	cg_buf_puts(&sql, "SELECT ");
	int n = 0;
	for (const col *c = t->cols; c->name; c++, n++)
		cg_buf_printf(&sql, "%s%s", n ? "," : "", c->name);
	cg_buf_printf(&sql, " FROM %s", t->name);
	sqlite3_stmt *s = NULL;
	cg_err err = CG_OK;
	if (sqlite3_prepare_v2(db, cg_buf_cstr(&sql), -1, &s, NULL) != SQLITE_OK) {
		cg_buf_printf(why, "%s: %s", t->name, sqlite3_errmsg(db));
		err = CG_EDB;
	}
	*count = 0;
	*sum = 0;
	while (!err && sqlite3_step(s) == SQLITE_ROW) {
		row r;
		read_sqlite_row(t, s, &r);
		sum_row(&r, sum);
		row_free(&r);
		(*count)++;
	}
	sqlite3_finalize(s);
	cg_buf_free(&sql);
	return err;
}

static cg_err sum_pg(PGconn *pg, const table *t, int64_t *count, uint64_t *sum, cg_buf *why)
{
	cg_buf sql;
	cg_buf_init(&sql, 4096);
	/* a cursor: a million events need not be in memory at once */
	cg_buf_puts(&sql, "DECLARE cg_sum NO SCROLL CURSOR FOR SELECT ");
	int n = 0;
	for (const col *c = t->cols; c->name; c++, n++)
		cg_buf_printf(&sql, "%s%s", n ? "," : "", c->name);
	cg_buf_printf(&sql, " FROM %s", t->name);
	*count = 0;
	*sum = 0;
	cg_err err = pg_exec(pg, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", why);
	if (!err)
		err = pg_exec(pg, cg_buf_cstr(&sql), why);
	while (!err) {
		PGresult *r = PQexec(pg, "FETCH 5000 FROM cg_sum");
		err = pg_ok(pg, r, why, t->name);
		int rows = err ? 0 : PQntuples(r);
		for (int i = 0; i < rows; i++) {
			row w = {.n = 0};
			for (const col *c = t->cols; c->name; c++, w.n++) {
				int k = w.n;
				if (PQgetisnull(r, i, k))
					w.v[k] = NULL;
				else
					w.v[k] = canon(c->kind, PQgetvalue(r, i, k),
					               (size_t)PQgetlength(r, i, k));
			}
			sum_row(&w, sum);
			row_free(&w);
			(*count)++;
		}
		PQclear(r);
		if (rows == 0)
			break;
	}
	pg_exec(pg, "ROLLBACK", NULL);
	cg_buf_free(&sql);
	return err;
}

/* ---- the copy --------------------------------------------------------- */

/* PostgreSQL keeps events in monthly partitions of their arrival time
 * (docs/storage.md): the months the source's events arrived in are made
 * before they are copied. */
static cg_err event_months(sqlite3 *db, PGconn *pg, cg_buf *why)
{
	sqlite3_stmt *s = NULL;
	cg_err err = CG_OK;
	if (sqlite3_prepare_v2(db, "SELECT min(received_at), max(received_at) FROM events", -1, &s,
	                       NULL) != SQLITE_OK) {
		cg_buf_printf(why, "events: %s", sqlite3_errmsg(db));
		return CG_EDB;
	}
	if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_type(s, 0) != SQLITE_NULL) {
		char sql[160];
		snprintf(sql, sizeof sql, "SELECT canhgac_event_partitions(%lld, %lld)",
		         (long long)sqlite3_column_int64(s, 0), (long long)sqlite3_column_int64(s, 1));
		err = pg_exec(pg, sql, why);
	}
	sqlite3_finalize(s);
	return err;
}

cg_err cg_store_copy(const char *from, const char *to, cg_store_copy_report *rep, cg_buf *why)
{
	memset(rep, 0, sizeof *rep);
	const char *src = strncmp(from, "sqlite:", 7) == 0 ? from + 7 : from;
	if (strstr(from, "://") ||
	    !(strncmp(to, "postgresql://", 13) == 0 || strncmp(to, "postgres://", 11) == 0)) {
		cg_buf_puts(why, "only a copy from sqlite:PATH to postgresql://... is supported");
		return CG_EUNSUPPORTED;
	}
	if (sodium_init() < 0)
		return CG_EINTERNAL;
	/* migrate both ends to the current schema */
	cg_store *a = NULL, *b = NULL;
	cg_err err = cg_store_open(from, &a, why);
	if (!err)
		err = cg_store_open(to, &b, why);
	cg_store_close(a);
	cg_store_close(b);
	if (err)
		return err;
	sqlite3 *db = NULL;
	if (sqlite3_open_v2(src, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		cg_buf_printf(why, "%s: %s", src, db ? sqlite3_errmsg(db) : "cannot open");
		sqlite3_close(db);
		return CG_EDB;
	}
	sqlite3_busy_timeout(db, 10000);
	PGconn *pg = PQconnectdb(to);
	if (PQstatus(pg) != CONNECTION_OK) {
		cg_buf_printf(why, "store: %s", PQerrorMessage(pg));
		PQfinish(pg);
		sqlite3_close(db);
		return CG_EDB;
	}
	PQclear(PQexec(pg, "SET client_min_messages = warning"));
	/* one snapshot of the source for the copy and its check */
	char *emsg = NULL;
	if (sqlite3_exec(db, "BEGIN", NULL, NULL, &emsg) != SQLITE_OK) {
		cg_buf_printf(why, "%s: %s", src, emsg ? emsg : "?");
		err = CG_EDB;
	}
	sqlite3_free(emsg);
	for (size_t i = 0; !err && i < N_TABLES; i++) {
		const table *t = &tables[i];
		cg_store_copy_table *ct = &rep->tables[rep->ntables++];
		snprintf(ct->name, sizeof ct->name, "%s", t->name);
		bool ag = strcmp(t->name, "agencies") == 0;
		if (strcmp(t->name, "events") == 0)
			err = event_months(db, pg, why);
		if (!err)
			err = copy_table(db, pg, t, ag, &ct->copied, why);
		if (!err && ag)
			err = copy_parents(db, pg, why);
		if (!err && t->serial) {
			char sql[256];
			snprintf(sql, sizeof sql,
			         "SELECT setval(pg_get_serial_sequence('%s','%s'),"
			         " greatest((SELECT max(%s) FROM %s), 1))",
			         t->name, t->serial, t->serial, t->name);
			err = pg_exec(pg, sql, why);
		}
	}
	for (size_t i = 0; !err && i < N_TABLES; i++) {
		cg_store_copy_table *ct = &rep->tables[i];
		err = sum_sqlite(db, &tables[i], &ct->source_rows, &ct->source_sum, why);
		if (!err)
			err = sum_pg(pg, &tables[i], &ct->dest_rows, &ct->dest_sum, why);
		if (!err && (ct->source_rows != ct->dest_rows || ct->source_sum != ct->dest_sum)) {
			rep->mismatch = true;
		}
	}
	sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	sqlite3_close(db);
	PQfinish(pg);
	if (!err && rep->mismatch) {
		cg_buf_puts(why, "the copy differs from the source (see the table counts)");
		err = CG_ECONFLICT;
	}
	return err;
}
