#!/usr/bin/env python3
"""Drills (diễn tập, issue 12.8) per role: admin and analyst record drills
on any system, an officer on their own agency's systems only (another
agency's system is "not found"), a viewer and a read token read but do
not write, anonymous gets 401; each caller lists only what its scope
holds; bad bodies are refused naming the field; and the list of level 3+
systems without a drill in the last 12 months follows the records."""
import datetime
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from _serverlib import Server, Tap  # noqa: E402

t = Tap()
srv = Server()
try:
    admin = srv.login_admin()
    _, a1, _ = admin.req("POST", "/api/v1/agencies", {"name": "Sở Một", "kind": "so_ban_nganh", "code": "s1", "ip_ranges": ["10.1.0.0/16"]})
    _, a2, _ = admin.req("POST", "/api/v1/agencies", {"name": "Sở Hai", "kind": "so_ban_nganh", "code": "s2", "ip_ranges": ["10.2.0.0/16"]})
    systems = {}
    for key, ag, level in (("s1_l3", a1, 3), ("s1_l2", a1, 2), ("s2_l4", a2, 4), ("s2_l3", a2, 3)):
        st, s, _ = admin.req("POST", "/api/v1/systems", {"agency_id": ag["id"], "name": "Hệ thống " + key, "kind": "portal", "level": level})
        systems[key] = s["id"]
    clients = {"admin": admin, "anonymous": srv.client()}
    for name, role, agency in (("analyst", "analyst", None), ("officer", "officer", a1["id"]), ("viewer", "viewer", None)):
        body = {"username": "u_" + name, "role": role, "password": "password-of-" + name}
        if agency:
            body["agency_id"] = agency
        admin.req("POST", "/api/v1/users", body)
        c = srv.client()
        c.login("u_" + name, "password-of-" + name)
        clients[name] = c
    _, tok, _ = admin.req("POST", "/api/v1/tokens", {"name": "reader", "scope": "read"})
    clients["read"] = srv.client(token=tok["token"])

    today = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=7)).date()

    def drill(sys_key, days_ago=10, **kw):
        body = {"system_id": systems[sys_key], "date": (today - datetime.timedelta(days=days_ago)).isoformat(),
                "scenario": "Tấn công thay đổi giao diện cổng thông tin", "participants": "Đội ứng cứu tỉnh; cán bộ CNTT",
                "result": "partial", "findings": "Sao lưu chưa khôi phục được trong 4 giờ"}
        body.update(kw)
        return body

    # the missing list before any drill: every level 3+ system
    st, miss, _ = admin.req("GET", "/api/v1/drills/missing")
    ids = sorted(m["system_id"] for m in miss.get("items", []))
    t.ok(st == 200 and ids == sorted([systems["s1_l3"], systems["s2_l4"], systems["s2_l3"]]) and
         all(m["last_drill"] is None for m in miss["items"]),
         "before any drill every level 3+ system (and no level 2 one) is missing a drill", miss)

    # who may record
    st, d, _ = admin.req("POST", "/api/v1/drills", drill("s2_l4"))
    t.ok(st == 201 and d.get("id") and d.get("agency_id") == a2["id"], "the admin records a drill", (st, d))
    st, d, _ = clients["analyst"].req("POST", "/api/v1/drills", drill("s2_l3", days_ago=400))
    t.ok(st == 201, "the analyst records a drill (an old one)", (st, d))
    st, d, _ = clients["officer"].req("POST", "/api/v1/drills", drill("s1_l3", result="passed"))
    t.ok(st == 201 and d.get("agency_id") == a1["id"], "the officer records a drill on their agency's system", (st, d))
    st, d, _ = clients["officer"].req("POST", "/api/v1/drills", drill("s2_l4"))
    t.ok(st in (403, 404), "the officer cannot record a drill on another agency's system", (st, d))
    st, d, _ = clients["viewer"].req("POST", "/api/v1/drills", drill("s1_l3"))
    t.ok(st == 403, "a viewer cannot record a drill", (st, d))
    st, d, _ = clients["read"].req("POST", "/api/v1/drills", drill("s1_l3"))
    t.ok(st == 403, "a read token cannot record a drill", (st, d))
    st, d, _ = clients["anonymous"].req("POST", "/api/v1/drills", drill("s1_l3"))
    t.ok(st == 401, "anonymous cannot record a drill", (st, d))

    # who sees what
    for who, want in (("admin", 3), ("analyst", 3), ("viewer", 3), ("read", 3), ("officer", 1)):
        st, lst, _ = clients[who].req("GET", "/api/v1/drills")
        t.ok(st == 200 and lst.get("total") == want and len(lst.get("items", [])) == want,
             f"{who} lists {want} drill(s)", lst)
    st, lst, _ = clients["officer"].req("GET", "/api/v1/drills")
    t.ok(all(x["agency_id"] == a1["id"] for x in lst.get("items", [])), "the officer's list holds only their agency's drills", lst)
    st, _, _ = clients["anonymous"].req("GET", "/api/v1/drills")
    t.ok(st == 401, "anonymous cannot list drills", st)
    st, lst, _ = admin.req("GET", f"/api/v1/drills?system_id={systems['s2_l4']}")
    t.ok(st == 200 and lst["total"] == 1 and lst["items"][0]["system_name"] == "Hệ thống s2_l4" and
         lst["items"][0]["findings"].startswith("Sao lưu"), "filter by system; the record reads back", lst)

    # the missing list now: s2_l3's drill is over a year old
    st, miss, _ = admin.req("GET", "/api/v1/drills/missing")
    items = miss.get("items", [])
    t.ok(st == 200 and [m["system_id"] for m in items] == [systems["s2_l3"]] and
         items[0]["last_drill"] == (today - datetime.timedelta(days=400)).isoformat(),
         "after the drills only the system whose last drill is over 12 months old is missing one", miss)
    st, miss, _ = clients["officer"].req("GET", "/api/v1/drills/missing")
    t.ok(st == 200 and miss.get("items") == [], "the officer's missing list is their agency's (none left)", miss)

    # bad bodies, each naming its field
    tomorrow = (today + datetime.timedelta(days=2)).isoformat()
    for label, kw, field in (("a date in the future", {"date": tomorrow}, "date"),
                             ("a date that does not exist", {"date": "2026-02-30"}, "date"),
                             ("an unknown result", {"result": "ok"}, "result"),
                             ("a blank scenario", {"scenario": "  "}, "scenario"),
                             ("no participants", {"participants": None}, "participants"),
                             ("a system id that is text", {"system_id": "1"}, "system_id"),
                             ("long findings", {"findings": "x" * 4001}, "findings")):
        st, res, _ = admin.req("POST", "/api/v1/drills", drill("s1_l3", **kw))
        t.ok(st == 400 and res.get("field") == field, f"{label} is refused naming {field}", (st, res))
    st, res, _ = admin.req("POST", "/api/v1/drills", dict(drill("s1_l3"), system_id=999999))
    t.ok(st == 404, "a system that does not exist is 404", (st, res))
    # the audit log has the drills
    st, au, _ = admin.req("GET", "/api/v1/audit?limit=200")
    t.ok(st == 200 and sum(1 for a in au["items"] if a.get("object_type") == "drill") == 3,
         "each recorded drill is in the audit log", [a for a in au.get("items", []) if a.get("object_type") == "drill"])
finally:
    srv.cleanup()
t.done()
