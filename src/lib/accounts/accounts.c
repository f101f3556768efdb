/*
 * accounts.c - the account audit (see accounts.h for the findings).
 *
 * One pass per source, in the order a person would check: read the user
 * table (passwd + shadow), learn last logins (lastlog, wtmp), hash the
 * authorized keys, then judge each account, read sudoers, and finally scan
 * the auth log for failure bursts. All state of one audit lives in an
 * `audit` struct; the only thing kept between audits is the key history.
 *
 * Binary files (wtmp, lastlog) are read with the glibc structures from
 * <utmp.h> but never trusted: each record is copied out of the buffer only
 * when a whole record is there, strings are bounded with strnlen, and
 * lastlog is addressed by uid only after checking the offset is inside
 * the file.
 */
#include "accounts/accounts.h"
#include "accounts/sam.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utmp.h>

#include "core/hex.h"
#include "core/fileio.h"
#include "core/json.h"
#include "core/limits.h"
#include "core/timeutil.h"

#define DAY_MS 86400000LL

typedef struct user {
	char *name, *home, *shell, *pw;
	int64_t uid, gid;
	bool has_shadow;
	char *hash;
	int64_t lastchg, max;
	int64_t last_login_ms; /* -1 never seen */
	json_t *keys;          /* {sha256hex: comment} */
} user;

typedef struct audit {
	char root[PATH_MAX];
	const char *state_dir;
	cg_acct_policy p;
	cg_acct_emit_fn emit;
	cg_acct_error_fn on_error;
	void *ctx;
	user *users;
	size_t nusers;
	bool have_logins;
	json_t *groups; /* {group: [members]} */
	bool sudoers_d_done;
} audit;

/* ---- helpers ---------------------------------------------------------- */

