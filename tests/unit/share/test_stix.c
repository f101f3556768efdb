/*
 * test_stix.c - share/stix.h on hand-made events and cases: UUIDv5 ids
 * equal to RFC 4122's (checked against Python's uuid.uuid5), patterns and
 * their escaping, hostile values dropped, which values of which events
 * become indicators, sightings counting events and distinct hosts per
 * agency, incidents related to their events' indicators, the TLP levels
 * an export keeps, and the same findings giving the same objects in any
 * order. With CG_STIX_TEST_OUT set, the bundles are written there for the
 * integration test to validate against the official schemas.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"
#include "share/stix.h"
#include "test.h"

static json_t *J(const char *text)
{
	json_error_t e;
	json_t *v = json_loads(text, 0, &e);
	if (!v)
		printf("# bad json: %s: %s\n", e.text, text);
	return v;
}

static void save(const char *name, json_t *bundle)
{
	const char *dir = getenv("CG_STIX_TEST_OUT");
	if (!dir)
		return;
	char path[1024];
	snprintf(path, sizeof path, "%s/%s.json", dir, name);
	json_dump_file(bundle, path, 0);
}

/* The objects of a type in a bundle. */
static size_t count_type(const json_t *b, const char *type)
{
	size_t n = 0, i;
	json_t *o;
	json_array_foreach(json_object_get(b, "objects"), i, o)
	{
		if (strcmp(cg_json_get_str(o, "type"), type) == 0)
			n++;
	}
	return n;
}

static const json_t *with_pattern(const json_t *b, const char *pattern)
{
	size_t i;
	json_t *o;
	json_array_foreach(json_object_get(b, "objects"), i, o)
	{
		const char *p = cg_json_get_str(o, "pattern");
		if (p && strcmp(p, pattern) == 0)
			return o;
	}
	return NULL;
}

TEST(uuid5_is_rfc4122)
{
	char id[96];
	cg_stix_id("indicator", cg_slice_cstr("[domain-name:value = 'evil.example']"), id,
	           sizeof id);
	/* python3: uuid.uuid5(UUID('6b2f510e-3c94-4d1a-9f70-2dc84415a63b'), ...) */
	CHECK_STR(id, "indicator--48b22658-5d7a-57ad-9eef-e4b732617ea5");
}

TEST(tlp_names_and_ids)
{
	cg_tlp t;
	CHECK(cg_tlp_parse("amber+strict", &t) == CG_OK && t == CG_TLP_AMBER_STRICT);
	CHECK(cg_tlp_parse("white", &t) == CG_EINVAL);
	CHECK(cg_tlp_parse("AMBER", &t) == CG_EINVAL);
	CHECK_STR(cg_tlp_marking_id(CG_TLP_CLEAR),
	          "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487");
	CHECK_STR(cg_tlp_marking_id(CG_TLP_RED),
	          "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1");
	json_t *m = cg_tlp_marking(CG_TLP_AMBER_STRICT);
	CHECK_STR(cg_json_get_str(m, "name"), "TLP:AMBER+STRICT");
	json_decref(m);
}

TEST(pattern_escapes_quote_and_backslash)
{
	cg_buf b;
	cg_buf_init(&b, 4096);
	CHECK(cg_stix_pattern(CG_OBS_URL, "http://x.example/a'b\\c", &b) == CG_OK);
	CHECK_STR(cg_buf_cstr(&b), "[url:value = 'http://x.example/a\\'b\\\\c']");
	cg_buf_reset(&b);
	CHECK(cg_stix_pattern(CG_OBS_SHA256, "ab", &b) == CG_OK);
	CHECK_STR(cg_buf_cstr(&b), "[file:hashes.'SHA-256' = 'ab']");
	cg_buf_free(&b);
}

typedef struct seen_list {
	int n;
	char v[16][128];
	cg_obs_type t[16];
} seen_list;

static void collect(void *ud, cg_obs_type t, const char *v)
{
	seen_list *s = ud;
	if (s->n < 16) {
		snprintf(s->v[s->n], sizeof s->v[0], "%s", v);
		s->t[s->n++] = t;
	}
}

