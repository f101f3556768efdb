/*
 * dest.c - the syslog destinations of the server's configuration file and
 * their filters (syslog.h). Only parsing and deciding: the sending is the
 * server's (server/forward_job.c).
 *
 * A destination's name is the part of its section after "forward." and
 * names its job and its cursor in the store, so renaming a section starts
 * a new cursor (from the first event still stored) on purpose: the old
 * receiver's progress says nothing about a new one.
 */
#include "syslog.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config_sections.h"
#include "core/event.h"

static const char *const dest_keys[] = {"url",      "format",  "min_severity", "sources",
                                        "agencies", "ca_file", "server_name"};

bool cg_fwd_known_key(const char *key)
{
	for (size_t i = 0; i < sizeof dest_keys / sizeof dest_keys[0]; i++)
		if (strcmp(dest_keys[i], key) == 0)
			return true;
	return false;
}

static cg_err fail(cg_buf *why, const char *msg)
{
	cg_buf_reset(why);
	cg_buf_puts(why, msg);
	return CG_EINVAL;
}

/* A host name or address: letters, digits, '.', '-', '_' (and ':' inside
 * brackets for IPv6). Nothing else reaches getaddrinfo or the TLS name. */
static bool host_ok(cg_slice h, bool v6)
{
	if (h.len == 0 || h.len > 253)
		return false;
	for (size_t i = 0; i < h.len; i++) {
		char c = h.ptr[i];
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		          (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_' ||
		          (v6 && (c == ':' || c == '%'));
		if (!ok)
			return false;
	}
	return true;
}

cg_err cg_fwd_parse_url(cg_slice url, cg_fwd_dest *d, cg_buf *why)
{
	static const struct {
		const char *scheme;
		cg_fwd_transport t;
	} schemes[] = {{"udp://", CG_FWD_UDP}, {"tcp://", CG_FWD_TCP}, {"tls://", CG_FWD_TLS}};
	size_t i = 0;
	for (; i < 3; i++)
		if (cg_slice_starts_with(url, cg_slice_cstr(schemes[i].scheme)))
			break;
	if (i == 3)
		return fail(why, "url must start with udp://, tcp:// or tls://");
	d->transport = schemes[i].t;
	cg_slice rest = cg_slice_from(url.ptr + 6, url.len - 6);
	cg_slice host, port;
	bool v6 = rest.len > 0 && rest.ptr[0] == '[';
	if (v6) {
		const char *close = memchr(rest.ptr, ']', rest.len);
		if (!close)
			return fail(why, "url: '[' without ']'");
		host = cg_slice_from(rest.ptr + 1, (size_t)(close - rest.ptr) - 1);
		size_t used = (size_t)(close - rest.ptr) + 1;
		if (used >= rest.len || rest.ptr[used] != ':')
			return fail(why, "url needs HOST:PORT");
		port = cg_slice_from(rest.ptr + used + 1, rest.len - used - 1);
	} else {
		const char *colon = memchr(rest.ptr, ':', rest.len);
		if (!colon)
			return fail(why, "url needs HOST:PORT");
		host = cg_slice_from(rest.ptr, (size_t)(colon - rest.ptr));
		port = cg_slice_from(colon + 1, rest.len - host.len - 1);
	}
	if (!host_ok(host, v6))
		return fail(why, "url: invalid host");
	int64_t p;
	if (cg_parse_i64(port, 1, 65535, &p))
		return fail(why, "url: port must be 1-65535");
	cg_slice_copy(host, d->host, sizeof d->host);
	d->port = (uint16_t)p;
	return CG_OK;
}

/* "a, b,c" into at most CG_FWD_MAX_FILTER trimmed, non-empty items. */
static cg_err split_list(const char *v, cg_slice *items, size_t *n, cg_buf *why)
{
	*n = 0;
	cg_slice s = cg_slice_cstr(v);
	while (s.len) {
		const char *comma = memchr(s.ptr, ',', s.len);
		size_t k = comma ? (size_t)(comma - s.ptr) : s.len;
		cg_slice item = cg_slice_trim(cg_slice_from(s.ptr, k));
		if (item.len == 0)
			return fail(why, "empty item in a list");
		if (*n == CG_FWD_MAX_FILTER)
			return fail(why, "too many items in a list");
		items[(*n)++] = item;
		s = comma ? cg_slice_from(comma + 1, s.len - k - 1) : cg_slice_from(s.ptr + k, 0);
		if (comma && s.len == 0)
			return fail(why, "empty item in a list");
	}
	return CG_OK;
}

/* The line of key in section, for messages. */
static int line_of(const cg_config *ini, const char *section, const char *key)
{
	const char *sec, *k;
	int line;
	for (size_t i = 0; cg_config_entry(ini, i, &sec, &k, &line); i++)
		if (strcmp(sec, section) == 0 && (!key || strcmp(k, key) == 0))
			return line;
	return 0;
}

static cg_err one_dest(const cg_config *ini, const char *section, cg_fwd_dest *d, const char **bad,
                       cg_buf *why)
{
	memset(d, 0, sizeof *d);
	*bad = NULL;
	snprintf(d->name, sizeof d->name, "%s", section + strlen("forward."));
	const char *v = cg_config_get(ini, section, "url");
	*bad = "url";
	if (!v)
		return fail(why, "a destination needs url");
	cg_err err = cg_fwd_parse_url(cg_slice_cstr(v), d, why);
	if (err)
		return err;
	v = cg_config_get(ini, section, "format");
	*bad = "format";
	if (!v || strcmp(v, "cef") == 0)
		d->format = CG_FWD_CEF;
	else if (strcmp(v, "rfc5424") == 0)
		d->format = CG_FWD_RFC5424;
	else
		return fail(why, "format must be cef or rfc5424");
	v = cg_config_get(ini, section, "min_severity");
	*bad = "min_severity";
	if (v && cg_severity_parse(v, (cg_severity *)&d->min_severity))
		return fail(why, "min_severity must be info, low, medium, high or critical");
	cg_slice items[CG_FWD_MAX_FILTER];
	size_t n = 0;
	*bad = "sources";
	if ((v = cg_config_get(ini, section, "sources"))) {
		if ((err = split_list(v, items, &n, why)))
			return err;
		for (size_t i = 0; i < n; i++)
			if (cg_slice_copy(items[i], d->sources[i], sizeof d->sources[i]))
				return fail(why, "a source name is too long");
		d->nsources = n;
	}
	*bad = "agencies";
	if ((v = cg_config_get(ini, section, "agencies"))) {
		if ((err = split_list(v, items, &n, why)))
			return err;
		for (size_t i = 0; i < n; i++)
			if (cg_parse_i64(items[i], 1, INT64_MAX, &d->agencies[i]))
				return fail(why, "agencies is a list of agency ids");
		d->nagencies = n;
	}
	*bad = "ca_file";
	if ((v = cg_config_get(ini, section, "ca_file"))) {
		if (!*v || strlen(v) >= sizeof d->ca_file)
			return fail(why, "ca_file: empty or too long");
		if (d->transport != CG_FWD_TLS)
			return fail(why, "ca_file is for tls:// only");
		snprintf(d->ca_file, sizeof d->ca_file, "%s", v);
	}
	*bad = "server_name";
	if ((v = cg_config_get(ini, section, "server_name"))) {
		if (!host_ok(cg_slice_cstr(v), false) || strlen(v) >= sizeof d->server_name)
			return fail(why, "server_name: not a host name");
		if (d->transport != CG_FWD_TLS)
			return fail(why, "server_name is for tls:// only");
		snprintf(d->server_name, sizeof d->server_name, "%s", v);
	}
	*bad = NULL;
	return CG_OK;
}

/* one_dest, its reason placed at the line of the key it names */
static cg_err read_dest(const cg_config *ini, const char *sec, void *item, cg_buf *why)
{
	const char *bad;
	cg_buf reason;
	cg_buf_init(&reason, 256);
	cg_err err = one_dest(ini, sec, item, &bad, &reason);
	if (err) {
		cg_buf_reset(why);
		cg_buf_printf(
		    why, "%s:%d: [%s]: %s", cg_config_name(ini),
		    line_of(ini, sec, bad ? (cg_config_get(ini, sec, bad) ? bad : NULL) : NULL),
		    sec, cg_buf_cstr(&reason));
	}
	cg_buf_free(&reason);
	return err;
}

cg_err cg_fwd_dests_from_config(const cg_config *ini, cg_fwd_dest **out, size_t *n, cg_buf *why)
{
	static const cg_config_sections rules = {
	    .prefix = "forward.",
	    .keys = dest_keys,
	    .nkeys = sizeof dest_keys / sizeof *dest_keys,
	    .max = CG_FWD_MAX_DESTS,
	    .name_max = CG_FWD_NAME_MAX,
	    .name_rule = "a destination needs a name of 1-48 letters, digits, '-', '_' or '.': "
	                 "[forward.NAME]",
	};
	void *items;
	cg_err err = cg_config_read_sections(ini, &rules, sizeof **out, read_dest, &items, n, why);
	*out = items;
	return err;
}

bool cg_fwd_wants(const cg_fwd_dest *d, const json_t *event)
{
	cg_severity sev = CG_SEV_INFO;
	const char *s = json_string_value(json_object_get(event, "severity"));
	if (!s || cg_severity_parse(s, &sev))
		sev = CG_SEV_INFO;
	if ((int)sev < d->min_severity)
		return false;
	if (d->nsources) {
		const char *src = json_string_value(json_object_get(event, "source"));
		bool hit = false;
		for (size_t i = 0; src && i < d->nsources && !hit; i++)
			hit = strcmp(src, d->sources[i]) == 0;
		if (!hit)
			return false;
	}
	if (d->nagencies) {
		json_t *a = json_object_get(event, "agency_id");
		bool hit = false;
		for (size_t i = 0; json_is_integer(a) && i < d->nagencies && !hit; i++)
			hit = json_integer_value(a) == d->agencies[i];
		if (!hit)
			return false;
	}
	return true;
}

bool cg_fwd_wants_row(const cg_fwd_dest *d, const cg_fwd_row *r)
{
	if (r->severity < d->min_severity)
		return false;
	if (d->nsources) {
		bool hit = false;
		for (size_t i = 0; i < d->nsources && !hit; i++)
			hit = strcmp(r->source, d->sources[i]) == 0;
		if (!hit)
			return false;
	}
	if (d->nagencies) {
		bool hit = false;
		for (size_t i = 0; r->has_agency_id && i < d->nagencies && !hit; i++)
			hit = r->agency_id == d->agencies[i];
		if (!hit)
			return false;
	}
	return true;
}
