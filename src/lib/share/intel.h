/*
 * intel.h - threat intelligence in: indicators (malicious domains,
 * addresses, URLs and file hashes) read from STIX 2.1 bundles, TAXII 2.1
 * pages and MISP events, in the one shape the store keeps
 * (store.h "threat intelligence") and the engines match.
 *
 * Every input is attacker-writable (a partner's file, a remote server's
 * answer), so each reader:
 *   - takes a {ptr, len} slice of at most CG_INTEL_MAX_INPUT bytes and
 *     parses it with jansson (whose nesting is bounded);
 *   - keeps at most CG_INTEL_MAX_INDICATORS values, each checked and
 *     normalized by the same rules as the STIX export (cg_stix_norm_value:
 *     a value canhgac would not export is not imported either);
 *   - skips what it does not understand, counting it, instead of failing
 *     the whole input; only a document that is not the expected shape at
 *     all is an error (*why says where).
 *
 * What is taken from STIX (intel_stix.c): `indicator` objects with
 * pattern_type stix (or none), not revoked, whose pattern is a set of
 * equality comparisons on domain-name:value, ipv4-addr:value,
 * ipv6-addr:value, url:value or file:hashes (MD5, SHA-1, SHA-256) joined
 * by OR -- each comparison is then an indicator on its own. AND is
 * accepted only between hashes of one file (any of them identifies it);
 * any other AND, FOLLOWEDBY, a qualifier (WITHIN, REPEATS, START/STOP),
 * NOT or another operator narrows the pattern past what a blocklist can
 * say, and the whole pattern is skipped. valid_from and valid_until
 * bound the indicator, confidence and the TLP 2.0 marking (by its
 * published id) are kept, and so is the object's id (ext_id).
 *
 * What is taken from MISP (intel_misp.c): attributes (of the event and of
 * its objects) marked to_ids and not deleted, of the types domain,
 * hostname, ip-dst, ip-src, url, md5, sha1, sha256 and the composites
 * domain|ip, ip-dst|port, ip-src|port, filename|md5, filename|sha1,
 * filename|sha256; the event's tlp: tag is the TLP; the attribute's uuid
 * is ext_id, its first_seen (else timestamp) valid_from. MISP has no
 * expiry: a feed's expire_days gives one.
 *
 * Items are JSON objects {type, value, valid_from (ms), valid_until (ms,
 * absent when none), confidence (absent when unknown), tlp, ext_id,
 * description}, exactly what cg_store_intel_put takes.
 */
#ifndef CG_SHARE_INTEL_H
#define CG_SHARE_INTEL_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/error.h"

typedef struct cg_intel_stats {
	uint64_t objects;    /* STIX objects or MISP attributes looked at */
	uint64_t indicators; /* of them, indicators (STIX) / to_ids attributes (MISP) */
	uint64_t taken;      /* values kept */
	uint64_t skipped;    /* indicators or values not understood or not valid */
	uint64_t expired;    /* taken, but already past valid_until */
} cg_intel_stats;

/* What a TAXII envelope says about the next page (cg_intel_read_stix). */
typedef struct cg_intel_page {
	bool more;
	char next[256]; /* empty: none (or too long to be trusted: stop) */
} cg_intel_page;

/* Reads a STIX 2.1 bundle ({"type":"bundle","objects":[...]}) or a TAXII
 * 2.1 envelope ({"more","next","objects":[...]}; page, when not NULL,
 * gets its more and next). Appends items to *items (made when NULL).
 * now_ms stands for a missing valid_from. CG_EPARSE with *why when the
 * text is not JSON or not one of these; CG_ETOOBIG past the bounds. */
cg_err cg_intel_read_stix(cg_slice text, int64_t now_ms, json_t **items, cg_intel_stats *st,
                          cg_intel_page *page, cg_buf *why);

/* The values one STIX pattern names (see above), each passed to fn with
 * its type name ("domain", "ipv4", "ipv6", "url", "sha256", "sha1",
 * "md5") and normalized value. CG_EPARSE when the pattern is not
 * understood (nothing passed), with *why (may be NULL). */
typedef void (*cg_intel_value_fn)(void *ud, const char *type, const char *value);
cg_err cg_intel_pattern(cg_slice pattern, cg_intel_value_fn fn, void *ud, cg_buf *why);

/* Reads MISP events: {"Event":{...}}, {"response":[{"Event":...},...]}
 * (restSearch) or [{"Event":...},...]. Appends items to *items. */
cg_err cg_intel_read_misp(cg_slice text, int64_t now_ms, json_t **items, cg_intel_stats *st,
                          cg_buf *why);

/* Either of the two, from the document's shape (a MISP "Event" or
 * "response" member, else STIX). *kind gets "misp" or "stix". */
cg_err cg_intel_read_any(cg_slice text, int64_t now_ms, json_t **items, cg_intel_stats *st,
                         const char **kind, cg_buf *why);

/* type's value normalized into out (n bytes) by the readers' rules;
 * false when type is not one of the seven or value not a valid one. */
bool cg_intel_norm(const char *type, const char *value, char *out, size_t n);

/* Gives every item without a valid_until one of valid_from + days (days
 * > 0), for sources that have no expiry of their own. */
void cg_intel_expire_after(json_t *items, int64_t days);

#endif
