/*
 * netaddr.h - IP addresses and CIDR ranges (IPv4 and IPv6), to say which
 * agency an endpoint or a DNS client belongs to from the agency's
 * declared ranges. Addresses are kept as 16 bytes (IPv4 mapped into
 * ::ffff:0:0/96) so one comparison handles both families.
 */
#ifndef CG_NETADDR_H
#define CG_NETADDR_H

#include <stdbool.h>
#include <stdint.h>

#include "core/buf.h"

typedef struct cg_ip {
	uint8_t b[16];
	bool v4;
} cg_ip;

typedef struct cg_cidr {
	cg_ip net;  /* host bits cleared */
	int prefix; /* 0..32 for IPv4, 0..128 for IPv6 */
} cg_cidr;

cg_err cg_ip_parse(cg_slice s, cg_ip *out);
/* An IPv4-mapped IPv6 address (::ffff:a.b.c.d, as dual-stack sockets and
 * resolvers log IPv4 clients) becomes the IPv4 address it carries. Ranges
 * never mix families, so routing an address unmaps it first. */
void cg_ip_unmap(cg_ip *ip);
/* "10.12.0.0/16", "2001:db8::/32"; a bare address is a /32 or /128.
 * Host bits set after the prefix are cleared ("10.12.1.5/16" ->
 * 10.12.0.0/16). */
cg_err cg_cidr_parse(cg_slice s, cg_cidr *out);
/* Canonical text form; dst needs 64 bytes. */
void cg_cidr_format(const cg_cidr *c, char *dst, size_t dstsize);
bool cg_cidr_contains(const cg_cidr *c, const cg_ip *ip);

#endif
