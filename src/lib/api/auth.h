/*
 * auth.h - credentials: password hashing, random secrets, and the login
 * throttle (api/throttle.h).
 *
 *  - Passwords: argon2id through libsodium's crypto_pwhash_str (the
 *    interactive limits: 64 MiB, 2 passes), so a stolen database costs an
 *    attacker that much per guess.
 *  - Session cookies and API tokens are 256-bit random values shown to
 *    the client once and stored as their SHA-256 (a leaked database does
 *    not give usable cookies or tokens). A token reads "cgt_" + 43
 *    base64url characters so it is easy to spot in logs and configs.
 *  - The login throttle is api/throttle.h (rows of the store).
 *
 * Thread safety: stateless.
 */
#ifndef CG_AUTH_H
#define CG_AUTH_H

#include <stdbool.h>
#include <stdint.h>

#include "core/buf.h"

#define CG_PWHASH_MAX  128 /* >= crypto_pwhash_STRBYTES */
#define CG_SECRET_TEXT 48  /* 43 base64url chars + NUL, rounded */
#define CG_TOKEN_TEXT  52  /* "cgt_" + 43 + NUL */

cg_err cg_auth_init(void);
cg_err cg_password_hash(const char *pw, size_t len, char out[CG_PWHASH_MAX]);
bool cg_password_verify(const char *hash, const char *pw, size_t len);
/* Spends the time of one verification: for unknown users, so timing does
 * not tell which usernames exist. */
void cg_password_dummy_verify(const char *pw, size_t len);
/* 256 random bits as base64url (43 chars). */
void cg_random_secret(char out[CG_SECRET_TEXT]);
/* "cgt_" + a random secret. */
void cg_new_api_token(char out[CG_TOKEN_TEXT]);
void cg_sha256(const void *p, size_t n, uint8_t out[32]);
/* Constant-time string equality (CSRF tokens). */
bool cg_secret_eq(const char *a, const char *b);
/* A readable generated password (20 chars, ~119 bits). */
void cg_generate_password(char out[24]);

#endif
