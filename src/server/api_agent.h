/*
 * api_agent.h - the agent routes' registry (store/agents.h), opened in
 * DATA_DIR/agents.db when `canhgac serve` starts.
 */
#ifndef CG_API_AGENT_H
#define CG_API_AGENT_H

#include "core/buf.h"

cg_err cg_agent_api_init(const char *data_dir, cg_buf *why);
void cg_agent_api_shutdown(void);

#endif
