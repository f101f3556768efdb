/*
 * demo_incidents.c - a few incident cases for the demo province, in
 * different states, so the incident pages are not empty on `make run`.
 * Each case is opened with api/incident.h's parser and moved along its
 * state machine by cg_inc_apply, exactly as the API does, and written
 * through the store (timeline and audit included). Each follows its
 * playbook (rules/playbooks/, playbook/apply.h) as the server's would,
 * with the steps a case that far along has done marked done. Seeded
 * once: a store that has any case already gets none.
 */
#include <stdio.h>
#include <string.h>

#include "api/incident.h"
#include "demo/demo.h"
#include "playbook/apply.h"
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

/* The first n of the case's playbook tasks marked done. */
static cg_err steps_done(cg_store *st, int64_t id, int n, int64_t now_ms)
{
	json_t *items = NULL;
	cg_err err = cg_store_incident_tasks(st, id, &items);
	size_t i;
	json_t *t;
	json_array_foreach(items, i, t)
	{
		if (err || (int)i >= n)
			break;
		json_t *rec = json_pack("{s:O,s:O,s:O,s:b}", "title", json_object_get(t, "title"),
		                        "assignee", json_object_get(t, "assignee"), "due_at",
		                        json_object_get(t, "due_at"), "done", 1);
		int64_t task = json_integer_value(json_object_get(t, "id"));
		err = cg_store_incident_task_put(st, id, rec, now_ms, &task);
		json_decref(rec);
	}
	json_decref(items);
	return err;
}

static cg_err seed_one(cg_store *st, const cg_playbooks *books, const demo_case *d, int64_t now_ms)
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
	const cg_playbook *pb = NULL;
	if (!err && books)
		err = cg_playbook_apply(st, books, &demo_actor, id, now_ms, &pb);
	json_t *cur = NULL;
	if (!err && pb && !(err = cg_store_incident_get(st, &province, id, &cur))) {
		json_decref(rec); /* the record as written, with its playbook */
		rec = cg_inc_record(cur);
		json_decref(cur);
	}
	int moves = 0;
	while (moves < 4 && d->path[moves])
		moves++;
	if (!err && pb && moves)
		err = steps_done(st, id, moves == 4 ? pb->n_step : moves + (moves > 2), now_ms);
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
	/* without the shipped playbooks the cases are seeded without tasks */
	cg_playbooks books;
	bool have = cg_playbooks_load_default(cg_inc_kinds, &books, NULL) == CG_OK;
	for (size_t i = 0; !err && i < sizeof CASES / sizeof *CASES; i++) {
		err = seed_one(st, have ? &books : NULL, &CASES[i], now_ms);
		*seeded += !err;
	}
	if (have)
		cg_playbooks_free(&books);
	return err;
}
