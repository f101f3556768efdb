/*
 * spool.c - see spool.h for the on-disk layout and the guarantees.
 *
 * Implementation notes. Segments are small (a few MiB), so a reader takes
 * one whole segment (from the cursor) into memory with pread() and parses
 * it; nothing is ever kept open for reading. The list of segment numbers
 * and sizes lives in memory (a sorted array), rebuilt from readdir() at
 * open. The CRC per record (zlib's crc32) is what tells a torn or
 * overwritten record from a good one: length framing alone cannot, after
 * a crash in the middle of a write.
 *
 * Why not SQLite: a WAL database would give the same durability, but the
 * spool is append-then-delete-in-order, the one access pattern plain files
 * do perfectly, and a corrupt record in a text file costs one event, not
 * the database.
 */
#include "agent/spool.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "core/hex.h"
#include "core/fileio.h"
#include "core/json.h"
#include "core/limits.h"
#include "platform/filesync.h"

typedef struct seg_info {
	uint64_t num;
	uint64_t size;
} seg_info;

struct cg_spool {
	pthread_mutex_t mu;
	char dir[PATH_MAX];
	cg_spool_opts opts;
	int lock_fd;
	cg_dir_handle *dir_h;
	seg_info *segs; /* sorted by num */
	size_t nsegs, capsegs;
	int cur_fd;       /* the segment this process appends to, or -1 */
	uint64_t cur_num; /* its number (valid when cur_fd >= 0) */
	uint64_t next_num;
	cg_spool_pos cursor;
	uint64_t corrupt, lost, pending_loss;
	bool in_loss;
	bool unsynced; /* appended without fdatasync yet (append_nosync) */
};

static cg_err fail(cg_buf *why, const char *path, const char *what)
{
	int e = errno;
	if (why)
		cg_buf_printf(why, "%s: %s%s%s", path, what ? what : "",
			      what ? ": " : "", strerror(e));
	return e == ENOENT ? CG_ENOTFOUND : CG_EIO;
}

static void seg_path(const cg_spool *sp, uint64_t num, char *dst, size_t n)
{
	snprintf(dst, n, "%s/seg-%016" PRIu64 ".log", sp->dir, num);
}

/* ---- the record format ------------------------------------------------ */

cg_err cg_spool_parse_record(cg_slice buf, cg_slice *json, size_t *used)
{
	*json = (cg_slice){ NULL, 0 };
	*used = 0;
	const char *nl = memchr(buf.ptr, '\n', buf.len);
	if (!nl)
		return CG_ENOTFOUND;
	size_t line = (size_t)(nl - buf.ptr);
	*used = line + 1;
	if (line < 10 || buf.ptr[8] != ' ')
		return CG_EPARSE;
	uint32_t want = 0;
	for (int i = 0; i < 8; i++) {
		int v = cg_hex_digit(buf.ptr[i]);
		if (v < 0)
			return CG_EPARSE;
		want = (want << 4) | (uint32_t)v;
	}
	const char *p = buf.ptr + 9;
	size_t n = line - 9;
	uint32_t got = (uint32_t)crc32(0L, (const Bytef *)p, (uInt)n);
	if (got != want)
		return CG_EPARSE;
	*json = (cg_slice){ p, n };
	return CG_OK;
}

/* ---- segment list ----------------------------------------------------- */

static int seg_cmp(const void *a, const void *b)
{
	uint64_t x = ((const seg_info *)a)->num, y = ((const seg_info *)b)->num;
	return x < y ? -1 : x > y;
}

static cg_err seg_add(cg_spool *sp, uint64_t num, uint64_t size)
{
	if (sp->nsegs == sp->capsegs) {
		size_t cap = sp->capsegs ? sp->capsegs * 2 : 16;
		seg_info *n = realloc(sp->segs, cap * sizeof *n);
		if (!n)
			return CG_ENOMEM;
		sp->segs = n;
		sp->capsegs = cap;
	}
	sp->segs[sp->nsegs++] = (seg_info){ num, size };
	return CG_OK;
}

static seg_info *seg_find(cg_spool *sp, uint64_t num)
{
	for (size_t i = 0; i < sp->nsegs; i++)
		if (sp->segs[i].num == num)
			return &sp->segs[i];
	return NULL;
}

