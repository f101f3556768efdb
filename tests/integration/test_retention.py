#!/usr/bin/env python3
"""serve --retention-months: the events-maintenance job (server/
events_job.h) removes the events received before the retention and says
so in the audit log; on PostgreSQL it also keeps monthly partitions of
events ahead of the current month.

Events are ingested through the API; the server is stopped and some of
them are made old by changing their arrival time in the database (the
one thing the API cannot do); the server started again with a retention
of 3 months removes exactly those. Runs on both backends (the PostgreSQL
database of the data dir comes from tests/pg-store-wrap.sh). Prints TAP."""
import os
import shutil
import sqlite3
import subprocess
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _serverlib as S  # noqa: E402

OLD_MS = 1736899200000  # 2025-01-15: older than any retention of 3 months
PG = os.environ.get("CANHGAC_TEST_BACKEND") == "postgresql"


class RetentionServer(S.Server):
    extra_args = ("--retention-months", "3")


def db_exec(data, sql):
    """Runs sql on the data dir's store; returns the first column's rows."""
    if PG:
        url = subprocess.run([os.path.join(S.SRC, "tests", "pg-store-wrap.sh"), "--url", data],
                             check=True, capture_output=True, text=True).stdout.strip()
        out = subprocess.run(["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", url, "-c", sql],
                             check=True, capture_output=True, text=True,
                             env=dict(os.environ, LC_ALL="C", LANG="C")).stdout
        return [ln for ln in out.splitlines() if ln]
    db = sqlite3.connect(os.path.join(data, "canhgac.db"))
    try:
        rows = [str(r[0]) for r in db.execute(sql)] if sql.lstrip().upper().startswith("SELECT") \
            else (db.execute(sql), db.commit(), [])[2]
    finally:
        db.close()
    return rows


def main():
    t = S.Tap()
    srv = S.Server()
    data = srv.data_dir
    try:
        admin = srv.login_admin()
        st, ag, _ = admin.req("POST", "/api/v1/agencies", {"name": "Sở Y tế", "kind": "so_ban_nganh",
                                                            "code": "syt"})
        st, tok, _ = admin.req("POST", "/api/v1/tokens", {"name": "ing", "scope": "ingest"})
        ing = srv.client(token=tok["token"])
        evs = [S.event(f"r-{i}", agency="syt", host=f"10.1.0.{i}", source="agent", kind="malware")
               for i in range(10)]
        st, body, _ = ing.req("POST", "/api/v1/events", evs)
        t.ok(st == 200 and body["accepted"] == 10, "10 events ingested", body)
        srv.stop()

        old = [f"r-{i}" for i in range(6)]
        ids = ",".join(f"'{i}'" for i in old)
        if PG:  # the old month needs its partition before a row can move there
            db_exec(data, f"SELECT canhgac_event_partitions({OLD_MS}, {OLD_MS})")
        db_exec(data, f"UPDATE events SET received_at = {OLD_MS} WHERE id IN ({ids})")
        t.ok(db_exec(data, f"SELECT count(*) FROM events WHERE received_at = {OLD_MS}") == ["6"],
             "six of them made older than the retention")

        started = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(time.time() - 1))
        srv = RetentionServer(data_dir=data)
        admin = srv.login_admin()

        def job():
            st, body, _ = admin.req("GET", "/api/v1/jobs")
            return next((j for j in (body or {}).get("items", []) if j["name"] == "events-maintenance"), {})
        end = time.monotonic() + 30
        # (the first server ran it at its start too; this one runs it again)
        while time.monotonic() < end and not (job().get("last_ok") or "") >= started:
            time.sleep(0.2)
        t.ok((job().get("last_ok") or "") >= started and job().get("kind") == "events",
             "the events-maintenance job runs at start", (started, job()))
        st, body, _ = admin.req("GET", "/api/v1/events?limit=500")
        left = sorted(e["id"] for e in body.get("items", []))
        t.ok(left == [f"r-{i}" for i in range(6, 10)], "the events older than the retention are removed",
             left)
        st, body, _ = admin.req("GET", "/api/v1/audit?actor=server:retention")
        rows = body.get("items", []) if st == 200 else []
        t.ok(rows and rows[0]["action"] == "delete" and rows[0]["detail"]["removed"] == 6
             and rows[0]["detail"]["retention_months"] == 3,
             "the removal is in the audit log", body)
        # the running totals follow: the overview counts what remains
        t.ok(db_exec(data, "SELECT coalesce(sum(n), 0) FROM event_counts") == ["4"]
             and db_exec(data, "SELECT count(*) FROM event_hosts") == ["4"],
             "the running totals count only the events that remain")
        if PG:
            ahead = db_exec(data, "SELECT count(*) FROM event_partitions"
                                  " WHERE lo > (extract(epoch FROM now()) * 1000)::bigint")
            t.ok(int(ahead[0]) >= 2, "partitions exist two months ahead", ahead)
            t.ok(db_exec(data, f"SELECT count(*) FROM event_partitions WHERE lo <= {OLD_MS}") == ["0"],
                 "the old month's partition is dropped")
        ing = srv.client(token=tok["token"])
        st, body, _ = ing.req("POST", "/api/v1/events", [S.event("r-9"), S.event("r-10")])
        t.ok(st == 200 and body["accepted"] == 1 and body["duplicates"] == 1,
             "a kept id is still a duplicate after the removal", body)
    finally:
        srv.stop()
        shutil.rmtree(data, ignore_errors=True)
    t.done()


if __name__ == "__main__":
    main()
