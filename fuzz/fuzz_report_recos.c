/* libFuzzer target: the recommendation rules of the reports
 * (rules/report/recommendations.tsv, lib/report/report.c): an operator's
 * edited file, or one from a rule bundle. */
#include <stddef.h>
#include <stdint.h>

#include "report/report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static cg_reco r[CG_REPORT_MAX_RECOS];
	size_t n;
	cg_buf why;
	cg_buf_init(&why, 4096);
	cg_reco_parse(cg_slice_from((const char *)data, size), "fuzz", r, CG_REPORT_MAX_RECOS, &n,
	              &why);
	cg_buf_free(&why);
	return 0;
}
