/*
 * postgres_fwd.c - the PostgreSQL backend's syslog forwarding cursors and
 * the ordered read of events behind them (backend_fwd.h).
 *
 * Part of postgres.c's translation unit (included at its end).
 *
 * The ordering problem: an event's seq comes from a sequence when it is
 * inserted, not when its transaction commits, so with two servers (or two
 * uploads) inserting at once, seq 101 may be visible before seq 100. A
 * reader that sent 101 and moved its cursor there would never send 100.
 * So every events insert takes FWD_LOCK in shared mode before its first
 * nextval (pg_events_insert), and the reader takes it exclusively for a
 * moment: once it holds it, no insert is in progress, every seq up to the
 * newest stored one is final (committed or never to appear), and the
 * reader may move its cursor up to it. The exclusive request waits for the
 * inserts in progress (one upload batch at most) and holds new ones back
 * for the length of one max(seq) read.
 */

/* pg_advisory_xact_lock key of the events-insert / forwarding order */
#define FWD_LOCK "7311002613"

static cg_err pgf_cursor(cg_store_impl *st, const char *name, int64_t *last_seq)
{
	params p = {0};
	p_str(&p, name);
	cg_err err;
	pgconn *c = take(st, &err);
	if (c) {
		PGresult *r = NULL;
		err = q(c, "INSERT INTO fwd_cursors(name) VALUES($1) ON CONFLICT(name) DO NOTHING",
		        &p, NULL);
		if (!err)
			err = q(c, "SELECT last_seq FROM fwd_cursors WHERE name=$1", &p, &r);
		if (!err) {
			if (PQntuples(r) == 1)
				*last_seq = col_i64(r, 0, 0);
			else
				err = CG_EDB;
			PQclear(r);
		}
		conn_put(st, c);
	}
	params_free(&p);
	return err;
}

static cg_err pgf_advance(cg_store_impl *st, const char *name, int64_t from_seq, int64_t to_seq,
                          int64_t sent, int64_t now_ms)
{
	params p = {0};
	p_int(&p, to_seq);
	p_int(&p, sent);
	p_int(&p, now_ms);
	p_str(&p, name);
	p_int(&p, from_seq);
	cg_err err;
	pgconn *c = take(st, &err);
	if (c) {
		PGresult *r = NULL;
		err = q(c,
		        "UPDATE fwd_cursors SET last_seq=$1, sent=sent+$2,"
		        " last_sent=CASE WHEN $2::bigint>0 THEN $3::bigint ELSE last_sent END,"
		        " last_error=NULL, error_at=NULL WHERE name=$4 AND last_seq=$5",
		        &p, &r);
		if (!err) {
			if (strcmp(PQcmdTuples(r), "1") != 0)
				err = CG_ECONFLICT;
			PQclear(r);
		}
		conn_put(st, c);
	}
	params_free(&p);
	return err;
}

static cg_err pgf_error(cg_store_impl *st, const char *name, const char *error, int64_t now_ms)
{
	params p = {0};
	p_str(&p, name);
	p_str(&p, error);
	if (error)
		p_int(&p, now_ms);
	else
		p_null(&p);
	cg_err err;
	pgconn *c = take(st, &err);
	if (c) {
		err = q(c,
		        "INSERT INTO fwd_cursors(name, last_error, error_at) VALUES($1,$2,$3)"
		        " ON CONFLICT(name) DO UPDATE SET last_error=excluded.last_error,"
		        " error_at=excluded.error_at",
		        &p, NULL);
		conn_put(st, c);
	}
	params_free(&p);
	return err;
}

static cg_err pgf_list(cg_store_impl *st, json_t **items)
{
	PGresult *r = NULL;
	cg_err err = read_q(st,
	                    "SELECT name, last_seq, sent, last_sent, last_error, error_at,"
	                    " (SELECT count(*) FROM events e WHERE e.seq > f.last_seq)"
	                    " FROM fwd_cursors f ORDER BY name",
	                    NULL, &r);
	if (err)
		return err;
	json_t *arr = json_array();
	for (int i = 0; i < PQntuples(r); i++) {
		json_t *o = json_object();
		json_object_set_new(o, "name", col_str(r, i, 0));
		json_object_set_new(o, "last_seq", json_integer(col_i64(r, i, 1)));
		json_object_set_new(o, "sent", json_integer(col_i64(r, i, 2)));
		json_object_set_new(o, "last_sent", col_time(r, i, 3));
		json_object_set_new(o, "last_error", col_str(r, i, 4));
		json_object_set_new(o, "error_at", col_time(r, i, 5));
		json_object_set_new(o, "backlog", json_integer(col_i64(r, i, 6)));
		json_array_append_new(arr, o);
	}
	PQclear(r);
	*items = arr;
	return CG_OK;
}

