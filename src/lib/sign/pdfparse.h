/*
 * pdfparse.h - the little of PDF syntax that signing and verifying need:
 * the last cross-reference table and its trailer, where an object starts,
 * the top-level keys of a dictionary, references, and the /ByteRange of
 * each signature.
 *
 * This is not a PDF reader. It walks classic cross-reference tables
 * ("xref" sections chained by /Prev) as written by cairo, LibreOffice and
 * most producers of plain documents; a file whose last section is a
 * cross-reference stream (PDF 1.5 compressed objects) is refused with
 * CG_EUNSUPPORTED, never half-read. Every input is a slice of the whole
 * file, every offset is checked against its length, nesting and chains are
 * bounded (limits.h), and nothing relies on a terminating NUL: the file is
 * someone else's (fuzz/fuzz_pdf_parse.c).
 */
#ifndef CG_SIGN_PDFPARSE_H
#define CG_SIGN_PDFPARSE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/buf.h"

typedef struct cg_pdf_ref {
	int64_t num;
	int64_t gen;
} cg_pdf_ref;

typedef struct cg_pdf_trailer {
	int64_t startxref; /* offset of the last cross-reference section */
	int64_t size;      /* /Size: one past the highest object number */
	cg_pdf_ref root;   /* /Root: the document catalog */
	cg_slice info;     /* raw value of /Info, or empty */
	cg_slice id;       /* raw value of /ID, or empty */
} cg_pdf_trailer;

/* Reads "startxref N" near the end of the file and the trailer of the
 * section at N. CG_EPARSE for a damaged file, CG_EUNSUPPORTED for a
 * cross-reference stream. */
cg_err cg_pdf_read_trailer(cg_slice pdf, cg_pdf_trailer *t);

/* Where object num starts (the latest definition along the /Prev chain).
 * CG_ENOTFOUND when no section has it in use. */
cg_err cg_pdf_object_offset(cg_slice pdf, const cg_pdf_trailer *t, int64_t num, int64_t *off,
                            int64_t *gen);

/* The dictionary "<< ... >>" of the object "num gen obj" at off. */
cg_err cg_pdf_object_dict(cg_slice pdf, int64_t off, int64_t num, cg_slice *dict);

/* The raw text of a top-level key's value in dict (which starts with "<<"):
 * "5 0 R", "[1 2]", "<< ... >>", "/Name", "(text)". key has no slash.
 * CG_ENOTFOUND when absent. */
cg_err cg_pdf_dict_get(cg_slice dict, const char *key, cg_slice *val);

/* "N G R" into ref. */
cg_err cg_pdf_parse_ref(cg_slice val, cg_pdf_ref *ref);

/* The first element of an array value "[N G R ...]" as a reference. */
cg_err cg_pdf_first_ref(cg_slice arr, cg_pdf_ref *ref);

/* Whether a name value (as returned by dict_get) is /name. */
bool cg_pdf_name_is(cg_slice val, const char *name);

/* The value of "[a b c d]" as four non-negative integers. */
cg_err cg_pdf_parse_byterange(cg_slice val, int64_t out[4]);

/* The next "/ByteRange" at or after *pos, its value in *val and the
 * offset where the key starts in *at; *pos moves past it. CG_ENOTFOUND
 * when there is none left. */
cg_err cg_pdf_next_byterange(cg_slice pdf, size_t *pos, size_t *at, cg_slice *val);

/* The dictionary of the object the byte at offset `at` belongs to: the
 * closest "N G obj" before it (within CG_PDF_MAX_SIGDICT_BACK bytes). */
cg_err cg_pdf_enclosing_dict(cg_slice pdf, size_t at, cg_slice *dict);

#endif
