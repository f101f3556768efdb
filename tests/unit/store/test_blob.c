/* Unit tests for the blob store (store/blob.h) on a real directory:
 * streaming in and out in odd chunk sizes, the size limit, bad hashes
 * (malformed, unknown, a declared hash that does not match, a blob altered
 * on disk), and eight threads storing the same content at once. */
#include <dirent.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/blob.h"
#include "store/blob_chain.h"
#include "../test.h"

static char dir[256];

static cg_blobs *fresh(uint64_t max)
{
	snprintf(dir, sizeof dir, "/tmp/canhgac-blob.XXXXXX");
	if (!mkdtemp(dir))
		return NULL;
	char sub[300];
	snprintf(sub, sizeof sub, "%s/blobs", dir);
	cg_blobs *b = NULL;
	CHECK(cg_blobs_open(sub, max, &b, NULL) == CG_OK);
	return b;
}

static void done(cg_blobs *b)
{
	cg_blobs_close(b);
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		printf("# cleanup failed\n");
}

/* Files in DIR/blobs/tmp (partial blobs left behind). */
static int tmp_files(void)
{
	char p[300];
	snprintf(p, sizeof p, "%s/blobs/tmp", dir);
	DIR *d = opendir(p);
	int n = 0;
	struct dirent *e;
	while (d && (e = readdir(d)))
		n += e->d_name[0] != '.';
	if (d)
		closedir(d);
	return n;
}

static void fill(uint8_t *p, size_t n, uint32_t seed)
{
	for (size_t i = 0; i < n; i++) {
		seed = seed * 1103515245u + 12345u;
		p[i] = (uint8_t)(seed >> 16);
	}
}

