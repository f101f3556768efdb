/*
 * web_alert.c - the notification queue and its two channels (see
 * web_alert.h). Deliveries are made one at a time from the watcher's
 * thread with a short timeout, so a dead relay slows nothing but itself.
 */
#include "web_alert.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/config.h"
#include "core/fileio.h"
#include "core/json.h"
#include "core/log.h"
#include "core/timeutil.h"

#define MAX_DELIVERIES      5000
#define DELIVERY_TIMEOUT_MS 15000
#define MAX_BACKOFF_S       3600

typedef struct delivery {
	json_t *rec; /* {id, created, channel, to, agency_id, event_id, kind, severity,
	                url, subject, text, attempts, next_try_ms, state, last_error,
	                delivered} */
} delivery;

/* The channels one configuration file names. */
typedef struct channels {
	bool enabled;
	char *smtp_url, *smtp_from, *smtp_user, *smtp_password;
	char *province_emails;
	char *webhook_url, *webhook_chat_id;
	int64_t max_attempts, retry_base_s;
	int64_t remind_h; /* deadline_remind_hours */
	cg_config *cfg;   /* kept for the notify_ROLE lists */
} channels;

struct cg_web_alerts {
	cg_store *st;
	char *data_dir;
	char *path;         /* DATA/web/alerts.json */
	pthread_mutex_t mu; /* ch: a reload swaps it under mu */
	channels ch;
	void (*on_queue)(void *);
	void *on_queue_ctx;
};

static char *dup_opt(const cg_config *c, const char *k)
{
	const char *v = c ? cg_config_get(c, "alerts", k) : NULL;
	return v && *v ? strdup(v) : NULL;
}

/* RFC 3339 text (what alerts.json held) as ms; 0 when absent. */
static int64_t legacy_time(const json_t *v)
{
	int64_t t = 0;
	if (json_is_string(v))
		cg_time_parse(cg_slice_cstr(json_string_value(v)), &t);
	return t;
}

/* One-time migration: the queue an older canhgac kept in
 * DATA/web/alerts.json goes into the store, and the file is renamed
 * alerts.json.imported. */
static void import_legacy(cg_web_alerts *a)
{
	cg_buf text, done;
	cg_buf_init(&text, 256u * 1024u * 1024u);
	cg_buf_init(&done, 4096);
	json_t *q = NULL;
	if (cg_read_file(a->path, &text, NULL) == CG_OK &&
	    cg_json_parse(cg_buf_slice(&text), &q, NULL) == CG_OK && json_is_array(q)) {
		size_t i, n = 0;
		json_t *r;
		bool ok = true;
		json_array_foreach(q, i, r)
		{
			if (!cg_json_get_str(r, "id") || !cg_json_get_str(r, "channel"))
				continue;
			json_object_set_new(
			    r, "created", json_integer(legacy_time(json_object_get(r, "created"))));
			json_t *dl = json_object_get(r, "delivered");
			json_object_set_new(r, "delivered",
			                    json_is_string(dl) ? json_integer(legacy_time(dl))
			                                       : json_null());
			cg_err err = cg_store_alert_add(a->st, r, MAX_DELIVERIES);
			if (!err)
				err = cg_store_alert_update(a->st, cg_json_get_str(r, "id"), r);
			if (err && err != CG_ECONFLICT)
				ok = false;
			else
				n++;
		}
		cg_buf_printf(&done, "%s.imported", a->path);
		if (ok && rename(a->path, cg_buf_cstr(&done)) == 0)
			cg_info("alerts: %zu deliveries moved from %s into the store", n, a->path);
		else
			cg_error("alerts: cannot move %s into the store: %s", a->path,
			         cg_store_errmsg());
	}
	json_decref(q);
	cg_buf_free(&text);
	cg_buf_free(&done);
}

