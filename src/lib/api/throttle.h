/*
 * throttle.h - the login throttle: failed logins counted per key (a
 * username, a client address) in a fixed window; once a key has its
 * limit of failures, logins for it are refused (429) until the window
 * ends.
 *
 * The counts are rows of the store (cg_store_throttle_*), so every server
 * on one database shares them: an attacker cannot multiply the limit by
 * spreading guesses over the servers behind a load balancer. A key is
 * stored as a BLAKE2b hash keyed with the store's "login-throttle" secret
 * (cg_store_secret: the same for every server, never leaves the store and
 * this process), so the table holds neither usernames nor addresses, and
 * nobody outside can compute which row a name lands on.
 *
 * Live counters are never evicted: the table holds at most max_keys live
 * windows; a key that cannot be counted because they are all live is
 * treated as over its limit until some window ends (fail closed: refusing
 * a login for a while is better than forgetting failures). Ended windows
 * are dropped by the next failure. A store error also counts as blocked.
 *
 * Thread safety: after init, any thread (the store is shared).
 */
#ifndef CG_API_THROTTLE_H
#define CG_API_THROTTLE_H

#include <stdbool.h>
#include <stdint.h>

#include "store/store.h"

typedef struct cg_throttle {
	cg_store *st;
	uint8_t hkey[32]; /* the store's throttle secret */
	int64_t window_ms;
	int64_t max_keys;
} cg_throttle;

/* Reads (or, first of all servers, makes) the store's throttle secret. */
cg_err cg_throttle_init(cg_throttle *t, cg_store *st, int64_t max_keys, int64_t window_ms);
/* Wipes the secret. */
void cg_throttle_free(cg_throttle *t);
/* True when key has had >= limit failures in its live window, could not
 * be counted (every slot live), or the store failed. */
bool cg_throttle_blocked(cg_throttle *t, const char *key, int limit, int64_t now_ms);
/* Counts a failure; false when it could not be counted. */
bool cg_throttle_fail(cg_throttle *t, const char *key, int64_t now_ms);
/* Forgets the key's failures (a successful login). */
void cg_throttle_reset(cg_throttle *t, const char *key);

#endif
