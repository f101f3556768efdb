/*
 * pdf.c - text of PDF documents through poppler-glib (Debian's poppler).
 *
 * The document is opened from the bytes already in memory (bounded by
 * CG_SEC_MAX_DOC_BYTES). Page 1 is read first and labelled "first_page":
 * the marking stamp sits at the top of the first page; the other pages
 * follow in order until a marking is found, at most CG_SEC_MAX_PDF_PAGES.
 * Each line of poppler's reading-order text is a unit, and so is each
 * line of the page's annotations (an electronic stamp is an annotation,
 * not page content). A password-protected
 * PDF fails to open with POPPLER_ERROR_ENCRYPTED and is reported as such;
 * poppler repairs broken cross-reference tables itself, and what it cannot
 * open is reported as corrupt.
 */
#include <poppler.h>
#include <string.h>

#include "core/limits.h"
#include "secrets/extract.h"

/* Text of the page's annotations: a stamp added electronically (a
 * Stamp or FreeText annotation, a sticky note) is not page content. */
static bool annot_text(cg_sec_sink *s, PopplerPage *pg)
{
	bool found = false;
	GList *list = poppler_page_get_annot_mapping(pg);
	for (GList *l = list; l && !found; l = l->next) {
		PopplerAnnotMapping *m = l->data;
		if (!m || !m->annot)
			continue;
		char *c = poppler_annot_get_contents(m->annot);
		if (c) {
			cg_sec_sink_end(s);
			found = cg_sec_sink_lines(s, c, strlen(c)) ||
				cg_sec_sink_end(s);
			g_free(c);
		}
	}
	poppler_page_free_annot_mapping(list);
	return found;
}

cg_err cg_sec_pdf_text(cg_sec_sink *s, const unsigned char *p, size_t n,
		       cg_buf *why)
{
	GBytes *bytes = g_bytes_new_static(p, n);
	GError *gerr = NULL;
	PopplerDocument *d = poppler_document_new_from_bytes(bytes, NULL, &gerr);
	g_bytes_unref(bytes);
	if (!d) {
		cg_err err = CG_EPARSE;
		if (gerr && gerr->domain == POPPLER_ERROR &&
		    gerr->code == POPPLER_ERROR_ENCRYPTED) {
			cg_buf_puts(why, "encrypted PDF (password-protected)");
			err = CG_EENCRYPTED;
		} else {
			cg_buf_printf(why, "corrupt PDF: %s",
				      gerr && gerr->message ? gerr->message
							    : "cannot be opened");
		}
		if (gerr)
			g_error_free(gerr);
		return err;
	}
	int pages = poppler_document_get_n_pages(d);
	if (pages > CG_SEC_MAX_PDF_PAGES)
		pages = CG_SEC_MAX_PDF_PAGES;
	bool found = false;
	for (int i = 0; i < pages && !found; i++) {
		PopplerPage *pg = poppler_document_get_page(d, i);
		if (!pg)
			continue;
		char *text = poppler_page_get_text(pg);
		cg_sec_sink_loc(s, i == 0 ? "first_page" : "body");
		if (text) {
			found = cg_sec_sink_lines(s, text, strlen(text)) ||
				cg_sec_sink_end(s);
			g_free(text);
		}
		if (!found)
			found = annot_text(s, pg);
		g_object_unref(pg);
	}
	g_object_unref(d);
	return CG_OK;
}
