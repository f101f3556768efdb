/* Unit tests: the DNS log line parsers, one real-format line (or more) per
 * format and layout, and the lines they must refuse. */
#include <string.h>

#include "dns/input.h"
#include "dns/parse_util.h"
#include "test.h"

static cg_dns_rec rec;
static cg_dns_skip why;

static cg_dns_line parse(cg_dns_parser *p, const char *line)
{
	memset(&rec, 0, sizeof rec);
	return cg_dns_parse_line(p, cg_slice_cstr(line), &rec, &why);
}

static int sl_eq(cg_slice s, const char *c)
{
	return s.len == strlen(c) && memcmp(s.ptr, c, s.len) == 0;
}

#define EXPECT_Q(p, line, cl_, nm_, ty_)                                  \
	do {                                                                   \
		cg_dns_line r_ = parse((p), (line));                           \
		CHECK(r_ == CG_DNS_LINE_QUERY);                                \
		if (r_ == CG_DNS_LINE_QUERY) {                                 \
			CHECK(sl_eq(rec.client, (cl_)));                       \
			CHECK(sl_eq(rec.qname, (nm_)));                        \
			CHECK(rec.qtype == (ty_));                             \
		}                                                              \
	} while (0)

/* 2026-11-21T04:25:01Z */
#define T0 1795235101000LL

TEST(bind_layouts)
{
	cg_dns_parser p;
	cg_dns_parser_init(&p, CG_DNS_FMT_BIND);
	EXPECT_Q(&p, "21-Nov-2026 04:25:01.123 queries: info: client @0x7f1c2c0a1b20 10.1.2.3#53535 (Example.COM): query: Example.COM IN A +E(0)K (10.0.0.1)",
		 "10.1.2.3", "example.com", 1);
	CHECK(rec.time_ms == T0 + 123);
	EXPECT_Q(&p, "client @0x7f1c2c0a1b20 10.1.2.3#53535 (example.com): query: example.com IN AAAA +E(0)K (10.0.0.1)",
		 "10.1.2.3", "example.com", 28);
	CHECK(rec.time_ms == -1);
	EXPECT_Q(&p, "21-Nov-2026 04:25:01.000 client 10.1.2.3#53535 (mail.example.org): query: mail.example.org IN MX + (10.0.0.1)",
		 "10.1.2.3", "mail.example.org", 15);
	EXPECT_Q(&p, "21-Nov-2026 04:25:01.000 client 10.1.2.3#53535: query: old.example IN TXT +",
		 "10.1.2.3", "old.example", 16);
	EXPECT_Q(&p, "Nov 21 04:25:01 ns1 named[811]: client @0x7f 2001:db8::5#4444 (x.example.): view internal: query: x.example. IN TYPE65 -E(0)D (2001:db8::1)",
		 "2001:db8::5", "x.example", 65);
	CHECK(parse(&p, "21-Nov-2026 04:25:01.000 general: info: zone example/IN: loaded serial 1") == CG_DNS_LINE_OTHER);
	CHECK(parse(&p, "\x01\x02 garbage") == CG_DNS_LINE_BAD);
	CHECK(parse(&p, "client 999.1.2.3#53: query: x.example IN A +") == CG_DNS_LINE_BAD);
	CHECK(why == CG_DNS_SKIP_CLIENT);
	CHECK(parse(&p, "client 10.1.2.3#53: query: bad..name IN A +") == CG_DNS_LINE_BAD);
	CHECK(why == CG_DNS_SKIP_NAME);
	CHECK(parse(&p, "client 10.1.2.3#53: query: trunc") == CG_DNS_LINE_BAD);
	CHECK(parse(&p, "21-Nov-2026 04:25:01.000 client 10.1.2.3#53 (x): query: x IN A\0junk") == CG_DNS_LINE_QUERY);
}

TEST(unbound)
{
	cg_dns_parser p;
	cg_dns_parser_init(&p, CG_DNS_FMT_UNBOUND);
	/* log-replies before any log-queries line: counted */
	EXPECT_Q(&p, "[1795235101] unbound[1234:0] reply: 10.1.2.3 example.com. A IN NOERROR 0.000000 0 45",
		 "10.1.2.3", "example.com", 1);
	EXPECT_Q(&p, "[1795235101] unbound[1234:0] info: 10.1.2.3 example.com. A IN",
		 "10.1.2.3", "example.com", 1);
	CHECK(rec.time_ms == T0);
	/* once queries are logged, replies would count twice */
	CHECK(parse(&p, "[1795235101] unbound[1234:0] reply: 10.1.2.3 example.com. A IN NOERROR 0.000000 0 45") == CG_DNS_LINE_OTHER);
	EXPECT_Q(&p, "Nov 21 04:25:01 resolver unbound: [1234:1] info: ::1 tunnel.example. TXT IN",
		 "::1", "tunnel.example", 16);
	CHECK(parse(&p, "[1795235101] unbound[1234:0] info: start of service (unbound 1.17.1).") == CG_DNS_LINE_OTHER);
	EXPECT_Q(&p, "[1795235101] unbound[1234:0] query: 10.1.2.7 tagged.example. AAAA IN",
		 "10.1.2.7", "tagged.example", 28);
	CHECK(parse(&p, "some other program: hello") == CG_DNS_LINE_BAD);
}

