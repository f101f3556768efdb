/*
 * backend_natreport.h - the part of a backend's table of functions that
 * keeps the deliveries to the national centre (store_natreport.h). Each
 * backend implements it in sqlite_natreport.c / postgres_natreport.c
 * (parts of sqlite.c / postgres.c); store_natreport.c checks the
 * arguments and dispatches.
 */
#ifndef CG_STORE_BACKEND_NATREPORT_H
#define CG_STORE_BACKEND_NATREPORT_H

#include "backend.h"
#include "store_natreport.h"

typedef struct cg_store_natreport_ops {
	cg_err (*add)(cg_store_impl *st, const cg_natdeliv *d);
	cg_err (*list)(cg_store_impl *st, const char *period, int64_t limit, json_t **items);
	cg_err (*misp_add)(cg_store_impl *st, const cg_mispdeliv *d);
	cg_err (*misp_list)(cg_store_impl *st, const char *dest, bool ok_only, int64_t limit,
	                    json_t **items);
} cg_store_natreport_ops;

#endif
