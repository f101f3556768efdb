/*
 * input.c - opening, decompressing, detecting and splitting DNS logs (see
 * input.h).
 *
 * One buffer of CG_DNS_READ_CHUNK + CG_DNS_MAX_LINE bytes per input: data is
 * read after the unfinished tail of the previous read, lines are cut with
 * memchr and handed to the parser in place. A line that outgrows the buffer
 * without a newline is counted as too long and the reader drops bytes until
 * the next newline, so a 1 GB line costs no more memory than a short one.
 *
 * With `threaded` (cg_dns_read_path_mt), reading and parsing stay on the
 * calling thread and the records go, in batches of BATCH_RECS with their
 * text copied into the batch, to one consumer thread that runs fn: a
 * two-stage pipeline, so parsing and the caller's analysis overlap. Four
 * batches circulate (a few MiB), so a slow consumer stalls the reader
 * rather than growing memory.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "dns/input.h"

void cg_dns_count_skip(cg_dns_stats *st, cg_dns_skip why, uint64_t line_no,
		       const char *file)
{
	cg_dns_skipstat *s = &st->skip[why];
	if (s->count++ == 0) {
		s->first_line = line_no;
		s->file = file;
	}
	st->skipped++;
}

int cg_dns_feed_line(cg_dns_parser *p, cg_slice line, uint64_t line_no,
		     const char *file, cg_dns_stats *st, cg_dns_rec_fn fn,
		     void *ctx)
{
	st->lines++;
	st->bytes += line.len + 1;
	if (line.len > CG_DNS_MAX_LINE) {
		cg_dns_count_skip(st, CG_DNS_SKIP_TOO_LONG, line_no, file);
		return 0;
	}
	cg_dns_rec rec;
	cg_dns_skip why = CG_DNS_SKIP_FORMAT;
	switch (cg_dns_parse_line(p, line, &rec, &why)) {
	case CG_DNS_LINE_QUERY:
		st->queries++;
		return fn(ctx, &rec);
	case CG_DNS_LINE_OTHER:
		st->other++;
		return 0;
	default:
		cg_dns_count_skip(st, why, line_no, file);
		return 0;
	}
}

/* ---- a FILE* over a gzFile, replaying the bytes already read ----------- */

typedef struct gz_cookie {
	gzFile gz;
	const char *pre;
	size_t pre_len, pre_pos;
} gz_cookie;

static ssize_t gz_cookie_read(void *c, char *buf, size_t size)
{
	gz_cookie *k = c;
	if (k->pre_pos < k->pre_len) {
		size_t n = k->pre_len - k->pre_pos;
		if (n > size)
			n = size;
		memcpy(buf, k->pre + k->pre_pos, n);
		k->pre_pos += n;
		return (ssize_t)n;
	}
	if (size > INT32_MAX)
		size = INT32_MAX;
	int n = gzread(k->gz, buf, (unsigned)size);
	return n < 0 ? -1 : n;
}

static cg_err read_pcap_gz(gzFile gz, const char *pre, size_t pre_len,
			   const char *path, cg_dns_stats *st, cg_dns_rec_fn fn,
			   void *ctx, cg_buf *why)
{
	gz_cookie k = { gz, pre, pre_len, 0 };
	cookie_io_functions_t io = { .read = gz_cookie_read };
	FILE *fp = fopencookie(&k, "r", io);
	if (!fp) {
		if (why)
			cg_buf_printf(why, "%s: %s", path, strerror(errno));
		return CG_ENOMEM;
	}
	return cg_dns_read_pcap(fp, path, st, fn, ctx, why); /* closes fp */
}

/* ---- text ---------------------------------------------------------------- */

typedef struct reader {
	gzFile gz;
	char *buf;
	size_t cap, have;
	bool eof, failed;
	const char *gzmsg;
} reader;

