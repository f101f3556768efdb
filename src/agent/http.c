/*
 * http.c - see http.h. One curl easy handle per request: the agent sends
 * a request every few seconds at most, so connection reuse is not worth
 * the state; each request is independent and leaves nothing behind.
 * The Windows build has platform/http_win.c (WinHTTP) in its place; gzip
 * and the backoff are http_common.c, shared.
 */
#include "agent/http.h"

#include <curl/curl.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "core/limits.h"

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;

static void curl_init(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

static size_t on_body(char *p, size_t size, size_t n, void *ctx)
{
	cg_buf *b = ctx;
	size_t len = size * n;
	if (cg_buf_append(b, p, len))
		return 0; /* over the bound: curl fails the transfer */
	return len;
}

static cg_err curl_fail(CURLcode rc, const char *errbuf, const char *url, cg_buf *why)
{
	if (why)
		cg_buf_printf(why, "%s: %s", url, errbuf[0] ? errbuf : curl_easy_strerror(rc));
	switch (rc) {
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_SSL_CACERT_BADFILE:
		return CG_ETLS;
	case CURLE_OPERATION_TIMEDOUT:
		return CG_ETIMEOUT;
	case CURLE_WRITE_ERROR:
		return CG_ETOOBIG;
	default:
		return CG_ENET;
	}
}

static void set_tls(CURL *c, const char *pin, const char *ca_file)
{
	/* the server offers TLS 1.2 and 1.3 only; so does its agent, so a
	 * downgraded handshake is refused on this side too (issue 18.7) */
	curl_easy_setopt(c, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
	if (ca_file) {
		curl_easy_setopt(c, CURLOPT_CAINFO, ca_file);
	} else {
		/* the pin (checked by curl even so) is the trust anchor */
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	if (pin)
		curl_easy_setopt(c, CURLOPT_PINNEDPUBLICKEY, pin);
}

cg_err cg_http_request(const cg_http *h, const char *method, const char *path,
		       const char *content_type, cg_slice body, bool gzip,
		       const char *extra_header, long *status, cg_buf *resp,
		       cg_buf *why)
{
	pthread_once(&curl_once, curl_init);
	*status = 0;
	char url[2048];
	if ((size_t)snprintf(url, sizeof url, "%s%s", h->server, path) >= sizeof url)
		return CG_ETOOBIG;
	CURL *c = curl_easy_init();
	if (!c)
		return CG_ENOMEM;
	cg_buf z;
	cg_buf_init(&z, CG_MAX_REQUEST_BODY);
	cg_err err = CG_OK;
	struct curl_slist *hdr = NULL;
	char line[1024];
	if (h->token) {
		snprintf(line, sizeof line, "Authorization: Bearer %s", h->token);
		hdr = curl_slist_append(hdr, line);
	}
	if (content_type) {
		snprintf(line, sizeof line, "Content-Type: %s", content_type);
		hdr = curl_slist_append(hdr, line);
	}
	if (extra_header)
		hdr = curl_slist_append(hdr, extra_header);
	hdr = curl_slist_append(hdr, "Expect:");
	if (gzip && body.len) {
		if ((err = cg_gzip(body, &z)))
			goto out;
		body = cg_buf_slice(&z);
		hdr = curl_slist_append(hdr, "Content-Encoding: gzip");
	}
	char errbuf[CURL_ERROR_SIZE] = "";
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, h->timeout_s ? h->timeout_s : 30L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https,http");
	curl_easy_setopt(c, CURLOPT_USERAGENT, "canhgac-agent");
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, resp);
	set_tls(c, h->pin, h->ca_file);
	if (strcmp(method, "GET") != 0) {
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.len ? body.ptr : "");
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body.len);
	}
	CURLcode rc = curl_easy_perform(c);
	if (rc != CURLE_OK)
		err = curl_fail(rc, errbuf, url, why);
	else
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
out:
	curl_slist_free_all(hdr);
	curl_easy_cleanup(c);
	cg_buf_free(&z);
	return err;
}

/* "sha256//BASE64" of the DER SubjectPublicKeyInfo of a PEM certificate. */
static cg_err pin_of_pem(const char *pem, char *pin, size_t pinsize)
{
	BIO *bio = BIO_new_mem_buf(pem, -1);
	X509 *x = bio ? PEM_read_bio_X509(bio, NULL, NULL, NULL) : NULL;
	EVP_PKEY *k = x ? X509_get_pubkey(x) : NULL;
	unsigned char *der = NULL;
	int n = k ? i2d_PUBKEY(k, &der) : -1;
	cg_err err = CG_ETLS;
	if (n > 0) {
		unsigned char h[32], b64[64];
		unsigned int hl = 0;
		EVP_Digest(der, (size_t)n, h, &hl, EVP_sha256(), NULL);
		EVP_EncodeBlock(b64, h, 32);
		if ((size_t)snprintf(pin, pinsize, "sha256//%s", b64) < pinsize)
			err = CG_OK;
	}
	OPENSSL_free(der);
	EVP_PKEY_free(k);
	X509_free(x);
	BIO_free(bio);
	return err;
}

cg_err cg_http_fetch_pin(const char *url, const char *ca_file, char *pin,
			 size_t pinsize, cg_buf *why)
{
	pthread_once(&curl_once, curl_init);
	CURL *c = curl_easy_init();
	if (!c)
		return CG_ENOMEM;
	char errbuf[CURL_ERROR_SIZE] = "";
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
	curl_easy_setopt(c, CURLOPT_CONNECT_ONLY, 1L);
	curl_easy_setopt(c, CURLOPT_CERTINFO, 1L);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https");
	set_tls(c, NULL, ca_file);
	cg_err err = CG_OK;
	CURLcode rc = curl_easy_perform(c);
	if (rc != CURLE_OK) {
		err = curl_fail(rc, errbuf, url, why);
		goto out;
	}
	struct curl_certinfo *ci = NULL;
	err = CG_ETLS;
	if (curl_easy_getinfo(c, CURLINFO_CERTINFO, &ci) == CURLE_OK && ci && ci->num_of_certs > 0)
		for (struct curl_slist *s = ci->certinfo[0]; s; s = s->next)
			if (strncmp(s->data, "Cert:", 5) == 0) {
				err = pin_of_pem(s->data + 5, pin, pinsize);
				break;
			}
	if (err && why)
		cg_buf_printf(why, "%s: no server certificate to pin", url);
out:
	curl_easy_cleanup(c);
	return err;
}
