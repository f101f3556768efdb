/*
 * cmd_help.c - `canhgac help [COMMAND...]`: the command list, or the full
 * help of one command. A command group ("scan") lists its members.
 * `--man` prints the same text as a man page (man.c); `--man-dir DIR`
 * writes every page (canhgac.1, canhgac-NAME.1) into DIR, as the build
 * installs them. The pages are English whatever the language of `help`
 * (they are written from the English fields, as a package builds them);
 * messages go through the catalogue like every command's.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "core/fileio.h"
#include "core/msg.h"

enum { O_MAN = 1, O_MAN_DIR };

static const cg_opt opts[] = {
	{ "man", 0, false, O_MAN },
	{ "man-dir", 0, true, O_MAN_DIR },
	{ NULL, 0, false, 0 },
};

typedef struct help_ctx {
	bool man;
	const char *man_dir;
} help_ctx;

static int on_opt(void *p, int id, const char *v)
{
	help_ctx *c = p;
	if (id == O_MAN)
		c->man = true;
	else
		c->man_dir = v;
	return 0;
}

/* The page of cmd (NULL: canhgac(1)) to stdout, or into dir. */
static int write_man(const cg_cli *cli, const cg_command *cmd, const char *dir)
{
	cg_buf page, why;
	cg_buf_init(&page, 1 << 20);
	cg_buf_init(&why, 4096);
	int rc = CG_EXIT_OK;
	char name[160], path[4096];
	if (cg_man_page(cmd, &page) || cg_man_file_name(cmd, name, sizeof name)) {
		rc = cg_cli_error(cli, "cannot render the man page of '%s'",
				  cmd ? cmd->name : "canhgac");
	} else if (!dir) {
		fwrite(page.ptr, 1, page.len, stdout);
	} else {
		int n = snprintf(path, sizeof path, "%s/%s", dir, name);
		if (n < 0 || (size_t)n >= sizeof path ||
		    cg_write_file_atomic(path, page.ptr, page.len, 0644, &why)) {
			rc = cg_cli_error(cli, "%s: %s", path,
					  why.len ? cg_buf_cstr(&why) : cg_tr("path too long"));
		}
	}
	cg_buf_free(&page);
	cg_buf_free(&why);
	return rc;
}

static int write_all_man(const cg_cli *cli, const char *dir)
{
	cg_buf why;
	cg_buf_init(&why, 4096);
	if (cg_mkdir_p(dir, 0755, &why)) {
		cg_cli_error(cli, "%s", cg_buf_cstr(&why));
		cg_buf_free(&why);
		return CG_EXIT_ERROR;
	}
	cg_buf_free(&why);
	int rc = write_man(cli, NULL, dir);
	for (int i = 0; !rc && i < cg_ncommands; i++)
		rc = write_man(cli, &cg_commands[i], dir);
	return rc;
}

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
	help_ctx hc = { 0 };
	int rc = cg_cli_parse(cli, opts, on_opt, &hc);
	if (rc >= 0)
		return rc;
	if (hc.man_dir) {
		if (cli->npos)
			return cg_cli_usage_error(cli, "--man-dir writes every page: no COMMAND");
		return write_all_man(cli, hc.man_dir);
	}
	if (hc.man && cli->npos == 0)
		return write_man(cli, NULL, NULL);
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
			if (hc.man)
				return write_man(cli, &cg_commands[i], NULL);
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