static void channels_free(channels *c)
{
	free(c->smtp_url);
	free(c->smtp_from);
	free(c->smtp_user);
	if (c->smtp_password) /* wipe the secret before freeing it */
		memset(c->smtp_password, 0, strlen(c->smtp_password));
	free(c->smtp_password);
	free(c->province_emails);
	free(c->webhook_url);
	free(c->webhook_chat_id);
	cg_config_free(c->cfg);
	memset(c, 0, sizeof *c);
}

/* Reads the channels of config_path (NULL: DATA/alerts.ini if it exists,
 * else alerts off). */
static cg_err channels_load(const char *data_dir, const char *config_path, channels *out,
                            cg_buf *why)
{
	memset(out, 0, sizeof *out);
	cg_buf p;
	cg_buf_init(&p, 8192);
	cg_buf_printf(&p, "%s/alerts.ini", data_dir);
	struct stat sb;
	const char *cfgp =
	    config_path ? config_path : (stat(cg_buf_cstr(&p), &sb) == 0 ? cg_buf_cstr(&p) : NULL);
	cg_config *cfg = NULL;
	out->remind_h = 24;
	if (cfgp) {
		cg_err err = cg_config_load(cfgp, &cfg, why);
		if (!err)
			err = cg_config_get_int(cfg, "alerts", "max_attempts", 1, 100, 8,
			                        &out->max_attempts, why);
		if (!err)
			err = cg_config_get_int(cfg, "alerts", "retry_base_s", 1, 86400, 30,
			                        &out->retry_base_s, why);
		if (!err)
			err = cg_config_get_int(cfg, "alerts", "deadline_remind_hours", 0, 24 * 366,
			                        24, &out->remind_h, why);
		if (err) {
			cg_config_free(cfg);
			cg_buf_free(&p);
			return err;
		}
		out->enabled = true;
	}
	cg_buf_free(&p);
	out->smtp_url = dup_opt(cfg, "smtp_url");
	out->smtp_from = dup_opt(cfg, "smtp_from");
	out->smtp_user = dup_opt(cfg, "smtp_user");
	out->smtp_password = dup_opt(cfg, "smtp_password");
	out->province_emails = dup_opt(cfg, "province_emails");
	out->webhook_url = dup_opt(cfg, "webhook_url");
	out->webhook_chat_id = dup_opt(cfg, "webhook_chat_id");
	out->cfg = cfg;
	return CG_OK;
}

cg_err cg_web_alerts_open(cg_store *st, const char *data_dir, const char *config_path,
                          cg_web_alerts **out, cg_buf *why)
{
	*out = NULL;
	cg_web_alerts *a = calloc(1, sizeof *a);
	if (!a)
		return CG_ENOMEM;
	a->st = st;
	cg_err err = channels_load(data_dir, config_path, &a->ch, why);
	if (err) {
		free(a);
		return err;
	}
	cg_buf p;
	cg_buf_init(&p, 8192);
	cg_buf_printf(&p, "%s/web/alerts.json", data_dir);
	a->path = strdup(cg_buf_cstr(&p));
	a->data_dir = strdup(data_dir);
	cg_buf_free(&p);
	pthread_mutex_init(&a->mu, NULL);
	import_legacy(a);
	*out = a;
	return CG_OK;
}

cg_err cg_web_alerts_reload(cg_web_alerts *a, const char *config_path, cg_buf *why)
{
	channels nc;
	cg_err err = channels_load(a->data_dir, config_path, &nc, why);
	if (err)
		return err;
	pthread_mutex_lock(&a->mu);
	channels old = a->ch;
	a->ch = nc;
	pthread_mutex_unlock(&a->mu);
	channels_free(&old);
	return CG_OK;
}

void cg_web_alerts_on_queue(cg_web_alerts *a, void (*fn)(void *), void *ctx)
{
	a->on_queue = fn;
	a->on_queue_ctx = ctx;
}

