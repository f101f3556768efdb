/*
 * domainset.h - a set of domain names with exact label semantics, and the
 * threat-intelligence file readers that fill it.
 *
 * A listed name matches itself and every name below it: "evil.example"
 * matches "evil.example" and "a.b.evil.example", never "notevil.example"
 * or "evil.example.org". The set is a hash table of lower-cased names;
 * matching walks the query's label suffixes (a.b.evil.example,
 * b.evil.example, evil.example, example), one lookup each, so the cost is
 * the number of labels, not the size of the list. RPZ zones distinguish
 * "name" (the name only) from "*.name" (only names below it), kept as
 * per-entry flags.
 *
 * Readers (format found from the file's content, per file):
 *   plain lists    one name a line, # comments, "*.name", "||name^"
 *   hosts files    "0.0.0.0 name [name...]"
 *   RPZ zones      $ORIGIN/$TTL, "name CNAME .", "*.name CNAME .",
 *                  rpz-passthru (allow) entries ignored, IP triggers ignored
 *   abuse.ch       URLhaus CSV (url column) and ThreatFox CSV (ioc_value +
 *                  ioc_type), columns read from the "# header" line
 *   Zeek intel     "#fields indicator indicator_type ...", Intel::DOMAIN
 *                  and Intel::URL rows
 * URLs contribute their host name; IP-address hosts are not domains and
 * are skipped (counted).
 *
 * Ownership: the set owns its names; cg_dns_set_name slices live as long
 * as the set.
 */
#ifndef CG_DNS_DOMAINSET_H
#define CG_DNS_DOMAINSET_H

#include <stdint.h>

#include "core/buf.h"

typedef struct cg_dns_set cg_dns_set;

enum {
	CG_DNS_MATCH_SELF = 1,  /* the listed name itself */
	CG_DNS_MATCH_BELOW = 2, /* names below it */
	CG_DNS_MATCH_BOTH = 3,
};

typedef struct cg_dns_intel_stats {
	uint64_t lines;
	uint64_t added;     /* new names (a repeated name counts once) */
	uint64_t skipped;   /* lines with no usable name (bad name, IP host) */
	uint64_t first_bad; /* line number of the first skipped line */
	const char *format; /* "plain", "hosts", "rpz", "urlhaus", ... */
} cg_dns_intel_stats;

cg_dns_set *cg_dns_set_new(void);
void cg_dns_set_free(cg_dns_set *s);
/* Adds name (normalised here) with the given match flags; flags of a name
 * added twice are combined. CG_EPARSE for an invalid name, CG_ETOOBIG past
 * CG_DNS_MAX_INTEL_ENTRIES. */
cg_err cg_dns_set_add(cg_dns_set *s, cg_slice name, unsigned flags);
size_t cg_dns_set_count(const cg_dns_set *s);
/* The entry matching qname (already lower-case, no trailing dot), the most
 * specific one when several do; -1 when none. */
int64_t cg_dns_set_match(const cg_dns_set *s, cg_slice qname);
cg_slice cg_dns_set_name(const cg_dns_set *s, uint32_t id);

/* Reads one intelligence file (gzip accepted) into s. *why gets
 * "PATH: reason" on failure. */
cg_err cg_dns_intel_load(cg_dns_set *s, const char *path,
			 cg_dns_intel_stats *st, cg_buf *why);
/* The same from memory (for tests and the fuzzer). */
cg_err cg_dns_intel_parse(cg_dns_set *s, cg_slice text,
			  cg_dns_intel_stats *st);

/* The host of a URL ("http://user@Host.Example:8080/x" -> "Host.Example"),
 * scheme optional. Empty when there is none. */
cg_slice cg_dns_url_host(cg_slice url);

#endif
