#!/usr/bin/env python3
"""GET /metrics (src/server/api_metrics.c) and request ids.

The scrape is parsed strictly as the Prometheus text format 0.0.4: every
line is a HELP, a TYPE or a sample; every family has HELP and TYPE before
its samples, once; names and labels are well formed, no sample repeats;
a histogram's buckets are cumulative and end in +Inf equal to its count.
Then: counters grow by exactly the requests made, ingest outcomes and the
batch histogram follow a batch, the store's gauges are there for the
backend under test, only a metrics token or an admin may read it. Every
answer carries an X-Request-Id: made by the server, or the trusted proxy's
own when it sends a well-formed one (never a client's)."""
import math
import os
import re
import sqlite3
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from _serverlib import SRC, Server, Tap, event, ndjson  # noqa: E402

NAME = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*\Z")
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\["\\n])*)"')
TYPES = {"counter", "gauge", "histogram", "summary", "untyped"}


def parse_value(s):
    if s in ("+Inf", "-Inf", "NaN"):
        return float(s.replace("Inf", "inf").replace("NaN", "nan"))
    if not re.fullmatch(r"-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?", s):
        raise ValueError(f"bad value {s!r}")
    return float(s)


def parse_labels(s):
    out = {}
    pos = 0
    while pos < len(s):
        m = LABEL.match(s, pos)
        if not m:
            raise ValueError(f"bad labels {s!r} at {pos}")
        k = m.group(1)
        if k in out:
            raise ValueError(f"label {k} twice")
        out[k] = re.sub(r"\\(.)", lambda e: "\n" if e.group(1) == "n" else e.group(1), m.group(2))
        pos = m.end()
        if pos < len(s):
            if s[pos] != ",":
                raise ValueError(f"bad labels {s!r}")
            pos += 1
    return out


def family_of(name, types):
    for suf in ("_bucket", "_sum", "_count"):
        if name.endswith(suf) and types.get(name[: -len(suf)]) == "histogram":
            return name[: -len(suf)]
    return name


def parse(text):
    """{(name, frozenset(labels)): value}, {family: type}; raises on any
    line that is not the format."""
    if not text.endswith("\n"):
        raise ValueError("no final newline")
    helps, types, samples, seen_families = {}, {}, {}, []
    for n, line in enumerate(text[:-1].split("\n"), 1):
        if line.startswith("# HELP "):
            name, _, help_ = line[7:].partition(" ")
            if not NAME.match(name) or name in helps or not help_:
                raise ValueError(f"line {n}: bad or repeated HELP: {line!r}")
            helps[name] = help_
            continue
        if line.startswith("# TYPE "):
            parts = line[7:].split(" ")
            if len(parts) != 2 or not NAME.match(parts[0]) or parts[1] not in TYPES or parts[0] in types:
                raise ValueError(f"line {n}: bad or repeated TYPE: {line!r}")
            if parts[0] not in helps:
                raise ValueError(f"line {n}: TYPE before HELP for {parts[0]}")
            types[parts[0]] = parts[1]
            seen_families.append(parts[0])
            continue
        if line.startswith("#") or not line:
            raise ValueError(f"line {n}: not a sample, HELP or TYPE: {line!r}")
        m = re.fullmatch(r"([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)", line)
        if not m:
            raise ValueError(f"line {n}: bad sample {line!r}")
        name, labels, value = m.group(1), parse_labels(m.group(2) or ""), parse_value(m.group(3))
        fam = family_of(name, types)
        if fam not in types:
            raise ValueError(f"line {n}: sample of {fam} without HELP/TYPE")
        if seen_families[-1] != fam:
            raise ValueError(f"line {n}: sample of {fam} outside its family's block")
        if types[fam] == "counter" and (value < 0 or math.isnan(value)):
            raise ValueError(f"line {n}: counter below zero")
        key = (name, frozenset(labels.items()))
        if key in samples:
            raise ValueError(f"line {n}: sample repeated: {line!r}")
        samples[key] = value
    # histograms: cumulative buckets ending in +Inf == count
    for fam, ty in types.items():
        if ty != "histogram":
            continue
        series = {}
        for (name, labels), v in samples.items():
            if name == fam + "_bucket":
                d = dict(labels)
                le = d.pop("le")
                series.setdefault(frozenset(d.items()), []).append((parse_value(le), v))
        for base, buckets in series.items():
            buckets.sort()
            if buckets[-1][0] != math.inf:
                raise ValueError(f"{fam}{dict(base)}: no +Inf bucket")
            if any(b[1] > c[1] for b, c in zip(buckets, buckets[1:])):
                raise ValueError(f"{fam}{dict(base)}: buckets not cumulative")
            if samples.get((fam + "_count", base)) != buckets[-1][1] or (fam + "_sum", base) not in samples:
                raise ValueError(f"{fam}{dict(base)}: count or sum missing or not the +Inf bucket")
    return samples, types


def val(samples, name, **labels):
    return samples.get((name, frozenset(labels.items())), 0.0)


def db_exec(data, sql):
    """Runs a statement on the data dir's store (either backend)."""
    if os.environ.get("CANHGAC_TEST_BACKEND") == "postgresql":
        url = subprocess.run([os.path.join(SRC, "tests", "pg-store-wrap.sh"), "--url", data],
                             check=True, capture_output=True, text=True).stdout.strip()
        subprocess.run(["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", url, "-c", sql],
                       check=True, capture_output=True, text=True, env=dict(os.environ, LC_ALL="C", LANG="C"))
        return
    db = sqlite3.connect(os.path.join(data, "canhgac.db"))
    try:
        db.execute(sql)
        db.commit()
    finally:
        db.close()


class ProxiedServer(Server):
    extra_args = ["--trusted-proxy", "127.0.0.2/32"]


t = Tap()
# the parser refuses what the format does not allow (so it can fail)
refused = 0
for bad in ("x 1\n", "# HELP x h\n# TYPE x counter\nx{a=\"b} 1\n", "# HELP x h\n# TYPE x counter\nx 1\nx 2\n",
            "# HELP x h\n# TYPE x counter\nx one\n", "# HELP x h\n# TYPE x gauge\nx 1",
            "# HELP h h\n# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\nh_sum 1\nh_count 1\n"):
    try:
        parse(bad)
    except ValueError:
        refused += 1
t.ok(refused == 6, "the strict parser refuses malformed text", refused)
backend = os.environ.get("CANHGAC_TEST_BACKEND", "sqlite")
srv = Server()
try:
    admin = srv.login_admin()
    toks = {}
    for scope in ("metrics", "read", "ingest"):
        st, tok, _ = admin.req("POST", "/api/v1/tokens", {"name": "m-" + scope, "scope": scope})
        toks[scope] = srv.client(token=tok["token"])
    scraper = toks["metrics"]

    st, body, h = srv.client().req("GET", "/metrics")
    t.ok(st == 401, "no credential: 401", (st, body))
    for scope in ("read", "ingest"):
        st, body, _ = toks[scope].req("GET", "/metrics")
        t.ok(st == 403, f"a {scope} token: 403", (st, body))
    st, body, _ = srv.client(token="cgt_" + "0" * 64).req("GET", "/metrics")
    t.ok(st == 401, "an unknown token: 401", st)
    st, body, _ = scraper.req("GET", "/api/v1/events")
    t.ok(st == 403, "the metrics token reads nothing else (events: 403)", st)

    st, body, h = scraper.req("GET", "/metrics")
    t.ok(st == 200 and h.get("content-type", "").startswith("text/plain; version=0.0.4"),
         "the metrics token scrapes: 200 text/plain; version=0.0.4", (st, h.get("content-type")))
    try:
        s1, types = parse(body.decode())
        t.ok(True, f"the scrape parses strictly ({len(s1)} samples, {len(types)} families)")
    except ValueError as e:
        s1, types = {}, {}
        t.ok(False, "the scrape parses strictly", f"{e}\n{body.decode()[:3000]}")
    want = {"process_start_time_seconds": "gauge", "canhgac_http_requests_total": "counter",
            "canhgac_http_request_duration_seconds": "histogram",
            "canhgac_events_ingested_total": "counter",
            "canhgac_ingest_batch_duration_seconds": "histogram", "canhgac_store_up": "gauge",
            "canhgac_store_size_bytes": "gauge", "canhgac_alerts_pending": "gauge",
            "canhgac_dns_uploads_queued": "gauge", "canhgac_job_lag_seconds": "gauge",
            "canhgac_job_running": "gauge", "canhgac_job_failures": "gauge",
            "canhgac_job_last_success_timestamp_seconds": "gauge"}
    t.ok(all(types.get(k) == v for k, v in want.items()), "every family is there with its type",
         {k: types.get(k) for k, v in want.items() if types.get(k) != v})
    start = val(s1, "process_start_time_seconds")
    t.ok(time.time() - 900 < start <= time.time(), "process_start_time_seconds is this process's start", start)
    t.ok(val(s1, "canhgac_store_up") == 1 and val(s1, "canhgac_store_size_bytes", backend=backend) > 0,
         f"the store's size for backend {backend}", {k: v for k, v in s1.items() if "store" in k[0]})
    jobs = {dict(k[1])["job"] for k in s1 if k[0] == "canhgac_job_lag_seconds"}
    t.ok("events-maintenance" in jobs and all(val(s1, "canhgac_job_lag_seconds", job=j, kind=dict(k[1])["kind"]) >= 0
                                              for k in s1 if k[0] == "canhgac_job_lag_seconds" for j in [dict(k[1])["job"]]),
         "each job of the jobs table has its lag", jobs)
    t.ok(("canhgac_alerts_pending", frozenset()) in s1 and ("canhgac_dns_uploads_queued", frozenset()) in s1,
         "queue lengths: alerts pending, DNS uploads queued")

    # requests of known routes and statuses, then a second scrape
    for _ in range(5):
        admin.req("GET", "/api/v1/agencies")
    admin.req("GET", "/api/v1/no-such-route")
    srv.client().req("GET", "/api/v1/agencies")
    batch = [event("m-1", host="10.9.0.1"), event("m-2", host="10.9.0.2"), {"id": "m-bad"}]
    st, res, _ = toks["ingest"].req("POST", "/api/v1/events", raw=ndjson(batch), ctype="application/x-ndjson")
    t.ok(st == 200 and res["accepted"] == 2 and len(res["rejected"]) == 1, "a batch: 2 accepted, 1 refused", res)
    toks["ingest"].req("POST", "/api/v1/events", raw=ndjson(batch[:1]), ctype="application/x-ndjson")
    st, body, _ = scraper.req("GET", "/metrics")
    try:
        s2, _ = parse(body.decode())
        t.ok(True, "the second scrape parses strictly")
    except ValueError as e:
        s2 = {}
        t.ok(False, "the second scrape parses strictly", e)

    def delta(name, **labels):
        return val(s2, name, **labels) - val(s1, name, **labels)

    t.ok(delta("canhgac_http_requests_total", method="GET", route="/api/v1/agencies", status="200") == 5,
         "5 more GET /api/v1/agencies 200", delta("canhgac_http_requests_total", method="GET", route="/api/v1/agencies", status="200"))
    t.ok(delta("canhgac_http_requests_total", method="GET", route="/api/v1/agencies", status="401") == 1,
         "1 more GET /api/v1/agencies 401")
    t.ok(delta("canhgac_http_requests_total", method="*", route="(unmatched)", status="404") == 1,
         "the unknown path counted as unmatched 404 (its path is not a label)")
    t.ok(not any("no-such-route" in v for k in s2 for _, v in k[1]), "no request path became a label")
    t.ok(delta("canhgac_http_requests_total", method="GET", route="/metrics", status="200") == 1
         and delta("canhgac_http_requests_total", method="GET", route="/metrics", status="403") == 0,
         "the first scrape itself is counted (403s before it)")
    t.ok(delta("canhgac_http_request_duration_seconds_count", method="GET", route="/api/v1/agencies") == 6,
         "the latency histogram of the route has 6 more requests")
    t.ok(delta("canhgac_events_ingested_total", outcome="accepted") == 2
         and delta("canhgac_events_ingested_total", outcome="refused") == 1
         and delta("canhgac_events_ingested_total", outcome="duplicate") == 1,
         "events ingested: 2 accepted, 1 refused, 1 duplicate",
         {k: v for k, v in s2.items() if k[0] == "canhgac_events_ingested_total"})
    t.ok(delta("canhgac_ingest_batch_duration_seconds_count") == 2 and delta("canhgac_ingest_batch_duration_seconds_sum") > 0,
         "the ingest batch histogram counts 2 batches")

    # a due job that no server runs waits: its lag grows; a pending alert
    # is counted (rows written as another server would)
    now_ms = int(time.time() * 1000)
    db_exec(srv.data_dir, f"INSERT INTO jobs(name,kind,next_run) VALUES('orphan','no-runner',{now_ms - 120000})")
    db_exec(srv.data_dir, "INSERT INTO alerts(id,created,state,attempts,next_try,doc)"
                          f" VALUES('metrics-test',{now_ms},'pending',0,{now_ms + 3600000},'{{}}')")
    st, body, _ = scraper.req("GET", "/metrics")
    s3, _ = parse(body.decode())
    lag = val(s3, "canhgac_job_lag_seconds", job="orphan", kind="no-runner")
    t.ok(120 <= lag < 900, "a job due 2 minutes ago that nobody runs has a lag of 2 minutes", lag)
    t.ok(val(s3, "canhgac_job_running", job="orphan", kind="no-runner") == 0
         and ("canhgac_job_last_success_timestamp_seconds", frozenset({("job", "orphan"), ("kind", "no-runner")})) not in s3,
         "it is not running and never succeeded")
    t.ok(val(s3, "canhgac_alerts_pending") == val(s2, "canhgac_alerts_pending") + 1, "the pending alert is counted",
         (val(s2, "canhgac_alerts_pending"), val(s3, "canhgac_alerts_pending")))

    # the admin may read it too; another role not
    st, _, _ = admin.req("GET", "/metrics")
    t.ok(st == 200, "the admin reads /metrics", st)
    st, u, _ = admin.req("POST", "/api/v1/users", {"username": "an1", "role": "analyst", "password": "analyst-pass-1"})
    an = srv.client()
    an.login("an1", "analyst-pass-1")
    st, _, _ = an.req("GET", "/metrics")
    t.ok(st == 403, "an analyst does not", st)

    # request ids: made by the server, one per request; a client's is ignored
    ids = set()
    for _ in range(3):
        _, _, h = admin.req("GET", "/api/v1/agencies", headers={"X-Request-Id": "client-chosen"})
        ids.add(h.get("x-request-id", ""))
    t.ok(len(ids) == 3 and all(re.fullmatch(r"[0-9a-f]{32}", i) for i in ids),
         "each answer has its own X-Request-Id, not the client's", ids)
    _, _, h = srv.client().req("GET", "/no/such/thing")
    t.ok(re.fullmatch(r"[0-9a-f]{32}", h.get("x-request-id", "")), "error answers carry one too", h)
finally:
    srv.cleanup()

# behind a trusted proxy (127.0.0.2), its id is taken when well formed
srv = ProxiedServer()
try:
    via = srv.client()
    via.source = "127.0.0.2"
    _, _, h = via.req("GET", "/api/v1/agencies", headers={"X-Request-Id": "nginx-4f2a.77:x_y"})
    t.ok(h.get("x-request-id") == "nginx-4f2a.77:x_y", "the trusted proxy's X-Request-Id is kept", h.get("x-request-id"))
    for bad in ("has space", "a" * 65, "semi;colon", ""):
        _, _, h = via.req("GET", "/api/v1/agencies", headers={"X-Request-Id": bad})
        t.ok(re.fullmatch(r"[0-9a-f]{32}", h.get("x-request-id", "")), f"a malformed one ({bad[:10]!r}) is replaced", h.get("x-request-id"))
    direct = srv.client()
    direct.source = "127.0.0.1"
    _, _, h = direct.req("GET", "/api/v1/agencies", headers={"X-Request-Id": "nginx-4f2a"})
    t.ok(h.get("x-request-id") != "nginx-4f2a", "from anyone else it is not", h.get("x-request-id"))
finally:
    srv.cleanup()
t.done()
