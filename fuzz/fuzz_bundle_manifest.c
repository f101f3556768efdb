/* libFuzzer target: the signed bundle manifest parser (lib/bundle). The
 * parser runs only after the signature checked out, but a signing key in
 * the wrong hands must not be a way into the agent's memory. */
#include <stddef.h>
#include <stdint.h>

#include "bundle/bundle.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cg_bundle_manifest m;
	cg_buf why;
	cg_buf_init(&why, 4096);
	if (cg_bundle_manifest_parse(cg_slice_from((const char *)data, size), &m, &why) == CG_OK)
		cg_bundle_manifest_free(&m);
	cg_buf_free(&why);
	return 0;
}
