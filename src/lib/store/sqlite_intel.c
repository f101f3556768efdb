/*
 * sqlite_intel.c - the SQLite backend's threat-intelligence tables
 * (backend_intel.h): intel_sources and intel_indicators.
 *
 * Part of sqlite.c's translation unit (included at its end), like
 * sqlite_fwd.c, whose one-off statement helpers (sqlite_state.c) it uses.
 * A batch of indicators is one transaction: a pull is stored whole or not
 * at all.
 */

static const char SQL_INTEL_SOURCE[] = "INSERT INTO intel_sources(name, kind) VALUES(?,?)"
                                       " ON CONFLICT(name) DO UPDATE SET kind=excluded.kind";

static const char SQL_INTEL_PUT[] =
    "INSERT INTO intel_indicators(source, type, value, confidence, tlp, valid_from,"
    " valid_until, first_seen, last_seen, ext_id, description)"
    " VALUES(?,?,?,?,?,?,?,?,?,?,?)"
    " ON CONFLICT(source, type, value) DO UPDATE SET confidence=excluded.confidence,"
    " tlp=excluded.tlp, valid_from=excluded.valid_from, valid_until=excluded.valid_until,"
    " last_seen=excluded.last_seen, ext_id=excluded.ext_id,"
    " description=excluded.description RETURNING first_seen";

static void bind_intel_int(sqlite3_stmt *s, int i, const json_t *v)
{
	if (json_is_integer(v))
		sqlite3_bind_int64(s, i, json_integer_value(v));
	else
		sqlite3_bind_null(s, i);
}

static cg_err sqi_put(cg_store_impl *st, const char *source, const char *kind, const json_t *items,
                      int64_t now_ms, int64_t *added)
{
	conn *c = writer_get(st);
	cg_err err = exec(c, "BEGIN IMMEDIATE");
	sqlite3_stmt *s = err ? NULL : st_prep(c, SQL_INTEL_SOURCE, &err);
	if (s) {
		bind_str(s, 1, source);
		bind_str(s, 2, kind);
		err = st_done(c, s);
	}
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it)
	{
		if (err)
			break;
		sqlite3_stmt *p = stmt(c, SQL_INTEL_PUT);
		if (!p) {
			err = CG_EDB;
			break;
		}
		bind_str(p, 1, source);
		bind_str(p, 2, cg_json_get_str(it, "type"));
		bind_str(p, 3, cg_json_get_str(it, "value"));
		bind_intel_int(p, 4, json_object_get(it, "confidence"));
		bind_str(p, 5, cg_json_get_str(it, "tlp"));
		sqlite3_bind_int64(p, 6, json_integer_value(json_object_get(it, "valid_from")));
		bind_intel_int(p, 7, json_object_get(it, "valid_until"));
		sqlite3_bind_int64(p, 8, now_ms);
		sqlite3_bind_int64(p, 9, now_ms);
		bind_str(p, 10, cg_json_get_str(it, "ext_id"));
		bind_str(p, 11, cg_json_get_str(it, "description"));
		int rc = sqlite3_step(p);
		if (rc == SQLITE_ROW) {
			/* a new row is one whose first_seen is this put's */
			if (sqlite3_column_int64(p, 0) == now_ms)
				(*added)++;
			rc = sqlite3_step(p);
		}
		if (rc != SQLITE_DONE)
			err = db_err(c->db, sqlite3_extended_errcode(c->db));
		sqlite3_reset(p);
	}
	if (!err)
		err = exec(c, "COMMIT");
	else
		exec(c, "ROLLBACK");
	writer_put(st);
	return err;
}

static cg_err sqi_pulled(cg_store_impl *st, const char *source, const char *kind,
                         const char *cursor, const char *error, int64_t now_ms)
{
	conn *c = writer_get(st);
	cg_err err = CG_OK;
	sqlite3_stmt *s =
	    st_prep(c,
	            error ? "INSERT INTO intel_sources(name, kind, last_error, error_at)"
	                    " VALUES(?1,?2,?4,?5) ON CONFLICT(name) DO UPDATE SET"
	                    " last_error=excluded.last_error, error_at=excluded.error_at"
	                  : "INSERT INTO intel_sources(name, kind, cursor, last_pull)"
	                    " VALUES(?1,?2,?3,?5) ON CONFLICT(name) DO UPDATE SET"
	                    " cursor=coalesce(excluded.cursor, cursor),"
	                    " last_pull=excluded.last_pull, last_error=NULL, error_at=NULL",
	            &err);
	if (s) {
		bind_str(s, 1, source);
		bind_str(s, 2, kind);
		bind_str(s, 3, cursor);
		bind_str(s, 4, error);
		sqlite3_bind_int64(s, 5, now_ms);
		err = st_done(c, s);
	}
	writer_put(st);
	return err;
}

