/*
 * postgres_natreport.c - the PostgreSQL backend's record of deliveries to
 * the national centre (backend_natreport.h). Part of postgres.c's
 * translation unit (included at its end), using its row_map over the
 * columns of natreport_cols.h.
 */
#include "natreport_cols.h"

static cg_err pgn_add(cg_store_impl *st, const cg_natdeliv *d)
{
	params p = {0};
	p_str(&p, d->period);
	p_str(&p, d->format);
	p_str(&p, d->url);
	p_int(&p, d->at_ms);
	p_int(&p, d->ok ? 1 : 0);
	p_int(&p, d->http_status);
	p_str(&p, d->answer);
	p_str(&p, d->error);
	p_str(&p, d->sha256);
	p_int(&p, d->bytes);
	cg_err err;
	pgconn *c = take(st, &err);
	if (c) {
		err = q(c,
		        "INSERT INTO national_deliveries(period, format, url, at, ok, http_status,"
		        " answer, error, sha256, bytes) VALUES($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)",
		        &p, NULL);
		conn_put(st, c);
	}
	params_free(&p);
	return err;
}

static cg_err pgn_list(cg_store_impl *st, const char *period, int64_t limit, json_t **items)
{
	params p = {0};
	p_str(&p, period);
	p_int(&p, limit);
	PGresult *r = NULL;
	cg_err err = read_q(
	    st, NATDELIV_SELECT " WHERE $1::text IS NULL OR period=$1 ORDER BY id DESC LIMIT $2",
	    &p, &r);
	params_free(&p);
	if (err)
		return err;
	json_t *arr = json_array();
	for (int i = 0; i < PQntuples(r); i++)
		json_array_append_new(arr, row_map(r, i, NATDELIV_COLS));
	PQclear(r);
	*items = arr;
	return CG_OK;
}

static const cg_store_natreport_ops pg_natreport_ops = {
    .add = pgn_add,
    .list = pgn_list,
};
