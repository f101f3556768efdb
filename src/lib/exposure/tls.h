/*
 * tls.h - what a TLS server offers, read from handshakes (OpenSSL).
 *
 * One handshake per protocol version (SSL 3.0 when this OpenSSL can
 * still speak it, else reported as not testable; TLS 1.0 to 1.3), each
 * with every cipher allowed at security level 0, so that what the server
 * accepts is seen rather than what a modern client would settle for; then
 * handshakes offering only weak ciphers (NULL, anonymous, export, DES,
 * 3DES, RC4, MD5), repeated without the one accepted, to list them; and
 * one ordinary handshake for the certificate chain (dates, key size,
 * signature algorithm, self-signed, name, trust against the system's CA
 * store) and OCSP stapling.
 *
 * The verdicts (which protocol is weak, which key too small) are made
 * here once: cg_xtls_findings turns a result into at most three findings
 * (tls_weak_protocol, tls_weak_cipher, tls_certificate), each listing
 * every problem of its kind, for the engine to emit.
 */
#ifndef CG_XP_TLS_H
#define CG_XP_TLS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/event.h"

typedef struct cg_xtls {
	bool reached;    /* some handshake completed */
	char error[256]; /* why not, when !reached */
	bool proto[5];   /* SSL3, TLS1.0, 1.1, 1.2, 1.3 accepted */
	bool proto_tested[5];
	char weak_ciphers[8][64];
	int nweak;
	/* leaf certificate */
	bool have_cert;
	char subject[256], issuer[256];
	int64_t not_before, not_after; /* unix seconds */
	int key_bits;
	char key_type[16];
	char sig_alg[64];
	bool self_signed;
	bool name_checked, name_ok;
	int chain_len;
	long verify; /* X509 verify result against the system store */
	char verify_text[128];
	bool ocsp_stapled;
} cg_xtls;

/* host: name or address to connect to; sni: the name to ask for (NULL:
 * none, for an address). */
void cg_xtls_probe(const char *host, int port, const char *sni, long timeout_ms, cg_xtls *out);

typedef struct cg_xtls_finding {
	const char *kind;
	cg_severity severity;
	char summary[512];
	json_t *evidence; /* owned by the caller after the call */
} cg_xtls_finding;

/* Up to three findings; returns how many. now: unix seconds. */
int cg_xtls_findings(const cg_xtls *t, int64_t now, cg_xtls_finding out[3]);

extern const char *const cg_xtls_proto_names[5];

#endif
