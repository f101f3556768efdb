/* libFuzzer target: the MISP feed manifest reader (share/intel_mispfeed.h):
 * a manifest either is refused or yields events whose uuid is 36
 * characters of hex digits and dashes (the only thing put in a URL),
 * with positive timestamps after the cursor, in order. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "share/intel_mispfeed.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cg_mispfeed_event *ev = NULL;
	size_t n = 0, skipped = 0;
	cg_buf why;
	cg_buf_init(&why, 4096);
	if (cg_mispfeed_manifest(cg_slice_from((const char *)data, size), 1000, &ev, &n, &skipped,
	                         &why) == CG_OK) {
		for (size_t i = 0; i < n; i++) {
			if (strlen(ev[i].uuid) != 36 ||
			    strspn(ev[i].uuid, "0123456789abcdef-") != 36)
				abort();
			if (ev[i].ts <= 1000 || (i && ev[i].ts < ev[i - 1].ts))
				abort();
		}
	}
	free(ev);
	cg_buf_free(&why);
	return 0;
}