TEST(dnsmasq)
{
	cg_dns_parser p;
	cg_dns_parser_init(&p, CG_DNS_FMT_DNSMASQ);
	EXPECT_Q(&p, "Nov 21 04:25:01 dnsmasq[1234]: query[A] example.com from 10.1.2.3",
		 "10.1.2.3", "example.com", 1);
	EXPECT_Q(&p, "Nov 21 04:25:01 dnsmasq[1234]: 17 10.1.2.3/53535 query[AAAA] www.example.com from 10.1.2.3",
		 "10.1.2.3", "www.example.com", 28);
	EXPECT_Q(&p, "Nov  1 04:25:01 gw dnsmasq[99]: query[type=65] svc.example from fe80::1",
		 "fe80::1", "svc.example", 0);
	CHECK(parse(&p, "Nov 21 04:25:01 dnsmasq[1234]: forwarded example.com to 8.8.8.8") == CG_DNS_LINE_OTHER);
	CHECK(parse(&p, "Nov 21 04:25:01 dnsmasq[1234]: 17 10.1.2.3/53535 reply example.com is 93.184.216.34") == CG_DNS_LINE_OTHER);
	CHECK(parse(&p, "Nov 21 04:25:01 dnsmasq[1234]: query[A] example.com by 10.1.2.3") == CG_DNS_LINE_BAD);
}

TEST(windows)
{
	cg_dns_parser p;
	cg_dns_parser_init(&p, CG_DNS_FMT_WINDOWS);
	EXPECT_Q(&p, "11/21/2026 4:25:01 AM 0A2C PACKET  000000D7A6F3B1C0 UDP Rcv 10.1.2.3        c1d2   Q [0001   D   NOERROR] A      (7)example(3)com(0)",
		 "10.1.2.3", "example.com", 1);
	CHECK(rec.time_ms == T0);
	EXPECT_Q(&p, "11/21/2026 4:25:01 PM 0A2C PACKET  000000D7A6F3B1C0 TCP Rcv 2001:db8::7   0005   Q [0001   D   NOERROR] TXT    (3)foo(7)tunnel-(7)example(0)",
		 "2001:db8::7", "foo.tunnel-.example", 16);
	CHECK(rec.time_ms == T0 + 12 * 3600000LL);
	CHECK(parse(&p, "11/21/2026 4:25:01 AM 0A2C PACKET  000000D7A6F3B1C0 UDP Snd 10.1.2.3        c1d2 R Q [8081   DR  NOERROR] A      (7)example(3)com(0)") == CG_DNS_LINE_OTHER);
	CHECK(parse(&p, "DNS Server log file creation at 11/21/2026 4:25:00 AM") == CG_DNS_LINE_OTHER);
	CHECK(parse(&p, "Log file wrap at 11/21/2026 4:25:00 AM") == CG_DNS_LINE_OTHER);
	CHECK(parse(&p, "11/21/2026 4:25:00 AM 0A2C EVENT   The DNS server has started.") == CG_DNS_LINE_OTHER);
	CHECK(parse(&p, "11/21/2026 4:25:01 AM 0A2C PACKET  000000D7A6F3B1C0 UDP Rcv 10.1.2.3 c1d2   Q [0001   D   NOERROR] A      (9)example(3)com(0)") == CG_DNS_LINE_BAD);
	CHECK(why == CG_DNS_SKIP_NAME);
}

