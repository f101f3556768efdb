/*
 * pdfsign.c - PAdES-B-B signing and verification of PDF files
 * (pdfsign.h). The update is written with a placeholder /ByteRange of
 * fixed width and a /Contents hex string of CG_PDF_SIG_BYTES zero bytes;
 * once every offset is known the ranges are written into the placeholder,
 * the CMS is made over the two pieces, and its hex replaces the leading
 * zeros. Nothing in the original bytes moves.
 */
#include "sign/pdfsign.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <utf8proc.h>

#include "core/hex.h"
#include "core/limits.h"
#include "sign/pdfparse.h"

static void say(cg_buf *why, const char *msg)
{
	if (why) {
		cg_buf_reset(why);
		cg_buf_puts(why, msg);
	}
}

/* A PDF text string in UTF-16BE with its byte-order mark, as hex: the
 * signer's name may be Vietnamese. */
static cg_err put_text(cg_buf *b, const char *utf8)
{
	cg_err err = cg_buf_puts(b, "<FEFF");
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)utf8;
	utf8proc_ssize_t left = (utf8proc_ssize_t)strlen(utf8);
	while (!err && left > 0) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t k = utf8proc_iterate(p, left, &cp);
		if (k <= 0) {
			cp = 0xFFFD;
			k = 1;
		}
		p += k;
		left -= k;
		if (cp >= 0x10000) {
			cp -= 0x10000;
			err = cg_buf_printf(b, "%04X%04X", 0xD800 + (cp >> 10),
			                    0xDC00 + (cp & 0x3FF));
		} else {
			err = cg_buf_printf(b, "%04X", (unsigned)cp);
		}
	}
	return err ? err : cg_buf_putc(b, '>');
}

typedef struct xent {
	int64_t num, gen, off;
} xent;

static int xent_cmp(const void *a, const void *b)
{
	const xent *x = a, *y = b;
	return x->num < y->num ? -1 : x->num > y->num;
}

/* The first page: from the catalog's /Pages down the first /Kids. */
static cg_err first_page(cg_slice pdf, const cg_pdf_trailer *t, cg_slice cat, cg_pdf_ref *page,
                         cg_slice *dict)
{
	cg_slice v;
	cg_err err = cg_pdf_dict_get(cat, "Pages", &v);
	if (!err)
		err = cg_pdf_parse_ref(v, page);
	for (int depth = 0; !err; depth++) {
		if (depth > CG_PDF_MAX_PAGE_TREE)
			return CG_ELIMIT;
		int64_t off, gen;
		if ((err = cg_pdf_object_offset(pdf, t, page->num, &off, &gen)) ||
		    (err = cg_pdf_object_dict(pdf, off, page->num, dict)))
			break;
		page->gen = gen;
		if (cg_pdf_dict_get(*dict, "Type", &v) == CG_OK && cg_pdf_name_is(v, "Page"))
			return CG_OK;
		if ((err = cg_pdf_dict_get(*dict, "Kids", &v)) || (err = cg_pdf_first_ref(v, page)))
			break;
	}
	return err == CG_ENOTFOUND ? CG_EPARSE : err;
}

