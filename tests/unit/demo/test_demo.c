/*
 * test_demo.c - the demo province tables hold together (every reference
 * names an agency, codes are unique, levels and dossier states are valid
 * and their dates follow the state, evidence is JSON, IP ranges are
 * private), seeding a real SQLite store is idempotent, the seeded
 * agencies pass the API's name and range collision rule, and the demo
 * admin is made by the user rules.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/buf.h"
#include "demo/demo.h"
#include "api/agencytable.h"
#include "api/inventory.h"
#include "store/store.h"
#include "../test.h"

static bool agency_known(const char *code)
{
	for (int i = 0; i < cg_demo_nagencies; i++)
		if (strcmp(cg_demo_agencies[i].code, code) == 0)
			return true;
	return false;
}

TEST(agency_codes_unique_and_parents_known)
{
	CHECK(cg_demo_nagencies >= 20);
	for (int i = 0; i < cg_demo_nagencies; i++) {
		for (int j = i + 1; j < cg_demo_nagencies; j++)
			CHECK(strcmp(cg_demo_agencies[i].code, cg_demo_agencies[j].code) != 0);
		CHECK(cg_inv_valid_agency_kind(cg_demo_agencies[i].kind));
		if (cg_demo_agencies[i].parent_code)
			CHECK(agency_known(cg_demo_agencies[i].parent_code));
	}
}

/* Only 10/8, 172.16/12 and 192.168/16: demo data must never name a
 * routable address. */
static bool private_cidr(const char *c)
{
	unsigned a = 0, b = 0;
	const char *p = c;
	while (*p >= '0' && *p <= '9')
		a = a * 10 + (unsigned)(*p++ - '0');
	if (*p++ != '.')
		return false;
	while (*p >= '0' && *p <= '9')
		b = b * 10 + (unsigned)(*p++ - '0');
	return a == 10 || (a == 172 && b >= 16 && b <= 31) || (a == 192 && b == 168);
}

TEST(ip_ranges_are_private)
{
	for (int i = 0; i < cg_demo_nagencies; i++) {
		json_t *l = cg_inv_split_list(cg_slice_cstr(cg_demo_agencies[i].ip_ranges));
		size_t k;
		json_t *v;
		CHECK(json_array_size(l) > 0);
		json_array_foreach(l, k, v) CHECK(private_cidr(json_string_value(v)));
		json_decref(l);
	}
	for (int i = 0; i < cg_demo_nsystems; i++) {
		if (!cg_demo_systems[i].ips)
			continue;
		json_t *l = cg_inv_split_list(cg_slice_cstr(cg_demo_systems[i].ips));
		size_t k;
		json_t *v;
		json_array_foreach(l, k, v) CHECK(private_cidr(json_string_value(v)));
		json_decref(l);
	}
}

static int dossier_rank(const char *s)
{
	static const char *order[] = {"none", "draft", "submitted", "appraised", "approved"};
	for (int i = 0; i < 5; i++)
		if (strcmp(order[i], s) == 0)
			return i;
	return -1;
}

TEST(systems_valid_and_dates_follow_status)
{
	CHECK(cg_demo_nsystems >= 40);
	for (int i = 0; i < cg_demo_nsystems; i++) {
		const cg_demo_system *s = &cg_demo_systems[i];
		CHECK(agency_known(s->agency_code));
		CHECK(cg_inv_valid_system_kind(s->kind));
		CHECK(cg_inv_valid_dossier(s->dossier_status));
		CHECK(s->level >= 1 && s->level <= 5);
		int rank = dossier_rank(s->dossier_status);
		for (int d = 0; d < 4; d++)
			CHECK((s->dates[d] != NULL) == (d < rank));
		for (int d = 1; d < rank; d++)
			CHECK(strcmp(s->dates[d - 1], s->dates[d]) <= 0);
	}
}