void cg_web_alerts_close(cg_web_alerts *a)
{
	if (!a)
		return;
	channels_free(&a->ch);
	free(a->path);
	free(a->data_dir);
	pthread_mutex_destroy(&a->mu);
	free(a);
}

/* ---- queueing ------------------------------------------------------------ */

/* What a delivery is about: a finding's event, or a case's notice. */
typedef struct about {
	const char *event_id, *kind, *severity, *url;
} about;

static void push(cg_web_alerts *a, const char *channel, const char *to, const about *ab,
                 int64_t agency_id, const char *subject, const char *text)
{
	char id[33];
	cg_event_new_id(id);
	int64_t t = cg_time_now_ms();
	json_t *r = json_pack(
	    "{s:s,s:I,s:s,s:o,s:I,s:o,s:o,s:s,s:o,s:o,s:o,s:I}", "id", id, "created", (json_int_t)t,
	    "channel", channel, "to", cg_json_cstr(to), "agency_id", (json_int_t)agency_id,
	    "event_id", cg_json_cstr(ab->event_id), "kind", cg_json_cstr(ab->kind), "severity",
	    ab->severity, "url", cg_json_cstr(ab->url), "subject", cg_json_cstr(subject), "text",
	    cg_json_cstr(text), "next_try_ms", (json_int_t)t);
	/* bounded: the store drops the oldest finished rows first */
	if (!r || cg_store_alert_add(a->st, r, MAX_DELIVERIES))
		cg_error("alerts: cannot queue a %s delivery: %s", channel, cg_store_errmsg());
	json_decref(r);
}

/* Emails of the agency's contact points. */
static void contact_emails(cg_web_alerts *a, int64_t agency_id, cg_buf *out)
{
	if (agency_id <= 0)
		return;
	cg_scope all = {0};
	json_t *f =
	    json_pack("{s:I,s:s}", "agency_id", (json_int_t)agency_id, "role", "contact_point");
	json_t *items = NULL;
	int64_t total = 0;
	if (cg_store_inv_list(a->st, &all, CG_RES_PERSON, f, 100, 0, &items, &total) == CG_OK) {
		size_t i;
		json_t *p;
		json_array_foreach(items, i, p)
		{
			const char *e = cg_json_get_str(p, "email");
			if (e && *e && strchr(e, '@') && !strpbrk(e, "\r\n<>;, "))
				cg_buf_printf(out, "%s;", e);
		}
	}
	json_decref(items);
	json_decref(f);
}

/* One delivery per address of a "a; b, c" list: a bad address fails
 * alone. */
static void push_emails(cg_web_alerts *a, const char *addrs, const about *ab, int64_t agency_id,
                        const char *subject, const char *text)
{
	char *list = strdup(addrs);
	for (char *s = list; s && *s;) {
		size_t n = strcspn(s, ";,");
		char save = s[n];
		s[n] = '\0';
		cg_slice addr = cg_slice_trim(cg_slice_cstr(s));
		if (addr.len) {
			char one[320];
			if (cg_slice_copy(addr, one, sizeof one) == CG_OK)
				push(a, "email", one, ab, agency_id, subject, text);
		}
		s += n + (save ? 1 : 0);
	}
	free(list);
}

