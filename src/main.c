/*
 * main.c - dispatch: find the command named by the first argument(s) in
 * the command table and run it. An unknown command, or a group named
 * without one of its commands, is one line on stderr and exit 2.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cli.h"
#include "core/msg.h"
#ifndef _WIN32
#include "server/privsep.h" /* the server: not in the Windows build */
#else
#include "agent/scans.h"
#include "sandbox/sandbox.h"
#endif

void cg_print_command_list(FILE *out);

/* Number of words of argv that `name` matches ("scan malware" = 2), or 0. */
static int match(const char *name, int argc, char **argv)
{
	int words = 0;
	const char *p = name;
	while (*p) {
		const char *sp = strchr(p, ' ');
		size_t n = sp ? (size_t)(sp - p) : strlen(p);
		if (words >= argc || strlen(argv[words]) != n ||
		    strncmp(argv[words], p, n) != 0)
			return 0;
		words++;
		p += n + (sp ? 1 : 0);
	}
	return words;
}

/* "canhgac scan", "canhgac scan --bogus": a group named without one of
 * its commands. One line on stderr saying which word was not understood
 * (or that none was given) and the group's commands; false when `group`
 * is no group. */
static bool group_error(const char *group, const char *next)
{
	size_t n = strlen(group);
	char members[512] = "";
	size_t used = 0;
	for (int i = 0; i < cg_ncommands; i++) {
		const char *name = cg_commands[i].name;
		if (strncmp(name, group, n) == 0 && name[n] == ' ') {
			int w = snprintf(members + used, sizeof members - used, "%s%s",
			                 used ? ", " : "", name + n + 1);
			if (w > 0 && (size_t)w < sizeof members - used)
				used += (size_t)w;
		}
	}
	if (!used)
		return false;
	if (next)
		fprintf(stderr, cg_tr("canhgac %s: '%s' is not a %s command (one of: %s)\n"), group,
		        next, group, members);
	else
		fprintf(stderr, cg_tr("canhgac %s: missing subcommand (one of: %s)\n"), group,
		        members);
	return true;
}

int main(int argc, char **argv)
{
	/* the server's sandboxed parsers (server/privsep.h): no command */
#ifndef _WIN32
	if (argc >= 2 && strcmp(argv[1], CG_PRIVSEP_ARGV) == 0)
		return cg_privsep_child_main(argc, argv);
#else
	/* the agent's scans in a child process in a Job object (no fork on
	 * Windows: platform/sandbox_win.c) */
	if (argc >= 2 && strcmp(argv[1], CG_SANDBOX_CHILD_ARGV) == 0) {
		cg_agent_scans_register();
		return cg_sandbox_child_main(argc, argv);
	}
#endif
	cg_cli_pick_lang(argc, argv);
	if (argc < 2) {
		cg_print_command_list(stderr);
		return CG_EXIT_ERROR;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
		argv[1] = "help";
	if (strcmp(argv[1], "--version") == 0)
		argv[1] = "version";
	const cg_command *best = NULL;
	int best_words = 0;
	for (int i = 0; i < cg_ncommands; i++) {
		int w = match(cg_commands[i].name, argc - 1, argv + 1);
		if (w > best_words) {
			best = &cg_commands[i];
			best_words = w;
		}
	}
	/* "canhgac scan --help" lists the group, like "canhgac help scan" */
	char *group_help[] = {argv[0], "help", argv[1], NULL};
	if (!best && argc > 2 &&
	    (strcmp(argv[2], "--help") == 0 || strcmp(argv[2], "-h") == 0)) {
		argv = group_help;
		argc = 3;
		for (int i = 0; i < cg_ncommands && !best; i++)
			if (strcmp(cg_commands[i].name, "help") == 0) {
				best = &cg_commands[i];
				best_words = 1;
			}
	}
	if (!best) {
		if (!group_error(argv[1], argc > 2 ? argv[2] : NULL))
			fprintf(stderr, cg_tr("canhgac: unknown command '%s' (see 'canhgac help')\n"),
			        argv[1]);
		return CG_EXIT_ERROR;
	}
	cg_cli cli = {
		.cmd = best,
		.argc = argc - 1 - best_words,
		.argv = argv + 1 + best_words,
	};
	int rc = best->run(&cli);
	free(cli.pos);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		perror("canhgac: write error on standard output");
		return CG_EXIT_ERROR;
	}
	return rc;
}
