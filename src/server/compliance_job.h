/*
 * compliance_job.h - the compliance reminder job of `canhgac serve`: once
 * a day (and at start) it evaluates the compliance controls for the whole
 * province (lib/compliance) and, for each control and subject that is due
 * soon or overdue, stores a reminder event (source "compliance", kind the
 * status, with the agency and system of the subject) and queues it on the
 * alert channels (web_alert.h: the provincial team's addresses, the
 * agency's contact points, the webhook). The event's id is the reminder's
 * key (cg_compliance_reminders): a reminder the store already has is a
 * duplicate and is not sent again, so a rerun of the job, or a second
 * server, sends nothing twice.
 */
#ifndef CG_SERVER_COMPLIANCE_JOB_H
#define CG_SERVER_COMPLIANCE_JOB_H

#include "jobs.h"
#include "server.h"
#include "store/store.h"

#define CG_COMPLIANCE_JOB "compliance-reminders"

/* Registers the job (period one day); it queues through the server's one
 * alert handle (alert_job.h, added first). */
cg_err cg_compliance_job_add(cg_jobs *j, cg_store *st, const cg_serve_opts *o, cg_buf *why);
/* Forgets the alert handle (after cg_jobs_free). */
void cg_compliance_job_close(void);

#endif
