/*
 * portal_contact.h - the portal watcher's check that an agency's incident
 * contact point is published on its portal (issue 14, R11): after each
 * check of a portal (a system of kind "portal"), the page the watcher
 * fetched is read as text (lib/web page.h: the visible text and the
 * mailto:/tel: links; hidden text does not count) and the agency's
 * contact points (inventory people of role contact_point) are looked for
 * in it (compliance/contact.h).
 *
 * The result is an event (source CG_COMPLIANCE_CONTACT_SOURCE, kind the
 * state: "published", "not_found" or "fetch_failed" when the page could
 * not be read, subject the URL, evidence {state, url, found, error}),
 * stored by the watcher when the state of the URL changes and at least
 * daily, which compliance/gather.c reads for the contact_published
 * evidence. A page that could not be read is never taken as published.
 */
#ifndef CG_SERVER_PORTAL_CONTACT_H
#define CG_SERVER_PORTAL_CONTACT_H

#include <jansson.h>

#include "core/event.h"
#include "store/store.h"
#include "web/fetch.h"

/* {"<agency id>": {"phones": [national digits], "emails": [address]}}
 * of every contact point with a phone or e-mail that normalises. NULL
 * when the store cannot be read. */
json_t *cg_portal_contacts_load(cg_store *st);

/* The check of one fetched page (r: the browser request of the watcher,
 * with its body) against an agency's points (an entry of the map above)
 * into ev (initialised here; the caller clears it). */
cg_err cg_portal_contact_check(const json_t *points, const char *url, const cg_web_req *r,
                               cg_event *ev);

#endif
