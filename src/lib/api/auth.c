/*
 * auth.c - see auth.h. The throttle table is open-addressed by a keyed
 * hash of the key (SipHash through crypto_shorthash, with a random key made
 * at start), probing CG_LOGIN_PROBE slots. A live counter is never evicted:
 * an earlier version hashed with plain FNV-1a and evicted the oldest entry
 * of the run, so eight usernames chosen to land next to "u:officer" reset
 * that user's count. Now the slots cannot be predicted, only free or
 * expired slots are taken, and a key that finds its run full of live
 * counters is treated as over its limit until one expires (fail closed:
 * refusing a login for a while is better than forgetting failures).
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
	if (sodium_init() < 0)
		return CG_ECRYPTO;
	t->e = calloc(size, sizeof *t->e);
	if (!t->e)
		return CG_ENOMEM;
	t->n = size;
	t->window_ms = window_ms;
	/* a fresh secret per process: slots cannot be predicted from outside */
	randombytes_buf(t->hkey, sizeof t->hkey);
	pthread_mutex_init(&t->mu, NULL);
	return CG_OK;
}

void cg_throttle_free(cg_throttle *t)
{
	if (!t->e)
		return;
	pthread_mutex_destroy(&t->mu);
	free(t->e);
	sodium_memzero(t->hkey, sizeof t->hkey);
	t->e = NULL;
}

static bool live(const cg_throttle *t, const cg_throttle_entry *e, int64_t now_ms)
{
	return e->key[0] && now_ms - e->window_start_ms < t->window_ms;
}

/* The entry for key, or (create) a free or expired slot in its probe run;
 * NULL when the key is not tracked and the run is full of live counters.
 * Locked. A live counter is never given away: forgetting it would reset
 * someone's failures. */
static cg_throttle_entry *slot(cg_throttle *t, const char *key, int64_t now_ms, bool create)
{
	unsigned char hb[crypto_shorthash_BYTES];
	crypto_shorthash(hb, (const unsigned char *)key, strlen(key), t->hkey);
	uint64_t h;
	memcpy(&h, hb, sizeof h);
	cg_throttle_entry *free_slot = NULL;
	size_t probe = t->n < CG_LOGIN_PROBE ? t->n : CG_LOGIN_PROBE;
	for (size_t i = 0; i < probe; i++) {
		cg_throttle_entry *e = &t->e[(h + i) % t->n];
		if (e->key[0] && strcmp(e->key, key) == 0)
			return e;
		if (!free_slot && !live(t, e, now_ms))
			free_slot = e;
	}
	if (!create || !free_slot)
		return NULL;
	memset(free_slot, 0, sizeof *free_slot);
	snprintf(free_slot->key, sizeof free_slot->key, "%s", key);
	free_slot->window_start_ms = now_ms;
	return free_slot;
}

bool cg_throttle_blocked(cg_throttle *t, const char *key, int limit, int64_t now_ms)
{
	pthread_mutex_lock(&t->mu);
	cg_throttle_entry *e = slot(t, key, now_ms, false);
	bool blocked;
	if (e) {
		blocked = live(t, e, now_ms) && e->fails >= limit;
	} else {
		/* untracked: fine while there is room to count it; when its
		 * probe run is full of live counters it could not be counted,
		 * so it is treated as over the limit (fail closed) */
		blocked = true;
		size_t probe = t->n < CG_LOGIN_PROBE ? t->n : CG_LOGIN_PROBE;
		unsigned char hb[crypto_shorthash_BYTES];
		crypto_shorthash(hb, (const unsigned char *)key, strlen(key), t->hkey);
		uint64_t h;
		memcpy(&h, hb, sizeof h);
		for (size_t i = 0; i < probe && blocked; i++)
			if (!live(t, &t->e[(h + i) % t->n], now_ms))
				blocked = false;
	}
	pthread_mutex_unlock(&t->mu);
	return blocked;
}

bool cg_throttle_fail(cg_throttle *t, const char *key, int64_t now_ms)
{
	pthread_mutex_lock(&t->mu);
	cg_throttle_entry *e = slot(t, key, now_ms, true);
	if (e) {
		if (now_ms - e->window_start_ms >= t->window_ms) {
			e->window_start_ms = now_ms;
			e->fails = 0;
		}
		e->fails++;
	}
	pthread_mutex_unlock(&t->mu);
	return e != NULL;
}

void cg_throttle_reset(cg_throttle *t, const char *key)
{
	pthread_mutex_lock(&t->mu);
	cg_throttle_entry *e = slot(t, key, INT64_MAX / 2, false);
	if (e)
		memset(e, 0, sizeof *e);
	pthread_mutex_unlock(&t->mu);
}
