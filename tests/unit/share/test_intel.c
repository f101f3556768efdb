/*
 * test_intel.c - share/intel.h: the STIX pattern reader (what it takes,
 * what it refuses whole, its bounds both ways), the bundle and envelope
 * reader (TLP, confidence, validity, revoked, next page), and the MISP
 * reader (to_ids, composites, tags, times in both of MISP's spellings).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"
#include "core/limits.h"
#include "share/intel.h"
#include "share/intel_mispfeed.h"
#include "test.h"

typedef struct got {
	int n;
	char text[4096];
} got;

static void on_value(void *ud, const char *type, const char *value)
{
	got *g = ud;
	size_t len = strlen(g->text);
	snprintf(g->text + len, sizeof g->text - len, "%s%s=%s", g->n++ ? " " : "", type, value);
}

static cg_err pat(const char *p, got *g)
{
	memset(g, 0, sizeof *g);
	return cg_intel_pattern(cg_slice_cstr(p), on_value, g, NULL);
}

TEST(patterns)
{
	got g;
	CHECK(pat("[domain-name:value = 'Evil.Example.']", &g) == CG_OK);
	CHECK_STR(g.text, "domain=evil.example");
	CHECK(pat("([ipv4-addr:value = '10.0.0.1'] OR [ipv6-addr:value = '2001:DB8::1'])", &g) ==
	      CG_OK);
	CHECK_STR(g.text, "ipv4=10.0.0.1 ipv6=2001:db8::1");
	CHECK(pat("[url:value = 'http://a.example/it\\'s']", &g) == CG_OK);
	CHECK_STR(g.text, "url=http://a.example/it's");
	/* hashes of one file: any identifies it */
	CHECK(pat("[file:hashes.'SHA-256' = "
	          "'ABABABABABABABABABABABABABABABABABABABABABABABABABABABABABAB"
	          "ABAB' AND file:hashes.MD5 = '0123456789abcdef0123456789abcdef' AND "
	          "file:hashes.'SHA-1' = '0123456789abcdef0123456789abcdef01234567']",
	          &g) == CG_OK);
	CHECK(g.n == 3);
	/* an OR with a comparison canhgac does not match keeps the others */
	CHECK(pat("[domain-name:value = 'a.example' OR email-addr:value = 'x@y.example']", &g) ==
	      CG_OK);
	CHECK_STR(g.text, "domain=a.example");
	/* refused whole: narrowing AND, qualifiers, FOLLOWEDBY, other operators, NOT */
	CHECK(pat("[domain-name:value = 'a.example' AND ipv4-addr:value = '10.0.0.1']", &g) ==
	      CG_EPARSE);
	CHECK(pat("[domain-name:value = 'a.example'] WITHIN 10 SECONDS", &g) == CG_EPARSE);
	CHECK(pat("[domain-name:value = 'a.example'] FOLLOWEDBY [url:value = 'http://b.example/']",
	          &g) == CG_EPARSE);
	CHECK(pat("[domain-name:value != 'a.example']", &g) == CG_EPARSE);
	CHECK(pat("[domain-name:value LIKE '%.example']", &g) == CG_EPARSE);
	CHECK(pat("[domain-name:value NOT = 'a.example']", &g) == CG_EPARSE);
	CHECK(g.n == 0);
	/* broken */
	CHECK(pat("[domain-name:value = 'a.example'", &g) == CG_EPARSE);
	CHECK(pat("[domain-name:value = 'a.example]", &g) == CG_EPARSE);
	CHECK(pat("domain-name:value = 'a.example'", &g) == CG_EPARSE);
	CHECK(pat("", &g) == CG_EPARSE);
	CHECK(pat("[domain-name:value = 'not a name']", &g) == CG_EPARSE); /* nothing valid */
	/* bounds both ways: 64 comparisons taken, 65 refused */
	char big[CG_INTEL_PATTERN_MAX + 2];
	for (int n = CG_INTEL_MAX_PER_PATTERN; n <= CG_INTEL_MAX_PER_PATTERN + 1; n++) {
		size_t len = 0;
		for (int i = 0; i < n; i++)
			len += (size_t)snprintf(big + len, sizeof big - len,
			                        "%s[ipv4-addr:value = '10.0.0.%d']",
			                        i ? " OR " : "", i % 250);
		CHECK(pat(big, &g) == (n == CG_INTEL_MAX_PER_PATTERN ? CG_OK : CG_EPARSE));
	}
	/* a pattern at the length limit is read, one byte more is not */
	memset(big, ' ', sizeof big);
	memcpy(big, "[domain-name:value = 'a.example']", 33);
	big[CG_INTEL_PATTERN_MAX] = 0;
	CHECK(pat(big, &g) == CG_OK);
	big[CG_INTEL_PATTERN_MAX] = ' ';
	big[CG_INTEL_PATTERN_MAX + 1] = 0;
	CHECK(pat(big, &g) == CG_EPARSE);
}

