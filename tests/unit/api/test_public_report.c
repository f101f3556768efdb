/* api/pow.h and api/public_report.h: the proof of work (a solved nonce
 * passes, any other does not, malformed input is refused before hashing),
 * the report body (every field's limits, the honeypot, screenshots by
 * their bytes and size), tracking codes, the affected address's host and
 * the event a report becomes. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/pow.h"
#include "api/public_report.h"
#include "core/json.h"
#include "../test.h"

static const int64_t NOW = 1800000000000; /* 2027-01-15 */

static void solve(const char *ch, int bits, char *nonce, size_t n)
{
	for (long i = 0;; i++) {
		snprintf(nonce, n, "%ld", i);
		if (cg_pow_check(cg_slice_cstr(ch), cg_slice_cstr(nonce), bits))
			return;
	}
}

TEST(proof_of_work)
{
	char ch[CG_POW_CHALLENGE_LEN + 1], nonce[24];
	cg_pow_new(ch);
	CHECK(strlen(ch) == 32 && cg_pow_challenge_ok(cg_slice_cstr(ch)));
	solve(ch, 12, nonce, sizeof nonce);
	CHECK(cg_pow_check(cg_slice_cstr(ch), cg_slice_cstr(nonce), 12));
	/* the same hash by hand: SHA-256("CH:NONCE") has 12 zero bits */
	char msg[80];
	snprintf(msg, sizeof msg, "%s:%s", ch, nonce);
	unsigned char h[32];
	crypto_hash_sha256(h, (const unsigned char *)msg, strlen(msg));
	CHECK(h[0] == 0 && (h[1] & 0xf0) == 0);
	/* a nonce for one challenge does not do for another, nor for more bits
	 * (unless by luck: count how many of 64 more bits it holds) */
	char other[33];
	cg_pow_new(other);
	int lucky = 0;
	for (int b = 12; b < 40; b++)
		lucky += cg_pow_check(cg_slice_cstr(ch), cg_slice_cstr(nonce), b);
	CHECK(lucky < 28);
	CHECK(!cg_pow_check(CG_SLICE("0123456789ABCDEF0123456789abcdef"), CG_SLICE("1"), 0));
	CHECK(!cg_pow_check(cg_slice_cstr(ch), CG_SLICE(""), 0));
	CHECK(!cg_pow_check(cg_slice_cstr(ch), CG_SLICE("-1"), 0));
	CHECK(!cg_pow_check(cg_slice_cstr(ch), CG_SLICE("123456789012345678901"), 0));
	CHECK(cg_pow_check(cg_slice_cstr(ch), CG_SLICE("12345678901234567890"), 0));
	CHECK(!cg_pow_challenge_ok(CG_SLICE("0123456789abcdef0123456789abcde")));
}

static cg_pr_problem parse(const char *json, cg_public_report *r, const char **field)
{
	return cg_public_report_parse(cg_slice_cstr(json), NOW, r, field);
}

#define POW "\"challenge\":\"0123456789abcdef0123456789abcdef\",\"nonce\":\"42\""
#define OK_BODY(extra)                                                                             \
	"{\"what\":\"Trang bị thay đổi\",\"address\":\"https://a.gov.vn/x\","                 \
	"\"when\":\"2027-01-15T08:00:00+07:00\"," extra POW "}"

static char *b64(const unsigned char *p, size_t n)
{
	size_t cap = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL);
	char *s = malloc(cap);
	sodium_bin2base64(s, cap, p, n, sodium_base64_VARIANT_ORIGINAL);
	return s;
}

static cg_pr_problem with_shot(const unsigned char *p, size_t n, cg_public_report *r,
                               const char **field)
{
	char *enc = b64(p, n);
	cg_buf b;
	cg_buf_init(&b, 16u << 20);
	cg_buf_printf(&b, OK_BODY("\"screenshots\":[{\"name\":\"a.png\",\"data\":\"%s\"}],"), enc);
	cg_pr_problem pb = cg_public_report_parse(cg_buf_slice(&b), NOW, r, field);
	cg_buf_free(&b);
	free(enc);
	return pb;
}

