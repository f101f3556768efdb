/*
 * http_win.c - the agent's HTTPS client (agent/http.h) on Windows, over
 * WinHTTP (the system's HTTP stack and Schannel; no TLS library of ours).
 *
 * The pin. As on Linux the server's public key is the trust anchor: the
 * SHA-256 of its certificate's SubjectPublicKeyInfo (DER), as
 * "sha256//BASE64". WinHTTP offers the server certificate in the
 * WINHTTP_CALLBACK_STATUS_SENDING_REQUEST notification, after the TLS
 * handshake and before the request's bytes leave; but the request's
 * headers are already assembled then, and a request cannot be reliably
 * stopped from inside the callback on every WinHTTP (Wine's sends it
 * anyway). So nothing secret rides on the first request of a connection:
 *
 *   1. a probe: "HEAD /" with no credential and no body, on the
 *      connection the real request will use; its certificate's key is
 *      compared with the pin, and a mismatch ends the call with CG_ETLS
 *      and the same message as libcurl's ("SSL: public key does not match
 *      pinned public key");
 *   2. the real request, on the same connection handle (WinHTTP keeps the
 *      probe's connection alive and reuses it). Its SENDING_REQUEST
 *      callback checks the key again; on a mismatch the call fails and
 *      the body, which is written only after that check
 *      (WinHttpWriteData), never leaves. The remaining gap, said plainly:
 *      if WinHTTP opened a new connection for step 2 and that connection
 *      reached another key, the request line and headers (the bearer
 *      token) were already on their way when the callback saw it; the
 *      check then fails the call, and the agent's log says so.
 *
 * Chain and host name: with the pin as the anchor, WinHTTP's own checks
 * are turned off (unknown CA, name, dates), as libcurl's are on Linux.
 * A CA file (--ca) has no WinHTTP equivalent (it trusts the system store):
 * refused with a clear error; use --pin.
 *
 * No proxy (only the configured server is contacted), no redirects,
 * TLS 1.2 and 1.3 only.
 */
#include "agent/http.h"

#include <stdio.h>
#include <string.h>
#include <windows.h>
#include <wincrypt.h>
#include <winhttp.h>

#include "core/limits.h"
#include "malware/digest.h"

typedef struct pin_check {
	const char *pin; /* expected, or NULL (fetch only) */
	char seen[128];  /* the key's pin as seen, "" before the handshake */
	bool mismatch;
} pin_check;

static cg_err pin_of_cert(const CERT_CONTEXT *cert, char *pin, size_t size)
{
	BYTE *der = NULL;
	DWORD n = 0;
	if (!CryptEncodeObjectEx(X509_ASN_ENCODING, X509_PUBLIC_KEY_INFO,
	                         &cert->pCertInfo->SubjectPublicKeyInfo, CRYPT_ENCODE_ALLOC_FLAG,
	                         NULL, &der, &n))
		return CG_ETLS;
	unsigned char h[CG_SHA256_LEN];
	cg_err err = cg_digest_sha256(der, n, h);
	LocalFree(der);
	if (err)
		return err;
	char b64[64];
	DWORD blen = sizeof b64;
	if (!CryptBinaryToStringA(h, sizeof h, CRYPT_STRING_BASE64 | CRYPT_STRING_NOCRLF, b64,
	                          &blen))
		return CG_ETLS;
	if ((size_t)snprintf(pin, size, "sha256//%s", b64) >= size)
		return CG_ETOOBIG;
	return CG_OK;
}

/* Records the server key's pin of the connection the request is about to
 * use; on a mismatch, cancels the request (its body is not yet sent). */
static void CALLBACK on_status(HINTERNET req, DWORD_PTR ctx, DWORD status, LPVOID info, DWORD len)
{
	(void)info;
	(void)len;
	pin_check *pc = (pin_check *)ctx;
	if (status != WINHTTP_CALLBACK_STATUS_SENDING_REQUEST || !pc)
		return;
	const CERT_CONTEXT *cert = NULL;
	DWORD n = sizeof cert;
	pc->seen[0] = '\0';
	if (WinHttpQueryOption(req, WINHTTP_OPTION_SERVER_CERT_CONTEXT, &cert, &n) && cert) {
		if (pin_of_cert(cert, pc->seen, sizeof pc->seen))
			pc->seen[0] = '\0';
		CertFreeCertificateContext(cert);
	}
	if (pc->pin && strcmp(pc->seen, pc->pin) != 0)
		pc->mismatch = true;
}

static void to_wide(const char *s, wchar_t *w, int n)
{
	if (MultiByteToWideChar(CP_UTF8, 0, s, -1, w, n) <= 0)
		w[0] = 0;
}

static cg_err win_fail(DWORD code, const char *url, cg_buf *why)
{
	if (why)
		cg_buf_printf(why, "%s: WinHTTP error %lu", url, (unsigned long)code);
	switch (code) {
	case ERROR_WINHTTP_TIMEOUT:
		return CG_ETIMEOUT;
	case ERROR_WINHTTP_SECURE_FAILURE:
	case ERROR_WINHTTP_SECURE_CHANNEL_ERROR:
	case ERROR_WINHTTP_SECURE_INVALID_CERT:
	case ERROR_WINHTTP_SECURE_CERT_REV_FAILED:
	case ERROR_WINHTTP_CLIENT_AUTH_CERT_NEEDED:
		return CG_ETLS;
	default:
		return CG_ENET;
	}
}