static void problem(audit *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void problem(audit *a, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (a->on_error)
		a->on_error(a->ctx, msg);
}

/* Emits one finding; takes ownership of evidence. */
static void finding(audit *a, cg_severity sev, const char *kind, const char *subject,
		    json_t *evidence, const char *fmt, ...) __attribute__((format(printf, 6, 7)));
static void finding(audit *a, cg_severity sev, const char *kind, const char *subject,
		    json_t *evidence, const char *fmt, ...)
{
	cg_event ev;
	if (cg_event_init(&ev)) {
		json_decref(evidence);
		return;
	}
	char line[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	ev.severity = sev;
	ev.time_ms = a->p.now_ms;
	cg_event_set(&ev, CG_EV_SOURCE, CG_SLICE("accounts"));
	cg_event_set(&ev, CG_EV_KIND, cg_slice_cstr(kind));
	cg_event_set(&ev, CG_EV_SUBJECT, cg_slice_cstr(subject));
	cg_event_set(&ev, CG_EV_SUMMARY, cg_slice_cstr(line));
	if (evidence) {
		json_object_update(ev.evidence, evidence);
		json_decref(evidence);
	}
	a->emit(a->ctx, &ev);
	cg_event_clear(&ev);
}

static void path_in_root(const audit *a, const char *abs, char *dst, size_t n)
{
	snprintf(dst, n, "%s%s%s", a->root, abs[0] == '/' ? "" : "/", abs);
}

/* Reads ROOT/abs; on failure reports it (unless missing_ok and ENOENT). */
static bool read_rooted(audit *a, const char *abs, cg_buf *b, size_t max, bool missing_ok)
{
	char path[PATH_MAX * 2];
	path_in_root(a, abs, path, sizeof path);
	cg_buf_init(b, max);
	cg_buf why;
	cg_buf_init(&why, 1024);
	cg_err err = cg_read_file(path, b, &why);
	if (err && !(missing_ok && err == CG_ENOTFOUND))
		problem(a, "%s", cg_buf_cstr(&why));
	cg_buf_free(&why);
	if (err)
		cg_buf_free(b);
	return err == CG_OK;
}

static char *dup_slice(cg_slice s)
{
	return strndup(s.ptr ? s.ptr : "", s.len);
}

static user *find_user(audit *a, cg_slice name)
{
	for (size_t i = 0; i < a->nusers; i++)
		if (cg_slice_eq_cstr(name, a->users[i].name))
			return &a->users[i];
	return NULL;
}

static bool real_shell(const char *shell)
{
	const char *base = strrchr(shell, '/');
	base = base ? base + 1 : shell;
	return *shell && strcmp(base, "nologin") != 0 && strcmp(base, "false") != 0 &&
	       strcmp(base, "sync") != 0 && strcmp(base, "halt") != 0 &&
	       strcmp(base, "shutdown") != 0;
}

/* The password field that counts: shadow's hash, else passwd's. */
static const char *pw_of(const user *u)
{
	return u->has_shadow ? u->hash : u->pw;
}

static bool password_usable(const user *u)
{
	const char *h = pw_of(u);
	if (!u->has_shadow && strcmp(h, "x") == 0)
		return false; /* shadowed, but shadow unreadable: unknown */
	return h[0] != '!' && h[0] != '*';
}

static bool login_capable(const user *u)
{
	return real_shell(u->shell) &&
	       (password_usable(u) || json_object_size(u->keys) > 0);
}

/* ---- passwd / shadow / group ------------------------------------------ */

static void read_passwd(audit *a)
{
	cg_buf b;
	if (!read_rooted(a, "/etc/passwd", &b, CG_MAX_ACCOUNT_FILE, false))
		return;
	cg_slice rest = cg_buf_slice(&b);
	size_t lineno = 0, cap = 0;
	while (rest.ptr && rest.len) {
		cg_slice line = cg_slice_cut(rest, '\n', &rest);
		lineno++;
		if (line.len == 0 || line.ptr[0] == '#' || line.ptr[0] == '+' || line.ptr[0] == '-')
			continue;
		cg_passwd_ent e;
		if (cg_passwd_parse_line(line, &e)) {
			problem(a, "%s/etc/passwd:%zu: not a passwd line", a->root, lineno);
			continue;
		}
		if (a->nusers >= CG_MAX_ACCOUNTS) {
			problem(a, "%s/etc/passwd: over %d accounts, rest ignored", a->root, CG_MAX_ACCOUNTS);
			break;
		}
		if (a->nusers == cap) {
			cap = cap ? cap * 2 : 64;
			user *n = realloc(a->users, cap * sizeof *n);
			if (!n)
				break;
			a->users = n;
		}
		user *u = &a->users[a->nusers++];
		memset(u, 0, sizeof *u);
		u->name = dup_slice(e.name);
		u->home = dup_slice(e.home);
		u->shell = dup_slice(e.shell);
		u->pw = dup_slice(e.pw);
		u->hash = strdup("");
		u->uid = e.uid;
		u->gid = e.gid;
		u->lastchg = u->max = -1;
		u->last_login_ms = -1;
		u->keys = json_object();
	}
	cg_buf_free(&b);
}

static void read_shadow(audit *a)
{
	cg_buf b;
	if (!read_rooted(a, "/etc/shadow", &b, CG_MAX_ACCOUNT_FILE, false))
		return;
	cg_slice rest = cg_buf_slice(&b);
	size_t lineno = 0;
	while (rest.ptr && rest.len) {
		cg_slice line = cg_slice_cut(rest, '\n', &rest);
		lineno++;
		if (line.len == 0 || line.ptr[0] == '#')
			continue;
		cg_shadow_ent e;
		if (cg_shadow_parse_line(line, &e)) {
			problem(a, "%s/etc/shadow:%zu: not a shadow line", a->root, lineno);
			continue;
		}
		user *u = find_user(a, e.name);
		if (!u)
			continue;
		free(u->hash);
		u->hash = dup_slice(e.hash);
		u->has_shadow = true;
		u->lastchg = e.lastchg;
		u->max = e.max;
	}
	sodium_memzero(b.ptr, b.len); /* password hashes */
	cg_buf_free(&b);
}

static void read_group(audit *a)
{
	a->groups = json_object();
	cg_buf b;
	if (!read_rooted(a, "/etc/group", &b, CG_MAX_ACCOUNT_FILE, true))
		return;
	cg_slice rest = cg_buf_slice(&b);
	while (rest.ptr && rest.len) {
		cg_slice line = cg_slice_cut(rest, '\n', &rest);
		cg_slice r2, name = cg_slice_cut(line, ':', &r2);
		cg_slice pw = cg_slice_cut(r2, ':', &r2);
		cg_slice gid = cg_slice_cut(r2, ':', &r2);
		(void)pw;
		(void)gid;
		if (!r2.ptr || name.len == 0)
			continue;
		json_t *m = json_array();
		while (r2.ptr && r2.len) {
			cg_slice who = cg_slice_trim(cg_slice_cut(r2, ',', &r2));
			if (who.len)
				json_array_append_new(m, cg_json_str(who));
		}
		char key[256];
		if (cg_slice_copy(name, key, sizeof key) == CG_OK)
			json_object_set_new(a->groups, key, m);
		else
			json_decref(m);
	}
	cg_buf_free(&b);
}

/* ---- last logins ------------------------------------------------------ */

static void seen_login(audit *a, cg_slice name, int64_t ms)
{
	user *u = find_user(a, name);
	if (u && ms > u->last_login_ms)
		u->last_login_ms = ms;
}

static void read_wtmp(audit *a)
{
	cg_buf b;
	if (!read_rooted(a, "/var/log/wtmp", &b, CG_MAX_WTMP_BYTES, true))
		return;
	a->have_logins = true;
	struct utmp r;
	for (size_t off = 0; off + sizeof r <= b.len; off += sizeof r) {
		memcpy(&r, b.ptr + off, sizeof r);
		if (r.ut_type != USER_PROCESS)
			continue;
		size_t n = strnlen(r.ut_user, sizeof r.ut_user);
		seen_login(a, cg_slice_from(r.ut_user, n), (int64_t)r.ut_tv.tv_sec * 1000);
	}
	cg_buf_free(&b);
}

static void read_lastlog(audit *a)
{
	char path[PATH_MAX * 2];
	path_in_root(a, "/var/log/lastlog", path, sizeof path);
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		if (errno != ENOENT)
			problem(a, "%s: %s", path, strerror(errno));
		return;
	}
	struct stat st;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
		a->have_logins = true;
		for (size_t i = 0; i < a->nusers; i++) {
			struct lastlog ll;
			uint64_t off = (uint64_t)a->users[i].uid * sizeof ll;
			/* lastlog is sparse and indexed by uid: stay inside it */
			if (off + sizeof ll > (uint64_t)st.st_size)
				continue;
			if (pread(fd, &ll, sizeof ll, (off_t)off) != (ssize_t)sizeof ll)
				continue;
			if (ll.ll_time > 0)
				seen_login(a, cg_slice_cstr(a->users[i].name), (int64_t)ll.ll_time * 1000);
		}
	}
	close(fd);
}

