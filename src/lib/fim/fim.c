/*
 * fim.c - see fim.h.
 *
 * The baseline is an in-memory hash table (path -> size, mtime, SHA-256),
 * loaded from and saved to the baseline file. A full pass marks every
 * entry it meets with the pass's generation number; entries left with an
 * older generation were removed. Findings of a pass are collected while
 * the workers run and reported after the walk, so that the scan hook (a
 * malware scan) and the emit callback (a durable spool append) never run
 * under the table's lock.
 *
 * Hashing goes through malware/digest.h: OpenSSL's SHA-256 (libcrypto) on
 * Linux, which uses the CPU's SHA instructions where there are any (the
 * pass is meant to be as cheap as `sha256sum` over the same files, or
 * cheaper thanks to the threads); CNG on Windows.
 *
 * The change notification is one file per platform beside this one
 * (fim_internal.h): watch_inotify.c on Linux, platform/fim_watch_win.c
 * (ReadDirectoryChangesW) on Windows.
 */
#include "fim/fim.h"
#include "fim/fim_internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/hex.h"
#include "core/fileio.h"
#include "core/json.h"
#include "core/limits.h"
#include "core/timeutil.h"
#include "fs/walk.h"
#include "malware/digest.h"
#include "platform/path.h"

/* ---- names ------------------------------------------------------------ */

bool cg_fim_is_script(const char *name)
{
	const char *base = strrchr(name, '/');
	base = base ? base + 1 : name;
	if (strcasecmp(base, ".htaccess") == 0 || strcasecmp(base, ".user.ini") == 0 ||
	    strcasecmp(base, "web.config") == 0)
		return true;
	static const char *const ext[] = { "php", "phtml", "php3", "php4", "php5", "php7",
					   "phar", "asp", "aspx", "ashx", "asmx", "ascx",
					   "jsp", "jspx" };
	const char *dot = strrchr(base, '.');
	if (!dot)
		return false;
	for (size_t i = 0; i < sizeof ext / sizeof *ext; i++)
		if (strcasecmp(dot + 1, ext[i]) == 0)
			return true;
	/* "shell.php.jpg": Apache's AddHandler runs it as PHP */
	for (const char *p = base; (p = strchr(p, '.')) && p != dot; p++)
		for (size_t i = 0; i < 7; i++) {
			size_t n = strlen(ext[i]);
			if (strncasecmp(p + 1, ext[i], n) == 0 && p[1 + n] == '.')
				return true;
		}
	return false;
}

/* ---- the table -------------------------------------------------------- */

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static entry *lookup(cg_fim *f, const char *path)
{
	for (entry *e = f->buckets[hash_str(path) & (f->nbuckets - 1)]; e; e = e->next)
		if (strcmp(e->path, path) == 0)
			return e;
	return NULL;
}

static void grow(cg_fim *f)
{
	size_t n = f->nbuckets * 2;
	entry **b = calloc(n, sizeof *b);
	if (!b)
		return; /* keep the longer chains */
	for (size_t i = 0; i < f->nbuckets; i++)
		for (entry *e = f->buckets[i], *next; e; e = next) {
			next = e->next;
			size_t k = hash_str(e->path) & (n - 1);
			e->next = b[k];
			b[k] = e;
		}
	free(f->buckets);
	f->buckets = b;
	f->nbuckets = n;
}

static entry *insert(cg_fim *f, const char *path)
{
	entry *e = calloc(1, sizeof *e);
	if (!e || !(e->path = strdup(path))) {
		free(e);
		return NULL;
	}
	if (f->count >= f->nbuckets)
		grow(f);
	size_t k = hash_str(path) & (f->nbuckets - 1);
	e->next = f->buckets[k];
	f->buckets[k] = e;
	f->count++;
	return e;
}

static void remove_entry(cg_fim *f, entry *x)
{
	entry **pp = &f->buckets[hash_str(x->path) & (f->nbuckets - 1)];
	for (; *pp; pp = &(*pp)->next)
		if (*pp == x) {
			*pp = x->next;
			free(x->path);
			free(x);
			f->count--;
			return;
		}
}

/* ---- baseline file ---------------------------------------------------- */

