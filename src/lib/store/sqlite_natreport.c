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

/* The newest rows of a delivery table: sql takes ?1 the key (NULL: any),
 * ?2 accepted rows only, ?3 the limit; m maps its columns. */
static cg_err sq_deliv_list(cg_store_impl *st, const char *sql, const colmap *m, const char *key,
                            bool ok_only, int64_t limit, json_t **items)
{
	conn *c = reader_get(st);
	cg_err err = CG_OK;
	sqlite3_stmt *s = st_prep(c, sql, &err);
	json_t *arr = json_array();
	if (s) {
		bind_str(s, 1, key);
		sqlite3_bind_int64(s, 2, ok_only ? 1 : 0);
		sqlite3_bind_int64(s, 3, limit);
		int rc;
		while ((rc = sqlite3_step(s)) == SQLITE_ROW)
			json_array_append_new(arr, row_map(s, m));
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

static cg_err sqn_list(cg_store_impl *st, const char *period, int64_t limit, json_t **items)
{
	return sq_deliv_list(st,
	                     NATDELIV_SELECT " WHERE (?1 IS NULL OR period=?1) AND (?2=0 OR ok=1)"
	                                     " ORDER BY id DESC LIMIT ?3",
	                     NATDELIV_COLS, period, false, limit, items);
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
	return sq_deliv_list(st,
	                     MISPDELIV_SELECT " WHERE (?1 IS NULL OR dest=?1) AND (?2=0 OR ok=1)"
	                                      " ORDER BY id DESC LIMIT ?3",
	                     MISPDELIV_COLS, dest, ok_only, limit, items);
}

static const cg_store_natreport_ops sq_natreport_ops = {
    .add = sqn_add,
    .list = sqn_list,
    .misp_add = sqm_add,
    .misp_list = sqm_list,
};
