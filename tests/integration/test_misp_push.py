#!/usr/bin/env python3
"""test_misp_push.py - the scheduled MISP push ([misp.NAME], server/misp_job.h)
against the loopback MISP fake (_mispfake.py: checks the key, the Accept
header and the event's core-format shape): the first push fails (the
instance answers 500), is recorded as a failed delivery with its error and
retried by the scheduler's backoff, then delivers the demo province's
findings as one event and each incident case as an event of its own
(TLP:AMBER, the agency and incident-kind tags, distribution 4 with the
sharing group), the same findings event uuid as the failed attempt; a new
finding, stored late with an old time, and "push now" send exactly one
new findings event with it and move the window (seq and time); the record is on GET /api/v1/misp/deliveries. TAP; python3 stdlib."""
import datetime
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
from _mispfake import KEY, Misp, start_misp  # noqa: E402
from _serverlib import BIN, Server, Tap, ndjson  # noqa: E402

t = Tap()
tmp = tempfile.mkdtemp(prefix="canhgac-misp-push.")
httpd, MISP = start_misp()
keyfile = os.path.join(tmp, "misp.key")
with open(keyfile, "w") as f:
    f.write(KEY + "\n")
cfg = os.path.join(tmp, "canhgac.ini")
with open(cfg, "w") as f:
    f.write("[misp.quoc-gia]\nurl = %s/\nkey_file = %s\ntlp = amber\ndistribution = 4\n"
            "sharing_group = 7\ninterval = 3600\nprovince = Tỉnh Thử nghiệm\n" % (MISP, keyfile))
da = os.path.join(tmp, "a")
os.mkdir(da)


class PushServer(Server):
    extra_args = ("--config", cfg)


def wait_for(fn, secs):
    end = time.time() + secs
    while time.time() < end:
        v = fn()
        if v:
            return v
        time.sleep(0.25)
    return fn()


def adds():
    with Misp.lock:
        return [(p, json.loads(b)) for p, k, b in Misp.seen if p.startswith("/events/")]


