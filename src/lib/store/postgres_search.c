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
 *     the window's matches are fetched, until the page is full or no seq
 *     is left.
 *  3. A window's matches are read up to SEARCH_CAP pages (a bitmap
 *     scan under a LIMIT, without ORDER BY, stops there; the sort sees
 *     at most that many): matches need not be spread evenly, and a
 *     window that reaches from a stretch of none into a stretch of all
 *     (`until` a month ago: nothing in the newest month, every event
 *     before it) would fetch and sort every one of them (500,000 events
 *     at 5,000,000: ~0.9 s). A window past the cap is counted in
 *     SEARCH_PARTS parts, each up to the cap, in one statement; parts
 *     within it are fetched, a part past it is split the same way: the
 *     fetches stay bounded by the page whatever the spread, in a few
 *     statements (a part is 1/16 of its window).
 * All windows are read in one REPEATABLE READ transaction: one snapshot.
 */

/* Seqs in the first window, and the growth of each later one: the
 * smaller the growth, the fewer matches a window can fetch beyond the
 * page when matches begin only below a long stretch of none (a word of
 * last month's campaign, `until` a month ago). */
#define SEARCH_WALK 4096
#define SEARCH_GROW 4
/* A window is fetched whole only when it holds at most this many pages
 * of matches; past that it is halved (3. above). */
#define SEARCH_CAP 4
/* The parts a window is counted (and split) in, in one statement. */
#define SEARCH_PARTS 16

/* The filters of base (its parameters in bp, borrowed into p) and the
 * window [lo, hi) into sql, without ORDER BY. */
static void window_sql(cg_buf *sql, params *p, const char *base, const params *bp, const char *tq,
                       int64_t lo, int64_t hi, bool walk)
{
	for (int i = 0; i < bp->n; i++) { /* the filters' values, borrowed */
		p->v[i] = bp->v[i];
		p->own[i] = NULL;
	}
	p->n = bp->n;
	cg_buf_puts(sql, base);
	p_int(p, lo);
	cg_buf_printf(sql, " AND seq>=$%d", p->n);
	p_int(p, hi);
	cg_buf_printf(sql, " AND seq<$%d", p->n);
	if (tq) {
		p_own(p, strdup(tq));
		if (walk)
			cg_buf_printf(sql, " AND ts_match_vq(search, to_tsquery('simple', $%d))",
			              p->n);
		else
			cg_buf_printf(sql, " AND search @@ to_tsquery('simple', $%d)", p->n);
	}
}

/* The matches in each of SEARCH_PARTS equal parts of [lo, hi) (the last
 * one shorter), each counted up to cap + 1 (a bitmap scan without ORDER
 * BY stops at its LIMIT), in one statement: n[k] for the part
 * [lo + k * w, lo + (k + 1) * w). */
static cg_err window_counts(pgconn *c, const char *base, const params *bp, const char *tq,
                            int64_t lo, int64_t hi, int64_t w, int64_t cap, int64_t n[SEARCH_PARTS])
{
	params p = {0};
	for (int i = 0; i < bp->n; i++) { /* the filters' values, borrowed */
		p.v[i] = bp->v[i];
		p.own[i] = NULL;
	}
	p.n = bp->n;
	cg_buf sql;
	cg_buf_init(&sql, 4096);
	cg_buf_puts(&sql, "SELECT g.k, (SELECT count(*) FROM (");
	cg_buf_puts(&sql, base);
	p_int(&p, lo);
	int plo = p.n;
	p_int(&p, w);
	int pw = p.n;
	p_int(&p, hi);
	cg_buf_printf(&sql, " AND seq>=$%d+g.k*$%d AND seq<least($%d+(g.k+1)*$%d,$%d)", plo, pw,
	              plo, pw, p.n);
	if (tq) {
		p_own(&p, strdup(tq));
		cg_buf_printf(&sql, " AND search @@ to_tsquery('simple', $%d)", p.n);
	}
	cg_buf_printf(&sql, " LIMIT %lld) x) FROM generate_series(0, %d) g(k)", (long long)cap + 1,
	              SEARCH_PARTS - 1);
	PGresult *res = NULL;
	/* index scans allowed for the count: a part full of matches stops
	 * after cap + 1 rows of a walk instead of a bitmap of all its seqs
	 * (a window past the cap holds such parts); off again for the
	 * fetches, which sort */
	cg_err err = q0(c, "SET LOCAL enable_indexscan = on");
	if (!err)
		err = q(c, cg_buf_cstr(&sql), &p, &res);
	params_free(&p);
	cg_buf_free(&sql);
	if (!err)
		err = q0(c, "SET LOCAL enable_indexscan = off");
	if (err) {
		PQclear(res);
		return err;
	}
	for (int k = 0; k < SEARCH_PARTS; k++)
		n[k] = cap + 1; /* a part not answered is read as too full */
	for (int i = 0; i < PQntuples(res); i++) {
		int64_t k = col_i64(res, i, 0);
		if (k >= 0 && k < SEARCH_PARTS)
			n[k] = col_i64(res, i, 1);
	}
	PQclear(res);
	return CG_OK;
}

