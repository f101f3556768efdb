/*
 * extract.h - internal interfaces of the secrets engine: the text sink
 * every extractor writes into, the legacy Vietnamese decoders, and the
 * extractors themselves (one file each, each fuzzed on its own).
 *
 * The sink collects one unit of text at a time (a line, a cell, a
 * paragraph) and checks it with the marking detector when the extractor
 * ends the unit. A unit longer than CG_SEC_MAX_UNIT cannot be a stamp: its
 * text is dropped as it arrives, so an extractor may push any amount of
 * text through the sink in bounded memory. Once a marking is found,
 * cg_sec_sink_found() is true and extractors stop as soon as they see it.
 *
 * Units that look like Latin-1 text with a few high letters get a second
 * chance: their bytes are re-read as TCVN3 and as VNI, the 8-bit encodings
 * of the .VnTime and VNI-Times fonts that old Vietnamese documents use in
 * every container (a .doc, a .docx, an .xls cell, an RTF run, a PDF), and
 * as Windows-1258.
 */
#ifndef CG_SECRETS_EXTRACT_H
#define CG_SECRETS_EXTRACT_H

#include <stdbool.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/limits.h"
#include "secrets/marking.h"

/* ---- the sink ------------------------------------------------------- */

typedef struct cg_sec_sink {
	cg_sec_marker marker;
	cg_buf unit;        /* current unit, max CG_SEC_MAX_UNIT */
	cg_buf alt;         /* re-decoded unit (TCVN3/VNI second chance) */
	bool overflow;      /* current unit passed the maximum: prose */
	const char *loc;    /* location label of the text being pushed */
	/* result */
	cg_sec_level level;
	const char *found_loc;
	const char *found_enc; /* "tcvn3"/"vni" when re-decoded, else NULL */
	char evidence[CG_SEC_MAX_EVIDENCE];
	/* the previous unit was "tối"/"tuyệt" alone: a stamp wrapped over
	 * two lines if this one is "mật" */
	cg_sec_level half;
	cg_buf half_text;
	uint64_t units;     /* units checked (for tests and stats) */
} cg_sec_sink;

void cg_sec_sink_init(cg_sec_sink *s);
void cg_sec_sink_free(cg_sec_sink *s);
/* Forget the result and any partial unit: a new document starts. */
void cg_sec_sink_reset(cg_sec_sink *s);
static inline bool cg_sec_sink_found(const cg_sec_sink *s)
{
	return s->level != CG_SEC_NONE;
}
static inline void cg_sec_sink_loc(cg_sec_sink *s, const char *loc)
{
	s->loc = loc;
}
/* Appends UTF-8 text to the current unit. */
void cg_sec_sink_put(cg_sec_sink *s, const char *p, size_t n);
/* Appends one code point (invalid ones become U+FFFD). */
void cg_sec_sink_cp(cg_sec_sink *s, uint32_t cp);
/* Ends the unit and checks it. Returns true when a marking was found. */
bool cg_sec_sink_end(cg_sec_sink *s);
/* Pushes UTF-8 text where every line break ends a unit; returns found.
 * The last line stays open (call cg_sec_sink_end at the end). */
bool cg_sec_sink_lines(cg_sec_sink *s, const char *p, size_t n);
/* An Excel header/footer string ("&L...&C&\"Arial,Bold\"MẬT&R&P"):
 * each section is a unit, formatting codes removed. Returns found. */
bool cg_sec_sink_excel_hf(cg_sec_sink *s, cg_slice hf);

/* ---- legacy encodings (textenc.c) ----------------------------------- */

typedef enum cg_sec_enc {
	CG_ENC_UTF8 = 0,
	CG_ENC_UTF16LE,
	CG_ENC_UTF16BE,
	CG_ENC_TCVN3,
	CG_ENC_VNI,
	CG_ENC_CP1252,
	CG_ENC_CP1258,
} cg_sec_enc;

const char *cg_sec_enc_name(cg_sec_enc e);
/* Chooses among UTF-8, TCVN3, VNI and CP1252 for 8-bit text by counting
 * where the high bytes sit: TCVN3 letters follow consonants ("m\xCBt"),
 * VNI tone and vowel marks follow vowels ("ma\xE4t"). */
