/*
 * fileio.c - see fileio.h.
 */
#include "fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define READ_CHUNK 65536

static cg_err io_fail(cg_buf *why, const char *path, const char *what)
{
	int e = errno;
	if (why)
		cg_buf_printf(why, "%s: %s%s%s", path, what ? what : "",
			      what ? ": " : "", strerror(e));
	return e == ENOENT ? CG_ENOTFOUND : CG_EIO;
}

cg_err cg_read_file(const char *path, cg_buf *b, cg_buf *why)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return io_fail(why, path, NULL);
	cg_err err = CG_OK;
	for (;;) {
		size_t room = b->max - b->len;
		if (room == 0) {
			char probe; /* full: is there more? */
			if (read(fd, &probe, 1) > 0) {
				err = CG_ETOOBIG;
				if (why)
					cg_buf_printf(why, "%s: larger than %zu bytes",
						      path, b->max);
			}
			break;
		}
		size_t want = room < READ_CHUNK ? room : READ_CHUNK;
		if ((err = cg_buf_reserve(b, want)))
			break;
		ssize_t n = read(fd, b->ptr + b->len, want);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = io_fail(why, path, "read");
			break;
		}
		if (n == 0)
			break;
		b->len += (size_t)n;
		b->ptr[b->len] = '\0';
	}
	close(fd);
	return err;
}

cg_err cg_write_file_atomic(const char *path, const void *data, size_t len,
			    mode_t mode, cg_buf *why)
{
	char tmp[PATH_MAX];
	int n = snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
	if (n < 0 || (size_t)n >= sizeof tmp) {
		if (why)
			cg_buf_printf(why, "%s: path too long", path);
		return CG_ETOOBIG;
	}
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0)
		return io_fail(why, tmp, NULL);
	const char *p = data;
	while (len) {
		ssize_t w = write(fd, p, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			cg_err err = io_fail(why, tmp, "write");
			close(fd);
			unlink(tmp);
			return err;
		}
		p += w;
		len -= (size_t)w;
	}
	if (fsync(fd) != 0) {
		cg_err err = io_fail(why, tmp, "fsync");
		close(fd);
		unlink(tmp);
		return err;
	}
	close(fd);
	if (rename(tmp, path) != 0) {
		cg_err err = io_fail(why, path, "rename");
		unlink(tmp);
		return err;
	}
	return CG_OK;
}

cg_err cg_mkdir_p(const char *path, mode_t mode, cg_buf *why)
{
	char p[PATH_MAX];
	if (cg_slice_copy(cg_slice_cstr(path), p, sizeof p)) {
		if (why)
			cg_buf_printf(why, "%s: path too long", path);
		return CG_ETOOBIG;
	}
	for (char *s = p + 1;; s++) {
		bool end = *s == '\0';
		if (*s == '/' || end) {
			*s = '\0';
			if (mkdir(p, mode) != 0 && errno != EEXIST)
				return io_fail(why, p, "mkdir");
			if (end)
				break;
			*s = '/';
		}
	}
	struct stat st;
	if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
		if (why)
			cg_buf_printf(why, "%s: not a directory", path);
		return CG_EIO;
	}
	return CG_OK;
}

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)flag;
	(void)f;
	return remove(p) == 0 || errno == ENOENT ? 0 : -1;
}

void cg_remove_tree(const char *dir)
{
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}
