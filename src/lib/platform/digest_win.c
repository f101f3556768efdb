/*
 * digest_win.c - malware/digest.h on Windows (malware/digest.c is the
 * Linux one, on OpenSSL): the same contract on CNG, Windows' own crypto
 * (bcrypt.dll), so the Windows build needs no cross-built OpenSSL. One hash
 * object per algorithm and per cg_digest, never shared between threads,
 * as with the EVP contexts on Linux. The algorithm providers are opened
 * per object: opening is cheap next to hashing a file, and nothing global
 * has to be initialised or torn down.
 */
#include "malware/digest.h"

#include <io.h>
#include <stdlib.h>

#include <windows.h>
#include <bcrypt.h>

typedef struct hash {
	BCRYPT_ALG_HANDLE alg;
	BCRYPT_HASH_HANDLE h;
} hash;

struct cg_digest {
	hash sha, md5;
};

static void hash_close(hash *x)
{
	if (x->h)
		BCryptDestroyHash(x->h);
	if (x->alg)
		BCryptCloseAlgorithmProvider(x->alg, 0);
	x->h = NULL;
	x->alg = NULL;
}

static bool hash_open(hash *x, LPCWSTR algorithm)
{
	if (!BCRYPT_SUCCESS(BCryptOpenAlgorithmProvider(&x->alg, algorithm, NULL, 0)))
		return false;
	/* NULL object buffer: CNG allocates it (Windows 7 and later) */
	return BCRYPT_SUCCESS(BCryptCreateHash(x->alg, &x->h, NULL, 0, NULL, 0, 0));
}

void cg_digest_free(cg_digest *d)
{
	if (!d)
		return;
	hash_close(&d->sha);
	hash_close(&d->md5);
	free(d);
}

cg_err cg_digest_new(bool sha256, bool md5, cg_digest **out)
{
	cg_digest *d = calloc(1, sizeof *d);
	if (!d)
		return CG_ENOMEM;
	if ((sha256 && !hash_open(&d->sha, BCRYPT_SHA256_ALGORITHM)) ||
	    (md5 && !hash_open(&d->md5, BCRYPT_MD5_ALGORITHM))) {
		cg_digest_free(d);
		return CG_ECRYPTO;
	}
	*out = d;
	return CG_OK;
}

/* BCryptHashData takes a ULONG length: large inputs go in pieces. */
static bool hash_data(hash *x, const unsigned char *p, size_t n)
{
	while (n) {
		ULONG k = n > 0x40000000u ? 0x40000000u : (ULONG)n;
		if (!BCRYPT_SUCCESS(BCryptHashData(x->h, (PUCHAR)p, k, 0)))
			return false;
		p += k;
		n -= k;
	}
	return true;
}

cg_err cg_digest_update(cg_digest *d, const void *p, size_t n)
{
	if (d->sha.h && !hash_data(&d->sha, p, n))
		return CG_ECRYPTO;
	if (d->md5.h && !hash_data(&d->md5, p, n))
		return CG_ECRYPTO;
	return CG_OK;
}

cg_err cg_digest_final(cg_digest *d, unsigned char sha256[CG_SHA256_LEN],
                       unsigned char md5[CG_MD5_LEN])
{
	if (d->sha.h && sha256 &&
	    !BCRYPT_SUCCESS(BCryptFinishHash(d->sha.h, sha256, CG_SHA256_LEN, 0)))
		return CG_ECRYPTO;
	if (d->md5.h && md5 && !BCRYPT_SUCCESS(BCryptFinishHash(d->md5.h, md5, CG_MD5_LEN, 0)))
		return CG_ECRYPTO;
	return CG_OK;
}

static cg_err one_shot(bool sha, const void *p, size_t n, unsigned char *out)
{
	cg_digest *d;
	cg_err err = cg_digest_new(sha, !sha, &d);
	if (err)
		return err;
	if (!(err = cg_digest_update(d, p, n)))
		err = cg_digest_final(d, sha ? out : NULL, sha ? NULL : out);
	cg_digest_free(d);
	return err;
}

cg_err cg_digest_sha256(const void *p, size_t n, unsigned char out[CG_SHA256_LEN])
{
	return one_shot(true, p, n, out);
}

cg_err cg_digest_md5(const void *p, size_t n, unsigned char out[CG_MD5_LEN])
{
	return one_shot(false, p, n, out);
}

/* The whole file from offset 0 whatever the descriptor's position, as
 * pread does on Linux: positioned ReadFile calls on the descriptor's
 * handle. */
cg_err cg_digest_fd(int fd, unsigned char sha256[CG_SHA256_LEN], unsigned char md5[CG_MD5_LEN])
{
	enum { CHUNK = 1 << 20 };
	HANDLE h = (HANDLE)_get_osfhandle(fd);
	if (h == INVALID_HANDLE_VALUE)
		return CG_EIO;
	cg_digest *d;
	cg_err err = cg_digest_new(sha256 != NULL, md5 != NULL, &d);
	if (err)
		return err;
	unsigned char *buf = malloc(CHUNK);
	if (!buf) {
		cg_digest_free(d);
		return CG_ENOMEM;
	}
	unsigned long long off = 0;
	for (;;) {
		OVERLAPPED at = {.Offset = (DWORD)off, .OffsetHigh = (DWORD)(off >> 32)};
		DWORD r = 0;
		if (!ReadFile(h, buf, CHUNK, &r, &at)) {
			if (GetLastError() != ERROR_HANDLE_EOF)
				err = CG_EIO;
			break;
		}
		if (r == 0)
			break;
		if ((err = cg_digest_update(d, buf, r)))
			break;
		off += r;
	}
	if (!err)
		err = cg_digest_final(d, sha256, md5);
	free(buf);
	cg_digest_free(d);
	return err;
}
