/* libFuzzer target: legacy Office. The first byte picks the layer: the
 * whole compound file through libgsf and our stream parsers, or the Word
 * FIB/piece-table parser, or the Excel BIFF parser, directly on the
 * bytes (so the fuzzer reaches them without building a valid OLE2). */
#include <stddef.h>
#include <stdint.h>

#include "secrets/extract.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static cg_sec_sink s;
	static int init;
	if (!init) {
		cg_sec_sink_init(&s);
		init = 1;
	}
	if (size < 1)
		return 0;
	cg_sec_sink_reset(&s);
	cg_buf why;
	cg_buf_init(&why, 4096);
	cg_slice rest = cg_slice_from((const char *)data + 1, size - 1);
	const char *fmt;
	switch (data[0] % 3) {
	case 0:
		cg_sec_ole2_text(&s, data + 1, size - 1, &fmt, &why, NULL, NULL);
		break;
	case 1: {
		size_t half = rest.len / 2;
		cg_slice word = cg_slice_from(rest.ptr, half);
		cg_slice table = cg_slice_from(rest.ptr + half, rest.len - half);
		cg_sec_doc_text(&s, word, table, table, &why);
		break;
	}
	default:
		cg_sec_xls_text(&s, rest, &why);
		break;
	}
	cg_buf_free(&why);
	return 0;
}

/* libgsf itself leaks a few directory entries when gsf_infile_msole_new
 * rejects some malformed compound files (a few hundred bytes, inside the
 * library). Suppress exactly that frame; full unwinding on malloc lets
 * LeakSanitizer see it past glib's allocator, which has no frame pointers. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:gsf_infile_msole_new\n";
}

const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "fast_unwind_on_malloc=0";
}
