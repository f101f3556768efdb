/* Unit tests for core/buf: the maximum is a hard wall, both ways. */
#include <stdint.h>
#include <stdlib.h>

#include "core/buf.h"
#include "test.h"

TEST(append_within_max)
{
	cg_buf b;
	cg_buf_init(&b, 10);
	CHECK(cg_buf_append(&b, "0123456789", 10) == CG_OK);
	CHECK(b.len == 10);
	CHECK_STR(cg_buf_cstr(&b), "0123456789");
	cg_buf_free(&b);
}

TEST(append_past_max_refused_and_unchanged)
{
	cg_buf b;
	cg_buf_init(&b, 10);
	CHECK(cg_buf_puts(&b, "abc") == CG_OK);
	CHECK(cg_buf_append(&b, "01234567", 8) == CG_ETOOBIG);
	CHECK(b.len == 3);
	CHECK_STR(cg_buf_cstr(&b), "abc");
	CHECK(cg_buf_putc(&b, 'd') == CG_OK);
	cg_buf_free(&b);
}

TEST(huge_length_does_not_wrap)
{
	cg_buf b;
	cg_buf_init(&b, 100);
	CHECK(cg_buf_puts(&b, "x") == CG_OK);
	CHECK(cg_buf_reserve(&b, SIZE_MAX) == CG_ETOOBIG);
	CHECK(cg_buf_reserve(&b, SIZE_MAX - 1) == CG_ETOOBIG);
	CHECK(b.len == 1);
	cg_buf_free(&b);
}

TEST(printf_bounded)
{
	cg_buf b;
	cg_buf_init(&b, 8);
	CHECK(cg_buf_printf(&b, "%d-%s", 12, "ab") == CG_OK);
	CHECK_STR(cg_buf_cstr(&b), "12-ab");
	CHECK(cg_buf_printf(&b, "%s", "toolong") == CG_ETOOBIG);
	CHECK_STR(cg_buf_cstr(&b), "12-ab");
	cg_buf_free(&b);
}

TEST(empty_buffer_is_empty_string)
{
	cg_buf b;
	cg_buf_init(&b, 0);
	CHECK_STR(cg_buf_cstr(&b), "");
	CHECK(cg_buf_putc(&b, 'a') == CG_ETOOBIG);
	size_t n = 99;
	char *p = cg_buf_detach(&b, &n);
	CHECK(p && n == 0 && p[0] == '\0');
	free(p);
}

TEST(growth_many_appends)
{
	cg_buf b;
	cg_buf_init(&b, 100000);
	for (int i = 0; i < 100000; i++)
		CHECK(cg_buf_putc(&b, (char)('a' + i % 26)) == CG_OK);
	CHECK(b.len == 100000);
	CHECK(cg_buf_putc(&b, 'z') == CG_ETOOBIG);
	CHECK(b.ptr[b.len] == '\0');
	cg_buf_free(&b);
}

TEST(slice_cut_and_trim)
{
	cg_slice rest;
	cg_slice k = cg_slice_cut(CG_SLICE(" key = value "), '=', &rest);
	CHECK(cg_slice_eq_cstr(cg_slice_trim(k), "key"));
	CHECK(cg_slice_eq_cstr(cg_slice_trim(rest), "value"));
	cg_slice none = cg_slice_cut(CG_SLICE("abc"), '=', &rest);
	CHECK(rest.ptr == NULL && none.len == 3);
}

TEST(parse_i64_strict)
{
	int64_t v;
	CHECK(cg_parse_i64(CG_SLICE("42"), 0, 100, &v) == CG_OK && v == 42);
	CHECK(cg_parse_i64(CG_SLICE("-5"), -10, 10, &v) == CG_OK && v == -5);
	CHECK(cg_parse_i64(CG_SLICE("101"), 0, 100, &v) == CG_EINVAL);
	CHECK(cg_parse_i64(CG_SLICE("4x"), 0, 100, &v) == CG_EPARSE);
	CHECK(cg_parse_i64(CG_SLICE(""), 0, 100, &v) == CG_EPARSE);
	CHECK(cg_parse_i64(CG_SLICE("-"), -1, 100, &v) == CG_EPARSE);
	CHECK(cg_parse_i64(CG_SLICE(" 1"), 0, 100, &v) == CG_EPARSE);
	CHECK(cg_parse_i64(CG_SLICE("9223372036854775807"), INT64_MIN, INT64_MAX, &v) == CG_OK &&
	      v == INT64_MAX);
	CHECK(cg_parse_i64(CG_SLICE("9223372036854775808"), INT64_MIN, INT64_MAX, &v) == CG_EINVAL);
	CHECK(cg_parse_i64(CG_SLICE("-9223372036854775808"), INT64_MIN, INT64_MAX, &v) == CG_OK &&
	      v == INT64_MIN);
	CHECK(cg_parse_i64(CG_SLICE("99999999999999999999999"), INT64_MIN, INT64_MAX, &v) == CG_EINVAL);
}

TEST(slice_copy_bounded)
{
	char d[4];
	CHECK(cg_slice_copy(CG_SLICE("abc"), d, sizeof d) == CG_OK);
	CHECK_STR(d, "abc");
	CHECK(cg_slice_copy(CG_SLICE("abcd"), d, sizeof d) == CG_ETOOBIG);
}

int main(void)
{
	RUN(append_within_max);
	RUN(append_past_max_refused_and_unchanged);
	RUN(huge_length_does_not_wrap);
	RUN(printf_bounded);
	RUN(empty_buffer_is_empty_string);
	RUN(growth_many_appends);
	RUN(slice_cut_and_trim);
	RUN(parse_i64_strict);
	RUN(slice_copy_bounded);
	return test_done();
}