static void fill(reader *r)
{
	while (!r->eof && r->have < r->cap) {
		size_t want = r->cap - r->have;
		if (want > INT32_MAX)
			want = INT32_MAX;
		int n = gzread(r->gz, r->buf + r->have, (unsigned)want);
		if (n < 0) {
			int errnum;
			r->gzmsg = gzerror(r->gz, &errnum);
			r->failed = r->eof = true;
			return;
		}
		if (n == 0) {
			int errnum;
			const char *m = gzerror(r->gz, &errnum);
			if (errnum != Z_OK && errnum != Z_STREAM_END) {
				r->gzmsg = m;
				r->failed = true;
			}
			r->eof = true;
			return;
		}
		r->have += (size_t)n;
		if ((size_t)n < want)
			return; /* a pipe: handle what came */
	}
}

static cg_err read_lines(reader *r, cg_dns_parser *p, const char *path,
			 cg_dns_stats *st, cg_dns_rec_fn fn, void *ctx)
{
	uint64_t line_no = 0;
	bool discarding = false; /* inside a line already counted as too long */
	for (;;) {
		size_t pos = 0;
		for (;;) {
			char *nl = memchr(r->buf + pos, '\n', r->have - pos);
			if (!nl)
				break;
			size_t len = (size_t)(nl - (r->buf + pos));
			if (discarding) {
				discarding = false;
			} else {
				line_no++;
				if (cg_dns_feed_line(p, (cg_slice){ r->buf + pos, len },
						     line_no, path, st, fn, ctx))
					return CG_OK;
			}
			pos += len + 1;
		}
		/* keep the unfinished line */
		size_t tail = r->have - pos;
		if (tail > CG_DNS_MAX_LINE) {
			if (!discarding) {
				line_no++;
				st->lines++;
				cg_dns_count_skip(st, CG_DNS_SKIP_TOO_LONG, line_no, path);
				discarding = true;
			}
			tail = 0;
		}
		memmove(r->buf, r->buf + r->have - tail, tail);
		r->have = tail;
		if (r->eof) {
			if (tail && !discarding) {
				line_no++;
				cg_dns_feed_line(p, (cg_slice){ r->buf, tail }, line_no,
						 path, st, fn, ctx);
			}
			return CG_OK;
		}
		fill(r);
	}
}

/* ---- the two-stage pipeline ---------------------------------------------- */

#define BATCH_RECS 4096
#define BATCH_TEXT (BATCH_RECS * 64)
#define NBATCH 4

typedef struct batch {
	struct batch *next;
	size_t n, used;
	cg_dns_rec rec[BATCH_RECS];
	char text[BATCH_TEXT];
} batch;

typedef struct pipeline {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	batch *free, *head, *tail; /* free list; full queue */
	batch *cur;                /* being filled by the reader */
	bool done;
	atomic_bool stop; /* fn asked to stop */
	cg_dns_rec_fn fn;
	cg_dns_batch_fn bfn; /* instead of fn when set */
	void *ctx;
	batch mem[NBATCH];
} pipeline;

static void pipe_submit(pipeline *pl)
{
	batch *b = pl->cur;
	pl->cur = NULL;
	pthread_mutex_lock(&pl->mu);
	if (b && b->n) {
		b->next = NULL;
		if (pl->tail)
			pl->tail->next = b;
		else
			pl->head = b;
		pl->tail = b;
	} else if (b) {
		b->next = pl->free;
		pl->free = b;
	}
	pthread_cond_broadcast(&pl->cv);
	pthread_mutex_unlock(&pl->mu);
}

static batch *pipe_take_free(pipeline *pl)
{
	pthread_mutex_lock(&pl->mu);
	while (!pl->free)
		pthread_cond_wait(&pl->cv, &pl->mu);
	batch *b = pl->free;
	pl->free = b->next;
	pthread_mutex_unlock(&pl->mu);
	b->n = b->used = 0;
	return b;
}

