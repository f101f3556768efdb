/*
 * subnets.c - CIDR ranges to agency names, longest prefix (see subnets.h).
 * The ranges go into the same longest-prefix table the server routes
 * events with (api/prefixtable.h), so the command line and the server
 * decide "whose address is this" the same way; this file only reads the
 * "CIDR name" lines.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/netaddr.h"
#include "api/prefixtable.h"
#include "core/fileio.h"
#include "core/limits.h"
#include "dns/subnets.h"

struct cg_dns_subnets {
	char **names; /* the prefix table's values index this */
	size_t n, cap;
	cg_prefix_table *t;
};

void cg_dns_subnets_free(cg_dns_subnets *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++)
		free(s->names[i]);
	free(s->names);
	cg_prefix_table_free(s->t);
	free(s);
}

/* ip without an IPv6 zone ("fe80::1%eth0" -> "fe80::1"): resolver logs
 * write link-local clients with it. */
static cg_slice unzoned(cg_slice ip)
{
	const char *pct = memchr(ip.ptr, '%', ip.len);
	if (pct)
		ip.len = (size_t)(pct - ip.ptr);
	return ip;
}

cg_err cg_dns_subnets_parse(cg_slice text, const char *name,
			    cg_dns_subnets **out, cg_buf *why)
{
	cg_dns_subnets *s = calloc(1, sizeof *s);
	if (!s || !(s->t = cg_prefix_table_new())) {
		free(s);
		return CG_ENOMEM;
	}
	cg_slice rest = text;
	size_t line_no = 0;
	cg_err err = CG_OK;
	const char *msg = NULL;
	while (rest.ptr && rest.len) {
		cg_slice line = cg_slice_trim(cg_slice_cut(cg_slice_cut(rest, '\n', &rest), '#', NULL));
		line_no++;
		if (line.len == 0)
			continue;
		size_t k = 0;
		while (k < line.len && line.ptr[k] != ' ' && line.ptr[k] != '\t')
			k++;
		cg_slice text_cidr = { line.ptr, k };
		cg_slice agency = cg_slice_trim((cg_slice){ line.ptr + k, line.len - k });
		cg_slice plen;
		cg_slice ip = unzoned(cg_slice_cut(text_cidr, '/', &plen));
		cg_ip addr;
		cg_cidr c;
		char canon[128]; /* the range without its zone */
		int cn = snprintf(canon, sizeof canon, "%.*s%s%.*s", (int)ip.len, ip.ptr,
				  plen.ptr ? "/" : "", plen.ptr ? (int)plen.len : 0,
				  plen.ptr ? plen.ptr : "");
		if (!agency.len) {
			msg = "expected 'CIDR agency-name'";
		} else if (cg_ip_parse(ip, &addr)) {
			msg = "not an IP address";
		} else if (cn < 0 || (size_t)cn >= sizeof canon ||
			   cg_cidr_parse(cg_slice_from(canon, (size_t)cn), &c)) {
			msg = "bad prefix length";
		} else if (s->n >= CG_DNS_MAX_SUBNETS) {
			msg = "too many ranges";
		}
		if (msg) {
			err = CG_EPARSE;
			break;
		}
		if (s->n == s->cap) {
			size_t cap = s->cap ? s->cap * 2 : 16;
			char **nn = realloc(s->names, cap * sizeof *nn);
			if (!nn) {
				err = CG_ENOMEM;
				break;
			}
			s->names = nn;
			s->cap = cap;
		}
		char *nm = strndup(agency.ptr, agency.len);
		if (!nm) {
			err = CG_ENOMEM;
			break;
		}
		s->names[s->n++] = nm;
		if ((err = cg_prefix_table_add(s->t, &c, (int64_t)(s->n - 1))))
			break;
	}
	if (!err)
		err = cg_prefix_table_build(s->t);
	if (err) {
		if (why)
			cg_buf_printf(why, "%s:%zu: %s", name, line_no,
				      msg ? msg : cg_strerror(err));
		cg_dns_subnets_free(s);
		return err;
	}
	*out = s;
	return CG_OK;
}

cg_err cg_dns_subnets_load(const char *path, cg_dns_subnets **out, cg_buf *why)
{
	cg_buf b;
	cg_buf_init(&b, 64u << 20);
	cg_err err = cg_read_file(path, &b, why);
	if (!err)
		err = cg_dns_subnets_parse(cg_buf_slice(&b), path, out, why);
	cg_buf_free(&b);
	return err;
}

const char *cg_dns_subnets_lookup(const cg_dns_subnets *s, cg_slice ip)
{
	cg_ip a;
	if (!s || cg_ip_parse(unzoned(ip), &a))
		return NULL;
	cg_ip_unmap(&a); /* "::ffff:10.1.2.3" from a dual-stack resolver */
	const cg_prefix_entry *e = cg_prefix_table_lookup(s->t, &a);
	return e ? s->names[e->value] : NULL;
}
