/*
 * test_intel_wire.c - share/intel_wire.h: the sandboxed intel reader's
 * answer, written by the child's side to a real file and read back frame
 * by frame as the server reads it, gives what the in-process readers give
 * (STIX with its next page, MISP, a manifest); and the server's checks
 * refuse what a subverted child could send -- an item of an unknown
 * type, a value the readers would not take, a confidence out of range,
 * an unknown TLP, counts that are not the items sent, a message after
 * the end, an event that is no uuid or not after the cursor -- while a
 * value is normalized again and unknown members dropped.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/json.h"
#include "core/limits.h"
#include "sandbox/sbmsg.h"
#include "share/intel_wire.h"
#include "test.h"

static const int64_t NOW = 1798761600000; /* 2027-01-01 */

/* The child's answer to doc, fed frame by frame to a fresh wire state. */
static void round_trip(cg_intel_doc doc, const char *text, int64_t after_s, cg_intel_wire *w)
{
	FILE *f = tmpfile();
	CHECK(f != NULL);
	if (!f)
		return;
	CHECK(cg_intel_wire_answer(fileno(f), doc, cg_slice_cstr(text), NOW, after_s) == CG_OK);
	long size = ftell(f);
	rewind(f);
	char *buf = malloc((size_t)size + 1);
	CHECK(buf && fread(buf, 1, (size_t)size, f) == (size_t)size);
	fclose(f);
	cg_intel_wire_init(w, doc, after_s, 0);
	size_t off = 0;
	while (off < (size_t)size) {
		uint8_t type;
		cg_slice pl;
		size_t used = 0;
		if (cg_sbmsg_parse(cg_slice_from(buf + off, (size_t)size - off), CG_SANDBOX_MAX_MSG,
		                   &type, &pl, &used) ||
		    !used)
			break;
		json_t *o = NULL;
		CHECK(cg_json_parse(pl, &o, NULL) == CG_OK);
		CHECK(cg_intel_wire_take(w, type, o) == 0);
		json_decref(o);
		off += used;
	}
	CHECK(off == (size_t)size);
	free(buf);
}

/* One message given as JSON text: what take returns. */
static int take(cg_intel_wire *w, uint8_t type, const char *text)
{
	json_t *o = NULL;
	CHECK(cg_json_parse(cg_slice_cstr(text), &o, NULL) == CG_OK);
	int r = cg_intel_wire_take(w, type, o);
	json_decref(o);
	return r;
}

TEST(stix_round_trip)
{
	const char *env =
	    "{\"more\":true,\"next\":\"p2\",\"objects\":["
	    "{\"type\":\"indicator\",\"id\":\"indicator--1\",\"pattern\":\"[domain-name:value = "
	    "'A.Example.'] OR [ipv4-addr:value = '192.0.2.7']\",\"valid_from\":"
	    "\"2026-01-01T00:00:00Z\",\"confidence\":70,\"description\":\"C2 \xe1\xbb\x9f "
	    "\\\"x\\\"\",\"object_marking_refs\":[\"marking-definition--"
	    "55d920b0-5e8b-4f79-9ee9-91f868d9b421\"]},"
	    "{\"type\":\"indicator\",\"id\":\"indicator--2\",\"pattern\":\"[domain-name:value = "
	    "'old.example']\",\"valid_from\":\"2020-01-01T00:00:00Z\",\"valid_until\":"
	    "\"2021-01-01T00:00:00Z\"},"
	    "{\"type\":\"indicator\",\"pattern\":\"[process:name = 'x']\"},"
	    "{\"type\":\"malware\"}]}";
	json_t *direct = NULL;
	cg_intel_stats st = {0};
	cg_intel_page page;
	cg_buf why;
	cg_buf_init(&why, 1024);
	CHECK(cg_intel_read_stix(cg_slice_cstr(env), NOW, &direct, &st, &page, &why) == CG_OK);
	cg_intel_wire w;
	round_trip(CG_INTEL_DOC_STIX, env, 0, &w);
	CHECK(w.done && !w.error && !w.bad[0]);
	CHECK(json_equal(w.items, direct));
	CHECK(json_array_size(w.items) == 3);
	CHECK(w.st.objects == st.objects && w.st.taken == 3 && w.st.skipped == st.skipped &&
	      w.st.expired == 1 && w.st.indicators == 3);
	CHECK(w.page.more && strcmp(w.page.next, "p2") == 0);
	CHECK_STR(cg_json_get_str(json_array_get(w.items, 0), "tlp"), "amber");
	cg_intel_wire_free(&w);
	json_decref(direct);
	/* not a bundle: an ERROR with the reader's code, nothing else */
	round_trip(CG_INTEL_DOC_STIX, "{\"type\":\"indicator\"}", 0, &w);
	CHECK(w.error && w.code == CG_EPARSE && !w.done && json_array_size(w.items) == 0);
	cg_intel_wire_free(&w);
	cg_buf_free(&why);
}