/* ---- authorized_keys -------------------------------------------------- */

static bool key_type(cg_slice t)
{
	return cg_slice_starts_with(t, CG_SLICE("ssh-")) ||
	       cg_slice_starts_with(t, CG_SLICE("ecdsa-")) ||
	       cg_slice_starts_with(t, CG_SLICE("sk-"));
}

/* Hashes "TYPE BLOB" of each key line (options and comments excluded, so
 * editing a comment is not a new key). */
static void read_keys_file(audit *a, user *u, const char *file)
{
	char abs[PATH_MAX];
	if ((size_t)snprintf(abs, sizeof abs, "%s/.ssh/%s", u->home, file) >= sizeof abs)
		return;
	cg_buf b;
	if (!read_rooted(a, abs, &b, CG_MAX_ACCOUNT_FILE, true))
		return;
	cg_slice rest = cg_buf_slice(&b);
	while (rest.ptr && rest.len) {
		cg_slice line = cg_slice_trim(cg_slice_cut(rest, '\n', &rest));
		if (line.len == 0 || line.ptr[0] == '#')
			continue;
		/* find the key type token (options may come first) */
		cg_slice toks = line, type = { NULL, 0 };
		while (toks.ptr && toks.len) {
			cg_slice t = cg_slice_cut(toks, ' ', &toks);
			if (key_type(t)) {
				type = t;
				break;
			}
		}
		cg_slice blob = { "", 0 }, comment = { "", 0 };
		if (type.ptr && toks.ptr) {
			blob = cg_slice_cut(toks, ' ', &comment);
			if (!comment.ptr)
				comment = (cg_slice){ "", 0 };
		}
		cg_slice keytext = line;
		if (type.ptr && toks.ptr)
			keytext = cg_slice_from(type.ptr, (size_t)(blob.ptr + blob.len - type.ptr));
		unsigned char h[32];
		crypto_hash_sha256(h, (const unsigned char *)keytext.ptr, keytext.len);
		char hex[65];
		cg_hex_encode(h, 32, hex);
		json_t *info = json_object();
		json_object_set_new(info, "type", cg_json_str(type.ptr ? type : CG_SLICE("unknown")));
		json_object_set_new(info, "comment", cg_json_str(comment));
		json_object_set_new(info, "file", cg_json_cstr(abs));
		json_object_set_new(u->keys, hex, info);
	}
	cg_buf_free(&b);
}

