/*
 * sqlite_fwd.c - the SQLite backend's syslog forwarding cursors and the
 * ordered read of events behind them (backend_fwd.h).
 *
 * Part of sqlite.c's translation unit (included at its end), like
 * sqlite_state.c, whose one-off statement helpers it uses. SQLite has one
 * writer at a time and an AUTOINCREMENT seq, so events commit in seq
 * order: whatever a reader sees is a prefix of the seqs, and the newest
 * seq it sees is a safe place for a cursor.
 */

static cg_err sqf_cursor(cg_store_impl *st, const char *name, int64_t *last_seq)
{
	conn *c = writer_get(st);
	cg_err err = CG_OK;
	sqlite3_stmt *s = st_prep(c,
	                          "INSERT INTO fwd_cursors(name) VALUES(?)"
	                          " ON CONFLICT(name) DO NOTHING",
	                          &err);
	if (s) {
		bind_str(s, 1, name);
		err = st_done(c, s);
	}
	s = err ? NULL : st_prep(c, "SELECT last_seq FROM fwd_cursors WHERE name=?", &err);
	if (s) {
		bind_str(s, 1, name);
		if (sqlite3_step(s) == SQLITE_ROW)
			*last_seq = sqlite3_column_int64(s, 0);
		else
			err = CG_EDB;
		sqlite3_finalize(s);
	}
	writer_put(st);
	return err;
}

static cg_err sqf_advance(cg_store_impl *st, const char *name, int64_t from_seq, int64_t to_seq,
                          int64_t sent, int64_t now_ms)
{
	conn *c = writer_get(st);
	cg_err err = CG_OK;
	sqlite3_stmt *s = st_prep(c,
	                          "UPDATE fwd_cursors SET last_seq=?, sent=sent+?,"
	                          " last_sent=CASE WHEN ?>0 THEN ? ELSE last_sent END,"
	                          " last_error=NULL, error_at=NULL WHERE name=? AND last_seq=?",
	                          &err);
	if (s) {
		sqlite3_bind_int64(s, 1, to_seq);
		sqlite3_bind_int64(s, 2, sent);
		sqlite3_bind_int64(s, 3, sent);
		sqlite3_bind_int64(s, 4, now_ms);
		bind_str(s, 5, name);
		sqlite3_bind_int64(s, 6, from_seq);
		err = st_done(c, s);
		if (!err && sqlite3_changes(c->db) != 1)
			err = CG_ECONFLICT;
	}
	writer_put(st);
	return err;
}

static cg_err sqf_error(cg_store_impl *st, const char *name, const char *error, int64_t now_ms)
{
	conn *c = writer_get(st);
	cg_err err = CG_OK;
	sqlite3_stmt *s =
	    st_prep(c,
	            "INSERT INTO fwd_cursors(name, last_error, error_at) VALUES(?,?,?)"
	            " ON CONFLICT(name) DO UPDATE SET last_error=excluded.last_error,"
	            " error_at=excluded.error_at",
	            &err);
	if (s) {
		bind_str(s, 1, name);
		bind_str(s, 2, error);
		if (error)
			sqlite3_bind_int64(s, 3, now_ms);
		else
			sqlite3_bind_null(s, 3);
		err = st_done(c, s);
	}
	writer_put(st);
	return err;
}

