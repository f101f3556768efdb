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
 * The change notification (the inotify section below) is Linux only for
 * now: the Windows build has the pass (`fim scan`), not the watch
 * (docs/windows.md: ReadDirectoryChangesW is to come, in its own file).
 */
#include "fim/fim.h"

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
#ifdef __linux__
#include <sys/inotify.h>
#endif
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

typedef struct entry {
	struct entry *next;
	char *path;
	uint64_t size;
	int64_t mtime_ns;
	uint32_t gen;
	unsigned char sha[32];
} entry;

typedef struct pending {
	cg_event ev;
	char *scan_path; /* non-NULL: hand to the scan hook */
} pending;

struct cg_fim {
	cg_fim_opts o;
	char **roots;
	int nroots;
	char baseline[PATH_MAX];
	pthread_mutex_t mu;
	entry **buckets;
	size_t nbuckets, count;
	uint32_t gen;
	bool first, dirty;
	/* findings collected during a pass */
	pending *pend;
	size_t npend, cappend;
	cg_fim_stats *st;
	/* inotify */
	int ifd;
	char **wd_dir;
	size_t nwd;
	uint64_t nwatches;
	bool watch_limited;
};

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
	f->ifd = -1;
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
	for (size_t i = 0; i < f->nwd; i++)
		free(f->wd_dir[i]);
	free(f->wd_dir);
	for (size_t i = 0; i < f->npend; i++) {
		cg_event_clear(&f->pend[i].ev);
		free(f->pend[i].scan_path);
	}
	free(f->pend);
	if (f->ifd >= 0)
		close(f->ifd);
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

static void flush_pending(cg_fim *f)
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
static void check_file(cg_fim *f, const char *path, const char *how, bool quiet)
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
	check_file(f, path, "hash_pass", f->first);
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
	flush_pending(f);
	if (!err)
		err = cg_fim_save(f, NULL);
	if (st)
		*st = local;
	return err;
}

#ifdef __linux__
/* ---- inotify ---------------------------------------------------------- */

#define WATCH_MASK (IN_CREATE | IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | \
		    IN_DELETE | IN_DELETE_SELF | IN_ONLYDIR | IN_DONT_FOLLOW)

static void watch_limit(cg_fim *f, const char *path)
{
	if (f->watch_limited)
		return;
	f->watch_limited = true;
	cg_event ev;
	cg_event_init(&ev);
	ev.severity = CG_SEV_MEDIUM;
	cg_event_set(&ev, CG_EV_SOURCE, CG_SLICE("fim"));
	cg_event_set(&ev, CG_EV_KIND, CG_SLICE("watch_limit"));
	cg_event_set(&ev, CG_EV_SUBJECT, cg_slice_cstr(path));
	cg_event_set(&ev, CG_EV_SUMMARY,
		     CG_SLICE("inotify watch limit reached: changes below are found only by the periodic hash pass (raise fs.inotify.max_user_watches)"));
	json_object_set_new(ev.evidence, "watched_directories", json_integer((json_int_t)f->nwatches));
	json_object_set_new(ev.evidence, "path", cg_json_cstr(path));
	if (f->o.emit)
		f->o.emit(f->o.ctx, &ev);
	cg_event_clear(&ev);
}

static bool set_wd(cg_fim *f, int wd, const char *dir)
{
	if ((size_t)wd >= f->nwd) {
		size_t n = (size_t)wd * 2 + 16;
		char **v = realloc(f->wd_dir, n * sizeof *v);
		if (!v)
			return false;
		memset(v + f->nwd, 0, (n - f->nwd) * sizeof *v);
		f->wd_dir = v;
		f->nwd = n;
	}
	if (!f->wd_dir[wd])
		f->nwatches++;
	free(f->wd_dir[wd]);
	f->wd_dir[wd] = strdup(dir);
	return f->wd_dir[wd] != NULL;
}

/* Watches dir and every directory below it; with check, also judges the
 * files found (a directory that appeared with files already in it). */
