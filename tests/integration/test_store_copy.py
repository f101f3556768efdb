#!/usr/bin/env python3
"""canhgac store copy: a province's SQLite store moved to PostgreSQL.

A server on SQLite gets agencies (one the parent of an older one), a
system, users, an API token, events (Vietnamese text, two producers with
the same event id) and audit rows; then `store copy` to a fresh
PostgreSQL database: every table's rows and checksum match, a second run
copies nothing and still matches, and a server started on the copy logs
in the same admin (password hash copied), lists the same events, finds
them by folded text, and authenticates the same token.

Needs the test cluster of tests/run.sh ($CANHGAC_TEST_PG); the copy is
from SQLite, so the suite runs in the SQLite pass only."""
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from _serverlib import BIN, Server, Tap, event  # noqa: E402

t = Tap()
admin_url = os.environ.get("CANHGAC_TEST_PG", "")
if not admin_url or os.environ.get("CANHGAC_TEST_BACKEND", "sqlite") != "sqlite":
    print("ok 1 # skip needs the SQLite pass with $CANHGAC_TEST_PG (tests/run.sh)")
    print("1..1")
    sys.exit(0)

dbname = "copy_%d" % os.getpid()
subprocess.run(["psql", "-X", "-q", admin_url, "-c", f"CREATE DATABASE {dbname} TEMPLATE template0 ENCODING 'UTF8'"],
               check=True)
pg_url = admin_url.rsplit("/", 1)[0] + "/" + dbname

srv = Server()
try:
    admin = srv.login_admin()
    _, child, _ = admin.req("POST", "/api/v1/agencies", {"name": "Xã Bản Bo", "kind": "xa", "code": "bb", "ip_ranges": ["10.7.0.0/16"]})
    _, parent, _ = admin.req("POST", "/api/v1/agencies", {"name": "Sở Khoa học và Công nghệ", "kind": "so_ban_nganh", "code": "skhcn"})
    st, _, _ = admin.req("PATCH", f"/api/v1/agencies/{child['id']}", {"parent_id": parent["id"]})
    t.ok(st == 200, "an agency whose parent was created after it")
    admin.req("POST", "/api/v1/systems", {"agency_id": child["id"], "name": "Cổng TTĐT", "kind": "portal", "level": 2})
    admin.req("POST", "/api/v1/users", {"username": "officer1", "role": "officer", "agency_id": child["id"], "password": "officer-password-1"})
    _, tok, _ = admin.req("POST", "/api/v1/tokens", {"name": "agent", "scope": "ingest"})
    ing = srv.client(token=tok["token"])
    evs = [event("c-%d" % i, summary="Phát hiện nhà cái %d" % i, host="10.7.1.%d" % (i % 250 + 1),
                 evidence={"n": i, "ký tự": ["đ", 1.5]}) for i in range(1200)]
    st, body, _ = ing.req("POST", "/api/v1/events", evs)
    t.ok(st == 200 and body["accepted"] == 1200, "1200 events stored", body)
    _, tok2, _ = admin.req("POST", "/api/v1/tokens", {"name": "other", "scope": "ingest"})
    st, body, _ = srv.client(token=tok2["token"]).req("POST", "/api/v1/events", [event("c-1", summary="same id, another producer")])
    t.ok(st == 200 and body["accepted"] == 1, "the same id from another producer is stored", body)
    # the agent registry: a policy, an enrolled agent, an unused token
    st, _, _ = admin.req("PUT", f"/api/v1/agent-policies/{child['id']}", {"heartbeat_s": 30})
    _, et, _ = admin.req("POST", "/api/v1/enroll-tokens", {"agency_id": child["id"], "note": "web01"})
    st, enr, _ = srv.client().req("POST", "/api/v1/agent/enroll",
                                  {"token": et["token"], "host": "web01", "os": "linux"})
    t.ok(st == 200, "an agent enrolled on the SQLite store", (st, enr))
    _, unused, _ = admin.req("POST", "/api/v1/enroll-tokens", {"agency_id": parent["id"]})
    # triage, a suppression rule, an incident case with events and a comment
    _, few, _ = admin.req("GET", "/api/v1/events?limit=3")
    seqs = [e["seq"] for e in few["items"]]
    st, _, _ = admin.req("POST", "/api/v1/events/triage", {"ids": [seqs[0]], "state": "false_positive", "note": "Quét thử"})
    st2, rule, _ = admin.req("POST", "/api/v1/suppressions", {"event_id": seqs[0], "days": 7, "note": "Trang thử nghiệm"})
    st3, case, _ = admin.req("POST", "/api/v1/incidents", {"title": "Cổng bị thay giao diện", "kind": "defacement",
                                                          "severity": "high", "agency_id": child["id"],
                                                          "event_ids": seqs[1:3]})
    st4, case, _ = admin.req("POST", f"/api/v1/incidents/{case['id']}/comments", {"text": "Đã khôi phục"})
    t.ok((st, st2, st3, st4) == (200, 201, 201, 201), "triage, a suppression and an incident case on SQLite",
         (st, st2, st3, st4, case))
    admin.req("POST", f"/api/v1/incidents/{case['id']}/tasks", {"title": "Cô lập máy chủ", "due_at": "2026-12-05T03:00:00Z"})
    _, case_before, _ = admin.req("GET", f"/api/v1/incidents/{case['id']}")
    _, tasks_before, _ = admin.req("GET", f"/api/v1/incidents/{case['id']}/tasks")
    _, before, _ = admin.req("GET", "/api/v1/events?limit=500")
    _, ov_before, _ = admin.req("GET", "/api/v1/overview")
    _, ep_before, _ = admin.req("GET", "/api/v1/endpoints")