static cg_err sqf_list(cg_store_impl *st, json_t **items)
{
	conn *c = reader_get(st);
	cg_err err = CG_OK;
	sqlite3_stmt *s = st_prep(c,
	                          "SELECT name, last_seq, sent, last_sent, last_error, error_at,"
	                          " (SELECT count(*) FROM events e WHERE e.seq > f.last_seq)"
	                          " FROM fwd_cursors f ORDER BY name",
	                          &err);
	json_t *arr = json_array();
	if (s) {
		int rc;
		while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
			json_t *o = json_object();
			json_object_set_new(o, "name", col_str(s, 0));
			json_object_set_new(o, "last_seq",
			                    json_integer(sqlite3_column_int64(s, 1)));
			json_object_set_new(o, "sent", json_integer(sqlite3_column_int64(s, 2)));
			json_object_set_new(o, "last_sent", col_time(s, 3));
			json_object_set_new(o, "last_error", col_str(s, 4));
			json_object_set_new(o, "error_at", col_time(s, 5));
			json_object_set_new(o, "backlog", json_integer(sqlite3_column_int64(s, 6)));
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

static const char SQL_FWD_AFTER[] =
    "SELECT seq,id,time,received_at,host,agency,agency_id,system_id,source,kind,severity,"
    "subject,summary,evidence FROM events WHERE seq>? ORDER BY seq LIMIT ?";

static cg_err sqf_events_after(cg_store_impl *st, int64_t after_seq, int64_t limit, json_t **items,
                               int64_t *upto)
{
	conn *c = reader_get(st);
	cg_err err = CG_OK;
	json_t *arr = json_array();
	int64_t last = after_seq, n = 0;
	/* one read transaction: the newest seq and the rows from one snapshot */
	err = exec(c, "BEGIN");
	sqlite3_stmt *s = err ? NULL : stmt(c, SQL_FWD_AFTER);
	if (!err && !s)
		err = CG_EDB;
	if (s) {
		sqlite3_bind_int64(s, 1, after_seq);
		sqlite3_bind_int64(s, 2, limit);
		int rc;
		while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
			last = sqlite3_column_int64(s, 0);
			json_array_append_new(arr, row_event(s));
			n++;
		}
		if (rc != SQLITE_DONE)
			err = db_err(c->db, sqlite3_extended_errcode(c->db));
		sqlite3_reset(s);
	}
	int64_t newest = last;
	if (!err && n < limit) {
		sqlite3_stmt *m = st_prep(c, "SELECT coalesce(max(seq),0) FROM events", &err);
		if (m) {
			if (sqlite3_step(m) == SQLITE_ROW && sqlite3_column_int64(m, 0) > newest)
				newest = sqlite3_column_int64(m, 0);
			sqlite3_finalize(m);
		}
	}
	exec(c, "COMMIT");
	reader_put(st, c);
	if (err) {
		json_decref(arr);
		return err;
	}
	*items = arr;
	*upto = newest;
	return CG_OK;
}

/* One row of SQL_FWD_AFTER as a cg_fwd_row (scratch: one buffer per
 * text column, for the rare text that needs sanitizing). */
static void sqf_row(sqlite3_stmt *s, cg_buf scratch[8], char ts[32], cg_fwd_row *r)
{
#define TXT(i, k)                                                                                  \
	cg_fwd_row_text((const char *)sqlite3_column_text(s, (i)),                                 \
	                (size_t)sqlite3_column_bytes(s, (i)),                                      \
	                sqlite3_column_type(s, (i)) == SQLITE_NULL, &scratch[k])
	ts[0] = '\0';
	if (sqlite3_column_type(s, 2) != SQLITE_NULL)
		cg_time_format(sqlite3_column_int64(s, 2), ts, 32);
	int sev = sqlite3_column_int(s, 10);
	*r = (cg_fwd_row){
	    .seq = sqlite3_column_int64(s, 0),
	    .id = TXT(1, 0),
	    .time = ts,
	    .host = TXT(4, 1),
	    .agency = TXT(5, 2),
	    .source = TXT(8, 3),
	    .kind = TXT(9, 4),
	    .subject = TXT(11, 5),
	    .summary = TXT(12, 6),
	    .severity = sev >= CG_SEV_INFO && sev <= CG_SEV_CRITICAL ? sev : CG_SEV_INFO,
	    .has_agency_id = sqlite3_column_type(s, 6) != SQLITE_NULL,
	    .agency_id = sqlite3_column_int64(s, 6),
	};
#undef TXT
}

static const char SQL_FWD_ROWS[] = "SELECT seq,id,time,received_at,host,agency,agency_id,system_id,"
                                   "source,kind,severity,subject,summary FROM events "
                                   "WHERE seq>? ORDER BY seq LIMIT ?";

static cg_err sqf_event_rows_after(cg_store_impl *st, int64_t after_seq, int64_t limit,
                                   cg_fwd_row_fn fn, void *ctx, int64_t *upto, int64_t *count)
{
	conn *c = reader_get(st);
	int64_t last = after_seq, n = 0;
	cg_buf scratch[8];
	for (int i = 0; i < 8; i++)
		cg_buf_init(&scratch[i], 64);
	char ts[32];
	/* one read transaction: the newest seq and the rows from one snapshot */
	cg_err err = exec(c, "BEGIN");
	sqlite3_stmt *s = err ? NULL : stmt(c, SQL_FWD_ROWS);
	if (!err && !s)
		err = CG_EDB;
	if (s) {
		sqlite3_bind_int64(s, 1, after_seq);
		sqlite3_bind_int64(s, 2, limit);
		int rc;
		while (!err && (rc = sqlite3_step(s)) == SQLITE_ROW) {
			cg_fwd_row r;
			sqf_row(s, scratch, ts, &r);
			last = r.seq;
			err = fn(ctx, &r);
			n++;
		}
		if (!err && rc != SQLITE_DONE)
			err = db_err(c->db, sqlite3_extended_errcode(c->db));
		sqlite3_reset(s);
	}
	int64_t newest = last;
	if (!err && n < limit) {
		sqlite3_stmt *m = st_prep(c, "SELECT coalesce(max(seq),0) FROM events", &err);
		if (m) {
			if (sqlite3_step(m) == SQLITE_ROW && sqlite3_column_int64(m, 0) > newest)
				newest = sqlite3_column_int64(m, 0);
			sqlite3_finalize(m);
		}
	}
	exec(c, "COMMIT");
	reader_put(st, c);
	for (int i = 0; i < 8; i++)
		cg_buf_free(&scratch[i]);
	if (err)
		return err;
	*upto = newest;
	*count = n;
	return CG_OK;
}

static const cg_store_fwd_ops sq_fwd_ops = {
    .cursor = sqf_cursor,
    .advance = sqf_advance,
    .error = sqf_error,
    .list = sqf_list,
    .events_after = sqf_events_after,
    .event_rows_after = sqf_event_rows_after,
};
