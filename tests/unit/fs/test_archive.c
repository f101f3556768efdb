/* Unit tests for fs/archive: members with nested paths, bare compressed
 * streams, bombs and encryption reported, limits enforced. Archives are
 * built in memory with libarchive's writer. */
#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/event.h"
#include "core/fileio.h"
#include "fs/archive.h"
#include "../test.h"

typedef struct mem {
	unsigned char *p;
	size_t len, cap;
} mem;

typedef struct member {
	const char *name;
	const void *data;
	size_t len;
} member;

/* format: "zip", "tar.gz", "raw.gz"; pass: encrypt zip with it */
static mem build(const char *format, const member *m, int n, const char *pass)
{
	mem out = { 0 };
	out.cap = 64u << 20;
	out.p = malloc(out.cap);
	struct archive *a = archive_write_new();
	if (strcmp(format, "zip") == 0) {
		archive_write_set_format_zip(a);
		if (pass) {
			archive_write_set_options(a, "zip:encryption=zipcrypt");
			archive_write_set_passphrase(a, pass);
		}
	} else if (strcmp(format, "tar.gz") == 0) {
		archive_write_set_format_pax_restricted(a);
		archive_write_add_filter_gzip(a);
	} else {
		archive_write_set_format_raw(a);
		archive_write_add_filter_gzip(a);
	}
	archive_write_set_bytes_in_last_block(a, 1);
	archive_write_open_memory(a, out.p, out.cap, &out.len);
	for (int i = 0; i < n; i++) {
		struct archive_entry *e = archive_entry_new();
		archive_entry_set_pathname(e, m[i].name);
		archive_entry_set_size(e, (la_int64_t)m[i].len);
		archive_entry_set_filetype(e, AE_IFREG);
		archive_entry_set_perm(e, 0644);
		archive_write_header(a, e);
		archive_write_data(a, m[i].data, m[i].len);
		archive_entry_free(e);
	}
	archive_write_close(a);
	archive_write_free(a);
	return out;
}

typedef struct log {
	cg_buf members, problems;
} log;

static cg_archive_action on_member(void *ctx, const char *path, const unsigned char *d,
				   size_t n, int depth)
{
	log *l = ctx;
	cg_buf_printf(&l->members, "%s(%zu,%d)[%.*s]\n", path, n, depth, n < 8 ? (int)n : 8,
		      (const char *)d);
	return CG_AR_READ;
}

static void on_problem(void *ctx, const char *path, cg_err err, const char *reason)
{
	log *l = ctx;
	cg_buf_printf(&l->problems, "%s:%d:%s\n", path, (int)err, reason);
}

static cg_archive_visitor visitor(log *l)
{
	cg_buf_init(&l->members, 1 << 20);
	cg_buf_init(&l->problems, 1 << 20);
	return (cg_archive_visitor){ .ctx = l, .member = on_member, .problem = on_problem,
				     .recurse = true };
}

static void log_free(log *l)
{
	cg_buf_free(&l->members);
	cg_buf_free(&l->problems);
}

TEST(zip_members_and_nesting)
{
	member inner[] = { { "shell.php", "<?php eval($_POST[x]);", 22 } };
	mem tgz = build("tar.gz", inner, 1, NULL);
	member outer[] = { { "readme.txt", "hello", 5 }, { "dir/in.tar.gz", tgz.p, tgz.len } };
	mem zip = build("zip", outer, 2, NULL);
	CHECK(cg_archive_sniff(zip.p, zip.len));
	log l;
	cg_archive_visitor v = visitor(&l);
	CHECK(cg_archive_read_mem(zip.p, zip.len, "up.zip", NULL, &v) == CG_OK);
	const char *m = cg_buf_cstr(&l.members);
	CHECK(strstr(m, "up.zip!readme.txt(5,0)[hello]") != NULL);
	CHECK(strstr(m, "up.zip!dir/in.tar.gz!shell.php(22,1)[<?php ev]") != NULL);
	CHECK(strstr(m, "up.zip!dir/in.tar.gz(") != NULL); /* nested archive itself too */
	CHECK(l.problems.len == 0);
	log_free(&l);
	free(tgz.p);
	free(zip.p);
}

TEST(bare_gzip_stream)
{
	member one[] = { { "x", "plain text", 10 } };
	mem gz = build("raw.gz", one, 1, NULL);
	log l;
	cg_archive_visitor v = visitor(&l);
	CHECK(cg_archive_read_mem(gz.p, gz.len, "/var/log/notes.txt.gz", NULL, &v) == CG_OK);
	CHECK_STR(cg_buf_cstr(&l.members), "/var/log/notes.txt.gz!notes.txt(10,0)[plain te]\n");
	log_free(&l);
	free(gz.p);
}

TEST(not_an_archive)
{
	log l;
	cg_archive_visitor v = visitor(&l);
	const char *text = "just some text, not an archive at all\n";
	CHECK(!cg_archive_sniff((const unsigned char *)text, strlen(text)));
	CHECK(cg_archive_read_mem((const unsigned char *)text, strlen(text), "t.txt", NULL, &v) ==
	      CG_EUNSUPPORTED);
	log_free(&l);
}

