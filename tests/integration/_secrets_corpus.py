#!/usr/bin/env python3
"""Builds the secrets-scan test corpus in a directory (python3 stdlib only).

OOXML and ODF packages are written here with zipfile; legacy OLE2 files
that must be encrypted (a password-protected .docx is an OLE2 file with an
EncryptedPackage stream; an encrypted .doc has the FIB flag; an encrypted
.xls a FILEPASS record) come from a tiny compound-file writer below; PDF,
.doc and .xls come from LibreOffice headless (soffice), one invocation per
target format, with a private profile so parallel runs never collide.

build(dir) returns {relative path: expected} where expected is a level
("MẬT", "TỐI MẬT", "TUYỆT MẬT"), None (clean) or "uninspectable";
optional extra expectations live in EXPECT_LOC.

Run directly: _secrets_corpus.py DIR  (used by bench/secrets.sh too).
"""
import base64
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import unicodedata
import zipfile

NEGATIVES = [
    "Không chia sẻ mật khẩu cho người khác.",
    "Công tác bảo mật thông tin",
    "Thuật toán mật mã",
    "mật độ dân số",
    "mật ong",
    "MẬT ONG BẠC HÀ",
    "Luật quy định ba mức: Tuyệt mật, Tối mật và Mật.",
    "Bảo vệ bí mật nhà nước",
    "mặt trời",
]

EXPECT_LOC = {}

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
R = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'


def esc(t):
    return t.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def wp(text, runs=None):
    runs = runs or [text]
    rs = "".join('<w:r><w:t xml:space="preserve">%s</w:t></w:r>' % esc(r) for r in runs)
    return "<w:p>%s</w:p>" % rs


def docx(path, body_paras, header=None, textbox=None):
    ct = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
          '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
          '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
          '<Default Extension="xml" ContentType="application/xml"/>'
          '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
          '<Override PartName="/word/header1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/>'
          '</Types>')
    rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
            '</Relationships>')
    drels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
             '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
             '<Relationship Id="rIdH1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" Target="header1.xml"/>'
             '</Relationships>')
    body = "".join(body_paras)
    if textbox:
        body += ('<w:p><w:r><w:pict><v:shape xmlns:v="urn:schemas-microsoft-com:vml">'
                 '<v:textbox><w:txbxContent>%s</w:txbxContent></v:textbox></v:shape>'
                 '</w:pict></w:r></w:p>' % wp(textbox))
    sect = ('<w:sectPr><w:headerReference w:type="default" r:id="rIdH1"/></w:sectPr>'
            if header else '<w:sectPr/>')
    doc = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
           '<w:document %s %s><w:body>%s%s</w:body></w:document>' % (W, R, body, sect))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", ct)
        z.writestr("_rels/.rels", rels)
        z.writestr("word/document.xml", doc)
        if header:
            z.writestr("word/_rels/document.xml.rels", drels)
            z.writestr("word/header1.xml",
                       '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                       '<w:hdr %s %s>%s</w:hdr>' % (W, R, wp(header)))


def xlsx(path, strings, inline=None, header=None):
    ct = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
          '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
          '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
          '<Default Extension="xml" ContentType="application/xml"/>'
          '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
          '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
          '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
          '</Types>')
    rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
            '</Relationships>')
    wb = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
          '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" %s>'
          '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>' % R)
    wbrels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
              '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
              '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
              '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
              '</Relationships>')
    sst = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
           '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d" uniqueCount="%d">%s</sst>'
           % (len(strings), len(strings), "".join("<si><t>%s</t></si>" % esc(s) for s in strings)))
    rows = "".join('<row r="%d"><c r="A%d" t="s"><v>%d</v></c></row>' % (i + 1, i + 1, i)
                   for i in range(len(strings)))
    if inline:
        n = len(strings) + 1
        rows += '<row r="%d"><c r="B%d" t="inlineStr"><is><t>%s</t></is></c></row>' % (n, n, esc(inline))
    hf = ""
    if header:
        hf = '<headerFooter><oddHeader>&amp;C&amp;"Times New Roman,Bold"%s</oddHeader></headerFooter>' % esc(header)
    sheet = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
             '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             '<sheetData>%s</sheetData>%s</worksheet>' % (rows, hf))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", ct)
        z.writestr("_rels/.rels", rels)
        z.writestr("xl/workbook.xml", wb)
        z.writestr("xl/_rels/workbook.xml.rels", wbrels)
        z.writestr("xl/sharedStrings.xml", sst)
        z.writestr("xl/worksheets/sheet1.xml", sheet)


