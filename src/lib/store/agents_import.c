/*
 * agents_import.c - see agents_import.h. The old file is read with SQLite
 * directly (it is a legacy file, not a store) and every row is written
 * through store.h, so the import works the same into either backend.
 */
#include "agents_import.h"

#include <sqlite3.h>
#include <string.h>

#include "core/json.h"

/* A column as JSON: integer, text, or null. */
static json_t *col(sqlite3_stmt *s, int i)
{
	switch (sqlite3_column_type(s, i)) {
	case SQLITE_INTEGER:
		return json_integer(sqlite3_column_int64(s, i));
	case SQLITE_TEXT:
		return cg_json_str(cg_slice_from((const char *)sqlite3_column_text(s, i),
		                                 (size_t)sqlite3_column_bytes(s, i)));
	default:
		return json_null();
	}
}

/* The row as an object of its columns' names. */
static json_t *row(sqlite3_stmt *s)
{
	json_t *o = json_object();
	for (int i = 0; o && i < sqlite3_column_count(s); i++)
		if (sqlite3_column_type(s, i) != SQLITE_NULL)
			json_object_set_new(o, sqlite3_column_name(s, i), col(s, i));
	return o;
}

/* A row's outcome: imported or already there counts, a bad reference is
 * skipped, anything else stops the import. */
static cg_err tally(cg_err err, int64_t *ok, int64_t *skipped)
{
	if (err == CG_OK || err == CG_ECONFLICT) {
		(*ok)++;
		return CG_OK;
	}
	if (err == CG_EINVAL) {
		(*skipped)++;
		return CG_OK;
	}
	return err;
}

static const cg_scope ALL;

static cg_err import_tokens(sqlite3 *db, cg_store *st, cg_agents_import_stats *n)
{
	sqlite3_stmt *s = NULL;
	if (sqlite3_prepare_v2(db,
	                       "SELECT token_hash, agency_id, note, created_by, created_at,"
	                       " expires_at, used_at, used_by FROM enroll_tokens ORDER BY id",
	                       -1, &s, NULL) != SQLITE_OK)
		return CG_EDB;
	cg_err err = CG_OK;
	int rc;
	while (!err && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (sqlite3_column_bytes(s, 0) != 32) {
			n->skipped++;
			continue;
		}
		uint8_t hash[32];
		memcpy(hash, sqlite3_column_blob(s, 0), 32);
		json_t *rec = row(s);
		json_object_del(rec, "token_hash");
		int64_t id = 0;
		err = rec ? tally(cg_store_etoken_create(st, &ALL, rec, hash, &id), &n->tokens,
		                  &n->skipped)
		          : CG_ENOMEM;
		json_decref(rec);
	}
	if (!err && rc != SQLITE_DONE)
		err = CG_EDB;
	sqlite3_finalize(s);
	return err;
}

static cg_err import_agents(sqlite3 *db, cg_store *st, cg_agents_import_stats *n)
{
	sqlite3_stmt *s = NULL;
	if (sqlite3_prepare_v2(
	        db,
	        "SELECT agent_id, api_token_id, agency_id, host, os, agent_version,"
	        " rule_version, policy_version, spool_pending, enrolled_at, last_seen"
	        " FROM agents ORDER BY id",
	        -1, &s, NULL) != SQLITE_OK)
		return CG_EDB;
	cg_err err = CG_OK;
	int rc;
	while (!err && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		json_t *rec = row(s);
		err = rec ? tally(cg_store_agent_register(st, rec), &n->agents, &n->skipped)
		          : CG_ENOMEM;
		json_decref(rec);
	}
	if (!err && rc != SQLITE_DONE)
		err = CG_EDB;
	sqlite3_finalize(s);
	return err;
}

static cg_err import_policies(sqlite3 *db, cg_store *st, cg_agents_import_stats *n)
{
	sqlite3_stmt *s = NULL;
	if (sqlite3_prepare_v2(db, "SELECT agency_id, version, body, updated_at FROM policies", -1,
	                       &s, NULL) != SQLITE_OK)
		return CG_EDB;
	cg_err err = CG_OK;
	int rc;
	while (!err && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		json_t *body = NULL;
		const char *t = (const char *)sqlite3_column_text(s, 2);
		if (!t ||
		    cg_json_parse(cg_slice_from(t, (size_t)sqlite3_column_bytes(s, 2)), &body,
		                  NULL) ||
		    !json_is_object(body) || sqlite3_column_int64(s, 1) <= 0) {
			json_decref(body);
			n->skipped++;
			continue;
		}
		int64_t v = 0;
		err = tally(cg_store_agent_policy_set(st, sqlite3_column_int64(s, 0), body,
		                                      sqlite3_column_int64(s, 3),
		                                      sqlite3_column_int64(s, 1), &v),
		            &n->policies, &n->skipped);
		json_decref(body);
	}
	if (!err && rc != SQLITE_DONE)
		err = CG_EDB;
	sqlite3_finalize(s);
	return err;
}

cg_err cg_store_agents_import(cg_store *st, const char *path, cg_agents_import_stats *n,
                              cg_buf *why)
{
	memset(n, 0, sizeof *n);
	sqlite3 *db = NULL;
	/* read-write so that a WAL left by the old server is read and folded
	 * back at close (nothing is written to its tables) */
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
		cg_buf_printf(why, "%s: %s", path, db ? sqlite3_errmsg(db) : "cannot open");
		sqlite3_close(db);
		return CG_EIO;
	}
	sqlite3_busy_timeout(db, 5000);
	const char *what = "enroll_tokens";
	cg_err err = import_tokens(db, st, n);
	if (!err) {
		what = "agents";
		err = import_agents(db, st, n);
	}
	if (!err) {
		what = "policies";
		err = import_policies(db, st, n);
	}
	if (err)
		cg_buf_printf(why, "%s, table %s: %s", path, what,
		              err == CG_EDB ? sqlite3_errmsg(db) : cg_store_errmsg());
	sqlite3_close(db);
	return err;
}