TEST(people_and_events_refer_to_agencies)
{
	for (int i = 0; i < cg_demo_npeople; i++)
		CHECK(agency_known(cg_demo_people[i].agency_code));
	CHECK(cg_demo_nevents <= CG_DEMO_MAX_EVENTS);
	for (int i = 0; i < cg_demo_nevents; i++) {
		const cg_demo_event *e = &cg_demo_events[i];
		CHECK(agency_known(e->agency_code));
		json_t *ev = json_loads(e->evidence_json, 0, NULL);
		CHECK(json_is_object(ev));
		json_decref(ev);
		for (int j = i + 1; j < cg_demo_nevents; j++)
			CHECK(strcmp(e->id, cg_demo_events[j].id) != 0);
	}
}

static bool has_word(const char *s, const char *w)
{
	return s && strcasestr(s, w) != NULL;
}

/* The demo is Lai Châu since 1 July 2025: no districts, the 38
 * commune-level units of Resolution 1670/NQ-UBTVQH15 (36 xã, 2 phường),
 * and information security under Sở Khoa học và Công nghệ. */
TEST(structure_after_2025_reform)
{
	int xa = 0, phuong = 0, skhcn = 0;
	bool tan_phong = false, doan_ket = false, mu_ca = false, ta_tong = false;
	for (int i = 0; i < cg_demo_nagencies; i++) {
		const cg_demo_agency *a = &cg_demo_agencies[i];
		CHECK(!has_word(a->name, "huyện") && !has_word(a->name, "thành phố"));
		CHECK(strcmp(a->kind, "huyen") != 0);
		/* the former department and its centre are gone since the 2025 merger */
		CHECK(!has_word(a->name, "Truyền thông"));
		skhcn += strcmp(a->name, "Sở Khoa học và Công nghệ") == 0;
		if (strcmp(a->kind, "xa") != 0)
			continue;
		if (strncmp(a->name, "UBND xã ", strlen("UBND xã ")) == 0)
			xa++;
		else if (strncmp(a->name, "UBND phường ", strlen("UBND phường ")) == 0)
			phuong++;
		else
			CHECK(!"a commune-level unit is a xã or a phường");
		tan_phong |= strcmp(a->name, "UBND phường Tân Phong") == 0;
		doan_ket |= strcmp(a->name, "UBND phường Đoàn Kết") == 0;
		mu_ca |= strcmp(a->name, "UBND xã Mù Cả") == 0;
		ta_tong |= strcmp(a->name, "UBND xã Tà Tổng") == 0;
	}
	CHECK(xa == 36);
	CHECK(phuong == 2);
	CHECK(tan_phong && doan_ket && mu_ca && ta_tong);
	CHECK(skhcn == 1);
	for (int i = 0; i < cg_demo_npeople; i++)
		CHECK(!has_word(cg_demo_people[i].title, "Truyền thông"));
	for (int i = 0; i < cg_demo_nsystems; i++) {
		const cg_demo_system *s = &cg_demo_systems[i];
		CHECK(!has_word(s->name, "huyện") && !has_word(s->urls, "huyen"));
	}
	for (int i = 0; i < cg_demo_npeople; i++)
		CHECK(!has_word(cg_demo_people[i].title, "huyện"));
	for (int i = 0; i < cg_demo_nevents; i++) {
		const cg_demo_event *e = &cg_demo_events[i];
		CHECK(!has_word(e->summary, "huyện") && !has_word(e->subject, "huyện") &&
		      !has_word(e->evidence_json, "huyện"));
	}
}

static int64_t count(cg_store *st, cg_resource r)
{
	const cg_scope all = {0};
	json_t *f = json_object(), *items = NULL;
	int64_t total = -1;
	if (cg_store_inv_list(st, &all, r, f, 1, 0, &items, &total))
		total = -1;
	json_decref(f);
	json_decref(items);
	return total;
}

