/*
 * rulesdir.h - where the detection content shipped with canhgac (rules/:
 * web lexicons, malware rules, DNS lists and models) is found. Every
 * engine, command, the server and the agent ask here, so they agree.
 *
 * Order: $CANHGAC_RULES_DIR when set (taken as given: the operator asked
 * for it, and a missing area there is an error to report, not a reason to
 * fall back silently to other content); else the first of these holding
 * AREA/: the source tree the binary was built from (a build run in
 * place; only when built with the meson option source_rules, the
 * default, CG_SOURCE_RULES in version.h), the install prefix chosen at
 * build time (CG_RULES_DIR), and /usr/share/canhgac/rules (the Debian
 * package). On Windows the candidates are rules\ beside canhgac.exe
 * (platform/exedir.h: the MSI's install folder) and then, in a
 * source_rules build, the source tree; never a Unix prefix. The agent
 * looks in its installed signed bundle before asking here.
 *
 * Packages are built with -Dsource_rules=false: their binary must never
 * look under the build machine's source path, which on the target machine
 * is an ordinary directory name anybody might create.
 */
#ifndef CG_RULESDIR_H
#define CG_RULESDIR_H

#include <stddef.h>

#include "core/error.h"

/* The rules base directory that holds AREA ("web", "malware", "dns")
 * into buf. CG_ENOTFOUND when no candidate has AREA/ (buf then holds the
 * last candidate tried, for the message); CG_ETOOBIG when it does not
 * fit. */
cg_err cg_rules_base(const char *area, char *buf, size_t size);
/* The same, with "/AREA" appended. */
cg_err cg_rules_dir(const char *area, char *buf, size_t size);

#endif
