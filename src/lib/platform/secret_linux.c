/*
 * secret_linux.c - see secret.h: Linux seals nothing (the file mode is
 * the protection), so the agent keeps its token in plain text there.
 */
#include "platform/secret.h"

bool cg_secret_sealing(void)
{
	return false;
}

cg_err cg_secret_seal(const char *plain, cg_buf *out, cg_buf *why)
{
	(void)plain;
	(void)out;
	if (why)
		cg_buf_printf(why, "no sealing service on this platform");
	return CG_EUNSUPPORTED;
}

cg_err cg_secret_unseal(const char *sealed, char *out, size_t size, cg_buf *why)
{
	(void)sealed;
	(void)out;
	(void)size;
	if (why)
		cg_buf_printf(why, "a sealed secret cannot be opened on this platform");
	return CG_EUNSUPPORTED;
}
