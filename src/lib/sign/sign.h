/*
 * sign.h - digital signatures on the documents canhgac hands out
 * (MISSION R12): CMS (PKCS#7) detached signatures made with a key in a
 * PEM file or on a PKCS#11 token, and their verification.
 *
 * Why GnuTLS: in Vietnam a signing key lives on a USB token that the CA
 * issued, reached through PKCS#11. GnuTLS speaks PKCS#11 natively through
 * p11-kit (a "pkcs11:" URI is a key like any other; the modules Debian
 * registers with p11-kit are found without configuration) and signs CMS
 * itself (gnutls_pkcs7_sign), with the signed attributes we add. On
 * Debian 12 OpenSSL 3 reaches tokens only through the deprecated ENGINE
 * interface (libengine-pkcs11-openssl); its PKCS#11 provider arrived in a
 * later release. GnuTLS is already linked for the server's TLS.
 *
 * What is signed: SignedData with the signer's certificate included, the
 * digest SHA-256, and the signed attributes content-type, message-digest
 * and signing-certificate-v2 (ESS, RFC 5035: binds the signature to that
 * certificate, as CAdES and PAdES baseline B require); the signing time
 * is a signed attribute in a detached .p7s and, as PAdES asks, only the
 * /M entry of the signature dictionary in a PDF (sign/pdfsign.h).
 *
 * The PIN is asked through a callback the caller gives (the command reads
 * a file or the terminal); a wrong PIN is not retried, so a token's retry
 * counter is never run down by canhgac.
 */
#ifndef CG_SIGN_SIGN_H
#define CG_SIGN_SIGN_H

#include <stdbool.h>
#include <stdint.h>

#include "core/buf.h"

/* Writes the PIN (NUL-terminated) into pin; returns 0, or -1 to give up.
 * token is the token's label, for a prompt. */
typedef int (*cg_pin_fn)(void *ud, const char *token, char *pin, size_t pin_max);

typedef struct cg_signer_opts {
	const char *key;    /* PEM file, or a "pkcs11:" URI */
	const char *cert;   /* PEM file; NULL: from the token (same URI, type=cert) */
	const char *module; /* PKCS#11 module to load; NULL: those p11-kit registers */
	cg_pin_fn pin;
	void *pin_ud;
} cg_signer_opts;

typedef struct cg_signer cg_signer;

/* Opens the key and its certificate and checks they belong together. */
cg_err cg_signer_open(const cg_signer_opts *o, cg_signer **out, cg_buf *why);
void cg_signer_free(cg_signer *s);
/* The certificate's subject, "CN=...,O=...,C=VN" (RFC 4514). */
const char *cg_signer_subject(const cg_signer *s);
/* Its common name alone (or the subject when it has none). */
const char *cg_signer_name(const cg_signer *s);

/* A detached CMS SignedData (DER) over data, appended to out. with_time
 * adds the signing-time attribute (not for PAdES). */
cg_err cg_signer_cms(cg_signer *s, cg_slice data, bool with_time, cg_buf *out, cg_buf *why);

/* What verification found. */
typedef struct cg_sig_info {
	char signer[512]; /* subject of the signing certificate */
	char issuer[512];
	int64_t signing_time; /* from the signed attributes; 0 when absent */
	bool trusted;         /* the certificate chains to the CA given */
} cg_sig_info;

/* Checks a detached CMS signature over data. ca_file (PEM, may be NULL)
 * also requires the signer's certificate to chain to it. CG_OK valid,
 * CG_ECRYPTO invalid (the reason in why), another error when the
 * signature cannot be read at all. */
cg_err cg_cms_verify(cg_slice cms, cg_slice data, const char *ca_file, cg_sig_info *info,
                     cg_buf *why);

/* The length of the DER element that starts cms (signatures in PDFs are
 * padded with zeros); 0 when it is not one. */
size_t cg_der_length(cg_slice der);

#endif
