"""test_demo.py - `canhgac demo seed`: the demo province of Lai Chau is
written through the store, a second run adds nothing, --if-empty leaves a
store with an inventory alone, the printed demo login works against a
real `canhgac serve`, and the overview/events show the seeded data.

Prints TAP. Drives $CANHGAC (the ASan build under tests/run.sh) on a
free loopback port with a temp data dir.
"""
import http.cookiejar
import json
import os
import socket
import stat
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

SRC = os.environ.get("CANHGAC_SRC", os.path.abspath(os.path.join(os.path.dirname(__file__), "../..")))
CANHGAC = os.environ.get("CANHGAC", os.path.join(SRC, "build/canhgac"))
n = 0
failed = 0


def ok(cond, desc, diag=""):
    global n, failed
    n += 1
    if cond:
        print(f"ok {n} - {desc}")
    else:
        failed += 1
        print(f"not ok {n} - {desc}")
        for line in str(diag).splitlines()[:20]:
            print("# " + line)
    sys.stdout.flush()
    return cond


def run(*args, data):
    return subprocess.run([CANHGAC, *args, "--data-dir", data], capture_output=True, text=True, timeout=120)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(data):
    for _ in range(5):
        port = free_port()
        # no portal watch (--web-interval 0): the demo's portals are real
        # names off loopback, which no test may look up (and a watch run
        # in progress held the server's exit for 15 s)
        p = subprocess.Popen([CANHGAC, "serve", "--exposure-interval", "0", "--web-interval", "0", "--no-tls",
                              "--data-dir", data, "--listen", f"127.0.0.1:{port}"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        url = f"http://127.0.0.1:{port}"
        for _ in range(150):
            if p.poll() is not None:
                break
            try:
                urllib.request.urlopen(url + "/api/v1/session", timeout=2)
                return p, url
            except urllib.error.HTTPError:
                return p, url
            except OSError:
                time.sleep(0.1)
        if p.poll() is None:
            p.kill()
        p.wait()
    raise RuntimeError("canhgac serve did not start: " + (p.stderr.read() if p.stderr else ""))


def main():
    data = tempfile.mkdtemp(prefix="canhgac-demo-")
    server = None
    try:
        r = run("demo", "seed", "--json", data=data)
        ok(r.returncode == 0, "demo seed exits 0", r.stderr)
        out = json.loads(r.stdout.strip().splitlines()[-1]) if r.returncode == 0 else {}
        ok(out.get("agencies", 0) >= 20, f"about 20 agencies created ({out.get('agencies')})", r.stdout)
        ok(out.get("systems", 0) >= 40, f"about 40 systems created ({out.get('systems')})", r.stdout)
        ok(out.get("people", 0) >= 20, f"contact points created ({out.get('people')})", r.stdout)
        ok(out.get("events", 0) >= 12, f"events created ({out.get('events')})", r.stdout)
        pw = out.get("password", "")
        ok(out.get("admin") == "admin" and len(pw) >= 10 and out.get("admin_created") is True,
           "the demo admin is created and its password printed", r.stdout)
        pwfile = os.path.join(data, "demo-admin.txt")
        ok(os.path.exists(pwfile) and stat.S_IMODE(os.stat(pwfile).st_mode) == 0o600,
           "the demo password is kept in a 0600 file in the data dir")

        r2 = run("demo", "seed", "--json", data=data)
        out2 = json.loads(r2.stdout.strip().splitlines()[-1]) if r2.returncode == 0 else {}
        ok(r2.returncode == 0 and out2.get("agencies") == 0 and out2.get("systems") == 0
           and out2.get("people") == 0 and out2.get("events") == 0,
           "a second seed adds nothing (idempotent)", r2.stdout + r2.stderr)
        ok(out2.get("password") == pw and out2.get("admin_created") is False,
           "the second seed prints the same login", r2.stdout)
        r3 = run("demo", "seed", data=data)
        ok(r3.returncode == 0 and "admin" in r3.stdout and pw in r3.stdout,
           "the text output prints the login", r3.stdout)
        r4 = run("demo", "seed", "--if-empty", "--json", data=data)
        out4 = json.loads(r4.stdout.strip().splitlines()[-1]) if r4.returncode == 0 else {}
        ok(r4.returncode == 0 and out4.get("agencies") == 0, "--if-empty on a seeded store adds nothing", r4.stdout + r4.stderr)
        r5 = run("demo", "seed", "extra", data=data)
        ok(r5.returncode == 2, "an unexpected argument exits 2", r5.stderr)

        server, url = start_server(data)
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

        def get(path):
            with opener.open(url + "/api/v1" + path, timeout=10) as resp:
                return json.loads(resp.read())

        req = urllib.request.Request(url + "/api/v1/session", method="POST",
                                     data=json.dumps({"username": "admin", "password": pw}).encode(),
                                     headers={"Content-Type": "application/json"})
        try:
            with opener.open(req, timeout=30) as resp:
                login = json.loads(resp.read())
            ok(login["user"]["role"] == "admin", "the printed demo login works on the server")
        except urllib.error.HTTPError as e:
            ok(False, "the printed demo login works on the server", f"{e.code} {e.read()!r}")
            return
        ov = get("/overview")
        names = [a["name"] for a in ov["agencies"]]
        ok(len(names) >= 20 and "UBND xã Mường Tè" in names and "Sở Tài chính" in names,
           "the overview lists Lai Chau's agencies", names)
        communes = [a for a in get("/agencies?limit=500")["items"] if a["kind"] == "xa"]
        ok(len(communes) == 38 and sum(a["name"].startswith("UBND phường ") for a in communes) == 2
           and not any("huyện" in n or "thành phố" in n for n in names)
           and not any(a["kind"] == "huyen" for a in get("/agencies?limit=500")["items"]),
           "the demo is today's Lai Chau: 38 communes and wards, no districts",
           [a["name"] for a in communes])
        portals = sum(a.get("portals", 0) for a in ov["agencies"])
        ok(portals >= 20, f"the overview counts the portals ({portals})")
        opened = sum(sum(a.get("open_findings", {}).values()) for a in ov["agencies"])
        ok(opened >= 10, f"the overview counts open findings ({opened})", json.dumps(ov)[:600])
        evs = get("/events?limit=500")["items"]
        kinds = {(e["source"], e["kind"]) for e in evs}
        want = {("web", "defacement"), ("web", "spam"), ("malware", "webshell"), ("secrets", "secret_document"),
                ("dns", "infected_client"), ("agent", "offline"), ("accounts", "account_audit")}
        ok(want <= kinds, "events of every kind are stored", sorted(kinds))
        ok(all(e.get("agency_id") for e in evs), "every demo event is mapped to its agency",
           [e["id"] for e in evs if not e.get("agency_id")])
        # the server's auto-case rules may already have opened a case of
        # their own for the demo's other critical defacement: only the
        # seeded cases (no auto_rule) are counted here
        cases = get("/incidents?limit=50")
        seeded = [c for c in cases["items"] if not c.get("auto_rule")]
        states_seen = sorted(c["state"] for c in seeded)
        ok(len(seeded) == 4 and states_seen == ["closed", "contained", "new", "responding"]
           and all(c["number"].startswith("SC-") for c in cases["items"]),
           "the demo has incident cases in different states (seeded once)", states_seen)
        deface = next((c for c in seeded if c["kind"] == "defacement"), None)
        one = get(f"/incidents/{deface['id']}") if deface else {}
        ok(len(one.get("events", [])) == 1 and [x["what"] for x in one.get("timeline", [])] == ["created", "playbook", "state", "state", "state"],
           "the defacement case links its finding and has its timeline", one)
        tasks = get(f"/incidents/{deface['id']}/tasks") if deface else {}
        done = [k["done"] for k in tasks.get("items", [])]
        ok(one.get("playbook", {}).get("name") == "defacement" and len(done) == 7 and 0 < sum(done) < 7
           and all(k.get("role") for k in tasks["items"]),
           "it follows the defacement playbook, some steps done (the case is contained)", done)
        systems = get("/systems?limit=500")["items"]
        levels = {s["level"] for s in systems}
        states = {s["dossier_status"] for s in systems}
        ok(len(systems) >= 40 and levels >= {1, 2, 3, 4} and states == {"none", "draft", "submitted", "appraised", "approved"},
           "systems carry levels 1-4 and every dossier state", (len(systems), levels, states))
        portal = [s for s in systems if "https://laichau.gov.vn" in s.get("urls", [])]
        ok(len(portal) == 1 and portal[0]["dossier_dates"]["approved"] == "2024-08-01",
           "the provincial portal has its URL and dossier dates", portal)
        ag = get("/agencies?limit=500")["items"]
        import ipaddress
        ranges = [ipaddress.ip_network(c) for a in ag for c in a["ip_ranges"]]
        ok(ranges and all(r.is_private for r in ranges), "every demo IP range is a private (RFC 1918) range")
        audit = get("/audit?limit=5&actor=demo")
        ok(audit["total"] >= 20, "the seeding is in the audit log under the actor 'demo'", audit)
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
        subprocess.run(["rm", "-rf", data])
        print(f"1..{n}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