cg_err cg_pdf_sign(cg_signer *s, cg_slice pdf, int64_t when, const char *reason, cg_buf *out,
                   cg_buf *why)
{
	cg_pdf_trailer t;
	cg_err err = cg_pdf_read_trailer(pdf, &t);
	if (err == CG_EUNSUPPORTED) {
		say(why, "cross-reference streams (compressed PDF 1.5 objects) are not supported");
		return err;
	}
	if (err) {
		say(why, "not a PDF canhgac can read (no classic cross-reference table)");
		return err;
	}
	int64_t coff, cgen;
	cg_slice cat, v, page_dict, annots = {NULL, 0};
	cg_pdf_ref page;
	if ((err = cg_pdf_object_offset(pdf, &t, t.root.num, &coff, &cgen)) ||
	    (err = cg_pdf_object_dict(pdf, coff, t.root.num, &cat))) {
		say(why, "the document catalog cannot be read");
		return err == CG_ENOTFOUND ? CG_EPARSE : err;
	}
	if (cg_pdf_dict_get(cat, "AcroForm", &v) == CG_OK) {
		say(why, "the PDF already has a form or a signature: not supported");
		return CG_EUNSUPPORTED;
	}
	if ((err = first_page(pdf, &t, cat, &page, &page_dict))) {
		say(why, "the first page cannot be found");
		return err;
	}
	cg_err aerr = cg_pdf_dict_get(page_dict, "Annots", &annots);
	bool page_update = aerr == CG_ENOTFOUND || (aerr == CG_OK && annots.ptr[0] == '[');
	if (aerr && aerr != CG_ENOTFOUND) {
		say(why, "the first page cannot be read");
		return aerr;
	}
	int64_t sig = t.size, field = t.size + 1;
	xent x[4];
	size_t nx = 0;

	err = cg_buf_append(out, pdf.ptr, pdf.len);
	if (!err && pdf.ptr[pdf.len - 1] != '\n')
		err = cg_buf_putc(out, '\n');
	/* the catalog, with the form */
	x[nx++] = (xent){t.root.num, cgen, (int64_t)out->len};
	if (!err)
		err = cg_buf_printf(out, "%lld %lld obj\n", (long long)t.root.num, (long long)cgen);
	if (!err)
		err = cg_buf_append(out, cat.ptr, cat.len - 2);
	if (!err)
		err = cg_buf_printf(
		    out, "\n/AcroForm << /Fields [%lld 0 R] /SigFlags 3 >>\n>>\nendobj\n",
		    (long long)field);
	/* the first page, with the widget */
	if (!err && page_update) {
		x[nx++] = (xent){page.num, page.gen, (int64_t)out->len};
		err =
		    cg_buf_printf(out, "%lld %lld obj\n", (long long)page.num, (long long)page.gen);
		if (!err && aerr == CG_ENOTFOUND) {
			err = cg_buf_append(out, page_dict.ptr, page_dict.len - 2);
			if (!err)
				err = cg_buf_printf(out, "\n/Annots [%lld 0 R]\n>>",
				                    (long long)field);
		} else if (!err) {
			size_t before =
			    (size_t)(annots.ptr - page_dict.ptr) + annots.len - 1; /* at ']' */
			err = cg_buf_append(out, page_dict.ptr, before);
			if (!err)
				err = cg_buf_printf(out, " %lld 0 R", (long long)field);
			if (!err)
				err = cg_buf_append(out, page_dict.ptr + before,
				                    page_dict.len - before);
		}
		if (!err)
			err = cg_buf_puts(out, "\nendobj\n");
	}
	/* the signature dictionary */
	x[nx++] = (xent){sig, 0, (int64_t)out->len};
	size_t br_at = 0, lt = 0, gt = 0;
	if (!err)
		err = cg_buf_printf(out,
		                    "%lld 0 obj\n<< /Type /Sig /Filter /Adobe.PPKLite "
		                    "/SubFilter /ETSI.CAdES.detached\n/ByteRange [0 ",
		                    (long long)sig);
	br_at = out->len;
	if (!err)
		err = cg_buf_puts(out, "                                ]\n/Contents <");
	lt = out->len - 1;
	for (unsigned i = 0; !err && i < 2 * CG_PDF_SIG_BYTES; i++)
		err = cg_buf_putc(out, '0');
	if (!err)
		err = cg_buf_putc(out, '>');
	gt = out->len;
	time_t tt = (time_t)when;
	struct tm tm;
	char date[32];
	gmtime_r(&tt, &tm);
	strftime(date, sizeof date, "%Y%m%d%H%M%S", &tm);
	if (!err)
		err = cg_buf_printf(out, "\n/M (D:%sZ)\n/Name ", date);
	if (!err)
		err = put_text(out, cg_signer_name(s));
	if (!err && reason) {
		err = cg_buf_puts(out, "\n/Reason ");
		if (!err)
			err = put_text(out, reason);
	}
	if (!err)
		err = cg_buf_puts(out, "\n>>\nendobj\n");
	/* the field and its widget: invisible, on the first page */
	x[nx++] = (xent){field, 0, (int64_t)out->len};
	if (!err)
		err = cg_buf_printf(out,
		                    "%lld 0 obj\n<< /Type /Annot /Subtype /Widget /FT /Sig "
		                    "/T (Signature%lld) /V %lld 0 R /F 132 /Rect [0 0 0 0] "
		                    "/P %lld %lld R >>\nendobj\n",
		                    (long long)field, (long long)field, (long long)sig,
		                    (long long)page.num, (long long)page.gen);
	/* the update's cross-reference section and trailer */
	qsort(x, nx, sizeof x[0], xent_cmp);
	int64_t xref = (int64_t)out->len;
	if (!err)
		err = cg_buf_puts(out, "xref\n0 1\n0000000000 65535 f \n");
	for (size_t i = 0; !err && i < nx; i++)
		err = cg_buf_printf(out, "%lld 1\n%010lld %05lld n \n", (long long)x[i].num,
		                    (long long)x[i].off, (long long)x[i].gen);
	if (!err)
		err = cg_buf_printf(out, "trailer\n<< /Size %lld /Root %lld %lld R",
		                    (long long)(t.size + 2), (long long)t.root.num,
		                    (long long)t.root.gen);
	if (!err && t.info.len) {
		err = cg_buf_puts(out, " /Info ");
		if (!err)
			err = cg_buf_append(out, t.info.ptr, t.info.len);
	}
	if (!err && t.id.len) {
		err = cg_buf_puts(out, " /ID ");
		if (!err)
			err = cg_buf_append(out, t.id.ptr, t.id.len);
	}
	if (!err)
		err = cg_buf_printf(out, " /Prev %lld >>\nstartxref\n%lld\n%%%%EOF\n",
		                    (long long)t.startxref, (long long)xref);
	if (err) {
		say(why, "the signed PDF would be too large");
		return err;
	}
	/* the ranges: everything but the hex string, '<' and '>' included in
	 * the hole as PDF readers expect */
	char br[40];
	int k = snprintf(br, sizeof br, "%-10zu %-10zu %-10zu", lt, gt, out->len - gt);
	if (k != 32) {
		say(why, "the file is too large to sign");
		return CG_ETOOBIG;
	}
	memcpy(out->ptr + br_at, br, 32);
	cg_buf data, der;
	cg_buf_init(&data, (size_t)CG_SIGN_MAX_FILE + 2u * CG_PDF_SIG_BYTES + 65536u);
	cg_buf_init(&der, CG_PDF_SIG_BYTES * 4);
	err = cg_buf_append(&data, out->ptr, lt);
	if (!err)
		err = cg_buf_append(&data, out->ptr + gt, out->len - gt);
	if (!err)
		err = cg_signer_cms(s, cg_buf_slice(&data), false, &der, why);
	if (!err && der.len > CG_PDF_SIG_BYTES) {
		say(why, "the signature is larger than the space kept for it");
		err = CG_ETOOBIG;
	}
	if (!err) {
		char *hex = malloc(2 * der.len + 1);
		if (!hex) {
			err = CG_ENOMEM;
		} else {
			cg_hex_encode(der.ptr, der.len, hex);
			memcpy(out->ptr + lt + 1, hex, 2 * der.len);
			free(hex);
		}
	}
	cg_buf_free(&data);
	cg_buf_free(&der);
	return err;
}

