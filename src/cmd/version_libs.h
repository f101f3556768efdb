/*
 * version_libs.h - the table `canhgac version` prints: one row per library
 * linked into this build. Each platform's build links its own set, so the
 * table is defined once per platform (version_libs_linux.c,
 * version_libs_win.c). Static data; nothing to free.
 */
#ifndef CG_CMD_VERSION_LIBS_H
#define CG_CMD_VERSION_LIBS_H

#include <stddef.h>

typedef struct cg_version_lib {
	const char *name;
	const char *(*version)(void); /* a static string */
} cg_version_lib;

extern const cg_version_lib cg_version_libs[];
extern const size_t cg_version_nlibs;

#endif
