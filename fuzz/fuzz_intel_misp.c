/* libFuzzer target: the MISP event reader (share/intel.h): a document
 * ({"Event":...}, a restSearch answer, a list of events) either is refused
 * or yields items of a known type with bounded values. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/limits.h"
#include "share/intel.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const types[] = {"domain", "ipv4", "ipv6", "url",
	                                    "sha256", "sha1", "md5"};
	json_t *items = NULL;
	cg_intel_stats st = {0};
	cg_buf why;
	cg_buf_init(&why, 4096);
	if (cg_intel_read_misp(cg_slice_from((const char *)data, size), 1700000000000, &items, &st,
	                       &why) == CG_OK) {
		size_t i;
		json_t *it;
		json_array_foreach(items, i, it)
		{
			const char *t = json_string_value(json_object_get(it, "type"));
			const char *v = json_string_value(json_object_get(it, "value"));
			bool known = false;
			for (size_t k = 0; t && k < sizeof types / sizeof *types; k++)
				known |= strcmp(types[k], t) == 0;
			if (!known || !v || strlen(v) > CG_INTEL_VALUE_MAX)
				abort();
		}
	}
	json_decref(items);
	cg_buf_free(&why);
	return 0;
}
