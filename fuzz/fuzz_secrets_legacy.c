/* libFuzzer target: TCVN3/VNI/UTF-16 detection and decoding, streamed
 * in two chunks so carried bytes are exercised. */
#include <stddef.h>
#include <stdint.h>

#include "secrets/extract.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static cg_sec_sink s;
	static int init;
	if (!init) {
		cg_sec_sink_init(&s);
		init = 1;
	}
	if (size < 1)
		return 0;
	cg_sec_enc e = (cg_sec_enc)(data[0] % 7);
	data++;
	size--;
	cg_sec_enc d = cg_sec_detect_8bit(data, size);
	if (d > CG_ENC_CP1258)
		__builtin_trap();
	cg_buf out;
	cg_buf_init(&out, 1u << 20);
	cg_sec_decode_all(e, data, size, &out);
	cg_buf_free(&out);
	cg_sec_sink_reset(&s);
	cg_sec_textdec dec;
	cg_sec_textdec_init(&dec, e);
	size_t half = size / 2;
	if (!cg_sec_textdec_feed(&dec, &s, data, half))
		if (!cg_sec_textdec_feed(&dec, &s, data + half, size - half))
			cg_sec_textdec_end(&dec, &s);
	return 0;
}
