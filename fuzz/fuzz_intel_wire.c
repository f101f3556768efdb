/* libFuzzer target: the answer of the sandboxed intel reader as the
 * server takes it (share/intel_wire.h): the first byte picks the
 * document asked for (STIX, MISP, manifest), the rest is frames, each
 * payload parsed as the server parses it and handed to the checks. The
 * checked items must all be valid indicators again, the events
 * lower-case uuids after the cursor, in order. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"
#include "core/limits.h"
#include "sandbox/sbmsg.h"
#include "share/intel_wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	cg_intel_wire w;
	cg_intel_wire_init(&w, (cg_intel_doc)(data[0] % 3), 100, 0);
	cg_slice in = cg_slice_from((const char *)data + 1, size - 1);
	size_t off = 0;
	for (;;) {
		uint8_t type = 0;
		cg_slice pl;
		size_t used = 0;
		if (cg_sbmsg_parse(cg_slice_from(in.ptr + off, in.len - off), CG_SANDBOX_MAX_MSG,
		                   &type, &pl, &used) ||
		    !used)
			break;
		json_t *j = NULL;
		int stop = 1;
		if (type != CG_SBMSG_DATA && cg_json_parse(pl, &j, NULL) == CG_OK)
			stop = cg_intel_wire_take(&w, type, j);
		json_decref(j);
		if (stop)
			break;
		off += used;
	}
	size_t i;
	json_t *it;
	json_array_foreach(w.items, i, it)
	{
		json_t *again = cg_intel_item_check(it);
		if (!again || !json_equal(again, it))
			abort();
		json_decref(again);
	}
	for (size_t k = 0; k < w.nev; k++)
		if (w.ev[k].ts <= 100 || strlen(w.ev[k].uuid) != 36 ||
		    (w.done && k && w.ev[k - 1].ts > w.ev[k].ts))
			abort();
	cg_intel_wire_free(&w);
	return 0;
}
