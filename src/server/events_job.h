/*
 * events_job.h - the "events-maintenance" job: housekeeping of the events
 * table through the job scheduler (jobs.h), so that with several servers
 * on one database it runs on one of them at a time.
 *
 * Each run (every CG_EVENTS_JOB_PERIOD_MS, and at once when a server
 * starts) asks the store (cg_store_events_maintain) to make the monthly
 * partitions of events CG_EVENT_MONTHS_AHEAD months ahead (PostgreSQL)
 * and, with a retention of N months (`serve --retention-months N`), to
 * remove the events received before the first day of the month N months
 * back: whole partitions dropped on PostgreSQL, rows deleted on SQLite,
 * the running totals adjusted in the same transaction. A removal is
 * written to the audit log (actor "server:retention"). Every server
 * should be given the same retention: whichever holds the job applies
 * its own.
 */
#ifndef CG_SERVER_EVENTS_JOB_H
#define CG_SERVER_EVENTS_JOB_H

#include "jobs.h"
#include "store/store.h"

/* months 0 keeps every event (partitions are still made ahead). */
cg_err cg_events_job_add(cg_jobs *j, cg_store *st, int retention_months);

#endif
