#!/usr/bin/env python3
"""test_exports.py - signed exports (issue 13): the events list as CSV and
XLSX with the same filters as GET /api/v1/events, the inventory as CSV and
XLSX, within the caller's scope; with a signing key configured each
export names its detached signature, which `openssl cms -verify` accepts
for the bytes sent and refuses once one byte changes; a formula in event
text is defused; without a key nothing is signed. TAP."""
import io
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
import zipfile

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(__file__))
from _serverlib import Server, Tap, event  # noqa: E402

t = Tap()
tmp = tempfile.mkdtemp(prefix="canhgac-export.")
subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", tmp + "/k.pem",
                "-out", tmp + "/c.pem", "-days", "30", "-utf8", "-subj", "/CN=Phạm Thị Dung/O=Sở KH&CN/C=VN"],
               check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
conf = os.path.join(tmp, "canhgac.ini")
with open(conf, "w") as f:
    f.write("[reports]\nformats = pdf\nsign_key = %s/k.pem\nsign_cert = %s/c.pem\n" % (tmp, tmp))


def verify(data, sig):
    dp, sp = os.path.join(tmp, "d"), os.path.join(tmp, "s")
    with open(dp, "wb") as f:
        f.write(data)
    with open(sp, "wb") as f:
        f.write(sig)
    r = subprocess.run(["openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in", sp, "-content", dp,
                        "-CAfile", tmp + "/c.pem", "-out", "/dev/null"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    return r.returncode == 0


def xlsx_rows(data, sheet):
    z = zipfile.ZipFile(io.BytesIO(data))
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    shared = ["".join(x.itertext()) for x in ET.fromstring(z.read("xl/sharedStrings.xml")).findall("m:si", ns)]
    names = [s.get("name") for s in ET.fromstring(z.read("xl/workbook.xml")).find("m:sheets", ns)]
    if sheet not in names:
        return names, []
    ws = ET.fromstring(z.read("xl/worksheets/sheet%d.xml" % (names.index(sheet) + 1)))
    rows = []
    for row in ws.iter("{%s}row" % ns["m"]):
        vals = []
        for c in row.findall("m:c", ns):
            v = c.find("m:v", ns)
            vals.append(shared[int(v.text)] if c.get("t") == "s" else v.text if v is not None else None)
        rows.append(vals)
    return names, rows


Server.extra_args = ("--config", conf)
srv = Server()
try:
    admin = srv.login_admin()
    _, a1, _ = admin.req("POST", "/api/v1/agencies", {"name": "Sở Một", "kind": "so_ban_nganh", "code": "s1", "ip_ranges": ["10.1.0.0/16"]})
    _, a2, _ = admin.req("POST", "/api/v1/agencies", {"name": "Sở Hai", "kind": "so_ban_nganh", "code": "s2", "ip_ranges": ["10.2.0.0/16"]})
    admin.req("POST", "/api/v1/systems", {"agency_id": a1["id"], "name": "Cổng một", "kind": "portal", "level": 2})
    admin.req("POST", "/api/v1/systems", {"agency_id": a2["id"], "name": "Cổng hai", "kind": "portal", "level": 3})
    _, tok, _ = admin.req("POST", "/api/v1/tokens", {"name": "ing", "scope": "ingest"})
    ing = srv.client(token=tok["token"])
    evs = [event("e%d" % i, host="10.1.0.%d" % (i + 1), severity=("high" if i % 2 else "low"),
                 summary="Trang bị thay đổi giao diện, lần %d" % i) for i in range(7)]
    evs.append(event("evil", host="10.2.0.9", severity="critical", summary='=HYPERLINK("http://x","bấm"),"a"'))
    st, _, _ = ing.req("POST", "/api/v1/events", evs)
    t.ok(st in (200, 201), "events stored", st)

    q = "?severity=high&source=web"
    _, lst, _ = admin.req("GET", "/api/v1/events" + q + "&limit=500")
    st, csv, h = admin.req("GET", "/api/v1/export/events.csv" + q)
    lines = csv.decode("utf-8").split("\r\n") if isinstance(csv, bytes) else []
    t.ok(st == 200 and csv.startswith(b"\xef\xbb\xbf") and h.get("content-type", "").startswith("text/csv") and
         'filename="canhgac-events.csv"' in h.get("content-disposition", ""),
         "events.csv: UTF-8 with BOM, an attachment", (st, h))
    t.ok(len(lines) - 2 == len(lst["items"]) == 4 and lines[0].lstrip("\ufeff").startswith("time,severity,source,kind"),
         "the same events as the list with the same filters (%d)" % len(lst["items"]), lines[:3])
    t.ok("Trang bị thay đổi giao diện, lần" in csv.decode("utf-8"), "Vietnamese text as UTF-8")
    sig_url = h.get("x-canhgac-signature", "")
    st, sig, sh = admin.req("GET", sig_url) if sig_url else (0, b"", {})
    t.ok(st == 200 and sh.get("content-type") == "application/pkcs7-signature", "the export names its signature", (sig_url, st))
    t.ok(verify(csv, sig), "openssl cms -verify accepts the CSV's signature")
    bad = bytearray(csv)
    bad[-5] ^= 1
    t.ok(not verify(bytes(bad), sig), "and refuses it once one byte changed")

    st, csv2, _ = admin.req("GET", "/api/v1/export/events.csv?severity=critical")
    text = csv2.decode("utf-8")
    t.ok("\"'=HYPERLINK(\"\"http://x\"\",\"\"bấm\"\"),\"\"a\"\"\"" in text, "a formula in event text is defused and quoted", text)

    st, x, h = admin.req("GET", "/api/v1/export/events.xlsx" + q)
    names, rows = xlsx_rows(x, "events")
    t.ok(st == 200 and len(rows) - 1 == 4 and rows[0][:2] == ["time", "severity"], "events.xlsx: the same rows", (st, names, rows[:2]))
    st, sig, _ = admin.req("GET", h.get("x-canhgac-signature", "/none"))
    t.ok(st == 200 and verify(x, sig), "openssl cms -verify accepts the XLSX's signature")

    st, body, _ = admin.req("GET", "/api/v1/export/events.csv?severity=bogus")
    t.ok(st == 400, "a bad filter is refused as on the list", (st, body))
    st, body, _ = admin.req("GET", "/api/v1/export/nothing.csv")
    t.ok(st == 404, "no such export: 404", st)
    st, body, _ = admin.req("GET", "/api/v1/export/signatures/" + "0" * 64)
    t.ok(st == 404, "no such signature: 404", st)

    # the inventory, and an officer's scope
    admin.req("POST", "/api/v1/users", {"username": "o1", "role": "officer", "agency_id": a1["id"], "password": "password-of-o1"})
    o1 = srv.client()
    o1.login("o1", "password-of-o1")
    st, ag, h = admin.req("GET", "/api/v1/export/agencies.csv")
    t.ok(st == 200 and "Sở Một" in ag.decode() and "Sở Hai" in ag.decode(), "agencies.csv for the province")
    st, ag, h = o1.req("GET", "/api/v1/export/agencies.csv")
    st2, sig, _ = o1.req("GET", h.get("x-canhgac-signature", "/none"))
    t.ok(st == 200 and "Sở Một" in ag.decode() and "Sở Hai" not in ag.decode() and st2 == 200 and verify(ag, sig),
         "an officer's agencies.csv holds their agency only, signed", ag.decode()[:300])
    st, ev, _ = o1.req("GET", "/api/v1/export/events.csv")
    t.ok(st == 200 and "HYPERLINK" not in ev.decode() and ev.decode().count("\r\n") == 8,
         "an officer's events.csv holds their agency's events only", ev.decode()[:200])
    st, inv, h = o1.req("GET", "/api/v1/export/inventory.xlsx")
    names, rows = xlsx_rows(inv, "systems")
    t.ok(st == 200 and names == ["agencies", "systems", "people"] and len(rows) == 2 and "Cổng một" in rows[1],
         "inventory.xlsx: three sheets, the officer's system only", (names, rows))
    st, _, _ = srv.client().req("GET", "/api/v1/export/events.csv")
    t.ok(st == 401, "anonymous: 401", st)
finally:
    srv.cleanup()

# without a key: exports, not signed
Server.extra_args = ()
srv = Server()
try:
    st, csv, h = srv.login_admin().req("GET", "/api/v1/export/systems.csv")
    t.ok(st == 200 and csv.startswith(b"\xef\xbb\xbf") and "x-canhgac-signature" not in h,
         "without a signing key the export is not signed", h)
finally:
    srv.cleanup()
t.done()