static json_t *load_key_state(audit *a)
{
	if (!a->state_dir)
		return NULL;
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/authorized_keys.json", a->state_dir);
	cg_buf b;
	cg_buf_init(&b, CG_MAX_ACCOUNT_FILE);
	json_t *j = NULL;
	cg_err err = cg_read_file(path, &b, NULL);
	if (!err && cg_json_parse(cg_buf_slice(&b), &j, NULL) == CG_OK && !json_is_object(j)) {
		json_decref(j);
		j = NULL;
	}
	if (!err && !j)
		problem(a, "%s: unreadable key history, starting a new baseline", path);
	cg_buf_free(&b);
	return j;
}

static void save_key_state(audit *a)
{
	if (!a->state_dir)
		return;
	json_t *all = json_object();
	for (size_t i = 0; i < a->nusers; i++)
		if (json_object_size(a->users[i].keys))
			json_object_set(all, a->users[i].name, a->users[i].keys);
	cg_buf b, why;
	cg_buf_init(&b, CG_MAX_ACCOUNT_FILE);
	cg_buf_init(&why, 1024);
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/authorized_keys.json", a->state_dir);
	if (cg_mkdir_p(a->state_dir, 0700, &why) || cg_json_encode(&b, all) ||
	    cg_write_file_atomic(path, b.ptr, b.len, 0600, &why))
		problem(a, "%s: cannot save key history: %s", path, cg_buf_cstr(&why));
	cg_buf_free(&b);
	cg_buf_free(&why);
	json_decref(all);
}

static void judge_keys(audit *a, json_t *prev)
{
	for (size_t i = 0; i < a->nusers; i++) {
		user *u = &a->users[i];
		json_t *old = prev ? json_object_get(prev, u->name) : NULL;
		const char *hash;
		json_t *info;
		if (!prev) {
			if (json_object_size(u->keys))
				finding(a, CG_SEV_INFO, "authorized_keys", u->name,
					json_pack("{s:s,s:I,s:O}", "user", u->name, "keys",
						  (json_int_t)json_object_size(u->keys), "key_list", u->keys),
					"%s: %zu SSH key(s) recorded as the baseline", u->name,
					json_object_size(u->keys));
			continue;
		}
		json_object_foreach(u->keys, hash, info) {
			if (old && json_object_get(old, hash))
				continue;
			finding(a, CG_SEV_HIGH, "authorized_key_added", u->name,
				json_pack("{s:s,s:s,s:O}", "user", u->name, "sha256", hash, "key", info),
				"new SSH key for %s (%s)", u->name,
				cg_json_get_str(info, "comment") ? cg_json_get_str(info, "comment") : "");
		}
		if (old)
			json_object_foreach(old, hash, info) {
				if (json_object_get(u->keys, hash))
					continue;
				finding(a, CG_SEV_LOW, "authorized_key_removed", u->name,
					json_pack("{s:s,s:s,s:O}", "user", u->name, "sha256", hash, "key", info),
					"SSH key removed from %s", u->name);
			}
	}
	/* users that had keys and are gone from passwd */
	if (prev) {
		const char *name;
		json_t *keys;
		json_object_foreach(prev, name, keys) {
			if (find_user(a, cg_slice_cstr(name)))
				continue;
			finding(a, CG_SEV_LOW, "authorized_key_removed", name,
				json_pack("{s:s,s:I}", "user", name, "keys",
					  (json_int_t)json_object_size(keys)),
				"account %s with SSH keys is gone", name);
		}
	}
}

