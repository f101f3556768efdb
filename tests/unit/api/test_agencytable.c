/*
 * test_agencytable.c - the address plan: the longest-prefix table checked
 * against a brute-force scan on random ranges (IPv4 and IPv6), overlap
 * queries both ways, the agency table's lookups and collision rule, and
 * the cache's rebuild on the store's agency generation (real SQLite).
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api/agencytable.h"
#include "api/prefixtable.h"
#include "../test.h"

static cg_cidr cidr(const char *s)
{
	cg_cidr c;
	memset(&c, 0, sizeof c);
	if (cg_cidr_parse(cg_slice_cstr(s), &c))
		printf("# bad cidr %s\n", s);
	return c;
}

static cg_ip ip(const char *s)
{
	cg_ip a;
	if (cg_ip_parse(cg_slice_cstr(s), &a))
		printf("# bad ip %s\n", s);
	return a;
}

TEST(lookup_longest_prefix)
{
	cg_prefix_table *t = cg_prefix_table_new();
	const char *r[] = {"10.0.0.0/8",    "10.12.0.0/16",    "10.12.5.0/24",
	                   "2001:db8::/32", "2001:db8:1::/48", "0.0.0.0/0"};
	for (int i = 0; i < 6; i++) {
		cg_cidr c = cidr(r[i]);
		CHECK(cg_prefix_table_add(t, &c, i) == CG_OK);
	}
	CHECK(cg_prefix_table_build(t) == CG_OK);
	cg_ip a = ip("10.12.5.7"), b = ip("10.12.6.1"), c = ip("10.99.0.1"), d = ip("192.0.2.1"),
	      e = ip("2001:db8:1::5"), f = ip("2001:db8:2::5"), g = ip("2001:db9::1"),
	      h = ip("::ffff:10.12.5.7");
	CHECK(cg_prefix_table_lookup(t, &a)->value == 2);
	CHECK(cg_prefix_table_lookup(t, &b)->value == 1);
	CHECK(cg_prefix_table_lookup(t, &c)->value == 0);
	CHECK(cg_prefix_table_lookup(t, &d)->value == 5); /* 0.0.0.0/0 holds all IPv4 */
	CHECK(cg_prefix_table_lookup(t, &e)->value == 4);
	CHECK(cg_prefix_table_lookup(t, &f)->value == 3);
	CHECK(cg_prefix_table_lookup(t, &g) == NULL); /* IPv4 /0 is not IPv6 */
	/* "::ffff:10.12.5.7" is an IPv6 address, and families never mix (as
	 * in cg_cidr_contains): no IPv6 range holds it */
	CHECK(!h.v4 && cg_prefix_table_lookup(t, &h) == NULL);
	cg_prefix_table_free(t);
}

