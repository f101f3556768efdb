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

/* ---- malware (src/lib/malware) ------------------------------------ */

/* One YARA rule file. Big public rule sets are a few MiB per file. */
#define CG_MW_MAX_RULE_FILE_BYTES (64u * 1024u * 1024u)
/* Rule files taken from one --rules directory. */
#define CG_MW_MAX_RULE_FILES 4096
/* Files up to this size are read() into a per-worker buffer; larger ones
 * are mmap'ed (libyara guards its own accesses against SIGBUS when a file
 * shrinks under it). Bounds each worker's buffer. */
#define CG_MW_READ_MAX (8u * 1024u * 1024u)
/* Files up to this size get a SHA-256 for the scan cache's "content
 * known clean" index (a rewritten but identical PHP file is not rescanned).
 * Web content is small; hashing large binaries on every first scan would
 * cost more than the rare identical rewrite saves. */
#define CG_MW_CONTENT_HASH_MAX (1u * 1024u * 1024u)
/* Default --max-size: larger files are reported as skipped, not scanned.
 * Web shells and injectors are small; a 256 MiB cap still covers
 * installers and most binaries. */
#define CG_MW_DEFAULT_MAX_SIZE (256ull * 1024ull * 1024ull)
/* Entries accepted from all --hashes files together (the full
 * MalwareBazaar export is under a million). */
#define CG_MW_MAX_HASHES 20000000u
/* A scan cache file: 80 bytes a file; 16M files is 1.3 GB. */
#define CG_MW_MAX_CACHE_ENTRIES (16u * 1024u * 1024u)
/* A quarantine metadata file. */
#define CG_MW_MAX_QMETA_BYTES (64u * 1024u)

#endif