/* ---- judging accounts ------------------------------------------------- */

/* The list is shared with the Windows audit (sam.c). */
static bool default_name(const char *n)
{
	return cg_acct_default_name(n);
}

static json_t *user_evidence(const user *u)
{
	return json_pack("{s:s,s:I,s:I,s:s,s:s}", "user", u->name, "uid", (json_int_t)u->uid,
			 "gid", (json_int_t)u->gid, "home", u->home, "shell", u->shell);
}

static void judge_user(audit *a, user *u)
{
	bool capable = login_capable(u);
	int64_t today = a->p.now_ms / DAY_MS;
	if (u->uid == 0 && strcmp(u->name, "root") != 0)
		finding(a, CG_SEV_CRITICAL, "uid0_account", u->name, user_evidence(u),
			"account %s has UID 0 (root rights)", u->name);
	const char *pw = pw_of(u);
	if (pw[0] == '\0' && real_shell(u->shell)) {
		json_t *e = user_evidence(u);
		json_object_set_new(e, "file", json_string(u->has_shadow ? "/etc/shadow" : "/etc/passwd"));
		finding(a, CG_SEV_CRITICAL, "empty_password", u->name, e,
			"account %s has an empty password", u->name);
	}
	if (!capable)
		return;
	if (default_name(u->name))
		finding(a, CG_SEV_MEDIUM, "default_account_name", u->name, user_evidence(u),
			"login-capable account with a default or shared name: %s", u->name);
	if (u->has_shadow && password_usable(u) && pw[0]) {
		if (u->lastchg > 0 && today - u->lastchg > a->p.max_age_days) {
			json_t *e = user_evidence(u);
			json_object_set_new(e, "password_age_days", json_integer(today - u->lastchg));
			json_object_set_new(e, "max_age_days", json_integer(a->p.max_age_days));
			finding(a, CG_SEV_MEDIUM, "password_too_old", u->name, e,
				"password of %s unchanged for %" PRId64 " days (policy: %d)",
				u->name, today - u->lastchg, a->p.max_age_days);
		}
		if (u->max < 0 || u->max >= 10000) {
			json_t *e = user_evidence(u);
			json_object_set_new(e, "shadow_max", u->max < 0 ? json_null() : json_integer(u->max));
			finding(a, CG_SEV_LOW, "password_never_expires", u->name, e,
				"password of %s never expires", u->name);
		}
	}
	if (a->have_logins) {
		int64_t idle = u->last_login_ms < 0 ? -1 : (a->p.now_ms - u->last_login_ms) / DAY_MS;
		if (idle < 0 || idle > a->p.unused_days) {
			json_t *e = user_evidence(u);
			char t[32] = "never";
			if (u->last_login_ms >= 0)
				cg_time_format(u->last_login_ms, t, sizeof t);
			json_object_set_new(e, "last_login", u->last_login_ms < 0 ? json_null() : json_string(t));
			json_object_set_new(e, "unused_days", json_integer(a->p.unused_days));
			finding(a, CG_SEV_LOW, "account_unused", u->name, e,
				"login-capable account %s unused (last login: %s)", u->name, t);
		}
	}
}

static int cmp_uid(const void *x, const void *y)
{
	const user *a = *(user *const *)x, *b = *(user *const *)y;
	return a->uid < b->uid ? -1 : a->uid > b->uid;
}

