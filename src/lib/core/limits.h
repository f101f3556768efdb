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
/* One HTTP response body (a page of 500 events with large evidence). */
#define CG_MAX_RESPONSE_BODY (64u * 1024u * 1024u)
/* Events one text search (GET /events?q=) looks at per request: the
 * newest this many below the cursor; the answer's `next` goes on from
 * there. Bounds the cost of a search without an index. */
#define CG_EVENTS_TEXT_WINDOW 50000
/* Items in one list page (?limit=); the default page is 50. */
#define CG_MAX_LIST_LIMIT 500
#define CG_DEFAULT_LIST_LIMIT 50
/* Entries in one list-valued inventory field (ip_ranges, urls, domains,
 * ips): a large agency has a few dozen ranges. */
#define CG_MAX_INV_LIST 256
/* One inventory text field (name, title, URL, ...). */
#define CG_MAX_INV_FIELD 1024
/* A CSV import: rows and columns per row; a field is at most CG_MAX_LINE. */
#define CG_MAX_CSV_ROWS 100000
#define CG_MAX_CSV_FIELDS 64
/* A session cookie lives this long (a working day plus margin). */
#define CG_SESSION_TTL_S (12 * 3600)
/* Login throttling: failures allowed in the window, per username and per
 * client address, before 429; the table of tracked keys is bounded. */
#define CG_LOGIN_WINDOW_S 900
#define CG_LOGIN_MAX_FAIL_USER 5
#define CG_LOGIN_MAX_FAIL_IP 30
#define CG_LOGIN_TRACKED 4096
/* Passwords: bytes accepted (argon2id input) and the minimum length. */
#define CG_MAX_PASSWORD 1024
#define CG_MIN_PASSWORD 10
/* HTTP: simultaneous connections, idle timeout, worker threads, the
 * longest URL (path + query) and the seconds shutdown waits for requests
 * in flight. */
#define CG_HTTP_MAX_CONNECTIONS 512
#define CG_HTTP_TIMEOUT_S 60
#define CG_HTTP_THREADS 4
#define CG_MAX_URL 8192
#define CG_HTTP_DRAIN_S 10
/* Store: SQLite reader connections, and how long a writer waits for a
 * lock held by another process (canhgac user add while serving). */
#define CG_STORE_READERS 4
#define CG_STORE_BUSY_MS 10000
/* SQLite page cache per connection: the writer's holds the indexes that
 * ingest touches (the event-id index is written at random places), the
 * readers' the recent pages of the events list. */
#define CG_STORE_WRITER_CACHE_KIB (64 * 1024)
#define CG_STORE_READER_CACHE_KIB (16 * 1024)

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
