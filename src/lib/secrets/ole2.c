/*
 * ole2.c - legacy Office binary documents in OLE2 compound files, opened
 * with Debian's libgsf: Word 97-2003 (.doc), Excel 97-2003 (.xls),
 * PowerPoint 97-2003 (.ppt), and the OLE2 wrapper Office uses for a
 * password-protected .docx/.xlsx/.pptx (EncryptionInfo + EncryptedPackage).
 *
 * Word: the FIB gives the encryption flag, which table stream holds the
 * piece table (CLX), and the character counts of the sub-documents in CP
 * order (main text, footnotes, headers, comments, endnotes, text boxes,
 * header text boxes). Each piece maps a CP range to 8-bit (cp1252) or
 * UTF-16 text in the WordDocument stream. We read the header story first,
 * then the rest in order; field instructions (between 0x13 and 0x14) are
 * skipped, paragraph/cell/line/page marks end units. Word 6/95 files have
 * no piece table: their text is the 8-bit run fcMin..fcMac.
 *
 * Excel: BIFF8 records. FILEPASS means the workbook is encrypted. HEADER
 * and FOOTER records are read first, then the shared string table (SST,
 * whose strings may continue across CONTINUE records, each continuation
 * restarting with a flags byte) and LABEL cells.
 *
 * PowerPoint: the "PowerPoint Document" stream is a tree of records; the
 * text sits in TextCharsAtom (UTF-16) and TextBytesAtom (8-bit) records.
 *
 * Outlook .msg: property streams __substg1.0_TTTTYYYY (0037 subject, 1000
 * plain body, 1013 HTML body); each __attach_version1.0_#N storage holds
 * an attachment's bytes (37010102) and name (3707/3704), handed back to
 * the scanner as a document of its own.
 *
 * Every offset read from the file is bounds-checked against its stream.
 */
#include <gsf/gsf-infile-msole.h>
#include <gsf/gsf-infile.h>
#include <gsf/gsf-input-memory.h>
#include <gsf/gsf-input-proxy.h>
#include <gsf/gsf-utils.h>
#include <poppler.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "core/limits.h"
#include "secrets/extract.h"