cg_sec_enc cg_sec_detect_8bit(const unsigned char *p, size_t n);
/* Decodes one byte (>= 0x80) of a single-byte encoding into at most
 * three code points (VNI marks become combining characters, which the
 * NFC fold composes with the vowel before them). Returns the count. */
int cg_sec_decode_byte(cg_sec_enc e, unsigned char b, uint32_t out[3]);

/* A streaming text decoder feeding a sink, line by line. */
typedef struct cg_sec_textdec {
	cg_sec_enc enc;
	unsigned char carry[4];
	int ncarry;
	uint32_t hi_surrogate;
} cg_sec_textdec;

void cg_sec_textdec_init(cg_sec_textdec *d, cg_sec_enc enc);
/* Decodes p[0..n) into the sink, ending a unit at every line break.
 * Returns true when a marking was found (stop feeding). */
bool cg_sec_textdec_feed(cg_sec_textdec *d, cg_sec_sink *s,
			 const unsigned char *p, size_t n);
/* Flushes the last line; returns found. */
bool cg_sec_textdec_end(cg_sec_textdec *d, cg_sec_sink *s);
/* Decodes a whole 8-bit/UTF-16 text into UTF-8 (for HTML, mail parts);
 * out's maximum bounds it. */
cg_err cg_sec_decode_all(cg_sec_enc e, const unsigned char *p, size_t n,
			 cg_buf *out);

/* ---- extractors ------------------------------------------------------ */

/* Registers the GObject types of libgsf and poppler once; call before
 * starting threads (cg_sec_scanner_new does). */
void cg_sec_libs_init(void);

/* XML (OOXML/ODF parts) or HTML: text nodes, entities decoded, block
 * elements end units. Returns found. */
bool cg_sec_xml_text(cg_sec_sink *s, cg_slice x, bool html);
/* The same, but only the text inside text boxes (w:txbxContent,
 * draw:text-box), labelled "text_box". Returns found. */
bool cg_sec_xml_text_boxes(cg_sec_sink *s, cg_slice x);
/* RTF: control words, groups, \uN, \'hh in the document's code page;
 * headers/footers are pushed with location "header". Returns found. */
bool cg_sec_rtf_text(cg_sec_sink *s, cg_slice rtf);
/* An attachment found inside a document (an Outlook .msg). */
typedef void (*cg_sec_attach_fn)(void *ctx, const char *name,
				 const unsigned char *data, size_t len);
/* OLE2 compound files (legacy .doc, .xls, .ppt, Outlook .msg, encrypted
 * OOXML). *fmt gets "doc"/"xls"/"ppt"/"msg"/"ooxml"/"ole2". Attachments go
 * to fn (may be NULL). Returns CG_OK (check the sink), CG_EENCRYPTED,
 * CG_EPARSE or CG_EUNSUPPORTED with *why explaining. */
cg_err cg_sec_ole2_text(cg_sec_sink *s, const unsigned char *p, size_t n,
			const char **fmt, cg_buf *why, cg_sec_attach_fn fn,
			void *ctx);
/* Word binary stream parsing, split out for the fuzzer: word is the
 * WordDocument stream, table the 0Table/1Table stream chosen by the FIB
 * (pass both tables; the parser picks). */
cg_err cg_sec_doc_text(cg_sec_sink *s, cg_slice word, cg_slice table0,
		       cg_slice table1, cg_buf *why);
/* Excel BIFF8 Workbook stream: header/footer records first, then the
 * shared strings and label cells. */
cg_err cg_sec_xls_text(cg_sec_sink *s, cg_slice book, cg_buf *why);
/* PDF through poppler: first page first. */
cg_err cg_sec_pdf_text(cg_sec_sink *s, const unsigned char *p, size_t n,
		       cg_buf *why);

/* E-mail (RFC 5322 + MIME). The visitor gets text parts and attachments
 * (base64 / quoted-printable decoded). Callbacks return true to stop. */
typedef struct cg_sec_eml_visitor {
	void *ctx;
	bool (*text)(void *ctx, const char *loc, cg_slice text, bool html,
		     cg_sec_enc enc);
	bool (*attachment)(void *ctx, const char *name, cg_slice data);
} cg_sec_eml_visitor;
cg_err cg_sec_eml_parse(cg_slice msg, const cg_sec_eml_visitor *v);

#endif