static cg_err put_path(cg_buf *b, const char *p)
{
	cg_err err = CG_OK;
	for (; *p && !err; p++) {
		unsigned char c = (unsigned char)*p;
		if (c <= 0x20 || c == '%' || c == 0x7f)
			err = cg_buf_printf(b, "%%%02x", c);
		else
			err = cg_buf_putc(b, (char)c);
	}
	return err;
}

static bool get_path(cg_slice s, char *out, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < s.len; i++) {
		char c = s.ptr[i];
		if (c == '%') {
			if (i + 2 >= s.len)
				return false;
			int a = cg_hex_digit(s.ptr[i + 1]), b = cg_hex_digit(s.ptr[i + 2]);
			if (a < 0 || b < 0 || (a == 0 && b == 0))
				return false;
			c = (char)(a << 4 | b);
			i += 2;
		}
		if (k + 1 >= n)
			return false;
		out[k++] = c;
	}
	out[k] = '\0';
	return k > 0 && cg_path_is_absolute(out);
}

static cg_err load_baseline(cg_fim *f, cg_buf *why)
{
	cg_buf b;
	cg_buf_init(&b, CG_MAX_FIM_BASELINE);
	cg_err err = cg_read_file(f->baseline, &b, why);
	if (err == CG_ENOTFOUND) {
		f->first = true;
		cg_buf_free(&b);
		if (why)
			cg_buf_reset(why);
		return CG_OK;
	}
	if (err) {
		cg_buf_free(&b);
		return err;
	}
	cg_slice rest = cg_buf_slice(&b);
	size_t lineno = 0;
	char path[PATH_MAX];
	while (rest.ptr && rest.len) {
		cg_slice line = cg_slice_cut(rest, '\n', &rest), r2;
		lineno++;
		cg_slice hex = cg_slice_cut(line, ' ', &r2);
		cg_slice size = cg_slice_cut(r2, ' ', &r2);
		cg_slice mt = cg_slice_cut(r2, ' ', &r2);
		int64_t sz, m;
		unsigned char sha[32];
		bool ok = r2.ptr && hex.len == 64 && !cg_parse_i64(size, 0, INT64_MAX, &sz) &&
			  !cg_parse_i64(mt, 0, INT64_MAX, &m) && get_path(r2, path, sizeof path);
		for (int i = 0; ok && i < 32; i++) {
			int a = cg_hex_digit(hex.ptr[2 * i]), c = cg_hex_digit(hex.ptr[2 * i + 1]);
			ok = a >= 0 && c >= 0;
			sha[i] = (unsigned char)(a << 4 | c);
		}
		if (!ok) {
			if (f->o.on_problem) {
				char msg[64];
				snprintf(msg, sizeof msg, "baseline line %zu is malformed, skipped", lineno);
				f->o.on_problem(f->o.ctx, f->baseline, msg);
			}
			continue;
		}
		entry *e = lookup(f, path);
		if (!e && !(e = insert(f, path))) {
			err = CG_ENOMEM;
			break;
		}
		e->size = (uint64_t)sz;
		e->mtime_ns = m;
		memcpy(e->sha, sha, 32);
	}
	cg_buf_free(&b);
	return err;
}

cg_err cg_fim_save(cg_fim *f, cg_buf *why)
{
	pthread_mutex_lock(&f->mu);
	cg_err err = CG_OK;
	if (!f->dirty)
		goto out;
	cg_buf b;
	cg_buf_init(&b, CG_MAX_FIM_BASELINE);
	char hex[65];
	for (size_t i = 0; i < f->nbuckets && !err; i++)
		for (entry *e = f->buckets[i]; e && !err; e = e->next) {
			cg_hex_encode(e->sha, 32, hex);
			err = cg_buf_printf(&b, "%s %" PRIu64 " %" PRId64 " ", hex, e->size, e->mtime_ns);
			if (!err)
				err = put_path(&b, e->path);
			if (!err)
				err = cg_buf_putc(&b, '\n');
		}
	if (!err)
		err = cg_write_file_atomic(f->baseline, b.ptr ? b.ptr : "", b.len, 0600, why);
	else if (why)
		cg_buf_printf(why, "%s: baseline over %u bytes", f->baseline, CG_MAX_FIM_BASELINE);
	if (!err)
		f->dirty = false;
	cg_buf_free(&b);
out:
	pthread_mutex_unlock(&f->mu);
	return err;
}

/* ---- open / close ----------------------------------------------------- */

