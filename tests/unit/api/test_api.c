/* Unit tests for the library half of the API: ingest body splitting and
 * bounded gunzip, inventory validation, CIDR ranges, credentials and the
 * login throttle. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <zlib.h>

#include "api/auth.h"
#include "api/ingest.h"
#include "api/inventory.h"
#include "api/netaddr.h"
#include "core/json.h"
#include "../test.h"

TEST(ingest_split)
{
	cg_ingest_batch b;
	CHECK(cg_ingest_split(CG_SLICE(" [ {\"a\":1}, 2 ]"), &b, NULL) == CG_OK);
	CHECK(b.n == 2 && json_is_object(b.items[0].value));
	cg_ingest_batch_free(&b);
	CHECK(cg_ingest_split(CG_SLICE("{\"a\":1}\r\n\nnope\n{\"b\":2}"), &b, NULL) == CG_OK);
	CHECK(b.n == 3 && b.items[1].value == NULL && b.items[1].error != NULL);
	cg_ingest_batch_free(&b);
	cg_buf why;
	cg_buf_init(&why, 256);
	CHECK(cg_ingest_split(CG_SLICE("[1,"), &b, &why) == CG_EPARSE);
	CHECK(why.len > 0);
	cg_buf_free(&why);
}

TEST(gunzip_bounded)
{
	static unsigned char plain[100000], comp[2000];
	memset(plain, 'a', sizeof plain);
	z_stream z;
	memset(&z, 0, sizeof z);
	deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
	z.next_in = plain;
	z.avail_in = sizeof plain;
	z.next_out = comp;
	z.avail_out = sizeof comp;
	CHECK(deflate(&z, Z_FINISH) == Z_STREAM_END);
	size_t clen = sizeof comp - z.avail_out;
	deflateEnd(&z);
	cg_buf out;
	cg_buf_init(&out, sizeof plain);
	CHECK(cg_gunzip(cg_slice_from((char *)comp, clen), &out, NULL) == CG_OK);
	CHECK(out.len == sizeof plain);
	cg_buf_free(&out);
	cg_buf_init(&out, 1000);
	CHECK(cg_gunzip(cg_slice_from((char *)comp, clen), &out, NULL) == CG_ETOOBIG);
	cg_buf_free(&out);
	cg_buf_init(&out, sizeof plain);
	CHECK(cg_gunzip(cg_slice_from((char *)comp, clen / 2), &out, NULL) == CG_EPARSE);
	cg_buf_free(&out);
}

TEST(inventory_validation)
{
	json_t *in = json_pack("{s:s,s:s,s:[s,s,s]}", "name", "Sở", "kind", "so_ban_nganh",
	                       "ip_ranges", "10.1.2.3/16", "10.1.0.0/16", "2001:db8::1/32");
	json_t *out;
	cg_inv_error e;
	CHECK(cg_inv_normalize(CG_RES_AGENCY, in, NULL, &out, &e) == CG_OK);
	json_t *r = json_object_get(out, "ip_ranges");
	CHECK(json_array_size(r) == 2);
	CHECK_STR(json_string_value(json_array_get(r, 0)), "10.1.0.0/16");
	CHECK_STR(json_string_value(json_array_get(r, 1)), "2001:db8::/32");
	CHECK(json_is_null(json_object_get(out, "parent_id")));
	json_decref(in);
	/* update laid over the old record */
	in = json_pack("{s:i}", "declared_endpoints", 7);
	json_t *out2;
	CHECK(cg_inv_normalize(CG_RES_AGENCY, in, out, &out2, &e) == CG_OK);
	CHECK_STR(cg_json_get_str(out2, "name"), "Sở");
	CHECK(json_integer_value(json_object_get(out2, "declared_endpoints")) == 7);
	json_decref(in);
	json_decref(out2);
	json_decref(out);
	in = json_pack("{s:i,s:s,s:s,s:i,s:[s]}", "agency_id", 1, "name", "p", "kind", "portal",
	               "level", 2, "urls", "javascript:alert(1)");
	CHECK(cg_inv_normalize(CG_RES_SYSTEM, in, NULL, &out, &e) == CG_EINVAL);
	CHECK_STR(e.field, "urls");
	json_decref(in);
	in = json_pack("{s:i,s:s,s:s,s:i,s:{s:s}}", "agency_id", 1, "name", "p", "kind", "portal",
	               "level", 2, "dossier_dates", "approved", "2025-02-30x");
	CHECK(cg_inv_normalize(CG_RES_SYSTEM, in, NULL, &out, &e) == CG_EINVAL);
	CHECK_STR(e.field, "dossier_dates");
	json_decref(in);
	in = json_pack("{s:s,s:s}", "name", "", "kind", "xa");
	CHECK(cg_inv_normalize(CG_RES_AGENCY, in, NULL, &out, &e) == CG_EINVAL);
	CHECK_STR(e.field, "name");
	json_decref(in);
	in = json_pack("{s:i,s:s}", "agency_id", 1, "name", "x");
	CHECK(cg_inv_normalize(CG_RES_PERSON, in, NULL, &out, &e) == CG_EINVAL);
	CHECK_STR(e.field, "role");
	json_decref(in);
	json_t *l = cg_inv_split_list(CG_SLICE(" a; ;b ;c"));
	CHECK(json_array_size(l) == 3);
	json_decref(l);
}

