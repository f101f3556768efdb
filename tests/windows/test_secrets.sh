#!/usr/bin/env bash
# canhgac.exe scan secrets under Wine (docs/windows.md): the state-secret
# scanner on Windows finds the markings in a .docx (through the
# cross-built libarchive), in a zip holding a .docx, in UTF-8 text and in
# a Vietnamese-named file; leaves an unmarked .docx alone; and reports a
# legacy .doc (OLE2, not read by the Windows build yet) as uninspectable,
# never silently. TAP.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
EXE=$ROOT/build-win/canhgac.exe
WINE=$ROOT/scripts/win-wine.sh
n=0 bad=0
ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; bad=1; fi; }
T=$(mktemp -d "${TMPDIR:-/tmp}/cg-winsec.XXXXXX")
trap 'rm -rf "$T"' EXIT
mkdir -p "$T/docs/Phòng Tham mưu"
python3 - "$T/docs" <<'PY'
import sys, zipfile, io
d = sys.argv[1]
def docx(text):
    b = io.BytesIO()
    z = zipfile.ZipFile(b, 'w')
    z.writestr('[Content_Types].xml', '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
    z.writestr('word/document.xml', '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>%s</w:t></w:r></w:p><w:p><w:r><w:t>Báo cáo tình hình an ninh mạng quý III</w:t></w:r></w:p></w:body></w:document>' % text)
    z.close()
    return b.getvalue()
open(d + '/mat.docx', 'wb').write(docx('TỐI MẬT'))
open(d + '/thuong.docx', 'wb').write(docx('CÔNG VĂN'))
with zipfile.ZipFile(d + '/luu-tru.zip', 'w') as z:
    z.writestr('2024/bao-cao.docx', docx('MẬT'))
open(d + '/Phòng Tham mưu/ghi chú.txt', 'w').write('TUYỆT MẬT\nnội dung\n')
open(d + '/cu.doc', 'wb').write(b'\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1' + b'\0' * 4000)
PY
out=$("$WINE" "$EXE" scan secrets --json "Z:$T/docs" 2>&1); rc=$?
out=${out//$'\r'/}
[ $rc = 1 ]
ok $? "markings found: exit 1 ($rc)"
check() { # check DESCRIPTION PYTHON-EXPRESSION over f (findings by path suffix)
	echo "$out" | python3 -c '
import json, sys
f = {}
for l in sys.stdin:
    if l.startswith("{"):
        o = json.loads(l)
        if o.get("type") == "finding":
            f[o["path"].split("/docs/", 1)[1]] = o
assert '"$2"', f
'
	ok $? "$1"
}
check "the .docx stamped TỐI MẬT" 'f["mat.docx"]["level_id"] == "toi-mat" and f["mat.docx"]["format"] == "docx"'
check "the .docx inside a zip, stamped MẬT" 'any(k.startswith("luu-tru.zip") and v["level_id"] == "mat" for k, v in f.items())'
check "UTF-8 text with a Vietnamese path, TUYỆT MẬT" 'f["Phòng Tham mưu/ghi chú.txt"]["level_id"] == "tuyet-mat"'
check "the unmarked .docx is not reported" '"thuong.docx" not in f'
check "the legacy .doc is uninspectable, with the reason" 'f["cu.doc"]["kind"] == "uninspectable" and "Windows build" in f["cu.doc"]["reason"]'
check "nothing else is reported" 'len(f) == 4'

echo "1..$n"
exit $bad
