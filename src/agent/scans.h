/*
 * scans.h - the agent's malware and secrets scans: the immediate scan of
 * a script FIM reports, and the scheduled scans of the policy (malware
 * incremental and full over the scan paths, secrets over the document
 * paths).
 *
 * Every scan runs in a sandboxed child (sandbox/sandbox.h: no exec, no
 * sockets, no identity changes, capabilities dropped, rlimits; on Windows
 * a child process in a Job object): the files read are hostile by
 * definition. The YARA rules are compiled once per
 * agent process, in the parent, before the first scan; each child gets
 * them by fork. The child writes each finding as a cg_event line
 * (cg_mw_finding_event / cg_sec_finding_event); the parent validates it
 * and hands it on.
 *
 * State (DATA/scans.json, replaced atomically): the wall-clock time of the
 * last run of each scheduled scan, so a restart does not rescan at once,
 * and the keys of the findings already reported (path, rule or marking,
 * content hash). A matched file is never cached clean, so every run finds
 * it again; it is reported only when its key is new. A complete run
 * replaces the remembered keys, so a file cleaned and infected again is
 * reported again.
 *
 * Ownership: cg_agent_scans_close frees everything.
 */
#ifndef CG_AGENT_SCANS_H
#define CG_AGENT_SCANS_H

#include <stdbool.h>
#include <stdint.h>

#include "sandbox/sandbox.h"
#include "core/buf.h"

/* An interval of the policy: "off"/"never" (0), "hourly", "daily",
 * "weekly", "monthly" (30 days), or N with an optional s, m, h or d
 * suffix. -1 when text is none of these. */
int64_t cg_agent_interval_s(const char *text);

typedef enum cg_agent_scan_kind {
	CG_SCAN_MW_INCREMENTAL = 0,
	CG_SCAN_MW_FULL = 1,
	CG_SCAN_SECRETS = 2,
	CG_SCAN_NKINDS = 3,
} cg_agent_scan_kind;

typedef struct cg_agent_scans cg_agent_scans;

/* Tells the sandbox how a scan job is described and run again in a
 * process of its own (sandbox.h; used on Windows, where there is no fork).
 * cg_agent_scans_open calls it; so does the child's entry (main.c). */
void cg_agent_scans_register(void);

/* Loads DATA/scans.json (missing or damaged: fresh state). NULL on
 * out of memory. */
cg_agent_scans *cg_agent_scans_open(const char *data_dir);
/* A new rule bundle was installed: the rules are compiled again (from the
 * bundle's malware/ directory, when it has one) at the next scan. */
void cg_agent_scans_rules_changed(cg_agent_scans *s);
void cg_agent_scans_close(cg_agent_scans *s);

/* Wall-clock ms of the last run of kind; 0 = never. */
int64_t cg_agent_scans_last(const cg_agent_scans *s, cg_agent_scan_kind kind);

/* Runs a scan of kind over paths[0..n) and passes each finding not yet
 * reported to fn (in this process). hook_paths: a scan of the scripts FIM
 * just reported (malware, no cache, findings added to the remembered
 * ones); otherwise a scheduled run of kind whose time is recorded.
 * Returns CG_OK or the error (in *why) that stopped the scan. */
cg_err cg_agent_scans_run(cg_agent_scans *s, cg_agent_scan_kind kind, bool hook,
			  const char *const *paths, int n, cg_sandbox_event_fn fn, void *ctx,
			  cg_buf *why);

#endif
