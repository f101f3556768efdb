/*
 * secret_win.c - see secret.h: DPAPI, machine scope, base64 (libsodium).
 */
#include "platform/secret.h"

#include <sodium.h>
#include <string.h>
#include <windows.h>
#include <wincrypt.h>

/* Ties the blob to this use: another program calling CryptUnprotectData
 * on the file's blob must know it (a speed bump, not a secret). */
static const char entropy_text[] = "canhgac-agent token v1";

bool cg_secret_sealing(void)
{
	return true;
}

static DATA_BLOB entropy(void)
{
	return (DATA_BLOB){(DWORD)(sizeof entropy_text - 1), (BYTE *)(uintptr_t)entropy_text};
}

cg_err cg_secret_seal(const char *plain, cg_buf *out, cg_buf *why)
{
	DATA_BLOB in = {(DWORD)strlen(plain), (BYTE *)(uintptr_t)plain}, ent = entropy(), blob;
	if (!CryptProtectData(&in, L"canhgac agent token", &ent, NULL, NULL,
	                      CRYPTPROTECT_LOCAL_MACHINE | CRYPTPROTECT_UI_FORBIDDEN, &blob)) {
		if (why)
			cg_buf_printf(why, "CryptProtectData failed (error %lu)", GetLastError());
		return CG_ECRYPTO;
	}
	size_t n = sodium_base64_ENCODED_LEN(blob.cbData, sodium_base64_VARIANT_ORIGINAL);
	cg_err err = cg_buf_reserve(out, n);
	if (!err) {
		sodium_bin2base64(out->ptr + out->len, n, blob.pbData, blob.cbData,
		                  sodium_base64_VARIANT_ORIGINAL);
		out->len += strlen(out->ptr + out->len);
	}
	LocalFree(blob.pbData);
	return err;
}

cg_err cg_secret_unseal(const char *sealed, char *out, size_t size, cg_buf *why)
{
	size_t n = strlen(sealed), len = 0;
	BYTE *bin = malloc(n + 1);
	if (!bin)
		return CG_ENOMEM;
	if (sodium_base642bin(bin, n + 1, sealed, n, NULL, &len, NULL,
	                      sodium_base64_VARIANT_ORIGINAL) != 0) {
		free(bin);
		if (why)
			cg_buf_printf(why, "sealed token is not base64");
		return CG_EPARSE;
	}
	DATA_BLOB in = {(DWORD)len, bin}, ent = entropy(), plain;
	BOOL ok =
	    CryptUnprotectData(&in, NULL, &ent, NULL, NULL, CRYPTPROTECT_UI_FORBIDDEN, &plain);
	free(bin);
	if (!ok) {
		if (why)
			cg_buf_printf(why,
			              "CryptUnprotectData failed (error %lu): sealed on another "
			              "machine?",
			              GetLastError());
		return CG_ECRYPTO;
	}
	cg_err err = CG_OK;
	if (plain.cbData + 1 > size)
		err = CG_ETOOBIG;
	else {
		memcpy(out, plain.pbData, plain.cbData);
		out[plain.cbData] = '\0';
	}
	SecureZeroMemory(plain.pbData, plain.cbData);
	LocalFree(plain.pbData);
	return err;
}