def pptx(path, slides):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml",
                   '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
        for i, texts in enumerate(slides, 1):
            ps = "".join('<a:p><a:r><a:t>%s</a:t></a:r></a:p>' % esc(t) for t in texts)
            z.writestr("ppt/slides/slide%d.xml" % i,
                       '<?xml version="1.0"?><p:sld xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main" '
                       'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><p:cSld><p:spTree>'
                       '<p:sp><p:txBody>%s</p:txBody></p:sp></p:spTree></p:cSld></p:sld>' % ps)


def odf(path, kind, paras, header=None, cells=None):
    mt = {"odt": "text", "ods": "spreadsheet", "odp": "presentation"}[kind]
    ns = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
          'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
          'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
          'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"')
    body = "".join("<text:p>%s</text:p>" % esc(p) for p in paras)
    if cells:
        body += "<table:table>%s</table:table>" % "".join(
            '<table:table-row><table:table-cell><text:p>%s</text:p></table:table-cell></table:table-row>' % esc(c)
            for c in cells)
    content = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content %s>'
               '<office:body><office:%s>%s</office:%s></office:body></office:document-content>'
               % (ns, mt, body, mt))
    hdr = ""
    if header:
        hdr = ('<office:master-styles><style:master-page style:name="Standard">'
               '<style:header><text:p>%s</text:p></style:header></style:master-page>'
               '</office:master-styles>' % esc(header))
    styles = ('<?xml version="1.0" encoding="UTF-8"?><office:document-styles %s>%s'
              '</office:document-styles>' % (ns, hdr))
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument." + mt)
        z.writestr("META-INF/manifest.xml", '<?xml version="1.0"?><manifest/>', zipfile.ZIP_DEFLATED)
        z.writestr("styles.xml", styles, zipfile.ZIP_DEFLATED)
        z.writestr("content.xml", content, zipfile.ZIP_DEFLATED)


def odp_frames(path, pages):
    """An ODF presentation as Impress writes it: pages of frames with text boxes."""
    ns = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
          'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
          'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"')
    body = "".join('<draw:page draw:name="p%d"><draw:frame svg:x="2cm" svg:y="2cm"><draw:text-box>%s'
                   '</draw:text-box></draw:frame></draw:page>'
                   % (i, "".join("<text:p>%s</text:p>" % esc(t) for t in texts)) for i, texts in enumerate(pages))
    content = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content %s><office:body>'
               '<office:presentation>%s</office:presentation></office:body></office:document-content>' % (ns, body))
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.presentation")
        z.writestr("content.xml", content, zipfile.ZIP_DEFLATED)


def ppt_stream(paras):
    """A PowerPoint Document stream: a container holding TextCharsAtoms."""
    atoms = b"".join(struct.pack("<HHI", 0, 0x0FA0, len(t.encode("utf-16-le"))) + t.encode("utf-16-le")
                     for t in paras)
    return struct.pack("<HHI", 0x000F, 0x03E8, len(atoms)) + atoms


