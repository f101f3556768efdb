/* Unit tests for core/json: hostile strings always come out as valid,
 * HTML-safe JSON, and parse back. */
#include <stdlib.h>

#include "core/json.h"
#include "test.h"

static char *quote(const char *s, size_t n)
{
	cg_buf b;
	cg_buf_init(&b, 1 << 16);
	cg_json_quote(&b, cg_slice_from(s, n));
	return cg_buf_detach(&b, NULL);
}

#define Q(lit) quote(lit, sizeof(lit) - 1)

TEST(quote_plain_and_vietnamese)
{
	char *q = Q("Sở Thông tin");
	CHECK_STR(q, "\"Sở Thông tin\"");
	free(q);
}

TEST(quote_escapes_controls_and_html)
{
	char *q = Q("a\"b\\c\n\t\x01<script>&\x7f");
	CHECK_STR(q, "\"a\\\"b\\\\c\\n\\t\\u0001\\u003cscript\\u003e\\u0026\\u007f\"");
	free(q);
}

TEST(quote_invalid_utf8_replaced)
{
	char *q = Q("a\xff" "b\xc0\xaf" "c\xed\xa0\x80" "d\xe2\x82");
	/* every bad byte -> \ufffd; the output parses */
	CHECK_STR(q, "\"a\\ufffdb\\ufffd\\ufffdc\\ufffd\\ufffd\\ufffdd\\ufffd\\ufffd\"");
	cg_buf arr;
	cg_buf_init(&arr, 1024);
	cg_buf_printf(&arr, "[%s]", q);
	json_t *v = NULL;
	CHECK(cg_json_parse(cg_buf_slice(&arr), &v, NULL) == CG_OK);
	json_decref(v);
	cg_buf_free(&arr);
	free(q);
}

TEST(quote_nul_and_line_separators)
{
	char *q = Q("x\0y\xe2\x80\xa8z\xe2\x80\xa9");
	CHECK_STR(q, "\"x\\ufffdy\\u2028z\\u2029\"");
	free(q);
}

TEST(utf8_validator_edges)
{
	CHECK(cg_utf8_valid(CG_SLICE("")));
	CHECK(cg_utf8_valid(CG_SLICE("\xf4\x8f\xbf\xbf")));    /* U+10FFFF */
	CHECK(!cg_utf8_valid(CG_SLICE("\xf4\x90\x80\x80")));   /* > max */
	CHECK(!cg_utf8_valid(CG_SLICE("\xe0\x80\xaf")));       /* overlong */
	CHECK(!cg_utf8_valid(CG_SLICE("\xed\xbf\xbf")));       /* surrogate */
	CHECK(!cg_utf8_valid(CG_SLICE("\xc3")));               /* truncated */
	CHECK(cg_utf8_valid(CG_SLICE("Tuyệt mật")));
}

TEST(json_str_from_hostile_bytes)
{
	json_t *s = cg_json_str(CG_SLICE("ok\xff\x00" "end"));
	CHECK(s != NULL);
	CHECK_STR(json_string_value(s), "ok\xef\xbf\xbd\xef\xbf\xbd" "end");
	json_decref(s);
}

TEST(encode_roundtrip_nested)
{
	json_t *v = json_pack("{s:[i,f,b,n],s:{s:s}}", "a", 1, 2.5, 1, "o",
			      "k", "<b>đ</b>");
	cg_buf b;
	cg_buf_init(&b, 4096);
	CHECK(cg_json_encode(&b, v) == CG_OK);
	json_t *back = NULL;
	CHECK(cg_json_parse(cg_buf_slice(&b), &back, NULL) == CG_OK);
	CHECK(back && json_equal(v, back));
	CHECK(strstr(cg_buf_cstr(&b), "<b>") == NULL);
	json_decref(v);
	json_decref(back);
	cg_buf_free(&b);
}

TEST(encode_respects_buffer_max)
{
	json_t *v = json_pack("{s:s}", "k", "0123456789012345678901234567890");
	cg_buf b;
	cg_buf_init(&b, 16);
	CHECK(cg_json_encode(&b, v) == CG_ETOOBIG);
	CHECK(b.len == 0);
	json_decref(v);
	cg_buf_free(&b);
}

TEST(parse_error_has_position)
{
	json_t *v = NULL;
	cg_buf why;
	cg_buf_init(&why, 512);
	CHECK(cg_json_parse(CG_SLICE("{\"a\":\n  tru}"), &v, &why) == CG_EPARSE);
	CHECK(strstr(cg_buf_cstr(&why), "line 2") != NULL);
	CHECK(cg_json_parse(CG_SLICE("{\"a\":1,\"a\":2}"), &v, NULL) == CG_EPARSE);
	cg_buf_free(&why);
}

int main(void)
{
	RUN(quote_plain_and_vietnamese);
	RUN(quote_escapes_controls_and_html);
	RUN(quote_invalid_utf8_replaced);
	RUN(quote_nul_and_line_separators);
	RUN(utf8_validator_edges);
	RUN(json_str_from_hostile_bytes);
	RUN(encode_roundtrip_nested);
	RUN(encode_respects_buffer_max);
	RUN(parse_error_has_position);
	return test_done();
}