static uint16_t u16(cg_slice s, size_t off)
{
	if (off + 2 > s.len)
		return 0;
	const unsigned char *p = (const unsigned char *)s.ptr + off;
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t u32(cg_slice s, size_t off)
{
	if (off + 4 > s.len)
		return 0;
	const unsigned char *p = (const unsigned char *)s.ptr + off;
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/* ---- Word ------------------------------------------------------------ */

typedef struct doc {
	cg_sec_sink *s;
	cg_slice word;
	const unsigned char *plc; /* CPs then PCDs */
	uint32_t npieces;
	int field;                /* depth inside field instructions */
} doc;

/* One Word character: returns true when a marking was found. */
static bool doc_char(doc *d, uint32_t c)
{
	switch (c) {
	case 0x0D: case 0x07: case 0x0B: case 0x0C: case 0x0E:
		return cg_sec_sink_end(d->s);
	case 0x13:
		d->field++;
		return false;
	case 0x14:
		if (d->field > 0)
			d->field--;
		return false;
	case 0x15:
		if (d->field > 0)
			d->field--;
		return false;
	case 0x09:
		c = ' ';
		break;
	case 0x1E:
		c = '-';
		break;
	case 0x01: case 0x08: case 0x1F: case 0x02: case 0x05:
		return false;
	default:
		break;
	}
	if (d->field == 0)
		cg_sec_sink_cp(d->s, c);
	return false;
}

static uint32_t plc_u32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/* Emits the characters with CP in [lo, hi). Returns true when found. */
static bool doc_range(doc *d, uint32_t lo, uint32_t hi, const char *loc)
{
	if (lo >= hi)
		return false;
	cg_sec_sink_loc(d->s, loc);
	d->field = 0;
	const unsigned char *pcds = d->plc + 4 * ((size_t)d->npieces + 1);
	for (uint32_t i = 0; i < d->npieces; i++) {
		uint32_t c0 = plc_u32(d->plc + 4 * (size_t)i);
		uint32_t c1 = plc_u32(d->plc + 4 * ((size_t)i + 1));
		uint32_t a = c0 > lo ? c0 : lo, b = c1 < hi ? c1 : hi;
		if (a >= b)
			continue;
		uint32_t fcv = plc_u32(pcds + 8 * (size_t)i + 2);
		bool compressed = fcv & 0x40000000u;
		size_t fc = fcv & 0x3FFFFFFFu;
		for (uint32_t cp = a; cp < b; cp++) {
			size_t k = cp - c0;
			uint32_t ch;
			if (compressed) {
				size_t off = fc / 2 + k;
				if (off >= d->word.len)
					return cg_sec_sink_end(d->s);
				uint32_t cps[3];
				cg_sec_decode_byte(CG_ENC_CP1252,
						   (unsigned char)d->word.ptr[off], cps);
				ch = cps[0];
			} else {
				size_t off = fc + 2 * k;
				if (off + 2 > d->word.len)
					return cg_sec_sink_end(d->s);
				ch = u16(d->word, off);
			}
			if (doc_char(d, ch))
				return true;
		}
	}
	return cg_sec_sink_end(d->s);
}

/* Word 6/95: no piece table, text is cp1252 bytes fcMin..fcMac. */
static cg_err doc_word95(cg_sec_sink *s, cg_slice word, cg_buf *why)
{
	uint32_t a = u32(word, 0x18), b = u32(word, 0x1C);
	if (a >= b || b > word.len) {
		cg_buf_puts(why, "Word 6/95 document with a bad text range");
		return CG_EPARSE;
	}
	cg_sec_sink_loc(s, "body");
	cg_sec_textdec dec;
	cg_sec_textdec_init(&dec, CG_ENC_CP1252);
	if (!cg_sec_textdec_feed(&dec, s, (const unsigned char *)word.ptr + a, b - a))
		cg_sec_textdec_end(&dec, s);
	return CG_OK;
}

cg_err cg_sec_doc_text(cg_sec_sink *s, cg_slice word, cg_slice t0,
		       cg_slice t1, cg_buf *why)
{
	if (word.len < 0x20 || u16(word, 0) != 0xA5EC) {
		cg_buf_puts(why, "not a Word document (bad FIB)");
		return CG_EPARSE;
	}
	uint16_t nfib = u16(word, 2), flags = u16(word, 0x0A);
	if (flags & 0x0100) {
		cg_buf_puts(why, "encrypted Word document (password-protected)");
		return CG_EENCRYPTED;
	}
	if (nfib < 101)
		return doc_word95(s, word, why);
	cg_slice table = (flags & 0x0200) ? t1 : t0;
	size_t off = 32;
	size_t csw = u16(word, off);
	off += 2 + csw * 2;
	size_t cslw = u16(word, off);
	size_t lw = off + 2;
	size_t off2 = lw + cslw * 4;
	size_t cb = u16(word, off2);
	size_t blob = off2 + 2;
	if (cslw < 22 || cb <= 33 || blob + 34 * 8 > word.len || !table.len) {
		cg_buf_puts(why, "Word document with a truncated FIB or no table stream");
		return CG_EPARSE;
	}
	uint32_t ccp[8];
	for (int i = 0; i < 8; i++) /* text ftn hdd mcr atn edn txbx hdrtxbx */
		ccp[i] = u32(word, lw + 12 + 4 * (size_t)i);
	size_t fc = u32(word, blob + 33 * 8), lcb = u32(word, blob + 33 * 8 + 4);
	if (fc > table.len || lcb > table.len - fc) {
		cg_buf_puts(why, "Word piece table outside the table stream");
		return CG_EPARSE;
	}
	cg_slice clx = cg_slice_from(table.ptr + fc, lcb);
	size_t pos = 0;
	while (pos < clx.len && clx.ptr[pos] == 0x01)
		pos += 3 + u16(clx, pos + 1);
	if (pos + 5 > clx.len || clx.ptr[pos] != 0x02) {
		cg_buf_puts(why, "Word piece table not found");
		return CG_EPARSE;
	}
	size_t plcn = u32(clx, pos + 1);
	if (plcn < 16 || plcn > clx.len - pos - 5 || (plcn - 4) % 12 ||
	    (plcn - 4) / 12 > CG_SEC_MAX_PIECES) {
		cg_buf_puts(why, "Word piece table malformed");
		return CG_EPARSE;
	}
	doc d = { .s = s, .word = word,
		  .plc = (const unsigned char *)clx.ptr + pos + 5,
		  .npieces = (uint32_t)((plcn - 4) / 12) };
	uint64_t hdr = (uint64_t)ccp[0] + ccp[1];
	uint64_t txbx = hdr + ccp[2] + ccp[3] + ccp[4] + ccp[5];
	uint64_t hdrtxbx = txbx + ccp[6];
	uint64_t total = hdrtxbx + ccp[7];
	if (total > UINT32_MAX) {
		cg_buf_puts(why, "Word character counts out of range");
		return CG_EPARSE;
	}
	/* headers (and their text boxes) first, then the body, then the rest */
	if (doc_range(&d, (uint32_t)hdr, (uint32_t)(hdr + ccp[2]), "header") ||
	    doc_range(&d, (uint32_t)hdrtxbx, (uint32_t)total, "header") ||
	    doc_range(&d, 0, ccp[0], "body") ||
	    doc_range(&d, (uint32_t)txbx, (uint32_t)hdrtxbx, "text_box") ||
	    doc_range(&d, ccp[0], (uint32_t)hdr, "body") ||
	    doc_range(&d, (uint32_t)(hdr + ccp[2]), (uint32_t)txbx, "body"))
		return CG_OK;
	return CG_OK;
}

/* ---- Excel ----------------------------------------------------------- */

typedef struct rr { /* a record and its CONTINUE records, read as one */
	cg_slice d;
	size_t pos, segend;
} rr;

static bool rr_next(rr *r)
{
	if (r->segend + 4 > r->d.len || u16(r->d, r->segend) != 0x003C)
		return false;
	size_t l = u16(r->d, r->segend + 2);
	r->pos = r->segend + 4;
	r->segend = r->pos + l;
	return r->segend <= r->d.len;
}

static bool rr_byte(rr *r, unsigned char *b)
{
	if (r->pos >= r->segend && !rr_next(r))
		return false;
	*b = (unsigned char)r->d.ptr[r->pos++];
	return true;
}

static bool rr_skip(rr *r, size_t n)
{
	while (n > 0) {
		if (r->pos >= r->segend && !rr_next(r))
			return false;
		size_t take = r->segend - r->pos < n ? r->segend - r->pos : n;
		r->pos += take;
		n -= take;
	}
	return true;
}

/* One XLUnicodeRichExtendedString into the sink as a unit. */
static bool rr_string(rr *r, cg_sec_sink *s, bool *found)
{
	unsigned char a, b, flags;
	if (!rr_byte(r, &a) || !rr_byte(r, &b) || !rr_byte(r, &flags))
		return false;
	size_t cch = (size_t)(a | b << 8), runs = 0, ext = 0;
	if (flags & 0x08) {
		if (!rr_byte(r, &a) || !rr_byte(r, &b))
			return false;
		runs = (size_t)(a | b << 8);
	}
	if (flags & 0x04) {
		unsigned char e[4];
		for (int i = 0; i < 4; i++)
			if (!rr_byte(r, &e[i]))
				return false;
		ext = (size_t)(e[0] | e[1] << 8 | e[2] << 16 | (uint32_t)e[3] << 24);
	}
	bool high = flags & 0x01;
	for (size_t i = 0; i < cch; i++) {
		if (r->pos >= r->segend) { /* continued: a new flags byte */
			if (!rr_next(r) || !rr_byte(r, &flags))
				return false;
			high = flags & 0x01;
		}
		uint32_t c;
		if (high) {
			if (!rr_byte(r, &a) || !rr_byte(r, &b))
				return false;
			c = (uint32_t)(a | b << 8);
		} else {
			if (!rr_byte(r, &a))
				return false;
			c = a;
		}
		cg_sec_sink_cp(s, c);
	}
	*found = cg_sec_sink_end(s);
	return rr_skip(r, 4 * runs) && rr_skip(r, ext);
}

/* A short XLUnicodeString inside one record, into buf as UTF-8. BIFF5
 * strings are 8-bit with a 16-bit count (cells) or an 8-bit one
 * (headers: short_count). */
static void xl_short_string(cg_slice rec, size_t off, bool biff8,
			    bool short_count, cg_buf *out)
{
	size_t cch;
	if (short_count && !biff8) {
		cch = off < rec.len ? (unsigned char)rec.ptr[off] : 0;
		off += 1;
	} else {
		cch = u16(rec, off);
		off += 2;
	}
	bool high = false;
	if (biff8) {
		if (off >= rec.len)
			return;
		high = rec.ptr[off] & 0x01;
		off++;
	}
	for (size_t i = 0; i < cch; i++) {
		uint32_t c;
		if (high) {
			if (off + 2 > rec.len)
				return;
			c = u16(rec, off);
			off += 2;
		} else {
			if (off >= rec.len)
				return;
			c = (unsigned char)rec.ptr[off++];
		}
		char tmp[4];
		size_t k = 0;
		if (c < 0x80) {
			tmp[k++] = (char)c;
		} else if (c < 0x800) {
			tmp[k++] = (char)(0xC0 | (c >> 6));
			tmp[k++] = (char)(0x80 | (c & 0x3F));
		} else {
			tmp[k++] = (char)(0xE0 | (c >> 12));
			tmp[k++] = (char)(0x80 | ((c >> 6) & 0x3F));
			tmp[k++] = (char)(0x80 | (c & 0x3F));
		}
		if (cg_buf_append(out, tmp, k))
			return;
	}
}

cg_err cg_sec_xls_text(cg_sec_sink *s, cg_slice book, cg_buf *why)
{
	bool biff8 = u16(book, 0) == 0x0809 && u16(book, 4) == 0x0600;
	cg_buf str;
	cg_buf_init(&str, 4 * CG_SEC_MAX_UNIT);
	bool found = false;
	/* pass 1: encryption, then headers and footers */
	for (size_t pos = 0; pos + 4 <= book.len && !found;) {
		uint16_t type = u16(book, pos), len = u16(book, pos + 2);
		cg_slice rec = cg_slice_from(book.ptr + pos + 4,
					     pos + 4 + len <= book.len ? len : 0);
		if (type == 0x002F) {
			cg_buf_free(&str);
			cg_buf_puts(why, "encrypted Excel workbook (password-protected)");
			return CG_EENCRYPTED;
		}
		if ((type == 0x0014 || type == 0x0015) && rec.len > 0) {
			cg_buf_reset(&str);
			xl_short_string(rec, 0, biff8, true, &str);
			cg_sec_sink_loc(s, type == 0x0014 ? "header" : "footer");
			found = cg_sec_sink_excel_hf(s, cg_buf_slice(&str));
		}
		pos += 4 + (size_t)len;
	}
	/* pass 2: cells */
	cg_sec_sink_loc(s, "cell");
	for (size_t pos = 0; pos + 4 <= book.len && !found;) {
		uint16_t type = u16(book, pos), len = u16(book, pos + 2);
		size_t next = pos + 4 + (size_t)len;
		if (next > book.len)
			break;
		if (type == 0x00FC && biff8 && len >= 8) {
			rr r = { .d = book, .pos = pos + 12, .segend = next };
			uint32_t n = u32(book, pos + 8);
			if (n > CG_SEC_MAX_PIECES)
				n = CG_SEC_MAX_PIECES;
			for (uint32_t i = 0; i < n && !found; i++)
				if (!rr_string(&r, s, &found))
					break;
		} else if (type == 0x0204 && len > 8) {
			cg_buf_reset(&str);
			xl_short_string(cg_slice_from(book.ptr + pos + 4, len), 6,
					biff8, false, &str);
			cg_sec_sink_put(s, str.ptr ? str.ptr : "", str.len);
			found = cg_sec_sink_end(s);
		}
		pos = next;
	}
	cg_buf_free(&str);
	return CG_OK;
}

/* ---- PowerPoint ------------------------------------------------------ */

static void ppt_text(cg_sec_sink *s, cg_slice d)
{
	cg_sec_sink_loc(s, "slide");
	for (size_t pos = 0; pos + 8 <= d.len;) {
		uint16_t ver = u16(d, pos) & 0x0F, type = u16(d, pos + 2);
		uint32_t len = u32(d, pos + 4);
		if (ver == 0x0F) { /* container: its children follow */
			pos += 8;
			continue;
		}
		if (len > d.len - pos - 8)
			break;
		const unsigned char *p = (const unsigned char *)d.ptr + pos + 8;
		if (type == 0x0FA0 || type == 0x0FA8) {
			cg_sec_textdec dec;
			cg_sec_textdec_init(&dec, type == 0x0FA0 ? CG_ENC_UTF16LE
								 : CG_ENC_CP1252);
			if (cg_sec_textdec_feed(&dec, s, p, len) ||
			    cg_sec_textdec_end(&dec, s))
				return;
		}
		pos += 8 + (size_t)len;
	}
}

/* ---- library set-up ------------------------------------------------- */

/* libgsf registers its GObject types lazily and not thread-safely (two
 * workers opening their first .doc at once corrupt the type table), so
 * every type the workers use is registered once, up front. */
static void libs_init_once(void)
{
	gsf_init();
	(void)gsf_input_get_type();
	(void)gsf_input_memory_get_type();
	(void)gsf_input_proxy_get_type();
	(void)gsf_infile_get_type();
	(void)gsf_infile_msole_get_type();
	(void)poppler_document_get_type();
	(void)poppler_page_get_type();
}

void cg_sec_libs_init(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, libs_init_once);
}

/* ---- the compound file ----------------------------------------------- */

static cg_err read_stream(GsfInfile *ole, const char *name, cg_buf *out,
			  bool *present)
{
	GsfInput *in = gsf_infile_child_by_name(ole, name);
	*present = in != NULL;
	if (!in)
		return CG_OK;
	gsf_off_t size = gsf_input_size(in);
	cg_err err = CG_OK;
	if (size < 0 || (uint64_t)size > CG_SEC_MAX_PART_BYTES) {
		err = CG_ETOOBIG;
	} else if (size > 0 && (err = cg_buf_reserve(out, (size_t)size)) == CG_OK) {
		if (!gsf_input_read(in, (size_t)size, (guint8 *)out->ptr))
			err = CG_EPARSE;
		else
			out->len = (size_t)size;
	}
	g_object_unref(in);
	return err;
}

/* ---- Outlook .msg --------------------------------------------------- */

/* A string property stream (…001F UTF-16, …001E 8-bit) into the sink. */
static bool msg_text(cg_sec_sink *s, GsfInfile *dir, const char *base,
		     const char *loc, cg_buf *tmp)
{
	char name[64];
	static const struct { const char *suffix; cg_sec_enc enc; } kinds[] = {
		{ "001F", CG_ENC_UTF16LE }, { "001E", CG_ENC_CP1252 },
	};
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
		bool present;
		snprintf(name, sizeof name, "%s%s", base, kinds[i].suffix);
		cg_buf_reset(tmp);
		if (read_stream(dir, name, tmp, &present) != CG_OK || !present)
			continue;
		/* the property ends at its NUL terminator */
		size_t len = 0, step = kinds[i].enc == CG_ENC_UTF16LE ? 2 : 1;
		while (len + step <= tmp->len &&
		       (tmp->ptr[len] || (step == 2 && tmp->ptr[len + 1])))
			len += step;
		tmp->len = len;
		cg_sec_sink_loc(s, loc);
		cg_sec_sink_end(s);
		cg_sec_textdec dec;
		cg_sec_textdec_init(&dec, kinds[i].enc);
		return cg_sec_textdec_feed(&dec, s, (const unsigned char *)tmp->ptr,
					   tmp->len) ||
		       cg_sec_textdec_end(&dec, s);
	}
	return false;
}

