/* libFuzzer target: the spool segment reader (agent/spool), record by
 * record over a whole hostile segment, as the agent reads one after a
 * crash or a disk error. */
#include <stddef.h>
#include <stdint.h>

#include "agent/spool.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cg_slice rest = cg_slice_from((const char *)data, size);
	while (rest.len) {
		cg_slice json;
		size_t used;
		cg_err e = cg_spool_parse_record(rest, &json, &used);
		if (e == CG_ENOTFOUND)
			break;
		if (used == 0 || used > rest.len)
			__builtin_trap();
		if (e == CG_OK && (json.ptr < rest.ptr || json.ptr + json.len > rest.ptr + used))
			__builtin_trap();
		rest.ptr += used;
		rest.len -= used;
	}
	return 0;
}
