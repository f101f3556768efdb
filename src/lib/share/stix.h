/*
 * stix.h - the province's findings as a STIX 2.1 bundle (MISSION R10: share
 * with the national monitoring system and partner provinces).
 *
 * What a bundle holds, and the one place each rule is decided:
 *   - identity: the province (the producer: every object's created_by_ref)
 *     and each agency where something was seen;
 *   - indicator: one per malicious domain, IP, URL or file hash that an
 *     event names (cg_stix_observables decides which values of which
 *     events), with a STIX pattern ("[domain-name:value = '...']");
 *   - malware: one per named family or rule (malware events);
 *   - sighting: one per indicator and agency: first and last seen, how many
 *     events (count) and how many distinct hosts (x_canhgac_hosts);
 *   - incident: the store's incident cases, with their kind and state;
 *   - relationship: indicator "indicates" malware, incident "related-to"
 *     the indicators of its linked events and the agency it concerns;
 *   - marking-definition: the TLP 2.0 markings used, by their published ids.
 *
 * Ids are stable: UUIDv5 (RFC 4122, SHA-1) of a fixed canhgac namespace and
 * the finding's identity (the pattern of an indicator, the case number of
 * an incident, ...), so a finding exported twice has the same id and a
 * receiver updates instead of duplicating.
 *
 * TLP: every object gets a level from its class (cg_stix_level): the
 * province clear; indicators, malware and their relationships green (the
 * malicious infrastructure, for the community); agencies, sightings and
 * incidents amber (who was hit). An export at level L holds the objects of
 * level L or clearer, so a receiver cleared for green never sees who was
 * hit, and no object refers to one left out.
 *
 * The builder takes events and cases as the store returns them (JSON), so
 * it is tested without a store; stix_export.c reads the store.
 */
#ifndef CG_SHARE_STIX_H
#define CG_SHARE_STIX_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/error.h"

typedef enum cg_tlp {
	CG_TLP_CLEAR = 0,
	CG_TLP_GREEN,
	CG_TLP_AMBER,
	CG_TLP_AMBER_STRICT,
	CG_TLP_RED,
	CG_TLP_NLEVELS
} cg_tlp;

/* "clear", "green", "amber", "amber+strict", "red". */
const char *cg_tlp_name(cg_tlp t);
cg_err cg_tlp_parse(const char *s, cg_tlp *out);
/* The TLP 2.0 marking-definition id published for the level. */
const char *cg_tlp_marking_id(cg_tlp t);
/* The marking-definition object itself (a new reference). */
json_t *cg_tlp_marking(cg_tlp t);

/* "<type>--<UUIDv5(canhgac namespace, name)>" into out (>= 80 bytes). */
void cg_stix_id(const char *type, cg_slice name, char *out, size_t outsize);

/* What an event names as malicious. */
typedef enum cg_obs_type {
	CG_OBS_DOMAIN = 0,
	CG_OBS_IPV4,
	CG_OBS_IPV6,
	CG_OBS_URL,
	CG_OBS_SHA256,
	CG_OBS_MD5,
} cg_obs_type;
typedef void (*cg_obs_fn)(void *ud, cg_obs_type t, const char *value);
/* Calls fn for each malicious value of the event (as the store returns
 * it: {source, kind, evidence, ...}), at most CG_STIX_MAX_PER_EVENT; each
 * value is checked (a domain name, an address, an http(s) URL, a hash)
 * and normalized (lower case, no trailing dot). An event triaged
 * false_positive names nothing. *family gets the malware
 * family or rule the event names, or NULL (points into ev). */
void cg_stix_observables(const json_t *ev, cg_obs_fn fn, void *ud, const char **family);
/* Checks and normalizes one value of type t as cg_stix_observables does
 * (a domain lower-cased without its trailing dot, an address written
 * back canonically, an http(s) URL of printable ASCII, a hash of hex
 * digits lower-cased) into out; false when it is not one. */
bool cg_stix_norm_value(cg_obs_type t, const char *s, char *out, size_t outsize);
/* The STIX pattern of a value, appended to out. */
cg_err cg_stix_pattern(cg_obs_type t, const char *value, cg_buf *out);

typedef struct cg_stix_opts {
	const char *province; /* the producer's name; NULL: CG_STIX_PROVINCE */
	cg_tlp tlp;           /* the most restrictive level exported */
} cg_stix_opts;
#define CG_STIX_PROVINCE "Trung tâm giám sát an toàn thông tin tỉnh"

typedef struct cg_stix cg_stix;

cg_err cg_stix_new(const cg_stix_opts *o, cg_stix **out);
void cg_stix_free(cg_stix *x);
/* Agencies by id, from cg_store_agency_map ([{id, code, name}]): the
 * identities sightings and incidents point to. */
cg_err cg_stix_set_agencies(cg_stix *x, const json_t *map);
/* One event as the store returns it ({seq, time, received_at, host,
 * agency_id, source, kind, evidence, ...}). Events that name nothing
 * malicious add nothing. */
cg_err cg_stix_add_event(cg_stix *x, const json_t *ev);
/* One case as cg_store_incident_get returns it (with "events": the linked
 * seqs; those added before with cg_stix_add_event relate it to their
 * indicators). */
cg_err cg_stix_add_incident(cg_stix *x, const json_t *inc);

/* One object with the time it changed last in canhgac (received_at of
 * its newest event, a case's updated_at): TAXII's date added. */
typedef struct cg_stix_item {
	json_t *obj;
	int64_t added_ms;
	cg_tlp level;
} cg_stix_item;
/* The objects within the export's level, markings first, then in a fixed
 * order (type, then id). Borrowed: valid until cg_stix_free. */
cg_err cg_stix_items(cg_stix *x, const cg_stix_item **items, size_t *n);
/* {"type":"bundle","id":"bundle--<random>","objects":[...]}. */
cg_err cg_stix_bundle(cg_stix *x, json_t **out);

#endif
