/*
 * test_spool.c - the agent's disk spool: append/peek/ack, reopen, torn and
 * corrupt records, the byte bound with its counted loss event, the
 * single-writer lock, and kill -9 of a real writer process at random
 * moments (every acknowledged append must survive).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "agent/spool.h"
#include "core/json.h"
#include "test.h"

static char tmpl[64];

static const char *fresh_dir(void)
{
	snprintf(tmpl, sizeof tmpl, "/tmp/cg-spool-XXXXXX");
	return mkdtemp(tmpl);
}

static void rm_rf(const char *dir)
{
	char cmd[256];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		printf("# rm failed\n");
}

static cg_err put(cg_spool *sp, long seq, size_t pad)
{
	char line[4096];
	char p[2048];
	if (pad >= sizeof p)
		pad = sizeof p - 1;
	memset(p, 'x', pad);
	p[pad] = '\0';
	snprintf(line, sizeof line, "{\"seq\":%ld,\"pad\":\"%s\"}", seq, p);
	return cg_spool_append(sp, cg_slice_cstr(line));
}

/* Collects the seq of every pending record (and counts loss events). */
static size_t drain(cg_spool *sp, char *seen, size_t nseen, long *lost, bool ack)
{
	size_t total = 0;
	*lost = 0;
	cg_spool_pos end;
	size_t n;
	cg_buf out;
	cg_buf_init(&out, 64u << 20);
	for (;;) {
		cg_buf_reset(&out);
		if (cg_spool_peek(sp, 100, 1u << 20, &out, &n, &end) || n == 0)
			break;
		cg_slice rest = cg_buf_slice(&out);
		while (rest.len) {
			cg_slice line = cg_slice_cut(rest, '\n', &rest);
			json_t *o = NULL;
			if (cg_json_parse(line, &o, NULL) == CG_OK) {
				json_t *s = json_object_get(o, "seq");
				if (s && json_integer_value(s) >= 0 &&
				    (size_t)json_integer_value(s) < nseen)
					seen[json_integer_value(s)]++;
				const char *kind = cg_json_get_str(o, "kind");
				if (kind && strcmp(kind, "spool_overflow") == 0)
					*lost += (long)json_integer_value(
						json_object_get(json_object_get(o, "evidence"), "lost"));
				json_decref(o);
			}
			total++;
			if (!rest.ptr)
				break;
		}
		if (!ack)
			break;
		cg_spool_ack(sp, end);
	}
	cg_buf_free(&out);
	return total;
}

TEST(append_peek_ack_reopen)
{
	const char *d = fresh_dir();
	cg_spool *sp;
	CHECK(cg_spool_open(d, NULL, &sp, NULL) == CG_OK);
	for (long i = 0; i < 10; i++)
		CHECK(put(sp, i, 10) == CG_OK);
	cg_buf out;
	cg_buf_init(&out, 1 << 20);
	size_t n;
	cg_spool_pos end;
	CHECK(cg_spool_peek(sp, 4, 1 << 20, &out, &n, &end) == CG_OK);
	CHECK(n == 4);
	CHECK(strncmp(out.ptr, "{\"seq\":0,", 9) == 0);
	CHECK(cg_spool_ack(sp, end) == CG_OK);
	cg_spool_stats st;
	cg_spool_stats_get(sp, &st);
	CHECK(st.pending == 6);
	cg_spool_close(sp);
	/* reopen: the cursor survived, the rest is still there */
	CHECK(cg_spool_open(d, NULL, &sp, NULL) == CG_OK);
	cg_buf_reset(&out);
	CHECK(cg_spool_peek(sp, 100, 1 << 20, &out, &n, &end) == CG_OK);
	CHECK(n == 6);
	CHECK(strncmp(out.ptr, "{\"seq\":4,", 9) == 0);
	CHECK(put(sp, 10, 0) == CG_OK);
	cg_buf_reset(&out);
	CHECK(cg_spool_peek(sp, 100, 1 << 20, &out, &n, &end) == CG_OK);
	CHECK(n == 7);
	CHECK(cg_spool_ack(sp, end) == CG_OK);
	cg_buf_reset(&out);
	CHECK(cg_spool_peek(sp, 100, 1 << 20, &out, &n, &end) == CG_OK);
	CHECK(n == 0);
	cg_spool_close(sp);
	/* everything acknowledged: a reopen finds nothing pending and new
	 * appends after it are seen */
	CHECK(cg_spool_open(d, NULL, &sp, NULL) == CG_OK);
	cg_spool_stats_get(sp, &st);
	CHECK(st.pending == 0);
	CHECK(put(sp, 11, 0) == CG_OK);
	cg_buf_reset(&out);
	CHECK(cg_spool_peek(sp, 100, 1 << 20, &out, &n, &end) == CG_OK);
	CHECK(n == 1);
	cg_buf_free(&out);
	cg_spool_close(sp);
	rm_rf(d);
}