static cg_err pin_fail(const char *url, cg_buf *why)
{
	if (why)
		cg_buf_printf(why, "%s: SSL: public key does not match pinned public key", url);
	return CG_ETLS;
}

typedef struct conn {
	HINTERNET session, connect;
	char url[2048];
} conn;

static void conn_close(conn *c)
{
	if (c->connect)
		WinHttpCloseHandle(c->connect);
	if (c->session)
		WinHttpCloseHandle(c->session);
}

static cg_err conn_open(conn *c, const char *server, const char *ca_file, long timeout_s,
                        cg_buf *why)
{
	memset(c, 0, sizeof *c);
	snprintf(c->url, sizeof c->url, "%s", server);
	if (ca_file) {
		if (why)
			cg_buf_printf(why,
			              "%s: a CA file is not supported on Windows (use the pin)",
			              ca_file);
		return CG_EUNSUPPORTED;
	}
	wchar_t wurl[2048], host[256];
	to_wide(server, wurl, 2048);
	URL_COMPONENTS u;
	memset(&u, 0, sizeof u);
	u.dwStructSize = sizeof u;
	u.lpszHostName = host;
	u.dwHostNameLength = 256;
	u.dwUrlPathLength = (DWORD)-1;
	if (!WinHttpCrackUrl(wurl, 0, 0, &u) || u.nScheme != INTERNET_SCHEME_HTTPS) {
		if (why)
			cg_buf_printf(why, "%s: not an https:// URL", server);
		return CG_EINVAL;
	}
	c->session = WinHttpOpen(L"canhgac-agent", WINHTTP_ACCESS_TYPE_NO_PROXY,
	                         WINHTTP_NO_PROXY_NAME, WINHTTP_NO_PROXY_BYPASS, 0);
	if (!c->session)
		return win_fail(GetLastError(), server, why);
	int t = (int)(timeout_s ? timeout_s : 30) * 1000;
	WinHttpSetTimeouts(c->session, 10000, 10000, t, t);
	DWORD protos = WINHTTP_FLAG_SECURE_PROTOCOL_TLS1_2 | WINHTTP_FLAG_SECURE_PROTOCOL_TLS1_3;
	if (!WinHttpSetOption(c->session, WINHTTP_OPTION_SECURE_PROTOCOLS, &protos,
	                      sizeof protos)) {
		/* older Windows (and Wine) know no TLS 1.3 flag: 1.2 alone */
		protos = WINHTTP_FLAG_SECURE_PROTOCOL_TLS1_2;
		WinHttpSetOption(c->session, WINHTTP_OPTION_SECURE_PROTOCOLS, &protos,
		                 sizeof protos);
	}
	c->connect = WinHttpConnect(c->session, host, u.nPort, 0);
	if (!c->connect)
		return win_fail(GetLastError(), server, why);
	return CG_OK;
}

static HINTERNET open_request(conn *c, const char *method, const char *path, pin_check *pc)
{
	wchar_t wm[16], wp[2048];
	to_wide(method, wm, 16);
	to_wide(path, wp, 2048);
	HINTERNET r = WinHttpOpenRequest(c->connect, wm, wp, NULL, WINHTTP_NO_REFERER,
	                                 WINHTTP_DEFAULT_ACCEPT_TYPES, WINHTTP_FLAG_SECURE);
	if (!r)
		return NULL;
	DWORD flags = SECURITY_FLAG_IGNORE_UNKNOWN_CA | SECURITY_FLAG_IGNORE_CERT_CN_INVALID |
	              SECURITY_FLAG_IGNORE_CERT_DATE_INVALID |
	              SECURITY_FLAG_IGNORE_CERT_WRONG_USAGE;
	WinHttpSetOption(r, WINHTTP_OPTION_SECURITY_FLAGS, &flags, sizeof flags);
	DWORD never = WINHTTP_OPTION_REDIRECT_POLICY_NEVER;
	WinHttpSetOption(r, WINHTTP_OPTION_REDIRECT_POLICY, &never, sizeof never);
	DWORD_PTR ctx = (DWORD_PTR)pc;
	WinHttpSetOption(r, WINHTTP_OPTION_CONTEXT_VALUE, &ctx, sizeof ctx);
	WinHttpSetStatusCallback(r, on_status, WINHTTP_CALLBACK_FLAG_SEND_REQUEST, 0);
	return r;
}

