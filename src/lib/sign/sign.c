/*
 * sign.c - CMS detached signatures with GnuTLS (sign.h): keys from a PEM
 * file or a PKCS#11 URI, certificates from a PEM file or the token, the
 * signing-certificate-v2 attribute built here (a fixed 40-byte DER
 * structure around the certificate's SHA-256), and verification that
 * checks the signature with the certificate the CMS carries, then, when a
 * CA file is given, the chain.
 *
 * A PKCS#11 module named by the caller is loaded once per process in
 * GnuTLS's manual mode; without one GnuTLS loads the modules registered
 * with p11-kit on first use.
 */
#include "sign/sign.h"

#include <gnutls/abstract.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gnutls/pkcs11.h>
#include <gnutls/pkcs7.h>
#include <gnutls/x509.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/fileio.h"
#include "core/limits.h"

/* id-aa-signingCertificateV2 (RFC 5035) */
#define OID_SIGNING_CERT_V2 "1.2.840.113549.1.9.16.2.47"

struct cg_signer {
	cg_signer_opts o;
	gnutls_privkey_t key;
	gnutls_x509_crt_t crt;
	char subject[512];
	char name[256];
	bool pin_refused;
};

static void say(cg_buf *why, const char *what, int rc)
{
	if (!why)
		return;
	cg_buf_reset(why);
	if (rc)
		cg_buf_printf(why, "%s: %s", what, gnutls_strerror(rc));
	else
		cg_buf_puts(why, what);
}

static int pin_cb(void *ud, int attempt, const char *token_url, const char *token_label,
                  unsigned int flags, char *pin, size_t pin_max)
{
	(void)token_url;
	cg_signer *s = ud;
	/* never try a second PIN: a token locks itself after a few */
	if (attempt > 0 || (flags & GNUTLS_PIN_WRONG) || !s->o.pin) {
		s->pin_refused = true;
		return GNUTLS_E_PKCS11_PIN_ERROR;
	}
	if (s->o.pin(s->o.pin_ud, token_label ? token_label : "", pin, pin_max) != 0) {
		s->pin_refused = true;
		return GNUTLS_E_PKCS11_PIN_ERROR;
	}
	return 0;
}

static pthread_mutex_t p11_lock = PTHREAD_MUTEX_INITIALIZER;
static char p11_module[4096];

static cg_err load_module(const char *module, cg_buf *why)
{
	cg_err err = CG_OK;
	pthread_mutex_lock(&p11_lock);
	if (p11_module[0]) {
		if (strcmp(p11_module, module) != 0) {
			say(why, "only one PKCS#11 module can be loaded in a process", 0);
			err = CG_EINVAL;
		}
	} else {
		int rc = gnutls_pkcs11_init(GNUTLS_PKCS11_FLAG_MANUAL, NULL);
		if (rc >= 0)
			rc = gnutls_pkcs11_add_provider(module, NULL);
		if (rc < 0) {
			say(why, module, rc);
			err = CG_ECRYPTO;
		} else if (strlen(module) < sizeof p11_module) {
			memcpy(p11_module, module, strlen(module) + 1);
		}
	}
	pthread_mutex_unlock(&p11_lock);
	return err;
}

static cg_err read_datum(const char *path, cg_buf *b, cg_buf *why)
{
	cg_buf_init(b, CG_SIGN_MAX_KEYFILE);
	return cg_read_file(path, b, why);
}

/* The certificate URI of a key's URI: its type attribute set to cert. */
static cg_err cert_uri(const char *key, cg_buf *out)
{
	cg_buf_puts(out, "pkcs11:");
	cg_slice rest = cg_slice_cstr(key + 7), attr;
	bool first = true;
	while (rest.len) {
		attr = cg_slice_cut(rest, ';', &rest);
		if (attr.len == 0 || cg_slice_starts_with(attr, CG_SLICE("type=")))
			continue;
		/* stop at a query part: "?pin-source=..." belongs to the key */
		const char *q = memchr(attr.ptr, '?', attr.len);
		if (q)
			attr.len = (size_t)(q - attr.ptr);
		if (!first)
			cg_buf_putc(out, ';');
		cg_buf_append(out, attr.ptr, attr.len);
		first = false;
		if (q)
			break;
	}
	cg_err err = cg_buf_puts(out, first ? "type=cert" : ";type=cert");
	return err;
}

