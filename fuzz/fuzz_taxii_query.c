/* libFuzzer target: the TAXII server's request parameters (share/taxii.h).
 * The input is up to five lines: added_after, limit, next, match[type],
 * match[id]; a missing line is an absent parameter. A query either is
 * refused naming the parameter, or holds values in their bounds; its page
 * of a fixed set of objects is within the limit, and a page's `next`
 * parses back and continues strictly after that page. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "share/taxii.h"

static cg_stix_item items[8];

static void setup(void)
{
	static const char *const types[] = {"identity", "indicator", "sighting", "malware"};
	for (int i = 0; i < 8; i++) {
		char id[96];
		char name[8] = {(char)('a' + i), 0};
		cg_stix_id(types[i % 4], cg_slice_cstr(name), id, sizeof id);
		items[i].obj = json_pack("{s:s,s:s}", "type", types[i % 4], "id", id);
		items[i].added_ms = 1000 * (i / 3);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!items[0].obj)
		setup();
	char *copy = malloc(size + 1);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	copy[size] = 0;
	const char *f[5] = {NULL};
	char *p = copy;
	for (int i = 0; i < 5 && p; i++) {
		f[i] = p;
		p = strchr(p, '\n');
		if (p)
			*p++ = 0;
	}
	cg_taxii_query q;
	const char *field;
	cg_err err = cg_taxii_query_parse(f[0], f[1], f[2], f[3], f[4], &q, &field);
	if (err) {
		if (!field)
			abort();
		free(copy);
		return 0;
	}
	if (q.limit < 1 || q.limit > CG_TAXII_MAX_PAGE || q.ntypes > CG_TAXII_MAX_MATCH ||
	    q.nids > CG_TAXII_MAX_MATCH || strlen(q.next_id) >= sizeof q.next_id)
		abort();
	size_t idx[CG_TAXII_MAX_PAGE], n = 0;
	bool more;
	char next[160];
	if (cg_taxii_page(items, 8, &q, idx, &n, &more, next, sizeof next))
		abort();
	if ((int64_t)n > q.limit)
		abort();
	for (size_t i = 0; i < n; i++)
		if (idx[i] >= 8)
			abort();
	if (more) {
		cg_taxii_query q2;
		if (cg_taxii_query_parse(NULL, NULL, next, NULL, NULL, &q2, &field))
			abort();
		size_t idx2[CG_TAXII_MAX_PAGE], n2 = 0;
		char next2[160];
		bool more2;
		q2.limit = CG_TAXII_MAX_PAGE;
		if (cg_taxii_page(items, 8, &q2, idx2, &n2, &more2, next2, sizeof next2))
			abort();
		for (size_t i = 0; i < n2; i++)
			for (size_t j = 0; j < n; j++)
				if (idx2[i] == idx[j] && q.added_after < 0 && !q.ntypes && !q.nids)
					abort(); /* a page repeats an object of the one before */
	}
	free(copy);
	return 0;
}
