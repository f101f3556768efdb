/* Unit tests for the store interface: migrations, inventory CRUD with
 * scope, audit in the same transaction, users/sessions/tokens, event
 * insert with dedup, queries and the cursor. Every test runs against the
 * SQLite backend (a fresh database in a temporary directory) and, when
 * $CANHGAC_TEST_PG names a PostgreSQL server (tests/run.sh starts one with
 * scripts/pg-test-cluster.sh), again against PostgreSQL, each test in a
 * database of its own made by CREATE DATABASE; those cases are named
 * "NAME@pg". The tests use only store.h, so both backends pass the same
 * cases. */
#include <libpq-fe.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/json.h"
#include "core/limits.h"
#include "core/timeutil.h"
#include "api/throttle.h"
#include "api/triage.h"
#include "api/incident.h"
#include "playbook/apply.h"
#include "store/figures.h"
#include "store/store.h"
#include "store/store_natreport.h"
#include "syslog/syslog.h"
#include "drill/drill.h"
#include "../test.h"

static char dir[256];
static const cg_scope ALL = {0};
static const cg_actor ACTOR = {"test"};

/* The backend under test: NULL = SQLite, else the PostgreSQL admin URL
 * (".../postgres"); url = the current test's store URL. */
static const char *pg_admin;
static char url[512];
static char pg_db[64];

/* Runs one statement on the admin database. */
static bool pg_admin_exec(const char *sql)
{
	PGconn *c = PQconnectdb(pg_admin);
	bool ok = PQstatus(c) == CONNECTION_OK;
	if (ok) {
		PGresult *r = PQexec(c, sql);
		ok = PQresultStatus(r) == PGRES_COMMAND_OK;
		if (!ok)
			printf("# %s: %s", sql, PQresultErrorMessage(r));
		PQclear(r);
	} else
		printf("# %s", PQerrorMessage(c));
	PQfinish(c);
	return ok;
}

static cg_store *fresh(void)
{
	if (pg_admin) {
		static int n;
		snprintf(pg_db, sizeof pg_db, "unit_%d_%d", (int)getpid(), ++n);
		char sql[128];
		snprintf(sql, sizeof sql, "CREATE DATABASE %s TEMPLATE template0 ENCODING 'UTF8'",
		         pg_db);
		if (!pg_admin_exec(sql))
			return NULL;
		/* the admin URL ends in "/postgres": swap the database name */
		const char *slash = strrchr(pg_admin, '/');
		snprintf(url, sizeof url, "%.*s/%s", (int)(slash - pg_admin), pg_admin, pg_db);
	} else {
		snprintf(dir, sizeof dir, "/tmp/canhgac-store.XXXXXX");
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
	if (st)
		CHECK_STR(cg_store_backend(st), pg_admin ? "postgresql" : "sqlite");
	return st;
}

static void done(cg_store *st)
{
	cg_store_close(st);
	if (pg_admin) {
		char sql[128];
		snprintf(sql, sizeof sql, "DROP DATABASE %s", pg_db);
		if (!pg_admin_exec(sql))
			printf("# cleanup failed\n");
		return;
	}
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		printf("# cleanup failed\n");
}

static int64_t mk_agency(cg_store *st, const char *name, const char *code)
{
	json_t *rec =
	    json_pack("{s:s,s:s,s:n,s:s,s:[s],s:i}", "name", name, "kind", "xa", "parent_id",
	              "code", code, "ip_ranges", "10.0.0.0/8", "declared_endpoints", 3);
	int64_t id = 0;
	CHECK(cg_store_inv_create(st, &ALL, &ACTOR, CG_RES_AGENCY, rec, &id) == CG_OK);
	json_decref(rec);
	return id;
}

static json_t *system_rec(int64_t agency, const char *name)
{
	return json_pack("{s:I,s:s,s:s,s:[],s:[],s:[],s:i,s:s,s:{},s:i}", "agency_id",
	                 (json_int_t)agency, "name", name, "kind", "portal", "urls", "domains",
	                 "ips", "level", 2, "dossier_status", "none", "dossier_dates",
	                 "monitor_interval_s", 300);
}

TEST(migrations_and_reopen)
{
	cg_store *st = fresh();
	CHECK(st != NULL);
	if (!st)
		return;
	CHECK(cg_store_schema_version(st) >= 1);
	int v = cg_store_schema_version(st);
	mk_agency(st, "A", "a");
	cg_store_close(st);
	st = NULL;
	CHECK(cg_store_open(url, &st, NULL) == CG_OK);
	CHECK(cg_store_schema_version(st) == v);
	json_t *items;
	int64_t total;
	CHECK(cg_store_inv_list(st, &ALL, CG_RES_AGENCY, NULL, 10, 0, &items, &total) == CG_OK);
	CHECK(total == 1);
	json_decref(items);
	done(st);
}

TEST(inventory_scope)
{
	cg_store *st = fresh();
	int64_t a = mk_agency(st, "A", "a"), b = mk_agency(st, "B", "b");
	json_t *ra = system_rec(a, "sys-a"), *rb = system_rec(b, "sys-b");
	int64_t sa, sb;
	CHECK(cg_store_inv_create(st, &ALL, &ACTOR, CG_RES_SYSTEM, ra, &sa) == CG_OK);
	CHECK(cg_store_inv_create(st, &ALL, &ACTOR, CG_RES_SYSTEM, rb, &sb) == CG_OK);
	cg_scope only_a = {a};
	json_t *out = NULL;
	CHECK(cg_store_inv_get(st, &only_a, CG_RES_SYSTEM, sa, &out) == CG_OK);
	json_decref(out);
	CHECK(cg_store_inv_get(st, &only_a, CG_RES_SYSTEM, sb, &out) == CG_ENOTFOUND);
	CHECK(cg_store_inv_get(st, &only_a, CG_RES_AGENCY, b, &out) == CG_ENOTFOUND);
	json_t *items;
	int64_t total;
	CHECK(cg_store_inv_list(st, &only_a, CG_RES_SYSTEM, NULL, 50, 0, &items, &total) == CG_OK);
	CHECK(total == 1 && json_array_size(items) == 1);
	json_decref(items);
	/* a scope naming no agency sees nothing */
	cg_scope none = {-1};
	CHECK(cg_store_inv_list(st, &none, CG_RES_SYSTEM, NULL, 50, 0, &items, &total) == CG_OK);
	CHECK(total == 0 && json_array_size(items) == 0);
	json_decref(items);
	CHECK(cg_store_inv_list(st, &none, CG_RES_AGENCY, NULL, 50, 0, &items, &total) == CG_OK);
	CHECK(total == 0);
	json_decref(items);
	CHECK(cg_store_inv_get(st, &none, CG_RES_AGENCY, a, &out) == CG_ENOTFOUND);
	/* writes outside the scope */
	int64_t id;
	CHECK(cg_store_inv_create(st, &only_a, &ACTOR, CG_RES_SYSTEM, rb, &id) == CG_EPERM);
	CHECK(cg_store_inv_update(st, &only_a, &ACTOR, CG_RES_SYSTEM, sb, ra) == CG_ENOTFOUND);
	CHECK(cg_store_inv_update(st, &only_a, &ACTOR, CG_RES_SYSTEM, sa, rb) == CG_EPERM);
	CHECK(cg_store_inv_delete(st, &only_a, &ACTOR, CG_RES_SYSTEM, sb) == CG_ENOTFOUND);
	CHECK(cg_store_inv_delete(st, &only_a, &ACTOR, CG_RES_AGENCY, a) == CG_EPERM);
	CHECK(cg_store_inv_get(st, &ALL, CG_RES_SYSTEM, sb, &out) == CG_OK);
	CHECK_STR(cg_json_get_str(out, "name"), "sys-b");
	json_decref(out);
	/* references */
	/* ... reported as data: the kind and the API field */
	const char *field = NULL;
	CHECK(cg_store_inv_delete(st, &ALL, &ACTOR, CG_RES_AGENCY, b) == CG_ECONFLICT);
	CHECK(cg_store_last_violation(&field) == CG_VIOL_IN_USE);
	json_t *bad = system_rec(9999, "orphan");
	CHECK(cg_store_inv_create(st, &ALL, &ACTOR, CG_RES_SYSTEM, bad, &id) == CG_EINVAL);
	CHECK(cg_store_last_violation(&field) == CG_VIOL_UNKNOWN);
	CHECK_STR(field, "agency_id");
	json_decref(bad);
	json_t *dup =
	    json_pack("{s:s,s:s,s:s,s:[]}", "name", "C", "kind", "xa", "code", "a", "ip_ranges");
	CHECK(cg_store_inv_create(st, &ALL, &ACTOR, CG_RES_AGENCY, dup, &id) == CG_ECONFLICT);
	CHECK(cg_store_last_violation(&field) == CG_VIOL_DUPLICATE);
	CHECK_STR(field, "code");
	json_object_set_new(dup, "code", json_string("c"));
	json_object_set_new(dup, "parent_id", json_integer(424242));
	CHECK(cg_store_inv_create(st, &ALL, &ACTOR, CG_RES_AGENCY, dup, &id) == CG_EINVAL);
	CHECK(cg_store_last_violation(&field) == CG_VIOL_UNKNOWN);
	CHECK_STR(field, "parent_id");
	/* a successful write clears it */
	json_object_set_new(dup, "parent_id", json_null());
	CHECK(cg_store_inv_create(st, &ALL, &ACTOR, CG_RES_AGENCY, dup, &id) == CG_OK);
	CHECK(cg_store_last_violation(&field) == CG_VIOL_NONE);
	json_decref(dup);
	/* filters */
	json_t *f = json_pack("{s:s}", "q", "sys-%");
	CHECK(cg_store_inv_list(st, &ALL, CG_RES_SYSTEM, f, 50, 0, &items, &total) == CG_OK);
	CHECK(total == 0); /* % is literal */
	json_decref(items);
	json_decref(f);
	f = json_pack("{s:s}", "agency_id", "x");
	CHECK(cg_store_inv_list(st, &ALL, CG_RES_SYSTEM, f, 50, 0, &items, &total) == CG_EINVAL);
	json_decref(f);
	json_decref(ra);
	json_decref(rb);
	done(st);
}

TEST(audit_with_changes)
{
	cg_store *st = fresh();
	int64_t last = -1;
	CHECK(cg_store_audit_last(st, &last) == CG_OK && last == 0); /* an empty log */
	int64_t a = mk_agency(st, "A", "a");
	json_t *rec = json_pack("{s:s,s:s,s:n,s:n,s:[],s:i}", "name", "A2", "kind", "huyen",
	                        "parent_id", "code", "ip_ranges", "declared_endpoints", 0);
	CHECK(cg_store_inv_update(st, &ALL, &ACTOR, CG_RES_AGENCY, a, rec) == CG_OK);
	json_decref(rec);
	CHECK(cg_store_inv_delete(st, &ALL, &ACTOR, CG_RES_AGENCY, a) == CG_OK);
	json_t *items;
	int64_t total;
	CHECK(cg_store_audit_list(st, "test", 0, 50, 0, &items, &total) == CG_OK);
	CHECK(total == 3);
	CHECK_STR(cg_json_get_str(json_array_get(items, 0), "action"), "delete");
	CHECK_STR(cg_json_get_str(json_array_get(items, 2), "action"), "create");
	CHECK_STR(cg_json_get_str(json_array_get(items, 1), "object_type"), "agency");
	/* the newest row's id, as the list's first */
	CHECK(cg_store_audit_last(st, &last) == CG_OK &&
	      last == json_integer_value(json_object_get(json_array_get(items, 0), "id")) && last > 0);
	json_decref(items);
	done(st);
}

TEST(users_sessions_tokens)
{
	cg_store *st = fresh();
	json_t *u = json_pack("{s:s,s:s,s:s,s:n}", "username", "Alice", "role", "admin",
	                      "display_name", "alice", "agency_id");
	int64_t uid;
	CHECK(cg_store_user_create(st, &ACTOR, u, "HASH", &uid) == CG_OK);
	int64_t id2;
	json_object_set_new(u, "username", json_string("alice"));
	CHECK(cg_store_user_create(st, &ACTOR, u, "HASH", &id2) == CG_ECONFLICT);
	const char *field = NULL;
	CHECK(cg_store_last_violation(&field) == CG_VIOL_DUPLICATE);
	CHECK_STR(field, "username");
	json_decref(u);
	json_t *rec;
	char *hash;
	CHECK(cg_store_user_auth_info(st, "ALICE", &rec, &hash) == CG_OK);
	CHECK_STR(hash, "HASH");
	free(hash);
	json_decref(rec);
	uint8_t h[32] = {1, 2, 3};
	int64_t now = cg_time_now_ms();
	CHECK(cg_store_session_create(st, h, uid, "csrf", now + 1000) == CG_OK);
	char *csrf;
	CHECK(cg_store_session_get(st, h, now, &rec, &csrf) == CG_OK);
	CHECK_STR(csrf, "csrf");
	free(csrf);
	json_decref(rec);
	CHECK(cg_store_session_get(st, h, now + 2000, &rec, &csrf) == CG_ENOTFOUND);
	/* disabling ends sessions */
	json_t *upd = json_pack("{s:b}", "disabled", 1);
	CHECK(cg_store_user_update(st, &ACTOR, uid, upd, NULL) == CG_OK);
	json_decref(upd);
	CHECK(cg_store_session_get(st, h, now, &rec, &csrf) == CG_ENOTFOUND);
	/* tokens */
	json_t *t = json_pack("{s:s,s:s,s:n}", "name", "agent", "scope", "agent", "agency_id");
	uint8_t th[32] = {9};
	int64_t tid;
	CHECK(cg_store_token_create(st, &ACTOR, t, th, &tid) == CG_OK);
	json_decref(t);
	CHECK(cg_store_token_auth(st, th, now, &rec) == CG_OK);
	json_decref(rec);
	CHECK(cg_store_token_get(st, tid, &rec) == CG_OK);
	CHECK(json_is_string(json_object_get(rec, "last_used_at")));
	json_decref(rec);
	CHECK(cg_store_token_revoke(st, &ACTOR, tid, now) == CG_OK);
	CHECK(cg_store_token_revoke(st, &ACTOR, tid, now) == CG_ENOTFOUND);
	CHECK(cg_store_token_auth(st, th, now, &rec) == CG_ENOTFOUND);
	done(st);
}

static void mk_event(cg_event *ev, const char *id, int sev, const char *source)
{
	cg_event_init(ev);
	snprintf(ev->id, sizeof ev->id, "%s", id);
	ev->severity = (cg_severity)sev;
	cg_event_set(ev, CG_EV_SOURCE, cg_slice_cstr(source));
	cg_event_set(ev, CG_EV_KIND, CG_SLICE("k"));
	cg_event_set(ev, CG_EV_SUMMARY, CG_SLICE("summary <b>"));
}

TEST(events_dedup_and_query)
{
	cg_store *st = fresh();
	int64_t a = mk_agency(st, "A", "a");
	enum { N = 300 };
	cg_event evs[N];
	cg_event_in in[N];
	char id[40];
	for (int i = 0; i < N; i++) {
		snprintf(id, sizeof id, "ev-%d", i % 250); /* 50 repeats */
		mk_event(&evs[i], id, i % 5, i % 2 ? "web" : "dns");
		in[i] = (cg_event_in){.ev = &evs[i], .agency_id = i % 3 ? a : 0};
	}
	size_t acc, dup;
	CHECK(cg_store_events_insert(st, in, N, cg_time_now_ms(), &acc, &dup) == CG_OK);
	CHECK(acc == 250 && dup == 50);
	CHECK(in[260].duplicate && !in[10].duplicate);
	CHECK(cg_store_events_insert(st, in, 10, cg_time_now_ms(), &acc, &dup) == CG_OK);
	CHECK(acc == 0 && dup == 10);
	int64_t count;
	CHECK(cg_store_events_count(st, &count) == CG_OK && count == 250);
	/* paging through web events, high and above */
	cg_event_query q = {.source = "web", .severity_min = 3, .limit = 7};
	int seen = 0, pages = 0;
	int64_t last = INT64_MAX;
	bool ordered = true;
	for (;;) {
		json_t *items;
		int64_t next;
		CHECK(cg_store_events_query(st, &ALL, &q, &items, &next) == CG_OK);
		size_t i;
		json_t *e;
		json_array_foreach(items, i, e)
		{
			int64_t s = json_integer_value(json_object_get(e, "seq"));
			ordered &= s < last;
			last = s;
			const char *sev = cg_json_get_str(e, "severity");
			ordered &= strcmp(sev, "high") == 0 || strcmp(sev, "critical") == 0;
			ordered &= strcmp(cg_json_get_str(e, "source"), "web") == 0;
			seen++;
		}
		json_decref(items);
		pages++;
		if (!next)
			break;
		q.before_seq = next;
	}
	int want = 0;
	for (int i = 0; i < 250; i++)
		want += (i % 2) && (i % 5 >= 3);
	CHECK(seen == want);
	CHECK(ordered);
	CHECK(pages == (want + 6) / 7);
	/* scope */
	cg_scope sa = {a};
	cg_event_query all = {.limit = 500};
	json_t *items;
	int64_t next;
	CHECK(cg_store_events_query(st, &sa, &all, &items, &next) == CG_OK);
	size_t i;
	json_t *e;
	bool mine = true;
	json_array_foreach(items, i, e) mine &=
	    json_integer_value(json_object_get(e, "agency_id")) == a;
	CHECK(mine && json_array_size(items) > 0 && json_array_size(items) < 250);
	json_decref(items);
	cg_scope none = {-1};
	CHECK(cg_store_events_query(st, &none, &all, &items, &next) == CG_OK);
	CHECK(json_array_size(items) == 0);
	json_decref(items);
	json_t *one;
	CHECK(cg_store_event_get(st, &ALL, 1, &one) == CG_OK);
	CHECK_STR(cg_json_get_str(one, "summary"), "summary <b>");
	bool first_is_a = json_integer_value(json_object_get(one, "agency_id")) == a;
	json_decref(one);
	CHECK(!first_is_a && cg_store_event_get(st, &sa, 1, &one) == CG_ENOTFOUND);
	for (int k = 0; k < N; k++)
		cg_event_clear(&evs[k]);
	done(st);
}

/* Event ids are unique per producer: a token cannot pre-file an id the
 * server (or another token) will use. */
TEST(events_dedup_per_producer)
{
	cg_store *st = fresh();
	cg_event ev;
	mk_event(&ev, "dns-u2-00aa", 3, "dns");
	cg_event_in in = {.ev = &ev, .producer = "token:7"};
	size_t acc, dup;
	CHECK(cg_store_events_insert(st, &in, 1, 0, &acc, &dup) == CG_OK && acc == 1);
	in = (cg_event_in){.ev = &ev, .producer = "server:dns"};
	CHECK(cg_store_events_insert(st, &in, 1, 0, &acc, &dup) == CG_OK && acc == 1 && dup == 0);
	CHECK(!in.duplicate);
	/* the same producer re-sending is a duplicate */
	CHECK(cg_store_events_insert(st, &in, 1, 0, &acc, &dup) == CG_OK && acc == 0 && dup == 1);
	in = (cg_event_in){.ev = &ev, .producer = "token:7"};
	CHECK(cg_store_events_insert(st, &in, 1, 0, &acc, &dup) == CG_OK && acc == 0 && dup == 1);
	int64_t n;
	CHECK(cg_store_events_count(st, &n) == CG_OK && n == 2);
	cg_event_clear(&ev);
	done(st);
}

/* Text search: exact pages through the text index, whatever the number
 * of events between matches; Vietnamese folded the same way on both
 * backends. */
TEST(text_search)
{
	cg_store *st = fresh();
	enum { N = 12000, B = 1000 };
	static cg_event evs[B];
	static cg_event_in in[B];
	static const char *const texts[] = {
	    "Phát hiện NHÀ CÁI trên cổng",
	    "Trang có liên kết nhà cái ẩn",
	    "Đăng nhập thất bại",
	    "nha cai khong dau",
	    "Nổ hũ đổi thưởng",
	    "cái nhà (order differs)",
	    "Tài xỉu: nhà-cái.vn",
	    "100% ký tự 'đặc biệt' _x_",
	};
	char id[40];
	for (int done = 0; done < N; done += B) {
		for (int i = 0; i < B; i++) {
			snprintf(id, sizeof id, "w-%d", done + i);
			mk_event(&evs[i], id, 0, "web");
			if (done + i == 10) /* one old match below thousands of others */
				cg_event_set(&evs[i], CG_EV_SUMMARY, CG_SLICE("needle here"));
			else if (done + i >= N - 8)
				cg_event_set(&evs[i], CG_EV_SUMMARY,
				             cg_slice_cstr(texts[done + i - (N - 8)]));
			in[i] = (cg_event_in){.ev = &evs[i]};
		}
		size_t acc, dup;
		CHECK(cg_store_events_insert(st, in, B, 0, &acc, &dup) == CG_OK && acc == B);
		for (int i = 0; i < B; i++)
			cg_event_clear(&evs[i]);
	}
	/* the one old match on the first page, and no next page */
	cg_event_query q = {.q = "needle", .limit = 50};
	json_t *items;
	int64_t next;
	CHECK(cg_store_events_query(st, &ALL, &q, &items, &next) == CG_OK);
	CHECK(json_array_size(items) == 1 && next == 0);
	CHECK_STR(cg_json_get_str(json_array_get(items, 0), "id"), "w-10");
	json_decref(items);
	/* how many matches each query has among the texts above */
	static const struct {
		const char *q;
		size_t n;
	} cases[] = {
	    {"nha cai", 4},                    /* NHÀ CÁI, nhà cái, nha cai, nhà-cái */
	    {"NHÀ CÁI", 4},    {"nhà c", 4},   /* the last word is a prefix */
	    {"dang nhap", 1},                  /* đ -> d */
	    {"no hu doi", 1},  {"cai nha", 1}, /* word order counts */
	    {"'đặc biệt'", 1}, {"100%", 1},    {"ky tu", 1}, {"needl", 1}, {"zzz", 0}, {"%", 0},
	};
	for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
		cg_event_query t = {.q = cases[k].q, .limit = 50};
		CHECK(cg_store_events_query(st, &ALL, &t, &items, &next) == CG_OK);
		if (json_array_size(items) != cases[k].n || next != 0)
			printf("# q=%s: %zu items (want %zu), next %lld\n", cases[k].q,
			       json_array_size(items), cases[k].n, (long long)next);
		CHECK(json_array_size(items) == cases[k].n && next == 0);
		json_decref(items);
	}
	/* exact pages: 4 matches by 3 = a full page then the last one */
	cg_event_query pq = {.q = "nha cai", .limit = 3};
	CHECK(cg_store_events_query(st, &ALL, &pq, &items, &next) == CG_OK);
	CHECK(json_array_size(items) == 3 && next > 0);
	json_decref(items);
	pq.before_seq = next;
	CHECK(cg_store_events_query(st, &ALL, &pq, &items, &next) == CG_OK);
	CHECK(json_array_size(items) == 1 && next == 0);
	json_decref(items);
	/* with another filter and the scope */
	cg_event_query fq = {.q = "nha cai", .source = "dns", .limit = 3};
	CHECK(cg_store_events_query(st, &ALL, &fq, &items, &next) == CG_OK);
	CHECK(json_array_size(items) == 0 && next == 0);
	json_decref(items);
	done(st);
}

