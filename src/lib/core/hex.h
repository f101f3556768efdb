/*
 * hex.h - hexadecimal text of bytes, both ways: digests in manifests,
 * baselines and events, keys in files, record checksums in the spool.
 * One implementation so every reader accepts the same text (either case,
 * exactly two digits a byte) and every writer writes the same (lowercase).
 */
#ifndef CG_HEX_H
#define CG_HEX_H

#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"

/* The value of one hex digit (0-9, a-f, A-F), or -1. */
int cg_hex_digit(char c);
/* Lowercase hex of the n bytes at in into out, which holds 2n+1 bytes
 * (NUL-terminated). */
void cg_hex_encode(const void *in, size_t n, char *out);
/* Exactly 2n hex digits in s into the n bytes at out; false (out
 * unspecified) for any other length or a non-hex character. */
bool cg_hex_decode(cg_slice s, void *out, size_t n);

#endif
