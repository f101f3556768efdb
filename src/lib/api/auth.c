/*
 * auth.c - see auth.h. (The login throttle is api/throttle.c: rows of the
 * store, shared by every server.)
 */
#include "auth.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/limits.h"

cg_err cg_auth_init(void)
{
	return sodium_init() < 0 ? CG_ECRYPTO : CG_OK;
}

cg_err cg_password_hash(const char *pw, size_t len, char out[CG_PWHASH_MAX])
{
	if (len > CG_MAX_PASSWORD)
		return CG_ETOOBIG;
	if (crypto_pwhash_str(out, pw, len, crypto_pwhash_OPSLIMIT_INTERACTIVE,
	                      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		return CG_ENOMEM;
	return CG_OK;
}

bool cg_password_verify(const char *hash, const char *pw, size_t len)
{
	if (len > CG_MAX_PASSWORD || !hash)
		return false;
	return crypto_pwhash_str_verify(hash, pw, len) == 0;
}

static char dummy_hash[CG_PWHASH_MAX];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void make_dummy(void)
{
	if (cg_password_hash("canhgac-dummy", 13, dummy_hash) != CG_OK)
		dummy_hash[0] = '\0';
}

void cg_password_dummy_verify(const char *pw, size_t len)
{
	pthread_once(&dummy_once, make_dummy);
	cg_password_verify(dummy_hash, pw, len > CG_MAX_PASSWORD ? 0 : len);
}

void cg_random_secret(char out[CG_SECRET_TEXT])
{
	unsigned char r[32];
	randombytes_buf(r, sizeof r);
	sodium_bin2base64(out, CG_SECRET_TEXT, r, sizeof r,
	                  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(r, sizeof r);
}

void cg_new_api_token(char out[CG_TOKEN_TEXT])
{
	char s[CG_SECRET_TEXT];
	cg_random_secret(s);
	snprintf(out, CG_TOKEN_TEXT, "cgt_%s", s);
	sodium_memzero(s, sizeof s);
}

void cg_sha256(const void *p, size_t n, uint8_t out[32])
{
	crypto_hash_sha256(out, p, n);
}

bool cg_secret_eq(const char *a, const char *b)
{
	if (!a || !b)
		return false;
	size_t na = strlen(a), nb = strlen(b);
	if (na != nb || na == 0)
		return false;
	return sodium_memcmp(a, b, na) == 0;
}

void cg_generate_password(char out[24])
{
	/* no look-alikes (0/O, 1/l/I) */
	static const char alpha[] = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
	for (int i = 0; i < 20; i++)
		out[i] = alpha[randombytes_uniform(sizeof alpha - 1)];
	out[20] = '\0';
}
