/*
 * backup_job.c - the nightly backup job (backup_job.h). The work is
 * cg_backup_create and cg_backup_prune (store/backup.h); this file only
 * names the file, schedules the next run and logs the outcome.
 */
#include "backup_job.h"

#include <limits.h>
#include <stdio.h>
#include <time.h>

#include "core/fileio.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "store/backup.h"

int64_t cg_backup_next_run(int64_t now_ms, int hour)
{
	time_t now = (time_t)(now_ms / 1000);
	struct tm tm;
	localtime_r(&now, &tm);
	tm.tm_hour = hour;
	tm.tm_min = tm.tm_sec = 0;
	tm.tm_isdst = -1;
	time_t t = mktime(&tm);
	if (t <= now) {
		tm.tm_mday++;
		tm.tm_hour = hour;
		tm.tm_min = tm.tm_sec = 0;
		tm.tm_isdst = -1;
		t = mktime(&tm);
	}
	return (int64_t)t * 1000;
}

static cg_err backup_job(void *ctx, const cg_job *job, int64_t *next_run_ms, cg_buf *why)
{
	(void)job;
	const cg_serve_opts *o = ctx;
	int64_t now = cg_time_now_ms();
	char name[64], path[PATH_MAX];
	cg_err err = cg_backup_name(now, name, sizeof name);
	if (!err &&
	    (size_t)snprintf(path, sizeof path, "%s/%s", o->backup.dir, name) >= sizeof path)
		err = CG_ETOOBIG;
	if (err) {
		cg_buf_printf(why, "backup: cannot name the file in %s", o->backup.dir);
		return err;
	}
	cg_backup_opts bo = {
	    .store_url = o->store,
	    .data_dir = o->data_dir,
	    .skip_dir = o->backup.dir,
	    .encrypt_to = o->backup.encrypt_to,
	    .sign_key = o->backup.sign_key,
	};
	cg_backup_info info;
	err = cg_backup_create(&bo, path, &info, why);
	json_decref(info.manifest);
	if (err) {
		cg_error("backup: %s", cg_buf_cstr(why));
		return err;
	}
	int removed = 0;
	err = cg_backup_prune(o->backup.dir, o->backup.keep, &removed, why);
	if (err) {
		cg_error("backup: %s written, but pruning failed: %s", path, cg_buf_cstr(why));
		return err;
	}
	cg_info("backup: wrote %s (%d old removed, keeping %d)", path, removed, o->backup.keep);
	*next_run_ms = cg_backup_next_run(now, o->backup.hour);
	return CG_OK;
}

cg_err cg_backup_job_add(cg_jobs *jobs, const cg_serve_opts *o, cg_buf *why)
{
	if (!o->backup.dir)
		return CG_OK;
	cg_err err = cg_mkdir_p(o->backup.dir, 0700, why);
	if (err)
		return err;
	err = cg_jobs_add(jobs, CG_BACKUP_JOB, "backup", 24LL * 3600 * 1000, backup_job, (void *)o);
	if (err)
		cg_buf_printf(why, "cannot register the backup job: %s", cg_store_errmsg());
	return err;
}

cg_err cg_serve_backup_before_upgrade(const cg_serve_opts *o, cg_buf *why)
{
	char dir[PATH_MAX], path[PATH_MAX];
	if (o->backup.dir)
		snprintf(dir, sizeof dir, "%s", o->backup.dir);
	else if ((size_t)snprintf(dir, sizeof dir, "%s/backups", o->data_dir) >= sizeof dir) {
		cg_buf_printf(why, "%s: path too long", o->data_dir);
		return CG_ETOOBIG;
	}
	cg_backup_opts bo = {
	    .store_url = o->store,
	    .data_dir = o->data_dir,
	    .encrypt_to = o->backup.encrypt_to,
	    .sign_key = o->backup.sign_key,
	};
	int latest = cg_store_schema_latest(o->store);
	cg_err err = cg_backup_before_upgrade(&bo, dir, latest, path, sizeof path, why);
	if (!err && path[0])
		cg_warn("upgrade: migrating the store to schema version %d; backup taken first: %s",
		        latest, path);
	return err;
}
