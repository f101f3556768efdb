/* libFuzzer target: the exposure scan's readers of what services say -
 * banner text, Redis INFO, Memcached stats, Elasticsearch's HTTP answer
 * (JSON body), MongoDB's OP_MSG reply and FTP reply codes - on one
 * hostile answer. */
#include <stddef.h>
#include <stdint.h>

#include "exposure/service.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cg_slice s = cg_slice_from((const char *)data, size);
	char b[256], v[64];
	cg_xsvc_banner_text(s, b, sizeof b);
	cg_xsvc_banner_text(s, b, 1);
	cg_xsvc_redis(s, v, sizeof v);
	cg_xsvc_memcached(s, v, sizeof v);
	cg_xsvc_elastic(s, v, sizeof v);
	cg_xsvc_mongo(s);
	cg_xsvc_ftp_code(s);
	return 0;
}
