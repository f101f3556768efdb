/*
 * store_natreport.c - the store_natreport.h functions: argument checks,
 * then one call through the backend's cg_store_natreport_ops.
 */
#include "backend_natreport.h"

#include <stdio.h>
#include <string.h>

#include "core/limits.h"

static const cg_store_natreport_ops *N(const cg_store *st)
{
	return cg_store_ops_of(st)->natreport;
}

cg_err cg_store_natdeliv_add(cg_store *st, const cg_natdeliv *d)
{
	if (!d->period || !d->format || !d->url || !d->sha256 || d->bytes < 0 ||
	    strlen(d->url) > CG_NATDELIV_TEXT_MAX)
		return CG_EINVAL;
	/* a long answer is cut (at a byte: the column is text, the JSON
	 * encoder of the listing replaces a broken UTF-8 tail) */
	char answer[CG_NATDELIV_TEXT_MAX + 1], error[CG_NATDELIV_TEXT_MAX + 1];
	cg_natdeliv c = *d;
	if (d->answer) {
		snprintf(answer, sizeof answer, "%s", d->answer);
		c.answer = answer;
	}
	if (d->error) {
		snprintf(error, sizeof error, "%s", d->error);
		c.error = error;
	}
	cg_store_set_violation(CG_VIOL_NONE, NULL);
	return N(st)->add(cg_store_impl_of(st), &c);
}

cg_err cg_store_natdeliv_list(cg_store *st, const char *period, int64_t limit, json_t **items)
{
	*items = NULL;
	if (limit < 1 || limit > 1000)
		return CG_EINVAL;
	return N(st)->list(cg_store_impl_of(st), period, limit, items);
}

cg_err cg_store_mispdeliv_add(cg_store *st, const cg_mispdeliv *d)
{
	if (!d->dest || !d->url || strlen(d->url) > CG_NATDELIV_TEXT_MAX || d->events < 0 ||
	    d->attributes < 0 || d->since_ms < 0 || d->until_ms < d->since_ms || d->from_seq < 0 ||
	    d->to_seq < d->from_seq)
		return CG_EINVAL;
	char error[CG_NATDELIV_TEXT_MAX + 1];
	cg_mispdeliv c = *d;
	if (d->error) {
		snprintf(error, sizeof error, "%s", d->error);
		c.error = error;
	}
	cg_store_set_violation(CG_VIOL_NONE, NULL);
	return N(st)->misp_add(cg_store_impl_of(st), &c);
}

cg_err cg_store_mispdeliv_list(cg_store *st, const char *dest, bool ok_only, int64_t limit,
                               json_t **items)
{
	*items = NULL;
	if (limit < 1 || limit > 1000)
		return CG_EINVAL;
	return N(st)->misp_list(cg_store_impl_of(st), dest, ok_only, limit, items);
}
