/*
 * event.c - see event.h. Decoding is strict (unknown top-level members are
 * refused, so a typo in an agent does not silently drop data); encoding
 * goes through cg_json_quote so stored and displayed text is always safe.
 */
#include "event.h"

#include <stdlib.h>
#include <string.h>

#include "hex.h"
#include "json.h"
#include "platform/random.h"
#include "timeutil.h"

#define EV_STR2(x) #x
#define EV_STR(x) EV_STR2(x)

static const char *const severity_names[] = { "info", "low", "medium", "high",
					       "critical" };

const char *cg_severity_name(cg_severity s)
{
	return (unsigned)s <= CG_SEV_CRITICAL ? severity_names[s] : "info";
}

cg_err cg_severity_parse(const char *name, cg_severity *out)
{
	for (int i = 0; i <= CG_SEV_CRITICAL; i++) {
		if (name && strcmp(name, severity_names[i]) == 0) {
			*out = (cg_severity)i;
			return CG_OK;
		}
	}
	return CG_EINVAL;
}

void cg_event_new_id(char out[33])
{
	unsigned char r[16];
	/* The system's generator does not fail on a running system; an id
	 * must be random, so retry rather than fall back to anything weaker. */
	while (cg_random_bytes(r, sizeof r) != CG_OK) {
	}
	cg_hex_encode(r, 16, out);
}

cg_err cg_event_init(cg_event *ev)
{
	memset(ev, 0, sizeof *ev);
	cg_event_new_id(ev->id);
	ev->time_ms = cg_time_now_ms();
	ev->severity = CG_SEV_INFO;
	ev->evidence = json_object();
	return ev->evidence ? CG_OK : CG_ENOMEM;
}

void cg_event_clear(cg_event *ev)
{
	free(ev->host);
	free(ev->agency);
	free(ev->source);
	free(ev->kind);
	free(ev->subject);
	free(ev->summary);
	json_decref(ev->evidence);
	memset(ev, 0, sizeof *ev);
}

static char **field_slot(cg_event *ev, cg_event_field f, size_t *limit)
{
	*limit = CG_MAX_EVENT_FIELD;
	switch (f) {
	case CG_EV_HOST:
		return &ev->host;
	case CG_EV_AGENCY:
		return &ev->agency;
	case CG_EV_SOURCE:
		return &ev->source;
	case CG_EV_KIND:
		return &ev->kind;
	case CG_EV_SUBJECT:
		return &ev->subject;
	case CG_EV_SUMMARY:
		*limit = CG_MAX_EVENT_SUMMARY;
		return &ev->summary;
	}
	return NULL;
}

/* Longest prefix of s (valid UTF-8) that fits in limit bytes without
 * splitting a character. */
static size_t utf8_prefix(const char *s, size_t len, size_t limit)
{
	if (len <= limit)
		return len;
	size_t n = limit;
	while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	return n;
}

cg_err cg_event_set(cg_event *ev, cg_event_field f, cg_slice value)
{
	size_t limit;
	char **slot = field_slot(ev, f, &limit);
	if (!slot)
		return CG_EINVAL;
	cg_buf b;
	cg_buf_init(&b, value.len * 3 + 1);
	cg_err err = cg_utf8_sanitize(&b, value);
	if (err) {
		cg_buf_free(&b);
		return err;
	}
	size_t n = utf8_prefix(cg_buf_cstr(&b), b.len, limit);
	char *copy = malloc(n + 1);
	if (!copy) {
		cg_buf_free(&b);
		return CG_ENOMEM;
	}
	memcpy(copy, cg_buf_cstr(&b), n);
	copy[n] = '\0';
	cg_buf_free(&b);
	free(*slot);
	*slot = copy;
	return CG_OK;
}

static cg_err put_member(cg_buf *out, const char *key, const char *val)
{
	if (!val)
		return CG_OK;
	cg_err err = cg_buf_putc(out, ',');
	if (!err)
		err = cg_json_quote(out, cg_slice_cstr(key));
	if (!err)
		err = cg_buf_putc(out, ':');
	if (!err)
		err = cg_json_quote(out, cg_slice_cstr(val));
	return err;
}

cg_err cg_event_encode(const cg_event *ev, cg_buf *out)
{
	char ts[32];
	size_t mark = out->len;
	cg_time_format(ev->time_ms, ts, sizeof ts);
	cg_err err = cg_buf_puts(out, "{\"id\":");
	if (!err)
		err = cg_json_quote(out, cg_slice_cstr(ev->id));
	if (!err)
		err = put_member(out, "time", ts);
	if (!err)
		err = put_member(out, "host", ev->host);
	if (!err)
		err = put_member(out, "agency", ev->agency);
	if (!err)
		err = put_member(out, "source", ev->source);
	if (!err)
		err = put_member(out, "kind", ev->kind);
	if (!err)
		err = put_member(out, "severity", cg_severity_name(ev->severity));
	if (!err)
		err = put_member(out, "subject", ev->subject);
	if (!err)
		err = put_member(out, "summary", ev->summary);
	if (!err)
		err = cg_buf_puts(out, ",\"evidence\":");
	if (!err)
		err = ev->evidence ? cg_json_encode(out, ev->evidence)
				   : cg_buf_puts(out, "{}");
	if (!err)
		err = cg_buf_putc(out, '}');
	if (err) {
		out->len = mark;
		if (out->ptr)
			out->ptr[mark] = '\0';
	}
	return err;
}

