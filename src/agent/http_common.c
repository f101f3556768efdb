/*
 * http_common.c - the parts of http.h that are the same on every platform:
 * gzip of request bodies (zlib) and the backoff. The transport is http.c
 * (libcurl) on Linux and platform/http_win.c (WinHTTP) on Windows.
 */
#include "agent/http.h"

#include <stdint.h>
#include <string.h>
#include <zlib.h>

#include "platform/random.h"

cg_err cg_gzip(cg_slice in, cg_buf *out)
{
	z_stream z;
	memset(&z, 0, sizeof z);
	if (deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return CG_ENOMEM;
	size_t bound = deflateBound(&z, (uLong)in.len);
	cg_err err = cg_buf_reserve(out, bound);
	if (!err) {
		z.next_in = (Bytef *)(uintptr_t)in.ptr;
		z.avail_in = (uInt)in.len;
		z.next_out = (Bytef *)out->ptr + out->len;
		z.avail_out = (uInt)bound;
		if (deflate(&z, Z_FINISH) != Z_STREAM_END)
			err = CG_EINTERNAL;
		else {
			out->len += z.total_out;
			out->ptr[out->len] = '\0';
		}
	}
	deflateEnd(&z);
	return err;
}

int64_t cg_backoff_next(cg_backoff *b)
{
	int64_t d = b->base_ms > 0 ? b->base_ms : 1000;
	int64_t max = b->max_ms > 0 ? b->max_ms : 300000;
	for (int i = 0; i < b->failures && d < max; i++)
		d *= 2;
	if (d > max)
		d = max;
	if (b->failures < 62)
		b->failures++;
	uint32_t r = 0;
	if (cg_random_bytes(&r, sizeof r) != CG_OK)
		r = 0;
	return d / 2 + (int64_t)(r % (uint32_t)(d / 2 + 1));
}

void cg_backoff_reset(cg_backoff *b)
{
	b->failures = 0;
}
