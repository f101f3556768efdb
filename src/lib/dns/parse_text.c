/*
 * parse_text.c - the line parsers of the text DNS log formats.
 *
 * Each parser finds its format's landmarks with memmem/memchr instead of
 * splitting the whole line, so a 200-byte BIND line costs a few scans.
 * Lines are taken as the resolvers write them:
 *
 * BIND 9 querylog (with or without a date, category and severity, or a
 * syslog prefix; "@0x..." client object since 9.11; view names):
 *   21-Nov-2026 04:25:01.123 queries: info: client @0x7f1c 10.1.2.3#53535
 *     (example.com): query: example.com IN A +E(0)K (10.0.0.1)
 *   client 10.1.2.3#53535: query: example.com IN A +        (9.9 and older)
 * Unbound log-queries / log-replies:
 *   [1700000000] unbound[1234:0] info: 10.1.2.3 example.com. A IN
 *   [1700000000] unbound[1234:0] reply: 10.1.2.3 example.com. A IN NOERROR 0.000 0 45
 *   [1700000000] unbound[1234:0] query: 10.1.2.3 example.com. A IN  (log-tag-queryreply)
 * dnsmasq log-queries (and log-queries=extra, with serial and source port):
 *   Nov 21 04:25:01 dnsmasq[1234]: query[A] example.com from 10.1.2.3
 *   Nov 21 04:25:01 dnsmasq[1234]: 17 10.1.2.3/53535 query[A] example.com from 10.1.2.3
 * Windows DNS Server debug log (packet lines; names as (7)example(3)com(0)):
 *   11/21/2026 4:25:01 AM 0A2C PACKET  000000D7A6F3B1C0 UDP Rcv 10.1.2.3
 *     c1d2   Q [0001   D   NOERROR] A      (7)example(3)com(0)
 * CoreDNS log plugin (optionally preceded by an ISO time stamp):
 *   [INFO] 10.1.2.3:53535 - 12345 "A IN example.com. udp 29 false 512"
 *     NOERROR qr,rd,ra 68 0.000123s
 * Zeek dns.log, TSV with "#fields" naming the columns.
 */
#include <string.h>
#include <time.h>

#include "dns/parse_util.h"

static cg_dns_line bad(cg_dns_skip *why, cg_dns_skip r)
{
	*why = r;
	return CG_DNS_LINE_BAD;
}

static bool set_name(cg_dns_parser *p, cg_slice n, cg_dns_rec *rec)
{
	size_t len;
	if (!cg_dns_norm_name(n, p->name, &len))
		return false;
	rec->qname = (cg_slice){ p->name, len };
	return true;
}

static bool set_client(cg_dns_parser *p, cg_slice c, cg_dns_rec *rec)
{
	if (!cg_dns_is_ip(c))
		return false;
	memcpy(p->client, c.ptr, c.len);
	p->client[c.len] = '\0';
	rec->client = (cg_slice){ p->client, c.len };
	return true;
}

/* Any leading stamp a resolver or syslog may put on the line; Unbound's
 * "[1700000000]" only when `bracket_epoch`. */
static size_t leading_time(cg_dns_parser *p, cg_slice s, int64_t *ms,
			   bool bracket_epoch)
{
	size_t n;
	*ms = -1;
	if (s.len == 0)
		return 0;
	if ((n = pu_time_bind(s, ms)) || (n = pu_time_iso(s, ms)) ||
	    (n = pu_time_syslog(s, p->year, ms)))
		return n;
	if (bracket_epoch && s.ptr[0] == '[') {
		cg_slice in = { s.ptr + 1, s.len - 1 };
		if ((n = pu_time_epoch(in, ms)) && n + 1 < s.len &&
		    s.ptr[n + 1] == ']')
			return n + 2;
		*ms = -1;
	}
	return 0;
}

static cg_dns_line finish(cg_dns_parser *p, cg_dns_rec *rec, cg_slice client,
			  cg_slice name, cg_slice type, cg_dns_skip *why)
{
	if (!set_client(p, client, rec))
		return bad(why, CG_DNS_SKIP_CLIENT);
	if (name.len == 1 && name.ptr[0] == '.')
		return CG_DNS_LINE_OTHER; /* the root: priming, nothing to see */
	if (!set_name(p, name, rec))
		return bad(why, CG_DNS_SKIP_NAME);
	rec->qtype = cg_dns_qtype_parse(type);
	return CG_DNS_LINE_QUERY;
}

