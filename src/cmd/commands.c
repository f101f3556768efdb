/*
 * commands.c - the command table. Adding a command: write cmd_NAME.c with
 * `int cmd_NAME(cg_cli *)`, declare it below, add its row (keep rows in
 * alphabetical order; `canhgac help` prints them in this order), and list
 * the file in meson.build.
 */
#include "cli.h"

int cmd_demo_seed(cg_cli *cli);
int cmd_help(cg_cli *cli);
int cmd_quarantine_delete(cg_cli *cli);
int cmd_quarantine_list(cg_cli *cli);
int cmd_quarantine_restore(cg_cli *cli);
int cmd_scan_malware(cg_cli *cli);
int cmd_serve(cg_cli *cli);
int cmd_user_add(cg_cli *cli);
int cmd_version(cg_cli *cli);

const cg_command cg_commands[] = {
	{ "demo seed", cmd_demo_seed,
	  "Fill the data dir with the demo province (Lai Châu) and a demo admin.",
	  "[--if-empty]",
	  "options:\n"
	  "  --if-empty              seed only when the store holds no agency yet\n"
	  "Adds about 20 agencies, 40 information systems, contact points and\n"
	  "findings of every kind; records already there are left alone. Prints\n"
	  "the login of the demo admin (user \"admin\"), whose generated password\n"
	  "is kept in DATA_DIR/demo-admin.txt (mode 0600).\n" },
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
	{ "serve", cmd_serve,
	  "Run the central server: HTTP API and dashboard.",
	  "[--listen ADDR:PORT] [--tls-cert FILE --tls-key FILE] [--no-tls] [--routes]",
	  "options:\n"
	  "  -l, --listen ADDR:PORT  address to listen on (default 127.0.0.1:8443;\n"
	  "                          port 0 picks a free port; the address is printed)\n"
	  "  --tls-cert FILE         PEM certificate (with --tls-key); without them a\n"
	  "                          self-signed one is made in DATA_DIR/tls/ on first run\n"
	  "  --tls-key FILE          PEM private key\n"
	  "  --no-tls                plain HTTP: only allowed on a loopback address\n"
	  "  --routes                print the route table and exit\n"
	  "The database is DATA_DIR/canhgac.db (SQLite, WAL). SIGTERM or SIGINT stops\n"
	  "the server after the requests in flight are answered.\n" },
	{ "user add", cmd_user_add,
	  "Create a dashboard/API account.",
	  "NAME --role admin|analyst|officer|viewer [--agency ID] [--generate]",
	  "options:\n"
	  "  -r, --role ROLE         admin, analyst, officer or viewer\n"
	  "  -a, --agency ID         the officer's agency (id, code or exact name)\n"
	  "  --display-name TEXT     the name shown in the dashboard\n"
	  "  --generate              generate and print a password (also when stdin\n"
	  "                          is a terminal); otherwise the first line of\n"
	  "                          standard input is the password (10+ characters)\n" },
	{ "version", cmd_version,
	  "Show the version, build options and library versions.", "", "" },
};

const int cg_ncommands = (int)(sizeof cg_commands / sizeof cg_commands[0]);
