/*
 * forwarded.c - the client address behind a trusted reverse proxy; see
 * forwarded.h for the rule (last X-Forwarded-For element, believed only
 * from the proxy's address).
 */
#include "api/forwarded.h"

#include <arpa/inet.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "core/hex.h"
#include "core/limits.h"

static bool id_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '.' || c == '_' || c == ':' || c == '-';
}

bool cg_forwarded_request_id(const cg_ip *peer, const cg_cidr *proxy, cg_slice hdr, char *dst,
                             size_t dstsize)
{
	cg_ip p = *peer;
	cg_ip_unmap(&p);
	bool ok = proxy && hdr.ptr && hdr.len > 0 && hdr.len <= CG_REQUEST_ID_MAX &&
	          hdr.len < dstsize && cg_cidr_contains(proxy, &p);
	for (size_t i = 0; ok && i < hdr.len; i++)
		ok = id_char(hdr.ptr[i]);
	if (ok) {
		memcpy(dst, hdr.ptr, hdr.len);
		dst[hdr.len] = '\0';
		return true;
	}
	uint8_t r[16];
	randombytes_buf(r, sizeof r);
	char hex[33];
	cg_hex_encode(r, sizeof r, hex);
	snprintf(dst, dstsize, "%s", hex);
	return false;
}

bool cg_forwarded_client(const cg_ip *peer, const cg_cidr *proxy, cg_slice xff, cg_ip *out)
{
	cg_ip p = *peer;
	cg_ip_unmap(&p); /* a dual-stack listener sees ::ffff:a.b.c.d */
	*out = p;
	if (!proxy || !xff.ptr || !cg_cidr_contains(proxy, &p))
		return false;
	/* the last element: what the trusted proxy itself wrote */
	size_t i = xff.len;
	while (i > 0 && xff.ptr[i - 1] != ',')
		i--;
	cg_slice last = cg_slice_trim(cg_slice_from(xff.ptr + i, xff.len - i));
	cg_ip c;
	if (last.len == 0 || cg_ip_parse(last, &c))
		return false;
	cg_ip_unmap(&c);
	*out = c;
	return true;
}

void cg_ip_text(const cg_ip *ip, char *dst, size_t dstsize)
{
	char a[INET6_ADDRSTRLEN] = "?";
	if (ip->v4)
		inet_ntop(AF_INET, ip->b + 12, a, sizeof a);
	else
		inet_ntop(AF_INET6, ip->b, a, sizeof a);
	if (dstsize)
		snprintf(dst, dstsize, "%s", a);
}
