#!/usr/bin/env python3
"""Two `canhgac serve` on one store behave as one server for the state
that used to live in each process or in files of its own (docs/storage.md
"Server state"): failed logins sent to A and to B count together; an agent
enrolled through A heartbeats and uploads through B; a DNS log uploaded
through A is analysed (by whichever server's job runner takes it) and its
state, result and findings are listed through B.

The servers share one data directory (as test_jobs_failover does), so on
the PostgreSQL pass tests/pg-store-wrap.sh gives them one database; on the
SQLite pass they share one SQLite file. Prints TAP."""
import os
import shutil
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _serverlib as S  # noqa: E402


def main():
    t = S.Tap()
    tmp = tempfile.mkdtemp(prefix="canhgac-two-")
    data = os.path.join(tmp, "data")
    os.mkdir(data)
    a = S.Server(data_dir=data)
    b = S.Server(data_dir=data)
    try:
        ca = a.login_admin()
        st, _, _ = ca.req("POST", "/api/v1/users", {"username": "an1", "role": "analyst",
                                                     "password": "analyst-password-1"})
        t.ok(st == 201, "a user made through A", st)
        # an agent enrolled through A works through B
        st, ag, _ = ca.req("POST", "/api/v1/agencies", {"name": "Xã Bản Bo", "kind": "xa",
                                                         "code": "bb"})
        st, et, _ = ca.req("POST", "/api/v1/enroll-tokens", {"agency_id": ag["id"]})
        t.ok(st == 201, "an enrolment token made through A", (st, et))
        cb = b.login_admin()
        st, ets, _ = cb.req("GET", "/api/v1/enroll-tokens")
        t.ok(st == 200 and [e["id"] for e in ets["items"]] == [et["id"]], "and listed through B", ets)
        st, enr, _ = a.client().req("POST", "/api/v1/agent/enroll",
                                    {"token": et["token"], "host": "web01", "os": "linux"})
        t.ok(st == 200, "an agent enrols through A", (st, enr))
        st, _, _ = b.client().req("POST", "/api/v1/agent/enroll", {"token": et["token"], "host": "x"})
        t.ok(st == 409, "the used token is refused by B", st)
        st, pol, _ = cb.req("PUT", f"/api/v1/agent-policies/{ag['id']}", {"heartbeat_s": 30})
        agent_b = b.client(token=enr["token"])
        st, hb, _ = agent_b.req("POST", "/api/v1/agent/heartbeat", {"spool_pending": 3})
        t.ok(st == 200 and hb["policy_version"] == pol["version"] == 1,
             "it heartbeats through B and gets the policy set through B", (st, hb, pol))
        st, up, _ = agent_b.req("POST", "/api/v1/events",
                                [S.event("two-1", source="malware", kind="webshell", host="web01")])
        t.ok(st == 200 and up["accepted"] == 1, "it uploads events through B", (st, up))
        st, evs, _ = ca.req("GET", "/api/v1/events?source=malware")
        t.ok(st == 200 and [(e["id"], e["agency_id"]) for e in evs["items"]] == [("two-1", ag["id"])],
             "A lists the event, in the agent's agency", evs)
        st, eps, _ = ca.req("GET", "/api/v1/endpoints")
        t.ok(st == 200 and [(e["agent_id"], e["spool_pending"], e["offline"]) for e in eps["items"]]
             == [(enr["agent_id"], 3, False)], "A lists the agent with B's heartbeat", eps)

        # a DNS log uploaded through A, listed through B
        os.makedirs(os.path.join(data, "dns-intel"), exist_ok=True)
        with open(os.path.join(data, "dns-intel", "feed.txt"), "w") as f:
            f.write("evil.example\n")
        ca.req("PATCH", f"/api/v1/agencies/{ag['id']}", {"ip_ranges": ["10.5.0.0/16"]})
        log = "".join("21-Nov-2026 04:00:%02d.000 queries: info: client @0x7f1c %s#5353 (%s): query: %s IN A"
                      " +E(0)K (10.0.0.1)\n" % (i, c, n, n)
                      for i, (c, n) in enumerate([("10.9.0.1", "www.example.com"),
                                                  ("10.5.1.1", "a.evil.example")]))
        st, up, _ = ca.req("POST", "/api/v1/dns/uploads", {"name": "resolver.log"})
        # its first half through A, resumed through B: each piece a blob
        # of the shared directory, the list in the shared row
        half = len(log) // 2
        st, body, _ = ca.req("PUT", "/api/v1/dns/uploads/%d?offset=0" % up["id"], raw=log[:half].encode(),
                             ctype="application/octet-stream")
        st, got, _ = cb.req("GET", "/api/v1/dns/uploads/%d" % up["id"])
        t.ok(st == 200 and got["offset"] == half and got["name"] == "resolver.log",
             "an upload made through A is known to B", (st, got))
        st, got, _ = cb.req("PUT", "/api/v1/dns/uploads/%d?offset=%d" % (up["id"], half),
                            raw=log[half:].encode(), ctype="application/octet-stream")
        t.ok(st == 200 and got["offset"] == len(log), "and resumed through B", (st, got))
        st, body, _ = ca.req("POST", "/api/v1/dns/uploads/%d/analyze" % up["id"])
        t.ok(st == 202, "its analysis is asked for through A", (st, body))
        end = time.monotonic() + 60
        while time.monotonic() < end and got.get("state") not in ("done", "failed"):
            time.sleep(0.1)
            st, got, _ = cb.req("GET", "/api/v1/dns/uploads/%d" % up["id"])
        t.ok(got.get("state") == "done" and got["result"]["clients_flagged"] == 1,
             "B lists it analysed, with its result", got)
        st, inf, _ = cb.req("GET", "/api/v1/dns/infections")
        t.ok(st == 200 and [(i["agency_id"], i["infected_clients"]) for i in inf["items"]]
             == [(ag["id"], 1)], "and B lists its finding per agency", inf)

        # the limit is 5 failures per username: 3 through A, 2 through B
        codes = [a.client().login("an1", "wrong-password-x")[0] for _ in range(3)]
        codes += [b.client().login("an1", "wrong-password-x")[0] for _ in range(2)]
        t.ok(codes == [401] * 5, "five failed logins, three on A and two on B", codes)
        sa, sb = a.client().login("an1", "analyst-password-1")[0], \
            b.client().login("an1", "analyst-password-1")[0]
        t.ok(sa == 429 and sb == 429,
             "the username is throttled on both servers (the counts are shared)", (sa, sb))
        t.ok(b.client().login("admin", S.ADMIN_PW)[0] == 200,
             "another username still logs in on B")
        # a restart forgets nothing: the count is in the store
        a.stop()
        a.start()
        t.ok(a.client().login("an1", "analyst-password-1")[0] == 429,
             "a restarted server still throttles the username")
    finally:
        a.stop()
        b.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    t.done()


if __name__ == "__main__":
    main()
