/*
 * secrets_extract_win.c - the secrets engine's PDF and OLE2 extractors
 * (secrets/extract.h) in the Windows build, until their Windows
 * implementations exist: poppler and libgsf are not cross-built
 * (docs/windows.md: PDF text is to come through IFilter, OLE2 compound
 * files through the system's structured storage, StgOpenStorageEx).
 *
 * Until then such a document is never passed over in silence: each is
 * reported as uninspectable with the reason, so an operator sees which
 * files the Windows scan could not read. (OLE2 answers CG_EPARSE, not
 * CG_EUNSUPPORTED, because the scanner skips CG_EUNSUPPORTED OLE2 files
 * quietly as thumbnails caches.)
 */
#include "secrets/extract.h"

void cg_sec_libs_init(void)
{
}

cg_err cg_sec_pdf_text(cg_sec_sink *s, const unsigned char *p, size_t n, cg_buf *why)
{
	(void)s;
	(void)p;
	(void)n;
	cg_buf_puts(why, "PDF text is not read by the Windows build yet");
	return CG_EUNSUPPORTED;
}

cg_err cg_sec_ole2_text(cg_sec_sink *s, const unsigned char *p, size_t n, const char **fmt,
                        cg_buf *why, cg_sec_attach_fn fn, void *ctx)
{
	(void)s;
	(void)p;
	(void)n;
	(void)fn;
	(void)ctx;
	*fmt = "ole2";
	cg_buf_puts(why, "legacy Office (OLE2: .doc .xls .ppt .msg) is not read by the Windows "
	                 "build yet");
	return CG_EPARSE;
}
