/*
 * postgres_search.c - a page of events newest first on PostgreSQL when a
 * filter cannot yield seq order: text search (`search @@ q`), a minimum
 * severity, a time range. Exact pages, fast whether the filter matches
 * every event or a handful (docs/storage.md, "Events: indexes and the
 * list query" and "Text search").
 *
 * Part of postgres.c's translation unit (included before pg_events_query,
 * like postgres_state.c): it uses that file's connections and parameters.
 *
 * Why not one statement: `... WHERE filter ORDER BY seq DESC LIMIT n` has
 * two plans, and the planner cannot tell which one is right because it
 * cannot estimate how many events a phrase matches, nor that time follows
 * seq:
 *  - walk the primary key backwards, checking the filter on each row: it
 *    stops after n matches, so it is fast when matches are common and
 *    reads the whole table when they are rare. Worse, events are
 *    partitioned by month of arrival and the walk is a merge of one walk
 *    per partition, each of which reads until its own first match: an
 *    old partition with no match is read whole (a rare number after
 *    common words: ~1 s at 1,000,000 events; `since` a recent day: 0.9 s);
 *  - a bitmap of every match (the GIN index, the time index), each
 *    fetched and sorted: fast when matches are rare, and it reads every
 *    match when they are common (5 % of 1,000,000 events: ~350 ms).
 * So the page is read in windows of seq, newest first, each window taken
 * whole (the page is exact: no window is skipped, none is cut short):
 *  1. the newest SEARCH_WALK seqs below the cursor are walked (for text,
 *     without the GIN index: ts_match_vq is the operator's function, which
 *     the planner does not match to the index). Each partition's walk is
 *     bounded by the window. If the page is full, matches were common and
 *     this was the cheap plan.
 *  2. Otherwise matches are fewer than one in SEARCH_WALK / n, and the
 *     rest is read in windows growing SEARCH_GROW times each, with bitmap
 *     scans only (set for this transaction): the planner ANDs the
 *     filters' indexes (GIN, time, severity) with the seq range, so only
 *     the window's matches are fetched, about SEARCH_GROW pages of them at
 *     most, until the page is full or no seq is left.
 * All windows are read in one REPEATABLE READ transaction: one snapshot.
 */

/* Seqs in the first window, and the growth of each later one: the
 * smaller the growth, the fewer matches a window can fetch beyond the
 * page when matches begin only below a long stretch of none (a word of
 * last month's campaign, `until` a month ago). */
#define SEARCH_WALK 4096
#define SEARCH_GROW 4

/* One window [lo, hi) of the search; rows appended to arr (at most
 * want), their number added to *got. */
static cg_err search_window(pgconn *c, const char *base, const params *bp, const char *tq,
                            int64_t lo, int64_t hi, bool walk, int64_t want, json_t *arr,
                            int64_t *got)
{
	params p = {0};
	for (int i = 0; i < bp->n; i++) { /* the filters' values, borrowed */
		p.v[i] = bp->v[i];
		p.own[i] = NULL;
	}
	p.n = bp->n;
	cg_buf sql;
	cg_buf_init(&sql, 4096);
	cg_buf_puts(&sql, base);
	p_int(&p, lo);
	cg_buf_printf(&sql, " AND seq>=$%d", p.n);
	p_int(&p, hi);
	cg_buf_printf(&sql, " AND seq<$%d", p.n);
	if (tq) {
		p_own(&p, strdup(tq));
		if (walk)
			cg_buf_printf(&sql, " AND ts_match_vq(search, to_tsquery('simple', $%d))",
			              p.n);
		else
			cg_buf_printf(&sql, " AND search @@ to_tsquery('simple', $%d)", p.n);
	}
	cg_buf_printf(&sql, " ORDER BY seq DESC LIMIT %lld", (long long)want);
	PGresult *res = NULL;
	cg_err err = q(c, cg_buf_cstr(&sql), &p, &res);
	params_free(&p);
	cg_buf_free(&sql);
	if (err)
		return err;
	for (int i = 0; i < PQntuples(res); i++) {
		json_array_append_new(arr, row_event(res, i, NULL));
		(*got)++;
	}
	PQclear(res);
	return CG_OK;
}

/* base: the events SELECT with its filters (and cursor; no ORDER BY), bp
 * its parameters; tq: the text search's tsquery (NULL: none); before: the
 * cursor (0: none). Fills arr with up to limit events and *next as
 * pg_events_query does. */
static cg_err pg_events_windows(cg_store_impl *st, const char *base, const params *bp,
                                const char *tq, int64_t before, int64_t limit, json_t *arr,
                                int64_t *next)
{
	cg_err err;
	pgconn *c = take(st, &err);
	if (!c)
		return err;
	err = q0(c, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
	/* the newest seq below the cursor: one index probe per partition */
	int64_t top = 0;
	if (!err) {
		params p = {0};
		p_int(&p, before > 0 ? before : INT64_MAX);
		PGresult *res = NULL;
		err = q(c, "SELECT coalesce(max(seq), 0) FROM events WHERE seq<$1", &p, &res);
		params_free(&p);
		if (!err) {
			top = col_i64(res, 0, 0);
			PQclear(res);
		}
	}
	int64_t want = limit + 1, got = 0;
	int64_t hi = top + 1, width = SEARCH_WALK;
	bool walk = true;
	while (!err && got < want && hi > 1) {
		int64_t lo = hi - width > 1 ? hi - width : 1;
		err = search_window(c, base, bp, tq, lo, hi, walk, want - got, arr, &got);
		if (!err && walk && got < want)
			err = q0(c, "SET LOCAL enable_indexscan = off;"
			            " SET LOCAL enable_indexonlyscan = off;"
			            " SET LOCAL enable_seqscan = off");
		walk = false;
		hi = lo;
		width = width > INT64_MAX / SEARCH_GROW ? INT64_MAX : width * SEARCH_GROW;
	}
	err = finish(c, err);
	conn_put(st, c);
	if (err)
		return err;
	/* one row more than the page was asked for: there is a next page */
	if (got > limit) {
		json_array_remove(arr, json_array_size(arr) - 1);
		if (limit > 0)
			*next = json_integer_value(
			    json_object_get(json_array_get(arr, (size_t)limit - 1), "seq"));
	}
	return CG_OK;
}
