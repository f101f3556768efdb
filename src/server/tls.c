/*
 * tls.c - the server's certificate: the operator's (--tls-cert/--tls-key)
 * or a self-signed one made on first run in DATA_DIR/tls/ (ECDSA P-256,
 * ten years, names localhost, 127.0.0.1, ::1 and the host name). Agents
 * do not trust it through a CA: they pin its public key, so the pin is
 * printed at start and written to DATA_DIR/tls/pin. The pin is
 * "sha256//" + base64(SHA-256(SubjectPublicKeyInfo DER)), the form curl's
 * --pinnedpubkey and CURLOPT_PINNEDPUBLICKEY take.
 */
#include <gnutls/abstract.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/fileio.h"
#include "server.h"

static cg_err gt(int rc, const char *what, cg_buf *why)
{
	if (rc >= 0)
		return CG_OK;
	cg_buf_printf(why, "%s: %s", what, gnutls_strerror(rc));
	return CG_ETLS;
}

static cg_err generate(const char *dir, cg_buf *cert_pem, cg_buf *key_pem, cg_buf *why)
{
	gnutls_x509_privkey_t key = NULL;
	gnutls_x509_crt_t crt = NULL;
	gnutls_datum_t out = {0};
	cg_err err = gt(gnutls_x509_privkey_init(&key), "key", why);
	if (!err)
		err = gt(
		    gnutls_x509_privkey_generate(
		        key, GNUTLS_PK_ECDSA, GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), 0),
		    "key generation", why);
	if (!err)
		err = gt(gnutls_x509_crt_init(&crt), "certificate", why);
	if (!err) {
		unsigned char serial[16];
		randombytes_buf(serial, sizeof serial);
		serial[0] &= 0x7f;
		time_t now = time(NULL);
		char host[256] = "localhost";
		gethostname(host, sizeof host - 1);
		host[sizeof host - 1] = '\0';
		static const unsigned char lo4[4] = {127, 0, 0, 1};
		static const unsigned char lo6[16] = {[15] = 1};
		int rc = gnutls_x509_crt_set_version(crt, 3);
		if (rc >= 0)
			rc = gnutls_x509_crt_set_serial(crt, serial, sizeof serial);
		if (rc >= 0)
			rc = gnutls_x509_crt_set_activation_time(crt, now - 86400);
		if (rc >= 0)
			rc = gnutls_x509_crt_set_expiration_time(crt, now + 10L * 365 * 86400);
		if (rc >= 0)
			rc = gnutls_x509_crt_set_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0,
			                                   "canhgac", 7);
		if (rc >= 0)
			rc = gnutls_x509_crt_set_subject_alt_name(
			    crt, GNUTLS_SAN_DNSNAME, "localhost", 9, GNUTLS_FSAN_APPEND);
		if (rc >= 0 && strcmp(host, "localhost") != 0)
			rc = gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_DNSNAME, host,
			                                          (unsigned)strlen(host),
			                                          GNUTLS_FSAN_APPEND);
		if (rc >= 0)
			rc = gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_IPADDRESS, lo4, 4,
			                                          GNUTLS_FSAN_APPEND);
		if (rc >= 0)
			rc = gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_IPADDRESS, lo6,
			                                          16, GNUTLS_FSAN_APPEND);
		if (rc >= 0)
			rc = gnutls_x509_crt_set_key(crt, key);
		if (rc >= 0)
			rc = gnutls_x509_crt_set_basic_constraints(crt, 0, -1);
		if (rc >= 0)
			rc = gnutls_x509_crt_set_key_usage(crt, GNUTLS_KEY_DIGITAL_SIGNATURE);
		if (rc >= 0)
			rc = gnutls_x509_crt_set_key_purpose_oid(crt, GNUTLS_KP_TLS_WWW_SERVER, 0);
		if (rc >= 0)
			rc = gnutls_x509_crt_sign2(crt, crt, key, GNUTLS_DIG_SHA256, 0);
		err = gt(rc, "self-signed certificate", why);
	}
	if (!err)
		err = gt(gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_PEM, &out),
		         "certificate export", why);
	if (!err) {
		err = cg_buf_append(cert_pem, out.data, out.size);
		gnutls_free(out.data);
		out.data = NULL;
	}
	if (!err)
		err = gt(gnutls_x509_privkey_export2(key, GNUTLS_X509_FMT_PEM, &out), "key export",
		         why);
	if (!err) {
		err = cg_buf_append(key_pem, out.data, out.size);
		gnutls_free(out.data);
	}
	if (crt)
		gnutls_x509_crt_deinit(crt);
	if (key)
		gnutls_x509_privkey_deinit(key);
	if (err)
		return err;
	char path[4096];
	snprintf(path, sizeof path, "%.2047s/server.key", dir);
	err = cg_write_file_atomic(path, key_pem->ptr, key_pem->len, 0600, why);
	if (!err) {
		snprintf(path, sizeof path, "%.2047s/server.crt", dir);
		err = cg_write_file_atomic(path, cert_pem->ptr, cert_pem->len, 0644, why);
	}
	return err;
}

