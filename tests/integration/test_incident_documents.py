#!/usr/bin/env python3
"""The regulated reports of an incident case (issue 12 item 7): Mẫu 03 and
Mẫu 04 generated from the case as PDF and DOCX in the Decree 30 frame
(pdftotext and LibreOffice read back every field: number, title, agency,
system with its level, domain and address, times, state, the officer's
edited fields — HTML in them stays text); issuing one keeps the file in
the blob store, records it on the timeline and stops its clock; files go
out as attachments with nosniff; an officer of another agency reaches
neither drafts nor issued files; a hash of a file the case did not issue
finds nothing. Evidence files: attached with their type sniffed from the
bytes (not the name), a safe name, a size limit, and always downloaded as
application/octet-stream attachments with nosniff. Prints TAP."""
import hashlib
import os
import re
import subprocess
import sys
import tempfile
import zipfile

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _serverlib import Server, Tap  # noqa: E402

t = Tap()
tmp = tempfile.mkdtemp(prefix="canhgac-incdoc-")


def pdf_text(data, layout=True):
    p = os.path.join(tmp, "x.pdf")
    with open(p, "wb") as f:
        f.write(data)
    r = subprocess.run(["pdftotext"] + (["-layout"] if layout else []) + [p, "-"], capture_output=True, text=True)
    return re.sub(r"\s+", " ", r.stdout)