int64_t cg_pdf_parse_date(cg_slice s)
{
	size_t i = 0;
	if (i < s.len && s.ptr[i] == '(')
		i++;
	if (i + 2 > s.len || s.ptr[i] != 'D' || s.ptr[i + 1] != ':')
		return 0;
	i += 2;
	int f[6] = {0, 1, 1, 0, 0, 0}, w[6] = {4, 2, 2, 2, 2, 2};
	for (int k = 0; k < 6; k++) {
		if (i >= s.len || s.ptr[i] < '0' || s.ptr[i] > '9') {
			if (k == 0)
				return 0;
			break;
		}
		int v = 0;
		for (int d = 0; d < w[k]; d++, i++) {
			if (i >= s.len || s.ptr[i] < '0' || s.ptr[i] > '9')
				return 0;
			v = v * 10 + (s.ptr[i] - '0');
		}
		f[k] = v;
	}
	if (f[1] < 1 || f[1] > 12 || f[2] < 1 || f[2] > 31 || f[3] > 23 || f[4] > 59 || f[5] > 60)
		return 0;
	int64_t off = 0;
	if (i < s.len && (s.ptr[i] == '+' || s.ptr[i] == '-')) {
		int sign = s.ptr[i] == '-' ? -1 : 1, hh = 0, mm = 0;
		i++;
		for (int d = 0; d < 2 && i < s.len && s.ptr[i] >= '0' && s.ptr[i] <= '9'; d++, i++)
			hh = hh * 10 + (s.ptr[i] - '0');
		if (i < s.len && s.ptr[i] == '\'')
			i++;
		for (int d = 0; d < 2 && i < s.len && s.ptr[i] >= '0' && s.ptr[i] <= '9'; d++, i++)
			mm = mm * 10 + (s.ptr[i] - '0');
		off = sign * (hh * 3600 + mm * 60);
	}
	struct tm tm = {0};
	tm.tm_year = f[0] - 1900;
	tm.tm_mon = f[1] - 1;
	tm.tm_mday = f[2];
	tm.tm_hour = f[3];
	tm.tm_min = f[4];
	tm.tm_sec = f[5];
	return (int64_t)timegm(&tm) - off;
}

