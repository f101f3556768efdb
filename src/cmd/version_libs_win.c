/*
 * version_libs_win.c - the libraries the Windows build links (all
 * cross-built from Debian's source packages by scripts/win-deps.sh), each
 * with the call that reports its version (version_libs.h), and the
 * Windows release the program runs on (under Wine, Wine's version too: a
 * test result from Wine must say so).
 */
#include <archive.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <utf8proc.h>
#include <zlib.h>
#include <yara.h>

#include <windows.h>

#include "version_libs.h"

static const char *jansson_version(void)
{
	return jansson_version_str();
}

static const char *libarchive_version(void)
{
	return archive_version_details();
}

static const char *utf8proc_version_str(void)
{
	return utf8proc_version();
}

/* libyara has no run-time version call: the version compiled against. */
static const char *yara_version(void)
{
	return YR_VERSION;
}

typedef LONG(WINAPI *rtl_get_version_fn)(OSVERSIONINFOW *);
typedef const char *(__cdecl *wine_get_version_fn)(void);

/* RtlGetVersion, not GetVersionEx: the latter lies to programs without a
 * compatibility manifest. Looked up at run time (ntdll exports it, the
 * import libraries do not declare it). */
static const char *windows_version(void)
{
	static char v[96];
	HMODULE nt = GetModuleHandleW(L"ntdll.dll");
	OSVERSIONINFOW vi = {.dwOSVersionInfoSize = sizeof vi};
	rtl_get_version_fn get =
	    nt ? (rtl_get_version_fn)(void (*)(void))GetProcAddress(nt, "RtlGetVersion") : NULL;
	if (!get || get(&vi) != 0)
		return "unknown";
	wine_get_version_fn wine =
	    (wine_get_version_fn)(void (*)(void))GetProcAddress(nt, "wine_get_version");
	snprintf(v, sizeof v, "%lu.%lu.%lu%s%s%s", vi.dwMajorVersion, vi.dwMinorVersion,
	         vi.dwBuildNumber, wine ? " (Wine " : "", wine ? wine() : "", wine ? ")" : "");
	return v;
}

const cg_version_lib cg_version_libs[] = {
    {"windows", windows_version},
    {"jansson", jansson_version},
    {"libarchive", libarchive_version},
    {"utf8proc", utf8proc_version_str},
    {"zlib", zlibVersion},
    {"libyara", yara_version},
    {"libsodium", sodium_version_string},
};
const size_t cg_version_nlibs = sizeof cg_version_libs / sizeof cg_version_libs[0];