/* Since 1 July 2025 there are no districts: "huyen" is refused on a new
 * agency and as a change of kind, and still reads and edits on a record
 * made before (the base already has it). */
TEST(agency_kinds_after_2025_reform)
{
	cg_inv_error e;
	json_t *out = NULL;
	const char *current[] = {"so_ban_nganh", "xa", "doanh_nghiep", "khac"};
	for (int i = 0; i < 4; i++) {
		json_t *in = json_pack("{s:s,s:s}", "name", "A", "kind", current[i]);
		CHECK(cg_inv_valid_agency_kind(current[i]));
		CHECK(cg_inv_normalize(CG_RES_AGENCY, in, NULL, &out, &e) == CG_OK);
		json_decref(out);
		json_decref(in);
	}
	CHECK(!cg_inv_valid_agency_kind("huyen"));
	CHECK(cg_inv_retired_agency_kind("huyen"));
	json_t *in = json_pack("{s:s,s:s}", "name", "UBND huyện X", "kind", "huyen");
	out = NULL;
	CHECK(cg_inv_normalize(CG_RES_AGENCY, in, NULL, &out, &e) == CG_EINVAL);
	CHECK(out == NULL);
	CHECK_STR(e.field, "kind");
	CHECK(strstr(e.message, "1 July 2025") != NULL);
	json_decref(in);
	/* an old record keeps its kind through an edit of another field ... */
	json_t *old = json_pack("{s:s,s:s,s:n,s:n,s:[],s:i}", "name", "UBND huyện X", "kind",
	                        "huyen", "parent_id", "code", "ip_ranges", "declared_endpoints", 3);
	in = json_pack("{s:i}", "declared_endpoints", 9);
	CHECK(cg_inv_normalize(CG_RES_AGENCY, in, old, &out, &e) == CG_OK);
	CHECK_STR(cg_json_get_str(out, "kind"), "huyen");
	json_decref(out);
	json_decref(in);
	/* ... and when the client sends the whole record back (PUT) */
	in = json_pack("{s:s,s:s}", "name", "UBND huyện X", "kind", "huyen");
	CHECK(cg_inv_normalize(CG_RES_AGENCY, in, old, &out, &e) == CG_OK);
	json_decref(out);
	json_decref(in);
	/* it can move to a current kind, never back, and no other record
	 * may become a district */
	in = json_pack("{s:s}", "kind", "xa");
	CHECK(cg_inv_normalize(CG_RES_AGENCY, in, old, &out, &e) == CG_OK);
	json_t *in2 = json_pack("{s:s}", "kind", "huyen");
	json_t *out2 = NULL;
	CHECK(cg_inv_normalize(CG_RES_AGENCY, in2, out, &out2, &e) == CG_EINVAL);
	CHECK_STR(e.field, "kind");
	json_decref(in2);
	json_decref(out);
	json_decref(in);
	json_decref(old);
	/* the enum error lists only the current kinds */
	in = json_pack("{s:s,s:s}", "name", "A", "kind", "tinh");
	CHECK(cg_inv_normalize(CG_RES_AGENCY, in, NULL, &out, &e) == CG_EINVAL);
	CHECK(strstr(e.message, "khac") != NULL && strstr(e.message, "huyen") == NULL);
	json_decref(in);
}

