/* libFuzzer target: one DNS log reader (compiled once per format with
 * -DFUZZ_FMT=CG_DNS_FMT_...), fed line by line into the analyzer, as
 * `dns analyze` does: the parser, the name normalisation, the name cache,
 * the PSL lookup and the roll-up all see the fuzzed bytes. The same file
 * also serves the pcap reader (FUZZ_FMT=CG_DNS_FMT_PCAP) through fmemopen.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "dns/analyze.h"
#include "dns/input.h"

static int sink(void *ctx, const cg_dns_rec *rec)
{
	return cg_dns_analyzer_add(ctx, rec);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static psl_ctx_t *psl;
	static cg_dns_set *bl;
	if (!psl) {
		psl = cg_dns_psl_open();
		bl = cg_dns_set_new();
		cg_dns_set_add(bl, CG_SLICE("evil.example"), CG_DNS_MATCH_BOTH);
	}
	cg_dns_opts o;
	cg_dns_opts_default(&o);
	o.beacon_min_count = 3;
	o.tunnel_min_unique = 4;
	o.dga_min_names = 1;
	cg_dns_analyzer *a;
	if (cg_dns_analyzer_new(&o, bl, NULL, NULL, psl, &a))
		return 0;
	cg_dns_stats st = { 0 };
	if (FUZZ_FMT == CG_DNS_FMT_PCAP) {
		FILE *fp = size ? fmemopen((void *)data, size, "rb") : NULL;
		if (fp)
			cg_dns_read_pcap(fp, "fuzz", &st, sink, a, NULL);
	} else {
		cg_dns_parser p;
		cg_dns_parser_init(&p, FUZZ_FMT);
		cg_slice rest = { (const char *)data, size };
		uint64_t line = 0;
		while (rest.ptr && rest.len) {
			cg_slice l = cg_slice_cut(rest, '\n', &rest);
			cg_dns_feed_line(&p, l, ++line, "fuzz", &st, sink, a);
		}
		cg_dns_detect((cg_slice){ (const char *)data, size });
	}
	const uint32_t *ids;
	size_t n;
	if (cg_dns_analyzer_flagged(a, &ids, &n) == CG_OK)
		for (size_t i = 0; i < n; i++) {
			json_t *j = cg_dns_client_json(a, ids[i], NULL);
			json_decref(j);
		}
	cg_dns_analyzer_free(a);
	return 0;
}
