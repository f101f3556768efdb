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
	params p = {0};
	p_str(&p, dest);
	p_int(&p, ok_only ? 1 : 0);
	p_int(&p, limit);
	PGresult *r = NULL;
	cg_err err = read_q(st,
	                    "SELECT id, dest, url, since, until, at, ok, http_status, events,"
	                    " attributes, error, from_seq, to_seq FROM misp_deliveries"
	                    " WHERE ($1::text IS NULL OR dest=$1) AND ($2=0 OR ok=1)"
	                    " ORDER BY id DESC LIMIT $3",
	                    &p, &r);
	params_free(&p);
	if (err)
		return err;
	json_t *arr = json_array();
	for (int i = 0; i < PQntuples(r); i++) {
		int64_t since = col_i64(r, i, 3);
		json_t *o = json_object();
		json_object_set_new(o, "id", json_integer(col_i64(r, i, 0)));
		json_object_set_new(o, "dest", col_str(r, i, 1));
		json_object_set_new(o, "url", col_str(r, i, 2));
		json_object_set_new(o, "since", since ? col_time(r, i, 3) : json_null());
		json_object_set_new(o, "until", col_time(r, i, 4));
		json_object_set_new(o, "until_ms", json_integer(col_i64(r, i, 4)));
		json_object_set_new(o, "at", col_time(r, i, 5));
		json_object_set_new(o, "ok", json_boolean(col_i64(r, i, 6) != 0));
		json_object_set_new(o, "http_status", json_integer(col_i64(r, i, 7)));
		json_object_set_new(o, "events", json_integer(col_i64(r, i, 8)));
		json_object_set_new(o, "attributes", json_integer(col_i64(r, i, 9)));
		json_object_set_new(o, "error", col_str(r, i, 10));
		json_object_set_new(o, "from_seq", json_integer(col_i64(r, i, 11)));
		json_object_set_new(o, "to_seq", json_integer(col_i64(r, i, 12)));
		json_array_append_new(arr, o);
	}
	PQclear(r);
	*items = arr;
	return CG_OK;
}

static const cg_store_natreport_ops pg_natreport_ops = {
    .add = pgn_add,
    .list = pgn_list,
    .misp_add = pgm_add,
    .misp_list = pgm_list,
};