/* ---- BIND -------------------------------------------------------------- */

static cg_dns_line parse_bind(cg_dns_parser *p, cg_slice s, cg_dns_rec *rec,
			      cg_dns_skip *why)
{
	size_t i = leading_time(p, s, &rec->time_ms, false);
	const char *c = PU_FIND(s, i, "client ");
	if (!c)
		return (i && PU_FIND(s, i, ": ")) ? CG_DNS_LINE_OTHER
					       : bad(why, CG_DNS_SKIP_FORMAT);
	size_t j = (size_t)(c - s.ptr) + 7;
	cg_slice tok = pu_token(s, &j);
	if (tok.len && tok.ptr[0] == '@')
		tok = pu_token(s, &j);
	const char *hash = tok.len ? memrchr(tok.ptr, '#', tok.len) : NULL;
	if (!hash)
		return bad(why, CG_DNS_SKIP_FORMAT); /* cut before the address */
	/* from the token: BIND 9.9 writes "client 10.1.2.3#53535: query: " */
	const char *q = PU_FIND(s, (size_t)(tok.ptr - s.ptr), ": query: ");
	if (!q)
		return PU_FIND(s, (size_t)(tok.ptr - s.ptr), ": ")
			       ? CG_DNS_LINE_OTHER /* other client messages */
			       : bad(why, CG_DNS_SKIP_FORMAT);
	cg_slice client = { tok.ptr, (size_t)(hash - tok.ptr) };
	size_t k = (size_t)(q - s.ptr) + 9;
	cg_slice name = pu_token(s, &k);
	cg_slice cls = pu_token(s, &k);
	cg_slice type = pu_token(s, &k);
	if (!name.len || !cls.len || !type.len)
		return bad(why, CG_DNS_SKIP_FORMAT);
	return finish(p, rec, client, name, type, why);
}

/* ---- Unbound ----------------------------------------------------------- */

static cg_dns_line parse_unbound(cg_dns_parser *p, cg_slice s, cg_dns_rec *rec,
				 cg_dns_skip *why)
{
	size_t i = leading_time(p, s, &rec->time_ms, true);
	const char *u = PU_FIND(s, i, "unbound");
	if (!u)
		return bad(why, CG_DNS_SKIP_FORMAT);
	size_t j = (size_t)(u - s.ptr);
	/* "info:" by default; "query:" with log-tag-queryreply: yes */
	const char *info = PU_FIND(s, j, "] info: ");
	size_t skip = 8;
	if (!info && (info = PU_FIND(s, j, "] query: ")))
		skip = 9;
	const char *reply = info ? NULL : PU_FIND(s, j, "] reply: ");
	if (!info && !reply)
		return CG_DNS_LINE_OTHER;
	size_t k = (size_t)((info ? info : reply) - s.ptr) + (info ? skip : 9);
	cg_slice client = pu_token(s, &k);
	if (!cg_dns_is_ip(client))
		return info ? CG_DNS_LINE_OTHER : bad(why, CG_DNS_SKIP_CLIENT);
	cg_slice name = pu_token(s, &k);
	cg_slice type = pu_token(s, &k);
	cg_slice cls = pu_token(s, &k);
	if (!name.len || !type.len || !cls.len)
		return bad(why, CG_DNS_SKIP_FORMAT);
	if (info)
		p->unbound_queries = true;
	else if (p->unbound_queries)
		return CG_DNS_LINE_OTHER; /* the query line counted it already */
	return finish(p, rec, client, name, type, why);
}

/* ---- dnsmasq ----------------------------------------------------------- */

