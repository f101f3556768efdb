/*
 * netaddr.c - see netaddr.h. Parsing is inet_pton's (strict: no octal, no
 * shortened IPv4), on a bounded NUL-terminated copy of the slice.
 */
#include "netaddr.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

cg_err cg_ip_parse(cg_slice s, cg_ip *out)
{
	char tmp[64];
	memset(out, 0, sizeof *out);
	if (cg_slice_copy(s, tmp, sizeof tmp))
		return CG_EINVAL;
	uint8_t v4[4];
	if (inet_pton(AF_INET, tmp, v4) == 1) {
		out->b[10] = out->b[11] = 0xff;
		memcpy(out->b + 12, v4, 4);
		out->v4 = true;
		return CG_OK;
	}
	if (inet_pton(AF_INET6, tmp, out->b) == 1)
		return CG_OK;
	return CG_EINVAL;
}

void cg_ip_unmap(cg_ip *ip)
{
	static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	if (!ip->v4 && memcmp(ip->b, mapped, 12) == 0)
		ip->v4 = true;
}

cg_err cg_cidr_parse(cg_slice s, cg_cidr *out)
{
	cg_slice rest;
	cg_slice addr = cg_slice_cut(cg_slice_trim(s), '/', &rest);
	if (cg_ip_parse(addr, &out->net))
		return CG_EINVAL;
	int max = out->net.v4 ? 32 : 128;
	int64_t p = max;
	if (rest.ptr && cg_parse_i64(rest, 0, max, &p))
		return CG_EINVAL;
	out->prefix = (int)p;
	int bits = (out->net.v4 ? 96 : 0) + out->prefix;
	for (int i = bits; i < 128; i++)
		out->net.b[i / 8] &= (uint8_t) ~(0x80u >> (i % 8));
	return CG_OK;
}

void cg_cidr_format(const cg_cidr *c, char *dst, size_t dstsize)
{
	char a[INET6_ADDRSTRLEN];
	if (c->net.v4)
		inet_ntop(AF_INET, c->net.b + 12, a, sizeof a);
	else
		inet_ntop(AF_INET6, c->net.b, a, sizeof a);
	snprintf(dst, dstsize, "%s/%d", a, c->prefix);
}

bool cg_cidr_contains(const cg_cidr *c, const cg_ip *ip)
{
	if (c->net.v4 != ip->v4)
		return false;
	int bits = (c->net.v4 ? 96 : 0) + c->prefix;
	int whole = bits / 8;
	if (memcmp(c->net.b, ip->b, (size_t)whole) != 0)
		return false;
	if (bits % 8 == 0)
		return true;
	uint8_t m = (uint8_t)(0xffu << (8 - bits % 8));
	return (c->net.b[whole] & m) == (ip->b[whole] & m);
}
