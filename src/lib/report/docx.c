/*
 * docx.c - the document model (doc.h) as DOCX: WordprocessingML parts
 * written here as text and packed into a zip with zlib.
 *
 * The parts are the fewest a word processor needs to open the file
 * without repair: [Content_Types].xml, the package and document
 * relationships, styles.xml (Times New Roman 13 pt, the decree's font,
 * which LibreOffice shows as the metric-compatible Liberation Serif;
 * Heading1/Heading2; a table style), a header with the PAGE field that the
 * first page does not show (titlePg), the charts as PNG images drawn by
 * the PDF's chart code, and document.xml. The Decree 30 frame is two
 * borderless tables (issuing body | motto at the top, "Nơi nhận" |
 * signature block at the bottom); tables repeat their header row on each
 * page. With d->toc the contents are a TOC field under the title whose
 * cached lines (each a link to its heading's bookmark, with a PAGEREF
 * field for the page, from the PDF's layout) show until the word
 * processor updates them; settings.xml asks Word to update fields on
 * opening. Every text is escaped for XML, control characters dropped and
 * invalid UTF-8 replaced, since much of it comes from events, that is from
 * attackers.
 */
#include "report/doc.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>
#include <zlib.h>

#include "core/limits.h"

#define NS_W    "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
#define NS_R    "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#define NS_WP   "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
#define NS_A    "http://schemas.openxmlformats.org/drawingml/2006/main"
#define NS_PIC  "http://schemas.openxmlformats.org/drawingml/2006/picture"
#define REL     "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
#define XMLDECL "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"

static cg_err esc(cg_buf *b, const char *s)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)(s ? s : "");
	utf8proc_ssize_t left = (utf8proc_ssize_t)strlen((const char *)p);
	cg_err err = CG_OK;
	while (!err && left > 0) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t k = utf8proc_iterate(p, left, &cp);
		if (k <= 0) {
			err = cg_buf_puts(b, "\xEF\xBF\xBD");
			k = 1;
		} else if (cp == '&') {
			err = cg_buf_puts(b, "&amp;");
		} else if (cp == '<') {
			err = cg_buf_puts(b, "&lt;");
		} else if (cp == '>') {
			err = cg_buf_puts(b, "&gt;");
		} else if (cp == '"') {
			err = cg_buf_puts(b, "&quot;");
		} else if (cp < 0x20 && cp != '\t') {
			err = cg_buf_putc(b, ' ');
		} else if (cp == 0xFFFE || cp == 0xFFFF) {
			err = CG_OK;
		} else {
			err = cg_buf_append(b, p, (size_t)k);
		}
		p += k;
		left -= k;
	}
	return err;
}

/* A paragraph of one run. rpr and ppr are raw property XML (may be ""). */
static cg_err para(cg_buf *b, const char *ppr, const char *rpr, const char *text)
{
	cg_err err = cg_buf_printf(
	    b, "<w:p><w:pPr>%s</w:pPr><w:r><w:rPr>%s</w:rPr><w:t xml:space=\"preserve\">", ppr,
	    rpr);
	if (!err)
		err = esc(b, text);
	return err ? err : cg_buf_puts(b, "</w:t></w:r></w:p>");
}

static const char no_borders[] =
    "<w:tblBorders><w:top w:val=\"nil\"/><w:left w:val=\"nil\"/><w:bottom w:val=\"nil\"/>"
    "<w:right w:val=\"nil\"/><w:insideH w:val=\"nil\"/><w:insideV w:val=\"nil\"/></w:tblBorders>";

