/*
 * cmd_dns_common.h - what `dns analyze` and `dns watch` share: their
 * options (intelligence files, subnets, thresholds, rules directory) and
 * the loading of everything those options name.
 *
 * Ownership: dns_setup owns the sets, the model, the PSL context and the
 * subnets; dns_setup_free releases them.
 */
#ifndef CG_CMD_DNS_COMMON_H
#define CG_CMD_DNS_COMMON_H

#include "cli.h"
#include "dns/analyze.h"
#include "dns/subnets.h"

typedef struct dns_setup {
	cg_cli *cli;
	cg_dns_opts opts;
	cg_dns_fmt fmt;
	const char **blocklists;
	int nblocklists;
	const char **allows;
	int nallows;
	const char *subnets_path;
	const char *rules_dir;
	bool no_dga;
	bool events; /* --events: cg_event lines instead of client objects */
	/* loaded */
	cg_dns_set *bl, *allow;
	cg_dns_dga *dga;
	psl_ctx_t *psl;
	cg_dns_subnets *subnets;
} dns_setup;

/* The options both commands take (ids below 100; theirs from 100 up). */
#define DNS_COMMON_OPTS                                         \
	{ "format", 0, true, 1 }, { "blocklist", 0, true, 2 },      \
	{ "allow", 0, true, 3 }, { "subnets", 0, true, 4 },         \
	{ "since", 0, true, 5 }, { "until", 0, true, 6 },           \
	{ "rules-dir", 0, true, 7 }, { "no-dga", 0, false, 8 },     \
	{ "dga-min-names", 0, true, 9 },                            \
	{ "dga-max-clients", 0, true, 10 },                         \
	{ "tunnel-min-unique", 0, true, 11 },                       \
	{ "tunnel-min-length", 0, true, 12 },                       \
	{ "tunnel-min-txt", 0, true, 13 },                          \
	{ "beacon-min-count", 0, true, 14 },                        \
	{ "beacon-max-cv", 0, true, 15 },                           \
	{ "beacon-min-interval", 0, true, 16 },                     \
	{ "beacon-max-clients", 0, true, 17 },                      \
	{ "events", 0, false, 18 },                                 \
	{ "dga-min-ratio", 0, true, 19 },                           \
	{ "dga-words-min", 0, true, 20 },                           \
	{ "dga-words-window", 0, true, 21 },                        \
	{ "dga-words-max-queries", 0, true, 22 }
#define DNS_COMMON_HELP                                                        \
	"  --format FMT          auto (default) bind unbound dnsmasq windows zeek\n" \
	"                        zeek-json suricata coredns pcap\n"                  \
	"  --blocklist FILE      threat intelligence (repeatable): domain list,\n"   \
	"                        hosts file, RPZ zone, URLhaus/ThreatFox CSV, Zeek\n" \
	"                        intel; gzip accepted\n"                             \
	"  --allow FILE          more allow-listed domains (never DGA/tunnel/beacon)\n" \
	"  --subnets FILE        'CIDR agency' lines: agency of each client\n"       \
	"  --since T, --until T  only queries in [T, U) (RFC 3339 or YYYY-MM-DD)\n"  \
	"  --rules-dir DIR       detection content (default: $CANHGAC_RULES_DIR or\n" \
	"                        the rules/ canhgac was installed with)\n"           \
	"  --no-dga              skip DGA scoring\n"                                 \
	"  --dga-min-names N     DGA-like domains to flag a client (5)\n"            \
	"  --dga-min-ratio X     and this share of the client's rarely-queried\n"   \
	"                        domains (0.1)\n"                                   \
	"  --dga-max-clients N   ignore DGA-like domains queried by more clients (3)\n" \
	"  --dga-words-min N     dictionary-word domains only one client asks for,\n" \
	"                        each rarely, to flag it (8; 0 turns it off)\n"    \
	"  --dga-words-window SECONDS  ... first asked within this time (120)\n"   \
	"  --dga-words-max-queries N   ... each queried at most N times (2)\n"     \
	"  --tunnel-min-unique N distinct long subdomains under one domain (50)\n"   \
	"  --tunnel-min-length N subdomain length counted as long (30)\n"            \
	"  --tunnel-min-txt N    TXT/NULL queries to one domain (100)\n"             \
	"  --beacon-min-count N  queries of one name to judge regularity (12)\n"     \
	"  --beacon-max-cv X     coefficient of variation of intervals (0.1)\n"      \
	"  --beacon-min-interval SECONDS  shortest beacon period (10)\n"             \
	"  --beacon-max-clients N  ignore names queried by more clients (3)\n"       \
	"  --events              with --json: one cg_event (infected_client) a line\n"

void dns_setup_init(dns_setup *s, cg_cli *cli);
/* Handles a dns_common_opts id; 0 when handled, 1 after a usage error,
 * -1 when the id is not a common one. */
int dns_setup_option(dns_setup *s, int id, const char *val);
/* Loads intelligence, allow-list, model, subnets. Prints the error and
 * returns false on failure. */
bool dns_setup_load(dns_setup *s);
void dns_setup_free(dns_setup *s);
/* The agency of a client, or NULL. */
const char *dns_setup_agency(const dns_setup *s, cg_slice ip);

#endif
