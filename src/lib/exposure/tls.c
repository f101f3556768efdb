/*
 * tls.c - TLS handshake probes and their verdicts (see tls.h).
 *
 * Each probe is its own TCP connection and SSL object with a context
 * built for the question asked (one version; only weak ciphers; an
 * ordinary handshake). Certificates are never trusted or refused by the
 * handshake itself (SSL_VERIFY_NONE): the chain is verified against the
 * system store and the result read afterwards, so a bad certificate is a
 * finding, not a failure to look.
 */
#include "tls.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <openssl/err.h>
#include <openssl/ocsp.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "core/json.h"

const char *const cg_xtls_proto_names[5] = {"SSLv3", "TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3"};
static const int proto_ver[5] = {SSL3_VERSION, TLS1_VERSION, TLS1_1_VERSION, TLS1_2_VERSION,
                                 TLS1_3_VERSION};

#define WEAK_CIPHERS "eNULL:aNULL:EXPORT:LOW:DES:3DES:RC4:MD5:IDEA:SEED"

static int tcp_connect(const char *host, int port, long timeout_ms, char *err, size_t errn)
{
	char ps[16];
	snprintf(ps, sizeof ps, "%d", port);
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICSERV}, *ai;
	int rc = getaddrinfo(host, ps, &hints, &ai);
	if (rc) {
		snprintf(err, errn, "%s", gai_strerror(rc));
		return -1;
	}
	int fd = -1;
	for (struct addrinfo *a = ai; a && fd < 0; a = a->ai_next) {
		fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
		if (fd < 0)
			continue;
		if (connect(fd, a->ai_addr, a->ai_addrlen) != 0 && errno != EINPROGRESS) {
			snprintf(err, errn, "%s", strerror(errno));
			close(fd);
			fd = -1;
			continue;
		}
		struct pollfd p = {.fd = fd, .events = POLLOUT};
		int soerr = 0;
		socklen_t sl = sizeof soerr;
		if (poll(&p, 1, (int)timeout_ms) != 1 ||
		    getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) != 0 || soerr) {
			snprintf(err, errn, "%s", soerr ? strerror(soerr) : "connect timed out");
			close(fd);
			fd = -1;
		}
	}
	freeaddrinfo(ai);
	if (fd >= 0) {
		int fl = fcntl(fd, F_GETFL);
		fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
		struct timeval tv = {timeout_ms / 1000, (timeout_ms % 1000) * 1000};
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
		setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	}
	return fd;
}

typedef struct hs {
	SSL_CTX *ctx;
	SSL *ssl;
	int fd;
} hs;

static void hs_close(hs *h)
{
	if (h->ssl)
		SSL_free(h->ssl);
	if (h->ctx)
		SSL_CTX_free(h->ctx);
	if (h->fd >= 0)
		close(h->fd);
	h->ssl = NULL;
	h->ctx = NULL;
	h->fd = -1;
}

