/* libFuzzer target: the ClamAV prefilter (malware/clamfilter): database
 * lines of every kind it reads (.ndb .ldb .hdb), then the same bytes as
 * a file to judge. */
#include <stddef.h>
#include <stdint.h>

#include "malware/clamfilter.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = {"f.ndb", "f.ldb", "f.hdb", "f.hsb", "f.fp", "f.cvd"};
	if (!size)
		return 0;
	cg_mw_clamfilter *f;
	if (cg_mw_clamfilter_new(&f))
		return 0;
	cg_mw_clamfilter_add(f, names[data[0] % 6],
	                     cg_slice_from((const char *)data + 1, size - 1));
	cg_mw_clamfilter_finish(f);
	cg_mw_clamfilter_scratch s = {0};
	cg_mw_clamfilter_needs_scan(f, data, size, &s);
	cg_mw_clamfilter_anchors(f);
	cg_mw_clamfilter_why_off(f);
	cg_mw_clamfilter_scratch_free(&s);
	cg_mw_clamfilter_free(f);
	return 0;
}
