/*
 * wtext.h - Windows only: UTF-16 strings from the system (account names,
 * COM BSTRs, WMI values) to the UTF-8 the portable code speaks, and back
 * for names handed to the system. Paths have their own checked
 * conversion (wpath.h).
 */
#ifndef CG_PLATFORM_WTEXT_H
#define CG_PLATFORM_WTEXT_H

#include <wchar.h>

/* A new UTF-8 copy of w (free with free()); NULL for NULL or on failure
 * (invalid UTF-16 is replaced, never refused). */
char *cg_utf8_of_w(const wchar_t *w);

/* A new UTF-16 copy of s (free with free()); NULL on invalid UTF-8. */
wchar_t *cg_w_of_utf8(const char *s);

#endif
