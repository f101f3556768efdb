/*
 * csv.h - an RFC 4180 CSV reader for inventory imports (provinces keep
 * their lists in Excel and export CSV).
 *
 * Accepts: an optional UTF-8 byte order mark, CRLF or LF line ends,
 * quoted fields with "" for a quote and line breaks inside quotes, a
 * missing final line end, and ',' as the separator (';' when asked: some
 * Excel locales export that). Blank lines are skipped.
 *
 * Errors are per record: an unterminated quote, text after a closing
 * quote, too many fields or an over-long field make cg_csv_next return
 * CG_EPARSE with the record number and a reason; the reader has already
 * moved past that record, so the caller reports it and goes on. Record
 * numbers count from 1 (the header), like spreadsheet rows when no field
 * holds a line break.
 *
 * Ownership: the reader borrows the input slice; field slices point into
 * the reader's own buffer and are valid until the next cg_csv_next.
 */
#ifndef CG_CSV_H
#define CG_CSV_H

#include <stdbool.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/limits.h"

typedef struct cg_csv {
	cg_slice in;
	size_t pos;
	char sep;
	int64_t record; /* number of the record just read (1 = first) */
	cg_buf data;    /* unquoted field bytes of the current record */
	size_t off[CG_MAX_CSV_FIELDS + 1];
	size_t nfields;
	char error[128]; /* why the last record failed */
} cg_csv;

void cg_csv_init(cg_csv *p, cg_slice input, char sep);
void cg_csv_free(cg_csv *p);
/* CG_OK with *got true: a record; *got false: end of input. CG_EPARSE: the
 * record p->record is malformed (p->error says why), go on reading.
 * CG_ENOMEM is fatal. */
cg_err cg_csv_next(cg_csv *p, bool *got);
static inline size_t cg_csv_nfields(const cg_csv *p)
{
	return p->nfields;
}
cg_slice cg_csv_field(const cg_csv *p, size_t i);

#endif