static cg_dns_line parse_dnsmasq(cg_dns_parser *p, cg_slice s, cg_dns_rec *rec,
				 cg_dns_skip *why)
{
	size_t i = leading_time(p, s, &rec->time_ms, false);
	const char *d = PU_FIND(s, i, "dnsmasq");
	if (!d)
		return bad(why, CG_DNS_SKIP_FORMAT);
	const char *colon = PU_FIND(s, (size_t)(d - s.ptr), ": ");
	if (!colon)
		return bad(why, CG_DNS_SKIP_FORMAT);
	size_t k = (size_t)(colon - s.ptr) + 2;
	cg_slice tok = pu_token(s, &k);
	if (tok.len && tok.ptr[0] >= '0' && tok.ptr[0] <= '9' &&
	    !memchr(tok.ptr, '[', tok.len)) {
		/* log-queries=extra: "SERIAL ADDR/PORT query[...]" */
		int64_t serial;
		if (cg_parse_i64(tok, 0, INT64_MAX, &serial))
			return CG_DNS_LINE_OTHER;
		pu_token(s, &k);
		tok = pu_token(s, &k);
	}
	if (tok.len < 8 || memcmp(tok.ptr, "query[", 6) != 0)
		return CG_DNS_LINE_OTHER; /* forwarded, reply, cached, config */
	if (tok.ptr[tok.len - 1] != ']')
		return bad(why, CG_DNS_SKIP_FORMAT);
	cg_slice type = { tok.ptr + 6, tok.len - 7 };
	cg_slice name = pu_token(s, &k);
	cg_slice from = pu_token(s, &k);
	cg_slice client = pu_token(s, &k);
	if (!cg_slice_eq_cstr(from, "from"))
		return bad(why, CG_DNS_SKIP_FORMAT);
	return finish(p, rec, client, name, type, why);
}

/* ---- Windows DNS Server debug log --------------------------------------- */

/* "11/21/2026 4:25:01 AM" (US locale, the default) or "2026-11-21 04:25:01". */
static void windows_time(cg_slice s, int64_t *ms)
{
	size_t i = 0;
	int mo, d, y, h, mi, sec;
	*ms = -1;
	if (pu_time_iso(s, ms))
		return;
	if (!pu_digits(s, &i, (i + 1 < s.len && s.ptr[1] == '/') ? 1 : 2, &mo) ||
	    i >= s.len || s.ptr[i++] != '/')
		return;
	if (!pu_digits(s, &i, (i + 1 < s.len && s.ptr[i + 1] == '/') ? 1 : 2, &d) ||
	    i >= s.len || s.ptr[i++] != '/' || !pu_digits(s, &i, 4, &y) ||
	    i >= s.len || s.ptr[i++] != ' ')
		return;
	if (!pu_digits(s, &i, (i + 1 < s.len && s.ptr[i + 1] == ':') ? 1 : 2, &h) ||
	    i >= s.len || s.ptr[i++] != ':' || !pu_digits(s, &i, 2, &mi) ||
	    i >= s.len || s.ptr[i++] != ':' || !pu_digits(s, &i, 2, &sec))
		return;
	if (i + 2 < s.len && s.ptr[i] == ' ' && s.ptr[i + 2] == 'M') {
		bool pm = (s.ptr[i + 1] | 0x20) == 'p';
		if (h == 12)
			h = 0;
		if (pm)
			h += 12;
	}
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
		return;
	*ms = ((cg_dns_days_from_civil(y, (unsigned)mo, (unsigned)d) * 24 + h) *
		       3600 + mi * 60 + sec) * 1000LL;
}

/* (7)example(3)com(0) -> example.com, written into p->name. */
static bool windows_name(cg_dns_parser *p, cg_slice s, cg_dns_rec *rec)
{
	char tmp[CG_DNS_MAX_NAME + 2];
	size_t out = 0, i = 0;
	while (i < s.len) {
		if (s.ptr[i] != '(')
			return false;
		int64_t n = 0;
		size_t j = i + 1;
		while (j < s.len && s.ptr[j] >= '0' && s.ptr[j] <= '9' && j - i < 4)
			n = n * 10 + (s.ptr[j++] - '0');
		if (j >= s.len || s.ptr[j] != ')' || j == i + 1)
			return false;
		i = j + 1;
		if (n == 0)
			break;
		if (n > 63 || (size_t)n > s.len - i || out + (size_t)n + 1 > CG_DNS_MAX_NAME)
			return false;
		if (out)
			tmp[out++] = '.';
		memcpy(tmp + out, s.ptr + i, (size_t)n);
		out += (size_t)n;
		i += (size_t)n;
	}
	if (out == 0)
		return false;
	return set_name(p, (cg_slice){ tmp, out }, rec);
}

