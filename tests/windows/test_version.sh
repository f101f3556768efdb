#!/usr/bin/env bash
# canhgac.exe under Wine (docs/windows.md): `version` reports the libraries
# scripts/win-deps.sh cross-built, at the versions it built (read from the
# prefix's VERSIONS), and that it runs on Wine; `version --json` is valid
# JSON with the same; `help` lists only what the Windows build has; an
# unknown command is exit 2 with one line. TAP.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
EXE=$ROOT/build-win/canhgac.exe
WINE=$ROOT/scripts/win-wine.sh
DEPS=$("$ROOT/scripts/win-deps.sh" --print-prefix)
n=0 bad=0
ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; bad=1; fi; }

# stdout is in text mode on Windows: lines end in CRLF there
out=$("$WINE" "$EXE" version 2>&1); rc=$?
out=${out//$'\r'/}
ok $rc "canhgac.exe version exits 0"
echo "$out" | sed 's/^/# /'
# Debian version "1:1.2.13.dfsg-1" -> upstream "1.2.13"
while read -r name ver; do
	case $name in '#'* | '') continue ;; esac
	row=$name
	case $name in yara) row=libyara ;; esac
	up=$(echo "$ver" | sed -E 's/^[0-9]+://; s/[-+~].*//; s/\.dfsg.*//')
	echo "$out" | grep -qE "^  $row +.*\b${up//./\\.}\b"
	ok $? "version reports $row $up (as built from Debian's $name $ver)"
done <"$DEPS/VERSIONS"
echo "$out" | grep -qE '^  windows +[0-9]+\.[0-9]+\.[0-9]+ \(Wine [0-9]'
ok $? "version reports the Windows release and Wine"

json=$("$WINE" "$EXE" version --json 2>&1)
echo "$json" | python3 -c '
import json, sys
d = json.load(sys.stdin)
libs = d["libraries"]
assert d["version"], d
for k in ("jansson", "zlib", "libyara", "libarchive", "utf8proc", "windows"):
    assert libs.get(k), k
'
ok $? "version --json is JSON with every library"

help=$("$WINE" "$EXE" help 2>&1)
help=${help//$'\r'/}
echo "$help" | grep -q 'version' && ! echo "$help" | grep -qE '^ +serve '
ok $? "help lists version and not the server"

err=$("$WINE" "$EXE" serve 2>&1); rc=$?
err=${err//$'\r'/}
[ $rc = 2 ] && [ "$(echo "$err" | wc -l)" = 1 ] && echo "$err" | grep -q "unknown command 'serve'"
ok $? "an unknown command is exit 2 with one line ($rc: $err)"

echo "1..$n"
exit $bad
