/* libFuzzer target: fs/archive over arbitrary bytes, with small limits so
 * bombs are hit quickly; every member is also folded by core/text. */
#include <stddef.h>
#include <stdint.h>

#include "core/text.h"
#include "fs/archive.h"

static cg_archive_action member(void *ctx, const char *path, const unsigned char *d, size_t n,
				int depth)
{
	(void)ctx;
	(void)path;
	(void)depth;
	cg_buf out;
	cg_buf_init(&out, n * 4 + 16);
	cg_text_fold(cg_slice_from((const char *)d, n > 4096 ? 4096 : n), CG_FOLD_ASCII, &out);
	cg_buf_free(&out);
	return CG_AR_READ;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cg_archive_limits lim = cg_archive_default_limits();
	lim.max_entry_bytes = 1u << 20;
	lim.max_total_bytes = 8u << 20;
	lim.max_entries = 1000;
	cg_archive_visitor v = { .member = member, .recurse = true };
	cg_archive_read_mem(data, size, "fuzz", &lim, &v);
	return 0;
}
