/* libFuzzer target: the PDF syntax read when signing and verifying
 * (lib/sign/pdfparse.c): the trailer and the /Prev chain of
 * cross-reference tables, the catalog and page-tree walk as signing does
 * it, every /ByteRange with its enclosing signature dictionary and /M
 * date, as verification does. A PDF handed to `canhgac verify` is anyone's. */
#include <stddef.h>
#include <stdint.h>

#include "sign/pdfparse.h"
#include "sign/pdfsign.h"

static void walk(cg_slice pdf)
{
	cg_pdf_trailer t;
	if (cg_pdf_read_trailer(pdf, &t))
		return;
	int64_t off, gen;
	cg_slice d, v;
	cg_pdf_ref r = t.root;
	for (int depth = 0; depth < 40; depth++) {
		if (cg_pdf_object_offset(pdf, &t, r.num, &off, &gen) ||
		    cg_pdf_object_dict(pdf, off, r.num, &d))
			return;
		cg_pdf_dict_get(d, "AcroForm", &v);
		cg_pdf_dict_get(d, "Annots", &v);
		if (cg_pdf_dict_get(d, "Type", &v) == CG_OK && cg_pdf_name_is(v, "Page"))
			return;
		if (cg_pdf_dict_get(d, "Pages", &v) == CG_OK) {
			if (cg_pdf_parse_ref(v, &r))
				return;
		} else if (cg_pdf_dict_get(d, "Kids", &v) != CG_OK || cg_pdf_first_ref(v, &r)) {
			return;
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cg_slice pdf = cg_slice_from((const char *)data, size);
	walk(pdf);
	size_t pos = 0, at;
	cg_slice v, d, m;
	for (int i = 0; i < 64 && pos < size; i++) {
		cg_err err = cg_pdf_next_byterange(pdf, &pos, &at, &v);
		if (err == CG_ENOTFOUND)
			break;
		if (err)
			continue;
		int64_t br[4];
		cg_pdf_parse_byterange(v, br);
		if (cg_pdf_enclosing_dict(pdf, at, &d) == CG_OK &&
		    cg_pdf_dict_get(d, "M", &m) == CG_OK)
			cg_pdf_parse_date(m);
	}
	return 0;
}