static cg_dns_line parse_windows(cg_dns_parser *p, cg_slice s, cg_dns_rec *rec,
				 cg_dns_skip *why)
{
	const char *pk = PU_FIND(s, 0, " PACKET ");
	if (!pk) {
		/* the header block and other event lines */
		return (s.len == 0 || (s.ptr[0] >= '0' && s.ptr[0] <= '9') ||
			PU_FIND(s, 0, "DNS Server") || PU_FIND(s, 0, "Message logging") ||
			PU_FIND(s, 0, "Log file") ||
			s.ptr[0] == '\t' || s.ptr[0] == ' ')
			       ? CG_DNS_LINE_OTHER
			       : bad(why, CG_DNS_SKIP_FORMAT);
	}
	windows_time(s, &rec->time_ms);
	size_t k = (size_t)(pk - s.ptr) + 8;
	pu_token(s, &k);                  /* packet address */
	cg_slice proto = pu_token(s, &k); /* UDP / TCP */
	cg_slice dir = pu_token(s, &k);   /* Rcv / Snd */
	cg_slice client = pu_token(s, &k);
	pu_token(s, &k); /* transaction id */
	if (!proto.len || !dir.len || !client.len)
		return bad(why, CG_DNS_SKIP_FORMAT);
	const char *br = PU_FIND(s, k, "[");
	const char *close = br ? PU_FIND(s, (size_t)(br - s.ptr), "]") : NULL;
	if (!close)
		return bad(why, CG_DNS_SKIP_FORMAT);
	/* between the id and '[': "Q" for a query, "R Q" for a response */
	cg_slice mid = { s.ptr + k, (size_t)(br - s.ptr) - k };
	bool response = memchr(mid.ptr, 'R', mid.len) != NULL;
	size_t m = (size_t)(close - s.ptr) + 1;
	cg_slice type = pu_token(s, &m);
	cg_slice name = pu_token(s, &m);
	if (!type.len || !name.len)
		return bad(why, CG_DNS_SKIP_FORMAT);
	if (!cg_slice_eq_cstr(dir, "Rcv") || response)
		return CG_DNS_LINE_OTHER; /* our answers, our own recursion */
	if (!set_client(p, client, rec))
		return bad(why, CG_DNS_SKIP_CLIENT);
	if (!windows_name(p, name, rec))
		return bad(why, CG_DNS_SKIP_NAME);
	rec->qtype = cg_dns_qtype_parse(type);
	return CG_DNS_LINE_QUERY;
}

/* ---- CoreDNS ----------------------------------------------------------- */

static cg_dns_line parse_coredns(cg_dns_parser *p, cg_slice s, cg_dns_rec *rec,
				 cg_dns_skip *why)
{
	size_t i = leading_time(p, s, &rec->time_ms, false);
	while (i < s.len && s.ptr[i] == ' ')
		i++;
	if (i >= s.len || s.ptr[i] != '[')
		return bad(why, CG_DNS_SKIP_FORMAT);
	const char *info = PU_FIND(s, i, "[INFO] ");
	if (!info || (size_t)(info - s.ptr) != i)
		return CG_DNS_LINE_OTHER; /* [WARNING], [ERROR], plugin/... */
	size_t k = i + 7;
	cg_slice addr = pu_token(s, &k);
	cg_slice dash = pu_token(s, &k);
	pu_token(s, &k); /* message id */
	if (!cg_slice_eq_cstr(dash, "-") || k + 1 >= s.len || s.ptr[k] != ' ' ||
	    s.ptr[k + 1] != '"')
		return CG_DNS_LINE_OTHER; /* other [INFO] messages */
	k += 2;
	cg_slice type = pu_token(s, &k);
	cg_slice cls = pu_token(s, &k);
	cg_slice name = pu_token(s, &k);
	if (!type.len || !cls.len || !name.len)
		return bad(why, CG_DNS_SKIP_FORMAT);
	/* 10.1.2.3:53535 or [2001:db8::1]:53535 */
	cg_slice client;
	if (addr.len && addr.ptr[0] == '[') {
		const char *rb = memchr(addr.ptr, ']', addr.len);
		if (!rb)
			return bad(why, CG_DNS_SKIP_CLIENT);
		client = (cg_slice){ addr.ptr + 1, (size_t)(rb - addr.ptr) - 1 };
	} else {
		const char *col = addr.len ? memrchr(addr.ptr, ':', addr.len) : NULL;
		client = col ? (cg_slice){ addr.ptr, (size_t)(col - addr.ptr) } : addr;
	}
	/* "... udp 29 false 512" NXDOMAIN qr,rd,ra 68 0.0001s */
	const char *quote = k < s.len ? memchr(s.ptr + k, '"', s.len - k) : NULL;
	if (quote) {
		size_t j = (size_t)(quote - s.ptr) + 1;
		rec->answer = cg_dns_answer_parse(pu_token(s, &j));
	}
	return finish(p, rec, client, name, type, why);
}

