/* Unit test: `store copy` (store/copy.c) decides about every table.
 *
 * The schema of each backend is made by its migrations (cg_store_open on
 * a fresh SQLite file, and on a fresh PostgreSQL database when
 * $CANHGAC_TEST_PG is set, as in test_store.c), then listed from the
 * database's own catalogue. Every table found must be one the copy copies
 * or one it lists as deliberately skipped; a table added by a later
 * migration fails here until copy.c says which. Every copied table must
 * exist in both schemas (the copy reads one and writes the other), and
 * monthly partitions of events (PostgreSQL) are the events table, not
 * tables of their own. */
#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/copy.h"
#include "store/store.h"
#include "../test.h"

#define MAX_TABLES 128

typedef struct names {
	int n;
	char v[MAX_TABLES][64];
} names;

static bool has(const names *n, const char *name)
{
	for (int i = 0; i < n->n; i++)
		if (strcmp(n->v[i], name) == 0)
			return true;
	return false;
}

static void add(names *n, const char *name)
{
	if (n->n < MAX_TABLES)
		snprintf(n->v[n->n++], sizeof n->v[0], "%s", name);
}

static bool open_store(const char *url)
{
	cg_store *st = NULL;
	cg_buf why;
	cg_buf_init(&why, 1024);
	cg_err err = cg_store_open(url, &st, &why);
	if (err)
		printf("# open %s: %s\n", url, cg_buf_cstr(&why));
	cg_buf_free(&why);
	cg_store_close(st);
	return err == CG_OK;
}

static names sqlite_tables;
static names pg_tables;
static bool have_pg;

/* Each table of a schema is copied or deliberately skipped. */
static void check_all_decided(const names *n, const char *backend)
{
	CHECK(n->n > 10);
	for (int i = 0; i < n->n; i++)
		if (cg_store_copy_treats(n->v[i]) == CG_COPY_UNKNOWN) {
			printf("# %s table %s: neither copied nor listed as skipped in "
			       "src/lib/store/copy.c\n",
			       backend, n->v[i]);
			test_cur_failed = 1;
		}
}

TEST(sqlite_schema_every_table_decided)
{
	char dir[] = "/tmp/canhgac-copytab.XXXXXX";
	if (!mkdtemp(dir)) {
		CHECK(!"mkdtemp");
		return;
	}
	char path[128], url[160];
	snprintf(path, sizeof path, "%s/t.db", dir);
	snprintf(url, sizeof url, "sqlite:%s", path);
	CHECK(open_store(url));
	sqlite3 *db = NULL;
	sqlite3_stmt *s = NULL;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
	    sqlite3_prepare_v2(db, "SELECT name FROM sqlite_master WHERE type='table'", -1, &s,
	                       NULL) == SQLITE_OK)
		while (sqlite3_step(s) == SQLITE_ROW)
			add(&sqlite_tables, (const char *)sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	sqlite3_close(db);
	check_all_decided(&sqlite_tables, "SQLite");
	char cmd[200];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	CHECK(system(cmd) == 0);
}

TEST(postgres_schema_every_table_decided)
{
	const char *admin = getenv("CANHGAC_TEST_PG");
	char db[64], sql[160], url[512];
	snprintf(db, sizeof db, "copytab_%d", (int)getpid());
	PGconn *a = PQconnectdb(admin);
	snprintf(sql, sizeof sql, "CREATE DATABASE %s TEMPLATE template0 ENCODING 'UTF8'", db);
	PGresult *r = PQexec(a, sql);
	CHECK(PQresultStatus(r) == PGRES_COMMAND_OK);
	PQclear(r);
	const char *slash = strrchr(admin, '/');
	snprintf(url, sizeof url, "%.*s/%s", (int)(slash - admin), admin, db);
	CHECK(open_store(url));
	PGconn *c = PQconnectdb(url);
	/* ordinary and partitioned tables of the store's schema, not the
	 * partitions (they belong to their parent) */
	r = PQexec(c,
	           "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
	           " WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')"
	           " AND NOT c.relispartition");
	CHECK(PQresultStatus(r) == PGRES_TUPLES_OK);
	for (int i = 0; i < PQntuples(r); i++)
		add(&pg_tables, PQgetvalue(r, i, 0));
	PQclear(r);
	PQfinish(c);
	have_pg = pg_tables.n > 0;
	check_all_decided(&pg_tables, "PostgreSQL");
	snprintf(sql, sizeof sql, "DROP DATABASE %s", db);
	PQclear(PQexec(a, sql));
	PQfinish(a);
}

/* What the copy reads from SQLite it writes to PostgreSQL. */
TEST(copied_tables_exist_on_both_sides)
{
	CHECK(cg_store_copy_ntables() > 0);
	for (size_t i = 0; i < cg_store_copy_ntables(); i++) {
		const char *t = cg_store_copy_table_name(i);
		if (!has(&sqlite_tables, t) || (have_pg && !has(&pg_tables, t))) {
			printf("# copied table %s is missing from a schema\n", t);
			test_cur_failed = 1;
		}
	}
	CHECK(cg_store_copy_table_name(cg_store_copy_ntables()) == NULL);
}

/* The check itself: an unknown name is reported as such. */
TEST(unknown_table_is_unknown)
{
	CHECK(cg_store_copy_treats("incidents") == CG_COPY_COPIED);
	CHECK(cg_store_copy_treats("jobs") == CG_COPY_SKIPPED);
	CHECK(cg_store_copy_treats("incident_tasks_not_yet_made") == CG_COPY_UNKNOWN);
	CHECK(cg_store_copy_treats("") == CG_COPY_UNKNOWN);
}

int main(void)
{
	RUN(sqlite_schema_every_table_decided);
	const char *pg = getenv("CANHGAC_TEST_PG");
	if (pg && *pg)
		RUN(postgres_schema_every_table_decided);
	else
		printf("# PostgreSQL schema not checked: $CANHGAC_TEST_PG is not set\n");
	RUN(copied_tables_exist_on_both_sides);
	RUN(unknown_table_is_unknown);
	return test_done();
}
