/*
 * throttle.c - see throttle.h. The decisions (the keyed hash, what counts
 * as blocked) are here; the counting is one store call each.
 *
 * History: the first throttle hashed keys with FNV-1a into an in-memory
 * table and evicted the oldest entry of a probe run, so usernames chosen
 * to land next to "u:officer" reset that user's count; the second used a
 * random SipHash key per process and never evicted a live counter, but
 * each server counted alone. Here the hash key is shared through the
 * store and the table is the store's, with the same never-evict rule.
 */
#include "throttle.h"

#include <sodium.h>
#include <string.h>

cg_err cg_throttle_init(cg_throttle *t, cg_store *st, int64_t max_keys, int64_t window_ms)
{
	memset(t, 0, sizeof *t);
	if (sodium_init() < 0)
		return CG_ECRYPTO;
	if (!st || max_keys <= 0 || window_ms <= 0)
		return CG_EINVAL;
	uint8_t fresh[32];
	randombytes_buf(fresh, sizeof fresh);
	cg_err err = cg_store_secret(st, "login-throttle", fresh, t->hkey);
	sodium_memzero(fresh, sizeof fresh);
	if (err)
		return err;
	t->st = st;
	t->max_keys = max_keys;
	t->window_ms = window_ms;
	return CG_OK;
}

void cg_throttle_free(cg_throttle *t)
{
	sodium_memzero(t->hkey, sizeof t->hkey);
	t->st = NULL;
}

static void key_hash(const cg_throttle *t, const char *key, uint8_t out[32])
{
	crypto_generichash(out, 32, (const unsigned char *)key, strlen(key), t->hkey,
	                   sizeof t->hkey);
}

bool cg_throttle_blocked(cg_throttle *t, const char *key, int limit, int64_t now_ms)
{
	if (!t->st)
		return true;
	uint8_t h[32];
	key_hash(t, key, h);
	int64_t fails = 0;
	if (cg_store_throttle_get(t->st, h, now_ms, t->window_ms, t->max_keys, &fails))
		return true; /* cannot tell: refuse rather than let guesses through */
	return fails < 0 || fails >= limit;
}

bool cg_throttle_fail(cg_throttle *t, const char *key, int64_t now_ms)
{
	if (!t->st)
		return false;
	uint8_t h[32];
	key_hash(t, key, h);
	int64_t fails = 0;
	return cg_store_throttle_fail(t->st, h, now_ms, t->window_ms, t->max_keys, &fails) == CG_OK;
}

void cg_throttle_reset(cg_throttle *t, const char *key)
{
	if (!t->st)
		return;
	uint8_t h[32];
	key_hash(t, key, h);
	cg_store_throttle_reset(t->st, h);
}
