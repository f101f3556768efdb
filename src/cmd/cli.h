/*
 * cli.h - the command table and the option parser every command uses.
 *
 * canhgac is one binary; its commands are rows of one table (commands.c),
 * like git's commands[]. A row's name may have two words ("scan malware"):
 * dispatch picks the longest name that matches the arguments.
 *
 * Each command parses its own options with cg_cli_parse, giving a table of
 * the options it adds; the common ones (--json, --data-dir, --lang, -q,
 * -v, -h) are understood everywhere. Exit codes are those of grep and
 * clamscan: 0 nothing found, 1 found, 2 error or bad usage.
 *
 * A command refused for bad usage or a bad option says so in one line on
 * stderr, exits 2 and has written nothing anywhere: commands check every
 * option and argument before they create a directory or open a store.
 * Messages go through the catalogue (core/msg.h) in the language chosen
 * by the locale or --lang.
 */
#ifndef CG_CLI_H
#define CG_CLI_H

#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"

#include "core/msg.h"

enum {
	CG_EXIT_OK = 0,
	CG_EXIT_FOUND = 1,
	CG_EXIT_ERROR = 2,
};

typedef struct cg_cli {
	const struct cg_command *cmd;
	int argc;        /* arguments after the command name */
	char **argv;
	/* common options, filled by cg_cli_parse */
	bool json;
	int verbosity;   /* -1 quiet, 0 default, 1+ verbose */
	const char *data_dir;
	const char *store; /* --store or $CANHGAC_STORE; NULL = the default */
	bool data_dir_given; /* --data-dir was on the command line */
	/* positional arguments left after parsing */
	char **pos;
	int npos;
} cg_cli;

typedef struct cg_command {
	const char *name;    /* "serve", "scan malware" */
	int (*run)(cg_cli *cli);
	const char *summary; /* one line for `canhgac help` */
	const char *usage;   /* synopsis after "canhgac NAME " */
	const char *help;    /* option list and notes for `canhgac help NAME` */
} cg_command;

extern const cg_command cg_commands[];
extern const int cg_ncommands;

typedef struct cg_opt {
	const char *name; /* long name without "--"; NULL ends the table */
	char short_name;  /* 0 for none */
	bool has_arg;
	int id;           /* handed to the callback */
} cg_opt;

/* Called once per occurrence (repeatable options are called repeatedly).
 * Return 0, or non-zero after printing an error to stop with exit 2. */
typedef int (*cg_opt_fn)(void *ctx, int id, const char *value);

/* Parses cli->argv. Returns -1 when parsing succeeded and the command
 * should go on, or an exit status (0 after --help, 2 after a usage error
 * that has been reported). */
int cg_cli_parse(cg_cli *cli, const cg_opt *opts, cg_opt_fn fn, void *ctx);

/* Prints "canhgac NAME: MESSAGE (see 'canhgac help NAME')" on one line
 * of stderr, the message translated, and returns CG_EXIT_ERROR, for
 * commands that find their arguments wrong. */
int cg_cli_usage_error(const cg_cli *cli, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Prints "canhgac NAME: MESSAGE" (translated) on stderr and returns
 * CG_EXIT_ERROR: a failure that is not the user's wording. */
int cg_cli_error(const cg_cli *cli, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Sets the language of the messages from the environment, then from a
 * --lang vi|en among the arguments (before any "--"); main calls it before
 * dispatch so that even an unknown command is answered in it. */
void cg_cli_pick_lang(int argc, char **argv);
void cg_cli_print_help(const cg_command *cmd);
/* The option lines of the common options, as `help COMMAND` prints them
 * (the man pages print the same text). */
extern const char cg_cli_common_help[];
/* Man pages (man.c), written from the same fields `help` prints: cmd NULL
 * gives canhgac(1), else canhgac-NAME(1) with spaces as '-'. */
int cg_man_page(const cg_command *cmd, cg_buf *out);
/* The file name of a command's page, "canhgac-scan-malware.1". */
int cg_man_file_name(const cg_command *cmd, char *buf, size_t size);

/* Strict whole-string integer option value in [min,max]; reports the
 * option by name on failure. */
bool cg_cli_int(const cg_cli *cli, const char *opt, const char *val,
		long long min, long long max, long long *out);

/* The store URL the command opens: --store, $CANHGAC_STORE, or
 * sqlite:DATA_DIR/canhgac.db (written into buf). */
const char *cg_cli_store_url(const cg_cli *cli, char *buf, size_t n);

#endif
