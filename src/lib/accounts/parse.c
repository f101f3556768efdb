/*
 * parse.c - the line parsers of the account audit: passwd, shadow,
 * sudoers user specifications and auth-log failures (see accounts.h).
 *
 * Each takes one line as a slice and fills slices that point into it, so
 * they allocate nothing and a hostile line costs nothing but the time to
 * look at it. They are strict where a wrong guess would hide a finding
 * (a passwd line with the wrong field count is an error, not a user), and
 * lenient where the audit only needs one fact (a sudoers rule: does its
 * command list say ALL, does it say NOPASSWD).
 */
#include <string.h>
#include <time.h>

#include "accounts/accounts.h"
#include "core/timeutil.h"

/* Splits s at ':' into exactly n fields (the last may be missing when
 * allow_short says how many may be left off). Returns fields found. */
static size_t split_colon(cg_slice s, cg_slice *f, size_t n)
{
	size_t k = 0;
	cg_slice rest = s;
	while (rest.ptr && k < n) {
		f[k++] = cg_slice_cut(rest, ':', &rest);
	}
	if (rest.ptr) /* more fields than expected */
		return n + 1;
	return k;
}

static bool parse_num_or_empty(cg_slice s, int64_t *out)
{
	if (s.len == 0) {
		*out = -1;
		return true;
	}
	return cg_parse_i64(s, 0, INT64_MAX / 2, out) == CG_OK;
}

cg_err cg_passwd_parse_line(cg_slice line, cg_passwd_ent *out)
{
	memset(out, 0, sizeof *out);
	cg_slice f[7];
	if (split_colon(line, f, 7) != 7 || f[0].len == 0)
		return CG_EPARSE;
	if (cg_parse_i64(f[2], 0, 4294967295LL, &out->uid) ||
	    cg_parse_i64(f[3], 0, 4294967295LL, &out->gid))
		return CG_EPARSE;
	out->name = f[0];
	out->pw = f[1];
	out->gecos = f[4];
	out->home = f[5];
	out->shell = f[6];
	return CG_OK;
}

cg_err cg_shadow_parse_line(cg_slice line, cg_shadow_ent *out)
{
	memset(out, 0, sizeof *out);
	cg_slice f[9];
	size_t n = split_colon(line, f, 9);
	if (n < 8 || n > 9 || f[0].len == 0)
		return CG_EPARSE;
	out->name = f[0];
	out->hash = f[1];
	if (!parse_num_or_empty(f[2], &out->lastchg) ||
	    !parse_num_or_empty(f[3], &out->min) ||
	    !parse_num_or_empty(f[4], &out->max) ||
	    !parse_num_or_empty(f[5], &out->warn) ||
	    !parse_num_or_empty(f[6], &out->inactive) ||
	    !parse_num_or_empty(f[7], &out->expire))
		return CG_EPARSE;
	return CG_OK;
}

/* ---- sudoers ---------------------------------------------------------- */

static bool is_space(char c)
{
	return c == ' ' || c == '\t';
}

static cg_slice skip_space(cg_slice s)
{
	while (s.len && is_space(*s.ptr)) {
		s.ptr++;
		s.len--;
	}
	return s;
}

static bool starts_word(cg_slice s, const char *w)
{
	size_t n = strlen(w);
	return s.len >= n && memcmp(s.ptr, w, n) == 0 &&
	       (s.len == n || is_space(s.ptr[n]) || s.ptr[n] == '!' ||
		s.ptr[n] == ':' || s.ptr[n] == '@' || s.ptr[n] == '>');
}

/* Drops a leading "(runas)" group and "TAG:" words from one command. */
static cg_slice strip_cmd_prefix(cg_slice c, bool *nopasswd)
{
	for (;;) {
		c = skip_space(c);
		if (c.len && c.ptr[0] == '(') {
			const char *e = memchr(c.ptr, ')', c.len);
			if (!e)
				return c;
			c.len -= (size_t)(e + 1 - c.ptr);
			c.ptr = e + 1;
			continue;
		}
		size_t i = 0;
		while (i < c.len && ((c.ptr[i] >= 'A' && c.ptr[i] <= 'Z') || c.ptr[i] == '_'))
			i++;
		if (i > 0 && i < c.len && c.ptr[i] == ':') {
			if (i == 8 && memcmp(c.ptr, "NOPASSWD", 8) == 0)
				*nopasswd = true;
			c.ptr += i + 1;
			c.len -= i + 1;
			continue;
		}
		return c;
	}
}

