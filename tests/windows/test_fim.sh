#!/usr/bin/env bash
# canhgac.exe fim scan under Wine (docs/windows.md): the hash pass of a web
# root on Windows. The first run records the baseline and reports
# nothing; a planted .aspx web shell is a high script_added alert (exit 1)
# and a changed image an info record; an unchanged tree is quiet (exit 0);
# a removed file is reported; the baseline keeps Windows paths
# ("Z:/...") across runs. TAP.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
EXE=$ROOT/build-win/canhgac.exe
WINE=$ROOT/scripts/win-wine.sh
n=0 bad=0
ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; bad=1; fi; }
T=$(mktemp -d "${TMPDIR:-/tmp}/cg-winfim.XXXXXX")
trap 'rm -rf "$T"' EXIT
mkdir -p "$T/www/App_Data" "$T/www/img" "$T/data"
echo '<html><body>Cổng thông tin</body></html>' >"$T/www/index.html"
printf 'GIF89a\001\002' >"$T/www/img/logo.gif"
echo '<configuration/>' >"$T/www/web.config"
# Wine maps the Unix root to drive Z:
W="Z:$T"
fim() { "$WINE" "$EXE" fim scan --data-dir "$W/data" "$@" "$W/www" 2>&1 | tr -d '\r'; return "${PIPESTATUS[0]}"; }

out=$(fim); rc=$?
[ $rc = 0 ] && echo "$out" | grep -q '^baseline created: 3 files hashed; 3 added'
ok $? "first run records the baseline, reports nothing ($rc: $out)"
grep -q " Z:$T/www/img/logo.gif\$" "$T/data/fim/baseline"
ok $? "the baseline holds Windows paths (Z:/...)"

echo '<%@ Page Language="C#" %><% System.Diagnostics.Process.Start("cmd.exe", Request["c"]); %>' \
	>"$T/www/App_Data/up.aspx"
printf 'GIF89a\001\003' >"$T/www/img/logo.gif"
out=$(fim --json); rc=$?
[ $rc = 1 ]
ok $? "a planted web shell is exit 1 ($rc)"
echo "$out" | python3 -c '
import json, sys
ev = [json.loads(l) for l in sys.stdin if l.startswith("{\"id\"")]
by = {e["kind"]: e for e in ev}
s = by["script_added"]
assert s["severity"] == "high" and s["subject"].endswith("/www/App_Data/up.aspx"), s
assert s["evidence"]["web_root"].endswith("/www"), s
c = by["file_changed"]
assert c["severity"] == "info" and c["subject"].endswith("/img/logo.gif"), c
assert len(ev) == 2, ev
'
ok $? "the .aspx is a high script_added, the image an info file_changed, nothing else"

out=$(fim); rc=$?
[ $rc = 0 ] && echo "$out" | grep -q '^4 files hashed; 0 added, 0 changed, 0 removed; 0 alert'
ok $? "an unchanged tree is quiet ($rc: $out)"

rm "$T/www/index.html"
out=$(fim --json); rc=$?
echo "$out" | grep -q '"kind":"file_removed"' && [ $rc = 0 ]
ok $? "a removed page is reported, not an alert ($rc)"

"$WINE" "$EXE" fim scan --data-dir "$W/data" "$W/none" >/dev/null 2>&1
[ $? = 2 ] && [ ! -e "$T/none" ]
ok $? "a root that does not exist is exit 2"

echo "1..$n"
exit $bad
