/*
 * hex.c - see hex.h.
 */
#include "core/hex.h"

int cg_hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

void cg_hex_encode(const void *in, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	const unsigned char *p = in;
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15];
	}
	out[2 * n] = '\0';
}

bool cg_hex_decode(cg_slice s, void *out, size_t n)
{
	unsigned char *o = out;
	if (s.len != 2 * n || (n && !s.ptr))
		return false;
	for (size_t i = 0; i < n; i++) {
		int hi = cg_hex_digit(s.ptr[2 * i]), lo = cg_hex_digit(s.ptr[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return false;
		o[i] = (unsigned char)(hi << 4 | lo);
	}
	return true;
}
