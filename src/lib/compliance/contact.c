/*
 * contact.c - contact points in a portal's text (contact.h).
 *
 * Matching walks the text once per contact: at each place a number or an
 * address could start (not inside a longer run of digits or of address
 * characters) it tries to read the contact there, allowing the
 * separators and disguises contact.h lists, and stops at the first
 * mismatch. No copy of the text is made.
 */
#include "contact.h"

#include <string.h>

static bool digit(char c)
{
	return c >= '0' && c <= '9';
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* [a-z0-9._%+-]: the characters of an address's local part. */
static bool local_char(char c)
{
	c = lower(c);
	return (c >= 'a' && c <= 'z') || digit(c) || c == '.' || c == '_' || c == '%' || c == '+' ||
	       c == '-';
}

static bool domain_char(char c)
{
	c = lower(c);
	return (c >= 'a' && c <= 'z') || digit(c) || c == '-';
}

bool cg_contact_phone_norm(cg_slice in, char *out)
{
	char d[CG_CONTACT_MAX_PHONE + 8];
	size_t n = 0;
	bool plus = false;
	for (size_t i = 0; i < in.len; i++) {
		char c = in.ptr[i];
		if (c == '+' && n == 0)
			plus = true;
		else if (digit(c)) {
			if (n + 1 >= sizeof d)
				return false;
			d[n++] = c;
		}
	}
	size_t skip;
	if (plus && n >= 2 && d[0] == '8' && d[1] == '4')
		skip = 2 + (n > 2 && d[2] == '0'); /* "+84 (0) 213..." */
	else if (!plus && n >= 1 && d[0] == '0')
		skip = 1;
	else
		return false;
	size_t len = n - skip;
	if (len < 8 || len > 10 || d[skip] == '0')
		return false;
	memcpy(out, d + skip, len);
	out[len] = '\0';
	return true;
}

bool cg_contact_email_norm(cg_slice in, char *out)
{
	size_t a = 0, b = in.len;
	while (a < b && (in.ptr[a] == ' ' || in.ptr[a] == '\t'))
		a++;
	while (b > a && (in.ptr[b - 1] == ' ' || in.ptr[b - 1] == '\t'))
		b--;
	if (b - a >= CG_CONTACT_MAX_EMAIL || b == a)
		return false;
	size_t at = 0, ats = 0, dots = 0;
	for (size_t i = a; i < b; i++) {
		char c = lower(in.ptr[i]);
		if (c == '@') {
			at = i;
			ats++;
		} else if (ats == 0 ? !local_char(c) : !(domain_char(c) || c == '.'))
			return false;
		if (ats && c == '.')
			dots++;
		out[i - a] = c;
	}
	out[b - a] = '\0';
	return ats == 1 && at > a && at + 1 < b && dots >= 1 && out[b - a - 1] != '.' &&
	       out[at - a + 1] != '.';
}

/* Separators between the digits of a number in a page. Returns the bytes
 * of one separator at p (0: none). */
static size_t phone_sep(cg_slice t, size_t p)
{
	if (p >= t.len)
		return 0;
	char c = t.ptr[p];
	if (c == ' ' || c == '.' || c == '-' || c == '(' || c == ')' || c == '\t')
		return 1;
	if ((unsigned char)c == 0xc2 && p + 1 < t.len && (unsigned char)t.ptr[p + 1] == 0xa0)
		return 2; /* no-break space */
	return 0;
}

/* Skips at most 3 separators. */
static size_t skip_seps(cg_slice t, size_t p)
{
	for (int k = 0; k < 3; k++) {
		size_t s = phone_sep(t, p);
		if (!s)
			break;
		p += s;
	}
	return p;
}

static bool phone_at(cg_slice t, size_t p, const char *nat)
{
	if (p < t.len && t.ptr[p] == '(')
		p++;
	if (p < t.len && t.ptr[p] == '+') {
		if (p + 2 >= t.len || t.ptr[p + 1] != '8' || t.ptr[p + 2] != '4')
			return false;
		p = skip_seps(t, p + 3);
		if (p + 2 < t.len && t.ptr[p] == '(' && t.ptr[p + 1] == '0' && t.ptr[p + 2] == ')')
			p = skip_seps(t, p + 3); /* +84 (0) 213 ... */
	} else if (p < t.len && t.ptr[p] == '0') {
		p = skip_seps(t, p + 1);
	} else {
		return false;
	}
	for (const char *d = nat; *d; d++) {
		if (d != nat)
			p = skip_seps(t, p);
		if (p >= t.len || t.ptr[p] != *d)
			return false;
		p++;
	}
	return p >= t.len || !digit(t.ptr[p]);
}

bool cg_contact_text_has_phone(cg_slice text, const char *national)
{
	if (!national || !national[0])
		return false;
	for (size_t i = 0; i < text.len; i++) {
		char c = text.ptr[i];
		if (c != '+' && c != '0' && c != '(')
			continue;
		if (i > 0 && (digit(text.ptr[i - 1]) || text.ptr[i - 1] == '+'))
			continue;
		if (phone_at(text, i, national))
			return true;
	}
	return false;
}

/* A disguise of '@' or '.' at p ("[at]", "(dot)"...): its length, 0 when
 * none. */
static size_t token_at(cg_slice t, size_t p, const char *const *forms)
{
	for (size_t k = 0; forms[k]; k++) {
		size_t n = strlen(forms[k]);
		if (p + n > t.len)
			continue;
		size_t j = 0;
		while (j < n && lower(t.ptr[p + j]) == forms[k][j])
			j++;
		if (j == n)
			return n;
	}
	return 0;
}

static size_t skip_spaces(cg_slice t, size_t p)
{
	while (p < t.len && t.ptr[p] == ' ')
		p++;
	return p;
}

static const char *const AT_FORMS[] = {"@", "[at]", "(at)", "[@]", "(@)", "{at}", NULL};
static const char *const DOT_FORMS[] = {"[dot]", "(dot)", "{dot}", "[.]", NULL};

static bool email_at(cg_slice t, size_t p, const char *email)
{
	bool in_domain = false;
	for (const char *e = email; *e; e++) {
		if (*e == '@') {
			size_t q = skip_spaces(t, p), n = token_at(t, q, AT_FORMS);
			if (!n)
				return false;
			p = skip_spaces(t, q + n);
			in_domain = true;
			continue;
		}
		if (*e == '.' && in_domain) {
			if (p < t.len && t.ptr[p] == '.') {
				p++;
				continue;
			}
			size_t q = skip_spaces(t, p), n = token_at(t, q, DOT_FORMS);
			if (!n)
				return false;
			p = skip_spaces(t, q + n);
			continue;
		}
		if (p >= t.len || lower(t.ptr[p]) != *e)
			return false;
		p++;
	}
	/* not the start of a longer address: "a@b.vn" in "a@b.vn.com" */
	if (p < t.len && domain_char(t.ptr[p]))
		return false;
	if (p + 1 < t.len && t.ptr[p] == '.' && domain_char(t.ptr[p + 1]))
		return false;
	return true;
}

bool cg_contact_text_has_email(cg_slice text, const char *email)
{
	if (!email || !email[0])
		return false;
	for (size_t i = 0; i < text.len; i++) {
		if (lower(text.ptr[i]) != email[0])
			continue;
		if (i > 0 && local_char(text.ptr[i - 1]))
			continue;
		if (email_at(text, i, email))
			return true;
	}
	return false;
}