TEST(coredns)
{
	cg_dns_parser p;
	cg_dns_parser_init(&p, CG_DNS_FMT_COREDNS);
	EXPECT_Q(&p, "[INFO] 10.1.2.3:53535 - 12345 \"A IN example.com. udp 29 false 512\" NOERROR qr,rd,ra 68 0.000123456s",
		 "10.1.2.3", "example.com", 1);
	CHECK(rec.answer == CG_DNS_ANS_NOERROR);
	EXPECT_Q(&p, "2026-11-21T04:25:01.000Z [INFO] [2001:db8::3]:40000 - 7 \"TXT IN t.example. tcp 40 false 65535\" NXDOMAIN qr,aa,rd 100 0.0001s",
		 "2001:db8::3", "t.example", 16);
	CHECK(rec.time_ms == T0);
	CHECK(rec.answer == CG_DNS_ANS_NXDOMAIN);
	EXPECT_Q(&p, "[INFO] 10.1.2.3:53535 - 12345 \"A IN example.com. udp 29 false 512\" SERVFAIL qr,rd 29 5.0s",
		 "10.1.2.3", "example.com", 1);
	CHECK(rec.answer == CG_DNS_ANS_OTHER);
	CHECK(parse(&p, "[INFO] plugin/reload: Running configuration SHA512 = abc") == CG_DNS_LINE_OTHER);
	CHECK(parse(&p, "[WARNING] No files matching import glob pattern") == CG_DNS_LINE_OTHER);
	CHECK(parse(&p, ".:53") == CG_DNS_LINE_BAD);
}

TEST(zeek_tsv)
{
	cg_dns_parser p;
	cg_dns_parser_init(&p, CG_DNS_FMT_ZEEK);
	CHECK(parse(&p, "#separator \\x09") == CG_DNS_LINE_OTHER);
	CHECK(parse(&p, "#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\ttrans_id\trtt\tquery\tqclass\tqclass_name\tqtype\tqtype_name\trcode\trcode_name\tAA\tTC\tRD\tRA\tZ\tanswers\tTTLs\trejected") == CG_DNS_LINE_OTHER);
	EXPECT_Q(&p, "1795235101.123456\tCHhAvVGS1DHFjwGM9\t10.1.2.3\t53535\t10.0.0.1\t53\tudp\t8237\t0.001\texample.com\t1\tC_INTERNET\t1\tA\t0\tNOERROR\tF\tF\tT\tT\t0\t93.184.216.34\t60.0\tF",
		 "10.1.2.3", "example.com", 1);
	CHECK(rec.time_ms == T0 + 123);
	CHECK(rec.answer == CG_DNS_ANS_NOERROR);
	EXPECT_Q(&p, "1795235101.123456\tC2\t10.1.2.3\t53535\t10.0.0.1\t53\tudp\t8238\t0.001\tyellowisland.net\t1\tC_INTERNET\t1\tA\t3\tNXDOMAIN\tF\tF\tT\tT\t0\t-\t-\tF",
		 "10.1.2.3", "yellowisland.net", 1);
	CHECK(rec.answer == CG_DNS_ANS_NXDOMAIN);
	CHECK(parse(&p, "1795235101.1\tC1\t10.1.2.3\t53535\t10.0.0.1\t53\tudp\t1\t-\t-\t-\t-\t-\t-\t-\t-\tF\tF\tF\tF\t0\t-\t-\tF") == CG_DNS_LINE_OTHER);
	/* a reordered header is honoured */
	parse(&p, "#fields\tquery\tid.orig_h\tts\tqtype");
	EXPECT_Q(&p, "b.example\t10.9.9.9\t1795235101.0\t16", "10.9.9.9", "b.example", 16);
	CHECK(rec.answer == CG_DNS_ANS_UNKNOWN); /* no rcode_name column */
	CHECK(parse(&p, "no tabs here") == CG_DNS_LINE_BAD);
}