TEST(rejects_bad_input_and_second_writer)
{
	const char *d = fresh_dir();
	cg_spool *sp, *sp2;
	CHECK(cg_spool_open(d, NULL, &sp, NULL) == CG_OK);
	CHECK(cg_spool_append(sp, CG_SLICE("{\"a\":\n1}")) == CG_EINVAL);
	CHECK(cg_spool_append(sp, CG_SLICE("")) == CG_EINVAL);
	cg_buf why;
	cg_buf_init(&why, 1024);
	CHECK(cg_spool_open(d, NULL, &sp2, &why) == CG_ECONFLICT);
	CHECK(strstr(cg_buf_cstr(&why), "in use") != NULL);
	cg_spool_opts ro = { .read_only = true };
	CHECK(cg_spool_open(d, &ro, &sp2, NULL) == CG_OK);
	CHECK(cg_spool_append(sp2, CG_SLICE("{}")) == CG_EINVAL);
	cg_spool_close(sp2);
	cg_buf_free(&why);
	cg_spool_close(sp);
	rm_rf(d);
}

TEST(torn_and_corrupt_records_are_skipped)
{
	const char *d = fresh_dir();
	cg_spool *sp;
	CHECK(cg_spool_open(d, NULL, &sp, NULL) == CG_OK);
	for (long i = 0; i < 3; i++)
		put(sp, i, 5);
	cg_spool_close(sp);
	/* corrupt the second record's JSON and add a torn tail */
	char path[128];
	snprintf(path, sizeof path, "%s/seg-%016d.log", d, 1);
	FILE *f = fopen(path, "r+");
	CHECK(f != NULL);
	char text[1024] = { 0 };
	size_t got = fread(text, 1, sizeof text - 1, f);
	char *second = strchr(text, '\n') + 1;
	second[20] ^= 1;
	fseek(f, 0, SEEK_SET);
	fwrite(text, 1, got, f);
	fputs("0badc0de {\"seq\":99", f); /* killed mid-write */
	fclose(f);
	CHECK(cg_spool_open(d, NULL, &sp, NULL) == CG_OK);
	put(sp, 3, 5);
	char seen[128] = { 0 };
	long lost;
	size_t total = drain(sp, seen, sizeof seen, &lost, true);
	CHECK(total == 3);
	CHECK(seen[0] == 1 && seen[1] == 0 && seen[2] == 1 && seen[3] == 1);
	CHECK(seen[99] == 0);
	cg_spool_stats st;
	cg_spool_stats_get(sp, &st);
	CHECK(st.corrupt == 1);
	cg_spool_close(sp);
	rm_rf(d);
}

