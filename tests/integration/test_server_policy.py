#!/usr/bin/env python3
"""Every route with every kind of credential, against the policy table
(src/lib/api/policy.h; issue 11.5 and the attacker's cases of issue 18):
anonymous, each role (admin, analyst, officer, viewer), each token scope
(ingest, read, agent, metrics), and an officer of another agency. A caller the
policy refuses gets 401/403 from every route it should not reach (the
agent token included); a caller it allows is never refused at the route.
Records of agency one are then tried by the officer of agency two."""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(__file__))
from _serverlib import BIN, Server, Tap  # noqa: E402

ROUTE_DENIED = "not allowed for your role or token scope"
# who the route-level words of `serve --routes` let in (policy.h)
WORDS = {
    "public": {"anonymous", "admin", "analyst", "officer", "viewer", "ingest", "read", "agent", "metrics",
               "officer2"},
    "read": {"admin", "analyst", "officer", "viewer", "read", "officer2"},
    "user": {"admin", "analyst", "officer", "viewer", "officer2"},
    "write": {"admin", "analyst", "officer", "officer2"},
    "province": {"admin", "analyst"},
    "admin": {"admin"},
    "ingest": {"ingest", "agent"},
    "agent": {"agent"},
    "upload": {"admin", "analyst", "officer", "ingest", "officer2"},
    "metrics": {"admin", "metrics"},
    "share": {"admin", "analyst", "read"},
}

