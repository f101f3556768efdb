/*
 * scope.c - see scope.h. One decision, used by the server's scans (and
 * nowhere else): is this declared target inside its agency's ranges?
 */
#include "scope.h"

#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <arpa/inet.h>

#include "api/netaddr.h"
#include "core/json.h"

#define XP_SCOPE_MAX_RANGES 256

typedef struct ranges {
	cg_cidr v[XP_SCOPE_MAX_RANGES];
	size_t n;
} ranges;

/* single: only whole addresses count (a system's ips; a range there
 * must not widen what its names may resolve to) */
static void add_ranges(ranges *r, const json_t *arr, bool single)
{
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v)
	{
		const char *s = json_string_value(v);
		if (s && r->n < XP_SCOPE_MAX_RANGES &&
		    cg_cidr_parse(cg_slice_cstr(s), &r->v[r->n]) == CG_OK &&
		    (!single || r->v[r->n].prefix == (r->v[r->n].net.v4 ? 32 : 128)))
			r->n++;
	}
}

static bool in_ranges(const ranges *r, cg_ip ip)
{
	cg_ip_unmap(&ip);
	for (size_t i = 0; i < r->n; i++)
		if (cg_cidr_contains(&r->v[i], &ip))
			return true;
	return false;
}

/* NULL when every address of host is in r, else why not. */
static const char *check_host(const ranges *r, const char *host)
{
	cg_ip ip;
	if (cg_ip_parse(cg_slice_cstr(host), &ip) == CG_OK)
		return in_ranges(r, ip) ? NULL : "outside the agency's declared address ranges";
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *res = NULL;
	if (getaddrinfo(host, NULL, &hints, &res) != 0 || !res)
		return "cannot resolve the host";
	const char *why = NULL;
	size_t n = 0;
	for (struct addrinfo *a = res; a && !why; a = a->ai_next) {
		char txt[INET6_ADDRSTRLEN];
		const void *p = a->ai_family == AF_INET
		                    ? (const void *)&((struct sockaddr_in *)a->ai_addr)->sin_addr
		                : a->ai_family == AF_INET6
		                    ? (const void *)&((struct sockaddr_in6 *)a->ai_addr)->sin6_addr
		                    : NULL;
		if (!p || !inet_ntop(a->ai_family, p, txt, sizeof txt) ||
		    cg_ip_parse(cg_slice_cstr(txt), &ip) != CG_OK || !in_ranges(r, ip))
			why = "the name resolves outside the agency's declared address ranges";
		n++;
	}
	freeaddrinfo(res);
	return why ? why : n ? NULL : "cannot resolve the host";
}

static void refuse(json_t *refused, const char *target, const char *why)
{
	json_array_append_new(refused,
	                      json_pack("{s:o,s:s}", "target", cg_json_cstr(target), "error", why));
}

static void one(const ranges *r, const char *arg, cg_xtargets *ts, json_t *refused)
{
	cg_xtargets tmp = {0};
	cg_buf why;
	cg_buf_init(&why, 1024);
	/* one host at most: a CIDR in the inventory is not a scan target */
	if (cg_xtargets_add(&tmp, arg, 1, &why) != CG_OK || tmp.n != 1) {
		refuse(refused, arg, "not a URL, host name or single address");
	} else {
		const char *bad = check_host(r, tmp.v[0].host);
		if (bad) {
			refuse(refused, arg, bad);
		} else {
			cg_buf w2;
			cg_buf_init(&w2, 1024);
			if (cg_xtargets_add(ts, arg, 1, &w2) != CG_OK)
				refuse(refused, arg, "not a URL, host name or single address");
			cg_buf_free(&w2);
		}
	}
	cg_xtargets_free(&tmp);
	cg_buf_free(&why);
}

cg_err cg_xp_system_targets(const json_t *system, const json_t *agency, cg_xtargets *ts,
                            json_t *refused)
{
	ranges *r = calloc(1, sizeof *r);
	if (!r)
		return CG_ENOMEM;
	if (agency)
		add_ranges(r, json_object_get(agency, "ip_ranges"), false);
	add_ranges(r, json_object_get(system, "ips"), true);
	static const char *const keys[] = {"urls", "domains", "ips"};
	for (size_t k = 0; k < 3; k++) {
		size_t i;
		json_t *v;
		json_array_foreach(json_object_get(system, keys[k]), i, v)
		{
			const char *s = json_string_value(v);
			if (s && *s)
				one(r, s, ts, refused);
		}
	}
	free(r);
	return CG_OK;
}
