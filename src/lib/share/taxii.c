/*
 * taxii.c - collections, request parameters and pages of the TAXII 2.1
 * server (see taxii.h). The parameters come from any client on the
 * network: each is checked whole (a time, a number in bounds, a key of
 * our own shape, STIX type names and ids) before anything uses it.
 */
#include "share/taxii.h"

#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/json.h"
#include "core/timeutil.h"

void cg_taxii_collection_id(cg_tlp t, char out[40])
{
	char name[32], id[96];
	snprintf(name, sizeof name, "tlp-%s", cg_tlp_name(t));
	cg_stix_id("x", cg_slice_cstr(name), id, sizeof id);
	memcpy(out, id + 3, 36); /* the UUID alone: "x--" and 36 characters */
	out[36] = 0;
}

int cg_taxii_collection_level(const char *id)
{
	char c[40];
	for (int t = 0; id && t < CG_TLP_NLEVELS; t++) {
		cg_taxii_collection_id((cg_tlp)t, c);
		if (strcmp(c, id) == 0)
			return t;
	}
	return -1;
}

static bool is_type(const char *s, size_t n)
{
	if (n < 3 || n > 63 || s[0] == '-' || s[n - 1] == '-')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return false;
	return true;
}

/* "<type>--<8-4-4-4-12 hex>". */
static bool is_stix_id(const char *s, size_t n)
{
	const char *sep = NULL;
	for (size_t i = 0; i + 1 < n; i++)
		if (s[i] == '-' && s[i + 1] == '-') {
			sep = s + i;
			break;
		}
	if (!sep || !is_type(s, (size_t)(sep - s)))
		return false;
	const char *u = sep + 2;
	size_t ul = n - (size_t)(u - s);
	if (ul != 36)
		return false;
	for (size_t i = 0; i < 36; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;
		char c = u[i];
		if (dash ? c != '-'
		         : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
		             (c >= 'A' && c <= 'F')))
			return false;
	}
	return true;
}

/* A comma-separated list into out[max][size], each value checked. */
static bool split(const char *v, bool (*ok)(const char *, size_t), char *out, size_t size, int max,
                  int *n)
{
	*n = 0;
	cg_slice rest = cg_slice_cstr(v);
	while (rest.len) {
		cg_slice one = cg_slice_cut(rest, ',', &rest);
		if (*n >= max || one.len >= size || !ok(one.ptr, one.len))
			return false;
		memcpy(out + (size_t)*n * size, one.ptr, one.len);
		out[(size_t)*n * size + one.len] = 0;
		(*n)++;
	}
	return *n > 0;
}

cg_err cg_taxii_query_parse(const char *added_after, const char *limit, const char *next,
                            const char *match_type, const char *match_id, cg_taxii_query *q,
                            const char **field)
{
	memset(q, 0, sizeof *q);
	q->added_after = -1;
	q->limit = CG_TAXII_PAGE;
	*field = NULL;
	if (added_after) {
		/* a TAXII timestamp: RFC 3339 in UTC; a bare date is not one */
		size_t n = strlen(added_after);
		if (n < 20 || added_after[n - 1] != 'Z' ||
		    cg_time_parse(cg_slice_cstr(added_after), &q->added_after)) {
			*field = "added_after";
			return CG_EINVAL;
		}
	}
	if (limit) {
		int64_t v;
		if (cg_parse_i64(cg_slice_cstr(limit), 1, INT64_MAX, &v)) {
			*field = "limit";
			return CG_EINVAL;
		}
		q->limit = v > CG_TAXII_MAX_PAGE ? CG_TAXII_MAX_PAGE : v;
	}
	if (next) {
		cg_slice rest, ms = cg_slice_cut(cg_slice_cstr(next), '_', &rest);
		if (ms.ptr + ms.len == next + strlen(next) || /* no '_' */
		    cg_parse_i64(ms, 0, INT64_MAX, &q->next_added) ||
		    !is_stix_id(rest.ptr, rest.len) || rest.len >= sizeof q->next_id) {
			*field = "next";
			return CG_EINVAL;
		}
		memcpy(q->next_id, rest.ptr, rest.len);
		q->next_id[rest.len] = 0;
		q->has_next = true;
	}
	if (match_type && !split(match_type, is_type, &q->types[0][0], sizeof q->types[0],
	                         CG_TAXII_MAX_MATCH, &q->ntypes)) {
		*field = "match[type]";
		return CG_EINVAL;
	}
	if (match_id && !split(match_id, is_stix_id, &q->ids[0][0], sizeof q->ids[0],
	                       CG_TAXII_MAX_MATCH, &q->nids)) {
		*field = "match[id]";
		return CG_EINVAL;
	}
	return CG_OK;
}

typedef struct key {
	int64_t added;
	const char *id;
	size_t i;
} key;

static int key_cmp(const void *a, const void *b)
{
	const key *x = a, *y = b;
	if (x->added != y->added)
		return x->added < y->added ? -1 : 1;
	return strcmp(x->id, y->id);
}

static bool wanted(const cg_taxii_query *q, const char *type, const char *id)
{
	bool t = q->ntypes == 0, d = q->nids == 0;
	for (int i = 0; !t && i < q->ntypes; i++)
		t = strcmp(q->types[i], type) == 0;
	for (int i = 0; !d && i < q->nids; i++)
		d = strcmp(q->ids[i], id) == 0;
	return t && d;
}

cg_err cg_taxii_page(const cg_stix_item *items, size_t n, const cg_taxii_query *q, size_t *idx,
                     size_t *nidx, bool *more, char *next, size_t nextsize)
{
	*nidx = 0;
	*more = false;
	if (nextsize)
		next[0] = 0;
	key *k = n ? malloc(n * sizeof *k) : NULL;
	if (n && !k)
		return CG_ENOMEM;
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		const char *id = cg_json_get_str(items[i].obj, "id");
		const char *type = cg_json_get_str(items[i].obj, "type");
		if (!id || !type || !wanted(q, type, id))
			continue;
		if (q->added_after >= 0 && items[i].added_ms <= q->added_after)
			continue;
		k[m++] = (key){items[i].added_ms, id, i};
	}
	qsort(k, m, sizeof *k, key_cmp);
	size_t from = 0;
	if (q->has_next) {
		key after = {q->next_added, q->next_id, 0};
		while (from < m && key_cmp(&k[from], &after) <= 0)
			from++;
	}
	size_t to = from;
	while (to < m && (int64_t)(to - from) < q->limit)
		idx[(*nidx)++] = k[to++].i;
	if (to < m && *nidx) {
		*more = true;
		const key *last = &k[to - 1];
		snprintf(next, nextsize, "%lld_%s", (long long)last->added, last->id);
	}
	free(k);
	return CG_OK;
}
