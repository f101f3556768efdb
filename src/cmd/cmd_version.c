/*
 * cmd_version.c - `canhgac version`: what this binary is and what it was
 * built from, so a bug report or an audit can say exactly which code ran.
 * Each library linked into canhgac has a row in libraries[] reporting the
 * version it runs with (not only the one it was compiled against).
 */
#include <curl/curl.h>
#include <gnutls/gnutls.h>
#include <gsf/gsf-utils.h>
#include <archive.h>
#include <jansson.h>
#include <libpsl.h>
#include <pcap/pcap.h>
#include <libxml/globals.h>
#include <microhttpd.h>
#include <poppler.h>
#include <openssl/crypto.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <utf8proc.h>
#include <zlib.h>

#include "cli.h"
#include "core/buf.h"
#include "core/json.h"
#include "core/msg.h"
#include "core/rulesdir.h"
#include "malware/rules.h"
#include "version.h"

typedef struct library {
	const char *name;
	const char *(*version)(void);
} library;

static const char *jansson_version(void)
{
	return jansson_version_str();
}

static const char *poppler_version(void)
{
	return poppler_get_version();
}

static const char *gsf_version(void)
{
	static char v[32];
	snprintf(v, sizeof v, "%d.%d.%d", libgsf_major_version,
		 libgsf_minor_version, libgsf_micro_version);
	return v;
}

static const char *libpcap_version(void)
{
	return pcap_lib_version();
}

static const char *curl_version_str(void)
{
	return curl_version_info(CURLVERSION_NOW)->version;
}

static const char *openssl_version(void)
{
	return OpenSSL_version(OPENSSL_VERSION_STRING);
}

static const char *libxml2_version(void)
{
	return xmlParserVersion; /* "20914" for 2.9.14 */
}

static const char *gnutls_version(void)
{
	return gnutls_check_version(NULL);
}

/* libyara has no run-time version call: this is the version compiled
 * against (Debian's libyara9 keeps the ABI within 4.2.x). */
static const char *yara_version(void)
{
	return cg_mw_yara_version();
}


static const char *libarchive_version(void)
{
	return archive_version_details();
}

static const char *utf8proc_version_str(void)
{
	return utf8proc_version();
}

static const library libraries[] = {
	{ "jansson", jansson_version },
	{ "libarchive", libarchive_version },
	{ "utf8proc", utf8proc_version_str },
	{ "libpcap", libpcap_version },
	{ "libcurl", curl_version_str },
	{ "libpsl", psl_get_version },
	{ "libxml2", libxml2_version },
	{ "sqlite3", sqlite3_libversion },
	{ "libmicrohttpd", MHD_get_version },
	{ "gnutls", gnutls_version },
	{ "libsodium", sodium_version_string },
	{ "openssl", openssl_version },
	{ "zlib", zlibVersion },
	{ "libyara", yara_version },
	{ "poppler", poppler_version },
	{ "libgsf", gsf_version },
};

static const char *build_options(void)
{
	return CG_BUILD_TYPE
#if defined(__SANITIZE_ADDRESS__)
		" asan"
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
		" asan"
#endif
#endif
		;
}

int cmd_version(cg_cli *cli)
{
	int rc = cg_cli_parse(cli, NULL, NULL, NULL);
	if (rc >= 0)
		return rc;
	if (cli->npos)
		return cg_cli_usage_error(cli, "unexpected argument '%s'", cli->pos[0]);
	size_t nlib = sizeof libraries / sizeof libraries[0];
	/* The rules base every engine uses (core/rulesdir.h): all areas ship
	 * together, so the one holding web/ names it; when none does, the
	 * last candidate tried (the package's path). */
	char rules[4096];
	cg_rules_base("web", rules, sizeof rules);
	if (cli->json) {
		json_t *o = json_pack("{s:s,s:s,s:s,s:s}", "version", CG_VERSION,
				      "build", build_options(), "compiler",
				      __VERSION__, "rules", rules);
		json_t *libs = json_object();
		for (size_t i = 0; i < nlib; i++)
			json_object_set_new(libs, libraries[i].name,
					    cg_json_cstr(libraries[i].version()));
		json_object_set_new(o, "libraries", libs);
		cg_buf out;
		cg_buf_init(&out, 1 << 16);
		cg_json_encode(&out, o);
		puts(cg_buf_cstr(&out));
		cg_buf_free(&out);
		json_decref(o);
		return CG_EXIT_OK;
	}
	printf(cg_tr("canhgac %s\nbuild: %s\ncompiler: %s\nrules: %s\nlibraries:\n"), CG_VERSION,
	       build_options(), __VERSION__, rules);
	for (size_t i = 0; i < nlib; i++)
		printf("  %-12s %s\n", libraries[i].name, libraries[i].version());
	return CG_EXIT_OK;
}