cg_err cg_sudoers_parse_line(cg_slice line, cg_sudo_rule *out)
{
	memset(out, 0, sizeof *out);
	cg_slice s = cg_slice_trim(line);
	if (s.len == 0 || s.ptr[0] == '#' || s.ptr[0] == '@')
		return CG_ENOTFOUND;
	static const char *const skip[] = { "Defaults", "User_Alias", "Runas_Alias",
					    "Host_Alias", "Cmnd_Alias", "Cmd_Alias" };
	for (size_t i = 0; i < sizeof skip / sizeof *skip; i++)
		if (starts_word(s, skip[i]))
			return CG_ENOTFOUND;
	size_t w = 0;
	while (w < s.len && !is_space(s.ptr[w]))
		w++;
	const char *eq = memchr(s.ptr, '=', s.len);
	if (w == 0 || w == s.len || !eq || eq < s.ptr + w)
		return CG_EPARSE;
	out->who = cg_slice_from(s.ptr, w);
	/* Several "HOST = CMDS" may follow, separated by ':'; a plain scan
	 * of every comma-separated command after each '=' is enough. */
	cg_slice rest = cg_slice_from(eq + 1, s.len - (size_t)(eq + 1 - s.ptr));
	while (rest.ptr) {
		cg_slice item = cg_slice_cut(rest, ',', &rest);
		const char *e2 = memchr(item.ptr, '=', item.len);
		if (e2) /* "host2 = cmd" after a ':' */
			item = cg_slice_from(e2 + 1, item.len - (size_t)(e2 + 1 - item.ptr));
		cg_slice cmd = cg_slice_trim(strip_cmd_prefix(item, &out->nopasswd));
		cg_slice tail;
		cg_slice first = cg_slice_cut(cmd, ':', &tail);
		if (cg_slice_eq_cstr(cg_slice_trim(first), "ALL"))
			out->all_commands = true;
	}
	return CG_OK;
}

/* ---- auth.log --------------------------------------------------------- */