/* One handshake; version 0 = any. ciphers NULL = all at level 0. */
static bool handshake(const char *host, int port, const char *sni, long tmo, int version,
                      const char *ciphers, bool ocsp, hs *h, char *err, size_t errn)
{
	*h = (hs){.fd = -1};
	h->ctx = SSL_CTX_new(TLS_client_method());
	if (!h->ctx) {
		snprintf(err, errn, "cannot make a TLS context");
		return false;
	}
	SSL_CTX_set_security_level(h->ctx, 0);
	SSL_CTX_set_verify(h->ctx, SSL_VERIFY_NONE, NULL);
	SSL_CTX_set_default_verify_paths(h->ctx);
	SSL_CTX_set_options(h->ctx, SSL_OP_LEGACY_SERVER_CONNECT |
	                                SSL_OP_ALLOW_UNSAFE_LEGACY_RENEGOTIATION);
	if (version) {
		SSL_CTX_set_min_proto_version(h->ctx, version);
		SSL_CTX_set_max_proto_version(h->ctx, version);
	} else {
		SSL_CTX_set_min_proto_version(h->ctx, 0);
	}
	const char *cl = ciphers ? ciphers : "ALL:COMPLEMENTOFALL:@SECLEVEL=0";
	if (!SSL_CTX_set_cipher_list(h->ctx, cl) && version != TLS1_3_VERSION) {
		snprintf(err, errn, "no such ciphers in this OpenSSL");
		hs_close(h);
		return false;
	}
	if (ciphers) /* weak ciphers exist only below TLS 1.3 */
		SSL_CTX_set_max_proto_version(h->ctx, TLS1_2_VERSION);
	h->fd = tcp_connect(host, port, tmo, err, errn);
	if (h->fd < 0) {
		hs_close(h);
		return false;
	}
	h->ssl = SSL_new(h->ctx);
	if (!h->ssl) {
		hs_close(h);
		return false;
	}
	SSL_set_fd(h->ssl, h->fd);
	if (sni)
		SSL_set_tlsext_host_name(h->ssl, sni);
	if (ocsp)
		SSL_set_tlsext_status_type(h->ssl, TLSEXT_STATUSTYPE_ocsp);
	ERR_clear_error();
	if (SSL_connect(h->ssl) != 1) {
		unsigned long e = ERR_peek_last_error();
		snprintf(err, errn, "%s", e ? ERR_reason_error_string(e) : "handshake refused");
		if (!err[0])
			snprintf(err, errn, "handshake refused");
		ERR_clear_error();
		hs_close(h);
		return false;
	}
	return true;
}

static int64_t asn1_unix(const ASN1_TIME *t)
{
	struct tm tm;
	if (!t || ASN1_TIME_to_tm(t, &tm) != 1)
		return 0;
	return (int64_t)timegm(&tm);
}

static bool is_ip(const char *h)
{
	unsigned char b[16];
	return inet_pton(AF_INET, h, b) == 1 || inet_pton(AF_INET6, h, b) == 1;
}

static void read_cert(SSL *ssl, const char *host, cg_xtls *o)
{
	X509 *c = SSL_get1_peer_certificate(ssl);
	if (!c)
		return;
	o->have_cert = true;
	X509_NAME_oneline(X509_get_subject_name(c), o->subject, sizeof o->subject);
	X509_NAME_oneline(X509_get_issuer_name(c), o->issuer, sizeof o->issuer);
	o->not_before = asn1_unix(X509_get0_notBefore(c));
	o->not_after = asn1_unix(X509_get0_notAfter(c));
	EVP_PKEY *k = X509_get0_pubkey(c);
	if (k) {
		o->key_bits = EVP_PKEY_get_bits(k);
		int id = EVP_PKEY_get_base_id(k);
		snprintf(o->key_type, sizeof o->key_type, "%s",
		         id == EVP_PKEY_RSA   ? "RSA"
		         : id == EVP_PKEY_EC  ? "EC"
		         : id == EVP_PKEY_DSA ? "DSA"
		                              : "other");
	}
	int nid = X509_get_signature_nid(c);
	snprintf(o->sig_alg, sizeof o->sig_alg, "%s", nid ? OBJ_nid2ln(nid) : "unknown");
	o->self_signed = X509_check_issued(c, c) == X509_V_OK && k && X509_verify(c, k) == 1;
	if (!is_ip(host)) {
		o->name_checked = true;
		o->name_ok = X509_check_host(c, host, 0, 0, NULL) == 1;
	}
	STACK_OF(X509) *chain = SSL_get_peer_cert_chain(ssl);
	o->chain_len = chain ? sk_X509_num(chain) : 1;
	o->verify = SSL_get_verify_result(ssl);
	snprintf(o->verify_text, sizeof o->verify_text, "%s",
	         X509_verify_cert_error_string(o->verify));
	const unsigned char *resp;
	o->ocsp_stapled = SSL_get_tlsext_status_ocsp_resp(ssl, &resp) > 0;
	X509_free(c);
}

