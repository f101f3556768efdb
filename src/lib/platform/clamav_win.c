/*
 * clamav_win.c - malware/clamav.h in the Windows build: libclamav is not
 * cross-built (its Debian source drags in OpenSSL, libxml2, PCRE2 and a
 * Rust toolchain), so `scan malware --clamav DIR` is refused at open with
 * a one-line reason and the scan never holds an engine. The YARA rules and
 * hash signatures work as on Linux. The other calls cannot be reached
 * without an open engine; they answer as for an engine that failed to load.
 */
#include "malware/clamav.h"

cg_err cg_mw_clamav_open(const char *path, cg_mw_clamav **out, cg_buf *why)
{
	*out = NULL;
	cg_buf_printf(why, "%s: ClamAV databases are not supported by the Windows build", path);
	return CG_EUNSUPPORTED;
}

void cg_mw_clamav_free(cg_mw_clamav *c)
{
	(void)c;
}

const char *cg_mw_clamav_path(const cg_mw_clamav *c)
{
	(void)c;
	return "";
}

const unsigned char *cg_mw_clamav_digest(const cg_mw_clamav *c)
{
	(void)c;
	static const unsigned char none[32];
	return none;
}

size_t cg_mw_clamav_files(const cg_mw_clamav *c)
{
	(void)c;
	return 0;
}

cg_err cg_mw_clamav_load(cg_mw_clamav *c, cg_buf *why)
{
	(void)c;
	cg_buf_puts(why, "ClamAV is not in the Windows build");
	return CG_EUNSUPPORTED;
}

unsigned cg_mw_clamav_signatures(const cg_mw_clamav *c)
{
	(void)c;
	return 0;
}

cg_err cg_mw_clamav_scan_mem(cg_mw_clamav *c, const void *p, size_t n, const char *name,
                             const char **virname, cg_buf *why)
{
	(void)p, (void)n, (void)name;
	*virname = NULL;
	return cg_mw_clamav_load(c, why);
}

cg_err cg_mw_clamav_scan_fd(cg_mw_clamav *c, int fd, const char *name, const char **virname,
                            cg_buf *why)
{
	(void)fd, (void)name;
	*virname = NULL;
	return cg_mw_clamav_load(c, why);
}

/* No database is read here, so no name is one. */
bool cg_mw_clamav_is_database(const char *name)
{
	(void)name;
	return false;
}

/* No engine, so no prefilter: every file "needs" the (refused) scan. */
bool cg_mw_clamav_needs_scan(const cg_mw_clamav *c, const unsigned char *p, size_t n,
                             cg_mw_clamfilter_scratch *s)
{
	(void)c, (void)p, (void)n, (void)s;
	return true;
}

const char *cg_mw_clamav_prefilter_off(const cg_mw_clamav *c)
{
	(void)c;
	return "ClamAV is not in the Windows build";
}
