/*
 * agents_import.h - reads an older server's agent registry file
 * (DATA_DIR/agents.db: enrolment tokens, agents, agent policies, kept
 * beside the store before they were rows of it) into the store.
 *
 * Rows keep their times, use, versions and token hashes, so enrolled
 * agents go on working with their API tokens and an unused enrolment
 * token can still be used. The file had no foreign keys: a row naming an
 * agency (or an agent's API token) that the store does not have is left
 * out and counted. Rows already in the store (a token hash, an agent id,
 * a policy) are left as they are, so an import broken off is finished by
 * running it again. The caller renames the file afterwards.
 */
#ifndef CG_STORE_AGENTS_IMPORT_H
#define CG_STORE_AGENTS_IMPORT_H

#include "store.h"

typedef struct cg_agents_import_stats {
	int64_t tokens, agents, policies; /* imported (or already there) */
	int64_t skipped;                  /* naming an agency or token the store lacks */
} cg_agents_import_stats;

/* *why says what failed (the file, the row's table). */
cg_err cg_store_agents_import(cg_store *st, const char *path, cg_agents_import_stats *n,
                              cg_buf *why);

#endif
