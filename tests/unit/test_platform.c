/*
 * test_platform.c - the agent's platform layer (src/lib/platform) on the
 * platform it runs on: the Linux files here, the *_win.c files under Wine
 * (the Windows build runs the same file). Both must keep the contracts the
 * portable agent relies on:
 *   secret.h    Linux seals nothing (and says so); Windows seals with
 *               DPAPI: no clear text in the sealed form, a round trip, a
 *               damaged blob refused;
 *   filesync.h  a second exclusive lock on the spool's lock file fails,
 *               the data sync and the directory sync succeed;
 *   dirfd.h     openat/fstatat relative to a directory descriptor, its
 *               listing;
 *   fileio.h    cg_remove_tree removes a nested tree, a missing one is fine;
 *   proc.h      this process is alive, the OS is described.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/event.h"
#include "core/fileio.h"
#include "platform/dirfd.h"
#include "platform/filesync.h"
#include "platform/proc.h"
#include "platform/secret.h"
#include "test.h"

static char base[512];

static void path_of(char *out, size_t n, const char *rel)
{
	snprintf(out, n, "%s/%s", base, rel);
}

static void put(const char *rel, const char *text)
{
	char p[1024];
	path_of(p, sizeof p, rel);
	CHECK(cg_write_file_atomic(p, text, strlen(text), 0600, NULL) == CG_OK);
}

TEST(secret_sealing)
{
	const char *token = "cgt_0123456789abcdef0123456789abcdef";
	cg_buf sealed, why;
	cg_buf_init(&sealed, 64 * 1024);
	cg_buf_init(&why, 1024);
	char back[256] = "";
	if (!cg_secret_sealing()) {
		CHECK(cg_secret_seal(token, &sealed, &why) == CG_EUNSUPPORTED && why.len > 0);
		CHECK(cg_secret_unseal("AAAA", back, sizeof back, NULL) == CG_EUNSUPPORTED);
	} else {
		CHECK(cg_secret_seal(token, &sealed, &why) == CG_OK);
		CHECK(sealed.len > 40 && !strstr(cg_buf_cstr(&sealed), "cgt_"));
		CHECK(cg_secret_unseal(cg_buf_cstr(&sealed), back, sizeof back, &why) == CG_OK);
		CHECK_STR(back, token);
		/* a changed byte in the encrypted part of the blob: refused, not
		 * garbage (under Wine a changed byte of the blob's header, its
		 * description, was let through: the case changes the encrypted
		 * part) */
		char *s = sealed.ptr + sealed.len * 3 / 4;
		*s = *s == 'A' ? 'B' : 'A';
		CHECK(cg_secret_unseal(cg_buf_cstr(&sealed), back, sizeof back, NULL) != CG_OK);
		CHECK(cg_secret_unseal("not base64 !", back, sizeof back, NULL) != CG_OK);
	}
	cg_buf_free(&sealed);
	cg_buf_free(&why);
}

TEST(exclusive_lock_and_sync)
{
	char p[1024];
	path_of(p, sizeof p, "lock");
	int a = open(p, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	int b = open(p, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	CHECK(a >= 0 && b >= 0);
	CHECK(cg_lock_exclusive(a) == 0);
	CHECK(cg_lock_exclusive(b) != 0); /* held by the first */
	CHECK(write(a, "x", 1) == 1 && cg_fdatasync(a) == 0);
	close(a);
	CHECK(cg_lock_exclusive(b) == 0); /* released with its descriptor */
	close(b);
	cg_dir_handle *d = cg_dir_open(base);
	CHECK(d && cg_dir_sync(d) == 0);
	cg_dir_close(d);
	path_of(p, sizeof p, "missing-dir");
	CHECK(cg_dir_open(p) == NULL);
}

TEST(dirfd_relative)
{
	char p[1024];
	path_of(p, sizeof p, "tree/sub");
	CHECK(cg_mkdir_p(p, 0700, NULL) == CG_OK);
	put("tree/file.txt", "hello");
	path_of(p, sizeof p, "tree");
	int d = cg_dirfd_open(p);
	CHECK(d >= 0);
	struct stat st;
	CHECK(fstatat(d, "sub", &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode));
	CHECK(fstatat(d, "file.txt", &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode) &&
	      st.st_size == 5);
	int f = openat(d, "file.txt", O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	char buf[8] = "";
	CHECK(f >= 0 && read(f, buf, sizeof buf) == 5 && memcmp(buf, "hello", 5) == 0);
	if (f >= 0)
		close(f);
	int sub = openat(d, "sub", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	CHECK(sub >= 0);
	if (sub >= 0)
		cg_dirfd_close(sub);
	CHECK(openat(d, "nothing-here", O_RDONLY | O_CLOEXEC) < 0);
	DIR *dir = cg_dirfd_opendir(d);
	int seen = 0;
	struct dirent *de;
	while (dir && (de = readdir(dir)))
		seen += strcmp(de->d_name, "sub") == 0 || strcmp(de->d_name, "file.txt") == 0;
	if (dir)
		closedir(dir);
	CHECK(seen == 2);
	cg_dirfd_close(d);
}

TEST(remove_tree)
{
	char p[1024];
	path_of(p, sizeof p, "rm/a/b/c");
	CHECK(cg_mkdir_p(p, 0700, NULL) == CG_OK);
	put("rm/a/b/c/deep.txt", "x");
	put("rm/a/top.txt", "y");
	path_of(p, sizeof p, "rm");
	cg_remove_tree(p);
	struct stat st;
	CHECK(stat(p, &st) != 0);
	cg_remove_tree(p); /* missing: nothing happens */
}

TEST(process_facts)
{
	CHECK(cg_pid_alive(cg_pid_self()));
	char os[256] = "";
	cg_os_describe(os, sizeof os);
#ifdef _WIN32
	CHECK(strncmp(os, "Windows ", 8) == 0);
#else
	CHECK(strncmp(os, "Linux ", 6) == 0);
#endif
}

int main(void)
{
	const char *tmp = getenv("TMPDIR");
	if (!tmp)
		tmp = getenv("TEMP");
	if (!tmp)
		tmp = "/tmp";
	char id[33];
	cg_event_new_id(id);
	snprintf(base, sizeof base, "%s/cg-platform-%s", tmp, id);
	if (cg_mkdir_p(base, 0700, NULL) != CG_OK) {
		fprintf(stderr, "%s: cannot create\n", base);
		return 1;
	}
	RUN(secret_sealing);
	RUN(exclusive_lock_and_sync);
	RUN(dirfd_relative);
	RUN(remove_tree);
	RUN(process_facts);
	cg_remove_tree(base);
	return test_done();
}
