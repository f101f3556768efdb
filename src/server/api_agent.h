/*
 * api_agent.h - what the rest of the server asks of the agent routes: the
 * import of an older server's agent registry, and the agents in scope.
 * The registry itself is rows of the store (store.h).
 */
#ifndef CG_API_AGENT_H
#define CG_API_AGENT_H

#include <jansson.h>

#include "core/buf.h"
#include "store/store.h"

/* Imports DATA_DIR/agents.db (an older server's registry) into the store
 * once and renames it agents.db.imported; CG_OK when there is none. Logs
 * what it did. */
cg_err cg_agent_api_import(cg_store *st, const char *data_dir);
/* The agents in scope (cg_store_agents_list with the server's offline
 * threshold). */
cg_err cg_agent_api_list(cg_store *st, const cg_scope *scope, int64_t now_ms, json_t **items);

#endif
