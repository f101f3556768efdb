#!/usr/bin/env python3
"""DNS log analyses are jobs of the scheduler with their uploads as rows of
the store (server/dns_upload.c): a server killed with SIGKILL in the
middle of one analysis, with a second upload queued behind it that never
started, loses neither. After the restart (and the dead server's job lease)
both are analysed to the end, each finding stored once. Runs on both
backends. Prints TAP."""
import gzip
import hashlib
import os
import sqlite3
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _serverlib as S  # noqa: E402

LEASE_S = 3


class LeaseServer(S.Server):
    """A server with a short job lease, so a restart takes the dead
    server's analysis over quickly."""

    def start(self):
        args = [S.BIN, "serve", "--exposure-interval", "0", "--listen", "127.0.0.1:0", "--data-dir", self.data_dir, "--no-tls",
                "--job-lease", str(LEASE_S)]
        self.log = open(os.path.join(self.data_dir, "server.log"), "ab")
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=self.log)
        line = self.proc.stdout.readline().decode()
        if "listening on" not in line:
            raise RuntimeError("server did not start: " + line)
        want = os.environ.get("CANHGAC_TEST_BACKEND", "sqlite")
        with open(os.path.join(self.data_dir, "server.log"), "rb") as f:
            starts = [ln for ln in f.read().decode(errors="replace").splitlines()
                      if ln.startswith("canhgac serve: store ")]
        if not starts or starts[-1].rsplit(" ", 1)[1] != want:
            self.proc.kill()
            raise RuntimeError(f"server runs on store {starts[-1:]!r}, the test asked for {want!r}")
        self.host, port = line.strip().rsplit("//", 1)[1].rsplit(":", 1)
        self.port = int(port)


PG = os.environ.get("CANHGAC_TEST_BACKEND") == "postgresql"


def db_exec(data, stmt):
    """Runs one statement on the data dir's store (either backend)."""
    if PG:
        url = subprocess.run([os.path.join(S.SRC, "tests", "pg-store-wrap.sh"), "--url", data],
                             check=True, capture_output=True, text=True).stdout.strip()
        subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", url, "-c", stmt],
                       check=True, capture_output=True, env=dict(os.environ, LC_ALL="C", LANG="C"))
        return
    db = sqlite3.connect(os.path.join(data, "canhgac.db"))
    try:
        db.execute(stmt)
        db.commit()
    finally:
        db.close()