TEST(misp_and_manifest_round_trip)
{
	const char *ev = "{\"Event\":{\"timestamp\":\"1700000000\",\"Tag\":[{\"name\":"
	                 "\"tlp:green\"}],\"Attribute\":["
	                 "{\"type\":\"domain|ip\",\"value\":\"x.example|198.51.100.4\","
	                 "\"to_ids\":true,\"uuid\":\"u1\"},"
	                 "{\"type\":\"md5\",\"value\":\"0123456789ABCDEF0123456789abcdef\","
	                 "\"to_ids\":true},"
	                 "{\"type\":\"domain\",\"value\":\"not.ids.example\",\"to_ids\":false}]}}";
	json_t *direct = NULL;
	cg_intel_stats st = {0};
	cg_buf why;
	cg_buf_init(&why, 1024);
	CHECK(cg_intel_read_misp(cg_slice_cstr(ev), NOW, &direct, &st, &why) == CG_OK);
	cg_intel_wire w;
	round_trip(CG_INTEL_DOC_MISP, ev, 0, &w);
	CHECK(w.done && json_equal(w.items, direct) && json_array_size(w.items) == 3);
	CHECK(w.st.taken == 3 && w.st.objects == st.objects);
	cg_intel_wire_free(&w);
	json_decref(direct);

	const char *m = "{\"6A1F8C2B-3D4E-4F6A-9B0C-1D2E3F4A5B6C\":{\"timestamp\":\"300\"},"
	                "\"5f0e7b1a-2c3d-4e5f-8a9b-0c1d2e3f4a5b\":{\"timestamp\":200},"
	                "\"7b2a9d3c-4e5f-4a7b-8c1d-2e3f4a5b6c7d\":{\"timestamp\":\"100\"},"
	                "\"../../etc/passwd\":{\"timestamp\":500}}";
	round_trip(CG_INTEL_DOC_MANIFEST, m, 100, &w);
	CHECK(w.done && w.nev == 2 && w.skipped == 1);
	if (w.nev == 2) {
		CHECK_STR(w.ev[0].uuid, "5f0e7b1a-2c3d-4e5f-8a9b-0c1d2e3f4a5b");
		CHECK(w.ev[1].ts == 300);
	}
	cg_intel_wire_free(&w);
	cg_buf_free(&why);
}

TEST(item_checks)
{
	json_t *it = NULL;
	CHECK(cg_json_parse(cg_slice_cstr("{\"type\":\"domain\",\"value\":\"Evil.Example.\","
	                                  "\"valid_from\":5,\"tlp\":\"amber\",\"sql\":\"x\"}"),
	                    &it, NULL) == CG_OK);
	json_t *c = cg_intel_item_check(it);
	CHECK(c && strcmp(cg_json_get_str(c, "value"), "evil.example") == 0);
	CHECK(c && strcmp(cg_json_get_str(c, "tlp"), "amber") == 0 && !json_object_get(c, "sql"));
	json_decref(c);
	json_decref(it);
	static const char *const bad[] = {
	    "{\"type\":\"email\",\"value\":\"a@example.org\",\"valid_from\":5}",
	    "{\"type\":\"ipv4\",\"value\":\"300.1.1.1\",\"valid_from\":5}",
	    "{\"type\":\"sha256\",\"value\":\"abc\",\"valid_from\":5}",
	    "{\"type\":\"domain\",\"value\":\"a.example\"}",
	    "{\"type\":\"domain\",\"value\":\"a.example\",\"valid_from\":\"5\"}",
	    "{\"type\":\"domain\",\"value\":\"a.example\",\"valid_from\":5,\"valid_until\":1.5}",
	    "{\"type\":\"domain\",\"value\":\"a.example\",\"valid_from\":5,\"confidence\":101}",
	    "{\"type\":\"domain\",\"value\":\"a.example\",\"valid_from\":5,\"tlp\":\"purple\"}",
	    "{\"type\":\"domain\",\"value\":\"a.example\",\"valid_from\":5,\"tlp\":\"AMBER\"}",
	    "{\"type\":\"domain\",\"value\":\"a.example\",\"valid_from\":5,\"ext_id\":7}",
	    "[\"domain\",\"a.example\"]",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		it = NULL;
		CHECK(cg_json_parse(cg_slice_cstr(bad[i]), &it, NULL) == CG_OK);
		c = cg_intel_item_check(it);
		if (c)
			printf("# taken: %s\n", bad[i]);
		CHECK(c == NULL);
		json_decref(c);
		json_decref(it);
	}
	/* a description longer than the readers ever send */
	char big[4 * CG_INTEL_TEXT_MAX];
	memset(big, 'd', sizeof big - 1);
	big[sizeof big - 1] = 0;
	it = json_pack("{s:s,s:s,s:i,s:s}", "type", "domain", "value", "a.example", "valid_from", 5,
	               "description", big);
	CHECK(cg_intel_item_check(it) == NULL);
	json_decref(it);
}

