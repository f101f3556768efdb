/* libFuzzer target: the NVD CVE JSON 2.0 reader of the exposure scan
 * (configurations, CPE criteria, version ranges, CVSS metrics) and the
 * verdict over what it kept, on one hostile feed. */
#include <stddef.h>
#include <stdint.h>

#include "exposure/versions.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cg_xfeed f = {0};
	cg_buf why;
	cg_buf_init(&why, 4096);
	cg_xfeed_parse_nvd(&f, cg_slice_from((const char *)data, size), &why);
	static const cg_xsw sw[] = {
	    {"nginx", "1.22.1", "x"}, {"openssh", "9.2p1", "x"}, {"joomla", "4.4.0", "x"}};
	for (size_t i = 0; i < sizeof sw / sizeof *sw; i++) {
		cg_severity sev;
		char sum[512];
		json_t *e = NULL;
		cg_xver_verdict(&f, &sw[i], &sev, sum, sizeof sum, &e);
		json_decref(e);
	}
	cg_xfeed_free(&f);
	cg_buf_free(&why);
	return 0;
}
