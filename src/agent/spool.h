/*
 * spool.h - the agent's bounded disk spool of events.
 *
 * Every event the agent produces is appended here before anything else
 * happens to it, and it leaves only after the server has acknowledged it.
 * So the agent may be killed (kill -9, power cut) or the server be
 * unreachable for days, and nothing already spooled is lost.
 *
 * On disk (DIR is usually DATA/spool):
 *   DIR/seg-0000000000000042.log  append-only segment files, one record a
 *                                 line: 8 hex digits of the CRC-32 of the
 *                                 JSON, a space, the JSON, "\n"
 *   DIR/cursor                    "SEG OFF\n": the first record the server
 *                                 has not acknowledged (atomic rename)
 *   DIR/lock                      flock()ed by the one process that writes
 *
 * Durability: cg_spool_append returns only after write() and fdatasync() of
 * the segment (and an fsync of the directory when it created the segment),
 * so a returned CG_OK is an acknowledgement that survives a crash. A
 * process never appends to a segment a previous process wrote: each open
 * starts a fresh one, so a torn last record (no newline, or a bad CRC) can
 * only be at the end of an old segment, where readers skip it.
 *
 * The bound: when the spool's files would pass max_bytes, whole oldest
 * segments are deleted and the number of unacknowledged events they held
 * is reported by one event source "agent", kind "spool_overflow",
 * evidence {"lost": N}, appended right away (the loss is never silent).
 *
 * Thread safety: one cg_spool may be used from several threads (a mutex
 * serialises every call). Ownership: cg_spool_close frees everything.
 */
#ifndef CG_AGENT_SPOOL_H
#define CG_AGENT_SPOOL_H

#include <stdbool.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/event.h"

typedef struct cg_spool cg_spool;

typedef struct cg_spool_opts {
	uint64_t max_bytes;     /* 0 = CG_SPOOL_DEFAULT_MAX_BYTES */
	uint64_t segment_bytes; /* 0 = min(max_bytes / 8, CG_SPOOL_MAX_SEGMENT) */
	bool read_only;         /* for `agent status`: no lock, no writes */
} cg_spool_opts;

/* A position in the spool: segment number and byte offset. */
typedef struct cg_spool_pos {
	uint64_t seg;
	uint64_t off;
} cg_spool_pos;

typedef struct cg_spool_stats {
	uint64_t pending;   /* records not yet acknowledged */
	uint64_t bytes;     /* size of all segment files */
	uint64_t segments;
	uint64_t corrupt;   /* records skipped (bad CRC or torn) */
	uint64_t lost;      /* events dropped by the bound since open */
} cg_spool_stats;

/* Creates DIR if needed. Fails with CG_ECONFLICT when another process
 * holds the spool. *why (optional) names the file and reason. */
cg_err cg_spool_open(const char *dir, const cg_spool_opts *opts,
		     cg_spool **out, cg_buf *why);
void cg_spool_close(cg_spool *sp);

/* Appends one JSON object (no newline inside). Durable when it returns
 * CG_OK. CG_ETOOBIG for a record over CG_MAX_SPOOL_RECORD. */
cg_err cg_spool_append(cg_spool *sp, cg_slice json);
/* For bursts (a pass that finds a thousand new uploads): appends without
 * fdatasync; nothing appended this way is acknowledged until
 * cg_spool_sync returns CG_OK (one fdatasync for the lot). */
cg_err cg_spool_append_nosync(cg_spool *sp, cg_slice json);
cg_err cg_spool_sync(cg_spool *sp);
/* Encodes and appends an event. */
cg_err cg_spool_append_event(cg_spool *sp, const cg_event *ev);

/* Reads up to max_events records (and about max_bytes of JSON) from the
 * cursor, as JSON lines appended to out ("{...}\n" each). *n gets the count
 * and *end the position after the last one, to hand to cg_spool_ack once
 * the server has acknowledged them. *n == 0 means nothing is pending. */
cg_err cg_spool_peek(cg_spool *sp, size_t max_events, size_t max_bytes,
		     cg_buf *out, size_t *n, cg_spool_pos *end);
/* Moves the cursor to end (durably) and deletes fully acknowledged
 * segments. */
cg_err cg_spool_ack(cg_spool *sp, cg_spool_pos end);

cg_err cg_spool_stats_get(cg_spool *sp, cg_spool_stats *st);

/* The record parser (exposed for tests and the fuzz target). At buf
 * (len bytes): returns CG_OK with *json the record and *used its length
 * including the newline; CG_EPARSE for a bad record, with *used the bytes
 * to skip (through its newline); CG_ENOTFOUND when no newline is in buf
 * (a torn or cut-off record), *used = 0. */
cg_err cg_spool_parse_record(cg_slice buf, cg_slice *json, size_t *used);

#endif
