/*
 * http.h - the agent's one HTTPS client (libcurl): requests to the canhgac
 * server with the agent's token, the server's public key pinned, bodies
 * optionally gzipped, responses bounded.
 *
 * Trust: at enrolment the agent records the SHA-256 of the server's
 * public key ("sha256//BASE64", libcurl's CURLOPT_PINNEDPUBLICKEY form)
 * and from then on talks only to a server holding that key, whatever CA
 * signed its certificate (provincial servers often run on self-signed
 * certificates: the pin is the trust anchor). With a CA file, the chain
 * and host name are checked as well.
 *
 * Only loopback and the configured server are ever contacted; redirects
 * are not followed.
 */
#ifndef CG_AGENT_HTTP_H
#define CG_AGENT_HTTP_H

#include <stdbool.h>

#include "core/buf.h"

typedef struct cg_http {
	const char *server;  /* "https://host:port" (no trailing path) */
	const char *token;   /* bearer token, or NULL */
	const char *pin;     /* "sha256//BASE64", or NULL */
	const char *ca_file; /* or NULL */
	long timeout_s;      /* whole request; 0 = 30 */
} cg_http;

/* method "GET"/"POST"; path starts with "/". body may be empty. With gzip
 * the body is compressed and sent with Content-Encoding: gzip.
 * extra_header: one more "Name: value" line or NULL. On a transport
 * failure returns CG_ENET/CG_ETLS/CG_ETIMEOUT with *why; otherwise CG_OK
 * and *status is the HTTP status (the caller judges it) and resp the body
 * (up to its max). */
cg_err cg_http_request(const cg_http *h, const char *method, const char *path,
		       const char *content_type, cg_slice body, bool gzip,
		       const char *extra_header, long *status, cg_buf *resp,
		       cg_buf *why);

/* Connects to url (TLS handshake only, nothing sent) and writes the
 * server's public-key pin "sha256//BASE64" into pin. Verifies the chain
 * only when ca_file is given (trust on first use otherwise). */
cg_err cg_http_fetch_pin(const char *url, const char *ca_file, char *pin,
			 size_t pinsize, cg_buf *why);

/* gzip (RFC 1952) of in appended to out. */
cg_err cg_gzip(cg_slice in, cg_buf *out);

/* Exponential backoff with jitter: delays base, 2*base, 4*base ... up to
 * max, each a random value in [d/2, d] so that a thousand agents coming
 * back after an outage do not knock on the server in step. */
typedef struct cg_backoff {
	int64_t base_ms, max_ms;
	int failures;
} cg_backoff;
int64_t cg_backoff_next(cg_backoff *b);
void cg_backoff_reset(cg_backoff *b);

#endif
