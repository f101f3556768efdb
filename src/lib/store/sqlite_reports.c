/*
 * sqlite_reports.c - the SQLite backend's periodic reports
 * (backend_reports.h). Part of sqlite.c's translation unit (included at
 * its end, after sqlite_state.c, whose one-off statement helpers it uses);
 * the table is made by sqlite.c's migrations. A report is written once a
 * month or on request, so statements are prepared per call.
 */

static const char SQR_COLS[] =
    "SELECT id,kind,period,agency_id,lang,files,created_at,created_by,signed_by FROM reports";

static json_t *sqr_row(sqlite3_stmt *s)
{
	return json_pack("{s:I,s:o,s:o,s:I,s:o,s:o,s:o,s:o,s:o}", "id",
	                 (json_int_t)sqlite3_column_int64(s, 0), "kind", col_str(s, 1), "period",
	                 col_str(s, 2), "agency_id", (json_int_t)sqlite3_column_int64(s, 3), "lang",
	                 col_str(s, 4), "files", col_json(s, 5), "created_at", col_time(s, 6),
	                 "created_by", col_str(s, 7), "signed_by", col_str(s, 8));
}

static cg_err sqr_put(cg_store_impl *st, const json_t *rec, const char *files, int64_t now_ms,
                      int64_t *id)
{
	conn *c = writer_get(st);
	cg_err err = CG_OK;
	sqlite3_stmt *s =
	    st_prep(c,
	            "INSERT INTO reports(kind,period,agency_id,lang,files,created_at,created_by,"
	            "signed_by) VALUES(?1,?2,?3,?4,?5,?6,?7,?8) ON CONFLICT(kind,period,agency_id,"
	            "lang) DO UPDATE SET files=?5,created_at=?6,created_by=?7,signed_by=?8"
	            " RETURNING id",
	            &err);
	if (s) {
		bind_str(s, 1, cg_json_get_str(rec, "kind"));
		bind_str(s, 2, cg_json_get_str(rec, "period"));
		sqlite3_bind_int64(s, 3, json_integer_value(json_object_get(rec, "agency_id")));
		bind_str(s, 4, cg_json_get_str(rec, "lang"));
		bind_str(s, 5, files);
		sqlite3_bind_int64(s, 6, now_ms);
		bind_str(s, 7, cg_json_get_str(rec, "created_by"));
		bind_str(s, 8, cg_json_get_str(rec, "signed_by"));
		int rc = sqlite3_step(s);
		if (rc == SQLITE_ROW)
			*id = sqlite3_column_int64(s, 0);
		else
			err = db_err(c->db, sqlite3_extended_errcode(c->db));
		sqlite3_finalize(s);
	}
	writer_put(st);
	return err;
}

static cg_err sqr_find(cg_store_impl *st, const char *kind, const char *period, int64_t agency_id,
                       const char *lang, int64_t *id)
{
	conn *c = reader_get(st);
	cg_err err = CG_OK;
	sqlite3_stmt *s = st_prep(c,
	                          "SELECT id FROM reports WHERE kind=? AND period=? AND agency_id=?"
	                          " AND lang=?",
	                          &err);
	if (s) {
		bind_str(s, 1, kind);
		bind_str(s, 2, period);
		sqlite3_bind_int64(s, 3, agency_id);
		bind_str(s, 4, lang);
		if (sqlite3_step(s) == SQLITE_ROW)
			*id = sqlite3_column_int64(s, 0);
		else
			err = CG_ENOTFOUND;
		sqlite3_finalize(s);
	}
	reader_put(st, c);
	return err;
}

static cg_err sqr_list(cg_store_impl *st, const cg_scope *scope, int64_t limit, int64_t offset,
                       json_t **items, int64_t *total)
{
	conn *c = reader_get(st);
	cg_err err = CG_OK;
	char sql[512];
	snprintf(sql, sizeof sql,
	         "%s WHERE (?1=0 OR agency_id=?1) ORDER BY id DESC LIMIT ?2 OFFSET ?3", SQR_COLS);
	json_t *arr = json_array();
	sqlite3_stmt *s =
	    st_prep(c, "SELECT count(*) FROM reports WHERE (?1=0 OR agency_id=?1)", &err);
	if (s) {
		sqlite3_bind_int64(s, 1, scope->agency_id);
		if (sqlite3_step(s) == SQLITE_ROW)
			*total = sqlite3_column_int64(s, 0);
		sqlite3_finalize(s);
	}
	s = err ? NULL : st_prep(c, sql, &err);
	if (s) {
		sqlite3_bind_int64(s, 1, scope->agency_id);
		sqlite3_bind_int64(s, 2, limit);
		sqlite3_bind_int64(s, 3, offset);
		while (sqlite3_step(s) == SQLITE_ROW)
			json_array_append_new(arr, sqr_row(s));
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

static cg_err sqr_get(cg_store_impl *st, const cg_scope *scope, int64_t id, json_t **out)
{
	conn *c = reader_get(st);
	cg_err err = CG_OK;
	char sql[512];
	snprintf(sql, sizeof sql, "%s WHERE id=?1 AND (?2=0 OR agency_id=?2)", SQR_COLS);
	sqlite3_stmt *s = st_prep(c, sql, &err);
	if (s) {
		sqlite3_bind_int64(s, 1, id);
		sqlite3_bind_int64(s, 2, scope->agency_id);
		if (sqlite3_step(s) == SQLITE_ROW)
			*out = sqr_row(s);
		else
			err = CG_ENOTFOUND;
		sqlite3_finalize(s);
	}
	reader_put(st, c);
	return err;
}

/* One statement read to its end on a reader connection: WAL lets the
 * writers go on meanwhile. */
static cg_err sqr_events_scan(cg_store_impl *st, int64_t agency_id, int64_t from_ms, int64_t to_ms,
                              cg_event_row_fn fn, void *ud)
{
	conn *c = reader_get(st);
	cg_err err = CG_OK;
	sqlite3_stmt *s =
	    st_prep(c,
	            agency_id ? "SELECT time,agency_id,severity,source,kind,host,subject"
	                        " FROM events WHERE time>=?1 AND time<?2"
	                        " AND agency_id=?3"
	                      : "SELECT time,agency_id,severity,source,kind,host,subject"
	                        " FROM events WHERE time>=?1 AND time<?2",
	            &err);
	if (s) {
		sqlite3_bind_int64(s, 1, from_ms);
		sqlite3_bind_int64(s, 2, to_ms);
		if (agency_id)
			sqlite3_bind_int64(s, 3, agency_id);
		int rc;
		while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
			cg_event_row e = {
			    .time_ms = sqlite3_column_int64(s, 0),
			    .agency_id = sqlite3_column_int64(s, 1),
			    .severity = sqlite3_column_int(s, 2),
			    .source = (const char *)sqlite3_column_text(s, 3),
			    .kind = (const char *)sqlite3_column_text(s, 4),
			    .host = (const char *)sqlite3_column_text(s, 5),
			    .subject = (const char *)sqlite3_column_text(s, 6),
			};
			if (fn(ud, &e)) {
				err = CG_ELIMIT;
				break;
			}
		}
		if (!err && rc != SQLITE_DONE)
			err = db_err(c->db, sqlite3_extended_errcode(c->db));
		sqlite3_finalize(s);
	}
	reader_put(st, c);
	return err;
}

static const cg_store_reports_ops sq_reports_ops = {
    .put = sqr_put,
    .find = sqr_find,
    .list = sqr_list,
    .get = sqr_get,
    .events_scan = sqr_events_scan,
};
