/*
 * intel.h - the province's intelligence hashes on the agent: the server
 * serves the active SHA-256/MD5 indicators of its intelligence store as a
 * plain hash list (GET /api/v1/agent/intel-hashes, server/agent_intel.h)
 * and answers each heartbeat with that list's version; when the version
 * differs from the one installed, the agent fetches the list, checks that
 * every line is a hash signature (malware/hashsig.h), and installs it as
 * DATA/intel-hashes.txt (atomic replace) with its version in
 * DATA/intel-hashes.version (written after the list: a crash between the
 * two only makes the next heartbeat fetch again). The malware scans load
 * the list beside the bundle's hashes (scans.c).
 *
 * The version is the first 128 bits of the SHA-256 of the list's bytes,
 * in hex, computed here from what was received (the server computes it
 * the same way), so a list that changed between the heartbeat and the
 * fetch is recorded under its own version.
 *
 * Trust: the list comes over the pinned TLS channel, not in the signed
 * bundle; it can only add detections. A match is reported as a malware
 * finding naming intel:SOURCE; the agent takes no other action on it.
 */
#ifndef CG_AGENT_INTEL_H
#define CG_AGENT_INTEL_H

#include <stdbool.h>

#include "agent/http.h"
#include "core/buf.h"

/* Hex digits of a version. */
#define CG_AGENT_INTEL_VLEN 32

/* The installed version into out ("" when none). */
void cg_agent_intel_installed(const char *data_dir, char out[CG_AGENT_INTEL_VLEN + 1]);
/* offered: the heartbeat's intel_version. When it differs from the
 * installed one, fetches, checks and installs the list; *changed tells
 * whether the installed list changed (the scans must reload). CG_OK with
 * nothing done when the versions agree or offered is not a version. */
cg_err cg_agent_intel_update(const cg_http *h, const char *data_dir, const char *offered,
                             bool *changed, cg_buf *why);
/* Removes the installed list and its version (a list the scans could
 * not load: the next heartbeat fetches it again). */
void cg_agent_intel_remove(const char *data_dir);
/* DATA/intel-hashes.txt into path. */
void cg_agent_intel_path(const char *data_dir, char *path, size_t n);

#endif