TEST(total_size_bomb_reported)
{
	size_t n = 2u << 20;
	char *zeros = calloc(1, n);
	member big[] = { { "a.bin", zeros, n }, { "b.bin", zeros, n } };
	mem zip = build("zip", big, 2, NULL);
	cg_archive_limits lim = cg_archive_default_limits();
	lim.max_total_bytes = 3u << 20;
	log l;
	cg_archive_visitor v = visitor(&l);
	CHECK(cg_archive_read_mem(zip.p, zip.len, "bomb.zip", &lim, &v) == CG_OK);
	CHECK(strstr(cg_buf_cstr(&l.problems), "archive bomb: expands past") != NULL);
	CHECK(strstr(cg_buf_cstr(&l.members), "b.bin") == NULL);
	log_free(&l);
	free(zip.p);
	free(zeros);
}

TEST(ratio_bomb_and_entry_cap)
{
	size_t n = 40u << 20;
	char *zeros = calloc(1, n);
	member big[] = { { "z.bin", zeros, n } };
	mem zip = build("zip", big, 1, NULL);
	log l;
	cg_archive_visitor v = visitor(&l);
	CHECK(cg_archive_read_mem(zip.p, zip.len, "ratio.zip", NULL, &v) == CG_OK);
	CHECK(strstr(cg_buf_cstr(&l.problems), "expansion ratio over 250:1") != NULL);
	log_free(&l);
	/* the same file under a small per-member cap: skipped, reported */
	cg_archive_limits lim = cg_archive_default_limits();
	lim.max_entry_bytes = 1u << 20;
	v = visitor(&l);
	CHECK(cg_archive_read_mem(zip.p, zip.len, "cap.zip", &lim, &v) == CG_OK);
	CHECK(strstr(cg_buf_cstr(&l.problems), "member larger than 1048576 bytes") != NULL);
	log_free(&l);
	free(zip.p);
	free(zeros);
}

TEST(nesting_depth_limited)
{
	member m[] = { { "leaf.txt", "leaf", 4 } };
	mem cur = build("zip", m, 1, NULL);
	for (int i = 0; i < 3; i++) {
		member wrap[] = { { "n.zip", cur.p, cur.len } };
		mem next = build("zip", wrap, 1, NULL);
		free(cur.p);
		cur = next;
	}
	cg_archive_limits lim = cg_archive_default_limits();
	lim.max_depth = 2;
	log l;
	cg_archive_visitor v = visitor(&l);
	CHECK(cg_archive_read_mem(cur.p, cur.len, "deep.zip", &lim, &v) == CG_OK);
	CHECK(strstr(cg_buf_cstr(&l.problems), "nested deeper than 2 levels") != NULL);
	CHECK(strstr(cg_buf_cstr(&l.members), "leaf.txt") == NULL);
	log_free(&l);
	free(cur.p);
}

TEST(encrypted_member_reported)
{
	member m[] = { { "secret.docx", "PK-not-really", 13 } };
	mem zip = build("zip", m, 1, "matkhau");
	log l;
	cg_archive_visitor v = visitor(&l);
	CHECK(cg_archive_read_mem(zip.p, zip.len, "enc.zip", NULL, &v) == CG_OK);
	CHECK(strstr(cg_buf_cstr(&l.problems), "enc.zip!secret.docx:18:encrypted") != NULL);
	CHECK(l.members.len == 0);
	log_free(&l);
	free(zip.p);
}

TEST(truncated_zip_reported)
{
	member m[] = { { "a.txt", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 39 },
		       { "b.txt", "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", 39 } };
	mem zip = build("zip", m, 2, NULL);
	log l;
	cg_archive_visitor v = visitor(&l);
	cg_archive_read_mem(zip.p, zip.len / 2, "cut.zip", NULL, &v);
	CHECK(l.problems.len > 0);
	log_free(&l);
	free(zip.p);
}

#ifndef O_BINARY
#define O_BINARY 0
#endif

/* cg_archive_read_fd maps the file (platform/fmap.h: mmap on Linux, a file
 * mapping on Windows) and reads the same members as from memory. */
TEST(read_fd_maps_the_file)
{
	member inner[] = { { "a.aspx", "<%@ Page %>", 11 }, { "b.txt", "hello", 5 } };
	mem zip = build("zip", inner, 2, NULL);
	const char *tmp = getenv("TMPDIR");
	if (!tmp)
		tmp = getenv("TEMP");
	if (!tmp)
		tmp = "/tmp";
	char id[33], path[1024];
	cg_event_new_id(id);
	snprintf(path, sizeof path, "%s/cg-archive-%s.zip", tmp, id);
	CHECK(cg_write_file_atomic(path, zip.p, zip.len, 0600, NULL) == CG_OK);
	int fd = open(path, O_RDONLY | O_BINARY);
	CHECK(fd >= 0);
	log l;
	cg_archive_visitor v = visitor(&l);
	CHECK(fd >= 0 && cg_archive_read_fd(fd, "site.zip", NULL, &v) == CG_OK);
	const char *m = cg_buf_cstr(&l.members);
	CHECK(strstr(m, "site.zip!a.aspx(11,0)[<%@ Page]") != NULL);
	CHECK(strstr(m, "site.zip!b.txt(5,0)[hello]") != NULL);
	CHECK(l.problems.len == 0);
	if (fd >= 0)
		close(fd);
	remove(path);
	log_free(&l);
	free(zip.p);
}

int main(void)
{
	RUN(zip_members_and_nesting);
	RUN(bare_gzip_stream);
	RUN(not_an_archive);
	RUN(total_size_bomb_reported);
	RUN(ratio_bomb_and_entry_cap);
	RUN(nesting_depth_limited);
	RUN(encrypted_member_reported);
	RUN(truncated_zip_reported);
	RUN(read_fd_maps_the_file);
	return test_done();
}