static bool parse_seg_name(const char *name, uint64_t *num)
{
	size_t n = strlen(name);
	if (n != 4 + 16 + 4 || strncmp(name, "seg-", 4) != 0 ||
	    strcmp(name + 20, ".log") != 0)
		return false;
	int64_t v;
	if (cg_parse_i64(cg_slice_from(name + 4, 16), 0, INT64_MAX, &v))
		return false;
	*num = (uint64_t)v;
	return true;
}

static cg_err scan_dir(cg_spool *sp, cg_buf *why)
{
	DIR *d = opendir(sp->dir);
	if (!d)
		return fail(why, sp->dir, "opendir");
	struct dirent *de;
	cg_err err = CG_OK;
	while (!err && (de = readdir(d))) {
		uint64_t num;
		if (!parse_seg_name(de->d_name, &num))
			continue;
		struct stat st;
		char path[PATH_MAX + 32];
		seg_path(sp, num, path, sizeof path);
		if (lstat(path, &st) != 0 || !S_ISREG(st.st_mode))
			continue;
		err = seg_add(sp, num, (uint64_t)st.st_size);
	}
	closedir(d);
	if (sp->nsegs)
		qsort(sp->segs, sp->nsegs, sizeof *sp->segs, seg_cmp);
	return err;
}

/* ---- cursor ----------------------------------------------------------- */

static cg_err load_cursor(cg_spool *sp, cg_buf *why)
{
	char path[PATH_MAX + 16];
	snprintf(path, sizeof path, "%s/cursor", sp->dir);
	cg_buf b;
	cg_buf_init(&b, 256);
	cg_err err = cg_read_file(path, &b, NULL);
	uint64_t first = sp->nsegs ? sp->segs[0].num : sp->next_num;
	sp->cursor = (cg_spool_pos){ first, 0 };
	if (err == CG_OK) {
		cg_slice rest, s = cg_buf_slice(&b);
		s = cg_slice_cut(s, '\n', &rest);
		cg_slice a = cg_slice_cut(s, ' ', &rest);
		int64_t seg, off;
		if (cg_parse_i64(a, 0, INT64_MAX, &seg) ||
		    cg_parse_i64(cg_slice_trim(rest), 0, INT64_MAX, &off)) {
			if (why)
				cg_buf_printf(why, "%s: not \"SEG OFF\"", path);
			cg_buf_free(&b);
			return CG_EPARSE;
		}
		if ((uint64_t)seg >= first)
			sp->cursor = (cg_spool_pos){ (uint64_t)seg, (uint64_t)off };
	}
	cg_buf_free(&b);
	return CG_OK;
}

static cg_err save_cursor(cg_spool *sp)
{
	char path[PATH_MAX + 16], text[64];
	snprintf(path, sizeof path, "%s/cursor", sp->dir);
	int n = snprintf(text, sizeof text, "%" PRIu64 " %" PRIu64 "\n",
			 sp->cursor.seg, sp->cursor.off);
	return cg_write_file_atomic(path, text, (size_t)n, 0600, NULL);
}

/* ---- open / close ----------------------------------------------------- */

