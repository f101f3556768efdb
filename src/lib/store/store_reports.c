/*
 * store_reports.c - the store.h functions of the periodic reports:
 * argument checks, then one call through the backend's
 * cg_store_reports_ops (backend_reports.h).
 */
#include "backend_reports.h"

#include <stdlib.h>
#include <string.h>

#include "core/json.h"

static const cg_store_reports_ops *R(const cg_store *st)
{
	return cg_store_ops_of(st)->reports;
}

#define IMPL cg_store_impl_of(st)

cg_err cg_store_report_put(cg_store *st, const json_t *rec, int64_t now_ms, int64_t *id)
{
	*id = 0;
	const json_t *files = json_object_get(rec, "files");
	if (!cg_json_get_str(rec, "kind") || !cg_json_get_str(rec, "period") ||
	    !cg_json_get_str(rec, "lang") || !cg_json_get_str(rec, "created_by") ||
	    !json_is_integer(json_object_get(rec, "agency_id")) || !json_is_object(files))
		return CG_EINVAL;
	char *text = json_dumps(files, JSON_COMPACT | JSON_SORT_KEYS);
	if (!text)
		return CG_ENOMEM;
	cg_store_set_violation(CG_VIOL_NONE, NULL);
	cg_err err = R(st)->put(IMPL, rec, text, now_ms, id);
	free(text);
	return err;
}

cg_err cg_store_report_find(cg_store *st, const char *kind, const char *period, int64_t agency_id,
                            const char *lang, int64_t *id)
{
	*id = 0;
	if (!kind || !period || !lang)
		return CG_EINVAL;
	return R(st)->find(IMPL, kind, period, agency_id, lang, id);
}

cg_err cg_store_reports_list(cg_store *st, const cg_scope *scope, int64_t limit, int64_t offset,
                             json_t **items, int64_t *total)
{
	*items = NULL;
	*total = 0;
	if (scope->agency_id < 0) {
		*items = json_array();
		return CG_OK;
	}
	return R(st)->list(IMPL, scope, limit, offset, items, total);
}

cg_err cg_store_report_get(cg_store *st, const cg_scope *scope, int64_t id, json_t **out)
{
	*out = NULL;
	if (scope->agency_id < 0)
		return CG_ENOTFOUND;
	return R(st)->get(IMPL, scope, id, out);
}

cg_err cg_store_events_scan(cg_store *st, const cg_scope *scope, int64_t from_ms, int64_t to_ms,
                            cg_event_row_fn fn, void *ud)
{
	if (!fn || from_ms > to_ms)
		return CG_EINVAL;
	if (scope->agency_id < 0 || from_ms == to_ms) /* no agency: nothing to see */
		return CG_OK;
	return R(st)->events_scan(IMPL, scope->agency_id, from_ms, to_ms, fn, ud);
}
