/* libFuzzer target: the whole scanner on a document in memory - format
 * sniffing, zip-based office packages and archives through fs/archive,
 * nesting, e-mail attachments, every extractor. PDFs are left out (their
 * parser is poppler's, fuzzed upstream, and slow per input). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "secrets/secrets.h"

static void on_finding(void *ctx, const cg_sec_finding *f)
{
	(void)ctx;
	if (!f->path || !f->format || !f->location || !f->evidence)
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static cg_sec_scanner *s;
	if (!s)
		s = cg_sec_scanner_new(on_finding, NULL);
	if (memmem(data, size < 1024 ? size : 1024, "%PDF-", 5))
		return 0;
	cg_sec_scan_mem(s, data, size, "fuzz.bin");
	return 0;
}

/* libgsf leaks a few directory entries on some malformed compound files
 * (inside gsf_infile_msole_new); see fuzz_secrets_ole2.c. */
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
