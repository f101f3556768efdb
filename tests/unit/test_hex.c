/*
 * test_hex.c - core/hex.h: round trips, either case in, lowercase out,
 * exact lengths, every non-hex byte refused.
 */
#include <string.h>

#include "core/hex.h"
#include "test.h"

TEST(encode)
{
	const unsigned char in[] = {0x00, 0x01, 0x7f, 0x80, 0xab, 0xff};
	char out[2 * sizeof in + 1];
	cg_hex_encode(in, sizeof in, out);
	CHECK_STR(out, "00017f80abff");
	cg_hex_encode(in, 0, out);
	CHECK_STR(out, "");
}

TEST(decode)
{
	unsigned char b[4];
	CHECK(cg_hex_decode(CG_SLICE("deadBEEF"), b, 4));
	CHECK(b[0] == 0xde && b[1] == 0xad && b[2] == 0xbe && b[3] == 0xef);
	CHECK(!cg_hex_decode(CG_SLICE("deadbee"), b, 4));   /* short */
	CHECK(!cg_hex_decode(CG_SLICE("deadbeef0"), b, 4)); /* long */
	CHECK(!cg_hex_decode(CG_SLICE("deadbeeg"), b, 4));
	CHECK(!cg_hex_decode(CG_SLICE("dead bee"), b, 4));
	CHECK(!cg_hex_decode(CG_SLICE("+eadbeef"), b, 4));
	CHECK(cg_hex_decode(CG_SLICE(""), b, 0));
	int bad = 0;
	for (int c = 0; c < 256; c++) {
		bool hex =
		    (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
		if ((cg_hex_digit((char)c) >= 0) != hex)
			bad++;
	}
	CHECK(bad == 0);
}

TEST(round_trip)
{
	unsigned char in[256], back[256];
	char text[513];
	for (int i = 0; i < 256; i++)
		in[i] = (unsigned char)(i * 37 + 11);
	cg_hex_encode(in, sizeof in, text);
	CHECK(strlen(text) == 512);
	CHECK(cg_hex_decode(cg_slice_cstr(text), back, sizeof back));
	CHECK(memcmp(in, back, sizeof in) == 0);
}

int main(void)
{
	RUN(encode);
	RUN(decode);
	RUN(round_trip);
	return test_done();
}
