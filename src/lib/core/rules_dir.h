/*
 * rules_dir.h - where the shipped detection content (rules/) is found.
 *
 * One decision for every command, the server and the agent, so that a
 * packaged binary and a binary run from a clone agree:
 *
 *   1. $CANHGAC_RULES_DIR when set (tests, operators with their own copy);
 *   2. in a development build only (meson option source_rules, default
 *      true), the rules/ of the source tree the binary was built from, so
 *      an edited rule is used without installing it;
 *   3. the installed copy, PREFIX/share/canhgac/rules (/usr/share/... for
 *      the Debian packages).
 *
 * Packages are built with -Dsource_rules=false: their binary must never
 * look under the build machine's source path, which on the target machine
 * is an ordinary directory name anybody might create.
 */
#ifndef CG_RULES_DIR_H
#define CG_RULES_DIR_H

/* The rules directory (without a trailing slash). The string is static
 * or from the environment; it is not freed. */
const char *cg_rules_dir(void);

#endif