static uint32_t rnd(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* random ranges in a small space so they nest and collide often */
static cg_cidr random_cidr(uint32_t *s, bool v4)
{
	cg_cidr c;
	memset(&c, 0, sizeof c);
	c.net.v4 = v4;
	if (v4) {
		c.net.b[10] = c.net.b[11] = 0xff;
		c.net.b[12] = 10;
		c.net.b[13] = (uint8_t)(rnd(s) % 4);
		c.net.b[14] = (uint8_t)(rnd(s) % 8);
		c.net.b[15] = (uint8_t)rnd(s);
		c.prefix = 8 + (int)(rnd(s) % 25);
	} else {
		c.net.b[0] = 0x20;
		c.net.b[1] = 0x01;
		c.net.b[2] = (uint8_t)(rnd(s) % 4);
		c.net.b[15] = (uint8_t)rnd(s);
		c.prefix = 8 + (int)(rnd(s) % 121);
	}
	int bits = (v4 ? 96 : 0) + c.prefix;
	for (int i = bits; i < 128; i++)
		c.net.b[i / 8] &= (uint8_t) ~(0x80u >> (i % 8));
	return c;
}

static bool overlap(const cg_cidr *a, const cg_cidr *b)
{
	return cg_cidr_contains(a, &b->net) || cg_cidr_contains(b, &a->net);
}

typedef struct collect {
	int64_t seen[600];
	size_t n;
	const cg_cidr *q;
	bool bad;
} collect;

static int on_overlap(const cg_prefix_entry *e, void *p)
{
	collect *c = p;
	if (!overlap(&e->range, c->q))
		c->bad = true;
	if (c->n < 600)
		c->seen[c->n++] = e->value;
	return 0;
}

TEST(lookup_matches_brute_force)
{
	uint32_t s = 12345;
	for (int fam = 0; fam < 2; fam++) {
		cg_cidr r[500];
		cg_prefix_table *t = cg_prefix_table_new();
		for (int i = 0; i < 500; i++) {
			r[i] = random_cidr(&s, fam == 0);
			CHECK(cg_prefix_table_add(t, &r[i], i) == CG_OK);
			/* 100 built at once, the rest added to a built table
			 * (an unsorted tail, merged past 256) */
			if (i == 99)
				CHECK(cg_prefix_table_build(t) == CG_OK);
		}
		int mismatches = 0, overlap_errors = 0;
		for (int k = 0; k < 5000; k++) {
			cg_cidr q = random_cidr(&s, fam == 0);
			cg_ip a = q.net;
			a.b[15] ^= (uint8_t)rnd(&s); /* not always the network itself */
			int best = -1;
			for (int i = 0; i < 500; i++)
				if (cg_cidr_contains(&r[i], &a) &&
				    (best < 0 || r[i].prefix > r[best].prefix))
					best = i;
			const cg_prefix_entry *e = cg_prefix_table_lookup(t, &a);
			if ((best < 0) != (e == NULL) ||
			    (e && (e->value != best && r[e->value].prefix != r[best].prefix)))
				mismatches++;
			/* equal ranges: the first added wins */
			if (e && e->value != best &&
			    memcmp(&r[e->value].net, &r[best].net, 16) == 0)
				mismatches++;
			if (k % 10 == 0) {
				collect c = {.q = &q};
				cg_prefix_table_overlaps(t, &q, on_overlap, &c);
				size_t want = 0;
				for (int i = 0; i < 500; i++)
					want += overlap(&r[i], &q);
				if (c.bad || c.n != want)
					overlap_errors++;
			}
		}
		CHECK(mismatches == 0);
		CHECK(overlap_errors == 0);
		cg_prefix_table_free(t);
	}
}

static json_t *agencies(void)
{
	return json_pack("[{s:i,s:s,s:s,s:[s,s]},{s:i,s:s,s:s,s:[s]},{s:i,s:s,s:s,s:[]}]", "id", 7,
	                 "code", "SYT", "name", "Sở Y tế", "ip_ranges", "10.7.0.0/16",
	                 "2001:db8:7::/48", "id", 3, "code", "", "name", "UBND xã Bum Nưa",
	                 "ip_ranges", "10.7.9.0/24", "id", 12, "code", "STC", "name",
	                 "Sở Tài chính", "ip_ranges");
}

TEST(agency_table_lookups)
{
	json_t *j = agencies();
	cg_agency_table *t = NULL;
	CHECK(cg_agency_table_build(j, &t) == CG_OK);
	json_decref(j);
	CHECK(cg_agency_table_count(t) == 3);
	CHECK(cg_agency_table_find(t, "syt")->id == 7);
	CHECK(cg_agency_table_find(t, "12")->id == 12);
	CHECK(cg_agency_table_find(t, "3")->id == 3);
	CHECK(cg_agency_table_find(t, "99") == NULL);
	CHECK(cg_agency_table_find(t, "") == NULL);
	CHECK(cg_agency_table_find(t, NULL) == NULL);
	CHECK(cg_agency_table_route_text(t, cg_slice_cstr("10.7.9.20"))->id == 3);
	CHECK(cg_agency_table_route_text(t, cg_slice_cstr("10.7.1.1"))->id == 7);
	CHECK(cg_agency_table_route_text(t, cg_slice_cstr("2001:db8:7::1"))->id == 7);
	CHECK(cg_agency_table_route_text(t, cg_slice_cstr("10.8.0.1")) == NULL);
	CHECK(cg_agency_table_route_text(t, cg_slice_cstr("::ffff:10.7.9.20"))->id == 3);
	CHECK(cg_agency_table_route_text(t, cg_slice_cstr("not an ip")) == NULL);
	CHECK_STR(cg_agency_table_route_text(t, cg_slice_cstr("10.7.9.20"))->name,
	          "UBND xã Bum Nưa");
	cg_agency_table_release(t);
}

TEST(agency_collisions)
{
	json_t *j = agencies();
	cg_agency_table *t = NULL;
	CHECK(cg_agency_table_build(j, &t) == CG_OK);
	json_decref(j);
	cg_inv_error e;
	/* the same name in another case and spacing */
	json_t *r = json_pack("{s:s,s:[]}", "name", "  SỞ  Y TẾ ", "ip_ranges");
	CHECK(cg_agency_table_check(t, 0, r, NULL, false, &e) == CG_ECONFLICT);
	CHECK_STR(e.field, "name");
	CHECK(strstr(e.message, "Sở Y tế") && strstr(e.message, "SYT"));
	CHECK(cg_agency_table_check(t, 7, r, NULL, false, &e) == CG_OK); /* itself */
	json_decref(r);
	/* diacritics carry meaning: Sổ is not Sở */
	r = json_pack("{s:s,s:[]}", "name", "Sổ Y tế", "ip_ranges");
	CHECK(cg_agency_table_check(t, 0, r, NULL, false, &e) == CG_OK);
	json_decref(r);
	/* a range inside another agency's, one containing it, one equal */
	const char *bad[] = {"10.7.200.0/24", "10.0.0.0/8", "10.7.9.0/24", "2001:db8::/32",
	                     "10.7.9.5"};
	for (int i = 0; i < 5; i++) {
		r = json_pack("{s:s,s:[s,s]}", "name", "Mới", "ip_ranges", "192.0.2.0/24", bad[i]);
		CHECK(cg_agency_table_check(t, 0, r, NULL, false, &e) == CG_ECONFLICT);
		CHECK_STR(e.field, "ip_ranges");
		json_decref(r);
	}
	r = json_pack("{s:s,s:[s]}", "name", "Mới", "ip_ranges", "10.7.200.0/24");
	cg_agency_table_check(t, 0, r, NULL, false, &e);
	CHECK(strstr(e.message, "10.7.200.0/24 overlaps 10.7.0.0/16") != NULL);
	CHECK(strstr(e.message, "'Sở Y tế' (SYT)") != NULL);
	json_decref(r);
	/* confirmed nesting: inside or around passes, an equal range and a
	 * duplicate name never do */
	r = json_pack("{s:s,s:[s,s]}", "name", "Bệnh viện", "ip_ranges", "10.7.200.0/24",
	              "2001:db8::/32");
	CHECK(cg_agency_table_check(t, 0, r, NULL, true, &e) == CG_OK);
	json_decref(r);
	r = json_pack("{s:s,s:[s]}", "name", "Bệnh viện", "ip_ranges", "10.7.9.0/24");
	CHECK(cg_agency_table_check(t, 0, r, NULL, true, &e) == CG_ECONFLICT);
	CHECK(strstr(e.message, "is the same range as 10.7.9.0/24") != NULL);
	CHECK(strstr(e.message, "'UBND xã Bum Nưa' (id 3)") != NULL);
	json_decref(r);
	r = json_pack("{s:s,s:[]}", "name", "sở y tế", "ip_ranges");
	CHECK(cg_agency_table_check(t, 0, r, NULL, true, &e) == CG_ECONFLICT);
	json_decref(r);
	/* disjoint and neighbouring ranges are fine */
	r = json_pack("{s:s,s:[s,s,s]}", "name", "Mới", "ip_ranges", "10.8.0.0/16", "10.6.255.0/24",
	              "2001:db8:8::/48");
	CHECK(cg_agency_table_check(t, 0, r, NULL, false, &e) == CG_OK);
	json_decref(r);
	/* agency 3 sits inside agency 7: editing 3 with its old ranges and
	 * name passes (only changes are checked); adding one more clash fails */
	json_t *base =
	    json_pack("{s:s,s:[s]}", "name", "UBND xã Bum Nưa", "ip_ranges", "10.7.9.0/24");
	r = json_pack("{s:s,s:[s]}", "name", "UBND xã Bum Nưa", "ip_ranges", "10.7.9.0/24");
	CHECK(cg_agency_table_check(t, 3, r, base, false, &e) == CG_OK);
	CHECK(cg_agency_table_check(t, 3, r, NULL, false, &e) == CG_ECONFLICT);
	json_decref(r);
	r = json_pack("{s:s,s:[s,s]}", "name", "UBND xã Bum Nưa", "ip_ranges", "10.7.9.0/24",
	              "10.7.10.0/24");
	CHECK(cg_agency_table_check(t, 3, r, base, false, &e) == CG_ECONFLICT);
	json_decref(r);
	json_decref(base);
	cg_agency_table_release(t);
}

TEST(agency_table_grows)
{
	json_t *j = agencies();
	cg_agency_table *t = NULL;
	CHECK(cg_agency_table_build(j, &t) == CG_OK);
	json_decref(j);
	cg_inv_error e;
	/* rows of an import: each checked against the ones before */
	for (int i = 0; i < 600; i++) {
		char name[32], range[32];
		snprintf(name, sizeof name, "Xã %d", i);
		snprintf(range, sizeof range, "10.50.%d.%d/32", i / 256, i % 256);
		json_t *a = json_pack("{s:i,s:s,s:s,s:[s]}", "id", 100 + i, "code", "", "name", name,
		                      "ip_ranges", range);
		CHECK(cg_agency_table_check(t, 0, a, NULL, false, &e) == CG_OK);
		CHECK(cg_agency_table_add(t, a) == CG_OK);
		CHECK(cg_agency_table_check(t, 0, a, NULL, true, &e) == CG_ECONFLICT);
		json_decref(a);
	}
	CHECK(cg_agency_table_count(t) == 603);
	CHECK(cg_agency_table_route_text(t, cg_slice_cstr("10.50.1.44"))->id == 100 + 300);
	CHECK(cg_agency_table_find(t, "650")->id == 650);
	CHECK(cg_agency_table_find(t, "7")->id == 7);
	json_t *r = json_pack("{s:s,s:[]}", "name", "xã 599", "ip_ranges");
	CHECK(cg_agency_table_check(t, 0, r, NULL, true, &e) == CG_ECONFLICT);
	json_decref(r);
	r = json_pack("{s:s,s:[s]}", "name", "Mới", "ip_ranges", "10.50.0.0/16");
	CHECK(cg_agency_table_check(t, 0, r, NULL, false, &e) == CG_ECONFLICT);
	CHECK(cg_agency_table_check(t, 0, r, NULL, true, &e) == CG_OK); /* nesting, confirmed */
	json_decref(r);
	cg_agency_table_release(t);
}

static char dir[256];
static const cg_scope ALL = {0};
static const cg_actor ACTOR = {"test"};

TEST(cache_follows_agency_changes)
{
	snprintf(dir, sizeof dir, "/tmp/canhgac-agtab.XXXXXX");
	CHECK(mkdtemp(dir) != NULL);
	char path[300];
	snprintf(path, sizeof path, "%s/t.db", dir);
	cg_store *st = NULL;
	CHECK(cg_store_open(path, &st, NULL) == CG_OK);
	if (!st)
		return;
	cg_agency_cache c;
	cg_agency_cache_init(&c);
	cg_agency_table *t1 = NULL, *t2 = NULL, *t3 = NULL;
	CHECK(cg_agency_cache_get(&c, st, &t1) == CG_OK);
	CHECK(cg_agency_table_count(t1) == 0);
	CHECK(cg_agency_cache_get(&c, st, &t2) == CG_OK);
	CHECK(t1 == t2); /* no change, no rebuild */
	cg_agency_table_release(t2);
	json_t *rec =
	    json_pack("{s:s,s:s,s:n,s:s,s:[s],s:i}", "name", "Sở Y tế", "kind", "so", "parent_id",
	              "code", "SYT", "ip_ranges", "10.7.0.0/16", "declared_endpoints", 3);
	int64_t id = 0;
	CHECK(cg_store_inv_create(st, &ALL, &ACTOR, CG_RES_AGENCY, rec, &id) == CG_OK);
	CHECK(cg_agency_cache_get(&c, st, &t3) == CG_OK);
	CHECK(t3 != t1);
	CHECK(cg_agency_table_route_text(t3, cg_slice_cstr("10.7.1.1"))->id == id);
	/* the old table stays valid for whoever still holds it */
	CHECK(cg_agency_table_route_text(t1, cg_slice_cstr("10.7.1.1")) == NULL);
	cg_agency_table_release(t1);
	cg_agency_table_release(t3);
	json_object_set_new(rec, "ip_ranges", json_pack("[s]", "10.9.0.0/16"));
	CHECK(cg_store_inv_update(st, &ALL, &ACTOR, CG_RES_AGENCY, id, rec) == CG_OK);
	CHECK(cg_agency_cache_get(&c, st, &t1) == CG_OK);
	CHECK(cg_agency_table_route_text(t1, cg_slice_cstr("10.9.1.1"))->id == id);
	CHECK(cg_agency_table_route_text(t1, cg_slice_cstr("10.7.1.1")) == NULL);
	cg_agency_table_release(t1);
	CHECK(cg_store_inv_delete(st, &ALL, &ACTOR, CG_RES_AGENCY, id) == CG_OK);
	CHECK(cg_agency_cache_get(&c, st, &t1) == CG_OK);
	CHECK(cg_agency_table_count(t1) == 0);
	cg_agency_table_release(t1);
	json_decref(rec);
	cg_agency_cache_free(&c);
	cg_store_close(st);
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		printf("# cleanup failed\n");
}

int main(void)
{
	RUN(lookup_longest_prefix);
	RUN(lookup_matches_brute_force);
	RUN(agency_table_lookups);
	RUN(agency_collisions);
	RUN(agency_table_grows);
	RUN(cache_follows_agency_changes);
	return test_done();
}
