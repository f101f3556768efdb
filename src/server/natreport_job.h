/*
 * natreport_job.h - the job `national-report` of `canhgac serve`: sends
 * last month's malware statistics (share/natreport.h) to the national
 * monitoring centre over HTTPS with a client certificate
 * (share/natreport_send.h), signed with the reports' key (report_job.h
 * cg_report_signer), and records each delivery and the centre's answer
 * (store/store_natreport.h).
 *
 * Configured by [national] (serve_config.h); without it the job is not
 * registered. It runs at once and then every `interval` seconds: a month
 * (the province's calendar, UTC+7) goes out once it is over and until the
 * centre has accepted it (a 2xx answer); a refused or failed delivery is
 * recorded and is the job's error, retried with the scheduler's backoff.
 * Several servers on one database: one holds the job at a time, and the
 * record says whether the month was accepted already.
 */
#ifndef CG_SERVER_NATREPORT_JOB_H
#define CG_SERVER_NATREPORT_JOB_H

#include "jobs.h"
#include "server.h"

#define CG_NATREPORT_JOB "national-report"

/* Registers the job when o->national.on; nothing otherwise. The options
 * must outlive the jobs. */
cg_err cg_natreport_job_add(cg_jobs *jobs, cg_store *st, const cg_serve_opts *o, cg_buf *why);

/* The month a run sends at now_ms: the last one over, "YYYY-MM". */
void cg_natreport_due_period(int64_t now_ms, char out[8]);

#endif
