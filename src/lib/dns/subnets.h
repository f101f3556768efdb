/*
 * subnets.h - which agency an address belongs to: "CIDR name" lines
 * (name = the rest of the line, UTF-8, e.g. "10.1.0.0/16 Sở Y tế"), IPv4
 * and IPv6, longest prefix wins. # starts a comment. A bare address is a
 * /32 (/128).
 *
 * The ranges live in the longest-prefix table the server routes events
 * with (api/prefixtable.h). IPv4-mapped IPv6 clients ("::ffff:10.1.2.3")
 * are looked up as IPv4, and an IPv6 zone ("%eth0") is ignored.
 *
 * Ownership: the table owns the names.
 */
#ifndef CG_DNS_SUBNETS_H
#define CG_DNS_SUBNETS_H

#include "core/buf.h"

typedef struct cg_dns_subnets cg_dns_subnets;

/* On a bad line *why gets "NAME:LINE: reason" and nothing is returned. */
cg_err cg_dns_subnets_parse(cg_slice text, const char *name,
			    cg_dns_subnets **out, cg_buf *why);
cg_err cg_dns_subnets_load(const char *path, cg_dns_subnets **out, cg_buf *why);
void cg_dns_subnets_free(cg_dns_subnets *s);
/* The agency of ip (text), or NULL. */
const char *cg_dns_subnets_lookup(const cg_dns_subnets *s, cg_slice ip);

#endif
