/*
 * store_intel.c - the store.h functions of threat intelligence in:
 * argument checks, then one call through the backend's cg_store_intel_ops
 * (backend_intel.h).
 */
#include "backend_intel.h"

#include <string.h>

#include "core/json.h"
#include "core/limits.h"

static const cg_store_intel_ops *I(const cg_store *st)
{
	return cg_store_ops_of(st)->intel;
}

#define IMPL cg_store_impl_of(st)

static bool name_ok(const char *name)
{
	return name && *name && strlen(name) <= CG_INTEL_NAME_MAX;
}

static bool kind_ok(const char *kind)
{
	return kind && (strcmp(kind, "stix") == 0 || strcmp(kind, "taxii") == 0 ||
	                strcmp(kind, "misp") == 0 || strcmp(kind, "misp-feed") == 0);
}

/* Every item names a type and a value of bounded length. */
static bool items_ok(const json_t *items)
{
	if (!json_is_array(items) || json_array_size(items) > CG_INTEL_MAX_INDICATORS)
		return false;
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it)
	{
		const char *t = cg_json_get_str(it, "type"), *v = cg_json_get_str(it, "value");
		if (!t || !v || !*v || strlen(v) > CG_INTEL_VALUE_MAX ||
		    !json_is_integer(json_object_get(it, "valid_from")))
			return false;
	}
	return true;
}

cg_err cg_store_intel_put(cg_store *st, const char *source, const char *kind, const json_t *items,
                          int64_t now_ms, int64_t *added)
{
	*added = 0;
	if (!name_ok(source) || !kind_ok(kind) || !items_ok(items))
		return CG_EINVAL;
	cg_store_set_violation(CG_VIOL_NONE, NULL);
	return I(st)->put(IMPL, source, kind, items, now_ms, added);
}

cg_err cg_store_intel_pulled(cg_store *st, const char *source, const char *kind, const char *cursor,
                             const char *error, int64_t now_ms)
{
	if (!name_ok(source) || !kind_ok(kind))
		return CG_EINVAL;
	cg_store_set_violation(CG_VIOL_NONE, NULL);
	return I(st)->pulled(IMPL, source, kind, cursor, error, now_ms);
}

cg_err cg_store_intel_sources(cg_store *st, int64_t now_ms, json_t **items)
{
	*items = NULL;
	return I(st)->sources(IMPL, now_ms, items);
}

cg_err cg_store_intel_active(cg_store *st, const char *type, int64_t now_ms, int64_t limit,
                             json_t **items)
{
	*items = NULL;
	if (limit < 1 || limit > CG_INTEL_MAX_INDICATORS)
		return CG_EINVAL;
	return I(st)->active(IMPL, type, now_ms, limit, items);
}
