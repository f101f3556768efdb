/*
 * archive.c - bounded archive reading on libarchive (see archive.h).
 *
 * Only the formats and filters canhgac needs are enabled: a broad
 * "support all" would let libarchive's text-based bidders (mtree, for
 * one) claim ordinary text files, and some filters run external
 * programs. One `budget` is shared by an outer file and everything nested
 * in it, so the total-size and ratio limits hold across nesting.
 */
#include "archive.h"

#include <archive.h>
#include <archive_entry.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "core/buf.h"
#include "core/limits.h"
#include "platform/fmap.h"

#define AR_BLOCK 65536
#define AR_MAX_PATH 4096

typedef struct budget {
	const cg_archive_limits *lim;
	const cg_archive_visitor *v;
	uint64_t compressed; /* size of the file on disk */
	uint64_t expanded;   /* bytes decompressed so far, all levels */
	bool stop;           /* visitor said stop, or a bomb was found */
} budget;

cg_archive_limits cg_archive_default_limits(void)
{
	return (cg_archive_limits){
		.max_depth = CG_ARCHIVE_MAX_DEPTH,
		.max_entries = CG_ARCHIVE_MAX_ENTRIES,
		.max_entry_bytes = CG_ARCHIVE_MAX_ENTRY_BYTES,
		.max_total_bytes = CG_ARCHIVE_MAX_TOTAL_BYTES,
		.max_ratio = CG_ARCHIVE_MAX_RATIO,
	};
}

bool cg_archive_sniff(const unsigned char *h, size_t n)
{
	if (n >= 4 && memcmp(h, "PK\x03\x04", 4) == 0)
		return true; /* zip */
	if (n >= 4 && memcmp(h, "PK\x05\x06", 4) == 0)
		return true; /* empty zip */
	if (n >= 6 && memcmp(h, "7z\xBC\xAF\x27\x1C", 6) == 0)
		return true;
	if (n >= 6 && memcmp(h, "Rar!\x1A\x07", 6) == 0)
		return true;
	if (n >= 2 && h[0] == 0x1F && h[1] == 0x8B)
		return true; /* gzip */
	if (n >= 3 && memcmp(h, "BZh", 3) == 0)
		return true;
	if (n >= 6 && memcmp(h, "\xFD" "7zXZ\x00", 6) == 0)
		return true;
	if (n >= 4 && memcmp(h, "\x28\xB5\x2F\xFD", 4) == 0)
		return true; /* zstd */
	if (n >= 262 && memcmp(h + 257, "ustar", 5) == 0)
		return true; /* tar */
	return false;
}

static struct archive *new_reader(bool raw)
{
	struct archive *a = archive_read_new();
	if (!a)
		return NULL;
	archive_read_support_filter_gzip(a);
	archive_read_support_filter_bzip2(a);
	archive_read_support_filter_xz(a);
	archive_read_support_filter_lzma(a);
	archive_read_support_filter_zstd(a);
	if (raw) {
		archive_read_support_format_raw(a);
	} else {
		archive_read_support_format_zip(a);
		archive_read_support_format_7zip(a);
		archive_read_support_format_rar(a);
		archive_read_support_format_rar5(a);
		archive_read_support_format_tar(a);
	}
	return a;
}

