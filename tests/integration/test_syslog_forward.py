#!/usr/bin/env python3
"""Syslog forwarding (server/forward_job.h) to a real rsyslog from Debian on
loopback: UDP (RFC 5424 JSON), TCP and TLS (CEF, octet counting), a
filtered destination; CEF fields and escaping read back from the file
rsyslog wrote; the receiver killed mid-stream and restarted, then canhgac
killed -9 and restarted: every event arrives, and nothing whose cursor had
moved (what the receiver's TCP acknowledged) is sent twice. Runs on both
store backends (the @pg pass). Prints TAP."""
import atexit
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
import _serverlib as S  # noqa: E402

t = S.Tap()
RSYSLOGD = shutil.which("rsyslogd") or "/usr/sbin/rsyslogd"
if not os.path.exists(RSYSLOGD):
    print("1..0 # SKIP rsyslog is not installed (scripts/setup-deps.sh)")
    sys.exit(0)

tmp = tempfile.mkdtemp(prefix="canhgac-syslog.")


def free_port(kind=socket.SOCK_STREAM):
    s = socket.socket(socket.AF_INET, kind)
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


# --- a test CA and the receiver's certificate (name "siem.test") ---
def openssl(*args):
    subprocess.run(["openssl", *args], check=True, capture_output=True)


ca_key, ca, key, csr, crt = (os.path.join(tmp, n) for n in
                             ("ca.key", "ca.pem", "srv.key", "srv.csr", "srv.pem"))
openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
        "-keyout", ca_key, "-out", ca, "-days", "2", "-subj", "/CN=canhgac test CA")
openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
        "-keyout", key, "-out", csr, "-subj", "/CN=siem.test")
ext = os.path.join(tmp, "ext.cnf")
with open(ext, "w") as f:
    f.write("subjectAltName=DNS:siem.test,IP:127.0.0.1\n")
openssl("x509", "-req", "-in", csr, "-CA", ca, "-CAkey", ca_key, "-CAcreateserial",
        "-out", crt, "-days", "2", "-extfile", ext)

# a CA that did not sign the receiver
other_ca = os.path.join(tmp, "other-ca.pem")
openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
        "-keyout", os.path.join(tmp, "other-ca.key"), "-out", other_ca, "-days", "2",
        "-subj", "/CN=another CA")

P_UDP, P_TCP, P_HIGH, P_TLS = (free_port(socket.SOCK_DGRAM), free_port(), free_port(),
                               free_port())


class Rsyslog:
    """One rsyslogd run unprivileged in its own directory, files in tmp."""

    def __init__(self, name, conf):
        self.dir = os.path.join(tmp, name)
        os.makedirs(self.dir, exist_ok=True)
        self.conf = os.path.join(self.dir, "rsyslog.conf")
        with open(self.conf, "w") as f:
            f.write(conf.replace("@DIR@", self.dir))
        self.proc = None
        self.start()

    def start(self):
        self.proc = subprocess.Popen(
            [RSYSLOGD, "-n", "-f", self.conf, "-i", os.path.join(self.dir, "pid")],
            stdout=subprocess.DEVNULL, stderr=open(os.path.join(self.dir, "err"), "ab"))
        time.sleep(0.8)

    def stop(self, sig=signal.SIGTERM):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            self.proc.wait(timeout=30)

    def lines(self, name):
        try:
            # complete lines only: rsyslog may be writing the last one
            # (cut mid-character, it would not even decode)
            with open(os.path.join(self.dir, name), "rb") as f:
                data = f.read()
            return data[:data.rfind(b"\n") + 1].decode("utf-8").splitlines()
        except FileNotFoundError:
            return []


