/*
 * public_report.c - see public_report.h. Every check refuses rather than
 * repairs: a report that is not text, not a picture or too large is
 * answered with the field at fault, and nothing of it is kept.
 */
#include "public_report.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"
#include "core/timeutil.h"

/* A report may say it happened a little in the future (a clock that is
 * a few minutes off), not more. */
#define FUTURE_SLACK_MS (10 * 60 * 1000)

static const char *const states[] = {"received", "in_review", "handled", "rejected", NULL};

const char *const *cg_public_report_states(void)
{
	return states;
}

const char *cg_image_sniff(const unsigned char *p, size_t n)
{
	static const unsigned char png[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
	if (n >= 8 + 8 && memcmp(p, png, 8) == 0)
		return "image/png";
	if (n >= 4 && p[0] == 0xff && p[1] == 0xd8 && p[2] == 0xff)
		return "image/jpeg";
	return NULL;
}

/* Valid UTF-8, no control characters (but tab and new lines when
 * multiline), at most max bytes, and not blank when required. */
static bool text_ok(const char *s, size_t len, size_t max, bool multiline, bool required)
{
	if (len > max || !cg_utf8_valid(cg_slice_from(s, len)))
		return false;
	bool blank = true;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7f) {
			if (!(multiline && (c == '\n' || c == '\r' || c == '\t')))
				return false;
		} else if (c != ' ') {
			blank = false;
		}
	}
	return !(required && blank);
}

static bool get_text(const json_t *o, const char *name, size_t max, bool multiline, bool required,
                     char **out)
{
	json_t *v = json_object_get(o, name);
	*out = NULL;
	if (!v || json_is_null(v)) {
		if (required)
			return false;
		*out = strdup("");
		return *out != NULL;
	}
	if (!json_is_string(v))
		return false;
	const char *s = json_string_value(v);
	size_t len = json_string_length(v);
	if (!text_ok(s, len, max, multiline, required))
		return false;
	*out = strndup(s, len);
	return *out != NULL;
}

void cg_public_report_free(cg_public_report *r)
{
	free(r->what);
	free(r->address);
	free(r->contact);
	for (int i = 0; i < r->nshots; i++)
		free(r->shot[i].data);
	memset(r, 0, sizeof *r);
}

cg_pr_problem cg_public_report_parse(cg_slice body, int64_t now_ms, cg_public_report *out,
                                     const char **field)
{
	memset(out, 0, sizeof *out);
	*field = "";
	json_error_t jerr;
	json_t *o = json_loadb(body.ptr, body.len, JSON_REJECT_DUPLICATES, &jerr);
	cg_pr_problem pb = CG_PR_BAD_FIELD;
	if (!json_is_object(o)) {
		*field = "body";
		goto out;
	}
	/* the honeypot first: a bot's report is dropped whatever else it holds */
	json_t *hp = json_object_get(o, "website");
	out->honeypot =
	    hp && !(json_is_string(hp) && json_string_length(hp) == 0) && !json_is_null(hp);

	if (!get_text(o, "what", CG_PR_MAX_WHAT, true, true, &out->what)) {
		*field = "what";
		goto out;
	}
	if (!get_text(o, "address", CG_PR_MAX_ADDRESS, false, true, &out->address)) {
		*field = "address";
		goto out;
	}
	if (!get_text(o, "contact", CG_PR_MAX_CONTACT, false, false, &out->contact)) {
		*field = "contact";
		goto out;
	}
	const char *when = cg_json_get_str(o, "when");
	if (!when || cg_time_parse(cg_slice_cstr(when), &out->when_ms) ||
	    out->when_ms > now_ms + FUTURE_SLACK_MS || out->when_ms < 0) {
		*field = "when";
		goto out;
	}
	json_t *shots = json_object_get(o, "screenshots");
	if (shots && !json_is_null(shots)) {
		if (!json_is_array(shots) || json_array_size(shots) > CG_PR_MAX_SHOTS) {
			*field = "screenshots";
			goto out;
		}
		size_t i;
		json_t *sh;
		json_array_foreach(shots, i, sh)
		{
			*field = "screenshots";
			const char *b64 = cg_json_get_str(sh, "data");
			if (!b64)
				goto out;
			size_t blen = strlen(b64);
			/* the decoded size, bounded before anything is allocated */
			if (blen / 4 * 3 > CG_PR_MAX_SHOT_BYTES + 3) {
				pb = CG_PR_BIG_IMAGE;
				goto out;
			}
			unsigned char *bin = malloc(blen / 4 * 3 + 3);
			size_t n = 0;
			if (!bin)
				goto out;
			if (sodium_base642bin(bin, blen / 4 * 3 + 3, b64, blen, NULL, &n, NULL,
			                      sodium_base64_VARIANT_ORIGINAL) != 0) {
				free(bin);
				goto out;
			}
			if (n > CG_PR_MAX_SHOT_BYTES) {
				free(bin);
				pb = CG_PR_BIG_IMAGE;
				goto out;
			}
			const char *type = cg_image_sniff(bin, n);
			if (!type) {
				free(bin);
				pb = CG_PR_BAD_IMAGE;
				goto out;
			}
			out->shot[out->nshots++] = (cg_pr_image){type, bin, n};
		}
	}
	const char *ch = cg_json_get_str(o, "challenge");
	const char *nonce = cg_json_get_str(o, "nonce");
	if (!ch || !nonce || !cg_pow_challenge_ok(cg_slice_cstr(ch)) ||
	    cg_slice_copy(cg_slice_cstr(nonce), out->nonce, sizeof out->nonce) || !nonce[0]) {
		*field = "challenge";
		pb = CG_PR_NO_POW;
		goto out;
	}
	memcpy(out->challenge, ch, CG_POW_CHALLENGE_LEN + 1);
	pb = CG_PR_OK;
	*field = "";
out:
	json_decref(o);
	if (pb != CG_PR_OK)
		cg_public_report_free(out);
	return pb;
}

