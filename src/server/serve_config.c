/*
 * serve_config.c - see serve_config.h. The file is read with the one INI
 * reader (core/config.c); this file only knows the keys of `serve`, checks
 * them all (unknown ones included) and applies a reload.
 */
#include "serve_config.h"

#include <stdlib.h>
#include <string.h>

#include "core/limits.h"
#include "core/log.h"
#include "alert_job.h"
#include "exposure_job.h"
#include "incident_deadlines.h"
#include "report/make.h"

static const char *const server_keys[] = {
    "listen",        "data_dir",         "store",        "tls_cert",  "tls_key",
    "tls",           "web_interval",     "alert_config", "log_level", "job_lease",
    "trusted_proxy", "retention_months", "log_format",
};

static const char *const backup_keys[] = {"dir", "keep", "hour", "encrypt_to", "sign_key"};
static const char *const reports_keys[] = {"formats",       "lang",     "sign_key",   "sign_cert",
                                           "pkcs11_module", "pin_file", "signer_name"};

static const char *const exposure_keys[] = {"interval_days", "interval_days_level3"};

static bool known_key(const char *section, const char *key)
{
	if (strcmp(section, "alerts") == 0)
		return true; /* checked by web_alert.c when it reads them */
	if (strncmp(section, "forward.", 8) == 0)
		return true; /* checked by cg_fwd_dests_from_config */
	if (strncmp(section, "intel.", 6) == 0)
		return true; /* checked by cg_intel_feeds_from_config */
	if (strncmp(section, "misp.", 5) == 0)
		return true; /* checked by cg_misp_dests_from_config */
	if (strcmp(section, "national") == 0)
		return cg_natsend_key_known(key);
	if (strcmp(section, "backup") == 0) {
		for (size_t i = 0; i < sizeof backup_keys / sizeof backup_keys[0]; i++)
			if (strcmp(backup_keys[i], key) == 0)
				return true;
		return false;
	}
	if (strcmp(section, "exposure") == 0) {
		for (size_t i = 0; i < sizeof exposure_keys / sizeof exposure_keys[0]; i++)
			if (strcmp(exposure_keys[i], key) == 0)
				return true;
		return false;
	}
	if (strcmp(section, "reports") == 0) {
		for (size_t i = 0; i < sizeof reports_keys / sizeof reports_keys[0]; i++)
			if (strcmp(reports_keys[i], key) == 0)
				return true;
		return false;
	}
	if (strcmp(section, "server") != 0)
		return false;
	for (size_t i = 0; i < sizeof server_keys / sizeof server_keys[0]; i++)
		if (strcmp(server_keys[i], key) == 0)
			return true;
	return false;
}

