/*
 * test_compat.h - forced into the unit tests of the Windows build
 * (win/meson.build, -include): the POSIX environment calls some tests use
 * to set up a case, on the C runtime's _putenv_s, which updates the same
 * environment getenv() reads. Test code only; the library does not
 * modify its environment.
 */
#ifndef CG_WIN_TEST_COMPAT_H
#define CG_WIN_TEST_COMPAT_H

#include <stdlib.h>

static inline int setenv(const char *name, const char *value, int overwrite)
{
	if (!overwrite && getenv(name))
		return 0;
	return _putenv_s(name, value) == 0 ? 0 : -1;
}

static inline int unsetenv(const char *name)
{
	return _putenv_s(name, "") == 0 ? 0 : -1; /* "" removes it */
}

#endif
