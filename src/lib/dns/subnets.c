/*
 * subnets.c - CIDR ranges to agency names, longest prefix (see subnets.h).
 * Addresses are held as 16 bytes (IPv4 mapped into ::ffff:0:0/96) so one
 * comparison routine serves both families.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "core/fileio.h"
#include "core/limits.h"
#include "dns/subnets.h"

typedef struct range {
	uint8_t addr[16];
	int bits; /* prefix length in the 128-bit space */
	char *name;
} range;

struct cg_dns_subnets {
	range *r;
	size_t n;
};

static bool to16(cg_slice ip, uint8_t out[16], int *v4)
{
	char tmp[64];
	if (cg_slice_copy(ip, tmp, sizeof tmp))
		return false;
	uint8_t a4[4];
	if (inet_pton(AF_INET, tmp, a4) == 1) {
		memset(out, 0, 10);
		out[10] = out[11] = 0xff;
		memcpy(out + 12, a4, 4);
		*v4 = 1;
		return true;
	}
	char *pct = strchr(tmp, '%');
	if (pct)
		*pct = '\0';
	*v4 = 0;
	return inet_pton(AF_INET6, tmp, out) == 1;
}

static bool in_prefix(const uint8_t *a, const uint8_t *net, int bits)
{
	int full = bits / 8, rem = bits % 8;
	if (memcmp(a, net, (size_t)full) != 0)
		return false;
	if (!rem)
		return true;
	uint8_t mask = (uint8_t)(0xff << (8 - rem));
	return (a[full] & mask) == (net[full] & mask);
}

void cg_dns_subnets_free(cg_dns_subnets *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++)
		free(s->r[i].name);
	free(s->r);
	free(s);
}

cg_err cg_dns_subnets_parse(cg_slice text, const char *name,
			    cg_dns_subnets **out, cg_buf *why)
{
	cg_dns_subnets *s = calloc(1, sizeof *s);
	if (!s)
		return CG_ENOMEM;
	cg_slice rest = text;
	size_t line_no = 0, cap = 0;
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
		cg_slice cidr = { line.ptr, k };
		cg_slice agency = cg_slice_trim((cg_slice){ line.ptr + k, line.len - k });
		cg_slice plen;
		cg_slice ip = cg_slice_cut(cidr, '/', &plen);
		range r = { 0 };
		int v4;
		int64_t bits;
		if (!agency.len) {
			msg = "expected 'CIDR agency-name'";
		} else if (!to16(ip, r.addr, &v4)) {
			msg = "not an IP address";
		} else if (plen.ptr && cg_parse_i64(plen, 0, v4 ? 32 : 128, &bits)) {
			msg = "bad prefix length";
		} else if (s->n >= CG_DNS_MAX_SUBNETS) {
			msg = "too many ranges";
		}
		if (msg) {
			err = CG_EPARSE;
			break;
		}
		if (!plen.ptr)
			bits = v4 ? 32 : 128;
		r.bits = (int)bits + (v4 ? 96 : 0);
		if (s->n == cap) {
			cap = cap ? cap * 2 : 16;
			range *nr = realloc(s->r, cap * sizeof *nr);
			if (!nr) {
				err = CG_ENOMEM;
				break;
			}
			s->r = nr;
		}
		r.name = strndup(agency.ptr, agency.len);
		if (!r.name) {
			err = CG_ENOMEM;
			break;
		}
		s->r[s->n++] = r;
	}
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
	uint8_t a[16];
	int v4, best = -1;
	const char *name = NULL;
	if (!s || !to16(ip, a, &v4))
		return NULL;
	for (size_t i = 0; i < s->n; i++)
		if (s->r[i].bits > best && in_prefix(a, s->r[i].addr, s->r[i].bits)) {
			best = s->r[i].bits;
			name = s->r[i].name;
		}
	return name;
}
