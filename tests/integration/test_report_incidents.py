#!/usr/bin/env python3
"""test_report_incidents.py - the incident figures of `canhgac report`
(issue 13): cases detected in the period by kind and severity, closed in
the period, still open at its end, and the regulated initial reports
(Mẫu 03) on time, late and overdue as deadline/deadline.h decides them,
the closing reports (Mẫu 04) and the immediate escalations (state
secrets) the same way;
rejected cases are no incidents; an agency's report counts only its own
cases; the XLSX cells hold the same numbers. Cases are opened through the
API with their detection and report times in October 2026. TAP."""
import datetime
import os
import re
import subprocess
import sys
import tempfile
import zipfile
import xml.etree.ElementTree as ET

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(__file__))
from _serverlib import BIN, Server, Tap, event  # noqa: E402

t = Tap()
tmp = tempfile.mkdtemp(prefix="canhgac-repinc.")
data = os.path.join(tmp, "data")
os.mkdir(data)


def run(*args):
    r = subprocess.run([BIN] + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=600)
    return r.returncode, r.stdout.decode("utf-8", "replace"), r.stderr.decode("utf-8", "replace")


def flat_text(pdf):
    out = subprocess.run(["pdftotext", pdf, "-"], stdout=subprocess.PIPE, check=True).stdout.decode()
    return re.sub(r"\s+", " ", out)


srv = Server(data_dir=data)
try:
    admin = srv.login_admin()
    _, a1, _ = admin.req("POST", "/api/v1/agencies", {"name": "Sở Một", "kind": "so_ban_nganh", "code": "s1"})
    _, a2, _ = admin.req("POST", "/api/v1/agencies", {"name": "Sở Hai", "kind": "so_ban_nganh", "code": "s2"})

    def case(agency, kind, sev, detected, reported=None, state_path=(), **more):
        body = {"title": "Sự cố " + kind, "kind": kind, "severity": sev, "agency_id": agency["id"],
                "detected_at": detected}
        if reported:
            body["reported_at"] = reported
        body.update(more)
        st, c, _ = admin.req("POST", "/api/v1/incidents", body)
        t.ok(st == 201, "case %s detected %s" % (kind, detected), (st, c))
        for s in state_path:
            st, c, _ = admin.req("PATCH", "/api/v1/incidents/%d" % c["id"], {"state": s})
        return c

    # October 2026: 5 October (Monday) + 5 days -> due 10 October, a
    # Saturday, rolled to Monday 12 October 24:00 +07:00
    # the response of the next three ends now (contained): the closing
    # report (Mẫu 04) is due 5 days later; each touches state secrets, so
    # it had to be escalated at once
    later = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=30)).strftime(
        "%Y-%m-%dT%H:%M:%SZ")
    case(a1, "defacement", "critical", "2026-10-05T03:00:00Z", "2026-10-07T03:00:00Z")   # on time
    case(a1, "defacement", "high", "2026-10-13T03:00:00Z", "2026-10-26T03:00:00Z",       # late
         state_path=("triage", "responding", "contained"), closing_reported_at=later,   # Mẫu 04 late
         state_secret=True, escalated_at="2026-10-13T05:00:00Z")                        # escalated late
    case(a2, "malware", "medium", "2026-10-20T03:00:00Z",                                # overdue
         state_path=("triage", "responding", "contained"),                               # Mẫu 04 not yet due
         state_secret=True)                                                              # not escalated
    case(a2, "ddos", "high", "2026-09-15T03:00:00Z", "2026-09-16T03:00:00Z")             # the month before
    case(a1, "phishing", "low", "2026-10-21T03:00:00Z", state_path=("rejected",))        # no incident
    # detected in October and closed now: open at the end of October
    case(a1, "webshell", "critical", "2026-10-28T03:00:00Z", "2026-10-29T03:00:00Z",
         state_path=("triage", "responding", "contained", "closed"),
         closing_reported_at="2026-10-30T03:00:00Z",                                     # Mẫu 04 on time
         state_secret=True, escalated_at="2026-10-28T03:00:00Z")                        # escalated at once
    # a defacement seen on one address for 5 hours, another once
    _, tok, _ = admin.req("POST", "/api/v1/tokens", {"name": "ing", "scope": "ingest"})
    ing = srv.client(token=tok["token"])
    url = "https://mot.laichau.gov.vn/"
    st, _, _ = ing.req("POST", "/api/v1/events", [
        event("w1", time="2026-10-02T00:00:00Z", subject=url), event("w2", time="2026-10-02T05:00:00Z", subject=url),
        event("w3", time="2026-10-02T03:00:00Z", subject=url), event("w4", time="2026-10-09T00:00:00Z", subject="https://hai/")])
    t.ok(st in (200, 201), "web findings stored", st)
