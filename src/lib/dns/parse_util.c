/*
 * parse_util.c - the small pieces every DNS log reader shares: name
 * normalisation, IP address checks, query type mnemonics, and the time
 * stamps resolvers write (BIND's "21-Nov-2026 04:25:01.123", syslog's
 * "Nov 21 04:25:01", ISO 8601, Unix epoch with a fraction).
 *
 * All of them take {ptr,len} and an index, consume what they recognise and
 * report how much; none relies on a NUL or allocates.
 */
#include <string.h>

#include "dns/parse_util.h"

static const char *const fmt_names[CG_DNS_FMT_COUNT] = {
	"auto", "bind", "unbound", "dnsmasq", "windows", "zeek", "zeek-json",
	"suricata", "coredns", "pcap",
};

const char *cg_dns_fmt_name(cg_dns_fmt f)
{
	return (unsigned)f < CG_DNS_FMT_COUNT ? fmt_names[f] : "?";
}

cg_err cg_dns_fmt_parse(const char *name, cg_dns_fmt *out)
{
	for (int i = 0; i < CG_DNS_FMT_COUNT; i++)
		if (strcmp(name, fmt_names[i]) == 0) {
			*out = (cg_dns_fmt)i;
			return CG_OK;
		}
	return CG_EINVAL;
}

static const char *const skip_names[CG_DNS_SKIP_COUNT] = {
	"line too long",     "binary data",
	"not in the file's format", "bad query name",
	"bad client address", "bad timestamp",
	"invalid JSON",      "malformed packet",
};

const char *cg_dns_skip_name(cg_dns_skip s)
{
	return (unsigned)s < CG_DNS_SKIP_COUNT ? skip_names[s] : "?";
}

bool cg_dns_norm_name(cg_slice in, char *out, size_t *outlen)
{
	size_t n = in.len;
	if (n && in.ptr[n - 1] == '.')
		n--;
	if (n == 0 || n > CG_DNS_MAX_NAME)
		return false;
	char prev = '.';
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)in.ptr[i];
		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c + 32);
		else if (c <= ' ' || c == 0x7f || c == '#' || c == '(' ||
			 c == ')' || c == '"' || c == '\\')
			return false;
		if (c == '.' && prev == '.')
			return false; /* empty label */
		out[i] = (char)c;
		prev = (char)c;
	}
	out[n] = '\0';
	*outlen = n;
	return true;
}

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	       (c >= 'A' && c <= 'F');
}

static bool is_ipv4(cg_slice s)
{
	int parts = 0, digits = 0, val = 0;
	for (size_t i = 0; i <= s.len; i++) {
		if (i == s.len || s.ptr[i] == '.') {
			if (digits == 0 || val > 255)
				return false;
			parts++;
			digits = val = 0;
		} else if (s.ptr[i] >= '0' && s.ptr[i] <= '9') {
			if (++digits > 3)
				return false;
			val = val * 10 + (s.ptr[i] - '0');
		} else {
			return false;
		}
	}
	return parts == 4;
}

bool cg_dns_is_ip(cg_slice s)
{
	if (s.len == 0 || s.len > CG_DNS_MAX_CLIENT)
		return false;
	if (is_ipv4(s))
		return true;
	/* IPv6: hex groups and colons, optional dotted IPv4 tail, %zone. */
	cg_slice rest;
	cg_slice addr = cg_slice_cut(s, '%', &rest);
	int colons = 0, group = 0;
	for (size_t i = 0; i < addr.len; i++) {
		char c = addr.ptr[i];
		if (c == ':') {
			colons++;
			group = 0;
		} else if (c == '.') {
			/* the IPv4 tail starts after the last colon */
			const char *lc = memrchr(addr.ptr, ':', addr.len);
			if (!lc || colons < 2)
				return false;
			cg_slice v4 = { lc + 1,
					(size_t)(addr.ptr + addr.len - lc - 1) };
			return is_ipv4(v4);
		} else if (is_hex(c)) {
			if (++group > 4)
				return false;
		} else {
			return false;
		}
	}
	return colons >= 2 && colons <= 7;
}

/* QT: the length with the name, so that parsing a type (once per log
 * line) compares lengths before bytes. */
#define QT(n, t) { n, sizeof(n) - 1, t }
static const struct {
	const char *name;
	uint8_t len;
	uint16_t type;
} qtypes[] = {
	QT("A", 1), QT("NS", 2), QT("CNAME", 5), QT("SOA", 6),
	QT("NULL", 10), QT("WKS", 11), QT("PTR", 12), QT("HINFO", 13),
	QT("MX", 15), QT("TXT", 16), QT("AAAA", 28), QT("SRV", 33),
	QT("NAPTR", 35), QT("DS", 43), QT("RRSIG", 46), QT("DNSKEY", 48),
	QT("SVCB", 64), QT("HTTPS", 65), QT("AXFR", 252), QT("ANY", 255),
	QT("*", 255), QT("CAA", 257),
};

