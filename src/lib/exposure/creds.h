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
 *
 * Some form logins never send the password as typed: the fibre modems
 * ISPs install (ZTE, Huawei) fetch a one-time token first and send
 * sha256hex(password + token), or base64(password) beside the token. A
 * form login may therefore list "steps" (GET or POST a path, take a token
 * from the answer with a regex's first group, name it), sent before each
 * attempt with the cookies they set, a static "cookie" the page's script
 * would set, and a "password" expression over `password` and the token
 * names with the functions sha256hex, md5hex and base64 joined by '+'
 * (checked when the table loads). {{NAME}} in "extra" is a token, urlencoded.
 */
#ifndef CG_XP_CREDS_H
#define CG_XP_CREDS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"

typedef struct cg_xcred {
	char *user, *password, *label;
} cg_xcred;

#include "core/limits.h"

/* A request before a form login attempt that yields one token. */
typedef struct cg_xstep {
	char *path; /* "/..." */
	bool post;  /* an empty POST (Huawei's GetRandCount.asp), else GET */
	char *name; /* the token's name */
	void *re;   /* pcre2_code: its first group (or the match) is the token */
} cg_xstep;

/* The tokens of one attempt, in step order. */
typedef struct cg_xtokens {
	size_t n;
	const char *name[CG_XP_MAX_LOGIN_STEPS]; /* borrowed from the steps */
	char value[CG_XP_MAX_LOGIN_STEPS][CG_XP_MAX_TOKEN + 1];
} cg_xtokens;

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
	cg_xstep *steps;                           /* before each attempt */
	size_t nsteps;
	char *cookie;  /* "k=v; ..." sent with the steps and the POST, or NULL */
	char *pw_expr; /* how the password is sent; NULL: as it is */
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
/* The urlencoded body of a form login with cred into out (a device with
 * steps: its tokens, as cg_xdevice_login_body with none). */
cg_err cg_xdevice_form_body(const cg_xdevice *dev, const cg_xcred *cred, cg_buf *out);
/* The same with the attempt's tokens (tk NULL: none; an expression or
 * {{NAME}} naming a token not there is CG_EINVAL). out holds a password
 * (or its hash): the caller wipes it. */
cg_err cg_xdevice_login_body(const cg_xdevice *dev, const cg_xcred *cred, const cg_xtokens *tk,
                             cg_buf *out);
/* The token of a step's answer into out (NUL-terminated): the first group
 * of its pattern over the body, then the headers; false when absent, empty,
 * longer than CG_XP_MAX_TOKEN or holding a byte outside printable ASCII. */
bool cg_xstep_token(const cg_xstep *s, cg_slice headers, cg_slice body, char *out, size_t n);
/* How many credentials to try on a device. */
size_t cg_xdevice_attempts(const cg_xdevice *dev);

#endif
