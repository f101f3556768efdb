#!/usr/bin/env python3
"""test_reports_api.py - the reports the server makes and keeps (issue 13):
with a [reports] section the report job makes every report due (last
month's, last half-year's six-monthly and incident-response reports, the
annual one) into the blob store, signed with the configured key; they are
listed and downloaded through /api/v1/reports (pdfsig accepts the PDF,
`openssl cms -verify` the DOCX's .p7s); "make now" for a chosen period;
an officer sees and makes only their agency's reports; a restart makes
nothing again; bad requests are refused. TAP."""
import datetime
import os
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(__file__))
from _serverlib import BIN, Server, Tap  # noqa: E402

t = Tap()
tmp = tempfile.mkdtemp(prefix="canhgac-repapi.")
data = os.path.join(tmp, "data")
os.mkdir(data)
subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", tmp + "/k.pem",
                "-out", tmp + "/c.pem", "-days", "30", "-utf8", "-subj", "/CN=Lê Văn Cường/O=Sở KH&CN/C=VN"],
               check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
conf = os.path.join(tmp, "canhgac.ini")
with open(conf, "w") as f:
    f.write("[reports]\nformats = pdf docx\nlang = vi\nsign_key = %s/k.pem\nsign_cert = %s/c.pem\n"
            "signer_name = Lê Văn Cường\n" % (tmp, tmp))


# every server this test starts reads the configuration
Server.extra_args = ("--config", conf)
# what is due now, in the province's calendar (UTC+7)
now = datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=7)))
y, m = now.year, now.month
want = {("monthly", "%04d-%02d" % ((y - 1, 12) if m == 1 else (y, m - 1))),
        ("semiannual", "%04d-H%d" % ((y - 1, 2) if m <= 6 else (y, 1))),
        ("incidents", "%04d-H%d" % ((y - 1, 2) if m <= 6 else (y, 1))),
        ("annual", "%04d" % (y if m == 12 else y - 1))}


def wait_reports(c, n, secs=300):
    items = []
    for _ in range(secs * 2):
        st, body, _ = c.req("GET", "/api/v1/reports?limit=50")
        items = body.get("items", []) if st == 200 else []
        if len(items) >= n:
            break
        time.sleep(0.5)
    return items


