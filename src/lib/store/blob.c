/*
 * blob.c - the blob store in a directory (blob.h).
 *
 * Layout: DIR/sha256/ab/<hash> (the first two hex digits fan the files out
 * over 256 subdirectories) and DIR/tmp/ for blobs being written. A writer
 * streams into a mkstemp file in DIR/tmp (same filesystem, so the final
 * step is a link, never a copy), hashing as it goes; commit fsyncs the
 * file, links it to its final name and removes the temporary name, then
 * fsyncs the directory. link(2) fails with EEXIST when the blob is already
 * there — another writer stored the same bytes — which is success: the
 * content is the name. link (not rename) keeps an existing blob untouched,
 * and is atomic on local filesystems and on NFS alike.
 */
#include "blob.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/fileio.h"
#include "core/hex.h"
#include "core/limits.h"

struct cg_blobs {
	char *dir;
	uint64_t max;
};

struct cg_blob_writer {
	cg_blobs *b;
	int fd;
	char tmp[4096];
	crypto_hash_sha256_state h;
	uint64_t n;
	bool failed;
};

struct cg_blob_reader {
	int fd;
	char hex[CG_BLOB_HEX_LEN + 1];
	crypto_hash_sha256_state h;
	bool done;
};

bool cg_blob_hash_ok(const char *hex)
{
	if (!hex)
		return false;
	size_t i = 0;
	for (; hex[i]; i++)
		/* lowercase only: the name is the canonical hex of the content */
		if (i >= CG_BLOB_HEX_LEN || cg_hex_digit(hex[i]) < 0 ||
		    (hex[i] >= 'A' && hex[i] <= 'F'))
			return false;
	return i == CG_BLOB_HEX_LEN;
}

/* the library's encoder (core/hex.h): lowercase, as cg_blob_hash_ok wants */
static void to_hex(const uint8_t h[32], char hex[CG_BLOB_HEX_LEN + 1])
{
	cg_hex_encode(h, 32, hex);
}

/* DIR/sha256/ab[/hash] */
static bool blob_path(const cg_blobs *b, const char *hex, bool file, char *out, size_t cap)
{
	int n = file ? snprintf(out, cap, "%s/sha256/%.2s/%s", b->dir, hex, hex)
	             : snprintf(out, cap, "%s/sha256/%.2s", b->dir, hex);
	return n > 0 && (size_t)n < cap;
}

cg_err cg_blobs_open(const char *dir, uint64_t max_bytes, cg_blobs **out, cg_buf *why)
{
	*out = NULL;
	if (sodium_init() < 0)
		return CG_ECRYPTO;
	cg_buf p;
	cg_buf_init(&p, 4096);
	cg_buf_printf(&p, "%s/tmp", dir);
	cg_err err = cg_mkdir_p(cg_buf_cstr(&p), 0750, why);
	if (!err) {
		cg_buf_reset(&p);
		cg_buf_printf(&p, "%s/sha256", dir);
		err = cg_mkdir_p(cg_buf_cstr(&p), 0750, why);
	}
	cg_buf_free(&p);
	if (err)
		return err;
	cg_blobs *b = calloc(1, sizeof *b);
	if (!b || !(b->dir = strdup(dir))) {
		free(b);
		return CG_ENOMEM;
	}
	b->max = max_bytes ? max_bytes : CG_BLOB_MAX_BYTES;
	*out = b;
	return CG_OK;
}

void cg_blobs_close(cg_blobs *b)
{
	if (!b)
		return;
	free(b->dir);
	free(b);
}

uint64_t cg_blobs_max_bytes(const cg_blobs *b)
{
	return b->max;
}

cg_err cg_blob_begin(cg_blobs *b, cg_blob_writer **out)
{
	*out = NULL;
	cg_blob_writer *w = calloc(1, sizeof *w);
	if (!w)
		return CG_ENOMEM;
	w->b = b;
	int n = snprintf(w->tmp, sizeof w->tmp, "%s/tmp/blob.XXXXXX", b->dir);
	if (n <= 0 || (size_t)n >= sizeof w->tmp) {
		free(w);
		return CG_ETOOBIG;
	}
	w->fd = mkstemp(w->tmp);
	if (w->fd < 0) {
		free(w);
		return CG_EIO;
	}
	fchmod(w->fd, 0640);
	crypto_hash_sha256_init(&w->h);
	*out = w;
	return CG_OK;
}

cg_err cg_blob_write(cg_blob_writer *w, const void *p, size_t n)
{
	if (w->failed)
		return CG_EINVAL;
	if (n > w->b->max - w->n) {
		w->failed = true;
		return CG_ETOOBIG;
	}
	const uint8_t *c = p;
	size_t left = n;
	while (left) {
		ssize_t k = write(w->fd, c, left);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			w->failed = true;
			return CG_EIO;
		}
		c += k;
		left -= (size_t)k;
	}
	crypto_hash_sha256_update(&w->h, p, n);
	w->n += n;
	return CG_OK;
}

void cg_blob_abort(cg_blob_writer *w)
{
	if (!w)
		return;
	close(w->fd);
	unlink(w->tmp);
	free(w);
}

