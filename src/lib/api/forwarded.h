/*
 * forwarded.h - which address a request comes from when a reverse proxy
 * (nginx, docs/examples/nginx-canhgac.conf) stands in front of the server.
 *
 * Behind a proxy every connection comes from the proxy, so the limits
 * counted per client address (failed logins, enrolments) would count the
 * whole province as one client: one attacker's failures would lock every
 * user out. The proxy passes the client's address in X-Forwarded-For.
 * That header is believed ONLY when the connection comes from an address
 * the operator named (`serve --trusted-proxy CIDR`): anyone else could
 * write it. Only its LAST element is taken: a proxy that appends puts the
 * address it saw last; anything before it was written by the client.
 * A header that does not end in one valid address is ignored (the
 * proxy's own address counts), never guessed at.
 */
#ifndef CG_API_FORWARDED_H
#define CG_API_FORWARDED_H

#include <stdbool.h>

#include "api/netaddr.h"
#include "core/buf.h"

/* The client of a request from `peer` carrying X-Forwarded-For `xff`
 * (ptr NULL when absent); `proxy` NULL when no proxy is trusted. Sets
 * *out and returns true when the forwarded address is used; else *out is
 * the peer and false is returned. */
bool cg_forwarded_client(const cg_ip *peer, const cg_cidr *proxy, cg_slice xff, cg_ip *out);

/* The id of a request from `peer` carrying X-Request-Id `hdr` (ptr NULL
 * when absent): the proxy's own id, so that one request is one id in the
 * proxy's log and ours, when the peer is in `proxy` and the value is 1 to
 * CG_REQUEST_ID_MAX bytes of [A-Za-z0-9._:-] (nothing a log line or a
 * header could be broken with); otherwise 32 random hex digits, since a
 * client could write anything there. dst >= CG_REQUEST_ID_MAX + 1 bytes.
 * Returns true when the proxy's id was taken. */
bool cg_forwarded_request_id(const cg_ip *peer, const cg_cidr *proxy, cg_slice hdr, char *dst,
                             size_t dstsize);

/* Text form of an address (IPv4 dotted, IPv6 RFC 5952); dst >= 46 bytes. */
void cg_ip_text(const cg_ip *ip, char *dst, size_t dstsize);

#endif
