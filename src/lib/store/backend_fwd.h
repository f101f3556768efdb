/*
 * backend_fwd.h - the part of a backend's table of functions that keeps
 * the syslog forwarding cursors (store.h "syslog forwarding") and reads
 * events in seq order for them. Each backend implements it in
 * sqlite_fwd.c / postgres_fwd.c (parts of sqlite.c / postgres.c, whose
 * helpers they use); store_fwd.c checks the arguments and dispatches.
 */
#ifndef CG_STORE_BACKEND_FWD_H
#define CG_STORE_BACKEND_FWD_H

#include "backend.h"

typedef struct cg_store_fwd_ops {
	cg_err (*cursor)(cg_store_impl *st, const char *name, int64_t *last_seq);
	cg_err (*advance)(cg_store_impl *st, const char *name, int64_t from_seq, int64_t to_seq,
	                  int64_t sent, int64_t now_ms);
	cg_err (*error)(cg_store_impl *st, const char *name, const char *error, int64_t now_ms);
	cg_err (*list)(cg_store_impl *st, json_t **items);
	cg_err (*events_after)(cg_store_impl *st, int64_t after_seq, int64_t limit, json_t **items,
	                       int64_t *upto);
	cg_err (*event_rows_after)(cg_store_impl *st, int64_t after_seq, int64_t limit,
	                           cg_fwd_row_fn fn, void *ctx, int64_t *upto, int64_t *count);
} cg_store_fwd_ops;

/* Text of a row's column for a cg_fwd_row: p itself when it is valid
 * UTF-8 without NUL (the usual case: no copy), "" when null, else its
 * sanitized copy in scratch (as cg_json_str would store it). */
const char *cg_fwd_row_text(const char *p, size_t n, bool null, cg_buf *scratch);

#endif
