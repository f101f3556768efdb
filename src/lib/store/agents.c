/*
 * agents.c - the agent registry in SQLite (see agents.h). Small and
 * boring on purpose: prepared statements, one transaction per change,
 * numbered migrations in migrations[] (append only).
 */
#include "store/agents.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"
#include "core/timeutil.h"

static const char *const migrations[] = {
	/* 1 */
	"CREATE TABLE enroll_tokens (id INTEGER PRIMARY KEY, token_hash BLOB NOT NULL UNIQUE,"
	" agency_id INTEGER NOT NULL, note TEXT, created_by TEXT, created_at INTEGER NOT NULL,"
	" expires_at INTEGER NOT NULL, used_at INTEGER, used_by TEXT);"
	"CREATE TABLE agents (id INTEGER PRIMARY KEY, agent_id TEXT NOT NULL UNIQUE,"
	" api_token_id INTEGER NOT NULL UNIQUE, agency_id INTEGER NOT NULL, host TEXT, os TEXT,"
	" agent_version TEXT, rule_version TEXT, policy_version INTEGER, spool_pending INTEGER,"
	" enrolled_at INTEGER NOT NULL, last_seen INTEGER NOT NULL);"
	"CREATE INDEX agents_agency ON agents(agency_id);"
	"CREATE TABLE policies (agency_id INTEGER PRIMARY KEY, version INTEGER NOT NULL,"
	" body TEXT NOT NULL, updated_at INTEGER NOT NULL);",
};
#define N_MIGRATIONS ((int)(sizeof migrations / sizeof *migrations))

struct cg_agents {
	sqlite3 *db;
	pthread_mutex_t mu;
};

static cg_err fail(cg_agents *a, int rc)
{
	(void)a;
	if ((rc & 0xff) == SQLITE_CONSTRAINT)
		return CG_ECONFLICT;
	if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED)
		return CG_ETIMEOUT;
	return CG_EDB;
}

static cg_err exec(cg_agents *a, const char *sql)
{
	int rc = sqlite3_exec(a->db, sql, NULL, NULL, NULL);
	return rc == SQLITE_OK ? CG_OK : fail(a, rc);
}

static sqlite3_stmt *prep(cg_agents *a, const char *sql)
{
	sqlite3_stmt *s = NULL;
	if (sqlite3_prepare_v2(a->db, sql, -1, &s, NULL) != SQLITE_OK)
		return NULL;
	return s;
}

