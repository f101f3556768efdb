#!/usr/bin/env python3
"""The fill half of bench/stix.sh (python3 stdlib only).

usage: stix_fill.py HOST:PORT TOTAL

Logs in as the bench admin, makes 20 agencies and an ingest token, and
posts TOTAL findings that each name one malicious value (a third malware
hashes, a third DNS blocklist names, a third web resource URLs, all
distinct, so TOTAL indicators) in batches of 1,000 through
POST /api/v1/events.
"""
import hashlib
import http.client
import json
import sys
import time

host, port = sys.argv[1].rsplit(":", 1)
total = int(sys.argv[2])
BATCH = 1000
NOV = 1793491200000


def call(c, method, path, body=None, headers=None):
    c.request(method, path, body=body, headers=headers or {})
    r = c.getresponse()
    return r.status, r.read(), r


def stamp(ms):
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ms // 1000)) + ".%03dZ" % (ms % 1000)


c = http.client.HTTPConnection(host, int(port), timeout=600)
st, body, r = call(c, "POST", "/api/v1/session",
                   json.dumps({"username": "admin", "password": "bench-password-123"}),
                   {"Content-Type": "application/json"})
cookie = r.getheader("Set-Cookie").split(";")[0]
h = {"Cookie": cookie, "X-CSRF-Token": json.loads(body)["csrf_token"],
     "Content-Type": "application/json"}
for i in range(20):
    call(c, "POST", "/api/v1/agencies", json.dumps({
        "name": f"Cơ quan {i}", "kind": "so_ban_nganh", "code": f"ag{i}",
        "ip_ranges": [f"10.{i}.0.0/16"]}), h)
st, body, _ = call(c, "POST", "/api/v1/tokens", json.dumps({"name": "bench", "scope": "ingest"}), h)
hi = {"Authorization": "Bearer " + json.loads(body)["token"], "Content-Type": "application/json"}
t0 = time.perf_counter()
for b in range(total // BATCH):
    evs = []
    for i in range(BATCH):
        k = b * BATCH + i
        a = k % 20
        ev = {"id": f"s{k:08d}", "time": stamp(NOV + k * 1000), "host": f"10.{a}.{k % 250}.{k % 200}",
              "severity": "high", "summary": f"finding {k}"}
        if k % 3 == 0:
            ev.update(source="malware", kind="webshell", subject=f"/var/www/{k}.php",
                      evidence={"sha256": hashlib.sha256(str(k).encode()).hexdigest(),
                                "rule": f"rule_{k % 50}"})
        elif k % 3 == 1:
            ev.update(source="dns", kind="infected_client", subject=ev["host"],
                      evidence={"reasons": [{"kind": "blocklist", "sample": f"c2-{k}.example"}]})
        else:
            ev.update(source="web", kind="new_external_resource", subject="https://x.gov.vn/",
                      evidence={"resources": [{"url": f"https://cdn-{k}.example/x.js"}]})
        evs.append(ev)
    st, out, _ = call(c, "POST", "/api/v1/events", json.dumps(evs).encode(), hi)
    if st != 200:
        raise SystemExit(f"ingest failed: {st} {out[:300]}")
print(f"  filled {total // BATCH * BATCH} findings in {time.perf_counter() - t0:.1f} s")
