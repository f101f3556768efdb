/*
 * sqlite_metrics.c - the SQLite backend's figures for /metrics
 * (store.h, cg_store_stats): the database's size and the lengths of the
 * queues kept in it. Part of sqlite.c's translation unit (included at its
 * end), like sqlite_state.c. A scrape comes every few seconds at most, so
 * the statement is prepared per call.
 *
 * The size is page_count x page_size: the main file as it stands after a
 * checkpoint (the WAL holds pages not yet copied back, and is bounded by
 * the auto-checkpoint).
 */

static const char SQM_STATS[] =
    "SELECT (SELECT page_count FROM pragma_page_count()) *"
    " (SELECT page_size FROM pragma_page_size()),"
    " (SELECT count(*) FROM alerts WHERE state='pending'),"
    " (SELECT count(*) FROM dns_uploads WHERE state IN ('queued','analyzing'))";

static cg_err sq_stats(cg_store_impl *st, cg_store_stats *out)
{
	conn *c = reader_get(st);
	cg_err err = CG_OK;
	sqlite3_stmt *s = stmt_dyn(c, SQM_STATS);
	if (!s) {
		err = CG_EDB;
	} else {
		if (sqlite3_step(s) == SQLITE_ROW) {
			out->size_bytes = sqlite3_column_int64(s, 0);
			out->alerts_pending = sqlite3_column_int64(s, 1);
			out->dns_uploads_queued = sqlite3_column_int64(s, 2);
		} else {
			err = db_err(c->db, sqlite3_extended_errcode(c->db));
		}
		sqlite3_finalize(s);
	}
	reader_put(st, c);
	return err;
}