static void add_tree(cg_fim *f, const char *dir, int depth, bool check)
{
	if (depth > 256 || f->watch_limited)
		return;
	if (f->nwatches >= CG_MAX_FIM_WATCHES) {
		watch_limit(f, dir);
		return;
	}
	int wd = inotify_add_watch(f->ifd, dir, WATCH_MASK);
	if (wd < 0) {
		if (errno == ENOSPC)
			watch_limit(f, dir);
		else if (errno != ENOENT && errno != ENOTDIR && f->o.on_problem)
			f->o.on_problem(f->o.ctx, dir, strerror(errno));
		return;
	}
	set_wd(f, wd, dir);
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		char path[PATH_MAX];
		if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, de->d_name) >= sizeof path)
			continue;
		struct stat st;
		if (lstat(path, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode))
			add_tree(f, path, depth + 1, check);
		else if (check && S_ISREG(st.st_mode))
			check_file(f, path, "inotify", false);
	}
	closedir(d);
}

cg_err cg_fim_watch_start(cg_fim *f, int *fd)
{
	*fd = -1;
	if (f->ifd < 0) {
		f->ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
		if (f->ifd < 0)
			return CG_EIO;
		for (int i = 0; i < f->nroots; i++)
			add_tree(f, f->roots[i], 0, false);
	}
	*fd = f->ifd;
	return CG_OK;
}

uint64_t cg_fim_watch_count(cg_fim *f)
{
	return f->nwatches;
}

/* A file or a whole directory went away (deleted or moved out). */
static void gone(cg_fim *f, const char *path, bool is_dir)
{
	pthread_mutex_lock(&f->mu);
	size_t n = strlen(path);
	if (!is_dir) {
		entry *e = lookup(f, path);
		if (e) {
			queue_removed(f, e, "inotify");
			remove_entry(f, e);
		}
	} else {
		for (size_t i = 0; i < f->nbuckets; i++)
			for (entry *e = f->buckets[i], *nx; e; e = nx) {
				nx = e->next;
				if (strncmp(e->path, path, n) == 0 && e->path[n] == '/') {
					queue_removed(f, e, "inotify");
					remove_entry(f, e);
				}
			}
	}
	pthread_mutex_unlock(&f->mu);
}

static void handle_event(cg_fim *f, const struct inotify_event *ev, bool *need_pass)
{
	if (ev->mask & IN_Q_OVERFLOW) {
		*need_pass = true;
		return;
	}
	if (ev->wd < 0 || (size_t)ev->wd >= f->nwd || !f->wd_dir[ev->wd])
		return;
	if (ev->mask & IN_IGNORED) {
		free(f->wd_dir[ev->wd]);
		f->wd_dir[ev->wd] = NULL;
		f->nwatches--;
		return;
	}
	if (ev->len == 0 || !ev->name[0])
		return;
	char path[PATH_MAX];
	if ((size_t)snprintf(path, sizeof path, "%s/%s", f->wd_dir[ev->wd], ev->name) >= sizeof path)
		return;
	bool dir = ev->mask & IN_ISDIR;
	if (ev->mask & (IN_DELETE | IN_MOVED_FROM)) {
		gone(f, path, dir);
	} else if (dir && (ev->mask & (IN_CREATE | IN_MOVED_TO))) {
		add_tree(f, path, 0, true);
		if (f->watch_limited)
			*need_pass = true;
	} else if (!dir && (ev->mask & (IN_CLOSE_WRITE | IN_MOVED_TO))) {
		check_file(f, path, "inotify", false);
	} else if (!dir && (ev->mask & IN_CREATE)) {
		/* an empty new file will be written and closed (IN_CLOSE_WRITE
		 * comes); one born with content is a hard link: judge now */
		struct stat st;
		if (lstat(path, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0)
			check_file(f, path, "inotify", false);
	}
}

cg_err cg_fim_watch_process(cg_fim *f, bool *need_pass)
{
	*need_pass = false;
	if (f->ifd < 0)
		return CG_EINVAL;
	char buf[64 * 1024] __attribute__((aligned(__alignof__(struct inotify_event))));
	for (;;) {
		ssize_t n = read(f->ifd, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		for (char *p = buf; p < buf + n;) {
			const struct inotify_event *ev = (const struct inotify_event *)p;
			if (p + sizeof *ev > buf + n || p + sizeof *ev + ev->len > buf + n)
				break;
			handle_event(f, ev, need_pass);
			p += sizeof *ev + ev->len;
		}
	}
	flush_pending(f);
	return CG_OK;
}
#endif /* __linux__ */
