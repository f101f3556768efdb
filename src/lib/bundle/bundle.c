/*
 * bundle.c - see bundle.h. The manifest is the only thing signed, so the
 * verifier's order matters: check the signature over the exact manifest
 * bytes first, and only then trust what the manifest says (sizes, hashes)
 * to check the files. Files are opened relative to the bundle directory
 * with O_NOFOLLOW at every level the walker saw, and a file not listed in
 * the manifest is refused too: an attacker who can add a file to a signed
 * bundle (a second YARA rule file) must not get it loaded.
 */
#include "bundle/bundle.h"

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

#include "core/hex.h"
#include "core/relpath.h"
#include "core/fileio.h"
#include "core/limits.h"
#include "platform/dirfd.h"

#define MANIFEST_NAME "MANIFEST"
#define SIG_NAME "MANIFEST.sig"
#define PUB_TAG CG_ED25519_PUBLIC_TAG
#define SEC_TAG CG_ED25519_SECRET_TAG

static cg_err refuse(cg_buf *why, cg_err err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static cg_err refuse(cg_buf *why, cg_err err, const char *fmt, ...)
{
	if (why) {
		va_list ap;
		va_start(ap, fmt);
		cg_buf_vprintf(why, fmt, ap);
		va_end(ap);
	}
	return err;
}

/* ---- manifest --------------------------------------------------------- */

void cg_bundle_manifest_free(cg_bundle_manifest *m)
{
	for (size_t i = 0; i < m->nfiles; i++)
		free(m->files[i].path);
	free(m->files);
	memset(m, 0, sizeof *m);
}

static cg_err parse_file_line(cg_slice rest, cg_bundle_file *f, cg_buf *why,
			      size_t lineno)
{
	cg_slice hash = cg_slice_cut(rest, ' ', &rest);
	cg_slice size = cg_slice_cut(rest, ' ', &rest);
	int64_t sz;
	if (!rest.ptr || !cg_hex_decode(hash, f->sha256, 32))
		return refuse(why, CG_EPARSE, "MANIFEST:%zu: bad file line", lineno);
	if (cg_parse_i64(size, 0, INT64_MAX, &sz))
		return refuse(why, CG_EPARSE, "MANIFEST:%zu: bad size", lineno);
	if (!cg_rel_path_safe(rest))
		return refuse(why, CG_EPARSE, "MANIFEST:%zu: unsafe path", lineno);
	f->size = (uint64_t)sz;
	f->path = strndup(rest.ptr, rest.len);
	return f->path ? CG_OK : CG_ENOMEM;
}

cg_err cg_bundle_manifest_parse(cg_slice text, cg_bundle_manifest *m, cg_buf *why)
{
	memset(m, 0, sizeof *m);
	if (text.len > CG_MAX_BUNDLE_MANIFEST)
		return refuse(why, CG_ETOOBIG, "MANIFEST: over %u bytes",
			      CG_MAX_BUNDLE_MANIFEST);
	cg_slice rest = text;
	size_t lineno = 0;
	cg_err err = CG_OK;
	size_t cap = 0;
	while (!err && rest.ptr && rest.len) {
		cg_slice line = cg_slice_cut(rest, '\n', &rest);
		lineno++;
		if (!rest.ptr) {
			err = refuse(why, CG_EPARSE, "MANIFEST:%zu: no final newline", lineno);
			break;
		}
		cg_slice val, word = cg_slice_cut(line, ' ', &val);
		if (lineno == 1) {
			if (!cg_slice_eq_cstr(line, "canhgac-bundle 1"))
				err = refuse(why, CG_EPARSE, "MANIFEST:1: not a canhgac bundle manifest (version 1)");
		} else if (lineno == 2) {
			if (!cg_slice_eq_cstr(word, "version") || !val.ptr ||
			    cg_parse_i64(val, 1, INT64_MAX, &m->version))
				err = refuse(why, CG_EPARSE, "MANIFEST:2: want \"version N\" (N > 0)");
		} else if (cg_slice_eq_cstr(word, "file") && val.ptr) {
			if (m->nfiles >= CG_MAX_BUNDLE_FILES) {
				err = refuse(why, CG_ETOOBIG, "MANIFEST: over %d files", CG_MAX_BUNDLE_FILES);
				break;
			}
			if (m->nfiles == cap) {
				cap = cap ? cap * 2 : 16;
				cg_bundle_file *n = realloc(m->files, cap * sizeof *n);
				if (!n) {
					err = CG_ENOMEM;
					break;
				}
				m->files = n;
			}
			cg_bundle_file *f = &m->files[m->nfiles];
			memset(f, 0, sizeof *f);
			err = parse_file_line(val, f, why, lineno);
			if (!err) {
				m->nfiles++;
				/* sorted and unique: one canonical manifest per tree */
				if (m->nfiles > 1 && strcmp(m->files[m->nfiles - 2].path, f->path) >= 0)
					err = refuse(why, CG_EPARSE, "MANIFEST:%zu: paths not sorted or repeated", lineno);
			}
		} else {
			err = refuse(why, CG_EPARSE, "MANIFEST:%zu: unknown line", lineno);
		}
	}
	if (!err && lineno < 2)
		err = refuse(why, CG_EPARSE, "MANIFEST: too short");
	if (err)
		cg_bundle_manifest_free(m);
	return err;
}

/* ---- keys ------------------------------------------------------------- */

cg_err cg_keyfile_read(const char *path, const char *tag, unsigned char *key, size_t n,
                       cg_buf *why)
{
	cg_buf b;
	cg_buf_init(&b, 1024);
	cg_err err = cg_read_file(path, &b, why);
	if (!err) {
		cg_slice rest, s = cg_slice_cut(cg_buf_slice(&b), '\n', &rest);
		cg_slice val, word = cg_slice_cut(s, ' ', &val);
		if (!cg_slice_eq_cstr(word, tag) || !val.ptr || !cg_hex_decode(val, key, n))
			err = refuse(why, CG_EPARSE, "%s: not a %s key file", path, tag);
	}
	sodium_memzero(b.ptr ? b.ptr : (char *)"", b.ptr ? b.len : 0);
	cg_buf_free(&b);
	return err;
}

cg_err cg_keyfile_write(const char *path, const char *tag, const unsigned char *key, size_t n,
                        mode_t mode, cg_buf *why)
{
	char hex[2 * CG_KEYFILE_MAX_KEY + 1], text[2 * CG_KEYFILE_MAX_KEY + 64];
	if (n > CG_KEYFILE_MAX_KEY || strlen(tag) > 40)
		return refuse(why, CG_EINVAL, "%s: key too long", path);
	cg_hex_encode(key, n, hex);
	int len = snprintf(text, sizeof text, "%s %s\n", tag, hex);
	cg_err err = cg_write_file_atomic(path, text, (size_t)len, mode, why);
	sodium_memzero(hex, sizeof hex);
	sodium_memzero(text, sizeof text);
	return err;
}

static void key_id(const unsigned char pk[32], char out[17])
{
	unsigned char h[32];
	crypto_hash_sha256(h, pk, 32);
	cg_hex_encode(h, 8, out);
}

cg_err cg_bundle_keygen(const char *pub_path, const char *sec_path, cg_buf *why)
{
	if (sodium_init() < 0)
		return refuse(why, CG_ECRYPTO, "libsodium failed to initialise");
	unsigned char pk[32], sk[64];
	crypto_sign_keypair(pk, sk);
	cg_err err = cg_keyfile_write(sec_path, SEC_TAG, sk, sizeof sk, 0600, why);
	sodium_memzero(sk, sizeof sk);
	if (err)
		return err;
	return cg_keyfile_write(pub_path, PUB_TAG, pk, sizeof pk, 0644, why);
}

/* ---- the file tree ---------------------------------------------------- */

typedef struct pathlist {
	char **v;
	size_t n, cap;
} pathlist;

static void pathlist_free(pathlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Lists regular files under dirfd (relative names prefixed by prefix).
 * Symlinks and special files are refused: a bundle holds plain files. */
static cg_err list_tree(int dirfd, const char *prefix, pathlist *l, int depth,
			cg_buf *why)
{
	if (depth > 16)
		return refuse(why, CG_ELIMIT, "%s: directories nested too deep", prefix);
	DIR *d = cg_dirfd_opendir(dirfd);
	if (!d)
		return refuse(why, CG_EIO, "%s: %s", *prefix ? prefix : ".", strerror(errno));
	cg_err err = CG_OK;
	struct dirent *de;
	while (!err && (de = readdir(d))) {
		const char *name = de->d_name;
		if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
			continue;
		if (!*prefix && (strcmp(name, MANIFEST_NAME) == 0 || strcmp(name, SIG_NAME) == 0))
			continue;
		char rel[PATH_MAX];
		int n = snprintf(rel, sizeof rel, "%s%s%s", prefix, *prefix ? "/" : "", name);
		if (n < 0 || (size_t)n >= sizeof rel) {
			err = refuse(why, CG_ETOOBIG, "%s/%s: path too long", prefix, name);
			break;
		}
		struct stat st;
		if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
			err = refuse(why, CG_EIO, "%s: %s", rel, strerror(errno));
		} else if (S_ISDIR(st.st_mode)) {
			int sub = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (sub < 0)
				err = refuse(why, CG_EIO, "%s: %s", rel, strerror(errno));
			else {
				err = list_tree(sub, rel, l, depth + 1, why);
				cg_dirfd_close(sub);
			}
		} else if (!S_ISREG(st.st_mode)) {
			err = refuse(why, CG_ECRYPTO, "%s: not a regular file (symlink or special)", rel);
		} else if (l->n >= CG_MAX_BUNDLE_FILES) {
			err = refuse(why, CG_ETOOBIG, "bundle over %d files", CG_MAX_BUNDLE_FILES);
		} else {
			if (l->n == l->cap) {
				l->cap = l->cap ? l->cap * 2 : 32;
				char **v = realloc(l->v, l->cap * sizeof *v);
				if (!v) {
					err = CG_ENOMEM;
					break;
				}
				l->v = v;
			}
			l->v[l->n] = strdup(rel);
			err = l->v[l->n] ? CG_OK : CG_ENOMEM;
			if (!err)
				l->n++;
		}
	}
	closedir(d);
	return err;
}

/* SHA-256 and size of rel under dirfd, never following a symlink at the
 * last component (list_tree refused symlinked directories already). */
static cg_err hash_file(int dirfd, const char *rel, unsigned char out[32],
			uint64_t *size, cg_buf *why)
{
	int fd = openat(dirfd, rel, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return refuse(why, errno == ENOENT ? CG_ENOTFOUND : CG_EIO, "%s: %s",
			      rel, strerror(errno));
	crypto_hash_sha256_state st;
	crypto_hash_sha256_init(&st);
	unsigned char buf[65536];
	uint64_t total = 0;
	cg_err err = CG_OK;
	for (;;) {
		ssize_t r = read(fd, buf, sizeof buf);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			err = refuse(why, CG_EIO, "%s: read: %s", rel, strerror(errno));
			break;
		}
		if (r == 0)
			break;
		crypto_hash_sha256_update(&st, buf, (size_t)r);
		total += (uint64_t)r;
	}
	close(fd);
	crypto_hash_sha256_final(&st, out);
	*size = total;
	return err;
}

/* ---- sign ------------------------------------------------------------- */

cg_err cg_bundle_sign(const char *dir, int64_t version, const char *sec_path,
		      cg_buf *why)
{
	if (sodium_init() < 0)
		return refuse(why, CG_ECRYPTO, "libsodium failed to initialise");
	if (version < 1)
		return refuse(why, CG_EINVAL, "version must be at least 1");
	unsigned char sk[64];
	cg_err err = cg_keyfile_read(sec_path, SEC_TAG, sk, sizeof sk, why);
	if (err)
		return err;
	int dfd = cg_dirfd_open(dir);
	if (dfd < 0) {
		sodium_memzero(sk, sizeof sk);
		return refuse(why, CG_EIO, "%s: %s", dir, strerror(errno));
	}
	pathlist l = { 0 };
	cg_buf man;
	cg_buf_init(&man, CG_MAX_BUNDLE_MANIFEST);
	err = list_tree(dfd, "", &l, 0, why);
	if (!err) {
		qsort(l.v, l.n, sizeof *l.v, cmp_str);
		err = cg_buf_printf(&man, "canhgac-bundle 1\nversion %" PRId64 "\n", version);
	}
	for (size_t i = 0; !err && i < l.n; i++) {
		unsigned char h[32];
		uint64_t size;
		char hex[65];
		if (!cg_rel_path_safe(cg_slice_cstr(l.v[i]))) {
			err = refuse(why, CG_EINVAL, "%s: unsafe file name", l.v[i]);
			break;
		}
		if ((err = hash_file(dfd, l.v[i], h, &size, why)))
			break;
		cg_hex_encode(h, 32, hex);
		err = cg_buf_printf(&man, "file %s %" PRIu64 " %s\n", hex, size, l.v[i]);
	}
	if (!err) {
		unsigned char sig[64];
		char sighex[129], kid[17], text[200], path[PATH_MAX + 16];
		crypto_sign_detached(sig, NULL, (const unsigned char *)man.ptr, man.len, sk);
		key_id(sk + 32, kid); /* libsodium's secret key ends with the public key */
		cg_hex_encode(sig, 64, sighex);
		int n = snprintf(text, sizeof text, "ed25519 %s %s\n", kid, sighex);
		snprintf(path, sizeof path, "%s/" MANIFEST_NAME, dir);
		err = cg_write_file_atomic(path, man.ptr, man.len, 0644, why);
		snprintf(path, sizeof path, "%s/" SIG_NAME, dir);
		if (!err)
			err = cg_write_file_atomic(path, text, (size_t)n, 0644, why);
	}
	sodium_memzero(sk, sizeof sk);
	cg_buf_free(&man);
	pathlist_free(&l);
	cg_dirfd_close(dfd);
	return err;
}

/* ---- verify ----------------------------------------------------------- */

static cg_err check_signature(int dfd, const char *dir, cg_slice manifest,
			      const unsigned char pk[32], cg_buf *why)
{
	int fd = openat(dfd, SIG_NAME, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return refuse(why, CG_ECRYPTO, "%s: unsigned bundle (no " SIG_NAME ")", dir);
	char text[512];
	ssize_t n = read(fd, text, sizeof text);
	close(fd);
	if (n <= 0)
		return refuse(why, CG_ECRYPTO, "%s: empty " SIG_NAME, dir);
	cg_slice rest, line = cg_slice_cut(cg_slice_from(text, (size_t)n), '\n', &rest);
	cg_slice alg = cg_slice_cut(line, ' ', &rest);
	cg_slice kid = cg_slice_cut(rest, ' ', &rest);
	unsigned char sig[64];
	if (!cg_slice_eq_cstr(alg, "ed25519") || !rest.ptr || kid.len != 16 ||
	    !cg_hex_decode(rest, sig, sizeof sig))
		return refuse(why, CG_ECRYPTO, "%s: " SIG_NAME " is not \"ed25519 KEYID SIG\"", dir);
	char want[17];
	key_id(pk, want);
	if (!cg_slice_eq_cstr(kid, want))
		return refuse(why, CG_ECRYPTO,
			      "%s: signed by another key (key id %.*s, trusted key id %s)",
			      dir, (int)kid.len, kid.ptr, want);
	if (crypto_sign_verify_detached(sig, (const unsigned char *)manifest.ptr,
					manifest.len, pk) != 0)
		return refuse(why, CG_ECRYPTO, "%s: bad signature: MANIFEST was changed after signing", dir);
	return CG_OK;
}

static cg_err check_files(int dfd, const char *dir, const cg_bundle_manifest *m,
			  cg_buf *why)
{
	pathlist l = { 0 };
	cg_err err = list_tree(dfd, "", &l, 0, why);
	if (err) {
		pathlist_free(&l);
		return err == CG_ENOMEM ? err : CG_ECRYPTO;
	}
	qsort(l.v, l.n, sizeof *l.v, cmp_str);
	/* both lists sorted: walk them together */
	size_t i = 0, j = 0;
	while (!err && (i < m->nfiles || j < l.n)) {
		int c = i >= m->nfiles ? 1 : j >= l.n ? -1 : strcmp(m->files[i].path, l.v[j]);
		if (c < 0) {
			err = refuse(why, CG_ECRYPTO, "%s: %s listed in MANIFEST but missing", dir, m->files[i].path);
		} else if (c > 0) {
			err = refuse(why, CG_ECRYPTO, "%s: %s present but not in MANIFEST (added after signing)", dir, l.v[j]);
		} else {
			unsigned char h[32];
			uint64_t size;
			cg_buf sub;
			cg_buf_init(&sub, 1024);
			err = hash_file(dfd, l.v[j], h, &size, &sub);
			if (err)
				err = refuse(why, CG_ECRYPTO, "%s: %s", dir, cg_buf_cstr(&sub));
			else if (size != m->files[i].size || sodium_memcmp(h, m->files[i].sha256, 32) != 0)
				err = refuse(why, CG_ECRYPTO, "%s: %s was changed after signing (size or SHA-256 differs)", dir, l.v[j]);
			cg_buf_free(&sub);
			i++;
			j++;
		}
	}
	pathlist_free(&l);
	return err;
}

cg_err cg_bundle_verify(const char *dir, const char *pub_path,
			int64_t min_version, int64_t *version, cg_buf *why)
{
	*version = 0;
	if (sodium_init() < 0)
		return refuse(why, CG_ECRYPTO, "libsodium failed to initialise");
	unsigned char pk[32];
	cg_err err = cg_keyfile_read(pub_path, PUB_TAG, pk, sizeof pk, why);
	if (err)
		return err;
	int dfd = cg_dirfd_open(dir);
	if (dfd < 0)
		return refuse(why, CG_EIO, "%s: %s", dir, strerror(errno));
	cg_buf man;
	cg_buf_init(&man, CG_MAX_BUNDLE_MANIFEST);
	char path[PATH_MAX + 16];
	snprintf(path, sizeof path, "%s/" MANIFEST_NAME, dir);
	cg_bundle_manifest m = { 0 };
	struct stat st;
	if (fstatat(dfd, MANIFEST_NAME, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode)) {
		err = refuse(why, CG_ECRYPTO, "%s: no MANIFEST (not a bundle)", dir);
		goto out;
	}
	cg_buf sub;
	cg_buf_init(&sub, 1024);
	err = cg_read_file(path, &man, &sub);
	if (err) {
		err = refuse(why, CG_ECRYPTO, "%s", cg_buf_cstr(&sub));
		cg_buf_free(&sub);
		goto out;
	}
	cg_buf_free(&sub);
	if ((err = check_signature(dfd, dir, cg_buf_slice(&man), pk, why)))
		goto out;
	cg_buf_init(&sub, 1024);
	err = cg_bundle_manifest_parse(cg_buf_slice(&man), &m, &sub);
	if (err) {
		err = refuse(why, CG_ECRYPTO, "%s: %s", dir, cg_buf_cstr(&sub));
		cg_buf_free(&sub);
		goto out;
	}
	cg_buf_free(&sub);
	if (m.version < min_version) {
		err = refuse(why, CG_ECRYPTO,
			     "%s: version %" PRId64 " is older than the installed version %" PRId64 " (rollback refused)",
			     dir, m.version, min_version);
		goto out;
	}
	if ((err = check_files(dfd, dir, &m, why)))
		goto out;
	*version = m.version;
out:
	cg_bundle_manifest_free(&m);
	cg_buf_free(&man);
	cg_dirfd_close(dfd);
	return err;
}

int64_t cg_bundle_accepted_version(const char *data_dir)
{
	char path[PATH_MAX];
	int n = snprintf(path, sizeof path, "%s/bundle/version", data_dir);
	if (n < 0 || (size_t)n >= sizeof path)
		return 0;
	cg_buf b;
	cg_buf_init(&b, 64);
	int64_t v = 0;
	if (cg_read_file(path, &b, NULL) == CG_OK) {
		cg_slice rest, s = cg_slice_cut(cg_buf_slice(&b), '\n', &rest);
		if (cg_parse_i64(s, 0, INT64_MAX, &v))
			v = 0;
	}
	cg_buf_free(&b);
	return v;
}
