/* Unit tests: pages of events newest first are exact on both backends
 * ($CANHGAC_TEST_PG as in test_store.c) whatever plan answers them.
 *
 * PostgreSQL reads text search and range filters (severity, time) in
 * windows of seq, walking the newest few thousand then using the indexes
 * on growing windows (postgres_search.c). 12,000 events arrive in three
 * months (three partitions on PostgreSQL); the filters match every event,
 * one in a hundred, a few in the oldest months, a few spread across the
 * windows, every event below a long stretch of none, or none; every
 * query is paged to its end through the cursor with small pages and must
 * give exactly the events the test computes itself, in order, each once,
 * the last page with no cursor. */
#include <libpq-fe.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/json.h"
#include "store/store.h"
#include "../test.h"

static const cg_scope ALL = {0};
static const char *pg_admin;
static char url[512], dir[256], pg_db[64];

#define N_EVENTS 12000
#define MINUTE   60000LL
/* arrival: 2026-06-10, 2026-09-10, 2026-11-20 (a third of the events each) */
static const int64_t ARRIVAL[3] = {1781049600000LL, 1788998400000LL, 1795132800000LL};
#define T0 1780000000000LL

/* the rare word's events: spread over the windows, two old */
static const int RARE[] = {3, 2500, 2910, 7001, 11990};
#define N_RARE ((int)(sizeof RARE / sizeof RARE[0]))

static bool pg_exec(const char *conninfo, const char *sql)
{
	PGconn *c = PQconnectdb(conninfo);
	bool ok = PQstatus(c) == CONNECTION_OK;
	if (ok) {
		PGresult *r = PQexec(c, sql);
		ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
		PQclear(r);
	}
	PQfinish(c);
	return ok;
}

static cg_store *fresh(void)
{
	if (pg_admin) {
		snprintf(pg_db, sizeof pg_db, "pages_%d", (int)getpid());
		char sql[128];
		snprintf(sql, sizeof sql, "CREATE DATABASE %s TEMPLATE template0 ENCODING 'UTF8'",
		         pg_db);
		if (!pg_exec(pg_admin, sql))
			return NULL;
		const char *slash = strrchr(pg_admin, '/');
		snprintf(url, sizeof url, "%.*s/%s", (int)(slash - pg_admin), pg_admin, pg_db);
	} else {
		snprintf(dir, sizeof dir, "/tmp/canhgac-pages.XXXXXX");
		if (!mkdtemp(dir))
			return NULL;
		snprintf(url, sizeof url, "sqlite:%s/t.db", dir);
	}
	cg_store *st = NULL;
	cg_buf why;
	cg_buf_init(&why, 1024);
	if (cg_store_open(url, &st, &why))
		printf("# open: %s\n", cg_buf_cstr(&why));
	cg_buf_free(&why);
	return st;
}

static void done(cg_store *st)
{
	cg_store_close(st);
	char cmd[300];
	if (pg_admin) {
		snprintf(cmd, sizeof cmd, "DROP DATABASE %s", pg_db);
		pg_exec(pg_admin, cmd);
		return;
	}
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		printf("# cleanup failed\n");
}

static bool is_rare(int i)
{
	for (int k = 0; k < N_RARE; k++)
		if (RARE[k] == i)
			return true;
	return false;
}

static int sev_of(int i)
{
	return i % 97 == 0 ? CG_SEV_CRITICAL : CG_SEV_LOW;
}

/* Event i: id e-i, time T0 + i minutes, summary "nha cai i" (+ "hiem"). */
static bool load(cg_store *st)
{
	enum { BATCH = 500 };
	static cg_event ev[BATCH];
	static cg_event_in in[BATCH];
	for (int b = 0; b < N_EVENTS; b += BATCH) {
		for (int k = 0; k < BATCH; k++) {
			int i = b + k;
			char txt[64];
			cg_event_init(&ev[k]);
			snprintf(ev[k].id, sizeof ev[k].id, "e-%d", i);
			ev[k].time_ms = T0 + i * MINUTE;
			ev[k].severity = (cg_severity)sev_of(i);
			snprintf(txt, sizeof txt, "Nhà cái %d%s", i, is_rare(i) ? " hiếm" : "");
			cg_event_set(&ev[k], CG_EV_SOURCE, CG_SLICE("web"));
			cg_event_set(&ev[k], CG_EV_KIND, CG_SLICE("gambling_spam"));
			cg_event_set(&ev[k], CG_EV_SUMMARY, cg_slice_cstr(txt));
			in[k] = (cg_event_in){.ev = &ev[k], .producer = "token:1"};
		}
		size_t acc = 0, dup = 0;
		cg_err err =
		    cg_store_events_insert(st, in, BATCH, ARRIVAL[b * 3 / N_EVENTS], &acc, &dup);
		for (int k = 0; k < BATCH; k++)
			cg_event_clear(&ev[k]);
		if (err || acc != BATCH)
			return false;
	}
	return true;
}

typedef bool (*want_fn)(int i);

/* Pages q to its end (page size limit) and compares with the events that
 * want() selects, newest first. */