srv = None
try:
    # a URL with a password in it is refused at start: it would be recorded
    bad = os.path.join(tmp, "bad.ini")
    with open(bad, "w") as f:
        f.write("[misp.x]\nurl = https://u:pw@misp.example/\nkey_file = %s\n" % keyfile)
    r = subprocess.run([BIN, "serve", "--config", bad, "--data-dir", os.path.join(tmp, "bad")],
                       capture_output=True, text=True, timeout=30)
    t.ok(r.returncode == 2 and "[misp.x] url: must not hold a user:password" in r.stderr,
         "a [misp.NAME] url with a password is refused, naming the section", (r.returncode, r.stderr))
    srv = PushServer(data_dir=da)
    admin = srv.login_admin()
    # the job's first run at start finds an empty store: nothing is sent
    # and nothing recorded
    time.sleep(1)
    subprocess.run([BIN, "demo", "seed", "--data-dir", da], check=True, stdout=subprocess.DEVNULL)
    t.ok(not adds(), "an empty store: nothing pushed", adds())
    st, body, _ = admin.req("GET", "/api/v1/misp/destinations")
    t.ok(st == 200 and [d["name"] for d in body["items"]] == ["quoc-gia"]
         and body["items"][0]["last_run"] is None and body["items"][0]["tlp"] == "amber"
         and body["items"][0]["url"] == MISP and "key" not in body["items"][0]
         and KEY not in json.dumps(body) and keyfile not in json.dumps(body),
         "the configured destination is listed before any run (last_run null), without its key", body)
    Misp.fail_next = 1  # the instance is broken for the first event
    st, body, _ = admin.req("POST", "/api/v1/misp/push?dest=quoc-gia")
    t.ok(st == 202, "push now: 202", (st, body))

    def deliveries():
        st, body, _ = admin.req("GET", "/api/v1/misp/deliveries?dest=quoc-gia")
        return body.get("items", []) if st == 200 else []
    failed = wait_for(lambda: [d for d in deliveries() if not d["ok"]], 60)
    t.ok(failed and failed[0]["http_status"] == 500 and "500" in (failed[0]["error"] or "")
         and failed[0]["events"] == 0 and failed[0]["since"] is None and KEY not in failed[0]["error"],
         "the first push fails: recorded with the instance's answer (not the key)", failed)
    ok = wait_for(lambda: [d for d in deliveries() if d["ok"]], 90)  # backoff: 10 s
    t.ok(ok and ok[0]["events"] >= 2 and ok[0]["attributes"] > 0 and ok[0]["http_status"] == 200,
         "retried by the scheduler: delivered (findings and incident events)", ok or deliveries())
    with Misp.lock:
        events = dict(Misp.events)
    sent = adds()
    find = [e for p, e in sent if p == "/events/add" and not e["Event"]["info"].startswith("canhgac ")]
    t.ok(len(find) >= 2 and find[0]["Event"]["uuid"] == find[-1]["Event"]["uuid"]
         and find[-1]["Event"]["uuid"] in events,
         "the retry sends the same findings event (same uuid) and the instance holds it",
         [e["Event"]["uuid"] for e in find])
    fe = events.get(find[-1]["Event"]["uuid"], {}) if find else {}
    tags = [x["name"] for x in fe.get("Tag", [])]
    t.ok("tlp:amber" in tags and any(x.startswith("canhgac:agency=") for x in tags)
         and fe.get("distribution") == "4" and fe.get("sharing_group_id") == "7"
         and fe.get("info") == "canhgac: Tỉnh Thử nghiệm",
         "findings event: TLP:AMBER, the agencies, distribution 4 to sharing group 7", (tags, fe.get("info")))
    incs = [e for e in events.values() if e["info"].startswith("canhgac ")]
    t.ok(incs and all(any(x["name"] == "tlp:amber" for x in e["Tag"])
                      and any(x["name"].startswith("canhgac:incident-kind=") for x in e["Tag"])
                      and e["threat_level_id"] in ("1", "2", "3", "4") and e["analysis"] in ("0", "1", "2")
                      for e in incs),
         "each incident case is an event: TLP:AMBER, its kind, threat level and analysis", [e["info"] for e in incs])
    t.ok(ok and ok[0]["events"] == 1 + len(incs), "the delivery counts the events sent",
         (ok and ok[0]["events"], len(incs)))
    fattrs = {a["uuid"] for a in fe.get("Attribute", [])} | \
        {a["uuid"] for o in fe.get("Object", []) for a in o["Attribute"]}
    iattrs = [a["uuid"] for e in incs for a in e["Attribute"] + [x for o in e["Object"] for x in o["Attribute"]]]
    t.ok(not (fattrs & set(iattrs)) and len(iattrs) == len(set(iattrs)),
         "no attribute uuid in two events (MISP keeps them unique)", (len(fattrs), len(iattrs)))

    # ---- a new finding, "push now" -----------------------------------------
    n_before = len(sent)
    st, tok, _ = admin.req("POST", "/api/v1/tokens", {"name": "ing", "scope": "ingest"})
    ing = srv.client(token=tok["token"])
    sha = "ab" * 32
    # stored now, seen long ago (an agent's spool uploading late): the push
    # follows the store's order, not the events' times
    now = (datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=20)).strftime(
        "%Y-%m-%dT%H:%M:%SZ")
    st, body, _ = ing.req("POST", "/api/v1/events", raw=ndjson([
        {"id": "push-mal-1", "time": now, "source": "malware", "kind": "webshell",
         "severity": "critical", "host": "web09", "subject": "/var/www/up/x.php", "summary": "shell",
         "evidence": {"sha256": sha, "rule": "php_eval"}}]), ctype="application/x-ndjson")
    t.ok(st == 200 and body.get("accepted") == 1, "a new malware finding, stored late (seen 20 days ago)", body)
    st, body, _ = admin.req("POST", "/api/v1/misp/push?dest=quoc-gia")
    t.ok(st == 202, "push now again: 202", (st, body))
    st, _, _ = admin.req("POST", "/api/v1/misp/push?dest=khong-co")
    t.ok(st == 404, "push now of an unknown destination: 404", st)
    two = wait_for(lambda: len([d for d in deliveries() if d["ok"]]) >= 2, 60)
    ds = deliveries()
    newest = ds[0] if ds else {}
    new = adds()[n_before:]
    nf = [(p, e) for p, e in new if not e["Event"]["info"].startswith("canhgac ")]
    hashes = [a["value"] for p, e in nf for o in e["Event"]["Object"] for a in o["Attribute"]]
    # cases changed since the last push (the auto-case job may have opened
    # one from the demo's events meanwhile) go too, as their own events
    t.ok(two and newest["ok"] and newest["events"] == len(new) and len(nf) == 1
         and nf[0][0] == "/events/add" and hashes == [sha]
         and not nf[0][1]["Event"]["Attribute"]
         and nf[0][1]["Event"]["uuid"] != (find[-1]["Event"]["uuid"] if find else ""),
         "only the new finding is sent, as a new findings event",
         (newest, [(p, e["Event"]["info"]) for p, e in new], hashes))
    t.ok(ok and newest.get("since") == ok[0]["until"], "the window starts where the last accepted one ended",
         (ok and ok[0]["until"], newest.get("since")))
    st, body, _ = srv.client().req("GET", "/api/v1/misp/deliveries")
    t.ok(st == 401, "the record is not public", st)
    st, body, _ = admin.req("GET", "/api/v1/misp/destinations")
    last = body["items"][0]["last_run"] if st == 200 and body.get("items") else None
    t.ok(last and last["ok"] and last["at"] == newest["at"] and last["events"] == newest["events"],
         "the destination's last run is the newest delivery", (body, newest))
    st, body, _ = srv.client().req("GET", "/api/v1/misp/destinations")
    t.ok(st == 401, "the destinations are not public", st)
finally:
    if srv:
        srv.cleanup()
    httpd.shutdown()
    shutil.rmtree(tmp, ignore_errors=True)
t.done()
