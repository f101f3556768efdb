/* libFuzzer target: hash-signature lists (malware/hashsig): plain lists,
 * ClamAV .hdb/.hsb lines, MalwareBazaar CSV, in any mix. */
#include <stddef.h>
#include <stdint.h>

#include "malware/hashsig.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cg_hashset *s;
	if (cg_hashset_new(&s))
		return 0;
	cg_buf why;
	cg_buf_init(&why, 4096);
	cg_hashset_parse(s, cg_slice_from((const char *)data, size), "fuzz", &why);
	unsigned char d[32] = {0}, dig[32];
	for (size_t i = 0; i < 32 && i < size; i++)
		d[i] = data[i];
	cg_hashset_lookup(s, CG_HASH_SHA256, d, size);
	cg_hashset_lookup(s, CG_HASH_MD5, d, size);
	cg_hashset_digest(s, dig);
	cg_hashset_free(s);
	cg_buf_free(&why);
	return 0;
}
