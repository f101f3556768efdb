/*
 * sqlite_exposure.c - the SQLite side of backend_exposure.h: runs one of
 * store_exposure.c's statements. Part of sqlite.c's translation unit
 * (included at its end), for its connection pool and error mapping.
 */

static cg_err sqx_query(cg_store_impl *st, bool write, const char *sql, const json_t *args,
                        json_t **rows)
{
	conn *c = write ? writer_get(st) : reader_get(st);
	cg_err err = CG_OK;
	sqlite3_stmt *s = stmt_dyn(c, sql);
	if (!s)
		err = CG_EDB;
	for (size_t i = 0; !err && i < json_array_size(args); i++) {
		char name[24];
		snprintf(name, sizeof name, "$%zu", i + 1);
		int at = sqlite3_bind_parameter_index(s, name);
		if (at <= 0)
			continue;
		json_t *v = json_array_get(args, i);
		if (json_is_integer(v))
			sqlite3_bind_int64(s, at, json_integer_value(v));
		else if (json_is_string(v))
			bind_str(s, at, json_string_value(v));
		else
			sqlite3_bind_null(s, at);
	}
	json_t *arr = json_array();
	if (!err) {
		int rc;
		while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
			json_t *o = json_object();
			for (int k = 0; k < sqlite3_column_count(s); k++) {
				json_t *v = sqlite3_column_type(s, k) == SQLITE_INTEGER
				                ? json_integer(sqlite3_column_int64(s, k))
				                : col_str(s, k);
				json_object_set_new(o, sqlite3_column_name(s, k), v);
			}
			json_array_append_new(arr, o);
		}
		if (rc != SQLITE_DONE)
			err = db_err(c->db, sqlite3_extended_errcode(c->db));
	}
	if (s)
		sqlite3_finalize(s);
	if (write)
		writer_put(st);
	else
		reader_put(st, c);
	if (err || !rows)
		json_decref(arr);
	else
		*rows = arr;
	return err;
}

static const cg_store_xp_ops sq_xp_ops = {.query = sqx_query};
