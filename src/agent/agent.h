/*
 * agent.h - the endpoint agent runtime behind `canhgac agent enroll|run|
 * status` (protocol and privileges: docs/agent.md).
 *
 * Data directory (DATA, mode 0700):
 *   agent.json      credentials from enrolment: server URL, agent id,
 *                   agent token, server key pin (mode 0600)
 *   agent.conf      optional local settings (INI), e.g. [fim] web_roots
 *   policy.json     the last policy the server sent (with its version)
 *   state.json      what `agent status` shows: pid, last heartbeat, last
 *                   upload, last error, counters
 *   spool/          events not yet acknowledged (agent/spool.h)
 *   fim/baseline    web-root integrity baseline (fim/fim.h)
 *   accounts/       SSH key history of the account audit
 *   bundle/         accepted rule-bundle version (bundle/bundle.h)
 *   malware/        compiled rules and the incremental scan cache
 *   scans.json      last run of each scheduled scan, findings reported
 *                   (agent/scans.h)
 *   antivirus.json  Defender detections already reported (platform/av.h)
 *
 * The run loop is one thread: poll() on the inotify descriptor with a
 * timeout until the next due task (upload, heartbeat, account audit, full
 * integrity pass, baseline save). Every finding goes to the spool first
 * (durably), and is uploaded from there.
 */
#ifndef CG_AGENT_H
#define CG_AGENT_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "core/buf.h"

typedef struct cg_agent_creds {
	char server[512];
	char agent_id[128];
	char token[256];
	char pin[128];
	char agency[256];
	char ca_file[512];
} cg_agent_creds;

typedef struct cg_agent_policy {
	int64_t version;
	int heartbeat_s;     /* default 60 */
	int upload_s;        /* default 5 */
	int fim_pass_s;      /* full hash pass interval; default 21600 */
	int accounts_s;      /* account audit interval; default 86400 */
	int max_age_days, unused_days;
	char malware_incremental[16], malware_full[16], secrets[16];
	char accounts_root[512]; /* "" = "/" */
	char *web_roots[64];
	int nroots;
	/* malware.scan_paths (default: the web roots), secrets.paths
	 * (default: none, no secrets scan) */
	char *scan_paths[64];
	int nscan;
	char *doc_paths[64];
	int ndocs;
} cg_agent_policy;

cg_err cg_agent_load_creds(const char *data_dir, cg_agent_creds *c, cg_buf *why);
cg_err cg_agent_save_creds(const char *data_dir, const cg_agent_creds *c, cg_buf *why);

/* Defaults, then the local settings (config, or DATA/agent.conf when
 * config is NULL; absent is fine), then DATA/policy.json (the server's).
 * Free with cg_agent_policy_free. */
cg_err cg_agent_load_policy(const char *data_dir, const char *config, cg_agent_policy *p,
			    cg_buf *why);
/* Applies a policy JSON object over p. */
cg_err cg_agent_policy_apply(cg_agent_policy *p, const json_t *j, cg_buf *why);
void cg_agent_policy_free(cg_agent_policy *p);

/* enroll: fetch/compare the pin, trade the one-time token for agent
 * credentials, save them. pin_expected may be NULL (trust on first use;
 * the pin is printed for the operator to compare). */
cg_err cg_agent_enroll(const char *data_dir, const char *server, const char *token,
		       const char *pin_expected, const char *ca_file, cg_agent_creds *out,
		       cg_buf *why);

typedef struct cg_agent_run_opts {
	const char *data_dir;
	const char *config;  /* local settings INI; NULL: DATA/agent.conf */
	bool once;           /* one round of everything, then exit */
	int64_t run_for_ms;  /* > 0: stop after this long (tests) */
	volatile int *stop;  /* set by a signal handler */
} cg_agent_run_opts;

/* The daemon. Returns when *stop is set (or after once/run_for_ms). */
cg_err cg_agent_run(const cg_agent_run_opts *o, cg_buf *why);

#endif
