/* libFuzzer target: the STIX 2.1 bundle / TAXII envelope reader and its
 * pattern reader (share/intel.h). The input is a document; every item it
 * yields must name a known type, hold a value no longer than the limit,
 * and be valid from a time; the first 8 KiB are also read as a pattern
 * alone. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/limits.h"
#include "share/intel.h"

static void on_value(void *ud, const char *type, const char *value)
{
	(void)ud;
	if (!type || !value || strlen(value) > CG_INTEL_VALUE_MAX)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cg_slice in = cg_slice_from((const char *)data, size);
	json_t *items = NULL;
	cg_intel_stats st = {0};
	cg_intel_page page;
	cg_buf why;
	cg_buf_init(&why, 4096);
	if (cg_intel_read_stix(in, 1700000000000, &items, &st, &page, &why) == CG_OK) {
		size_t i;
		json_t *it;
		json_array_foreach(items, i, it)
		{
			const char *t = json_string_value(json_object_get(it, "type"));
			const char *v = json_string_value(json_object_get(it, "value"));
			if (!t || !v || strlen(v) > CG_INTEL_VALUE_MAX ||
			    !json_is_integer(json_object_get(it, "valid_from")))
				abort();
		}
		if (st.taken != json_array_size(items) || strlen(page.next) >= sizeof page.next)
			abort();
	}
	json_decref(items);
	cg_buf_free(&why);
	cg_intel_pattern(cg_slice_from(in.ptr, size < 8192 ? size : 8192), on_value, NULL, NULL);
	return 0;
}