cg_err cg_spool_open(const char *dir, const cg_spool_opts *opts,
		     cg_spool **out, cg_buf *why)
{
	*out = NULL;
	cg_spool *sp = calloc(1, sizeof *sp);
	if (!sp)
		return CG_ENOMEM;
	pthread_mutex_init(&sp->mu, NULL);
	sp->lock_fd = sp->cur_fd = -1;
	if (opts)
		sp->opts = *opts;
	if (!sp->opts.max_bytes)
		sp->opts.max_bytes = CG_SPOOL_DEFAULT_MAX_BYTES;
	if (!sp->opts.segment_bytes) {
		uint64_t s = sp->opts.max_bytes / 8;
		sp->opts.segment_bytes = s < CG_SPOOL_MAX_SEGMENT ? s : CG_SPOOL_MAX_SEGMENT;
	}
	if (sp->opts.segment_bytes > CG_SPOOL_MAX_SEGMENT)
		sp->opts.segment_bytes = CG_SPOOL_MAX_SEGMENT;
	cg_err err = cg_slice_copy(cg_slice_cstr(dir), sp->dir, sizeof sp->dir - 32);
	if (err) {
		if (why)
			cg_buf_printf(why, "%s: path too long", dir);
		goto out;
	}
	if (!sp->opts.read_only && (err = cg_mkdir_p(dir, 0700, why)))
		goto out;
	sp->dir_h = cg_dir_open(dir);
	if (!sp->dir_h) {
		err = fail(why, dir, "open");
		goto out;
	}
	if (!sp->opts.read_only) {
		char lock[PATH_MAX + 16];
		snprintf(lock, sizeof lock, "%s/lock", sp->dir);
		sp->lock_fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
		if (sp->lock_fd < 0) {
			err = fail(why, dir, "lock");
			goto out;
		}
		if (cg_lock_exclusive(sp->lock_fd) != 0) {
			if (why)
				cg_buf_printf(why, "%s: spool in use by another process", dir);
			err = CG_ECONFLICT;
			goto out;
		}
	}
	if ((err = scan_dir(sp, why)))
		goto out;
	sp->next_num = sp->nsegs ? sp->segs[sp->nsegs - 1].num + 1 : 1;
	err = load_cursor(sp, why);
	/* New segments always come after the cursor, even when every
	 * segment it pointed into has been acknowledged and deleted. */
	if (!err && sp->cursor.seg >= sp->next_num)
		sp->next_num = sp->cursor.off ? sp->cursor.seg + 1 : sp->cursor.seg;
out:
	if (err) {
		cg_spool_close(sp);
		return err;
	}
	*out = sp;
	return CG_OK;
}

void cg_spool_close(cg_spool *sp)
{
	if (!sp)
		return;
	if (sp->cur_fd >= 0)
		close(sp->cur_fd);
	cg_dir_close(sp->dir_h);
	if (sp->lock_fd >= 0)
		close(sp->lock_fd); /* releases the flock */
	free(sp->segs);
	pthread_mutex_destroy(&sp->mu);
	free(sp);
}

/* ---- reading a segment ------------------------------------------------ */

/* Reads segment num from off to its current end into b. */
static cg_err read_seg(cg_spool *sp, uint64_t num, uint64_t off, cg_buf *b)
{
	char path[PATH_MAX + 32];
	seg_path(sp, num, path, sizeof path);
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return errno == ENOENT ? CG_ENOTFOUND : CG_EIO;
	struct stat st;
	cg_err err = CG_OK;
	if (fstat(fd, &st) != 0) {
		close(fd);
		return CG_EIO;
	}
	uint64_t size = (uint64_t)st.st_size;
	if (off < size) {
		uint64_t want = size - off;
		if (want > b->max - b->len)
			want = b->max - b->len;
		err = cg_buf_reserve(b, (size_t)want);
		while (!err && want) {
			ssize_t r = pread(fd, b->ptr + b->len, (size_t)want, (off_t)off);
			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0) {
				err = r < 0 ? CG_EIO : CG_OK;
				break;
			}
			b->len += (size_t)r;
			off += (uint64_t)r;
			want -= (uint64_t)r;
		}
		if (b->ptr)
			b->ptr[b->len] = '\0';
	}
	close(fd);
	return err;
}

static size_t seg_read_max(void)
{
	return CG_SPOOL_MAX_SEGMENT + 2 * CG_MAX_SPOOL_RECORD;
}

/* The "lost" count of a loss event, or 0 for any other record. */
static uint64_t loss_count(cg_slice json)
{
	static const char kind[] = "\"kind\":\"spool_overflow\"";
	if (!memmem(json.ptr, json.len, kind, sizeof kind - 1))
		return 0;
	json_t *o = NULL;
	uint64_t n = 0;
	if (cg_json_parse(json, &o, NULL) == CG_OK) {
		const char *src = cg_json_get_str(o, "source");
		json_t *lost = json_object_get(json_object_get(o, "evidence"), "lost");
		if (src && strcmp(src, "agent") == 0 && json_is_integer(lost) &&
		    json_integer_value(lost) > 0)
			n = (uint64_t)json_integer_value(lost);
		json_decref(o);
	}
	return n;
}

/* Counts the good records of segment num from off. When carried is not
 * NULL, loss events are not counted but their "lost" figures are added to
 * *carried, so dropping a loss event keeps its count alive. */
