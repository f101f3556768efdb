/*
 * creds.h - IoT default credentials, fingerprint first (--credentials).
 *
 * The data (rules/exposure/credentials/devices.json) lists devices by a
 * pattern over their base page (headers, realm, body), each with its own
 * login (HTTP basic or digest on a path, or an HTML form POSTed to a path
 * whose success shows in the answer) and the factory credentials its
 * vendor documents. A site that matches no device gets no password at
 * all; one that matches gets at most the device's max_attempts (never
 * more than CG_XP_MAX_CRED_ATTEMPTS) of its own defaults, one after the
 * other, stopping at the first that works, so no lockout is triggered.
 * Passwords are wiped from memory when freed and never put in a finding:
 * the finding names the user and which documented default it was.
 */
#ifndef CG_XP_CREDS_H
#define CG_XP_CREDS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"

typedef struct cg_xcred {
	char *user, *password, *label;
} cg_xcred;

typedef struct cg_xdevice {
	char *vendor;
	void *re;    /* pcre2_code */
	bool digest; /* else basic */
	/* a form login: POSTed fields, and the pattern over the answer's
	 * headers and body that says the login worked (a form answers 200
	 * either way, so the status says nothing) */
	bool form;
	char *user_field, *password_field, *extra; /* extra: "k=v&..." or NULL */
	void *ok_re;                               /* pcre2_code */
	char *path;
	int max_attempts;
	cg_xcred *creds;
	size_t ncreds;
} cg_xdevice;

typedef struct cg_xdevices {
	cg_xdevice *v;
	size_t n;
} cg_xdevices;

cg_err cg_xdevices_load(const char *path, cg_xdevices *d, cg_buf *why);
cg_err cg_xdevices_parse(cg_slice text, const char *name, cg_xdevices *d, cg_buf *why);
void cg_xdevices_free(cg_xdevices *d);
/* The first device whose pattern matches the base page, or NULL. */
const cg_xdevice *cg_xdevices_identify(const cg_xdevices *d, cg_slice headers, cg_slice body);
/* Whether a form login's answer says it worked. */
bool cg_xdevice_form_ok(const cg_xdevice *dev, cg_slice headers, cg_slice body);
/* The urlencoded body of a form login with cred into out. */
cg_err cg_xdevice_form_body(const cg_xdevice *dev, const cg_xcred *cred, cg_buf *out);
/* How many credentials to try on a device. */
size_t cg_xdevice_attempts(const cg_xdevice *dev);

#endif
