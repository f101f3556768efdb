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

/* ---- agent (spool, upload, file integrity, accounts, bundles) ------- */

/* One spooled record: an encoded event plus its framing ("crc32 " + \n). */
#define CG_MAX_SPOOL_RECORD (CG_MAX_EVENT_JSON + 16u)
/* Default bound of the disk spool: days of events from a busy endpoint
 * while the server is unreachable, small next to any disk. */
#define CG_SPOOL_DEFAULT_MAX_BYTES (256ull * 1024u * 1024u)
/* Largest spool segment file; older segments are dropped whole. */
#define CG_SPOOL_MAX_SEGMENT (4u * 1024u * 1024u)
/* One upload batch (before gzip) and its number of events. */
#define CG_MAX_UPLOAD_BATCH_BYTES (4u * 1024u * 1024u)
#define CG_MAX_UPLOAD_BATCH_EVENTS 1000
/* A server response to the agent (ack, policy, enrolment). */
#define CG_MAX_AGENT_RESPONSE (1u * 1024u * 1024u)
/* Account files: /etc/passwd, shadow, group, sudoers, one authorized_keys. */
#define CG_MAX_ACCOUNT_FILE (16u * 1024u * 1024u)
/* wtmp/lastlog are binary and grow for years; read at most this much. */
#define CG_MAX_WTMP_BYTES (256u * 1024u * 1024u)
/* The auth log read per audit. */
#define CG_MAX_AUTHLOG_BYTES (256u * 1024u * 1024u)
/* Accounts (passwd lines) kept in one audit. */
#define CG_MAX_ACCOUNTS 100000
/* sudoers #include / #includedir nesting. */
#define CG_MAX_SUDOERS_DEPTH 8
/* A bundle manifest and its number of files. */
#define CG_MAX_BUNDLE_MANIFEST (4u * 1024u * 1024u)
#define CG_MAX_BUNDLE_FILES 100000
/* The FIM baseline file (one line per file under the web roots). */
#define CG_MAX_FIM_BASELINE (512u * 1024u * 1024u)
/* inotify watches the agent adds before giving up on live watching of a
 * tree (the periodic hash pass still covers it). */
#define CG_MAX_FIM_WATCHES 200000

#endif
