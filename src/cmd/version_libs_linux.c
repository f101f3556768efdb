/*
 * version_libs_linux.c - the libraries the Linux build links, each with
 * the call that reports the version it runs with (version_libs.h).
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

#include "malware/rules.h"
#include "version_libs.h"

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
	snprintf(v, sizeof v, "%d.%d.%d", libgsf_major_version, libgsf_minor_version,
	         libgsf_micro_version);
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

const cg_version_lib cg_version_libs[] = {
    {"jansson", jansson_version},
    {"libarchive", libarchive_version},
    {"utf8proc", utf8proc_version_str},
    {"libpcap", libpcap_version},
    {"libcurl", curl_version_str},
    {"libpsl", psl_get_version},
    {"libxml2", libxml2_version},
    {"sqlite3", sqlite3_libversion},
    {"libmicrohttpd", MHD_get_version},
    {"gnutls", gnutls_version},
    {"libsodium", sodium_version_string},
    {"openssl", openssl_version},
    {"zlib", zlibVersion},
    {"libyara", yara_version},
    {"poppler", poppler_version},
    {"libgsf", gsf_version},
};
const size_t cg_version_nlibs = sizeof cg_version_libs / sizeof cg_version_libs[0];
