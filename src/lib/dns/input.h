/*
 * input.h - reading DNS logs: files, gzip, standard input, format detection,
 * line splitting and the accounting of skipped lines.
 *
 * cg_dns_read_path opens PATH ("-" is standard input), decompresses gzip
 * transparently (zlib's gzread passes plain files through), detects the
 * format from the first bytes unless one is given, splits lines with
 * memchr inside a large read buffer (no per-line allocation), and calls
 * fn for each query. Capture files go to the pcap reader instead.
 *
 * Lines longer than CG_DNS_MAX_LINE, lines with NUL bytes and lines the
 * format parser rejects are counted per reason, with the first file and
 * line where each reason occurred, for the "N lines skipped: reason, first
 * at FILE:L" report. Nothing the input contains stops the run; only an
 * unreadable file or a damaged gzip stream is an error (what was read
 * before it is kept).
 */
#ifndef CG_DNS_INPUT_H
#define CG_DNS_INPUT_H

#include <stdio.h>

#include "dns/record.h"

typedef struct cg_dns_skipstat {
	uint64_t count;
	uint64_t first_line; /* 1-based line (or packet) number */
	const char *file;    /* the path given by the caller (not copied) */
} cg_dns_skipstat;

typedef struct cg_dns_stats {
	uint64_t lines;   /* lines (or packets) read */
	uint64_t queries; /* handed to the callback */
	uint64_t other;   /* well-formed, but not a client query */
	uint64_t skipped; /* sum of skip[].count */
	uint64_t bytes;   /* bytes of the lines read (text formats) */
	cg_dns_skipstat skip[CG_DNS_SKIP_COUNT];
} cg_dns_stats;

/* Return 0 to go on, non-zero to stop reading this input. */
typedef int (*cg_dns_rec_fn)(void *ctx, const cg_dns_rec *rec);

/* Reads one input. *detected (optional) gets the format used. On failure
 * *why gets "PATH: reason"; the stats keep what was read. CG_EUNSUPPORTED
 * when the format cannot be recognised. */
cg_err cg_dns_read_path(const char *path, cg_dns_fmt fmt, cg_dns_stats *st,
			cg_dns_rec_fn fn, void *ctx, cg_dns_fmt *detected,
			cg_buf *why);

/* The same, with fn run on a second thread while this one reads and
 * parses (text formats; captures are read on one thread). fn is never
 * called concurrently with itself, and not after this returns. */
cg_err cg_dns_read_path_mt(const char *path, cg_dns_fmt fmt, cg_dns_stats *st,
			   cg_dns_rec_fn fn, void *ctx, cg_dns_fmt *detected,
			   cg_buf *why);

/* A consumer of records in batches (one call per batch of up to a few
 * thousand records): lets the analyzer prefetch its tables ahead of the
 * record it works on. Return 0 to go on, non-zero to stop. */
typedef int (*cg_dns_batch_fn)(void *ctx, const cg_dns_rec *recs, size_t n);

/* cg_dns_read_path_mt with a batch consumer on the second thread.
 * Captures (read on one thread) give batches of one record. */
cg_err cg_dns_read_path_batch(const char *path, cg_dns_fmt fmt,
			      cg_dns_stats *st, cg_dns_batch_fn bfn, void *ctx,
			      cg_dns_fmt *detected, cg_buf *why);

/* Feeds one line (without its newline) through parser p, counting it in
 * st; line_no and file are kept for the first occurrence of a skip reason.
 * Used by cg_dns_read_path and by `dns watch`. Returns fn's result. */
int cg_dns_feed_line(cg_dns_parser *p, cg_slice line, uint64_t line_no,
		     const char *file, cg_dns_stats *st, cg_dns_rec_fn fn,
		     void *ctx);
/* Counts one skipped line or packet. */
void cg_dns_count_skip(cg_dns_stats *st, cg_dns_skip why, uint64_t line_no,
		       const char *file);

/* ---- pcap (pcap.c) ---------------------------------------------------- */

/* Reads a pcap or pcapng stream through libpcap: UDP and TCP port-53
 * queries over IPv4 and IPv6 (Ethernet with VLAN tags, raw IP, Linux
 * cooked v1/v2, BSD loopback). Takes ownership of fp: it is closed. */
cg_err cg_dns_read_pcap(FILE *fp, const char *path, cg_dns_stats *st,
			cg_dns_rec_fn fn, void *ctx, cg_buf *why);

/* Parses a DNS message (wire format, RFC 1035) with bounds checks on every
 * read and at most CG_DNS_MAX_POINTERS compression pointers. On success
 * name (CG_DNS_MAX_NAME+1 bytes) holds the first question's normalised
 * name. *is_query is false for responses. CG_EPARSE for a malformed
 * message, CG_ENOTFOUND for one without a question. */
cg_err cg_dns_wire_question(const uint8_t *msg, size_t len, char *name,
			    size_t *namelen, uint16_t *qtype, bool *is_query);

#endif
