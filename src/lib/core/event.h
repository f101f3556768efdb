/*
 * event.h - the one shape every finding takes, from every engine.
 *
 *   {"id","time","host","agency","source","kind","severity","subject",
 *    "summary","evidence":{...}}
 *
 * An engine fills a cg_event and encodes it; the agent spools the JSON; the
 * server decodes and validates it, stores it, filters, alerts and reports
 * on all events alike. `source` names the engine ("web", "malware",
 * "secrets", "dns", "agent", ...), `kind` the finding within it
 * ("defacement", "webshell", ...). `id` is chosen by the sender and makes
 * redelivery idempotent.
 *
 * Ownership: a cg_event owns its strings and its evidence reference.
 * cg_event_clear frees them. Setters copy (and sanitize) their input.
 */
#ifndef CG_EVENT_H
#define CG_EVENT_H

#include <jansson.h>
#include <stdint.h>

#include "buf.h"
#include "limits.h"

typedef enum cg_severity {
	CG_SEV_INFO = 0,
	CG_SEV_LOW = 1,
	CG_SEV_MEDIUM = 2,
	CG_SEV_HIGH = 3,
	CG_SEV_CRITICAL = 4,
} cg_severity;

typedef struct cg_event {
	char id[CG_MAX_EVENT_ID + 1];
	int64_t time_ms;
	cg_severity severity;
	char *host;      /* may be NULL */
	char *agency;    /* may be NULL */
	char *source;    /* required */
	char *kind;      /* required */
	char *subject;   /* what it is about: a URL, a path, an IP; may be NULL */
	char *summary;   /* one human line; required */
	json_t *evidence; /* an object, never NULL after init */
} cg_event;

typedef enum cg_event_field {
	CG_EV_HOST,
	CG_EV_AGENCY,
	CG_EV_SOURCE,
	CG_EV_KIND,
	CG_EV_SUBJECT,
	CG_EV_SUMMARY,
} cg_event_field;

/* Fresh event: new random id, time now, severity info, empty evidence. */
cg_err cg_event_init(cg_event *ev);
void cg_event_clear(cg_event *ev);
/* Copies value, replacing invalid UTF-8, and truncating at a character
 * boundary to the field's limit (evidence keeps the full text). */
cg_err cg_event_set(cg_event *ev, cg_event_field f, cg_slice value);
/* 32 random hex digits. */
void cg_event_new_id(char out[33]);

const char *cg_severity_name(cg_severity s);
cg_err cg_severity_parse(const char *name, cg_severity *out);

/* Appends the event as one compact JSON object (no newline). */
cg_err cg_event_encode(const cg_event *ev, cg_buf *out);
/* Builds the event from a decoded JSON object, checking every field.
 * On failure *why says which field and why. id is required unless
 * allow_no_id (then a new one is generated). */
cg_err cg_event_decode(const json_t *obj, cg_event *ev, bool allow_no_id,
		       cg_buf *why);

#endif