cg_err cg_fim_open(const cg_fim_opts *opts, cg_fim **out, cg_buf *why)
{
	*out = NULL;
	cg_fim *f = calloc(1, sizeof *f);
	if (!f)
		return CG_ENOMEM;
	f->o = *opts;
	pthread_mutex_init(&f->mu, NULL);
	f->nbuckets = 1024;
	f->buckets = calloc(f->nbuckets, sizeof *f->buckets);
	f->roots = calloc((size_t)opts->nroots + 1, sizeof *f->roots);
	cg_err err = f->buckets && f->roots ? CG_OK : CG_ENOMEM;
	for (int i = 0; !err && i < opts->nroots; i++) {
		char *r = cg_abspath(opts->roots[i]);
		struct stat st;
		if (!r || stat(r, &st) != 0 || !S_ISDIR(st.st_mode)) {
			if (why)
				cg_buf_printf(why, "%s: %s", opts->roots[i],
					      r ? "not a directory" : strerror(errno));
			free(r);
			err = CG_ENOTFOUND;
			break;
		}
		f->roots[f->nroots++] = r;
	}
	if (!err && cg_slice_copy(cg_slice_cstr(opts->baseline_path), f->baseline, sizeof f->baseline))
		err = CG_ETOOBIG;
	if (!err)
		err = load_baseline(f, why);
	if (err) {
		cg_fim_close(f);
		return err;
	}
	*out = f;
	return CG_OK;
}

void cg_fim_close(cg_fim *f)
{
	if (!f)
		return;
	for (size_t i = 0; f->buckets && i < f->nbuckets; i++)
		for (entry *e = f->buckets[i], *n; e; e = n) {
			n = e->next;
			free(e->path);
			free(e);
		}
	free(f->buckets);
	for (int i = 0; f->roots && i < f->nroots; i++)
		free(f->roots[i]);
	free(f->roots);
	cg_fim_i_watch_free(f);
	for (size_t i = 0; i < f->npend; i++) {
		cg_event_clear(&f->pend[i].ev);
		free(f->pend[i].scan_path);
	}
	free(f->pend);
	pthread_mutex_destroy(&f->mu);
	free(f);
}

uint64_t cg_fim_count(cg_fim *f)
{
	return f->count;
}

/* ---- hashing and judging one file -------------------------------------- */

/* Hashes an open file; *size gets the bytes read. */
static bool hash_fd(int fd, unsigned char sha[32], uint64_t *size)
{
	cg_digest *c = NULL;
	bool ok = cg_digest_new(true, false, &c) == CG_OK;
	unsigned char buf[64 * 1024];
	uint64_t total = 0;
	while (ok) {
		ssize_t r = read(fd, buf, sizeof buf);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			ok = r == 0;
			break;
		}
		ok = cg_digest_update(c, buf, (size_t)r) == CG_OK;
		total += (uint64_t)r;
	}
	ok = ok && cg_digest_final(c, sha, NULL) == CG_OK;
	cg_digest_free(c);
	*size = total;
	return ok;
}

static const char *root_of(const cg_fim *f, const char *path)
{
	for (int i = 0; i < f->nroots; i++) {
		size_t n = strlen(f->roots[i]);
		if (strncmp(path, f->roots[i], n) == 0 && (path[n] == '/' || path[n] == '\0' || n == 1))
			return f->roots[i];
	}
	return NULL;
}

