/*
 * postgres_intel.c - the PostgreSQL backend's threat-intelligence tables
 * (backend_intel.h): intel_sources and intel_indicators.
 *
 * Part of postgres.c's translation unit (included at its end). A batch of
 * indicators is one transaction: a pull is stored whole or not at all.
 * Whether an upsert inserted is PostgreSQL's own answer (xmax = 0 on the
 * returned row), so two servers storing the same pull count it once.
 */

static void p_intel_int(params *p, const json_t *v)
{
	if (json_is_integer(v))
		p_int(p, json_integer_value(v));
	else
		p_null(p);
}

static cg_err pgi_put(cg_store_impl *st, const char *source, const char *kind, const json_t *items,
                      int64_t now_ms, int64_t *added)
{
	cg_err err;
	pgconn *c = take(st, &err);
	if (!c)
		return err;
	err = begin(c);
	if (!err) {
		params p = {0};
		p_str(&p, source);
		p_str(&p, kind);
		err = q(c,
		        "INSERT INTO intel_sources(name, kind) VALUES($1,$2)"
		        " ON CONFLICT(name) DO UPDATE SET kind=excluded.kind",
		        &p, NULL);
		params_free(&p);
	}
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it)
	{
		if (err)
			break;
		params p = {0};
		p_str(&p, source);
		p_str(&p, cg_json_get_str(it, "type"));
		p_str(&p, cg_json_get_str(it, "value"));
		p_intel_int(&p, json_object_get(it, "confidence"));
		p_str(&p, cg_json_get_str(it, "tlp"));
		p_int(&p, json_integer_value(json_object_get(it, "valid_from")));
		p_intel_int(&p, json_object_get(it, "valid_until"));
		p_int(&p, now_ms);
		p_str(&p, cg_json_get_str(it, "ext_id"));
		p_str(&p, cg_json_get_str(it, "description"));
		PGresult *r = NULL;
		err = q(c,
		        "INSERT INTO intel_indicators(source, type, value, confidence, tlp,"
		        " valid_from, valid_until, first_seen, last_seen, ext_id, description)"
		        " VALUES($1,$2,$3,$4,$5,$6,$7,$8,$8,$9,$10)"
		        " ON CONFLICT(source, type, value) DO UPDATE SET"
		        " confidence=excluded.confidence, tlp=excluded.tlp,"
		        " valid_from=excluded.valid_from, valid_until=excluded.valid_until,"
		        " last_seen=excluded.last_seen, ext_id=excluded.ext_id,"
		        " description=excluded.description RETURNING (xmax = 0)",
		        &p, &r);
		params_free(&p);
		if (!err) {
			if (PQntuples(r) == 1 && col_bool(r, 0, 0))
				(*added)++;
			PQclear(r);
		}
	}
	err = finish(c, err);
	conn_put(st, c);
	return err;
}

static cg_err pgi_pulled(cg_store_impl *st, const char *source, const char *kind,
                         const char *cursor, const char *error, int64_t now_ms)
{
	params p = {0};
	p_str(&p, source);
	p_str(&p, kind);
	p_str(&p, error ? error : cursor);
	p_int(&p, now_ms);
	cg_err err;
	pgconn *c = take(st, &err);
	if (c) {
		err = q(c,
		        error ? "INSERT INTO intel_sources(name, kind, last_error, error_at)"
		                " VALUES($1,$2,$3,$4) ON CONFLICT(name) DO UPDATE SET"
		                " last_error=excluded.last_error, error_at=excluded.error_at"
		              : "INSERT INTO intel_sources(name, kind, cursor, last_pull)"
		                " VALUES($1,$2,$3,$4) ON CONFLICT(name) DO UPDATE SET"
		                " cursor=coalesce(excluded.cursor, intel_sources.cursor),"
		                " last_pull=excluded.last_pull, last_error=NULL, error_at=NULL",
		        &p, NULL);
		conn_put(st, c);
	}
	params_free(&p);
	return err;
}

static cg_err pgi_sources(cg_store_impl *st, int64_t now_ms, json_t **items)
{
	params p = {0};
	p_int(&p, now_ms);
	PGresult *r = NULL;
	cg_err err =
	    read_q(st,
	           "SELECT s.name, s.kind, s.cursor, s.last_pull, s.last_error, s.error_at,"
	           " (SELECT count(*) FROM intel_indicators i WHERE i.source=s.name),"
	           " (SELECT count(*) FROM intel_indicators i WHERE i.source=s.name"
	           "  AND i.valid_from<=$1 AND (i.valid_until IS NULL OR i.valid_until>$1)),"
	           " (SELECT min(valid_until) FROM intel_indicators i WHERE i.source=s.name"
	           "  AND i.valid_until>$1)"
	           " FROM intel_sources s ORDER BY s.name",
	           &p, &r);
	params_free(&p);
	if (err)
		return err;
	json_t *arr = json_array();
	for (int i = 0; i < PQntuples(r); i++) {
		json_t *o = json_object();
		json_object_set_new(o, "name", col_str(r, i, 0));
		json_object_set_new(o, "kind", col_str(r, i, 1));
		json_object_set_new(o, "cursor", col_str(r, i, 2));
		json_object_set_new(o, "last_pull", col_time(r, i, 3));
		json_object_set_new(o, "last_error", col_str(r, i, 4));
		json_object_set_new(o, "error_at", col_time(r, i, 5));
		json_object_set_new(o, "indicators", json_integer(col_i64(r, i, 6)));
		json_object_set_new(o, "active", json_integer(col_i64(r, i, 7)));
		json_object_set_new(o, "next_expiry", col_time(r, i, 8));
		json_array_append_new(arr, o);
	}
	PQclear(r);
	*items = arr;
	return CG_OK;
}

static cg_err pgi_active(cg_store_impl *st, const char *type, int64_t now_ms, int64_t limit,
                         json_t **items)
{
	params p = {0};
	p_str(&p, type);
	p_int(&p, now_ms);
	p_int(&p, limit);
	PGresult *r = NULL;
	cg_err err =
	    read_q(st,
	           "SELECT type, value, source, confidence, tlp, valid_from, valid_until, ext_id,"
	           " description FROM intel_indicators WHERE ($1::text IS NULL OR type=$1)"
	           " AND valid_from<=$2::bigint AND (valid_until IS NULL OR valid_until>$2::bigint)"
	           " ORDER BY type, value, source LIMIT $3",
	           &p, &r);
	params_free(&p);
	if (err)
		return err;
	json_t *arr = json_array();
	for (int i = 0; i < PQntuples(r); i++) {
		json_t *o = json_object();
		json_object_set_new(o, "type", col_str(r, i, 0));
		json_object_set_new(o, "value", col_str(r, i, 1));
		json_object_set_new(o, "source", col_str(r, i, 2));
		json_object_set_new(o, "confidence", col_int_null(r, i, 3));
		json_object_set_new(o, "tlp", col_str(r, i, 4));
		json_object_set_new(o, "valid_from", col_time(r, i, 5));
		json_object_set_new(o, "valid_until", col_time(r, i, 6));
		json_object_set_new(o, "ext_id", col_str(r, i, 7));
		json_object_set_new(o, "description", col_str(r, i, 8));
		json_array_append_new(arr, o);
	}
	PQclear(r);
	*items = arr;
	return CG_OK;
}

static const cg_store_intel_ops pg_intel_ops = {
    .put = pgi_put,
    .pulled = pgi_pulled,
    .sources = pgi_sources,
    .active = pgi_active,
};
