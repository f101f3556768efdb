/*
 * store_natreport.h - the record of the malware-statistics reports sent to
 * the national monitoring centre (share/natreport.h, server/natreport_job.c):
 * one row per delivery attempt with the centre's answer, kept on both
 * backends (table national_deliveries) and copied by `store copy`.
 */
#ifndef CG_STORE_STORE_NATREPORT_H
#define CG_STORE_STORE_NATREPORT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "store/store.h"

typedef struct cg_natdeliv {
	const char *period; /* "2026-11" */
	const char *format; /* "json" / "xml" */
	const char *url;
	int64_t at_ms;
	bool ok;                    /* the centre answered 2xx */
	long http_status;           /* 0: no answer (connection, TLS) */
	const char *answer, *error; /* may be NULL; cut to CG_NATDELIV_TEXT_MAX */
	const char *sha256;         /* of the document sent, hex */
	int64_t bytes;
} cg_natdeliv;

cg_err cg_store_natdeliv_add(cg_store *st, const cg_natdeliv *d);
/* Newest first, at most limit (1..1000), of period (NULL: every period):
 * [{id, period, format, url, at, ok, http_status, answer, error, sha256,
 * bytes}] (at as RFC 3339). *items is the caller's. */
cg_err cg_store_natdeliv_list(cg_store *st, const char *period, int64_t limit, json_t **items);

#endif
