#!/usr/bin/env python3
"""The client half of bench/ingest.sh (python3 stdlib only).

usage: ingest_client.py HOST:PORT DATADIR BATCHES TOTAL BACKEND [ANCHOR]

With BENCH_QUERIES_ONLY=1 in the environment only the query latencies
are measured, on a store filled beforehand with TOTAL events.

BACKEND sqlite: the anchor is python3's sqlite3 on DATADIR/canhgac.db's
schema. BACKEND postgresql: ANCHOR is the command (bench/pg_anchor.c and
its database URL) given a file of the same batches.

The timed comparison posts BATCHES batches with one client (strictly one
batch after the other), then BATCHES more with two concurrent clients (as
many agents do: one batch is parsed while another commits).
"""
import http.client
import json
import os
import random
import sqlite3
import subprocess
import sys
import threading
import time

host, port = sys.argv[1].rsplit(":", 1)
data = sys.argv[2]
batches, total, clients = int(sys.argv[3]), int(sys.argv[4]), 2
backend = sys.argv[5] if len(sys.argv) > 5 else "sqlite"
anchor_cmd = sys.argv[6].split() if len(sys.argv) > 6 else []
BATCH = 1000
SOURCES = ["web", "malware", "dns", "secrets", "agent"]
KINDS = ["defacement", "gambling_spam", "webshell", "dga", "state_secret", "heartbeat"]
SEVS = ["info", "low", "medium", "high", "critical"]


def call(conn, method, path, body=None, headers=None):
    conn.request(method, path, body=body, headers=headers or {})
    r = conn.getresponse()
    return r.status, r.read(), r


def setup():
    c = http.client.HTTPConnection(host, int(port), timeout=300)
    st, body, r = call(c, "POST", "/api/v1/session",
                       json.dumps({"username": "admin", "password": "bench-password-123"}),
                       {"Content-Type": "application/json"})
    cookie = r.getheader("Set-Cookie").split(";")[0]
    csrf = json.loads(body)["csrf_token"]
    h = {"Cookie": cookie, "X-CSRF-Token": csrf, "Content-Type": "application/json"}
    for i in range(20):
        call(c, "POST", "/api/v1/agencies", json.dumps({
            "name": f"Agency {i}", "kind": "so_ban_nganh", "code": f"ag{i}",
            "ip_ranges": [f"10.{i}.0.0/16"]}), h)
    st, body, _ = call(c, "POST", "/api/v1/tokens", json.dumps({"name": "bench", "scope": "ingest"}), h)
    return json.loads(body)["token"], {"Cookie": cookie}


BASE_MS = 1793491200000  # 2026-11-01T00:00:00Z


def stamp(ms):
    t = time.gmtime(ms // 1000)
    return time.strftime("%Y-%m-%dT%H:%M:%S", t) + ".%03dZ" % (ms % 1000)


def make_batch(b):
    rnd = random.Random(b)
    evs = []
    for i in range(BATCH):
        a = rnd.randrange(20)
        evs.append({
            "id": f"b{b:07d}-{i:04d}",
            # agents send recent events: times grow with small jitter
            "time": stamp(BASE_MS + (b * BATCH + i) * 20 + rnd.randrange(5000)),
            "host": f"10.{a}.{rnd.randrange(256)}.{rnd.randrange(256)}",
            "source": rnd.choice(SOURCES), "kind": rnd.choice(KINDS),
            "severity": rnd.choice(SEVS),
            "subject": f"https://portal{a}.laichau.gov.vn/page/{rnd.randrange(1000)}",
            "summary": "Phát hiện nội dung lạ trên cổng thông tin: nổ hũ, nhà cái %d" % rnd.randrange(10**6),
            "evidence": {"url": "https://x/%d" % i, "matched": ["nổ hũ", "tài xỉu"], "score": rnd.random()},
        })
    return evs


def post_batches(token, bodies, lat):
    c = http.client.HTTPConnection(host, int(port), timeout=300)
    h = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}
    for body in bodies:
        t0 = time.perf_counter()
        st, out, _ = call(c, "POST", "/api/v1/events", body, h)
        lat.append(time.perf_counter() - t0)
        if st != 200 or json.loads(out)["accepted"] != BATCH:
            raise SystemExit(f"ingest failed: {st} {out[:300]}")
    c.close()


