/*
 * fim.h - file integrity of web roots (MISSION R6; web shells are R4's
 * main threat).
 *
 * A baseline of (path, size, mtime, SHA-256) per file under the watched
 * web roots, kept in a state file. Two ways of noticing a change:
 *
 *  - cg_fim_pass: a full pass that walks every root (fs/walk, parallel),
 *    hashes every file (even when size and mtime look unchanged: `touch
 *    -r` is the oldest trick of web-shell droppers) and compares;
 *  - cg_fim_watch_*: the system's change notification, so a change is
 *    seen within moments: on Linux inotify with a watch on every
 *    directory (recursive, new directories added as they appear), on
 *    Windows ReadDirectoryChangesW over each root's tree. When the
 *    system's queue overflows, or the watch limit is hit, the caller is
 *    told to run a full pass (the pass covers what the notification
 *    misses).
 *
 * A new or changed server-side script (.php .phtml .php3-7 .phar .asp
 * .aspx .ashx .asmx .ascx .jsp .jspx, .htaccess, .user.ini, web.config,
 * and "x.php.jpg" double extensions) is an alert: an event source "fim",
 * kind "script_added" / "script_changed", severity high, and the path is
 * handed to the scan hook at once (the malware scanner plugs in there).
 * Everything else (images, uploaded documents) is recorded quietly:
 * "file_added" / "file_changed" / "file_removed", severity info.
 *
 * Event ids are derived from (kind, path, hashes, mtime), so the same
 * change reported twice (a crash after the report, before the baseline
 * was saved) is stored once by the server.
 *
 * The very first pass (no baseline yet) records without reporting: there
 * is nothing to compare with.
 *
 * Baseline file: one line per file, "SHA256HEX SIZE MTIME_NS PATH\n", the
 * path percent-encoded for bytes < 0x21, '%' and 0x7f (so a file name with
 * a newline cannot forge a line). Written atomically.
 *
 * Threads: cg_fim_pass runs workers (callbacks may come from any of them,
 * serialised by an internal mutex). The watch functions are for one
 * thread. Ownership: cg_fim_close frees everything.
 */
#ifndef CG_FIM_H
#define CG_FIM_H

#include <stdbool.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/event.h"

typedef struct cg_fim cg_fim;

typedef struct cg_fim_opts {
	const char *const *roots; /* directories; made absolute at open */
	int nroots;
	const char *baseline_path;
	int threads;            /* hashing workers for a pass; 0 = cores */
	uint64_t max_file_size; /* 0 = no cap */
	/* Each finding; the event is lent for the call (set host etc.). */
	void (*emit)(void *ctx, cg_event *ev);
	/* After a batch of emits: make them durable (spool sync). Called
	 * before the baseline that reflects them is saved. */
	void (*sync)(void *ctx);
	/* A new or changed script, to scan now. */
	void (*scan_hook)(void *ctx, const char *path);
	/* A file or directory that could not be handled (pass goes on). */
	void (*on_problem)(void *ctx, const char *path, const char *reason);
	void *ctx;
} cg_fim_opts;

typedef struct cg_fim_stats {
	uint64_t files, bytes, added, changed, removed, alerts, problems;
	bool first; /* this pass created the baseline */
} cg_fim_stats;

cg_err cg_fim_open(const cg_fim_opts *opts, cg_fim **out, cg_buf *why);
void cg_fim_close(cg_fim *f);

/* A full pass: hash everything, compare, report, save the baseline. */
cg_err cg_fim_pass(cg_fim *f, cg_fim_stats *st);
/* Saves the baseline if inotify changed it since the last save. */
cg_err cg_fim_save(cg_fim *f, cg_buf *why);
/* Entries in the baseline. */
uint64_t cg_fim_count(cg_fim *f);

/* Starts the change notification under the roots (Linux: inotify on
 * every directory, *fd its descriptor; Windows: ReadDirectoryChangesW on
 * each root, *fd -1). Wait with cg_fim_watch_wait. */
cg_err cg_fim_watch_start(cg_fim *f, int *fd);
/* Handles whatever changes are queued (never blocks). *need_pass is set
 * when events were lost (queue overflow, watch limit) and a full pass
 * should run. */
cg_err cg_fim_watch_process(cg_fim *f, bool *need_pass);
/* Waits up to timeout_ms for changes to process (true) or none (false);
 * before cg_fim_watch_start it only waits. */
bool cg_fim_watch_wait(cg_fim *f, int timeout_ms);
/* Directories currently watched. */
uint64_t cg_fim_watch_count(cg_fim *f);

/* True for a server-side script name (the alert list above). */
bool cg_fim_is_script(const char *name);

#endif
