/*
 * format.c - the syslog messages of forwarded events: CEF and RFC 5424
 * JSON, and their framing (syslog.h).
 *
 * The message is built in one pass into the caller's buffer, which the
 * sender reuses for a whole batch: no allocation per event except what
 * jansson needs to encode the JSON format. Header and CEF are written
 * from a cg_fwd_row (store.h): the forwarder reads CEF's straight from
 * the store's rows, and an event record is turned into one first, so
 * both ways give the same bytes. Every string of the event is
 * attacker text; the escaping functions below are the only way one
 * reaches the message.
 */
#include "syslog.h"

#include <stdio.h>
#include <string.h>

#include "core/event.h"
#include "core/json.h"
#include "core/timeutil.h"
#include "version.h"

static const char *str_of(const json_t *ev, const char *key)
{
	const char *s = json_string_value(json_object_get(ev, key));
	return s ? s : "";
}

/* n in decimal into num (at least 21 bytes), as "%lld" writes it,
 * without printf (which was the largest cost of a CEF message). Returns
 * the length. */
static size_t dec(int64_t n, char *num)
{
	char t[24];
	size_t k = 0;
	uint64_t u = n < 0 ? 0 - (uint64_t)n : (uint64_t)n;
	do {
		t[k++] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	size_t len = 0;
	if (n < 0)
		num[len++] = '-';
	while (k)
		num[len++] = t[--k];
	num[len] = '\0';
	return len;
}

static cg_err put_dec(cg_buf *out, int64_t n)
{
	char num[24];
	return cg_buf_append(out, num, dec(n, num));
}

/* A control character other than those an escaper handles. */
static bool is_ctl(unsigned char c)
{
	return c < 0x20 || c == 0x7f;
}

/* The length of the run of s from i on that needs no escaping (the
 * escapers copy such runs whole: most text has nothing to escape). */
static size_t plain_run(cg_slice s, size_t i, char special)
{
	size_t j = i;
	while (j < s.len) {
		unsigned char c = (unsigned char)s.ptr[j];
		if (is_ctl(c) || c == '\\' || c == (unsigned char)special)
			break;
		j++;
	}
	return j - i;
}

cg_err cg_cef_header_escape(cg_slice s, cg_buf *out)
{
	cg_err err = CG_OK;
	for (size_t i = 0; i < s.len && !err; i++) {
		size_t run = plain_run(s, i, '|');
		if (run) {
			err = cg_buf_append(out, s.ptr + i, run);
			i += run - 1;
			continue;
		}
		unsigned char c = (unsigned char)s.ptr[i];
		if (c == '\\' || c == '|') {
			char e[2] = {'\\', (char)c};
			err = cg_buf_append(out, e, 2);
		} else
			err = cg_buf_putc(out, is_ctl(c) ? ' ' : (char)c);
	}
	return err;
}

cg_err cg_cef_value_escape(cg_slice s, cg_buf *out)
{
	cg_err err = CG_OK;
	for (size_t i = 0; i < s.len && !err; i++) {
		size_t run = plain_run(s, i, '=');
		if (run) {
			err = cg_buf_append(out, s.ptr + i, run);
			i += run - 1;
			continue;
		}
		unsigned char c = (unsigned char)s.ptr[i];
		if (c == '\\' || c == '=')
			err = cg_buf_append(out, (char[]){'\\', (char)c}, 2);
		else if (c == '\r' && i + 1 < s.len && s.ptr[i + 1] == '\n') {
			/* the spec's "multi-line fields": one \n for CRLF */
			err = cg_buf_append(out, "\\n", 2);
			i++;
		} else if (c == '\n')
			err = cg_buf_append(out, "\\n", 2);
		else if (c == '\r')
			err = cg_buf_append(out, "\\r", 2);
		else
			err = cg_buf_putc(out, is_ctl(c) ? ' ' : (char)c);
	}
	return err;
}

int cg_cef_severity(int severity)
{
	static const int map[] = {1, 3, 5, 8, 10};
	return severity >= 0 && severity <= 4 ? map[severity] : 0;
}

/* syslog severity (RFC 5424 table 2) of a cg_severity: critical -> crit,
 * high -> err, medium -> warning, low -> notice, info -> info. */
static int syslog_severity(int severity)
{
	static const int map[] = {6, 5, 4, 3, 2};
	return severity >= 0 && severity <= 4 ? map[severity] : 6;
}

/* Facility 13 is "log audit"; SIEMs file security events under it. */
#define FACILITY 13

/* An RFC 5424 header field: printable US-ASCII without space, at most
 * max characters, "-" when empty. */
static cg_err header_field(const char *s, size_t max, cg_buf *out)
{
	size_t n = strlen(s);
	if (n == 0)
		return cg_buf_putc(out, '-');
	if (n > max)
		n = max;
	size_t start = out->len;
	cg_err err = cg_buf_append(out, s, n);
	for (size_t i = start; !err && i < out->len; i++) {
		unsigned char c = (unsigned char)out->ptr[i];
		if (c <= 32 || c >= 127)
			out->ptr[i] = '_';
	}
	return err;
}

/* An SD-PARAM value: '"', '\' and ']' escaped (RFC 5424 6.3.3). */
static cg_err sd_value(const char *s, cg_buf *out)
{
	cg_err err = CG_OK;
	for (; *s && !err; s++) {
		if (*s == '"' || *s == '\\' || *s == ']')
			err = cg_buf_putc(out, '\\');
		if (!err)
			err = cg_buf_putc(out, is_ctl((unsigned char)*s) ? ' ' : *s);
	}
	return err;
}

/* One extension pair (none for an empty value); pairs are separated by
 * one space. *first: nothing written yet. */
static cg_err ext_pair(cg_buf *out, bool *first, const char *key, const char *value)
{
	if (!*value)
		return CG_OK;
	cg_err err = *first ? CG_OK : cg_buf_putc(out, ' ');
	*first = false;
	if (!err)
		err = cg_buf_puts(out, key);
	if (!err)
		err = cg_buf_putc(out, '=');
	return err ? err : cg_cef_value_escape(cg_slice_cstr(value), out);
}
#define ext(out, k, v) ext_pair((out), &first, (k), (v))

static cg_err cef_body(const cg_fwd_row *r, cg_buf *out)
{
	cg_err err = cg_buf_puts(out, "CEF:0|canhgac|canhgac|");
	if (!err)
		err = cg_cef_header_escape(cg_slice_cstr(CG_VERSION), out);
	if (!err)
		err = cg_buf_putc(out, '|');
	if (!err)
		err = cg_cef_header_escape(cg_slice_cstr(r->source), out);
	if (!err)
		err = cg_buf_putc(out, '.');
	if (!err)
		err = cg_cef_header_escape(cg_slice_cstr(r->kind), out);
	if (!err)
		err = cg_buf_putc(out, '|');
	if (!err)
		err = cg_cef_header_escape(cg_slice_cstr(r->summary), out);
	if (!err)
		err = cg_buf_putc(out, '|');
	if (!err)
		err = put_dec(out, cg_cef_severity(r->severity));
	if (!err)
		err = cg_buf_putc(out, '|');
	if (err)
		return err;
	/* extension: rt in ms since the epoch (a CEF form of date) */
	bool first = true;
	int64_t ms = 0;
	char num[32];
	if (cg_time_parse(cg_slice_cstr(r->time), &ms) == CG_OK) {
		dec(ms, num);
		err = ext(out, "rt", num);
	}
	if (!err)
		err = ext(out, "externalId", r->id);
	if (!err)
		err = ext(out, "cat", r->source);
	if (!err)
		err = ext(out, "dhost", r->host);
	if (!err)
		err = ext(out, "msg", r->summary);
	if (!err && *r->subject)
		err = ext(out, "cs1Label", "subject");
	if (!err)
		err = ext(out, "cs1", r->subject);
	if (!err && *r->agency)
		err = ext(out, "cs2Label", "agency");
	if (!err)
		err = ext(out, "cs2", r->agency);
	if (!err && r->has_agency_id) {
		dec(r->agency_id, num);
		err = ext(out, "cn1Label", "agencyId");
		if (!err)
			err = ext(out, "cn1", num);
	}
	dec(r->seq, num);
	if (!err)
		err = ext(out, "cn2Label", "seq");
	if (!err)
		err = ext(out, "cn2", num);
	return err;
}

/* The event as JSON; without its evidence when the whole would not fit. */
static cg_err json_body(const json_t *ev, size_t room, cg_buf *out)
{
	size_t start = out->len;
	cg_err err = cg_json_encode(out, ev);
	if (err == CG_OK && out->len - start <= room)
		return CG_OK;
	if (err && err != CG_ETOOBIG)
		return err;
	out->len = start;
	json_t *copy = json_copy((json_t *)ev);
	if (!copy)
		return CG_ENOMEM;
	json_object_set_new(copy, "evidence", json_object());
	json_object_set_new(copy, "evidence_truncated", json_true());
	err = cg_json_encode(out, copy);
	json_decref(copy);
	if (!err && out->len - start > room)
		err = CG_ETOOBIG;
	return err;
}

/* The header fields and CEF body come from r; the JSON body from ev
 * (RFC 5424 only; NULL with CEF). */
static cg_err message(cg_fwd_format fmt, cg_fwd_transport transport, const char *host,
                      const cg_fwd_row *r, const json_t *ev, cg_buf *out)
{
	int sev = r->severity;
	/* built in place; the octet count is put in front at the end */
	size_t start = out->len;
	cg_buf *m = out;
	cg_err err = cg_buf_putc(m, '<');
	if (!err)
		err = put_dec(m, FACILITY * 8 + syslog_severity(sev));
	if (!err)
		err = cg_buf_puts(m, ">1 ");
	if (!err)
		err = header_field(r->time, 32, m);
	if (!err)
		err = cg_buf_putc(m, ' ');
	if (!err)
		err = header_field(host ? host : "", 255, m);
	if (!err)
		err = cg_buf_puts(m, " canhgac - ");
	if (!err)
		err = header_field(fmt == CG_FWD_CEF ? "cef" : r->source, 32, m);
	if (!err && fmt == CG_FWD_CEF)
		err = cg_buf_puts(m, " - ");
	else if (!err) {
		err =
		    cg_buf_printf(m, " [" CG_SYSLOG_SD_ID " seq=\"%lld\" id=\"", (long long)r->seq);
		if (!err)
			err = sd_value(r->id, m);
		if (!err)
			err = cg_buf_puts(m, "\"] ");
	}
	if (!err)
		err = fmt == CG_FWD_CEF ? cef_body(r, m)
		      : ev              ? json_body(ev, CG_SYSLOG_MSG_MAX - (m->len - start), m)
		                        : CG_EINVAL;
	size_t n = m->len - start;
	if (!err && n > CG_SYSLOG_MSG_MAX)
		err = CG_ETOOBIG;
	if (!err && transport != CG_FWD_UDP) {
		char pre[24];
		size_t k = dec((int64_t)n, pre);
		pre[k++] = ' ';
		err = cg_buf_reserve(out, k);
		if (!err) {
			memmove(out->ptr + start + k, out->ptr + start, n);
			memcpy(out->ptr + start, pre, k);
			out->len += k;
			out->ptr[out->len] = '\0';
		}
	}
	if (err)
		out->len = start;
	return err;
}

void cg_fwd_row_of_json(const json_t *ev, cg_fwd_row *r)
{
	cg_severity sev = CG_SEV_INFO;
	if (cg_severity_parse(str_of(ev, "severity"), &sev))
		sev = CG_SEV_INFO;
	json_t *aid = json_object_get(ev, "agency_id");
	*r = (cg_fwd_row){
	    .seq = json_integer_value(json_object_get(ev, "seq")),
	    .id = str_of(ev, "id"),
	    .time = str_of(ev, "time"),
	    .host = str_of(ev, "host"),
	    .agency = str_of(ev, "agency"),
	    .source = str_of(ev, "source"),
	    .kind = str_of(ev, "kind"),
	    .subject = str_of(ev, "subject"),
	    .summary = str_of(ev, "summary"),
	    .severity = (int)sev,
	    .has_agency_id = json_is_integer(aid),
	    .agency_id = json_integer_value(aid),
	};
}

cg_err cg_syslog_message(cg_fwd_format fmt, cg_fwd_transport transport, const char *host,
                         const json_t *ev, cg_buf *out)
{
	cg_fwd_row r;
	cg_fwd_row_of_json(ev, &r);
	return message(fmt, transport, host, &r, ev, out);
}

cg_err cg_syslog_cef_row(cg_fwd_transport transport, const char *host, const cg_fwd_row *r,
                         cg_buf *out)
{
	return message(CG_FWD_CEF, transport, host, r, NULL, out);
}