TEST(bundles)
{
	const char *b =
	    "{\"type\":\"bundle\",\"id\":\"bundle--1\",\"objects\":["
	    "{\"type\":\"indicator\",\"id\":\"indicator--1\",\"pattern\":\"[domain-name:value = "
	    "'a.example']\",\"pattern_type\":\"stix\",\"valid_from\":\"2026-01-01T00:00:00Z\","
	    "\"valid_until\":\"2026-02-01T00:00:00Z\",\"confidence\":70,\"object_marking_refs\":["
	    "\"marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421\"]},"
	    "{\"type\":\"indicator\",\"id\":\"indicator--2\",\"pattern\":\"[domain-name:value = "
	    "'b.example']\",\"valid_from\":\"2026-01-01T00:00:00Z\",\"revoked\":true},"
	    "{\"type\":\"indicator\",\"id\":\"indicator--3\",\"pattern\":\"[domain-name:value = "
	    "'c.example']\",\"valid_from\":\"2026-02-01T00:00:00Z\",\"valid_until\":"
	    "\"2026-01-01T00:00:00Z\"},"
	    "{\"type\":\"indicator\",\"id\":\"indicator--4\",\"pattern\":\"[domain-name:value = "
	    "'d.example']\",\"confidence\":101}]}";
	json_t *items = NULL;
	cg_intel_stats st = {0};
	cg_buf why;
	cg_buf_init(&why, 1024);
	int64_t now = 1798761600000; /* 2027-01-01 */
	CHECK(cg_intel_read_stix(cg_slice_cstr(b), now, &items, &st, NULL, &why) == CG_OK);
	CHECK(json_array_size(items) == 2 && st.skipped == 2 && st.expired == 1);
	json_t *a = json_array_get(items, 0), *d = json_array_get(items, 1);
	CHECK_STR(cg_json_get_str(a, "tlp"), "amber");
	CHECK(json_integer_value(json_object_get(a, "confidence")) == 70);
	CHECK(json_integer_value(json_object_get(a, "valid_until")) == 1769904000000);
	CHECK_STR(cg_json_get_str(a, "ext_id"), "indicator--1");
	/* no valid_from: now; a confidence out of 0-100: none */
	CHECK(json_integer_value(json_object_get(d, "valid_from")) == now);
	CHECK(!json_object_get(d, "confidence"));
	cg_intel_expire_after(items, 2);
	CHECK(json_integer_value(json_object_get(d, "valid_until")) == now + 2 * 86400000LL);
	CHECK(json_integer_value(json_object_get(a, "valid_until")) == 1769904000000);
	json_decref(items);
	/* an envelope: its paging */
	cg_intel_page page;
	items = NULL;
	CHECK(cg_intel_read_stix(cg_slice_cstr("{\"more\":true,\"next\":\"5_x\",\"objects\":[]}"),
	                         now, &items, &st, &page, &why) == CG_OK);
	CHECK(page.more && strcmp(page.next, "5_x") == 0);
	json_decref(items);
	items = NULL;
	CHECK(cg_intel_read_stix(cg_slice_cstr("{\"more\":false}"), now, &items, &st, &page,
	                         &why) == CG_OK);
	CHECK(!page.more && json_array_size(items) == 0);
	json_decref(items);
	/* not a bundle */
	items = NULL;
	CHECK(cg_intel_read_stix(cg_slice_cstr("{\"type\":\"indicator\"}"), now, &items, &st, NULL,
	                         &why) == CG_EPARSE);
	CHECK(cg_intel_read_stix(cg_slice_cstr("[1,2]"), now, &items, &st, NULL, &why) ==
	      CG_EPARSE);
	CHECK(cg_intel_read_stix(cg_slice_cstr("{\"objects\":{}}"), now, &items, &st, NULL, &why) ==
	      CG_EPARSE);
	CHECK(cg_intel_read_stix(cg_slice_cstr("{\"type\":\"bundle\",\"objects\":["), now, &items,
	                         &st, NULL, &why) == CG_EPARSE);
	CHECK(strstr(cg_buf_cstr(&why), "line 1") != NULL);
	json_decref(items);
	cg_buf_free(&why);
}