TEST(observables_checked_and_normalized)
{
	json_t *ev = J("{\"source\":\"web\",\"kind\":\"new_external_resource\",\"evidence\":{"
	               "\"resources\":[{\"url\":\"HTTPS://Evil.example/x.js\"},"
	               "{\"url\":\"javascript:alert(1)\"},{\"url\":\"http://a b/\"},"
	               "{\"url\":\"http://x.example/\\u1ea1\"}]}}");
	seen_list s = {0};
	const char *fam;
	cg_stix_observables(ev, collect, &s, &fam);
	CHECK(s.n == 1);
	CHECK(s.t[0] == CG_OBS_URL);
	CHECK_STR(s.v[0], "https://Evil.example/x.js");
	json_decref(ev);

	ev = J("{\"source\":\"dns\",\"kind\":\"infected_client\",\"subject\":\"10.0.0.5\","
	       "\"evidence\":{\"client\":\"10.0.0.5\",\"reasons\":["
	       "{\"kind\":\"blocklist\",\"sample\":\"C2.Example.\"},"
	       "{\"kind\":\"tunnel\",\"domain\":\"t.example']\"},"
	       "{\"kind\":\"beacon\",\"name\":\"198.51.100.7\"},"
	       "{\"kind\":\"dga\",\"names\":[\"qk3v9.example\",\"-bad.example\",\"x\"]}]}}");
	memset(&s, 0, sizeof s);
	cg_stix_observables(ev, collect, &s, &fam);
	CHECK(s.n == 3);
	CHECK_STR(s.v[0], "c2.example");
	CHECK(s.t[1] == CG_OBS_IPV4);
	CHECK_STR(s.v[2], "qk3v9.example");
	CHECK(fam == NULL);
	json_decref(ev);

	ev = J("{\"source\":\"malware\",\"kind\":\"webshell\",\"evidence\":{"
	       "\"sha256\":\"9B2D6F0E1A3C5B7D9F1E3A5C7B9D1F3E5A7C9B1D3F5E7A9C1B3D5F7E9A1C3B5D\","
	       "\"md5\":\"0123456789abcdef0123456789abcdef\",\"rule\":\"php_eval\","
	       "\"meta\":{\"family\":\"China Chopper\"}}}");
	memset(&s, 0, sizeof s);
	cg_stix_observables(ev, collect, &s, &fam);
	CHECK(s.n == 1 && s.t[0] == CG_OBS_SHA256);
	CHECK_STR(s.v[0], "9b2d6f0e1a3c5b7d9f1e3a5c7b9d1f3e5a7c9b1d3f5e7a9c1b3d5f7e9a1c3b5d");
	CHECK(fam && strcmp(fam, "China Chopper") == 0);
	json_decref(ev);

	/* a false positive is no threat to share */
	ev = J("{\"source\":\"dns\",\"kind\":\"infected_client\",\"state\":\"false_positive\","
	       "\"evidence\":{\"reasons\":[{\"kind\":\"blocklist\",\"sample\":\"c2.example\"}]}}");
	memset(&s, 0, sizeof s);
	cg_stix_observables(ev, collect, &s, &fam);
	CHECK(s.n == 0);
	json_decref(ev);

	/* a defaced page names our own site: nothing to share */
	ev = J("{\"source\":\"web\",\"kind\":\"defacement\",\"evidence\":{\"url\":"
	       "\"https://xa.laichau.gov.vn/\"}}");
	memset(&s, 0, sizeof s);
	cg_stix_observables(ev, collect, &s, &fam);
	CHECK(s.n == 0);
	json_decref(ev);
}

static const char *EVENTS[] = {
    "{\"seq\":1,\"time\":\"2026-11-20T01:00:00.000Z\",\"received_at\":"
    "\"2026-11-20T01:00:05.000Z\",\"host\":\"10.0.0.5\",\"agency_id\":1,\"source\":\"dns\","
    "\"kind\":\"infected_client\",\"summary\":\"May 10.0.0.5 nhiem\",\"evidence\":{\"reasons\":"
    "[{\"kind\":\"blocklist\",\"sample\":\"c2.example\"}]}}",
    "{\"seq\":2,\"time\":\"2026-11-21T01:00:00.000Z\",\"received_at\":"
    "\"2026-11-21T01:00:05.000Z\",\"host\":\"10.0.0.6\",\"agency_id\":1,\"source\":\"dns\","
    "\"kind\":\"infected_client\",\"summary\":\"s\",\"evidence\":{\"reasons\":"
    "[{\"kind\":\"blocklist\",\"sample\":\"C2.example\"},{\"kind\":\"blocklist\","
    "\"sample\":\"c2.example\"}]}}",
    "{\"seq\":3,\"time\":\"2026-11-19T01:00:00.000Z\",\"received_at\":"
    "\"2026-11-22T01:00:05.000Z\",\"host\":\"10.0.0.5\",\"agency_id\":1,\"source\":\"dns\","
    "\"kind\":\"infected_client\",\"summary\":\"s\",\"evidence\":{\"reasons\":"
    "[{\"kind\":\"blocklist\",\"sample\":\"c2.example\"}]}}",
    "{\"seq\":4,\"time\":\"2026-11-21T02:00:00.000Z\",\"received_at\":"
    "\"2026-11-21T02:00:05.000Z\",\"host\":\"web02\",\"agency_id\":2,\"source\":\"malware\","
    "\"kind\":\"webshell\",\"summary\":\"shell\",\"evidence\":{\"rule\":\"php_webshell\","
    "\"sha256\":\"9b2d6f0e1a3c5b7d9f1e3a5c7b9d1f3e5a7c9b1d3f5e7a9c1b3d5f7e9a1c3b5d\"}}",
    "{\"seq\":5,\"time\":\"2026-11-21T03:00:00.000Z\",\"received_at\":"
    "\"2026-11-21T03:00:05.000Z\",\"host\":\"web01\",\"agency_id\":9,\"source\":\"web\","
    "\"kind\":\"hidden_links\",\"summary\":\"links\",\"evidence\":{\"links\":[{\"href\":"
    "\"http://spam.example/it's\\\\here\"},{\"href\":\"http://[2001:db8::1]/\"}]}}",
};