void cg_web_alerts_new_finding(cg_web_alerts *a, const cg_event *ev, int64_t agency_id)
{
	/* an exposure scan's row says so in its kind ("exposure.KIND") */
	bool exposure = ev->source && strcmp(ev->source, "exposure") == 0;
	char xkind[128];
	snprintf(xkind, sizeof xkind, "exposure.%s", ev->kind ? ev->kind : "");
	about ab = {ev->id, exposure ? xkind : ev->kind, cg_severity_name(ev->severity),
	            ev->subject};
	if (!a)
		return;
	cg_buf subj, text, to;
	cg_buf_init(&subj, 2048);
	cg_buf_init(&text, 16384);
	cg_buf_init(&to, 8192);
	char when[32];
	cg_time_format(ev->time_ms, when, sizeof when);
	cg_buf_printf(&subj, "[canhgac] Cảnh báo %s: %s - %s", cg_severity_name(ev->severity),
	              ev->kind, ev->subject ? ev->subject : "");
	/* the compliance reminder job (compliance_job.h) queues here too */
	bool reminder = ev->source && strcmp(ev->source, "compliance") == 0;
	cg_buf_printf(&text,
	              "%s\n\n"
	              "%s: %s\nLoại: %s\nMức độ: %s\nThời điểm phát hiện: %s\n\n%s\n\n"
	              "Mã sự kiện: %s. Xem bằng chứng chi tiết trên bảng điều khiển canhgac.\n",
	              reminder ? "Nhắc hạn tuân thủ quy định an toàn thông tin"
	              : exposure ? "Lỗ hổng, phơi nhiễm mới phát hiện khi quét hệ thống"
	                         : "Cảnh báo mới về trang/cổng thông tin điện tử",
	              reminder   ? "Quy định"
	              : exposure ? "Đối tượng"
	                         : "Trang",
	              ev->subject ? ev->subject : "", ev->kind, cg_severity_name(ev->severity),
	              when, ev->summary ? ev->summary : "", ev->id);
	pthread_mutex_lock(&a->mu);
	bool queued = a->ch.enabled;
	if (a->ch.enabled && a->ch.smtp_url && a->ch.smtp_from) {
		if (a->ch.province_emails)
			cg_buf_printf(&to, "%s;", a->ch.province_emails);
		contact_emails(a, agency_id, &to);
		push_emails(a, cg_buf_cstr(&to), &ab, agency_id, cg_buf_cstr(&subj),
		            cg_buf_cstr(&text));
	}
	if (a->ch.enabled && a->ch.webhook_url)
		push(a, "webhook", a->ch.webhook_url, &ab, agency_id, cg_buf_cstr(&subj),
		     cg_buf_cstr(&text));
	pthread_mutex_unlock(&a->mu);
	if (queued && a->on_queue)
		a->on_queue(a->on_queue_ctx);
	cg_buf_free(&subj);
	cg_buf_free(&text);
	cg_buf_free(&to);
}

size_t cg_web_alerts_notice(cg_web_alerts *a, int64_t agency_id, const char *kind, const char *ref,
                            const char *const *roles, size_t nroles, const char *subject,
                            const char *text)
{
	if (!cg_web_alerts_enabled(a))
		return 0;
	about ab = {ref, kind, "high", NULL};
	cg_buf to;
	cg_buf_init(&to, 8192);
	pthread_mutex_lock(&a->mu);
	if (a->ch.smtp_url && a->ch.smtp_from) {
		for (size_t i = 0; i < nroles; i++) {
			char key[96];
			snprintf(key, sizeof key, "notify_%s", roles[i]);
			const char *v = cg_config_get(a->ch.cfg, "alerts", key);
			if (v && *v)
				cg_buf_printf(&to, "%s;", v);
			else if (strcmp(roles[i], "provincial_team") == 0 && a->ch.province_emails)
				cg_buf_printf(&to, "%s;", a->ch.province_emails);
		}
		push_emails(a, cg_buf_cstr(&to), &ab, agency_id, subject, text);
	}
	if (a->ch.webhook_url)
		push(a, "webhook", a->ch.webhook_url, &ab, agency_id, subject, text);
	pthread_mutex_unlock(&a->mu);
	cg_buf_free(&to);
	if (a->on_queue)
		a->on_queue(a->on_queue_ctx);
	return 1;
}

bool cg_web_alerts_enabled(cg_web_alerts *a)
{
	if (!a)
		return false;
	pthread_mutex_lock(&a->mu);
	bool on = a->ch.enabled;
	pthread_mutex_unlock(&a->mu);
	return on;
}

