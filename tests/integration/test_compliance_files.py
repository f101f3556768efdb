#!/usr/bin/env python3
"""Records of compliance evidence with a file (issue 14: an outside
assessor's report): uploaded with the record as the request body (streamed
to the blob store), the type told from the bytes, a safe name, a size
limit that leaves nothing behind; listed within the caller's scope and
downloaded as an application/octet-stream attachment with nosniff; an
officer of another agency can neither add a record for agency one nor see
or download its file; an event sent with an ingest token that names a
stored file's hash serves nothing; the record counts as evidence for the
control that reads it. Real files: a PDF and a DOCX written by `canhgac
report`, a PNG by pdftoppm. TAP; python3 stdlib, poppler-utils."""
import datetime
import glob
import hashlib
import http.client
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.parse

sys.path.insert(0, os.path.dirname(__file__))
from _serverlib import BIN, Server, Tap  # noqa: E402

t = Tap()
tmp = tempfile.mkdtemp(prefix="canhgac-cmpfiles.")
empty = os.path.join(tmp, "empty")
os.mkdir(empty)
files = os.path.join(tmp, "files")
os.mkdir(files)
r = subprocess.run([BIN, "report", "annual", "--period", "2025", "--data-dir", empty, "--format", "pdf",
                    "--format", "docx", "--out", files], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
t.ok(r.returncode == 0, "real files to upload: a report as PDF and DOCX", r.stderr.decode())
pdf = open(os.path.join(files, "bao-cao-nam-2025.pdf"), "rb").read()
docx = open(os.path.join(files, "bao-cao-nam-2025.docx"), "rb").read()
subprocess.run(["pdftoppm", "-r", "30", "-png", "-f", "1", "-l", "1", os.path.join(files, "bao-cao-nam-2025.pdf"),
                os.path.join(files, "page")], check=True)
png = open(sorted(glob.glob(os.path.join(files, "page*.png")))[0], "rb").read()
today = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=7)).date()
day = (today - datetime.timedelta(days=3)).isoformat()

