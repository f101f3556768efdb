/*
 * misp.h - the province's findings as a MISP event (MISP core format,
 * draft-dulaunoy-misp-core-format), for a MISP instance of the national
 * centre or a partner: the file `canhgac export misp` writes, the body it
 * pushes (POST /events/add with the instance's auth key).
 *
 * The event is made from the same STIX builder as `export stix`
 * (stix_export.h), so the two exports always say the same thing:
 *   - each indicator becomes an attribute with to_ids = true: domain
 *     (type domain), address (ip-dst), URL (url), all of category
 *     "Network activity"; a file hash becomes a "file" object (template
 *     688c46fb-5edb-40a3-8273-1af7923e2215) holding a sha256 or md5
 *     attribute of category "Payload delivery";
 *   - the TLP level is the event's tag (tlp:green ...); malware families
 *     are tags canhgac:malware="NAME"; at amber and above the agencies
 *     where indicators were sighted are tags canhgac:agency="CODE";
 *   - uuids are stable: an attribute's is its STIX indicator's uuid, an
 *     object's and the event's are UUIDv5 of the canhgac namespace and
 *     their identity (the event's: the export's parameters), so pushing
 *     the same export again updates the event instead of making another;
 *   - timestamps are the indicators' modified times (seconds, as
 *     strings, as MISP writes them); the event's date and timestamp are
 *     the newest of them.
 */
#ifndef CG_SHARE_MISP_H
#define CG_SHARE_MISP_H

#include <jansson.h>

#include "share/stix.h"

typedef struct cg_misp_opts {
	const char *province;     /* the event's info; NULL: CG_STIX_PROVINCE */
	const char *key;          /* what identifies this export (its stable uuid) */
	int distribution;         /* MISP's 0..4 (default 1: this community) */
	int64_t sharing_group_id; /* with distribution 4 */
	/* NULL: an attribute's uuid is its STIX indicator's; else UUIDv5 of
	 * salt and that uuid (a scheduled push: the same value in two
	 * events must have two uuids, MISP keeps them unique) */
	const char *uuid_salt;
} cg_misp_opts;

/* {"Event": {...}} from the builder's items (within its TLP level). */
cg_err cg_misp_event(cg_stix *x, const cg_misp_opts *o, cg_tlp tlp, json_t **out);

/* One MISP event per incident case of the builder (STIX incident, amber)
 * when tlp is amber or above, else none: *out an array of {"Event":
 * {...}}. The event's uuid is UUIDv5 of the case's STIX id (a case pushed
 * again updates its event); info "canhgac NUMBER: TITLE"; threat level
 * from the severity (critical/high 1, medium 2, low 3), analysis from the
 * state (new 0, closed/resolved 2, else 1); tags tlp:amber (or the
 * case's level), canhgac:incident-kind="KIND" and canhgac:agency="NAME"
 * of its agency; attributes and file objects the indicators related to
 * it (of its linked events in the builder), their uuids salted with the
 * case's id. o: distribution and sharing group. */
cg_err cg_misp_incident_events(cg_stix *x, const cg_misp_opts *o, cg_tlp tlp, json_t **out);

#endif
