/*
 * api_agent.h - the agent routes' registry (store/agents.h), opened in
 * DATA_DIR/agents.db when `canhgac serve` starts.
 */
#ifndef CG_API_AGENT_H
#define CG_API_AGENT_H

#include <jansson.h>

#include "core/buf.h"

cg_err cg_agent_api_init(const char *data_dir, cg_buf *why);
void cg_agent_api_shutdown(void);
/* The registry's agents in scope (cg_agents_list with the server's offline
 * threshold); CG_ENOTFOUND when the registry is not open. */
cg_err cg_agent_api_list(int64_t scope_agency, int64_t now_ms, json_t **items);

#endif