finally:
    srv.cleanup()

out = os.path.join(tmp, "out")
os.mkdir(out)
rc, o, e = run("report", "monthly", "--period", "2026-10", "--data-dir", data, "--format", "pdf",
               "--format", "xlsx", "--out", out)
t.ok(rc == 0, "the October report", o + e)
txt = flat_text(os.path.join(out, "bao-cao-thang-2026-10.pdf"))
t.ok("Trong kỳ tiếp nhận 4 sự cố (kỳ trước 1): 2 nghiêm trọng, 1 cao, 1 trung bình, 0 thấp." in txt,
     "cases detected in October by severity, against September; the rejected one not counted", txt[-2500:])
t.ok("trên 2 địa chỉ; một phát hiện tồn tại lâu nhất 5 giờ trên cùng một địa chỉ" in txt,
     "the longest a finding stayed on one address: 5 hours", txt[:3000])
t.ok("Đã kết thúc xử lý 0 sự cố trong kỳ; 5 sự cố còn đang xử lý vào cuối kỳ." in txt,
     "none closed in October (closed today), five open at its end (September's too)")
m = re.search(r"(\d+) báo cáo đúng hạn, (\d+) báo cáo trễ hạn, (\d+) quá hạn chưa gửi, (\d+) còn trong thời hạn", txt)
# the web shell case (detected 28 Oct, reported the next day) is on time too
t.ok(m and m.groups() == ("2", "1", "1", "0"),
     "initial reports: 2 on time, 1 late (13 days), 1 overdue and not sent", m and m.groups())
m = re.search(r"\(Mẫu 04\) của các sự cố phát hiện trong kỳ: (\d+) báo cáo đúng hạn, (\d+) báo cáo trễ hạn, "
              r"(\d+) quá hạn chưa gửi, (\d+) còn trong thời hạn", txt)
t.ok(m and m.groups() == ("1", "1", "0", "1"),
     "closing reports (Mẫu 04): 1 on time, 1 late, 1 not yet due", m and m.groups())
m = re.search(r"bí mật nhà nước\): (\d+) sự cố, trong đó (\d+) báo cáo ngay khi phát hiện, (\d+) báo cáo muộn, "
              r"(\d+) chưa báo cáo", txt)
t.ok(m and m.groups() == ("3", "1", "1", "1"),
     "immediate escalations: 3 due, 1 at detection, 1 late, 1 not made", m and m.groups())
t.ok("các sự cố chưa báo cáo" in txt and "Mẫu 04) trong vòng 05 ngày" in txt,
     "the recommendations for missing escalations and late closing reports")
for label, now, before in (("Thay đổi giao diện", 2, 0), ("Mã độc trên máy trạm", 1, 0),
                           ("Web shell", 1, 0), ("Tấn công từ chối dịch vụ / gián đoạn", 0, 1)):
    t.ok(re.search(re.escape(label) + r" %d %d [+-]\d+" % (now, before), txt),
         "incidents by kind: %s %d (before %d)" % (label, now, before))
t.ok("Lừa đảo" not in txt, "the rejected phishing case is in no row")

# The XLSX: the incidents-by-kind table's cells.
z = zipfile.ZipFile(os.path.join(out, "bao-cao-thang-2026-10.xlsx"))
ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
shared = ["".join(x.itertext()) for x in ET.fromstring(z.read("xl/sharedStrings.xml")).findall("m:si", ns)]
names = [s.get("name") for s in ET.fromstring(z.read("xl/workbook.xml")).find("m:sheets", ns)]


