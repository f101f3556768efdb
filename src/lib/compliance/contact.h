/*
 * contact.h - is an agency's incident contact point (its phone number or
 * e-mail address) published on its portal? Read from the text of the page
 * the portal watcher fetched (server/web_watch.c), never from a flag.
 *
 * Phone numbers are compared as Vietnamese national numbers: the digits
 * after the trunk prefix 0 or the country code +84 ("0213 3852 113",
 * "+84 213.3852.113", "(0213) 3852-113" are all 2133852113). In the page,
 * a number may be written with spaces, dots, dashes, brackets or
 * non-breaking spaces between its digits, after "0", "+84" or "(+84)",
 * and must not run on into other digits. E-mail addresses compare without
 * case, and the page's usual disguises of '@' and '.' ("[at]", "(at)",
 * "[@]", "[dot]", "(dot)", spaces around '@') are undone first.
 *
 * The page text is hostile input: it is read as {ptr, len}, bounded by
 * the watcher's page limit, and only compared, never copied whole.
 */
#ifndef CG_COMPLIANCE_CONTACT_H
#define CG_COMPLIANCE_CONTACT_H

#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"
#include "core/limits.h"

/* The national digits of a phone number written in the inventory, into
 * out (CG_CONTACT_MAX_PHONE bytes); false when it is not one (8 to 10
 * digits after 0 or +84). */
bool cg_contact_phone_norm(cg_slice in, char *out);
/* The address in lower case, trimmed, into out (CG_CONTACT_MAX_EMAIL
 * bytes); false when it is not LOCAL@DOMAIN.TLD. */
bool cg_contact_email_norm(cg_slice in, char *out);

/* Whether the page text shows the phone (its national digits, as
 * cg_contact_phone_norm gives them). */
bool cg_contact_text_has_phone(cg_slice text, const char *national);
/* Whether the page text shows the address (as cg_contact_email_norm
 * gives it). */
bool cg_contact_text_has_email(cg_slice text, const char *email);

#endif