/* ---- decoding -------------------------------------------------------- */

static bool id_char_ok(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' ||
	       c == ':';
}

static cg_err fail(cg_buf *why, const char *field, const char *reason)
{
	if (why)
		cg_buf_printf(why, "%s: %s", field, reason);
	return CG_EINVAL;
}

static cg_err decode_id(const json_t *obj, cg_event *ev, bool allow_no_id,
			cg_buf *why)
{
	json_t *v = json_object_get(obj, "id");
	if (!v) {
		if (allow_no_id)
			return CG_OK; /* cg_event_init made one */
		return fail(why, "id", "missing");
	}
	if (!json_is_string(v))
		return fail(why, "id", "must be a string");
	size_t n = json_string_length(v);
	const char *s = json_string_value(v);
	if (n == 0 || n > CG_MAX_EVENT_ID)
		return fail(why, "id", "must be 1 to 64 characters");
	for (size_t i = 0; i < n; i++)
		if (!id_char_ok(s[i]))
			return fail(why, "id", "only letters, digits and -_.: allowed");
	memcpy(ev->id, s, n + 1);
	return CG_OK;
}

static cg_err decode_str(const json_t *obj, cg_event *ev, const char *key,
			 cg_event_field f, bool required, cg_buf *why)
{
	json_t *v = json_object_get(obj, key);
	if (!v || json_is_null(v))
		return required ? fail(why, key, "missing") : CG_OK;
	if (!json_is_string(v))
		return fail(why, key, "must be a string");
	size_t limit;
	field_slot(ev, f, &limit);
	size_t n = json_string_length(v);
	if (n > limit)
		return fail(why, key, "too long");
	if (required && n == 0)
		return fail(why, key, "must not be empty");
	return cg_event_set(ev, f, cg_slice_from(json_string_value(v), n));
}

static const char *const known_members[] = {
	"id",   "time",     "host",    "agency",  "source",
	"kind", "severity", "subject", "summary", "evidence",
};

cg_err cg_event_decode(const json_t *obj, cg_event *ev, bool allow_no_id,
		       cg_buf *why)
{
	cg_err err = cg_event_init(ev);
	if (err)
		return err;
	if (!json_is_object(obj)) {
		err = fail(why, "event", "must be a JSON object");
		goto out;
	}
	const char *key;
	json_t *val;
	json_object_foreach((json_t *)obj, key, val) {
		bool known = false;
		for (size_t i = 0; i < sizeof known_members / sizeof *known_members; i++)
			known |= strcmp(key, known_members[i]) == 0;
		if (!known) {
			err = fail(why, "event", "unknown member");
			goto out;
		}
	}
	if ((err = decode_id(obj, ev, allow_no_id, why)))
		goto out;
	json_t *t = json_object_get(obj, "time");
	if (t) {
		const char *ts = json_string_value(t);
		if (!ts || cg_time_parse(cg_slice_cstr(ts), &ev->time_ms)) {
			err = fail(why, "time", "must be an RFC 3339 timestamp");
			goto out;
		}
	}
	const char *sev = cg_json_get_str(obj, "severity");
	if (sev && cg_severity_parse(sev, &ev->severity)) {
		err = fail(why, "severity", "must be info, low, medium, high or critical");
		goto out;
	}
	if ((err = decode_str(obj, ev, "host", CG_EV_HOST, false, why)) ||
	    (err = decode_str(obj, ev, "agency", CG_EV_AGENCY, false, why)) ||
	    (err = decode_str(obj, ev, "source", CG_EV_SOURCE, true, why)) ||
	    (err = decode_str(obj, ev, "kind", CG_EV_KIND, true, why)) ||
	    (err = decode_str(obj, ev, "subject", CG_EV_SUBJECT, false, why)) ||
	    (err = decode_str(obj, ev, "summary", CG_EV_SUMMARY, true, why)))
		goto out;
	json_t *evd = json_object_get(obj, "evidence");
	if (evd && !json_is_null(evd)) {
		if (!json_is_object(evd)) {
			err = fail(why, "evidence", "must be an object");
			goto out;
		}
		cg_buf probe;
		cg_buf_init(&probe, CG_MAX_EVENT_JSON);
		err = cg_json_encode(&probe, evd);
		cg_buf_free(&probe);
		if (err) {
			err = fail(why, "evidence", "too large or too deep");
			goto out;
		}
		/* the event is embedded in responses (a list page adds three
		 * levels): keep room so every response that shows it encodes */
		if (cg_json_depth(evd, CG_MAX_EVIDENCE_DEPTH + 1) > CG_MAX_EVIDENCE_DEPTH) {
			err = fail(why, "evidence", "nested deeper than " EV_STR(CG_MAX_EVIDENCE_DEPTH) " levels");
			goto out;
		}
		json_decref(ev->evidence);
		ev->evidence = json_incref((json_t *)evd);
	}
out:
	if (err)
		cg_event_clear(ev);
	return err;
}
