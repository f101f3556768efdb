/*
 * prefixtable.h - a longest-prefix-match table of CIDR ranges (IPv4 and
 * IPv6), each carrying an integer value (an agency's index, a name's
 * index). It answers the two questions the province asks of its address
 * plan: "whose address is this?" (the most specific range wins) and
 * "which declared ranges overlap this one?" (so a new agency cannot claim
 * another's addresses without being told).
 *
 * Built once, then read-only: cg_prefix_table_add() collects ranges,
 * cg_prefix_table_build() sorts them into one group per (family, prefix
 * length), each group sorted by network. A lookup masks the address once
 * per group, longest group first, and binary-searches it: O(L log n) with
 * L the number of distinct prefix lengths (a handful in practice). A
 * built table is never changed, so any number of threads may read it.
 *
 * Two agencies may declare the same range; lookups then return the one
 * added first (callers add in id order, so the result is stable).
 */
#ifndef CG_PREFIXTABLE_H
#define CG_PREFIXTABLE_H

#include <stddef.h>
#include <stdint.h>

#include "api/netaddr.h"

typedef struct cg_prefix_table cg_prefix_table;

typedef struct cg_prefix_entry {
	cg_cidr range;
	int64_t value;
	size_t order; /* insertion order: ties between equal ranges */
} cg_prefix_entry;

cg_prefix_table *cg_prefix_table_new(void);
void cg_prefix_table_free(cg_prefix_table *t);
/* CG_ETOOBIG past CG_MAX_PREFIX_RANGES. After a build, the range is
 * searchable at once (a short unsorted tail, merged as it grows); entries
 * returned earlier may move: only a table no other thread reads may be
 * added to. */
cg_err cg_prefix_table_add(cg_prefix_table *t, const cg_cidr *range, int64_t value);
cg_err cg_prefix_table_build(cg_prefix_table *t);
size_t cg_prefix_table_size(const cg_prefix_table *t);

/* The most specific range holding ip, or NULL. */
const cg_prefix_entry *cg_prefix_table_lookup(const cg_prefix_table *t, const cg_ip *ip);

/* Calls fn for every range that overlaps `range` (contains it, is inside
 * it, or equals it); stops early when fn returns non-zero and returns
 * that value. */
int cg_prefix_table_overlaps(const cg_prefix_table *t, const cg_cidr *range,
                             int (*fn)(const cg_prefix_entry *e, void *ctx), void *ctx);

#endif
