/*
 * commands.c - the command table. Adding a command: write cmd_NAME.c with
 * `int cmd_NAME(cg_cli *)`, declare it below, add its row (keep rows in
 * alphabetical order; `canhgac help` prints them in this order), and list
 * the file in meson.build.
 */
#include "cli.h"

int cmd_demo_seed(cg_cli *cli);
int cmd_help(cg_cli *cli);
int cmd_scan_secrets(cg_cli *cli);
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
	{ "scan secrets", cmd_scan_secrets,
	  "Find documents marked MẬT / TỐI MẬT / TUYỆT MẬT (and uninspectable ones).",
	  "[--threads N] [--json] PATH...",
	  "  -j, --threads N  worker threads (default: number of cores)\n"
	  "  --json           one JSON object per finding, then a summary object\n"
	  "Formats: docx xlsx pptx odt ods odp pdf doc xls ppt rtf eml msg html, text\n"
	  "in UTF-8, UTF-16 (BOM), TCVN3 (.VnTime) and VNI; zip/7z/tar/rar archives.\n"
	  "Encrypted, corrupt or oversized documents are reported as uninspectable.\n"
	  "Exit: 0 none found, 1 markings or uninspectable documents, 2 error.\n" },
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
