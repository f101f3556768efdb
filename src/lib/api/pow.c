/*
 * pow.c - see pow.h. Verifying is one SHA-256 over at most 53 bytes, so
 * a flood of wrong answers costs the server next to nothing.
 */
#include "pow.h"

#include <sodium.h>
#include <string.h>

void cg_pow_new(char out[CG_POW_CHALLENGE_LEN + 1])
{
	unsigned char r[CG_POW_CHALLENGE_LEN / 2];
	static const char hx[] = "0123456789abcdef";
	randombytes_buf(r, sizeof r);
	for (size_t i = 0; i < sizeof r; i++) {
		out[2 * i] = hx[r[i] >> 4];
		out[2 * i + 1] = hx[r[i] & 15];
	}
	out[CG_POW_CHALLENGE_LEN] = '\0';
}

bool cg_pow_challenge_ok(cg_slice s)
{
	if (s.len != CG_POW_CHALLENGE_LEN)
		return false;
	for (size_t i = 0; i < s.len; i++)
		if (!((s.ptr[i] >= '0' && s.ptr[i] <= '9') || (s.ptr[i] >= 'a' && s.ptr[i] <= 'f')))
			return false;
	return true;
}

bool cg_pow_check(cg_slice challenge, cg_slice nonce, int bits)
{
	if (!cg_pow_challenge_ok(challenge) || nonce.len == 0 || nonce.len > CG_POW_MAX_NONCE ||
	    bits < 0 || bits > 64)
		return false;
	for (size_t i = 0; i < nonce.len; i++)
		if (nonce.ptr[i] < '0' || nonce.ptr[i] > '9')
			return false;
	unsigned char msg[CG_POW_CHALLENGE_LEN + 1 + CG_POW_MAX_NONCE];
	memcpy(msg, challenge.ptr, challenge.len);
	msg[challenge.len] = ':';
	memcpy(msg + challenge.len + 1, nonce.ptr, nonce.len);
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, msg, challenge.len + 1 + nonce.len);
	for (int b = 0; b < bits; b++)
		if (h[b / 8] & (0x80 >> (b % 8)))
			return false;
	return true;
}