COMMON = """global(workDirectory="@DIR@" maxMessageSize="64k")
template(name="raw" type="string" string="%rawmsg%\\n")
"""
plain = Rsyslog("plain", COMMON + f"""
module(load="imudp")
module(load="imtcp")
input(type="imudp" address="127.0.0.1" port="{P_UDP}" ruleset="udp")
input(type="imtcp" address="127.0.0.1" port="{P_TCP}" ruleset="tcp")
input(type="imtcp" address="127.0.0.1" port="{P_HIGH}" ruleset="high")
ruleset(name="udp") {{ action(type="omfile" file="@DIR@/udp.log" template="raw") }}
ruleset(name="tcp") {{ action(type="omfile" file="@DIR@/tcp.log" template="raw") }}
ruleset(name="high") {{ action(type="omfile" file="@DIR@/high.log" template="raw") }}
""")
tls = Rsyslog("tls", COMMON.replace('maxMessageSize="64k"', f'''maxMessageSize="64k"
  defaultNetstreamDriver="gtls" defaultNetstreamDriverCAFile="{ca}"
  defaultNetstreamDriverCertFile="{crt}" defaultNetstreamDriverKeyFile="{key}"''') + f"""
module(load="imtcp" streamDriver.name="gtls" streamDriver.mode="1" streamDriver.authMode="anon")
input(type="imtcp" address="127.0.0.1" port="{P_TLS}" ruleset="tls")
ruleset(name="tls") {{ action(type="omfile" file="@DIR@/tls.log" template="raw") }}
""")

# the receivers go even when the test fails half-way (by their pids)
atexit.register(lambda: [r.stop(signal.SIGKILL) for r in (plain, tls)])

cfg = os.path.join(tmp, "canhgac.ini")
with open(cfg, "w") as f:
    # a short lease: the restarted server takes the killed one's jobs over
    # after 3 s rather than the default minute
    f.write(f"""[server]
job_lease = 3
[forward.udp]
url = udp://127.0.0.1:{P_UDP}
format = rfc5424
[forward.tcp]
url = tcp://127.0.0.1:{P_TCP}
[forward.high]
url = tcp://127.0.0.1:{P_HIGH}
min_severity = high
sources = malware
[forward.tls]
url = tls://127.0.0.1:{P_TLS}
ca_file = {ca}
server_name = siem.test
[forward.wrongca]
url = tls://127.0.0.1:{P_TLS}
ca_file = {other_ca}
""")


# a bad destination stops serve before anything starts, naming FILE:LINE
bad = os.path.join(tmp, "bad.ini")
with open(bad, "w") as f:
    f.write("[forward.x]\nurl = http://127.0.0.1:1\n")
r = subprocess.run([S.BIN, "serve", "--exposure-interval", "0", "--listen", "127.0.0.1:0", "--no-tls", "--data-dir",
                    os.path.join(tmp, "bad-data"), "--config", bad],
                   capture_output=True, text=True, timeout=60)
t.ok(r.returncode == 2 and f"{bad}:2: [forward.x]: url must start with" in r.stderr,
     "serve refuses a bad [forward.NAME] section, naming the file and line", r.stderr)


class FServer(S.Server):
    extra_args = ("--config", cfg)


srv = FServer()
admin = srv.login_admin()
_, tok, _ = admin.req("POST", "/api/v1/tokens", {"name": "ing", "scope": "ingest"})
ing = srv.client(token=tok["token"])


def post(evs):
    for i in range(0, len(evs), 500):
        st, body, _ = ing.req("POST", "/api/v1/events", evs[i:i + 500])
        assert st == 200 and body["accepted"] == len(evs[i:i + 500]), body


def seqs_of(lines):
    out = []
    for ln in lines:
        m = re.search(r"(?:cn2=|seq=\")(\d+)", ln)
        if m:
            out.append(int(m.group(1)))
    return out


def wait_for(fn, timeout=90):
    end = time.time() + timeout
    while time.time() < end:
        if fn():
            return True
        time.sleep(0.3)
    return False


def cef_unescape_value(v):
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "r": "\r"}.get(m.group(1), m.group(1)), v)


