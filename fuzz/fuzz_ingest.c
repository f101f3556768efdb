/* libFuzzer target: the ingest body reader (api/ingest): a JSON array or
 * JSON lines, gunzipped first when the input starts with the gzip magic,
 * then every parsed item through cg_event_decode as the server does. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "api/ingest.h"
#include "core/event.h"
#include "core/limits.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cg_slice in = cg_slice_from((const char *)data, size);
	cg_buf plain;
	cg_buf_init(&plain, 1u << 20);
	if (size >= 2 && data[0] == 0x1f && data[1] == 0x8b) {
		if (cg_gunzip(in, &plain, NULL) != CG_OK) {
			cg_buf_free(&plain);
			return 0;
		}
		in = cg_buf_slice(&plain);
	}
	cg_ingest_batch b;
	cg_buf why;
	cg_buf_init(&why, 1024);
	if (cg_ingest_split(in, &b, &why) == CG_OK) {
		if (b.n > CG_MAX_BATCH_EVENTS)
			abort();
		for (size_t i = 0; i < b.n; i++) {
			if (!b.items[i].value) {
				if (!b.items[i].error)
					abort(); /* a refused line always says why */
				continue;
			}
			cg_event ev;
			cg_buf_reset(&why);
			if (cg_event_decode(b.items[i].value, &ev, false, &why) == CG_OK)
				cg_event_clear(&ev);
		}
		cg_ingest_batch_free(&b);
	}
	cg_buf_free(&why);
	cg_buf_free(&plain);
	return 0;
}
