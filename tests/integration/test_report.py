#!/usr/bin/env python3
"""test_report.py - `canhgac report` on the demo province: the figures in
the PDF (pdftotext) and in the XLSX cells equal the counts the API gives
for the same period, every font of the PDF is embedded (pdffonts),
LibreOffice converts the DOCX without error, a signed report passes
pdfsig and its .p7s passes `canhgac verify`, an empty province gets a
report that says so, --lang en writes English, bad usage writes nothing.
A PNG of each page of the monthly PDF (pdftoppm) is left in $LOGDIR for a
person to look at. TAP; python3 stdlib, poppler-utils, LibreOffice."""
import datetime
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(__file__))
from _serverlib import BIN, Server, Tap  # noqa: E402

t = Tap()
LOG = os.environ.get("LOGDIR") or tempfile.mkdtemp(prefix="canhgac-report-log.")
tmp = tempfile.mkdtemp(prefix="canhgac-report.")
data = os.path.join(tmp, "data")
os.mkdir(data)
out = os.path.join(tmp, "out")
os.mkdir(out)


def run(*args, **kw):
    r = subprocess.run([BIN] + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=600, **kw)
    return r.returncode, r.stdout.decode("utf-8", "replace"), r.stderr.decode("utf-8", "replace")


def text_of(pdf):
    return subprocess.run(["pdftotext", "-layout", pdf, "-"], stdout=subprocess.PIPE,
                          check=True).stdout.decode("utf-8")


# the test's admin first (the server helper adds it), then the demo
srv = Server(data_dir=data)
rc, o, e = run("demo", "seed", "--data-dir", data)
t.ok(rc == 0, "demo seed", e)
now = datetime.datetime.now(datetime.timezone.utc)
period = now.strftime("%Y-%m")
start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
nxt = (start + datetime.timedelta(days=32)).replace(day=1)
until = nxt - datetime.timedelta(milliseconds=1)

# The API's view of the same period.
try:
    c = srv.login_admin()
    items, before = [], None
    while True:
        q = "/api/v1/events?limit=500&since=%s&until=%s" % (
            start.strftime("%Y-%m-%dT%H:%M:%SZ"), until.strftime("%Y-%m-%dT%H:%M:%S.999Z"))
        if before:
            q += "&before=%d" % before
        st, body, _ = c.req("GET", q)
        t.ok(st == 200, "events page from the API") if not before else None
        items += body["items"]
        before = body.get("next")
        if not before:
            break
    st, ags, _ = c.req("GET", "/api/v1/agencies?limit=500")
    muongte = [a["id"] for a in (ags.get("items") or []) if a.get("code") == "X-MUONGTE"]
finally:
    srv.cleanup()
api = {
    "events": len(items),
    "critical": sum(1 for i in items if i["severity"] == "critical"),
    "defacements": sum(1 for i in items if i["source"] == "web" and i["kind"] in ("defacement", "content_replaced")),
    "webshells": sum(1 for i in items if i["source"] == "malware" and "webshell" in i["kind"]),
    "secret": sum(1 for i in items if i["source"] == "secrets"),
    "dns_hosts": len({(i.get("agency_id"), i["subject"]) for i in items if i["source"] == "dns"}),
}
t.ok(api["events"] > 0, "the demo has events in the current month", api)

rc, o, e = run("report", "monthly", "--period", period, "--data-dir", data,
               "--format", "pdf", "--format", "docx", "--format", "xlsx", "--out", out)
t.ok(rc == 0, "report monthly in three formats", o + e)
pdf = os.path.join(out, "bao-cao-thang-%s.pdf" % period)
docx = pdf[:-3] + "docx"
xlsx = pdf[:-3] + "xlsx"
t.ok(all(os.path.getsize(p) > 1000 for p in (pdf, docx, xlsx)), "three documents written",
     os.listdir(out))

txt = text_of(pdf)
flat = re.sub(r"\s+", " ", txt)
for word in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "BÁO CÁO",
             "Nơi nhận:", "KIẾN NGHỊ"):
    t.ok(word in flat, "the PDF says " + word, flat[:400])
m = re.search(r"ghi nhận (\d+) sự kiện an toàn thông tin \((\d+) nghiêm trọng", flat)
t.ok(m and int(m.group(1)) == api["events"] and int(m.group(2)) == api["critical"],
     "events and critical events in the PDF equal the API's (%d, %d)" % (api["events"], api["critical"]),
     m and m.groups())