void cg_xtls_probe(const char *host, int port, const char *sni, long tmo, cg_xtls *o)
{
	memset(o, 0, sizeof *o);
	char err[256] = "";
	hs h;
	int fd = tcp_connect(host, port, tmo, err, sizeof err);
	if (fd < 0) {
		snprintf(o->error, sizeof o->error, "%s", err);
		return; /* nothing listens: no point in seven more tries */
	}
	close(fd);
	for (int i = 0; i < 5; i++) {
#ifdef OPENSSL_NO_SSL3
		if (proto_ver[i] == SSL3_VERSION)
			continue;
#endif
		o->proto_tested[i] = true;
		if (handshake(host, port, sni, tmo, proto_ver[i], NULL, false, &h, err,
		              sizeof err)) {
			o->proto[i] = true;
			o->reached = true;
			hs_close(&h);
		}
	}
	/* weak ciphers, one at a time, each excluded after it is seen */
	cg_buf excl;
	cg_buf_init(&excl, 1024);
	while (o->nweak < 8) {
		char e2[256], list[1400];
		int w = snprintf(list, sizeof list, "%s%s:@SECLEVEL=0", WEAK_CIPHERS,
		                 cg_buf_cstr(&excl));
		if (w < 0 || (size_t)w >= sizeof list ||
		    !handshake(host, port, sni, tmo, 0, list, false, &h, e2, sizeof e2))
			break;
		const char *name = SSL_get_cipher_name(h.ssl);
		snprintf(o->weak_ciphers[o->nweak++], sizeof o->weak_ciphers[0], "%s", name);
		bool full = cg_buf_printf(&excl, ":!%s", name) != CG_OK;
		hs_close(&h);
		if (full)
			break;
	}
	cg_buf_free(&excl);
	if (handshake(host, port, sni, tmo, 0, NULL, true, &h, err, sizeof err)) {
		o->reached = true;
		read_cert(h.ssl, sni ? sni : host, o);
		hs_close(&h);
	}
	if (!o->reached)
		snprintf(o->error, sizeof o->error, "%s", err[0] ? err : "no TLS handshake");
}

static void add_problem(json_t *a, cg_buf *sum, const char *text)
{
	json_array_append_new(a, cg_json_cstr(text));
	cg_buf_printf(sum, "%s%s", sum->len ? "; " : "", text);
}

static void finish(cg_xtls_finding *f, const char *kind, cg_severity sev, const char *lead,
                   cg_buf *sum, json_t *evd)
{
	f->kind = kind;
	f->severity = sev;
	snprintf(f->summary, sizeof f->summary, "%s: %s", lead, cg_buf_cstr(sum));
	f->evidence = evd;
}

