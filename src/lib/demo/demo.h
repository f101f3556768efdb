/*
 * demo.h - the demo province (Lai Châu): constant tables of agencies,
 * information systems, contact points and findings (demo_data.c), and the
 * seeding that writes them through the store interface (demo.c).
 *
 * Seeding is idempotent: an agency is found by its code, a system by its
 * name within its agency, a person by name within the agency, an event by
 * its fixed id (the store counts a second delivery as a duplicate). So
 * `canhgac demo seed` can run on every `make run`.
 *
 * Lists inside the tables (IP ranges, URLs, domains, IPs) are ';'
 * separated, as in the CSV import.
 */
#ifndef CG_DEMO_H
#define CG_DEMO_H

#include <stdbool.h>
#include <stdint.h>

#include "core/buf.h"
#include "store/store.h"

typedef struct cg_demo_agency {
	const char *code;
	const char *name;
	const char *kind;        /* so_ban_nganh | xa | doanh_nghiep | khac */
	const char *parent_code; /* NULL for none */
	const char *ip_ranges;   /* ';'-separated CIDRs (RFC 1918 only) */
	int declared_endpoints;
} cg_demo_agency;

typedef struct cg_demo_system {
	const char *agency_code;
	const char *name;
	const char *kind; /* portal | application | datacenter | mail | other */
	const char *urls; /* ';'-separated, may be NULL */
	const char *domains;
	const char *ips;
	int level;                  /* 1..5 */
	const char *dossier_status; /* none | draft | submitted | appraised | approved */
	const char *dates[4];       /* draft, submitted, appraised, approved */
} cg_demo_system;

typedef struct cg_demo_person {
	const char *agency_code;
	const char *name;
	const char *role; /* responsible_officer | contact_point | other */
	const char *title;
	const char *phone;
	const char *email;
	bool published_on_portal;
} cg_demo_person;

typedef struct cg_demo_event {
	const char *id;
	int age_min; /* minutes before the seeding time */
	const char *host;
	const char *agency_code;
	const char *source;
	const char *kind;
	const char *severity;
	const char *subject;
	const char *summary;
	const char *evidence_json;
} cg_demo_event;

extern const cg_demo_agency cg_demo_agencies[];
extern const int cg_demo_nagencies;
extern const cg_demo_system cg_demo_systems[];
extern const int cg_demo_nsystems;
extern const cg_demo_person cg_demo_people[];
extern const int cg_demo_npeople;
extern const cg_demo_event cg_demo_events[];
extern const int cg_demo_nevents;

/* The most events the demo table may hold (they go in one batch). */
#define CG_DEMO_MAX_EVENTS 64

/* What one seeding created (records already there are not counted). */
typedef struct cg_demo_counts {
	int agencies, systems, people, events;
	int evidence; /* events of compliance evidence (demo_compliance.c) */
} cg_demo_counts;

/* Writes the demo province into st, leaving records that exist alone.
 * Event times are now_ms minus each event's age. On failure *why (may be
 * NULL) names the record and the reason. */
cg_err cg_demo_seed(cg_store *st, int64_t now_ms, cg_demo_counts *counts, cg_buf *why);
/* Creates the admin user `username` with `password` unless a user of that
 * name exists (then *created stays false and nothing changes). */
cg_err cg_demo_ensure_admin(cg_store *st, const char *username, const char *password,
                            bool *created);

/* A few incident cases in different states (demo_incidents.c), once:
 * nothing when the store has a case already. *seeded = cases made. */
cg_err cg_demo_seed_incidents(cg_store *st, int64_t now_ms, int *seeded);

/* Evidence for the compliance controls (demo_compliance.c): agencies
 * ahead, late and missing evidence. Idempotent; *events = events added. */
cg_err cg_demo_seed_compliance(cg_store *st, int64_t now_ms, int *events);

#endif