/* The reader's callback: copy the record into the current batch. */
static int pipe_push(void *ctx, const cg_dns_rec *r)
{
	pipeline *pl = ctx;
	size_t need = r->client.len + r->qname.len;
	if (pl->cur && (pl->cur->n == BATCH_RECS || pl->cur->used + need > BATCH_TEXT))
		pipe_submit(pl);
	if (!pl->cur)
		pl->cur = pipe_take_free(pl);
	batch *b = pl->cur;
	char *t = b->text + b->used;
	memcpy(t, r->client.ptr, r->client.len);
	memcpy(t + r->client.len, r->qname.ptr, r->qname.len);
	b->rec[b->n++] = (cg_dns_rec){ r->time_ms, { t, r->client.len },
				       { t + r->client.len, r->qname.len }, r->qtype,
				       r->answer };
	b->used += need;
	return atomic_load(&pl->stop);
}

static void *pipe_consumer(void *arg)
{
	pipeline *pl = arg;
	for (;;) {
		pthread_mutex_lock(&pl->mu);
		while (!pl->head && !pl->done)
			pthread_cond_wait(&pl->cv, &pl->mu);
		batch *b = pl->head;
		if (b) {
			pl->head = b->next;
			if (!pl->head)
				pl->tail = NULL;
		}
		pthread_mutex_unlock(&pl->mu);
		if (!b)
			return NULL; /* done and drained */
		if (pl->bfn) {
			if (!atomic_load(&pl->stop) && pl->bfn(pl->ctx, b->rec, b->n))
				atomic_store(&pl->stop, true);
		} else {
			for (size_t i = 0; i < b->n && !atomic_load(&pl->stop); i++)
				if (pl->fn(pl->ctx, &b->rec[i]))
					atomic_store(&pl->stop, true);
		}
		pthread_mutex_lock(&pl->mu);
		b->next = pl->free;
		pl->free = b;
		pthread_cond_broadcast(&pl->cv);
		pthread_mutex_unlock(&pl->mu);
	}
}

/* fn for the single-threaded paths when the caller gave a batch fn */
typedef struct one_rec {
	cg_dns_batch_fn bfn;
	void *ctx;
} one_rec;

static int one_rec_fn(void *ctx, const cg_dns_rec *r)
{
	one_rec *o = ctx;
	return o->bfn(o->ctx, r, 1);
}

static cg_err read_lines_mt(reader *r, cg_dns_parser *p, const char *path,
			    cg_dns_stats *st, cg_dns_rec_fn fn,
			    cg_dns_batch_fn bfn, void *ctx)
{
	pipeline *pl = calloc(1, sizeof *pl);
	if (!pl)
		return read_lines(r, p, path, st, fn, ctx);
	pthread_mutex_init(&pl->mu, NULL);
	pthread_cond_init(&pl->cv, NULL);
	for (int i = 0; i < NBATCH; i++) {
		pl->mem[i].next = pl->free;
		pl->free = &pl->mem[i];
	}
	pl->fn = fn;
	pl->bfn = bfn;
	/* with bfn, ctx is the one_rec the single-threaded fallbacks use */
	pl->ctx = bfn ? ((one_rec *)ctx)->ctx : ctx;
	pthread_t th;
	cg_err err;
	if (pthread_create(&th, NULL, pipe_consumer, pl) != 0) {
		err = read_lines(r, p, path, st, fn, ctx);
	} else {
		err = read_lines(r, p, path, st, pipe_push, pl);
		pipe_submit(pl);
		pthread_mutex_lock(&pl->mu);
		pl->done = true;
		pthread_cond_broadcast(&pl->cv);
		pthread_mutex_unlock(&pl->mu);
		pthread_join(th, NULL);
	}
	pthread_cond_destroy(&pl->cv);
	pthread_mutex_destroy(&pl->mu);
	free(pl);
	return err;
}

static cg_err read_path(const char *path, cg_dns_fmt fmt, cg_dns_stats *st,
			cg_dns_rec_fn fn, cg_dns_batch_fn bfn, void *ctx,
			cg_dns_fmt *detected, cg_buf *why, bool threaded);