TEST(parse_record_cases)
{
	cg_slice j;
	size_t used;
	CHECK(cg_spool_parse_record(CG_SLICE("561bacaf {\"a\":1}\nrest"), &j, &used) == CG_OK);
	CHECK(used == 17 && j.len == 7);
	CHECK(cg_spool_parse_record(CG_SLICE("561bacae {\"a\":1}\n"), &j, &used) == CG_EPARSE);
	CHECK(used == 17);
	CHECK(cg_spool_parse_record(CG_SLICE("561bacaf {\"a\":1}"), &j, &used) == CG_ENOTFOUND);
	CHECK(cg_spool_parse_record(CG_SLICE("\n"), &j, &used) == CG_EPARSE);
	CHECK(cg_spool_parse_record(CG_SLICE("zzzzzzzz {}\n"), &j, &used) == CG_EPARSE);
}

TEST(bound_drops_oldest_and_counts_the_loss)
{
	const char *d = fresh_dir();
	cg_spool *sp;
	cg_spool_opts o = { .max_bytes = 64 * 1024, .segment_bytes = 8 * 1024 };
	CHECK(cg_spool_open(d, &o, &sp, NULL) == CG_OK);
	enum { N = 2000 };
	for (long i = 0; i < N; i++)
		CHECK(put(sp, i, 100) == CG_OK);
	cg_spool_stats st;
	cg_spool_stats_get(sp, &st);
	CHECK(st.bytes <= o.max_bytes);
	CHECK(st.lost > 0);
	static char seen[N];
	memset(seen, 0, sizeof seen);
	long lost;
	drain(sp, seen, N, &lost, true);
	long kept = 0;
	for (int i = 0; i < N; i++)
		kept += seen[i];
	printf("# kept %ld lost %ld (stats lost %" PRIu64 ")\n", kept, lost, st.lost);
	CHECK(kept + lost == N);           /* every event accounted for */
	CHECK(seen[N - 1] == 1);           /* the newest are kept */
	CHECK(seen[0] == 0);               /* the oldest went */
	CHECK((uint64_t)lost == st.lost); /* loss events carry dropped ones' counts */
	cg_spool_close(sp);
	rm_rf(d);
}

/* The writer child: appends forever, telling the parent on a pipe which
 * seqs were acknowledged ("A n") and which it consumed as if the server
 * had acknowledged them ("S n", written before the cursor moves). */
static void writer(const char *dir, long base, int fd)
{
	cg_spool *sp;
	if (cg_spool_open(dir, NULL, &sp, NULL))
		_exit(3);
	cg_buf out;
	cg_buf_init(&out, 1 << 20);
	for (long i = 0;; i++) {
		char msg[32];
		int n;
		if (i % 4 == 3) { /* a burst: ten appends, one sync, then acked */
			long k;
			for (k = 0; k < 10; k++) {
				char line[128];
				snprintf(line, sizeof line, "{\"seq\":%ld,\"burst\":1}", base + i + k);
				if (cg_spool_append_nosync(sp, cg_slice_cstr(line)) != CG_OK)
					_exit(4);
			}
			if (cg_spool_sync(sp) != CG_OK)
				_exit(4);
			for (k = 0; k < 10; k++) {
				n = snprintf(msg, sizeof msg, "A %ld\n", base + i + k);
				if (write(fd, msg, (size_t)n) != n)
					_exit(5);
			}
			i += 10;
			continue;
		}
		if (put(sp, base + i, (size_t)(i % 300)) != CG_OK)
			_exit(4);
		n = snprintf(msg, sizeof msg, "A %ld\n", base + i);
		if (write(fd, msg, (size_t)n) != n)
			_exit(5);
		if (i % 37 == 36) {
			size_t cnt;
			cg_spool_pos end;
			cg_buf_reset(&out);
			if (cg_spool_peek(sp, 20, 1 << 20, &out, &cnt, &end))
				_exit(6);
			cg_slice rest = cg_buf_slice(&out);
			while (rest.len) {
				cg_slice line = cg_slice_cut(rest, '\n', &rest);
				const char *p = memchr(line.ptr, ':', line.len);
				const char *c = p ? memchr(p, ',', line.len - (size_t)(p - line.ptr)) : NULL;
				int64_t v;
				if (c && cg_parse_i64(cg_slice_from(p + 1, (size_t)(c - p - 1)), 0, INT64_MAX, &v) == CG_OK) {
					n = snprintf(msg, sizeof msg, "S %" PRId64 "\n", v);
					if (write(fd, msg, (size_t)n) != n)
						_exit(5);
				}
				if (!rest.ptr)
					break;
			}
			cg_spool_ack(sp, end);
		}
	}
}