/* Builds a finding (not yet emitted). old may be NULL. */
static void make_event(cg_fim *f, cg_event *ev, const char *kind, cg_severity sev,
		       const char *path, const entry *now, const entry *old, const char *how)
{
	cg_event_init(ev);
	ev->severity = sev;
	cg_event_set(ev, CG_EV_SOURCE, CG_SLICE("fim"));
	cg_event_set(ev, CG_EV_KIND, cg_slice_cstr(kind));
	cg_event_set(ev, CG_EV_SUBJECT, cg_slice_cstr(path));
	char line[PATH_MAX + 64];
	const char *what = strcmp(kind, "script_added") == 0     ? "new server-side script"
			   : strcmp(kind, "script_changed") == 0 ? "server-side script changed"
			   : strcmp(kind, "file_added") == 0     ? "new file"
			   : strcmp(kind, "file_changed") == 0   ? "file changed"
								 : "file removed";
	snprintf(line, sizeof line, "%s: %s", what, path);
	cg_event_set(ev, CG_EV_SUMMARY, cg_slice_cstr(line));
	/* A stable id: the same change seen twice (a pass re-run after a
	 * crash, before the baseline was saved) is one event at the server. */
	char idsrc[PATH_MAX + 256], hx[65] = "-", ho[65] = "-";
	if (now)
		cg_hex_encode(now->sha, 32, hx);
	if (old)
		cg_hex_encode(old->sha, 32, ho);
	int n = snprintf(idsrc, sizeof idsrc, "%s|%s|%s|%s|%" PRId64, kind, path, hx, ho,
			 now ? now->mtime_ns : old ? old->mtime_ns : 0);
	unsigned char d[32];
	if (n > 0 && cg_digest_sha256(idsrc, (size_t)n < sizeof idsrc ? (size_t)n : sizeof idsrc - 1,
				      d) == CG_OK) {
		cg_hex_encode(d, 16, hx);
		snprintf(ev->id, sizeof ev->id, "fim-%.32s", hx);
	}
	json_t *e = ev->evidence;
	json_object_set_new(e, "path", cg_json_cstr(path));
	const char *root = root_of(f, path);
	json_object_set_new(e, "web_root", root ? cg_json_cstr(root) : json_null());
	json_object_set_new(e, "detected_by", json_string(how));
	char hex[65];
	if (now) {
		cg_hex_encode(now->sha, 32, hex);
		json_object_set_new(e, "sha256", json_string(hex));
		json_object_set_new(e, "size", json_integer((json_int_t)now->size));
		char t[32];
		cg_time_format(now->mtime_ns / 1000000, t, sizeof t);
		json_object_set_new(e, "mtime", json_string(t));
	}
	if (old) {
		cg_hex_encode(old->sha, 32, hex);
		json_object_set_new(e, "old_sha256", json_string(hex));
		json_object_set_new(e, "old_size", json_integer((json_int_t)old->size));
	}
}

static void add_pending(cg_fim *f, pending *p)
{
	if (f->npend == f->cappend) {
		size_t cap = f->cappend ? f->cappend * 2 : 64;
		pending *n = realloc(f->pend, cap * sizeof *n);
		if (!n) {
			cg_event_clear(&p->ev);
			free(p->scan_path);
			return;
		}
		f->pend = n;
		f->cappend = cap;
	}
	f->pend[f->npend++] = *p;
}

void cg_fim_i_flush(cg_fim *f)
{
	for (size_t i = 0; i < f->npend; i++) {
		pending *p = &f->pend[i];
		if (f->o.emit)
			f->o.emit(f->o.ctx, &p->ev);
	}
	/* the findings are durable before anything else happens (and before
	 * the baseline that no longer shows the change is saved) */
	if (f->npend && f->o.sync)
		f->o.sync(f->o.ctx);
	for (size_t i = 0; i < f->npend; i++) {
		pending *p = &f->pend[i];
		if (p->scan_path && f->o.scan_hook)
			f->o.scan_hook(f->o.ctx, p->scan_path);
		cg_event_clear(&p->ev);
		free(p->scan_path);
	}
	f->npend = 0;
}

/* Compares a freshly hashed file with the baseline; updates it and queues
 * a finding. Called with the lock held. */
static void judge(cg_fim *f, const char *path, const entry *now, const char *how, bool quiet)
{
	entry *e = lookup(f, path);
	bool script = cg_fim_is_script(path);
	const char *kind = NULL;
	pending p = { 0 };
	if (!e) {
		if (!(e = insert(f, path)))
			return;
		kind = script ? "script_added" : "file_added";
		if (f->st)
			f->st->added++;
	} else if (e->size != now->size || memcmp(e->sha, now->sha, 32) != 0) {
		kind = script ? "script_changed" : "file_changed";
		if (f->st)
			f->st->changed++;
	}
	if (kind && !quiet) {
		make_event(f, &p.ev, kind, script ? CG_SEV_HIGH : CG_SEV_INFO, path, now,
			   strstr(kind, "changed") ? e : NULL, how);
		if (script) {
			p.scan_path = strdup(path);
			if (f->st)
				f->st->alerts++;
		}
		add_pending(f, &p);
	}
	if (kind || e->mtime_ns != now->mtime_ns)
		f->dirty = true;
	e->size = now->size;
	e->mtime_ns = now->mtime_ns;
	memcpy(e->sha, now->sha, 32);
	e->gen = f->gen;
}