static cg_err pgf_events_after(cg_store_impl *st, int64_t after_seq, int64_t limit, json_t **items,
                               int64_t *upto)
{
	cg_err err;
	pgconn *c = take(st, &err);
	if (!c)
		return err;
	/* the newest final seq (see the top of this file) */
	int64_t newest = after_seq;
	PGresult *r = NULL;
	err = q0(c, "BEGIN; SELECT pg_advisory_xact_lock(" FWD_LOCK ")");
	if (!err)
		err = q(c, "SELECT coalesce(max(seq),0) FROM events", NULL, &r);
	if (!err) {
		if (col_i64(r, 0, 0) > newest)
			newest = col_i64(r, 0, 0);
		PQclear(r);
	}
	err = finish(c, err);
	json_t *arr = json_array();
	if (!err && newest > after_seq) {
		params p = {0};
		p_int(&p, after_seq);
		p_int(&p, newest);
		p_int(&p, limit);
		char sql[512];
		snprintf(sql, sizeof sql, "%s WHERE seq>$1 AND seq<=$2 ORDER BY seq LIMIT $3",
		         SQL_EV_COLS);
		err = q(c, sql, &p, &r);
		params_free(&p);
		if (!err) {
			int n = PQntuples(r);
			for (int i = 0; i < n; i++)
				json_array_append_new(arr, row_event(r, i, NULL));
			if (n == limit)
				newest = col_i64(r, n - 1, 0);
			PQclear(r);
		}
	}
	conn_put(st, c);
	if (err) {
		json_decref(arr);
		return err;
	}
	*items = arr;
	*upto = newest;
	return CG_OK;
}

/* Row i of an SQL_EV_COLS result as a cg_fwd_row (scratch: one buffer
 * per text column, for the rare text that needs sanitizing). */
static void pgf_row(const PGresult *r, int i, cg_buf scratch[8], char ts[32], cg_fwd_row *e)
{
#define TXT(c, k)                                                                                  \
	cg_fwd_row_text(PQgetvalue(r, i, (c)), (size_t)PQgetlength(r, i, (c)), isnull(r, i, (c)),  \
	                &scratch[k])
	ts[0] = '\0';
	if (!isnull(r, i, 2))
		cg_time_format(col_i64(r, i, 2), ts, 32);
	int64_t sev = col_i64(r, i, 10);
	*e = (cg_fwd_row){
	    .seq = col_i64(r, i, 0),
	    .id = TXT(1, 0),
	    .time = ts,
	    .host = TXT(4, 1),
	    .agency = TXT(5, 2),
	    .source = TXT(8, 3),
	    .kind = TXT(9, 4),
	    .subject = TXT(11, 5),
	    .summary = TXT(12, 6),
	    .severity = sev >= CG_SEV_INFO && sev <= CG_SEV_CRITICAL ? (int)sev : CG_SEV_INFO,
	    .has_agency_id = !isnull(r, i, 6),
	    .agency_id = col_i64(r, i, 6),
	};
#undef TXT
}

static cg_err pgf_event_rows_after(cg_store_impl *st, int64_t after_seq, int64_t limit,
                                   cg_fwd_row_fn fn, void *ctx, int64_t *upto, int64_t *count)
{
	/* the same newest-seq wait and rows as events_after; the read is one
	 * result set whose rows are given to fn without a record each */
	cg_err err;
	pgconn *c = take(st, &err);
	if (!c)
		return err;
	int64_t newest = after_seq, n = 0;
	PGresult *r = NULL;
	err = q0(c, "BEGIN; SELECT pg_advisory_xact_lock(" FWD_LOCK ")");
	if (!err)
		err = q(c, "SELECT coalesce(max(seq),0) FROM events", NULL, &r);
	if (!err) {
		if (col_i64(r, 0, 0) > newest)
			newest = col_i64(r, 0, 0);
		PQclear(r);
	}
	err = finish(c, err);
	if (!err && newest > after_seq) {
		params p = {0};
		p_int(&p, after_seq);
		p_int(&p, newest);
		p_int(&p, limit);
		char sql[512];
		snprintf(sql, sizeof sql, "%s WHERE seq>$1 AND seq<=$2 ORDER BY seq LIMIT $3",
		         SQL_EV_COLS);
		err = q(c, sql, &p, &r);
		params_free(&p);
		if (!err) {
			cg_buf scratch[8];
			for (int k = 0; k < 8; k++)
				cg_buf_init(&scratch[k], 64);
			char ts[32];
			int rows = PQntuples(r);
			for (int i = 0; i < rows && !err; i++) {
				cg_fwd_row e;
				pgf_row(r, i, scratch, ts, &e);
				err = fn(ctx, &e);
				n++;
			}
			for (int k = 0; k < 8; k++)
				cg_buf_free(&scratch[k]);
			if (rows == limit)
				newest = col_i64(r, rows - 1, 0);
			PQclear(r);
		}
	}
	conn_put(st, c);
	if (err)
		return err;
	*upto = newest;
	*count = n;
	return CG_OK;
}

static const cg_store_fwd_ops pg_fwd_ops = {
    .cursor = pgf_cursor,
    .advance = pgf_advance,
    .error = pgf_error,
    .list = pgf_list,
    .events_after = pgf_events_after,
    .event_rows_after = pgf_event_rows_after,
};