/* A database of schema 1 with events gets the overview totals of
 * migration 2 filled from its events. */
TEST(migration_backfill)
{
	cg_store *st = fresh();
	int64_t a = mk_agency(st, "A", "a");
	cg_event evs[3];
	cg_event_in in[3];
	for (int i = 0; i < 3; i++) {
		char id[16];
		snprintf(id, sizeof id, "m-%d", i);
		mk_event(&evs[i], id, i == 2 ? 4 : 0, "agent");
		cg_event_set(&evs[i], CG_EV_HOST, i ? CG_SLICE("h1") : CG_SLICE("h2"));
		evs[i].time_ms = cg_time_now_ms();
		in[i] = (cg_event_in){.ev = &evs[i], .agency_id = a};
	}
	size_t acc, dup;
	CHECK(cg_store_events_insert(st, in, 3, 0, &acc, &dup) == CG_OK && acc == 3);
	for (int i = 0; i < 3; i++)
		cg_event_clear(&evs[i]);
	json_t *ov;
	CHECK(cg_store_overview(st, &ALL, cg_time_now_ms(), &ov) == CG_OK);
	json_t *ag = json_array_get(json_object_get(ov, "agencies"), 0);
	CHECK(json_integer_value(json_object_get(ag, "endpoints")) == 2);
	CHECK(json_integer_value(json_object_get(json_object_get(ag, "open_findings"), "info")) ==
	      2);
	json_decref(ov);
	cg_store_close(st);
	/* back to schema 1 */
	const char *path = url + strlen("sqlite:");
	sqlite3 *db;
	CHECK(sqlite3_open(path, &db) == SQLITE_OK);
	CHECK(sqlite3_exec(db,
	                   "DROP TABLE event_counts; DROP TABLE event_hosts;"
	                   " DROP TABLE events_fts; DROP TABLE jobs; DROP TABLE web_findings;"
	                   " DROP TABLE alerts;"
	                   " DROP TABLE store_secrets; DROP TABLE login_throttle;"
	                   " DROP TABLE agent_policies; DROP TABLE agents; DROP TABLE enroll_tokens;"
	                   " DROP TABLE dns_uploads; DROP TABLE event_triage;"
	                   " DROP TABLE suppressions;"
	                   " DROP TABLE incident_notices; DROP TABLE incident_tasks;"
	                   " DROP TABLE incident_timeline; DROP TABLE incident_events;"
	                   " DROP TABLE incidents; DROP TABLE pow_challenges;"
	                   " DROP TABLE public_reports; DROP TABLE drills;"
	                   " DROP TABLE exposure_findings; DROP TABLE exposure_runs;"
	                   " DROP TABLE reports;"
	                   " DROP TABLE fwd_cursors;"
	                   " DROP TABLE intel_indicators; DROP TABLE intel_sources;"
	                   " DROP TABLE national_deliveries;"
	                   " DROP TABLE misp_deliveries;"
	                   " DELETE FROM schema_version WHERE version >= 2",
	                   NULL, NULL, NULL) == SQLITE_OK);
	sqlite3_close(db);
	st = NULL;
	CHECK(cg_store_open(path, &st, NULL) == CG_OK);
	if (!st)
		return;
	CHECK(cg_store_overview(st, &ALL, cg_time_now_ms(), &ov) == CG_OK);
	ag = json_array_get(json_object_get(ov, "agencies"), 0);
	CHECK(json_integer_value(json_object_get(ag, "endpoints")) == 2);
	CHECK(json_integer_value(json_object_get(json_object_get(ag, "open_findings"), "info")) ==
	      2);
	CHECK(json_integer_value(
	          json_object_get(json_object_get(ag, "open_findings"), "critical")) == 1);
	json_decref(ov);
	/* migration 3 indexed the stored events for text search */
	cg_event_query tq = {.q = "SUMMARY", .limit = 50};
	json_t *items;
	int64_t next;
	CHECK(cg_store_events_query(st, &ALL, &tq, &items, &next) == CG_OK);
	CHECK(json_array_size(items) == 3);
	json_decref(items);
	done(st);
}

/* ---- jobs ---------------------------------------------------------- */

static const json_t *job_row(const json_t *items, const char *name)
{
	size_t i;
	const json_t *o;
	json_array_foreach(items, i, o)
	{
		if (strcmp(cg_json_get_str(o, "name"), name) == 0)
			return o;
	}
	return NULL;
}

static void jobs_claim_and_finish(void)
{
	cg_store *st = fresh();
	CHECK(st);
	if (!st)
		return;
	const int64_t t = 1700000000000;
	CHECK(cg_store_job_ensure(st, "portal-watch", "web-watch", t) == CG_OK);
	CHECK(cg_store_job_ensure(st, "later", "noop", t + 5000) == CG_OK);
	/* ensuring again changes nothing (a restart does not reschedule) */
	CHECK(cg_store_job_ensure(st, "portal-watch", "other", t + 99999) == CG_OK);
	CHECK(cg_store_job_ensure(st, "", "noop", t) == CG_EINVAL);
	cg_job j, k;
	CHECK(cg_store_job_claim(st, "srv-a", NULL, 0, t - 1, 1000, &j) == CG_ENOTFOUND);
	CHECK(cg_store_job_claim(st, "srv-a", NULL, 0, t, 1000, &j) == CG_OK);
	CHECK_STR(j.name, "portal-watch");
	CHECK_STR(j.kind, "web-watch");
	CHECK(j.attempts == 1);
	CHECK(j.due_ms == t);
	/* leased: nobody else gets it, and "later" is not due */
	CHECK(cg_store_job_claim(st, "srv-b", NULL, 0, t + 10, 1000, &k) == CG_ENOTFOUND);
	json_t *items = NULL;
	CHECK(cg_store_job_list(st, &items) == CG_OK);
	CHECK(json_array_size(items) == 2);
	const json_t *r = job_row(items, "portal-watch");
	CHECK(r && strcmp(cg_json_get_str(r, "lease_holder"), "srv-a") == 0);
	json_decref(items);
	CHECK(cg_store_job_renew(st, &j, t + 500, 1000) == CG_OK);
	CHECK(cg_store_job_claim(st, "srv-b", NULL, 0, t + 1200, 1000, &k) == CG_ENOTFOUND);
	CHECK(cg_store_job_finish(st, &j, t + 1300, t + 60000, NULL) == CG_OK);
	/* finished once: a second finish of the same claim is refused */
	CHECK(cg_store_job_finish(st, &j, t + 1300, t + 60000, NULL) == CG_ECONFLICT);
	CHECK(cg_store_job_list(st, &items) == CG_OK);
	r = job_row(items, "portal-watch");
	CHECK(r && json_is_null(json_object_get(r, "lease_holder")));
	CHECK(r && json_integer_value(json_object_get(r, "attempts")) == 0);
	CHECK(r && json_is_string(json_object_get(r, "last_ok")));
	CHECK(r && json_is_null(json_object_get(r, "last_error")));
	json_decref(items);
	/* the next due job is "later" */
	CHECK(cg_store_job_claim(st, "srv-b", NULL, 0, t + 5000, 1000, &k) == CG_OK);
	CHECK_STR(k.name, "later");
	CHECK(cg_store_job_finish(st, &k, t + 5001, t + 10000000, NULL) == CG_OK);
	/* brought forward by a user, not pushed back */
	CHECK(cg_store_job_due(st, "portal-watch", t + 30000) == CG_OK);
	CHECK(cg_store_job_due(st, "portal-watch", t + 90000) == CG_OK);
	CHECK(cg_store_job_due(st, "nope", t) == CG_ENOTFOUND);
	CHECK(cg_store_job_claim(st, "srv-b", NULL, 0, t + 29999, 1000, &k) == CG_ENOTFOUND);
	CHECK(cg_store_job_claim(st, "srv-b", NULL, 0, t + 30000, 1000, &k) == CG_OK);
	CHECK_STR(k.name, "portal-watch");
	CHECK(cg_store_job_finish(st, &k, t + 30001, t + 60000, NULL) == CG_OK);
	CHECK(cg_store_job_claim(st, "srv-b", NULL, 0, t + 59999, 1000, &k) == CG_ENOTFOUND);
	CHECK(cg_store_job_claim(st, "srv-b", NULL, 0, t + 60000, 1000, &k) == CG_OK);
	CHECK_STR(k.name, "portal-watch");
	done(st);
}

