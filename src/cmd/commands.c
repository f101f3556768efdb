/*
 * commands.c - the command table. Adding a command: write cmd_NAME.c with
 * `int cmd_NAME(cg_cli *)`, declare it below, add its row (keep rows in
 * alphabetical order; `canhgac help` prints them in this order), and list
 * the file in meson.build.
 */
#include "cli.h"

int cmd_help(cg_cli *cli);
int cmd_scan_secrets(cg_cli *cli);
int cmd_version(cg_cli *cli);

const cg_command cg_commands[] = {
	{ "help", cmd_help, "Show the commands, or one command's options.",
	  "[COMMAND]", "" },
	{ "scan secrets", cmd_scan_secrets,
	  "Find documents marked MẬT / TỐI MẬT / TUYỆT MẬT (and uninspectable ones).",
	  "[--threads N] [--json] PATH...",
	  "  -j, --threads N  worker threads (default: number of cores)\n"
	  "  --json           one JSON object per finding, then a summary object\n"
	  "Formats: docx xlsx pptx odt ods odp pdf doc xls ppt rtf eml msg html, text\n"
	  "in UTF-8, UTF-16 (BOM), TCVN3 (.VnTime) and VNI; zip/7z/tar/rar archives.\n"
	  "Encrypted, corrupt or oversized documents are reported as uninspectable.\n"
	  "Exit: 0 none found, 1 markings or uninspectable documents, 2 error.\n" },
	{ "version", cmd_version,
	  "Show the version, build options and library versions.", "", "" },
};

const int cg_ncommands = (int)(sizeof cg_commands / sizeof cg_commands[0]);
