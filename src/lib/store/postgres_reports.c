/*
 * postgres_reports.c - the PostgreSQL backend's periodic reports
 * (backend_reports.h). Part of postgres.c's translation unit (included at
 * its end, after postgres_state.c, whose pgs_q it uses); the table is made
 * by postgres.c's migrations. Two servers making the same report at once
 * both succeed: the upsert keeps the last.
 */

static const char PGR_COLS[] =
    "SELECT id,kind,period,agency_id,lang,files,created_at,created_by,signed_by FROM reports";

static json_t *pgr_row(const PGresult *r, int i)
{
	return json_pack(
	    "{s:I,s:o,s:o,s:I,s:o,s:o,s:o,s:o,s:o}", "id", (json_int_t)col_i64(r, i, 0), "kind",
	    col_str(r, i, 1), "period", col_str(r, i, 2), "agency_id", (json_int_t)col_i64(r, i, 3),
	    "lang", col_str(r, i, 4), "files", col_json(r, i, 5), "created_at", col_time(r, i, 6),
	    "created_by", col_str(r, i, 7), "signed_by", col_str(r, i, 8));
}

static cg_err pgr_put(cg_store_impl *st, const json_t *rec, const char *files, int64_t now_ms,
                      int64_t *id)
{
	params p = {0};
	p_str(&p, cg_json_get_str(rec, "kind"));
	p_str(&p, cg_json_get_str(rec, "period"));
	p_int(&p, json_integer_value(json_object_get(rec, "agency_id")));
	p_str(&p, cg_json_get_str(rec, "lang"));
	p_str(&p, files);
	p_int(&p, now_ms);
	p_str(&p, cg_json_get_str(rec, "created_by"));
	p_str(&p, cg_json_get_str(rec, "signed_by"));
	PGresult *r = NULL;
	cg_err err = pgs_q(st,
	                   "INSERT INTO reports(kind,period,agency_id,lang,files,created_at,"
	                   "created_by,signed_by) VALUES($1,$2,$3,$4,$5::jsonb,$6,$7,$8)"
	                   " ON CONFLICT (kind,period,agency_id,lang) DO UPDATE SET"
	                   " files=EXCLUDED.files,created_at=EXCLUDED.created_at,"
	                   "created_by=EXCLUDED.created_by,signed_by=EXCLUDED.signed_by"
	                   " RETURNING id",
	                   &p, &r);
	if (!err)
		*id = col_i64(r, 0, 0);
	PQclear(r);
	return err;
}

static cg_err pgr_find(cg_store_impl *st, const char *kind, const char *period, int64_t agency_id,
                       const char *lang, int64_t *id)
{
	params p = {0};
	p_str(&p, kind);
	p_str(&p, period);
	p_int(&p, agency_id);
	p_str(&p, lang);
	PGresult *r = NULL;
	cg_err err = pgs_q(st,
	                   "SELECT id FROM reports WHERE kind=$1 AND period=$2 AND agency_id=$3"
	                   " AND lang=$4",
	                   &p, &r);
	if (!err && PQntuples(r) == 0)
		err = CG_ENOTFOUND;
	else if (!err)
		*id = col_i64(r, 0, 0);
	PQclear(r);
	return err;
}

static cg_err pgr_list(cg_store_impl *st, const cg_scope *scope, int64_t limit, int64_t offset,
                       json_t **items, int64_t *total)
{
	params p = {0};
	p_int(&p, scope->agency_id);
	PGresult *r = NULL;
	cg_err err =
	    pgs_q(st, "SELECT count(*) FROM reports WHERE ($1::bigint=0 OR agency_id=$1)", &p, &r);
	if (!err)
		*total = col_i64(r, 0, 0);
	PQclear(r);
	if (err)
		return err;
	char sql[512];
	snprintf(sql, sizeof sql,
	         "%s WHERE ($1::bigint=0 OR agency_id=$1) ORDER BY id DESC LIMIT $2 OFFSET $3",
	         PGR_COLS);
	params q = {0};
	p_int(&q, scope->agency_id);
	p_int(&q, limit);
	p_int(&q, offset);
	r = NULL;
	if ((err = pgs_q(st, sql, &q, &r)))
		return err;
	json_t *arr = json_array();
	for (int i = 0; i < PQntuples(r); i++)
		json_array_append_new(arr, pgr_row(r, i));
	PQclear(r);
	*items = arr;
	return CG_OK;
}

static cg_err pgr_get(cg_store_impl *st, const cg_scope *scope, int64_t id, json_t **out)
{
	char sql[512];
	snprintf(sql, sizeof sql, "%s WHERE id=$1 AND ($2::bigint=0 OR agency_id=$2)", PGR_COLS);
	params p = {0};
	p_int(&p, id);
	p_int(&p, scope->agency_id);
	PGresult *r = NULL;
	cg_err err = pgs_q(st, sql, &p, &r);
	if (!err && PQntuples(r) == 0)
		err = CG_ENOTFOUND;
	else if (!err)
		*out = pgr_row(r, 0);
	PQclear(r);
	return err;
}

/* The events in pages by seq (a page a query: no cursor holds a
 * connection for the whole scan, and no result holds the whole month). */
static cg_err pgr_events_scan(cg_store_impl *st, int64_t agency_id, int64_t from_ms, int64_t to_ms,
                              cg_event_row_fn fn, void *ud)
{
	cg_err err = CG_OK;
	for (int64_t after = 0; !err;) {
		params p = {0};
		p_int(&p, from_ms);
		p_int(&p, to_ms);
		p_int(&p, agency_id);
		p_int(&p, after);
		p_int(&p, CG_REPORT_SCAN_PAGE);
		PGresult *r = NULL;
		err =
		    pgs_q(st,
		          "SELECT seq,time,agency_id,severity,source,kind,host,subject FROM events"
		          " WHERE time>=$1 AND time<$2 AND ($3::bigint=0 OR agency_id=$3)"
		          " AND seq>$4 ORDER BY seq LIMIT $5",
		          &p, &r);
		int n = err ? 0 : PQntuples(r);
		for (int i = 0; i < n && !err; i++) {
			cg_event_row e = {
			    .time_ms = col_i64(r, i, 1),
			    .agency_id = col_i64(r, i, 2),
			    .severity = (int)col_i64(r, i, 3),
			    .source = isnull(r, i, 4) ? NULL : PQgetvalue(r, i, 4),
			    .kind = isnull(r, i, 5) ? NULL : PQgetvalue(r, i, 5),
			    .host = isnull(r, i, 6) ? NULL : PQgetvalue(r, i, 6),
			    .subject = isnull(r, i, 7) ? NULL : PQgetvalue(r, i, 7),
			};
			after = col_i64(r, i, 0);
			if (fn(ud, &e))
				err = CG_ELIMIT;
		}
		PQclear(r);
		if (n < CG_REPORT_SCAN_PAGE)
			break;
	}
	return err;
}

static const cg_store_reports_ops pg_reports_ops = {
    .put = pgr_put,
    .find = pgr_find,
    .list = pgr_list,
    .get = pgr_get,
    .events_scan = pgr_events_scan,
};