def line(i, client, name):
    return ("21-Nov-2026 04:%02d:%02d.000 queries: info: client @0x7f1c %s#5353 (%s): query: %s IN A +E(0)K (10.0.0.1)\n"
            % (i // 60 % 60, i % 60, client, name, name))


def wait(pred, timeout):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        v = pred()
        if v:
            return v
        time.sleep(0.05)
    return pred()


def main():
    t = S.Tap()
    srv = LeaseServer()
    try:
        admin = srv.login_admin()
        admin.req("POST", "/api/v1/agencies", {"name": "Sở Y tế", "kind": "so_ban_nganh", "code": "syt",
                                               "ip_ranges": ["10.5.0.0/16"]})
        os.makedirs(os.path.join(srv.data_dir, "dns-intel"), exist_ok=True)
        with open(os.path.join(srv.data_dir, "dns-intel", "feed.txt"), "w") as f:
            f.write("evil.example\n")
        # a log long enough that its analysis is seen running: many clean
        # lines, then two infected clients at its end
        block = "".join(line(i, "10.9.%d.%d" % (i % 50, i % 200 + 1), "www.example.com")
                        for i in range(20000))
        big = gzip.compress((block * 60 + line(1, "10.5.1.1", "a.evil.example")
                             + line(2, "10.5.2.2", "b.evil.example")).encode(), compresslevel=1)
        small = (line(1, "10.5.3.3", "c.evil.example")).encode()
        ids = []
        for name, data in (("big.log.gz", big), ("small.log", small)):
            st, up, _ = admin.req("POST", "/api/v1/dns/uploads", {"name": name})
            st, body, _ = admin.req("PUT", "/api/v1/dns/uploads/%d?offset=0" % up["id"], raw=data,
                                    ctype="application/octet-stream")
            ids.append(up["id"])
        t.ok(len(ids) == 2, "two uploads received", ids)
        for i in ids:
            st, body, _ = admin.req("POST", "/api/v1/dns/uploads/%d/analyze" % i)
        t.ok(st == 202, "both queued for analysis", body)

        def running():
            st, b, _ = admin.req("GET", "/api/v1/dns/uploads/%d" % ids[0])
            return b if b.get("state") == "analyzing" and b["progress"]["lines_read"] > 0 else None
        seen = wait(running, 60)
        st, second, _ = admin.req("GET", "/api/v1/dns/uploads/%d" % ids[1])
        t.ok(seen and second.get("state") == "analyzing" and second["progress"]["lines_read"] == 0,
             "the first is being analysed (progress from the store), the second waits", (seen, second))
        srv.proc.send_signal(signal.SIGKILL)
        srv.proc.wait()
        srv.log.close()
        srv.proc.stdout.close()
        srv.start()
        admin = srv.login_admin()

        def finished(i):
            st, b, _ = admin.req("GET", "/api/v1/dns/uploads/%d" % i)
            return b if b.get("state") in ("done", "failed") else None
        b1 = wait(lambda: finished(ids[0]), 180)
        b2 = wait(lambda: finished(ids[1]), 60)
        t.ok(b1 and b1["state"] == "done" and b1["result"]["clients_flagged"] == 2
             and b1["progress"]["lines_read"] == 20000 * 60 + 2,
             "after the restart the interrupted analysis runs to the end", b1)
        t.ok(b2 and b2["state"] == "done" and b2["result"]["clients_flagged"] == 1,
             "and the queued one that never started is analysed too", b2)
        st, evs, _ = admin.req("GET", "/api/v1/events?source=dns&kind=infected_client")
        subj = sorted(e["subject"] for e in evs.get("items", []))
        t.ok(subj == ["10.5.1.1", "10.5.2.2", "10.5.3.3"], "each finding stored once", subj)
        st, jobs, _ = admin.req("GET", "/api/v1/jobs")
        dj = [j for j in jobs.get("items", []) if j["name"] == "dns-analysis"]
        t.ok(dj and dj[0]["kind"] == "dns-analyze", "the analyses run as the dns-analysis job", jobs)
        t.ok(not os.path.exists(os.path.join(srv.data_dir, "dns-uploads", "%d.owner" % ids[0])),
             "the upload's owner and state are rows of the store, not files")

        # the previous layout: a row whose bytes were dns-uploads/ID.log
        prev_data = line(3, "10.5.5.5", "e.evil.example").encode()
        st, prev, _ = admin.req("POST", "/api/v1/dns/uploads", {"name": "prev.log"})
        admin.req("PUT", "/api/v1/dns/uploads/%d?offset=0" % prev["id"], raw=prev_data,
                  ctype="application/octet-stream")
        # an older server's upload (N.log with N.name and N.owner) becomes a row
        srv.stop()
        up = os.path.join(srv.data_dir, "dns-uploads")
        os.makedirs(up, exist_ok=True)  # the older server's directory
        ph = hashlib.sha256(prev_data).hexdigest()
        pblob = os.path.join(srv.data_dir, "blobs", "sha256", ph[:2], ph)
        os.unlink(pblob)
        db_exec(srv.data_dir, "UPDATE dns_uploads SET chunks='[]' WHERE id=%d" % prev["id"])
        with open(os.path.join(up, "%d.log" % prev["id"]), "wb") as f:
            f.write(prev_data)
        nid = prev["id"] + 1  # the id its row gets: its file is moved aside first
        old_id = 70
        for oid in (old_id, nid):
            with open(os.path.join(up, "%d.log" % oid), "w") as f:
                f.write(line(1, "10.5.4.%d" % (oid % 250), "d.evil.example"))
            with open(os.path.join(up, "%d.name" % oid), "w") as f:
                f.write("old-resolver-%d.log" % oid)
            if oid == old_id:  # the oldest servers wrote no owner file
                with open(os.path.join(up, "%d.owner" % oid), "w") as f:
                    f.write('{"owner":"user:1","kind":1,"agency_id":0}')
        srv.start()
        admin = srv.login_admin()
        st, old, _ = admin.req("GET", "/api/v1/dns/uploads/%d" % nid)
        st, old2, _ = admin.req("GET", "/api/v1/dns/uploads/%d" % (nid + 1))
        t.ok(st == 200 and sorted([old["name"], old2["name"]]) == ["old-resolver-%d.log" % nid,
                                                                  "old-resolver-%d.log" % old_id]
             and old["state"] == "receiving" and old["offset"] > 0,
             "an older server's uploads are imported as rows", (old, old2))
        st, first, _ = admin.req("GET", "/api/v1/dns/uploads/%d" % ids[0])
        t.ok(st == 200 and first["state"] == "done" and first["name"] == "big.log.gz",
             "without touching the upload that has the same id", first)
        t.ok(not os.path.exists(up),
             "its files are gone, its bytes blobs of the blob store",
             os.listdir(up) if os.path.exists(up) else None)
        st, body, _ = admin.req("POST", "/api/v1/dns/uploads/%d/analyze" % nid)
        got = wait(lambda: finished(nid), 60)
        t.ok(got and got["state"] == "done" and got["result"]["clients_flagged"] == 1,
             "and is analysed on request", got)
        st, p2, _ = admin.req("GET", "/api/v1/dns/uploads/%d" % prev["id"])
        t.ok(st == 200 and p2["offset"] == len(prev_data) and os.path.exists(pblob),
             "the previous layout's file becomes its row's blob", p2)
        st, body, _ = admin.req("POST", "/api/v1/dns/uploads/%d/analyze" % prev["id"])
        got = wait(lambda: finished(prev["id"]), 60)
        t.ok(got and got["state"] == "done" and got["result"]["clients_flagged"] == 1,
             "and is analysed from it", got)
        # a blob altered on disk: the analysis fails and says which piece
        os.chmod(pblob, 0o644)
        with open(pblob, "wb") as f:
            f.write(prev_data.replace(b"10.5.5.5", b"10.5.5.6"))
        st, body, _ = admin.req("POST", "/api/v1/dns/uploads/%d/analyze" % prev["id"])
        got = wait(lambda: finished(prev["id"]), 60)
        t.ok(got and got["state"] == "failed" and "piece 1" in got.get("error", "")
             and "damaged" in got.get("error", ""), "a blob altered on disk fails its analysis", got)
    finally:
        srv.cleanup()
    t.done()


if __name__ == "__main__":
    main()
