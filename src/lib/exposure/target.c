/*
 * target.c - parsing scan targets (see target.h).
 */
#include "target.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/limits.h"

void cg_xtargets_free(cg_xtargets *ts)
{
	for (size_t i = 0; i < ts->n; i++) {
		free(ts->v[i].input);
		free(ts->v[i].host);
		free(ts->v[i].scheme);
		free(ts->v[i].path);
	}
	free(ts->v);
	memset(ts, 0, sizeof *ts);
}

static cg_err push(cg_xtargets *ts, const char *input, const char *host, size_t hl, int port,
                   const char *scheme, const char *path, bool range)
{
	if (ts->n == ts->cap) {
		size_t nc = ts->cap ? ts->cap * 2 : 16;
		cg_xtarget *nv = realloc(ts->v, nc * sizeof *nv);
		if (!nv)
			return CG_ENOMEM;
		ts->v = nv;
		ts->cap = nc;
	}
	cg_xtarget *t = &ts->v[ts->n];
	memset(t, 0, sizeof *t);
	t->input = strdup(input);
	t->host = strndup(host, hl);
	t->port = port;
	t->scheme = scheme ? strdup(scheme) : NULL;
	t->path = strdup(path ? path : "");
	t->from_range = range;
	if (!t->input || !t->host || !t->path || (scheme && !t->scheme)) {
		free(t->input);
		free(t->host);
		free(t->scheme);
		free(t->path);
		return CG_ENOMEM;
	}
	ts->n++;
	return CG_OK;
}

static bool host_name_ok(const char *h, size_t n)
{
	if (n == 0 || n > 253)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)h[i]) && h[i] != '-' && h[i] != '.' && h[i] != '_')
			return false;
	return h[0] != '-' && h[0] != '.';
}

static bool parse_port(const char *s, size_t n, int *port)
{
	int64_t v;
	if (cg_parse_i64(cg_slice_from(s, n), 1, 65535, &v))
		return false;
	*port = (int)v;
	return true;
}

/* host, [v6], host:port, [v6]:port into host/port */
static bool split_authority(const char *a, size_t n, const char **h, size_t *hl, int *port)
{
	*port = 0;
	if (n && a[0] == '[') {
		const char *e = memchr(a, ']', n);
		if (!e)
			return false;
		*h = a + 1;
		*hl = (size_t)(e - a - 1);
		size_t rest = n - (size_t)(e - a) - 1;
		if (rest == 0)
			return true;
		return e[1] == ':' && parse_port(e + 2, rest - 1, port);
	}
	const char *c = memchr(a, ':', n);
	if (c && memchr(c + 1, ':', n - (size_t)(c - a) - 1)) {
		*h = a; /* bare IPv6 without a port */
		*hl = n;
		return true;
	}
	*h = a;
	*hl = c ? (size_t)(c - a) : n;
	return !c || parse_port(c + 1, n - (size_t)(c - a) - 1, port);
}

static bool addr_ok(const char *h, size_t n)
{
	char buf[256];
	unsigned char tmp[16];
	if (cg_slice_copy(cg_slice_from(h, n), buf, sizeof buf))
		return false;
	if (strchr(buf, ':'))
		return inet_pton(AF_INET6, buf, tmp) == 1;
	return host_name_ok(h, n);
}

