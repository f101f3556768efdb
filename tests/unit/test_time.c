/* Unit tests for core/timeutil: RFC 3339 both ways, bad input refused. */
#include "core/timeutil.h"
#include "test.h"

TEST(format_and_parse)
{
	char s[32];
	cg_time_format(1795000000123, s, sizeof s);
	CHECK_STR(s, "2026-11-18T11:06:40.123Z");
	int64_t ms;
	CHECK(cg_time_parse(cg_slice_cstr(s), &ms) == CG_OK && ms == 1795000000123);
	CHECK(cg_time_parse(CG_SLICE("2026-11-18T18:06:40+07:00"), &ms) == CG_OK &&
	      ms == 1795000000000);
	CHECK(cg_time_parse(CG_SLICE("1970-01-01"), &ms) == CG_OK && ms == 0);
	CHECK(cg_time_parse(CG_SLICE("2024-02-29T00:00:00Z"), &ms) == CG_OK);
}

TEST(bad_times_refused)
{
	int64_t ms;
	CHECK(cg_time_parse(CG_SLICE("2023-02-29"), &ms) != CG_OK);
	CHECK(cg_time_parse(CG_SLICE("2026-13-01"), &ms) != CG_OK);
	CHECK(cg_time_parse(CG_SLICE("2026-11-18T25:00:00Z"), &ms) != CG_OK);
	CHECK(cg_time_parse(CG_SLICE("2026-11-18T10:00:00"), &ms) != CG_OK);
	CHECK(cg_time_parse(CG_SLICE("2026-11-18T10:00:00Zjunk"), &ms) != CG_OK);
	CHECK(cg_time_parse(CG_SLICE("2026-11-18T10:00:00.Z"), &ms) != CG_OK);
	CHECK(cg_time_parse(CG_SLICE(""), &ms) != CG_OK);
	CHECK(cg_time_parse(CG_SLICE("20261118"), &ms) != CG_OK);
}

int main(void)
{
	RUN(format_and_parse);
	RUN(bad_times_refused);
	return test_done();
}