srv = Server()
try:
    admin = srv.login_admin()
    _, a1, _ = admin.req("POST", "/api/v1/agencies", {"name": "Sở Tài chính", "kind": "so_ban_nganh", "code": "stc"})
    _, a2, _ = admin.req("POST", "/api/v1/agencies", {"name": "Sở Nội vụ", "kind": "so_ban_nganh", "code": "snv"})
    _, s1, _ = admin.req("POST", "/api/v1/systems", {"agency_id": a1["id"], "name": "Cổng thông tin Sở Tài chính", "kind": "portal",
                                                     "level": 3, "domains": ["stc.laichau.gov.vn"], "ips": ["10.3.0.10"]})
    admin.req("POST", "/api/v1/users", {"username": "o2", "role": "officer", "agency_id": a2["id"], "password": "password-of-o2"})
    o2 = srv.client()
    o2.login("o2", "password-of-o2")
    st, c, _ = admin.req("POST", "/api/v1/incidents", {"title": "Trang chủ bị thay giao diện", "kind": "defacement", "severity": "critical",
                                                        "agency_id": a1["id"], "system_ids": [s1["id"]], "owner": "admin",
                                                        "description": "Trang chủ hiển thị nội dung lạ <b>hacked</b>",
                                                        "detected_at": "2026-12-01T02:30:00Z"})
    base = f"/api/v1/incidents/{c['id']}/documents"

    st, pdf, h = admin.req("GET", base + "/mau-03.pdf")
    txt = pdf_text(pdf) if st == 200 else ""
    t.ok(st == 200 and h.get("content-type") == "application/pdf" and pdf[:5] == b"%PDF-"
         and h.get("content-disposition", "").startswith("attachment;") and h.get("x-content-type-options") == "nosniff",
         "a draft Mẫu 03 as PDF, served as an attachment with nosniff", (st, h))
    want = [c["number"], "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "BÁO CÁO", "Sở Tài chính",
            "Trang chủ bị thay giao diện", "Tấn công thay đổi giao diện", "Nghiêm trọng", "Cổng thông tin Sở Tài chính",
            "stc.laichau.gov.vn", "10.3.0.10", "09:30 ngày 01/12/2026", "Mới tiếp nhận", "<b>hacked</b>", "Thông tư số 20/2017/TT-BTTTT",
            "Nơi nhận"]
    missing = [w for w in want if w not in txt]
    t.ok(not missing, "pdftotext reads every field of the case, the frame and the system", (missing, txt[:1500]))

    st, docx, h = admin.req("GET", base + "/mau-03.docx")
    dp = os.path.join(tmp, "mau03.docx")
    with open(dp, "wb") as f:
        f.write(docx if isinstance(docx, bytes) else b"")
    ok = st == 200 and h.get("content-disposition", "").endswith('-mau-03.docx"') and zipfile.is_zipfile(dp)
    t.ok(ok, "a draft Mẫu 03 as DOCX", (st, h))
    lo = os.path.join(tmp, "lo")
    os.makedirs(lo, exist_ok=True)
    r = subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", lo, dp], env=dict(os.environ, HOME=lo),
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=300)
    lop = os.path.join(lo, "mau03.pdf")
    # reading order, not layout: a table cell may wrap a name over lines
    lt = pdf_text(open(lop, "rb").read(), layout=False) if os.path.exists(lop) else ""
    missing = [w for w in want if w not in lt]
    t.ok(r.returncode == 0 and not missing, "LibreOffice opens the DOCX and it holds every field", (missing, lt[:800]))

    # issue it with the fields the officer edited
    fields = {"reporter": "Nguyễn Văn An", "contact": "0912 345 678, an.nv@stc.gov.vn", "measures": "Cô lập máy chủ <script>x</script>",
              "place": "Lai Châu", "notified": "Công an tỉnh (PA05)"}
    st, c2, _ = admin.req("POST", base, {"form": "mau-03", "format": "pdf", "fields": fields})
    docs = [e for e in (c2.get("timeline") or []) if e["what"] == "document"] if st == 201 else []
    clk = {k["rule"]: k for k in c2.get("clocks", [])} if st == 201 else {}
    t.ok(st == 201 and len(docs) == 1 and c2["reported_at"] and clk["initial_report"]["state"] in ("met", "late"),
         "issuing Mẫu 03 records it on the timeline and stops the initial report's clock", (st, c2))
    d = docs[0]["detail"] if docs else {}
    st, f, h = admin.req("GET", f"{base}/{d.get('sha256')}.pdf")
    it = pdf_text(f) if st == 200 else ""
    t.ok(st == 200 and hashlib.sha256(f).hexdigest() == d.get("sha256") and d.get("number") == c["number"] + "/BC-03"
         and all(v in it for v in ("Nguyễn Văn An", "0912 345 678", "Cô lập máy chủ <script>x</script>", "Lai Châu, ngày", "Công an tỉnh (PA05)")),
         "the issued file is kept (its SHA-256), and holds the edited fields as text", (st, d, it[:600]))
    st, _, _ = admin.req("GET", f"{base}/{d.get('sha256')}.docx")
    t.ok(st == 404, "an issued PDF is not served as DOCX")
    st, _, _ = admin.req("GET", f"{base}/{'0' * 64}.pdf")
    t.ok(st == 404, "a hash the case did not issue finds nothing")
    st, body, _ = admin.req("POST", base, {"form": "mau-05"})
    t.ok(st == 400 and "form" in body["error"], "an unknown form is refused", body)
    st, body, _ = admin.req("POST", base, {"form": "mau-03", "fields": {"evil": "x"}})
    t.ok(st == 400 and "fields.evil" in body["error"], "an unknown field is refused", body)
    st, _, _ = admin.req("GET", base + "/mau-03.html")
    t.ok(st == 404, "only pdf and docx")

    # another agency's officer reaches nothing
    leaks = []
    for m, p, b in (("GET", base + "/mau-03.pdf", None), ("GET", f"{base}/{d.get('sha256')}.pdf", None),
                    ("POST", base, {"form": "mau-03"})):
        st, _, _ = o2.req(m, p, b)
        if st not in (403, 404):
            leaks.append((m, p, st))
    t.ok(not leaks, "an officer of another agency reaches no draft, file or issue of the case", leaks)

    # evidence files
    png = b"\x89PNG\r\n\x1a\n" + os.urandom(2000)
    abase = f"/api/v1/incidents/{c['id']}/attachments"
    st, ca, _ = admin.req("POST", abase + "?name=" + "..%2F..%2F%E1%BA%A3nh%20ch%E1%BB%A5p%20%3Cx%3E.png", raw=png, ctype="application/octet-stream")
    att = [e["detail"] for e in (ca.get("timeline") or []) if e["what"] == "attachment"] if st == 201 else []
    t.ok(st == 201 and len(att) == 1 and att[0]["type"] == "image/png" and att[0]["size"] == len(png)
         and att[0]["sha256"] == hashlib.sha256(png).hexdigest() and "/" not in att[0]["name"] and "<" not in att[0]["name"]
         and att[0]["name"].endswith(".png") and not att[0]["name"].startswith("."),
         "an evidence file is attached: its SHA-256, type sniffed, a safe name", (st, att))
    html = b"<html><script>alert(1)</script></html>"
    st, cb, _ = admin.req("POST", abase + "?name=anh.png", raw=html, ctype="image/png")
    att = [e["detail"] for e in (cb.get("timeline") or []) if e["what"] == "attachment"] if st == 201 else []
    t.ok(st == 201 and att[-1]["type"] == "text/plain", "the type comes from the bytes, not the name or the claimed type", att)
    st, f, h = admin.req("GET", f"{abase}/{att[-1]['sha256']}" if att else abase + "/x")
    t.ok(st == 200 and f == html and h.get("content-type") == "application/octet-stream"
         and h.get("content-disposition") == 'attachment; filename="anh.png"' and h.get("x-content-type-options") == "nosniff",
         "a file is always downloaded as an octet-stream attachment with nosniff", (st, h))
    st, _, _ = admin.req("POST", abase + "?name=big.bin", raw=b"\0" * (10 * 1024 * 1024 + 1), ctype="application/octet-stream")
    t.ok(st == 413, "a file over 10 MiB is refused", st)
    st, _, _ = admin.req("POST", abase + "?name=x", raw=b"", ctype="application/octet-stream")
    t.ok(st == 400, "an empty file is refused", st)
    st, _, _ = admin.req("GET", f"{abase}/{hashlib.sha256(b'other').hexdigest()}")
    t.ok(st == 404, "a hash the case did not attach finds nothing", st)
    leaks = []
    for m, p, b in (("GET", f"{abase}/{hashlib.sha256(png).hexdigest()}", None), ("POST", abase + "?name=x", b"data")):
        st, _, _ = o2.req(m, p, raw=b, ctype="application/octet-stream")
        if st not in (403, 404):
            leaks.append((m, p, st))
    t.ok(not leaks, "an officer of another agency can neither read nor attach", leaks)

    # the closing report once the response has ended
    for s in ("triage", "responding", "contained"):
        admin.req("PATCH", f"/api/v1/incidents/{c['id']}", {"state": s})
    st, c3, _ = admin.req("POST", base, {"form": "mau-04", "format": "docx",
                                         "fields": {"result": "Đã khôi phục trang từ bản sao lưu", "lessons": "Cập nhật CMS kịp thời",
                                                    "initial_ref": c["number"] + "/BC-03"}})
    clk = {k["rule"]: k for k in c3.get("clocks", [])} if st == 201 else {}
    docs = [e["detail"] for e in (c3.get("timeline") or []) if e["what"] == "document"] if st == 201 else []
    t.ok(st == 201 and c3["closing_reported_at"] and clk.get("closing_report", {}).get("state") == "met" and len(docs) == 2,
         "issuing Mẫu 04 stops the closing report's clock", (st, clk))
    st, f, h = admin.req("GET", f"{base}/{docs[-1]['sha256']}.docx" if docs else base + "/x")
    dp = os.path.join(tmp, "mau04.docx")
    with open(dp, "wb") as fh:
        fh.write(f if isinstance(f, bytes) else b"")
    xml = zipfile.ZipFile(dp).read("word/document.xml").decode() if zipfile.is_zipfile(dp) else ""
    plain = re.sub(r"<[^>]+>", "", xml)
    t.ok(st == 200 and "Kết thúc ứng phó sự cố" in plain and "Đã khôi phục trang từ bản sao lưu" in plain
         and "Cập nhật CMS kịp thời" in plain and c["number"] + "/BC-03" in plain and "Đã ngăn chặn" in plain,
         "the issued Mẫu 04 DOCX holds the result, lessons and the initial report's reference", plain[:600])
finally:
    srv.stop()
t.done()
