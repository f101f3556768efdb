/* libFuzzer target: the text-search words (core/text cg_text_search_words),
 * which both store backends apply to every event's subject and summary and
 * to every search. Over hostile bytes (invalid UTF-8, NULs, marks, any
 * script): it never fails but for memory, the words are separated by
 * single spaces with none at either end, and the rule is idempotent (the
 * words of the words are the same words), so an indexed text and a query
 * of it always meet. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cg_buf a, b;
	cg_buf_init(&a, 8 * size + 64);
	cg_buf_init(&b, 8 * size + 64);
	if (cg_text_search_words(cg_slice_from((const char *)data, size), &a) != CG_OK)
		abort();
	const char *w = cg_buf_cstr(&a);
	if (a.len && (w[0] == ' ' || w[a.len - 1] == ' ' || strstr(w, "  ")))
		abort();
	if (strlen(w) != a.len)
		abort(); /* no NUL inside */
	if (cg_text_search_words(cg_slice_from(w, a.len), &b) != CG_OK)
		abort();
	if (a.len != b.len || (a.len && memcmp(a.ptr, b.ptr, a.len) != 0))
		abort();
	cg_buf_free(&a);
	cg_buf_free(&b);
	return 0;
}