def table_value(label):
    m = re.search(re.escape(label) + r"\s+(\d+)\s+(\d+)\s+([+-]\d+)", txt)
    return int(m.group(1)) if m else None


t.ok(table_value("Thay đổi giao diện (deface)") == api["defacements"], "defacements in the PDF = API",
     (table_value("Thay đổi giao diện (deface)"), api))
t.ok(table_value("Mã độc web shell") == api["webshells"], "web shells in the PDF = API")
t.ok(table_value("Tài liệu mang dấu mật") == api["secret"], "secret documents in the PDF = API")
t.ok(table_value("Máy nhiễm phát hiện qua DNS") == api["dns_hosts"], "DNS-infected hosts in the PDF = API")

# The XLSX cells, read back.
z = zipfile.ZipFile(xlsx)
ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
shared = [("".join(x.itertext())) for x in ET.fromstring(z.read("xl/sharedStrings.xml")).findall("m:si", ns)]
wb = ET.fromstring(z.read("xl/workbook.xml"))
names = [s.get("name") for s in wb.find("m:sheets", ns)]
t.ok("Bảng 1" in names and "Biểu đồ 1" in names, "XLSX sheets per table and chart", names)
sheet = ET.fromstring(z.read("xl/worksheets/sheet%d.xml" % (names.index("Bảng 1") + 1)))
cells = {}
for row in sheet.iter("{%s}row" % ns["m"]):
    vals = []
    for cc in row.findall("m:c", ns):
        v = cc.find("m:v", ns)
        vals.append(shared[int(v.text)] if cc.get("t") == "s" else float(v.text) if v is not None else None)
    if vals and isinstance(vals[0], str):
        cells[vals[0]] = vals[1:]
t.ok(cells.get("Tổng số sự kiện", [None])[0] == api["events"], "XLSX: events = API",
     cells.get("Tổng số sự kiện"))
t.ok(cells.get("Thay đổi giao diện (deface)", [None])[0] == api["defacements"], "XLSX: defacements = API")
t.ok(cells.get("Máy nhiễm phát hiện qua DNS", [None])[0] == api["dns_hosts"], "XLSX: DNS hosts = API")
t.ok(any(n.startswith("xl/charts/chart") for n in z.namelist()), "XLSX has native charts")

# The compliance section (issue 14): the province's and each agency's
# status, as `canhgac compliance` gives it the same day, in all three files.
rc, o, e = run("compliance", "--json", "--data-dir", data, "--lang", "en")
csum = json.loads(o.splitlines()[-1]) if o.strip() else {}
t.ok(rc in (0, 1) and csum.get("type") == "summary", "canhgac compliance on the same data", e)
cm = re.search(r"TÌNH HÌNH TUÂN THỦ QUY ĐỊNH.*?tính đến ngày (\d\d/\d\d/\d{4}): đạt (\d+)% .*?"
               r"\((\d+) đạt, (\d+) sắp đến hạn, (\d+) quá hạn, (\d+) thiếu minh chứng\)", flat)
cc = csum.get("counts", {})
t.ok(cm and int(cm.group(2)) == csum.get("percent") and
     [int(x) for x in cm.groups()[2:]] == [cc.get(k) for k in ("ok", "due_soon", "overdue", "missing_evidence")],
     "the PDF's compliance section gives the province's percentage and counts (%s%%, %s)" % (csum.get("percent"), cc),
     cm and cm.groups())
skhcn = [a for a in csum.get("agencies", []) if a["name"] == "Sở Khoa học và Công nghệ"]
sm = re.search(r"Sở Khoa học và Công(?:\s+nghệ)?\s+(\d+)%\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)", txt)
t.ok(skhcn and sm and int(sm.group(1)) == skhcn[0]["percent"] and int(sm.group(4)) == skhcn[0]["counts"]["overdue"],
     "... and each agency's row (Sở Khoa học và Công nghệ %s%%)" % (skhcn[0]["percent"] if skhcn else "?"),
     sm and sm.groups())
# the report lists the most overdue first (a bounded list): the oldest one
late = sorted((r for r in (json.loads(x) for x in o.splitlines()[:-1]) if r["status"] == "overdue"),
              key=lambda r: r.get("due") or "")