TEST(cidr)
{
	cg_cidr c;
	cg_ip ip;
	CHECK(cg_cidr_parse(CG_SLICE("10.12.0.0/16"), &c) == CG_OK);
	CHECK(cg_ip_parse(CG_SLICE("10.12.255.1"), &ip) == CG_OK && cg_cidr_contains(&c, &ip));
	CHECK(cg_ip_parse(CG_SLICE("10.13.0.1"), &ip) == CG_OK && !cg_cidr_contains(&c, &ip));
	CHECK(cg_ip_parse(CG_SLICE("::ffff:10.12.0.1"), &ip) == CG_OK &&
	      !cg_cidr_contains(&c, &ip));
	CHECK(cg_cidr_parse(CG_SLICE("10.12.0.0/33"), &c) != CG_OK);
	CHECK(cg_cidr_parse(CG_SLICE("10.12.0/16"), &c) != CG_OK);
	CHECK(cg_cidr_parse(CG_SLICE("0.0.0.0/0"), &c) == CG_OK &&
	      cg_ip_parse(CG_SLICE("1.2.3.4"), &ip) == CG_OK && cg_cidr_contains(&c, &ip));
	CHECK(cg_cidr_parse(CG_SLICE("fe80::/10"), &c) == CG_OK);
	CHECK(cg_ip_parse(CG_SLICE("fe80::1"), &ip) == CG_OK && cg_cidr_contains(&c, &ip));
}

TEST(credentials)
{
	CHECK(cg_auth_init() == CG_OK);
	char h[CG_PWHASH_MAX];
	CHECK(cg_password_hash("correct horse", 13, h) == CG_OK);
	CHECK(strncmp(h, "$argon2id$", 10) == 0);
	CHECK(cg_password_verify(h, "correct horse", 13));
	CHECK(!cg_password_verify(h, "correct hors", 12));
	char a[CG_TOKEN_TEXT], b[CG_TOKEN_TEXT];
	cg_new_api_token(a);
	cg_new_api_token(b);
	CHECK(strncmp(a, "cgt_", 4) == 0 && strlen(a) == 47 && strcmp(a, b) != 0);
	CHECK(cg_secret_eq("abc", "abc") && !cg_secret_eq("abc", "abd") && !cg_secret_eq("", ""));
}

TEST(throttle)
{
	cg_throttle t;
	CHECK(cg_throttle_init(&t, 16, 1000) == CG_OK);
	for (int i = 0; i < 3; i++)
		cg_throttle_fail(&t, "u:x", 100);
	CHECK(cg_throttle_blocked(&t, "u:x", 3, 500));
	CHECK(!cg_throttle_blocked(&t, "u:x", 4, 500));
	CHECK(!cg_throttle_blocked(&t, "u:x", 3, 1200)); /* window over */
	CHECK(!cg_throttle_blocked(&t, "u:y", 1, 500));
	cg_throttle_reset(&t, "u:x");
	CHECK(!cg_throttle_blocked(&t, "u:x", 1, 500));
	/* many keys: the table stays bounded and still works */
	char k[32];
	for (int i = 0; i < 1000; i++) {
		snprintf(k, sizeof k, "ip:%d", i);
		cg_throttle_fail(&t, k, 600);
	}
	cg_throttle_fail(&t, "u:z", 700);
	cg_throttle_fail(&t, "u:z", 700);
	CHECK(cg_throttle_blocked(&t, "u:z", 2, 800));
	cg_throttle_free(&t);
}

