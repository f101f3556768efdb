/*
 * inventory.h - validation of inventory records (agencies, systems,
 * people) as they arrive from the API or a CSV import.
 *
 * cg_inv_normalize turns what a client sent into the full record the
 * store keeps: every field checked (type, enum, range, length, CIDR and
 * URL syntax), lists deduplicated, defaults filled. For an update the
 * client's members are laid over the existing record, so PUT and PATCH
 * both accept partial bodies. The first problem is reported as a field
 * name and a message, which the API returns as a 400 and the CSV import
 * as a per-row error.
 *
 * Ownership: *out is a new reference; in and base are borrowed.
 */
#ifndef CG_INVENTORY_H
#define CG_INVENTORY_H

#include <jansson.h>

#include "core/buf.h"
#include "store/store.h"

/* code (may be empty): what was violated, as the API sends it and the
 * dashboard translates it ("duplicate_name", "overlap"); other, value,
 * other_value: for a collision with another record, its name, the
 * rejected value and the other record's value, so that a client can word
 * the message itself. */
typedef struct cg_inv_error {
	char field[48];
	char message[448];
	char code[24];
	char other[208];
	char value[52];
	char other_value[52];
} cg_inv_error;

/* base: the existing record for an update, NULL for a create. Members of
 * `in` that are read-only (id, created_at, updated_at) are ignored;
 * unknown members are an error. */
cg_err cg_inv_normalize(cg_resource r, const json_t *in, const json_t *base, json_t **out,
                        cg_inv_error *e);

/* Splits a CSV cell "a; b;c" into a JSON array of trimmed non-empty
 * strings. */
json_t *cg_inv_split_list(cg_slice cell);

/* Enum checks shared with the API (NULL-safe). */
bool cg_inv_valid_agency_kind(const char *s);
/* "huyen": a district, abolished on 1 July 2025; readable on old records,
 * refused on new ones (cg_inv_valid_agency_kind says false). */
bool cg_inv_retired_agency_kind(const char *s);
bool cg_inv_valid_system_kind(const char *s);
bool cg_inv_valid_dossier(const char *s);

#endif
