/*
 * random_win.c - cg_random_bytes on Windows (random.h): BCryptGenRandom
 * with the system-preferred generator (no algorithm handle to open or
 * leak). It takes a ULONG length, so large requests go in pieces.
 */
#include "platform/random.h"

#include <windows.h>
#include <bcrypt.h>

cg_err cg_random_bytes(void *p, size_t n)
{
	unsigned char *b = p;
	while (n) {
		ULONG k = n > 0x10000000u ? 0x10000000u : (ULONG)n;
		if (!BCRYPT_SUCCESS(BCryptGenRandom(NULL, b, k, BCRYPT_USE_SYSTEM_PREFERRED_RNG)))
			return CG_EIO;
		b += k;
		n -= k;
	}
	return CG_OK;
}