/* ---- Zeek TSV ----------------------------------------------------------- */

static cg_slice tsv_field(cg_slice s, int col)
{
	const char *ptr = s.ptr, *end = s.ptr + s.len;
	for (int c = 0; c < col; c++) {
		const char *t = memchr(ptr, '\t', (size_t)(end - ptr));
		if (!t)
			return (cg_slice){ NULL, 0 };
		ptr = t + 1;
	}
	const char *t = memchr(ptr, '\t', (size_t)(end - ptr));
	return (cg_slice){ ptr, t ? (size_t)(t - ptr) : (size_t)(end - ptr) };
}

static void zeek_fields(cg_dns_parser *p, cg_slice s)
{
	p->z_ts = p->z_client = p->z_query = p->z_qtype = p->z_rcode = -1;
	cg_slice rest = s, f;
	cg_slice_cut(rest, '\t', &rest); /* "#fields" */
	for (int col = 0; rest.ptr; col++) {
		f = cg_slice_cut(rest, '\t', &rest);
		if (cg_slice_eq_cstr(f, "ts"))
			p->z_ts = col;
		else if (cg_slice_eq_cstr(f, "id.orig_h"))
			p->z_client = col;
		else if (cg_slice_eq_cstr(f, "query"))
			p->z_query = col;
		else if (cg_slice_eq_cstr(f, "qtype"))
			p->z_qtype = col;
		else if (cg_slice_eq_cstr(f, "rcode_name"))
			p->z_rcode = col;
	}
}

static cg_dns_line parse_zeek(cg_dns_parser *p, cg_slice s, cg_dns_rec *rec,
			      cg_dns_skip *why)
{
	if (s.len && s.ptr[0] == '#') {
		if (s.len > 8 && memcmp(s.ptr, "#fields\t", 8) == 0)
			zeek_fields(p, s);
		return CG_DNS_LINE_OTHER;
	}
	if (p->z_client < 0 || p->z_query < 0 || !memchr(s.ptr, '\t', s.len))
		return bad(why, CG_DNS_SKIP_FORMAT);
	cg_slice client = tsv_field(s, p->z_client);
	cg_slice name = tsv_field(s, p->z_query);
	if (!client.ptr || !name.ptr)
		return bad(why, CG_DNS_SKIP_FORMAT);
	rec->time_ms = -1;
	if (p->z_ts >= 0) {
		cg_slice ts = tsv_field(s, p->z_ts);
		if (!ts.ptr || pu_time_epoch(ts, &rec->time_ms) != ts.len)
			return bad(why, CG_DNS_SKIP_TIME);
	}
	if (cg_slice_eq_cstr(name, "-") || cg_slice_eq_cstr(name, "(empty)"))
		return CG_DNS_LINE_OTHER;
	if (!set_client(p, client, rec))
		return bad(why, CG_DNS_SKIP_CLIENT);
	if (!set_name(p, name, rec))
		return bad(why, CG_DNS_SKIP_NAME);
	rec->qtype = 0;
	if (p->z_qtype >= 0) {
		int64_t t;
		if (cg_parse_i64(tsv_field(s, p->z_qtype), 0, 65535, &t) == CG_OK)
			rec->qtype = (uint16_t)t;
	}
	if (p->z_rcode >= 0)
		rec->answer = cg_dns_answer_parse(tsv_field(s, p->z_rcode));
	return CG_DNS_LINE_QUERY;
}

