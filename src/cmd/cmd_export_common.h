/*
 * cmd_export_common.h - what the `export` commands that write one signed
 * document share (`export stix`, `export national-report`): the options
 * --out FILE, --sign KEY and --cert CERT and their checks, the signer
 * opened before any work (a bad key is said before the store is read),
 * and the document written atomically with its detached CMS signature
 * beside it (FILE.p7s, sign/sign.h), the signature the reports carry.
 *
 * A command lists EXPORT_OUT_OPTS in its option table, hands every option
 * to export_out_opt first, and calls export_out_check, export_out_open,
 * export_out_write and export_out_free in that order.
 *
 * Ownership: the export_out owns its signer; export_out_free releases it.
 * The option strings are argv's.
 */
#ifndef CG_CMD_EXPORT_COMMON_H
#define CG_CMD_EXPORT_COMMON_H

#include <limits.h>
#include <stdbool.h>

#include "cli.h"
#include "sign/sign.h"

typedef struct export_out {
	const char *out, *sign, *cert; /* the options, NULL when not given */
	cg_signer *signer;             /* export_out_open: when --sign */
	char p7s[PATH_MAX];            /* export_out_open: FILE.p7s when --sign */
} export_out;

/* The shared options' ids: above every command's own. */
enum { EXPORT_O_SIGN = 1000, EXPORT_O_CERT, EXPORT_O_OUT };
/* the three entries of an option table */
/* clang-format off */
#define EXPORT_OUT_OPTS \
	{"sign", 0, true, EXPORT_O_SIGN}, {"cert", 0, true, EXPORT_O_CERT}, \
	{"out", 'o', true, EXPORT_O_OUT}
/* clang-format on */

/* Takes a shared option; false when id is the command's own. */
bool export_out_opt(export_out *x, int id, const char *v);

/* The shared checks once the options are parsed: no positional argument
 * and --out given. -1 when they pass, else the exit status of the usage
 * error written. */
int export_out_check(cg_cli *cli, const export_out *x);
/* --sign and --cert go together: as export_out_check. */
int export_out_check_sign(cg_cli *cli, const export_out *x);

/* Opens the signer when --sign was given; false after an error on stderr. */
bool export_out_open(cg_cli *cli, export_out *x, cg_buf *why);

/* Writes doc to --out and, when signing, its signature to FILE.p7s;
 * false after an error on stderr. */
bool export_out_write(cg_cli *cli, const export_out *x, cg_slice doc, cg_buf *why);

void export_out_free(export_out *x);

#endif