def cef_parse(line):
    """CEF:0|...|...|ext from a line: the header fields, split on unescaped
    '|', and the extension as a dict (keys before unescaped '=')."""
    body = line[line.index("CEF:0|"):]
    fields, cur, i = [], "", 0
    while i < len(body) and len(fields) < 7:
        c = body[i]
        if c == "\\" and i + 1 < len(body):
            cur += body[i + 1]
            i += 2
            continue
        if c == "|":
            fields.append(cur)
            cur = ""
        else:
            cur += c
        i += 1
    ext_text = body[i:]
    ext = {}
    for m in re.finditer(r"(?:^| )([A-Za-z0-9]+)=((?:\\.|[^\\=])*?)(?= [A-Za-z0-9]+=|$)",
                         ext_text):
        ext[m.group(1)] = cef_unescape_value(m.group(2))
    return fields, ext


# --- escaping and fields, read back from what rsyslog wrote ---
nasty = "Trang chủ|bị \\sửa = đổi\r\nlần 2"
post([S.event("x-1", summary=nasty, subject="http://a.vn/?q=1&r=2|x", host="web=01"),
      S.event("x-2", source="malware", kind="webshell", severity="critical",
              summary="shell.php", subject="/var/www/shell.php"),
      S.event("x-3", source="malware", kind="pup", severity="low", summary="low one"),
      S.event("x-4", source="dns", severity="critical", summary="dns one")])
t.ok(wait_for(lambda: len(plain.lines("tcp.log")) >= 4 and len(tls.lines("tls.log")) >= 4
              and len(plain.lines("udp.log")) >= 4),
     "the events reach rsyslog over UDP, TCP and TLS",
     [plain.lines("tcp.log"), tls.lines("tls.log"), plain.lines("udp.log")])
tcp1 = plain.lines("tcp.log")
line = next((ln for ln in tcp1 if "externalId=x-1" in ln), "")
fields, ext = cef_parse(line) if line else ([], {})
t.ok(line.startswith("<107>1 ") and " canhgac - cef - CEF:0|canhgac|canhgac|" in line,
     "RFC 5424 header, facility log audit, severity err for high", line)
t.ok(len(fields) == 7 and fields[4] == "web.defacement" and fields[6] == "8",
     "CEF header: class id and severity", fields)
t.ok(fields[5:6] == ["Trang chủ|bị \\sửa = đổi  lần 2"],
     "CEF header: '|' and '\\' escaped, line breaks become spaces", fields)
t.ok("\n" not in line and "\r" not in line and "\\|bị \\\\sửa" in line,
     "the header escaping as written", line)
t.ok(ext.get("msg") == nasty.replace("\r\n", "\n"),
     "CEF extension: '=', '\\' and the line break come back", ext)
t.ok(ext.get("cs1") == "http://a.vn/?q=1&r=2|x" and ext.get("cs1Label") == "subject"
     and ext.get("dhost") == "web=01" and ext.get("externalId") == "x-1"
     and ext.get("rt") == "1795233600000" and ext.get("cat") == "web",
     "CEF extension fields", ext)
t.ok("msg=Trang chủ|bị \\\\sửa \\= đổi\\nlần 2" in line, "the extension escaping as written",
     line)
tls1 = tls.lines("tls.log")
t.ok(sorted(seqs_of(tls1)) == sorted(seqs_of(tcp1)) and any("externalId=x-2" in ln
                                                              for ln in tls1),
     "the TLS receiver gets the same events", tls1)
udp = plain.lines("udp.log")
doc = None
for ln in udp:
    if 'id="x-1"' in ln:
        doc = json.loads(ln[ln.index("] {") + 2:])
t.ok(doc is not None and doc["summary"] == nasty and doc["subject"] == "http://a.vn/?q=1&r=2|x"
     and doc["severity"] == "high", "RFC 5424 over UDP: the event as JSON, intact", udp)
t.ok(re.search(r'\[canhgac@32473 seq="\d+" id="x-1"\]', " ".join(udp)) is not None,
     "RFC 5424 structured data with seq and id", udp)
t.ok(wait_for(lambda: len(plain.lines("high.log")) >= 1) and
     [ln for ln in plain.lines("high.log") if "externalId=" in ln] and
     all("externalId=x-2" in ln for ln in plain.lines("high.log")),
     "filters: minimum severity and sources", plain.lines("high.log"))

