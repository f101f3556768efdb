/* libFuzzer target: contact points in a portal's text (compliance/
 * contact.h). The input's first line is a contact as the inventory would
 * hold it, the rest the page text. Normalising never overflows and gives
 * digits (phones) or one '@' (e-mails); a normalised phone written as
 * "0" + its digits, and a normalised address, are always found in a text
 * that holds them between spaces; the text is searched without reading
 * past its end (ASan). */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compliance/contact.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data;
	const char *nl = memchr(p, '\n', size);
	size_t first = nl ? (size_t)(nl - p) : size;
	cg_slice contact = cg_slice_from(p, first);
	cg_slice text = nl ? cg_slice_from(nl + 1, size - first - 1) : cg_slice_from(p, 0);
	char ph[CG_CONTACT_MAX_PHONE], em[CG_CONTACT_MAX_EMAIL];
	if (cg_contact_phone_norm(contact, ph)) {
		size_t n = strlen(ph);
		if (n < 8 || n > 10 || strspn(ph, "0123456789") != n)
			abort();
		(void)cg_contact_text_has_phone(text, ph);
		char own[64];
		snprintf(own, sizeof own, "x 0%s x", ph);
		if (!cg_contact_text_has_phone(cg_slice_cstr(own), ph))
			abort();
	}
	if (cg_contact_email_norm(contact, em)) {
		const char *at = strchr(em, '@');
		if (!at || strchr(at + 1, '@'))
			abort();
		(void)cg_contact_text_has_email(text, em);
		char own[CG_CONTACT_MAX_EMAIL + 8];
		snprintf(own, sizeof own, "x %s x", em);
		if (!cg_contact_text_has_email(cg_slice_cstr(own), em))
			abort();
	}
	(void)cg_contact_text_has_phone(text, "2133852113");
	(void)cg_contact_text_has_email(text, "pa05.cat@laichau.gov.vn");
	return 0;
}
