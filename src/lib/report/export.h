/*
 * export.h - exports that leave canhgac as files: a filtered events list
 * and the inventory (agencies, systems, contact points), as CSV or XLSX,
 * within the caller's scope (R12: the server signs them with a detached
 * CMS when a key is configured).
 *
 * A sheet is a header and rows of cells (JSON strings, integers or null),
 * read once from the store; CSV and XLSX are written from the same sheet,
 * so both formats hold the same cells.
 *  - CSV: UTF-8 with a byte order mark (Excel then shows Vietnamese), CRLF
 *    line ends, RFC 4180 quoting. A text cell starting with = + - @ or a
 *    tab or CR is written with a leading apostrophe: event text is attacker
 *    text, and a spreadsheet would run it as a formula (CSV injection).
 *  - XLSX (libxlsxwriter): one worksheet per sheet, the header bold and
 *    frozen, integers as numbers; text cells are stored as strings, which
 *    Excel never evaluates.
 * At most CG_EXPORT_MAX_ROWS rows per sheet; *truncated says when more
 * matched (the response says so in a header).
 */
#ifndef CG_REPORT_EXPORT_H
#define CG_REPORT_EXPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"
#include "core/json.h"
#include "store/store.h"

#define CG_EXPORT_MAX_ROWS 100000

typedef struct cg_export_sheet {
	char name[32];  /* the worksheet's name */
	json_t *header; /* array of strings */
	json_t *rows;   /* array of arrays of cells */
	bool truncated;
} cg_export_sheet;

void cg_export_sheet_free(cg_export_sheet *s);

/* The events q selects (its limit and before_seq are the export's own),
 * newest first: time, severity, source, kind, agency_id, host, subject,
 * summary, state, id. */
cg_err cg_export_events(cg_store *st, const cg_scope *scope, const cg_event_query *q,
                        cg_export_sheet *out, cg_buf *why);
/* Every record of an inventory resource in scope; the columns are the
 * record's fields in name order (arrays joined with "; ", objects as
 * JSON). */
cg_err cg_export_inventory(cg_store *st, const cg_scope *scope, cg_resource r, cg_export_sheet *out,
                           cg_buf *why);

cg_err cg_export_csv(const cg_export_sheet *s, cg_buf *out);
/* Writes the workbook through a private temporary file in tmp_dir. */
cg_err cg_export_xlsx(const cg_export_sheet *sheets, size_t n, const char *tmp_dir, cg_buf *out,
                      cg_buf *why);

#endif