t.ok("Nghĩa vụ quá hạn và sắp đến hạn" in flat and late and
     re.sub(r"\s+", " ", late[0]["subject_name"])[:12] in flat,
     "... and the obligations overdue or due soon", late[:1])
shared_text = " ".join(shared)
t.ok("Tình hình tuân thủ theo cơ quan" in shared_text and "Nghĩa vụ quá hạn và sắp đến hạn" in shared_text and
     "Sở Khoa học và Công nghệ" in shared_text, "the XLSX holds the compliance tables")
dx = zipfile.ZipFile(docx).read("word/document.xml").decode("utf-8")
t.ok("TÌNH HÌNH TUÂN THỦ QUY ĐỊNH" in dx and "Tình hình tuân thủ theo cơ quan" in dx,
     "the DOCX holds the compliance section")

fonts = subprocess.run(["pdffonts", pdf], stdout=subprocess.PIPE, check=True).stdout.decode()
rows = fonts.splitlines()[2:]
t.ok(rows and all(" yes " in r for r in rows) and any("LiberationSerif" in r for r in rows),
     "pdffonts: every font embedded, Liberation Serif", fonts)

# The table of contents: each line's page is the page pdftotext finds its
# heading on (a line of its own, not the contents' line).
npages = int(re.search(r"Pages:\s+(\d+)", subprocess.run(
    ["pdfinfo", pdf], stdout=subprocess.PIPE, check=True).stdout.decode()).group(1))
page_lines = [subprocess.run(["pdftotext", "-layout", "-f", str(p), "-l", str(p), pdf, "-"],
                             stdout=subprocess.PIPE, check=True).stdout.decode().splitlines()
              for p in range(1, npages + 1)]
toc = [(m.group(1).strip(), int(m.group(2))) for m in
       (re.match(r"\s*((?:I|II|III|IV|V|VI|VII)\. .*?)\s+(\d+)\s*$", ln) for ln in page_lines[0]) if m]
t.ok("MỤC LỤC" in "\n".join(page_lines[0]) and len(toc) == 6, "page 1 has the contents, six headings (compliance the fifth)", toc)
found = {}
for p, lines in enumerate(page_lines, 1):
    for ln in lines:
        for title, _ in toc:
            if ln.strip() == title and title not in found:
                found[title] = p
t.ok(toc and all(found.get(title) == n for title, n in toc) and max(n for _, n in toc) > 1,
     "each contents line names the page its heading is on", (toc, found))
raw = open(pdf, "rb").read()
t.ok(b"/Outlines" in raw and raw.count(b"/Dest") >= 2 * len(toc),
     "the PDF has an outline (bookmarks) and the contents link to the headings")
dx = zipfile.ZipFile(docx).read("word/document.xml").decode()
t.ok('TOC \\o "1-2"' in dx and "PAGEREF _Toc5" in dx and 'w:name="_Toc5"' in dx and
     "<w:updateFields w:val=\"true\"/>" in zipfile.ZipFile(docx).read("word/settings.xml").decode(),
     "the DOCX has a TOC field over bookmarked headings, updated on opening", dx[:200])

# Each page as a PNG for a person.
for old in glob.glob(os.path.join(LOG, "report-monthly-page-*.png")):
    os.remove(old)
subprocess.run(["pdftoppm", "-r", "60", "-png", pdf, os.path.join(LOG, "report-monthly-page")], check=True)
pngs = glob.glob(os.path.join(LOG, "report-monthly-page-*.png"))
t.ok(len(pngs) >= 2, "a PNG of each page in the test logs (%d)" % len(pngs))

# LibreOffice opens the DOCX.
lo = os.path.join(tmp, "lo")
os.mkdir(lo)
r = subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", lo, docx],
                   env=dict(os.environ, HOME=lo), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                   timeout=300)
lop = os.path.join(lo, os.path.basename(docx)[:-4] + "pdf")
t.ok(r.returncode == 0 and os.path.exists(lop), "LibreOffice converts the DOCX", r.stdout.decode()[-500:])
if os.path.exists(lop):
    lt = re.sub(r"\s+", " ", text_of(lop))
    t.ok("Nơi nhận:" in lt and ("ghi nhận %d sự kiện" % api["events"]) in lt,
         "the converted DOCX holds the frame and the figures", lt[:300])
    t.ok(re.search(r"MỤC LỤC I\. TÌNH HÌNH CHUNG\.+ ?1 II\.", lt),
         "the converted DOCX shows the contents with page numbers", lt[:600])

