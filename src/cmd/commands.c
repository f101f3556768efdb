/*
 * commands.c - the command table. Adding a command: write cmd_NAME.c with
 * `int cmd_NAME(cg_cli *)`, declare it below, add its row (keep rows in
 * alphabetical order; `canhgac help` prints them in this order), and list
 * the file in meson.build.
 */
#include "cli.h"

int cmd_help(cg_cli *cli);
int cmd_serve(cg_cli *cli);
int cmd_user_add(cg_cli *cli);
int cmd_version(cg_cli *cli);
int cmd_web_baseline(cg_cli *cli);
int cmd_web_check(cg_cli *cli);

#define HELP_COMMON \
	"  --timeout SEC          total time allowed per fetch (default 30)\n"\
	  "  --connect-timeout SEC  time allowed to connect (default 10)\n"\
	  "  --ca-file FILE         trust these CA certificates instead of the system's\n"\
	  "  --parallel N           pages fetched at once, 1-64 (default 16)\n"\
	  "  --url-file FILE        more URLs, one a line ('#' comments)\n"\
	  "  --rules DIR            rules directory (default $CANHGAC_RULES_DIR or the shipped rules/)\n"\
	  "  --lexicon FILE         extra spam terms, one a line, optional weight: '3 no hu' (repeatable)\n"\
	  "  --render               also compare the DOM headless Chromium renders (use for baseline and check)\n"\
	  "  --chromium PROG        browser for --render (default chromium)\n"\
	  "  --chromium-args ARGS   extra space-separated arguments for it\n"

const cg_command cg_commands[] = {
	{ "help", cmd_help, "Show the commands, or one command's options.",
	  "[COMMAND]", "" },
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
	  "  --web-interval SEC      portal watcher wake-up period (default 300, 0 = off);\n"
	  "                          a portal is checked when its system's\n"
	  "                          monitor_interval_s has passed (default 300)\n"
	  "  --alert-config FILE     e-mail/webhook alerts for new portal findings (INI\n"
	  "                          [alerts]; default DATA_DIR/alerts.ini when present)\n"
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
	{ "web baseline", cmd_web_baseline,
	  "Learn what each web page normally looks like (stored in the data dir).",
	  "[OPTIONS] URL...",
	  "Fetches each page several times as a browser and once as Googlebot, Bingbot,\n"
	  "Coc Coc's crawler and a search visitor; learns its stable and changing parts\n"
	  "and the domains it uses. Run again after a legitimate redesign.\n\n"
	  "options:\n"
	  "  --loads N              browser loads to learn from, 2-10 (default 3)\n"
	  HELP_COMMON },
	{ "web check", cmd_web_check,
	  "Check web pages against their baseline: outages, defacement, spam, cloaking.",
	  "[OPTIONS] URL...",
	  "Fetches each page now as a browser, as the crawlers and as a search visitor and\n"
	  "reports: unreachable, timeout, http_status, tls_error, tls_expiry, too_large,\n"
	  "redirect, content_replaced, defacement, spam, hidden_links,\n"
	  "new_external_resource, cloaking, meta_spam. Exit 0 nothing found, 1 findings,\n"
	  "2 error (no baseline, bad URL).\n\n"
	  "options:\n"
	  "  --threshold PCT        content_replaced when less than PCT% of the page's stable\n"
	  "                         text remains (default 35)\n"
	  HELP_COMMON },
};

const int cg_ncommands = (int)(sizeof cg_commands / sizeof cg_commands[0]);
