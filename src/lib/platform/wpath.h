/*
 * wpath.h - Windows only: the portable code speaks UTF-8 paths (as on
 * Linux); Windows' narrow (-A) file calls read them in the ANSI code page
 * and would mangle Vietnamese names, so every *_win.c file converts at the
 * boundary and calls the wide (-W) functions. Either separator is accepted
 * ('/' from the portable code, '\' from the user); the result keeps them.
 */
#ifndef CG_PLATFORM_WPATH_H
#define CG_PLATFORM_WPATH_H

#include <stddef.h>
#include <wchar.h>

#include "core/buf.h"
#include "core/error.h"

/* Paths longer than this (in UTF-16 units, with the terminator) are
 * refused: the classic MAX_PATH is 260, long-path-aware Windows allows
 * 32767; the agent's paths fit the smaller on all Windows it targets. */
#define CG_WPATH_MAX 4096

/* UTF-8 path to NUL-terminated UTF-16 in out[CG_WPATH_MAX]. CG_EINVAL for
 * invalid UTF-8, CG_ETOOBIG when too long; *why (optional) names path. */
cg_err cg_wpath(const char *path, wchar_t out[CG_WPATH_MAX], cg_buf *why);

/* The text of a Win32 error code (GetLastError()) appended to why as
 * "PATH: WHAT: MESSAGE" (WHAT optional); returns CG_ENOTFOUND for a
 * missing file or directory, CG_EIO otherwise. */
cg_err cg_win_fail(cg_buf *why, const char *path, const char *what, unsigned long code);

#endif