finally:
    srv.stop()

src_url = "sqlite:" + os.path.join(srv.data_dir, "canhgac.db")
# a province's store holds events that arrived months ago: on PostgreSQL
# they go into the partitions of their months (docs/storage.md)
import sqlite3  # noqa: E402
with sqlite3.connect(os.path.join(srv.data_dir, "canhgac.db")) as db:
    db.execute("UPDATE events SET received_at = 1741564800000 WHERE seq <= 100")  # 2025-03-10
    db.execute("INSERT INTO incident_notices VALUES(?, 'escalation', 'due', 1741564800000)", (case["id"],))
    # a delivery of the national malware report, its answer with Vietnamese text
    db.execute("INSERT INTO national_deliveries(period, format, url, at, ok, http_status, answer, error,"
               " sha256, bytes) VALUES('2026-11', 'xml', 'https://127.0.0.1:1/', 1764547200000, 1, 200,"
               " '{\"status\": \"đã nhận\"}', NULL, ?, 1234)", ("ab" * 32,))


def copy():
    r = subprocess.run([BIN, "store", "copy", "--from", src_url, "--to", pg_url, "--json"],
                       capture_output=True, text=True, timeout=600)
    rows = [json.loads(x) for x in r.stdout.splitlines() if x.startswith("{")]
    return r, {x["table"]: x for x in rows}


r, tables = copy()
t.ok(r.returncode == 0 and tables and all(x["match"] for x in tables.values()),
     "store copy: every table's rows and checksum match", (r.returncode, r.stderr, tables))
t.ok(tables.get("national_deliveries", {}).get("dest_rows") == 1,
     "the national report's delivery is copied", tables.get("national_deliveries"))
t.ok(subprocess.run(["psql", "-X", "-At", pg_url, "-c",
                    "SELECT count(*) FROM events_2025_03"], capture_output=True, text=True).stdout.strip() == "100",
     "events that arrived in an older month are copied into its partition")
t.ok(tables.get("events", {}).get("copied") == 1201 and tables.get("users", {}).get("copied") == 2
     and tables.get("agencies", {}).get("copied") == 2
     and tables.get("enroll_tokens", {}).get("copied") == 2
     and tables.get("agents", {}).get("copied") == 1
     and tables.get("agent_policies", {}).get("copied") == 1
     and tables.get("event_triage", {}).get("copied") == 3
     and tables.get("suppressions", {}).get("copied") == 1
     and tables.get("incidents", {}).get("copied") == 1
     and tables.get("incident_events", {}).get("copied") == 2
     # the case's rows: created, its playbook applied, two more; the
     # playbook's steps as tasks and the one added by hand
     and tables.get("incident_timeline", {}).get("copied") == 4
     and tables.get("incident_tasks", {}).get("copied") == 8
     and tables.get("incident_notices", {}).get("copied") == 1, "all rows copied",
     {k: v["copied"] for k, v in tables.items()})
r, tables = copy()
t.ok(r.returncode == 0 and all(x["match"] and x["copied"] == 0 for x in tables.values()),
     "a second copy adds nothing and still matches", (r.returncode, r.stderr, tables))
subprocess.run(["psql", "-X", "-q", pg_url, "-c", "UPDATE events SET summary='tampered' WHERE seq=5"], check=True)
r, tables = copy()
t.ok(r.returncode == 2 and tables["events"]["match"] is False and tables["agencies"]["match"],
     "a row changed in the copy is found by the checksum", (r.returncode, tables.get("events")))
subprocess.run(["psql", "-X", "-q", pg_url, "-c", "UPDATE agents SET host='tampered'"], check=True)
r, tables = copy()
t.ok(r.returncode == 2 and tables["agents"]["match"] is False and tables["agent_policies"]["match"],
     "a changed agent row is found by the checksum too", (r.returncode, tables.get("agents")))
subprocess.run(["psql", "-X", "-q", pg_url, "-c", "UPDATE agents SET host='web01'"], check=True)
subprocess.run(["psql", "-X", "-q", pg_url, "-c",
                "UPDATE incidents SET rec = jsonb_set(rec, '{title}', '\"tampered\"')"], check=True)
r, tables = copy()
t.ok(r.returncode == 2 and tables["incidents"]["match"] is False and tables["incident_timeline"]["match"],
     "a changed incident case is found by the checksum", (r.returncode, tables.get("incidents")))
r = subprocess.run([BIN, "store", "copy", "--from", pg_url, "--to", src_url], capture_output=True, text=True)
t.ok(r.returncode == 2 and "only a copy from sqlite" in r.stderr, "other directions are refused", r.stderr)