cg_err cg_blob_put(cg_blobs *b, const void *p, size_t n, char hex[CG_BLOB_HEX_LEN + 1],
                   uint64_t *size)
{
	cg_blob_writer *w = NULL;
	cg_err err = cg_blob_begin(b, &w);
	if (err)
		return err;
	if ((err = cg_blob_write(w, p, n))) {
		cg_blob_abort(w);
		return err;
	}
	return cg_blob_commit(w, NULL, hex, size);
}

static void sync_dir(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

cg_err cg_blob_commit(cg_blob_writer *w, const char *expect, char hex[CG_BLOB_HEX_LEN + 1],
                      uint64_t *size)
{
	hex[0] = '\0';
	if (size)
		*size = 0;
	if (w->failed) {
		cg_blob_abort(w);
		return CG_EINVAL;
	}
	uint8_t h[32];
	crypto_hash_sha256_final(&w->h, h);
	to_hex(h, hex);
	if (expect && strcmp(expect, hex) != 0) {
		cg_blob_abort(w);
		hex[0] = '\0';
		return cg_blob_hash_ok(expect) ? CG_ECRYPTO : CG_EINVAL;
	}
	cg_err err = fsync(w->fd) == 0 ? CG_OK : CG_EIO;
	char dir[4096], final[4096];
	if (!err && (!blob_path(w->b, hex, false, dir, sizeof dir) ||
	             !blob_path(w->b, hex, true, final, sizeof final)))
		err = CG_ETOOBIG;
	if (!err && mkdir(dir, 0750) != 0 && errno != EEXIST)
		err = CG_EIO;
	if (!err && link(w->tmp, final) != 0 && errno != EEXIST)
		err = CG_EIO;
	if (!err)
		sync_dir(dir);
	if (!err && size)
		*size = w->n;
	if (err)
		hex[0] = '\0';
	cg_blob_abort(w); /* the temporary name goes in every case */
	return err;
}

cg_err cg_blob_stat(cg_blobs *b, const char *hex, uint64_t *size)
{
	*size = 0;
	if (!cg_blob_hash_ok(hex))
		return CG_EINVAL;
	char path[4096];
	if (!blob_path(b, hex, true, path, sizeof path))
		return CG_ETOOBIG;
	struct stat st;
	if (stat(path, &st) != 0)
		return errno == ENOENT ? CG_ENOTFOUND : CG_EIO;
	*size = (uint64_t)st.st_size;
	return CG_OK;
}

cg_err cg_blob_open(cg_blobs *b, const char *hex, cg_blob_reader **out, uint64_t *size)
{
	*out = NULL;
	if (size)
		*size = 0;
	if (!cg_blob_hash_ok(hex))
		return CG_EINVAL;
	char path[4096];
	if (!blob_path(b, hex, true, path, sizeof path))
		return CG_ETOOBIG;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return errno == ENOENT ? CG_ENOTFOUND : CG_EIO;
	struct stat st;
	cg_blob_reader *r = calloc(1, sizeof *r);
	if (!r || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		free(r);
		close(fd);
		return r ? CG_EIO : CG_ENOMEM;
	}
	r->fd = fd;
	memcpy(r->hex, hex, sizeof r->hex);
	crypto_hash_sha256_init(&r->h);
	if (size)
		*size = (uint64_t)st.st_size;
	*out = r;
	return CG_OK;
}

cg_err cg_blob_read(cg_blob_reader *r, void *p, size_t cap, size_t *got)
{
	*got = 0;
	if (r->done)
		return CG_OK;
	ssize_t k;
	do
		k = read(r->fd, p, cap);
	while (k < 0 && errno == EINTR);
	if (k < 0)
		return CG_EIO;
	if (k > 0) {
		crypto_hash_sha256_update(&r->h, p, (size_t)k);
		*got = (size_t)k;
		return CG_OK;
	}
	r->done = true;
	uint8_t h[32];
	char hex[CG_BLOB_HEX_LEN + 1];
	crypto_hash_sha256_final(&r->h, h);
	to_hex(h, hex);
	return strcmp(hex, r->hex) == 0 ? CG_OK : CG_ECRYPTO;
}

void cg_blob_close(cg_blob_reader *r)
{
	if (!r)
		return;
	close(r->fd);
	free(r);
}

cg_err cg_blob_remove(cg_blobs *b, const char *hex, cg_blob_used_fn used, void *ctx, bool *removed)
{
	if (removed)
		*removed = false;
	if (!cg_blob_hash_ok(hex))
		return CG_EINVAL;
	char path[4096], gone[4096];
	int n = snprintf(gone, sizeof gone, "%s/tmp/gone.XXXXXX", b->dir);
	if (!blob_path(b, hex, true, path, sizeof path) || n <= 0 || (size_t)n >= sizeof gone)
		return CG_ETOOBIG;
	if (used(ctx, hex))
		return CG_OK;
	/* a name of our own under tmp/ (no reader opens it), replaced by the
	 * blob in one rename */
	int fd = mkstemp(gone);
	if (fd < 0)
		return CG_EIO;
	close(fd);
	if (rename(path, gone) != 0) {
		cg_err err = errno == ENOENT ? CG_ENOTFOUND : CG_EIO;
		unlink(gone);
		return err;
	}
	/* a writer may have named the same bytes since the first question */
	if (used(ctx, hex)) {
		cg_err err = link(gone, path) == 0 || errno == EEXIST ? CG_OK : CG_EIO;
		unlink(gone);
		return err;
	}
	unlink(gone);
	if (removed)
		*removed = true;
	return CG_OK;
}
