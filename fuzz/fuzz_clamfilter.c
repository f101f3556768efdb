/* libFuzzer target: the ClamAV prefilter (malware/clamfilter): database
 * lines of every kind it reads (.ndb .ldb .hdb), then the same bytes as
 * a file to judge; and, for the HTML part (malware/clamhtml), the bytes
 * as a page (behind "<html>") against a fixed database with an anchor
 * and a hash size. The AVX2 search is checked against the scalar one. */
#include <stdlib.h>
#include <string.h>

#include "malware/clamfilter.h"
#include "malware/simd.h"

/* The answer, from the AVX2 search and from the scalar one: they must
 * agree (where the CPU has no AVX2 both are the scalar one). */
static bool needs(const cg_mw_clamfilter *f, const uint8_t *p, size_t n,
                  cg_mw_clamfilter_scratch *s)
{
	cg_simd_allow(false);
	bool scalar = cg_mw_clamfilter_needs_scan(f, p, n, s);
	cg_simd_allow(true);
	if (cg_mw_clamfilter_needs_scan(f, p, n, s) != scalar)
		abort();
	return scalar;
}

static void judge(const cg_mw_clamfilter *f, const uint8_t *data, size_t size)
{
	cg_mw_clamfilter_scratch s = {0};
	needs(f, data, size, &s);
	unsigned char *page = malloc(size + 6);
	if (page) {
		memcpy(page, "<html>", 6);
		if (size)
			memcpy(page + 6, data, size);
		needs(f, page, size + 6, &s);
		free(page);
	}
	cg_mw_clamfilter_scratch_free(&s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = {"f.ndb", "f.ldb", "f.hdb", "f.hsb", "f.fp", "f.cvd"};
	if (!size)
		return 0;
	cg_mw_clamfilter *f;
	if (cg_mw_clamfilter_new(&f))
		return 0;
	cg_mw_clamfilter_add(f, names[data[0] % 6],
	                     cg_slice_from((const char *)data + 1, size - 1));
	cg_mw_clamfilter_finish(f);
	judge(f, data, size);
	cg_mw_clamfilter_anchors(f);
	cg_mw_clamfilter_why_off(f);
	cg_mw_clamfilter_free(f);
	/* "canhgac-marker", an anchor keyed by a pair with a space, and a
	 * 40-byte hash */
	if (cg_mw_clamfilter_new(&f))
		return 0;
	cg_mw_clamfilter_add(f, "x.ndb",
	                     CG_SLICE("S:3:*:63616e686761632d6d61726b6572\n"
	                              "T:0:*:7e2065\n")); /* "~ e" */
	cg_mw_clamfilter_add(f, "x.hdb", CG_SLICE("d41d8cd98f00b204e9800998ecf8427e:40:H\n"));
	cg_mw_clamfilter_finish(f);
	judge(f, data, size);
	cg_mw_clamfilter_free(f);
	return 0;
}