/* Reads the status and body (bounded by resp's maximum). */
static cg_err read_response(HINTERNET r, const char *url, long *status, cg_buf *resp, cg_buf *why)
{
	if (!WinHttpReceiveResponse(r, NULL))
		return win_fail(GetLastError(), url, why);
	DWORD code = 0, n = sizeof code;
	if (!WinHttpQueryHeaders(r, WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER,
	                         WINHTTP_HEADER_NAME_BY_INDEX, &code, &n, WINHTTP_NO_HEADER_INDEX))
		return win_fail(GetLastError(), url, why);
	*status = (long)code;
	char buf[16384];
	for (;;) {
		DWORD got = 0;
		if (!WinHttpReadData(r, buf, sizeof buf, &got))
			return win_fail(GetLastError(), url, why);
		if (!got)
			break;
		if (resp && cg_buf_append(resp, buf, got)) {
			if (why)
				cg_buf_printf(why, "%s: response over %zu bytes", url, resp->max);
			return CG_ETOOBIG;
		}
	}
	return CG_OK;
}

/* Step 1 (see the top): HEAD / without credentials; pc->seen gets the
 * server's pin. */
static cg_err probe(conn *c, pin_check *pc, cg_buf *why)
{
	HINTERNET r = open_request(c, "HEAD", "/", pc);
	if (!r)
		return win_fail(GetLastError(), c->url, why);
	cg_err err = CG_OK;
	long status = 0;
	if (!WinHttpSendRequest(r, WINHTTP_NO_ADDITIONAL_HEADERS, 0, WINHTTP_NO_REQUEST_DATA, 0, 0,
	                        0))
		err = win_fail(GetLastError(), c->url, why);
	else
		err = read_response(r, c->url, &status, NULL, why);
	WinHttpCloseHandle(r);
	if (!err && !pc->seen[0]) {
		if (why)
			cg_buf_printf(why, "%s: no server certificate to pin", c->url);
		err = CG_ETLS;
	}
	return err;
}

cg_err cg_http_request(const cg_http *h, const char *method, const char *path,
                       const char *content_type, cg_slice body, bool gzip, const char *extra_header,
                       long *status, cg_buf *resp, cg_buf *why)
{
	*status = 0;
	conn c;
	cg_err err = conn_open(&c, h->server, h->ca_file, h->timeout_s, why);
	snprintf(c.url, sizeof c.url, "%s%s", h->server, path);
	cg_buf z, hdr;
	cg_buf_init(&z, CG_MAX_REQUEST_BODY);
	cg_buf_init(&hdr, 4096);
	HINTERNET r = NULL;
	pin_check pc = {.pin = h->pin};
	if (err)
		goto out;
	if (h->pin) {
		if ((err = probe(&c, &pc, why)))
			goto out;
		if (pc.mismatch) {
			err = pin_fail(c.url, why);
			goto out;
		}
	}
	if (gzip && body.len) {
		if ((err = cg_gzip(body, &z)))
			goto out;
		body = cg_buf_slice(&z);
		cg_buf_printf(&hdr, "Content-Encoding: gzip\r\n");
	}
	if (h->token)
		cg_buf_printf(&hdr, "Authorization: Bearer %s\r\n", h->token);
	if (content_type)
		cg_buf_printf(&hdr, "Content-Type: %s\r\n", content_type);
	if (extra_header)
		cg_buf_printf(&hdr, "%s\r\n", extra_header);
	if (!(r = open_request(&c, method, path, &pc))) {
		err = win_fail(GetLastError(), c.url, why);
		goto out;
	}
	wchar_t *wh = malloc((hdr.len + 1) * sizeof *wh);
	if (!wh) {
		err = CG_ENOMEM;
		goto out;
	}
	to_wide(cg_buf_cstr(&hdr), wh, (int)hdr.len + 1);
	pc.mismatch = false;
	BOOL sent =
	    WinHttpSendRequest(r, wh, (DWORD)-1L, WINHTTP_NO_REQUEST_DATA, 0, (DWORD)body.len, 0);
	free(wh);
	if (pc.mismatch || (h->pin && !pc.seen[0])) {
		err = pin_fail(c.url, why); /* the body stays here */
		goto out;
	}
	if (!sent) {
		err = win_fail(GetLastError(), c.url, why);
		goto out;
	}
	size_t done = 0;
	while (done < body.len) {
		DWORD w = 0,
		      chunk = body.len - done > 1u << 20 ? 1u << 20 : (DWORD)(body.len - done);
		if (!WinHttpWriteData(r, body.ptr + done, chunk, &w) || !w) {
			err = win_fail(GetLastError(), c.url, why);
			goto out;
		}
		done += w;
	}
	err = read_response(r, c.url, status, resp, why);
out:
	if (r)
		WinHttpCloseHandle(r);
	conn_close(&c);
	cg_buf_free(&z);
	cg_buf_free(&hdr);
	return err;
}

cg_err cg_http_fetch_pin(const char *url, const char *ca_file, char *pin, size_t pinsize,
                         cg_buf *why)
{
	conn c;
	pin_check pc = {0};
	cg_err err = conn_open(&c, url, ca_file, 20, why);
	if (!err)
		err = probe(&c, &pc, why);
	if (!err && (size_t)snprintf(pin, pinsize, "%s", pc.seen) >= pinsize)
		err = CG_ETOOBIG;
	conn_close(&c);
	return err;
}