int cg_xtls_findings(const cg_xtls *t, int64_t now, cg_xtls_finding out[3])
{
	int n = 0;
	cg_buf sum;
	cg_buf_init(&sum, 4096);
	/* protocols */
	json_t *offered = json_array(), *weak = json_array();
	cg_severity psev = CG_SEV_MEDIUM;
	for (int i = 0; i < 5; i++) {
		if (t->proto[i])
			json_array_append_new(offered, json_string(cg_xtls_proto_names[i]));
		if (t->proto[i] && i <= 2) {
			add_problem(weak, &sum, cg_xtls_proto_names[i]);
			if (i == 0)
				psev = CG_SEV_HIGH;
		}
	}
	json_t *untested = json_array();
	for (int i = 0; i < 5; i++)
		if (!t->proto_tested[i])
			json_array_append_new(untested, json_string(cg_xtls_proto_names[i]));
	if (json_array_size(weak)) {
		json_t *e = json_pack("{s:o,s:o,s:o}", "weak_protocols", weak, "offered", offered,
		                      "not_testable", untested);
		finish(&out[n++], "tls_weak_protocol", psev, "weak TLS protocols offered", &sum, e);
	} else {
		json_decref(weak);
		json_decref(offered);
		json_decref(untested);
	}
	cg_buf_reset(&sum);
	if (t->nweak) {
		json_t *c = json_array();
		for (int i = 0; i < t->nweak; i++)
			add_problem(c, &sum, t->weak_ciphers[i]);
		finish(&out[n++], "tls_weak_cipher", CG_SEV_MEDIUM, "weak TLS ciphers accepted",
		       &sum, json_pack("{s:o}", "weak_ciphers", c));
	}
	cg_buf_reset(&sum);
	if (t->have_cert) {
		json_t *p = json_array();
		cg_severity sev = CG_SEV_LOW;
		char line[320];
		if (t->not_after && t->not_after < now) {
			snprintf(line, sizeof line, "expired %lld days ago",
			         (long long)((now - t->not_after) / 86400));
			add_problem(p, &sum, line);
			sev = CG_SEV_HIGH;
		} else if (t->not_after && t->not_after - now < 30 * 86400) {
			snprintf(line, sizeof line, "expires in %lld days",
			         (long long)((t->not_after - now) / 86400));
			add_problem(p, &sum, line);
		}
		if (t->not_before > now) {
			add_problem(p, &sum, "not valid yet");
			sev = CG_SEV_HIGH;
		}
		if (t->self_signed) {
			add_problem(p, &sum, "self-signed");
			if (sev < CG_SEV_MEDIUM)
				sev = CG_SEV_MEDIUM;
		} else if (t->verify != X509_V_OK) {
			snprintf(line, sizeof line, "chain not trusted (%s)", t->verify_text);
			add_problem(p, &sum, line);
			if (sev < CG_SEV_MEDIUM)
				sev = CG_SEV_MEDIUM;
		}
		if (t->name_checked && !t->name_ok) {
			add_problem(p, &sum, "name mismatch");
			if (sev < CG_SEV_MEDIUM)
				sev = CG_SEV_MEDIUM;
		}
		bool small = (!strcmp(t->key_type, "RSA") || !strcmp(t->key_type, "DSA"))
		                 ? t->key_bits < 2048
		                 : (!strcmp(t->key_type, "EC") && t->key_bits < 256);
		if (small) {
			snprintf(line, sizeof line, "%s key of %d bits", t->key_type, t->key_bits);
			add_problem(p, &sum, line);
			if (sev < CG_SEV_MEDIUM)
				sev = CG_SEV_MEDIUM;
		}
		if (strstr(t->sig_alg, "sha1") || strstr(t->sig_alg, "md5") ||
		    strstr(t->sig_alg, "SHA1") || strstr(t->sig_alg, "MD5")) {
			snprintf(line, sizeof line, "signed with %s", t->sig_alg);
			add_problem(p, &sum, line);
			if (sev < CG_SEV_MEDIUM)
				sev = CG_SEV_MEDIUM;
		}
		if (json_array_size(p)) {
			json_t *e = json_pack(
			    "{s:o,s:o,s:o,s:I,s:I,s:s,s:i,s:o,s:b,s:i,s:b}", "problems", p,
			    "subject", cg_json_cstr(t->subject), "issuer", cg_json_cstr(t->issuer),
			    "not_before", (json_int_t)t->not_before, "not_after",
			    (json_int_t)t->not_after, "key_type", t->key_type, "key_bits",
			    t->key_bits, "signature", cg_json_cstr(t->sig_alg), "self_signed",
			    t->self_signed, "chain_length", t->chain_len, "ocsp_stapled",
			    t->ocsp_stapled);
			finish(&out[n++], "tls_certificate", sev, "certificate problems", &sum, e);
		} else {
			json_decref(p);
		}
	}
	cg_buf_free(&sum);
	return n;
}
