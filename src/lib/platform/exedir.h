/*
 * exedir.h - the directory of the running program (Windows only).
 *
 * An MSI installs canhgac.exe and what it reads (rules\) in one folder
 * the administrator may move (INSTALLDIR), so the program finds its
 * shipped content beside itself rather than at a path fixed at build
 * time (core/rulesdir.h). Linux keeps its fixed prefix: the Debian
 * package always installs in /usr.
 */
#ifndef CG_EXEDIR_H
#define CG_EXEDIR_H

#include <stddef.h>

#include "core/error.h"

/* The running program's directory, UTF-8 with '/' separators and no
 * trailing one ("C:/Program Files/canhgac"), then "/" and sub when sub is
 * not NULL, into buf. CG_ETOOBIG when it does not fit, CG_EIO when
 * Windows cannot say (buf then ""). */
cg_err cg_exe_dir(const char *sub, char *buf, size_t size);

#endif