/* The eviction attack of issue 18.5: the old table hashed keys with plain
 * FNV-1a into fixed slots and evicted the oldest entry of an 8-slot probe
 * run, so usernames chosen to hash next to a victim's key pushed the
 * victim's counter out and reset its failures. Here: usernames chosen to
 * collide under that old hash, then a flood of random ones; the victim's
 * user and address counters must still block. */
static uint64_t old_fnv(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

TEST(throttle_no_eviction)
{
	cg_throttle t;
	const size_t n = 4096;
	CHECK(cg_throttle_init(&t, n, 900000) == CG_OK);
	int64_t now = 1000;
	for (int i = 0; i < 5; i++)
		cg_throttle_fail(&t, "u:off1", now);
	for (int i = 0; i < 30; i++)
		cg_throttle_fail(&t, "ip:127.0.0.1", now);
	CHECK(cg_throttle_blocked(&t, "u:off1", 5, now + 1));
	CHECK(cg_throttle_blocked(&t, "ip:127.0.0.1", 30, now + 1));
	/* usernames whose old FNV slot is within 8 of the victims' slots */
	uint64_t v1 = old_fnv("u:off1") % n, v2 = old_fnv("ip:127.0.0.1") % n;
	int chosen = 0;
	char k[64];
	for (int i = 0; i < 4000000 && chosen < 64; i++) {
		snprintf(k, sizeof k, "u:x%d", i);
		uint64_t s = old_fnv(k) % n;
		if ((s >= v1 && s < v1 + 8) || (s >= v2 && s < v2 + 8)) {
			for (int f = 0; f < 5; f++)
				cg_throttle_fail(&t, k, now + 10);
			chosen++;
		}
	}
	CHECK(chosen == 64);
	/* and a flood of random usernames, far more than the table holds */
	for (int i = 0; i < 50000; i++) {
		snprintf(k, sizeof k, "u:flood%d", i);
		cg_throttle_fail(&t, k, now + 20);
	}
	CHECK(cg_throttle_blocked(&t, "u:off1", 5, now + 30));
	CHECK(cg_throttle_blocked(&t, "ip:127.0.0.1", 30, now + 30));
	/* the victims' counts still go up (not reset to zero) */
	cg_throttle_fail(&t, "u:off1", now + 40);
	CHECK(cg_throttle_blocked(&t, "u:off1", 6, now + 41));
	/* once the window is over the table frees itself: new keys fit */
	CHECK(!cg_throttle_blocked(&t, "u:late", 5, now + 900000 + 50));
	CHECK(cg_throttle_fail(&t, "u:late", now + 900000 + 50));
	cg_throttle_free(&t);
}

/* Two tables hash the same key to different slots (the key is secret). */
TEST(throttle_keyed)
{
	cg_throttle a, b;
	CHECK(cg_throttle_init(&a, 1 << 16, 1000) == CG_OK);
	CHECK(cg_throttle_init(&b, 1 << 16, 1000) == CG_OK);
	cg_throttle_fail(&a, "u:same", 1);
	cg_throttle_fail(&b, "u:same", 1);
	ptrdiff_t ia = -1, ib = -1;
	for (size_t i = 0; i < a.n; i++) {
		if (a.e[i].key[0])
			ia = (ptrdiff_t)i;
		if (b.e[i].key[0])
			ib = (ptrdiff_t)i;
	}
	CHECK(ia >= 0 && ib >= 0 && ia != ib);
	cg_throttle_free(&a);
	cg_throttle_free(&b);
}

int main(void)
{
	RUN(ingest_split);
	RUN(gunzip_bounded);
	RUN(throttle_no_eviction);
	RUN(throttle_keyed);
	RUN(inventory_validation);
	RUN(agency_kinds_after_2025_reform);
	RUN(cidr);
	RUN(credentials);
	RUN(throttle);
	return test_done();
}