static void jobs_lease_expiry_takeover(void)
{
	cg_store *st = fresh();
	CHECK(st);
	if (!st)
		return;
	const int64_t t = 1700000000000;
	CHECK(cg_store_job_ensure(st, "alerts", "alert-delivery", t) == CG_OK);
	cg_job a, b;
	/* a server claims only the kinds it runs */
	static const char *const other[] = {"report", "reminder"};
	static const char *const mine[] = {"report", "alert-delivery"};
	CHECK(cg_store_job_claim(st, "srv-a", other, 2, t, 30000, &a) == CG_ENOTFOUND);
	CHECK(cg_store_job_claim(st, "srv-a", mine, 2, t, 30000, &a) == CG_OK);
	CHECK(cg_store_job_renew(st, &a, t, 30000) == CG_OK);
	CHECK(cg_store_job_claim(st, "srv-b", NULL, 0, t + 29999, 30000, &b) == CG_ENOTFOUND);
	/* srv-a died: its lease runs out and srv-b takes the job over */
	CHECK(cg_store_job_claim(st, "srv-b", NULL, 0, t + 30000, 30000, &b) == CG_OK);
	CHECK_STR(b.name, "alerts");
	CHECK(b.lease_seq > a.lease_seq);
	CHECK(b.attempts == 2); /* the dead run counts as an attempt */
	/* srv-a coming back can neither extend nor record its stale run */
	CHECK(cg_store_job_renew(st, &a, t + 30001, 30000) == CG_ECONFLICT);
	CHECK(cg_store_job_finish(st, &a, t + 30001, t + 90000, NULL) == CG_ECONFLICT);
	json_t *items = NULL;
	CHECK(cg_store_job_list(st, &items) == CG_OK);
	const json_t *r = job_row(items, "alerts");
	CHECK(r && strcmp(cg_json_get_str(r, "lease_holder"), "srv-b") == 0);
	json_decref(items);
	CHECK(cg_store_job_finish(st, &b, t + 30100, t + 90000, NULL) == CG_OK);
	done(st);
}

/* A trigger while the job runs is not lost: the run's own next time
 * (an hour away) gives way and the job is due again as the run ends. */
static void jobs_trigger_during_run(void)
{
	cg_store *st = fresh();
	CHECK(st);
	if (!st)
		return;
	const int64_t t = 1700000000000;
	CHECK(cg_store_job_ensure(st, "incident-auto", "incidents", t) == CG_OK);
	cg_job j;
	CHECK(cg_store_job_claim(st, "srv-a", NULL, 0, t + 100, 30000, &j) == CG_OK);
	/* triggered during the run (another server or a handler) */
	CHECK(cg_store_job_due(st, "incident-auto", t + 200) == CG_OK);
	CHECK(cg_store_job_due(st, "incident-auto", t + 250) == CG_OK);
	CHECK(cg_store_job_finish(st, &j, t + 300, t + 3600000, NULL) == CG_OK);
	CHECK(cg_store_job_claim(st, "srv-a", NULL, 0, t + 301, 30000, &j) == CG_OK);
	CHECK_STR(j.name, "incident-auto");
	/* not triggered this time: its own next time holds */
	CHECK(cg_store_job_finish(st, &j, t + 400, t + 3600000, NULL) == CG_OK);
	CHECK(cg_store_job_claim(st, "srv-a", NULL, 0, t + 401, 30000, &j) == CG_ENOTFOUND);
	CHECK(cg_store_job_claim(st, "srv-a", NULL, 0, t + 3600000, 30000, &j) == CG_OK);
	/* a failing run triggered meanwhile is due at once too, not after
	 * its backoff */
	CHECK(cg_store_job_due(st, "incident-auto", t + 3600100) == CG_OK);
	CHECK(cg_store_job_finish(st, &j, t + 3600200, 0, "boom") == CG_OK);
	CHECK(cg_store_job_claim(st, "srv-a", NULL, 0, t + 3600201, 30000, &j) == CG_OK);
	/* a trigger after a holder died (lease run out) is a plain one */
	CHECK(cg_store_job_due(st, "incident-auto", t + 3700000) == CG_OK);
	cg_job k;
	CHECK(cg_store_job_claim(st, "srv-b", NULL, 0, t + 3700000, 30000, &k) == CG_OK);
	CHECK(cg_store_job_finish(st, &j, t + 3700001, t + 7200000, NULL) == CG_ECONFLICT);
	CHECK(cg_store_job_finish(st, &k, t + 3700002, t + 7200000, NULL) == CG_OK);
	CHECK(cg_store_job_claim(st, "srv-b", NULL, 0, t + 3700003, 30000, &k) == CG_ENOTFOUND);
	done(st);
}

static void jobs_backoff(void)
{
	CHECK(cg_job_backoff_ms(1) == CG_JOB_BACKOFF_BASE_MS);
	CHECK(cg_job_backoff_ms(2) == 2 * CG_JOB_BACKOFF_BASE_MS);
	CHECK(cg_job_backoff_ms(4) == 8 * CG_JOB_BACKOFF_BASE_MS);
	CHECK(cg_job_backoff_ms(1000) == CG_JOB_BACKOFF_MAX_MS);
	cg_store *st = fresh();
	CHECK(st);
	if (!st)
		return;
	int64_t t = 1700000000000;
	CHECK(cg_store_job_ensure(st, "relay", "alert-delivery", t) == CG_OK);
	cg_job j;
	for (int64_t n = 1; n <= 3; n++) {
		CHECK(cg_store_job_claim(st, "srv-a", NULL, 0, t, 1000, &j) == CG_OK);
		CHECK(j.attempts == n);
		/* next_run_ms is ignored on failure: the backoff decides */
		CHECK(cg_store_job_finish(st, &j, t + 10, t + 20, "relay refused") == CG_OK);
		int64_t due = t + 10 + cg_job_backoff_ms(n);
		CHECK(cg_store_job_claim(st, "srv-a", NULL, 0, due - 1, 1000, &j) == CG_ENOTFOUND);
		t = due;
	}
	json_t *items = NULL;
	CHECK(cg_store_job_list(st, &items) == CG_OK);
	const json_t *r = job_row(items, "relay");
	CHECK(r && json_integer_value(json_object_get(r, "attempts")) == 3);
	CHECK(r && strcmp(cg_json_get_str(r, "last_error"), "relay refused") == 0);
	json_decref(items);
	CHECK(cg_store_job_claim(st, "srv-a", NULL, 0, t, 1000, &j) == CG_OK);
	CHECK(j.attempts == 4);
	CHECK(cg_store_job_finish(st, &j, t + 5, t + 3600000, NULL) == CG_OK);
	CHECK(cg_store_job_list(st, &items) == CG_OK);
	r = job_row(items, "relay");
	CHECK(r && json_integer_value(json_object_get(r, "attempts")) == 0);
	CHECK(r && json_is_null(json_object_get(r, "last_error")));
	json_decref(items);
	done(st);
}

/* Two stores on one database (two servers) and two threads each claim
 * the same due jobs at once: every job runs exactly once. */
#define RACE_JOBS    40
#define RACE_THREADS 4
static int race_runs[RACE_JOBS];
static pthread_mutex_t race_mu = PTHREAD_MUTEX_INITIALIZER;
static int64_t race_now;

typedef struct racer {
	cg_store *st;
	char holder[16];
	int errors;
} racer;

static void *race_claim(void *arg)
{
	racer *r = arg;
	for (;;) {
		cg_job j;
		cg_err err = cg_store_job_claim(r->st, r->holder, NULL, 0, race_now, 60000, &j);
		if (err == CG_ENOTFOUND)
			break;
		if (err) {
			r->errors++;
			continue;
		}
		int n = (int)strtol(j.name + 4, NULL, 10);
		pthread_mutex_lock(&race_mu);
		if (n >= 0 && n < RACE_JOBS)
			race_runs[n]++;
		pthread_mutex_unlock(&race_mu);
		if (cg_store_job_finish(r->st, &j, race_now, race_now + 3600000, NULL))
			r->errors++;
	}
	return NULL;
}

static void jobs_run_once_two_claimers(void)
{
	cg_store *st = fresh();
	CHECK(st);
	if (!st)
		return;
	cg_store *st2 = NULL;
	cg_buf why;
	cg_buf_init(&why, 256);
	CHECK(cg_store_open(url, &st2, &why) == CG_OK);
	cg_buf_free(&why);
	race_now = cg_time_now_ms();
	memset(race_runs, 0, sizeof race_runs);
	for (int i = 0; i < RACE_JOBS; i++) {
		char name[16];
		snprintf(name, sizeof name, "job-%d", i);
		CHECK(cg_store_job_ensure(st, name, "noop", race_now - i) == CG_OK);
	}
	pthread_t th[RACE_THREADS];
	racer rs[RACE_THREADS];
	for (int i = 0; i < RACE_THREADS; i++) {
		rs[i] = (racer){.st = i % 2 ? st2 : st, .errors = 0};
		snprintf(rs[i].holder, sizeof rs[i].holder, "srv-%d", i);
		pthread_create(&th[i], NULL, race_claim, &rs[i]);
	}
	int errors = 0;
	for (int i = 0; i < RACE_THREADS; i++) {
		pthread_join(th[i], NULL);
		errors += rs[i].errors;
	}
	CHECK(errors == 0);
	int once = 0;
	for (int i = 0; i < RACE_JOBS; i++)
		once += race_runs[i] == 1;
	CHECK(once == RACE_JOBS);
	cg_store_close(st2);
	done(st);
}

/* The portal watch's open findings: open once, listed, closed once. */
static void web_findings(void)
{
	cg_store *st = fresh();
	CHECK(st);
	if (!st)
		return;
	json_t *f = json_pack("{s:s,s:s,s:s,s:s,s:I,s:s}", "url", "https://syt.gov.vn/", "kind",
	                      "defacement", "summary", "Trang bị thay đổi: Hacked", "severity",
	                      "critical", "since", (json_int_t)1700000000123, "event_id", "web-1");
	CHECK(cg_store_web_finding_open(st, f) == CG_OK);
	CHECK(cg_store_web_finding_open(st, f) == CG_ECONFLICT);
	json_object_set_new(f, "kind", json_string("gambling"));
	CHECK(cg_store_web_finding_open(st, f) == CG_OK);
	json_t *bad = json_pack("{s:s}", "url", "https://x/");
	CHECK(cg_store_web_finding_open(st, bad) == CG_EINVAL);
	json_decref(bad);
	json_t *items = NULL;
	CHECK(cg_store_web_findings(st, &items) == CG_OK);
	CHECK(json_array_size(items) == 2);
	json_t *o = json_array_get(items, 0);
	CHECK(o && strcmp(cg_json_get_str(o, "summary"), "Trang bị thay đổi: Hacked") == 0);
	CHECK(o && json_integer_value(json_object_get(o, "since")) == 1700000000123);
	CHECK(o && strcmp(cg_json_get_str(o, "severity"), "critical") == 0);
	CHECK(o && strcmp(cg_json_get_str(o, "event_id"), "web-1") == 0);
	json_decref(items);
	CHECK(cg_store_web_finding_close(st, "https://syt.gov.vn/", "defacement") == CG_OK);
	CHECK(cg_store_web_finding_close(st, "https://syt.gov.vn/", "defacement") == CG_ENOTFOUND);
	CHECK(cg_store_web_findings(st, &items) == CG_OK);
	CHECK(json_array_size(items) == 1);
	CHECK(strcmp(cg_json_get_str(json_array_get(items, 0), "kind"), "gambling") == 0);
	json_decref(items);
	json_decref(f);
	done(st);
}

static json_t *alert_rec(const char *id, int64_t created, int64_t agency)
{
	return json_pack("{s:s,s:I,s:I,s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "id", id, "created",
	                 (json_int_t)created, "agency_id", (json_int_t)agency, "next_try_ms",
	                 (json_int_t)created, "channel", "email", "to", "a@syt.gov.vn", "event_id",
	                 "web-1", "kind", "defacement", "severity", "critical", "url",
	                 "https://syt.gov.vn/", "subject", "[canhgac] Cảnh báo", "text",
	                 "Trang: …");
}