static void report(budget *b, const char *path, cg_err err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void report(budget *b, const char *path, cg_err err, const char *fmt, ...)
{
	if (!b->v->problem)
		return;
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	b->v->problem(b->v->ctx, path, err, msg);
}

static cg_err read_archive(const unsigned char *data, size_t len, const char *path,
			   int depth, budget *b);

/* The name a member of a bare compressed stream gets: the file's own name
 * without its compression suffix. */
static void raw_member_name(const char *outer, char *out, size_t outsize)
{
	const char *base = strrchr(outer, '!');
	base = base ? base + 1 : outer;
	const char *slash = strrchr(base, '/');
	base = slash ? slash + 1 : base;
	size_t n = strlen(base);
	static const char *const sfx[] = { ".gz", ".tgz", ".bz2", ".xz", ".lzma", ".zst", ".z" };
	for (size_t i = 0; i < sizeof sfx / sizeof *sfx; i++) {
		size_t s = strlen(sfx[i]);
		if (n > s && strcasecmp(base + n - s, sfx[i]) == 0) {
			n -= s;
			break;
		}
	}
	snprintf(out, outsize, "%.*s", (int)n, base);
	if (!*out)
		snprintf(out, outsize, "data");
}

/* Decompresses the current member into m, enforcing the limits.
 * Returns false (after reporting) when the archive must stop. */
static bool read_member(struct archive *a, const char *mpath, cg_buf *m, budget *b)
{
	const cg_archive_limits *lim = b->lim;
	for (;;) {
		const void *blk;
		size_t n;
		la_int64_t off;
		int r = archive_read_data_block(a, &blk, &n, &off);
		if (r == ARCHIVE_EOF)
			return true;
		if (r < ARCHIVE_WARN) {
			report(b, mpath, CG_EPARSE, "corrupt member: %s", archive_error_string(a));
			return false;
		}
		/* Sparse members arrive with offsets: fill the holes. */
		if (off >= 0 && (uint64_t)off > m->len) {
			uint64_t hole = (uint64_t)off - m->len;
			if (hole > lim->max_entry_bytes)
				goto too_big;
			static const char zeros[AR_BLOCK];
			while (hole) {
				size_t k = hole > AR_BLOCK ? AR_BLOCK : (size_t)hole;
				if (cg_buf_append(m, zeros, k))
					goto too_big;
				b->expanded += k;
				hole -= k;
			}
		}
		if (cg_buf_append(m, blk, n))
			goto too_big;
		b->expanded += n;
		if (b->expanded > lim->max_total_bytes) {
			report(b, mpath, CG_ELIMIT,
			       "archive bomb: expands past %llu bytes in total",
			       (unsigned long long)lim->max_total_bytes);
			return false;
		}
		if (b->expanded > CG_ARCHIVE_RATIO_FLOOR && b->compressed &&
		    b->expanded / b->compressed > lim->max_ratio) {
			report(b, mpath, CG_ELIMIT,
			       "archive bomb: expansion ratio over %llu:1",
			       (unsigned long long)lim->max_ratio);
			return false;
		}
	}
too_big:
	report(b, mpath, CG_ELIMIT, "member larger than %llu bytes: not inspected",
	       (unsigned long long)lim->max_entry_bytes);
	return archive_read_data_skip(a) == ARCHIVE_OK;
}

/* Handles one member header. Returns false to stop this archive. */
static bool visit_member(struct archive *a, struct archive_entry *e, const char *path,
			 bool raw, int depth, cg_buf *m, budget *b)
{
	const cg_archive_visitor *v = b->v;
	char mpath[AR_MAX_PATH];
	char rawname[256];
	const char *name = archive_entry_pathname_utf8(e);
	if (!name)
		name = archive_entry_pathname(e);
	if (raw) {
		raw_member_name(path, rawname, sizeof rawname);
		name = rawname;
	}
	snprintf(mpath, sizeof mpath, "%s!%s", path, name ? name : "?");
	if (archive_entry_filetype(e) != AE_IFREG)
		return true;
	if (archive_entry_is_encrypted(e)) {
		report(b, mpath, CG_EENCRYPTED, "encrypted member: cannot inspect");
		return true;
	}
	int64_t size = archive_entry_size_is_set(e) ? archive_entry_size(e) : -1;
	cg_archive_action act = v->want ? v->want(v->ctx, mpath, size, depth) : CG_AR_READ;
	if (act == CG_AR_STOP) {
		b->stop = true;
		return false;
	}
	if (act == CG_AR_SKIP)
		return true;
	cg_buf_reset(m);
	if (!read_member(a, mpath, m, b)) {
		if (b->expanded > b->lim->max_total_bytes ||
		    (b->compressed && b->expanded / b->compressed > b->lim->max_ratio))
			b->stop = true;
		return false;
	}
	if (v->recurse && cg_archive_sniff((const unsigned char *)m->ptr, m->len)) {
		if (depth + 1 > b->lim->max_depth) {
			report(b, mpath, CG_ELIMIT, "archive nested deeper than %d levels: not followed",
			       b->lim->max_depth);
		} else {
			/* Detach the member so the nested read can reuse its
			 * own buffers while this one stays alive. */
			size_t mlen;
			char *inner = cg_buf_detach(m, &mlen);
			read_archive((unsigned char *)inner, mlen, mpath, depth + 1, b);
			if (!b->stop && v->member &&
			    v->member(v->ctx, mpath, (unsigned char *)inner, mlen, depth) == CG_AR_STOP)
				b->stop = true;
			free(inner);
			return !b->stop;
		}
	}
	if (v->member &&
	    v->member(v->ctx, mpath, (const unsigned char *)(m->ptr ? m->ptr : ""), m->len,
		      depth) == CG_AR_STOP)
		b->stop = true;
	return !b->stop;
}

static cg_err read_with(struct archive *a, const char *path, bool raw, int depth, budget *b)
{
	cg_buf member;
	cg_buf_init(&member, b->lim->max_entry_bytes);
	uint64_t entries = 0;
	struct archive_entry *e;
	int r;
	while (!b->stop && (r = archive_read_next_header(a, &e)) != ARCHIVE_EOF) {
		if (r < ARCHIVE_WARN) {
			if (archive_read_has_encrypted_entries(a) > 0)
				report(b, path, CG_EENCRYPTED, "encrypted archive: cannot inspect");
			else
				report(b, path, CG_EPARSE, "corrupt archive: %s",
				       archive_error_string(a));
			break;
		}
		if (++entries > b->lim->max_entries) {
			report(b, path, CG_ELIMIT, "archive bomb: more than %llu members",
			       (unsigned long long)b->lim->max_entries);
			b->stop = true;
			break;
		}
		if (!visit_member(a, e, path, raw, depth, &member, b))
			break;
	}
	cg_buf_free(&member);
	return CG_OK;
}

static cg_err read_archive(const unsigned char *data, size_t len, const char *path,
			   int depth, budget *b)
{
	for (int pass = 0; pass < 2; pass++) {
		bool raw = pass == 1;
		struct archive *a = new_reader(raw);
		if (!a)
			return CG_ENOMEM;
		if (archive_read_open_memory(a, data, len) != ARCHIVE_OK) {
			archive_read_free(a);
			continue;
		}
		/* raw accepts anything: only take it for a compressed stream */
		if (raw) {
			struct archive_entry *probe;
			if (archive_read_next_header(a, &probe) != ARCHIVE_OK ||
			    archive_filter_count(a) < 2) {
				archive_read_free(a);
				return CG_EUNSUPPORTED;
			}
			archive_read_free(a);
			a = new_reader(true);
			if (!a || archive_read_open_memory(a, data, len) != ARCHIVE_OK) {
				archive_read_free(a);
				return CG_EUNSUPPORTED;
			}
		}
		cg_err err = read_with(a, path, raw, depth, b);
		archive_read_free(a);
		return err;
	}
	return CG_EUNSUPPORTED;
}

cg_err cg_archive_read_mem(const unsigned char *data, size_t len, const char *display_path,
			   const cg_archive_limits *limits, const cg_archive_visitor *v)
{
	cg_archive_limits def = cg_archive_default_limits();
	budget b = { .lim = limits ? limits : &def, .v = v, .compressed = len };
	return read_archive(data, len, display_path, 0, &b);
}

cg_err cg_archive_read_fd(int fd, const char *display_path, const cg_archive_limits *limits,
			  const cg_archive_visitor *v)
{
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size == 0)
		return CG_EUNSUPPORTED;
	const void *map = cg_fmap(fd, (size_t)st.st_size, false);
	if (!map)
		return CG_EIO;
	cg_err err = cg_archive_read_mem(map, (size_t)st.st_size, display_path, limits, v);
	cg_funmap(map, (size_t)st.st_size);
	return err;
}