int64_t cg_web_alerts_remind_ms(cg_web_alerts *a)
{
	if (!a)
		return 24LL * 3600 * 1000;
	pthread_mutex_lock(&a->mu);
	int64_t h = a->ch.remind_h;
	pthread_mutex_unlock(&a->mu);
	return h * 3600 * 1000;
}

/* ---- delivery ------------------------------------------------------------ */

typedef struct reader {
	const char *p;
	size_t left;
} reader;

static size_t on_read(char *buf, size_t size, size_t n, void *ud)
{
	reader *r = ud;
	size_t k = size * n < r->left ? size * n : r->left;
	memcpy(buf, r->p, k);
	r->p += k;
	r->left -= k;
	return k;
}

static size_t on_discard(char *p, size_t s, size_t n, void *ud)
{
	(void)p;
	(void)ud;
	return s * n;
}

/* RFC 2047 encoded-word for a UTF-8 subject. */
static void b64(cg_buf *out, const char *s)
{
	static const char t[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t n = strlen(s);
	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned char)s[i] << 16;
		if (i + 1 < n)
			v |= (unsigned char)s[i + 1] << 8;
		if (i + 2 < n)
			v |= (unsigned char)s[i + 2];
		cg_buf_putc(out, t[(v >> 18) & 63]);
		cg_buf_putc(out, t[(v >> 12) & 63]);
		cg_buf_putc(out, i + 1 < n ? t[(v >> 6) & 63] : '=');
		cg_buf_putc(out, i + 2 < n ? t[v & 63] : '=');
	}
}

static CURLcode send_email(const channels *a, const json_t *r, char *err)
{
	const char *to = cg_json_get_str(r, "to");
	cg_buf msg;
	cg_buf_init(&msg, 1 << 20);
	char date[32];
	cg_time_format(cg_time_now_ms(), date, sizeof date);
	cg_buf_printf(&msg, "From: %s\r\nTo: %s\r\nSubject: =?UTF-8?B?", a->smtp_from, to);
	b64(&msg, cg_json_get_str(r, "subject"));
	cg_buf_printf(&msg,
	              "?=\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n"
	              "Content-Transfer-Encoding: 8bit\r\nX-Canhgac-Event: %s\r\n\r\n",
	              cg_json_get_str(r, "event_id"));
	/* body lines with CRLF; a lone "." line is doubled (dot-stuffing is
	 * done by libcurl, so only line ends matter here) */
	for (const char *p = cg_json_get_str(r, "text"); p && *p; p++) {
		if (*p == '\n')
			cg_buf_putc(&msg, '\r');
		cg_buf_putc(&msg, *p);
	}
	CURL *h = curl_easy_init();
	struct curl_slist *rcpt = curl_slist_append(NULL, to);
	reader rd = {msg.ptr, msg.len};
	curl_easy_setopt(h, CURLOPT_URL, a->smtp_url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(h, CURLOPT_MAIL_FROM, a->smtp_from);
	curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(h, CURLOPT_READFUNCTION, on_read);
	curl_easy_setopt(h, CURLOPT_READDATA, &rd);
	curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(h, CURLOPT_USE_SSL, (long)CURLUSESSL_TRY);
	/* the watcher's own deliveries: TLS 1.2 at least (issue 18.7) */
	curl_easy_setopt(h, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)DELIVERY_TIMEOUT_MS);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, err);
	if (a->smtp_user)
		curl_easy_setopt(h, CURLOPT_USERNAME, a->smtp_user);
	if (a->smtp_password)
		curl_easy_setopt(h, CURLOPT_PASSWORD, a->smtp_password);
	CURLcode rc = curl_easy_perform(h);
	curl_slist_free_all(rcpt);
	curl_easy_cleanup(h);
	cg_buf_free(&msg);
	return rc;
}