/* One signature: its ranges, its hex string, its CMS. */
static cg_err verify_one(cg_slice pdf, size_t at, cg_slice brv, const char *ca,
                         cg_pdf_sig_result *r, cg_buf *why)
{
	int64_t br[4];
	if (cg_pdf_parse_byterange(brv, br) || br[0] != 0 || br[1] < 1 || br[2] <= br[1] ||
	    br[2] > (int64_t)pdf.len || br[3] > (int64_t)pdf.len - br[2] || pdf.ptr[br[1]] != '<' ||
	    pdf.ptr[br[2] - 1] != '>' || (br[2] - br[1]) % 2 != 0) {
		say(why, "its /ByteRange is malformed");
		return CG_ECRYPTO;
	}
	r->whole_file = br[2] + br[3] == (int64_t)pdf.len;
	cg_slice hex = cg_slice_from(pdf.ptr + br[1] + 1, (size_t)(br[2] - br[1] - 2));
	size_t n = hex.len / 2;
	cg_buf der, data;
	cg_buf_init(&der, CG_SIGN_MAX_FILE);
	cg_buf_init(&data, CG_SIGN_MAX_FILE);
	cg_err err = cg_buf_reserve(&der, n + 1);
	if (err) {
		cg_buf_free(&der);
		cg_buf_free(&data);
		return err;
	}
	if (!cg_hex_decode(hex, der.ptr, n)) {
		say(why, "its /Contents is not hex");
		err = CG_ECRYPTO;
		goto out;
	}
	der.len = n;
	size_t dl = cg_der_length(cg_buf_slice(&der));
	for (size_t i = dl; dl && i < n; i++)
		if (der.ptr[i]) {
			dl = 0;
			break;
		}
	if (!dl) {
		say(why, "its /Contents holds no DER signature, or bytes after it");
		err = CG_ECRYPTO;
		goto out;
	}
	err = cg_buf_append(&data, pdf.ptr, (size_t)br[1]);
	if (!err)
		err = cg_buf_append(&data, pdf.ptr + br[2], (size_t)br[3]);
	if (err)
		goto out;
	cg_slice dict, m;
	if (cg_pdf_enclosing_dict(pdf, at, &dict) == CG_OK &&
	    cg_pdf_dict_get(dict, "M", &m) == CG_OK)
		r->pdf_time = cg_pdf_parse_date(m);
	err = cg_cms_verify(cg_slice_from(der.ptr, dl), cg_buf_slice(&data), ca, &r->info, why);
out:
	cg_buf_free(&der);
	cg_buf_free(&data);
	return err;
}

cg_err cg_pdf_verify(cg_slice pdf, const char *ca_file, cg_pdf_sig_result *res, size_t max,
                     size_t *n, cg_buf *why)
{
	*n = 0;
	size_t pos = 0, at;
	cg_slice val;
	if (pdf.len < 8 || memcmp(pdf.ptr, "%PDF-", 5) != 0) {
		say(why, "not a PDF");
		return CG_EPARSE;
	}
	for (;;) {
		cg_err err = cg_pdf_next_byterange(pdf, &pos, &at, &val);
		if (err == CG_ENOTFOUND)
			break;
		if (*n >= max || *n >= CG_PDF_MAX_SIGNATURES) {
			say(why, "too many signatures");
			return CG_ELIMIT;
		}
		cg_pdf_sig_result *r = &res[(*n)++];
		memset(r, 0, sizeof *r);
		if (!err)
			err = verify_one(pdf, at, val, ca_file, r, why);
		else
			say(why, "its /ByteRange is malformed"), err = CG_ECRYPTO;
		if (err) {
			if (why) {
				cg_buf tmp;
				cg_buf_init(&tmp, 4096);
				cg_buf_printf(&tmp, "signature %zu: %s", *n, cg_buf_cstr(why));
				say(why, cg_buf_cstr(&tmp));
				cg_buf_free(&tmp);
			}
			return err;
		}
	}
	if (*n == 0) {
		say(why, "the PDF is not signed");
		return CG_ENOTFOUND;
	}
	if (!res[*n - 1].whole_file) {
		say(why, "the file was changed after its last signature");
		return CG_ECRYPTO;
	}
	return CG_OK;
}
