/*
 * secrets.h - the state-secret document scanner: finds documents that
 * carry a classification marking (MẬT, TỐI MẬT, TUYỆT MẬT) and documents
 * that cannot be inspected (encrypted, corrupt, over a limit).
 *
 * The scanner sniffs each file's format from its first bytes (and its name
 * for the office containers), extracts text unit by unit (a line, a cell,
 * a paragraph, a text box) with the parts most likely to carry a stamp
 * first (headers, first page), hands every unit to the marking detector
 * (marking.h) and stops at the first marking. Containers (zip, tar, 7z,
 * e-mail) are opened through fs/archive.h with its bomb limits and each
 * member is scanned as a document of its own, with the display path
 * "outer.zip!inner/file.pdf".
 *
 * A cg_sec_scanner holds one thread's buffers: create one per worker. It
 * never prints; findings go to the caller's callback. Every finding can be
 * turned into a cg_event (source "secrets") by cg_sec_finding_event.
 */
#ifndef CG_SECRETS_H
#define CG_SECRETS_H

#include <stdbool.h>
#include <stdint.h>

#include "core/error.h"
#include "core/event.h"
#include "secrets/marking.h"

typedef enum cg_sec_kind {
	CG_SEC_MARKED = 0,        /* a classification marking was found */
	CG_SEC_UNINSPECTABLE = 1, /* encrypted, corrupt, over a limit */
} cg_sec_kind;

/* One finding. Strings are valid only during the callback. */
typedef struct cg_sec_finding {
	cg_sec_kind kind;
	const char *path;     /* display path, "a.zip!b/c.docx" inside archives */
	const char *format;   /* "docx", "pdf", "text/tcvn3", "zip", ... */
	cg_sec_level level;   /* CG_SEC_NONE for uninspectable */
	const char *location; /* "header", "first_page", "cell", ... or "" */
	const char *evidence; /* the marking's text, or the reason */
} cg_sec_finding;

typedef void (*cg_sec_finding_fn)(void *ctx, const cg_sec_finding *f);

/* Counters of one scanner; add them up across workers. */
typedef struct cg_sec_stats {
	uint64_t files;         /* files handed to cg_sec_scan_file */
	uint64_t documents;     /* documents and members whose text was read */
	uint64_t marked;
	uint64_t uninspectable;
	uint64_t skipped;       /* binary files that are no document */
	uint64_t bytes;         /* bytes of input read */
} cg_sec_stats;

typedef struct cg_sec_scanner cg_sec_scanner;

/* NULL when out of memory. fn receives every finding. */
cg_sec_scanner *cg_sec_scanner_new(cg_sec_finding_fn fn, void *ctx);
void cg_sec_scanner_free(cg_sec_scanner *s);
const cg_sec_stats *cg_sec_scanner_stats(const cg_sec_scanner *s);

/* Scans the open file fd (not closed), named path in findings. Problems
 * with the file itself (unreadable, too big, corrupt) are reported as
 * uninspectable findings; the return value is CG_OK or CG_ENOMEM. */
cg_err cg_sec_scan_fd(cg_sec_scanner *s, int fd, const char *path);
/* Opens path (without following a symlink) and scans it. */
cg_err cg_sec_scan_path(cg_sec_scanner *s, const char *path);
/* Scans a document held in memory (a member, an attachment). */
cg_err cg_sec_scan_mem(cg_sec_scanner *s, const unsigned char *data,
		       size_t len, const char *path);

/* Scans files and folders (recursively, symlinks not followed) with
 * `threads` workers (0 = one per core), one scanner each. fn is called
 * from the worker threads, concurrently: it must lock what it shares.
 * *total gets the counters of all workers. Returns CG_OK, or CG_ENOMEM /
 * CG_EINTERNAL when the scan itself could not run to the end. */
cg_err cg_sec_scan_tree(const char *const *roots, int nroots, int threads,
			cg_sec_finding_fn fn, void *ctx, cg_sec_stats *total);

/* Fills ev (already cg_event_init'ed) from a finding: source "secrets",
 * kind "marking" or "uninspectable", subject the path, a Vietnamese
 * summary, evidence {path, format, level, location, evidence|reason}. */
cg_err cg_sec_finding_event(const cg_sec_finding *f, cg_event *ev);

#endif
