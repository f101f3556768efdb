/*
 * blob_chain.c - blobs read as one stream through a pipe (blob_chain.h).
 *
 * One thread per chain copies each blob, in order, into the pipe's write
 * end in 64 KiB reads, checking its size against the list and its hash
 * at its end (cg_blob_read), and stops at the first fault; the verdict
 * waits in the chain for cg_blob_chain_finish. The write end is closed
 * when the thread ends, which the reader sees as the end of the stream.
 * SIGPIPE is blocked in the thread: a reader that stops early makes the
 * next write fail with EPIPE, which ends the copy.
 */
#include "blob_chain.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct cg_blob_chain {
	cg_blobs *b;
	json_t *chunks; /* a copy of the caller's list */
	int wfd;
	pthread_t th;
	cg_err err;
	size_t which;
};

/* Every byte of p into fd (a pipe: writes may be partial). */
static bool write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t k = write(fd, p, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return false;
		p += k;
		n -= (size_t)k;
	}
	return true;
}

/* One blob into the pipe: its size must be want. */
static cg_err copy_one(cg_blob_chain *c, const char *hex, uint64_t want, char *buf, size_t cap)
{
	cg_blob_reader *r = NULL;
	uint64_t size = 0, seen = 0;
	cg_err err = cg_blob_open(c->b, hex, &r, &size);
	if (err)
		return err;
	if (size != want) {
		cg_blob_close(r);
		return CG_ECRYPTO;
	}
	for (;;) {
		size_t got = 0;
		if ((err = cg_blob_read(r, buf, cap, &got)) || got == 0)
			break;
		seen += got;
		if (seen > want) {
			err = CG_ECRYPTO;
			break;
		}
		if (!write_all(c->wfd, buf, got)) {
			err = CG_EIO;
			break;
		}
	}
	cg_blob_close(r);
	return err ? err : seen == want ? CG_OK : CG_ECRYPTO;
}

static void *feed(void *arg)
{
	cg_blob_chain *c = arg;
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	enum { CAP = 64 * 1024 };
	char *buf = malloc(CAP);
	c->err = buf ? CG_OK : CG_ENOMEM;
	size_t i;
	json_t *e;
	json_array_foreach(c->chunks, i, e) {
		if (c->err)
			break;
		c->which = i;
		c->err = copy_one(c, json_string_value(json_array_get(e, 0)),
		                  (uint64_t)json_integer_value(json_array_get(e, 1)), buf, CAP);
	}
	free(buf);
	close(c->wfd);
	return NULL;
}

cg_err cg_blob_chain_pipe(cg_blobs *b, const json_t *chunks, int *fd, cg_blob_chain **out)
{
	*fd = -1;
	*out = NULL;
	if (!json_is_array(chunks))
		return CG_EINVAL;
	size_t i;
	json_t *e;
	json_array_foreach(chunks, i, e) {
		if (json_array_size(e) != 2 ||
		    !cg_blob_hash_ok(json_string_value(json_array_get(e, 0))) ||
		    !json_is_integer(json_array_get(e, 1)) ||
		    json_integer_value(json_array_get(e, 1)) <= 0)
			return CG_EINVAL;
	}
	cg_blob_chain *c = calloc(1, sizeof *c);
	int p[2];
	if (!c)
		return CG_ENOMEM;
	if (pipe2(p, O_CLOEXEC) != 0) {
		free(c);
		return CG_EIO;
	}
	c->b = b;
	c->chunks = json_deep_copy(chunks); /* the thread reads its own */
	c->wfd = p[1];
	if (!c->chunks || pthread_create(&c->th, NULL, feed, c) != 0) {
		close(p[0]);
		close(p[1]);
		json_decref(c->chunks);
		free(c);
		return CG_ENOMEM;
	}
	*fd = p[0];
	*out = c;
	return CG_OK;
}

cg_err cg_blob_chain_finish(cg_blob_chain *c, size_t *which)
{
	if (!c)
		return CG_EINVAL;
	pthread_join(c->th, NULL);
	cg_err err = c->err;
	if (which)
		*which = c->which;
	json_decref(c->chunks);
	free(c);
	return err;
}
