/*
 * misp_job.h - the scheduled pushes to MISP instances: one job per
 * [misp.NAME] section of the configuration file, named "misp:NAME" (and
 * of that kind), run through the job scheduler (jobs.h), so with several
 * servers on one database one of them pushes to a given instance at a
 * time.
 *
 *   [misp.national]
 *   url = https://misp.example.gov.vn      ; the instance's base URL
 *   key_file = /etc/canhgac/misp.key       ; its auth key (never in this file)
 *   distribution = 1                       ; MISP's 0..4
 *   sharing_group = 7                      ; with distribution 4
 *   tlp = amber                            ; the most restrictive level sent
 *   interval = 3600                        ; seconds between pushes (>= 10)
 *   ca_file = /etc/canhgac/misp-ca.pem
 *   province = Sở TT&TT tỉnh X             ; the events' producer name
 *
 * A run pushes what happened since the last accepted delivery (the newest
 * accepted row of misp_deliveries for NAME: its until; none: everything):
 * the findings of the window as one MISP event (share/misp.h; its uuid
 * is UUIDv5 of NAME and the window's start, so a run retried after a
 * failure updates the same event), and each incident case active in the
 * window as an event of its own (cg_misp_incident_events; at amber and
 * above). Each event is POSTed to URL/events/add, and to
 * URL/events/edit/UUID when the instance holds it already. A window
 * with nothing to say sends nothing and records nothing.
 *
 * Every run that sent something is recorded (store_natreport.h
 * cg_mispdeliv: window, events, attributes, the last answer, the error);
 * the window moves only when every event of the run was accepted. A
 * failed run is the job's error, retried with the scheduler's backoff.
 *
 * Destinations are read at start: changing them needs a restart.
 */
#ifndef CG_SERVER_MISP_JOB_H
#define CG_SERVER_MISP_JOB_H

#include <stdbool.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/config.h"
#include "core/limits.h"
#include "jobs.h"
#include "share/stix.h"
#include "store/store.h"

typedef struct cg_misp_dest {
	char name[CG_INTEL_NAME_MAX + 1];
	char job[CG_INTEL_NAME_MAX + 8]; /* "misp:NAME" */
	char url[2048];                  /* no trailing '/' */
	char key[512];                   /* from key_file */
	char ca_file[1024];
	char province[256]; /* "" : CG_STIX_PROVINCE */
	int distribution;
	int64_t sharing_group, interval_s;
	cg_tlp tlp;
} cg_misp_dest;

/* Every [misp.NAME] section of ini (reading each key_file); *out is
 * malloc'd (free it after explicit_bzero), *n may be 0. CG_EINVAL with
 * "FILE: [misp.NAME] key: reason". */
cg_err cg_misp_dests_from_config(const cg_config *ini, cg_misp_dest **out, size_t *n, cg_buf *why);

/* Adds one job per destination (dests must outlive the jobs). */
cg_err cg_misp_jobs_add(cg_jobs *j, cg_store *st, const cg_misp_dest *dests, size_t n);
/* Makes dest name's job due now; false when there is no such one. */
bool cg_misp_push_soon(const char *name);
/* The i-th destination the jobs were added for (file order); NULL past
 * the last. */
const cg_misp_dest *cg_misp_dest_at(size_t i);

#endif
