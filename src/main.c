/*
 * main.c - dispatch: find the command named by the first argument(s) in
 * the command table and run it. An unknown command prints the list on
 * stderr and exits 2.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cli.h"

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

/* "canhgac scan" alone: list the group's commands on stderr. */
static bool print_group(const char *group)
{
	size_t n = strlen(group);
	int shown = 0;
	for (int i = 0; i < cg_ncommands; i++) {
		const char *name = cg_commands[i].name;
		if (strncmp(name, group, n) == 0 && name[n] == ' ') {
			if (!shown++)
				fprintf(stderr, "canhgac %s: missing subcommand; one of:\n", group);
			fprintf(stderr, "  %-18s %s\n", name, cg_commands[i].summary);
		}
	}
	return shown > 0;
}

int main(int argc, char **argv)
{
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
	if (!best) {
		if (!print_group(argv[1])) {
			fprintf(stderr, "canhgac: unknown command '%s'\n\n", argv[1]);
			cg_print_command_list(stderr);
		}
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