/* Opens (no symlinks), hashes and judges one file. */
void cg_fim_i_check_file(cg_fim *f, const char *path, const char *how, bool quiet)
{
	struct stat st;
	int fd = cg_walk_open(path, &st);
	if (fd < 0) {
		if (errno != ENOENT && f->o.on_problem)
			f->o.on_problem(f->o.ctx, path, strerror(errno));
		return;
	}
	entry now = { 0 };
	bool ok = S_ISREG(st.st_mode) &&
		  !(f->o.max_file_size && (uint64_t)st.st_size > f->o.max_file_size) &&
		  hash_fd(fd, now.sha, &now.size);
	close(fd);
	if (!ok)
		return;
	now.mtime_ns = cg_stat_mtime_ns(&st);
	pthread_mutex_lock(&f->mu);
	if (f->st) {
		f->st->files++;
		f->st->bytes += now.size;
	}
	judge(f, path, &now, how, quiet);
	pthread_mutex_unlock(&f->mu);
}

/* ---- the full pass ---------------------------------------------------- */

static void pass_file(void *ctx, int worker, const char *path, const struct stat *st)
{
	(void)worker;
	(void)st;
	cg_fim *f = ctx;
	cg_fim_i_check_file(f, path, "hash_pass", f->first);
}

static void pass_problem(void *ctx, const char *path, cg_walk_problem kind, const char *reason)
{
	cg_fim *f = ctx;
	if (kind == CG_WALK_SYMLINK)
		return; /* links are not followed, by design; not a problem */
	pthread_mutex_lock(&f->mu);
	if (f->st)
		f->st->problems++;
	pthread_mutex_unlock(&f->mu);
	if (f->o.on_problem)
		f->o.on_problem(f->o.ctx, path, reason ? reason : cg_walk_problem_name(kind));
}

static void queue_removed(cg_fim *f, entry *e, const char *how)
{
	pending p = { 0 };
	make_event(f, &p.ev, "file_removed", CG_SEV_INFO, e->path, NULL, e, how);
	add_pending(f, &p);
	if (f->st)
		f->st->removed++;
	f->dirty = true;
}

void cg_fim_i_gone(cg_fim *f, const char *path, bool is_dir, const char *how)
{
	pthread_mutex_lock(&f->mu);
	size_t n = strlen(path);
	if (!is_dir) {
		entry *e = lookup(f, path);
		if (e) {
			queue_removed(f, e, how);
			remove_entry(f, e);
		}
	} else {
		for (size_t i = 0; i < f->nbuckets; i++)
			for (entry *e = f->buckets[i], *nx; e; e = nx) {
				nx = e->next;
				if (strncmp(e->path, path, n) == 0 && e->path[n] == '/') {
					queue_removed(f, e, how);
					remove_entry(f, e);
				}
			}
	}
	pthread_mutex_unlock(&f->mu);
}

cg_err cg_fim_pass(cg_fim *f, cg_fim_stats *st)
{
	cg_fim_stats local;
	memset(&local, 0, sizeof local);
	pthread_mutex_lock(&f->mu);
	f->gen++;
	f->st = &local;
	local.first = f->first;
	pthread_mutex_unlock(&f->mu);
	cg_walk_opts wo = { .threads = f->o.threads, .max_file_size = f->o.max_file_size };
	cg_err err = cg_walk((const char *const *)f->roots, f->nroots, &wo, pass_file,
			     pass_problem, f);
	pthread_mutex_lock(&f->mu);
	if (!err) {
		/* entries not met in this pass are gone */
		for (size_t i = 0; i < f->nbuckets; i++)
			for (entry *e = f->buckets[i], *n; e; e = n) {
				n = e->next;
				if (e->gen == f->gen)
					continue;
				if (!f->first && root_of(f, e->path))
					queue_removed(f, e, "hash_pass");
				remove_entry(f, e);
				f->dirty = true;
			}
	}
	f->st = NULL;
	f->first = false;
	f->dirty = true;
	pthread_mutex_unlock(&f->mu);
	cg_fim_i_flush(f);
	if (!err)
		err = cg_fim_save(f, NULL);
	if (st)
		*st = local;
	return err;
}

