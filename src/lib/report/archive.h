/*
 * archive.h - the reports the province keeps: which are due at a given
 * time (the schedule of the directives, MISSION R9), and one report made
 * (report/make.h) and kept: its files in the blob store, its row in the
 * store's reports table (store.h cg_store_report_*).
 *
 * The schedule, in the province's calendar (a fixed UTC offset, UTC+7 in
 * Vietnam):
 *  - monthly: from the 1st of a month, the month before;
 *  - six-monthly (semiannual) and the incident-response report
 *    (incidents): from 1 January and 1 July, the half-year before;
 *  - annual: from 1 December the current year (due before 12 December),
 *    and from January to November the year before (a server that missed
 *    December makes it late rather than never).
 * A report already kept is not made again by the schedule; a person may
 * make it again (the API's "make now"), which replaces it.
 *
 * The job and the API call cg_report_keep, so a scheduled report and one
 * made on request are kept alike.
 */
#ifndef CG_REPORT_ARCHIVE_H
#define CG_REPORT_ARCHIVE_H

#include <stddef.h>
#include <stdint.h>

#include "report/make.h"
#include "store/blob.h"
#include "store/store.h"

typedef struct cg_report_due {
	cg_report_kind kind;
	char period[16];
} cg_report_due;

#define CG_REPORT_DUE_MAX 4

/* The reports due at now_ms with the calendar's offset from UTC in
 * minutes; returns how many (into out[CG_REPORT_DUE_MAX]). */
size_t cg_report_due_at(int64_t now_ms, int tz_offset_min, cg_report_due *out);

/* The name of a kind ("monthly", ...), as stored and in the API. */
const char *cg_report_kind_name(cg_report_kind k);

/* Makes the report r and keeps it: each format (and its .p7s) a blob,
 * then the row, which replaces the same report kept before. created_by is
 * "job" or "user:NAME". *id is the row's id. */
cg_err cg_report_keep(cg_store *st, cg_blobs *blobs, const cg_report_request *r,
                      const char *created_by, int64_t *id, cg_buf *why);

#endif
