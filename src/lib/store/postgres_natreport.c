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

/* The newest rows of a delivery table: sql takes $1 the key (NULL: any),
 * $2 accepted rows only, $3 the limit; m maps its columns. */
static cg_err pg_deliv_list(cg_store_impl *st, const char *sql, const colmap *m, const char *key,
                            bool ok_only, int64_t limit, json_t **items)
{
	params p = {0};
	p_str(&p, key);
	p_int(&p, ok_only ? 1 : 0);
	p_int(&p, limit);
	PGresult *r = NULL;
	cg_err err = read_q(st, sql, &p, &r);
	params_free(&p);
	if (err)
		return err;
	json_t *arr = json_array();
	for (int i = 0; i < PQntuples(r); i++)
		json_array_append_new(arr, row_map(r, i, m));
	PQclear(r);
	*items = arr;
	return CG_OK;
}

static cg_err pgn_list(cg_store_impl *st, const char *period, int64_t limit, json_t **items)
{
	return pg_deliv_list(st,
	                     NATDELIV_SELECT
	                     " WHERE ($1::text IS NULL OR period=$1) AND ($2=0 OR ok=1)"
	                     " ORDER BY id DESC LIMIT $3",
	                     NATDELIV_COLS, period, false, limit, items);
}

static cg_err pgm_add(cg_store_impl *st, const cg_mispdeliv *d)
{
	params p = {0};
	p_str(&p, d->dest);
	p_str(&p, d->url);
	p_int(&p, d->since_ms);
	p_int(&p, d->until_ms);
	p_int(&p, d->at_ms);
	p_int(&p, d->ok ? 1 : 0);
	p_int(&p, d->http_status);
	p_int(&p, d->events);
	p_int(&p, d->attributes);
	p_str(&p, d->error);
	p_int(&p, d->from_seq);
	p_int(&p, d->to_seq);
	cg_err err;
	pgconn *c = take(st, &err);
	if (c) {
		err = q(c,
		        "INSERT INTO misp_deliveries(dest, url, since, until, at, ok, http_status,"
		        " events, attributes, error, from_seq, to_seq)"
		        " VALUES($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)",
		        &p, NULL);
		conn_put(st, c);
	}
	params_free(&p);
	return err;
}

static cg_err pgm_list(cg_store_impl *st, const char *dest, bool ok_only, int64_t limit,
                       json_t **items)
{
	return pg_deliv_list(st,
	                     MISPDELIV_SELECT
	                     " WHERE ($1::text IS NULL OR dest=$1) AND ($2=0 OR ok=1)"
	                     " ORDER BY id DESC LIMIT $3",
	                     MISPDELIV_COLS, dest, ok_only, limit, items);
}

static const cg_store_natreport_ops pg_natreport_ops = {
    .add = pgn_add,
    .list = pgn_list,
    .misp_add = pgm_add,
    .misp_list = pgm_list,
};