# The scheduler's jobs are not copied: the server on the copy runs each at
# its start. The daily compliance reminders would then write reminders for
# the inventory the SQLite server's first run (on an empty store) had not
# seen; carry that one job's row over so the copy serves exactly what the
# SQLite server served.
with sqlite3.connect(os.path.join(srv.data_dir, "canhgac.db")) as db:
    cur = db.execute("SELECT * FROM jobs WHERE name = 'compliance-reminders'")
    cols, row = [d[0] for d in cur.description], cur.fetchone()
if row:
    lit = ["NULL" if v is None else str(v) if isinstance(v, int) else "'" + str(v).replace("'", "''") + "'"
           for v in row]
    subprocess.run(["psql", "-X", "-q", pg_url, "-c",
                    f"INSERT INTO jobs({', '.join(cols)}) VALUES({', '.join(lit)})"], check=True)

os.environ["CANHGAC_STORE"] = pg_url
os.environ["CANHGAC_TEST_BACKEND"] = "postgresql"
pg = Server(data_dir=srv.data_dir)
try:
    admin = pg.login_admin()
    _, after, _ = admin.req("GET", "/api/v1/events?limit=500")
    t.ok(after["items"] == before["items"] and after["next"] == before["next"],
         "the copy serves the same events page (seq, producer dedup, evidence)",
         ([x for x in after["items"] if x not in before["items"]][:3],
          [x for x in before["items"] if x not in after["items"]][:3]))
    _, tasks_after, _ = admin.req("GET", f"/api/v1/incidents/{case['id']}/tasks")
    t.ok(tasks_after == tasks_before, "and the same tasks", (tasks_before, tasks_after))
    _, ov_after, _ = admin.req("GET", "/api/v1/overview")
    t.ok(ov_after == ov_before, "and the same overview (running totals copied)", (ov_before, ov_after))
    _, found, _ = admin.req("GET", "/api/v1/events?q=NHA%20CAI%201199")
    t.ok([x["id"] for x in found["items"]] == ["c-1199"], "copied events are found by folded text", found)
    st, _, _ = pg.client(token=tok["token"]).req("POST", "/api/v1/events", [event("c-new")])
    t.ok(st == 200, "the copied API token authenticates")
    st, body, _ = admin.req("POST", "/api/v1/agencies", {"name": "Mới", "kind": "xa", "code": "moi"})
    t.ok(st == 201 and body["id"] == parent["id"] + 1, "new ids continue after the copied ones", body)
    o = pg.client()
    t.ok(o.login("officer1", "officer-password-1")[0] == 200, "a copied user logs in with the same password")
    _, ep_after, _ = admin.req("GET", "/api/v1/endpoints")
    t.ok([(e["agent_id"], e["host"], e["enrolled_at"]) for e in ep_after["items"]]
         == [(e["agent_id"], e["host"], e["enrolled_at"]) for e in ep_before["items"]],
         "the copy lists the same enrolled agent", (ep_before, ep_after))
    st, hb, _ = pg.client(token=enr["token"]).req("POST", "/api/v1/agent/heartbeat", {"spool_pending": 0})
    t.ok(st == 200 and hb["policy_version"] == 1, "the copied agent heartbeats with its policy", (st, hb))
    st, enr2, _ = pg.client().req("POST", "/api/v1/agent/enroll", {"token": unused["token"], "host": "pc02"})
    t.ok(st == 200 and enr2["agency_id"] == parent["id"], "a copied unused enrolment token enrols", (st, enr2))
    st, _, _ = pg.client().req("POST", "/api/v1/agent/enroll", {"token": et["token"], "host": "again"})
    t.ok(st == 409, "a copied used token stays used", st)
    _, case_after, _ = admin.req("GET", f"/api/v1/incidents/{case['id']}")
    # the title was changed in the copy above (the checksum test); the rest
    # is the case as SQLite served it, its task's timeline entry included
    t.ok(case_after["title"] == "tampered" and case_after["events"] == case_before["events"]
         and case_after["timeline"] == case_before["timeline"]
         and case_after["number"] == case_before["number"],
         "the copied case keeps its number, events and timeline", (case_before, case_after))
    _, sups, _ = admin.req("GET", "/api/v1/suppressions")
    t.ok([x["id"] for x in sups["items"]] == [rule["id"]], "the copied suppression rule is listed", sups)
    _, ev0, _ = admin.req("GET", f"/api/v1/events/{seqs[0]}")
    t.ok(ev0["state"] == "false_positive", "the copied triage state is served", ev0)
    st, c2, _ = admin.req("POST", "/api/v1/incidents", {"title": "Mới", "kind": "ddos", "severity": "low",
                                                        "agency_id": child["id"]})
    t.ok(st == 201 and c2["id"] == case["id"] + 1 and c2["number"] != case["number"],
         "a new case continues after the copied one", (st, c2))
finally:
    pg.cleanup()
    subprocess.run(["psql", "-X", "-q", admin_url, "-c", f"DROP DATABASE IF EXISTS {dbname}"])
t.done()
