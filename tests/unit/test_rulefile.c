/* Unit tests for core/rulefile.h: the rule files' "FILE:LINE: reason"
 * error (why replaced, NULL why left alone, the error handed back) and
 * their text values, each refusal with its message and the length bound
 * both ways (size - 1 bytes taken, size refused). */
#include <string.h>

#include "core/rulefile.h"
#include "test.h"

TEST(error_names_file_and_line)
{
	cg_buf why;
	cg_buf_init(&why, 256);
	cg_buf_append(&why, "old", 3);
	CHECK(cg_rule_error(&why, CG_EPARSE, "vn.txt", 7, "'%s' is no %s", "x", "moment") ==
	      CG_EPARSE);
	CHECK_STR(cg_buf_cstr(&why), "vn.txt:7: 'x' is no moment");
	CHECK(cg_rule_error(&why, CG_EINVAL, "f", 1, "again") == CG_EINVAL);
	CHECK_STR(cg_buf_cstr(&why), "f:1: again");
	CHECK(cg_rule_error(NULL, CG_EPARSE, "f", 1, "nowhere") == CG_EPARSE);
	cg_buf_free(&why);
}

TEST(text_values)
{
	cg_buf why;
	cg_buf_init(&why, 256);
	char dst[6];
	CHECK(cg_rule_text(&why, "p.txt", 3, cg_slice_cstr("  Tắt \t"), dst, sizeof dst) == CG_OK);
	CHECK_STR(dst, "Tắt"); /* trimmed: 5 bytes of UTF-8, the most dst holds */
	CHECK(cg_rule_text(&why, "p.txt", 3, cg_slice_cstr("abcde"), dst, sizeof dst) == CG_OK);
	CHECK_STR(dst, "abcde");
	static const struct {
		const char *in, *want;
	} bad[] = {
	    {"   ", "p.txt:3: text expected"},
	    {"ab\xff", "p.txt:3: text is not valid UTF-8"},
	    {"a\x01"
	     "b",
	     "p.txt:3: control character in text"},
	    {"abcdef", "p.txt:3: text longer than 5 bytes"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		CHECK(cg_rule_text(&why, "p.txt", 3, cg_slice_cstr(bad[i].in), dst, sizeof dst) ==
		      CG_EPARSE);
		CHECK_STR(cg_buf_cstr(&why), bad[i].want);
	}
	cg_buf_free(&why);
}

int main(void)
{
	RUN(error_names_file_and_line);
	RUN(text_values);
	return test_done();
}
