/*
 * web_alert.h - notifying people of new portal findings.
 *
 * When the watcher opens an alert (web_watch.h), a notification goes to
 * the provincial team's addresses, to the e-mail of every contact point
 * (person with role contact_point) of the portal's agency, and to a
 * webhook: e-mail by SMTP through libcurl to the configured relay, the
 * webhook as a JSON POST ({"text", "chat_id"?, "event"}) which is what a
 * Telegram bot's sendMessage URL expects. Every delivery is a row of the
 * store's alert queue (cg_store_alert_*; an older DATA/web/alerts.json is
 * imported once): producers only queue, and the one alert-delivery job
 * (server/alert_job.h), on whichever server holds its lease, delivers
 * every row whoever queued it: a failed delivery is
 * retried with exponential backoff up to max_attempts, then marked failed;
 * GET /api/v1/web/alerts shows each row with its attempts and last error.
 *
 * Configuration (INI, `canhgac serve --alert-config FILE`, default
 * DATA/alerts.ini when present):
 *   [alerts]
 *   smtp_url = smtp://relay.tinh.gov.vn:25     (smtps:// for TLS)
 *   smtp_from = canhgac@tinh.gov.vn
 *   smtp_user = ... / smtp_password = ...      (optional)
 *   province_emails = ucsc@tinh.gov.vn; soc@tinh.gov.vn
 *   webhook_url = https://api.telegram.org/bot<TOKEN>/sendMessage
 *   webhook_chat_id = -1001234567              (optional)
 *   max_attempts = 8                           retry_base_s = 30
 *   notify_police_cyber = a@cand.gov.vn        (recipients of each role a
 *   notify_leaders = ...                        deadline rule names;
 *                                              provincial_team defaults to
 *                                              province_emails)
 *   deadline_remind_hours = 24                 reminder lead time
 *
 * Incident deadline notices (server/incident_deadlines.c) use the same
 * queue with kinds starting "deadline.", new high/critical exposure
 * findings (source "exposure", server/exposure_job.h) with kinds
 * starting "exposure.", compliance reminders (server/compliance_job.h)
 * as findings of source "compliance".
 *
 * Thread safety: one handle serves every thread; the channels sit under
 * the handle's mutex, a reload swaps them whole, and a delivery works on
 * a copy (the network may take seconds). cg_web_alerts_deliver is called
 * from one thread at a time (the delivery job's).
 */
#ifndef CG_SERVER_WEB_ALERT_H
#define CG_SERVER_WEB_ALERT_H

#include <jansson.h>

#include "core/event.h"
#include "store/store.h"

typedef struct cg_web_alerts cg_web_alerts;

/* config_path NULL: DATA/alerts.ini if it exists, else alerts off (the
 * queue is still listed). A bad file is an error naming it. */
cg_err cg_web_alerts_open(cg_store *st, const char *data_dir, const char *config_path,
                          cg_web_alerts **out, cg_buf *why);
void cg_web_alerts_close(cg_web_alerts *a);
/* Reads the channels of config_path again (NULL: DATA/alerts.ini when
 * present, else off); a file that does not load keeps those in force and
 * is an error naming it. Rows queued from then on use the new channels. */
cg_err cg_web_alerts_reload(cg_web_alerts *a, const char *config_path, cg_buf *why);
/* fn(ctx) is called (without the mutex) after every queueing: the
 * delivery job's wake-up. Set before the handle is shared. */
void cg_web_alerts_on_queue(cg_web_alerts *a, void (*fn)(void *), void *ctx);
/* Queues the notifications of a newly opened finding. */
void cg_web_alerts_new_finding(cg_web_alerts *a, const cg_event *ev, int64_t agency_id);
/* Attempts every due delivery of the queue (retries when their backoff
 * is over); returns how many remain pending. */
size_t cg_web_alerts_deliver(cg_web_alerts *a);
/* The earliest retry time of a pending row due by horizon_ms; 0: none. */
int64_t cg_web_alerts_next_try(cg_web_alerts *a, int64_t horizon_ms);
/* Queues a notice about an incident case: e-mail to the recipients of
 * each role, and the webhook. kind starts with "deadline.";
 * ref names the case (shown as the delivery's event). Returns 0 when
 * alerts are off. */
size_t cg_web_alerts_notice(cg_web_alerts *a, int64_t agency_id, const char *kind, const char *ref,
                            const char *const *roles, size_t nroles, const char *subject,
                            const char *text);
/* Whether a configuration is in force (else nothing is queued). */
bool cg_web_alerts_enabled(cg_web_alerts *a);
/* The reminder lead time before a deadline (deadline_remind_hours). */
int64_t cg_web_alerts_remind_ms(cg_web_alerts *a);
/* Deliveries, newest first; agency_id > 0 limits to one agency. */
json_t *cg_web_alerts_list(cg_web_alerts *a, int64_t agency_id);

#endif