static void judge_duplicate_uids(audit *a)
{
	user **v = calloc(a->nusers + 1, sizeof *v);
	if (!v)
		return;
	for (size_t i = 0; i < a->nusers; i++)
		v[i] = &a->users[i];
	qsort(v, a->nusers, sizeof *v, cmp_uid);
	for (size_t i = 0; i < a->nusers;) {
		size_t j = i + 1;
		while (j < a->nusers && v[j]->uid == v[i]->uid)
			j++;
		/* UID 0 twice is already a critical finding of its own */
		if (j - i > 1 && v[i]->uid != 0) {
			json_t *names = json_array();
			for (size_t k = i; k < j; k++)
				json_array_append_new(names, json_string(v[k]->name));
			char subj[64];
			snprintf(subj, sizeof subj, "uid %" PRId64, v[i]->uid);
			finding(a, CG_SEV_HIGH, "duplicate_uid", subj,
				json_pack("{s:I,s:o}", "uid", (json_int_t)v[i]->uid, "accounts", names),
				"%zu accounts share UID %" PRId64, j - i, v[i]->uid);
		}
		i = j;
	}
	free(v);
}

/* ---- sudoers ---------------------------------------------------------- */

static void read_sudoers_file(audit *a, const char *abs, int depth);

static void sudoers_includedir(audit *a, const char *absdir, int depth)
{
	char path[PATH_MAX * 2];
	path_in_root(a, absdir, path, sizeof path);
	DIR *d = opendir(path);
	if (!d) {
		if (errno != ENOENT)
			problem(a, "%s: %s", path, strerror(errno));
		return;
	}
	struct dirent *de;
	char **names = NULL;
	size_t n = 0;
	while ((de = readdir(d)) && n < 4096) {
		/* sudo skips names with a '.' or ending in '~' */
		if (strchr(de->d_name, '.') || de->d_name[strlen(de->d_name) - 1] == '~')
			continue;
		char **nn = realloc(names, (n + 1) * sizeof *nn);
		if (!nn)
			break;
		names = nn;
		names[n++] = strdup(de->d_name);
	}
	closedir(d);
	for (size_t i = 0; i < n; i++) {
		char abs[PATH_MAX * 2];
		if (names[i] && (size_t)snprintf(abs, sizeof abs, "%s/%s", absdir, names[i]) < sizeof abs)
			read_sudoers_file(a, abs, depth + 1);
		free(names[i]);
	}
	free(names);
}

static void sudo_rule(audit *a, const char *abs, size_t lineno, cg_slice line)
{
	cg_sudo_rule r;
	cg_err e = cg_sudoers_parse_line(line, &r);
	if (e == CG_ENOTFOUND)
		return;
	if (e) {
		problem(a, "%s%s:%zu: not a sudoers rule", a->root, abs, lineno);
		return;
	}
	if (!r.all_commands && !r.nopasswd)
		return;
	char who[256];
	if (cg_slice_copy(r.who, who, sizeof who))
		snprintf(who, sizeof who, "(long name)");
	if (strcmp(who, "root") == 0 && !r.nopasswd)
		return; /* root may do everything anyway */
	char where[PATH_MAX + 32];
	snprintf(where, sizeof where, "%s:%zu", abs, lineno);
	json_t *e2 = json_pack("{s:s,s:o,s:b,s:b}", "file", where, "rule", cg_json_str(cg_slice_trim(line)),
			       "all_commands", r.all_commands, "nopasswd", r.nopasswd);
	if (who[0] == '%') {
		json_t *m = json_object_get(a->groups, who + 1);
		json_object_set(e2, "group_members", m ? m : json_array());
	}
	if (r.nopasswd)
		finding(a, CG_SEV_HIGH, "sudo_nopasswd", who, e2,
			"sudo without password for %s%s (%s)", who,
			r.all_commands ? ", ALL commands" : "", where);
	else
		finding(a, CG_SEV_MEDIUM, "sudo_all", who, e2,
			"sudo ALL commands for %s (%s)", who, where);
}

static void include_line(audit *a, const char *abs, cg_slice rest, bool dir, int depth)
{
	char target[PATH_MAX];
	rest = cg_slice_trim(rest);
	if (cg_slice_copy(rest, target, sizeof target) || !target[0])
		return;
	char full[PATH_MAX * 2];
	if (target[0] == '/') {
		snprintf(full, sizeof full, "%s", target);
	} else { /* relative to the including file's directory */
		const char *slash = strrchr(abs, '/');
		int n = slash ? (int)(slash - abs) : 0;
		snprintf(full, sizeof full, "%.*s/%s", n, abs, target);
	}
	if (dir) {
		if (strcmp(full, "/etc/sudoers.d") == 0)
			a->sudoers_d_done = true;
		sudoers_includedir(a, full, depth);
	} else {
		read_sudoers_file(a, full, depth + 1);
	}
}