TEST(body)
{
	cg_public_report r;
	const char *f;
	CHECK(parse(OK_BODY(""), &r, &f) == CG_PR_OK);
	CHECK_STR(r.what, "Trang bị thay đổi");
	CHECK_STR(r.contact, "");
	CHECK(!r.honeypot && r.nshots == 0);
	CHECK_STR(r.challenge, "0123456789abcdef0123456789abcdef");
	CHECK_STR(r.nonce, "42");
	CHECK(r.when_ms == NOW - 7 * 3600000LL);
	cg_public_report_free(&r);

	CHECK(parse(OK_BODY("\"website\":\"x\","), &r, &f) == CG_PR_OK && r.honeypot);
	cg_public_report_free(&r);
	CHECK(parse(OK_BODY("\"website\":\"\","), &r, &f) == CG_PR_OK && !r.honeypot);
	cg_public_report_free(&r);
	CHECK(parse(OK_BODY("\"website\":1,"), &r, &f) == CG_PR_OK && r.honeypot);
	cg_public_report_free(&r);

	/* HTML is text: kept as it is */
	CHECK(parse(OK_BODY("\"contact\":\"<script>x</script>\","), &r, &f) == CG_PR_OK);
	CHECK_STR(r.contact, "<script>x</script>");
	cg_public_report_free(&r);

	struct {
		const char *body, *field;
		cg_pr_problem pb;
	} bad[] = {
	    {"[]", "body", CG_PR_BAD_FIELD},
	    {"{", "body", CG_PR_BAD_FIELD},
	    {"{\"what\":\"a\",\"what\":\"b\"}", "body", CG_PR_BAD_FIELD},
	    {"{\"address\":\"a\",\"when\":\"2027-01-01T00:00:00Z\"," POW "}", "what",
	     CG_PR_BAD_FIELD},
	    {OK_BODY("\"contact\":\"a\\u0007\","), "contact", CG_PR_BAD_FIELD},
	    {OK_BODY("\"contact\":7,"), "contact", CG_PR_BAD_FIELD},
	    {"{\"what\":\"a\\nb\",\"address\":\"x\\ny\",\"when\":\"2027-01-01T00:00:00Z\"," POW "}",
	     "address", CG_PR_BAD_FIELD},
	    {"{\"what\":\"a\",\"address\":\"x\",\"when\":\"2027-01-16T00:00:00Z\"," POW "}", "when",
	     CG_PR_BAD_FIELD},
	    {"{\"what\":\"a\",\"address\":\"x\",\"when\":\"hôm qua\"," POW "}", "when",
	     CG_PR_BAD_FIELD},
	    {"{\"what\":\"a\",\"address\":\"x\",\"when\":\"2027-01-01T00:00:00Z\"}", "challenge",
	     CG_PR_NO_POW},
	    {"{\"what\":\"a\",\"address\":\"x\",\"when\":\"2027-01-01T00:00:00Z\","
	     "\"challenge\":\"0123456789abcdef0123456789abcdef\",\"nonce\":\"\"}",
	     "challenge", CG_PR_NO_POW},
	    {OK_BODY("\"screenshots\":{},"), "screenshots", CG_PR_BAD_FIELD},
	    {OK_BODY("\"screenshots\":[{\"data\":\"****\"}],"), "screenshots", CG_PR_BAD_FIELD},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		cg_pr_problem pb = parse(bad[i].body, &r, &f);
		if (pb != bad[i].pb || strcmp(f, bad[i].field) != 0) {
			printf("# case %zu: got %d %s\n", i, pb, f);
			CHECK(0);
		}
	}
	/* a what of exactly the limit passes, one byte more does not */
	cg_buf b;
	cg_buf_init(&b, 1u << 20);
	for (int extra = 0; extra < 2; extra++) {
		cg_buf_reset(&b);
		cg_buf_puts(&b, "{\"what\":\"");
		for (int i = 0; i < CG_PR_MAX_WHAT + extra; i++)
			cg_buf_putc(&b, 'a');
		cg_buf_puts(&b, "\",\"address\":\"x\",\"when\":\"2027-01-01T00:00:00Z\"," POW "}");
		cg_pr_problem pb = cg_public_report_parse(cg_buf_slice(&b), NOW, &r, &f);
		CHECK(pb == (extra ? CG_PR_BAD_FIELD : CG_PR_OK));
		if (!pb)
			cg_public_report_free(&r);
	}
	cg_buf_free(&b);
}

