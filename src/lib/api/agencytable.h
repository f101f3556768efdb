/*
 * agencytable.h - which agency an address, a code or a name belongs to:
 * the one place the province's address plan is read.
 *
 * A cg_agency_table is built from the store's agency map (id, code, name,
 * ip_ranges) into a longest-prefix table (api/prefixtable.h) plus sorted
 * indexes by id and code. Event ingest routes each event with it, the DNS
 * upload analysis files each flagged client with it, and the inventory
 * API asks it whether a new name or range collides with another agency's
 * (issue 18.14: an infected host must belong to exactly one agency).
 *
 * Building costs one read of every agency, so servers keep one table in a
 * cg_agency_cache and rebuild it only when cg_store_agencies_generation()
 * has moved (agency create/update/delete/import bump it). A table is
 * immutable and reference-counted: a request keeps using the table it got
 * while another thread swaps in a newer one.
 *
 * Ownership: cg_agency_cache_get() returns a new reference the caller
 * drops with cg_agency_table_release(). Strings in cg_agency_ref belong
 * to the table.
 */
#ifndef CG_AGENCYTABLE_H
#define CG_AGENCYTABLE_H

#include <jansson.h>
#include <pthread.h>
#include <stdint.h>

#include "api/inventory.h"
#include "api/netaddr.h"
#include "core/buf.h"
#include "store/store.h"

typedef struct cg_agency_ref {
	int64_t id;
	const char *code; /* "" when the agency has none */
	const char *name;
} cg_agency_ref;

typedef struct cg_agency_table cg_agency_table;

/* agencies: [{id, code, name, ip_ranges}] (cg_store_agency_map). Ranges
 * that do not parse are skipped (the validator refused them on the way
 * in; the table must not fail because of an old record). */
cg_err cg_agency_table_build(const json_t *agencies, cg_agency_table **out);
/* A new table of every agency in st (not cached: see cg_agency_cache). */
cg_err cg_agency_table_load(cg_store *st, cg_agency_table **out);
/* Adds one agency ({id, code, name, ip_ranges}) to a table the caller
 * alone holds (from _build or _load, never from the cache): a CSV import
 * checks each row against the rows before it without reloading. */
cg_err cg_agency_table_add(cg_agency_table *t, const json_t *agency);
void cg_agency_table_release(cg_agency_table *t);
size_t cg_agency_table_count(const cg_agency_table *t);

/* The agency whose most specific range holds ip, or NULL. */
const cg_agency_ref *cg_agency_table_route(const cg_agency_table *t, const cg_ip *ip);
/* Same, from text ("10.1.2.3", "2001:db8::1"; "::ffff:10.1.2.3" is taken
 * as the IPv4 address it carries); NULL when not an address. */
const cg_agency_ref *cg_agency_table_route_text(const cg_agency_table *t, cg_slice ip);
/* The agency named by key: its id in decimal or its code (any case). */
const cg_agency_ref *cg_agency_table_find(const cg_agency_table *t, const char *key);

/* Would the agency record rec (a normalized agency: name, ip_ranges)
 * stored as agency self_id (0 for a new one) collide with another
 * agency? CG_ECONFLICT with e naming the field ("name" or "ip_ranges"),
 * the code ("duplicate_name" or "overlap"), the other agency (e->other)
 * and, for ranges, both ranges (e->value, e->other_value). Names are compared
 * after case folding and whitespace collapsing ("Sở  Y TẾ" = "Sở Y tế");
 * a range collides when it contains, equals or lies inside another
 * agency's range. base (the stored record for an update, else NULL):
 * only what rec changes is checked, so a collision stored before this
 * rule existed does not block every later edit of the agency.
 *
 * allow_nesting: a range strictly inside or around another agency's is
 * accepted (a unit using part of its parent department's block is real,
 * and longest-prefix routing gives each address to the most specific
 * one); the API passes it only after the user confirmed the warning.
 * An equal range and a duplicate name are refused even then: nothing
 * would tell the two agencies apart. */
cg_err cg_agency_table_check(const cg_agency_table *t, int64_t self_id, const json_t *rec,
                             const json_t *base, bool allow_nesting, cg_inv_error *e);

/* ---- the cache a server keeps ---------------------------------------- */

typedef struct cg_agency_cache {
	pthread_mutex_t mu;
	cg_agency_table *table; /* NULL until first used */
	uint64_t gen;
} cg_agency_cache;

void cg_agency_cache_init(cg_agency_cache *c);
void cg_agency_cache_free(cg_agency_cache *c);
/* The current table for st: rebuilt when the store's agency generation
 * moved since it was built. *out is a new reference. */
cg_err cg_agency_cache_get(cg_agency_cache *c, cg_store *st, cg_agency_table **out);

#endif
