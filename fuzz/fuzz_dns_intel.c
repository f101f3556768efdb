/* libFuzzer target: the threat-intelligence readers (plain, hosts, RPZ,
 * URLhaus/ThreatFox CSV, Zeek intel) and the --subnets reader. */
#include <stddef.h>
#include <stdint.h>

#include "dns/domainset.h"
#include "dns/subnets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cg_slice text = { (const char *)data, size };
	cg_dns_set *s = cg_dns_set_new();
	cg_dns_intel_stats st = { 0 };
	if (s) {
		cg_dns_intel_parse(s, text, &st);
		cg_dns_set_match(s, CG_SLICE("a.b.evil.example"));
		cg_dns_set_free(s);
	}
	cg_dns_subnets *sn = NULL;
	cg_buf why;
	cg_buf_init(&why, 4096);
	if (cg_dns_subnets_parse(text, "fuzz", &sn, &why) == CG_OK) {
		cg_dns_subnets_lookup(sn, CG_SLICE("10.1.2.3"));
		cg_dns_subnets_lookup(sn, CG_SLICE("2001:db8::1"));
		cg_dns_subnets_free(sn);
	}
	cg_buf_free(&why);
	return 0;
}