static cg_err frame_top(cg_buf *b, const cg_doc *d)
{
	const char *c = "<w:jc w:val=\"center\"/><w:spacing w:after=\"0\"/>";
	cg_err err = cg_buf_printf(
	    b,
	    "<w:tbl><w:tblPr><w:tblW w:w=\"9900\" w:type=\"dxa\"/><w:tblInd w:w=\"-400\" "
	    "w:type=\"dxa\"/>%s<w:tblLayout w:type=\"fixed\"/></w:tblPr><w:tblGrid>"
	    "<w:gridCol w:w=\"3700\"/><w:gridCol w:w=\"6200\"/></w:tblGrid><w:tr>"
	    "<w:tc><w:tcPr><w:tcW w:w=\"3700\" w:type=\"dxa\"/></w:tcPr>",
	    no_borders);
	if (!err && d->parent && d->parent[0])
		err = para(b, c, "<w:sz w:val=\"25\"/>", d->parent);
	if (!err)
		err = para(b, c, "<w:b/><w:sz w:val=\"25\"/>", d->issuer);
	if (!err)
		err = para(b, c, "", "———");
	if (!err)
		err = para(b, c, "", d->number);
	if (!err)
		err = cg_buf_puts(
		    b, "</w:tc><w:tc><w:tcPr><w:tcW w:w=\"6200\" w:type=\"dxa\"/></w:tcPr>");
	if (!err)
		err = para(b, c, "<w:b/><w:sz w:val=\"24\"/>",
		           d->motto     ? d->motto
		           : d->english ? "SOCIALIST REPUBLIC OF VIET NAM"
		                        : "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM");
	if (!err)
		err = para(b, c, "<w:b/><w:u w:val=\"single\"/><w:sz w:val=\"27\"/>",
		           d->slogan    ? d->slogan
		           : d->english ? "Independence - Freedom - Happiness"
		                        : "Độc lập - Tự do - Hạnh phúc");
	if (!err)
		err = para(b, c, "", "");
	if (!err)
		err = para(b, c, "<w:i/>", d->place_date);
	if (!err)
		err = cg_buf_puts(b, "</w:tc></w:tr></w:tbl>");
	const char *t = "<w:jc w:val=\"center\"/><w:spacing w:before=\"240\" w:after=\"0\"/>";
	if (!err)
		err = para(b, t, "<w:b/><w:sz w:val=\"28\"/>", d->kind_title);
	if (!err && d->title && d->title[0])
		err = para(b, "<w:jc w:val=\"center\"/><w:spacing w:after=\"240\"/>",
		           "<w:b/><w:sz w:val=\"28\"/>", d->title);
	return err;
}

static cg_err frame_bottom(cg_buf *b, const cg_doc *d)
{
	const char *c = "<w:jc w:val=\"center\"/><w:spacing w:after=\"0\"/>";
	const char *l = "<w:spacing w:after=\"0\"/>";
	cg_err err = cg_buf_printf(
	    b,
	    "<w:p/><w:tbl><w:tblPr><w:tblW w:w=\"9300\" w:type=\"dxa\"/>%s"
	    "<w:tblLayout w:type=\"fixed\"/></w:tblPr><w:tblGrid><w:gridCol w:w=\"4300\"/>"
	    "<w:gridCol w:w=\"5000\"/></w:tblGrid><w:tr><w:trPr><w:cantSplit/></w:trPr>"
	    "<w:tc><w:tcPr><w:tcW w:w=\"4300\" w:type=\"dxa\"/></w:tcPr>",
	    no_borders);
	if (!err)
		err = para(b, l, "<w:b/><w:i/><w:sz w:val=\"24\"/>",
		           d->english ? "Recipients:" : "Nơi nhận:");
	for (size_t i = 0; !err && i < d->nrecipients; i++) {
		char line[CG_DOC_MAX_CELL + 8];
		snprintf(line, sizeof line, "- %s;", d->recipients[i]);
		err = para(b, l, "<w:sz w:val=\"22\"/>", line);
	}
	if (!err)
		err = cg_buf_puts(
		    b, "</w:tc><w:tc><w:tcPr><w:tcW w:w=\"5000\" w:type=\"dxa\"/></w:tcPr>");
	if (!err)
		err = para(b, c, "<w:b/>", d->signer_role);
	if (!err && d->signed_by && d->signed_by[0]) {
		char line[700];
		snprintf(line, sizeof line, "%s %s",
		         d->english ? "Digitally signed by" : "Ký số bởi:", d->signed_by);
		err = para(b, c, "<w:i/><w:sz w:val=\"19\"/>", line);
	}
	for (int i = 0; !err && i < 3; i++)
		err = para(b, c, "", "");
	if (!err)
		err = para(b, c, "<w:b/>", d->signer_name);
	return err ? err : cg_buf_puts(b, "</w:tc></w:tr></w:tbl>");
}