_, fw, _ = admin.req("GET", "/api/v1/jobs")
names = [j["name"] for j in (fw.get("items", fw) if isinstance(fw, dict) else fw)]
t.ok(all(f"forward:{n}" in names for n in ("udp", "tcp", "high", "tls")),
     "one scheduler job per destination", names)

def cursor_of(name):
    _, fw, _ = admin.req("GET", "/api/v1/forwarding")
    return {d["name"]: d for d in fw.get("items", [])}.get(name, {})


t.ok(wait_for(lambda: "certificate" in (cursor_of("wrongca").get("last_error") or ""), 30),
     "TLS: a receiver whose certificate the configured CA did not sign is refused; the"
     " error says why", cursor_of("wrongca"))
wrong = cursor_of("wrongca")
t.ok(wrong.get("sent") == 0 and wrong.get("last_seq") == 0,
     "TLS: nothing is sent to it and its backlog is kept", wrong)

# --- the receiver killed mid-stream, then back ---
# "Mid-stream" is made, not caught by timing: one batch is forwarded whole,
# then the receivers are paused (SIGSTOP) and the rest posted. A paused
# receiver's kernel still acknowledges what fits in its socket buffer,
# then nothing: the cursor stops between the first batch and the end
# whatever the machine's speed (the rest is ~12 MB, more than any loopback
# receive buffer holds).
PAD = "x" * 150  # so the paused part (~12 MB) cannot all be buffered


def pause(*rs, sig=signal.SIGSTOP):
    for r in rs:
        r.proc.send_signal(sig)


def cursor_at(name, seq, timeout=120):
    return wait_for(lambda: cursor_of(name).get("last_seq", 0) >= seq, timeout)


N1a, N1 = 10000, 40000
post([S.event(f"a-{i}", summary=f"batch a {i} {PAD}") for i in range(N1a)])
t.ok(cursor_at("tcp", 4 + N1a) and cursor_at("tls", 4 + N1a),
     "the first batch is forwarded whole to both receivers")
pause(plain, tls)
post([S.event(f"a-{i}", summary=f"batch a {i} {PAD}") for i in range(N1a, N1)])
time.sleep(2)  # the forwarder fills what the paused receivers' buffers take
plain.stop(signal.SIGKILL)
tls.stop(signal.SIGKILL)
time.sleep(1)
# what the receivers' TCP had acknowledged when they died: syslog can
# promise nothing beyond it (rsyslog may have held some of it unwritten)
down = cursor_of("tcp")
acked_a = down.get("last_seq", 0)
acked_tls = cursor_of("tls").get("last_seq", 0)
t.ok(4 + N1a <= acked_a < 4 + N1, f"the receivers were killed mid-stream (cursor {acked_a})", down)
t.ok(down.get("last_error") and down.get("backlog", 0) > 0,
     "the backlog and the last error are shown while the receiver is down", down)
plain.start()
tls.start()
total = 4 + N1
t.ok(wait_for(lambda: set(range(acked_a + 1, total + 1)) <= set(seqs_of(plain.lines("tcp.log")))
              and set(range(acked_tls + 1, total + 1)) <= set(seqs_of(tls.lines("tls.log"))),
              120),
     "after the receivers came back, every event not yet acknowledged arrives")
lost = sorted(set(range(1, total + 1)) - set(seqs_of(plain.lines("tcp.log"))))
t.ok(all(x <= acked_a for x in lost),
     f"tcp: the only events missing ({len(lost)}) are ones the dead receiver's TCP had"
     " acknowledged", lost[:20])

def repeated(seqs):
    seen, twice = set(), set()
    for x in seqs:
        (twice if x in seen else seen).add(x)
    return sorted(twice)


# a receiver that dies mid-batch makes the batch unacknowledged: it is sent
# again whole, so what the receiver had of it arrives twice (at least once)
for name, r, f in (("tcp", plain, "tcp.log"), ("tls", tls, "tls.log")):
    twice = repeated(seqs_of(r.lines(f)))
    t.ok(len(twice) <= 10000, f"{name}: at most the batch in flight when the receiver died is"
         f" sent again ({len(twice)})", twice[:20])