# Signed.
sg = os.path.join(tmp, "sg")
os.mkdir(sg)
subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", sg + "/k.pem",
                "-out", sg + "/c.pem", "-days", "30", "-utf8", "-subj", "/CN=Trần Thị Bình/O=Sở KH&CN/C=VN"],
               check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
so = os.path.join(tmp, "signed")
os.mkdir(so)
rc, o, e = run("report", "monthly", "--period", period, "--data-dir", data, "--format", "pdf",
               "--format", "docx", "--out", so, "--sign", sg + "/k.pem", "--cert", sg + "/c.pem",
               "--signer-name", "Trần Thị Bình")
t.ok(rc == 0, "a signed report", o + e)
spdf = os.path.join(so, os.path.basename(pdf))
ps = subprocess.run(["pdfsig", spdf], stdout=subprocess.PIPE, stderr=subprocess.STDOUT).stdout.decode()
t.ok("Signature is Valid" in ps, "pdfsig: the report's signature is valid", ps)
t.ok("Trần Thị Bình" in re.sub(r"\s+", " ", text_of(spdf)), "the signer is named in the signature block")
rc, o, e = run("verify", os.path.join(so, os.path.basename(docx)))
t.ok(rc == 0 and "Trần Thị Bình" in o, "the DOCX's .p7s verifies", o + e)

# English.
rc, o, e = run("report", "monthly", "--period", period, "--data-dir", data, "--lang", "en",
               "--out", os.path.join(tmp, "en.pdf"))
et = re.sub(r"\s+", " ", text_of(os.path.join(tmp, "en.pdf"))) if rc == 0 else ""
t.ok(rc == 0 and "REPORT" in et and "SOCIALIST REPUBLIC OF VIET NAM" in et and
     ("recorded %d security events" % api["events"]) in et, "--lang en writes English", o + e + et[:300])
t.ok("COMPLIANCE WITH THE OBLIGATIONS" in et and "Compliance per agency" in et,
     "... with its compliance section in English", et[-600:])

# One agency's own report.
rc, o, e = run("report", "monthly", "--period", period, "--data-dir", data, "--agency", "X-MUONGTE",
               "--out", os.path.join(tmp, "ag.pdf"))
at = re.sub(r"\s+", " ", text_of(os.path.join(tmp, "ag.pdf"))) if rc == 0 else ""
n_ag = sum(1 for i in items if muongte and i.get("agency_id") == muongte[0])
t.ok(rc == 0 and "Mường Tè" in at and muongte and ("ghi nhận %d sự kiện" % n_ag) in at,
     "an agency's own report counts its own events (%d, as the API)" % n_ag, o + e + at[:600])

# An empty province.
empty = os.path.join(tmp, "empty")
os.mkdir(empty)
rc, o, e = run("report", "annual", "--period", "2026", "--data-dir", empty, "--format", "pdf",
               "--format", "xlsx", "--out", out)
t.ok(rc == 0, "a report for an empty province", o + e)
et = re.sub(r"\s+", " ", text_of(os.path.join(out, "bao-cao-nam-2026.pdf"))) if rc == 0 else ""
t.ok("ghi nhận 0 sự kiện" in et and "Không cơ quan nào có sự kiện trong kỳ" in et and
     "Chưa có hệ thống thông tin nào được khai báo" in et, "... which says there is nothing, in sentences",
     et[:500])

# Bad usage writes nothing.
bad = os.path.join(tmp, "bad")
os.mkdir(bad)
for args in (["monthly", "--period", "2026-13"], ["weekly", "--period", "2026-11"],
             ["annual", "--period", "2026-H1"], ["monthly", "--period", "2026-11", "--format", "odt"]):
    rc, o, e = run("report", *args, "--data-dir", data, "--out", bad)
    t.ok(rc == 2 and not os.listdir(bad) and len(e.strip().splitlines()) == 1,
         "refused: " + " ".join(args), e)

shutil.rmtree(tmp, ignore_errors=True)
t.done()
