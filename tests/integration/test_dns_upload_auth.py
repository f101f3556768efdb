#!/usr/bin/env python3
"""DNS log uploads as an attacker would try them (issue 18.1 and 18.8):
an agent token may not upload nor touch an upload; uploads belong to their
creator (others get 404, the admin may look); an officer's findings are
filed only into their own agency; a per-owner quota on uploads; a failed
analysis does not tell the server's paths."""
import hashlib
import os
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from _serverlib import Server, Tap  # noqa: E402

OCT = "application/octet-stream"


def line(i, client, name):
    return ("21-Nov-2026 04:%02d:%02d.000 queries: info: client @0x7f1c %s#5353 (%s): query: %s IN A +E(0)K (10.0.0.1)\n"
            % (i // 60 % 60, i % 60, client, name, name))


def wait_done(c, uid):
    body = {}
    deadline = time.time() + 120
    while time.time() < deadline:
        st, body, _ = c.req("GET", "/api/v1/dns/uploads/%d" % uid)
        if isinstance(body, dict) and body.get("state") in ("done", "failed"):
            break
        time.sleep(0.2)
    return body


t = Tap()
srv = Server()
try:
    admin = srv.login_admin()
    _, a1, _ = admin.req("POST", "/api/v1/agencies", {"name": "Sở Một", "kind": "so_ban_nganh", "code": "s1", "ip_ranges": ["10.1.0.0/16"]})
    _, a2, _ = admin.req("POST", "/api/v1/agencies", {"name": "Sở Hai", "kind": "so_ban_nganh", "code": "s2", "ip_ranges": ["10.2.0.0/16"]})
    admin.req("POST", "/api/v1/users", {"username": "off1", "role": "officer", "agency_id": a1["id"], "password": "officer-password-1"})
    admin.req("POST", "/api/v1/users", {"username": "ana", "role": "analyst", "password": "analyst-password-1"})
    off = srv.client()
    off.login("off1", "officer-password-1")
    ana = srv.client()
    ana.login("ana", "analyst-password-1")
    _, atok, _ = admin.req("POST", "/api/v1/tokens", {"name": "agent-a1", "scope": "agent", "agency_id": a1["id"]})
    agent = srv.client(token=atok["token"])
    _, itok, _ = admin.req("POST", "/api/v1/tokens", {"name": "isp", "scope": "ingest"})
    isp = srv.client(token=itok["token"])
    os.makedirs(os.path.join(srv.data_dir, "dns-intel"), exist_ok=True)
    with open(os.path.join(srv.data_dir, "dns-intel", "feed.txt"), "w") as f:
        f.write("evil.example\n")
    log = "".join(line(i, "10.9.0.%d" % (i % 200 + 1), "www.example.com") for i in range(500))
    log += line(1, "10.1.3.3", "a.evil.example") + line(2, "10.2.4.4", "b.evil.example") + line(3, "192.0.2.9", "c.evil.example")
    data = log.encode()

    # --- an agent token: no upload, no touching another's upload ---
    st, body, _ = agent.req("POST", "/api/v1/dns/uploads", {"name": "x.log"})
    t.ok(st == 403, "an agent token may not create a DNS upload", body)
    st, up, _ = admin.req("POST", "/api/v1/dns/uploads", {"name": "admin.log"})
    aid = up["id"]
    admin.req("PUT", "/api/v1/dns/uploads/%d?offset=0" % aid, raw=data, ctype=OCT)
    for method, path, raw in (("GET", "", None), ("PUT", "?offset=%d" % len(data), b"x"), ("POST", "/analyze", None), ("DELETE", "", None)):
        st, body, _ = agent.req(method, "/api/v1/dns/uploads/%d%s" % (aid, path), raw=raw, ctype=OCT if raw else None)
        t.ok(st == 403, f"an agent token: {method} on the admin's upload is 403", body)

    # --- uploads belong to their creator ---
    for who, c in (("the officer", off), ("an analyst", ana), ("an ingest token", isp)):
        for method, path, raw in (("GET", "", None), ("PUT", "?offset=%d" % len(data), b"x"), ("POST", "/analyze", None), ("DELETE", "", None)):
            st, body, _ = c.req(method, "/api/v1/dns/uploads/%d%s" % (aid, path), raw=raw, ctype=OCT if raw else None)
            t.ok(st == 404, f"{who}: {method} on the admin's upload is 404 (not theirs)", body)
    st, body, _ = admin.req("GET", "/api/v1/dns/uploads/%d" % aid)
    t.ok(st == 200 and body["offset"] == len(data) and body["owner"].startswith("user:"), "the owner still has it, untouched", body)

    # --- an officer's findings go only to their own agency ---
    st, up, _ = off.req("POST", "/api/v1/dns/uploads", {"name": "a1.log"})
    t.ok(st == 201, "an officer may upload their agency's resolver log", up)
    oid = up["id"]
    off.req("PUT", "/api/v1/dns/uploads/%d?offset=0" % oid, raw=data, ctype=OCT)
    st, body, _ = off.req("POST", "/api/v1/dns/uploads/%d/analyze" % oid)
    t.ok(st == 202, "the officer analyses it", body)
    body = wait_done(off, oid)
    res = body.get("result", {})
    t.ok(body.get("state") == "done" and res.get("clients_flagged") == 3 and res.get("events_stored") == 1
         and res.get("outside_your_agencies") == 2,
         "3 clients flagged, 1 filed (own agency), 2 outside the officer's agency not filed", body)
    st, evs, _ = admin.req("GET", "/api/v1/events?source=dns&kind=infected_client")
    got = {e["subject"]: e.get("agency_id") for e in evs.get("items", [])}
    t.ok(got == {"10.1.3.3": a1["id"]}, "no finding filed into another agency or the province", got)
    st, body, _ = admin.req("GET", "/api/v1/dns/uploads/%d" % oid)
    t.ok(st == 200, "the admin may look at the officer's upload", body)

    # --- the admin's own analysis files everywhere ---
    admin.req("POST", "/api/v1/dns/uploads/%d/analyze" % aid)
    body = wait_done(admin, aid)
    t.ok(body.get("result", {}).get("events_stored") == 3, "the province admin's findings go to every agency", body)

    # --- a failed analysis does not tell the server's paths ---
    st, up, _ = isp.req("POST", "/api/v1/dns/uploads", {"name": "broken.log.gz"})
    isp.req("PUT", "/api/v1/dns/uploads/%d?offset=0" % up["id"], raw=b"\x1f\x8b\x08\x00" + b"\xff" * 64, ctype=OCT)
    isp.req("POST", "/api/v1/dns/uploads/%d/analyze" % up["id"])
    body = wait_done(isp, up["id"])
    err = body.get("error", "")
    t.ok(body.get("state") == "failed" and err and srv.data_dir not in err and "/dns-uploads" not in err,
         "a failed analysis says why without the server's paths", body)

    # --- quota: uploads per owner ---
    made = 1
    st = 201
    while st == 201 and made < 60:
        st, body, _ = isp.req("POST", "/api/v1/dns/uploads", {"name": "q%d" % made})
        made += 1 if st == 201 else 0
    t.ok(st == 429 and made == 50, "the 51st upload of one owner is refused (quota of 50)", (st, made, body))
    st, body, _ = admin.req("POST", "/api/v1/dns/uploads", {"name": "other-owner"})
    t.ok(st == 201, "another owner is not affected by that quota", body)
    st, body, _ = isp.req("DELETE", "/api/v1/dns/uploads/%d" % up["id"])
    t.ok(st == 204, "the owner deletes an upload", body)
    st, body, _ = isp.req("GET", "/api/v1/dns/uploads/%d" % up["id"])
    broken = hashlib.sha256(b"\x1f\x8b\x08\x00" + b"\xff" * 64).hexdigest()
    t.ok(st == 404 and not os.path.exists(os.path.join(srv.data_dir, "blobs", "sha256", broken[:2], broken)),
         "a deleted upload is gone, its blob included", body)
    st, body, _ = isp.req("POST", "/api/v1/dns/uploads", {"name": "after-delete"})
    t.ok(st == 201, "room again after a delete", body)

    # --- owners survive a restart ---
    srv.stop()
    srv.start()
    off = srv.client()
    off.login("off1", "officer-password-1")
    st, body, _ = off.req("GET", "/api/v1/dns/uploads/%d" % aid)
    t.ok(st == 404, "after a restart the admin's upload is still not the officer's", body)
    st, body, _ = off.req("GET", "/api/v1/dns/uploads/%d" % oid)
    t.ok(st == 200, "after a restart the officer still has their own", body)
finally:
    srv.cleanup()
t.done()