static cg_err compute_pin(const cg_buf *cert_pem, char *pin, size_t pin_size, cg_buf *why)
{
	gnutls_x509_crt_t crt = NULL;
	gnutls_pubkey_t pub = NULL;
	gnutls_datum_t in = {(unsigned char *)cert_pem->ptr, (unsigned)cert_pem->len};
	gnutls_datum_t der = {0};
	cg_err err = gt(gnutls_x509_crt_init(&crt), "certificate", why);
	if (!err)
		err = gt(gnutls_x509_crt_import(crt, &in, GNUTLS_X509_FMT_PEM), "certificate", why);
	if (!err)
		err = gt(gnutls_pubkey_init(&pub), "public key", why);
	if (!err)
		err = gt(gnutls_pubkey_import_x509(pub, crt, 0), "public key", why);
	if (!err)
		err = gt(gnutls_pubkey_export2(pub, GNUTLS_X509_FMT_DER, &der), "public key", why);
	if (!err) {
		unsigned char h[32];
		crypto_hash_sha256(h, der.data, der.size);
		char b64[64];
		sodium_bin2base64(b64, sizeof b64, h, sizeof h, sodium_base64_VARIANT_ORIGINAL);
		snprintf(pin, pin_size, "sha256//%s", b64);
		gnutls_free(der.data);
	}
	if (pub)
		gnutls_pubkey_deinit(pub);
	if (crt)
		gnutls_x509_crt_deinit(crt);
	return err;
}

cg_err cg_tls_setup(const char *data_dir, const char *cert_file, const char *key_file,
                    cg_buf *cert_pem, cg_buf *key_pem, char *pin, size_t pin_size, cg_buf *why)
{
	char dir[2048], cpath[4096], kpath[4096];
	snprintf(dir, sizeof dir, "%.2000s/tls", data_dir);
	if (cert_file || key_file) {
		if (!cert_file || !key_file) {
			cg_buf_puts(why, "--tls-cert and --tls-key go together");
			return CG_EUSAGE;
		}
		snprintf(cpath, sizeof cpath, "%s", cert_file);
		snprintf(kpath, sizeof kpath, "%s", key_file);
	} else {
		snprintf(cpath, sizeof cpath, "%s/server.crt", dir);
		snprintf(kpath, sizeof kpath, "%s/server.key", dir);
	}
	cg_err err;
	struct stat sb;
	if (!cert_file && stat(cpath, &sb) != 0) {
		err = cg_mkdir_p(dir, 0700, why);
		if (!err)
			err = generate(dir, cert_pem, key_pem, why);
	} else {
		err = cg_read_file(cpath, cert_pem, why);
		if (!err)
			err = cg_read_file(kpath, key_pem, why);
	}
	if (!err)
		err = compute_pin(cert_pem, pin, pin_size, why);
	if (!err && !cert_file) {
		char ppath[4096], line[160];
		snprintf(ppath, sizeof ppath, "%s/pin", dir);
		snprintf(line, sizeof line, "%s\n", pin);
		err = cg_write_file_atomic(ppath, line, strlen(line), 0644, why);
	}
	return err;
}
