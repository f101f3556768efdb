/* libFuzzer target: the OOXML/ODF/HTML text extractor; the first byte
 * picks XML or HTML mode. */
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
	if (size < 1)
		return 0;
	cg_sec_sink_reset(&s);
	cg_sec_xml_text(&s, cg_slice_from((const char *)data + 1, size - 1), data[0] & 1);
	return 0;
}
