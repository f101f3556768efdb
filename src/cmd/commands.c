/*
 * commands.c - the command table. Adding a command: write cmd_NAME.c with
 * `int cmd_NAME(cg_cli *)`, declare it below, add its row (keep rows in
 * alphabetical order; `canhgac help` prints them in this order), and list
 * the file in meson.build.
 */
#include "cli.h"

int cmd_help(cg_cli *cli);
int cmd_quarantine_delete(cg_cli *cli);
int cmd_quarantine_list(cg_cli *cli);
int cmd_quarantine_restore(cg_cli *cli);
int cmd_scan_malware(cg_cli *cli);
int cmd_version(cg_cli *cli);

const cg_command cg_commands[] = {
	{ "help", cmd_help, "Show the commands, or one command's options.",
	  "[COMMAND]", "" },
	{ "quarantine delete", cmd_quarantine_delete,
	  "Delete a quarantined file for good.", "ID", "" },
	{ "quarantine list", cmd_quarantine_list,
	  "List the files moved into quarantine by scan malware --quarantine.", "",
	  "" },
	{ "quarantine restore", cmd_quarantine_restore,
	  "Put a quarantined file back where it was, with its owner and mode.",
	  "ID", "" },
	{ "scan malware", cmd_scan_malware,
	  "Scan files for web shells and malware (YARA rules, hash signatures).",
	  "[OPTIONS] PATH...",
	  "options:\n"
	  "  --rules PATH      YARA rule file or directory of *.yar (repeatable;\n"
	  "                    default: the shipped rules/malware)\n"
	  "  --hashes FILE     hash signatures: SHA-256/MD5 list, ClamAV .hdb/.hsb,\n"
	  "                    MalwareBazaar CSV (repeatable)\n"
	  "  -j, --threads N   scanning threads (default: number of cores)\n"
	  "  --no-cache        read every file (no incremental scan cache)\n"
	  "  --archives        look inside zip, tar, gz, bz2, xz, 7z (bounded)\n"
	  "  --quarantine      move matching files into DATA_DIR/quarantine\n"
	  "  --max-size BYTES  skip (and report) larger files (default 256 MiB)\n"
	  "  --events          print findings as cg_event JSON lines\n"
	  "exit status: 0 clean, 1 matches, 2 error (a file could not be checked)\n" },
	{ "version", cmd_version,
	  "Show the version, build options and library versions.", "", "" },
};

const int cg_ncommands = (int)(sizeof cg_commands / sizeof cg_commands[0]);