static const char *AGENCIES =
    "[{\"id\":1,\"code\":\"SYT\",\"name\":\"S\\u1edf Y t\\u1ebf\"},"
    "{\"id\":2,\"code\":\"STC\",\"name\":\"S\\u1edf T\\u00e0i ch\\u00ednh\"}]";

static const char *INCIDENT =
    "{\"id\":7,\"number\":\"SC-2026-0007\",\"title\":\"May nhiem ma doc\",\"kind\":"
    "\"malware\",\"state\":\"responding\",\"severity\":\"high\",\"agency_id\":1,"
    "\"created_at\":\"2026-11-21T04:00:00.000Z\",\"updated_at\":\"2026-11-22T04:00:00.000Z\","
    "\"events\":[1,99]}";

static json_t *build(cg_tlp tlp, bool reverse)
{
	cg_stix_opts o = {.province = "Tỉnh Thử", .tlp = tlp};
	cg_stix *x = NULL;
	if (cg_stix_new(&o, &x))
		return NULL;
	json_t *a = J(AGENCIES);
	cg_stix_set_agencies(x, a);
	json_decref(a);
	size_t n = sizeof EVENTS / sizeof EVENTS[0];
	for (size_t i = 0; i < n; i++) {
		json_t *ev = J(EVENTS[reverse ? n - 1 - i : i]);
		CHECK(cg_stix_add_event(x, ev) == CG_OK);
		json_decref(ev);
	}
	json_t *inc = J(INCIDENT);
	CHECK(cg_stix_add_incident(x, inc) == CG_OK);
	json_decref(inc);
	json_t *b = NULL;
	CHECK(cg_stix_bundle(x, &b) == CG_OK);
	cg_stix_free(x);
	return b;
}

TEST(bundle_amber)
{
	json_t *b = build(CG_TLP_AMBER, false);
	CHECK(b != NULL);
	if (!b)
		return;
	save("unit-amber", b);
	CHECK(count_type(b, "indicator") == 4); /* c2, hash, 2 URLs */
	CHECK(count_type(b, "malware") == 1);
	CHECK(count_type(b, "incident") == 1);
	CHECK(count_type(b, "marking-definition") == 3); /* clear, green, amber */
	/* province, SYT, STC; agency 9 is unknown: the province saw it */
	CHECK(count_type(b, "identity") == 3);
	const json_t *c2 = with_pattern(b, "[domain-name:value = 'c2.example']");
	CHECK(c2 != NULL);
	CHECK_STR(cg_json_get_str(c2, "valid_from"), "2026-11-19T01:00:00.000Z");
	CHECK_STR(cg_json_get_str(c2, "modified"), "2026-11-21T01:00:00.000Z");
	CHECK(with_pattern(b, "[url:value = 'http://spam.example/it\\'s\\\\here']") != NULL);
	size_t i;
	json_t *o;
	int sightings_c2 = 0, rel_inc = 0;
	json_array_foreach(json_object_get(b, "objects"), i, o)
	{
		const char *t = cg_json_get_str(o, "type");
		if (strcmp(t, "sighting") == 0 &&
		    strcmp(cg_json_get_str(o, "sighting_of_ref"), cg_json_get_str(c2, "id")) == 0) {
			sightings_c2++;
			/* three events (one naming it twice), two hosts */
			CHECK(json_integer_value(json_object_get(o, "count")) == 3);
			CHECK(json_integer_value(json_object_get(o, "x_canhgac_hosts")) == 2);
			CHECK_STR(cg_json_get_str(o, "first_seen"), "2026-11-19T01:00:00.000Z");
		}
		if (strcmp(t, "relationship") == 0 &&
		    strncmp(cg_json_get_str(o, "source_ref"), "incident--", 10) == 0)
			rel_inc++;
		if (strcmp(t, "incident") == 0) {
			CHECK_STR(cg_json_get_str(o, "x_canhgac_state"), "responding");
			CHECK_STR(cg_json_get_str(o, "modified"), "2026-11-22T04:00:00.000Z");
		}
	}
	CHECK(sightings_c2 == 1);
	CHECK(rel_inc == 2); /* the agency and c2 (event 99 is not in the bundle) */
	json_decref(b);
}