srv = Server(data_dir=data)
try:
    admin = srv.login_admin()
    items = wait_reports(admin, len(want))
    got = {(i["kind"], i["period"]) for i in items}
    t.ok(got == want, "the job made every report due: %s" % sorted(want), sorted(got))
    t.ok(all(i["created_by"] == "job" and i["agency_id"] == 0 and i["lang"] == "vi" and
             "Lê Văn Cường" in (i["signed_by"] or "") and sorted(i["files"]) == ["docx", "pdf"]
             for i in items), "made by the job, for the province, in the configured formats, signed", items[:1])
    monthly = [i for i in items if i["kind"] == "monthly"][0]

    st, pdf, h = admin.req("GET", "/api/v1/reports/%d/pdf" % monthly["id"])
    t.ok(st == 200 and isinstance(pdf, bytes) and pdf.startswith(b"%PDF") and
         h.get("content-type") == "application/pdf" and
         'filename="bao-cao-thang-%s.pdf"' % monthly["period"] in h.get("content-disposition", ""),
         "the PDF downloads, named for the report", (st, h))
    pp = os.path.join(tmp, "m.pdf")
    with open(pp, "wb") as f:
        f.write(pdf if isinstance(pdf, bytes) else b"")
    ps = subprocess.run(["pdfsig", pp], stdout=subprocess.PIPE, stderr=subprocess.STDOUT).stdout.decode()
    t.ok("Signature is Valid" in ps and "Lê Văn Cường" in ps, "pdfsig: the kept report is signed and valid", ps)
    st, docx, _ = admin.req("GET", "/api/v1/reports/%d/docx" % monthly["id"])
    st2, sig, h2 = admin.req("GET", "/api/v1/reports/%d/docx.p7s" % monthly["id"])
    t.ok(st == 200 and st2 == 200 and h2.get("content-type") == "application/pkcs7-signature",
         "the DOCX and its .p7s download", (st, st2, h2))
    dp, sp = os.path.join(tmp, "m.docx"), os.path.join(tmp, "m.docx.p7s")
    with open(dp, "wb") as f:
        f.write(docx if isinstance(docx, bytes) else b"")
    with open(sp, "wb") as f:
        f.write(sig if isinstance(sig, bytes) else b"")
    r = subprocess.run(["openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in", sp, "-content", dp,
                        "-CAfile", tmp + "/c.pem", "-out", "/dev/null"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    t.ok(r.returncode == 0, "openssl cms -verify accepts the DOCX's signature", r.stdout.decode())
    st, _, _ = admin.req("GET", "/api/v1/reports/%d/xlsx" % monthly["id"])
    t.ok(st == 404, "a format the report was not made in: 404", st)
    st, _, _ = admin.req("GET", "/api/v1/reports/%d/pdf.p7s" % monthly["id"])
    t.ok(st == 404, "the PDF has its signature inside, no .p7s: 404", st)
    st, _, _ = admin.req("GET", "/api/v1/reports/999999/pdf")
    t.ok(st == 404, "no such report: 404", st)

    # make now, for the current month, and an agency's own
    _, a1, _ = admin.req("POST", "/api/v1/agencies", {"name": "Sở Một", "kind": "so_ban_nganh", "code": "s1"})
    _, a2, _ = admin.req("POST", "/api/v1/agencies", {"name": "Sở Hai", "kind": "so_ban_nganh", "code": "s2"})
    cur = "%04d-%02d" % (y, m)
    st, rep, _ = admin.req("POST", "/api/v1/reports", {"kind": "monthly", "period": cur})
    t.ok(st == 201 and rep["period"] == cur and rep["created_by"] == "user:admin" and rep["signed_by"],
         "make now: this month's report, made by the admin, signed", (st, rep))
    st, again, _ = admin.req("POST", "/api/v1/reports", {"kind": "monthly", "period": cur})
    t.ok(st == 201 and again["id"] == rep["id"], "made again: it replaces the one kept", (st, again))
    for name, agency in (("o1", a1["id"]), ("o2", a2["id"])):
        admin.req("POST", "/api/v1/users", {"username": name, "role": "officer", "agency_id": agency,
                                            "password": "password-of-" + name})
    o1 = srv.client()
    o1.login("o1", "password-of-o1")
    o2 = srv.client()
    o2.login("o2", "password-of-o2")
    st, own, _ = o1.req("POST", "/api/v1/reports", {"kind": "monthly", "period": cur, "agency_id": a1["id"], "lang": "en"})
    t.ok(st == 201 and own["agency_id"] == a1["id"] and own["lang"] == "en",
         "an officer makes their agency's own report (in English)", (st, own))
    st, body, _ = o1.req("POST", "/api/v1/reports", {"kind": "monthly", "period": cur})
    t.ok(st == 403, "but not the province's", (st, body))
    st, body, _ = o1.req("POST", "/api/v1/reports", {"kind": "monthly", "period": cur, "agency_id": a2["id"]})
    t.ok(st == 403, "nor another agency's", (st, body))
    st, body, _ = o1.req("GET", "/api/v1/reports")
    t.ok(st == 200 and [i["id"] for i in body["items"]] == [own["id"]], "an officer lists their agency's reports only", body)
    st, _, _ = o1.req("GET", "/api/v1/reports/%d/pdf" % monthly["id"])
    t.ok(st in (403, 404), "and cannot download the province's", st)
    st, _, _ = o2.req("GET", "/api/v1/reports/%d/pdf" % own["id"])
    t.ok(st in (403, 404), "nor can another agency's officer download theirs", st)
    st, b, h = o1.req("GET", "/api/v1/reports/%d/pdf" % own["id"])
    t.ok(st == 200 and 'filename="report-monthly-%s.pdf"' % cur in h.get("content-disposition", ""),
         "the officer downloads their own", (st, h))
    for body, field in (({"kind": "weekly", "period": cur}, "kind"), ({"kind": "annual", "period": cur}, "period"),
                        ({"kind": "monthly", "period": cur, "lang": "fr"}, "lang"),
                        ({"kind": "monthly", "period": cur, "agency_id": "1"}, "agency_id")):
        st, r, _ = admin.req("POST", "/api/v1/reports", body)
        t.ok(st == 400 and r.get("field") == field, "refused: bad %s" % field, (st, r))

    # a restart makes nothing again
    made = {i["id"]: i["created_at"] for i in wait_reports(admin, 0)}
    srv.stop()
    srv.start()
    time.sleep(3)
    admin = srv.login_admin()
    after = {i["id"]: i["created_at"] for i in wait_reports(admin, 0)}
    t.ok(after == made, "after a restart the job keeps what it made", (made, after))
finally:
    srv.cleanup()

# [reports] errors name the file and line; nothing starts
for text, word in (("[reports]\nformats = pdf odt\n", ":2:"), ("[reports]\nlang = fr\n", ":2:"),
                   ("[reports]\nformats = pdf\nsign_key = /x/k.pem\n", ":3:"),
                   ("[reports]\nformats = pdf\nsign_cert = /x/c.pem\n", ":3:"),
                   ("[reports]\nnosuch = 1\n", ":2:")):
    bad = os.path.join(tmp, "bad.ini")
    with open(bad, "w") as f:
        f.write(text)
    r = subprocess.run([BIN, "serve", "--config", bad, "--data-dir", os.path.join(tmp, "nodata"),
                        "--listen", "127.0.0.1:0", "--no-tls"],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    t.ok(r.returncode == 2 and ("bad.ini" + word) in r.stderr.decode(),
         "refused: " + text.replace("\n", " ").strip(), r.stderr.decode())
t.done()
