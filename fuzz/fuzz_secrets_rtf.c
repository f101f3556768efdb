/* libFuzzer target: the RTF text extractor. */
#include <stddef.h>
#include <stdint.h>

#include "secrets/extract.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static cg_sec_sink s;
	static int init;
	if (!init) {
		cg_sec_sink_init(&s);
		init = 1;
	}
	cg_sec_sink_reset(&s);
	cg_sec_rtf_text(&s, cg_slice_from((const char *)data, size));
	return 0;
}
