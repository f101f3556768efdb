/* libFuzzer target: the event JSON reader (core/event decode), and the
 * encoder on whatever it accepts: encode(decode(x)) must decode again. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "core/event.h"
#include "core/json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *v = NULL;
	if (cg_json_parse(cg_slice_from((const char *)data, size), &v, NULL))
		return 0;
	cg_event ev;
	if (cg_event_decode(v, &ev, true, NULL) == CG_OK) {
		cg_buf out;
		cg_buf_init(&out, CG_MAX_EVENT_JSON * 2);
		if (cg_event_encode(&ev, &out) == CG_OK) {
			json_t *again = NULL;
			cg_event ev2;
			if (cg_json_parse(cg_buf_slice(&out), &again, NULL) ||
			    cg_event_decode(again, &ev2, false, NULL))
				abort(); /* what we write, we must read */
			cg_event_clear(&ev2);
			json_decref(again);
		}
		cg_buf_free(&out);
		cg_event_clear(&ev);
	}
	json_decref(v);
	return 0;
}