uint16_t cg_dns_qtype_parse(cg_slice s)
{
	for (size_t i = 0; i < sizeof qtypes / sizeof qtypes[0]; i++) {
		size_t n = qtypes[i].len;
		if (n != s.len)
			continue;
		size_t j = 0;
		while (j < n && (s.ptr[j] & ~0x20) == qtypes[i].name[j])
			j++;
		if (j == n || (n == 1 && s.ptr[0] == '*'))
			return qtypes[i].type;
	}
	if (s.len > 4 && (s.ptr[0] | 0x20) == 't' && (s.ptr[1] | 0x20) == 'y' &&
	    (s.ptr[2] | 0x20) == 'p' && (s.ptr[3] | 0x20) == 'e') {
		int64_t v;
		if (cg_parse_i64(cg_slice_from(s.ptr + 4, s.len - 4), 0, 65535,
				 &v) == CG_OK)
			return (uint16_t)v;
	}
	return 0;
}

uint8_t cg_dns_answer_parse(cg_slice s)
{
	if (cg_slice_eq_cstr(s, "NOERROR"))
		return CG_DNS_ANS_NOERROR;
	if (cg_slice_eq_cstr(s, "NXDOMAIN"))
		return CG_DNS_ANS_NXDOMAIN;
	if (s.len < 3 || s.len > 16)
		return CG_DNS_ANS_UNKNOWN;
	for (size_t i = 0; i < s.len; i++)
		if (s.ptr[i] < 'A' || s.ptr[i] > 'Z')
			return CG_DNS_ANS_UNKNOWN;
	return CG_DNS_ANS_OTHER;
}

const char *cg_dns_qtype_name(uint16_t t)
{
	for (size_t i = 0; i < sizeof qtypes / sizeof qtypes[0]; i++)
		if (qtypes[i].type == t)
			return qtypes[i].name;
	return NULL;
}

int64_t cg_dns_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	/* Howard Hinnant's algorithm: exact for every Gregorian date. */
	y -= m <= 2;
	const int64_t era = (y >= 0 ? y : y - 399) / 400;
	const unsigned yoe = (unsigned)(y - era * 400);
	const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

/* ---- time stamps -------------------------------------------------------- */

bool pu_digits(cg_slice s, size_t *i, int n, int *out)
{
	int v = 0;
	for (int k = 0; k < n; k++) {
		if (*i + (size_t)k >= s.len)
			return false;
		char c = s.ptr[*i + (size_t)k];
		if (c < '0' || c > '9')
			return false;
		v = v * 10 + (c - '0');
	}
	*i += (size_t)n;
	*out = v;
	return true;
}

static int month_of(cg_slice s, size_t i)
{
	static const char months[] = "janfebmaraprmayjunjulaugsepoctnovdec";
	if (i + 3 > s.len)
		return 0;
	char m[3] = { (char)(s.ptr[i] | 0x20), (char)(s.ptr[i + 1] | 0x20),
		      (char)(s.ptr[i + 2] | 0x20) };
	for (int k = 0; k < 12; k++)
		if (memcmp(months + 3 * k, m, 3) == 0)
			return k + 1;
	return 0;
}

static int64_t civil_ms(int y, int mo, int d, int h, int mi, int sec, int ms)
{
	return ((cg_dns_days_from_civil(y, (unsigned)mo, (unsigned)d) * 24 +
		 h) * 3600 + mi * 60 + sec) * 1000LL + ms;
}

/* "HH:MM:SS" with an optional ".fff..." fraction (milliseconds kept). */
static bool hms(cg_slice s, size_t *i, int *h, int *mi, int *sec, int *ms)
{
	if (!pu_digits(s, i, 2, h) || *i >= s.len || s.ptr[(*i)++] != ':' ||
	    !pu_digits(s, i, 2, mi) || *i >= s.len || s.ptr[(*i)++] != ':' ||
	    !pu_digits(s, i, 2, sec) || *h > 23 || *mi > 59 || *sec > 60)
		return false;
	*ms = 0;
	if (*i < s.len && (s.ptr[*i] == '.' || s.ptr[*i] == ',')) {
		(*i)++;
		int scale = 100;
		while (*i < s.len && s.ptr[*i] >= '0' && s.ptr[*i] <= '9') {
			*ms += (s.ptr[*i] - '0') * scale;
			scale /= 10;
			(*i)++;
		}
	}
	return true;
}