static void read_sudoers_file(audit *a, const char *abs, int depth)
{
	if (depth > CG_MAX_SUDOERS_DEPTH) {
		problem(a, "%s%s: includes nested deeper than %d", a->root, abs, CG_MAX_SUDOERS_DEPTH);
		return;
	}
	cg_buf b;
	if (!read_rooted(a, abs, &b, CG_MAX_ACCOUNT_FILE, depth == 0))
		return;
	cg_buf joined;
	cg_buf_init(&joined, CG_MAX_LINE);
	cg_slice rest = cg_buf_slice(&b);
	size_t lineno = 0, first = 0;
	while (rest.ptr && rest.len) {
		cg_slice line = cg_slice_cut(rest, '\n', &rest);
		lineno++;
		if (joined.len == 0)
			first = lineno;
		bool cont = line.len && line.ptr[line.len - 1] == '\\';
		if (cg_buf_append(&joined, line.ptr, cont ? line.len - 1 : line.len)) {
			problem(a, "%s%s:%zu: line too long", a->root, abs, first);
			cg_buf_reset(&joined);
			continue;
		}
		if (cont)
			continue;
		cg_slice l = cg_slice_trim(cg_buf_slice(&joined));
		if (cg_slice_starts_with(l, CG_SLICE("#includedir ")) ||
		    cg_slice_starts_with(l, CG_SLICE("@includedir ")))
			include_line(a, abs, cg_slice_from(l.ptr + 12, l.len - 12), true, depth);
		else if (cg_slice_starts_with(l, CG_SLICE("#include ")) ||
			 cg_slice_starts_with(l, CG_SLICE("@include ")))
			include_line(a, abs, cg_slice_from(l.ptr + 9, l.len - 9), false, depth);
		else
			sudo_rule(a, abs, first, l);
		cg_buf_reset(&joined);
	}
	cg_buf_free(&joined);
	cg_buf_free(&b);
}

/* ---- auth.log bursts -------------------------------------------------- */

typedef struct failure {
	char *key;
	int64_t ms;
} failure;

static int cmp_failure(const void *x, const void *y)
{
	const failure *a = x, *b = y;
	int c = strcmp(a->key, b->key);
	if (c)
		return c;
	return a->ms < b->ms ? -1 : a->ms > b->ms;
}

/* For each key, the largest number of failures inside one window. */
static void bursts(audit *a, failure *f, size_t n, const char *by)
{
	qsort(f, n, sizeof *f, cmp_failure);
	int64_t win = (int64_t)a->p.burst_minutes * 60000;
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j < n && strcmp(f[j].key, f[i].key) == 0)
			j++;
		size_t best = 0, bs = i, lo = i;
		for (size_t hi = i; hi < j; hi++) {
			while (f[hi].ms - f[lo].ms > win)
				lo++;
			if (hi - lo + 1 > best) {
				best = hi - lo + 1;
				bs = lo;
			}
		}
		if (best >= (size_t)a->p.burst_failures) {
			char t0[32], t1[32];
			cg_time_format(f[bs].ms, t0, sizeof t0);
			cg_time_format(f[bs + best - 1].ms, t1, sizeof t1);
			finding(a, CG_SEV_HIGH, "failed_login_burst", f[i].key,
				json_pack("{s:s,s:o,s:I,s:I,s:i,s:s,s:s}", "by", by, by,
					  cg_json_cstr(f[i].key), "failures_total", (json_int_t)(j - i),
					  "max_in_window", (json_int_t)best, "window_minutes",
					  a->p.burst_minutes, "first", t0, "last", t1),
				"%zu failed logins in %d minutes %s %s (%zu in the log)", best,
				a->p.burst_minutes, strcmp(by, "source") == 0 ? "from" : "for user",
				f[i].key, j - i);
		}
		i = j;
	}
}

