/* Unit tests: the domain set (exact label semantics) and every
 * threat-intelligence format; the 1M-entry load bound (memory by
 * getrusage, time with a generous bound: the benchmark has the figures). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "dns/domainset.h"
#include "dns/subnets.h"
#include "test.h"

static int has(cg_dns_set *s, const char *q)
{
	return cg_dns_set_match(s, cg_slice_cstr(q)) >= 0;
}

static cg_dns_set *parse(const char *text, cg_dns_intel_stats *st)
{
	cg_dns_set *s = cg_dns_set_new();
	memset(st, 0, sizeof *st);
	CHECK(cg_dns_intel_parse(s, cg_slice_cstr(text), st) == CG_OK);
	return s;
}

TEST(label_semantics)
{
	cg_dns_intel_stats st;
	cg_dns_set *s = parse("# comment\nEvil.Example.\n\nbad..name\nco.uk.example\n", &st);
	CHECK(cg_dns_set_count(s) == 2);
	CHECK(st.skipped == 1 && st.first_bad == 4);
	CHECK(has(s, "evil.example"));
	CHECK(has(s, "a.b.evil.example"));
	CHECK(!has(s, "notevil.example"));
	CHECK(!has(s, "evil.example.org"));
	CHECK(!has(s, "example"));
	CHECK(!has(s, "vil.example"));
	int64_t id = cg_dns_set_match(s, CG_SLICE("x.evil.example"));
	CHECK(id >= 0 && cg_slice_eq_cstr(cg_dns_set_name(s, (uint32_t)id), "evil.example"));
	cg_dns_set_free(s);
}

TEST(hosts_file)
{
	cg_dns_intel_stats st;
	cg_dns_set *s = parse("127.0.0.1 localhost\n::1 localhost ip6-localhost\n"
			      "0.0.0.0 ads.example tracker.example # inline\n"
			      "127.0.0.1\tmal.example\n", &st);
	CHECK(strcmp(st.format, "hosts") == 0);
	CHECK(cg_dns_set_count(s) == 3);
	CHECK(has(s, "ads.example") && has(s, "x.tracker.example") && has(s, "mal.example"));
	CHECK(!has(s, "localhost"));
	cg_dns_set_free(s);
}

TEST(rpz_zone)
{
	cg_dns_intel_stats st;
	cg_dns_set *s = parse("; RPZ\n$TTL 300\n$ORIGIN rpz.local.\n"
			      "@ IN SOA localhost. root.localhost. (\n  1 3600 600 86400 300 )\n"
			      "  IN NS localhost.\n"
			      "exact.example CNAME .\n"
			      "*.wild.example CNAME .\n"
			      "both.example CNAME .\n*.both.example CNAME .\n"
			      "drop.example.rpz.local. 300 IN CNAME rpz-drop.\n"
			      "ok.example CNAME rpz-passthru.\n"
			      "32.1.2.0.10.rpz-ip CNAME .\n", &st);
	CHECK(strcmp(st.format, "rpz") == 0);
	CHECK(has(s, "exact.example"));
	CHECK(!has(s, "a.exact.example"));
	CHECK(!has(s, "wild.example"));
	CHECK(has(s, "a.wild.example"));
	CHECK(has(s, "both.example") && has(s, "a.both.example"));
	CHECK(has(s, "drop.example"));
	CHECK(!has(s, "ok.example"));
	CHECK(cg_dns_set_count(s) == 4); /* both.example once, two flags */
	cg_dns_set_free(s);
}

TEST(abuse_ch_csv)
{
	cg_dns_intel_stats st;
	cg_dns_set *s = parse(
		"################################################################\n"
		"# abuse.ch URLhaus Database Dump (CSV)                         #\n"
		"################################################################\n"
		"#\n"
		"# id,dateadded,url,url_status,last_online,threat,tags,urlhaus_link,reporter\n"
		"\"3129231\",\"2026-11-20 10:00:05\",\"http://Bad-Host.example:8080/bins/x.sh\",\"online\",\"2026-11-20 10:00:05\",\"malware_download\",\"elf,mirai\",\"https://urlhaus.abuse.ch/url/3129231/\",\"geenensp\"\n"
		"\"3129232\",\"2026-11-20 10:00:06\",\"http://203.0.113.7/i\",\"online\",\"\",\"malware_download\",\"\",\"https://urlhaus.abuse.ch/url/3129232/\",\"x\"\n"
		"\"3129233\",\"2026-11-20 10:00:07\",\"https://user@dl.mal.example/a?b=c\",\"offline\",\"\",\"malware_download\",\"\",\"u\",\"x\"\n", &st);
	CHECK(strcmp(st.format, "urlhaus-csv") == 0);
	CHECK(has(s, "bad-host.example") && has(s, "dl.mal.example"));
	CHECK(cg_dns_set_count(s) == 2);
	CHECK(st.skipped == 1);
	cg_dns_set_free(s);

	s = parse("# \"first_seen_utc\",\"ioc_id\",\"ioc_value\",\"ioc_type\",\"threat_type\",\"fk_malware\",\"malware_alias\",\"malware_printable\",\"last_seen_utc\",\"confidence_level\",\"reference\",\"tags\",\"anonymous\",\"reporter\"\n"
		  "\"2026-11-20 08:00:00\", \"1\", \"c2.tf.example\", \"domain\", \"botnet_cc\", \"win.x\", \"\", \"X\", \"\", \"75\", \"\", \"\", \"0\", \"r\"\n"
		  "\"2026-11-20 08:00:01\", \"2\", \"198.51.100.1:443\", \"ip:port\", \"botnet_cc\", \"win.x\", \"\", \"X\", \"\", \"75\", \"\", \"\", \"0\", \"r\"\n"
		  "\"2026-11-20 08:00:02\", \"3\", \"https://pay.tf.example/gate.php\", \"url\", \"payload_delivery\", \"win.x\", \"\", \"X\", \"\", \"50\", \"\", \"\", \"0\", \"r\"\n", &st);
	CHECK(strcmp(st.format, "threatfox-csv") == 0);
	CHECK(has(s, "c2.tf.example") && has(s, "pay.tf.example"));
	CHECK(cg_dns_set_count(s) == 2);
	cg_dns_set_free(s);
}