/* The alert queue: rows with state and attempts, due by time, bounded. */
static void alert_queue(void)
{
	cg_store *st = fresh();
	CHECK(st);
	if (!st)
		return;
	const int64_t t = 1700000000000;
	json_t *r = alert_rec("a1", t, 1);
	CHECK(cg_store_alert_add(st, r, 10) == CG_OK);
	CHECK(cg_store_alert_add(st, r, 10) == CG_ECONFLICT);
	json_decref(r);
	r = alert_rec("a2", t + 1, 2);
	CHECK(cg_store_alert_add(st, r, 10) == CG_OK);
	json_decref(r);
	json_t *items = NULL;
	CHECK(cg_store_alerts_due(st, t - 1, 100, &items) == CG_OK && json_array_size(items) == 0);
	json_decref(items);
	CHECK(cg_store_alerts_due(st, t + 5, 100, &items) == CG_OK);
	CHECK(json_array_size(items) == 2);
	json_t *o = json_array_get(items, 0);
	CHECK(o && strcmp(cg_json_get_str(o, "id"), "a1") == 0);
	CHECK(o && strcmp(cg_json_get_str(o, "state"), "pending") == 0);
	CHECK(o && strcmp(cg_json_get_str(o, "text"), "Trang: …") == 0);
	CHECK(o && strcmp(cg_json_get_str(o, "to"), "a@syt.gov.vn") == 0);
	CHECK(o && json_integer_value(json_object_get(o, "attempts")) == 0);
	json_decref(items);
	/* a failed attempt: retried later */
	json_t *u =
	    json_pack("{s:s,s:i,s:I,s:s,s:n}", "state", "pending", "attempts", 1, "next_try_ms",
	              (json_int_t)(t + 30000), "last_error", "relay down", "delivered");
	CHECK(cg_store_alert_update(st, "a1", u) == CG_OK);
	CHECK(cg_store_alert_update(st, "nope", u) == CG_ENOTFOUND);
	json_decref(u);
	CHECK(cg_store_alerts_due(st, t + 5, 100, &items) == CG_OK && json_array_size(items) == 1);
	json_decref(items);
	u = json_pack("{s:s,s:i,s:I,s:n,s:I}", "state", "delivered", "attempts", 2, "next_try_ms",
	              (json_int_t)(t + 30000), "last_error", "delivered", (json_int_t)(t + 30001));
	CHECK(cg_store_alert_update(st, "a1", u) == CG_OK);
	json_decref(u);
	CHECK(cg_store_alerts_list(st, 0, 100, &items) == CG_OK && json_array_size(items) == 2);
	o = json_array_get(items, 1); /* newest first: a1 is older */
	CHECK(o && strcmp(cg_json_get_str(o, "id"), "a1") == 0);
	CHECK(o && strcmp(cg_json_get_str(o, "state"), "delivered") == 0);
	CHECK(o && json_integer_value(json_object_get(o, "attempts")) == 2);
	CHECK(o && json_integer_value(json_object_get(o, "delivered")) == t + 30001);
	CHECK(o && json_is_null(json_object_get(o, "last_error")));
	json_decref(items);
	CHECK(cg_store_alerts_list(st, 2, 100, &items) == CG_OK && json_array_size(items) == 1);
	json_decref(items);
	/* bounded: at most 3 rows, the finished ones go first */
	for (int i = 3; i <= 4; i++) {
		char id[8];
		snprintf(id, sizeof id, "a%d", i);
		r = alert_rec(id, t + i, 1);
		CHECK(cg_store_alert_add(st, r, 3) == CG_OK);
		json_decref(r);
	}
	CHECK(cg_store_alerts_list(st, 0, 100, &items) == CG_OK && json_array_size(items) == 3);
	size_t i;
	json_array_foreach(items, i, o) CHECK(strcmp(cg_json_get_str(o, "id"), "a1") != 0);
	json_decref(items);
	done(st);
}

/* The store's secrets: the first value stays, whoever asks next. */
static void store_secret(void)
{
	cg_store *st = fresh();
	CHECK(st);
	if (!st)
		return;
	uint8_t a[32], b[32], got1[32], got2[32];
	memset(a, 0xa5, sizeof a);
	memset(b, 0x5a, sizeof b);
	CHECK(cg_store_secret(st, "login-throttle", a, got1) == CG_OK);
	CHECK(memcmp(got1, a, 32) == 0);
	CHECK(cg_store_secret(st, "login-throttle", b, got2) == CG_OK);
	CHECK(memcmp(got2, a, 32) == 0);
	CHECK(cg_store_secret(st, "other", b, got2) == CG_OK && memcmp(got2, b, 32) == 0);
	done(st);
}

/* Counting in a window, its end, reset; two handles on one database (two
 * servers) share the counts and the hash key. */
static void login_throttle(void)
{
	cg_store *st = fresh();
	CHECK(st);
	if (!st)
		return;
	cg_store *st2 = NULL;
	CHECK(cg_store_open(url, &st2, NULL) == CG_OK);
	cg_throttle t, t2;
	CHECK(cg_throttle_init(&t, st, 100, 1000) == CG_OK);
	CHECK(st2 && cg_throttle_init(&t2, st2, 100, 1000) == CG_OK);
	CHECK(memcmp(t.hkey, t2.hkey, 32) == 0);
	const int64_t n0 = 1700000000000;
	CHECK(cg_throttle_fail(&t, "u:x", n0 + 100));
	CHECK(cg_throttle_fail(&t2, "u:x", n0 + 150));
	CHECK(cg_throttle_fail(&t, "u:x", n0 + 200));
	CHECK(cg_throttle_blocked(&t2, "u:x", 3, n0 + 500));
	CHECK(cg_throttle_blocked(&t, "u:x", 3, n0 + 500));
	CHECK(!cg_throttle_blocked(&t, "u:x", 4, n0 + 500));
	CHECK(!cg_throttle_blocked(&t, "u:x", 3, n0 + 1100)); /* window over */
	CHECK(!cg_throttle_blocked(&t, "u:y", 1, n0 + 500));
	/* a failure after the window ended starts a new one at 1 */
	CHECK(cg_throttle_fail(&t2, "u:x", n0 + 1200));
	CHECK(!cg_throttle_blocked(&t, "u:x", 2, n0 + 1300));
	CHECK(cg_throttle_blocked(&t, "u:x", 1, n0 + 1300));
	cg_throttle_reset(&t2, "u:x");
	CHECK(!cg_throttle_blocked(&t, "u:x", 1, n0 + 1300));
	cg_throttle_free(&t);
	cg_throttle_free(&t2);
	cg_store_close(st2);
	done(st);
}

/* Live counters are never evicted: a flood of other keys past the table's
 * bound leaves the victims' counts, and a key that cannot be counted is
 * treated as over its limit until windows end. */
static void login_throttle_no_eviction(void)
{
	cg_store *st = fresh();
	CHECK(st);
	if (!st)
		return;
	cg_throttle t;
	CHECK(cg_throttle_init(&t, st, 64, 900000) == CG_OK);
	const int64_t now = 1700000000000;
	for (int i = 0; i < 5; i++)
		cg_throttle_fail(&t, "u:off1", now);
	for (int i = 0; i < 30; i++)
		cg_throttle_fail(&t, "ip:127.0.0.1", now);
	CHECK(cg_throttle_blocked(&t, "u:off1", 5, now + 1));
	char k[32];
	int counted = 0;
	for (int i = 0; i < 200; i++) {
		snprintf(k, sizeof k, "u:flood%d", i);
		counted += cg_throttle_fail(&t, k, now + 20);
	}
	CHECK(counted == 62); /* the table holds 64 live windows */
	CHECK(cg_throttle_blocked(&t, "u:off1", 5, now + 30));
	CHECK(cg_throttle_blocked(&t, "ip:127.0.0.1", 30, now + 30));
	cg_throttle_fail(&t, "u:off1", now + 40); /* still counts up */
	CHECK(cg_throttle_blocked(&t, "u:off1", 6, now + 41));
	/* a key that could not be counted: fail closed */
	CHECK(cg_throttle_blocked(&t, "u:flood199", 5, now + 50));
	CHECK(cg_throttle_blocked(&t, "u:never", 5, now + 50));
	/* once the windows end the table frees itself: new keys fit */
	CHECK(!cg_throttle_blocked(&t, "u:late", 5, now + 900000 + 50));
	CHECK(cg_throttle_fail(&t, "u:late", now + 900000 + 50));
	cg_throttle_free(&t);
	done(st);
}

/* Enrolment tokens, agents and policies: rows with foreign keys to
 * agencies, scoped, one winner per token. */
static void agent_registry(void)
{
	cg_store *st = fresh();
	CHECK(st);
	if (!st)
		return;
	int64_t a = mk_agency(st, "Xã A", "xa-a"), b = mk_agency(st, "Xã B", "xa-b");
	const int64_t now = 1700000000000;
	uint8_t h1[32], h2[32], h3[32];
	memset(h1, 1, 32);
	memset(h2, 2, 32);
	memset(h3, 3, 32);
	json_t *rec = json_pack("{s:I,s:s,s:s,s:I}", "agency_id", (json_int_t)a, "note", "web01",
	                        "created_by", "user:admin", "expires_at", (json_int_t)(now + 3600000));
	int64_t id1 = 0, id2 = 0, id3 = 0;
	CHECK(cg_store_etoken_create(st, &ALL, rec, h1, &id1) == CG_OK && id1 > 0);
	CHECK(cg_store_etoken_create(st, &ALL, rec, h1, &id2) == CG_ECONFLICT);
	cg_scope sb = {b};
	CHECK(cg_store_etoken_create(st, &sb, rec, h2, &id2) == CG_EPERM);
	json_object_set_new(rec, "expires_at", json_integer(now - 1));
	CHECK(cg_store_etoken_create(st, &ALL, rec, h2, &id2) == CG_OK);
	json_object_set_new(rec, "agency_id", json_integer(999999));
	const char *field = NULL;
	CHECK(cg_store_etoken_create(st, &ALL, rec, h3, &id3) == CG_EINVAL);
	CHECK(cg_store_last_violation(&field) == CG_VIOL_UNKNOWN && strcmp(field, "agency_id") == 0);
	json_object_set_new(rec, "agency_id", json_integer(b));
	json_object_set_new(rec, "expires_at", json_integer(now + 3600000));
	CHECK(cg_store_etoken_create(st, &ALL, rec, h3, &id3) == CG_OK);
	json_decref(rec);
	json_t *items = NULL;
	CHECK(cg_store_etoken_list(st, &ALL, &items) == CG_OK && json_array_size(items) == 3);
	CHECK(json_integer_value(json_object_get(json_array_get(items, 0), "id")) == id3);
	json_decref(items);
	CHECK(cg_store_etoken_list(st, &sb, &items) == CG_OK && json_array_size(items) == 1);
	json_decref(items);
	int64_t ag = 0;
	CHECK(cg_store_etoken_consume(st, h2, now, "late", &ag) == CG_ETIMEOUT);
	uint8_t hx[32];
	memset(hx, 9, 32);
	CHECK(cg_store_etoken_consume(st, hx, now, "nobody", &ag) == CG_ENOTFOUND);
	CHECK(cg_store_etoken_consume(st, h1, now, "web01", &ag) == CG_OK && ag == a);
	CHECK(cg_store_etoken_consume(st, h1, now, "web01", &ag) == CG_ECONFLICT);
	CHECK(cg_store_etoken_list(st, &ALL, &items) == CG_OK);
	json_t *t1 = json_array_get(items, 2);
	CHECK(t1 && strcmp(cg_json_get_str(t1, "used_by"), "web01") == 0 &&
	      json_is_string(json_object_get(t1, "used_at")) &&
	      json_is_null(json_object_get(t1, "revoked_at")));
	json_decref(items);
	/* revoking: in scope only, once; a revoked token enrols nothing */
	cg_scope sa = {a};
	CHECK(cg_store_etoken_revoke(st, &sa, id3, "user:o", &ag) == CG_ENOTFOUND);
	CHECK(cg_store_etoken_revoke(st, &ALL, 999999, "user:o", &ag) == CG_ENOTFOUND);
	CHECK(cg_store_etoken_revoke(st, &sb, id3, "user:o", &ag) == CG_OK && ag == b);
	CHECK(cg_store_etoken_revoke(st, &ALL, id3, "user:admin", &ag) == CG_ECONFLICT);
	CHECK(cg_store_etoken_consume(st, h3, now, "pc", &ag) == CG_EPERM);
	CHECK(cg_store_etoken_list(st, &sb, &items) == CG_OK);
	t1 = json_array_get(items, 0);
	CHECK(t1 && json_is_string(json_object_get(t1, "revoked_at")) &&
	      strcmp(cg_json_get_str(t1, "revoked_by"), "user:o") == 0 &&
	      json_integer_value(json_object_get(t1, "uses")) == 0);
	json_decref(items);

	/* an agent bound to its API token */
	uint8_t th[32];
	memset(th, 7, 32);
	json_t *tok = json_pack("{s:s,s:s,s:I}", "name", "agent web01", "scope", "agent", "agency_id",
	                        (json_int_t)a);
	int64_t tid = 0;
	CHECK(cg_store_token_create(st, &ACTOR, tok, th, &tid) == CG_OK);
	json_decref(tok);
	json_t *ar = json_pack("{s:s,s:I,s:I,s:s,s:s,s:s,s:I,s:I}", "agent_id", "ag-1",
	                       "api_token_id", (json_int_t)tid, "agency_id", (json_int_t)a, "host",
	                       "web01", "os", "linux", "agent_version", "1.0", "enrolled_at",
	                       (json_int_t)now, "last_seen", (json_int_t)now);
	CHECK(cg_store_agent_register(st, ar) == CG_OK);
	CHECK(cg_store_agent_register(st, ar) == CG_ECONFLICT);
	json_object_set_new(ar, "agent_id", json_string("ag-2"));
	json_object_set_new(ar, "api_token_id", json_integer(tid + 1000));
	CHECK(cg_store_agent_register(st, ar) == CG_EINVAL); /* no such API token */
	json_decref(ar);
	json_t *hb = json_pack("{s:s,s:i,s:i}", "rule_version", "r7", "policy_version", 2,
	                       "spool_pending", 12);
	CHECK(cg_store_agent_heartbeat(st, tid, hb, now + 1000) == CG_OK);
	CHECK(cg_store_agent_heartbeat(st, tid + 1000, hb, now + 1000) == CG_ENOTFOUND);
	json_decref(hb);
	CHECK(cg_store_agents_list(st, &ALL, 60000, now + 2000, &items) == CG_OK);
	CHECK(json_array_size(items) == 1);
	json_t *o = json_array_get(items, 0);
	CHECK(o && strcmp(cg_json_get_str(o, "host"), "web01") == 0);
	CHECK(o && strcmp(cg_json_get_str(o, "rule_version"), "r7") == 0);
	CHECK(o && json_integer_value(json_object_get(o, "spool_pending")) == 12);
	CHECK(o && json_is_false(json_object_get(o, "offline")));
	json_decref(items);
	CHECK(cg_store_agents_list(st, &ALL, 60000, now + 100000, &items) == CG_OK);
	CHECK(json_is_true(json_object_get(json_array_get(items, 0), "offline")));
	json_decref(items);
	CHECK(cg_store_agents_list(st, &sb, 60000, now, &items) == CG_OK && json_array_size(items) == 0);
	json_decref(items);

	/* policies: version 1, 2, an imported version kept */
	json_t *body = NULL;
	int64_t v = -1;
	CHECK(cg_store_agent_policy_get(st, a, &body, &v) == CG_OK && v == 0 &&
	      json_object_size(body) == 0);
	json_decref(body);
	json_t *pol = json_pack("{s:i}", "heartbeat_s", 30);
	CHECK(cg_store_agent_policy_set(st, a, pol, now, 0, &v) == CG_OK && v == 1);
	CHECK(cg_store_agent_policy_set(st, a, pol, now, 0, &v) == CG_OK && v == 2);
	CHECK(cg_store_agent_policy_set(st, b, pol, now, 7, &v) == CG_OK && v == 7);
	CHECK(cg_store_agent_policy_set(st, 999999, pol, now, 0, &v) == CG_EINVAL);
	json_decref(pol);
	CHECK(cg_store_agent_policy_get(st, a, &body, &v) == CG_OK && v == 2 &&
	      json_integer_value(json_object_get(body, "heartbeat_s")) == 30);
	json_decref(body);

	/* an agency with an enrolled agent is in use; B's token and policy
	 * go with B */
	CHECK(cg_store_inv_delete(st, &ALL, &ACTOR, CG_RES_AGENCY, a) == CG_ECONFLICT);
	CHECK(cg_store_inv_delete(st, &ALL, &ACTOR, CG_RES_AGENCY, b) == CG_OK);
	CHECK(cg_store_etoken_list(st, &ALL, &items) == CG_OK && json_array_size(items) == 2);
	json_decref(items);
	CHECK(cg_store_agent_policy_get(st, b, &body, &v) == CG_OK && v == 0);
	json_decref(body);
	done(st);
}