static CURLcode send_webhook(const channels *a, const json_t *r, char *err, long *status)
{
	json_t *body =
	    json_pack("{s:O,s:{s:O,s:O,s:O,s:O,s:O}}", "text", json_object_get(r, "text"), "event",
	              "id", json_object_get(r, "event_id"), "kind", json_object_get(r, "kind"),
	              "severity", json_object_get(r, "severity"), "url", json_object_get(r, "url"),
	              "subject", json_object_get(r, "subject"));
	if (a->webhook_chat_id)
		json_object_set_new(body, "chat_id", cg_json_cstr(a->webhook_chat_id));
	cg_buf text;
	cg_buf_init(&text, 1 << 20);
	cg_json_encode(&text, body);
	json_decref(body);
	CURL *h = curl_easy_init();
	struct curl_slist *hd = curl_slist_append(NULL, "Content-Type: application/json");
	curl_easy_setopt(h, CURLOPT_URL, cg_json_get_str(r, "to"));
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, text.ptr);
	curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)text.len);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hd);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_discard);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)DELIVERY_TIMEOUT_MS);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, err);
	CURLcode rc = curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, status);
	curl_slist_free_all(hd);
	curl_easy_cleanup(h);
	cg_buf_free(&text);
	return rc;
}

/* One attempt with a copy of the channels (a reload may swap them while
 * the network takes seconds); records the outcome in upd. */
static void attempt(const channels *a, json_t *r, json_t *upd)
{
	char err[CURL_ERROR_SIZE] = "";
	const char *ch = cg_json_get_str(r, "channel");
	bool ok = false;
	if (ch && strcmp(ch, "email") == 0) {
		CURLcode rc = send_email(a, r, err);
		ok = rc == CURLE_OK;
		if (!ok && !err[0])
			snprintf(err, sizeof err, "%s", curl_easy_strerror(rc));
	} else {
		long status = 0;
		CURLcode rc = send_webhook(a, r, err, &status);
		ok = rc == CURLE_OK && status >= 200 && status < 300;
		if (rc == CURLE_OK && !ok)
			snprintf(err, sizeof err, "HTTP status %ld", status);
		else if (!ok && !err[0])
			snprintf(err, sizeof err, "%s", curl_easy_strerror(rc));
	}
	json_object_set_new(upd, "ok", json_boolean(ok));
	json_object_set_new(upd, "error", cg_json_cstr(err));
}

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

static size_t deliver_with(cg_web_alerts *a, const channels *ch);

/* What a delivery needs of the channels in force, copied under mu. */
static void channels_snapshot(cg_web_alerts *a, channels *out)
{
	memset(out, 0, sizeof *out);
	pthread_mutex_lock(&a->mu);
	out->enabled = a->ch.enabled;
	out->smtp_url = dup_or_null(a->ch.smtp_url);
	out->smtp_from = dup_or_null(a->ch.smtp_from);
	out->smtp_user = dup_or_null(a->ch.smtp_user);
	out->smtp_password = dup_or_null(a->ch.smtp_password);
	out->webhook_chat_id = dup_or_null(a->ch.webhook_chat_id);
	out->max_attempts = a->ch.max_attempts ? a->ch.max_attempts : 8;
	out->retry_base_s = a->ch.retry_base_s ? a->ch.retry_base_s : 30;
	pthread_mutex_unlock(&a->mu);
}

/* Every due row, whoever queued it and whichever server: the one delivery
 * job (alert_job.h) is the only caller. */
size_t cg_web_alerts_deliver(cg_web_alerts *a)
{
	if (!a)
		return 0;
	channels ch;
	channels_snapshot(a, &ch);
	size_t pending = deliver_with(a, &ch);
	channels_free(&ch);
	return pending;
}