size_t pu_time_bind(cg_slice s, int64_t *ms_out)
{
	size_t i = 0;
	int d, y, h, mi, sec, ms;
	if (!pu_digits(s, &i, 2, &d) || i >= s.len || s.ptr[i++] != '-')
		return 0;
	int mo = month_of(s, i);
	i += 3;
	if (!mo || i >= s.len || s.ptr[i++] != '-' || !pu_digits(s, &i, 4, &y) ||
	    i >= s.len || s.ptr[i++] != ' ' || !hms(s, &i, &h, &mi, &sec, &ms) ||
	    d < 1 || d > 31)
		return 0;
	*ms_out = civil_ms(y, mo, d, h, mi, sec, ms);
	return i;
}

size_t pu_time_syslog(cg_slice s, int year, int64_t *ms_out)
{
	int mo = month_of(s, 0);
	size_t i = 3;
	int d, h, mi, sec, ms;
	if (!mo || i >= s.len || s.ptr[i++] != ' ')
		return 0;
	if (i < s.len && s.ptr[i] == ' ')
		i++; /* "Nov  1" */
	if (i + 1 < s.len && s.ptr[i + 1] == ' ') {
		if (!pu_digits(s, &i, 1, &d))
			return 0;
	} else if (!pu_digits(s, &i, 2, &d)) {
		return 0;
	}
	if (i >= s.len || s.ptr[i++] != ' ' || !hms(s, &i, &h, &mi, &sec, &ms) ||
	    d < 1 || d > 31)
		return 0;
	*ms_out = civil_ms(year, mo, d, h, mi, sec, ms);
	return i;
}

size_t pu_time_iso(cg_slice s, int64_t *ms_out)
{
	size_t i = 0;
	int y, mo, d, h, mi, sec, ms;
	if (!pu_digits(s, &i, 4, &y) || i >= s.len || s.ptr[i++] != '-' ||
	    !pu_digits(s, &i, 2, &mo) || i >= s.len || s.ptr[i++] != '-' ||
	    !pu_digits(s, &i, 2, &d) || i >= s.len ||
	    (s.ptr[i] != 'T' && s.ptr[i] != ' ') || mo < 1 || mo > 12 ||
	    d < 1 || d > 31)
		return 0;
	i++;
	if (!hms(s, &i, &h, &mi, &sec, &ms))
		return 0;
	int64_t off = 0;
	if (i < s.len && s.ptr[i] == 'Z') {
		i++;
	} else if (i < s.len && (s.ptr[i] == '+' || s.ptr[i] == '-')) {
		int sign = s.ptr[i] == '-' ? -1 : 1, oh, om;
		size_t j = i + 1;
		if (pu_digits(s, &j, 2, &oh)) {
			if (j < s.len && s.ptr[j] == ':')
				j++;
			if (pu_digits(s, &j, 2, &om)) {
				off = sign * (oh * 60 + om) * 60000LL;
				i = j;
			}
		}
	}
	*ms_out = civil_ms(y, mo, d, h, mi, sec, ms) - off;
	return i;
}

size_t pu_time_epoch(cg_slice s, int64_t *ms_out)
{
	size_t i = 0;
	int64_t sec = 0;
	while (i < s.len && s.ptr[i] >= '0' && s.ptr[i] <= '9' && i < 12)
		sec = sec * 10 + (s.ptr[i++] - '0');
	if (i < 9 || (i < s.len && s.ptr[i] >= '0' && s.ptr[i] <= '9'))
		return 0; /* before 1973 or absurdly far: not an epoch stamp */
	int ms = 0;
	if (i < s.len && s.ptr[i] == '.') {
		i++;
		int scale = 100;
		while (i < s.len && s.ptr[i] >= '0' && s.ptr[i] <= '9') {
			ms += (s.ptr[i] - '0') * scale;
			scale /= 10;
			i++;
		}
	}
	*ms_out = sec * 1000 + ms;
	return i;
}

cg_slice pu_token(cg_slice s, size_t *i)
{
	while (*i < s.len && (s.ptr[*i] == ' ' || s.ptr[*i] == '\t'))
		(*i)++;
	size_t start = *i;
	while (*i < s.len && s.ptr[*i] != ' ' && s.ptr[*i] != '\t')
		(*i)++;
	return (cg_slice){ s.ptr + start, *i - start };
}

const char *pu_find(cg_slice s, size_t from, const char *needle, size_t nlen)
{
	if (from >= s.len)
		return NULL;
	return memmem(s.ptr + from, s.len - from, needle, nlen);
}
