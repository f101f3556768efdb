#!/usr/bin/env python3
"""test_national_report.py - the malware-statistics report to the national
monitoring centre (`canhgac export national-report`, share/natreport.h) on
the demo province: the JSON and XML documents carry the same figures under
the names of the map file; per agency the infected hosts are the scan and
DNS hosts and the infection index is theirs per 100 declared endpoints (the
monthly report's definition), the DNS hosts equal those counted from the
API's events; a changed map renames the fields; a broken map is refused
naming file:line; a signed document verifies with `openssl cms -verify`
and a changed one does not.
TAP; python3 stdlib, openssl."""
import datetime
import json
import os
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(__file__))
from _serverlib import BIN, SRC, Server, Tap  # noqa: E402

t = Tap()
tmp = tempfile.mkdtemp(prefix="canhgac-natreport.")
data = os.path.join(tmp, "data")
os.mkdir(data)
MAP = os.path.join(SRC, "rules", "national", "national-malware.map")


def run(*args):
    r = subprocess.run([BIN] + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=600)
    return r.returncode, r.stdout.decode("utf-8", "replace"), r.stderr.decode("utf-8", "replace")


srv = Server(data_dir=data)
rc, o, e = run("demo", "seed", "--data-dir", data)
t.ok(rc == 0, "demo seed", e)
now = datetime.datetime.now(datetime.timezone.utc)
period = now.strftime("%Y-%m")
start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
until = (start + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(milliseconds=1)
try:
    c = srv.login_admin()
    items, before = [], None
    while True:
        q = "/api/v1/events?limit=500&source=dns&since=%s&until=%s" % (
            start.strftime("%Y-%m-%dT%H:%M:%SZ"), until.strftime("%Y-%m-%dT%H:%M:%S.999Z"))
        if before:
            q += "&before=%d" % before
        st, body, _ = c.req("GET", q)
        items += body["items"]
        before = body.get("next")
        if not before:
            break
finally:
    srv.cleanup()
dns_api = {}
for i in items:
    dns_api.setdefault(i.get("agency_id"), set()).add(i["subject"])

js = os.path.join(tmp, "nat.json")
rc, o, e = run("export", "national-report", "--data-dir", data, "--period", period,
               "--province", "Lai Châu", "--map", MAP, "--out", js)
t.ok(rc == 0 and os.path.exists(js), "export national-report (JSON)", o + e)
with open(js, encoding="utf-8") as f:
    doc = json.load(f)
t.ok(doc.get("KyBaoCao") == period and doc.get("Tinh") == "Lai Châu",
     "the period and the province under the map's names", {k: doc[k] for k in doc if k != "DonVi"})
ags = doc.get("DonVi") or []
t.ok(len(ags) == doc.get("SoDonVi") and len(ags) > 0, "one entry per agency", len(ags))
ok_sum = all(a["SoMayNhiem"] == a["SoMayNhiemQuaQuet"] + a["SoMayNhiemQuaDNS"] for a in ags)
t.ok(ok_sum, "infected hosts = scan hosts + DNS hosts, per agency")
def index(a):
    inf, dec = a["SoMayNhiem"], a["SoMayKhaiBao"]
    v = 100.0 * inf / dec if dec > 0 else (100.0 if inf > 0 else 0.0)
    return round(min(v, 100.0), 2)
bad = [a for a in ags if abs(a["ChiSoLayNhiem"] - index(a)) > 0.006]
t.ok(not bad, "the infection index is infected hosts per 100 declared endpoints", bad[:2])
t.ok(any(a["SoMayNhiem"] > 0 for a in ags), "the demo has infected hosts somewhere")
dns_doc = {a["MaDonVi"]: a["SoMayNhiemQuaDNS"] for a in ags}
mism = [(k, len(v), dns_doc.get(k)) for k, v in dns_api.items() if k and dns_doc.get(k) != len(v)]
t.ok(dns_api and not mism, "DNS hosts per agency equal the API's events of the month", mism)
t.ok(doc["SoMayNhiem"] == sum(a["SoMayNhiem"] for a in ags)
     and doc["SoMayKhaiBao"] == sum(a["SoMayKhaiBao"] for a in ags), "the totals add up")

xm = os.path.join(tmp, "nat.xml")
rc, o, e = run("export", "national-report", "--data-dir", data, "--period", period,
               "--province", "Lai Châu", "--format", "xml", "--map", MAP, "--out", xm)
t.ok(rc == 0, "export national-report --format xml", o + e)
root = ET.parse(xm).getroot()
t.ok(root.tag == "BaoCaoThongKeMaDoc" and root.findtext("KyBaoCao") == period,
     "the XML root and period", root.tag)
xags = root.find("DonVi").findall("DonViBaoCao")
same = len(xags) == len(ags) and all(
    int(x.findtext("MaDonVi")) == a["MaDonVi"] and x.findtext("TenDonVi") == a["TenDonVi"]
    and int(x.findtext("SoMayNhiem")) == a["SoMayNhiem"]
    and abs(float(x.findtext("ChiSoLayNhiem")) - a["ChiSoLayNhiem"]) < 0.006
    for x, a in zip(xags, ags))
t.ok(same, "the XML says what the JSON says")

# the map decides the names; a figure it leaves out is not sent
m2 = os.path.join(tmp, "other.map")
with open(m2, "w") as f:
    f.write("root MalwareReport\nlist agencies\nitem agency\nfield period reportingPeriod\n"
            "agency id agencyCode\nagency infection_index infectionIndex\n")
js2 = os.path.join(tmp, "nat2.json")
rc, o, e = run("export", "national-report", "--data-dir", data, "--period", period, "--map", m2,
               "--out", js2)
with open(js2, encoding="utf-8") as f:
    d2 = json.load(f)
t.ok(rc == 0 and set(d2) == {"reportingPeriod", "agencies"}
     and set(d2["agencies"][0]) == {"agencyCode", "infectionIndex"},
     "another map renames and leaves out fields", d2.get("agencies", [None])[:1])

with open(m2, "a") as f:
    f.write("agency hosts_with_coffee x\n")
rc, o, e = run("export", "national-report", "--data-dir", data, "--period", period, "--map", m2,
               "--out", js2 + ".bad")
t.ok(rc != 0 and (m2 + ":7:") in e and "hosts_with_coffee" in e
     and not os.path.exists(js2 + ".bad"), "a broken map is refused naming file:line", e)
rc, o, e = run("export", "national-report", "--data-dir", data, "--period", "2026-13",
               "--out", js2)
t.ok(rc == 2 and "--period" in e, "a period that is not a month is a usage error", e)
rc, o, e = run("export", "national-report", "--data-dir", data, "--period", period,
               "--format", "csv", "--out", js2)
t.ok(rc == 2 and "--format" in e, "an unknown format is a usage error", e)

# signed, as the reports are
sg = os.path.join(tmp, "sg")
os.mkdir(sg)
subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                sg + "/k.pem", "-out", sg + "/c.pem", "-days", "30", "-subj",
                "/CN=So KHCN Lai Chau/C=VN"],
               check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
sj = os.path.join(tmp, "signed.xml")
rc, o, e = run("export", "national-report", "--data-dir", data, "--period", period, "--format",
               "xml", "--map", MAP, "--out", sj, "--sign", sg + "/k.pem", "--cert", sg + "/c.pem")
t.ok(rc == 0 and os.path.exists(sj + ".p7s"), "a signed report writes FILE.p7s", o + e)


def verify(path):
    return subprocess.run(["openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in",
                           path + ".p7s", "-content", path, "-CAfile", sg + "/c.pem", "-out",
                           "/dev/null"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True)


v = verify(sj)
t.ok(v.returncode == 0, "openssl cms -verify: the signature is valid", v.stdout)
with open(sj, "ab") as f:
    f.write(b" ")
v = verify(sj)
t.ok(v.returncode != 0, "a changed document fails the check", v.stdout)

shutil.rmtree(tmp, ignore_errors=True)
t.done()
