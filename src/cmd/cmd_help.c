/*
 * cmd_help.c - `canhgac help [COMMAND...]`: the command list, or the full
 * help of one command. A command group ("scan") lists its members.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "core/msg.h"

void cg_print_command_list(FILE *out)
{
	fputs(cg_tr("usage: canhgac COMMAND [OPTIONS] [ARGS]\n\n"
		    "canhgac keeps watch over a province's networks: portals,\n"
		    "endpoints, documents, DNS, incidents.\n\ncommands:\n"),
	      out);
	for (int i = 0; i < cg_ncommands; i++)
		fprintf(out, "  %-18s %s\n", cg_commands[i].name,
			cg_tr(cg_commands[i].summary));
	fputs(cg_tr("\nRun 'canhgac help COMMAND' for a command's options.\n"), out);
}

int cmd_help(cg_cli *cli)
{
	int rc = cg_cli_parse(cli, NULL, NULL, NULL);
	if (rc >= 0)
		return rc;
	if (cli->npos == 0) {
		cg_print_command_list(stdout);
		return CG_EXIT_OK;
	}
	/* Join the words back: "help scan malware" names "scan malware". */
	char name[128] = "";
	size_t used = 0;
	for (int i = 0; i < cli->npos; i++) {
		int n = snprintf(name + used, sizeof name - used, "%s%s",
				 i ? " " : "", cli->pos[i]);
		if (n < 0 || (size_t)n >= sizeof name - used)
			return cg_cli_usage_error(cli, "no such command '%s'", cli->pos[0]);
		used += (size_t)n;
	}
	for (int i = 0; i < cg_ncommands; i++) {
		if (strcmp(cg_commands[i].name, name) == 0) {
			cg_cli_print_help(&cg_commands[i]);
			return CG_EXIT_OK;
		}
	}
	int shown = 0;
	size_t n = strlen(name);
	for (int i = 0; i < cg_ncommands; i++) {
		if (strncmp(cg_commands[i].name, name, n) == 0 &&
		    cg_commands[i].name[n] == ' ') {
			if (!shown++)
				printf(cg_tr("canhgac %s commands:\n"), name);
			printf("  %-18s %s\n", cg_commands[i].name,
			       cg_tr(cg_commands[i].summary));
		}
	}
	if (shown)
		return CG_EXIT_OK;
	return cg_cli_usage_error(cli, "no such command '%s'", name);
}
