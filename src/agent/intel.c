/*
 * intel.c - fetching and installing the server's intelligence hashes
 * (intel.h). The answer is hostile until checked: at most
 * CG_AGENT_INTEL_MAX_BYTES, and it must read whole as a hash list
 * (hashsig.h) before it replaces the installed one; a refused answer
 * leaves the installed list in place and is retried at the next
 * heartbeat that offers a version.
 */
#include "agent/intel.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/fileio.h"
#include "core/hex.h"
#include "core/limits.h"
#include "core/log.h"
#include "malware/digest.h"
#include "malware/hashsig.h"

void cg_agent_intel_path(const char *data_dir, char *path, size_t n)
{
	snprintf(path, n, "%s/intel-hashes.txt", data_dir);
}

static void version_path(const char *data_dir, char *path, size_t n)
{
	snprintf(path, n, "%s/intel-hashes.version", data_dir);
}

void cg_agent_intel_remove(const char *data_dir)
{
	char path[PATH_MAX];
	version_path(data_dir, path, sizeof path);
	unlink(path);
	cg_agent_intel_path(data_dir, path, sizeof path);
	unlink(path);
}

static bool is_version(const char *v)
{
	size_t n = strlen(v);
	if (n != CG_AGENT_INTEL_VLEN)
		return false;
	for (size_t i = 0; i < n; i++)
		if (cg_hex_digit(v[i]) < 0)
			return false;
	return true;
}

void cg_agent_intel_installed(const char *data_dir, char out[CG_AGENT_INTEL_VLEN + 1])
{
	char path[PATH_MAX];
	cg_buf b;
	cg_buf_init(&b, 256);
	out[0] = '\0';
	version_path(data_dir, path, sizeof path);
	if (cg_read_file(path, &b, NULL) == CG_OK) {
		cg_slice rest, v = cg_slice_cut(cg_buf_slice(&b), '\n', &rest);
		cg_slice_copy(v, out, CG_AGENT_INTEL_VLEN + 1);
		if (!is_version(out))
			out[0] = '\0';
	}
	cg_buf_free(&b);
}

cg_err cg_agent_intel_update(const cg_http *h, const char *data_dir, const char *offered,
                             bool *changed, cg_buf *why)
{
	*changed = false;
	char have[CG_AGENT_INTEL_VLEN + 1];
	cg_agent_intel_installed(data_dir, have);
	if (!offered || !is_version(offered) || strcmp(have, offered) == 0)
		return CG_OK;
	cg_buf resp;
	cg_buf_init(&resp, CG_AGENT_INTEL_MAX_BYTES);
	long status = 0;
	cg_err err = cg_http_request(h, "GET", "/api/v1/agent/intel-hashes", NULL, CG_SLICE(""),
	                             false, NULL, &status, &resp, why);
	if (!err && status != 200) {
		cg_buf_printf(why, "GET /api/v1/agent/intel-hashes answered %ld", status);
		err = CG_ENET;
	}
	/* every line a hash signature, or nothing is installed */
	cg_hashset *set = NULL;
	if (!err)
		err = cg_hashset_new(&set);
	if (!err)
		err = cg_hashset_parse(set, cg_buf_slice(&resp), "intel-hashes", why);
	size_t count = set ? cg_hashset_count(set) : 0;
	cg_hashset_free(set);
	char path[PATH_MAX], vpath[PATH_MAX], got[CG_AGENT_INTEL_VLEN + 2];
	unsigned char d[CG_SHA256_LEN];
	if (!err) {
		err = cg_digest_sha256(resp.ptr ? resp.ptr : "", resp.len, d);
	}
	if (!err) {
		cg_hex_encode(d, CG_AGENT_INTEL_VLEN / 2, got);
		got[CG_AGENT_INTEL_VLEN] = '\n';
		got[CG_AGENT_INTEL_VLEN + 1] = '\0';
		cg_agent_intel_path(data_dir, path, sizeof path);
		version_path(data_dir, vpath, sizeof vpath);
		err = cg_write_file_atomic(path, resp.ptr ? resp.ptr : "", resp.len, 0600, why);
	}
	if (!err)
		err = cg_write_file_atomic(vpath, got, CG_AGENT_INTEL_VLEN + 1, 0600, why);
	if (!err) {
		*changed = true;
		got[CG_AGENT_INTEL_VLEN] = '\0';
		cg_info("agent: intelligence hashes version %s installed (%zu hashes)", got, count);
	}
	cg_buf_free(&resp);
	return err;
}
