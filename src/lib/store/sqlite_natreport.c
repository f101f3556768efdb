/*
 * sqlite_natreport.c - the SQLite backend's record of deliveries to the
 * national centre (backend_natreport.h). Part of sqlite.c's translation
 * unit (included at its end), using sqlite_state.c's statement helpers
 * and sqlite.c's row_map over the columns of natreport_cols.h.
 */
#include "natreport_cols.h"

static cg_err sqn_add(cg_store_impl *st, const cg_natdeliv *d)
{
	conn *c = writer_get(st);
	cg_err err = CG_OK;
	sqlite3_stmt *s = st_prep(c,
	                          "INSERT INTO national_deliveries(period, format, url, at, ok,"
	                          " http_status, answer, error, sha256, bytes)"
	                          " VALUES(?,?,?,?,?,?,?,?,?,?)",
	                          &err);
	if (s) {
		bind_str(s, 1, d->period);
		bind_str(s, 2, d->format);
		bind_str(s, 3, d->url);
		sqlite3_bind_int64(s, 4, d->at_ms);
		sqlite3_bind_int64(s, 5, d->ok ? 1 : 0);
		sqlite3_bind_int64(s, 6, d->http_status);
		bind_str(s, 7, d->answer);
		bind_str(s, 8, d->error);
		bind_str(s, 9, d->sha256);
		sqlite3_bind_int64(s, 10, d->bytes);
		err = st_done(c, s);
	}
	writer_put(st);
	return err;
}

static cg_err sqn_list(cg_store_impl *st, const char *period, int64_t limit, json_t **items)
{
	conn *c = reader_get(st);
	cg_err err = CG_OK;
	sqlite3_stmt *s = st_prep(
	    c, NATDELIV_SELECT " WHERE ? IS NULL OR period=? ORDER BY id DESC LIMIT ?", &err);
	json_t *arr = json_array();
	if (s) {
		bind_str(s, 1, period);
		bind_str(s, 2, period);
		sqlite3_bind_int64(s, 3, limit);
		int rc;
		while ((rc = sqlite3_step(s)) == SQLITE_ROW)
			json_array_append_new(arr, row_map(s, NATDELIV_COLS));
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

static cg_err sqm_add(cg_store_impl *st, const cg_mispdeliv *d)
{
	conn *c = writer_get(st);
	cg_err err = CG_OK;
	sqlite3_stmt *s = st_prep(c,
	                          "INSERT INTO misp_deliveries(dest, url, since, until, at, ok,"
	                          " http_status, events, attributes, error, from_seq, to_seq)"
	                          " VALUES(?,?,?,?,?,?,?,?,?,?,?,?)",
	                          &err);
	if (s) {
		bind_str(s, 1, d->dest);
		bind_str(s, 2, d->url);
		sqlite3_bind_int64(s, 3, d->since_ms);
		sqlite3_bind_int64(s, 4, d->until_ms);
		sqlite3_bind_int64(s, 5, d->at_ms);
		sqlite3_bind_int64(s, 6, d->ok ? 1 : 0);
		sqlite3_bind_int64(s, 7, d->http_status);
		sqlite3_bind_int64(s, 8, d->events);
		sqlite3_bind_int64(s, 9, d->attributes);
		bind_str(s, 10, d->error);
		sqlite3_bind_int64(s, 11, d->from_seq);
		sqlite3_bind_int64(s, 12, d->to_seq);
		err = st_done(c, s);
	}
	writer_put(st);
	return err;
}

static cg_err sqm_list(cg_store_impl *st, const char *dest, bool ok_only, int64_t limit,
                       json_t **items)
{
	conn *c = reader_get(st);
	cg_err err = CG_OK;
	sqlite3_stmt *s = st_prep(c,
	                          "SELECT id, dest, url, since, until, at, ok, http_status, events,"
	                          " attributes, error, from_seq, to_seq FROM misp_deliveries"
	                          " WHERE (? IS NULL OR dest=?) AND (?=0 OR ok=1)"
	                          " ORDER BY id DESC LIMIT ?",
	                          &err);
	json_t *arr = json_array();
	if (s) {
		bind_str(s, 1, dest);
		bind_str(s, 2, dest);
		sqlite3_bind_int64(s, 3, ok_only ? 1 : 0);
		sqlite3_bind_int64(s, 4, limit);
		int rc;
		while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
			int64_t since = sqlite3_column_int64(s, 3);
			json_t *o = json_object();
			json_object_set_new(o, "id", json_integer(sqlite3_column_int64(s, 0)));
			json_object_set_new(o, "dest", col_str(s, 1));
			json_object_set_new(o, "url", col_str(s, 2));
			json_object_set_new(o, "since", since ? col_time(s, 3) : json_null());
			json_object_set_new(o, "until", col_time(s, 4));
			json_object_set_new(o, "until_ms",
			                    json_integer(sqlite3_column_int64(s, 4)));
			json_object_set_new(o, "at", col_time(s, 5));
			json_object_set_new(o, "ok", json_boolean(sqlite3_column_int64(s, 6) != 0));
			json_object_set_new(o, "http_status",
			                    json_integer(sqlite3_column_int64(s, 7)));
			json_object_set_new(o, "events", json_integer(sqlite3_column_int64(s, 8)));
			json_object_set_new(o, "attributes",
			                    json_integer(sqlite3_column_int64(s, 9)));
			json_object_set_new(o, "error", col_str(s, 10));
			json_object_set_new(o, "from_seq",
			                    json_integer(sqlite3_column_int64(s, 11)));
			json_object_set_new(o, "to_seq", json_integer(sqlite3_column_int64(s, 12)));
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

static const cg_store_natreport_ops sq_natreport_ops = {
    .add = sqn_add,
    .list = sqn_list,
    .misp_add = sqm_add,
    .misp_list = sqm_list,
};
