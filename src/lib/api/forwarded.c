/*
 * forwarded.c - the client address behind a trusted reverse proxy; see
 * forwarded.h for the rule (last X-Forwarded-For element, believed only
 * from the proxy's address).
 */
#include "api/forwarded.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

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
