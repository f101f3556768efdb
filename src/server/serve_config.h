/*
 * serve_config.h - the configuration file of `canhgac serve`.
 *
 * `canhgac serve --config FILE` (the Debian package: /etc/canhgac/
 * canhgac.ini) sets every option of `serve` from an INI file (core/
 * config.h):
 *
 *   [server]
 *   listen = 0.0.0.0:8443         --listen
 *   data_dir = /var/lib/canhgac   --data-dir
 *   store = postgresql://…        --store ($CANHGAC_STORE wins too)
 *   tls_cert = /etc/...pem        --tls-cert      tls_key = ...  --tls-key
 *   tls = false                   --no-tls (loopback only)
 *   web_interval = 300            --web-interval
 *   alert_config = FILE           --alert-config
 *   log_level = info              -q / -v: error, warning, info, debug
 *   log_format = json             --log-format: text (default) or json
 *   job_lease = 60                --job-lease
 *   trusted_proxy = 10.0.0.5      --trusted-proxy (address or CIDR)
 *   retention_months = 24         --retention-months (0 = keep every event)
 *   [alerts]                      the alert channels (web_alert.h) may
 *   smtp_url = ...                live in this same file
 *   [backup]                      the nightly backup (backup_job.h):
 *   dir = /var/lib/canhgac/backups  where (no section: no backups)
 *   keep = 7   hour = 2           how many are kept; local hour of the run
 *   encrypt_to = FILE  sign_key = FILE   (store/backup.h)
 *   [reports]                     the scheduled reports (report_job.h): the
 *   formats = pdf docx xlsx       section turns them on; formats, lang
 *   lang = vi                     (vi, en), and the signing key: sign_key
 *   sign_key = FILE|pkcs11:URI    sign_cert pkcs11_module pin_file
 *   signer_name = NAME            (docs/signatures.md)
 *   [forward.NAME]                a syslog destination (syslog/syslog.h,
 *   url = tcp://siem:514 ...      forward_job.h); several may be given
 *   [national]                    the malware report to the national centre
 *   url = https://... client_cert (natreport_job.h, share/natreport_send.h);
 *   client_key ca_file format     needs [reports] sign_key
 *   map province interval
 *   [exposure]                    the scheduled exposure scans (exposure_job.h):
 *   interval_days = 183           --exposure-interval (0 = no schedule)
 *   interval_days_level3 = 30     --exposure-interval-level3 (level 3 and up)
 *
 * An option given on the command line wins over the file. Every error
 * names FILE:LINE: a bad value, an unknown key or section (a misspelt
 * security setting must not be silently ignored), tls_cert without
 * tls_key.
 *
 * SIGHUP re-reads the file (cg_serve_reload, called by the server's
 * signal loop): the log level and format, the portal watcher's interval, the
 * exposure scan periods and the alert channels change at once (the watcher is restarted; its open
 * findings and the alert queue are in the store, so nothing is repeated or
 * lost). listen, TLS, data_dir, job_lease, trusted_proxy, retention_months,
 * [backup], [reports], [national] and [forward.NAME] need a restart: a reload that changes
 * them says so in the log and keeps the running values. A file that does
 * not parse changes nothing.
 */
#ifndef CG_SERVER_SERVE_CONFIG_H
#define CG_SERVER_SERVE_CONFIG_H

#include "core/config.h"
#include "server.h"
#include "web_watch.h"
#include "misp_job.h"

typedef struct cg_serve_config {
	cg_config *ini; /* owns every string below */
	const char *listen, *data_dir, *store, *tls_cert, *tls_key, *alert_config;
	const char *trusted_proxy; /* checked by cg_serve_check_opts */
	int64_t job_lease_s;       /* -1 not set */
	int retention_months;      /* -1 not set */
	int tls;                   /* -1 not set, 0 off, 1 on */
	int web_interval_s;        /* -1 not set */
	int xp_days, xp_days_l3;   /* [exposure]; -1 not set */
	int log_level;             /* -1 not set, else a cg_log_level */
	int log_json;              /* -1 not set, 0 text, 1 json */
	int tls_line;              /* lines, for messages about combinations */
	/* [backup]; dir NULL: no such section */
	cg_serve_backup backup;
	/* [reports]; on false: no such section */
	cg_serve_reports reports;
	/* [forward.NAME] syslog destinations (syslog/syslog.h); owned */
	cg_fwd_dest *fwd;
	size_t nfwd;
	cg_intel_feed *intel; /* [intel.NAME] (share/intel_feed.h) */
	/* [national]: the malware report to the national centre; on false:
	 * no such section (share/natreport_send.h) */
	cg_natsend_conf national;
	size_t nintel;
	cg_misp_dest *misp; /* [misp.NAME] pushes (misp_job.h); owned */
	size_t nmisp;
} cg_serve_config;

/* On failure *why holds "FILE:LINE: reason" (or "FILE: reason"). */
cg_err cg_serve_config_load(const char *path, cg_serve_config *out, cg_buf *why);
void cg_serve_config_free(cg_serve_config *c);
/* "error", "warning", "info", "debug" -> level; -1 when unknown. */
int cg_serve_log_level_parse(const char *s);
/* "text" -> 0, "json" -> 1; -1 when unknown. */
int cg_serve_log_format_parse(const char *s);

/* The SIGHUP reload (see above). live holds the settings in force and is
 * updated; held keeps the strings of the file in force alive. */
void cg_serve_reload(cg_serve_opts *live, cg_serve_config *held, cg_store *st,
                     cg_web_watch **watch);

#endif
