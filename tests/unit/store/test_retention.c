/* Unit tests for event retention and, on PostgreSQL, the monthly
 * partitions of events (cg_store_events_maintain, store.h), on both
 * backends ($CANHGAC_TEST_PG as in test_store.c):
 *  - the retention cutoff is a month start, N whole months kept;
 *  - old events go, recent ones stay; the running totals (event_counts,
 *    event_hosts) equal what the remaining events add up to, checked
 *    against the events themselves in SQL; text search finds only what
 *    remains; an old (producer, id) may come again, a kept one is still a
 *    duplicate;
 *  - PostgreSQL: the old months' partitions are dropped, months ahead are
 *    made, and a database made before partitioning (its events table
 *    built by the migrations before the partitioning one, filled with
 *    rows) is converted at open keeping every row, seq, index and the
 *    per-producer dedup. */
#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/json.h"
#include "core/timeutil.h"
#include "store/backend.h"
#include "store/store.h"
#include "../test.h"

static const cg_scope ALL = {0};
static const cg_actor ACTOR = {"test"};
static const char *pg_admin;
static char url[512], dir[256], pg_db[64];

#define DAY 86400000LL
/* 2026-12-03T10:00:00Z, 2026-06-01, 2026-01-15, 2026-11-20 */
#define NOW   1796292000000LL
#define JUN1  1780272000000LL
#define JAN15 1768435200000LL
#define NOV20 1795132800000LL

static bool pg_exec(const char *conninfo, const char *sql)
{
	PGconn *c = PQconnectdb(conninfo);
	bool ok = PQstatus(c) == CONNECTION_OK;
	if (ok) {
		PGresult *r = PQexec(c, sql);
		ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
		if (!ok)
			printf("# %.80s: %s", sql, PQresultErrorMessage(r));
		PQclear(r);
	} else
		printf("# %s", PQerrorMessage(c));
	PQfinish(c);
	return ok;
}

/* A fresh database (no store opened yet): sets url. */
static bool fresh_db(void)
{
	if (pg_admin) {
		static int n;
		snprintf(pg_db, sizeof pg_db, "ret_%d_%d", (int)getpid(), ++n);
		char sql[128];
		snprintf(sql, sizeof sql, "CREATE DATABASE %s TEMPLATE template0 ENCODING 'UTF8'",
		         pg_db);
		if (!pg_exec(pg_admin, sql))
			return false;
		const char *slash = strrchr(pg_admin, '/');
		snprintf(url, sizeof url, "%.*s/%s", (int)(slash - pg_admin), pg_admin, pg_db);
		return true;
	}
	snprintf(dir, sizeof dir, "/tmp/canhgac-ret.XXXXXX");
	if (!mkdtemp(dir))
		return false;
	snprintf(url, sizeof url, "sqlite:%s/t.db", dir);
	return true;
}

