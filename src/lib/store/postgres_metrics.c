/*
 * postgres_metrics.c - the PostgreSQL backend's figures for /metrics
 * (store.h, cg_store_stats): the database's size (pg_database_size, every
 * relation with its indexes and TOAST) and the lengths of the queues kept
 * in it. Part of postgres.c's translation unit (included at its end),
 * like postgres_state.c.
 */

static cg_err pg_stats(cg_store_impl *st, cg_store_stats *out)
{
	params p = {0};
	PGresult *r = NULL;
	cg_err err = read_q(st,
	                    "SELECT pg_database_size(current_database()),"
	                    " (SELECT count(*) FROM alerts WHERE state='pending'),"
	                    " (SELECT count(*) FROM dns_uploads WHERE state IN"
	                    " ('queued','analyzing'))",
	                    &p, &r);
	params_free(&p);
	if (!err && PQntuples(r) == 1) {
		out->size_bytes = col_i64(r, 0, 0);
		out->alerts_pending = col_i64(r, 0, 1);
		out->dns_uploads_queued = col_i64(r, 0, 2);
	} else if (!err) {
		err = CG_EDB;
	}
	PQclear(r);
	return err;
}
