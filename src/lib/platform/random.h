/*
 * random.h - the operating system's cryptographic random numbers, the one
 * call the portable code makes for them. Linux: getrandom(2) (blocks only
 * until the kernel's pool is first initialised, then never fails for the
 * sizes used here). Windows: BCryptGenRandom with the system-preferred RNG.
 * One implementation per platform (random_linux.c, random_win.c); the build
 * picks the file, the callers never test the platform.
 */
#ifndef CG_PLATFORM_RANDOM_H
#define CG_PLATFORM_RANDOM_H

#include <stddef.h>

#include "core/error.h"

/* Fills p[0..n) with random bytes. CG_EIO only when the system refuses
 * (never seen on a running system; the caller must not use p then). */
cg_err cg_random_bytes(void *p, size_t n);

#endif
