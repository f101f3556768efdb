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

/* ---- web (portal monitoring) --------------------------------------- */

/* One fetched page body, after decompression. Government portal pages are
 * 50-500 KiB; 8 MiB leaves room for heavy ones while a hostile or broken
 * server (or a compression bomb) can cost at most this per transfer. */
#define CG_MAX_WEB_PAGE (8u * 1024u * 1024u)
/* HTTP redirects followed per fetch (browsers allow ~20; portals use 1-3). */
#define CG_MAX_WEB_REDIRECTS 8
/* Default connect and total timeouts of one fetch; a server trickling
 * bytes is cut off by the total. Both can be lowered per run. */
#define CG_WEB_CONNECT_TIMEOUT_MS 10000
#define CG_WEB_TOTAL_TIMEOUT_MS 30000
/* Pages fetched at the same time (all their views); bounds memory at
 * CG_MAX_WEB_PARALLEL * views * CG_MAX_WEB_PAGE in the worst case. */
#define CG_MAX_WEB_PARALLEL 64
/* Links, scripts, iframes kept per page; a page with more is noted. */
#define CG_MAX_WEB_RESOURCES 20000
/* Bytes of inline JavaScript examined per page for redirects. */
#define CG_MAX_WEB_INLINE_JS (1u * 1024u * 1024u)
/* Text shingle hashes kept per page and per baseline (sampled). */
#define CG_MAX_WEB_SHINGLES 16384
/* A stored baseline file and a lexicon file. */
#define CG_MAX_WEB_BASELINE_BYTES (4u * 1024u * 1024u)
#define CG_MAX_WEB_LEXICON_BYTES (1u * 1024u * 1024u)
/* Element nesting depth walked in a page (libxml2 itself caps at 256). */
#define CG_MAX_WEB_DEPTH 256
/* Browser fetches taken to learn a baseline (the crawlers add one each). */
#define CG_WEB_BASELINE_LOADS 3
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