static void dn_strings(gnutls_x509_crt_t crt, char *subject, size_t ns, char *name, size_t nn)
{
	gnutls_datum_t dn = {NULL, 0};
	subject[0] = name[0] = 0;
	if (gnutls_x509_crt_get_dn3(crt, &dn, 0) >= 0) {
		size_t n = dn.size < ns - 1 ? dn.size : ns - 1;
		memcpy(subject, dn.data, n);
		subject[n] = 0;
		gnutls_free(dn.data);
	}
	size_t sz = nn;
	if (gnutls_x509_crt_get_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0, 0, name, &sz) < 0) {
		size_t n = strlen(subject) < nn - 1 ? strlen(subject) : nn - 1;
		memcpy(name, subject, n);
		name[n] = 0;
	}
}

cg_err cg_signer_open(const cg_signer_opts *o, cg_signer **out, cg_buf *why)
{
	*out = NULL;
	bool p11 = strncmp(o->key, "pkcs11:", 7) == 0;
	if (!p11 && !o->cert) {
		say(why, "a key file needs its certificate (--cert)", 0);
		return CG_EINVAL;
	}
	if (p11 && o->module) {
		cg_err err = load_module(o->module, why);
		if (err)
			return err;
	}
	cg_signer *s = calloc(1, sizeof *s);
	if (!s)
		return CG_ENOMEM;
	s->o = *o;
	cg_err err = CG_ECRYPTO;
	cg_buf b;
	cg_buf_init(&b, CG_SIGN_MAX_KEYFILE);
	int rc = gnutls_privkey_init(&s->key);
	if (rc < 0 || (rc = gnutls_x509_crt_init(&s->crt)) < 0) {
		say(why, "gnutls", rc);
		goto fail;
	}
	gnutls_privkey_set_pin_function(s->key, pin_cb, s);
	gnutls_x509_crt_set_pin_function(s->crt, pin_cb, s);
	if (p11) {
		rc = gnutls_privkey_import_url(s->key, o->key, 0);
		if (rc < 0) {
			say(why, s->pin_refused ? "the token refused the PIN" : o->key,
			    s->pin_refused ? 0 : rc);
			err = s->pin_refused ? CG_EAUTH : CG_ECRYPTO;
			goto fail;
		}
	} else {
		cg_buf_free(&b);
		if ((err = read_datum(o->key, &b, why)))
			goto fail;
		gnutls_datum_t d = {(unsigned char *)b.ptr, (unsigned)b.len};
		rc = gnutls_privkey_import_x509_raw(s->key, &d, GNUTLS_X509_FMT_PEM, NULL, 0);
		if (rc < 0) {
			err = CG_ECRYPTO;
			say(why, o->key, rc);
			goto fail;
		}
	}
	cg_buf_free(&b);
	if (o->cert) {
		if ((err = read_datum(o->cert, &b, why)))
			goto fail;
		gnutls_datum_t d = {(unsigned char *)b.ptr, (unsigned)b.len};
		rc = gnutls_x509_crt_import(s->crt, &d, GNUTLS_X509_FMT_PEM);
		if (rc < 0)
			say(why, o->cert, rc);
	} else {
		cg_buf_init(&b, 8192);
		if ((err = cert_uri(o->key, &b))) {
			say(why, "PKCS#11 URI too long", 0);
			goto fail;
		}
		rc = gnutls_x509_crt_import_url(s->crt, cg_buf_cstr(&b), 0);
		if (rc < 0)
			say(why, cg_buf_cstr(&b), rc);
	}
	err = CG_ECRYPTO;
	if (rc < 0)
		goto fail;
	/* the key must be the certificate's */
	unsigned char kid1[64], kid2[64];
	size_t n1 = sizeof kid1, n2 = sizeof kid2;
	gnutls_pubkey_t pub;
	if (gnutls_pubkey_init(&pub) < 0)
		goto fail;
	rc = gnutls_pubkey_import_privkey(pub, s->key, 0, 0);
	if (rc >= 0)
		rc = gnutls_pubkey_get_key_id(pub, GNUTLS_KEYID_USE_SHA256, kid1, &n1);
	gnutls_pubkey_deinit(pub);
	if (rc >= 0)
		rc = gnutls_x509_crt_get_key_id(s->crt, GNUTLS_KEYID_USE_SHA256, kid2, &n2);
	if (rc < 0) {
		say(why, "reading the public key", rc);
		goto fail;
	}
	if (n1 != n2 || memcmp(kid1, kid2, n1) != 0) {
		say(why, "the key does not belong to the certificate", 0);
		goto fail;
	}
	dn_strings(s->crt, s->subject, sizeof s->subject, s->name, sizeof s->name);
	cg_buf_free(&b);
	*out = s;
	return CG_OK;
fail:
	cg_buf_free(&b);
	cg_signer_free(s);
	return err;
}