# --- canhgac killed -9 mid-stream, then back ---
# made the same way: one batch whole, the receivers paused, the rest
# posted, canhgac killed while it waits for acknowledgements; then the
# receivers resumed and left to write all they had taken before the kill,
# so any line after that point is something sent again after the restart
N2a, N2 = 10000, 40000
post([S.event(f"b-{i}", summary=f"batch b {i} {PAD}") for i in range(N2a)])
t.ok(cursor_at("tcp", total + N2a) and cursor_at("tls", total + N2a),
     "the first batch of the second stream is forwarded whole")
pause(plain, tls)
post([S.event(f"b-{i}", summary=f"batch b {i} {PAD}") for i in range(N2a, N2)])
time.sleep(2)
srv.stop(signal.SIGKILL)

def cursors():
    """The cursors as the store kept them (read with the store's own client)."""
    if os.environ.get("CANHGAC_TEST_BACKEND", "sqlite") == "sqlite":
        db = sqlite3.connect(os.path.join(srv.data_dir, "canhgac.db"))
        rows = db.execute("SELECT name, last_seq FROM fwd_cursors").fetchall()
        db.close()
        return dict(rows)
    url = subprocess.run([os.path.join(S.SRC, "tests", "pg-store-wrap.sh"), "--url",
                          srv.data_dir], capture_output=True, text=True, check=True).stdout
    out = subprocess.run(["psql", "-At", "-F", " ", url.strip(), "-c",
                          "SELECT name, last_seq FROM fwd_cursors"],
                         capture_output=True, text=True, check=True).stdout
    return {a: int(b) for a, b in (ln.split() for ln in out.splitlines() if ln)}


at_kill = cursors()
pause(plain, tls, sig=signal.SIGCONT)


def settled(files, quiet=1.5, timeout=60):
    """Waits until the receivers' files stop growing."""
    end, last, since = time.time() + timeout, None, time.time()
    while time.time() < end:
        now = [os.path.getsize(f) if os.path.exists(f) else 0 for f in files]
        if now != last:
            last, since = now, time.time()
        elif time.time() - since >= quiet:
            return
        time.sleep(0.1)


settled([os.path.join(plain.dir, "tcp.log"), os.path.join(tls.dir, "tls.log")])
lines_at_kill = {"tcp": len(plain.lines("tcp.log")), "tls": len(tls.lines("tls.log"))}
t.ok(4 + N1 + N2a <= at_kill.get("tcp", 0) < 4 + N1 + N2,
     f"canhgac was killed mid-stream (tcp cursor {at_kill.get('tcp')})", at_kill)
srv.start()
total += N2
t.ok(wait_for(lambda: set(range(4 + N1 + 1, total + 1)) <= set(seqs_of(plain.lines("tcp.log")))
              and set(range(4 + N1 + 1, total + 1)) <= set(seqs_of(tls.lines("tls.log"))),
              120),
     "after canhgac came back, every event arrives", at_kill)
for name, r, f in (("tcp", plain, "tcp.log"), ("tls", tls, "tls.log")):
    after = seqs_of(r.lines(f)[lines_at_kill[name]:])
    acked_again = [x for x in after if x <= at_kill.get(name, 0)]
    t.ok(not acked_again,
         f"{name}: nothing acknowledged before the kill (cursor {at_kill.get(name)}) is sent"
         " again", acked_again[:20])
    before = set(seqs_of(r.lines(f)[:lines_at_kill[name]]))
    again = sorted(set(after) & before)
    t.ok(len(again) <= 10000, f"{name}: what is sent again is at most the unacknowledged batch"
         f" ({len(again)})", again[:20])
    s_all = seqs_of(r.lines(f))
    order = [x for i, x in enumerate(s_all) if i and x < s_all[i - 1]]
    t.ok(len(order) <= 2, f"{name}: in seq order (but for a batch sent again after each"
         " restart)", order[:10])
srv.cleanup()
plain.stop()
tls.stop()
shutil.rmtree(tmp, ignore_errors=True)
t.done()