static cg_err table(cg_buf *b, const cg_doc_block *t)
{
	cg_err err = CG_OK;
	if (t->text && t->text[0])
		err = para(b, "<w:jc w:val=\"center\"/><w:keepNext/><w:spacing w:after=\"60\"/>",
		           "<w:i/><w:sz w:val=\"24\"/>", t->text);
	if (!err)
		err = cg_buf_puts(
		    b, "<w:tbl><w:tblPr><w:tblStyle w:val=\"Bang\"/><w:tblW w:w=\"5000\" "
		       "w:type=\"pct\"/></w:tblPr><w:tblGrid>");
	for (size_t c = 0; !err && c < t->ncols; c++)
		err = cg_buf_printf(b, "<w:gridCol w:w=\"%zu\"/>", (size_t)9300 / t->ncols);
	if (!err)
		err = cg_buf_puts(b, "</w:tblGrid>");
	for (size_t r = 0; !err && r <= t->nrows; r++) {
		err = cg_buf_puts(b, r == 0 ? "<w:tr><w:trPr><w:tblHeader/></w:trPr>" : "<w:tr>");
		for (size_t c = 0; !err && c < t->ncols; c++) {
			err = cg_buf_puts(
			    b, r == 0 ? "<w:tc><w:tcPr><w:shd w:val=\"clear\" w:color=\"auto\" "
			                "w:fill=\"E0E6EE\"/></w:tcPr>"
			              : "<w:tc>");
			if (!err)
				err = para(
				    b,
				    r == 0 ? "<w:jc w:val=\"center\"/><w:spacing w:after=\"0\"/>"
				           : "<w:spacing w:after=\"0\"/>",
				    r == 0 ? "<w:b/><w:sz w:val=\"22\"/>" : "<w:sz w:val=\"22\"/>",
				    t->cells[r * t->ncols + c]);
			if (!err)
				err = cg_buf_puts(b, "</w:tc>");
		}
		if (!err)
			err = cg_buf_puts(b, "</w:tr>");
	}
	if (!err)
		err = cg_buf_puts(b, "</w:tbl><w:p/>");
	return err;
}

static cg_err image(cg_buf *b, int n, double w_pt, double h_pt)
{
	long long cx = (long long)(w_pt * 12700), cy = (long long)(h_pt * 12700);
	return cg_buf_printf(
	    b,
	    "<w:p><w:pPr><w:jc w:val=\"center\"/></w:pPr><w:r><w:drawing><wp:inline distT=\"0\" "
	    "distB=\"0\" distL=\"0\" distR=\"0\"><wp:extent cx=\"%lld\" cy=\"%lld\"/><wp:docPr "
	    "id=\"%d\" "
	    "name=\"chart%d\"/><a:graphic xmlns:a=\"" NS_A "\"><a:graphicData uri=\"" NS_PIC "\">"
	    "<pic:pic xmlns:pic=\"" NS_PIC
	    "\"><pic:nvPicPr><pic:cNvPr id=\"%d\" name=\"chart%d.png\"/>"
	    "<pic:cNvPicPr/></pic:nvPicPr><pic:blipFill><a:blip r:embed=\"rIdChart%d\"/><a:stretch>"
	    "<a:fillRect/></a:stretch></pic:blipFill><pic:spPr><a:xfrm><a:off x=\"0\" y=\"0\"/>"
	    "<a:ext cx=\"%lld\" cy=\"%lld\"/></a:xfrm><a:prstGeom "
	    "prst=\"rect\"><a:avLst/></a:prstGeom>"
	    "</pic:spPr></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>",
	    cx, cy, n, n, n, n, n, cx, cy);
}

/* A zip written here with zlib: each member's sizes and CRC are known
 * before its local header, so no data descriptors (LibreOffice refuses a
 * DOCX whose members have them) and no zip64 (a report is far below
 * 4 GiB). */
typedef struct zip {
	cg_buf *out;
	cg_buf central;
	uint16_t n;
} zip;

static cg_err le(cg_buf *b, uint32_t v, int bytes)
{
	unsigned char x[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
	                      (unsigned char)(v >> 24)};
	return cg_buf_append(b, x, (size_t)bytes);
}

/* A member deflated, or stored as it is (a PNG is deflated already:
 * deflating it again costs time and saves nothing). */
