#!/usr/bin/env bash
# bench/secrets.sh - `canhgac scan secrets` against the pipeline an
# administrator would script: per file `unzip -p` (OOXML/ODF), `pdftotext`
# (PDF), `catdoc` (.doc), `xls2csv` (.xls) or `cat` (text, HTML), piped to
# a case-insensitive grep for a stamp-shaped line, run with xargs -P over all cores (the same parallelism
# canhgac's walker uses).
#
# Input: 2,000 mixed documents generated here: office files and text built
# in Python (tests/integration/_secrets_corpus.py helpers) with ~3 pages of
# Vietnamese prose each, PDF and .doc/.xls converted from them by
# LibreOffice once, then copied into 2,000 files (one in 20 marked).
# Both sides read the same files in the same run after one untimed warm-up
# each; the median of 3 runs is reported as files/s.
#
# Prints `ratio secrets-vs-grep-pipeline VALUE` (canhgac files/s divided by
# the pipeline's). Environment: N (default 2000), RUNS (default 3).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
N=${N:-2000}
RUNS=${RUNS:-3}
make -s build >/dev/null
BIN=$ROOT/build/canhgac
WORK=$(mktemp -d "${TMPDIR:-/tmp}/canhgac-bench-secrets.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

echo "generating $N documents in $WORK ..."
python3 - "$WORK" "$N" <<'EOF'
import os, shutil, subprocess, sys, tempfile, random
sys.path.insert(0, "tests/integration")
import _secrets_corpus as c
work, n = sys.argv[1], int(sys.argv[2])
base = os.path.join(work, "base"); os.makedirs(base)
random.seed(7)
words = ("công văn ủy ban nhân dân tỉnh về việc triển khai kế hoạch bảo đảm an toàn "
         "thông tin mạng năm cơ quan đơn vị trực thuộc báo cáo kết quả thực hiện mật khẩu "
         "hệ thống phần mềm quản lý văn bản điều hành hồ sơ công việc").split()
def para():
    return " ".join(random.choice(words) for _ in range(40)).capitalize() + "."
paras = [para() for _ in range(120)]
def docs(tag, marked):
    body = [c.wp(p) for p in paras]
    if marked:
        body.insert(0, c.wp("TỐI MẬT"))
    c.docx(os.path.join(base, tag + ".docx"), body)
    c.xlsx(os.path.join(base, tag + ".xlsx"), paras[:60] + (["MẬT"] if marked else []))
    c.pptx(os.path.join(base, tag + ".pptx"), [paras[i:i + 5] for i in range(0, 40, 5)] + ([["MẬT"]] if marked else []))
    c.odf(os.path.join(base, tag + ".odt"), "odt", (["MẬT"] if marked else []) + paras)
    with open(os.path.join(base, tag + ".txt"), "w") as f:
        f.write(("TUYỆT MẬT\n" if marked else "") + "\n".join(paras) + "\n")
    with open(os.path.join(base, tag + ".html"), "w") as f:
        f.write("<html><body>" + ("<p>MẬT</p>" if marked else "") + "".join("<p>%s</p>" % p for p in paras) + "</body></html>")
docs("clean", False)
docs("marked", True)
prof = tempfile.mkdtemp(prefix="cg-lo-")
try:
    for fmt, srcs in (("pdf", ["clean.docx", "marked.docx"]), ("doc", ["clean.docx", "marked.docx"]),
                      ("xls", ["clean.xlsx", "marked.xlsx"])):
        c.soffice(base, fmt, [os.path.join(base, s) for s in srcs], prof)
finally:
    shutil.rmtree(prof, ignore_errors=True)
kinds = sorted({f.split(".", 1)[1] for f in os.listdir(base)})
docs_dir = os.path.join(work, "docs")
for i in range(n):
    k = kinds[i % len(kinds)]
    tag = "marked" if i % 20 == 0 else "clean"
    d = os.path.join(docs_dir, "d%02d" % (i % 40))
    os.makedirs(d, exist_ok=True)
    shutil.copy(os.path.join(base, "%s.%s" % (tag, k)), os.path.join(d, "f%05d.%s" % (i, k)))
print("kinds:", " ".join(kinds))
EOF
DOCS=$WORK/docs
NF=$(find "$DOCS" -type f | wc -l)
echo "documents: $NF ($(du -sh "$DOCS" | cut -f1))"

# The administrator's pipeline, one file at a time, all cores via xargs.
cat >"$WORK/one.sh" <<'EOF'
#!/bin/bash
f=$1
case "$f" in
*.docx|*.xlsx|*.pptx|*.odt|*.ods|*.odp) unzip -p "$f" ;;
*.pdf) pdftotext -q "$f" - ;;
*.doc) catdoc "$f" ;;
*.xls) xls2csv "$f" 2>/dev/null ;;
*) cat "$f" ;;
esac | LC_ALL=C.UTF-8 grep -qiE "$PATTERN" && echo "$f"
exit 0
EOF
chmod +x "$WORK/one.sh"
# A stamp-shaped pattern, as an administrator who wants no "mật khẩu" hits
# would write it (grep then reads each stream to its end, as canhgac does
# on a clean document).
export PATTERN='^[[:space:]]*((tối|tuyệt)[[:space:]]+)?mật[[:space:]]*$'
NPROC=$(nproc)
pipeline() { find "$DOCS" -type f -print0 | xargs -0 -n 1 -P "$NPROC" "$WORK/one.sh"; }
secrets() { "$BIN" scan secrets --json --threads "$NPROC" "$DOCS" || [ $? -eq 1 ]; }

now() { date +%s.%N; }
calc() { awk "BEGIN { printf \"%.6f\", $1 }"; }
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

pipeline >/dev/null; secrets >/dev/null # warm-up, untimed
ts=() tp=()
for r in $(seq "$RUNS"); do
	t0=$(now); secrets >"$WORK/secrets.out"; t1=$(now)
	ts+=("$(calc "$t1 - $t0")")
	t0=$(now); pipeline >"$WORK/pipeline.out"; t1=$(now)
	tp+=("$(calc "$t1 - $t0")")
done
S=$(printf '%s\n' "${ts[@]}" | median)
P=$(printf '%s\n' "${tp[@]}" | median)
FS=$(calc "$NF / $S")
FP=$(calc "$NF / $P")
marked=$(grep -c '"kind":"marking"' "$WORK/secrets.out" || true)
unins=$(grep -c '"kind":"uninspectable"' "$WORK/secrets.out" || true)
flagged=$(wc -l <"$WORK/pipeline.out")
printf 'canhgac scan secrets: %.2f s median, %.0f files/s; %d marked, %d uninspectable\n' "$S" "$FS" "$marked" "$unins"
printf 'grep pipeline       : %.2f s median, %.0f files/s; %d files flagged (XML and PDF layout hide most stamps from it)\n' "$P" "$FP" "$flagged"
printf 'ratio secrets-vs-grep-pipeline %.2f\n' "$(calc "$FS / $FP")"
