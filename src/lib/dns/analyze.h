/*
 * analyze.h - the per-client roll-up: blocklist hits, DGA-like names,
 * tunnelling and beaconing, from a stream of cg_dns_rec.
 *
 * cg_dns_analyzer_add takes one query (it is a cg_dns_rec_fn, so readers
 * feed it directly). Per query name it caches, in a bounded table, what
 * the name means: the blocklist entry it matches, its registrable domain,
 * whether that domain is allow-listed, the subdomain's length and entropy.
 * Per registrable domain it keeps the DGA score (computed once) and how
 * many distinct clients queried it (up to a small cap). Per client it
 * keeps first/last seen, counts, and only when something is suspicious the
 * evidence (bounded by CG_DNS_MAX_PER_CLIENT).
 *
 * Decisions (thresholds in cg_dns_opts, defaults in cg_dns_opts_default
 * and docs/dns.md):
 *   blocklist  any query matching a listed name (exact label semantics);
 *   dga        at least dga_min_names distinct registrable domains scored
 *              DGA-like, not allow-listed, each queried by at most
 *              dga_max_clients clients (popular names are not DGA output),
 *              and at least dga_min_ratio of the rarely-queried domains
 *              the client visits (a busy benign client meets any fixed
 *              count through the model's ~3% false positives);
 *   tunnel     under one registrable domain, at least tunnel_min_unique
 *              distinct subdomains of tunnel_min_len+ characters with
 *              entropy >= tunnel_min_entropy bits/char, or tunnel_min_txt
 *              TXT/NULL queries (with subdomains of tunnel_min_len/2+
 *              characters) with tunnel_min_unique/4 distinct names;
 *   dga_words  (word-based DGAs, whose names the per-name model lets
 *              pass: yellowisland.net) at least words_min_names
 *              registrable domains made of dictionary words
 *              (cg_dns_dga_wordy), each asked by this client only, at most
 *              words_max_queries times (repeats < 1 s apart are one) and
 *              under at most two names, first queried within
 *              words_window_ms of each other, and at least
 *              words_min_share of the domains the client was first to ask
 *              for in that time;
 *   beacon     one name queried at least beacon_min_count times at a mean
 *              interval >= beacon_min_interval with a coefficient of
 *              variation <= beacon_max_cv, by at most beacon_max_clients
 *              clients (a shared update check is not a beacon).
 *
 * Ownership: the analyzer borrows the sets and the model (they must
 * outlive it) and owns everything else. Not thread-safe.
 */
#ifndef CG_DNS_ANALYZE_H
#define CG_DNS_ANALYZE_H

#include <jansson.h>

#include "core/event.h"
#include "dns/dga.h"
#include "dns/domainset.h"
#include "dns/record.h"

typedef struct cg_dns_opts {
	int64_t since_ms, until_ms; /* queries outside [since, until) dropped */
	int dga_min_names;
	double dga_min_ratio;
	int dga_max_clients;
	int tunnel_min_unique;
	int tunnel_min_len;
	double tunnel_min_entropy;
	int tunnel_min_txt;
	int beacon_min_count;
	double beacon_max_cv;
	int64_t beacon_min_interval_ms;
	int beacon_max_clients;
	int words_min_names;     /* dga_words: 0 turns it off */
	int words_max_queries;
	int64_t words_window_ms;
	double words_min_share;
	int samples; /* names shown per reason */
} cg_dns_opts;

void cg_dns_opts_default(cg_dns_opts *o);

typedef struct cg_dns_analyzer cg_dns_analyzer;

/* A client gained a reason (kind: "blocklist", "dga", "dga_words",
 * "tunnel", "beacon"), for streaming use (dns watch). */
typedef void (*cg_dns_reason_fn)(void *ctx, cg_dns_analyzer *a,
				 uint32_t client, const char *kind);

/* blocklist, allow, dga and psl may be NULL (that check is off). */
cg_err cg_dns_analyzer_new(const cg_dns_opts *o, const cg_dns_set *blocklist,
			   const cg_dns_set *allow, const cg_dns_dga *dga,
			   const psl_ctx_t *psl, cg_dns_analyzer **out);
void cg_dns_analyzer_free(cg_dns_analyzer *a);
void cg_dns_analyzer_on_reason(cg_dns_analyzer *a, cg_dns_reason_fn fn,
			       void *ctx);
/* cg_dns_rec_fn: ctx is the analyzer. Always returns 0. */
int cg_dns_analyzer_add(void *analyzer, const cg_dns_rec *rec);
/* cg_dns_batch_fn: the same for n records, with the tables prefetched
 * ahead of the record being added (the same result as n calls of
 * cg_dns_analyzer_add). Always returns 0. */
int cg_dns_analyzer_add_batch(void *analyzer, const cg_dns_rec *recs, size_t n);

typedef struct cg_dns_counts {
	uint64_t queries;       /* added */
	uint64_t out_of_window; /* dropped by since/until */
	uint64_t clients;       /* distinct clients seen */
	uint64_t clients_untracked; /* queries from clients past the limit */
	uint64_t domains;       /* distinct registrable domains */
} cg_dns_counts;
void cg_dns_analyzer_counts(const cg_dns_analyzer *a, cg_dns_counts *c);

/* The flagged clients, most serious first (blocklist, then number of
 * reasons, then address). The array lives until the next call. */
cg_err cg_dns_analyzer_flagged(cg_dns_analyzer *a, const uint32_t **ids,
			       size_t *n);
cg_slice cg_dns_client_ip(const cg_dns_analyzer *a, uint32_t id);
/* {"type":"client","client","agency","first_seen","last_seen","queries",
 *  "reasons":[{"kind":...}, ...]}; agency may be NULL. NULL when out of
 * memory. */
json_t *cg_dns_client_json(const cg_dns_analyzer *a, uint32_t id,
			   const char *agency);
/* The same as a cg_event: source "dns", kind "infected_client", subject
 * the IP, evidence the reasons. ev must be initialised (cg_event_init). */
cg_err cg_dns_client_event(const cg_dns_analyzer *a, uint32_t id,
			   const char *agency, cg_event *ev);
/* One human-readable block (several lines) for the terminal. */
cg_err cg_dns_client_text(const cg_dns_analyzer *a, uint32_t id,
			  const char *agency, cg_buf *out);

#endif