TEST(json_formats)
{
	cg_dns_parser p;
	cg_dns_parser_init(&p, CG_DNS_FMT_ZEEK_JSON);
	EXPECT_Q(&p, "{\"ts\":1795235101.5,\"uid\":\"C1\",\"id.orig_h\":\"10.1.2.3\",\"id.orig_p\":53535,\"id.resp_h\":\"10.0.0.1\",\"id.resp_p\":53,\"proto\":\"udp\",\"trans_id\":1,\"query\":\"Example.com\",\"qclass\":1,\"qclass_name\":\"C_INTERNET\",\"qtype\":28,\"qtype_name\":\"AAAA\",\"rcode\":0}",
		 "10.1.2.3", "example.com", 28);
	CHECK(rec.time_ms == T0 + 500);
	CHECK(rec.answer == CG_DNS_ANS_UNKNOWN);
	EXPECT_Q(&p, "{\"ts\":1795235101.5,\"id.orig_h\":\"10.1.2.3\",\"query\":\"quietharbor.net\",\"qtype\":1,\"rcode\":3,\"rcode_name\":\"NXDOMAIN\"}",
		 "10.1.2.3", "quietharbor.net", 1);
	CHECK(rec.answer == CG_DNS_ANS_NXDOMAIN);
	EXPECT_Q(&p, "{\"ts\":\"2026-11-21T04:25:01.000000Z\",\"id.orig_h\":\"10.1.2.4\",\"query\":\"x.example\"}",
		 "10.1.2.4", "x.example", 0);
	CHECK(rec.time_ms == T0);
	CHECK(parse(&p, "{\"ts\":1,\"id.orig_h\":\"10.1.2.3\"") == CG_DNS_LINE_BAD);
	CHECK(why == CG_DNS_SKIP_JSON);

	cg_dns_parser_init(&p, CG_DNS_FMT_SURICATA);
	EXPECT_Q(&p, "{\"timestamp\":\"2026-11-21T04:25:01.000000+0000\",\"flow_id\":1,\"in_iface\":\"eth0\",\"event_type\":\"dns\",\"src_ip\":\"10.1.2.3\",\"src_port\":53535,\"dest_ip\":\"10.0.0.1\",\"dest_port\":53,\"proto\":\"UDP\",\"dns\":{\"type\":\"query\",\"id\":1,\"rrname\":\"example.com\",\"rrtype\":\"A\",\"tx_id\":0}}",
		 "10.1.2.3", "example.com", 1);
	CHECK(rec.time_ms == T0);
	EXPECT_Q(&p, "{\"timestamp\":\"2026-11-21T11:25:01.000000+0700\",\"event_type\":\"dns\",\"src_ip\":\"10.1.2.5\",\"dest_ip\":\"10.0.0.1\",\"dns\":{\"version\":2,\"type\":\"query\",\"id\":7,\"rrname\":\"t.example\",\"rrtype\":\"TXT\",\"tx_id\":0,\"opcode\":0}}",
		 "10.1.2.5", "t.example", 16);
	CHECK(rec.time_ms == T0);
	EXPECT_Q(&p, "{\"timestamp\":\"2026-11-21T04:25:01.000000+0000\",\"event_type\":\"dns\",\"src_ip\":\"10.1.2.6\",\"dest_ip\":\"10.0.0.1\",\"dns\":{\"version\":3,\"type\":\"request\",\"tx_id\":0,\"id\":9,\"flags\":\"100\",\"rd\":true,\"opcode\":0,\"rcode\":\"NOERROR\",\"queries\":[{\"rrname\":\"v3.example\",\"rrtype\":\"AAAA\"}]}}",
		 "10.1.2.6", "v3.example", 28);
	CHECK(parse(&p, "{\"timestamp\":\"2026-11-21T04:25:01.000000+0000\",\"event_type\":\"dns\",\"src_ip\":\"10.0.0.1\",\"dest_ip\":\"10.1.2.3\",\"dns\":{\"version\":2,\"type\":\"answer\",\"id\":1,\"rrname\":\"example.com\",\"rrtype\":\"A\",\"rcode\":\"NOERROR\"}}") == CG_DNS_LINE_OTHER);
	CHECK(parse(&p, "{\"timestamp\":\"2026-11-21T04:25:01.000000+0000\",\"event_type\":\"flow\",\"src_ip\":\"10.1.2.3\"}") == CG_DNS_LINE_OTHER);
}

TEST(detection)
{
	CHECK(cg_dns_detect(CG_SLICE("21-Nov-2026 04:25:01.123 queries: info: client @0x7f 10.1.2.3#5 (a.example): query: a.example IN A + (10.0.0.1)\n")) == CG_DNS_FMT_BIND);
	CHECK(cg_dns_detect(CG_SLICE("[1795235101] unbound[1:0] info: 10.1.2.3 a.example. A IN\n")) == CG_DNS_FMT_UNBOUND);
	CHECK(cg_dns_detect(CG_SLICE("Nov 21 04:25:01 dnsmasq[1]: query[A] a.example from 10.1.2.3\n")) == CG_DNS_FMT_DNSMASQ);
	CHECK(cg_dns_detect(CG_SLICE("DNS Server log file creation at 11/21/2026\n\n11/21/2026 4:25:01 AM 0A2C PACKET  000000D7A6F3B1C0 UDP Rcv 10.1.2.3 c1d2   Q [0001   D   NOERROR] A      (7)example(3)com(0)\n")) == CG_DNS_FMT_WINDOWS);
	CHECK(cg_dns_detect(CG_SLICE("#separator \\x09\n#fields\tts\tid.orig_h\tquery\n1795235101.0\t10.1.2.3\ta.example\n")) == CG_DNS_FMT_ZEEK);
	CHECK(cg_dns_detect(CG_SLICE("{\"ts\":1795235101.5,\"id.orig_h\":\"10.1.2.3\",\"query\":\"a.example\"}\n")) == CG_DNS_FMT_ZEEK_JSON);
	CHECK(cg_dns_detect(CG_SLICE("{\"timestamp\":\"2026-11-21T04:25:01.000000+0000\",\"event_type\":\"dns\",\"src_ip\":\"10.1.2.3\",\"dns\":{\"type\":\"query\",\"rrname\":\"a.example\",\"rrtype\":\"A\"}}\n")) == CG_DNS_FMT_SURICATA);
	CHECK(cg_dns_detect(CG_SLICE("[INFO] 10.1.2.3:53535 - 1 \"A IN a.example. udp 29 false 512\" NOERROR qr,rd,ra 68 0.0001s\n")) == CG_DNS_FMT_COREDNS);
	CHECK(cg_dns_detect(CG_SLICE("\xd4\xc3\xb2\xa1\x02\x00\x04\x00")) == CG_DNS_FMT_PCAP);
	CHECK(cg_dns_detect(CG_SLICE("hello world\nthis is not a log\n")) == CG_DNS_FMT_AUTO);
}

