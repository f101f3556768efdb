/*
 * quarantine_win.c - malware/quarantine.h in the Windows build: not there
 * yet. The Linux quarantine keeps the owner, group and mode of what it
 * moves and restores them (pwd/grp, fchown, fchmod); its Windows
 * counterpart would keep the file's security descriptor instead, which is
 * not written. Until then `scan malware --quarantine` reports every file
 * as not quarantined (exit 2, the findings still printed) and moves
 * nothing; `canhgac.exe` has no quarantine command.
 */
#include "malware/quarantine.h"

#include <string.h>

static cg_err refused(cg_buf *why)
{
	cg_buf_puts(why, "quarantine is not supported by the Windows build yet");
	return CG_EUNSUPPORTED;
}

cg_err cg_quarantine_add(const char *data_dir, const char *path, const struct stat *st,
                         const json_t *rules, const char *sha256, const char *md5, char id_out[33],
                         cg_buf *why)
{
	(void)data_dir, (void)path, (void)st, (void)rules, (void)sha256, (void)md5;
	id_out[0] = '\0';
	return refused(why);
}

cg_err cg_quarantine_list(const char *data_dir, json_t **out, cg_buf *why)
{
	(void)data_dir;
	*out = NULL;
	return refused(why);
}

cg_err cg_quarantine_restore(const char *data_dir, const char *id, json_t **meta_out, cg_buf *why)
{
	(void)data_dir, (void)id;
	*meta_out = NULL;
	return refused(why);
}

cg_err cg_quarantine_delete(const char *data_dir, const char *id, cg_buf *why)
{
	(void)data_dir, (void)id;
	return refused(why);
}

bool cg_quarantine_id_valid(const char *id)
{
	size_t n = strlen(id);
	if (n != 32)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((id[i] >= '0' && id[i] <= '9') || (id[i] >= 'a' && id[i] <= 'f')))
			return false;
	return true;
}
