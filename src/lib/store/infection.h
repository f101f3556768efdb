/*
 * infection.h - the malware infection index (chỉ số lây nhiễm mã độc),
 * defined once. The directive (seed 002, item 6) asks every agency to
 * keep statistics of the malware infection index of its endpoints; the
 * coverage API and the Điểm cuối page, the periodic reports and the
 * malware statistics sent to the national centre all call these
 * functions, so they give one number for one agency and period
 * (docs/infection-index.md says it for people).
 *
 *   infected hosts  distinct hosts of the agency with a malware finding of
 *                   severity high or worse (endpoint scans, source
 *                   "malware") plus distinct client addresses the DNS log
 *                   analysis flagged (source "dns", kind
 *                   "infected_client"), by event time in the period; the
 *                   two are added (a host name and a resolver's client
 *                   address cannot be matched)
 *   denominator     the endpoints the agency declared (inventory
 *                   declared_endpoints): every machine the directive wants
 *                   protected, not only those running an agent - an
 *                   agency with one agent of a hundred machines, that one
 *                   infected, is not 100% infected, and DNS finds
 *                   infections on machines without an agent
 *   index           infected hosts per 100 declared endpoints, at most
 *                   100; 100 when nothing is declared but a host is
 *                   infected; 0 when no host is; rounded to two decimals
 *                   (what the national centre receives), so every
 *                   consumer shows the same figure
 *   period          a half-open interval [from, to) of UTC milliseconds:
 *                   a report's period, or for the dashboard the last N
 *                   whole UTC days, today included (cg_infection_window)
 *
 * What counts as a protected endpoint (coverage) is not decided here.
 */
#ifndef CG_STORE_INFECTION_H
#define CG_STORE_INFECTION_H

#include <jansson.h>
#include <stdint.h>

#include "core/event.h"
#include "store/store.h"

/* A malware finding makes its host infected from this severity up. */
#define CG_INFECTION_SEV_MIN CG_SEV_HIGH

/* The index of an agency (or the province: sums) from its infected hosts
 * and declared endpoints; see above. */
double cg_infection_index(int64_t infected, int64_t declared);

/* The dashboard's period: days whole UTC days ending with today's. */
void cg_infection_window(int64_t now_ms, int64_t days, int64_t *from_ms, int64_t *to_ms);

/* Infected hosts of the agencies in scope, per source, for [from, to).
 * Both members are {"<agency id>": count}, "0" for events of no agency;
 * the caller frees them with cg_infection_free. */
typedef struct cg_infection_hosts {
	json_t *malware; /* distinct hosts with a malware finding (high or worse) */
	json_t *dns;     /* distinct clients flagged infected by DNS log analysis */
} cg_infection_hosts;

cg_err cg_infection_count(cg_store *st, const cg_scope *scope, int64_t from_ms, int64_t to_ms,
                          cg_infection_hosts *out);
/* Only the malware hosts (the overview's "malware hosts" figure). */
cg_err cg_infection_malware_hosts(cg_store *st, const cg_scope *scope, int64_t from_ms,
                                  int64_t to_ms, json_t **per_agency);
void cg_infection_free(cg_infection_hosts *h);

/* The count of agency_id (0: events of no agency) in a per-agency object. */
int64_t cg_infection_of(const json_t *per_agency, int64_t agency_id);

#endif
