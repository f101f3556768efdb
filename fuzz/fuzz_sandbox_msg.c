/* libFuzzer target: the frames a sandboxed parser sends the server
 * (sandbox/sbmsg.h), read as the server reads them: frame after frame
 * from the bytes that arrived, each payload handed to the JSON parser.
 * Every payload must lie inside the input; the reader always moves on or
 * stops. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "core/json.h"
#include "core/limits.h"
#include "sandbox/sbmsg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cg_slice in = cg_slice_from((const char *)data, size);
	size_t off = 0;
	for (;;) {
		uint8_t type = 0;
		cg_slice pl;
		size_t used = 0;
		cg_err err = cg_sbmsg_parse(cg_slice_from(in.ptr + off, in.len - off),
		                            CG_SANDBOX_MAX_MSG, &type, &pl, &used);
		if (err || !used)
			break;
		if (used > in.len - off || pl.ptr < in.ptr + off ||
		    pl.ptr + pl.len > in.ptr + in.len)
			abort();
		json_t *j = NULL;
		if (cg_json_parse(pl, &j, NULL) == CG_OK)
			json_decref(j);
		off += used;
	}
	return 0;
}
