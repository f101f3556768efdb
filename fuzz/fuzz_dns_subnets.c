/* libFuzzer target: the `dns analyze --subnets` file ("CIDR name" lines,
 * dns/subnets). A file is parsed whole or refused with its line; a parsed
 * table answers a lookup of every line's first word (address or range)
 * with one of its names or NULL, never out of bounds. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dns/subnets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cg_slice text = cg_slice_from((const char *)data, size);
	cg_dns_subnets *s = NULL;
	cg_buf why;
	cg_buf_init(&why, 4096);
	cg_err err = cg_dns_subnets_parse(text, "fuzz", &s, &why);
	if (err && !why.len)
		abort(); /* a refusal names the line */
	if (!err) {
		cg_slice rest = text;
		while (rest.ptr) {
			cg_slice line = cg_slice_cut(rest, '\n', &rest);
			cg_slice word = cg_slice_cut(cg_slice_trim(line), ' ', NULL);
			const char *name = cg_dns_subnets_lookup(s, cg_slice_cut(word, '/', NULL));
			if (name && strlen(name) > size)
				abort();
		}
		cg_dns_subnets_free(s);
	}
	cg_buf_free(&why);
	return 0;
}
