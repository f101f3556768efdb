/*
 * demo_incidents.c - a few incident cases for the demo province, in
 * different states, so the incident pages are not empty on `make run`.
 * Each case is opened with api/incident.h's parser and moved along its
 * state machine by cg_inc_apply, exactly as the API does, and written
 * through the store (timeline and audit included). Seeded once: a store
 * that has any case already gets none.
 */
#include <stdio.h>
#include <string.h>

#include "api/incident.h"
#include "demo/demo.h"
#include "store/store.h"

typedef struct demo_case {
	const char *title, *kind, *severity, *agency_code, *event_id, *owner;
	const char *path[4]; /* the states it is moved through, in order */
} demo_case;

static const demo_case CASES[] = {
    {"Trang TTĐT xã Mường Tè bị thay đổi giao diện",
     "defacement",
     "critical",
     "X-MUONGTE",
     "demo-web-0001",
     "admin",
     {"triage", "responding", "contained", NULL}},
    {"Web shell PHP trên trang thông tin xã Sìn Hồ",
     "webshell",
     "critical",
     "X-SINHO",
     "demo-mal-0001",
     "admin",
     {"triage", "responding", NULL}},
    {"Tài liệu có dấu mật trên máy nối mạng của Văn phòng UBND tỉnh",
     "secret_document",
     "high",
     "VP-UBND",
     NULL,
     NULL,
     {"triage", "responding", "contained", "closed"}},
    {"Nghi thư lừa đảo giả danh Sở Tài chính gửi cán bộ",
     "phishing",
     "medium",
     "STC",
     NULL,
     NULL,
     {NULL}},
};

static const cg_actor demo_actor = {"demo"};
static const cg_scope province = {0};

static cg_err seed_one(cg_store *st, const demo_case *d, int64_t now_ms)
{
	int64_t agency = 0;
	cg_err err = cg_store_agency_lookup(st, &province, d->agency_code, &agency);
	if (err)
		return err;
	json_t *body = json_pack("{s:s,s:s,s:s,s:I}", "title", d->title, "kind", d->kind,
	                         "severity", d->severity, "agency_id", (json_int_t)agency);
	if (d->owner)
		json_object_set_new(body, "owner", json_string(d->owner));
	json_t *rec = NULL;
	cg_inv_error e;
	err = cg_inc_parse_create(body, now_ms, &rec, &e);
	json_decref(body);
	if (err)
		return err;
	int64_t seq = 0, id = 0;
	if (d->event_id && cg_store_event_seq(st, "server:demo", d->event_id, &seq))
		seq = 0;
	json_t *detail = json_pack("{s:s}", "title", d->title);
	cg_inc_write w = {.year = cg_inc_year(now_ms),
	                  .rec = rec,
	                  .link = &seq,
	                  .nlink = seq ? 1 : 0,
	                  .what = "created",
	                  .detail = detail};
	err = cg_store_incident_write(st, &province, &demo_actor, &w, now_ms, &id);
	json_decref(detail);
	for (int i = 0; !err && i < 4 && d->path[i]; i++) {
		json_t *move = json_pack("{s:s}", "state", d->path[i]), *next = NULL;
		const char *what = NULL;
		char from[32];
		snprintf(from, sizeof from, "%s", cg_json_get_str(rec, "state"));
		err = cg_inc_apply(rec, move, now_ms, &next, &what, &e);
		if (!err) {
			json_object_set_new(move, "from", json_string(from));
			cg_inc_write u = {.id = id,
			                  .expect_state = from,
			                  .rec = next,
			                  .what = what,
			                  .detail = move};
			int64_t same = 0;
			err =
			    cg_store_incident_write(st, &province, &demo_actor, &u, now_ms, &same);
			json_decref(rec);
			rec = next;
		}
		json_decref(move);
	}
	json_decref(rec);
	return err;
}

cg_err cg_demo_seed_incidents(cg_store *st, int64_t now_ms, int *seeded)
{
	*seeded = 0;
	json_t *items = NULL;
	int64_t total = 0;
	cg_err err = cg_store_incidents_list(st, &province, NULL, 1, 0, &items, &total);
	json_decref(items);
	if (err || total > 0)
		return err;
	for (size_t i = 0; !err && i < sizeof CASES / sizeof *CASES; i++) {
		err = seed_one(st, &CASES[i], now_ms);
		*seeded += !err;
	}
	return err;
}
