/*
 * relpath.h - is a relative path from someone else safe to join under a
 * directory of ours? Bundle manifests (signed, but parsed before the
 * signature is trusted) and bundle downloads name files that the agent
 * writes below its bundle directory; one rule decides for both.
 *
 * Safe means: 1..CG_MAX_REL_PATH bytes; not absolute; components
 * separated by '/', none empty ("a//b", "a/", "/a"), "." or ".."; no
 * control character (0x00-0x1f, 0x7f: a NUL would cut the path short, a
 * newline forges lines in manifests and logs); no backslash (a separator
 * on Windows, where "a\..\..\x" climbs out). Anything else, UTF-8
 * included, is allowed.
 */
#ifndef CG_RELPATH_H
#define CG_RELPATH_H

#include <stdbool.h>

#include "core/buf.h"

bool cg_rel_path_safe(cg_slice p);

#endif
