/*
 * backup_job.h - the nightly backup of `canhgac serve`: a job of the
 * scheduler (jobs.h) that writes DIR/canhgac-YYYYMMDDTHHMMSSZ.cgbk with
 * store/backup.h and then keeps only the newest `keep` of those files.
 *
 * Configured by the [backup] section of the configuration file
 * (serve_config.h). The job runs first when it is created (a new
 * installation gets a backup at once), then every day at `hour` local
 * time. Several servers on one database share the job: one of them takes
 * each backup, so DIR should be a directory they all see. A failed backup
 * is the job's error (visible to admins in the jobs list) and is retried
 * with the scheduler's backoff; its partial file is removed.
 */
#ifndef CG_SERVER_BACKUP_JOB_H
#define CG_SERVER_BACKUP_JOB_H

#include "jobs.h"
#include "server.h"

#define CG_BACKUP_JOB "backup"

/* Registers the job when o->backup.dir is set (made 0700 if missing);
 * nothing otherwise. The options must outlive the jobs. */
cg_err cg_backup_job_add(cg_jobs *jobs, const cg_serve_opts *o, cg_buf *why);

/* Before the store is opened (and migrated): a backup when migrations are
 * pending (store/backup.h cg_backup_before_upgrade), into the [backup]
 * dir or else DATA_DIR/backups; a store newer than this binary is
 * refused (CG_EUNSUPPORTED, *why naming both versions). */
cg_err cg_serve_backup_before_upgrade(const cg_serve_opts *o, cg_buf *why);

/* The next time (ms since the epoch) after now_ms at hour:00 local time. */
int64_t cg_backup_next_run(int64_t now_ms, int hour);

#endif
