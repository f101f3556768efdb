#!/usr/bin/env python3
"""DNS logs in the server: resumable upload (offset checks, resume after a
mismatch), background analysis with progress, infected clients stored as
events mapped to agencies by IP range, re-analysis without duplicates,
per-agency infection counts, and an upload surviving a restart."""
import gzip
import os
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from _serverlib import Server, Tap  # noqa: E402

t = Tap()
srv = Server()
try:
    admin = srv.login_admin()
    _, a1, _ = admin.req("POST", "/api/v1/agencies", {"name": "Sở Y tế", "kind": "so_ban_nganh", "code": "syt", "ip_ranges": ["10.5.0.0/16"]})
    _, a2, _ = admin.req("POST", "/api/v1/agencies?confirm_overlap=1", {"name": "Phòng riêng", "kind": "xa", "code": "pr", "ip_ranges": ["10.5.7.0/24"]})
    _, tok, _ = admin.req("POST", "/api/v1/tokens", {"name": "isp", "scope": "ingest"})
    isp = srv.client(token=tok["token"])
    os.makedirs(os.path.join(srv.data_dir, "dns-intel"), exist_ok=True)
    with open(os.path.join(srv.data_dir, "dns-intel", "feed.txt"), "w") as f:
        f.write("evil.example\n")

    def line(i, client, name):
        return ("21-Nov-2026 04:%02d:%02d.000 queries: info: client @0x7f1c %s#5353 (%s): query: %s IN A +E(0)K (10.0.0.1)\n"
                % (i // 60 % 60, i % 60, client, name, name))
    text = "".join(line(i, "10.9.%d.%d" % (i % 7, i % 200 + 1), "www.example.com") for i in range(3000))
    text += line(1, "10.5.1.1", "a.evil.example") + line(2, "10.5.7.9", "b.evil.example") + line(3, "192.0.2.7", "evil.example")
    data = gzip.compress(text.encode())

    st, up, _ = isp.req("POST", "/api/v1/dns/uploads", {"name": "resolver1.log.gz"})
    t.ok(st == 201 and up["offset"] == 0 and up["state"] == "receiving", "create an upload", up)
    uid = up["id"]
    half = len(data) // 2
    st, body, _ = isp.req("PUT", "/api/v1/dns/uploads/%d?offset=0" % uid, raw=data[:half], ctype="application/octet-stream")
    t.ok(st == 200 and body["offset"] == half, "first chunk stored", body)
    st, body, _ = isp.req("PUT", "/api/v1/dns/uploads/%d?offset=0" % uid, raw=data[:half], ctype="application/octet-stream")
    t.ok(st == 409 and body.get("details", {}).get("offset") == half, "a repeated chunk is refused with the offset to resume from", body)
    st, body, _ = isp.req("GET", "/api/v1/dns/uploads/%d" % uid)
    t.ok(st == 200 and body["offset"] == half, "the upload's offset can be asked (resume after a broken connection)", body)
    st, body, _ = isp.req("PUT", "/api/v1/dns/uploads/%d?offset=%d" % (uid, body["offset"]), raw=data[half:], ctype="application/octet-stream")
    t.ok(st == 200 and body["offset"] == len(data), "resumed from the offset: upload complete", body)
    st, body, _ = isp.req("PUT", "/api/v1/dns/uploads/999999?offset=0", raw=b"x", ctype="application/octet-stream")
    t.ok(st == 404, "unknown upload: 404", body)
    st, body, _ = admin.req("POST", "/api/v1/dns/uploads", {"name": "x"})
    t.ok(st == 201, "a province admin may upload from the dashboard (session)", body)
    _, rtok, _ = admin.req("POST", "/api/v1/tokens", {"name": "reader", "scope": "read"})
    st, body, _ = srv.client(token=rtok["token"]).req("POST", "/api/v1/dns/uploads", {"name": "x"})
    t.ok(st == 403, "a read token may not upload (ingest tokens and admins/analysts only)", body)

    st, body, _ = isp.req("POST", "/api/v1/dns/uploads/%d/analyze" % uid)
    t.ok(st == 202 and body["state"] in ("analyzing", "done"), "analysis starts in the background (202)", body)
    deadline = time.time() + 120
    while time.time() < deadline:
        st, body, _ = isp.req("GET", "/api/v1/dns/uploads/%d" % uid)
        if body.get("state") in ("done", "failed"):
            break
        time.sleep(0.2)
    t.ok(body.get("state") == "done" and body["result"]["clients_flagged"] == 3
         and body["result"]["events_stored"] == 3 and body["progress"]["lines_read"] == 3003
         and body["progress"]["percent"] == 100.0,
         "analysis done: progress and result reported", body)

    st, evs, _ = admin.req("GET", "/api/v1/events?source=dns&kind=infected_client")
    items = evs.get("items", []) if isinstance(evs, dict) else []
    by = {e["subject"]: e for e in items}
    t.ok(set(by) == {"10.5.1.1", "10.5.7.9", "192.0.2.7"}, "infected clients stored as events", list(by))
    t.ok(by.get("10.5.1.1", {}).get("agency_id") == a1["id"] and by.get("10.5.7.9", {}).get("agency_id") == a2["id"]
         and by.get("192.0.2.7", {}).get("agency_id") is None,
         "events mapped to agencies by the longest matching IP range", {k: v.get("agency_id") for k, v in by.items()})

    st, inf, _ = admin.req("GET", "/api/v1/dns/infections")
    counts = {i["agency_id"]: i["infected_clients"] for i in inf.get("items", [])}
    t.ok(st == 200 and counts == {a1["id"]: 1, a2["id"]: 1, None: 1}, "per-agency infection counts", inf)

    st, body, _ = isp.req("POST", "/api/v1/dns/uploads/%d/analyze" % uid)
    while body.get("state") == "analyzing":
        time.sleep(0.2)
        st, body, _ = isp.req("GET", "/api/v1/dns/uploads/%d" % uid)
    st, evs, _ = admin.req("GET", "/api/v1/events?source=dns")
    t.ok(body.get("result", {}).get("events_stored") == 0 and len(evs.get("items", [])) == 3,
         "analysing again stores no duplicate events", body)

    # id squatting (issue 18): an agent token files, before the admin's
    # next upload, the ids that upload's findings would get; dedup is per
    # producer, so the server's findings are still stored
    _, atok, _ = admin.req("POST", "/api/v1/tokens", {"name": "agent-x", "scope": "agent", "agency_id": a1["id"]})
    agent = srv.client(token=atok["token"])
    nxt = uid + 2  # the admin's session upload above took uid + 1
    squat = []
    for e in items:
        rest = e["id"].split("-", 2)[2]  # dns-u<upload>-<client hash>
        squat.append({"id": "dns-u%d-%s" % (nxt, rest), "time": "2026-11-21T04:00:00Z", "source": "dns",
                      "kind": "infected_client", "severity": "info", "summary": "nothing to see"})
    st, body, _ = agent.req("POST", "/api/v1/events", squat)
    t.ok(st == 200 and body.get("accepted") == 3, "an agent token can file events with the next upload's ids", body)
    st, up2, _ = admin.req("POST", "/api/v1/dns/uploads", {"name": "again.log.gz"})
    t.ok(st == 201 and up2["id"] == nxt, "the admin's next upload gets the predicted id", up2)
    admin.req("PUT", "/api/v1/dns/uploads/%d?offset=0" % nxt, raw=data, ctype="application/octet-stream")
    st, body, _ = admin.req("POST", "/api/v1/dns/uploads/%d/analyze" % nxt)
    deadline = time.time() + 120
    while time.time() < deadline and body.get("state") not in ("done", "failed"):
        time.sleep(0.2)
        st, body, _ = admin.req("GET", "/api/v1/dns/uploads/%d" % nxt)
    t.ok(body.get("state") == "done" and body["result"]["clients_flagged"] == 3 and body["result"]["events_stored"] == 3,
         "the squatted ids do not suppress the admin's DNS findings", body)

    # an interrupted upload survives a restart and is resumed
    st, up2, _ = isp.req("POST", "/api/v1/dns/uploads", {"name": "resolver2.log"})
    part = b"21-Nov-2026 04:00:00.000 client 10.5.2.2#1 (c.evil.example): query: c.evil."
    isp.req("PUT", "/api/v1/dns/uploads/%d?offset=0" % up2["id"], raw=part, ctype="application/octet-stream")
    srv.stop()
    srv.start()
    isp = srv.client(token=tok["token"])
    st, body, _ = isp.req("GET", "/api/v1/dns/uploads/%d" % up2["id"])
    t.ok(st == 200 and body["offset"] == len(part) and body["name"] == "resolver2.log", "an upload survives a server restart", body)
    st, body, _ = isp.req("PUT", "/api/v1/dns/uploads/%d?offset=%d" % (up2["id"], len(part)), raw=b"example IN A + (10.0.0.1)\n", ctype="application/octet-stream")
    st, body, _ = isp.req("POST", "/api/v1/dns/uploads/%d/analyze" % up2["id"])
    while body.get("state") == "analyzing":
        time.sleep(0.2)
        st, body, _ = isp.req("GET", "/api/v1/dns/uploads/%d" % up2["id"])
    t.ok(body.get("state") == "done" and body["result"]["clients_flagged"] == 1, "the resumed upload is analysed whole", body)
    st, body, _ = isp.req("POST", "/api/v1/dns/uploads", {"name": ""})
    t.ok(st == 400, "an upload needs a name", body)
finally:
    srv.cleanup()
t.done()