static size_t deliver_with(cg_web_alerts *a, const channels *ch)
{
	size_t pending = 0;
	json_t *due = NULL;
	if (cg_store_alerts_due(a->st, cg_time_now_ms(), MAX_DELIVERIES, &due)) {
		cg_error("alerts: cannot read the queue: %s", cg_store_errmsg());
		return 0;
	}
	size_t i;
	json_t *r;
	json_array_foreach(due, i, r)
	{
		json_t *upd = json_object();
		attempt(ch, r, upd);
		json_int_t n = json_integer_value(json_object_get(r, "attempts")) + 1;
		json_t *row =
		    json_pack("{s:s,s:I,s:I,s:n,s:n}", "state", "pending", "attempts", n,
		              "next_try_ms", json_integer_value(json_object_get(r, "next_try_ms")),
		              "last_error", "delivered");
		if (json_is_true(json_object_get(upd, "ok"))) {
			json_object_set_new(row, "state", json_string("delivered"));
			json_object_set_new(row, "delivered", json_integer(cg_time_now_ms()));
		} else {
			json_object_set(row, "last_error", json_object_get(upd, "error"));
			if (n >= ch->max_attempts) {
				json_object_set_new(row, "state", json_string("failed"));
				cg_warn("alerts: %s to %s failed after %lld attempts: %s",
				        cg_json_get_str(r, "channel"), cg_json_get_str(r, "to"),
				        (long long)n,
				        json_string_value(json_object_get(upd, "error")));
			} else {
				int64_t back = ch->retry_base_s << (n - 1 < 20 ? n - 1 : 20);
				if (back > MAX_BACKOFF_S)
					back = MAX_BACKOFF_S;
				json_object_set_new(row, "next_try_ms",
				                    json_integer(cg_time_now_ms() + back * 1000));
				pending++;
			}
		}
		if (cg_store_alert_update(a->st, cg_json_get_str(r, "id"), row))
			cg_error("alerts: cannot record a delivery: %s", cg_store_errmsg());
		json_decref(row);
		json_decref(upd);
	}
	json_decref(due);
	return pending;
}

int64_t cg_web_alerts_next_try(cg_web_alerts *a, int64_t horizon_ms)
{
	json_t *due = NULL;
	int64_t first = 0;
	if (!a || cg_store_alerts_due(a->st, horizon_ms, MAX_DELIVERIES, &due)) {
		if (a)
			cg_error("alerts: cannot read the queue: %s", cg_store_errmsg());
		return 0;
	}
	size_t i;
	json_t *r;
	json_array_foreach(due, i, r)
	{
		int64_t t = json_integer_value(json_object_get(r, "next_try_ms"));
		if (first == 0 || t < first)
			first = t;
	}
	json_decref(due);
	return first;
}

static json_t *time_or_null(const json_t *ms)
{
	if (!json_is_integer(ms))
		return json_null();
	char t[32];
	cg_time_format(json_integer_value(ms), t, sizeof t);
	return json_string(t);
}

json_t *cg_web_alerts_list(cg_web_alerts *a, int64_t agency_id)
{
	json_t *out = json_array();
	json_t *rows = NULL;
	if (!a || cg_store_alerts_list(a->st, agency_id, MAX_DELIVERIES, &rows)) {
		if (a)
			cg_error("alerts: cannot list the queue: %s", cg_store_errmsg());
		return out;
	}
	size_t i;
	json_t *c;
	json_array_foreach(rows, i, c)
	{
		json_object_del(c, "text");
		json_object_set_new(c, "created", time_or_null(json_object_get(c, "created")));
		json_object_set_new(c, "delivered", time_or_null(json_object_get(c, "delivered")));
		json_object_set_new(c, "next_try", time_or_null(json_object_get(c, "next_try_ms")));
		json_object_del(c, "next_try_ms");
		if (strcmp(cg_json_get_str(c, "channel") ? cg_json_get_str(c, "channel") : "",
		           "webhook") == 0)
			json_object_set_new(
			    c, "to", json_string("(webhook)")); /* the URL may hold a bot token */
		json_array_append(out, c);
	}
	json_decref(rows);
	return out;
}
