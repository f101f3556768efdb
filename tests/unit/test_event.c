/* Unit tests for core/event: encode/decode round trip, hostile text, and
 * the validation the server relies on. */
#include <stdlib.h>

#include "core/event.h"
#include "core/json.h"
#include "test.h"

static cg_err decode_text(const char *text, cg_event *ev, cg_buf *why)
{
	json_t *v = NULL;
	cg_err err = cg_json_parse(cg_slice_cstr(text), &v, why);
	if (!err)
		err = cg_event_decode(v, ev, false, why);
	json_decref(v);
	return err;
}

TEST(roundtrip)
{
	cg_event ev;
	CHECK(cg_event_init(&ev) == CG_OK);
	cg_event_set(&ev, CG_EV_SOURCE, CG_SLICE("web"));
	cg_event_set(&ev, CG_EV_KIND, CG_SLICE("defacement"));
	cg_event_set(&ev, CG_EV_SUMMARY, CG_SLICE("Trang chủ bị thay đổi"));
	cg_event_set(&ev, CG_EV_SUBJECT, CG_SLICE("https://laichau.gov.vn/"));
	ev.severity = CG_SEV_HIGH;
	ev.time_ms = 1795000000123;
	json_object_set_new(ev.evidence, "text", cg_json_cstr("hacked by x"));
	cg_buf b;
	cg_buf_init(&b, CG_MAX_EVENT_JSON);
	CHECK(cg_event_encode(&ev, &b) == CG_OK);
	cg_event back;
	CHECK(decode_text(cg_buf_cstr(&b), &back, NULL) == CG_OK);
	CHECK_STR(back.id, ev.id);
	CHECK(back.time_ms == ev.time_ms);
	CHECK(back.severity == CG_SEV_HIGH);
	CHECK_STR(back.summary, "Trang chủ bị thay đổi");
	CHECK_STR(back.subject, "https://laichau.gov.vn/");
	CHECK(json_equal(back.evidence, ev.evidence));
	cg_event_clear(&back);
	cg_event_clear(&ev);
	cg_buf_free(&b);
}

TEST(hostile_summary_encoded_safely)
{
	cg_event ev;
	cg_event_init(&ev);
	cg_event_set(&ev, CG_EV_SOURCE, CG_SLICE("web"));
	cg_event_set(&ev, CG_EV_KIND, CG_SLICE("spam"));
	cg_event_set(&ev, CG_EV_SUMMARY, CG_SLICE("<script>alert(1)</script>\xff\x01\n"));
	cg_buf b;
	cg_buf_init(&b, CG_MAX_EVENT_JSON);
	CHECK(cg_event_encode(&ev, &b) == CG_OK);
	CHECK(strstr(cg_buf_cstr(&b), "<script>") == NULL);
	CHECK(strstr(cg_buf_cstr(&b), "\\u003cscript\\u003e") != NULL);
	CHECK(strchr(cg_buf_cstr(&b), '\n') == NULL);
	cg_event back;
	CHECK(decode_text(cg_buf_cstr(&b), &back, NULL) == CG_OK);
	CHECK_STR(back.summary, "<script>alert(1)</script>\xef\xbf\xbd\x01\n");
	cg_event_clear(&back);
	cg_event_clear(&ev);
	cg_buf_free(&b);
}

static void expect_refused(const char *text, const char *want)
{
	cg_event ev;
	cg_buf why;
	cg_buf_init(&why, 512);
	CHECK(decode_text(text, &ev, &why) != CG_OK);
	CHECK_STR(cg_buf_cstr(&why), want);
	cg_buf_free(&why);
}

TEST(validation)
{
	expect_refused("[]", "event: must be a JSON object");
	expect_refused("{\"source\":\"a\",\"kind\":\"b\",\"summary\":\"c\"}", "id: missing");
	expect_refused("{\"id\":\"x y\",\"source\":\"a\",\"kind\":\"b\",\"summary\":\"c\"}",
		       "id: only letters, digits and -_.: allowed");
	expect_refused("{\"id\":\"1\",\"kind\":\"b\",\"summary\":\"c\"}", "source: missing");
	expect_refused("{\"id\":\"1\",\"source\":\"a\",\"kind\":\"b\",\"summary\":\"c\",\"severity\":\"huge\"}",
		       "severity: must be info, low, medium, high or critical");
	expect_refused("{\"id\":\"1\",\"source\":\"a\",\"kind\":\"b\",\"summary\":\"c\",\"time\":\"yesterday\"}",
		       "time: must be an RFC 3339 timestamp");
	expect_refused("{\"id\":\"1\",\"source\":\"a\",\"kind\":\"b\",\"summary\":\"c\",\"evidence\":[1]}",
		       "evidence: must be an object");
	expect_refused("{\"id\":\"1\",\"source\":\"a\",\"kind\":\"b\",\"summary\":\"c\",\"extra\":1}",
		       "event: unknown member");
	expect_refused("{\"id\":\"1\",\"source\":5,\"kind\":\"b\",\"summary\":\"c\"}",
		       "source: must be a string");
}

TEST(deep_evidence_refused)
{
	cg_buf t;
	cg_buf_init(&t, 1 << 16);
	cg_buf_puts(&t, "{\"id\":\"1\",\"source\":\"a\",\"kind\":\"b\",\"summary\":\"c\",\"evidence\":");
	for (int i = 0; i < 100; i++)
		cg_buf_puts(&t, "{\"a\":");
	cg_buf_puts(&t, "1");
	for (int i = 0; i < 101; i++)
		cg_buf_putc(&t, '}');
	cg_event ev;
	cg_buf why;
	cg_buf_init(&why, 512);
	CHECK(decode_text(cg_buf_cstr(&t), &ev, &why) == CG_EINVAL);
	CHECK_STR(cg_buf_cstr(&why), "evidence: too large or too deep");
	cg_buf_free(&why);
	cg_buf_free(&t);
}

TEST(long_field_truncated_on_set_at_char_boundary)
{
	cg_event ev;
	cg_event_init(&ev);
	cg_buf big;
	cg_buf_init(&big, 1 << 16);
	for (int i = 0; i < 300; i++)
		cg_buf_puts(&big, "ậ"); /* 3 bytes each: 900 > 512 */
	cg_event_set(&ev, CG_EV_HOST, cg_buf_slice(&big));
	CHECK(strlen(ev.host) <= CG_MAX_EVENT_FIELD);
	CHECK(strlen(ev.host) % 3 == 0);
	CHECK(cg_utf8_valid(cg_slice_cstr(ev.host)));
	cg_event_clear(&ev);
	cg_buf_free(&big);
}

int main(void)
{
	RUN(roundtrip);
	RUN(hostile_summary_encoded_safely);
	RUN(validation);
	RUN(deep_evidence_refused);
	RUN(long_field_truncated_on_set_at_char_boundary);
	return test_done();
}