TEST(kill9_at_random_moments_loses_nothing_acknowledged)
{
	const char *d = fresh_dir();
	enum { ROUNDS = 25, PER = 1000000, MAXSEQ = ROUNDS * PER };
	char *acked = calloc(MAXSEQ, 1), *consumed = calloc(MAXSEQ, 1);
	srand((unsigned)time(NULL) ^ (unsigned)getpid());
	long total_acked = 0;
	for (int r = 0; r < ROUNDS; r++) {
		int p[2];
		CHECK(pipe(p) == 0);
		pid_t pid = fork();
		if (pid == 0) {
			close(p[0]);
			writer(d, (long)r * PER, p[1]);
		}
		close(p[1]);
		usleep((useconds_t)(1000 + rand() % 80000));
		kill(pid, SIGKILL);
		int status;
		waitpid(pid, &status, 0);
		CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
		/* read everything the child reported before it died */
		FILE *f = fdopen(p[0], "r");
		char line[64];
		while (fgets(line, sizeof line, f)) {
			char *nl = strchr(line, '\n');
			if (!nl)
				break; /* cut off by the kill */
			int64_t v;
			if (cg_parse_i64(cg_slice_from(line + 2, (size_t)(nl - line - 2)), 0, MAXSEQ - 1, &v))
				continue;
			if (line[0] == 'A') {
				acked[v] = 1;
				total_acked++;
			} else if (line[0] == 'S')
				consumed[v] = 1;
		}
		fclose(f);
	}
	cg_spool *sp;
	CHECK(cg_spool_open(d, NULL, &sp, NULL) == CG_OK);
	char *seen = calloc(MAXSEQ, 1);
	long lost;
	drain(sp, seen, MAXSEQ, &lost, false);
	/* drain without ack reads only 100: read everything instead */
	memset(seen, 0, MAXSEQ);
	cg_buf out;
	cg_buf_init(&out, 512u << 20);
	size_t n;
	cg_spool_pos end;
	CHECK(cg_spool_peek(sp, SIZE_MAX, 512u << 20, &out, &n, &end) == CG_OK);
	cg_slice rest = cg_buf_slice(&out);
	while (rest.len) {
		cg_slice l = cg_slice_cut(rest, '\n', &rest);
		json_t *o = NULL;
		if (cg_json_parse(l, &o, NULL) == CG_OK) {
			json_int_t v = json_integer_value(json_object_get(o, "seq"));
			if (v >= 0 && v < MAXSEQ)
				seen[v] = 1;
			json_decref(o);
		}
		if (!rest.ptr)
			break;
	}
	long missing = 0, checked = 0;
	for (long i = 0; i < MAXSEQ; i++) {
		if (acked[i] && !consumed[i]) {
			checked++;
			if (!seen[i]) {
				if (missing < 5)
					printf("# lost acknowledged seq %ld\n", i);
				missing++;
			}
		}
	}
	printf("# %d kills, %ld appends acknowledged, %ld still pending checked, %zu in spool\n",
	       ROUNDS, total_acked, checked, n);
	CHECK(total_acked > 0);
	CHECK(checked > 0);
	CHECK(missing == 0);
	cg_buf_free(&out);
	cg_spool_close(sp);
	free(seen);
	free(acked);
	free(consumed);
	rm_rf(d);
}

int main(void)
{
	RUN(append_peek_ack_reopen);
	RUN(rejects_bad_input_and_second_writer);
	RUN(torn_and_corrupt_records_are_skipped);
	RUN(parse_record_cases);
	RUN(bound_drops_oldest_and_counts_the_loss);
	RUN(kill9_at_random_moments_loses_nothing_acknowledged);
	return test_done();
}