void cg_signer_free(cg_signer *s)
{
	if (!s)
		return;
	if (s->key)
		gnutls_privkey_deinit(s->key);
	if (s->crt)
		gnutls_x509_crt_deinit(s->crt);
	free(s);
}

const char *cg_signer_subject(const cg_signer *s)
{
	return s->subject;
}

const char *cg_signer_name(const cg_signer *s)
{
	return s->name;
}

cg_err cg_signer_cms(cg_signer *s, cg_slice data, bool with_time, cg_buf *out, cg_buf *why)
{
	gnutls_datum_t der = {NULL, 0};
	int rc = gnutls_x509_crt_export2(s->crt, GNUTLS_X509_FMT_DER, &der);
	if (rc < 0) {
		say(why, "certificate", rc);
		return CG_ECRYPTO;
	}
	/* SigningCertificateV2 { certs { ESSCertIDv2 { certHash } } }, the
	 * hash algorithm SHA-256 being the default and so left out */
	unsigned char attr[40] = {0x30, 38, 0x30, 36, 0x30, 34, 0x04, 32};
	rc = gnutls_hash_fast(GNUTLS_DIG_SHA256, der.data, der.size, attr + 8);
	gnutls_free(der.data);
	if (rc < 0) {
		say(why, "SHA-256", rc);
		return CG_ECRYPTO;
	}
	gnutls_pkcs7_attrs_t attrs = NULL;
	gnutls_datum_t ad = {attr, sizeof attr};
	gnutls_pkcs7_t p7 = NULL;
	gnutls_datum_t d = {(unsigned char *)data.ptr, (unsigned)data.len}, res = {NULL, 0};
	cg_err err = CG_ECRYPTO;
	if (data.len > CG_SIGN_MAX_FILE) {
		say(why, "too large to sign", 0);
		return CG_ETOOBIG;
	}
	if ((rc = gnutls_pkcs7_add_attr(&attrs, OID_SIGNING_CERT_V2, &ad, 0)) < 0 ||
	    (rc = gnutls_pkcs7_init(&p7)) < 0) {
		say(why, "CMS", rc);
		goto out;
	}
	unsigned flags = GNUTLS_PKCS7_INCLUDE_CERT | (with_time ? GNUTLS_PKCS7_INCLUDE_TIME : 0);
	rc = gnutls_pkcs7_sign(p7, s->crt, s->key, &d, attrs, NULL, GNUTLS_DIG_SHA256, flags);
	if (rc < 0) {
		say(why, s->pin_refused ? "the token refused the PIN" : "signing",
		    s->pin_refused ? 0 : rc);
		err = s->pin_refused ? CG_EAUTH : CG_ECRYPTO;
		goto out;
	}
	if ((rc = gnutls_pkcs7_export2(p7, GNUTLS_X509_FMT_DER, &res)) < 0) {
		say(why, "CMS export", rc);
		goto out;
	}
	err = cg_buf_append(out, res.data, res.size);
out:
	gnutls_free(res.data);
	if (p7)
		gnutls_pkcs7_deinit(p7);
	gnutls_pkcs7_attrs_deinit(attrs);
	return err;
}

size_t cg_der_length(cg_slice der)
{
	const unsigned char *p = (const unsigned char *)der.ptr;
	if (der.len < 2 || p[0] != 0x30)
		return 0;
	size_t len, hdr;
	if (p[1] < 0x80) {
		len = p[1];
		hdr = 2;
	} else {
		size_t k = p[1] & 0x7f;
		if (k == 0 || k > 4 || der.len < 2 + k)
			return 0;
		len = 0;
		for (size_t i = 0; i < k; i++)
			len = (len << 8) | p[2 + i];
		hdr = 2 + k;
	}
	if (len > der.len - hdr)
		return 0;
	return hdr + len;
}

/* The certificate among those the CMS carries whose issuer and serial
 * (or subject key id) are the signer's. */