/* One window [lo, hi) of the search, its matches read up to cap + 1 when
 * cap > 0 (a bitmap scan under a LIMIT stops there; the sort sees at
 * most that many): *full when there were more than cap, and then no row
 * is appended. Otherwise rows appended to arr (at most want), their
 * number added to *got. */
static cg_err capped_window(pgconn *c, const char *base, const params *bp, const char *tq,
                            int64_t lo, int64_t hi, bool walk, int64_t cap, int64_t want,
                            json_t *arr, int64_t *got, bool *full)
{
	params p = {0};
	cg_buf sql;
	cg_buf_init(&sql, 4096);
	if (cap > 0)
		cg_buf_puts(&sql, "WITH m AS MATERIALIZED (");
	window_sql(&sql, &p, base, bp, tq, lo, hi, walk);
	if (cap > 0)
		cg_buf_printf(&sql, " LIMIT %lld) SELECT *, (SELECT count(*) FROM m) FROM m",
		              (long long)cap + 1);
	cg_buf_printf(&sql, " ORDER BY seq DESC LIMIT %lld", (long long)want);
	PGresult *res = NULL;
	cg_err err = q(c, cg_buf_cstr(&sql), &p, &res);
	params_free(&p);
	cg_buf_free(&sql);
	if (err)
		return err;
	*full = cap > 0 && PQntuples(res) > 0 && col_i64(res, 0, PQnfields(res) - 1) > cap;
	for (int i = 0; i < PQntuples(res) && !*full; i++) {
		json_array_append_new(arr, row_event(res, i, NULL));
		(*got)++;
	}
	PQclear(res);
	return CG_OK;
}

/* One window [lo, hi) of the search; rows appended to arr (at most
 * want), their number added to *got. */
static cg_err search_window(pgconn *c, const char *base, const params *bp, const char *tq,
                            int64_t lo, int64_t hi, bool walk, int64_t want, json_t *arr,
                            int64_t *got)
{
	bool full = false;
	return capped_window(c, base, bp, tq, lo, hi, walk, 0, want, arr, got, &full);
}

/* A bitmap window [lo, hi) (step 2): read whole when it holds at most
 * the cap (full: known to hold more). Otherwise its SEARCH_PARTS parts'
 * matches are counted up to the cap; from the newest part down, parts within the
 * cap are fetched together (a run of them, in one statement, as soon as
 * it holds the rest of the page), a part past the cap is split the same
 * way. Each count stops at the cap, each fetch sorts at most the run's
 * counted matches: the work is bounded by the page, not by the matches. */
static cg_err bitmap_window(pgconn *c, const char *base, const params *bp, const char *tq,
                            int64_t lo, int64_t hi, bool full, int64_t want, json_t *arr,
                            int64_t *got)
{
	int64_t cap = want * SEARCH_CAP;
	if (hi - lo <= cap) /* cannot hold more than the cap */
		return search_window(c, base, bp, tq, lo, hi, false, want - *got, arr, got);
	cg_err err = CG_OK;
	if (!full) /* most windows: within the cap, one statement */
		err = capped_window(c, base, bp, tq, lo, hi, false, cap, want - *got, arr, got, &full);
	if (err || !full)
		return err;
	int64_t w = (hi - lo + SEARCH_PARTS - 1) / SEARCH_PARTS, n[SEARCH_PARTS];
	err = window_counts(c, base, bp, tq, lo, hi, w, cap, n);
	/* run: the parts [run_lo, run_hi) not fetched yet, run_n matches */
	int64_t run_hi = hi, run_n = 0;
	for (int k = SEARCH_PARTS - 1; !err && k >= 0 && *got < want; k--) {
		int64_t plo = lo + k * w, phi = plo + w < hi ? plo + w : hi;
		if (plo >= hi)
			continue;
		if (n[k] <= cap) {
			run_n += n[k];
			if (run_n >= want - *got || k == 0) {
				if (run_n > 0)
					err = search_window(c, base, bp, tq, plo, run_hi, false,
					                    want - *got, arr, got);
				run_hi = plo;
				run_n = 0;
			}
			continue;
		}
		if (run_n > 0) /* the newer parts first */
			err = search_window(c, base, bp, tq, phi, run_hi, false, want - *got, arr,
			                    got);
		if (!err && *got < want)
			err = bitmap_window(c, base, bp, tq, plo, phi, true, want, arr, got);
		run_hi = plo;
		run_n = 0;
	}
	return err;
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
		if (walk)
			err = search_window(c, base, bp, tq, lo, hi, true, want - got, arr, &got);
		else
			err = bitmap_window(c, base, bp, tq, lo, hi, false, want, arr, &got);
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
