/*
 * natreport_cols.h - the delivery records' columns (store_natreport.h:
 * national reports, MISP pushes) and their JSON members, written once for
 * both backends, so each backend lists both tables with one function:
 * included by
 * sqlite_natreport.c and postgres_natreport.c inside their translation
 * units, where colmap, its CM_ kinds and row_map are defined.
 */
#ifndef CG_STORE_NATREPORT_COLS_H
#define CG_STORE_NATREPORT_COLS_H

#define NATDELIV_SELECT                                                                            \
	"SELECT id, period, format, url, at, ok, http_status, answer, error, sha256, bytes"        \
	" FROM national_deliveries"

/* NATDELIV_SELECT's columns, in order. */
static const colmap NATDELIV_COLS[] = {
    {"id", CM_INT},    {"period", CM_STR}, {"format", CM_STR},      {"url", CM_STR},
    {"at", CM_TIME},   {"ok", CM_BOOL},    {"http_status", CM_INT}, {"answer", CM_STR},
    {"error", CM_STR}, {"sha256", CM_STR}, {"bytes", CM_INT},       {NULL, CM_STR},
};

/* A MISP push's record: since 0 (everything) is null; until also as ms,
 * for the next window (misp_job.c drops it from the API's answer). */
#define MISPDELIV_SELECT                                                                           \
	"SELECT id, dest, url, NULLIF(since, 0), until, until, at, ok, http_status, events,"       \
	" attributes, error, from_seq, to_seq FROM misp_deliveries"

/* MISPDELIV_SELECT's columns, in order. */
static const colmap MISPDELIV_COLS[] = {
    {"id", CM_INT},          {"dest", CM_STR},     {"url", CM_STR},        {"since", CM_TIME},
    {"until", CM_TIME},      {"until_ms", CM_INT}, {"at", CM_TIME},        {"ok", CM_BOOL},
    {"http_status", CM_INT}, {"events", CM_INT},   {"attributes", CM_INT}, {"error", CM_STR},
    {"from_seq", CM_INT},    {"to_seq", CM_INT},   {NULL, CM_STR},
};

#endif