srv = Server()
try:
    admin = srv.login_admin()
    _, a1, _ = admin.req("POST", "/api/v1/agencies", {"name": "Sở Một", "kind": "so_ban_nganh", "code": "s1",
                                                      "ip_ranges": ["10.1.0.0/16"]})
    _, a2, _ = admin.req("POST", "/api/v1/agencies", {"name": "Sở Hai", "kind": "so_ban_nganh", "code": "s2",
                                                      "ip_ranges": ["10.2.0.0/16"]})
    _, s1, _ = admin.req("POST", "/api/v1/systems", {"agency_id": a1["id"], "name": "Cổng một", "kind": "portal",
                                                     "level": 3})
    users = {}
    for name, role, agency in (("o1", "officer", a1["id"]), ("o2", "officer", a2["id"]), ("v", "viewer", None)):
        body = {"username": "u_" + name, "role": role, "password": "password-of-" + name}
        if agency:
            body["agency_id"] = agency
        admin.req("POST", "/api/v1/users", body)
        c = srv.client()
        c.login("u_" + name, "password-of-" + name)
        users[name] = c
    o1, o2, viewer = users["o1"], users["o2"], users["v"]

    def upload(c, data, name, **rec):
        q = {"kind": "assessment", "date": day, "agency_id": a1["id"], "system_id": s1["id"],
             "assessor": "Công ty Kiểm định An toàn thông tin", "note": "Báo cáo đánh giá năm", "name": name}
        q.update(rec)
        q = {k: v for k, v in q.items() if v is not None}
        return c.req("POST", "/api/v1/compliance/records/upload?" + urllib.parse.urlencode(q), raw=data,
                     ctype="application/octet-stream")

    st, rec, _ = upload(o1, pdf, "../Báo cáo đánh giá <2025>.pdf")
    f = rec.get("file") if st == 201 else None
    t.ok(st == 201 and f and f["sha256"] == hashlib.sha256(pdf).hexdigest() and f["size"] == len(pdf) and
         f["type"] == "application/pdf", "an officer uploads a PDF with the record: its SHA-256, size, type", (st, rec))
    t.ok(f and "/" not in f["name"] and "<" not in f["name"] and f["name"].endswith(".pdf") and
         not f["name"].startswith("."), "... under a safe name", f)
    t.ok(st == 201 and rec["kind"] == "assessment" and rec["date"] == day and rec["system_id"] == s1["id"] and
         rec["assessor"] == "Công ty Kiểm định An toàn thông tin" and isinstance(rec.get("seq"), int),
         "... the record keeps its kind, date, system and assessor", rec)
    blob = os.path.join(srv.data_dir, "blobs", "sha256", f["sha256"][:2], f["sha256"]) if f else ""
    t.ok(f and os.path.exists(blob) and open(blob, "rb").read() == pdf, "the file is in the blob store")

    st, rec2, _ = upload(admin, docx, "ke-hoach.docx", kind="protection_plan", system_id=None)
    t.ok(st == 201 and rec2["file"]["type"] == "application/zip" and rec2["system_id"] is None,
         "a DOCX for the whole agency: typed by its bytes (zip)", rec2)
    st, rec3, _ = upload(o1, b"<html><script>alert(1)</script></html>", "anh.png")
    t.ok(st == 201 and rec3["file"]["type"] == "text/plain", "an HTML page named .png is told as text", rec3)
    st, rec4, _ = upload(o1, png, "trang-1.png")
    t.ok(st == 201 and rec4["file"]["type"] == "image/png", "a PNG is told as an image", rec4)

    # downloads
    st, body, h = o1.req("GET", "/api/v1/compliance/records/%d/file" % rec["seq"])
    t.ok(st == 200 and body == pdf and h.get("content-type") == "application/octet-stream" and
         h.get("content-disposition", "").startswith("attachment;") and
         h.get("x-content-type-options") == "nosniff", "the PDF downloads as an attachment with nosniff", (st, h))
    st, body, h = viewer.req("GET", "/api/v1/compliance/records/%d/file" % rec3["seq"])
    t.ok(st == 200 and body.startswith(b"<html>") and h.get("content-type") == "application/octet-stream",
         "the HTML goes out as octet-stream, never rendered", h)

    # lists
    st, lst, _ = viewer.req("GET", "/api/v1/compliance/records")
    seqs = {i["seq"]: i for i in lst.get("items", [])} if st == 200 else {}
    t.ok(st == 200 and {rec["seq"], rec2["seq"], rec3["seq"], rec4["seq"]} <= set(seqs) and
         seqs[rec["seq"]]["file"]["sha256"] == f["sha256"] and seqs[rec["seq"]]["assessor"] == rec["assessor"],
         "the province sees the records with their files", lst)
    st, lst, _ = o1.req("GET", "/api/v1/compliance/records?system_id=%d&kind=assessment" % s1["id"])
    t.ok(st == 200 and {i["seq"] for i in lst["items"]} == {rec["seq"], rec3["seq"], rec4["seq"]},
         "filters by system and kind", lst)
    st, lst, _ = o2.req("GET", "/api/v1/compliance/records")
    t.ok(st == 200 and not lst["items"], "an officer of another agency sees none of them", lst)

    # another agency's officer, a viewer
    st, body, _ = o2.req("GET", "/api/v1/compliance/records/%d/file" % rec["seq"])
    t.ok(st in (403, 404) and body != pdf, "an officer of another agency cannot download it", st)
    n_blobs = len(glob.glob(os.path.join(srv.data_dir, "blobs", "sha256", "*", "*")))
    st, body, _ = upload(o2, b"%PDF-1.4 la", "x.pdf")
    t.ok(st == 403, "an officer of another agency cannot add a record for agency one", (st, body))
    st, body, _ = upload(viewer, b"%PDF-1.4 la", "x.pdf")
    t.ok(st == 403, "a viewer cannot add a record", (st, body))
    t.ok(len(glob.glob(os.path.join(srv.data_dir, "blobs", "sha256", "*", "*"))) == n_blobs,
         "... and nothing of theirs is stored")

    # bad records, limits
    st, body, _ = upload(o1, pdf, "x.pdf", date="2026-02-30")
    t.ok(st == 400 and body.get("details", {}).get("field") == "date", "a bad date is refused", body)
    st, body, _ = upload(o1, pdf, "x.pdf", kind="Bad Kind")
    t.ok(st == 400 and body.get("details", {}).get("field") == "kind", "a bad kind is refused", body)
    st, body, _ = upload(o1, b"", "x.pdf")
    t.ok(st == 400 and body.get("details", {}).get("field") == "body", "an empty file is refused", body)
    big = b"%PDF-1.4\n" + os.urandom(10 * 1024 * 1024)
    st, body, _ = upload(o1, big, "big.pdf")
    t.ok(st == 413, "a file over 10 MiB is refused (413)", (st, body))
    # the same without a length (chunked): the limit holds as the bytes arrive
    conn = http.client.HTTPConnection(srv.host, srv.port, timeout=120)
    q = urllib.parse.urlencode({"kind": "assessment", "date": day, "agency_id": a1["id"], "name": "chunked.pdf"})
    try:
        conn.request("POST", "/api/v1/compliance/records/upload?" + q, body=iter([big[i:i + 65536] for i in
                                                                                 range(0, len(big), 65536)]),
                     headers={"Cookie": "cg_session=" + o1.cookie, "X-CSRF-Token": o1.csrf,
                              "Content-Type": "application/octet-stream"}, encode_chunked=True)
    except (BrokenPipeError, ConnectionResetError):
        pass
    st = conn.getresponse().status
    conn.close()
    t.ok(st == 413, "a chunked file over 10 MiB is refused as it arrives (413)", st)
    st, lst, _ = admin.req("GET", "/api/v1/compliance/records")
    leftovers = [p for p in glob.glob(os.path.join(srv.data_dir, "blobs", "tmp", "*"))]
    t.ok(len(lst["items"]) == 4 and not leftovers and
         not os.path.exists(os.path.join(srv.data_dir, "blobs", "sha256", hashlib.sha256(big).hexdigest()[:2],
                                         hashlib.sha256(big).hexdigest())),
         "... leaving no record and no partial file", (len(lst["items"]), leftovers))
    just = os.urandom(10 * 1024 * 1024 - 16)
    st, body, _ = upload(o1, just, "gan-gioi-han.bin", kind="assessment")
    t.ok(st == 201 and body["file"]["size"] == len(just) and body["file"]["type"] == "application/octet-stream",
         "a file just under the limit is stored whole", (st, body.get("file") if isinstance(body, dict) else body))
    st, got, _ = o1.req("GET", "/api/v1/compliance/records/%d/file" % body["seq"]) if st == 201 else (0, b"", {})
    t.ok(got == just, "... and comes back byte for byte")

    # a forged record: an ingest event naming the PDF's hash
    _, tok, _ = admin.req("POST", "/api/v1/tokens", {"name": "ing", "scope": "ingest"})
    ing = srv.client(token=tok["token"])
    st, _, _ = ing.req("POST", "/api/v1/events", [{
        "id": "forged-1", "time": "2026-11-21T04:00:00Z", "source": "record", "kind": "assessment",
        "severity": "info", "summary": "x", "host": "10.2.0.9",
        "evidence": {"date": "2026-11-21", "file": {"name": "x.pdf", "type": "application/pdf", "size": len(pdf),
                                                    "sha256": f["sha256"]}}}])
    st2, lst, _ = o2.req("GET", "/api/v1/compliance/records")
    forged = lst["items"][0] if st2 == 200 and lst["items"] else {}
    t.ok(st in (200, 202) and forged.get("file", 1) is None, "an ingested record naming a stored hash lists no file",
         (st, lst))
    st, body, _ = o2.req("GET", "/api/v1/compliance/records/%d/file" % forged.get("seq", 999999))
    t.ok(st == 404 and body != pdf, "... and serves nothing", st)

    # the record is evidence: the assessment control of the system reads it
    st, cmp, _ = o1.req("GET", "/api/v1/compliance")
    res = [x for x in cmp.get("results", []) if x["subject_type"] == "system" and x["subject_id"] == s1["id"] and
           "assessment" in x["evidence_en"]] if st == 200 else []
    t.ok(res and all(x["status"] in ("ok", "due_soon") and today.isoformat() in x["evidence_en"] or
                     day in x["evidence_en"] for x in res),
         "the assessment control of the system is met by the uploaded record", res)
finally:
    srv.cleanup()
    shutil.rmtree(tmp, ignore_errors=True)
t.done()
