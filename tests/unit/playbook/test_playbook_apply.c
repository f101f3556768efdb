/* Unit tests: a case follows its playbook (playbook/apply.h) on a real
 * store, SQLite and, when $CANHGAC_TEST_PG names a PostgreSQL server (as
 * in test_store.c), PostgreSQL too. The store has no transaction spanning
 * the tasks and the case record, so the apply must be idempotent: after a
 * crash between its two writes (the tasks written, the record not), the
 * next apply takes the tasks already there as the steps' and adds none. */
#include <libpq-fe.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api/incident.h"
#include "core/timeutil.h"
#include "playbook/apply.h"
#include "store/store.h"
#include "../test.h"

static const cg_scope ALL = {0};
static const cg_actor ACTOR = {"tester"};
static const char *pg_admin;
static char url[512], dir[256], pg_db[64];

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
		snprintf(pg_db, sizeof pg_db, "pbapply_%d", (int)getpid());
		char sql[128];
		snprintf(sql, sizeof sql, "CREATE DATABASE %s TEMPLATE template0 ENCODING 'UTF8'",
		         pg_db);
		if (!pg_exec(pg_admin, sql))
			return NULL;
		const char *slash = strrchr(pg_admin, '/');
		snprintf(url, sizeof url, "%.*s/%s", (int)(slash - pg_admin), pg_admin, pg_db);
	} else {
		snprintf(dir, sizeof dir, "/tmp/canhgac-pbapply.XXXXXX");
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

static int64_t mk_case(cg_store *st, const char *kind)
{
	json_t *ag =
	    json_pack("{s:s,s:s,s:n,s:s,s:[s],s:i}", "name", "Sở A", "kind", "xa", "parent_id",
	              "code", "a", "ip_ranges", "10.0.0.0/8", "declared_endpoints", 3);
	int64_t a = 0, id = 0;
	CHECK(cg_store_inv_create(st, &ALL, &ACTOR, CG_RES_AGENCY, ag, &a) == CG_OK);
	json_decref(ag);
	json_t *rec = json_pack("{s:s,s:s,s:s,s:I,s:[],s:s}", "title", "Cổng bị thay giao diện",
	                        "kind", kind, "severity", "critical", "agency_id", (json_int_t)a,
	                        "system_ids", "state", "new");
	cg_inc_write w = {.year = 2026, .rec = rec, .what = "created"};
	CHECK(cg_store_incident_write(st, &ALL, &ACTOR, &w, cg_time_now_ms(), &id) == CG_OK);
	json_decref(rec);
	return id;
}

static size_t n_tasks(cg_store *st, int64_t id)
{
	json_t *t = NULL;
	CHECK(cg_store_incident_tasks(st, id, &t) == CG_OK);
	size_t n = json_array_size(t);
	json_decref(t);
	return n;
}

/* Every step of the case's playbook names a distinct task of the case. */
static bool steps_map_tasks(cg_store *st, int64_t id, size_t want)
{
	json_t *c = NULL, *t = NULL;
	if (cg_store_incident_get(st, &ALL, id, &c) || cg_store_incident_tasks(st, id, &t))
		return false;
	const json_t *steps = json_object_get(json_object_get(c, "playbook"), "steps");
	bool ok = json_array_size(steps) == want;
	size_t i, k;
	json_t *s, *x;
	json_array_foreach(steps, i, s)
	{
		json_int_t task = json_integer_value(json_object_get(s, "task"));
		size_t hits = 0, same = 0;
		json_array_foreach(t, k, x) hits +=
		    json_integer_value(json_object_get(x, "id")) == task;
		json_array_foreach(steps, k, x) same +=
		    json_integer_value(json_object_get(x, "task")) == task;
		ok = ok && hits == 1 && same == 1;
	}
	json_decref(c);
	json_decref(t);
	return ok;
}

TEST(apply_after_crash_adds_nothing_twice)
{
	cg_playbooks books;
	cg_buf why;
	cg_buf_init(&why, 1024);
	CHECK(cg_playbooks_load_default(cg_inc_kinds, &books, &why) == CG_OK);
	const cg_playbook *pb = cg_playbook_select(&books, "defacement", NULL, 0);
	CHECK(pb && pb->n_step > 1);
	cg_store *st = fresh();
	CHECK(st != NULL);
	if (!st || !pb) {
		cg_playbooks_free(&books);
		cg_buf_free(&why);
		return;
	}
	int64_t now = cg_time_now_ms();

	/* the normal path: one task a step, applying again adds none */
	int64_t c1 = mk_case(st, "defacement");
	const cg_playbook *f = NULL;
	CHECK(cg_playbook_apply(st, &books, &ACTOR, c1, now, &f) == CG_OK && f == pb);
	CHECK(n_tasks(st, c1) == (size_t)pb->n_step && steps_map_tasks(st, c1, pb->n_step));
	CHECK(cg_playbook_apply(st, &books, &ACTOR, c1, now, &f) == CG_OK);
	CHECK(n_tasks(st, c1) == (size_t)pb->n_step);

	/* the crash: the first write (the tasks) done, the record not; a task
	 * the officer added by hand is there too */
	int64_t c2 = 0;
	{
		json_t *c = NULL;
		CHECK(cg_store_incident_get(st, &ALL, c1, &c) == CG_OK);
		json_t *rec = cg_inc_record(c);
		json_object_del(rec, "playbook");
		cg_inc_write w = {.year = 2026, .rec = rec, .what = "created"};
		CHECK(cg_store_incident_write(st, &ALL, &ACTOR, &w, now, &c2) == CG_OK);
		json_decref(rec);
		json_decref(c);
	}
	json_t *own = json_pack("{s:s,s:n,s:n,s:b}", "title", "Gọi nhà cung cấp", "assignee",
	                        "due_at", "done", 0);
	int64_t tid = 0;
	CHECK(cg_store_incident_task_put(st, c2, own, now, &tid) == CG_OK);
	json_decref(own);
	for (int i = 0; i < pb->n_step - 1; i++) { /* stopped before the last step */
		json_t *t = json_pack("{s:s,s:n,s:n,s:b}", "title", pb->step[i].title_vi,
		                      "assignee", "due_at", "done", 0);
		tid = 0;
		CHECK(cg_store_incident_task_put(st, c2, t, now, &tid) == CG_OK);
		json_decref(t);
	}
	CHECK(n_tasks(st, c2) == (size_t)pb->n_step);
	CHECK(cg_playbook_apply(st, &books, &ACTOR, c2, now, &f) == CG_OK && f == pb);
	/* the steps' tasks were recognised, the last one added, the own one kept */
	CHECK(n_tasks(st, c2) == (size_t)pb->n_step + 1);
	CHECK(steps_map_tasks(st, c2, pb->n_step));
	/* the timeline names the tasks the playbook gave the case */
	json_t *c = NULL;
	CHECK(cg_store_incident_get(st, &ALL, c2, &c) == CG_OK);
	size_t i;
	json_t *e;
	bool named = false;
	json_array_foreach(json_object_get(c, "timeline"), i, e)
	{
		const char *what = cg_json_get_str(e, "what");
		if (what && strcmp(what, "playbook") == 0)
			named = json_array_size(json_object_get(json_object_get(e, "detail"),
			                                        "task_ids")) == (size_t)pb->n_step;
	}
	CHECK(named);
	json_decref(c);
	done(st);
	cg_playbooks_free(&books);
	cg_buf_free(&why);
}

int main(void)
{
	const char *pg = getenv("CANHGAC_TEST_PG");
	for (int pass = 0; pass < 2; pass++) {
		if (pass == 1) {
			if (!pg || !*pg)
				break;
			pg_admin = pg;
			printf("# PostgreSQL\n");
		}
		RUN(apply_after_crash_adds_nothing_twice);
	}
	return test_done();
}