int cg_serve_log_level_parse(const char *s)
{
	static const char *const names[] = {"error", "warning", "info", "debug"};
	for (int i = 0; i < 4; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	return -1;
}

int cg_serve_log_format_parse(const char *s)
{
	return strcmp(s, "text") == 0 ? 0 : strcmp(s, "json") == 0 ? 1 : -1;
}

static int line_in(const cg_config *ini, const char *section, const char *key)
{
	const char *sec, *k;
	int line;
	for (size_t i = 0; cg_config_entry(ini, i, &sec, &k, &line); i++)
		if (strcmp(sec, section) == 0 && strcmp(k, key) == 0)
			return line;
	return 0;
}

static cg_err bad_in(cg_buf *why, const cg_config *ini, const char *section, const char *key,
                     const char *reason)
{
	cg_buf_reset(why);
	cg_buf_printf(why, "%s:%d: %s", cg_config_name(ini), line_in(ini, section, key), reason);
	return CG_EINVAL;
}

static cg_err bad(cg_buf *why, const cg_config *ini, const char *key, const char *reason)
{
	return bad_in(why, ini, "server", key, reason);
}

/* [backup]: dir names the directory; the other keys need it. */
static cg_err check_backup(cg_serve_config *c, cg_buf *why)
{
	const cg_config *ini = c->ini;
	cg_serve_backup *b = &c->backup;
	const char *const paths[] = {"dir", "encrypt_to", "sign_key"};
	const char **outs[] = {&b->dir, &b->encrypt_to, &b->sign_key};
	for (int i = 0; i < 3; i++) {
		const char *v = cg_config_get(ini, "backup", paths[i]);
		if (v && !*v)
			return bad_in(why, ini, "backup", paths[i],
			              "empty value (leave the key out for the default)");
		*outs[i] = v;
	}
	int64_t n;
	cg_err err =
	    cg_config_get_int(ini, "backup", "keep", 1, 10000, CG_SERVE_BACKUP_KEEP, &n, why);
	if (err)
		return err;
	b->keep = (int)n;
	if ((err = cg_config_get_int(ini, "backup", "hour", 0, 23, CG_SERVE_BACKUP_HOUR, &n, why)))
		return err;
	b->hour = (int)n;
	const char *sec, *key;
	int line;
	for (size_t i = 0; !b->dir && cg_config_entry(ini, i, &sec, &key, &line); i++)
		if (strcmp(sec, "backup") == 0)
			return bad_in(why, ini, "backup", key, "[backup] needs dir");
	return CG_OK;
}

/* [reports]: the section turns the report job on; its keys say in which
 * formats and language, and with which key the reports are signed. */
static cg_err check_reports(cg_serve_config *c, cg_buf *why)
{
	const cg_config *ini = c->ini;
	cg_serve_reports *r = &c->reports;
	const char *sec, *key;
	int line;
	for (size_t i = 0; cg_config_entry(ini, i, &sec, &key, &line); i++)
		if (strcmp(sec, "reports") == 0)
			r->on = true;
	/* the INI reader keeps keys, not sections: the section turns the
	 * job on by holding at least one key (formats, say) */
	if (!r->on)
		return CG_OK;
	const char *const keys[] = {"sign_key", "sign_cert", "pkcs11_module", "pin_file",
	                            "signer_name"};
	const char **outs[] = {&r->sign_key, &r->sign_cert, &r->pkcs11_module, &r->pin_file,
	                       &r->signer_name};
	for (int i = 0; i < 5; i++) {
		const char *v = cg_config_get(ini, "reports", keys[i]);
		if (v && !*v)
			return bad_in(why, ini, "reports", keys[i],
			              "empty value (leave the key out for the default)");
		*outs[i] = v;
	}
	if (!r->sign_key && (r->sign_cert || r->pkcs11_module || r->pin_file))
		return bad_in(why, ini, "reports",
		              r->sign_cert       ? "sign_cert"
		              : r->pkcs11_module ? "pkcs11_module"
		                                 : "pin_file",
		              "needs sign_key");
	if (r->sign_key && strncmp(r->sign_key, "pkcs11:", 7) != 0 && !r->sign_cert)
		return bad_in(why, ini, "reports", "sign_key", "a key file needs sign_cert");
	const char *lang = cg_config_get(ini, "reports", "lang");
	if (lang && strcmp(lang, "vi") != 0 && strcmp(lang, "en") != 0)
		return bad_in(why, ini, "reports", "lang", "lang must be vi or en");
	r->english = lang && strcmp(lang, "en") == 0;
	const char *f = cg_config_get(ini, "reports", "formats");
	r->formats = f ? 0 : CG_RFMT_ALL;
	while (f && *f) {
		while (*f == ' ' || *f == ',')
			f++;
		size_t n = strcspn(f, " ,");
		if (!n)
			break;
		char word[8];
		int k = -1;
		if (n < sizeof word) {
			memcpy(word, f, n);
			word[n] = 0;
			k = cg_report_format_parse(word);
		}
		if (k < 0)
			return bad_in(why, ini, "reports", "formats",
			              "formats is a list of pdf, docx and xlsx");
		r->formats |= CG_RFMT_BIT(k);
		f += n;
	}
	if (!r->formats)
		return bad_in(why, ini, "reports", "formats",
		              "formats is a list of pdf, docx and xlsx");
	return CG_OK;
}

/* A path or address value: present means non-empty. */
static cg_err get_str(const cg_config *ini, const char *key, const char **out, cg_buf *why)
{
	const char *v = cg_config_get(ini, "server", key);
	if (v && !*v)
		return bad(why, ini, key, "empty value (leave the key out for the default)");
	*out = v;
	return CG_OK;
}

static cg_err check(cg_serve_config *c, cg_buf *why)
{
	const cg_config *ini = c->ini;
	const char *sec, *key;
	int line;
	for (size_t i = 0; cg_config_entry(ini, i, &sec, &key, &line); i++) {
		if (known_key(sec, key))
			continue;
		cg_buf_reset(why);
		if (!*sec)
			cg_buf_printf(why, "%s:%d: '%s' outside a section (put it under [server])",
			              cg_config_name(ini), line, key);
		else if (strcmp(sec, "server") == 0 || strcmp(sec, "backup") == 0 ||
		         strcmp(sec, "reports") == 0 || strcmp(sec, "exposure") == 0 ||
		         strcmp(sec, "national") == 0)
			cg_buf_printf(why, "%s:%d: unknown key '%s' in [%s]", cg_config_name(ini),
			              line, key, sec);
		else
			cg_buf_printf(why, "%s:%d: unknown section [%s]", cg_config_name(ini), line,
			              sec);
		return CG_EINVAL;
	}
	cg_err err;
	if ((err = get_str(ini, "listen", &c->listen, why)) ||
	    (err = get_str(ini, "data_dir", &c->data_dir, why)) ||
	    (err = get_str(ini, "store", &c->store, why)) ||
	    (err = get_str(ini, "tls_cert", &c->tls_cert, why)) ||
	    (err = get_str(ini, "tls_key", &c->tls_key, why)) ||
	    (err = get_str(ini, "alert_config", &c->alert_config, why)) ||
	    (err = get_str(ini, "trusted_proxy", &c->trusted_proxy, why)))
		return err;
	int64_t n;
	/* the same bounds as --job-lease */
	if ((err =
	         cg_config_get_int(ini, "server", "job_lease", 2, 3600, -1, &c->job_lease_s, why)))
		return err;
	if ((err = cg_config_get_int(ini, "server", "retention_months", 0, CG_RETENTION_MONTHS_MAX,
	                             -1, &n, why)))
		return err;
	c->retention_months = (int)n;
	if ((err = cg_config_get_int(ini, "server", "web_interval", 0, 86400, -1, &n, why)))
		return err;
	c->web_interval_s = (int)n;
	/* the same bounds as --exposure-interval and --exposure-interval-level3 */
	if ((err = cg_config_get_int(ini, "exposure", "interval_days", 0, CG_XP_PERIOD_MAX_DAYS, -1,
	                             &n, why)))
		return err;
	c->xp_days = (int)n;
	if ((err = cg_config_get_int(ini, "exposure", "interval_days_level3", 1,
	                             CG_XP_PERIOD_MAX_DAYS, -1, &n, why)))
		return err;
	c->xp_days_l3 = (int)n;
	if (cg_config_get(ini, "server", "tls")) {
		bool on;
		if ((err = cg_config_get_bool(ini, "server", "tls", true, &on, why)))
			return err;
		c->tls = on;
	}
	const char *lv = cg_config_get(ini, "server", "log_level");
	if (lv && (c->log_level = cg_serve_log_level_parse(lv)) < 0)
		return bad(why, ini, "log_level",
		           "log_level must be error, warning, info or debug");
	const char *lf = cg_config_get(ini, "server", "log_format");
	if (lf && (c->log_json = cg_serve_log_format_parse(lf)) < 0)
		return bad(why, ini, "log_format", "log_format must be text or json");
	if ((c->tls_cert == NULL) != (c->tls_key == NULL))
		return bad(why, ini, c->tls_cert ? "tls_cert" : "tls_key",
		           "tls_cert and tls_key go together");
	if (c->tls == 0 && c->tls_cert)
		return bad(why, ini, "tls", "tls = false contradicts tls_cert");
	if ((err = check_backup(c, why)) || (err = check_reports(c, why)))
		return err;
	if ((err = cg_fwd_dests_from_config(ini, &c->fwd, &c->nfwd, why)))
		return err;
	if ((err = cg_natsend_from_config(ini, &c->national, why)))
		return err;
	/* the report goes out signed with the reports' key (report_job.h) */
	if (c->national.on && !c->reports.sign_key) {
		cg_buf_reset(why);
		cg_buf_printf(why, "%s: [national] needs [reports] sign_key: the report is signed",
		              cg_config_name(ini));
		return CG_EINVAL;
	}
	if ((err = cg_intel_feeds_from_config(ini, &c->intel, &c->nintel, why)))
		return err;
	if ((err = cg_misp_dests_from_config(ini, &c->misp, &c->nmisp, why)))
		return err;
	/* the alert channels may be written in this same file */
	if (!c->alert_config) {
		for (size_t i = 0; cg_config_entry(ini, i, &sec, &key, &line); i++)
			if (strcmp(sec, "alerts") == 0) {
				c->alert_config = cg_config_name(ini);
				break;
			}
	}
	return CG_OK;
}

cg_err cg_serve_config_load(const char *path, cg_serve_config *out, cg_buf *why)
{
	memset(out, 0, sizeof *out);
	out->tls = out->web_interval_s = out->log_level = out->log_json = -1;
	out->xp_days = out->xp_days_l3 = -1;
	out->job_lease_s = -1;
	out->retention_months = -1;
	cg_err err = cg_config_load(path, &out->ini, why);
	if (err)
		return err;
	if ((err = check(out, why))) {
		cg_serve_config_free(out);
		out->tls = out->web_interval_s = out->log_level = out->log_json = -1;
		out->xp_days = out->xp_days_l3 = -1;
	}
	return err;
}

void cg_serve_config_free(cg_serve_config *c)
{
	free(c->fwd);
	if (c->intel)
		explicit_bzero(c->intel, c->nintel * sizeof *c->intel);
	free(c->intel);
	if (c->misp)
		explicit_bzero(c->misp, c->nmisp * sizeof *c->misp);
	free(c->misp);
	cg_config_free(c->ini);
	memset(c, 0, sizeof *c);
}

static bool same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

void cg_serve_reload(cg_serve_opts *live, cg_serve_config *held, cg_store *st, cg_web_watch **watch)
{
	(void)st; /* the portal watch is started with the server (jobs.h) */
	if (!live->config) {
		cg_warn("SIGHUP: no --config file to reload; nothing changed");
		return;
	}
	cg_serve_config nc;
	cg_buf why;
	cg_buf_init(&why, 4096);
	if (cg_serve_config_load(live->config, &nc, &why)) {
		cg_error("reload: %s; nothing changed", cg_buf_cstr(&why));
		cg_buf_free(&why);
		return;
	}
	unsigned fx = live->fixed;
	if ((!(fx & CG_SERVE_FIXED_LISTEN) && nc.listen && !same(nc.listen, live->listen)) ||
	    (!(fx & CG_SERVE_FIXED_DATA_DIR) && nc.data_dir &&
	     !same(nc.data_dir, live->data_dir)) ||
	    (!(fx & CG_SERVE_FIXED_TLS) &&
	     (!same(nc.tls_cert, live->tls_cert) || !same(nc.tls_key, live->tls_key) ||
	      (nc.tls >= 0 && nc.tls == live->plain))) ||
	    (nc.trusted_proxy && !same(nc.trusted_proxy, live->trusted_proxy)) ||
	    (nc.retention_months >= 0 && nc.retention_months != live->retention_months) ||
	    (nc.job_lease_s > 0 &&
	     nc.job_lease_s * 1000 != (live->job_lease_ms ? live->job_lease_ms : CG_JOB_LEASE_MS)))
		cg_warn(
		    "reload: listen, data_dir, TLS, trusted_proxy, job_lease and retention_months "
		    "take effect at the next start");
	if (!(live->fixed & CG_SERVE_FIXED_LOG_LEVEL))
		cg_log_set_threshold(nc.log_level >= 0 ? (cg_log_level)nc.log_level : CG_LOG_WARN);
	if (!(live->fixed & CG_SERVE_FIXED_LOG_FORMAT))
		cg_log_set_json(nc.log_json == 1);
	int interval = live->web_interval_s;
	if (!(live->fixed & CG_SERVE_FIXED_WEB_INTERVAL))
		interval = nc.web_interval_s >= 0 ? nc.web_interval_s : CG_SERVE_WEB_INTERVAL_S;
	const char *alerts = live->alert_config;
	if (!(live->fixed & CG_SERVE_FIXED_ALERTS))
		alerts = nc.alert_config;
	/* the alert file may have changed even when its name has not: the
	 * channels are re-read on every reload */
	if (*watch) {
		if (interval == 0) {
			cg_warn("reload: web_interval 0 (portal watching off) takes effect at the "
			        "next start");
			interval = live->web_interval_s;
		}
		cg_web_watch_reconfigure(*watch, interval);
	} else if (interval > 0) {
		/* the watch is a job registered before the job runner starts
		 * (jobs.h): a server started without it registers it at restart */
		cg_warn(
		    "reload: web_interval %d (portal watching on) takes effect at the next start",
		    interval);
		interval = 0;
	}
	/* one handle queues every producer's alerts (alert_job.h) */
	cg_alert_job_reconfigure(alerts);
	live->web_interval_s = interval;
	live->alert_config = alerts;
	/* the exposure-scan job reads its periods at each run */
	if (!(live->fixed & CG_SERVE_FIXED_XP))
		live->exposure_days = nc.xp_days >= 0 ? nc.xp_days : CG_XP_PERIOD_DAYS;
	if (!(live->fixed & CG_SERVE_FIXED_XP_L3))
		live->exposure_days_l3 = nc.xp_days_l3 > 0 ? nc.xp_days_l3 : CG_XP_PERIOD_L3_DAYS;
	cg_xp_job_set_periods(cg_xp_job_current(), live->exposure_days, live->exposure_days_l3);
	/* the strings of the previous file are no longer referenced */
	cg_serve_config old = *held;
	*held = nc;
	cg_serve_config_free(&old);
	static const char *const level_names[] = {"error", "warning", "info", "debug"};
	cg_info("reload: %s applied (web interval %d s, exposure scans every %d days, level 3+ "
	        "every %d days, alerts %s, log level %s)",
	        live->config, interval, live->exposure_days, live->exposure_days_l3,
	        alerts ? alerts : "DATA_DIR/alerts.ini if present",
	        level_names[cg_log_threshold() & 3]);
	cg_buf_free(&why);
}