TEST(bundle_green_leaves_out_who_was_hit)
{
	json_t *b = build(CG_TLP_GREEN, false);
	if (!b)
		return;
	save("unit-green", b);
	CHECK(count_type(b, "indicator") == 4);
	CHECK(count_type(b, "sighting") == 0);
	CHECK(count_type(b, "incident") == 0);
	CHECK(count_type(b, "identity") == 1);
	CHECK(count_type(b, "relationship") == 1); /* hash indicates the family */
	json_decref(b);
	b = build(CG_TLP_CLEAR, false);
	CHECK(count_type(b, "identity") == 1);
	CHECK(json_array_size(json_object_get(b, "objects")) == 2);
	json_decref(b);
}

TEST(same_findings_same_objects)
{
	json_t *a = build(CG_TLP_RED, false), *b = build(CG_TLP_RED, true);
	if (!a || !b)
		return;
	save("unit-red", a);
	json_t *oa = json_object_get(a, "objects"), *ob = json_object_get(b, "objects");
	CHECK(json_equal(oa, ob));
	CHECK(strcmp(cg_json_get_str(a, "id"), cg_json_get_str(b, "id")) != 0);
	json_decref(a);
	json_decref(b);
}

/* Enough findings that the builder's entries move several times while
 * an event and a case are being added (ASan catches a kept pointer). */
TEST(many_findings)
{
	cg_stix_opts o = {.tlp = CG_TLP_RED};
	cg_stix *x = NULL;
	CHECK(cg_stix_new(&o, &x) == CG_OK);
	json_t *a = J(AGENCIES);
	cg_stix_set_agencies(x, a);
	json_decref(a);
	json_t *seqs = json_array();
	for (int i = 0; i < 3000; i++) {
		char sha[65];
		for (int k = 0; k < 64; k++)
			sha[k] = "0123456789abcdef"[(i >> (4 * (k % 4))) & 15];
		sha[64] = 0;
		json_t *ev = json_pack("{s:I,s:s,s:s,s:s,s:I,s:s,s:s,s:s,s:{s:s,s:s}}", "seq",
		                       (json_int_t)i + 1, "time", "2026-11-20T01:00:00.000Z",
		                       "received_at", "2026-11-20T01:00:05.000Z", "host", "web02",
		                       "agency_id", (json_int_t)(i % 2 + 1), "source", "malware",
		                       "kind", "webshell", "summary", "s", "evidence", "sha256",
		                       sha, "rule", i % 3 ? "rule_a" : "rule_b");
		CHECK(cg_stix_add_event(x, ev) == CG_OK);
		json_decref(ev);
		json_array_append_new(seqs, json_integer(i + 1));
	}
	json_t *inc = J(INCIDENT);
	json_object_set_new(inc, "events", seqs);
	CHECK(cg_stix_add_incident(x, inc) == CG_OK);
	json_decref(inc);
	json_t *b = NULL;
	CHECK(cg_stix_bundle(x, &b) == CG_OK);
	CHECK(count_type(b, "indicator") == 3000);
	CHECK(count_type(b, "malware") == 2);
	CHECK(count_type(b, "sighting") == 3000);
	/* 3000 "indicates", the case related to 3000 indicators and its agency */
	CHECK(count_type(b, "relationship") == 6001);
	json_decref(b);
	cg_stix_free(x);
}

int main(void)
{
	RUN(uuid5_is_rfc4122);
	RUN(tlp_names_and_ids);
	RUN(pattern_escapes_quote_and_backslash);
	RUN(observables_checked_and_normalized);
	RUN(bundle_amber);
	RUN(bundle_green_leaves_out_who_was_hit);
	RUN(same_findings_same_objects);
	RUN(many_findings);
	return test_done();
}