static uint64_t count_records(cg_spool *sp, uint64_t num, uint64_t off,
			      uint64_t *carried)
{
	cg_buf b;
	cg_buf_init(&b, seg_read_max());
	uint64_t n = 0;
	if (read_seg(sp, num, off, &b) == CG_OK) {
		size_t pos = 0;
		while (pos < b.len) {
			cg_slice json;
			size_t used;
			cg_err e = cg_spool_parse_record(
				cg_slice_from(b.ptr + pos, b.len - pos), &json, &used);
			if (e == CG_ENOTFOUND)
				break;
			if (e == CG_OK) {
				uint64_t l = carried ? loss_count(json) : 0;
				if (l)
					*carried += l;
				else
					n++;
			}
			pos += used;
		}
	}
	cg_buf_free(&b);
	return n;
}

/* ---- appending -------------------------------------------------------- */

static uint64_t total_bytes(const cg_spool *sp)
{
	uint64_t t = 0;
	for (size_t i = 0; i < sp->nsegs; i++)
		t += sp->segs[i].size;
	return t;
}

static cg_err roll(cg_spool *sp)
{
	if (sp->cur_fd >= 0) {
		if (sp->unsynced && cg_fdatasync(sp->cur_fd) != 0) {
			close(sp->cur_fd);
			sp->cur_fd = -1;
			return CG_EIO;
		}
		sp->unsynced = false;
		close(sp->cur_fd);
	}
	sp->cur_fd = -1;
	uint64_t num = sp->next_num++;
	char path[PATH_MAX + 32];
	seg_path(sp, num, path, sizeof path);
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0600);
	if (fd < 0)
		return CG_EIO;
	/* The new name must survive a crash too, or its records vanish. */
	if (cg_dir_sync(sp->dir_h) != 0) {
		close(fd);
		unlink(path);
		return CG_EIO;
	}
	cg_err err = seg_add(sp, num, 0);
	if (err) {
		close(fd);
		return err;
	}
	sp->cur_fd = fd;
	sp->cur_num = num;
	return CG_OK;
}

/* Drops the oldest segment (never the one being written); returns the
 * number of unacknowledged events it held plus the counts of the loss
 * events among them (carried into the next loss event). */
static uint64_t drop_oldest(cg_spool *sp)
{
	seg_info old = sp->segs[0];
	uint64_t lost = 0, carried = 0;
	if (old.num >= sp->cursor.seg)
		lost = count_records(sp, old.num,
				     old.num == sp->cursor.seg ? sp->cursor.off : 0,
				     &carried);
	sp->lost += lost;
	char path[PATH_MAX + 32];
	seg_path(sp, old.num, path, sizeof path);
	unlink(path);
	memmove(sp->segs, sp->segs + 1, (sp->nsegs - 1) * sizeof *sp->segs);
	sp->nsegs--;
	if (sp->cursor.seg <= old.num) {
		sp->cursor = (cg_spool_pos){ sp->segs[0].num, 0 };
		save_cursor(sp);
	}
	return lost + carried;
}

static cg_err append_loss_event(cg_spool *sp, bool sync);