/* Two servers consume one token at once: exactly one wins. */
typedef struct consume_arg {
	cg_store *st;
	uint8_t hash[32];
	int won;
} consume_arg;

static void *race_consume(void *p)
{
	consume_arg *x = p;
	int64_t ag = 0;
	x->won = cg_store_etoken_consume(x->st, x->hash, 1700000000000, "racer", &ag) == CG_OK;
	return NULL;
}

static void agent_token_one_winner(void)
{
	cg_store *st = fresh();
	CHECK(st);
	if (!st)
		return;
	cg_store *st2 = NULL;
	CHECK(cg_store_open(url, &st2, NULL) == CG_OK);
	int64_t a = mk_agency(st, "Xã A", "xa-a");
	enum { N = 8 };
	consume_arg args[N];
	for (int round = 0; round < 5; round++) {
		uint8_t h[32];
		memset(h, 0x40 + round, 32);
		json_t *rec = json_pack("{s:I,s:I}", "agency_id", (json_int_t)a, "expires_at",
		                        (json_int_t)1700003600000);
		int64_t id = 0;
		CHECK(cg_store_etoken_create(st, &ALL, rec, h, &id) == CG_OK);
		json_decref(rec);
		pthread_t th[N];
		for (int i = 0; i < N; i++) {
			args[i] = (consume_arg){.st = i % 2 ? st2 : st};
			memcpy(args[i].hash, h, 32);
			pthread_create(&th[i], NULL, race_consume, &args[i]);
		}
		int won = 0;
		for (int i = 0; i < N; i++) {
			pthread_join(th[i], NULL);
			won += args[i].won;
		}
		CHECK(won == 1);
	}
	cg_store_close(st2);
	done(st);
}

/* A token of max_uses 3: each enrolment spends one use, the list shows
 * uses and the last host, the spent token answers as a used one-time token
 * does; then 12 racers (two connections) on a token of 5 uses: exactly 5
 * win, never more. */
static void agent_token_max_uses(void)
{
	cg_store *st = fresh();
	CHECK(st);
	if (!st)
		return;
	cg_store *st2 = NULL;
	CHECK(cg_store_open(url, &st2, NULL) == CG_OK);
	int64_t a = mk_agency(st, "Xã A", "xa-a");
	const int64_t now = 1700000000000;
	uint8_t h[32];
	memset(h, 0x61, 32);
	json_t *rec = json_pack("{s:I,s:I,s:i}", "agency_id", (json_int_t)a, "expires_at",
	                        (json_int_t)(now + 3600000), "max_uses", 3);
	int64_t id = 0, ag = 0;
	CHECK(cg_store_etoken_create(st, &ALL, rec, h, &id) == CG_OK);
	json_t *items = NULL;
	CHECK(cg_store_etoken_list(st, &ALL, &items) == CG_OK && json_array_size(items) == 1);
	json_t *t = json_array_get(items, 0);
	CHECK(json_integer_value(json_object_get(t, "uses")) == 0 &&
	      json_integer_value(json_object_get(t, "max_uses")) == 3 &&
	      json_is_null(json_object_get(t, "used_at")));
	json_decref(items);
	static const char *const hosts[] = {"pc-1", "pc-2", "pc-3"};
	for (int i = 0; i < 3; i++) {
		ag = 0;
		CHECK(cg_store_etoken_consume(i % 2 ? st2 : st, h, now + i, hosts[i], &ag) ==
		          CG_OK &&
		      ag == a);
	}
	CHECK(cg_store_etoken_consume(st, h, now + 5, "pc-4", &ag) == CG_ECONFLICT);
	CHECK(cg_store_etoken_consume(st2, h, now + 5, "pc-4", &ag) == CG_ECONFLICT);
	CHECK(cg_store_etoken_list(st, &ALL, &items) == CG_OK);
	t = json_array_get(items, 0);
	CHECK(json_integer_value(json_object_get(t, "uses")) == 3 &&
	      strcmp(cg_json_get_str(t, "used_by"), "pc-3") == 0 &&
	      json_is_string(json_object_get(t, "used_at")));
	json_decref(items);
	/* uses left but expired: expired, and no use spent */
	memset(h, 0x62, 32);
	json_object_set_new(rec, "expires_at", json_integer(now - 1));
	CHECK(cg_store_etoken_create(st, &ALL, rec, h, &id) == CG_OK);
	CHECK(cg_store_etoken_consume(st, h, now, "late", &ag) == CG_ETIMEOUT);
	CHECK(cg_store_etoken_list(st, &ALL, &items) == CG_OK);
	CHECK(json_integer_value(json_object_get(json_array_get(items, 0), "uses")) == 0);
	json_decref(items);
	/* the race */
	enum { N = 12, USES = 5 };
	memset(h, 0x63, 32);
	json_object_set_new(rec, "expires_at", json_integer(now + 3600000));
	json_object_set_new(rec, "max_uses", json_integer(USES));
	CHECK(cg_store_etoken_create(st, &ALL, rec, h, &id) == CG_OK);
	json_decref(rec);
	consume_arg args[N];
	pthread_t th[N];
	for (int i = 0; i < N; i++) {
		args[i] = (consume_arg){.st = i % 2 ? st2 : st};
		memcpy(args[i].hash, h, 32);
		pthread_create(&th[i], NULL, race_consume, &args[i]);
	}
	int won = 0;
	for (int i = 0; i < N; i++) {
		pthread_join(th[i], NULL);
		won += args[i].won;
	}
	CHECK(won == USES);
	CHECK(cg_store_etoken_list(st, &ALL, &items) == CG_OK);
	CHECK(json_integer_value(json_object_get(json_array_get(items, 0), "uses")) == USES);
	json_decref(items);
	cg_store_close(st2);
	done(st);
}

/* DNS uploads: the owner's quota in the same write, one PUT at a time
 * (renewable hold, expiry), queued then analysed, the oldest unfinished
 * first, no delete while queued. */
static void dns_uploads(void)
{
	cg_store *st = fresh();
	CHECK(st);
	if (!st)
		return;
	const int64_t now = 1700000000000;
	json_t *rec = json_pack("{s:s,s:s,s:i,s:i,s:I}", "name", "r1.log", "owner", "token:4",
	                        "owner_kind", 3, "agency_id", 0, "created", (json_int_t)now);
	int64_t id1 = 0, id2 = 0, id3 = 0;
	CHECK(cg_store_dns_upload_create(st, rec, 2, &id1) == CG_OK && id1 > 0);
	CHECK(cg_store_dns_upload_create(st, rec, 2, &id2) == CG_OK && id2 > id1);
	CHECK(cg_store_dns_upload_create(st, rec, 2, &id3) == CG_ELIMIT);
	json_object_set_new(rec, "owner", json_string("user:1"));
	CHECK(cg_store_dns_upload_create(st, rec, 2, &id3) == CG_OK);
	json_decref(rec);
	/* a PUT holds it; a second one is refused until the hold ends */
	CHECK(cg_store_dns_upload_write_begin(st, id1, 0, now, -1, now + 100) == CG_OK);
	CHECK(cg_store_dns_upload_write_begin(st, id1, 0, now + 1, -1, now + 101) == CG_ECONFLICT);
	CHECK(cg_store_dns_upload_write_begin(st, id1, 0, now + 50, now + 100, now + 150) == CG_OK);
	CHECK(cg_store_dns_upload_queue(st, id1, now + 60) == CG_ECONFLICT); /* held, empty */
	CHECK(cg_store_dns_upload_write_end(st, id1, 1000) == CG_OK);
	CHECK(cg_store_dns_upload_write_begin(st, id1, 0, now + 70, -1, now + 170) == CG_ECONFLICT);
	CHECK(cg_store_dns_upload_write_begin(st, id1, 1000, now + 70, -1, now + 170) == CG_OK);
	CHECK(cg_store_dns_upload_write_end(st, id1, -1) == CG_OK);
	int64_t n = 0, bytes = 0;
	CHECK(cg_store_dns_upload_usage(st, "token:4", &n, &bytes) == CG_OK && n == 2 && bytes == 1000);
	/* a hold that ended (its server died) lets the next PUT in */
	CHECK(cg_store_dns_upload_write_begin(st, id2, 0, now, -1, now + 10) == CG_OK);
	CHECK(cg_store_dns_upload_write_begin(st, id2, 0, now + 11, -1, now + 20) == CG_OK);
	CHECK(cg_store_dns_upload_write_end(st, id2, 5) == CG_OK);
	int64_t next = 0;
	CHECK(cg_store_dns_upload_next(st, &next) == CG_ENOTFOUND);
	CHECK(cg_store_dns_upload_queue(st, id2, now + 80) == CG_OK);
	CHECK(cg_store_dns_upload_queue(st, id1, now + 80) == CG_OK);
	CHECK(cg_store_dns_upload_queue(st, id1, now + 80) == CG_ECONFLICT);
	CHECK(cg_store_dns_upload_write_begin(st, id1, 1000, now + 90, -1, now + 190) == CG_ECONFLICT);
	CHECK(cg_store_dns_upload_delete(st, id1, now + 90) == CG_ECONFLICT);
	CHECK(cg_store_dns_upload_next(st, &next) == CG_OK && next == id1);
	json_t *set = json_pack("{s:s,s:I,s:{s:i}}", "state", "analyzing", "started",
	                        (json_int_t)(now + 100), "progress", "lines_read", 7);
	CHECK(cg_store_dns_upload_set(st, id1, set) == CG_OK);
	json_decref(set);
	/* left "analyzing" (its analyser died): still next */
	CHECK(cg_store_dns_upload_next(st, &next) == CG_OK && next == id1);
	set = json_pack("{s:s,s:I,s:I,s:{s:i}}", "state", "done", "started", (json_int_t)(now + 100),
	                "finished", (json_int_t)(now + 200), "result", "clients_flagged", 2);
	CHECK(cg_store_dns_upload_set(st, id1, set) == CG_OK);
	CHECK(cg_store_dns_upload_set(st, 999999, set) == CG_ENOTFOUND);
	json_decref(set);
	CHECK(cg_store_dns_upload_next(st, &next) == CG_OK && next == id2);
	json_t *row = NULL;
	CHECK(cg_store_dns_upload_get(st, id1, &row) == CG_OK);
	CHECK(row && strcmp(cg_json_get_str(row, "state"), "done") == 0);
	CHECK(row && json_integer_value(json_object_get(row, "size")) == 1000);
	CHECK(row && json_integer_value(json_object_get(row, "owner_kind")) == 3);
	CHECK(row && json_integer_value(json_object_get(json_object_get(row, "result"),
	                                                "clients_flagged")) == 2);
	CHECK(row && json_is_null(json_object_get(row, "progress")));
	CHECK(row && json_integer_value(json_object_get(row, "finished")) == now + 200);
	json_decref(row);
	CHECK(cg_store_dns_upload_delete(st, id1, now + 300) == CG_OK);
	CHECK(cg_store_dns_upload_get(st, id1, &row) == CG_ENOTFOUND);
	done(st);
}

/* RUN with the backend in the case's name. */
/* ---- syslog forwarding cursors ---- */

typedef struct fwd_writer {
	cg_store *st;
	int n;
} fwd_writer;

enum { FWD_WRITERS = 4, FWD_BATCHES = 40, FWD_BATCH = 10 };

static void *fwd_write(void *arg)
{
	fwd_writer *w = arg;
	for (int b = 0; b < FWD_BATCHES; b++) {
		cg_event evs[FWD_BATCH];
		cg_event_in in[FWD_BATCH];
		char id[40];
		for (int i = 0; i < FWD_BATCH; i++) {
			snprintf(id, sizeof id, "w%d-%d-%d", w->n, b, i);
			mk_event(&evs[i], id, 1, "web");
			in[i] = (cg_event_in){.ev = &evs[i]};
		}
		size_t acc, dup;
		if (cg_store_events_insert(w->st, in, FWD_BATCH, cg_time_now_ms(), &acc, &dup) ||
		    acc != FWD_BATCH)
			printf("# writer %d: insert failed\n", w->n);
		for (int i = 0; i < FWD_BATCH; i++)
			cg_event_clear(&evs[i]);
	}
	return NULL;
}

/* Reads events after cur the way the forwarder does, counting them. */
static int64_t fwd_drain(cg_store *st, int64_t *cur, int64_t limit, int64_t *seen)
{
	json_t *items = NULL;
	int64_t upto = 0;
	if (cg_store_events_after(st, *cur, limit, &items, &upto)) {
		printf("# events_after failed\n");
		return -1;
	}
	size_t i;
	json_t *it;
	int64_t prev = *cur, n = 0;
	json_array_foreach(items, i, it)
	{
		int64_t s = json_integer_value(json_object_get(it, "seq"));
		if (s <= prev || s > upto)
			printf("# seq %lld out of order (prev %lld, upto %lld)\n", (long long)s,
			       (long long)prev, (long long)upto);
		prev = s;
		n++;
	}
	json_decref(items);
	*seen += n;
	*cur = upto;
	return n;
}

/* Threat intelligence: an upsert per source, type and value; validity
 * decides what is active; a pull's outcome kept on its source. */