static int month_of(cg_slice s)
{
	static const char m[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	if (s.len != 3)
		return -1;
	for (int i = 0; i < 12; i++)
		if (memcmp(m + 3 * i, s.ptr, 3) == 0)
			return i;
	return -1;
}

/* "Nov 21 04:25:01" or "Nov  1 04:25:01" at the start; *used = 15. */
static bool classic_stamp(cg_slice s, int64_t now_ms, int64_t *ms)
{
	if (s.len < 16 || s.ptr[3] != ' ' || s.ptr[6] != ' ' || s.ptr[9] != ':' ||
	    s.ptr[12] != ':' || s.ptr[15] != ' ')
		return false;
	int mon = month_of(cg_slice_from(s.ptr, 3));
	int64_t d, h, mi, sec;
	cg_slice day = cg_slice_trim(cg_slice_from(s.ptr + 4, 2));
	if (mon < 0 || cg_parse_i64(day, 1, 31, &d) ||
	    cg_parse_i64(cg_slice_from(s.ptr + 7, 2), 0, 23, &h) ||
	    cg_parse_i64(cg_slice_from(s.ptr + 10, 2), 0, 59, &mi) ||
	    cg_parse_i64(cg_slice_from(s.ptr + 13, 2), 0, 60, &sec))
		return false;
	time_t now = (time_t)(now_ms / 1000);
	struct tm t;
	gmtime_r(&now, &t);
	for (int back = 0; back < 2; back++) {
		struct tm x = { 0 };
		x.tm_year = t.tm_year - back;
		x.tm_mon = mon;
		x.tm_mday = (int)d;
		x.tm_hour = (int)h;
		x.tm_min = (int)mi;
		x.tm_sec = (int)sec;
		int64_t v = (int64_t)timegm(&x) * 1000;
		/* no year in the stamp: the latest one not in the future */
		if (v <= now_ms + 86400000LL || back == 1) {
			*ms = v;
			return true;
		}
	}
	return false;
}

/* The text after the last occurrence of needle, or an empty slice. */
static const char *find_last(cg_slice s, const char *needle)
{
	size_t n = strlen(needle);
	const char *last = NULL;
	const char *p = s.ptr;
	size_t left = s.len;
	while (left >= n) {
		const char *q = memmem(p, left, needle, n);
		if (!q)
			break;
		last = q;
		left -= (size_t)(q + 1 - p);
		p = q + 1;
	}
	return last;
}

static cg_slice token_at(const char *p, const char *end)
{
	const char *q = p;
	while (q < end && !is_space(*q) && *q != ',' && *q != ';')
		q++;
	return cg_slice_from(p, (size_t)(q - p));
}

static cg_slice after(cg_slice s, const char *p)
{
	return cg_slice_from(p, s.len - (size_t)(p - s.ptr));
}

/* "Failed password for [invalid user ]USER from ADDR port N ssh2" */
static bool sshd_failed(cg_slice msg, cg_auth_failure *out)
{
	static const char *const heads[] = { "Failed password for ",
					     "Failed publickey for ",
					     "Failed keyboard-interactive/pam for " };
	for (size_t i = 0; i < sizeof heads / sizeof *heads; i++) {
		const char *h = memmem(msg.ptr, msg.len, heads[i], strlen(heads[i]));
		if (!h)
			continue;
		cg_slice rest = after(msg, h + strlen(heads[i]));
		if (cg_slice_starts_with(rest, CG_SLICE("invalid user ")))
			rest = after(rest, rest.ptr + 13);
		const char *from = find_last(rest, " from ");
		if (!from)
			return false;
		out->user = cg_slice_from(rest.ptr, (size_t)(from - rest.ptr));
		out->source = token_at(from + 6, rest.ptr + rest.len);
		return true;
	}
	return false;
}

/* pam_unix: "authentication failure; logname= uid=0 ... rhost=A  user=U" */
static bool pam_failed(cg_slice prog, cg_slice msg, cg_auth_failure *out)
{
	if (!memmem(msg.ptr, msg.len, "authentication failure;", 23))
		return false;
	/* sshd logs its own "Failed password" line for the same attempt */
	if (cg_slice_starts_with(prog, CG_SLICE("sshd")))
		return false;
	const char *end = msg.ptr + msg.len;
	const char *r = memmem(msg.ptr, msg.len, "rhost=", 6);
	const char *u = find_last(msg, " user=");
	out->source = r ? token_at(r + 6, end) : (cg_slice){ "", 0 };
	out->user = u ? token_at(u + 6, end) : (cg_slice){ "", 0 };
	return true;
}

cg_err cg_authlog_parse_line(cg_slice line, int64_t now_ms, cg_auth_failure *out)
{
	memset(out, 0, sizeof *out);
	out->user = out->source = (cg_slice){ "", 0 };
	cg_slice rest;
	if (classic_stamp(line, now_ms, &out->time_ms)) {
		rest = cg_slice_from(line.ptr + 16, line.len - 16);
	} else {
		cg_slice stamp = cg_slice_cut(line, ' ', &rest);
		if (!rest.ptr || cg_time_parse(stamp, &out->time_ms))
			return CG_ENOTFOUND;
	}
	cg_slice host = cg_slice_cut(rest, ' ', &rest); /* host name */
	(void)host;
	if (!rest.ptr)
		return CG_ENOTFOUND;
	const char *colon = memmem(rest.ptr, rest.len, ": ", 2);
	if (!colon)
		return CG_ENOTFOUND;
	cg_slice prog = cg_slice_from(rest.ptr, (size_t)(colon - rest.ptr));
	cg_slice msg = after(rest, colon + 2);
	if (sshd_failed(msg, out) || pam_failed(prog, msg, out))
		return CG_OK;
	return CG_ENOTFOUND;
}
