/*
 * backend_reports.h - the part of a backend's table of functions that
 * keeps the periodic reports (store.h "reports"): which report of which
 * period exists, in which formats, in which blobs, signed by whom.
 *
 * Kept apart from backend.h as backend_state.h is: each backend implements
 * these in sqlite_reports.c / postgres_reports.c (parts of sqlite.c /
 * postgres.c, included at their end) and points cg_store_ops.reports at
 * its table; store_reports.c checks the arguments and dispatches.
 */
#ifndef CG_STORE_BACKEND_REPORTS_H
#define CG_STORE_BACKEND_REPORTS_H

#include "backend.h"

typedef struct cg_store_reports_ops {
	/* files: the JSON text of the formats' blobs; one row per (kind,
	 * period, agency_id, lang): a second one replaces the first */
	cg_err (*put)(cg_store_impl *st, const json_t *rec, const char *files, int64_t now_ms,
	              int64_t *id);
	cg_err (*find)(cg_store_impl *st, const char *kind, const char *period, int64_t agency_id,
	               const char *lang, int64_t *id);
	cg_err (*list)(cg_store_impl *st, const cg_scope *scope, int64_t limit, int64_t offset,
	               json_t **items, int64_t *total);
	cg_err (*get)(cg_store_impl *st, const cg_scope *scope, int64_t id, json_t **out);
	/* store.h cg_store_events_scan; agency_id 0: every agency */
	cg_err (*events_scan)(cg_store_impl *st, int64_t agency_id, int64_t from_ms, int64_t to_ms,
	                      cg_event_row_fn fn, void *ud);
} cg_store_reports_ops;

#endif