TEST(intel)
{
	cg_store *st = fresh();
	json_t *items = json_pack(
	    "[{s:s,s:s,s:I,s:I,s:s},{s:s,s:s,s:I,s:I},{s:s,s:s,s:I,s:s}]", "type", "domain",
	    "value", "a.example", "valid_from", (json_int_t)1000, "confidence", (json_int_t)80,
	    "tlp", "green", "type", "domain", "value", "old.example", "valid_from",
	    (json_int_t)1000, "valid_until", (json_int_t)2000, "type", "sha256", "value",
	    "abababababababababababababababababababababababababababababababab", "valid_from",
	    (json_int_t)1000, "ext_id", "indicator--1");
	int64_t added = -1;
	CHECK(items != NULL);
	CHECK(cg_store_intel_put(st, "partner", "taxii", items, 5000, &added) == CG_OK &&
	      added == 3);
	CHECK(cg_store_intel_put(st, "partner", "taxii", items, 6000, &added) == CG_OK &&
	      added == 0);
	CHECK(cg_store_intel_put(st, "other", "stix", items, 6000, &added) == CG_OK && added == 3);
	/* refused: bad kind, a value missing, an empty name */
	CHECK(cg_store_intel_put(st, "x", "csv", items, 1, &added) == CG_EINVAL);
	json_t *bad = json_pack("[{s:s,s:I}]", "type", "domain", "valid_from", (json_int_t)1);
	CHECK(cg_store_intel_put(st, "x", "stix", bad, 1, &added) == CG_EINVAL);
	CHECK(cg_store_intel_put(st, "", "stix", items, 1, &added) == CG_EINVAL);
	json_decref(bad);
	json_decref(items);
	json_t *act = NULL;
	/* at 1500 all three of each source; at 2000 old.example has expired */
	CHECK(cg_store_intel_active(st, NULL, 1500, 100, &act) == CG_OK &&
	      json_array_size(act) == 6);
	json_decref(act);
	CHECK(cg_store_intel_active(st, "domain", 2000, 100, &act) == CG_OK);
	CHECK(json_array_size(act) == 2);
	json_t *a0 = json_array_get(act, 0);
	CHECK_STR(cg_json_get_str(a0, "value"), "a.example");
	CHECK_STR(cg_json_get_str(a0, "source"), "other");
	CHECK(json_integer_value(json_object_get(a0, "confidence")) == 80);
	json_decref(act);
	CHECK(cg_store_intel_active(st, "domain", 500, 100, &act) == CG_OK &&
	      json_array_size(act) == 0);
	json_decref(act);
	CHECK(cg_store_intel_active(st, NULL, 1500, 0, &act) == CG_EINVAL);
	/* a failed pull keeps the cursor; a good one clears the error */
	CHECK(cg_store_intel_pulled(st, "partner", "taxii", "2026-01-01T00:00:00Z", NULL, 7000) ==
	      CG_OK);
	CHECK(cg_store_intel_pulled(st, "partner", "taxii", NULL, "HTTP 401", 8000) == CG_OK);
	json_t *src = NULL;
	CHECK(cg_store_intel_sources(st, 2000, &src) == CG_OK && json_array_size(src) == 2);
	json_t *p = json_array_get(src, 1);
	CHECK_STR(cg_json_get_str(p, "name"), "partner");
	CHECK_STR(cg_json_get_str(p, "cursor"), "2026-01-01T00:00:00Z");
	CHECK_STR(cg_json_get_str(p, "last_error"), "HTTP 401");
	CHECK(json_integer_value(json_object_get(p, "indicators")) == 3);
	CHECK(json_integer_value(json_object_get(p, "active")) == 2);
	json_decref(src);
	CHECK(cg_store_intel_pulled(st, "partner", "taxii", NULL, NULL, 9000) == CG_OK);
	CHECK(cg_store_intel_sources(st, 1500, &src) == CG_OK);
	p = json_array_get(src, 1);
	CHECK(json_is_null(json_object_get(p, "last_error")));
	CHECK_STR(cg_json_get_str(p, "cursor"), "2026-01-01T00:00:00Z");
	CHECK(json_integer_value(json_object_get(p, "active")) == 3);
	CHECK(json_is_string(json_object_get(p, "next_expiry")));
	json_decref(src);
	cg_store_close(st);
}

TEST(misp_deliveries)
{
	cg_store *st = fresh();
	json_t *items = NULL;
	CHECK(cg_store_mispdeliv_list(st, "nc", true, 10, &items) == CG_OK &&
	      json_array_size(items) == 0);
	json_decref(items);
	cg_mispdeliv d = {.dest = "nc", .url = "https://misp.example", .since_ms = 0,
	                  .until_ms = 5000, .at_ms = 6000, .ok = false, .http_status = 500,
	                  .events = 0, .attributes = 0, .error = "MISP answered HTTP 500"};
	CHECK(cg_store_mispdeliv_add(st, &d) == CG_OK);
	d.ok = true, d.http_status = 200, d.until_ms = 7000, d.at_ms = 8000, d.events = 2;
	d.to_seq = 42;
	d.attributes = 3, d.error = NULL;
	CHECK(cg_store_mispdeliv_add(st, &d) == CG_OK);
	d.dest = "other";
	CHECK(cg_store_mispdeliv_add(st, &d) == CG_OK);
	d.until_ms = 1; /* a window ending before it starts */
	d.since_ms = 2;
	CHECK(cg_store_mispdeliv_add(st, &d) == CG_EINVAL);
	d.since_ms = 0, d.from_seq = 50; /* events read backwards */
	CHECK(cg_store_mispdeliv_add(st, &d) == CG_EINVAL);
	CHECK(cg_store_mispdeliv_list(st, "nc", false, 10, &items) == CG_OK &&
	      json_array_size(items) == 2);
	json_t *row = json_array_get(items, 1); /* newest first */
	CHECK(!json_is_true(json_object_get(row, "ok")) && json_is_null(json_object_get(row, "since")));
	CHECK_STR(json_string_value(json_object_get(row, "error")), "MISP answered HTTP 500");
	json_decref(items);
	CHECK(cg_store_mispdeliv_list(st, "nc", true, 10, &items) == CG_OK &&
	      json_array_size(items) == 1);
	row = json_array_get(items, 0);
	CHECK(json_integer_value(json_object_get(row, "until_ms")) == 7000 &&
	      json_integer_value(json_object_get(row, "events")) == 2 &&
	      json_integer_value(json_object_get(row, "attributes")) == 3 &&
	      json_integer_value(json_object_get(row, "http_status")) == 200 &&
	      json_integer_value(json_object_get(row, "to_seq")) == 42);
	json_decref(items);
	CHECK(cg_store_mispdeliv_list(st, NULL, false, 10, &items) == CG_OK &&
	      json_array_size(items) == 3);
	json_decref(items);
	CHECK(cg_store_mispdeliv_list(st, NULL, false, 0, &items) == CG_EINVAL);
	done(st);
}

