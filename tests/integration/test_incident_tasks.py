#!/usr/bin/env python3
"""The tasks of an incident case (issue 12 item 2): added with a title,
an assignee and a due time, marked done, each change on the case's
timeline; bad fields refused naming the field; a task of another case is
not found through this one; an officer of another agency can neither list
nor change them; a viewer lists. Runs on both stores. Prints TAP."""
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _serverlib import Server, Tap  # noqa: E402

t = Tap()
srv = Server()
try:
    admin = srv.login_admin()
    _, a1, _ = admin.req("POST", "/api/v1/agencies", {"name": "Sở Một", "kind": "so_ban_nganh", "code": "s1"})
    _, a2, _ = admin.req("POST", "/api/v1/agencies", {"name": "Sở Hai", "kind": "so_ban_nganh", "code": "s2"})
    for name, role, ag in (("o1", "officer", a1["id"]), ("o2", "officer", a2["id"]), ("xem", "viewer", None)):
        body = {"username": name, "role": role, "password": "password-of-" + name}
        if ag:
            body["agency_id"] = ag
        admin.req("POST", "/api/v1/users", body)
    o1, o2, xem = srv.client(), srv.client(), srv.client()
    o1.login("o1", "password-of-o1")
    o2.login("o2", "password-of-o2")
    xem.login("xem", "password-of-xem")
    _, c1, _ = o1.req("POST", "/api/v1/incidents", {"title": "Mã độc", "kind": "malware", "severity": "high", "agency_id": a1["id"]})
    _, c2, _ = admin.req("POST", "/api/v1/incidents", {"title": "Khác", "kind": "other", "severity": "low", "agency_id": a2["id"]})
    base = f"/api/v1/incidents/{c1['id']}/tasks"
    _, r0, _ = o1.req("GET", base)
    n0 = len(r0["items"])  # the malware playbook's steps (test_incident_playbooks.py)
    t.ok(n0 > 0 and all(k.get("role") for k in r0["items"]), "the case starts with its playbook's tasks", r0)

    st, r, _ = o1.req("POST", base, {"title": "Cô lập máy nhiễm", "assignee": "o1", "due_at": "2026-12-05T10:00:00+07:00"})
    t.ok(st == 201 and len(r["items"]) == n0 + 1 and r["items"][n0]["title"] == "Cô lập máy nhiễm" and r["items"][n0]["due_at"] == "2026-12-05T03:00:00.000Z"
         and r["items"][n0]["done"] is False and r["items"][n0]["assignee"] == "o1", "an officer adds a task (due time kept in UTC)", r)
    task = r["items"][n0]["id"]
    st, r, _ = o1.req("POST", base, {"title": "Quét toàn bộ máy trạm"})
    t.ok(st == 201 and len(r["items"]) == n0 + 2 and r["items"][n0 + 1]["assignee"] is None, "a second task, no assignee", r)
    st, r, _ = o1.req("PATCH", f"{base}/{task}", {"done": True})
    t.ok(st == 200 and r["items"][n0]["done"] is True and r["items"][n0]["title"] == "Cô lập máy nhiễm", "the task is marked done, the rest kept", r)
    _, c, _ = o1.req("GET", f"/api/v1/incidents/{c1['id']}")
    tl = [e for e in c["timeline"] if e["what"] == "task"]
    t.ok(len(tl) == 3 and tl[-1]["detail"]["task"] == task and tl[-1]["detail"]["change"] == {"done": True}, "each change is on the timeline", tl)
    for body, field in (({"title": ""}, "title"), ({"assignee": "o1"}, "title"), ({"title": "x", "due_at": "mai"}, "due_at"),
                        ({"title": "x", "done": "yes"}, "done"), ({"title": "x", "evil": 1}, "evil")):
        st, r, _ = o1.req("POST", base, body)
        t.ok(st == 400 and field in r["error"], f"a bad task is refused naming {field}", (st, r))
    st, _, _ = o1.req("PATCH", f"{base}/999999", {"done": True})
    t.ok(st == 404, "no such task", st)
    _, r2, _ = admin.req("POST", f"/api/v1/incidents/{c2['id']}/tasks", {"title": "Việc của sở hai"})
    other = r2["items"][0]["id"]
    st, _, _ = admin.req("PATCH", f"{base}/{other}", {"done": True})
    t.ok(st == 404, "a task of another case is not found through this one", st)
    leaks = []
    for m, p, b in (("GET", base, None), ("POST", base, {"title": "x"}), ("PATCH", f"{base}/{task}", {"done": False})):
        st, _, _ = o2.req(m, p, b)
        if st not in (403, 404):
            leaks.append((m, p, st))
    t.ok(not leaks, "an officer of another agency can neither list nor change the tasks", leaks)
    st, r, _ = xem.req("GET", base)
    st2, _, _ = xem.req("POST", base, {"title": "x"})
    t.ok(st == 200 and len(r["items"]) == n0 + 2 and st2 == 403, "a viewer lists them and cannot add", (st, st2))
finally:
    srv.stop()
t.done()
