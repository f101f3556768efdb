/*
 * test_taxii.c - share/taxii.h: collection ids stable and one per level,
 * request parameters accepted and refused (naming the parameter), a
 * limit over the bound lowered, and paging by date added then id that
 * neither repeats nor skips, with added_after and match[type].
 */
#include <string.h>

#include "core/json.h"
#include "share/taxii.h"
#include "test.h"

TEST(collections)
{
	char a[40], b[40];
	cg_taxii_collection_id(CG_TLP_GREEN, a);
	cg_taxii_collection_id(CG_TLP_AMBER, b);
	CHECK(strlen(a) == 36 && strcmp(a, b) != 0);
	CHECK(cg_taxii_collection_level(a) == CG_TLP_GREEN);
	CHECK(cg_taxii_collection_level(b) == CG_TLP_AMBER);
	CHECK(cg_taxii_collection_level("00000000-0000-4000-8000-000000000000") == -1);
	CHECK(cg_taxii_collection_level(NULL) == -1);
}

TEST(parameters)
{
	cg_taxii_query q;
	const char *f;
	CHECK(cg_taxii_query_parse(NULL, NULL, NULL, NULL, NULL, &q, &f) == CG_OK);
	CHECK(q.added_after == -1 && q.limit == CG_TAXII_PAGE && !q.has_next);
	CHECK(cg_taxii_query_parse("2026-11-21T04:00:00.5Z", "5000", NULL, "indicator,malware",
	                           "indicator--48b22658-5d7a-57ad-9eef-e4b732617ea5", &q,
	                           &f) == CG_OK);
	CHECK(q.limit == CG_TAXII_MAX_PAGE && q.ntypes == 2 && q.nids == 1);
	CHECK_STR(q.types[1], "malware");
	CHECK(cg_taxii_query_parse("2026-11-21", NULL, NULL, NULL, NULL, &q, &f) == CG_EINVAL);
	CHECK_STR(f, "added_after");
	CHECK(cg_taxii_query_parse(NULL, "0", NULL, NULL, NULL, &q, &f) == CG_EINVAL);
	CHECK_STR(f, "limit");
	CHECK(cg_taxii_query_parse(NULL, "-1", NULL, NULL, NULL, &q, &f) == CG_EINVAL);
	CHECK(cg_taxii_query_parse(NULL, NULL, "12", NULL, NULL, &q, &f) == CG_EINVAL);
	CHECK_STR(f, "next");
	CHECK(cg_taxii_query_parse(NULL, NULL, "1_indicator--zz", NULL, NULL, &q, &f) == CG_EINVAL);
	CHECK(cg_taxii_query_parse(NULL, NULL, NULL, "Indicator", NULL, &q, &f) == CG_EINVAL);
	CHECK_STR(f, "match[type]");
	CHECK(cg_taxii_query_parse(NULL, NULL, NULL, "indicator,,malware", NULL, &q, &f) ==
	      CG_EINVAL);
	CHECK(cg_taxii_query_parse(NULL, NULL, NULL, NULL, "indicator--1", &q, &f) == CG_EINVAL);
	CHECK_STR(f, "match[id]");
}

TEST(paging)
{
	static const char *const types[] = {"identity", "indicator", "sighting"};
	cg_stix_item it[9];
	for (int i = 0; i < 9; i++) {
		char id[96], nm[4] = {(char)('a' + i), 0};
		cg_stix_id(types[i % 3], cg_slice_cstr(nm), id, sizeof id);
		it[i].obj = json_pack("{s:s,s:s}", "type", types[i % 3], "id", id);
		it[i].added_ms = 1000 * (8 - i) / 3; /* several objects share a time */
		it[i].level = CG_TLP_GREEN;
	}
	cg_taxii_query q;
	const char *f;
	char next[160];
	bool more = true, seen[9] = {false};
	int pages = 0, total = 0;
	int64_t last_added = -1;
	CHECK(cg_taxii_query_parse(NULL, "2", NULL, NULL, NULL, &q, &f) == CG_OK);
	while (more && pages < 20) {
		size_t idx[2], n;
		CHECK(cg_taxii_page(it, 9, &q, idx, &n, &more, next, sizeof next) == CG_OK);
		for (size_t i = 0; i < n; i++) {
			CHECK(!seen[idx[i]]);
			seen[idx[i]] = true;
			CHECK(it[idx[i]].added_ms >= last_added);
			last_added = it[idx[i]].added_ms;
			total++;
		}
		pages++;
		if (more)
			CHECK(cg_taxii_query_parse(NULL, "2", next, NULL, NULL, &q, &f) == CG_OK);
	}
	CHECK(total == 9 && pages == 5);
	/* added_after: strictly later */
	CHECK(cg_taxii_query_parse("1970-01-01T00:00:01.000Z", "100", NULL, "indicator", NULL, &q,
	                           &f) == CG_OK);
	size_t idx[100], n;
	CHECK(cg_taxii_page(it, 9, &q, idx, &n, &more, next, sizeof next) == CG_OK);
	CHECK(!more);
	for (size_t i = 0; i < n; i++)
		CHECK(it[idx[i]].added_ms > 1000 && idx[i] % 3 == 1);
	CHECK(n == 2); /* indicators 1 (2333 ms) and 4 (1333 ms); 7 is at 333 */
	for (int i = 0; i < 9; i++)
		json_decref(it[i].obj);
}

int main(void)
{
	RUN(collections);
	RUN(parameters);
	RUN(paging);
	return test_done();
}