TEST(misp)
{
	const char *m =
	    "{\"response\":[{\"Event\":{\"timestamp\":\"1790000000\",\"Tag\":[{\"name\":\"TLP:"
	    "WHITE\"}],"
	    "\"Attribute\":["
	    "{\"type\":\"hostname\",\"value\":\"Www.Phish.Example\",\"to_ids\":true,\"uuid\":"
	    "\"u1\"},"
	    "{\"type\":\"ip-src|port\",\"value\":\"192.0.2.1|8080\",\"to_ids\":\"1\"},"
	    "{\"type\":\"url\",\"value\":\"https://x.example/\",\"to_ids\":false},"
	    "{\"type\":\"domain\",\"value\":\"gone.example\",\"to_ids\":true,\"deleted\":true},"
	    "{\"type\":\"domain|ip\",\"value\":\"bad name|not-an-ip\",\"to_ids\":true},"
	    "{\"type\":\"md5\",\"value\":\"0123456789ABCDEF0123456789ABCDEF\",\"to_ids\":1,"
	    "\"first_seen\":\"2026-10-01T00:00:00Z\"}],"
	    "\"Object\":[{\"Attribute\":[{\"type\":\"filename|sha256\",\"value\":\"a.exe|"
	    "abababababababababababababababababababababababababababababababab\",\"to_ids\":true}]}]"
	    "}}]}";
	json_t *items = NULL;
	cg_intel_stats st = {0};
	cg_buf why;
	cg_buf_init(&why, 1024);
	CHECK(cg_intel_read_misp(cg_slice_cstr(m), 1, &items, &st, &why) == CG_OK);
	CHECK(json_array_size(items) == 4 && st.skipped == 1 && st.indicators == 5);
	json_t *h = json_array_get(items, 0), *ip = json_array_get(items, 1),
	       *md5 = json_array_get(items, 2), *sha = json_array_get(items, 3);
	CHECK_STR(cg_json_get_str(h, "value"), "www.phish.example");
	CHECK_STR(cg_json_get_str(h, "tlp"), "clear");
	CHECK(json_integer_value(json_object_get(h, "valid_from")) == 1790000000000);
	CHECK_STR(cg_json_get_str(ip, "type"), "ipv4");
	CHECK_STR(cg_json_get_str(md5, "value"), "0123456789abcdef0123456789abcdef");
	CHECK(json_integer_value(json_object_get(md5, "valid_from")) == 1790812800000);
	CHECK_STR(cg_json_get_str(sha, "type"), "sha256");
	json_decref(items);
	items = NULL;
	CHECK(cg_intel_read_misp(cg_slice_cstr("{\"Events\":[]}"), 1, &items, &st, &why) ==
	      CG_EPARSE);
	const char *kind = NULL;
	CHECK(cg_intel_read_any(cg_slice_cstr("{\"Event\":{\"Attribute\":[]}}"), 1, &items, &st,
	                        &kind, &why) == CG_OK);
	CHECK_STR(kind, "misp");
	json_decref(items);
	cg_buf_free(&why);
}

/* The manifest of a MISP feed: only uuid members with a timestamp, after
 * the cursor, oldest first; upper-case uuids lowered; not-a-manifest and
 * an oversized input refused. */
TEST(misp_feed_manifest)
{
	cg_buf why;
	cg_buf_init(&why, 1024);
	const char *m = "{\"6A1F8C2B-3D4E-4F6A-9B0C-1D2E3F4A5B6C\":{\"timestamp\":\"300\"},"
	                "\"5f0e7b1a-2c3d-4e5f-8a9b-0c1d2e3f4a5b\":{\"timestamp\":200},"
	                "\"7b2a9d3c-4e5f-4a7b-8c1d-2e3f4a5b6c7d\":{\"timestamp\":\"100\"},"
	                "\"../../etc/passwd\":{\"timestamp\":500},"
	                "\"8c3b0e4d-5f6a-4b8c-9d2e-3f4a5b6c7d8e\":{\"timestamp\":\"soon\"},"
	                "\"9d4c1f5e-6a7b-4c9d-8e3f-4a5b6c7d8e9f/x\":{\"timestamp\":600}}";
	cg_mispfeed_event *ev = NULL;
	size_t n = 0, skipped = 0;
	CHECK(cg_mispfeed_manifest(cg_slice_cstr(m), 100, &ev, &n, &skipped, &why) == CG_OK);
	CHECK(n == 2 && skipped == 3);
	if (n == 2) {
		CHECK_STR(ev[0].uuid, "5f0e7b1a-2c3d-4e5f-8a9b-0c1d2e3f4a5b");
		CHECK(ev[0].ts == 200);
		CHECK_STR(ev[1].uuid, "6a1f8c2b-3d4e-4f6a-9b0c-1d2e3f4a5b6c");
		CHECK(ev[1].ts == 300);
	}
	free(ev);
	CHECK(cg_mispfeed_manifest(cg_slice_cstr(m), 300, &ev, &n, &skipped, &why) == CG_OK);
	CHECK(n == 0 && ev == NULL);
	CHECK(cg_mispfeed_manifest(cg_slice_cstr("[]"), 0, &ev, &n, &skipped, &why) == CG_EPARSE);
	CHECK(strstr(cg_buf_cstr(&why), "manifest") != NULL);
	CHECK(cg_mispfeed_manifest(cg_slice_cstr("{\"a\":"), 0, &ev, &n, &skipped, &why) ==
	      CG_EPARSE);
	CHECK(cg_mispfeed_manifest(cg_slice_from(m, (size_t)CG_INTEL_MAX_INPUT + 1), 0, &ev, &n,
	                           &skipped, &why) == CG_ETOOBIG);
	cg_buf_free(&why);
}

int main(void)
{
	RUN(patterns);
	RUN(bundles);
	RUN(misp);
	RUN(misp_feed_manifest);
	return test_done();
}