static void sha_hex(const uint8_t *p, size_t n, char hex[65])
{
	uint8_t h[32];
	crypto_hash_sha256(h, p, n);
	for (int i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", h[i]);
}

/* Stores p in chunks of `chunk` bytes. */
static cg_err put(cg_blobs *b, const uint8_t *p, size_t n, size_t chunk, const char *expect,
                  char hex[65])
{
	cg_blob_writer *w;
	cg_err err = cg_blob_begin(b, &w);
	if (err)
		return err;
	for (size_t off = 0; off < n; off += chunk) {
		size_t k = n - off < chunk ? n - off : chunk;
		err = cg_blob_write(w, p + off, k);
		if (err) {
			cg_blob_abort(w);
			return err;
		}
	}
	uint64_t size;
	err = cg_blob_commit(w, expect, hex, &size);
	if (!err && size != n)
		return CG_EINTERNAL;
	return err;
}

/* Reads a blob back in chunks of `chunk`; CG_OK only if the end verified. */
static cg_err get(cg_blobs *b, const char *hex, uint8_t **out, size_t *n, size_t chunk)
{
	cg_blob_reader *r;
	uint64_t size;
	*out = NULL;
	*n = 0;
	cg_err err = cg_blob_open(b, hex, &r, &size);
	if (err)
		return err;
	uint8_t *buf = malloc(size + 1);
	size_t got;
	while (!(err = cg_blob_read(r, buf + *n, chunk < size + 1 - *n ? chunk : size + 1 - *n,
	                            &got)) &&
	       got)
		*n += got;
	cg_blob_close(r);
	*out = buf;
	return err;
}

static void streaming(void)
{
	cg_blobs *b = fresh(0);
	if (!b)
		return;
	size_t n = 10u * 1024 * 1024 + 17;
	uint8_t *data = malloc(n);
	fill(data, n, 42);
	char want[65], hex[65];
	sha_hex(data, n, want);
	CHECK(put(b, data, n, 65521, NULL, hex) == CG_OK);
	CHECK_STR(hex, want);
	uint8_t *back;
	size_t m;
	CHECK(get(b, hex, &back, &m, 4093) == CG_OK);
	CHECK(m == n && memcmp(back, data, n) == 0);
	free(back);
	uint64_t size;
	CHECK(cg_blob_stat(b, hex, &size) == CG_OK && size == n);
	/* the same bytes again: the same blob, no copy, nothing left over */
	CHECK(put(b, data, n, 1u << 20, want, hex) == CG_OK);
	CHECK_STR(hex, want);
	CHECK(tmp_files() == 0);
	/* the empty blob is a blob */
	CHECK(put(b, data, 0, 1, NULL, hex) == CG_OK);
	CHECK_STR(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	free(data);
	done(b);
}

static void size_limit(void)
{
	cg_blobs *b = fresh(1000);
	if (!b)
		return;
	CHECK(cg_blobs_max_bytes(b) == 1000);
	uint8_t data[1001];
	fill(data, sizeof data, 7);
	char hex[65];
	CHECK(put(b, data, 1000, 300, NULL, hex) == CG_OK);
	CHECK(put(b, data, 1001, 300, NULL, hex) == CG_ETOOBIG);
	CHECK(put(b, data, 1001, 1001, NULL, hex) == CG_ETOOBIG);
	char want[65];
	sha_hex(data, 1001, want);
	uint64_t size;
	CHECK(cg_blob_stat(b, want, &size) == CG_ENOTFOUND);
	CHECK(tmp_files() == 0);
	/* a writer past the limit cannot be committed */
	cg_blob_writer *w;
	CHECK(cg_blob_begin(b, &w) == CG_OK);
	CHECK(cg_blob_write(w, data, 1001) == CG_ETOOBIG);
	CHECK(cg_blob_write(w, data, 1) == CG_EINVAL);
	CHECK(cg_blob_commit(w, NULL, hex, &size) == CG_EINVAL && hex[0] == '\0');
	CHECK(tmp_files() == 0);
	done(b);
}

static void bad_hashes(void)
{
	cg_blobs *b = fresh(0);
	if (!b)
		return;
	static const char *const bad[] = {
	    "",
	    "abc",
	    "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855",
	    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85",
	    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b8555",
	    "../../../../../../etc/passwd",
	    "e3/../../../../etc/passwde3b0c44298fc1c149afbf4c8996fb92427ae41e4",
	    "g3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
	};
	uint64_t size;
	cg_blob_reader *r;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		CHECK(!cg_blob_hash_ok(bad[i]));
		CHECK(cg_blob_stat(b, bad[i], &size) == CG_EINVAL);
		CHECK(cg_blob_open(b, bad[i], &r, &size) == CG_EINVAL);
	}
	CHECK(!cg_blob_hash_ok(NULL));
	const char *absent = "0000000000000000000000000000000000000000000000000000000000000000";
	CHECK(cg_blob_open(b, absent, &r, &size) == CG_ENOTFOUND);
	uint8_t data[5000];
	fill(data, sizeof data, 9);
	char hex[65], want[65];
	sha_hex(data, sizeof data, want);
	/* a declared hash that is not the content's: refused, nothing stored */
	CHECK(put(b, data, sizeof data, 999, absent, hex) == CG_ECRYPTO);
	CHECK(put(b, data, sizeof data, 999, "nope", hex) == CG_EINVAL);
	CHECK(cg_blob_stat(b, want, &size) == CG_ENOTFOUND);
	CHECK(tmp_files() == 0);
	CHECK(put(b, data, sizeof data, 999, want, hex) == CG_OK);
	/* altered on disk (same length): the read that ends says so */
	char path[400];
	snprintf(path, sizeof path, "%s/blobs/sha256/%.2s/%s", dir, want, want);
	FILE *f = fopen(path, "r+b");
	CHECK(f != NULL);
	if (f) {
		fseek(f, 4000, SEEK_SET);
		fputc(data[4000] ^ 1, f);
		fclose(f);
	}
	uint8_t *back;
	size_t m;
	CHECK(get(b, want, &back, &m, 1024) == CG_ECRYPTO);
	free(back);
	done(b);
}

/* Eight writers store the same 1 MiB at once, in different chunk sizes. */
#define WRITERS 8
static const uint8_t *race_data;
static size_t race_n;

typedef struct writer_arg {
	cg_blobs *b;
	size_t chunk;
	cg_err err;
	char hex[65];
} writer_arg;

static void *race_put(void *p)
{
	writer_arg *a = p;
	a->err = put(a->b, race_data, race_n, a->chunk, NULL, a->hex);
	return NULL;
}

static void concurrent_writers(void)
{
	cg_blobs *b = fresh(0);
	if (!b)
		return;
	race_n = 1u << 20;
	uint8_t *data = malloc(race_n);
	fill(data, race_n, 1234);
	race_data = data;
	char want[65];
	sha_hex(data, race_n, want);
	pthread_t th[WRITERS];
	writer_arg args[WRITERS];
	for (int i = 0; i < WRITERS; i++) {
		args[i] = (writer_arg){.b = b, .chunk = 1000u + 7919u * (size_t)i};
		pthread_create(&th[i], NULL, race_put, &args[i]);
	}
	int ok = 0;
	for (int i = 0; i < WRITERS; i++) {
		pthread_join(th[i], NULL);
		ok += args[i].err == CG_OK && strcmp(args[i].hex, want) == 0;
	}
	CHECK(ok == WRITERS);
	CHECK(tmp_files() == 0);
	char sub[400];
	snprintf(sub, sizeof sub, "%s/blobs/sha256/%.2s", dir, want);
	DIR *d = opendir(sub);
	int files = 0;
	struct dirent *e;
	while (d && (e = readdir(d)))
		files += e->d_name[0] != '.';
	if (d)
		closedir(d);
	CHECK(files == 1);
	uint8_t *back;
	size_t m;
	CHECK(get(b, want, &back, &m, 100000) == CG_OK);
	CHECK(m == race_n && memcmp(back, data, m) == 0);
	free(back);
	free(data);
	done(b);
}

/* used(): the first n questions say "named", the rest "not named"; a
 * writer that names the blob between the two questions is played by
 * answering "not named" then "named". */
typedef struct {
	int calls;
	int named_from, named_to; /* calls in [from, to) answer named */
} used_script;

static bool scripted(void *ctx, const char *hex)
{
	(void)hex;
	used_script *u = ctx;
	int k = u->calls++;
	return k >= u->named_from && k < u->named_to;
}

static void removing(void)
{
	cg_blobs *b = fresh(0);
	if (!b)
		return;
	uint8_t data[1000];
	fill(data, sizeof data, 7);
	char hex[65];
	sha_hex(data, sizeof data, hex);
	CHECK(put(b, data, sizeof data, 100, NULL, hex) == CG_OK);
	uint64_t size = 0;
	bool gone = true;
	used_script named = {0, 0, 99};
	CHECK(cg_blob_remove(b, hex, scripted, &named, &gone) == CG_OK && !gone);
	CHECK(cg_blob_stat(b, hex, &size) == CG_OK && size == sizeof data);
	/* named by a row between the two questions: put back */
	used_script late = {0, 1, 99};
	CHECK(cg_blob_remove(b, hex, scripted, &late, &gone) == CG_OK && !gone && late.calls == 2);
	uint8_t *back = NULL;
	size_t n = 0;
	CHECK(get(b, hex, &back, &n, 333) == CG_OK && n == sizeof data &&
	      memcmp(back, data, n) == 0);
	free(back);
	used_script none = {0, 0, 0};
	CHECK(cg_blob_remove(b, hex, scripted, &none, &gone) == CG_OK && gone);
	CHECK(cg_blob_stat(b, hex, &size) == CG_ENOTFOUND);
	CHECK(cg_blob_remove(b, hex, scripted, &none, &gone) == CG_ENOTFOUND && !gone);
	CHECK(cg_blob_remove(b, "../x", scripted, &none, NULL) == CG_EINVAL);
	CHECK(tmp_files() == 0);
	done(b);
}

/* Reads fd to its end. */
static size_t drain(int fd, uint8_t *out, size_t cap)
{
	size_t n = 0;
	for (;;) {
		ssize_t k = read(fd, out + n, cap - n);
		if (k <= 0)
			break;
		n += (size_t)k;
		if (n == cap)
			break;
	}
	return n;
}

static void chains(void)
{
	cg_blobs *b = fresh(0);
	if (!b)
		return;
	enum { A = 300000, B = 7, C = 70000 };
	static uint8_t data[A + B + C], out[A + B + C + 10];
	fill(data, sizeof data, 3);
	char ha[65], hb[65], hc[65];
	sha_hex(data, A, ha);
	sha_hex(data + A, B, hb);
	sha_hex(data + A + B, C, hc);
	char got[65];
	CHECK(put(b, data, A, 4096, ha, got) == CG_OK);
	CHECK(put(b, data + A, B, 3, hb, got) == CG_OK);
	CHECK(put(b, data + A + B, C, 999, hc, got) == CG_OK);
	/* in order, as one stream */
	json_t *list = json_pack("[[s,i],[s,i],[s,i]]", ha, A, hb, B, hc, C);
	int fd = -1;
	cg_blob_chain *c = NULL;
	CHECK(cg_blob_chain_pipe(b, list, &fd, &c) == CG_OK);
	size_t n = drain(fd, out, sizeof out);
	close(fd);
	CHECK(cg_blob_chain_finish(c, NULL) == CG_OK);
	CHECK(n == sizeof data && memcmp(out, data, n) == 0);
	json_decref(list);
	/* a size that disagrees with the list: an error at that blob */
	list = json_pack("[[s,i],[s,i]]", hb, B, ha, A + 1);
	size_t which = 99;
	CHECK(cg_blob_chain_pipe(b, list, &fd, &c) == CG_OK);
	drain(fd, out, sizeof out);
	close(fd);
	CHECK(cg_blob_chain_finish(c, &which) == CG_ECRYPTO && which == 1);
	json_decref(list);
	/* a missing blob */
	char zero[65];
	memset(zero, '0', 64);
	zero[64] = '\0';
	list = json_pack("[[s,i]]", zero, 5);
	CHECK(cg_blob_chain_pipe(b, list, &fd, &c) == CG_OK);
	CHECK(drain(fd, out, sizeof out) == 0);
	close(fd);
	CHECK(cg_blob_chain_finish(c, &which) == CG_ENOTFOUND && which == 0);
	json_decref(list);
	/* a reader that stops early frees the writer */
	list = json_pack("[[s,i],[s,i]]", ha, A, ha, A);
	CHECK(cg_blob_chain_pipe(b, list, &fd, &c) == CG_OK);
	CHECK(read(fd, out, 10) == 10);
	close(fd);
	CHECK(cg_blob_chain_finish(c, NULL) == CG_EIO);
	json_decref(list);
	/* malformed lists start nothing */
	const char *bad[] = {"{}", "[[\"x\",1]]", "[[1,2]]"};
	for (size_t i = 0; i < 3; i++) {
		json_t *v = json_loads(bad[i], 0, NULL);
		CHECK(cg_blob_chain_pipe(b, v, &fd, &c) == CG_EINVAL && fd == -1 && !c);
		json_decref(v);
	}
	list = json_pack("[[s,i]]", ha, 0);
	CHECK(cg_blob_chain_pipe(b, list, &fd, &c) == CG_EINVAL);
	json_decref(list);
	done(b);
}

int main(void)
{
	RUN(streaming);
	RUN(size_limit);
	RUN(bad_hashes);
	RUN(concurrent_writers);
	RUN(removing);
	RUN(chains);
	return test_done();
}
