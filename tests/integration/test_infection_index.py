#!/usr/bin/env python3
"""test_infection_index.py - one infection index (store/infection.h,
docs/infection-index.md): for the same events of a closed month, the
coverage API (GET /api/v1/coverage?period=), the monthly report (its XLSX
table of agencies by infection index) and the national malware-statistics
report (`canhgac export national-report`) give the same number per agency,
and that number is the definition's: distinct hosts with a high or worse
malware finding plus distinct DNS-flagged clients of the month, per 100
declared endpoints, at most 100, 100 when nothing is declared but a host
is infected. Events before and after the month, medium malware findings
and a second finding on one host do not count. TAP; python3 stdlib."""
import datetime
import json
import os
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
import zipfile

sys.path.insert(0, os.path.dirname(__file__))
from _serverlib import BIN, SRC, Server, Tap  # noqa: E402

t = Tap()
tmp = tempfile.mkdtemp(prefix="canhgac-infection.")
data = os.path.join(tmp, "data")
os.mkdir(data)
out = os.path.join(tmp, "out")
os.mkdir(out)
MAP = os.path.join(SRC, "rules", "national", "national-malware.map")


def run(*args):
    r = subprocess.run([BIN] + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=600)
    return r.returncode, r.stdout.decode("utf-8", "replace"), r.stderr.decode("utf-8", "replace")


# last month: a closed period, with days before and after it
first = datetime.datetime.now(datetime.timezone.utc).replace(
    day=1, hour=0, minute=0, second=0, microsecond=0)