static cg_store *fresh(void)
{
	if (!fresh_db())
		return NULL;
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

/* One integer from SQL on the store's database (either backend). */
static int64_t scalar(const char *sql)
{
	int64_t v = -1;
	if (pg_admin) {
		PGconn *c = PQconnectdb(url);
		PGresult *r = PQexec(c, sql);
		if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
			v = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
		else
			printf("# %s: %s", sql, PQresultErrorMessage(r));
		PQclear(r);
		PQfinish(c);
		return v;
	}
	sqlite3 *db = NULL;
	sqlite3_stmt *s = NULL;
	if (sqlite3_open(url + 7, &db) == SQLITE_OK &&
	    sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	else
		printf("# %s: %s\n", sql, sqlite3_errmsg(db));
	sqlite3_finalize(s);
	sqlite3_close(db);
	return v;
}

/* The running totals differ from what the events add up to (rows that
 * are in one and not in the other, both ways): 0 when consistent. */
static int64_t totals_drift(void)
{
	static const char counts[] =
	    "SELECT agency_id, CASE WHEN time >= 0 THEN time / 86400000 ELSE 0 END, severity,"
	    " count(*) FROM events WHERE agency_id IS NOT NULL GROUP BY 1, 2, 3";
	static const char hosts[] = "SELECT agency_id, host, max(time) FROM events WHERE source ="
	                            " 'agent' AND host IS NOT NULL AND agency_id IS NOT NULL"
	                            " GROUP BY 1, 2";
	char sql[1024];
	int64_t d = 0;
	snprintf(sql, sizeof sql,
	         "SELECT count(*) FROM (SELECT agency_id, day, severity, n FROM event_counts"
	         " EXCEPT %s) x",
	         counts);
	d += scalar(sql);
	snprintf(sql, sizeof sql,
	         "SELECT count(*) FROM (%s EXCEPT SELECT agency_id, day, severity, n FROM"
	         " event_counts) x",
	         counts);
	d += scalar(sql);
	snprintf(sql, sizeof sql,
	         "SELECT count(*) FROM (SELECT agency_id, host, last_seen FROM event_hosts EXCEPT"
	         " %s) x",
	         hosts);
	d += scalar(sql);
	snprintf(sql, sizeof sql,
	         "SELECT count(*) FROM (%s EXCEPT SELECT agency_id, host, last_seen FROM"
	         " event_hosts) x",
	         hosts);
	d += scalar(sql);
	return d;
}

static int64_t mk_agency(cg_store *st, const char *name, const char *code)
{
	json_t *rec = json_pack("{s:s,s:s,s:n,s:s,s:[],s:i}", "name", name, "kind", "xa",
	                        "parent_id", "code", code, "ip_ranges", "declared_endpoints", 3);
	int64_t id = 0;
	CHECK(cg_store_inv_create(st, &ALL, &ACTOR, CG_RES_AGENCY, rec, &id) == CG_OK);
	json_decref(rec);
	return id;
}

static void mk_event(cg_event *ev, const char *id, int64_t time_ms, int sev, const char *source,
                     const char *host, const char *summary)
{
	cg_event_init(ev);
	snprintf(ev->id, sizeof ev->id, "%s", id);
	ev->time_ms = time_ms;
	ev->severity = (cg_severity)sev;
	cg_event_set(ev, CG_EV_SOURCE, cg_slice_cstr(source));
	cg_event_set(ev, CG_EV_KIND, CG_SLICE("k"));
	cg_event_set(ev, CG_EV_SUMMARY, cg_slice_cstr(summary));
	if (host)
		cg_event_set(ev, CG_EV_HOST, cg_slice_cstr(host));
}

/* n events received at received_ms, ids PREFIX-i, by producer token:1;
 * host h1 on every agent event, h2 too on the old ones */
static size_t ingest(cg_store *st, int64_t agency, const char *prefix, int n, int64_t time_ms,
                     int64_t received_ms, const char *words)
{
	cg_event ev[40];
	cg_event_in in[40];
	char id[40];
	for (int i = 0; i < n && i < 40; i++) {
		snprintf(id, sizeof id, "%s-%d", prefix, i);
		const char *host = i % 2 ? NULL : (i % 4 && received_ms < JUN1 ? "h2" : "h1");
		mk_event(&ev[i], id, time_ms + i * DAY / 3, 1 + i % 4, i % 2 ? "web" : "agent",
		         host, words);
		in[i] = (cg_event_in){
		    .ev = &ev[i], .agency_id = i % 5 ? agency : 0, .producer = "token:1"};
	}
	size_t acc = 0, dup = 0;
	CHECK(cg_store_events_insert(st, in, (size_t)n, received_ms, &acc, &dup) == CG_OK);
	for (int i = 0; i < n && i < 40; i++)
		cg_event_clear(&ev[i]);
	return acc;
}

static int64_t search(cg_store *st, const char *q)
{
	cg_event_query eq = {.q = q, .limit = 100};
	json_t *items = NULL;
	int64_t next = 0;
	if (cg_store_events_query(st, &ALL, &eq, &items, &next) != CG_OK)
		return -1;
	int64_t n = (int64_t)json_array_size(items);
	json_decref(items);
	return n;
}

TEST(retention_cutoff)
{
	/* 2026-12-03: 12 months -> 2025-12-01, 6 -> 2026-06-01, 0 -> 2026-12-01 */
	CHECK(cg_store_retention_cutoff(NOW, 12) == 1764547200000LL);
	CHECK(cg_store_retention_cutoff(NOW, 6) == JUN1);
	CHECK(cg_store_retention_cutoff(NOW, 0) == 1796083200000LL);
	/* the next month start (partitions ahead) */
	CHECK(cg_store_retention_cutoff(NOW, -1) == 1798761600000LL);
	/* 2024-03-01T00:00:00Z, 1 month -> 2024-02-01; leap February kept */
	CHECK(cg_store_retention_cutoff(1709251200000LL, 1) == 1706745600000LL);
	CHECK(cg_store_retention_cutoff(1709251200000LL - 1, 0) == 1706745600000LL);
	/* 1970-01-01 */
	CHECK(cg_store_retention_cutoff(0, 0) == 0);
}

TEST(retention_keeps_totals)
{
	cg_store *st = fresh();
	CHECK(st != NULL);
	if (!st)
		return;
	int64_t a = mk_agency(st, "A", "a");
	CHECK(ingest(st, a, "old", 30, JAN15, JAN15, "nha cai cu") == 30);
	CHECK(ingest(st, a, "new", 20, NOV20, NOV20, "nha cai moi") == 20);
	/* the new batch repeats ten old ids: duplicates still (by producer) */
	CHECK(ingest(st, a, "old", 10, NOV20, NOV20, "lap lai") == 0);
	CHECK(totals_drift() == 0);
	CHECK(search(st, "nha cai") == 50);
	int64_t removed = -1;
	int64_t cut = cg_store_retention_cutoff(NOW, 6);
	CHECK(cg_store_events_maintain(st, NOW + 60 * DAY, cut, &removed) == CG_OK);
	CHECK(removed == 30);
	int64_t n = -1;
	CHECK(cg_store_events_count(st, &n) == CG_OK && n == 20);
	CHECK(totals_drift() == 0);
	CHECK(scalar("SELECT count(*) FROM event_hosts WHERE host = 'h2'") == 0);
	CHECK(scalar("SELECT count(*) FROM event_hosts WHERE host = 'h1'") == 1);
	CHECK(scalar("SELECT count(*) FROM event_counts") > 0);
	CHECK(search(st, "nha cai") == 20);
	CHECK(search(st, "nha cai cu") == 0);
	/* an old id may be stored again; a kept one is still a duplicate */
	CHECK(ingest(st, a, "old", 5, NOW, NOW, "tro lai") == 5);
	CHECK(ingest(st, a, "new", 5, NOW, NOW, "lap lai") == 0);
	CHECK(totals_drift() == 0);
	/* once more: nothing left to remove */
	CHECK(cg_store_events_maintain(st, NOW + 60 * DAY, cut, &removed) == CG_OK && removed == 0);
	CHECK(cg_store_events_count(st, &n) == CG_OK && n == 25);
	if (pg_admin) {
		CHECK(
		    scalar("SELECT count(*) FROM event_partitions WHERE name = 'events_2026_01'") ==
		    0);
		CHECK(scalar("SELECT count(*) FROM pg_class WHERE relname = 'events_2026_01'") ==
		      0);
		CHECK(scalar("SELECT count(*) FROM pg_class WHERE relname = 'events_2026_11'") ==
		      1);
		/* the months ahead exist (the job's ahead_ms) */
		CHECK(scalar("SELECT count(*) FROM pg_class WHERE relname = 'events_2027_01'") ==
		      1);
		CHECK(scalar("SELECT count(*) FROM event_keys") == 25);
	}
	/* without a retention only partitions are made */
	CHECK(cg_store_events_maintain(st, NOW + 120 * DAY, 0, &removed) == CG_OK && removed == 0);
	CHECK(cg_store_events_count(st, &n) == CG_OK && n == 25);
	done(st);
}

/* PostgreSQL: a store made before events were partitioned is converted
 * at open. The database is first brought to the schema just before the
 * partitioning migration (found by its content, not its number) and
 * filled as that schema was filled; then the store opens it. */
TEST(partition_conversion)
{
	if (!fresh_db())
		return;
	int upto = -1;
	for (int i = 0; cg_store_pg_migration(i); i++)
		if (strstr(cg_store_pg_migration(i), "PARTITION BY RANGE (received_at)"))
			upto = i;
	CHECK(upto > 0);
	bool ok = pg_exec(url, "CREATE TABLE schema_version (version int NOT NULL)");
	for (int i = 0; ok && i < upto; i++)
		ok = pg_exec(url, cg_store_pg_migration(i));
	char sql[512];
	snprintf(sql, sizeof sql, "INSERT INTO schema_version VALUES (%d)", upto);
	ok = ok && pg_exec(url, sql);
	/* 3 months of rows as the old schema stored them */
	ok = ok && pg_exec(url, "INSERT INTO agencies(name, kind, code, created_at, updated_at)"
	                        " VALUES ('A', 'xa', 'a', 0, 0)");
	snprintf(sql, sizeof sql,
	         "INSERT INTO events(producer, id, time, received_at, agency_id, source, kind,"
	         " severity, summary, evidence, search) SELECT 'token:1', 'e-' || g, %lld,"
	         " %lld + (g %% 3) * 31 * 86400000::bigint, (SELECT id FROM agencies), 'web', 'k',"
	         " 2, 'nha cai ' || g, '{}', to_tsvector('simple', 'nha cai')"
	         " FROM generate_series(1, 300) g",
	         JAN15, JAN15);
	ok = ok && pg_exec(url, sql);
	CHECK(ok);
	int64_t maxseq = scalar("SELECT max(seq) FROM events");
	cg_store *st = NULL;
	cg_buf why;
	cg_buf_init(&why, 1024);
	CHECK(cg_store_open(url, &st, &why) == CG_OK);
	if (!st)
		printf("# open: %s\n", cg_buf_cstr(&why));
	cg_buf_free(&why);
	if (!st)
		return;
	int64_t n = -1;
	CHECK(cg_store_events_count(st, &n) == CG_OK && n == 300);
	CHECK(scalar("SELECT max(seq) FROM events") == maxseq);
	CHECK(scalar("SELECT (relkind = 'p')::int FROM pg_class WHERE relname = 'events'") == 1);
	CHECK(scalar("SELECT count(*) FROM pg_class WHERE relname IN ('events_2026_01',"
	             " 'events_2026_02', 'events_2026_03', 'events_2026_04')") == 4);
	/* every index of the old table, on the new one */
	CHECK(scalar("SELECT count(*) FROM pg_indexes WHERE tablename = 'events' AND indexname IN"
	             " ('events_pkey', 'events_search', 'events_agency', 'events_system',"
	             " 'events_source', 'events_kind', 'events_severity', 'events_time')") == 8);
	CHECK(scalar("SELECT count(*) FROM pg_class WHERE relname = 'events_unpartitioned'") == 0);
	/* dedup across the conversion and across months; seq goes on */
	int64_t a = scalar("SELECT id FROM agencies");
	CHECK(ingest(st, a, "e", 10, NOW, NOW, "lap lai") == 1); /* only e-0 is new */
	CHECK(scalar("SELECT min(seq) FROM events WHERE received_at = "
	             "1796292000000") > maxseq);
	CHECK(search(st, "nha cai") == 100); /* a page of the 300 */
	cg_store_close(st);
	/* opened again: nothing to convert, nothing lost */
	st = NULL;
	CHECK(cg_store_open(url, &st, NULL) == CG_OK);
	CHECK(st && cg_store_events_count(st, &n) == CG_OK && n == 301);
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
	RUN_ON(retention_cutoff);
	const char *pg = getenv("CANHGAC_TEST_PG");
	for (int pass = 0; pass < 2; pass++) {
		if (pass == 1) {
			if (!pg || !*pg)
				break;
			pg_admin = pg;
		}
		RUN_ON(retention_keeps_totals);
		if (pg_admin)
			RUN_ON(partition_conversion);
	}
	return test_done();
}
