/*
 * intel_mispfeed.h - a MISP feed ([intel.NAME] kind = misp-feed): the
 * directory layout MISP writes for its own feeds and reads from others',
 * served over HTTP(S):
 *
 *   URL/manifest.json   {"<event uuid>": {"info", "Tag", "timestamp", ...}, ...}
 *   URL/<uuid>.json     {"Event": {...}} (MISP core format)
 *   URL/hashes.csv      "<md5 of a value>,<event uuid>" lines
 *
 * A pull reads the manifest, keeps the events whose timestamp (the time
 * of the event's last change) is after the source's cursor, and fetches
 * those alone, oldest first, at most CG_INTEL_FEED_EVENTS_PER_PULL of
 * them; each is read by the MISP event reader (intel.h) and the cursor
 * becomes the newest timestamp fetched. An unchanged feed thus costs one
 * request; an event edited at the source is fetched again and its
 * indicators updated. hashes.csv is not read: it holds digests of the
 * values (for MISP's correlation cache), not the values, so nothing in
 * it can be matched.
 *
 * The manifest is hostile input: a member name is used in a URL only
 * when it is a well-formed UUID (so no path or query can be smuggled in),
 * a timestamp is a number or decimal string of seconds, and anything
 * else is skipped and counted.
 */
#ifndef CG_SHARE_INTEL_MISPFEED_H
#define CG_SHARE_INTEL_MISPFEED_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/error.h"
#include "intel.h"
#include "intel_feed.h"

typedef struct cg_mispfeed_event {
	char uuid[37];
	int64_t ts; /* seconds */
} cg_mispfeed_event;

/* The events of manifest text whose timestamp is > after_s, oldest first
 * (ties by uuid). *out is malloc'd (free it; NULL when *n is 0);
 * *skipped counts members that are not a uuid with a timestamp.
 * CG_EPARSE with *why when the text is not a JSON object; CG_ETOOBIG past
 * CG_INTEL_MAX_INPUT bytes or CG_INTEL_FEED_MAX_EVENTS members. */
cg_err cg_mispfeed_manifest(cg_slice text, int64_t after_s, cg_mispfeed_event **out, size_t *n,
                            size_t *skipped, cg_buf *why);

/* One pull of the feed f (kind misp-feed) after cursor (decimal seconds,
 * "" for none): items appended to *items, stats into s, pages counts the
 * event files fetched; new_cursor (64 bytes) gets the cursor to keep. */
cg_err cg_mispfeed_pull(const cg_intel_feed *f, int64_t now_ms, const char *cursor, json_t **items,
                        cg_intel_stats *s, cg_intel_pull_result *res, char *new_cursor,
                        cg_buf *why);

#endif