start = (first - datetime.timedelta(days=1)).replace(day=1)
period = start.strftime("%Y-%m")
mid = (start + datetime.timedelta(days=14, hours=3)).strftime("%Y-%m-%dT%H:%M:%SZ")
before = (start - datetime.timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
after = first.strftime("%Y-%m-%dT%H:%M:%SZ")

# name, code, declared endpoints, expected index
AGENCIES = [
    ("Sở Tư pháp", "stp", 8, 37.5),       # 2 scan hosts + 1 DNS client of 8
    ("Sở Y tế", "syt", 3, 33.33),         # 1 of 3, two decimals
    ("UBND xã Mường Tè", "mte", 0, 100.0),  # nothing declared, a host infected
    ("Sở Tài chính", "stc", 10, 0.0),     # only a medium finding
    ("Sở Nội vụ", "snv", 2, 100.0),       # 3 infected of 2 declared: at most 100
]


def ev(eid, code, source, kind, sev, host, subject, when=mid):
    return {"id": eid, "time": when, "agency": code, "source": source, "kind": kind,
            "severity": sev, "host": host, "subject": subject, "summary": eid, "evidence": {}}


EVENTS = [
    ev("a1", "stp", "malware", "malware", "high", "pc-01", "C:\\a.exe"),
    ev("a2", "stp", "malware", "malware", "critical", "pc-01", "C:\\b.exe"),  # same host
    ev("a3", "stp", "malware", "webshell", "critical", "web-01", "/var/www/x.php"),
    ev("a4", "stp", "malware", "malware", "medium", "pc-03", "C:\\c.exe"),  # medium
    ev("a5", "stp", "dns", "infected_client", "medium", "dns01", "10.1.0.5"),
    ev("a6", "stp", "malware", "malware", "high", "pc-07", "C:\\d.exe", before),
    ev("a7", "stp", "malware", "malware", "high", "pc-08", "C:\\e.exe", after),
    ev("a8", "stp", "dns", "infected_client", "high", "dns01", "10.1.0.9", after),
    ev("b1", "syt", "malware", "malware", "high", "pc-b1", "C:\\a.exe"),
    ev("c1", "mte", "dns", "infected_client", "high", "dns01", "10.3.0.7"),
    ev("d1", "stc", "malware", "malware", "medium", "pc-d1", "C:\\a.exe"),
    ev("e1", "snv", "malware", "malware", "high", "pc-e1", "C:\\a.exe"),
    ev("e2", "snv", "malware", "malware", "high", "pc-e2", "C:\\a.exe"),
    ev("e3", "snv", "dns", "infected_client", "high", "dns01", "10.4.0.1"),
]

srv = Server(data_dir=data)
ids = {}
try:
    c = srv.login_admin()
    for name, code, declared, _ in AGENCIES:
        st, ag, _ = c.req("POST", "/api/v1/agencies", {"name": name, "kind": "so_ban_nganh",
                                                       "code": code,
                                                       "declared_endpoints": declared})
        t.ok(st == 201, "agency %s, %d declared endpoints" % (code, declared), ag)
        ids[code] = ag.get("id")
    st, tok, _ = c.req("POST", "/api/v1/tokens", {"name": "feed", "scope": "ingest"})
    st, res, _ = srv.client(tok["token"]).req("POST", "/api/v1/events", EVENTS)
    t.ok(st == 200 and res.get("accepted") == len(EVENTS), "events ingested", res)
    st, cov, _ = c.req("GET", "/api/v1/coverage?period=" + period)
    t.ok(st == 200 and cov["days"] >= 28 and cov["from"].startswith(start.strftime("%Y-%m-%d")),
         "coverage of the month", {k: cov.get(k) for k in ("days", "from", "to")})
    st, bad, _ = c.req("GET", "/api/v1/coverage?period=2026-13")
    t.ok(st == 400, "a period that is not a month is refused", bad)
    st, bad, _ = c.req("GET", "/api/v1/coverage?period=%s&days=30" % period)
    t.ok(st == 400, "period and days together are refused", bad)
finally:
    srv.cleanup()

api = {r["agency_id"]: r["infection_index"] for r in cov.get("items", [])}
rows = {r["agency_id"]: r for r in cov.get("items", [])}
want = {ids[code]: idx for _, code, _, idx in AGENCIES}
t.ok(api == want, "the API's index is the definition's, per agency", (api, want))
stp = rows.get(ids["stp"], {})
t.ok(stp.get("malware_hosts") == 2 and stp.get("dns_hosts") == 1 and stp.get("infected") == 3,
     "hosts of the month: distinct, high or worse, DNS clients added", stp)
tot = cov.get("totals", {})
t.ok(tot.get("infected") == 8 and tot.get("declared_endpoints") == 23
     and tot.get("infection_index") == 34.78, "the province's index: the sums' (8 of 23)", tot)

# the monthly report: the XLSX table of the agencies by infection index
rc, o, e = run("report", "monthly", "--period", period, "--data-dir", data, "--format", "xlsx",
               "--out", out)
t.ok(rc == 0, "report monthly", o + e)
xlsx = os.path.join(out, "bao-cao-thang-%s.xlsx" % period)
rep = {}
if os.path.exists(xlsx):
    z = zipfile.ZipFile(xlsx)
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    shared = ["".join(x.itertext()) for x in
              ET.fromstring(z.read("xl/sharedStrings.xml")).findall("m:si", ns)]
    for n in sorted(x for x in z.namelist() if x.startswith("xl/worksheets/sheet")):
        table = []
        for row in ET.fromstring(z.read(n)).iter("{%s}row" % ns["m"]):
            vals = []
            for cc in row.findall("m:c", ns):
                v = cc.find("m:v", ns)
                vals.append(None if v is None else shared[int(v.text)] if cc.get("t") == "s"
                            else v.text)
            table.append(vals)
        head = next((r for r in table if "Chỉ số lây nhiễm (%)" in r), None)
        if head:
            col = head.index("Chỉ số lây nhiễm (%)")
            byname = {name: code for name, code, _, _ in AGENCIES}
            rep = {ids[byname[r[0]]]: float(r[col]) for r in table
                   if r and r[0] in byname and len(r) > col}
t.ok(rep == want, "the report's index equals the API's, per agency", (rep, want))

js = os.path.join(tmp, "nat.json")
rc, o, e = run("export", "national-report", "--data-dir", data, "--period", period,
               "--province", "Lai Châu", "--map", MAP, "--out", js)
t.ok(rc == 0, "export national-report", o + e)
nat = {}
if os.path.exists(js):
    with open(js, encoding="utf-8") as f:
        nat = {a["MaDonVi"]: a["ChiSoLayNhiem"] for a in json.load(f).get("DonVi", [])}
t.ok(nat == want, "the national report's index equals the API's, per agency", (nat, want))

shutil.rmtree(tmp, ignore_errors=True)
t.done()
