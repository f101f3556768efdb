/* libFuzzer target: CIDR ranges (api/netaddr) into the longest-prefix
 * table (api/prefixtable). Each input line is parsed as a range and as an
 * address; the ranges go into a table (half of them after it was built)
 * and every address is looked up. The table must agree with a linear scan (longest prefix, first
 * added on ties), and every overlap it reports must really overlap. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api/prefixtable.h"

#define MAXR 256

static int check_overlap(const cg_prefix_entry *e, void *ctx)
{
	const cg_cidr *q = ctx;
	if (!cg_cidr_contains(&e->range, &q->net) && !cg_cidr_contains(q, &e->range.net))
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static cg_cidr r[MAXR];
	static cg_ip a[MAXR];
	size_t nr = 0, na = 0;
	cg_slice rest = cg_slice_from((const char *)data, size);
	while (rest.ptr && (nr < MAXR || na < MAXR)) {
		cg_slice line = cg_slice_cut(rest, '\n', &rest);
		if (nr < MAXR && cg_cidr_parse(line, &r[nr]) == CG_OK) {
			if (r[nr].prefix < 0 || r[nr].prefix > (r[nr].net.v4 ? 32 : 128))
				abort();
			char text[64];
			cg_cidr_format(&r[nr], text, sizeof text);
			cg_cidr again; /* the canonical form parses back to itself */
			if (cg_cidr_parse(cg_slice_cstr(text), &again) ||
			    again.prefix != r[nr].prefix || again.net.v4 != r[nr].net.v4 ||
			    memcmp(again.net.b, r[nr].net.b, 16) != 0)
				abort();
			nr++;
		}
		if (na < MAXR && cg_ip_parse(line, &a[na]) == CG_OK)
			na++;
	}
	cg_prefix_table *t = cg_prefix_table_new();
	if (!t)
		return 0;
	/* the first half built at once, the rest added to the built table */
	for (size_t i = 0; i < nr; i++) {
		if (cg_prefix_table_add(t, &r[i], (int64_t)i))
			abort();
		if (i == nr / 2 && cg_prefix_table_build(t))
			abort();
	}
	if (cg_prefix_table_build(t))
		abort();
	for (size_t k = 0; k < na + nr; k++) {
		cg_ip ip = k < na ? a[k] : r[k - na].net;
		int best = -1;
		for (size_t i = 0; i < nr; i++)
			if (cg_cidr_contains(&r[i], &ip) &&
			    (best < 0 || r[i].prefix > r[best].prefix))
				best = (int)i;
		const cg_prefix_entry *e = cg_prefix_table_lookup(t, &ip);
		if ((best < 0) != (e == NULL) || (e && e->value != best))
			abort();
	}
	for (size_t i = 0; i < nr; i++)
		cg_prefix_table_overlaps(t, &r[i], check_overlap, &r[i]);
	cg_prefix_table_free(t);
	return 0;
}
