/* libFuzzer target: libclamav's script tokenizer as the ClamAV prefilter
 * reads it (malware/clamjs), token by token with its invariants (each
 * token inside the input, the position always moving on), then the same
 * bytes as a script inside a page for the HTML part (malware/clamhtml)
 * against a fixed anchor and hash size. */
#include <stdlib.h>
#include <string.h>

#include "malware/clamhtml.h"
#include "malware/clamjs.h"

static void tokens(const unsigned char *p, size_t n)
{
	size_t i = 0, last = 0;
	for (cg_mw_js_tok t; (t = cg_mw_js_next(p, n, &i)).kind != CG_MW_JS_END;) {
		if (t.s > t.e || t.e > n || i > n || (i <= last && last))
			abort();
		last = i;
		char name[16];
		if (t.kind == CG_MW_JS_IDENT && cg_mw_js_name(p, &t, name, sizeof name) > sizeof name + 1)
			abort();
	}
	cg_mw_js_shape_of(p, n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	tokens(data, size);
	static const char open[] = "<html><script>", close[] = "</script><p>text</p></html>";
	size_t n = sizeof open - 1 + size + sizeof close - 1;
	unsigned char *page = malloc(n);
	cg_mw_clamhtml *h;
	if (!page || cg_mw_clamhtml_new(&h)) {
		free(page);
		return 0;
	}
	memcpy(page, open, sizeof open - 1);
	if (size)
		memcpy(page + sizeof open - 1, data, size);
	memcpy(page + sizeof open - 1 + size, close, sizeof close - 1);
	static const uint64_t sizes[] = {42};
	cg_mw_clamhtml_add(h, (const unsigned char *)"var n000=\"canhgac", 17);
	cg_mw_clamhtml_finish(h, sizes, 1);
	cg_mw_clamhtml_scratch s = {0};
	cg_mw_clamhtml_may_match(h, page, n, &s);
	cg_mw_clamhtml_scratch_free(&s);
	cg_mw_clamhtml_free(h);
	free(page);
	return 0;
}