TEST(seeding_is_idempotent)
{
	char dir[] = "/tmp/canhgac-test-demo.XXXXXX";
	CHECK(mkdtemp(dir) != NULL);
	cg_buf path, why;
	cg_buf_init(&path, 4096);
	cg_buf_init(&why, 4096);
	cg_buf_printf(&path, "%s/store.db", dir);
	cg_store *st = NULL;
	CHECK(cg_store_open(cg_buf_cstr(&path), &st, &why) == CG_OK);
	if (st == NULL) {
		printf("# %s\n", cg_buf_cstr(&why));
		return;
	}
	cg_demo_counts c1, c2;
	cg_err err = cg_demo_seed(st, 1763700000000, &c1, &why);
	if (err)
		printf("# %s\n", cg_buf_cstr(&why));
	CHECK(err == CG_OK);
	CHECK(c1.agencies == cg_demo_nagencies);
	CHECK(c1.systems == cg_demo_nsystems);
	CHECK(c1.people == cg_demo_npeople);
	CHECK(c1.events == cg_demo_nevents);
	CHECK(cg_demo_seed(st, 1763700600000, &c2, &why) == CG_OK);
	CHECK(c2.agencies == 0 && c2.systems == 0 && c2.people == 0 && c2.events == 0);
	/* the compliance evidence too, once */
	CHECK(c1.evidence > 0 && c2.evidence == 0);
	CHECK(count(st, CG_RES_AGENCY) == cg_demo_nagencies);
	CHECK(count(st, CG_RES_SYSTEM) == cg_demo_nsystems);
	CHECK(count(st, CG_RES_PERSON) == cg_demo_npeople);
	int64_t nev = 0;
	CHECK(cg_store_events_count(st, &nev) == CG_OK && nev == cg_demo_nevents + c1.evidence);
	/* issue 18.14: the demo's agencies pass the API's collision rule,
	 * strictly (no nested ranges either) */
	json_t *map = NULL;
	cg_agency_table *t = NULL;
	CHECK(cg_store_agency_map(st, &map) == CG_OK && cg_agency_table_build(map, &t) == CG_OK);
	size_t i;
	json_t *a;
	json_array_foreach(map, i, a)
	{
		cg_inv_error e;
		if (cg_agency_table_check(t, json_integer_value(json_object_get(a, "id")), a, NULL,
		                          false, &e) != CG_OK) {
			printf("# %s: %s\n", e.field, e.message);
			test_cur_failed = 1;
		}
	}
	cg_agency_table_release(t);
	json_decref(map);
	bool created = false;
	/* the admin is made by the user rules every user is made by */
	CHECK(cg_demo_ensure_admin(st, "bad name", "demo-password-123", &created) == CG_EINVAL &&
	      !created);
	CHECK(cg_demo_ensure_admin(st, "admin2", "short", &created) == CG_EINVAL && !created);
	CHECK(cg_demo_ensure_admin(st, "admin", "demo-password-123", &created) == CG_OK && created);
	CHECK(cg_demo_ensure_admin(st, "admin", "other-password-456", &created) == CG_OK &&
	      !created);
	cg_store_close(st);
	cg_buf_free(&path);
	cg_buf_free(&why);
	/* remove the store files */
	const char *suffix[] = {"store.db", "store.db-wal", "store.db-shm"};
	for (int i = 0; i < 3; i++) {
		cg_buf f;
		cg_buf_init(&f, 4096);
		cg_buf_printf(&f, "%s/%s", dir, suffix[i]);
		unlink(cg_buf_cstr(&f));
		cg_buf_free(&f);
	}
	rmdir(dir);
}

int main(void)
{
	RUN(agency_codes_unique_and_parents_known);
	RUN(ip_ranges_are_private);
	RUN(systems_valid_and_dates_follow_status);
	RUN(people_and_events_refer_to_agencies);
	RUN(structure_after_2025_reform);
	RUN(seeding_is_idempotent);
	return test_done();
}