def http_ingest(token, first, n):
    bodies = [json.dumps(make_batch(b)).encode() for b in range(first, first + n)]
    per = [bodies[i::clients] for i in range(clients)]
    lat = []
    t0 = time.perf_counter()
    th = [threading.Thread(target=post_batches, args=(token, p, lat)) for p in per]
    for x in th:
        x.start()
    for x in th:
        x.join()
    return n * BATCH / (time.perf_counter() - t0), bodies, lat


def parse_ms(s):
    return int(time.mktime(time.strptime(s[:19], "%Y-%m-%dT%H:%M:%S")) * 1000) + int(s[20:23])


def sqlite_anchor(bodies):
    """The same rows, plain sqlite3, one transaction per batch."""
    src = sqlite3.connect(os.path.join(data, "canhgac.db"))
    # the events table, its indexes and its text index (canhgac keeps it
    # in the ingest transaction: so does the anchor)
    schema = [r[0] for r in src.execute(
        "SELECT sql FROM sqlite_master WHERE tbl_name IN ('events', 'events_fts')"
        " AND type IN ('table', 'index') AND sql IS NOT NULL AND name NOT LIKE 'events_fts_%'")]
    src.close()
    path = os.path.join(data, "anchor.db")
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("PRAGMA cache_size=-65536")
    for s in schema:
        db.execute(s.replace("REFERENCES agencies(id) ON DELETE SET NULL", "")
                   .replace("REFERENCES systems(id) ON DELETE SET NULL", ""))
    sev = {s: i for i, s in enumerate(SEVS)}
    rows_by_batch = []
    for body in bodies:  # decoding is the anchor's equivalent of parsing
        rows_by_batch.append(body)
    now = int(time.time() * 1000)
    t0 = time.perf_counter()
    for body in rows_by_batch:
        evs = json.loads(body)
        rows = [(e["id"], 0, now, e["host"], None, None, None, e["source"], e["kind"],
                 sev[e["severity"]], e["subject"], e["summary"],
                 json.dumps(e["evidence"], ensure_ascii=False)) for e in evs]
        db.execute("BEGIN")
        top = db.execute("SELECT coalesce(max(seq), 0) FROM events").fetchone()[0]
        db.executemany("INSERT INTO events(id,time,received_at,host,agency,agency_id,system_id,"
                       "source,kind,severity,subject,summary,evidence) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
        db.execute("INSERT INTO events_fts(rowid, words) SELECT seq, lower(subject || ' ' || summary)"
                   " FROM events WHERE seq > ?", (top,))
        db.execute("COMMIT")
    rate = len(bodies) * BATCH / (time.perf_counter() - t0)
    db.close()
    return rate


def pg_anchor(bodies):
    """The same rows, plain libpq (bench/pg_anchor.c), one transaction per batch."""
    path = os.path.join(data, "batches.ndjson")
    with open(path, "wb") as f:
        for b in bodies:
            f.write(b + b"\n")
    out = subprocess.run(anchor_cmd + [path], check=True, capture_output=True, text=True).stdout
    os.unlink(path)
    return float(out.split()[-1])


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(len(xs) * p))]


