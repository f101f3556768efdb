/*
 * limits.h - every bound canhgac puts on outside input, in one place.
 *
 * Everything canhgac reads is written by someone else, some of it by
 * attackers. Each buffer that holds input is created with one of these as
 * its maximum (see buf.h), so a hostile file, page or request can cost at
 * most this much memory. Engines add their bounds here, grouped by area,
 * with a comment saying why the number is what it is. Never inline a limit
 * in the code that enforces it: name it here.
 */
#ifndef CG_LIMITS_H
#define CG_LIMITS_H

/* ---- core ---------------------------------------------------------- */

/* One line of any line-oriented input (config, logs, CSV). Longer lines
 * are reported and skipped, never truncated silently. */
#define CG_MAX_LINE (64u * 1024u)

/* A configuration file. Real ones are a few KiB. */
#define CG_MAX_CONFIG_BYTES (1u * 1024u * 1024u)

/* Nesting depth accepted in any JSON document we parse. */
#define CG_MAX_JSON_DEPTH 32

/* ---- events (the common shape every engine emits) ------------------ */

/* A sender-chosen event id: printable, no spaces. */
#define CG_MAX_EVENT_ID 64
/* Short fields: host, agency, source, kind, subject. */
#define CG_MAX_EVENT_FIELD 512
/* The human summary line. */
#define CG_MAX_EVENT_SUMMARY 4096
/* One event encoded as JSON, evidence included. */
#define CG_MAX_EVENT_JSON (256u * 1024u)

/* ---- server -------------------------------------------------------- */

/* One HTTP request body, after decompression. */
#define CG_MAX_REQUEST_BODY (16u * 1024u * 1024u)
/* Events in one ingest batch. */
#define CG_MAX_BATCH_EVENTS 10000

/* ---- dns (log analysis) --------------------------------------------- */

/* One log line. Resolver log lines are ~200 bytes; JSON events (eve.json
 * with answers) a few KiB. Longer lines are skipped and counted. */
#define CG_DNS_MAX_LINE (64u * 1024u)
/* Bytes read from a log at a time; lines are split inside this buffer. */
#define CG_DNS_READ_CHUNK (1u * 1024u * 1024u)
/* A query name in text form (RFC 1035: 253 plus the trailing dot). */
#define CG_DNS_MAX_NAME 255
/* A client address in text form (IPv6 with zone fits easily). */
#define CG_DNS_MAX_CLIENT 63
/* Compression pointers followed in one DNS message name (loop guard). */
#define CG_DNS_MAX_POINTERS 16
/* One threat-intelligence file. 1M domains in a hosts file is ~40 MiB. */
#define CG_DNS_MAX_INTEL_ENTRIES (16u * 1024u * 1024u)
/* One threat-intelligence file, decompressed (held whole while parsed). */
#define CG_DNS_MAX_INTEL_BYTES (512u * 1024u * 1024u)
/* Distinct clients tracked in one analysis; past it new clients are
 * counted but not rolled up (reported in the summary). */
#define CG_DNS_MAX_CLIENTS (4u * 1024u * 1024u)
/* Distinct registrable domains scored and tracked. */
#define CG_DNS_MAX_DOMAINS (8u * 1024u * 1024u)
/* Query-name cache entries before it is flushed (a cache, not state). */
#define CG_DNS_NAME_CACHE (1u * 1024u * 1024u)
/* (client, name) pairs tracked for beaconing. */
#define CG_DNS_MAX_BEACON_PAIRS (4u * 1024u * 1024u)
/* (client, domain) pairs tracked for tunnelling. */
#define CG_DNS_MAX_TUNNEL_PAIRS (1u * 1024u * 1024u)
/* Distinct listed names / DGA domains remembered per client. */
#define CG_DNS_MAX_PER_CLIENT 256
/* Lines of a --subnets file. */
#define CG_DNS_MAX_SUBNETS 100000
/* ---- files and archives (fs/) --------------------------------------- */

/* Directory entries queued between the walker and its workers. */
#define CG_WALK_QUEUE 4096
/* Archives inside archives, below the file on disk. */
#define CG_ARCHIVE_MAX_DEPTH 5
/* Members of one archive. */
#define CG_ARCHIVE_MAX_ENTRIES 100000u
/* One member, decompressed: members are held in memory while inspected. */
#define CG_ARCHIVE_MAX_ENTRY_BYTES (128u * 1024u * 1024u)
/* Everything expanded from one file on disk, nested members included. */
#define CG_ARCHIVE_MAX_TOTAL_BYTES (1024ull * 1024u * 1024u)
/* Expanded / compressed size of one file on disk. Real documents and logs
 * stay under ~100; zip bombs are in the thousands. Only checked once the
 * expansion passes CG_ARCHIVE_RATIO_FLOOR, so tiny files never trip it. */
#define CG_ARCHIVE_MAX_RATIO 250u
#define CG_ARCHIVE_RATIO_FLOOR (16u * 1024u * 1024u)

#endif
