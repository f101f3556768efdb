#!/usr/bin/env python3
"""Triage of events (issue 12 item 1): PATCH /api/v1/events/{id} and the
bulk POST /api/v1/events/triage; "chưa xử lý" is the state new, and the
overview's headline, the events list filtered by state=new and the
per-agency figures all say the same number as the team works; every
change is audited; the officer of another agency changes nothing."""
import datetime
import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(__file__))
from _serverlib import Server, Tap, event  # noqa: E402

t = Tap()
srv = Server()
try:
    admin = srv.login_admin()
    _, a1, _ = admin.req("POST", "/api/v1/agencies", {"name": "Sở Một", "kind": "so_ban_nganh", "code": "s1", "ip_ranges": ["10.1.0.0/16"]})
    _, a2, _ = admin.req("POST", "/api/v1/agencies", {"name": "Sở Hai", "kind": "so_ban_nganh", "code": "s2", "ip_ranges": ["10.2.0.0/16"]})
    for name, role, agency in (("lan", "analyst", None), ("o1", "officer", a1["id"]), ("o2", "officer", a2["id"]),
                               ("xem", "viewer", None)):
        body = {"username": name, "role": role, "password": "password-of-" + name}
        if agency:
            body["agency_id"] = agency
        st, _, _ = admin.req("POST", "/api/v1/users", body)
    _, tok, _ = admin.req("POST", "/api/v1/tokens", {"name": "ing", "scope": "ingest"})
    ing = srv.client(token=tok["token"])
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    evs = [event(f"e{i}", time=now, host="10.1.0.%d" % (i + 1)) for i in range(6)]
    evs += [event(f"f{i}", time=now, host="10.2.0.%d" % (i + 1)) for i in range(3)]
    st, body, _ = ing.req("POST", "/api/v1/events", evs)
    t.ok(st == 200 and body["accepted"] == 9, "nine events filed (six of agency one, three of two)", body)

    def open_total(c=admin, agency=None):
        _, ov, _ = c.req("GET", "/api/v1/overview")
        if agency is None:
            return ov["totals"]["open_total"]
        return next(a["open_total"] for a in ov["agencies"] if a["id"] == agency)

    def listed(state, c=admin, extra=""):
        _, body, _ = c.req("GET", f"/api/v1/events?state={state}&limit=500{extra}")
        return body["items"]

    def seqs(agency):
        return sorted(e["seq"] for e in listed("new", extra=f"&agency_id={agency}"))

    t.ok(open_total() == 9 and len(listed("new")) == 9, "all nine are chưa xử lý: overview and list agree")
    t.ok(all(e["state"] == "new" and e["assignee"] is None for e in listed("new")), "every event carries its state, new at first")
    one, two = seqs(a1["id"]), seqs(a2["id"])

    # --- one event: acknowledged, assigned, a note ---
    st, ev, _ = admin.req("PATCH", f"/api/v1/events/{one[0]}", {"state": "acknowledged", "assignee": "lan", "note": "Đã liên hệ đơn vị <b>"})
    t.ok(st == 200 and ev["state"] == "acknowledged" and ev["assignee"] == "lan" and ev["note"] == "Đã liên hệ đơn vị <b>"
         and ev["triaged_by"] == "user:admin", "PATCH sets state, assignee and note (note kept as text)", ev)
    t.ok(open_total() == 8 and open_total(agency=a1["id"]) == 5 and len(listed("new")) == 8,
         "the overview's chưa xử lý falls by one, per agency too, and the list agrees")
    st, ev, _ = admin.req("GET", f"/api/v1/events/{one[0]}")
    t.ok(ev["state"] == "acknowledged", "the event detail shows the state")
    st, body, _ = admin.req("PATCH", f"/api/v1/events/{one[1]}", {"state": "in_incident"})
    t.ok(st == 400 and "state" in body["error"], "in_incident is not set by hand", body)
    st, body, _ = admin.req("PATCH", f"/api/v1/events/{one[1]}", {"assignee": "nobody-here"})
    t.ok(st == 400 and "assignee" in body["error"], "an assignee must be a user", body)
    st, body, _ = admin.req("PATCH", f"/api/v1/events/{one[1]}", {"state": "closed"})
    t.ok(st == 400, "an unknown state is refused", body)
    st, body, _ = admin.req("PATCH", f"/api/v1/events/{one[1]}", {"note": "x" * 2001})
    t.ok(st == 400 and "note" in body["error"], "a note over the bound is refused", body)
    st, body, _ = admin.req("PATCH", "/api/v1/events/999999", {"state": "resolved"})
    t.ok(st == 404, "an unknown event is 404", body)
    st, body, _ = admin.req("GET", "/api/v1/events?state=bogus")
    t.ok(st == 400, "the list's state filter is checked", body)

    # --- bulk on a filtered list ---
    st, body, _ = admin.req("POST", "/api/v1/events/triage", {"ids": one[1:4], "state": "false_positive", "note": "Quét thử"})
    t.ok(st == 200 and body["changed"] == 3, "bulk: three events marked false positive", body)
    t.ok(sorted(e["seq"] for e in listed("false_positive")) == one[1:4], "the list filtered by state finds exactly them")
    t.ok(open_total() == 5 and len(listed("new")) == 5, "chưa xử lý is five, on the overview and the list")
    st, body, _ = admin.req("POST", "/api/v1/events/triage", {"ids": [one[4], 999999], "state": "resolved"})
    t.ok(st == 404 and listed("new", extra=f"&agency_id={a1['id']}")[0]["state"] == "new" and open_total() == 5,
         "a bulk naming an unknown event changes nothing", body)
    st, body, _ = admin.req("POST", "/api/v1/events/triage", {"ids": [one[4], one[4]], "state": "resolved"})
    t.ok(st == 400, "an event named twice is refused", body)

    # --- officers: their agency only; viewers read ---
    o1, o2, xem = srv.client(), srv.client(), srv.client()
    o1.login("o1", "password-of-o1")
    o2.login("o2", "password-of-o2")
    xem.login("xem", "password-of-xem")
    st, body, _ = o2.req("PATCH", f"/api/v1/events/{one[4]}", {"state": "resolved"})
    t.ok(st in (403, 404), "the officer of agency two cannot triage agency one's event", (st, body))
    st, body, _ = o2.req("POST", "/api/v1/events/triage", {"ids": [two[0], one[4]], "state": "resolved"})
    t.ok(st in (403, 404), "nor slip it into a bulk with their own", (st, body))
    t.ok(open_total() == 5 and len(listed("new")) == 5, "and nothing changed, their own event included")
    st, body, _ = xem.req("PATCH", f"/api/v1/events/{one[4]}", {"state": "resolved"})
    t.ok(st == 403, "a viewer cannot triage", (st, body))
    st, body, _ = o1.req("POST", "/api/v1/events/triage", {"ids": [one[4]], "state": "resolved", "assignee": "o1"})
    t.ok(st == 200, "the officer of agency one triages their agency's event", body)
    t.ok(open_total(o1) == 1 and len(listed("new", o1)) == 1, "and sees their agency's chưa xử lý fall to one")
    st, body, _ = o2.req("POST", "/api/v1/events/triage", {"ids": two, "state": "acknowledged"})
    t.ok(st == 200 and open_total() == 1, "agency two's officer clears their three; one is left in the province", body)

    # --- back to new: counted again; the audit has every change ---
    st, ev, _ = admin.req("PATCH", f"/api/v1/events/{one[0]}", {"state": "new", "assignee": None})
    t.ok(st == 200 and ev["state"] == "new" and ev["assignee"] is None and ev["note"] == "Đã liên hệ đơn vị <b>",
         "an event goes back to new (the note kept, the assignee cleared)", ev)
    t.ok(open_total() == 2 and len(listed("new")) == 2, "and is chưa xử lý again")
    _, body, _ = admin.req("GET", "/api/v1/audit?limit=500")
    rows = [r for r in body["items"] if r["action"] == "triage"]
    t.ok(len(rows) == 1 + 3 + 1 + 3 + 1, "one audit row per event changed, none for refused requests", len(rows))
    last = rows[0]
    t.ok(last["object_type"] == "event" and last["object_id"] == one[0] and last["detail"]["from"] == "acknowledged"
         and last["detail"]["state"] == "new", "the audit row says what changed", last)

    # --- a false positive becomes a suppression rule, listed and revocable ---
    fresh = [event("sup-0", time=now, host="10.1.0.50", subject="https://cong.s1.example/")]
    ing.req("POST", "/api/v1/events", fresh)
    src = listed("new", extra="&q=sup")[0]
    st, body, _ = o2.req("POST", "/api/v1/suppressions", {"event_id": src["seq"], "days": 7})
    t.ok(st in (403, 404), "the officer of agency two cannot suppress agency one's findings", (st, body))
    st, body, _ = o1.req("POST", "/api/v1/suppressions", {"event_id": src["seq"], "days": 400})
    t.ok(st == 400 and "days" in body["error"], "a rule must expire within a year", body)
    st, rule, _ = o1.req("POST", "/api/v1/suppressions", {"event_id": src["seq"], "days": 7, "note": "Trang thử nghiệm"})
    t.ok(st == 201 and rule["source"] == "web" and rule["kind"] == "defacement" and rule["subject"] == "https://cong.s1.example/"
         and rule["agency_id"] == a1["id"] and rule["revoked_at"] is None, "the officer makes a rule from their false positive", rule)
    _, ev, _ = admin.req("GET", f"/api/v1/events/{src['seq']}")
    t.ok(ev["state"] == "false_positive", "and the event itself is a false positive")
    before = open_total()
    ing.req("POST", "/api/v1/events", [event("sup-1", time=now, host="10.1.0.51", subject="https://cong.s1.example/"),
                                       event("sup-2", time=now, host="10.1.0.52", subject="https://khac.s1.example/")])
    got = {e["id"]: e for e in listed("false_positive", extra="&q=sup") + listed("new", extra="&q=sup")}
    t.ok(got["sup-1"]["state"] == "false_positive" and got["sup-1"]["triaged_by"] == f"system:suppression:{rule['id']}"
         and got["sup-2"]["state"] == "new" and open_total() == before + 1,
         "a later event of the same subject is stored and marked by the rule; another subject is not", got)
    _, lst, _ = o2.req("GET", "/api/v1/suppressions")
    t.ok(lst["items"] == [], "agency two's officer does not see agency one's rules", lst)
    _, lst, _ = xem.req("GET", "/api/v1/suppressions?active=1")
    t.ok([r["id"] for r in lst["items"]] == [rule["id"]], "the rule is listed as active", lst)
    st, body, _ = o2.req("DELETE", f"/api/v1/suppressions/{rule['id']}")
    t.ok(st in (403, 404), "nor revoke them", (st, body))
    st, body, _ = xem.req("DELETE", f"/api/v1/suppressions/{rule['id']}")
    t.ok(st == 403, "a viewer cannot revoke a rule", (st, body))
    st, body, _ = o1.req("DELETE", f"/api/v1/suppressions/{rule['id']}")
    t.ok(st == 200, "the officer revokes it", body)
    _, lst, _ = admin.req("GET", "/api/v1/suppressions?active=1")
    t.ok(lst["items"] == [], "no active rule is left", lst)
    ing.req("POST", "/api/v1/events", [event("sup-3", time=now, host="10.1.0.53", subject="https://cong.s1.example/")])
    t.ok(next(e for e in listed("new", extra="&q=sup") if e["id"] == "sup-3"), "after the revocation the finding is new again")
    _, body, _ = admin.req("GET", "/api/v1/audit?limit=500")
    t.ok({"create", "revoke"} <= {r["action"] for r in body["items"] if r["object_type"] == "suppression"},
         "the rule's creation and revocation are audited")
finally:
    srv.cleanup()
t.done()