TEST(answers_refused)
{
	cg_intel_wire w;
	const char *one = "{\"items\":[{\"type\":\"domain\",\"value\":\"a.example\",\"valid_from\":1}]}";
	cg_intel_wire_init(&w, CG_INTEL_DOC_STIX, 0, 0);
	CHECK(take(&w, CG_SBMSG_ITEM, one) == 0);
	/* taken must be the items that came */
	CHECK(take(&w, CG_SBMSG_DONE,
	           "{\"objects\":1,\"indicators\":1,\"taken\":2,\"skipped\":0,\"expired\":0}") == 1);
	CHECK(w.bad[0] && !w.done);
	cg_intel_wire_free(&w);

	cg_intel_wire_init(&w, CG_INTEL_DOC_STIX, 0, 0);
	CHECK(take(&w, CG_SBMSG_ITEM, one) == 0);
	CHECK(take(&w, CG_SBMSG_DONE,
	           "{\"objects\":1,\"indicators\":1,\"taken\":1,\"skipped\":0,\"expired\":0,"
	           "\"more\":false}") == 0);
	CHECK(w.done);
	CHECK(take(&w, CG_SBMSG_ITEM, one) == 1); /* after the end */
	cg_intel_wire_free(&w);

	cg_intel_wire_init(&w, CG_INTEL_DOC_MISP, 0, 0);
	CHECK(take(&w, CG_SBMSG_ITEM, "{\"items\":{}}") == 1);
	cg_intel_wire_free(&w);
	cg_intel_wire_init(&w, CG_INTEL_DOC_MISP, 0, 0);
	CHECK(take(&w, CG_SBMSG_PROGRESS, "{}") == 1);
	cg_intel_wire_free(&w);
	cg_intel_wire_init(&w, CG_INTEL_DOC_MISP, 0, 0);
	CHECK(take(&w, CG_SBMSG_DONE, "{\"objects\":-1,\"indicators\":0,\"taken\":0,"
	                              "\"skipped\":0,\"expired\":0}") == 1);
	cg_intel_wire_free(&w);
	/* the bound counts what the caller already holds */
	cg_intel_wire_init(&w, CG_INTEL_DOC_MISP, 0, CG_INTEL_MAX_INDICATORS);
	CHECK(take(&w, CG_SBMSG_ITEM, one) == 1 && w.toobig);
	cg_intel_wire_free(&w);
	/* an ERROR: its code */
	cg_intel_wire_init(&w, CG_INTEL_DOC_MISP, 0, 0);
	CHECK(take(&w, CG_SBMSG_ERROR, "{\"error\":\"x\",\"code\":\"toobig\"}") == 0);
	CHECK(w.error && w.code == CG_ETOOBIG);
	cg_intel_wire_free(&w);

	/* events: lower-case uuids after the cursor, sorted again */
	cg_intel_wire_init(&w, CG_INTEL_DOC_MANIFEST, 100, 0);
	CHECK(take(&w, CG_SBMSG_ITEM,
	           "{\"events\":[{\"uuid\":\"6a1f8c2b-3d4e-4f6a-9b0c-1d2e3f4a5b6c\",\"ts\":300},"
	           "{\"uuid\":\"5f0e7b1a-2c3d-4e5f-8a9b-0c1d2e3f4a5b\",\"ts\":200}]}") == 0);
	CHECK(take(&w, CG_SBMSG_DONE, "{\"skipped\":0}") == 0);
	CHECK(w.nev == 2 && w.ev[0].ts == 200);
	cg_intel_wire_free(&w);
	static const char *const bad_ev[] = {
	    "{\"events\":[{\"uuid\":\"6A1F8C2B-3D4E-4F6A-9B0C-1D2E3F4A5B6C\",\"ts\":300}]}",
	    "{\"events\":[{\"uuid\":\"../../etc/passwd\",\"ts\":300}]}",
	    "{\"events\":[{\"uuid\":\"6a1f8c2b-3d4e-4f6a-9b0c-1d2e3f4a5b6c\",\"ts\":100}]}",
	    "{\"events\":[{\"uuid\":\"6a1f8c2b-3d4e-4f6a-9b0c-1d2e3f4a5b6c\"}]}",
	    "{\"items\":[]}",
	};
	for (size_t i = 0; i < sizeof bad_ev / sizeof *bad_ev; i++) {
		cg_intel_wire_init(&w, CG_INTEL_DOC_MANIFEST, 100, 0);
		CHECK(take(&w, CG_SBMSG_ITEM, bad_ev[i]) == 1 && w.bad[0]);
		cg_intel_wire_free(&w);
	}
}

int main(void)
{
	RUN(stix_round_trip);
	RUN(misp_and_manifest_round_trip);
	RUN(item_checks);
	RUN(answers_refused);
	return test_done();
}