/* One attachment storage: its data stream and file name. */
static void msg_attachment(GsfInfile *att, int n, cg_sec_attach_fn fn,
			   void *ctx)
{
	cg_buf data, nm, name;
	cg_buf_init(&data, CG_SEC_MAX_PART_BYTES);
	cg_buf_init(&nm, 4096);
	cg_buf_init(&name, 1024);
	bool present;
	if (read_stream(att, "__substg1.0_37010102", &data, &present) == CG_OK &&
	    present) {
		if ((read_stream(att, "__substg1.0_3707001F", &nm, &present) == CG_OK &&
		     present) ||
		    (read_stream(att, "__substg1.0_3704001F", &nm, &present) == CG_OK &&
		     present))
			cg_sec_decode_all(CG_ENC_UTF16LE, (const unsigned char *)nm.ptr,
					  nm.len, &name);
		if (!name.len)
			cg_buf_printf(&name, "attachment-%d", n);
		fn(ctx, cg_buf_cstr(&name), (const unsigned char *)data.ptr, data.len);
	}
	cg_buf_free(&data);
	cg_buf_free(&nm);
	cg_buf_free(&name);
}

/* Subject, plain and HTML bodies, then the attachments. */
static void msg_read(cg_sec_sink *s, GsfInfile *ole, cg_sec_attach_fn fn,
		     void *ctx)
{
	cg_buf tmp, html;
	cg_buf_init(&tmp, CG_SEC_MAX_PART_BYTES);
	cg_buf_init(&html, CG_SEC_MAX_PART_BYTES);
	bool found = msg_text(s, ole, "__substg1.0_0037", "subject", &tmp) ||
		     msg_text(s, ole, "__substg1.0_1000", "body", &tmp);
	bool present;
	if (!found && read_stream(ole, "__substg1.0_10130102", &html, &present) == CG_OK &&
	    present) {
		cg_sec_sink_loc(s, "body");
		cg_sec_sink_end(s);
		found = cg_sec_xml_text(s, cg_buf_slice(&html), true);
	}
	int n = gsf_infile_num_children(ole), natt = 0;
	for (int i = 0; fn && i < n && natt < CG_SEC_MAX_MIME_PARTS; i++) {
		const char *nm = gsf_infile_name_by_index(ole, i);
		if (!nm || strncmp(nm, "__attach_version1.0_#", 21) != 0)
			continue;
		GsfInput *c = gsf_infile_child_by_index(ole, i);
		if (c && GSF_IS_INFILE(c))
			msg_attachment(GSF_INFILE(c), natt++, fn, ctx);
		if (c)
			g_object_unref(c);
	}
	cg_buf_free(&tmp);
	cg_buf_free(&html);
}

