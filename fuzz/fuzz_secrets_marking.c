/* libFuzzer target: the marking detector on arbitrary bytes (invalid
 * UTF-8, lone combining marks, huge units). */
#include <stddef.h>
#include <stdint.h>

#include "secrets/marking.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static cg_sec_marker m;
	static int init;
	if (!init) {
		cg_sec_marker_init(&m);
		init = 1;
	}
	cg_sec_level half;
	cg_sec_level l = cg_sec_marking_ex(&m, cg_slice_from((const char *)data, size), &half);
	if (l > CG_SEC_TUYET_MAT || half > CG_SEC_TUYET_MAT || (l && half))
		__builtin_trap();
	return 0;
}
