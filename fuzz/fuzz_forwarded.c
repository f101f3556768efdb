/* libFuzzer target: X-Forwarded-For and X-Request-Id (api/forwarded.h)
 * as a client writes them. The first byte picks whether the peer is the
 * trusted proxy; the answer is the peer unless it is, and a forwarded
 * answer must format and parse back to itself. A request id is taken only
 * from the proxy, and whatever is chosen is 1 to CG_REQUEST_ID_MAX bytes
 * of [A-Za-z0-9._:-]. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api/forwarded.h"
#include "core/limits.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	cg_ip peer, out, back;
	cg_cidr proxy;
	cg_ip_parse(cg_slice_cstr(data[0] & 1 ? "127.0.0.1" : "10.0.0.9"), &peer);
	cg_cidr_parse(cg_slice_cstr("127.0.0.0/8"), &proxy);
	cg_slice xff = cg_slice_from((const char *)data + 1, size - 1);
	bool fwd = cg_forwarded_client(&peer, &proxy, xff, &out);
	if (fwd && !(data[0] & 1))
		abort();
	if (!fwd && memcmp(out.b, peer.b, 16) != 0)
		abort();
	char id[CG_REQUEST_ID_MAX + 1];
	bool taken = cg_forwarded_request_id(&peer, &proxy, xff, id, sizeof id);
	if (taken && !(data[0] & 1))
		abort();
	size_t n = strlen(id);
	if (n == 0 || n > CG_REQUEST_ID_MAX || strspn(id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMN"
	                                                   "OPQRSTUVWXYZ0123456789._:-") != n)
		abort();
	char text[64];
	cg_ip_text(&out, text, sizeof text);
	if (cg_ip_parse(cg_slice_cstr(text), &back) || memcmp(back.b, out.b, 16) != 0)
		abort();
	return 0;
}