TEST(fwd_cursors)
{
	cg_store *st = fresh();
	int64_t cur = -1;
	CHECK(cg_store_fwd_cursor(st, "soc", &cur) == CG_OK && cur == 0);
	CHECK(cg_store_fwd_cursor(st, "", &cur) == CG_EINVAL);
	cg_event evs[5];
	cg_event_in in[5];
	char id[16];
	for (int i = 0; i < 5; i++) {
		snprintf(id, sizeof id, "f%d", i);
		mk_event(&evs[i], id, i, "web");
		in[i] = (cg_event_in){.ev = &evs[i]};
	}
	size_t acc, dup;
	CHECK(cg_store_events_insert(st, in, 5, cg_time_now_ms(), &acc, &dup) == CG_OK && acc == 5);
	json_t *items = NULL;
	int64_t upto = 0;
	CHECK(cg_store_events_after(st, 0, 3, &items, &upto) == CG_OK);
	CHECK(json_array_size(items) == 3);
	int64_t third = json_integer_value(json_object_get(json_array_get(items, 2), "seq"));
	CHECK(upto == third);
	CHECK_STR(json_string_value(json_object_get(json_array_get(items, 0), "id")), "f0");
	json_decref(items);
	CHECK(cg_store_fwd_error(st, "soc", "connect: refused", 1000) == CG_OK);
	CHECK(cg_store_fwd_advance(st, "soc", 0, third, 3, 2000) == CG_OK);
	/* a second sender that read the old cursor cannot move it */
	CHECK(cg_store_fwd_advance(st, "soc", 0, third + 1, 1, 2000) == CG_ECONFLICT);
	CHECK(cg_store_fwd_error(st, "soc", "write: reset", 3000) == CG_OK);
	json_t *list = NULL;
	CHECK(cg_store_fwd_list(st, &list) == CG_OK && json_array_size(list) == 1);
	json_t *row = json_array_get(list, 0);
	CHECK(json_integer_value(json_object_get(row, "last_seq")) == third);
	CHECK(json_integer_value(json_object_get(row, "sent")) == 3);
	CHECK(json_integer_value(json_object_get(row, "backlog")) == 2);
	CHECK_STR(json_string_value(json_object_get(row, "last_error")), "write: reset");
	json_decref(list);
	CHECK(cg_store_events_after(st, third, 100, &items, &upto) == CG_OK);
	CHECK(json_array_size(items) == 2 && upto > third);
	json_decref(items);
	/* nothing after the newest: the cursor may stay where it is */
	CHECK(cg_store_events_after(st, upto, 100, &items, &upto) == CG_OK);
	CHECK(json_array_size(items) == 0);
	json_decref(items);
	CHECK(cg_store_fwd_cursor(st, "soc", &cur) == CG_OK && cur == third);
	for (int i = 0; i < 5; i++)
		cg_event_clear(&evs[i]);

	/* writers inserting at once while a reader follows: every event is
	 * read once, in seq order (on PostgreSQL seqs may commit out of
	 * order; the reader must not move past one still being inserted) */
	int64_t start = 0, seen = 0;
	CHECK(cg_store_events_after(st, 0, 100000, &items, &start) == CG_OK);
	json_decref(items);
	int64_t rc = start;
	pthread_t th[FWD_WRITERS];
	fwd_writer w[FWD_WRITERS];
	for (int i = 0; i < FWD_WRITERS; i++) {
		w[i] = (fwd_writer){st, i};
		pthread_create(&th[i], NULL, fwd_write, &w[i]);
	}
	for (int k = 0; k < 200 && seen < FWD_WRITERS * FWD_BATCHES * FWD_BATCH; k++)
		if (fwd_drain(st, &rc, 7, &seen) < 0)
			break;
	for (int i = 0; i < FWD_WRITERS; i++)
		pthread_join(th[i], NULL);
	while (fwd_drain(st, &rc, 1000, &seen) > 0)
		;
	if (seen != FWD_WRITERS * FWD_BATCHES * FWD_BATCH)
		printf("# seen %lld\n", (long long)seen);
	CHECK(seen == FWD_WRITERS * FWD_BATCHES * FWD_BATCH);
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

static int64_t open_total(cg_store *st, const cg_scope *scope)
{
	json_t *ov = NULL;
	int64_t n = -1;
	if (cg_fig_overview(st, scope, NULL, cg_time_now_ms(), &ov) == CG_OK)
		n = json_integer_value(
		    json_object_get(json_object_get(ov, "totals"), "open_total"));
	json_decref(ov);
	return n;
}

static const char *state_of(cg_store *st, int64_t seq)
{
	static char buf[32];
	json_t *e = NULL;
	buf[0] = '\0';
	if (cg_store_event_get(st, &ALL, seq, &e) == CG_OK)
		snprintf(buf, sizeof buf, "%s", cg_json_get_str(e, "state"));
	json_decref(e);
	return buf;
}

/* Triage: state, assignee and note beside the event; all or none within
 * the scope; audited; "chưa xử lý" on the overview falls as events leave
 * `new` and only then. */
TEST(events_triage)
{
	cg_store *st = fresh();
	int64_t a = mk_agency(st, "A", "a"), b = mk_agency(st, "B", "b");
	cg_event evs[4];
	cg_event_in in[4];
	for (int i = 0; i < 4; i++) {
		char id[16];
		snprintf(id, sizeof id, "t-%d", i);
		mk_event(&evs[i], id, 4, "web");
		evs[i].time_ms = cg_time_now_ms();
		in[i] = (cg_event_in){.ev = &evs[i], .agency_id = i < 3 ? a : b};
	}
	size_t acc, dup;
	CHECK(cg_store_events_insert(st, in, 4, cg_time_now_ms(), &acc, &dup) == CG_OK && acc == 4);
	CHECK(open_total(st, &ALL) == 4);
	CHECK_STR(state_of(st, 1), "new");
	cg_scope sa = {a};
	CHECK(open_total(st, &sa) == 3);
	/* one event of A acknowledged with an assignee and a note */
	int64_t one[] = {1};
	cg_triage_set ack = {.state = "acknowledged", .assignee = "lan", .note = "Đã xem"};
	CHECK(cg_store_events_triage(st, &sa, &ACTOR, one, 1, &ack, 1000) == CG_OK);
	json_t *e = NULL;
	CHECK(cg_store_event_get(st, &ALL, 1, &e) == CG_OK);
	CHECK_STR(cg_json_get_str(e, "state"), "acknowledged");
	CHECK_STR(cg_json_get_str(e, "assignee"), "lan");
	CHECK_STR(cg_json_get_str(e, "note"), "Đã xem");
	CHECK_STR(cg_json_get_str(e, "triaged_by"), "test");
	json_decref(e);
	CHECK(open_total(st, &ALL) == 3 && open_total(st, &sa) == 2);
	/* a note alone keeps the state and the assignee */
	cg_triage_set note = {.note = "Chờ đơn vị"};
	CHECK(cg_store_events_triage(st, &ALL, &ACTOR, one, 1, &note, 2000) == CG_OK);
	CHECK(cg_store_event_get(st, &ALL, 1, &e) == CG_OK);
	CHECK_STR(cg_json_get_str(e, "state"), "acknowledged");
	CHECK_STR(cg_json_get_str(e, "assignee"), "lan");
	CHECK_STR(cg_json_get_str(e, "note"), "Chờ đơn vị");
	json_decref(e);
	/* A's scope naming B's event: nothing changes, not even A's own */
	int64_t mixed[] = {2, 4};
	cg_triage_set fp = {.state = "false_positive"};
	CHECK(cg_store_events_triage(st, &sa, &ACTOR, mixed, 2, &fp, 3000) == CG_ENOTFOUND);
	CHECK_STR(state_of(st, 2), "new");
	CHECK_STR(state_of(st, 4), "new");
	int64_t missing[] = {2, 99};
	CHECK(cg_store_events_triage(st, &ALL, &ACTOR, missing, 2, &fp, 3000) == CG_ENOTFOUND);
	CHECK_STR(state_of(st, 2), "new");
	/* bulk, then back to new: counted as open again */
	CHECK(cg_store_events_triage(st, &ALL, &ACTOR, mixed, 2, &fp, 4000) == CG_OK);
	CHECK(open_total(st, &ALL) == 1);
	cg_triage_set back = {.state = "new", .assignee = ""};
	CHECK(cg_store_events_triage(st, &ALL, &ACTOR, one, 1, &back, 5000) == CG_OK);
	CHECK(open_total(st, &ALL) == 2);
	CHECK(cg_store_event_get(st, &ALL, 1, &e) == CG_OK);
	CHECK(json_is_null(json_object_get(e, "assignee")));
	json_decref(e);
	/* lists carry the state too */
	cg_event_query q = {.limit = 10};
	json_t *items = NULL;
	int64_t next;
	CHECK(cg_store_events_query(st, &ALL, &q, &items, &next) == CG_OK);
	int newc = 0;
	size_t i;
	json_array_foreach(items, i, e) newc += cg_triage_is_open(cg_json_get_str(e, "state"));
	CHECK(newc == open_total(st, &ALL));
	json_decref(items);
	/* the state filter agrees with the overview ("chưa xử lý" = new) */
	q.state = "new";
	CHECK(cg_store_events_query(st, &ALL, &q, &items, &next) == CG_OK);
	CHECK((int64_t)json_array_size(items) == open_total(st, &ALL));
	json_decref(items);
	q.state = "false_positive";
	CHECK(cg_store_events_query(st, &sa, &q, &items, &next) == CG_OK);
	CHECK(json_array_size(items) == 1);
	CHECK(json_integer_value(json_object_get(json_array_get(items, 0), "seq")) == 2);
	json_decref(items);
	q.state = "acknowledged";
	q.q = "summary";
	CHECK(cg_store_events_query(st, &ALL, &q, &items, &next) == CG_OK);
	CHECK(json_array_size(items) == 0);
	json_decref(items);
	/* every change audited: 5 (1 + note + 2 bulk + back), none for the refused */
	int64_t total = 0;
	CHECK(cg_store_audit_list(st, "test", 0, 50, 0, &items, &total) == CG_OK);
	int triage = 0;
	json_array_foreach(items, i, e) triage +=
	    strcmp(cg_json_get_str(e, "action"), "triage") == 0;
	CHECK(triage == 5);
	json_decref(items);
	for (int k = 0; k < 4; k++)
		cg_event_clear(&evs[k]);
	done(st);
}

/* Suppression rules: later events of the same source, kind, subject and
 * agency are stored and triaged false_positive until the rule expires or
 * is revoked; others are untouched. */
TEST(suppressions)
{
	cg_store *st = fresh();
	int64_t a = mk_agency(st, "A", "a"), b = mk_agency(st, "B", "b");
	int64_t now = cg_time_now_ms();
	json_t *rule = json_pack("{s:s,s:s,s:s,s:I,s:s}", "source", "web", "kind", "k", "subject",
	                         "https://x.example/", "agency_id", (json_int_t)a, "note", "thử");
	int64_t r1 = 0, r2 = 0;
	CHECK(cg_store_suppression_create(st, &ACTOR, rule, now + 3600000, now, &r1) == CG_OK);
	json_object_set_new(rule, "subject", json_string("https://old.example/"));
	CHECK(cg_store_suppression_create(st, &ACTOR, rule, now - 1, now - 10, &r2) == CG_OK);
	json_decref(rule);
	cg_scope sa = {a}, sb = {b};
	json_t *items = NULL;
	CHECK(cg_store_suppressions_list(st, &ALL, true, 0, now, &items) == CG_OK);
	CHECK(json_array_size(items) == 1 &&
	      json_integer_value(json_object_get(json_array_get(items, 0), "id")) == r1);
	json_decref(items);
	CHECK(cg_store_suppressions_list(st, &sa, false, 0, now, &items) == CG_OK);
	CHECK(json_array_size(items) == 2);
	json_decref(items);
	CHECK(cg_store_suppressions_list(st, &sb, false, 0, now, &items) == CG_OK);
	CHECK(json_array_size(items) == 0);
	json_decref(items);
	CHECK(cg_store_suppressions_list(st, &sa, false, r2, now, &items) == CG_OK);
	CHECK(json_array_size(items) == 1 &&
	      json_integer_value(json_object_get(json_array_get(items, 0), "id")) == r2);
	json_decref(items);
	/* 1 covered; 2 another agency; 3 another subject; 4 the expired rule's */
	static const char *const subj[] = {"https://x.example/", "https://x.example/",
	                                   "https://y.example/", "https://old.example/"};
	cg_event evs[4];
	cg_event_in in[4];
	for (int i = 0; i < 4; i++) {
		char id[16];
		snprintf(id, sizeof id, "s-%d", i);
		mk_event(&evs[i], id, 3, "web");
		cg_event_set(&evs[i], CG_EV_SUBJECT, cg_slice_cstr(subj[i]));
		evs[i].time_ms = now;
		in[i] = (cg_event_in){.ev = &evs[i], .agency_id = i == 1 ? b : a, .producer = "p"};
	}
	size_t acc, dup;
	CHECK(cg_store_events_insert(st, in, 4, now, &acc, &dup) == CG_OK && acc == 4);
	CHECK_STR(state_of(st, 1), "false_positive");
	CHECK_STR(state_of(st, 2), "new");
	CHECK_STR(state_of(st, 3), "new");
	CHECK_STR(state_of(st, 4), "new");
	json_t *e = NULL;
	CHECK(cg_store_event_get(st, &ALL, 1, &e) == CG_OK);
	char by[48];
	snprintf(by, sizeof by, "system:suppression:%lld", (long long)r1);
	CHECK_STR(cg_json_get_str(e, "triaged_by"), by);
	json_decref(e);
	/* B's scope cannot revoke A's rule; A's can, once */
	CHECK(cg_store_suppression_revoke(st, &sb, &ACTOR, r1, now) == CG_ENOTFOUND);
	CHECK(cg_store_suppression_revoke(st, &sa, &ACTOR, r1, now) == CG_OK);
	CHECK(cg_store_suppression_revoke(st, &sa, &ACTOR, r1, now) == CG_ENOTFOUND);
	snprintf(evs[0].id, sizeof evs[0].id, "s-again");
	CHECK(cg_store_events_insert(st, in, 1, now, &acc, &dup) == CG_OK && acc == 1);
	CHECK_STR(state_of(st, 5), "new");
	for (int k = 0; k < 4; k++)
		cg_event_clear(&evs[k]);
	done(st);
}

/* Incident cases: numbers in order per year, the scope, a change refused
 * when the case moved since it was read, linked events in_incident, the
 * timeline and the audit. */
TEST(incidents)
{
	cg_store *st = fresh();
	int64_t a = mk_agency(st, "A", "a"), b = mk_agency(st, "B", "b");
	cg_scope sa = {a}, sb = {b};
	int64_t now = cg_time_now_ms();
	json_t *rec = json_pack("{s:s,s:s,s:s,s:I,s:[],s:s}", "title", "Cổng bị thay giao diện",
	                        "kind", "defacement", "severity", "critical", "agency_id",
	                        (json_int_t)a, "system_ids", "state", "new");
	int64_t c1 = 0, c2 = 0, c3 = 0;
	cg_inc_write w = {.year = 2026, .rec = rec, .what = "created"};
	CHECK(cg_store_incident_write(st, &sa, &ACTOR, &w, now, &c1) == CG_OK && c1 > 0);
	CHECK(cg_store_incident_write(st, &ALL, &ACTOR, &w, now, &c2) == CG_OK);
	CHECK(cg_store_incident_write(st, &sb, &ACTOR, &w, now, &c3) == CG_EPERM && !c3);
	w.year = 2027;
	CHECK(cg_store_incident_write(st, &ALL, &ACTOR, &w, now, &c3) == CG_OK);
	json_t *o = NULL;
	CHECK(cg_store_incident_get(st, &ALL, c2, &o) == CG_OK);
	CHECK_STR(cg_json_get_str(o, "number"), "SC-2026-0002");
	CHECK_STR(cg_json_get_str(o, "title"), "Cổng bị thay giao diện");
	json_decref(o);
	CHECK(cg_store_incident_get(st, &ALL, c3, &o) == CG_OK);
	CHECK_STR(cg_json_get_str(o, "number"), "SC-2027-0001");
	json_decref(o);
	CHECK(cg_store_incident_get(st, &sb, c1, &o) == CG_ENOTFOUND);
	/* an event of A linked: in_incident */
	cg_event ev;
	mk_event(&ev, "inc-ev", 4, "web");
	ev.time_ms = now;
	cg_event_in in = {.ev = &ev, .agency_id = a};
	size_t acc, dup;
	CHECK(cg_store_events_insert(st, &in, 1, now, &acc, &dup) == CG_OK && acc == 1);
	cg_event_clear(&ev);
	int64_t seq = 1;
	json_object_set_new(rec, "state", json_string("triage"));
	cg_inc_write up = {
	    .id = c1, .expect_state = "new", .rec = rec, .link = &seq, .nlink = 1, .what = "state"};
	CHECK(cg_store_incident_write(st, &sb, &ACTOR, &up, now, &c3) == CG_ENOTFOUND);
	CHECK(cg_store_incident_write(st, &sa, &ACTOR, &up, now, &c3) == CG_OK && c3 == c1);
	CHECK_STR(state_of(st, 1), "in_incident");
	/* read in "new" again by a slower writer: refused, nothing changed */
	json_object_set_new(rec, "state", json_string("rejected"));
	up.nlink = 0;
	CHECK(cg_store_incident_write(st, &sa, &ACTOR, &up, now, &c3) == CG_ECONFLICT);
	json_t *note = json_pack("{s:s}", "text", "Đã gọi đơn vị");
	cg_inc_write com = {.id = c1, .what = "comment", .detail = note};
	CHECK(cg_store_incident_write(st, &sa, &ACTOR, &com, now, &c3) == CG_OK);
	json_decref(note);
	CHECK(cg_store_incident_get(st, &sa, c1, &o) == CG_OK);
	CHECK_STR(cg_json_get_str(o, "state"), "triage");
	CHECK(json_array_size(json_object_get(o, "events")) == 1);
	json_t *tl = json_object_get(o, "timeline");
	CHECK(json_array_size(tl) == 3);
	CHECK_STR(cg_json_get_str(json_array_get(tl, 2), "what"), "comment");
	CHECK_STR(cg_json_get_str(json_object_get(json_array_get(tl, 2), "detail"), "text"),
	          "Đã gọi đơn vị");
	json_decref(o);
	json_t *items = NULL;
	int64_t total = 0;
	CHECK(cg_store_incidents_list(st, &ALL, NULL, 10, 0, &items, &total) == CG_OK);
	CHECK(total == 3 && json_array_size(items) == 3);
	json_decref(items);
	CHECK(cg_store_incidents_list(st, &sa, "triage", 10, 0, &items, &total) == CG_OK);
	CHECK(total == 1 && json_array_size(items) == 1);
	json_decref(items);
	CHECK(cg_store_incidents_list(st, &sb, NULL, 10, 0, &items, &total) == CG_OK);
	CHECK(total == 0 && json_array_size(items) == 0);
	json_decref(items);
	json_decref(rec);
	done(st);
}

/* A case follows its playbook (playbook/apply.h). The store has no
 * transaction spanning the tasks and the case record, so the apply is
 * idempotent: after a crash between its two writes (the tasks written,
 * the record not), the next apply takes the tasks already there as the
 * steps' and adds none. */
static int64_t pb_case(cg_store *st, const char *kind)
{
	int64_t a = mk_agency(st, "Sở A", "pba"), id = 0;
	json_t *rec = json_pack("{s:s,s:s,s:s,s:I,s:[],s:s}", "title", "Cổng bị thay giao diện",
	                        "kind", kind, "severity", "critical", "agency_id", (json_int_t)a,
	                        "system_ids", "state", "new");
	cg_inc_write w = {.year = 2026, .rec = rec, .what = "created"};
	CHECK(cg_store_incident_write(st, &ALL, &ACTOR, &w, cg_time_now_ms(), &id) == CG_OK);
	json_decref(rec);
	return id;
}

static size_t pb_n_tasks(cg_store *st, int64_t id)
{
	json_t *t = NULL;
	CHECK(cg_store_incident_tasks(st, id, &t) == CG_OK);
	size_t n = json_array_size(t);
	json_decref(t);
	return n;
}

/* Every step of the case's playbook names a distinct task of the case. */
static bool pb_steps_map_tasks(cg_store *st, int64_t id, size_t want)
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

TEST(playbook_apply_after_crash)
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
	int64_t c1 = pb_case(st, "defacement");
	const cg_playbook *f = NULL;
	CHECK(cg_playbook_apply(st, &books, &ACTOR, c1, now, &f) == CG_OK && f == pb);
	CHECK(pb_n_tasks(st, c1) == (size_t)pb->n_step && pb_steps_map_tasks(st, c1, pb->n_step));
	CHECK(cg_playbook_apply(st, &books, &ACTOR, c1, now, &f) == CG_OK);
	CHECK(pb_n_tasks(st, c1) == (size_t)pb->n_step);

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
	CHECK(pb_n_tasks(st, c2) == (size_t)pb->n_step);
	CHECK(cg_playbook_apply(st, &books, &ACTOR, c2, now, &f) == CG_OK && f == pb);
	/* the steps' tasks were recognised, the last one added, the own one kept */
	CHECK(pb_n_tasks(st, c2) == (size_t)pb->n_step + 1);
	CHECK(pb_steps_map_tasks(st, c2, pb->n_step));
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

/* The public report form: challenges are single use, expire, and count
 * towards the address's limit within the window; a report's tracking
 * state is found by its code only. */
TEST(public_reports)
{
	cg_store *st = fresh();
	CHECK(st != NULL);
	if (!st)
		return;
	const int64_t now = 1800000000000, hour = 3600000;
	char id[8];
	for (int i = 0; i < 3; i++) {
		snprintf(id, sizeof id, "c%d", i);
		CHECK(cg_store_challenge_issue(st, id, "10.0.0.1", now + i, now + 600000, hour, 3) ==
		      CG_OK);
	}
	/* the fourth in the hour is refused, another address is not */
	CHECK(cg_store_challenge_issue(st, "c3", "10.0.0.1", now + 5, now + 600000, hour, 3) ==
	      CG_ELIMIT);
	CHECK(cg_store_challenge_issue(st, "d0", "10.0.0.2", now + 5, now + 600000, hour, 3) ==
	      CG_OK);
	/* single use */
	CHECK(cg_store_challenge_consume(st, "c0", now + 10) == CG_OK);
	CHECK(cg_store_challenge_consume(st, "c0", now + 11) == CG_ENOTFOUND);
	CHECK(cg_store_challenge_consume(st, "nope", now + 11) == CG_ENOTFOUND);
	/* expired */
	CHECK(cg_store_challenge_consume(st, "c1", now + 600001) == CG_ENOTFOUND);
	CHECK(cg_store_challenge_consume(st, "c2", now + 600000) == CG_OK);
	/* an hour later the address may take challenges again */
	CHECK(cg_store_challenge_issue(st, "c4", "10.0.0.1", now + hour + 3, now + hour + 600000,
				       hour, 3) == CG_OK);

	json_t *rec = json_pack("{s:s,s:s,s:I,s:I,s:s,s:[{s:s,s:i,s:s}]}", "code", "BC-ABCDEFGHJK",
				"state", "received", "created", (json_int_t)now, "agency_id",
				(json_int_t)0, "event_id", "e1", "screenshots", "sha256", "ab",
				"size", 3, "type", "image/png");
	CHECK(cg_store_public_report_add(st, rec) == CG_OK);
	CHECK(cg_store_public_report_add(st, rec) == CG_ECONFLICT);
	json_decref(rec);
	json_t *o = NULL;
	CHECK(cg_store_public_report_get(st, "BC-ABCDEFGHJK", &o) == CG_OK);
	CHECK_STR(cg_json_get_str(o, "state"), "received");
	CHECK(json_integer_value(json_object_get(o, "created")) == now);
	CHECK(json_object_size(o) == 4);
	json_decref(o);
	CHECK(cg_store_public_report_get(st, "BC-2222222222", &o) == CG_ENOTFOUND);
	done(st);
}

/* Drills: stored with their system's agency, listed within scope, the
 * latest per system, and the library's list of level 3+ systems lacking
 * one in the last 12 months (drill/drill.h) at a fixed clock. */
TEST(drills)
{
	cg_store *st = fresh();
	CHECK(st != NULL);
	if (!st)
		return;
	int64_t a = mk_agency(st, "A", "a"), b = 0;
	json_t *rb =
	    json_pack("{s:s,s:s,s:n,s:s,s:[s],s:i}", "name", "B", "kind", "xa", "parent_id", "code",
	              "b", "ip_ranges", "10.9.0.0/16", "declared_endpoints", 1);
	CHECK(cg_store_inv_create(st, &ALL, &ACTOR, CG_RES_AGENCY, rb, &b) == CG_OK);
	json_decref(rb);
	int64_t sys[3];
	const int64_t owner[3] = {a, a, b};
	const int level[3] = {3, 2, 4};
	for (int i = 0; i < 3; i++) {
		json_t *r = system_rec(owner[i], i == 0 ? "s0" : i == 1 ? "s1" : "s2");
		json_object_set_new(r, "level", json_integer(level[i]));
		CHECK(cg_store_inv_create(st, &ALL, &ACTOR, CG_RES_SYSTEM, r, &sys[i]) == CG_OK);
		json_decref(r);
	}
	/* 2028-03-01T03:00Z: in Vietnam 1 March 2028, so a drill counts from
	 * 2027-03-01 on (2028 is a leap year: 29 Feb is not "a year ago") */
	const int64_t now = 1835492400000LL;
	char since[11];
	cg_drill_since(now, since);
	CHECK_STR(since, "2027-03-01");
	cg_drill_since(1835406000000LL, since); /* 29 Feb 2028, 10:00 in Vietnam */
	CHECK_STR(since, "2027-02-28");
	cg_drill_since(1835370000000LL, since); /* 29 Feb 2028 00:00 +07 */
	CHECK_STR(since, "2027-02-28");
	/* the body: exactly these fields, nothing else kept; bad ones named */
	const char *bf = NULL;
	json_t *in = json_pack("{s:i,s:s,s:s,s:s,s:s,s:s}", "system_id", 5, "date", "2028-02-29",
	                       "scenario", "<b>x</b>", "participants", "y", "result", "failed",
	                       "agency_id", "9"),
	       *norm = NULL;
	CHECK(cg_drill_normalize(in, now, &norm, &bf) == CG_OK && json_object_size(norm) == 6);
	CHECK(json_object_get(norm, "agency_id") == NULL);
	CHECK_STR(cg_json_get_str(norm, "scenario"), "<b>x</b>");
	json_decref(norm);
	json_object_set_new(in, "date", json_string("2028-03-02")); /* tomorrow in Vietnam */
	CHECK(cg_drill_normalize(in, now, &norm, &bf) == CG_EINVAL && strcmp(bf, "date") == 0);
	json_object_set_new(in, "date", json_string("2027-02-29"));
	CHECK(cg_drill_normalize(in, now, &norm, &bf) == CG_EINVAL && strcmp(bf, "date") == 0);
	json_decref(in);
	json_t *miss = NULL;
	CHECK(cg_drill_missing(st, &ALL, now, &miss) == CG_OK);
	CHECK(json_array_size(miss) == 2); /* s0 (level 3) and s2 (level 4) */
	json_decref(miss);

	const char *dates[3] = {"2027-02-28", "2027-03-01", "2026-01-01"};
	const int64_t on[3] = {sys[0], sys[2], sys[0]};
	for (int i = 0; i < 3; i++) {
		json_t *d = json_pack("{s:I,s:s,s:s,s:s,s:s,s:s}", "system_id", (json_int_t)on[i],
		                      "date", dates[i], "scenario", "x", "participants", "y",
		                      "result", "passed", "findings", "");
		int64_t id = 0;
		CHECK(cg_store_drill_create(st, &ALL, &ACTOR, d, &id) == CG_OK && id > 0);
		json_decref(d);
	}
	/* an officer of agency a cannot file one on b's system; no system: unknown */
	cg_scope sa = {a};
	json_t *d =
	    json_pack("{s:I,s:s,s:s,s:s,s:s}", "system_id", (json_int_t)sys[2], "date",
	              "2027-05-05", "scenario", "x", "participants", "y", "result", "failed");
	int64_t id = 0;
	CHECK(cg_store_drill_create(st, &sa, &ACTOR, d, &id) == CG_EPERM);
	json_object_set_new(d, "system_id", json_integer(999999));
	CHECK(cg_store_drill_create(st, &ALL, &ACTOR, d, &id) == CG_EINVAL);
	const char *vf = NULL;
	CHECK(cg_store_last_violation(&vf) == CG_VIOL_UNKNOWN && vf &&
	      strcmp(vf, "system_id") == 0);
	json_decref(d);

	json_t *items = NULL;
	int64_t total = 0;
	CHECK(cg_store_drill_list(st, &ALL, 0, 10, 0, &items, &total) == CG_OK && total == 3);
	CHECK_STR(cg_json_get_str(json_array_get(items, 0), "date"), "2027-03-01");
	json_decref(items);
	CHECK(cg_store_drill_list(st, &sa, 0, 10, 0, &items, &total) == CG_OK && total == 2);
	json_decref(items);
	CHECK(cg_store_drill_list(st, &ALL, sys[2], 10, 0, &items, &total) == CG_OK && total == 1);
	json_decref(items);
	json_t *latest = NULL;
	CHECK(cg_store_drill_latest(st, &sa, &latest) == CG_OK && json_object_size(latest) == 1);
	json_decref(latest);

	/* s0's last drill (28 Feb 2027) is one day too old; s2's counts */
	CHECK(cg_drill_missing(st, &ALL, now, &miss) == CG_OK);
	CHECK(json_array_size(miss) == 1);
	CHECK(json_integer_value(json_object_get(json_array_get(miss, 0), "system_id")) == sys[0]);
	CHECK_STR(cg_json_get_str(json_array_get(miss, 0), "last_drill"), "2027-02-28");
	json_decref(miss);
	/* a day earlier, 28 Feb 2027 still counts */
	CHECK(cg_drill_missing(st, &ALL, now - 86400000LL, &miss) == CG_OK);
	CHECK(json_array_size(miss) == 0);
	json_decref(miss);
	/* in agency b's scope only b's systems */
	cg_scope sb = {b};
	CHECK(cg_drill_missing(st, &sb, now + 400LL * 86400000LL, &miss) == CG_OK);
	CHECK(json_array_size(miss) == 1);
	json_decref(miss);
	done(st);
}

/* Periodic reports: one per (kind, period, agency, language), put again
 * replaces it; listed newest first within scope (an officer sees its
 * agency's reports, not the province's). */
TEST(reports)
{
	cg_store *st = fresh();
	CHECK(st != NULL);
	if (!st)
		return;
	int64_t a = mk_agency(st, "A", "a");
	const char *hex = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
	json_t *prov =
	    json_pack("{s:s,s:s,s:i,s:s,s:{s:{s:s,s:i,s:n,s:i}},s:s,s:n}", "kind", "monthly",
	              "period", "2026-11", "agency_id", 0, "lang", "vi", "files", "pdf", "blob",
	              hex, "size", 1234, "p7s", "p7s_size", 0, "created_by", "job", "signed_by");
	int64_t id1 = 0, id2 = 0, id3 = 0, found = 0;
	CHECK(cg_store_report_find(st, "monthly", "2026-11", 0, "vi", &found) == CG_ENOTFOUND);
	CHECK(cg_store_report_put(st, prov, 1000, &id1) == CG_OK && id1 > 0);
	CHECK(cg_store_report_find(st, "monthly", "2026-11", 0, "vi", &found) == CG_OK &&
	      found == id1);
	CHECK(cg_store_report_find(st, "monthly", "2026-11", 0, "en", &found) == CG_ENOTFOUND);
	/* made again: replaced, same id, new signer */
	json_object_set_new(prov, "signed_by", json_string("CN=Trần Thị Bình"));
	json_object_set_new(prov, "created_by", json_string("user:admin"));
	CHECK(cg_store_report_put(st, prov, 2000, &id2) == CG_OK && id2 == id1);
	json_t *own = json_deep_copy(prov);
	json_object_set_new(own, "agency_id", json_integer(a));
	CHECK(cg_store_report_put(st, own, 3000, &id3) == CG_OK && id3 != id1);
	json_object_del(own, "files");
	CHECK(cg_store_report_put(st, own, 3000, &found) == CG_EINVAL);
	json_decref(own);
	json_decref(prov);

	json_t *items = NULL, *r = NULL;
	int64_t total = 0;
	CHECK(cg_store_reports_list(st, &ALL, 10, 0, &items, &total) == CG_OK && total == 2 &&
	      json_array_size(items) == 2);
	CHECK(json_integer_value(json_object_get(json_array_get(items, 0), "id")) == id3);
	json_decref(items);
	cg_scope sa = {a}, none = {-1};
	CHECK(cg_store_reports_list(st, &sa, 10, 0, &items, &total) == CG_OK && total == 1);
	json_decref(items);
	CHECK(cg_store_reports_list(st, &none, 10, 0, &items, &total) == CG_OK &&
	      json_array_size(items) == 0);
	json_decref(items);
	CHECK(cg_store_report_get(st, &sa, id1, &r) == CG_ENOTFOUND);
	CHECK(cg_store_report_get(st, &ALL, id1, &r) == CG_OK);
	CHECK_STR(cg_json_get_str(r, "signed_by"), "CN=Trần Thị Bình");
	CHECK_STR(cg_json_get_str(r, "created_by"), "user:admin");
	CHECK_STR(cg_json_get_str(r, "period"), "2026-11");
	CHECK_STR(cg_json_get_str(json_object_get(json_object_get(r, "files"), "pdf"), "blob"),
	          hex);
	CHECK(json_integer_value(json_object_get(
	          json_object_get(json_object_get(r, "files"), "pdf"), "size")) == 1234);
	json_decref(r);
	done(st);
}

/* The forwarder's rows (cg_store_event_rows_after) give the same CEF
 * messages as the records of cg_store_events_after, byte for byte: the
 * same fields, NULLs, times, severities, and text the store holds that is
 * not valid UTF-8 sanitized the same way. */
static cg_err rows_cef(void *ctx, const cg_fwd_row *r)
{
	return cg_syslog_cef_row(CG_FWD_TCP, "h", r, ctx);
}

TEST(fwd_rows_as_records)
{
	cg_store *st = fresh();
	static const char *const texts[] = {
	    "a|b=c\\d", "l1\r\nl2\nl3\rl4", "ctl\x01\x7f", "bad \xff\xfe utf8 \xc3", "Sở|bị=sửa",
	    "=", "\\", ""};
	enum { NT = sizeof texts / sizeof texts[0], N = 40 };
	cg_event evs[N];
	cg_event_in in[N];
	for (int i = 0; i < N; i++) {
		char id[16];
		snprintf(id, sizeof id, "r%d", i);
		mk_event(&evs[i], id, i % 5, i % 3 ? "web" : "dns");
		evs[i].time_ms = 1796259723004LL + i * 1000 + (i % 2);
		/* raw bytes, as a backend or an older version may hold them */
		char **f[] = {&evs[i].host, &evs[i].agency, &evs[i].subject, &evs[i].summary,
		              &evs[i].kind};
		for (size_t k = 0; k < sizeof f / sizeof f[0]; k++) {
			size_t pick = (size_t)(i * (int)(k + 2) + (int)k) % (NT + 1);
			if (pick == NT && k < 3) { /* NULL where the column may be */
				free(*f[k]);
				*f[k] = NULL;
			} else if (pick < NT && texts[pick][0]) {
				free(*f[k]);
				/* PostgreSQL refuses text that is not UTF-8:
				 * only SQLite can hold it */
				bool bad = strchr(texts[pick], '\xff') != NULL;
				*f[k] = strdup(bad && pg_admin ? "good utf8" : texts[pick]);
			}
		}
		in[i] = (cg_event_in){.ev = &evs[i]};
	}
	size_t acc = 0, dup = 0;
	CHECK(cg_store_events_insert(st, in, N, cg_time_now_ms(), &acc, &dup) == CG_OK && acc == N);
	json_t *items = NULL;
	int64_t upto_a = 0, upto_b = 0, n = 0;
	cg_buf a, b;
	cg_buf_init(&a, 1u << 20);
	cg_buf_init(&b, 1u << 20);
	CHECK(cg_store_events_after(st, 0, 1000, &items, &upto_a) == CG_OK);
	size_t i;
	json_t *ev;
	json_array_foreach(items, i, ev)
	    CHECK(cg_syslog_message(CG_FWD_CEF, CG_FWD_TCP, "h", ev, &a) == CG_OK);
	CHECK(cg_store_event_rows_after(st, 0, 1000, rows_cef, &b, &upto_b, &n) == CG_OK);
	CHECK(n == N && json_array_size(items) == N && upto_a == upto_b);
	if (n != N || json_array_size(items) != N)
		printf("# rows %lld, records %zu, upto %lld %lld: %s\n", (long long)n,
		       json_array_size(items), (long long)upto_a, (long long)upto_b,
		       cg_store_errmsg());
	CHECK(a.len > 0 && a.len == b.len && memcmp(a.ptr, b.ptr, a.len) == 0);
	if (a.len != b.len || memcmp(a.ptr, b.ptr, a.len) != 0)
		printf("# records:\n# %s\n# rows:\n# %s\n", cg_buf_cstr(&a), cg_buf_cstr(&b));
	/* limit and *upto as events_after: the last row's seq when full */
	cg_buf_reset(&b);
	CHECK(cg_store_event_rows_after(st, 0, 7, rows_cef, &b, &upto_b, &n) == CG_OK);
	CHECK(n == 7 && upto_b == json_integer_value(json_object_get(json_array_get(items, 6), "seq")));
	json_decref(items);
	cg_buf_free(&a);
	cg_buf_free(&b);
	for (int k = 0; k < N; k++)
		cg_event_clear(&evs[k]);
	done(st);
}

int main(void)
{
	const char *pg = getenv("CANHGAC_TEST_PG");
	for (int pass = 0; pass < 2; pass++) {
		if (pass == 1) {
			if (!pg || !*pg)
				break;
			pg_admin = pg;
		}
		RUN_ON(migrations_and_reopen);
		RUN_ON(inventory_scope);
		RUN_ON(audit_with_changes);
		RUN_ON(users_sessions_tokens);
		RUN_ON(events_dedup_and_query);
		RUN_ON(events_dedup_per_producer);
		RUN_ON(fwd_rows_as_records);
		RUN_ON(text_search);
		RUN_ON(events_triage);
		RUN_ON(suppressions);
		RUN_ON(incidents);
		RUN_ON(playbook_apply_after_crash);
		RUN_ON(jobs_claim_and_finish);
		RUN_ON(jobs_lease_expiry_takeover);
		RUN_ON(jobs_backoff);
		RUN_ON(jobs_trigger_during_run);
		RUN_ON(jobs_run_once_two_claimers);
		RUN_ON(web_findings);
		RUN_ON(alert_queue);
		RUN_ON(store_secret);
		RUN_ON(login_throttle);
		RUN_ON(login_throttle_no_eviction);
		RUN_ON(agent_registry);
		RUN_ON(agent_token_one_winner);
		RUN_ON(agent_token_max_uses);
		RUN_ON(dns_uploads);
		RUN_ON(public_reports);
		RUN_ON(drills);
		RUN_ON(reports);
		RUN_ON(fwd_cursors);
		RUN_ON(intel);
		RUN_ON(misp_deliveries);
		if (!pg_admin) /* SQLite only: a SQLite-file schema downgrade */
			RUN_ON(migration_backfill);
	}
	return test_done();
}