static cg_err migrate(cg_agents *a)
{
	cg_err err = exec(a, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
	if (err)
		return err;
	sqlite3_stmt *s = prep(a, "SELECT coalesce(max(version),0) FROM schema_version");
	int v = 0;
	if (s && sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	if (v > N_MIGRATIONS)
		return CG_EUNSUPPORTED;
	for (; v < N_MIGRATIONS; v++) {
		char upd[96];
		snprintf(upd, sizeof upd, "INSERT INTO schema_version VALUES(%d)", v + 1);
		if ((err = exec(a, "BEGIN IMMEDIATE")))
			return err;
		if ((err = exec(a, migrations[v])) || (err = exec(a, upd))) {
			exec(a, "ROLLBACK");
			return err;
		}
		if ((err = exec(a, "COMMIT")))
			return err;
	}
	return CG_OK;
}

cg_err cg_agents_open(const char *path, cg_agents **out, cg_buf *why)
{
	*out = NULL;
	cg_agents *a = calloc(1, sizeof *a);
	if (!a)
		return CG_ENOMEM;
	pthread_mutex_init(&a->mu, NULL);
	int rc = sqlite3_open_v2(path, &a->db,
				 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, NULL);
	cg_err err = rc == SQLITE_OK ? CG_OK : CG_EDB;
	if (!err) {
		sqlite3_busy_timeout(a->db, 5000);
		err = exec(a, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;");
	}
	if (!err)
		err = migrate(a);
	if (err) {
		if (why)
			cg_buf_printf(why, "%s: %s", path, a->db ? sqlite3_errmsg(a->db) : "cannot open");
		cg_agents_close(a);
		return err;
	}
	*out = a;
	return CG_OK;
}

void cg_agents_close(cg_agents *a)
{
	if (!a)
		return;
	sqlite3_close(a->db);
	pthread_mutex_destroy(&a->mu);
	free(a);
}

static void bind_text(sqlite3_stmt *s, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(s, i);
}

static json_t *col_json(sqlite3_stmt *s, int i)
{
	switch (sqlite3_column_type(s, i)) {
	case SQLITE_NULL:
		return json_null();
	case SQLITE_INTEGER:
		return json_integer(sqlite3_column_int64(s, i));
	default:
		return cg_json_str(cg_slice_from((const char *)sqlite3_column_text(s, i),
						 (size_t)sqlite3_column_bytes(s, i)));
	}
}

static json_t *col_time(sqlite3_stmt *s, int i)
{
	if (sqlite3_column_type(s, i) == SQLITE_NULL)
		return json_null();
	char t[32];
	cg_time_format(sqlite3_column_int64(s, i), t, sizeof t);
	return json_string(t);
}

cg_err cg_agents_etoken_create(cg_agents *a, const uint8_t hash[32], int64_t agency_id,
			       const char *note, const char *created_by, int64_t expires_ms,
			       int64_t *id)
{
	pthread_mutex_lock(&a->mu);
	sqlite3_stmt *s = prep(a, "INSERT INTO enroll_tokens(token_hash,agency_id,note,created_by,"
				  "created_at,expires_at) VALUES(?,?,?,?,?,?)");
	cg_err err = CG_EDB;
	if (s) {
		sqlite3_bind_blob(s, 1, hash, 32, SQLITE_STATIC);
		sqlite3_bind_int64(s, 2, agency_id);
		bind_text(s, 3, note);
		bind_text(s, 4, created_by);
		sqlite3_bind_int64(s, 5, cg_time_now_ms());
		sqlite3_bind_int64(s, 6, expires_ms);
		int rc = sqlite3_step(s);
		err = rc == SQLITE_DONE ? CG_OK : fail(a, rc);
		*id = sqlite3_last_insert_rowid(a->db);
	}
	sqlite3_finalize(s);
	pthread_mutex_unlock(&a->mu);
	return err;
}

cg_err cg_agents_etoken_list(cg_agents *a, int64_t scope_agency, json_t **items)
{
	*items = json_array();
	pthread_mutex_lock(&a->mu);
	sqlite3_stmt *s = prep(a, "SELECT id,agency_id,note,created_by,created_at,expires_at,"
				  "used_at,used_by FROM enroll_tokens WHERE ?1=0 OR agency_id=?1 "
				  "ORDER BY id DESC LIMIT 500");
	cg_err err = s ? CG_OK : CG_EDB;
	if (s) {
		sqlite3_bind_int64(s, 1, scope_agency);
		while (sqlite3_step(s) == SQLITE_ROW)
			json_array_append_new(*items, json_pack("{s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o}",
				"id", col_json(s, 0), "agency_id", col_json(s, 1), "note", col_json(s, 2),
				"created_by", col_json(s, 3), "created_at", col_time(s, 4),
				"expires_at", col_time(s, 5), "used_at", col_time(s, 6),
				"used_by", col_json(s, 7)));
	}
	sqlite3_finalize(s);
	pthread_mutex_unlock(&a->mu);
	return err;
}

cg_err cg_agents_etoken_consume(cg_agents *a, const uint8_t hash[32], int64_t now_ms,
				const char *used_by, int64_t *agency_id)
{
	pthread_mutex_lock(&a->mu);
	cg_err err = CG_ENOTFOUND;
	sqlite3_stmt *s = prep(a, "SELECT agency_id, used_at, expires_at FROM enroll_tokens "
				  "WHERE token_hash=?");
	if (!s) {
		err = CG_EDB;
		goto out;
	}
	sqlite3_bind_blob(s, 1, hash, 32, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW) {
		*agency_id = sqlite3_column_int64(s, 0);
		if (sqlite3_column_type(s, 1) != SQLITE_NULL)
			err = CG_ECONFLICT;
		else if (sqlite3_column_int64(s, 2) < now_ms)
			err = CG_ETIMEOUT;
		else
			err = CG_OK;
	}
	sqlite3_finalize(s);
	if (err)
		goto out;
	/* the condition on used_at makes the use atomic: one winner only */
	s = prep(a, "UPDATE enroll_tokens SET used_at=?, used_by=? WHERE token_hash=? "
		    "AND used_at IS NULL");
	if (!s) {
		err = CG_EDB;
		goto out;
	}
	sqlite3_bind_int64(s, 1, now_ms);
	bind_text(s, 2, used_by);
	sqlite3_bind_blob(s, 3, hash, 32, SQLITE_STATIC);
	int rc = sqlite3_step(s);
	err = rc != SQLITE_DONE ? fail(a, rc) : sqlite3_changes(a->db) == 1 ? CG_OK : CG_ECONFLICT;
	sqlite3_finalize(s);
out:
	pthread_mutex_unlock(&a->mu);
	return err;
}

static const char *info_str(const json_t *info, const char *k)
{
	const char *v = cg_json_get_str(info, k);
	return v && strlen(v) <= 256 ? v : NULL;
}

static int64_t info_int(const json_t *info, const char *k)
{
	json_t *v = json_object_get(info, k);
	return json_is_integer(v) ? json_integer_value(v) : 0;
}

cg_err cg_agents_register(cg_agents *a, const char *agent_id, int64_t api_token_id,
			  int64_t agency_id, const json_t *info, int64_t now_ms)
{
	pthread_mutex_lock(&a->mu);
	sqlite3_stmt *s = prep(a, "INSERT INTO agents(agent_id,api_token_id,agency_id,host,os,"
				  "agent_version,enrolled_at,last_seen) VALUES(?,?,?,?,?,?,?,?)");
	cg_err err = CG_EDB;
	if (s) {
		bind_text(s, 1, agent_id);
		sqlite3_bind_int64(s, 2, api_token_id);
		sqlite3_bind_int64(s, 3, agency_id);
		bind_text(s, 4, info_str(info, "host"));
		bind_text(s, 5, info_str(info, "os"));
		bind_text(s, 6, info_str(info, "agent_version"));
		sqlite3_bind_int64(s, 7, now_ms);
		sqlite3_bind_int64(s, 8, now_ms);
		int rc = sqlite3_step(s);
		err = rc == SQLITE_DONE ? CG_OK : fail(a, rc);
	}
	sqlite3_finalize(s);
	pthread_mutex_unlock(&a->mu);
	return err;
}

cg_err cg_agents_heartbeat(cg_agents *a, int64_t api_token_id, const json_t *info,
			   int64_t now_ms)
{
	pthread_mutex_lock(&a->mu);
	sqlite3_stmt *s = prep(a, "UPDATE agents SET host=coalesce(?,host), os=coalesce(?,os),"
				  " agent_version=coalesce(?,agent_version), rule_version=?,"
				  " policy_version=?, spool_pending=?, last_seen=? WHERE api_token_id=?");
	cg_err err = CG_EDB;
	if (s) {
		bind_text(s, 1, info_str(info, "host"));
		bind_text(s, 2, info_str(info, "os"));
		bind_text(s, 3, info_str(info, "agent_version"));
		bind_text(s, 4, info_str(info, "rule_version"));
		sqlite3_bind_int64(s, 5, info_int(info, "policy_version"));
		sqlite3_bind_int64(s, 6, info_int(info, "spool_pending"));
		sqlite3_bind_int64(s, 7, now_ms);
		sqlite3_bind_int64(s, 8, api_token_id);
		int rc = sqlite3_step(s);
		err = rc != SQLITE_DONE ? fail(a, rc) : sqlite3_changes(a->db) ? CG_OK : CG_ENOTFOUND;
	}
	sqlite3_finalize(s);
	pthread_mutex_unlock(&a->mu);
	return err;
}

cg_err cg_agents_list(cg_agents *a, int64_t scope_agency, int64_t offline_after_ms,
		      int64_t now_ms, json_t **items)
{
	*items = json_array();
	pthread_mutex_lock(&a->mu);
	sqlite3_stmt *s = prep(a, "SELECT agent_id,agency_id,host,os,agent_version,rule_version,"
				  "policy_version,spool_pending,enrolled_at,last_seen FROM agents "
				  "WHERE ?1=0 OR agency_id=?1 ORDER BY agency_id, host");
	cg_err err = s ? CG_OK : CG_EDB;
	if (s) {
		sqlite3_bind_int64(s, 1, scope_agency);
		while (sqlite3_step(s) == SQLITE_ROW) {
			int64_t seen = sqlite3_column_int64(s, 9);
			json_array_append_new(*items, json_pack(
				"{s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:b}", "agent_id",
				col_json(s, 0), "agency_id", col_json(s, 1), "host", col_json(s, 2),
				"os", col_json(s, 3), "agent_version", col_json(s, 4), "rule_version",
				col_json(s, 5), "policy_version", col_json(s, 6), "spool_pending",
				col_json(s, 7), "enrolled_at", col_time(s, 8), "last_seen",
				col_time(s, 9), "offline", now_ms - seen > offline_after_ms));
		}
	}
	sqlite3_finalize(s);
	pthread_mutex_unlock(&a->mu);
	return err;
}

cg_err cg_agents_policy_get(cg_agents *a, int64_t agency_id, json_t **body, int64_t *version)
{
	*body = NULL;
	*version = 0;
	pthread_mutex_lock(&a->mu);
	sqlite3_stmt *s = prep(a, "SELECT version, body FROM policies WHERE agency_id=?");
	cg_err err = s ? CG_OK : CG_EDB;
	if (s) {
		sqlite3_bind_int64(s, 1, agency_id);
		if (sqlite3_step(s) == SQLITE_ROW) {
			*version = sqlite3_column_int64(s, 0);
			cg_json_parse(cg_slice_from((const char *)sqlite3_column_text(s, 1),
						    (size_t)sqlite3_column_bytes(s, 1)),
				      body, NULL);
		}
	}
	sqlite3_finalize(s);
	pthread_mutex_unlock(&a->mu);
	if (!*body)
		*body = json_object();
	return err;
}

cg_err cg_agents_policy_set(cg_agents *a, int64_t agency_id, const json_t *body,
			    int64_t now_ms, int64_t *version)
{
	cg_buf b;
	cg_buf_init(&b, 1u << 20);
	cg_err err = cg_json_encode(&b, body);
	if (err) {
		cg_buf_free(&b);
		return err;
	}
	pthread_mutex_lock(&a->mu);
	sqlite3_stmt *s = prep(a, "INSERT INTO policies(agency_id,version,body,updated_at) "
				  "VALUES(?1,1,?2,?3) ON CONFLICT(agency_id) DO UPDATE SET "
				  "version=version+1, body=?2, updated_at=?3 RETURNING version");
	err = CG_EDB;
	if (s) {
		sqlite3_bind_int64(s, 1, agency_id);
		sqlite3_bind_text(s, 2, b.ptr, (int)b.len, SQLITE_STATIC);
		sqlite3_bind_int64(s, 3, now_ms);
		if (sqlite3_step(s) == SQLITE_ROW) {
			*version = sqlite3_column_int64(s, 0);
			err = CG_OK;
		}
	}
	sqlite3_finalize(s);
	pthread_mutex_unlock(&a->mu);
	cg_buf_free(&b);
	return err;
}
