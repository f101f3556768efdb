/*
 * auth.c - see auth.h. The throttle table is open-addressed by a hash of
 * the key; when a slot is taken by another live key, the entry with the
 * oldest window in a short probe run is replaced (an attacker filling the
 * table with fresh keys only evicts old, nearly expired entries).
 */
#include "auth.h"

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

/* ---- throttle --------------------------------------------------------- */

cg_err cg_throttle_init(cg_throttle *t, size_t size, int64_t window_ms)
{
	memset(t, 0, sizeof *t);
	t->e = calloc(size, sizeof *t->e);
	if (!t->e)
		return CG_ENOMEM;
	t->n = size;
	t->window_ms = window_ms;
	pthread_mutex_init(&t->mu, NULL);
	return CG_OK;
}

void cg_throttle_free(cg_throttle *t)
{
	if (!t->e)
		return;
	pthread_mutex_destroy(&t->mu);
	free(t->e);
	t->e = NULL;
}

static uint64_t fnv(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

#define PROBE 8

/* The entry for key (existing, or a slot to take); locked. */
static cg_throttle_entry *slot(cg_throttle *t, const char *key, bool create)
{
	uint64_t h = fnv(key);
	cg_throttle_entry *victim = NULL;
	for (int i = 0; i < PROBE; i++) {
		cg_throttle_entry *e = &t->e[(h + (uint64_t)i) % t->n];
		if (e->key[0] && strcmp(e->key, key) == 0)
			return e;
		if (!victim || !e->key[0] ||
		    (victim->key[0] && e->window_start_ms < victim->window_start_ms))
			victim = e;
	}
	if (!create)
		return NULL;
	memset(victim, 0, sizeof *victim);
	snprintf(victim->key, sizeof victim->key, "%s", key);
	return victim;
}

bool cg_throttle_blocked(cg_throttle *t, const char *key, int limit, int64_t now_ms)
{
	pthread_mutex_lock(&t->mu);
	cg_throttle_entry *e = slot(t, key, false);
	bool blocked = e && now_ms - e->window_start_ms < t->window_ms && e->fails >= limit;
	pthread_mutex_unlock(&t->mu);
	return blocked;
}

void cg_throttle_fail(cg_throttle *t, const char *key, int64_t now_ms)
{
	pthread_mutex_lock(&t->mu);
	cg_throttle_entry *e = slot(t, key, true);
	if (now_ms - e->window_start_ms >= t->window_ms) {
		e->window_start_ms = now_ms;
		e->fails = 0;
	}
	e->fails++;
	pthread_mutex_unlock(&t->mu);
}

void cg_throttle_reset(cg_throttle *t, const char *key)
{
	pthread_mutex_lock(&t->mu);
	cg_throttle_entry *e = slot(t, key, false);
	if (e)
		memset(e, 0, sizeof *e);
	pthread_mutex_unlock(&t->mu);
}