t = Tap()
srv = Server()
try:
    admin = srv.login_admin()
    _, a1, _ = admin.req("POST", "/api/v1/agencies", {"name": "Sở Một", "kind": "so_ban_nganh", "code": "s1", "ip_ranges": ["10.1.0.0/16"]})
    _, a2, _ = admin.req("POST", "/api/v1/agencies", {"name": "Sở Hai", "kind": "so_ban_nganh", "code": "s2", "ip_ranges": ["10.2.0.0/16"]})
    _, sys1, _ = admin.req("POST", "/api/v1/systems", {"agency_id": a1["id"], "name": "Cổng một", "kind": "portal", "level": 2})
    clients = {"admin": admin, "anonymous": srv.client()}
    for name, role, agency in (("analyst", "analyst", None), ("officer", "officer", a1["id"]),
                               ("viewer", "viewer", None), ("officer2", "officer", a2["id"])):
        body = {"username": "u_" + name, "role": role, "password": "password-of-" + name}
        if agency:
            body["agency_id"] = agency
        st, u, _ = admin.req("POST", "/api/v1/users", body)
        c = srv.client()
        c.login("u_" + name, "password-of-" + name)
        clients[name] = c
    for scope in ("ingest", "read", "agent", "metrics"):
        body = {"name": "tok-" + scope, "scope": scope}
        if scope == "agent":
            body["agency_id"] = a1["id"]
        _, tok, _ = admin.req("POST", "/api/v1/tokens", body)
        clients[scope] = srv.client(token=tok["token"])

    out = subprocess.run([BIN, "serve", "--routes"], capture_output=True, text=True, check=True).stdout
    routes = [line.split() for line in out.splitlines() if line.strip()]
    t.ok(all(r[2] in WORDS for r in routes), "every route's auth word is one of the policy's", [r for r in routes if r[2] not in WORDS])

    def path_for(method, pattern):
        # own-agency records where a change is harmless, else an id that
        # does not exist (no route may destroy the fixtures)
        rid = "999999"
        if method in ("GET", "PUT", "PATCH") and ("/agencies/{id}" in pattern or "/agent-policies/{id}" in pattern):
            rid = str(a1["id"])
        # every named parameter ({id}, {task}, ...) takes the same id
        return re.sub(r"\{[a-z_]+\}", rid, pattern).replace("*", "x.css")

    bad = {}
    calls = 0
    for who, c in clients.items():
        # DELETE /session logs the client out: it comes last
        todo = [r for r in routes if not (r[1] == "/api/v1/session" and r[0] == "DELETE")]
        todo += [r for r in routes if r[1] == "/api/v1/session" and r[0] == "DELETE"]
        for method, pattern, word in todo:
            path = path_for(method, pattern)
            st, body, _ = c.req(method, path, raw=b"{}" if method not in ("GET", "DELETE") else None)
            calls += 1
            err = body.get("error", "") if isinstance(body, dict) else ""
            allowed = who in WORDS[word]
            if allowed:
                ok = st != 401 and not (st == 403 and err == ROUTE_DENIED)
            elif who == "anonymous":
                ok = st == 401
            elif word == "user" and who in ("ingest", "read", "agent", "metrics"):
                ok = st == 401
            else:
                ok = st == 403 and err == ROUTE_DENIED
            if not ok:
                bad.setdefault(who, []).append(f"{method} {path} [{word}] -> {st} {err}")
    t.ok(calls == len(clients) * len(routes), f"{calls} calls: every route with every credential")
    for who in clients:
        t.ok(who not in bad, f"{who}: every route answers as the policy says", bad.get(who))

    # records of agency one, tried by the officer of agency two
    o2 = srv.client()
    o2.login("u_officer2", "password-of-officer2")
    ing = clients["ingest"]
    st, _, _ = ing.req("POST", "/api/v1/events", [{"id": "pol-1", "time": "2026-11-21T04:00:00Z", "source": "web",
                                                   "kind": "defacement", "severity": "high", "summary": "x",
                                                   "host": "10.1.0.9"}])
    _, evl, _ = srv.login_admin().req("GET", f"/api/v1/events?agency_id={a1['id']}")
    ev1 = evl["items"][0]["seq"]
    _, case1, _ = srv.login_admin().req("POST", "/api/v1/incidents", {"title": "Sự cố của Sở Một", "kind": "defacement",
                                                                      "severity": "high", "agency_id": a1["id"]})
    st, rec1, _ = srv.login_admin().req(
        "POST", f"/api/v1/compliance/records/upload?kind=assessment&date=2025-01-01&agency_id={a1['id']}&name=a.pdf",
        raw=b"%PDF-1.4 agency one", ctype="application/octet-stream")
    t.ok(st == 201, "a record of agency one with its file", rec1)
    st, et1, _ = srv.login_admin().req("POST", "/api/v1/enroll-tokens", {"agency_id": a1["id"]})
    t.ok(st == 201, "an enrolment token of agency one", et1)
    tries = [("GET", f"/api/v1/agencies/{a1['id']}", None), ("PUT", f"/api/v1/agencies/{a1['id']}", {"declared_endpoints": 1}),
             ("GET", f"/api/v1/systems/{sys1['id']}", None), ("PATCH", f"/api/v1/systems/{sys1['id']}", {"name": "x"}),
             ("DELETE", f"/api/v1/systems/{sys1['id']}", None), ("POST", f"/api/v1/systems/{sys1['id']}/web/check", None),
             ("GET", f"/api/v1/agent-policies/{a1['id']}", None), ("PUT", f"/api/v1/agent-policies/{a1['id']}", {"heartbeat_s": 30}),
             ("POST", "/api/v1/enroll-tokens", {"agency_id": a1["id"]}),
             ("DELETE", f"/api/v1/enroll-tokens/{et1['id']}", None),
             ("POST", "/api/v1/systems", {"agency_id": a1["id"], "name": "lạ", "kind": "portal", "level": 1}),
             ("POST", "/api/v1/people", {"agency_id": a1["id"], "name": "Người lạ", "role": "contact_point"}),
             ("PATCH", f"/api/v1/events/{ev1}", {"state": "false_positive"}),
             ("POST", "/api/v1/events/triage", {"ids": [ev1], "state": "resolved"}),
             ("POST", "/api/v1/suppressions", {"event_id": ev1, "days": 1}),
             ("POST", "/api/v1/incidents", {"title": "x", "kind": "ddos", "severity": "high", "agency_id": a1["id"]}),
             ("GET", f"/api/v1/incidents/{case1['id']}", None),
             ("PATCH", f"/api/v1/incidents/{case1['id']}", {"state": "triage"}),
             ("POST", f"/api/v1/incidents/{case1['id']}/comments", {"text": "x"}),
             ("POST", f"/api/v1/incidents/{case1['id']}/events", {"event_ids": [ev1]}),
             ("GET", f"/api/v1/incidents/{case1['id']}/documents/mau-03.pdf", None),
             ("POST", f"/api/v1/incidents/{case1['id']}/documents", {"form": "mau-03"}),
             ("POST", f"/api/v1/incidents/{case1['id']}/attachments?name=x.txt", {"x": 1}),
             ("GET", f"/api/v1/incidents/{case1['id']}/attachments/{'0' * 64}", None),
             ("GET", f"/api/v1/incidents/{case1['id']}/tasks", None),
             ("POST", f"/api/v1/incidents/{case1['id']}/tasks", {"title": "x"}),
             ("PATCH", f"/api/v1/incidents/{case1['id']}/tasks/1", {"done": True}),
             ("POST", f"/api/v1/compliance/records?x=1", {"kind": "assessment", "date": "2025-01-01", "agency_id": a1["id"]}),
             ("POST", f"/api/v1/compliance/records/upload?kind=assessment&date=2025-01-01&agency_id={a1['id']}&name=x.pdf",
              {"x": 1}),
             ("GET", f"/api/v1/compliance/records/{rec1['seq']}/file", None)]
    leaked = []
    for method, path, body in tries:
        st, resp, _ = o2.req(method, path, body)
        if st not in (403, 404):
            leaked.append(f"{method} {path} -> {st}")
    t.ok(not leaked, "an officer of another agency reaches none of agency one's records (403/404)", leaked)
    admin = srv.login_admin()  # the matrix logged it out (DELETE /session)
    st, s1, _ = admin.req("GET", f"/api/v1/systems/{sys1['id']}")
    t.ok(st == 200 and s1["name"] == "Cổng một", "agency one's system is untouched", s1)
    st, k1, _ = admin.req("GET", f"/api/v1/incidents/{case1['id']}")
    # its own rows only: created, and the playbook applied when it opened
    own = [r.get("what") for r in k1.get("timeline", [])] if st == 200 else []
    t.ok(st == 200 and k1["state"] == "new" and own in (["created"], ["created", "playbook"],
                                                         ["playbook", "created"]),
         "agency one's case is untouched", k1)
    st, e1, _ = admin.req("GET", f"/api/v1/events/{ev1}")
    t.ok(st == 200 and e1["state"] == "new", "agency one's event is still new", e1)
    # and the officer of agency one may do the same on their own records
    o1 = clients["officer"]
    o1.login("u_officer", "password-of-officer")
    st, body, _ = o1.req("PATCH", f"/api/v1/systems/{sys1['id']}", {"name": "Cổng một (sửa)"})
    t.ok(st == 200, "the officer of agency one changes their own system", body)
    st, body, _ = o1.req("PUT", f"/api/v1/agent-policies/{a1['id']}", {"heartbeat_s": 30})
    t.ok(st == 200, "and their agency's agent policy", body)
    st, body, _ = o1.req("PATCH", f"/api/v1/events/{ev1}", {"state": "acknowledged"})
    t.ok(st == 200 and body["state"] == "acknowledged", "and triage their agency's event", body)
    st, body, _ = o1.req("POST", "/api/v1/systems", {"agency_id": a2["id"], "name": "lạ", "kind": "portal", "level": 1})
    t.ok(st == 403, "but not create a system in agency two", body)

    # the public report form is an explicit anonymous action of the policy
    # (public_report: create, read), and nothing more: its routes say
    # "public", a report's state is read by its code with no credential,
    # and no credential turns the public routes into anything else
    pub = {(r[0], r[1]): r[2] for r in routes if "/public/" in r[1] or r[1] == "/bao-cao-su-co"}
    t.ok(pub == {("GET", "/bao-cao-su-co"): "public", ("POST", "/api/v1/public/challenges"): "public",
                 ("POST", "/api/v1/public/incident-reports"): "public",
                 ("GET", "/api/v1/public/incident-reports/*"): "public"},
         "the public report routes are public, and only those four", pub)
    anon = srv.client()
    # the matrix above spent 127.0.0.1's challenges (one per credential kind)
    anon.source = "127.0.0.9"
    st, ch, _ = anon.req("POST", "/api/v1/public/challenges", raw=b"{}")
    t.ok(st == 201 and "challenge" in ch, "anonymous takes a proof-of-work challenge", (st, ch))
    st, body, _ = anon.req("GET", "/api/v1/public/incident-reports/BC-2222222222")
    t.ok(st == 404, "anonymous looks up a tracking code (404: none such), not 401", (st, body))
    st, body, _ = anon.req("GET", "/api/v1/events?source=public_report")
    t.ok(st == 401, "but anonymous does not read the events the reports became", st)
finally:
    srv.cleanup()
t.done()
