/* test_pdfparse.c - the PDF syntax signing relies on (sign/pdfparse.h):
 * trailers, the /Prev chain, dictionary keys past nested values and
 * strings, and refusals both ways (damaged files, xref streams, loops). */
#include <string.h>

#include "sign/pdfparse.h"
#include "sign/pdfsign.h"
#include "test.h"

/* A small PDF with classic cross-reference tables; offsets computed. */
static char pdf[4096];
static size_t pdf_len;

static void add(const char *s)
{
	size_t n = strlen(s);
	memcpy(pdf + pdf_len, s, n);
	pdf_len += n;
}

static void build(void)
{
	size_t off[4];
	pdf_len = 0;
	add("%PDF-1.4\n");
	off[1] = pdf_len;
	add("1 0 obj\n<< /Type /Catalog /Pages 2 0 R /Names << /X (a >> b) >> >>\nendobj\n");
	off[2] = pdf_len;
	add("2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n");
	off[3] = pdf_len;
	add("3 0 obj\n<< /Type /Page /Parent 2 0 R % comment >>\n /Contents <414243> /MediaBox [0 "
	    "0 595 842] >>\nendobj\n");
	size_t x = pdf_len;
	char line[64];
	add("xref\n0 4\n0000000000 65535 f \n");
	for (int i = 1; i < 4; i++) {
		snprintf(line, sizeof line, "%010zu 00000 n \n", off[i]);
		add(line);
	}
	snprintf(line, sizeof line, "trailer\n<< /Size 4 /Root 1 0 R >>\nstartxref\n%zu\n%%%%EOF\n",
	         x);
	add(line);
}

TEST(trailer_and_objects)
{
	build();
	cg_slice s = cg_slice_from(pdf, pdf_len), d, v;
	cg_pdf_trailer t;
	CHECK(cg_pdf_read_trailer(s, &t) == CG_OK);
	CHECK(t.size == 4 && t.root.num == 1 && t.root.gen == 0 && t.info.len == 0);
	int64_t off, gen;
	CHECK(cg_pdf_object_offset(s, &t, 3, &off, &gen) == CG_OK);
	CHECK(cg_pdf_object_dict(s, off, 3, &d) == CG_OK);
	CHECK(cg_pdf_dict_get(d, "MediaBox", &v) == CG_OK && cg_slice_eq_cstr(v, "[0 0 595 842]"));
	CHECK(cg_pdf_dict_get(d, "Contents", &v) == CG_OK && cg_slice_eq_cstr(v, "<414243>"));
	CHECK(cg_pdf_dict_get(d, "Parent", &v) == CG_OK && cg_slice_eq_cstr(v, "2 0 R"));
	CHECK(cg_pdf_dict_get(d, "Annots", &v) == CG_ENOTFOUND);
	CHECK(cg_pdf_object_offset(s, &t, 9, &off, &gen) == CG_ENOTFOUND);
	CHECK(cg_pdf_object_dict(s, off, 2, &d) == CG_EPARSE); /* wrong number */
	/* a string holding ">>" does not end the dictionary */
	CHECK(cg_pdf_object_offset(s, &t, 1, &off, &gen) == CG_OK);
	CHECK(cg_pdf_object_dict(s, off, 1, &d) == CG_OK);
	CHECK(cg_pdf_dict_get(d, "Pages", &v) == CG_OK);
	cg_pdf_ref r;
	CHECK(cg_pdf_parse_ref(v, &r) == CG_OK && r.num == 2);
	CHECK(cg_pdf_dict_get(d, "X", &v) == CG_ENOTFOUND); /* nested, not top level */
}

TEST(refusals)
{
	cg_pdf_trailer t;
	CHECK(cg_pdf_read_trailer(CG_SLICE("not a pdf"), &t) == CG_EPARSE);
	CHECK(cg_pdf_read_trailer(CG_SLICE("%PDF-1.4\nstartxref\n99999\n%%EOF\n"), &t) ==
	      CG_EPARSE);
	const char *xs = "%PDF-1.5\n1 0 obj\n<< /Type /XRef "
	                 ">>\nstream\nendstream\nendobj\nstartxref\n9\n%%EOF\n";
	CHECK(cg_pdf_read_trailer(cg_slice_cstr(xs), &t) == CG_EUNSUPPORTED);
	/* a trailer with no /Root */
	const char *nr = "%PDF-1.4\nxref\n0 1\n0000000000 65535 f \ntrailer\n<< /Size 1 "
	                 ">>\nstartxref\n9\n%%EOF\n";
	CHECK(cg_pdf_read_trailer(cg_slice_cstr(nr), &t) == CG_EPARSE);
	/* a /Prev pointing at itself stops at the chain limit */
	const char *loop = "%PDF-1.4\nxref\n0 1\n0000000000 65535 f \ntrailer\n<< /Size 1 /Root 1 "
	                   "0 R /Prev 9 >>\nstartxref\n9\n%%EOF\n";
	CHECK(cg_pdf_read_trailer(cg_slice_cstr(loop), &t) == CG_OK);
	int64_t off, gen;
	CHECK(cg_pdf_object_offset(cg_slice_cstr(loop), &t, 1, &off, &gen) == CG_ELIMIT);
	/* nesting deeper than the limit */
	char deep[200];
	size_t n = 0;
	memcpy(deep, "<< /A ", 6);
	n = 6;
	for (int i = 0; i < 60; i++)
		deep[n++] = '[';
	cg_slice v;
	CHECK(cg_pdf_dict_get(cg_slice_from(deep, n), "A", &v) == CG_ELIMIT);
	CHECK(cg_pdf_dict_get(CG_SLICE("<< /A (unterminated"), "B", &v) == CG_EPARSE);
	CHECK(cg_pdf_dict_get(CG_SLICE("<< /A 1 >"), "B", &v) == CG_EPARSE);
}

TEST(byteranges_and_dates)
{
	int64_t br[4];
	CHECK(cg_pdf_parse_byterange(CG_SLICE("[0 10 20 30]"), br) == CG_OK && br[3] == 30);
	CHECK(cg_pdf_parse_byterange(CG_SLICE("[0 10 20]"), br) == CG_EPARSE);
	CHECK(cg_pdf_parse_byterange(CG_SLICE("[0 -1 20 3]"), br) == CG_EPARSE);
	const char *doc = "%PDF-1.4\n7 0 obj\n<< /Type /Sig /M (D:20261201080000+07'00') "
	                  "/ByteRange [0 1 2 3] /Contents <00> >>\nendobj\n";
	cg_slice s = cg_slice_cstr(doc), v, d, m;
	size_t pos = 0, at;
	CHECK(cg_pdf_next_byterange(s, &pos, &at, &v) == CG_OK && cg_slice_eq_cstr(v, "[0 1 2 3]"));
	CHECK(cg_pdf_enclosing_dict(s, at, &d) == CG_OK);
	CHECK(cg_pdf_dict_get(d, "M", &m) == CG_OK);
	CHECK(cg_pdf_parse_date(m) == 1796086800); /* 2026-12-01T01:00:00Z */
	CHECK(cg_pdf_next_byterange(s, &pos, &at, &v) == CG_ENOTFOUND);
	CHECK(cg_pdf_parse_date(CG_SLICE("(D:2026)")) == 1767225600);
	CHECK(cg_pdf_parse_date(CG_SLICE("(D:20261301)")) == 0);
	CHECK(cg_pdf_parse_date(CG_SLICE("(2026)")) == 0);
}

int main(void)
{
	RUN(trailer_and_objects);
	RUN(refusals);
	RUN(byteranges_and_dates);
	return test_done();
}