TEST(screenshots_by_their_bytes)
{
	cg_public_report r;
	const char *f;
	unsigned char png[64] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n',
	                         0,    0,   0,   13,  'I',  'H',  'D',  'R'};
	unsigned char jpg[64] = {0xff, 0xd8, 0xff, 0xe0};
	CHECK(with_shot(png, sizeof png, &r, &f) == CG_PR_OK && r.nshots == 1);
	CHECK_STR(r.shot[0].type, "image/png");
	CHECK(r.shot[0].len == sizeof png && memcmp(r.shot[0].data, png, sizeof png) == 0);
	cg_public_report_free(&r);
	CHECK(with_shot(jpg, sizeof jpg, &r, &f) == CG_PR_OK);
	CHECK_STR(r.shot[0].type, "image/jpeg");
	cg_public_report_free(&r);
	const char *notimg[] = {"GIF89a......", "<svg onload=alert(1)>", "%PDF-1.7", "\x89PNG\r\n"};
	for (size_t i = 0; i < 4; i++)
		CHECK(with_shot((const unsigned char *)notimg[i], strlen(notimg[i]), &r, &f) ==
		      CG_PR_BAD_IMAGE);
	/* exactly the limit passes; one byte more is too big */
	unsigned char *big = calloc(1, CG_PR_MAX_SHOT_BYTES + 1);
	memcpy(big, png, 16);
	CHECK(with_shot(big, CG_PR_MAX_SHOT_BYTES, &r, &f) == CG_PR_OK);
	cg_public_report_free(&r);
	CHECK(with_shot(big, CG_PR_MAX_SHOT_BYTES + 1, &r, &f) == CG_PR_BIG_IMAGE);
	free(big);
	CHECK(cg_image_sniff(png, 15) == NULL); /* a signature with nothing after it */
}

TEST(codes_hosts_event)
{
	char code[CG_PR_CODE_LEN + 1], other[CG_PR_CODE_LEN + 1];
	cg_public_report_code(code);
	cg_public_report_code(other);
	CHECK(strlen(code) == 13 && strncmp(code, "BC-", 3) == 0);
	CHECK(cg_public_report_code_ok(cg_slice_cstr(code)));
	CHECK(strcmp(code, other) != 0);
	CHECK(!cg_public_report_code_ok(CG_SLICE("BC-OOOOOOOOOO"))); /* look-alikes not used */
	CHECK(!cg_public_report_code_ok(CG_SLICE("bc-2222222222")));
	CHECK(!cg_public_report_code_ok(CG_SLICE("BC-222222222")));
	CHECK(cg_public_report_code_ok(CG_SLICE("BC-2222222222")));

	char h[256];
	cg_public_report_host("https://user@cong.gov.vn:8443/a?b", h, sizeof h);
	CHECK_STR(h, "cong.gov.vn");
	cg_public_report_host("http://[2001:db8::1]:80/", h, sizeof h);
	CHECK_STR(h, "2001:db8::1");
	cg_public_report_host("2001:db8::7", h, sizeof h);
	CHECK_STR(h, "2001:db8::7");
	cg_public_report_host("10.1.2.3", h, sizeof h);
	CHECK_STR(h, "10.1.2.3");
	cg_public_report_host("10.1.2.3:8080/x", h, sizeof h);
	CHECK_STR(h, "10.1.2.3");

	cg_public_report r;
	const char *f;
	CHECK(parse(OK_BODY("\"contact\":\"0912\","), &r, &f) == CG_PR_OK);
	cg_event ev;
	CHECK(cg_public_report_event(&r, code, NULL, &ev) == CG_OK);
	CHECK_STR(ev.source, "public_report");
	CHECK_STR(ev.kind, "citizen_report");
	CHECK_STR(ev.subject, "https://a.gov.vn/x");
	CHECK_STR(ev.host, "a.gov.vn");
	CHECK_STR(cg_json_get_str(ev.evidence, "tracking_code"), code);
	CHECK_STR(cg_json_get_str(ev.evidence, "contact"), "0912");
	CHECK_STR(cg_json_get_str(ev.evidence, "when"), "2027-01-15T01:00:00.000Z");
	cg_event_clear(&ev);
	cg_public_report_free(&r);
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	RUN(proof_of_work);
	RUN(body);
	RUN(screenshots_by_their_bytes);
	RUN(codes_hosts_event);
	return test_done();
}