TEST(helpers)
{
	char out[CG_DNS_MAX_NAME + 1];
	size_t n;
	CHECK(cg_dns_norm_name(CG_SLICE("WWW.Example.COM."), out, &n) && strcmp(out, "www.example.com") == 0);
	CHECK(!cg_dns_norm_name(CG_SLICE("."), out, &n));
	CHECK(!cg_dns_norm_name(CG_SLICE("a..b"), out, &n));
	CHECK(!cg_dns_norm_name(CG_SLICE("a b"), out, &n));
	char big[300];
	memset(big, 'a', sizeof big);
	CHECK(!cg_dns_norm_name(cg_slice_from(big, 256), out, &n));
	CHECK(cg_dns_is_ip(CG_SLICE("10.1.2.3")));
	CHECK(cg_dns_is_ip(CG_SLICE("2001:db8::1")));
	CHECK(cg_dns_is_ip(CG_SLICE("::ffff:10.1.2.3")));
	CHECK(cg_dns_is_ip(CG_SLICE("fe80::1%eth0")));
	CHECK(!cg_dns_is_ip(CG_SLICE("10.1.2")));
	CHECK(!cg_dns_is_ip(CG_SLICE("256.1.2.3")));
	CHECK(!cg_dns_is_ip(CG_SLICE("example.com")));
	CHECK(cg_dns_qtype_parse(CG_SLICE("txt")) == 16);
	CHECK(cg_dns_qtype_parse(CG_SLICE("TYPE99")) == 99);
	CHECK(cg_dns_qtype_parse(CG_SLICE("BOGUS")) == 0);
	CHECK(cg_dns_days_from_civil(1970, 1, 1) == 0);
	CHECK(cg_dns_days_from_civil(2000, 3, 1) == 11017);
}

TEST(wire)
{
	/* header (id 1, RD, 1 question) + www.example.com A IN */
	static const uint8_t q[] = { 0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0,
				     3, 'w', 'w', 'w', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e',
				     3, 'c', 'o', 'm', 0, 0, 1, 0, 1 };
	char name[CG_DNS_MAX_NAME + 1];
	size_t n;
	uint16_t t;
	bool isq;
	CHECK(cg_dns_wire_question(q, sizeof q, name, &n, &t, &isq) == CG_OK);
	CHECK(strcmp(name, "www.example.com") == 0 && t == 1 && isq);
	CHECK(cg_dns_wire_question(q, sizeof q - 1, name, &n, &t, &isq) == CG_EPARSE);
	/* a pointer to itself: a loop */
	static const uint8_t loop[] = { 0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0,
					0xc0, 12, 0, 1, 0, 1 };
	CHECK(cg_dns_wire_question(loop, sizeof loop, name, &n, &t, &isq) == CG_EPARSE);
	/* a label longer than the message */
	static const uint8_t longl[] = { 0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 60, 'a' };
	CHECK(cg_dns_wire_question(longl, sizeof longl, name, &n, &t, &isq) == CG_EPARSE);
	/* a response */
	uint8_t r[sizeof q];
	memcpy(r, q, sizeof q);
	r[2] |= 0x80;
	CHECK(cg_dns_wire_question(r, sizeof r, name, &n, &t, &isq) == CG_OK && !isq);
}

int main(void)
{
	RUN(bind_layouts);
	RUN(unbound);
	RUN(dnsmasq);
	RUN(windows);
	RUN(coredns);
	RUN(zeek_tsv);
	RUN(json_formats);
	RUN(detection);
	RUN(helpers);
	RUN(wire);
	return test_done();
}
