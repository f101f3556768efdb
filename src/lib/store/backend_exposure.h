/*
 * backend_exposure.h - the one backend call behind the exposure scans'
 * tables (store.h "exposure scans"): a statement with $1..$n parameters,
 * its rows as JSON objects.
 *
 * The exposure tables are few and their statements plain, so the SQL is
 * written once, in store_exposure.c, in the dialect both backends accept
 * ($N parameters, which SQLite reads as named ones; CAST instead of ::),
 * and each backend only runs it: sqlite_exposure.c / postgres_exposure.c,
 * compiled as part of sqlite.c / postgres.c. Parameters are JSON
 * integers, strings or null; columns come back as integers (SQLite
 * INTEGER, PostgreSQL int2/int4/int8), strings or null.
 */
#ifndef CG_STORE_BACKEND_EXPOSURE_H
#define CG_STORE_BACKEND_EXPOSURE_H

#include "backend.h"

typedef struct cg_store_xp_ops {
	/* write: on the writer (SQLite) / in autocommit (PostgreSQL); rows
	 * (may be NULL) gets a new array of the rows returned */
	cg_err (*query)(cg_store_impl *st, bool write, const char *sql, const json_t *params,
	                json_t **rows);
} cg_store_xp_ops;

#endif
