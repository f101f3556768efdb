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

/* The scheduled MISP pushes (server/misp_job.h): one row per run of a
 * [misp.NAME] destination (table misp_deliveries, both backends, copied
 * by `store copy`): the window of findings it covered, how many events
 * and attributes it sent, and the instance's answer. The next run starts
 * at the newest accepted row's until. */
typedef struct cg_mispdeliv {
	const char *dest; /* the [misp.NAME] name */
	const char *url;
	int64_t since_ms, until_ms; /* the window pushed (since 0: the start) */
	int64_t from_seq, to_seq;   /* the events read: seq > from, <= to */
	int64_t at_ms;
	bool ok;          /* every event of the run accepted */
	long http_status; /* the last answer's; 0: none (connection, TLS) */
	int64_t events, attributes;
	const char *error; /* may be NULL; cut to CG_NATDELIV_TEXT_MAX */
} cg_mispdeliv;

cg_err cg_store_mispdeliv_add(cg_store *st, const cg_mispdeliv *d);
/* Newest first, at most limit (1..1000), of dest (NULL: every one), only
 * the accepted ones when ok_only: [{id, dest, url, since, until, until_ms,
 * from_seq, to_seq, at, ok, http_status, events, attributes, error}]
 * (times RFC 3339, since null when 0). *items is the caller's. */
cg_err cg_store_mispdeliv_list(cg_store *st, const char *dest, bool ok_only, int64_t limit,
                               json_t **items);

#endif
