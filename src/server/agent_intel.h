/*
 * agent_intel.h - the active intelligence hashes served to the agents
 * (agent_intel.c: GET /api/v1/agent/intel-hashes) and their version, which
 * the heartbeat answers as intel_version. The list is rebuilt from the
 * store at most once per CG_AGENT_INTEL_CACHE_MS; one copy per process.
 */
#ifndef CG_SERVER_AGENT_INTEL_H
#define CG_SERVER_AGENT_INTEL_H

#include "core/limits.h"
#include "store/store.h"

/* Hex digits of the version (128 bits of the list's SHA-256). */
#define CG_AGENT_INTEL_VERSION_LEN 32

/* The current version into out (NUL-terminated); a store error
 * otherwise (cg_store_errmsg). */
cg_err cg_agent_intel_version(cg_store *st, char out[CG_AGENT_INTEL_VERSION_LEN + 1]);
/* Forgets the cached list (tests; the next call rebuilds it). */
void cg_agent_intel_reset(void);

#endif
