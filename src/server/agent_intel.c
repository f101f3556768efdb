/*
 * agent_intel.c - the intelligence store's file hashes for the agents'
 * malware scans (docs/sharing.md "Hashes to the agents"):
 *
 *   GET /api/v1/agent/intel-hashes   agent token: the active SHA-256 and
 *       MD5 indicators as a plain hash list (malware/hashsig.h), one
 *       "HASH intel:SOURCE" a line, with ETag "VERSION"
 *
 * and the version the heartbeat answers (intel_version), so an agent
 * fetches the list only when it changed. The version is the first 128
 * bits of the SHA-256 of the list, in hex: the same indicators give the
 * same version on every server of one store, and an expiry changes it.
 *
 * The list is built from the store at most once per
 * CG_AGENT_INTEL_CACHE_MS and kept in memory (one copy for the process,
 * under a mutex): a thousand agents heartbeating each minute cost one
 * query of the intel store per period, not one each. An indicator that
 * expired leaves the list at the next rebuild.
 *
 * SHA-1 indicators are not served: the agents' scans compute SHA-256 and
 * MD5 only (hashsig.h skips SHA-1 lines). A hash appears once, named by
 * its first source by name (as `canhgac intel export --kind hashes`).
 *
 * What the agent does with it: detections only. The agent reports a
 * matching file as a malware finding naming intel:SOURCE and takes no
 * other action (it quarantines nothing, whatever matched); the list is
 * not part of the signed bundle, so it can add findings and nothing else.
 */
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/hex.h"
#include "core/json.h"
#include "core/limits.h"
#include "core/timeutil.h"
#include "server.h"
#include "server/agent_intel.h"
#include "version.h"

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static cg_buf cache_text;
static bool cache_init;
static char cache_version[CG_AGENT_INTEL_VERSION_LEN + 1];
static int64_t cache_built_ms; /* monotonic; 0 = never */

/* A source name as a hash list's name: no blank or control byte may end
 * or split the line (hashsig.h reads the name up to the line's end). */
static cg_err put_name(cg_buf *b, const char *name)
{
	cg_err err = cg_buf_puts(b, " intel:");
	for (const char *p = name; !err && *p; p++) {
		unsigned char c = (unsigned char)*p;
		err = cg_buf_putc(b, c < 0x21 || c == 0x7f ? '_' : (char)c);
	}
	return err ? err : cg_buf_putc(b, '\n');
}

static cg_err append_type(cg_store *st, const char *type, int64_t now, size_t *n, cg_buf *b)
{
	json_t *items = NULL;
	cg_err err = cg_store_intel_active(st, type, now, CG_AGENT_INTEL_MAX_HASHES, &items);
	size_t i;
	json_t *it;
	const char *last = "";
	json_array_foreach(items, i, it)
	{
		const char *v = cg_json_get_str(it, "value");
		const char *src = cg_json_get_str(it, "source");
		/* rows come by value then source: one line per value */
		if (err || !v || !src || strcmp(v, last) == 0 || *n >= CG_AGENT_INTEL_MAX_HASHES)
			continue;
		last = v;
		err = cg_buf_puts(b, v);
		if (!err)
			err = put_name(b, src);
		(*n)++;
	}
	json_decref(items);
	return err;
}

/* The cache's period. A build with its tests (CG_TEST_HOOKS; the Debian
 * packages have none) takes a shorter one from
 * CANHGAC_TEST_AGENT_INTEL_CACHE_MS, so a suite that imports indicators
 * does not wait out the period before its agent sees them. */
static int64_t cache_period_ms(void)
{
	int64_t d = CG_AGENT_INTEL_CACHE_MS;
#if CG_TEST_HOOKS
	const char *t = getenv("CANHGAC_TEST_AGENT_INTEL_CACHE_MS");
	int64_t v;
	if (t && cg_parse_i64(cg_slice_cstr(t), 0, d, &v) == CG_OK)
		d = v;
#endif
	return d;
}

/* Rebuilds the cache when it is older than the period. Under cache_lock. */
static cg_err refresh(cg_store *st)
{
	int64_t mono = cg_mono_ms();
	if (cache_built_ms && mono - cache_built_ms < cache_period_ms())
		return CG_OK;
	cg_buf b;
	cg_buf_init(&b, CG_AGENT_INTEL_MAX_BYTES);
	size_t n = 0;
	int64_t now = cg_time_now_ms();
	cg_err err = cg_buf_puts(&b, "# active intelligence hashes (canhgac server)\n");
	if (!err)
		err = append_type(st, "sha256", now, &n, &b);
	if (!err)
		err = append_type(st, "md5", now, &n, &b);
	if (err) {
		cg_buf_free(&b);
		return err;
	}
	unsigned char d[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(d, (const unsigned char *)b.ptr, b.len);
	if (cache_init)
		cg_buf_free(&cache_text);
	cache_text = b;
	cache_init = true;
	cg_hex_encode(d, CG_AGENT_INTEL_VERSION_LEN / 2, cache_version);
	cache_version[CG_AGENT_INTEL_VERSION_LEN] = '\0';
	cache_built_ms = mono ? mono : 1;
	return CG_OK;
}

cg_err cg_agent_intel_version(cg_store *st, char out[CG_AGENT_INTEL_VERSION_LEN + 1])
{
	pthread_mutex_lock(&cache_lock);
	cg_err err = refresh(st);
	if (!err)
		memcpy(out, cache_version, sizeof cache_version);
	pthread_mutex_unlock(&cache_lock);
	return err;
}

void api_agent_intel_hashes(cg_req *req, cg_resp *resp);
void api_agent_intel_hashes(cg_req *req, cg_resp *resp)
{
	pthread_mutex_lock(&cache_lock);
	cg_err err = refresh(req->srv->store);
	if (!err) {
		err = cg_buf_append(&resp->body, cache_text.ptr, cache_text.len);
		resp->hdr_name[0] = "ETag";
		snprintf(resp->hdr_value[0], sizeof resp->hdr_value[0], "\"%s\"", cache_version);
	}
	pthread_mutex_unlock(&cache_lock);
	if (err) {
		cg_resp_store_error(resp, err, "intelligence hashes");
		return;
	}
	resp->status = 200;
	resp->content_type = "text/plain; charset=utf-8";
}

void cg_agent_intel_reset(void)
{
	pthread_mutex_lock(&cache_lock);
	if (cache_init)
		cg_buf_free(&cache_text);
	cache_init = false;
	cache_built_ms = 0;
	pthread_mutex_unlock(&cache_lock);
}

/* ---- routes (gathered by routes.c; who may call: api/policy.h) -------- */

CG_ROUTE_GROUP(api_agent_intel);
const cg_route api_agent_intel_routes[] = {
    {"GET", "/api/v1/agent/intel-hashes", api_agent_intel_hashes, CG_PRES_AGENT_SELF, CG_ACT_READ,
     NULL},
};
CG_ROUTE_COUNT(api_agent_intel);