static cg_err add_cidr(cg_xtargets *ts, const char *arg, const char *slash, size_t max_hosts,
                       cg_buf *why)
{
	char ip[64];
	int64_t bits;
	unsigned char a[16];
	if (cg_slice_copy(cg_slice_from(arg, (size_t)(slash - arg)), ip, sizeof ip) ||
	    cg_parse_i64(cg_slice_cstr(slash + 1), 0, 128, &bits)) {
		cg_buf_printf(why, "'%s' is not a CIDR range", arg);
		return CG_EINVAL;
	}
	bool v6 = strchr(ip, ':') != NULL;
	if (inet_pton(v6 ? AF_INET6 : AF_INET, ip, a) != 1 || (!v6 && bits > 32)) {
		cg_buf_printf(why, "'%s' is not a CIDR range", arg);
		return CG_EINVAL;
	}
	int total = v6 ? 128 : 32, hostbits = total - (int)bits;
	uint64_t count = hostbits >= 63 ? UINT64_MAX : (1ull << hostbits);
	if (!v6 && hostbits >= 2)
		count -= 2; /* network and broadcast */
	if (count > max_hosts) {
		cg_buf_printf(why, "'%s' holds %llu hosts, more than --max-hosts %zu", arg,
		              (unsigned long long)count, max_hosts);
		return CG_ELIMIT;
	}
	/* clear the host bits, then count up through the low bits */
	int nbytes = total / 8;
	for (int i = 0; i < nbytes; i++) {
		int bit0 = i * 8;
		if (bit0 >= bits)
			a[i] = 0;
		else if (bit0 + 8 > bits)
			a[i] &= (unsigned char)(0xff << (8 - (bits - bit0)));
	}
	uint64_t first = (!v6 && hostbits >= 2) ? 1 : 0;
	size_t before = ts->n;
	for (uint64_t k = 0; k < count; k++) {
		unsigned char b[16];
		memcpy(b, a, sizeof b);
		uint64_t add = first + k;
		for (int i = nbytes - 1; i >= 0 && add; i--) {
			uint64_t s = b[i] + (add & 0xff);
			b[i] = (unsigned char)s;
			add = (add >> 8) + (s >> 8);
		}
		char txt[64];
		if (!inet_ntop(v6 ? AF_INET6 : AF_INET, b, txt, sizeof txt))
			continue;
		cg_err e = push(ts, arg, txt, strlen(txt), 0, NULL, "", true);
		if (e) {
			while (ts->n > before) {
				ts->n--;
				free(ts->v[ts->n].input);
				free(ts->v[ts->n].host);
				free(ts->v[ts->n].path);
				free(ts->v[ts->n].scheme);
			}
			return e;
		}
	}
	return CG_OK;
}

cg_err cg_xtargets_add(cg_xtargets *ts, const char *arg, size_t max_hosts, cg_buf *why)
{
	cg_buf_reset(why);
	size_t n = strlen(arg);
	if (n == 0 || n > 2048) {
		cg_buf_printf(why, "'%.64s' is not a target", arg);
		return CG_EINVAL;
	}
	const char *sep = strstr(arg, "://");
	if (sep) {
		const char *scheme = NULL;
		if ((size_t)(sep - arg) == 4 && !strncasecmp(arg, "http", 4))
			scheme = "http";
		else if ((size_t)(sep - arg) == 5 && !strncasecmp(arg, "https", 5))
			scheme = "https";
		if (!scheme) {
			cg_buf_printf(why, "'%s': only http:// and https:// URLs are scanned", arg);
			return CG_EINVAL;
		}
		const char *a = sep + 3;
		size_t al = strcspn(a, "/?#");
		if (memchr(a, '@', al)) {
			cg_buf_printf(why, "'%s': a URL with user:password@ is not a target", arg);
			return CG_EINVAL;
		}
		const char *h;
		size_t hl;
		int port;
		if (!split_authority(a, al, &h, &hl, &port) || !addr_ok(h, hl)) {
			cg_buf_printf(why, "'%s' is not a valid URL", arg);
			return CG_EINVAL;
		}
		const char *path = a + al;
		/* the base path without its query and trailing '/' */
		size_t pl = strcspn(path, "?#");
		while (pl && path[pl - 1] == '/')
			pl--;
		char *p = strndup(path, pl);
		if (!p)
			return CG_ENOMEM;
		for (char *c = p; *c; c++)
			if ((unsigned char)*c <= ' ' || *c == '"' || *c == '\\') {
				free(p);
				cg_buf_printf(why, "'%s' is not a valid URL", arg);
				return CG_EINVAL;
			}
		cg_err e = push(ts, arg, h, hl, port, scheme, p, false);
		free(p);
		return e;
	}
	const char *slash = strchr(arg, '/');
	if (slash)
		return add_cidr(ts, arg, slash, max_hosts, why);
	const char *h;
	size_t hl;
	int port;
	if (!split_authority(arg, n, &h, &hl, &port) || !addr_ok(h, hl)) {
		cg_buf_printf(why, "'%s' is not a URL, host, host:port, IP address or CIDR range",
		              arg);
		return CG_EINVAL;
	}
	const char *scheme = NULL;
	if (port)
		scheme = (port == 443 || port == 8443) ? "https" : "http";
	return push(ts, arg, h, hl, port, scheme, "", false);
}

cg_err cg_xtarget_authority(const cg_xtarget *t, const char *scheme, cg_buf *out)
{
	bool v6 = strchr(t->host, ':') != NULL;
	cg_err e = cg_buf_printf(out, v6 ? "[%s]" : "%s", t->host);
	int def = !strcmp(scheme, "https") ? 443 : 80;
	if (!e && t->port && t->port != def)
		e = cg_buf_printf(out, ":%d", t->port);
	return e;
}
