/*
 * service.c - parsing service answers (see service.h). Everything works
 * on slices and bounded copies; nothing trusts a length the peer sent.
 */
#include "service.h"

#include <ctype.h>
#include <stdint.h>
#include <string.h>

#include "core/json.h"

void cg_xsvc_banner_text(cg_slice in, char *out, size_t n)
{
	size_t k = 0;
	if (!n)
		return;
	for (size_t i = 0; i < in.len && k + 1 < n; i++) {
		unsigned char c = (unsigned char)in.ptr[i];
		if ((c == '\r' || c == '\n') && k >= 200)
			break;
		out[k++] = (c >= 0x20 && c < 0x7f) ? (char)c : (c == '\n' ? ' ' : '.');
	}
	while (k && (out[k - 1] == ' ' || out[k - 1] == '.'))
		k--;
	out[k] = '\0';
}

/* "key:value" in a text block, value up to the line end, copied. */
static bool field(cg_slice s, const char *key, char *out, size_t n)
{
	size_t kl = strlen(key);
	const char *p = s.ptr, *end = s.ptr + s.len;
	while (p && p + kl < end) {
		if ((p == s.ptr || p[-1] == '\n') && memcmp(p, key, kl) == 0) {
			const char *v = p + kl, *e = v;
			while (e < end && *e != '\r' && *e != '\n')
				e++;
			size_t m = (size_t)(e - v);
			if (m >= n)
				m = n - 1;
			for (size_t i = 0; i < m; i++)
				out[i] = isprint((unsigned char)v[i]) ? v[i] : '.';
			out[m] = '\0';
			return true;
		}
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		p = nl ? nl + 1 : NULL;
	}
	return false;
}

static bool starts(cg_slice s, const char *lit)
{
	size_t n = strlen(lit);
	return s.len >= n && memcmp(s.ptr, lit, n) == 0;
}

cg_xsvc_answer cg_xsvc_redis(cg_slice r, char *version, size_t vn)
{
	if (vn)
		version[0] = '\0';
	if (starts(r, "-NOAUTH") || starts(r, "-WRONGPASS") ||
	    starts(r, "-ERR operation not permitted") || starts(r, "-DENIED"))
		return CG_XSVC_PROTECTED;
	if (starts(r, "$") && memmem(r.ptr, r.len, "redis_version:", 14)) {
		if (vn)
			field(r, "redis_version:", version, vn);
		return CG_XSVC_OPEN;
	}
	return CG_XSVC_UNKNOWN;
}

cg_xsvc_answer cg_xsvc_memcached(cg_slice r, char *version, size_t vn)
{
	if (vn)
		version[0] = '\0';
	if (starts(r, "STAT ")) {
		if (vn)
			field(r, "STAT version ", version, vn);
		return CG_XSVC_OPEN;
	}
	if (starts(r, "CLIENT_ERROR") || starts(r, "SERVER_ERROR unauthorized"))
		return CG_XSVC_PROTECTED;
	return CG_XSVC_UNKNOWN;
}

cg_xsvc_answer cg_xsvc_elastic(cg_slice r, char *version, size_t vn)
{
	if (vn)
		version[0] = '\0';
	if (!starts(r, "HTTP/"))
		return CG_XSVC_UNKNOWN;
	const char *sp = memchr(r.ptr, ' ', r.len < 16 ? r.len : 16);
	if (!sp || (size_t)(sp - r.ptr) + 4 > r.len)
		return CG_XSVC_UNKNOWN;
	if (!memcmp(sp + 1, "401", 3) || !memcmp(sp + 1, "403", 3))
		return memmem(r.ptr, r.len, "elastic", 7) ||
		               memmem(r.ptr, r.len, "security_exception", 18)
		           ? CG_XSVC_PROTECTED
		           : CG_XSVC_UNKNOWN;
	if (memcmp(sp + 1, "200", 3))
		return CG_XSVC_UNKNOWN;
	const char *body = memmem(r.ptr, r.len, "\r\n\r\n", 4);
	if (!body)
		return CG_XSVC_UNKNOWN;
	body += 4;
	json_t *j = json_loadb(body, (size_t)(r.ptr + r.len - body), 0, NULL);
	cg_xsvc_answer a = CG_XSVC_UNKNOWN;
	if (json_is_object(j) && json_object_get(j, "cluster_name")) {
		a = CG_XSVC_OPEN;
		const char *v =
		    json_string_value(json_object_get(json_object_get(j, "version"), "number"));
		if (v && vn)
			cg_xsvc_banner_text(cg_slice_cstr(v), version, vn);
	}
	json_decref(j);
	return a;
}

cg_xsvc_answer cg_xsvc_mongo(cg_slice r)
{
	/* OP_MSG reply: 16-byte header, flags, kind 0, one BSON document */
	if (r.len < 21)
		return CG_XSVC_UNKNOWN;
	uint32_t op = (uint32_t)(unsigned char)r.ptr[12] | (uint32_t)(unsigned char)r.ptr[13] << 8 |
	              (uint32_t)(unsigned char)r.ptr[14] << 16 |
	              (uint32_t)(unsigned char)r.ptr[15] << 24;
	if (op != 2013 && op != 1)
		return CG_XSVC_UNKNOWN;
	if (memmem(r.ptr, r.len, "totalSize", 9) && memmem(r.ptr, r.len, "databases", 9))
		return CG_XSVC_OPEN;
	if (memmem(r.ptr, r.len, "Unauthorized", 12) ||
	    memmem(r.ptr, r.len, "requires authentication", 23))
		return CG_XSVC_PROTECTED;
	return CG_XSVC_UNKNOWN;
}

int cg_xsvc_ftp_code(cg_slice r)
{
	/* the last complete line "NNN text\r\n" (multi-line replies end so) */
	size_t end = r.len;
	while (end && (r.ptr[end - 1] == '\n' || r.ptr[end - 1] == '\r'))
		end--;
	if (end == r.len)
		return 0; /* no complete line yet */
	size_t st = end;
	while (st && r.ptr[st - 1] != '\n')
		st--;
	if (end - st < 3)
		return 0;
	int code = 0;
	for (int i = 0; i < 3; i++) {
		if (!isdigit((unsigned char)r.ptr[st + (size_t)i]))
			return 0;
		code = code * 10 + (r.ptr[st + (size_t)i] - '0');
	}
	if (end - st > 3 && r.ptr[st + 3] != ' ')
		return 0;
	return code;
}

static void put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

size_t cg_xsvc_mongo_request(unsigned char *out, size_t n)
{
	unsigned char doc[64];
	size_t d = 4;
	doc[d++] = 0x10; /* int32 */
	memcpy(doc + d, "listDatabases", 14);
	d += 14;
	put32(doc + d, 1);
	d += 4;
	doc[d++] = 0x02; /* string */
	memcpy(doc + d, "$db", 4);
	d += 4;
	put32(doc + d, 6);
	d += 4;
	memcpy(doc + d, "admin", 6);
	d += 6;
	doc[d++] = 0;
	put32(doc, (uint32_t)d);
	size_t total = 16 + 4 + 1 + d;
	if (total > n)
		return 0;
	put32(out, (uint32_t)total);
	put32(out + 4, 1);     /* request id */
	put32(out + 8, 0);     /* response to */
	put32(out + 12, 2013); /* OP_MSG */
	put32(out + 16, 0);    /* flags */
	out[20] = 0;           /* section kind 0: body */
	memcpy(out + 21, doc, d);
	return total;
}
