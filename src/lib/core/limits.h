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

/* ---- secrets (state-secret document scan) -------------------------- */

/* One unit of text weighed as a possible marking: a line, a table cell, a
 * paragraph, a text box. A stamp is one to three words; a longer unit is
 * prose, so its text is dropped as it arrives instead of being held. */
#define CG_SEC_MAX_UNIT 512u
/* A document read whole into memory to be parsed (PDF, OLE2, RTF, e-mail,
 * HTML). Office files are far smaller; a bigger one is reported
 * uninspectable, never silently skipped. */
#define CG_SEC_MAX_DOC_BYTES (128u * 1024u * 1024u)
/* One decoded part: an XML part of an office file, a MIME part, an OLE2
 * stream. Bounded separately so one part cannot take the whole budget. */
#define CG_SEC_MAX_PART_BYTES (64u * 1024u * 1024u)
/* Containers inside containers (zip in mail in zip in ...). */
#define CG_SEC_MAX_DEPTH 4
/* MIME parts in one message (a bomb of empty parts costs CPU only). */
#define CG_SEC_MAX_MIME_PARTS 512
/* Nesting of RTF groups; deeper groups are skipped, not recursed. */
#define CG_SEC_MAX_RTF_DEPTH 256
/* Pages of one PDF whose text is read. */
#define CG_SEC_MAX_PDF_PAGES 5000
/* Pieces in a Word piece table, records in an Excel SST. */
#define CG_SEC_MAX_PIECES 100000
/* One evidence string in a finding (the unit is already bounded). */
#define CG_SEC_MAX_EVIDENCE 600u

#endif
