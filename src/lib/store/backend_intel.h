/*
 * backend_intel.h - the part of a backend's table of functions that keeps
 * imported threat intelligence (store.h "threat intelligence"). Each
 * backend implements it in sqlite_intel.c / postgres_intel.c (parts of
 * sqlite.c / postgres.c, whose helpers they use); store_intel.c checks the
 * arguments and dispatches.
 */
#ifndef CG_STORE_BACKEND_INTEL_H
#define CG_STORE_BACKEND_INTEL_H

#include "backend.h"

typedef struct cg_store_intel_ops {
	cg_err (*put)(cg_store_impl *st, const char *source, const char *kind, const json_t *items,
	              int64_t now_ms, int64_t *added);
	cg_err (*pulled)(cg_store_impl *st, const char *source, const char *kind,
	                 const char *cursor, const char *error, int64_t now_ms);
	cg_err (*sources)(cg_store_impl *st, int64_t now_ms, json_t **items);
	cg_err (*active)(cg_store_impl *st, const char *type, int64_t now_ms, int64_t limit,
	                 json_t **items);
} cg_store_intel_ops;

#endif