TEST(zeek_intel)
{
	cg_dns_intel_stats st;
	cg_dns_set *s = parse("#fields\tindicator\tindicator_type\tmeta.source\tmeta.desc\n"
			      "zeek.example\tIntel::DOMAIN\tfeed\tC2\n"
			      "198.51.100.2\tIntel::ADDR\tfeed\tC2\n"
			      "web.zeek.example/path/x\tIntel::URL\tfeed\tdrop\n", &st);
	CHECK(strcmp(st.format, "zeek-intel") == 0);
	CHECK(has(s, "zeek.example") && has(s, "web.zeek.example"));
	CHECK(cg_dns_set_count(s) == 2);
	cg_dns_set_free(s);
}

TEST(url_host)
{
	CHECK(cg_slice_eq_cstr(cg_dns_url_host(CG_SLICE("http://a.example:80/x")), "a.example"));
	CHECK(cg_slice_eq_cstr(cg_dns_url_host(CG_SLICE("a.example/x?y")), "a.example"));
	CHECK(cg_dns_url_host(CG_SLICE("http://[2001:db8::1]/")).len == 0);
}

TEST(million_entries)
{
	/* a generated hosts-style list of 1,000,000 names */
	size_t cap = 40u << 20, len = 0;
	char *text = malloc(cap);
	CHECK(text != NULL);
	if (!text)
		return;
	for (unsigned i = 0; i < 1000000; i++)
		len += (size_t)snprintf(text + len, cap - len,
					"0.0.0.0 host%u.bad%u.example\n", i, i % 9973);
	struct rusage r0, r1;
	getrusage(RUSAGE_SELF, &r0);
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	cg_dns_set *s = cg_dns_set_new();
	cg_dns_intel_stats st = { 0 };
	CHECK(cg_dns_intel_parse(s, cg_slice_from(text, len), &st) == CG_OK);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	getrusage(RUSAGE_SELF, &r1);
	double secs = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	long grew_kb = r1.ru_maxrss - r0.ru_maxrss;
	printf("# 1M entries: %.2fs, max RSS grew %ld KiB (total %ld KiB)\n", secs,
	       grew_kb, r1.ru_maxrss);
	CHECK(cg_dns_set_count(s) == 1000000);
	CHECK(has(s, "host999999.bad2699.example"));
	CHECK(has(s, "a.host5.bad5.example"));
	CHECK(!has(s, "host5.bad6.example"));
	/* < 200 MB for the set (the 40 MB of text included in the total) */
	CHECK(r1.ru_maxrss < 200 * 1024 + 60 * 1024);
	CHECK(grew_kb < 200 * 1024);
	/* < 2 s on a quiet machine; sanitizers and shared CPUs get 10x */
	CHECK(secs < 20.0);
	cg_dns_set_free(s);
	free(text);
}

TEST(subnets)
{
	cg_dns_subnets *s = NULL;
	cg_buf why;
	cg_buf_init(&why, 1024);
	CHECK(cg_dns_subnets_parse(CG_SLICE("# ranges\n10.0.0.0/8 Tỉnh\n10.1.0.0/16 Sở Y tế\n"
					    "10.1.2.3 one host\n2001:db8::/32 Sở Tài chính\n"
					    "fe80::%eth0/64 link\n"),
				   "t", &s, &why) == CG_OK);
	CHECK_STR(cg_dns_subnets_lookup(s, CG_SLICE("10.1.9.9")), "Sở Y tế");
	CHECK_STR(cg_dns_subnets_lookup(s, CG_SLICE("10.2.0.1")), "Tỉnh");
	CHECK_STR(cg_dns_subnets_lookup(s, CG_SLICE("10.1.2.3")), "one host");
	CHECK_STR(cg_dns_subnets_lookup(s, CG_SLICE("2001:db8::5")), "Sở Tài chính");
	CHECK(cg_dns_subnets_lookup(s, CG_SLICE("192.0.2.1")) == NULL);
	/* dual-stack resolvers log IPv4 clients mapped, link-local with a zone */
	CHECK_STR(cg_dns_subnets_lookup(s, CG_SLICE("::ffff:10.1.9.9")), "Sở Y tế");
	CHECK_STR(cg_dns_subnets_lookup(s, CG_SLICE("2001:db8::5%eth0")), "Sở Tài chính");
	CHECK_STR(cg_dns_subnets_lookup(s, CG_SLICE("fe80::1%eth1")), "link");
	cg_dns_subnets_free(s);
	s = NULL;
	CHECK(cg_dns_subnets_parse(CG_SLICE("10.0.0.0/33 x\n"), "bad.txt", &s, &why) == CG_EPARSE);
	CHECK(strstr(cg_buf_cstr(&why), "bad.txt:1") != NULL);
	cg_buf_free(&why);
}

int main(void)
{
	RUN(label_semantics);
	RUN(hosts_file);
	RUN(rpz_zone);
	RUN(abuse_ch_csv);
	RUN(zeek_intel);
	RUN(url_host);
	RUN(million_entries);
	RUN(subnets);
	return test_done();
}
