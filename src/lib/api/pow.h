/*
 * pow.h - the small proof of work the public report form asks of its
 * sender, instead of a third-party CAPTCHA.
 *
 * The server issues a challenge (32 random hex digits) with a number of
 * bits; the page's own script searches for a nonce (a decimal number)
 * such that SHA-256("CHALLENGE:NONCE") starts with that many zero bits,
 * which costs the sender about 2^bits hashes and the server one. A
 * challenge is stored with its expiry and is consumed by the report that
 * uses it (store.h cg_store_challenge_consume), so a solved challenge
 * cannot be replayed and an old one cannot be used.
 */
#ifndef CG_API_POW_H
#define CG_API_POW_H

#include <stdbool.h>

#include "core/buf.h"

#define CG_POW_CHALLENGE_LEN 32
#define CG_POW_MAX_NONCE     20

/* A new random challenge: 32 lowercase hex digits and a NUL. */
void cg_pow_new(char out[CG_POW_CHALLENGE_LEN + 1]);
/* True for 32 lowercase hex digits. */
bool cg_pow_challenge_ok(cg_slice s);
/* Whether nonce (1 to 20 decimal digits) solves challenge at bits. */
bool cg_pow_check(cg_slice challenge, cg_slice nonce, int bits);

#endif