def cfb(path, streams):
    """A minimal OLE2 compound file: 512-byte sectors, no mini stream
    (every stream padded to >= 4096 bytes), one FAT sector. An entry is
    (name, bytes) for a stream or (name, [entries]) for a storage."""
    sec = 512
    flat = []  # [name, type, data, child_ids]

    def add(entries):
        ids = []
        for name, data in entries:
            i = len(flat) + 1
            ids.append(i)
            if isinstance(data, list):
                flat.append([name, 1, b"", None])
                flat[i - 1][3] = add(data)
            else:
                if len(data) < 4096:
                    data = data + b"\0" * (4096 - len(data))
                flat.append([name, 2, data, []])
        return ids
    top = add(streams)
    nent = len(flat) + 1
    ndir = (nent * 128 + sec - 1) // sec
    fat = [0xFFFFFFFD]  # sector 0 is the FAT
    dir_start = 1
    for i in range(ndir):
        fat.append(dir_start + i + 1 if i + 1 < ndir else 0xFFFFFFFE)
    starts = {}
    nxt = 1 + ndir
    for idx, (name, typ, data, _) in enumerate(flat, 1):
        if typ != 2:
            continue
        n = (len(data) + sec - 1) // sec
        starts[idx] = nxt
        for i in range(n):
            fat.append(nxt + i + 1 if i + 1 < n else 0xFFFFFFFE)
        nxt += n
    assert len(fat) <= 128
    fat += [0xFFFFFFFF] * (128 - len(fat))
    hdr = bytearray(512)
    hdr[0:8] = bytes.fromhex("D0CF11E0A1B11AE1")
    struct.pack_into("<HHHHH", hdr, 24, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<I", hdr, 44, 1)           # FAT sectors
    struct.pack_into("<I", hdr, 48, dir_start)   # first directory sector
    struct.pack_into("<I", hdr, 56, 4096)        # mini stream cutoff
    struct.pack_into("<I", hdr, 60, 0xFFFFFFFE)  # no mini FAT
    struct.pack_into("<I", hdr, 68, 0xFFFFFFFE)  # no DIFAT sectors
    struct.pack_into("<I", hdr, 76, 0)           # DIFAT[0] = sector 0
    for i in range(1, 109):
        struct.pack_into("<I", hdr, 76 + 4 * i, 0xFFFFFFFF)

    def entry(name, typ, child, right, start, size):
        e = bytearray(128)
        n = name.encode("utf-16-le") + b"\0\0"
        e[0:len(n)] = n
        struct.pack_into("<HBB", e, 64, len(n), typ, 1)
        struct.pack_into("<III", e, 68, 0xFFFFFFFF, right, child)
        struct.pack_into("<II", e, 116, start, size)
        return e
    right = {}

    def chain(ids):
        for a, b in zip(ids, ids[1:]):
            right[a] = b
        return ids[0] if ids else 0xFFFFFFFF
    root_child = chain(top)
    child = {}
    for idx, (_, typ, _, kids) in enumerate(flat, 1):
        if typ == 1:
            child[idx] = chain(kids)
    ents = [entry("Root Entry", 5, root_child, 0xFFFFFFFF, 0xFFFFFFFE, 0)]
    for idx, (name, typ, data, _) in enumerate(flat, 1):
        ents.append(entry(name, typ, child.get(idx, 0xFFFFFFFF), right.get(idx, 0xFFFFFFFF),
                          starts.get(idx, 0), len(data) if typ == 2 else 0))
    d = b"".join(ents)
    d += b"\0" * (ndir * sec - len(d))
    out = bytes(hdr) + struct.pack("<128I", *fat) + d
    for name, typ, data, _ in flat:
        if typ == 2:
            out += data + b"\0" * (-len(data) % sec)
    with open(path, "wb") as f:
        f.write(out)


def msg(path, subject, body, attachments=()):
    """An Outlook .msg: property streams and attachment storages."""
    u = lambda t: t.encode("utf-16-le")
    entries = [("__properties_version1.0", b"\0" * 32),
               ("__substg1.0_0037001F", u(subject)),
               ("__substg1.0_1000001F", u(body))]
    for i, (name, data) in enumerate(attachments):
        entries.append(("__attach_version1.0_#%08X" % i,
                        [("__properties_version1.0", b"\0" * 16),
                         ("__substg1.0_3707001F", u(name)),
                         ("__substg1.0_37010102", data)]))
    cfb(path, entries)

def pdf_annot(path, page_text, annot_text):
    """A hand-written PDF: one page of text and a FreeText annotation
    (an electronic stamp) carrying annot_text in its /Contents."""
    def pdfstr(t):
        return "<FEFF%s>" % t.encode("utf-16-be").hex().upper()
    content = "BT /F1 12 Tf 72 720 Td (%s) Tj ET" % page_text
    objs = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> >> /Annots [6 0 R] >>",
        "<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        "<< /Type /Annot /Subtype /FreeText /Rect [400 700 550 760] /Contents %s /DA (/Helv 14 Tf 1 0 0 rg) >>"
        % pdfstr(annot_text),
    ]
    out = b"%PDF-1.4\n"
    offs = []
    for i, o in enumerate(objs, 1):
        offs.append(len(out))
        out += ("%d 0 obj\n%s\nendobj\n" % (i, o)).encode()
    xref = len(out)
    out += ("xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)).encode()
    for o in offs:
        out += ("%010d 00000 n \n" % o).encode()
    out += ("trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)).encode()
    with open(path, "wb") as f:
        f.write(out)


def mail(path, subject, body, attachments=(), qp=False):
    b = "=_cg_boundary_42"
    lines = ["From: a@example.invalid", "To: b@example.invalid",
             "Subject: =?UTF-8?B?%s?=" % base64.b64encode(subject.encode()).decode(),
             "MIME-Version: 1.0",
             'Content-Type: multipart/mixed; boundary="%s"' % b, "", "--" + b]
    if qp:
        enc = "".join("=%02X" % c if c > 127 or c == 61 else chr(c) for c in body.encode())
        lines += ["Content-Type: text/plain; charset=utf-8",
                  "Content-Transfer-Encoding: quoted-printable", "", enc]
    else:
        lines += ["Content-Type: text/plain; charset=utf-8", "", body]
    for name, data in attachments:
        lines += ["--" + b, "Content-Type: application/octet-stream",
                  'Content-Disposition: attachment; filename="%s"' % name,
                  "Content-Transfer-Encoding: base64", ""]
        enc = base64.b64encode(data).decode()
        lines += [enc[i:i + 76] for i in range(0, len(enc), 76)]
    lines += ["--" + b + "--", ""]
    with open(path, "w", newline="") as f:
        f.write("\r\n".join(lines))


def soffice(outdir, fmt, files, profile):
    os.makedirs(outdir, exist_ok=True)
    r = subprocess.run(["soffice", "--headless", "--norestore",
                        "-env:UserInstallation=file://" + profile,
                        "--convert-to", fmt, "--outdir", outdir] + files,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=150)
    return r.returncode == 0


def word_fib_encrypted():
    fib = bytearray(1024)
    struct.pack_into("<HH", fib, 0, 0xA5EC, 0xC1)
    struct.pack_into("<H", fib, 0x0A, 0x0100 | 0x0200)
    return bytes(fib)


def xls_filepass():
    bof = struct.pack("<HH", 0x0809, 16) + struct.pack("<HHHHII", 0x0600, 5, 0, 0, 0, 0)
    fp = struct.pack("<HH", 0x002F, 6) + b"\1\0\1\0\1\0"
    eof = struct.pack("<HH", 0x000A, 0)
    return bof + fp + eof


def build(d, with_soffice=True):
    exp = {}
    os.makedirs(d, exist_ok=True)
    src = os.path.join(d, "_src")
    os.makedirs(src, exist_ok=True)
    neg = [wp(t) for t in NEGATIVES]

    def put(name, data, e, loc=None):
        p = os.path.join(d, name)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "wb") as f:
            f.write(data if isinstance(data, bytes) else data.encode())
        exp[name] = e
        if loc:
            EXPECT_LOC[name] = loc

    # ---- plain text in every encoding
    put("text/nfc.txt", "Số: 12/QĐ-UBND\nMẬT\nVề việc...\n", "MẬT", "body")
    put("text/nfd.txt", unicodedata.normalize("NFD", "Kính gửi\nTỐI MẬT\n"), "TỐI MẬT")
    put("text/spaces.txt", "T UYỆT  M ẬT\n", "TUYỆT MẬT")
    put("text/field.txt", "Số: 5\nĐộ mật: Mật\n", "MẬT")
    put("text/quoted.txt", "  «(“TỐI MẬT”)»  \n", "TỐI MẬT")
    put("text/lower.txt", "tuyệt mật\n", "TUYỆT MẬT")
    put("text/utf16le.txt", "\ufeffVăn bản\r\nTUYỆT MẬT\r\n".encode("utf-16-le"), "TUYỆT MẬT")
    put("text/utf16be.txt", "\ufeffMẬT\n".encode("utf-16-be"), "MẬT")
    put("text/tcvn3.txt", b"C\xa7ng v\xaen s\xe8 12\nm\xcbt\nh\xe6i ngh\xd6\n", "MẬT")
    put("text/tcvn3_toimat.txt", b"UBND t\xbanh\nt\xe8i m\xcbt\n", "TỐI MẬT")
    put("text/vni.txt", "Coâng vaên soá 12\nTOÁI MAÄT\nnoäi dung hoäi nghò\n".encode("latin-1"), "TỐI MẬT")
    put("text/vni_neg.txt", "Khoâng chia seû maät khaåu\nbaûo maät\n".encode("latin-1"), None)
    put("text/tcvn3_neg.txt", b"b\xb6o m\xcbt\nm\xcbt kh\xc8u\n", None)
    for i, t in enumerate(NEGATIVES):
        put("text/neg%d.txt" % i, "Văn bản hướng dẫn\n%s\n" % t, None)
    put("text/neg_nfd.txt", unicodedata.normalize("NFD", "mật khẩu\nMẬT ONG BẠC HÀ\n"), None)
    put("web/page.html", '<!DOCTYPE html><html><body><p align="center"><b>TỐI</b> <b>MẬT</b></p><p>Nội dung</p></body></html>', "TỐI MẬT")
    put("web/neg.html", '<html><body><p>Đổi mật khẩu</p><script>var s="MẬT";</script><td>mật ong</td></body></html>', None)

    # ---- OOXML / ODF built here
    docx(os.path.join(src, "hdr.docx"), neg[:3], header="MẬT")
    docx(os.path.join(src, "runs.docx"), [wp("", ["TỐI ", "M", "ẬT"])] + neg)
    docx(os.path.join(src, "neg.docx"), neg)
    docx(os.path.join(src, "tbox.docx"), neg[:2], textbox="TUYỆT MẬT")
    docx(os.path.join(src, "tcvn3.docx"), [wp("m\u00cbt")] + neg[:2])
    xlsx(os.path.join(src, "cell.xlsx"), ["Họ tên", "Đơn vị", "TUYỆT MẬT", "mật khẩu"])
    xlsx(os.path.join(src, "neg.xlsx"), ["Họ tên", "mật khẩu", "MẬT ONG BẠC HÀ"])
    xlsx(os.path.join(src, "inline.xlsx"), ["Họ tên"], inline="MẬT")
    xlsx(os.path.join(src, "hf.xlsx"), ["Họ tên"], header="TỐI MẬT")
    # enough strings that the .xls shared-string table spills into
    # CONTINUE records, with the stamp after the spill
    many = ["Cán bộ số %d phụ trách mật khẩu" % i if i % 2 else "Officer number %d" % i
            for i in range(1500)]
    xlsx(os.path.join(src, "bigsst.xlsx"), many + ["TUYỆT MẬT"])
    pptx(os.path.join(src, "slide.pptx"), [["Báo cáo", "MẬT"], ["mật khẩu"]])
    pptx(os.path.join(src, "neg.pptx"), [["Báo cáo", "bảo mật"], ["mật mã"]])
    odf(os.path.join(src, "hdr.odt"), "odt", NEGATIVES[:3], header="TỐI MẬT")
    odf(os.path.join(src, "neg.odt"), "odt", NEGATIVES)
    odf(os.path.join(src, "cell.ods"), "ods", [], cells=["Số liệu", "MẬT"])
    odf(os.path.join(src, "slide.odp"), "odp", ["Trình bày", "TUYỆT MẬT"])
    odp_frames(os.path.join(src, "frames.odp"), [["Báo cáo", "mật khẩu"], ["TỐI MẬT"]])
    office = {"frames.odp": ("TỐI MẬT", "text_box"), "hdr.docx": ("MẬT", "header"), "runs.docx": ("TỐI MẬT", "body"),
              "neg.docx": (None, None), "tbox.docx": ("TUYỆT MẬT", "text_box"),
              "tcvn3.docx": ("MẬT", "body"),
              "cell.xlsx": ("TUYỆT MẬT", "cell"), "neg.xlsx": (None, None),
              "inline.xlsx": ("MẬT", "cell"), "hf.xlsx": ("TỐI MẬT", "header"),
              "slide.pptx": ("MẬT", "first_page"), "neg.pptx": (None, None),
              "hdr.odt": ("TỐI MẬT", "header"), "neg.odt": (None, None),
              "cell.ods": ("MẬT", "cell"), "slide.odp": ("TUYỆT MẬT", "body")}
    for name, (lvl, loc) in office.items():
        with open(os.path.join(src, name), "rb") as f:
            put("office/" + name, f.read(), lvl, loc)

    # ---- PDF written by hand: an electronic stamp as an annotation
    os.makedirs(os.path.join(d, "pdf"), exist_ok=True)
    pdf_annot(os.path.join(d, "pdf/annot.pdf"), "Bao cao tong hop", "TỐI MẬT")
    exp["pdf/annot.pdf"] = "TỐI MẬT"
    EXPECT_LOC["pdf/annot.pdf"] = "first_page"
    pdf_annot(os.path.join(d, "pdf/annot_neg.pdf"), "Bao cao", "Ghi chú: đổi mật khẩu")
    exp["pdf/annot_neg.pdf"] = None

    # ---- RTF (own parser), e-mail
    put("rtf/hdr.rtf", r"{\rtf1\ansi\ansicpg1252\deff0{\fonttbl{\f0 Times;}}{\header \pard\qc M\u7852?T\par}\pard Noi dung \u273?i\par}", "MẬT", "header")
    put("rtf/body.rtf", r"{\rtf1\ansi{\fonttbl{\f0 Arial;}}\pard T\u7888?I M\u7852?T\par\pard b\'e1o c\'e1o\par}", "TỐI MẬT", "body")
    put("rtf/tcvn3.rtf", r"{\rtf1\ansi{\fonttbl{\f0 .VnTimeH;}}\pard\f0 m\'cbt\par}", "MẬT")
    put("rtf/neg.rtf", r"{\rtf1\ansi{\fonttbl{\f0 MẬT;}}{\*\generator MẬT}\pard m\u7853?t kh\u7849?u\par{\pict MẬT}}", None)
    docx_bytes = open(os.path.join(src, "hdr.docx"), "rb").read()
    mail(os.path.join(d, "mail_att.eml"), "Gửi tài liệu", "Xem tệp đính kèm.\n", [("baocao.docx", docx_bytes)])
    exp["mail_att.eml!baocao.docx"] = "MẬT"
    exp["mail_att.eml"] = None
    mail(os.path.join(d, "mail_qp.eml"), "Công văn", "Kính gửi\nTUYỆT MẬT\n", qp=True)
    exp["mail_qp.eml"] = "TUYỆT MẬT"
    mail(os.path.join(d, "mail_subject.eml"), "MẬT", "nội dung\n")
    exp["mail_subject.eml"] = "MẬT"
    EXPECT_LOC["mail_subject.eml"] = "subject"
    mail(os.path.join(d, "mail_neg.eml"), "Đổi mật khẩu", "bảo mật\nmật ong\n",
         [("neg.docx", open(os.path.join(src, "neg.docx"), "rb").read())])
    exp["mail_neg.eml"] = None

    # ---- OLE2 encrypted, built with the writer above
    cfb(os.path.join(src, "enc.docx"),
        [("EncryptionInfo", b"\4\0\4\0" + b"\0" * 100), ("EncryptedPackage", os.urandom(5000))])
    cfb(os.path.join(src, "enc.doc"), [("WordDocument", word_fib_encrypted()), ("1Table", b"\0" * 64)])
    cfb(os.path.join(src, "enc.xls"), [("Workbook", xls_filepass())])
    cfb(os.path.join(src, "slides.ppt"), [("PowerPoint Document", ppt_stream(["Báo cáo\rmật khẩu", "TUYỆT MẬT"]))])
    cfb(os.path.join(src, "neg.ppt"), [("PowerPoint Document", ppt_stream(["Báo cáo\rbảo mật"]))])
    put("ole/slides.ppt", open(os.path.join(src, "slides.ppt"), "rb").read(), "TUYỆT MẬT", "slide")
    put("ole/neg.ppt", open(os.path.join(src, "neg.ppt"), "rb").read(), None)
    msg(os.path.join(src, "mail.msg"), "Báo cáo", "Kính gửi\r\nmật khẩu", [("hdr.docx", open(os.path.join(src, "hdr.docx"), "rb").read())])
    msg(os.path.join(src, "subject.msg"), "TỐI MẬT", "nội dung")
    put("ole/mail.msg", open(os.path.join(src, "mail.msg"), "rb").read(), None)
    exp["ole/mail.msg!hdr.docx"] = "MẬT"
    put("ole/subject.msg", open(os.path.join(src, "subject.msg"), "rb").read(), "TỐI MẬT", "subject")
    for n in ("enc.docx", "enc.doc", "enc.xls"):
        put("ole/" + n, open(os.path.join(src, n), "rb").read(), "uninspectable")

    # ---- archives
    with zipfile.ZipFile(os.path.join(src, "inner.zip"), "w") as z:
        z.writestr("docs/hdr.docx", docx_bytes)
    os.makedirs(os.path.join(d, "arch"), exist_ok=True)
    with zipfile.ZipFile(os.path.join(d, "arch/nested.zip"), "w") as z:
        z.write(os.path.join(src, "inner.zip"), "inner.zip")
        z.writestr("readme.txt", "mật khẩu wifi\n")
    exp["arch/nested.zip!inner.zip!docs/hdr.docx"] = "MẬT"
    exp["arch/nested.zip"] = None
    tgz_dir = os.path.join(src, "tgz")
    os.makedirs(tgz_dir, exist_ok=True)
    with open(os.path.join(tgz_dir, "cv.txt"), "w") as f:
        f.write("Số 1\nTỐI MẬT\n")
    subprocess.run(["tar", "-czf", os.path.join(d, "arch/docs.tar.gz"), "-C", tgz_dir, "cv.txt"], check=True)
    exp["arch/docs.tar.gz!cv.txt"] = "TỐI MẬT"
    exp["arch/docs.tar.gz"] = None
    # encrypted zip (zip -P): uninspectable, never clean
    encsrc = os.path.join(src, "secret.txt")
    with open(encsrc, "w") as f:
        f.write("TUYỆT MẬT\n")
    subprocess.run(["zip", "-q", "-j", "-P", "matkhau", os.path.join(d, "arch/encrypted.zip"), encsrc], check=True)
    exp["arch/encrypted.zip"] = "uninspectable"
    # 7z
    subprocess.run(["7z", "a", "-bso0", "-bsp0", os.path.join(d, "arch/docs.7z"), encsrc], check=True,
                   stdout=subprocess.DEVNULL)
    exp["arch/docs.7z!secret.txt"] = "TUYỆT MẬT"
    exp["arch/docs.7z"] = None
    # password-protected OpenDocument: readable zip, encrypted parts
    with zipfile.ZipFile(os.path.join(d, "ole/enc.odt"), "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        z.writestr("META-INF/manifest.xml",
                   '<?xml version="1.0"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
                   '<manifest:file-entry manifest:full-path="content.xml"><manifest:encryption-data manifest:checksum-type="SHA1/1K"/>'
                   '</manifest:file-entry></manifest:manifest>')
        z.writestr("content.xml", os.urandom(3000))
    exp["ole/enc.odt"] = "uninspectable"
    # Word 2003 XML and a generic XML file: tags stripped, paragraphs kept
    put("text/word2003.xml", '<?xml version="1.0"?><w:wordDocument %s><w:body><w:p><w:r><w:t>TỐI</w:t></w:r>'
        '<w:r><w:t> MẬT</w:t></w:r></w:p><w:p><w:r><w:t>mật khẩu</w:t></w:r></w:p></w:body></w:wordDocument>' % W,
        "TỐI MẬT")
    # truncated zip
    docx(os.path.join(src, "long.docx"), neg * 200 + [wp("MẬT")])
    data = open(os.path.join(src, "long.docx"), "rb").read()
    put("bad/truncated.docx", data[: len(data) // 2], "uninspectable")
    # zip bomb: 400 MB of zeros in one member (ratio ~1000)
    with zipfile.ZipFile(os.path.join(d, "bad/bomb.zip"), "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        with z.open("zeros.txt", "w") as m:
            chunk = b"\0" * (1 << 20)
            for _ in range(400):
                m.write(chunk)
    exp["bad/bomb.zip"] = "uninspectable"
    # PDF that is not one
    put("bad/garbage.pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog >> garbage\n" + os.urandom(2000), "uninspectable")
    # 2 GB sparse files: a "PDF" over the size limit, and zeros
    with open(os.path.join(d, "bad/huge.pdf"), "wb") as f:
        f.write(b"%PDF-1.4\n")
    os.truncate(os.path.join(d, "bad/huge.pdf"), 2 * 1024 ** 3)
    exp["bad/huge.pdf"] = "uninspectable"
    with open(os.path.join(d, "bad/huge.bin"), "wb") as f:
        pass
    os.truncate(os.path.join(d, "bad/huge.bin"), 2 * 1024 ** 3)
    exp["bad/huge.bin"] = None
    # 2 GB of text (mostly sparse) with the stamp on its last line: streamed
    with open(os.path.join(d, "bad/huge.txt"), "wb") as f:
        f.write("Nhật ký hệ thống\n".encode() * 1000)
        f.seek(2 * 1024 ** 3 - 64)
        f.write("\nTỐI MẬT\n".encode())
    exp["bad/huge.txt"] = "TỐI MẬT"

    if with_soffice:
        prof = tempfile.mkdtemp(prefix="cg-lo-")
        try:
            lo = os.path.join(src, "lo")
            ok = soffice(lo, "pdf", [os.path.join(src, n) for n in ("hdr.docx", "neg.docx", "runs.docx",
                                                                    "tcvn3.docx")], prof)
            ok = soffice(lo, "doc", [os.path.join(src, n) for n in ("hdr.docx", "neg.docx", "runs.docx",
                                                                    "tbox.docx", "tcvn3.docx")], prof) and ok
            ok = soffice(lo, "xls", [os.path.join(src, n) for n in ("cell.xlsx", "neg.xlsx", "hf.xlsx", "bigsst.xlsx")], prof) and ok
            ok = soffice(lo, "rtf", [os.path.join(src, n) for n in ("hdr.docx", "neg.docx")], prof) and ok
            ok = soffice(lo, "odt", [os.path.join(src, n) for n in ("hdr.docx", "neg.docx")], prof) and ok
            pw = os.path.join(src, "pw")
            os.makedirs(pw)
            shutil.copy(os.path.join(src, "hdr.docx"), os.path.join(pw, "enc.docx"))
            ok = soffice(lo, 'pdf:writer_pdf_Export:{"EncryptFile":{"type":"boolean","value":"true"},'
                         '"DocumentOpenPassword":{"type":"string","value":"matkhau"}}',
                         [os.path.join(pw, "enc.docx")], prof) and ok
        finally:
            shutil.rmtree(prof, ignore_errors=True)
        conv = {"hdr.pdf": "MẬT", "neg.pdf": None, "runs.pdf": "TỐI MẬT",
                "hdr.doc": "MẬT", "neg.doc": None, "runs.doc": "TỐI MẬT",
                "cell.xls": "TUYỆT MẬT", "neg.xls": None, "hf.xls": "TỐI MẬT",
                "enc.pdf": "uninspectable", "bigsst.xls": "TUYỆT MẬT",
                "hdr.rtf": "MẬT", "neg.rtf": None, "hdr.odt": "MẬT", "neg.odt": None, "tbox.doc": "TUYỆT MẬT", "tcvn3.doc": "MẬT", "tcvn3.pdf": "MẬT"}
        for n, lvl in conv.items():
            p = os.path.join(lo, n)
            if os.path.exists(p):
                put("lo/" + n, open(p, "rb").read(), lvl)
        EXPECT_LOC["lo/hdr.pdf"] = "first_page"
        EXPECT_LOC["lo/hdr.doc"] = "header"
        EXPECT_LOC["lo/tbox.doc"] = "text_box"
        EXPECT_LOC["lo/hdr.rtf"] = "header"
        EXPECT_LOC["lo/hdr.odt"] = "header"
        EXPECT_LOC["lo/hf.xls"] = "header"
        EXPECT_LOC["lo/cell.xls"] = "cell"
        if os.path.exists(os.path.join(lo, "hdr.pdf")):
            with zipfile.ZipFile(os.path.join(d, "arch/pdfs.zip"), "w", zipfile.ZIP_DEFLATED) as z:
                z.write(os.path.join(lo, "hdr.pdf"), "2024/cv-mat.pdf")
                z.write(os.path.join(lo, "neg.pdf"), "2024/cv.pdf")
            exp["arch/pdfs.zip!2024/cv-mat.pdf"] = "MẬT"
            exp["arch/pdfs.zip"] = None
            pdf = open(os.path.join(lo, "hdr.pdf"), "rb").read()
            i = pdf.rfind(b"startxref")
            broken = pdf[:i] + b"startxref\n999999\n%%EOF\n"
            xi = broken.find(b"\nxref")
            if xi > 0:
                broken = broken[:xi] + b"\nXREF" + broken[xi + 5:]
            put("bad/brokenxref.pdf", broken, "MẬT|uninspectable")
    shutil.rmtree(src, ignore_errors=True)
    return exp


if __name__ == "__main__":
    e = build(sys.argv[1], with_soffice="--no-soffice" not in sys.argv)
    for k in sorted(e):
        print(k, e[k])