def sheet_rows(caption):
    """The rows (first cell -> the others) of the sheet of the table with
    this caption (tables are numbered in order: find it by its text)."""
    for k, name in enumerate(names):
        sheet = ET.fromstring(z.read("xl/worksheets/sheet%d.xml" % (k + 1)))
        rows = {}
        for row in sheet.iter("{%s}row" % ns["m"]):
            vals = []
            for cc in row.findall("m:c", ns):
                v = cc.find("m:v", ns)
                vals.append(shared[int(v.text)] if cc.get("t") == "s" else float(v.text) if v is not None else None)
            if vals and isinstance(vals[0], str):
                rows[vals[0]] = vals[1:]
        if any(k.endswith(". " + caption) and k.startswith("Bảng") for k in rows):
            return rows
    return None


cells = sheet_rows("Sự cố theo loại")
t.ok(cells is not None and re.search(r"Bảng \d+\. Sự cố theo loại", txt), "XLSX: a sheet for the incidents by kind", names)
t.ok(cells and cells.get("Thay đổi giao diện", [None])[:2] == [2, 0] and cells.get("Web shell", [None])[:1] == [1],
     "XLSX: incidents by kind as numbers", cells)
rows = sheet_rows("Báo cáo sự cố theo quy định")
t.ok(rows is not None and re.search(r"Bảng \d+\. Báo cáo sự cố theo quy định", txt),
     "XLSX: a sheet for the regulated reports", names)
t.ok(rows and rows.get("Báo cáo ban đầu (Mẫu 03)") == [2, 1, 1, 0] and
     rows.get("Báo cáo kết thúc (Mẫu 04)") == [1, 1, 0, 1] and
     rows.get("Báo cáo ngay (cấp độ 3+, bí mật nhà nước)") == [1, 1, 1, 0],
     "XLSX: on time, late, overdue, not yet due of Mẫu 03, Mẫu 04 and escalations as numbers", rows)

# An agency's own report: Sở Hai had only the overdue malware case in October.
rc, o, e = run("report", "monthly", "--period", "2026-10", "--data-dir", data, "--agency", "s2",
               "--out", os.path.join(tmp, "s2.pdf"))
txt = flat_text(os.path.join(tmp, "s2.pdf")) if rc == 0 else ""
t.ok(rc == 0 and "Trong kỳ tiếp nhận 1 sự cố (kỳ trước 1)" in txt and
     "0 báo cáo đúng hạn, 0 báo cáo trễ hạn, 1 quá hạn chưa gửi" in txt,
     "an agency's report counts its own cases only", o + e + txt[-1500:])

# The six-monthly incident-response report of the second half of 2026.
rc, o, e = run("report", "incidents", "--period", "2026-H2", "--data-dir", data, "--lang", "en",
               "--out", os.path.join(tmp, "h2.pdf"))
txt = flat_text(os.path.join(tmp, "h2.pdf")) if rc == 0 else ""
t.ok(rc == 0 and "5 incident cases were detected in the period (0 in the period before)" in txt and
     "3 sent on time, 1 sent late, 1 overdue and not sent" in txt and
     "(Form 04) of the cases detected in the period: 1 sent on time, 1 sent late, 0 overdue and not sent, 1 not yet due" in txt and
     "(a level 3+ system or state secrets): 3, of which 1 escalated at detection, 1 escalated later and 1 not escalated" in txt,
     "the six-monthly incident report, in English", o + e + txt[-1500:])

# A month without cases says so in a sentence.
rc, o, e = run("report", "monthly", "--period", "2026-08", "--data-dir", data, "--out", os.path.join(tmp, "aug.pdf"))
txt = flat_text(os.path.join(tmp, "aug.pdf")) if rc == 0 else ""
t.ok(rc == 0 and "Trong kỳ không có sự cố nào được tiếp nhận, xử lý." in txt, "a month without cases says so", txt[-800:])
t.done()