/* Crockford-like: no 0/O, 1/I/L, U */
static const char code_alpha[] = "23456789ABCDEFGHJKMNPQRSTVWXYZ";

void cg_public_report_code(char out[CG_PR_CODE_LEN + 1])
{
	memcpy(out, "BC-", 3);
	for (int i = 3; i < CG_PR_CODE_LEN; i++)
		out[i] = code_alpha[randombytes_uniform(sizeof code_alpha - 1)];
	out[CG_PR_CODE_LEN] = '\0';
}

bool cg_public_report_code_ok(cg_slice s)
{
	if (s.len != CG_PR_CODE_LEN || memcmp(s.ptr, "BC-", 3) != 0)
		return false;
	for (size_t i = 3; i < s.len; i++)
		if (!s.ptr[i] || !memchr(code_alpha, s.ptr[i], sizeof code_alpha - 1))
			return false;
	return true;
}

void cg_public_report_host(const char *s, char *out, size_t n)
{
	out[0] = '\0';
	const char *p = strstr(s, "://");
	p = p ? p + 3 : s;
	const char *at = strpbrk(p, "@/");
	if (at && *at == '@')
		p = at + 1;
	size_t len = 0;
	if (*p == '[') {
		p++;
		while (p[len] && p[len] != ']')
			len++;
	} else {
		/* a bare IPv6 address has colons of its own */
		size_t colons = 0;
		for (const char *q = p; *q && *q != '/'; q++)
			colons += *q == ':';
		while (p[len] && p[len] != '/' && (colons > 1 || p[len] != ':') && p[len] != '?' &&
		       p[len] != '#' && p[len] != ' ')
			len++;
	}
	if (len >= n)
		return;
	memcpy(out, p, len);
	out[len] = '\0';
}

cg_err cg_public_report_event(const cg_public_report *r, const char *code, const char (*shots)[65],
                              cg_event *ev)
{
	cg_err err = cg_event_init(ev);
	if (err)
		return err;
	ev->severity = CG_SEV_MEDIUM;
	char host[256];
	cg_public_report_host(r->address, host, sizeof host);
	if ((err = cg_event_set(ev, CG_EV_SOURCE, CG_SLICE("public_report"))) ||
	    (err = cg_event_set(ev, CG_EV_KIND, CG_SLICE("citizen_report"))) ||
	    (err = cg_event_set(ev, CG_EV_SUBJECT, cg_slice_cstr(r->address))) ||
	    (err = cg_event_set(ev, CG_EV_SUMMARY, cg_slice_cstr(r->what))) ||
	    (host[0] && (err = cg_event_set(ev, CG_EV_HOST, cg_slice_cstr(host)))))
		return err;
	char when[32];
	cg_time_format(r->when_ms, when, sizeof when);
	json_t *list = json_array();
	for (int i = 0; i < r->nshots && shots; i++)
		json_array_append_new(list, json_pack("{s:s,s:I,s:s}", "sha256", shots[i], "size",
		                                      (json_int_t)r->shot[i].len, "type",
		                                      r->shot[i].type));
	json_object_set_new(ev->evidence, "tracking_code", json_string(code));
	json_object_set_new(ev->evidence, "what", cg_json_cstr(r->what));
	json_object_set_new(ev->evidence, "address", cg_json_cstr(r->address));
	json_object_set_new(ev->evidence, "when", json_string(when));
	json_object_set_new(ev->evidence, "contact", cg_json_cstr(r->contact));
	json_object_set_new(ev->evidence, "screenshots", list);
	return CG_OK;
}
