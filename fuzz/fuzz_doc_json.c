/* libFuzzer target: the document model as the sandboxed renderer reads it
 * (report/doc_json.h, server/render_privsep.h). A model that is read must
 * come back the same when written and read again: the server's encoding
 * and the child's reading agree on every document the builders allow. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"
#include "core/limits.h"
#include "report/doc_json.h"

static json_t *again(const cg_doc *d, cg_buf *enc)
{
	json_t *j = cg_doc_to_json(d);
	cg_buf_reset(enc);
	if (!j || cg_json_encode(enc, j))
		abort();
	return j;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cg_doc *d = NULL;
	if (cg_doc_from_json(cg_slice_from((const char *)data, size), &d, NULL))
		return 0;
	cg_buf a, b;
	cg_buf_init(&a, CG_RENDER_MAX_MODEL);
	cg_buf_init(&b, CG_RENDER_MAX_MODEL);
	json_t *ja = again(d, &a);
	cg_doc *d2 = NULL;
	if (cg_doc_from_json(cg_buf_slice(&a), &d2, NULL))
		abort(); /* what the writer writes, the reader reads */
	json_t *jb = again(d2, &b);
	if (a.len != b.len || memcmp(a.ptr, b.ptr, a.len) != 0)
		abort();
	json_decref(ja);
	json_decref(jb);
	cg_doc_free(d);
	cg_doc_free(d2);
	cg_buf_free(&a);
	cg_buf_free(&b);
	return 0;
}