cg_err cg_dns_read_path_batch(const char *path, cg_dns_fmt fmt,
			      cg_dns_stats *st, cg_dns_batch_fn bfn, void *ctx,
			      cg_dns_fmt *detected, cg_buf *why)
{
	one_rec o = { bfn, ctx };
	return read_path(path, fmt, st, one_rec_fn, bfn, &o, detected, why, true);
}

cg_err cg_dns_read_path(const char *path, cg_dns_fmt fmt, cg_dns_stats *st,
			cg_dns_rec_fn fn, void *ctx, cg_dns_fmt *detected,
			cg_buf *why)
{
	return read_path(path, fmt, st, fn, NULL, ctx, detected, why, false);
}

cg_err cg_dns_read_path_mt(const char *path, cg_dns_fmt fmt, cg_dns_stats *st,
			   cg_dns_rec_fn fn, void *ctx, cg_dns_fmt *detected,
			   cg_buf *why)
{
	return read_path(path, fmt, st, fn, NULL, ctx, detected, why, true);
}

/* With bfn, ctx is a one_rec wrapping the batch fn and its context: the
 * single-threaded paths call fn with it, the pipeline calls bfn. */
static cg_err read_path(const char *path, cg_dns_fmt fmt, cg_dns_stats *st,
			cg_dns_rec_fn fn, cg_dns_batch_fn bfn, void *ctx,
			cg_dns_fmt *detected, cg_buf *why, bool threaded)
{
	int fd = strcmp(path, "-") == 0 ? dup(0) : open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (why)
			cg_buf_printf(why, "%s: %s", path, strerror(errno));
		return errno == ENOENT ? CG_ENOTFOUND : CG_EIO;
	}
	struct stat fst;
	if (fstat(fd, &fst) == 0 && S_ISDIR(fst.st_mode)) {
		close(fd);
		if (why)
			cg_buf_printf(why, "%s: is a directory", path);
		return CG_EIO;
	}
	reader r = { 0 };
	r.gz = gzdopen(fd, "rb");
	r.cap = CG_DNS_READ_CHUNK + CG_DNS_MAX_LINE;
	r.buf = malloc(r.cap);
	if (!r.gz || !r.buf) {
		if (r.gz)
			gzclose(r.gz);
		else
			close(fd);
		free(r.buf);
		if (why)
			cg_buf_printf(why, "%s: out of memory", path);
		return CG_ENOMEM;
	}
	gzbuffer(r.gz, 256 * 1024);
	/* a first read large enough to see several lines */
	while (!r.eof && r.have < 64 * 1024)
		fill(&r);
	cg_err err = CG_OK;
	if (fmt == CG_DNS_FMT_AUTO)
		fmt = cg_dns_detect((cg_slice){ r.buf, r.have < 64 * 1024 ? r.have : 64 * 1024 });
	if (detected)
		*detected = fmt;
	if (r.failed && r.have == 0) {
		if (why)
			cg_buf_printf(why, "%s: %s", path, r.gzmsg ? r.gzmsg : "read error");
		err = CG_EIO;
	} else if (fmt == CG_DNS_FMT_AUTO) {
		if (r.have == 0)
			goto out; /* an empty file is not an error */
		if (why)
			cg_buf_printf(why, "%s: unrecognised DNS log format "
				      "(use --format)", path);
		err = CG_EUNSUPPORTED;
	} else if (fmt == CG_DNS_FMT_PCAP) {
		err = read_pcap_gz(r.gz, r.buf, r.have, path, st, fn, ctx, why);
	} else {
		cg_dns_parser p;
		cg_dns_parser_init(&p, fmt);
		err = threaded ? read_lines_mt(&r, &p, path, st, fn, bfn, ctx)
			       : read_lines(&r, &p, path, st, fn, ctx);
		if (!err && r.failed) {
			if (why)
				cg_buf_printf(why, "%s: %s (input cut short)", path,
					      r.gzmsg ? r.gzmsg : "read error");
			err = CG_EIO;
		}
	}
out:
	gzclose(r.gz);
	free(r.buf);
	return err;
}
