/*
 * postgres_exposure.c - the PostgreSQL side of backend_exposure.h: runs
 * one of store_exposure.c's statements. Part of postgres.c's translation
 * unit (included at its end), for its pool and error mapping.
 */

static cg_err pgx_query(cg_store_impl *st, bool write, const char *sql, const json_t *args,
                        json_t **rows)
{
	(void)write; /* every statement is one autocommit transaction */
	params p = {0};
	for (size_t i = 0; i < json_array_size(args); i++) {
		json_t *v = json_array_get(args, i);
		if (json_is_integer(v))
			p_int(&p, json_integer_value(v));
		else if (json_is_string(v))
			p_str(&p, json_string_value(v));
		else
			p_null(&p);
	}
	PGresult *r = NULL;
	cg_err err = read_q(st, sql, &p, &r);
	params_free(&p);
	if (err)
		return err;
	if (rows) {
		json_t *arr = json_array();
		for (int i = 0; i < PQntuples(r); i++) {
			json_t *o = json_object();
			for (int k = 0; k < PQnfields(r); k++) {
				Oid t = PQftype(r, k);
				bool num = t == 20 || t == 21 || t == 23; /* int8, int2, int4 */
				json_object_set_new(o, PQfname(r, k),
				                    num ? col_int_null(r, i, k) : col_str(r, i, k));
			}
			json_array_append_new(arr, o);
		}
		*rows = arr;
	}
	PQclear(r);
	return CG_OK;
}

static const cg_store_xp_ops pg_xp_ops = {.query = pgx_query};