static gnutls_x509_crt_t find_signer(gnutls_pkcs7_t p7, const gnutls_pkcs7_signature_info_st *si)
{
	int n = gnutls_pkcs7_get_crt_count(p7);
	for (int i = 0; i < n && i < 64; i++) {
		gnutls_datum_t raw = {NULL, 0};
		gnutls_x509_crt_t crt;
		if (gnutls_pkcs7_get_crt_raw2(p7, (unsigned)i, &raw) < 0)
			continue;
		if (gnutls_x509_crt_init(&crt) < 0) {
			gnutls_free(raw.data);
			continue;
		}
		int rc = gnutls_x509_crt_import(crt, &raw, GNUTLS_X509_FMT_DER);
		gnutls_free(raw.data);
		bool match = false;
		if (rc >= 0 && si->signer_serial.size) {
			unsigned char serial[128];
			size_t sn = sizeof serial;
			gnutls_datum_t idn = {NULL, 0};
			if (gnutls_x509_crt_get_serial(crt, serial, &sn) >= 0 &&
			    gnutls_x509_crt_get_raw_issuer_dn(crt, &idn) >= 0) {
				match = sn == si->signer_serial.size &&
				        memcmp(serial, si->signer_serial.data, sn) == 0 &&
				        idn.size == si->issuer_dn.size &&
				        memcmp(idn.data, si->issuer_dn.data, idn.size) == 0;
			}
			gnutls_free(idn.data);
		} else if (rc >= 0 && si->issuer_keyid.size) {
			unsigned char kid[128];
			size_t kn = sizeof kid;
			unsigned crit;
			match = gnutls_x509_crt_get_subject_key_id(crt, kid, &kn, &crit) >= 0 &&
			        kn == si->issuer_keyid.size &&
			        memcmp(kid, si->issuer_keyid.data, kn) == 0;
		}
		if (match)
			return crt;
		gnutls_x509_crt_deinit(crt);
	}
	return NULL;
}

cg_err cg_cms_verify(cg_slice cms, cg_slice data, const char *ca_file, cg_sig_info *info,
                     cg_buf *why)
{
	memset(info, 0, sizeof *info);
	gnutls_pkcs7_t p7 = NULL;
	gnutls_x509_crt_t signer = NULL;
	gnutls_x509_trust_list_t tl = NULL;
	gnutls_pkcs7_signature_info_st si;
	bool have_si = false;
	cg_err err = CG_ECRYPTO;
	gnutls_datum_t c = {(unsigned char *)cms.ptr, (unsigned)cms.len};
	gnutls_datum_t d = {(unsigned char *)data.ptr, (unsigned)data.len};
	int rc = gnutls_pkcs7_init(&p7);
	if (rc < 0 || (rc = gnutls_pkcs7_import(p7, &c, GNUTLS_X509_FMT_DER)) < 0) {
		say(why, "not a CMS signature", rc);
		goto out;
	}
	if (gnutls_pkcs7_get_signature_count(p7) < 1) {
		say(why, "the CMS holds no signature", 0);
		goto out;
	}
	if ((rc = gnutls_pkcs7_get_signature_info(p7, 0, &si)) < 0) {
		say(why, "reading the signer", rc);
		goto out;
	}
	have_si = true;
	info->signing_time = si.signing_time > 0 ? (int64_t)si.signing_time : 0;
	signer = find_signer(p7, &si);
	if (!signer) {
		say(why, "the signer's certificate is not in the signature", 0);
		goto out;
	}
	char name[256];
	dn_strings(signer, info->signer, sizeof info->signer, name, sizeof name);
	gnutls_datum_t idn = {NULL, 0};
	if (gnutls_x509_crt_get_issuer_dn3(signer, &idn, 0) >= 0) {
		size_t n = idn.size < sizeof info->issuer - 1 ? idn.size : sizeof info->issuer - 1;
		memcpy(info->issuer, idn.data, n);
		gnutls_free(idn.data);
	}
	rc = gnutls_pkcs7_verify_direct(p7, signer, 0, &d, 0);
	if (rc < 0) {
		say(why, "the signature does not match the content", 0);
		goto out;
	}
	if (ca_file) {
		if ((rc = gnutls_x509_trust_list_init(&tl, 0)) < 0) {
			say(why, "trust list", rc);
			err = CG_EINTERNAL;
			goto out;
		}
		rc = gnutls_x509_trust_list_add_trust_file(tl, ca_file, NULL, GNUTLS_X509_FMT_PEM,
		                                           0, 0);
		if (rc <= 0) {
			say(why, rc < 0 ? ca_file : "no certificate in the CA file",
			    rc < 0 ? rc : 0);
			if (why && rc < 0) {
				cg_buf_reset(why);
				cg_buf_printf(why, "%s: %s", ca_file, gnutls_strerror(rc));
			}
			err = CG_EIO;
			goto out;
		}
		rc = gnutls_pkcs7_verify(p7, tl, NULL, 0, 0, &d, 0);
		if (rc < 0) {
			say(why, "the signer's certificate does not chain to the CA given", 0);
			goto out;
		}
		info->trusted = true;
	}
	err = CG_OK;
out:
	if (have_si)
		gnutls_pkcs7_signature_info_deinit(&si);
	if (signer)
		gnutls_x509_crt_deinit(signer);
	if (tl)
		gnutls_x509_trust_list_deinit(tl, 1);
	if (p7)
		gnutls_pkcs7_deinit(p7);
	return err;
}
