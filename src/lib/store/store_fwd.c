/*
 * store_fwd.c - the store.h functions of syslog forwarding: argument
 * checks, then one call through the backend's cg_store_fwd_ops
 * (backend_fwd.h).
 */
#include "backend_fwd.h"

#include <string.h>

#include "core/limits.h"
#include "core/json.h"

static const cg_store_fwd_ops *F(const cg_store *st)
{
	return cg_store_ops_of(st)->fwd;
}

#define IMPL cg_store_impl_of(st)

static bool name_ok(const char *name)
{
	return name && *name && strlen(name) <= CG_FWD_NAME_MAX;
}

cg_err cg_store_fwd_cursor(cg_store *st, const char *name, int64_t *last_seq)
{
	*last_seq = 0;
	if (!name_ok(name))
		return CG_EINVAL;
	cg_store_set_violation(CG_VIOL_NONE, NULL);
	return F(st)->cursor(IMPL, name, last_seq);
}

cg_err cg_store_fwd_advance(cg_store *st, const char *name, int64_t from_seq, int64_t to_seq,
                            int64_t sent, int64_t now_ms)
{
	if (!name_ok(name) || from_seq < 0 || to_seq <= from_seq || sent < 0)
		return CG_EINVAL;
	cg_store_set_violation(CG_VIOL_NONE, NULL);
	return F(st)->advance(IMPL, name, from_seq, to_seq, sent, now_ms);
}

cg_err cg_store_fwd_error(cg_store *st, const char *name, const char *error, int64_t now_ms)
{
	if (!name_ok(name))
		return CG_EINVAL;
	cg_store_set_violation(CG_VIOL_NONE, NULL);
	return F(st)->error(IMPL, name, error, now_ms);
}

cg_err cg_store_fwd_list(cg_store *st, json_t **items)
{
	*items = NULL;
	return F(st)->list(IMPL, items);
}

cg_err cg_store_events_after(cg_store *st, int64_t after_seq, int64_t limit, json_t **items,
                             int64_t *upto)
{
	*items = NULL;
	*upto = after_seq;
	if (after_seq < 0 || limit < 1 || limit > 100000)
		return CG_EINVAL;
	return F(st)->events_after(IMPL, after_seq, limit, items, upto);
}

cg_err cg_store_event_rows_after(cg_store *st, int64_t after_seq, int64_t limit, cg_fwd_row_fn fn,
                                 void *ctx, int64_t *upto, int64_t *count)
{
	*upto = after_seq;
	*count = 0;
	if (after_seq < 0 || limit < 1 || limit > 100000 || !fn)
		return CG_EINVAL;
	return F(st)->event_rows_after(IMPL, after_seq, limit, fn, ctx, upto, count);
}

const char *cg_fwd_row_text(const char *p, size_t n, bool null, cg_buf *scratch)
{
	if (null || !p)
		return "";
	cg_slice s = cg_slice_from(p, n);
	if (cg_utf8_valid(s) && !memchr(p, 0, n))
		return p;
	cg_buf_reset(scratch);
	if (cg_utf8_sanitize(scratch, s) != CG_OK)
		return "";
	return cg_buf_cstr(scratch);
}
