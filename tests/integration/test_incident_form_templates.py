#!/usr/bin/env python3
"""The regulated reports' layouts are data (issue 12 item 7): a copy of
the rules directory (CANHGAC_RULES_DIR) whose Mẫu 03 template renames an
item's label, drops an item and replaces the national slogan changes the
generated PDF and DOCX with no rebuild, and issuing it numbers the report
with the template's symbol; a template that does not parse stops the
server from starting, naming the file and the line. Prints TAP."""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _serverlib import BIN, SRC, Server, Tap  # noqa: E402

t = Tap()
tmp = tempfile.mkdtemp(prefix="canhgac-forms-")
rules = os.path.join(tmp, "rules")
shutil.copytree(os.path.join(SRC, "rules"), rules)
m03 = os.path.join(rules, "forms", "mau-03.txt")
with open(m03, encoding="utf-8") as f:
    text = f.read()
assert "item reporter Người báo cáo | Reporter" in text and "item os_services " in text
text = text.replace("item reporter Người báo cáo | Reporter", "item reporter Cán bộ lập phiếu thử nghiệm | Test preparer")
text = re.sub(r"(?m)^item os_services .*\n", "", text)
text = text.replace("symbol BC-03", "symbol BCBD-03")
text = text.replace("kind_title BÁO CÁO", "slogan Tiêu ngữ thử nghiệm\nkind_title BÁO CÁO")
with open(m03, "w", encoding="utf-8") as f:
    f.write(text)


def pdf_text(data):
    p = os.path.join(tmp, "x.pdf")
    with open(p, "wb") as f:
        f.write(data)
    r = subprocess.run(["pdftotext", "-layout", p, "-"], capture_output=True, text=True)
    return re.sub(r"\s+", " ", r.stdout)


def docx_text(data):
    p = os.path.join(tmp, "x.docx")
    with open(p, "wb") as f:
        f.write(data if isinstance(data, bytes) else b"")
    if not zipfile.is_zipfile(p):
        return ""
    return re.sub(r"<[^>]+>", "", zipfile.ZipFile(p).read("word/document.xml").decode())


os.environ["CANHGAC_RULES_DIR"] = rules
srv = Server()
try:
    admin = srv.login_admin()
    _, a1, _ = admin.req("POST", "/api/v1/agencies", {"name": "Sở Tài chính", "kind": "so_ban_nganh", "code": "stc"})
    st, c, _ = admin.req("POST", "/api/v1/incidents", {"title": "Trang chủ bị thay giao diện", "kind": "defacement",
                                                        "severity": "critical", "agency_id": a1["id"], "owner": "admin",
                                                        "detected_at": "2026-12-01T02:30:00Z"})
    base = f"/api/v1/incidents/{c['id']}/documents"
    st, pdf, _ = admin.req("GET", base + "/mau-03.pdf")
    txt = pdf_text(pdf) if st == 200 else ""
    t.ok(st == 200 and "Cán bộ lập phiếu thử nghiệm: admin" in txt and "Người báo cáo" not in txt,
         "the PDF carries the edited template's item label, not the shipped one", txt[:600])
    # (the PDF's narrow header column may wrap the number after its "/")
    t.ok("Hệ điều hành, dịch vụ" not in txt and "Tiêu ngữ thử nghiệm" in txt and "Độc lập - Tự do" not in txt
         and f"{c['number']}/" in txt and "BCBD-03" in txt,
         "an item dropped, the slogan and the number's symbol from the template", txt[:600])
    t.ok("Thông tin liên hệ" in txt and "Tấn công thay đổi giao diện" in txt and "09:30 ngày 01/12/2026" in txt,
         "the other items are still filled from the case", txt[:600])
    st, docx, _ = admin.req("GET", base + "/mau-03.docx")
    x = docx_text(docx) if st == 200 else ""
    t.ok("Cán bộ lập phiếu thử nghiệm: admin" in x and "Người báo cáo" not in x and "Tiêu ngữ thử nghiệm" in x
         and f"{c['number']}/BCBD-03" in x and "Hệ điều hành, dịch vụ" not in x,
         "the DOCX follows the edited template too", x[:600])
    st, pdf4, _ = admin.req("GET", base + "/mau-04.pdf")
    txt4 = pdf_text(pdf4) if st == 200 else ""
    t.ok(st == 200 and "Người báo cáo: admin" in txt4 and "Độc lập - Tự do - Hạnh phúc" in txt4,
         "the unedited Mẫu 04 keeps the shipped layout", txt4[:400])
    st, c2, _ = admin.req("POST", base, {"form": "mau-03", "format": "pdf"})
    docs = [e["detail"] for e in (c2.get("timeline") or []) if e.get("what") == "document"] if st == 201 else []
    t.ok(st == 201 and docs and docs[-1].get("number") == f"{c['number']}/BCBD-03" and c2.get("reported_at"),
         "issuing numbers the report with the template's symbol and stops the template's clock", (st, docs))
    st, _, _ = admin.req("GET", base + "/mau-05.pdf")
    t.ok(st == 404, "a form with no template is not found", st)
finally:
    srv.cleanup()

# a template that does not parse: the server refuses to start, naming it
m04 = os.path.join(rules, "forms", "mau-04.txt")
with open(m04, encoding="utf-8") as f:
    lines = f.read().split("\n")
bad_at = next(i for i, l in enumerate(lines) if l.startswith("item result ")) + 1
lines[bad_at - 1] = "item ketqua Kết quả | Result"
with open(m04, "w", encoding="utf-8") as f:
    f.write("\n".join(lines))
data = tempfile.mkdtemp(prefix="canhgac-forms-srv.")
try:
    p = subprocess.run([BIN, "serve", "--listen", "127.0.0.1:0", "--no-tls", "--exposure-interval", "0",
                        "--data-dir", data], capture_output=True, text=True, timeout=120)
    err = p.stderr
    t.ok(p.returncode != 0 and "listening on" not in p.stdout and f"{m04}:{bad_at}: item: unknown source 'ketqua'" in err,
         "a broken template stops the server with file:line", (p.returncode, err[-400:]))
except subprocess.TimeoutExpired:
    t.ok(False, "a broken template stops the server with file:line", "the server kept running")

# a missing required form is refused too, naming the directory and the form
os.remove(m04)
try:
    p = subprocess.run([BIN, "serve", "--listen", "127.0.0.1:0", "--no-tls", "--exposure-interval", "0",
                        "--data-dir", data], capture_output=True, text=True, timeout=120)
    t.ok(p.returncode != 0 and "no template of form 'mau-04'" in p.stderr,
         "a template set without Mẫu 04 stops the server", (p.returncode, p.stderr[-300:]))
except subprocess.TimeoutExpired:
    t.ok(False, "a template set without Mẫu 04 stops the server", "the server kept running")
shutil.rmtree(data, ignore_errors=True)
shutil.rmtree(tmp, ignore_errors=True)
t.done()
