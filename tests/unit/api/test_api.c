/* Unit tests for the library half of the API: ingest body splitting and
 * bounded gunzip, inventory validation, CIDR ranges, credentials. (The
 * login throttle keeps its counts in the store: tests/unit/store.) */
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

int main(void)
{
	RUN(ingest_split);
	RUN(gunzip_bounded);
	RUN(inventory_validation);
	RUN(agency_kinds_after_2025_reform);
	RUN(cidr);
	RUN(credentials);
	return test_done();
}
