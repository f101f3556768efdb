/*
 * secret.h - sealing the agent's own secret (its API token in
 * DATA/agent.json) where the platform offers a sealing service.
 *
 * Linux: no sealing (cg_secret_sealing() is false): the token stays in
 * agent.json, mode 0600 in a 0700 directory owned by the service, which
 * is the protection (docs/agent.md).
 *
 * Windows: DPAPI (CryptProtectData) in the machine scope
 * (CRYPTPROTECT_LOCAL_MACHINE), with an entropy string of this program.
 * Machine scope because the token is sealed by whoever runs `agent enroll`
 * (an administrator, or the MSI's custom action) and unsealed by the
 * service's account (LocalSystem or a virtual service account): a
 * user-scope blob would be readable only by the enrolling user. So DPAPI
 * here protects against the file leaving the machine (a backup, a copied
 * disk image, a synced profile): the blob opens on this machine only. On
 * the machine itself, the data directory's access list is what keeps
 * other local accounts out, as the file mode does on Linux.
 *
 * The sealed form is base64 text (stored as "token_sealed").
 */
#ifndef CG_PLATFORM_SECRET_H
#define CG_PLATFORM_SECRET_H

#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"

bool cg_secret_sealing(void);
/* Appends the base64 sealed form of plain to out. */
cg_err cg_secret_seal(const char *plain, cg_buf *out, cg_buf *why);
/* Writes the unsealed text (NUL-terminated) into out[size]. */
cg_err cg_secret_unseal(const char *sealed, char *out, size_t size, cg_buf *why);

#endif
