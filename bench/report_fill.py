#!/usr/bin/env python3
"""The fill half of bench/report.sh (python3 stdlib only).

usage: report_fill.py HOST:PORT TOTAL

Logs in as the bench admin, makes 20 agencies and an ingest token, and
posts TOTAL events spread evenly over November 2026 (and a tenth as many
over October, the period before) in batches of 1,000 through
POST /api/v1/events, as agents would.
"""
import http.client
import json
import random
import sys
import time

host, port = sys.argv[1].rsplit(":", 1)
total = int(sys.argv[2])
BATCH = 1000
SOURCES = ["web", "malware", "dns", "secrets", "accounts"]
KINDS = {"web": ["defacement", "spam", "unreachable"], "malware": ["webshell", "yara"],
         "dns": ["infected_client"], "secrets": ["secret_document"], "accounts": ["account_audit"]}
SEVS = ["info", "low", "medium", "high", "critical"]
NOV, OCT = 1793491200000, 1790812800000
MONTH = 30 * 86400 * 1000


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
h = {"Cookie": cookie, "X-CSRF-Token": json.loads(body)["csrf_token"], "Content-Type": "application/json"}
for i in range(20):
    call(c, "POST", "/api/v1/agencies", json.dumps({
        "name": f"Cơ quan {i}", "kind": "so_ban_nganh", "code": f"ag{i}", "declared_endpoints": 100,
        "ip_ranges": [f"10.{i}.0.0/16"]}), h)
st, body, _ = call(c, "POST", "/api/v1/tokens", json.dumps({"name": "bench", "scope": "ingest"}), h)
token = json.loads(body)["token"]
hi = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}
plan = [(NOV, total), (OCT, max(total // 10, BATCH))]
t0 = time.perf_counter()
sent = 0
for base, n in plan:
    for b in range(n // BATCH):
        rnd = random.Random(base + b)
        evs = []
        for i in range(BATCH):
            k = b * BATCH + i
            a = rnd.randrange(20)
            src = rnd.choice(SOURCES)
            evs.append({
                "id": f"r{base}-{k:08d}", "time": stamp(base + k * MONTH // n),
                "host": f"10.{a}.{rnd.randrange(64)}.{rnd.randrange(256)}",
                "source": src, "kind": rnd.choice(KINDS[src]), "severity": rnd.choice(SEVS),
                "subject": f"https://portal{a}.laichau.gov.vn/p/{rnd.randrange(500)}",
                "summary": "Phát hiện nội dung lạ: nổ hũ, nhà cái %d" % rnd.randrange(10**6),
                "evidence": {"score": rnd.random()}})
        st, out, _ = call(c, "POST", "/api/v1/events", json.dumps(evs).encode(), hi)
        if st != 200:
            raise SystemExit(f"ingest failed: {st} {out[:300]}")
        sent += BATCH
print(f"  filled {sent} events in {time.perf_counter() - t0:.1f} s")
