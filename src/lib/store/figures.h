/*
 * figures.h - one definition of each figure the dashboard shows, computed
 * here once and read by every page (overview, endpoints, DNS, portals).
 * Before this file the overview and the endpoints page each counted
 * "endpoints" their own way and disagreed; now a figure has one name, one
 * meaning and one function:
 *
 *   enrolled        agents registered for the agency (agent registry)
 *   online          enrolled agents whose last heartbeat is younger than
 *                   CG_FIG_OFFLINE_S
 *   declared        endpoints the agency declared (inventory)
 *   open findings   "chưa xử lý": events of the agency per severity over
 *                   the last CG_FIG_OPEN_DAYS UTC days (running totals in
 *                   the store) less those whose triage state is no longer
 *                   open (api/triage.h cg_triage_is_open: state new);
 *                   the headline is the sum of all five severities
 *   malware hosts   distinct hosts with a malware finding of severity high
 *                   or worse in the period (agent scans): the endpoint
 *                   part of the infection index (infection.h)
 *   dns clients     distinct client addresses flagged infected by a DNS log
 *                   analysis (any time: logs are uploaded after the fact)
 *   protected       enrolled agents whose endpoint has anti-malware
 *                   protection (cg_fig_protected, the one rule)
 *
 * Only the public store and registry interfaces are used, so a second
 * store backend needs nothing here.
 */
#ifndef CG_STORE_FIGURES_H
#define CG_STORE_FIGURES_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "store/store.h"

#define CG_FIG_OFFLINE_S 180 /* three missed one-minute heartbeats */
#define CG_FIG_OPEN_DAYS 30  /* the window of "open findings" and the trend */

/* Counts the agents of agency_id (0 = all) in a cg_store_agents_list() answer. */
void cg_fig_agents(const json_t *agents, int64_t agency_id, int64_t *enrolled, int64_t *online);

/* The one rule of "protected" (coverage, endpoints, compliance), on one
 * row of cg_store_agents_list():
 *   - the agent reported antivirus products (heartbeat "antivirus", a
 *     non-empty array, platform/av.h): protected when at least one of
 *     them is enabled and up to date;
 *   - it reported none (empty or absent): a Windows endpoint (os starting
 *     with "Windows") is not protected, since Windows always has a
 *     Security Center or Defender to ask and an empty answer means no
 *     working antivirus; any other endpoint keeps the rule that held
 *     before antivirus reporting: its enrolled agent (whose malware
 *     scans are the protection) counts it as protected. */
bool cg_fig_protected(const json_t *agent);
/* Protected agents of agency_id (0 = all) in a cg_store_agents_list() answer. */
int64_t cg_fig_protected_count(const json_t *agents, int64_t agency_id);

/* The heartbeat's "antivirus" field checked and trimmed to what the store
 * keeps: an array of at most CG_AV_MAX_PRODUCTS objects with a string
 * name, booleans enabled and up_to_date, strings state and source, an
 * object raw; at most CG_AV_MAX_HEARTBEAT_JSON bytes encoded. *out is a
 * new reference; CG_EINVAL (why says what) for anything else. */
cg_err cg_fig_antivirus_check(const json_t *in, json_t **out, cg_buf *why);

/* {"<agency id>" or "0" (unmapped): number of distinct DNS-flagged clients}. */
cg_err cg_fig_dns_clients(cg_store *st, const cg_scope *scope, json_t **per_agency);

/* The overview: cg_store_overview() plus, per agency and in the totals,
 * enrolled, online, malware_hosts, dns_clients and open_total, and
 * "trend": CG_FIG_OPEN_DAYS entries {day: "YYYY-MM-DD", critical, high,
 * medium, low, info} (UTC days, oldest first). agents is a cg_store_agents_list()
 * answer or NULL when the registry is not open (then enrolled/online 0). */
cg_err cg_fig_overview(cg_store *st, const cg_scope *scope, const json_t *agents, int64_t now_ms,
                       json_t **out);

/* Every declared portal: each URL (http/https) of every system in scope,
 * [{url, system_id, system_name, system_kind, agency_id, watched:false, last_check:null,
 * outcome:"not watched", http_status:0, response_times:[], open_findings}]
 * where open_findings are the web events of the last CG_FIG_OPEN_DAYS days
 * on that URL (or a page under it), newest per kind: {kind, severity,
 * summary, since, event_id, seq}. When the watcher runs, watch_portals (its
 * status "portals" array) replaces the state of the URLs it watches and
 * those entries say watched:true. */
cg_err cg_fig_portals(cg_store *st, const cg_scope *scope, int64_t now_ms,
                      const json_t *watch_portals, json_t **out);

#endif