static cg_err append_locked(cg_spool *sp, cg_slice json, bool sync)
{
	if (sp->opts.read_only)
		return CG_EINVAL;
	if (json.len == 0 || memchr(json.ptr, '\n', json.len))
		return CG_EINVAL;
	size_t reclen = json.len + 10;
	if (reclen > CG_MAX_SPOOL_RECORD)
		return CG_ETOOBIG;
	cg_err err;
	seg_info *cur = sp->cur_fd >= 0 ? seg_find(sp, sp->cur_num) : NULL;
	if (!cur || (cur->size > 0 && cur->size + reclen > sp->opts.segment_bytes)) {
		if ((err = roll(sp)))
			return err;
		cur = seg_find(sp, sp->cur_num);
	}
	/* The bound: drop whole oldest segments, never the current one. */
	while (sp->nsegs > 1 && total_bytes(sp) + reclen > sp->opts.max_bytes)
		sp->pending_loss += drop_oldest(sp);
	cur = seg_find(sp, sp->cur_num);

	char head[10];
	snprintf(head, sizeof head, "%08lx",
		 (unsigned long)crc32(0L, (const Bytef *)json.ptr, (uInt)json.len));
	head[8] = ' ';
	cg_buf rec;
	cg_buf_init(&rec, CG_MAX_SPOOL_RECORD);
	if ((err = cg_buf_append(&rec, head, 9)) ||
	    (err = cg_buf_append(&rec, json.ptr, json.len)) ||
	    (err = cg_buf_putc(&rec, '\n'))) {
		cg_buf_free(&rec);
		return err;
	}
	size_t done = 0;
	while (done < rec.len) {
		ssize_t w = write(sp->cur_fd, rec.ptr + done, rec.len - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		done += (size_t)w;
	}
	cur->size += done;
	bool ok = done == rec.len && (!sync || cg_fdatasync(sp->cur_fd) == 0);
	sp->unsynced = ok && !sync;
	cg_buf_free(&rec);
	if (!ok) {
		/* A partial record may be on disk: never append after it. */
		close(sp->cur_fd);
		sp->cur_fd = -1;
		return CG_EIO;
	}
	if (sp->pending_loss && !sp->in_loss)
		return append_loss_event(sp, sync);
	return CG_OK;
}

static cg_err append_loss_event(cg_spool *sp, bool sync)
{
	cg_event ev;
	cg_err err = cg_event_init(&ev);
	if (err)
		return err;
	uint64_t n = sp->pending_loss;
	char line[160];
	snprintf(line, sizeof line,
		 "agent spool full: %" PRIu64 " oldest events dropped", n);
	cg_event_set(&ev, CG_EV_SOURCE, CG_SLICE("agent"));
	cg_event_set(&ev, CG_EV_KIND, CG_SLICE("spool_overflow"));
	cg_event_set(&ev, CG_EV_SUBJECT, CG_SLICE("spool"));
	cg_event_set(&ev, CG_EV_SUMMARY, cg_slice_cstr(line));
	ev.severity = CG_SEV_MEDIUM;
	json_object_set_new(ev.evidence, "lost", json_integer((json_int_t)n));
	json_object_set_new(ev.evidence, "max_bytes",
			    json_integer((json_int_t)sp->opts.max_bytes));
	cg_buf b;
	cg_buf_init(&b, CG_MAX_EVENT_JSON);
	err = cg_event_encode(&ev, &b);
	if (!err) {
		sp->in_loss = true;
		err = append_locked(sp, cg_buf_slice(&b), sync);
		sp->in_loss = false;
		if (!err)
			sp->pending_loss -= n;
	}
	cg_buf_free(&b);
	cg_event_clear(&ev);
	return err;
}

cg_err cg_spool_append(cg_spool *sp, cg_slice json)
{
	pthread_mutex_lock(&sp->mu);
	cg_err err = append_locked(sp, json, true);
	pthread_mutex_unlock(&sp->mu);
	return err;
}

cg_err cg_spool_append_nosync(cg_spool *sp, cg_slice json)
{
	pthread_mutex_lock(&sp->mu);
	cg_err err = append_locked(sp, json, false);
	pthread_mutex_unlock(&sp->mu);
	return err;
}

cg_err cg_spool_sync(cg_spool *sp)
{
	pthread_mutex_lock(&sp->mu);
	cg_err err = CG_OK;
	if (sp->unsynced && sp->cur_fd >= 0) {
		if (cg_fdatasync(sp->cur_fd) != 0) {
			close(sp->cur_fd);
			sp->cur_fd = -1;
			err = CG_EIO;
		}
	}
	sp->unsynced = false;
	pthread_mutex_unlock(&sp->mu);
	return err;
}

cg_err cg_spool_append_event(cg_spool *sp, const cg_event *ev)
{
	cg_buf b;
	cg_buf_init(&b, CG_MAX_EVENT_JSON);
	cg_err err = cg_event_encode(ev, &b);
	if (!err)
		err = cg_spool_append(sp, cg_buf_slice(&b));
	cg_buf_free(&b);
	return err;
}

/* ---- peek / ack ------------------------------------------------------- */

static bool is_last_seg(const cg_spool *sp, uint64_t num)
{
	return sp->nsegs == 0 || sp->segs[sp->nsegs - 1].num == num;
}

static cg_err peek_locked(cg_spool *sp, size_t max_events, size_t max_bytes,
			  cg_buf *out, size_t *n, cg_spool_pos *end)
{
	*n = 0;
	*end = sp->cursor;
	cg_buf b;
	cg_buf_init(&b, seg_read_max());
	cg_err err = CG_OK;
	for (size_t i = 0; i < sp->nsegs && *n < max_events; i++) {
		uint64_t num = sp->segs[i].num;
		if (num < sp->cursor.seg)
			continue;
		uint64_t off = num == sp->cursor.seg ? sp->cursor.off : 0;
		cg_buf_reset(&b);
		cg_err e = read_seg(sp, num, off, &b);
		if (e == CG_ENOTFOUND)
			continue;
		if (e) {
			err = e;
			break;
		}
		size_t pos = 0;
		bool full = false;
		while (pos < b.len) {
			cg_slice json;
			size_t used;
			e = cg_spool_parse_record(cg_slice_from(b.ptr + pos, b.len - pos),
						  &json, &used);
			if (e == CG_ENOTFOUND)
				break; /* torn tail */
			if (e == CG_OK) {
				if (*n >= max_events ||
				    (*n > 0 && out->len + json.len + 1 > max_bytes)) {
					full = true;
					break;
				}
				if ((err = cg_buf_append(out, json.ptr, json.len)) ||
				    (err = cg_buf_putc(out, '\n')))
					goto done;
				(*n)++;
			} else {
				sp->corrupt++;
			}
			pos += used;
			*end = (cg_spool_pos){ num, off + pos };
		}
		if (full || is_last_seg(sp, num))
			break;
		/* An older segment ends here (maybe with a torn record): the
		 * next read starts at the following segment. */
		if (i + 1 < sp->nsegs)
			*end = (cg_spool_pos){ sp->segs[i + 1].num, 0 };
	}
done:
	cg_buf_free(&b);
	return err;
}

cg_err cg_spool_peek(cg_spool *sp, size_t max_events, size_t max_bytes,
		     cg_buf *out, size_t *n, cg_spool_pos *end)
{
	pthread_mutex_lock(&sp->mu);
	cg_err err = peek_locked(sp, max_events, max_bytes, out, n, end);
	pthread_mutex_unlock(&sp->mu);
	return err;
}

cg_err cg_spool_ack(cg_spool *sp, cg_spool_pos end)
{
	pthread_mutex_lock(&sp->mu);
	cg_err err = CG_OK;
	if (sp->opts.read_only) {
		err = CG_EINVAL;
		goto out;
	}
	if (end.seg < sp->cursor.seg ||
	    (end.seg == sp->cursor.seg && end.off <= sp->cursor.off))
		goto out; /* nothing new (or stale): keep the cursor */
	sp->cursor = end;
	if ((err = save_cursor(sp)))
		goto out;
	/* Segments wholly before the cursor are done. */
	while (sp->nsegs > 0 && sp->segs[0].num < sp->cursor.seg &&
	       !(sp->cur_fd >= 0 && sp->segs[0].num == sp->cur_num)) {
		char path[PATH_MAX + 32];
		seg_path(sp, sp->segs[0].num, path, sizeof path);
		unlink(path);
		memmove(sp->segs, sp->segs + 1, (sp->nsegs - 1) * sizeof *sp->segs);
		sp->nsegs--;
	}
out:
	pthread_mutex_unlock(&sp->mu);
	return err;
}

cg_err cg_spool_stats_get(cg_spool *sp, cg_spool_stats *st)
{
	pthread_mutex_lock(&sp->mu);
	memset(st, 0, sizeof *st);
	for (size_t i = 0; i < sp->nsegs; i++) {
		const seg_info *s = &sp->segs[i];
		st->bytes += s->size;
		if (sp->opts.read_only) { /* sizes may have grown since open */
			char path[PATH_MAX + 32];
			struct stat fst;
			seg_path(sp, s->num, path, sizeof path);
			if (stat(path, &fst) == 0)
				st->bytes += (uint64_t)fst.st_size - s->size;
		}
		if (s->num >= sp->cursor.seg)
			st->pending += count_records(
				sp, s->num, s->num == sp->cursor.seg ? sp->cursor.off : 0, NULL);
	}
	st->segments = sp->nsegs;
	st->corrupt = sp->corrupt;
	st->lost = sp->lost;
	pthread_mutex_unlock(&sp->mu);
	return CG_OK;
}