static bool pages_match(cg_store *st, cg_event_query q, want_fn want, const char *what)
{
	int expect = N_EVENTS - 1, pages = 0;
	for (;;) {
		json_t *items = NULL;
		int64_t next = 0;
		if (cg_store_events_query(st, &ALL, &q, &items, &next) != CG_OK) {
			printf("# %s: query failed\n", what);
			return false;
		}
		size_t k;
		json_t *e;
		json_array_foreach(items, k, e)
		{
			while (expect >= 0 && !want(expect))
				expect--;
			char id[32];
			snprintf(id, sizeof id, "e-%d", expect);
			const char *got = json_string_value(json_object_get(e, "id"));
			if (expect < 0 || !got || strcmp(got, id) != 0) {
				printf("# %s: page %d item %zu is %s, expected %s\n", what, pages,
				       k, got ? got : "?", expect < 0 ? "nothing" : id);
				json_decref(items);
				return false;
			}
			expect--;
		}
		bool full = (int64_t)json_array_size(items) == q.limit;
		json_decref(items);
		pages++;
		if (!next) {
			while (expect >= 0 && !want(expect))
				expect--;
			if (expect >= 0)
				printf("# %s: no cursor after page %d, e-%d missing\n", what, pages,
				       expect);
			return expect < 0;
		}
		if (!full) {
			printf("# %s: a short page %d with a cursor\n", what, pages);
			return false;
		}
		q.before_seq = next;
	}
}

static bool w_all(int i)
{
	(void)i;
	return true;
}
static bool w_rare(int i)
{
	return is_rare(i);
}
static bool w_rare_crit(int i)
{
	return is_rare(i) && sev_of(i) == CG_SEV_CRITICAL;
}
static bool w_crit(int i)
{
	return sev_of(i) == CG_SEV_CRITICAL;
}
static bool w_none(int i)
{
	(void)i;
	return false;
}
/* "nha cai 11": the number is a prefix (11, 110-119, 1100-1199, 11000-) */
static bool w_11(int i)
{
	char s[16];
	snprintf(s, sizeof s, "%d", i);
	return strncmp(s, "11", 2) == 0;
}
static bool w_old_range(int i)
{
	return i >= 100 && i < 160;
}
static bool w_recent(int i)
{
	return i >= N_EVENTS - 300;
}
static bool w_before_5000(int i)
{
	return i < 5000;
}
static bool w_before_600(int i)
{
	return i < 600;
}
static bool w_old_crit(int i)
{
	return i < 4000 && sev_of(i) == CG_SEV_CRITICAL;
}

TEST(pages_exact_whatever_the_plan)
{
	cg_store *st = fresh();
	CHECK(st != NULL);
	if (!st)
		return;
	CHECK(load(st));
	CHECK(pages_match(st, (cg_event_query){.q = "nhà cái", .limit = 50}, w_all, "common"));
	CHECK(pages_match(st, (cg_event_query){.q = "HIEM", .limit = 2}, w_rare, "rare"));
	CHECK(pages_match(
	    st, (cg_event_query){.q = "hiếm", .severity_min = CG_SEV_CRITICAL, .limit = 1},
	    w_rare_crit, "rare and critical"));
	CHECK(pages_match(st, (cg_event_query){.q = "nha cai 11", .limit = 100}, w_11,
	                  "a prefix in one event in eleven"));
	CHECK(pages_match(st, (cg_event_query){.q = "khong co", .limit = 10}, w_none, "absent"));
	CHECK(pages_match(st, (cg_event_query){.severity_min = CG_SEV_CRITICAL, .limit = 20},
	                  w_crit, "one in 97 critical"));
	CHECK(pages_match(st,
	                  (cg_event_query){.since_ms = T0 + 100 * MINUTE,
	                                   .until_ms = T0 + 160 * MINUTE,
	                                   .limit = 7},
	                  w_old_range, "an old time range"));
	CHECK(pages_match(st,
	                  (cg_event_query){.since_ms = T0 + (N_EVENTS - 300) * MINUTE, .limit = 40},
	                  w_recent, "since a recent time"));
	CHECK(pages_match(st,
	                  (cg_event_query){.until_ms = T0 + 4000 * MINUTE,
	                                   .severity_min = CG_SEV_CRITICAL,
	                                   .limit = 9},
	                  w_old_crit, "old and critical"));
	/* every event below a long stretch of none (`until` weeks back): the
	 * window that reaches the matches holds thousands; it is counted in
	 * parts and split, and the pages stay exact */
	CHECK(pages_match(st, (cg_event_query){.until_ms = T0 + 5000 * MINUTE, .limit = 30},
	                  w_before_5000, "until: all below none"));
	CHECK(pages_match(st, (cg_event_query){.until_ms = T0 + 600 * MINUTE, .limit = 3},
	                  w_before_600, "until: small pages from the oldest month"));
	/* pages longer than the first window: the next windows continue it */
	CHECK(pages_match(st, (cg_event_query){.q = "nha", .limit = 5000}, w_all, "long pages"));
	CHECK(pages_match(st, (cg_event_query){.since_ms = T0, .limit = 4999}, w_all,
	                  "long pages since"));
	/* a page of 0: no rows, and a cursor when something matches */
	json_t *items = NULL;
	int64_t next = 0;
	cg_event_query z = {.q = "hiem", .limit = 0};
	CHECK(cg_store_events_query(st, &ALL, &z, &items, &next) == CG_OK &&
	      json_array_size(items) == 0);
	json_decref(items);
	done(st);
}

#define RUN_ON(name)                                                                               \
	do {                                                                                       \
		test_cur_failed = 0;                                                               \
		name();                                                                            \
		test_count++;                                                                      \
		test_failed_count += test_cur_failed;                                              \
		printf("%sok %d - %s%s\n", test_cur_failed ? "not " : "", test_count, #name,       \
		       pg_admin ? "@pg" : "");                                                     \
		fflush(stdout);                                                                    \
	} while (0)

int main(void)
{
	RUN_ON(pages_exact_whatever_the_plan);
	const char *pg = getenv("CANHGAC_TEST_PG");
	if (pg && *pg) {
		pg_admin = pg;
		RUN_ON(pages_exact_whatever_the_plan);
	}
	return test_done();
}
