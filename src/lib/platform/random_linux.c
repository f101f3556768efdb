/*
 * random_linux.c - cg_random_bytes on Linux (random.h): getrandom(2),
 * looping over short reads and EINTR.
 */
#include "platform/random.h"

#include <errno.h>
#include <sys/random.h>

cg_err cg_random_bytes(void *p, size_t n)
{
	unsigned char *b = p;
	size_t got = 0;
	while (got < n) {
		ssize_t r = getrandom(b + got, n - got, 0);
		if (r > 0)
			got += (size_t)r;
		else if (r < 0 && errno != EINTR)
			return CG_EIO;
	}
	return CG_OK;
}
