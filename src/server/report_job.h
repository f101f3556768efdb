/*
 * report_job.h - the scheduled reports of `canhgac serve`: a job of the
 * scheduler (jobs.h) that makes every report due (report/archive.h
 * cg_report_due_at: last month's, last half-year's six-monthly and
 * incident-response reports, the annual report from 1 December) which the
 * store does not keep yet, and keeps it in the blob store (DATA_DIR/blobs)
 * with its row in the reports table, signed when [reports] names a key.
 *
 * Configured by the [reports] section of the configuration file
 * (serve_config.h); without it the job is not registered. It runs at once
 * when created and then every hour: a report is due from the first hour of
 * its day, and one already kept is not made again, so several servers on
 * one database (one holds the job at a time) make each report once. A
 * failed report is the job's error (the jobs list shows it) and is retried
 * with the scheduler's backoff.
 */
#ifndef CG_SERVER_REPORT_JOB_H
#define CG_SERVER_REPORT_JOB_H

#include "jobs.h"
#include "server.h"
#include "sign/sign.h"
#include "store/blob.h"

#define CG_REPORT_JOB "reports"

/* Registers the job when o->reports.on; nothing otherwise. The options
 * must outlive the jobs. */
cg_err cg_report_job_add(cg_jobs *jobs, cg_store *st, const cg_serve_opts *o, cg_buf *why);

/* The blob store of the kept reports (DATA_DIR/blobs), opened once per
 * process; NULL when it cannot be. For the job and the reports API. */
cg_blobs *cg_report_blobs(const char *data_dir);

/* Opens the signer [reports] configures (PIN from pin_file); *out NULL
 * when no key is configured. */
cg_err cg_report_signer(const cg_serve_reports *r, cg_signer **out, cg_buf *why);

#endif