/* ---- dispatch ----------------------------------------------------------- */

cg_dns_line cg_dns_parse_json(cg_dns_parser *p, cg_slice line, cg_dns_rec *rec,
			      cg_dns_skip *why); /* parse_json.c */

void cg_dns_parser_init(cg_dns_parser *p, cg_dns_fmt fmt)
{
	memset(p, 0, sizeof *p);
	p->fmt = fmt;
	/* syslog stamps carry no year: take the current one */
	time_t now = time(NULL);
	struct tm tm;
	p->year = gmtime_r(&now, &tm) ? tm.tm_year + 1900 : 2026;
	/* Zeek's default dns.log layout, for files cut from their header */
	p->z_ts = 0;
	p->z_client = 2;
	p->z_query = 9;
	p->z_qtype = 12;
	p->z_rcode = 15;
}

cg_dns_line cg_dns_parse_line(cg_dns_parser *p, cg_slice line, cg_dns_rec *rec,
			      cg_dns_skip *why)
{
	rec->time_ms = -1;
	rec->qtype = 0;
	rec->answer = CG_DNS_ANS_UNKNOWN;
	if (line.len && line.ptr[line.len - 1] == '\r')
		line.len--;
	if (line.len && memchr(line.ptr, '\0', line.len))
		return bad(why, CG_DNS_SKIP_BINARY);
	if (line.len == 0)
		return CG_DNS_LINE_OTHER;
	switch (p->fmt) {
	case CG_DNS_FMT_BIND:
		return parse_bind(p, line, rec, why);
	case CG_DNS_FMT_UNBOUND:
		return parse_unbound(p, line, rec, why);
	case CG_DNS_FMT_DNSMASQ:
		return parse_dnsmasq(p, line, rec, why);
	case CG_DNS_FMT_WINDOWS:
		return parse_windows(p, line, rec, why);
	case CG_DNS_FMT_COREDNS:
		return parse_coredns(p, line, rec, why);
	case CG_DNS_FMT_ZEEK:
		return parse_zeek(p, line, rec, why);
	case CG_DNS_FMT_ZEEK_JSON:
	case CG_DNS_FMT_SURICATA:
		return cg_dns_parse_json(p, line, rec, why);
	default:
		return bad(why, CG_DNS_SKIP_FORMAT);
	}
}

cg_dns_fmt cg_dns_detect(cg_slice head)
{
	if (head.len >= 4) {
		const unsigned char *b = (const unsigned char *)head.ptr;
		uint32_t m = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
			     (uint32_t)b[2] << 8 | b[3];
		if (m == 0xa1b2c3d4 || m == 0xd4c3b2a1 || m == 0xa1b23c4d ||
		    m == 0x4d3cb2a1 || m == 0x0a0d0d0a)
			return CG_DNS_FMT_PCAP;
	}
	/* Score every text parser on the first lines: most queries wins, and
	 * on a tie the format with fewer bad lines. */
	int best = CG_DNS_FMT_AUTO, best_q = 0, best_bad = 0;
	for (int f = CG_DNS_FMT_BIND; f < CG_DNS_FMT_PCAP; f++) {
		cg_dns_parser p;
		cg_dns_parser_init(&p, (cg_dns_fmt)f);
		if (f == CG_DNS_FMT_ZEEK)
			p.z_client = p.z_query = -1; /* header required here */
		int q = 0, nbad = 0, lines = 0;
		cg_slice rest = head;
		while (rest.ptr && rest.len && lines < 50) {
			cg_slice line = cg_slice_cut(rest, '\n', &rest);
			if (!rest.ptr && lines > 0)
				break; /* a partial last line of the sample */
			lines++;
			cg_dns_rec rec;
			cg_dns_skip why;
			cg_dns_line r = cg_dns_parse_line(&p, line, &rec, &why);
			q += r == CG_DNS_LINE_QUERY;
			nbad += r == CG_DNS_LINE_BAD;
		}
		if (q > best_q || (q == best_q && q > 0 && nbad < best_bad)) {
			best = f;
			best_q = q;
			best_bad = nbad;
		}
	}
	return (cg_dns_fmt)best;
}
