/*
 * prefixtable.c - see prefixtable.h.
 *
 * Layout after build: one array of entries sorted by (family, prefix
 * length descending, network, insertion order), and a small index of the
 * groups (one per family and length) into it. Within a group every
 * network has its host bits clear, so "which entry holds ip" is an exact
 * match of the masked address, and "which entries lie inside range" is a
 * contiguous run starting at range's network.
 */
#include "api/prefixtable.h"

#include <stdlib.h>
#include <string.h>

#include "core/limits.h"

typedef struct group {
	bool v4;
	int prefix;
	size_t start, end; /* [start, end) in entries */
} group;

struct cg_prefix_table {
	cg_prefix_entry *e;
	size_t n, cap;
	size_t nsorted; /* e[0..nsorted) is grouped; e[nsorted..n) the tail */
	group *g;
	size_t ng;
	bool built;
};

/* Ranges added after a build wait in an unsorted tail, searched linearly,
 * until there are this many: then the whole table is sorted again. An
 * import that checks each row against the rows before it stays
 * O(n log n * n / TAIL_MAX) instead of rebuilding per row. */
#define TAIL_MAX 256

cg_prefix_table *cg_prefix_table_new(void)
{
	return calloc(1, sizeof(cg_prefix_table));
}

void cg_prefix_table_free(cg_prefix_table *t)
{
	if (!t)
		return;
	free(t->e);
	free(t->g);
	free(t);
}

size_t cg_prefix_table_size(const cg_prefix_table *t)
{
	return t ? t->n : 0;
}

static cg_err sort_groups(cg_prefix_table *t);

cg_err cg_prefix_table_add(cg_prefix_table *t, const cg_cidr *range, int64_t value)
{
	if (t->n >= CG_MAX_PREFIX_RANGES)
		return CG_ETOOBIG;
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 32;
		cg_prefix_entry *p = realloc(t->e, cap * sizeof *p);
		if (!p)
			return CG_ENOMEM;
		t->e = p;
		t->cap = cap;
	}
	t->e[t->n] = (cg_prefix_entry){.range = *range, .value = value, .order = t->n};
	t->n++;
	if (t->built && t->n - t->nsorted > TAIL_MAX)
		return sort_groups(t);
	return CG_OK;
}

static int cmp_entry(const void *pa, const void *pb)
{
	const cg_prefix_entry *a = pa, *b = pb;
	if (a->range.net.v4 != b->range.net.v4)
		return a->range.net.v4 ? -1 : 1;
	if (a->range.prefix != b->range.prefix)
		return a->range.prefix > b->range.prefix ? -1 : 1;
	int c = memcmp(a->range.net.b, b->range.net.b, 16);
	if (c)
		return c;
	return a->order < b->order ? -1 : a->order > b->order;
}

static cg_err sort_groups(cg_prefix_table *t)
{
	if (t->n)
		qsort(t->e, t->n, sizeof *t->e, cmp_entry);
	t->ng = 0;
	for (size_t i = 0; i < t->n; i++) {
		if (i == 0 || t->e[i].range.net.v4 != t->e[i - 1].range.net.v4 ||
		    t->e[i].range.prefix != t->e[i - 1].range.prefix) {
			group *p = realloc(t->g, (t->ng + 1) * sizeof *p);
			if (!p)
				return CG_ENOMEM;
			t->g = p;
			t->g[t->ng++] = (group){
			    .v4 = t->e[i].range.net.v4, .prefix = t->e[i].range.prefix, .start = i};
		}
		t->g[t->ng - 1].end = i + 1;
	}
	t->nsorted = t->n;
	t->built = true;
	return CG_OK;
}

cg_err cg_prefix_table_build(cg_prefix_table *t)
{
	if (t->built && t->nsorted == t->n)
		return CG_OK;
	return sort_groups(t);
}

/* a with every bit after `bits` (of the 128-bit form) cleared. */
static void mask(const uint8_t a[16], int bits, uint8_t out[16])
{
	memcpy(out, a, 16);
	for (int i = bits; i < 128; i++) {
		if (i % 8 == 0) {
			memset(out + i / 8, 0, (size_t)(16 - i / 8));
			break;
		}
		out[i / 8] &= (uint8_t) ~(0x80u >> (i % 8));
	}
}

/* The first entry of g whose network is >= key. */
static size_t lower_bound(const cg_prefix_table *t, const group *g, const uint8_t key[16])
{
	size_t lo = g->start, hi = g->end;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (memcmp(t->e[mid].range.net.b, key, 16) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int bits128(bool v4, int prefix)
{
	return (v4 ? 96 : 0) + prefix;
}

/* Is a a better answer than b (more specific, or as specific and added
 * earlier)? */
static bool better(const cg_prefix_entry *a, const cg_prefix_entry *b)
{
	return !b || a->range.prefix > b->range.prefix ||
	       (a->range.prefix == b->range.prefix && a->order < b->order);
}

const cg_prefix_entry *cg_prefix_table_lookup(const cg_prefix_table *t, const cg_ip *ip)
{
	if (!t || !t->built)
		return NULL;
	const cg_prefix_entry *best = NULL;
	/* groups are in (family, longest first) order: the first hit wins */
	for (size_t k = 0; k < t->ng && !best; k++) {
		const group *g = &t->g[k];
		if (g->v4 != ip->v4)
			continue;
		uint8_t key[16];
		mask(ip->b, bits128(g->v4, g->prefix), key);
		size_t i = lower_bound(t, g, key);
		if (i < g->end && memcmp(t->e[i].range.net.b, key, 16) == 0)
			best = &t->e[i];
	}
	for (size_t i = t->nsorted; i < t->n; i++)
		if (cg_cidr_contains(&t->e[i].range, ip) && better(&t->e[i], best))
			best = &t->e[i];
	return best;
}

int cg_prefix_table_overlaps(const cg_prefix_table *t, const cg_cidr *range,
                             int (*fn)(const cg_prefix_entry *e, void *ctx), void *ctx)
{
	if (!t || !t->built)
		return 0;
	/* shortest groups last in the array: walk backwards so the widest
	 * ranges come first and the most specific last */
	for (size_t k = t->ng; k-- > 0;) {
		const group *g = &t->g[k];
		if (g->v4 != range->net.v4)
			continue;
		if (g->prefix <= range->prefix) { /* entries that contain range */
			uint8_t key[16];
			mask(range->net.b, bits128(g->v4, g->prefix), key);
			for (size_t i = lower_bound(t, g, key);
			     i < g->end && memcmp(t->e[i].range.net.b, key, 16) == 0; i++) {
				int rc = fn(&t->e[i], ctx);
				if (rc)
					return rc;
			}
		} else { /* entries inside range: a run from range's network */
			for (size_t i = lower_bound(t, g, range->net.b);
			     i < g->end && cg_cidr_contains(range, &t->e[i].range.net); i++) {
				int rc = fn(&t->e[i], ctx);
				if (rc)
					return rc;
			}
		}
	}
	for (size_t i = t->nsorted; i < t->n; i++) {
		const cg_prefix_entry *e = &t->e[i];
		if (cg_cidr_contains(&e->range, &range->net) || cg_cidr_contains(range, &e->range.net)) {
			int rc = fn(e, ctx);
			if (rc)
				return rc;
		}
	}
	return 0;
}