def query_p95(cookie):
    c = http.client.HTTPConnection(host, int(port), timeout=300)
    paths = ["/api/v1/events", "/api/v1/events?agency_id=7", "/api/v1/events?severity=high",
             "/api/v1/events?source=dns", "/api/v1/events?kind=webshell&severity=critical",
             "/api/v1/events?since=2026-11-01T02:00:00Z", "/api/v1/events?agency_id=3&source=web",
             "/api/v1/events?limit=500",
             # rare matches: the seq walk runs out of budget, the time index answers
             "/api/v1/events?since=2030-01-01", "/api/v1/events?until=2026-11-01T00:00:05Z"]
    # text search: every event, one agency's portal (5 %), rare, none
    texts = ["/api/v1/events?q=nh%C3%A0%20c%C3%A1i", "/api/v1/events?q=portal7%20laichau",
             "/api/v1/events?q=nh%C3%A0%20c%C3%A1i%20123", "/api/v1/events?q=nha%20cai%204242",
             "/api/v1/events?q=khong%20co%20tu%20nay", "/api/v1/events?q=portal3&severity=critical"]
    paths += texts
    lat = {p: [] for p in paths}
    pages = []
    for rnd in range(20):
        for p in paths:
            t0 = time.perf_counter()
            st, body, _ = call(c, "GET", p, headers=cookie)
            lat[p].append(time.perf_counter() - t0)
            if st != 200:
                raise SystemExit(f"query failed: {p} {st} {body[:200]}")
        # follow the cursor 5 pages deep
        nxt = None
        for _ in range(5):
            t0 = time.perf_counter()
            st, body, _ = call(c, "GET", "/api/v1/events" + (f"?before={nxt}" if nxt else ""), headers=cookie)
            pages.append(time.perf_counter() - t0)
            nxt = json.loads(body)["next"]
    ov = []
    for _ in range(20):
        t0 = time.perf_counter()
        call(c, "GET", "/api/v1/overview", headers=cookie)
        ov.append(time.perf_counter() - t0)
    print(f"  GET /api/v1/overview (not in the events p95)            p95 {pct(ov, .95)*1000:7.1f} ms")
    allv = [x for p, v in lat.items() if p not in texts for x in v] + pages
    textv = [x for p in texts for x in lat[p]]
    for p, v in lat.items():
        print(f"  GET {p:50s} p50 {pct(v, .5)*1000:7.1f} ms  p95 {pct(v, .95)*1000:7.1f} ms")
    print(f"  GET /api/v1/events?before=<cursor> (pages 1-5)        p95 {pct(pages, .95)*1000:7.1f} ms")
    return pct(allv, .95), pct(textv, .95)


token, cookie = setup()
if os.environ.get("BENCH_QUERIES_ONLY"):
    # the store was filled beforehand (bench/events_pg.sh, bench/events_fill.sql)
    print(f"GET /api/v1/events with {total:,} events stored:")
    p95, text95 = query_p95(cookie)
    print(f"events page p95 {p95*1000:.1f} ms (goal < 100 ms)")
    print(f"text search p95 {text95*1000:.1f} ms (goal < 200 ms)")
    print(f"ratio events-page-goal-vs-p95 {0.1 / p95:.2f}")
    print(f"ratio text-search-goal-vs-p95 {0.2 / text95:.2f}")
    sys.exit(0)
# warm-up (untimed) for both sides: one batch each
http_ingest(token, 10**6, 1)
print(f"timed comparison: {batches} batches x {BATCH} events")
clients = 1
rate_1, bodies, lat = http_ingest(token, 0, batches)
print(f"canhgac HTTP ingest, 1 client:  {rate_1:,.0f} events/s (batch latency p50 {pct(lat,.5)*1000:.1f} ms, p95 {pct(lat,.95)*1000:.1f} ms)")
if backend == "postgresql":
    rate_sql = pg_anchor(bodies)
    print(f"plain libpq inserts:           {rate_sql:,.0f} events/s")
else:
    rate_sql = sqlite_anchor(bodies)
    print(f"plain sqlite3 inserts:         {rate_sql:,.0f} events/s")
clients = 2
rate_2, _, lat = http_ingest(token, batches + 2, batches)
print(f"canhgac HTTP ingest, 2 clients: {rate_2:,.0f} events/s (batch latency p50 {pct(lat,.5)*1000:.1f} ms, p95 {pct(lat,.95)*1000:.1f} ms)")
print(f"ratio ingest-vs-{backend} {rate_1 / rate_sql:.2f}")
print(f"ratio ingest-2clients-vs-{backend} {rate_2 / rate_sql:.2f}")
batches = 2 * batches + 1
del bodies

stored = batches + 1
target = total // BATCH
if target > stored:
    print(f"filling the store to {total:,} events ...")
    t0 = time.perf_counter()
    b = batches
    while stored < target:
        n = min(100, target - stored)
        http_ingest(token, b, n)
        b += n
        stored += n
    print(f"  filled at {(stored - batches - 1) * BATCH / (time.perf_counter() - t0):,.0f} events/s")
print(f"GET /api/v1/events with {stored * BATCH:,} events stored:")
p95, text95 = query_p95(cookie)
print(f"events page p95 {p95*1000:.1f} ms (goal < 100 ms)")
print(f"text search p95 {text95*1000:.1f} ms (goal < 200 ms)")
