/*
 * pdfsign.h - PAdES baseline B-B signatures in PDF files.
 *
 * Signing appends an incremental update to the file, leaving every byte
 * before it as it was: a new catalog with /AcroForm (/SigFlags 3) listing
 * one signature field, the first page again with the field's (invisible)
 * widget in /Annots, the field, and the signature dictionary
 * (/Filter /Adobe.PPKLite, /SubFilter /ETSI.CAdES.detached, /M the signing
 * time, /Name the signer) whose /Contents holds a detached CMS signature
 * (sign.h) over the two /ByteRange pieces: the whole file but that hex
 * string. The update has its own cross-reference section with /Prev
 * pointing at the one before, so readers see the original and the
 * signature revision.
 *
 * Verification looks for every /ByteRange in the file, checks each range
 * is well-formed, that the hex string between the pieces holds exactly a
 * DER signature followed by zero padding, and the CMS over the pieces;
 * the last signature must cover the file to its end, so bytes added after
 * signing make it invalid.
 */
#ifndef CG_SIGN_PDFSIGN_H
#define CG_SIGN_PDFSIGN_H

#include "core/buf.h"
#include "sign/sign.h"

/* Appends the signed PDF (pdf plus the update) to out. when is the
 * signing time (Unix seconds); reason may be NULL. */
cg_err cg_pdf_sign(cg_signer *s, cg_slice pdf, int64_t when, const char *reason, cg_buf *out,
                   cg_buf *why);

typedef struct cg_pdf_sig_result {
	cg_sig_info info;
	int64_t pdf_time; /* /M of the signature dictionary, 0 when absent */
	bool whole_file;  /* its ranges end at the end of the file */
} cg_pdf_sig_result;

/* Checks every signature. *n (at most max) results are filled for the
 * signatures found, in file order. CG_OK: at least one, all valid and the
 * last covering the whole file; CG_ECRYPTO: invalid (why says which and
 * why); CG_ENOTFOUND: no signature. */
cg_err cg_pdf_verify(cg_slice pdf, const char *ca_file, cg_pdf_sig_result *res, size_t max,
                     size_t *n, cg_buf *why);

/* "D:YYYYMMDDHHmmSS..." (PDF dates) into Unix seconds; 0 if malformed. */
int64_t cg_pdf_parse_date(cg_slice s);

#endif
