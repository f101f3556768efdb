/*
 * copy.h - copying a store from SQLite to PostgreSQL (`canhgac store copy`),
 * for a province that moves to a database server.
 *
 * Everything is copied with its ids: inventory, users (with their password
 * hashes), sessions, API tokens, the audit log, events (with their seq and
 * producer; the destination's text index is built from them), and the
 * overview's running totals. Rows already in the destination are left
 * alone, so running the copy twice is safe and a copy broken off is
 * finished by the next run. Then every table is checked: the number of
 * rows and a checksum of their contents must be equal on both sides.
 */
#ifndef CG_STORE_COPY_H
#define CG_STORE_COPY_H

#include <stdbool.h>
#include <stdint.h>

#include "core/buf.h"

typedef struct cg_store_copy_table {
	char name[32];
	int64_t copied;      /* rows inserted by this run */
	int64_t source_rows; /* rows in each database after the copy */
	int64_t dest_rows;
	uint64_t source_sum; /* order-independent checksums of the rows */
	uint64_t dest_sum;
} cg_store_copy_table;

typedef struct cg_store_copy_report {
	cg_store_copy_table tables[32]; /* one per copied table (copy.c checks it) */
	int ntables;
	bool mismatch; /* some table differs: CG_ECONFLICT */
} cg_store_copy_report;

/* from: sqlite:PATH; to: postgresql://... Both are migrated to the current
 * schema first. CG_EUNSUPPORTED for other directions, CG_ECONFLICT when
 * the check finds a difference (rep says where). */
cg_err cg_store_copy(const char *from, const char *to, cg_store_copy_report *rep, cg_buf *why);

#endif
