/*
 * natreport_cols.h - a delivery record's columns (store_natreport.h) and
 * their JSON members, written once for both backends: included by
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

#endif