static void read_authlog(audit *a)
{
	cg_buf b;
	if (!read_rooted(a, "/var/log/auth.log", &b, CG_MAX_AUTHLOG_BYTES, true))
		return;
	size_t cap = 0, n = 0;
	failure *by_src = NULL, *by_user = NULL;
	size_t nsrc = 0, nuser = 0;
	cg_slice rest = cg_buf_slice(&b);
	while (rest.ptr && rest.len) {
		cg_slice line = cg_slice_cut(rest, '\n', &rest);
		cg_auth_failure af;
		if (line.len > CG_MAX_LINE || cg_authlog_parse_line(line, a->p.now_ms, &af))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			failure *x = realloc(by_src, cap * sizeof *x), *y;
			if (!x)
				break;
			by_src = x;
			y = realloc(by_user, cap * sizeof *y);
			if (!y)
				break;
			by_user = y;
		}
		n++;
		if (af.source.len)
			by_src[nsrc++] = (failure){ dup_slice(af.source), af.time_ms };
		if (af.user.len)
			by_user[nuser++] = (failure){ dup_slice(af.user), af.time_ms };
	}
	cg_buf_free(&b);
	bursts(a, by_src, nsrc, "source");
	bursts(a, by_user, nuser, "user");
	for (size_t i = 0; i < nsrc; i++)
		free(by_src[i].key);
	for (size_t i = 0; i < nuser; i++)
		free(by_user[i].key);
	free(by_src);
	free(by_user);
}

/* ---- the audit -------------------------------------------------------- */

static void free_audit(audit *a)
{
	for (size_t i = 0; i < a->nusers; i++) {
		user *u = &a->users[i];
		free(u->name);
		free(u->home);
		free(u->shell);
		free(u->pw);
		if (u->hash)
			sodium_memzero(u->hash, strlen(u->hash));
		free(u->hash);
		json_decref(u->keys);
	}
	free(a->users);
	json_decref(a->groups);
}

cg_err cg_accounts_audit(const char *root, const char *state_dir,
			 const cg_acct_policy *policy, cg_acct_emit_fn emit,
			 cg_acct_error_fn on_error, void *ctx)
{
	if (sodium_init() < 0)
		return CG_ECRYPTO;
	audit a = { 0 };
	if (root && strcmp(root, "/") != 0 &&
	    cg_slice_copy(cg_slice_cstr(root), a.root, sizeof a.root - 1))
		return CG_ETOOBIG;
	size_t rl = strlen(a.root);
	while (rl > 0 && a.root[rl - 1] == '/')
		a.root[--rl] = '\0';
	a.state_dir = state_dir;
	if (policy)
		a.p = *policy;
	if (a.p.max_age_days <= 0)
		a.p.max_age_days = 90;
	if (a.p.unused_days <= 0)
		a.p.unused_days = 90;
	if (a.p.burst_failures <= 0)
		a.p.burst_failures = 5;
	if (a.p.burst_minutes <= 0)
		a.p.burst_minutes = 10;
	if (!a.p.now_ms)
		a.p.now_ms = cg_time_now_ms();
	a.emit = emit;
	a.on_error = on_error;
	a.ctx = ctx;

	read_passwd(&a);
	read_shadow(&a);
	read_group(&a);
	read_lastlog(&a);
	read_wtmp(&a);
	for (size_t i = 0; i < a.nusers; i++) {
		read_keys_file(&a, &a.users[i], "authorized_keys");
		read_keys_file(&a, &a.users[i], "authorized_keys2");
	}
	for (size_t i = 0; i < a.nusers; i++)
		judge_user(&a, &a.users[i]);
	judge_duplicate_uids(&a);
	json_t *prev = load_key_state(&a);
	judge_keys(&a, prev);
	json_decref(prev);
	save_key_state(&a);
	read_sudoers_file(&a, "/etc/sudoers", 0);
	if (!a.sudoers_d_done)
		sudoers_includedir(&a, "/etc/sudoers.d", 1);
	read_authlog(&a);
	free_audit(&a);
	return CG_OK;
}
