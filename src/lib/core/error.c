/*
 * error.c - descriptions for the error enum. Kept in the same order as the
 * enum; a static assertion keeps the table and the enum in step.
 */
#include "error.h"

static const char *const messages[] = {
	[CG_OK] = "success",
	[CG_ENOMEM] = "out of memory",
	[CG_ETOOBIG] = "input exceeds its size limit",
	[CG_EINVAL] = "invalid value",
	[CG_EPARSE] = "malformed input",
	[CG_EIO] = "input/output error",
	[CG_ENOTFOUND] = "not found",
	[CG_EUSAGE] = "bad usage",
	[CG_EDB] = "storage error",
	[CG_ENET] = "network error",
	[CG_ETLS] = "TLS error",
	[CG_EAUTH] = "authentication failed",
	[CG_EPERM] = "permission denied",
	[CG_ECONFLICT] = "already exists",
	[CG_ETIMEOUT] = "timed out",
	[CG_EUNSUPPORTED] = "unsupported",
	[CG_ECRYPTO] = "cryptographic check failed",
	[CG_EINTERNAL] = "internal error",
	[CG_EENCRYPTED] = "encrypted content",
	[CG_ELIMIT] = "safety limit reached",
};

_Static_assert(sizeof(messages) / sizeof(messages[0]) == CG_ERR_COUNT,
	       "every cg_err needs a message");

const char *cg_strerror(cg_err err)
{
	if ((unsigned)err >= CG_ERR_COUNT || !messages[err])
		return "unknown error";
	return messages[err];
}
