/* libFuzzer target: the national malware report's field mapping
 * (rules/national/national-malware.map, lib/share/natreport.c): an
 * operator's edited file, or one from a rule bundle. */
#include <stddef.h>
#include <stdint.h>

#include "share/natreport.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static cg_natmap m;
	cg_buf why;
	cg_buf_init(&why, 4096);
	cg_natmap_parse(cg_slice_from((const char *)data, size), "fuzz", &m, &why);
	cg_buf_free(&why);
	return 0;
}