static cg_err add_as(zip *z, const char *name, const void *p, size_t n, bool store)
{
	if (n > 0x7fffffffu || z->out->len > 0x7fffffffu || z->n == 0xffff)
		return CG_ETOOBIG;
	uLong crc = crc32(0L, p, (uInt)n);
	uLongf cap = store ? 1 : compressBound((uLong)n) + 64;
	unsigned char *def = malloc(cap);
	if (!def)
		return CG_ENOMEM;
	cg_err err = CG_OK;
	size_t dn = n;
	const unsigned method = store ? 0 : 8;
	if (!store) {
		/* raw deflate: a zlib stream without its 2-byte header and trailer */
		z_stream zs = {0};
		if (deflateInit2(&zs, 6, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
			free(def);
			return CG_ENOMEM;
		}
		zs.next_in = (Bytef *)p;
		zs.avail_in = (uInt)n;
		zs.next_out = def;
		zs.avail_out = (uInt)cap;
		if (deflate(&zs, Z_FINISH) != Z_STREAM_END)
			err = CG_EINTERNAL;
		dn = zs.total_out;
		deflateEnd(&zs);
	}
	const void *data = store ? p : def;
	uint32_t off = (uint32_t)z->out->len;
	size_t nl = strlen(name);
	/* local header: version 2.0, no flags (UTF-8 names are ASCII here),
	 * deflate, a fixed DOS time (1 Jan 2020) so equal input gives equal
	 * bytes */
	cg_buf *b = z->out;
	if (!err)
		err = le(b, 0x04034b50, 4);
	if (!err)
		err = le(b, 20, 2) || le(b, 0, 2) || le(b, method, 2) || le(b, 0, 2) ||
		              le(b, 0x5021, 2) || le(b, (uint32_t)crc, 4) ||
		              le(b, (uint32_t)dn, 4) || le(b, (uint32_t)n, 4) ||
		              le(b, (uint32_t)nl, 2) || le(b, 0, 2) || cg_buf_append(b, name, nl) ||
		              cg_buf_append(b, data, dn)
		          ? CG_ETOOBIG
		          : CG_OK;
	free(def);
	cg_buf *c = &z->central;
	if (!err)
		err = le(c, 0x02014b50, 4) || le(c, 20, 2) || le(c, 20, 2) || le(c, 0, 2) ||
		              le(c, method, 2) || le(c, 0, 2) || le(c, 0x5021, 2) ||
		              le(c, (uint32_t)crc, 4) || le(c, (uint32_t)dn, 4) ||
		              le(c, (uint32_t)n, 4) || le(c, (uint32_t)nl, 2) || le(c, 0, 2) ||
		              le(c, 0, 2) || le(c, 0, 2) || le(c, 0, 2) || le(c, 0, 4) ||
		              le(c, off, 4) || cg_buf_append(c, name, nl)
		          ? CG_ETOOBIG
		          : CG_OK;
	z->n++;
	return err;
}

static cg_err add(zip *z, const char *name, const void *p, size_t n)
{
	return add_as(z, name, p, n, false);
}

static cg_err zip_finish(zip *z)
{
	uint32_t off = (uint32_t)z->out->len;
	cg_buf *b = z->out;
	return cg_buf_append(b, z->central.ptr, z->central.len) || le(b, 0x06054b50, 4) ||
	               le(b, 0, 2) || le(b, 0, 2) || le(b, z->n, 2) || le(b, z->n, 2) ||
	               le(b, (uint32_t)z->central.len, 4) || le(b, off, 4) || le(b, 0, 2)
	           ? CG_ETOOBIG
	           : CG_OK;
}

static const char content_types[] =
    XMLDECL "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
            "<Default Extension=\"rels\" "
            "ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
            "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
            "<Default Extension=\"png\" ContentType=\"image/png\"/>"
            "<Override PartName=\"/word/document.xml\" ContentType=\"application/"
            "vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>"
            "<Override PartName=\"/word/styles.xml\" ContentType=\"application/"
            "vnd.openxmlformats-officedocument.wordprocessingml.styles+xml\"/>"
            "<Override PartName=\"/word/header1.xml\" ContentType=\"application/"
            "vnd.openxmlformats-officedocument.wordprocessingml.header+xml\"/>"
            "<Override PartName=\"/word/settings.xml\" ContentType=\"application/"
            "vnd.openxmlformats-officedocument.wordprocessingml.settings+xml\"/>"
            "</Types>";

/* the contents' field is updated when Word opens the file */
static const char settings_toc[] =
    XMLDECL "<w:settings xmlns:w=\"" NS_W "\"><w:updateFields w:val=\"true\"/></w:settings>";
static const char settings_plain[] = XMLDECL "<w:settings xmlns:w=\"" NS_W "\"/>";

static const char package_rels[] = XMLDECL
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Type=\"" REL "officeDocument\" Target=\"word/document.xml\"/>"
    "</Relationships>";

static const char styles[] = XMLDECL
    "<w:styles xmlns:w=\"" NS_W "\"><w:docDefaults><w:rPrDefault><w:rPr>"
    "<w:rFonts w:ascii=\"Times New Roman\" w:hAnsi=\"Times New Roman\" w:cs=\"Times New Roman\" "
    "w:eastAsia=\"Times New Roman\"/><w:sz w:val=\"26\"/><w:szCs w:val=\"26\"/><w:lang "
    "w:val=\"vi-VN\"/>"
    "</w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after=\"120\" w:line=\"276\" "
    "w:lineRule=\"auto\"/></w:pPr></w:pPrDefault></w:docDefaults>"
    "<w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\"><w:name "
    "w:val=\"Normal\"/></w:style>"
    "<w:style w:type=\"paragraph\" w:styleId=\"Heading1\"><w:name w:val=\"heading 1\"/>"
    "<w:basedOn w:val=\"Normal\"/><w:next w:val=\"Normal\"/><w:pPr><w:keepNext/><w:spacing "
    "w:before=\"240\" w:after=\"120\"/><w:outlineLvl "
    "w:val=\"0\"/></w:pPr><w:rPr><w:b/></w:rPr></w:style>"
    "<w:style w:type=\"paragraph\" w:styleId=\"Heading2\"><w:name w:val=\"heading 2\"/>"
    "<w:basedOn w:val=\"Normal\"/><w:next w:val=\"Normal\"/><w:pPr><w:keepNext/><w:spacing "
    "w:before=\"120\" w:after=\"60\"/><w:outlineLvl "
    "w:val=\"1\"/></w:pPr><w:rPr><w:b/><w:i/></w:rPr>"
    "</w:style><w:style w:type=\"paragraph\" w:styleId=\"TOC1\"><w:name w:val=\"toc 1\"/>"
    "<w:basedOn w:val=\"Normal\"/><w:next w:val=\"Normal\"/><w:pPr><w:tabs><w:tab "
    "w:val=\"right\" w:leader=\"dot\" w:pos=\"9345\"/></w:tabs><w:spacing w:after=\"60\"/>"
    "</w:pPr></w:style><w:style w:type=\"paragraph\" w:styleId=\"TOC2\"><w:name "
    "w:val=\"toc 2\"/><w:basedOn w:val=\"Normal\"/><w:next w:val=\"Normal\"/><w:pPr><w:tabs>"
    "<w:tab w:val=\"right\" w:leader=\"dot\" w:pos=\"9345\"/></w:tabs><w:spacing "
    "w:after=\"60\"/><w:ind w:left=\"454\"/></w:pPr><w:rPr><w:i/></w:rPr>"
    "</w:style><w:style w:type=\"table\" w:styleId=\"Bang\"><w:name w:val=\"Bang\"/><w:tblPr>"
    "<w:tblBorders><w:top w:val=\"single\" w:sz=\"4\" w:color=\"000000\"/><w:left w:val=\"single\" "
    "w:sz=\"4\" w:color=\"000000\"/><w:bottom w:val=\"single\" w:sz=\"4\" w:color=\"000000\"/>"
    "<w:right w:val=\"single\" w:sz=\"4\" w:color=\"000000\"/><w:insideH w:val=\"single\" "
    "w:sz=\"4\" "
    "w:color=\"000000\"/><w:insideV w:val=\"single\" w:sz=\"4\" w:color=\"000000\"/></w:tblBorders>"
    "<w:tblCellMar><w:left w:w=\"80\" w:type=\"dxa\"/><w:right w:w=\"80\" w:type=\"dxa\"/>"
    "</w:tblCellMar></w:tblPr></w:style></w:styles>";

static const char header[] = XMLDECL
    "<w:hdr xmlns:w=\"" NS_W "\"><w:p><w:pPr><w:jc w:val=\"center\"/></w:pPr>"
    "<w:r><w:fldChar w:fldCharType=\"begin\"/></w:r><w:r><w:instrText xml:space=\"preserve\"> PAGE "
    "</w:instrText></w:r><w:r><w:fldChar w:fldCharType=\"separate\"/></w:r><w:r><w:t>2</w:t></w:r>"
    "<w:r><w:fldChar w:fldCharType=\"end\"/></w:r></w:p></w:hdr>";

/* A field's begin, instruction and separator runs. */
static cg_err field_begin(cg_buf *b, const char *instr)
{
	return cg_buf_printf(b,
	                     "<w:r><w:fldChar w:fldCharType=\"begin\"/></w:r><w:r><w:instrText "
	                     "xml:space=\"preserve\"> %s </w:instrText></w:r><w:r><w:fldChar "
	                     "w:fldCharType=\"separate\"/></w:r>",
	                     instr);
}

/* The contents: the TOC field over the level 1 and 2 headings, its cached
 * lines linking to bookmarks _TocN (N the heading's order) with their
 * PDF pages. */
static cg_err contents(cg_buf *b, const cg_doc *d, const int *pages, size_t nheads)
{
	cg_err err = para(b, "<w:jc w:val=\"center\"/><w:spacing w:before=\"240\"/>", "<w:b/>",
	                  d->english ? "CONTENTS" : "MỤC LỤC");
	size_t h = 0;
	for (size_t i = 0; !err && i < d->nblocks; i++) {
		const cg_doc_block *bl = &d->blocks[i];
		if (bl->kind != CG_BLK_HEADING)
			continue;
		err = cg_buf_printf(b, "<w:p><w:pPr><w:pStyle w:val=\"TOC%d\"/></w:pPr>",
		                    bl->level == 1 ? 1 : 2);
		if (!err && h == 0)
			err = field_begin(b, "TOC \\o \"1-2\" \\h \\z \\u");
		if (!err)
			err = cg_buf_printf(
			    b,
			    "<w:hyperlink w:anchor=\"_Toc%zu\" w:history=\"1\"><w:r><w:t "
			    "xml:space=\"preserve\">",
			    h + 1);
		if (!err)
			err = esc(b, bl->text);
		char ref[48];
		snprintf(ref, sizeof ref, "PAGEREF _Toc%zu \\h", h + 1);
		if (!err)
			err = cg_buf_puts(b, "</w:t></w:r><w:r><w:tab/></w:r>");
		if (!err)
			err = field_begin(b, ref);
		if (!err)
			err = cg_buf_printf(
			    b,
			    "<w:r><w:t>%d</w:t></w:r><w:r><w:fldChar w:fldCharType=\"end\"/></w:r>",
			    h < nheads ? pages[h] : 1);
		if (!err)
			err = cg_buf_puts(b, "</w:hyperlink></w:p>");
		h++;
	}
	if (!err && h)
		err = cg_buf_puts(b, "<w:p><w:r><w:fldChar w:fldCharType=\"end\"/></w:r></w:p>");
	return err;
}

/* A heading, bookmarked _TocN for the contents. */
static cg_err heading(cg_buf *b, const cg_doc_block *bl, size_t n)
{
	cg_err err =
	    cg_buf_printf(b,
	                  "<w:p><w:pPr><w:pStyle w:val=\"Heading%d\"/></w:pPr><w:bookmarkStart "
	                  "w:id=\"%zu\" w:name=\"_Toc%zu\"/><w:r><w:t xml:space=\"preserve\">",
	                  bl->level == 1 ? 1 : 2, n, n);
	if (!err)
		err = esc(b, bl->text);
	return err ? err : cg_buf_printf(b, "</w:t></w:r><w:bookmarkEnd w:id=\"%zu\"/></w:p>", n);
}

cg_err cg_doc_render_docx(const cg_doc *d, cg_buf *out, cg_buf *why)
{
	cg_buf doc, rels;
	cg_buf_init(&doc, CG_SIGN_MAX_FILE);
	cg_buf_init(&rels, 1u << 20);
	zip z = {0};
	cg_err err = cg_buf_puts(&doc, XMLDECL "<w:document xmlns:w=\"" NS_W "\" xmlns:r=\"" NS_R
	                                       "\" xmlns:wp=\"" NS_WP "\"><w:body>");
	if (!err)
		err = cg_buf_puts(
		    &rels,
		    XMLDECL "<Relationships xmlns=\"http://schemas.openxmlformats.org/"
		            "package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"" REL
		            "styles\" Target=\"styles.xml\"/><Relationship Id=\"rId2\" Type=\"" REL
		            "header\" Target=\"header1.xml\"/><Relationship Id=\"rId3\" Type=\"" REL
		            "settings\" Target=\"settings.xml\"/>");
	if (!err)
		err = frame_top(&doc, d);
	size_t nheads = 0, hn = 0;
	for (size_t i = 0; d->toc && i < d->nblocks; i++)
		nheads += d->blocks[i].kind == CG_BLK_HEADING;
	int *pages = nheads ? calloc(nheads, sizeof *pages) : NULL;
	if (!err && nheads && !pages)
		err = CG_ENOMEM;
	if (!err && nheads)
		err = cg_doc_heading_pages(d, pages, nheads);
	if (!err && nheads)
		err = contents(&doc, d, pages, nheads);
	free(pages);
	/* each chart drawn once, kept until the zip takes it */
	size_t nch = 0;
	for (size_t i = 0; i < d->nblocks; i++)
		nch += d->blocks[i].kind == CG_BLK_CHART;
	cg_buf *pngs = calloc(nch ? nch : 1, sizeof *pngs);
	if (!pngs)
		err = CG_ENOMEM;
	int ncharts = 0;
	for (size_t i = 0; !err && i < d->nblocks; i++) {
		const cg_doc_block *b = &d->blocks[i];
		switch (b->kind) {
		case CG_BLK_HEADING:
			err = heading(&doc, b, ++hn);
			break;
		case CG_BLK_PARA:
			err = para(&doc, "<w:jc w:val=\"both\"/><w:ind w:firstLine=\"567\"/>", "",
			           b->text);
			break;
		case CG_BLK_TABLE:
			err = table(&doc, b);
			break;
		case CG_BLK_CHART: {
			double h;
			cg_buf *png = &pngs[ncharts++];
			cg_buf_init(png, 16u << 20);
			err = para(&doc, "<w:jc w:val=\"center\"/><w:keepNext/>",
			           "<w:b/><w:sz w:val=\"24\"/>", b->chart->title);
			if (!err)
				err = cg_doc_chart_png(b->chart, 460, png, &h);
			if (!err)
				err = image(&doc, ncharts, 460, h);
			if (!err)
				err = cg_buf_printf(&rels,
				                    "<Relationship Id=\"rIdChart%d\" Type=\"" REL
				                    "image\" Target=\"media/chart%d.png\"/>",
				                    ncharts, ncharts);
			break;
		}
		case CG_BLK_PAGEBREAK:
			err = cg_buf_puts(&doc, "<w:p><w:r><w:br w:type=\"page\"/></w:r></w:p>");
			break;
		}
	}
	if (!err)
		err = frame_bottom(&doc, d);
	if (!err)
		err = cg_buf_puts(
		    &doc, "<w:sectPr><w:headerReference w:type=\"default\" r:id=\"rId2\"/>"
		          "<w:pgSz w:w=\"11906\" w:h=\"16838\"/><w:pgMar w:top=\"1134\" "
		          "w:right=\"850\" w:bottom=\"1134\" w:left=\"1701\" w:header=\"567\" "
		          "w:footer=\"567\" "
		          "w:gutter=\"0\"/><w:titlePg/></w:sectPr></w:body></w:document>");
	if (!err)
		err = cg_buf_puts(&rels, "</Relationships>");
	if (err)
		goto out;
	z.out = out;
	cg_buf_init(&z.central, 1u << 20);
	err = add(&z, "[Content_Types].xml", content_types, sizeof content_types - 1);
	if (!err)
		err = add(&z, "_rels/.rels", package_rels, sizeof package_rels - 1);
	if (!err)
		err = add(&z, "word/_rels/document.xml.rels", rels.ptr, rels.len);
	if (!err)
		err = add(&z, "word/styles.xml", styles, sizeof styles - 1);
	if (!err)
		err = add(&z, "word/header1.xml", header, sizeof header - 1);
	if (!err)
		err = nheads
		          ? add(&z, "word/settings.xml", settings_toc, sizeof settings_toc - 1)
		          : add(&z, "word/settings.xml", settings_plain, sizeof settings_plain - 1);
	if (!err)
		err = add(&z, "word/document.xml", doc.ptr, doc.len);
	for (int n = 0; !err && n < ncharts; n++) {
		char name[64];
		snprintf(name, sizeof name, "word/media/chart%d.png", n + 1);
		err = add_as(&z, name, pngs[n].ptr, pngs[n].len, true);
	}
	if (!err)
		err = zip_finish(&z);
	cg_buf_free(&z.central);
out:
	if (err && why) {
		cg_buf_reset(why);
		cg_buf_puts(why, "DOCX: too large");
	}
	cg_buf_free(&doc);
	cg_buf_free(&rels);
	for (int n = 0; pngs && n < ncharts; n++)
		cg_buf_free(&pngs[n]);
	free(pngs);
	return err;
}