static bool has_stream(GsfInfile *ole, const char *name)
{
	GsfInput *in = gsf_infile_child_by_name(ole, name);
	if (in)
		g_object_unref(in);
	return in != NULL;
}

static cg_err ole2_dispatch(cg_sec_sink *s, GsfInfile *ole, const char **fmt,
			    cg_buf *why, cg_sec_attach_fn fn, void *ctx)
{
	cg_buf a, b, c;
	cg_buf_init(&a, CG_SEC_MAX_PART_BYTES);
	cg_buf_init(&b, CG_SEC_MAX_PART_BYTES);
	cg_buf_init(&c, CG_SEC_MAX_PART_BYTES);
	bool pa, pb, pc;
	cg_err err = CG_OK;
	if (has_stream(ole, "EncryptedPackage") || has_stream(ole, "EncryptionInfo")) {
		*fmt = "ooxml";
		cg_buf_puts(why, "encrypted Office document (password-protected)");
		err = CG_EENCRYPTED;
	} else if (has_stream(ole, "WordDocument")) {
		*fmt = "doc";
		err = read_stream(ole, "WordDocument", &a, &pa);
		if (!err)
			err = read_stream(ole, "0Table", &b, &pb);
		if (!err)
			err = read_stream(ole, "1Table", &c, &pc);
		if (!err)
			err = cg_sec_doc_text(s, cg_buf_slice(&a), cg_buf_slice(&b),
					      cg_buf_slice(&c), why);
		else if (!why->len)
			cg_buf_puts(why, "Word streams unreadable or over the size limit");
	} else if (has_stream(ole, "Workbook") || has_stream(ole, "Book")) {
		*fmt = "xls";
		err = read_stream(ole, "Workbook", &a, &pa);
		if (!err && !pa)
			err = read_stream(ole, "Book", &a, &pa);
		if (!err)
			err = cg_sec_xls_text(s, cg_buf_slice(&a), why);
		else if (!why->len)
			cg_buf_puts(why, "Excel stream unreadable or over the size limit");
	} else if (has_stream(ole, "PowerPoint Document")) {
		*fmt = "ppt";
		if (has_stream(ole, "EncryptedSummary")) {
			cg_buf_puts(why, "encrypted PowerPoint presentation (password-protected)");
			err = CG_EENCRYPTED;
		} else if ((err = read_stream(ole, "PowerPoint Document", &a, &pa)) == CG_OK) {
			ppt_text(s, cg_buf_slice(&a));
		} else {
			cg_buf_puts(why, "PowerPoint stream unreadable or over the size limit");
		}
	} else if (has_stream(ole, "__properties_version1.0")) {
		*fmt = "msg";
		msg_read(s, ole, fn, ctx);
	} else {
		*fmt = "ole2";
		err = CG_EUNSUPPORTED;
	}
	cg_buf_free(&a);
	cg_buf_free(&b);
	cg_buf_free(&c);
	return err;
}

cg_err cg_sec_ole2_text(cg_sec_sink *s, const unsigned char *p, size_t n,
			const char **fmt, cg_buf *why, cg_sec_attach_fn fn,
			void *ctx)
{
	*fmt = "ole2";
	GsfInput *in = gsf_input_memory_new(p, (gsf_off_t)n, FALSE);
	if (!in)
		return CG_ENOMEM;
	GError *gerr = NULL;
	GsfInfile *ole = gsf_infile_msole_new(in, &gerr);
	g_object_unref(in);
	if (!ole) {
		cg_buf_printf(why, "corrupt OLE2 compound file: %s",
			      gerr && gerr->message ? gerr->message : "unreadable");
		if (gerr)
			g_error_free(gerr);
		return CG_EPARSE;
	}
	cg_err err = ole2_dispatch(s, ole, fmt, why, fn, ctx);
	g_object_unref(ole);
	return err;
}
