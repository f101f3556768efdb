/*
 * taxii.h - the decisions of canhgac's read-only TAXII 2.1 server
 * (src/server/api_taxii.c): which collections there are, what a request's
 * filter and paging parameters mean, and which objects make a page.
 *
 * Collections: one per TLP level, holding the export's objects of that
 * level or clearer (share/stix.h), so a partner cleared for green pulls
 * "tlp-green" and never sees who was hit. Their ids are UUIDv5 of the
 * level's name, stable across restarts and servers.
 *
 * Paging: objects are ordered by the time canhgac added them (date_added,
 * share/stix.h cg_stix_item.added_ms) and then by id. `next` is the key
 * of the last object of a page, "<date_added ms>_<id>", opaque to
 * clients; the next page starts strictly after it, so objects added
 * meanwhile with a later date are not skipped and none repeats.
 */
#ifndef CG_SHARE_TAXII_H
#define CG_SHARE_TAXII_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "share/stix.h"

#define CG_TAXII_MEDIA "application/taxii+json;version=2.1"
#define CG_STIX_MEDIA  "application/stix+json;version=2.1"
/* Objects per page when the client asks for none, and at most. */
#define CG_TAXII_PAGE     100
#define CG_TAXII_MAX_PAGE 1000
/* Values of one match[...] filter (comma-separated). */
#define CG_TAXII_MAX_MATCH 16

/* "tlp-green" and its UUIDv5 id; the level of a collection id, or -1. */
void cg_taxii_collection_id(cg_tlp t, char out[40]);
int cg_taxii_collection_level(const char *id);

typedef struct cg_taxii_query {
	int64_t added_after; /* -1: none */
	int64_t limit;       /* 1..CG_TAXII_MAX_PAGE */
	bool has_next;
	int64_t next_added;
	char next_id[96];
	int ntypes, nids;
	char types[CG_TAXII_MAX_MATCH][64];
	char ids[CG_TAXII_MAX_MATCH][96];
} cg_taxii_query;

/* The request's parameters (each NULL when absent). CG_EINVAL with
 * *field naming the bad one: added_after not an RFC 3339 time, limit not
 * 1..CG_TAXII_MAX_PAGE (larger is lowered to it, as the spec allows), next
 * not a key this server made, a match value not a STIX type or id. */
cg_err cg_taxii_query_parse(const char *added_after, const char *limit, const char *next,
                            const char *match_type, const char *match_id, cg_taxii_query *q,
                            const char **field);

/* The page of items (as cg_stix_items gives them) the query selects:
 * their indexes in order into idx (room for q->limit), *more when objects
 * follow, and then next gets the key to continue from (>= 120 bytes). */
cg_err cg_taxii_page(const cg_stix_item *items, size_t n, const cg_taxii_query *q, size_t *idx,
                     size_t *nidx, bool *more, char *next, size_t nextsize);

#endif
