#!/usr/bin/env python3
"""Two `canhgac serve` on one store behave as one server for the state
that used to live in each process or in files of its own (docs/storage.md
"Server state"): failed logins sent to A and to B count together.

The servers share one data directory (as test_jobs_failover does), so on
the PostgreSQL pass tests/pg-store-wrap.sh gives them one database; on the
SQLite pass they share one SQLite file. Prints TAP."""
import os
import shutil
import sys
import tempfile

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
