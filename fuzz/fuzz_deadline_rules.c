/* libFuzzer target: the deadline rules file (deadline/deadline.h). A file
 * either parses, and then its calendar is sorted and unique, every
 * working-day count ends, and the clocks of a case that has every moment
 * set are consistent with their rules; or it fails with a reason that
 * names the file and a line. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "deadline/deadline.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static cg_deadline_rules r;
	cg_buf why;
	cg_buf_init(&why, 1024);
	cg_err err = cg_deadline_parse(cg_slice_from((const char *)data, size), "f", &r, &why);
	if (err) {
		if (strncmp(cg_buf_cstr(&why), "f:", 2) != 0)
			abort();
		cg_buf_free(&why);
		return 0;
	}
	cg_buf_free(&why);
	for (int i = 1; i < r.n_cal; i++)
		if (r.cal[i - 1].day >= r.cal[i].day)
			abort();
	cg_case_facts c = {.level = 5, .state_secret = true};
	int64_t t0 = 1767225600000LL; /* 2026-01-01T00:00Z */
	for (int m = 0; m < CG_MOMENT_COUNT; m++)
		c.at[m] = t0 + (int64_t)m * 86400000LL;
	cg_clock k[CG_DEADLINE_MAX_RULES];
	size_t n;
	if (cg_deadline_clocks(&r, &c, t0 + 30LL * 86400000LL, k, CG_DEADLINE_MAX_RULES, &n))
		abort();
	if (n != (size_t)r.n_rule)
		abort();
	for (size_t i = 0; i < n; i++) {
		if (k[i].due_ms < k[i].start_ms)
			abort();
		if (k[i].rule->unit != CG_UNIT_HOURS &&
		    (k[i].due_ms + (int64_t)r.tz_offset_min * 60000) % 86400000LL != 0)
			abort();
		cg_buf t;
		cg_buf_init(&t, 256);
		if (cg_deadline_format(&k[i], "vi", &t) || cg_deadline_format(&k[i], "en", &t))
			abort();
		cg_buf_free(&t);
	}
	return 0;
}