static cg_err sqi_sources(cg_store_impl *st, int64_t now_ms, json_t **items)
{
	conn *c = reader_get(st);
	cg_err err = CG_OK;
	sqlite3_stmt *s =
	    st_prep(c,
	            "SELECT s.name, s.kind, s.cursor, s.last_pull, s.last_error, s.error_at,"
	            " (SELECT count(*) FROM intel_indicators i WHERE i.source=s.name),"
	            " (SELECT count(*) FROM intel_indicators i WHERE i.source=s.name"
	            "  AND i.valid_from<=?1 AND (i.valid_until IS NULL OR i.valid_until>?1)),"
	            " (SELECT min(valid_until) FROM intel_indicators i WHERE i.source=s.name"
	            "  AND i.valid_until>?1)"
	            " FROM intel_sources s ORDER BY s.name",
	            &err);
	json_t *arr = json_array();
	if (s) {
		sqlite3_bind_int64(s, 1, now_ms);
		int rc;
		while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
			json_t *o = json_object();
			json_object_set_new(o, "name", col_str(s, 0));
			json_object_set_new(o, "kind", col_str(s, 1));
			json_object_set_new(o, "cursor", col_str(s, 2));
			json_object_set_new(o, "last_pull", col_time(s, 3));
			json_object_set_new(o, "last_error", col_str(s, 4));
			json_object_set_new(o, "error_at", col_time(s, 5));
			json_object_set_new(o, "indicators",
			                    json_integer(sqlite3_column_int64(s, 6)));
			json_object_set_new(o, "active", json_integer(sqlite3_column_int64(s, 7)));
			json_object_set_new(o, "next_expiry", col_time(s, 8));
			json_array_append_new(arr, o);
		}
		if (rc != SQLITE_DONE)
			err = db_err(c->db, sqlite3_extended_errcode(c->db));
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

static cg_err sqi_active(cg_store_impl *st, const char *type, int64_t now_ms, int64_t limit,
                         json_t **items)
{
	conn *c = reader_get(st);
	cg_err err = CG_OK;
	sqlite3_stmt *s =
	    st_prep(c,
	            "SELECT type, value, source, confidence, tlp, valid_from, valid_until, ext_id,"
	            " description FROM intel_indicators WHERE (?1 IS NULL OR type=?1)"
	            " AND valid_from<=?2 AND (valid_until IS NULL OR valid_until>?2)"
	            " ORDER BY type, value, source LIMIT ?3",
	            &err);
	json_t *arr = json_array();
	if (s) {
		bind_str(s, 1, type);
		sqlite3_bind_int64(s, 2, now_ms);
		sqlite3_bind_int64(s, 3, limit);
		int rc;
		while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
			json_t *o = json_object();
			json_object_set_new(o, "type", col_str(s, 0));
			json_object_set_new(o, "value", col_str(s, 1));
			json_object_set_new(o, "source", col_str(s, 2));
			json_object_set_new(o, "confidence", col_int_null(s, 3));
			json_object_set_new(o, "tlp", col_str(s, 4));
			json_object_set_new(o, "valid_from", col_time(s, 5));
			json_object_set_new(o, "valid_until", col_time(s, 6));
			json_object_set_new(o, "ext_id", col_str(s, 7));
			json_object_set_new(o, "description", col_str(s, 8));
			json_array_append_new(arr, o);
		}
		if (rc != SQLITE_DONE)
			err = db_err(c->db, sqlite3_extended_errcode(c->db));
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

static const cg_store_intel_ops sq_intel_ops = {
    .put = sqi_put,
    .pulled = sqi_pulled,
    .sources = sqi_sources,
    .active = sqi_active,
};
