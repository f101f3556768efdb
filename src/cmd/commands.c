/*
 * commands.c - the command table. Adding a command: write cmd_NAME.c with
 * `int cmd_NAME(cg_cli *)`, declare it below, add its row (keep rows in
 * alphabetical order; `canhgac help` prints them in this order), and list
 * the file in meson.build.
 */
#include "cli.h"
#include "cmd_dns_common.h"

int cmd_dns_analyze(cg_cli *cli);
int cmd_dns_dga_train(cg_cli *cli);
int cmd_dns_watch(cg_cli *cli);
int cmd_help(cg_cli *cli);
int cmd_version(cg_cli *cli);

const cg_command cg_commands[] = {
	{ "dns analyze", cmd_dns_analyze,
	  "Find infected clients in DNS resolver logs.",
	  "[OPTIONS] LOG...",
	  "Reads BIND, Unbound, dnsmasq, Windows DNS, Zeek, Suricata, CoreDNS\n"
	  "logs and pcap captures (gzip accepted, - is standard input) and\n"
	  "reports clients that query blocklisted names, DGA-like names,\n"
	  "tunnel through DNS or beacon. Exit 0 none, 1 flagged, 2 error.\n"
	  DNS_COMMON_HELP },
	{ "dns dga-train", cmd_dns_dga_train,
	  "Rebuild the DGA model from benign and DGA name lists.",
	  "--words FILE --out MODEL [--report FILE] --benign FILE... --dga FILE...",
	  "  --benign FILE   benign registrable domains, one a line (repeatable)\n"
	  "  --dga FILE      one DGA family's domains, one a line (repeatable;\n"
	  "                  the family is named after the file: dga-NAME.txt)\n"
	  "  --words FILE    the word list for dictionary segmentation\n"
	  "  --out FILE      where to write the model\n"
	  "  --report FILE   the held-out precision/recall table (Markdown)\n" },
	{ "dns watch", cmd_dns_watch,
	  "Follow growing DNS logs and report infected clients as they appear.",
	  "[OPTIONS] LOG...",
	  "Follows logs like tail -F (surviving rotation and truncation) and\n"
	  "writes one event (JSON) per new reason a client gains.\n"
	  "  --from-start          read existing content too (default: only new)\n"
	  "  --interval MS         poll interval (500)\n"
	  "  --duration SECONDS    stop after this long (default: until signalled)\n"
	  DNS_COMMON_HELP },
	{ "help", cmd_help, "Show the commands, or one command's options.",
	  "[COMMAND]", "" },
	{ "version", cmd_version,
	  "Show the version, build options and library versions.", "", "" },
};

const int cg_ncommands = (int)(sizeof cg_commands / sizeof cg_commands[0]);
