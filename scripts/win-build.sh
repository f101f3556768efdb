#!/usr/bin/env bash
# `make windows`: build build-win/canhgac.exe and build-win/canhgac-agent.msi
# (docs/windows.md).
#
#   scripts/win-build.sh          deps (cached), configure once, build
#   scripts/win-build.sh --wine   also install Wine (the tests need it)
#   scripts/win-build.sh test     --wine, then run the Windows tests under
#                                 Wine: the unit tests (meson test) and
#                                 tests/windows/*.sh (make windows-test;
#                                 make test runs the same through tests/run.sh)
#
# The libraries come from scripts/win-deps.sh (Debian's source packages,
# cross-built once into build-win/deps). The meson cross file is written
# here, because meson wants the prefix as an absolute path. Wine runs in the
# project's own prefix (scripts/win-wine.sh), so the tests neither touch
# nor depend on ~/.wine.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=$ROOT/build-win
TRIPLE=x86_64-w64-mingw32
want_test=0 want_wine=0
case "${1:-}" in
test) want_test=1 want_wine=1 ;;
--wine) want_wine=1 ;;
"") ;;
*) echo "win-build: unknown argument '$1' (--wine, test or nothing)" >&2; exit 2 ;;
esac

# The MSI (win/canhgac-agent.wxs) around build-win/canhgac.exe. MSI versions are
# numeric: the project's x.y.z. wixl's MajorUpgrade writes
# SecureCustomProperties, so the public properties are added to that row
# afterwards.
msi() { # OUTPUT, relative to ROOT or absolute
	local ver
	# wixl wants the file relative to the working directory (ROOT)
	ver=$(sed -n "s/^ *version : '\([0-9][0-9.]*\)'.*/\1/p" meson.build | head -1)
	# rules\ beside the exe (rules/malware, copied below): a fragment
	# generated from the files, one component each
	python3 scripts/win-rules-wxs.py "${OUT#"$ROOT"/}/rules" "$OUT/rules.wxs"
	wixl -a x64 -D Version="$ver" -D Exe="${OUT#"$ROOT"/}/canhgac.exe" \
		-o "$1.tmp" win/canhgac-agent.wxs "$OUT/rules.wxs" 2>"$OUT/wixl.log" ||
		{ cat "$OUT/wixl.log" >&2; return 1; }
	msibuild "$1.tmp" -q "UPDATE \`Property\` SET \`Value\` = 'WIX_DOWNGRADE_DETECTED;WIX_UPGRADE_DETECTED;SERVER;PIN;TOKEN;BUNDLEKEY' WHERE \`Property\` = 'SecureCustomProperties'"
	mv "$1.tmp" "$1"
}
if [ $want_wine = 1 ]; then scripts/win-deps.sh --wine --msi; else scripts/win-deps.sh --msi; fi
PREFIX=$(scripts/win-deps.sh --print-prefix)

cross=$OUT/cross.ini
tmp=$(mktemp "$OUT/cross.XXXXXX")
{
	echo "# written by scripts/win-build.sh"
	echo "[binaries]"
	for t in c:gcc ar:ar strip:strip windres:windres; do
		echo "${t%%:*} = '$TRIPLE-${t#*:}'"
	done
	echo "pkgconfig = 'pkg-config'"
	if command -v wine64 >/dev/null || [ -x /usr/lib/wine/wine64 ]; then
		echo "exe_wrapper = '$ROOT/scripts/win-wine.sh'"
	fi
	echo "[properties]"
	echo "pkg_config_libdir = ['$PREFIX/lib/pkgconfig']"
	echo "[host_machine]"
	echo "system = 'windows'"
	echo "cpu_family = 'x86_64'"
	echo "cpu = 'x86_64'"
	echo "endian = 'little'"
} >"$tmp"
# A changed cross file (wine installed since) means configuring anew.
if ! cmp -s "$tmp" "$cross"; then
	mv "$tmp" "$cross"
	rm -rf "$OUT/meson"
else
	rm -f "$tmp"
fi
# source_rules=false: canhgac.exe is the release (the MSI ships it) and
# finds its rules in rules\ beside itself, never under this machine's
# source path (src/lib/core/rulesdir.h). A build dir configured before
# that is reconfigured.
if [ -f "$OUT/meson/build.ninja" ] &&
	! grep -q '"name": "source_rules", "value": false' "$OUT/meson/meson-info/intro-buildoptions.json" 2>/dev/null; then
	meson configure "$OUT/meson" -Dsource_rules=false >"$OUT/setup.log" 2>&1 ||
		{ tail -30 "$OUT/setup.log" >&2; exit 1; }
fi
if [ ! -f "$OUT/meson/build.ninja" ]; then
	meson setup "$OUT/meson" --cross-file "$cross" -Dbuildtype=debugoptimized -Dsource_rules=false \
		>"$OUT/setup.log" 2>&1 || { tail -30 "$OUT/setup.log" >&2; exit 1; }
fi
ninja -C "$OUT/meson" >&2
cp -p "$OUT/meson/win/canhgac.exe" "$OUT/canhgac.exe"
# build-win/ laid out as the install folder: the shipped rules the Windows
# agent reads (its one area, malware) beside the exe, where it looks
rm -rf "$OUT/rules"
mkdir -p "$OUT/rules"
cp -R rules/malware "$OUT/rules/malware"
echo "win-build: $OUT/canhgac.exe" >&2

msi "$OUT/canhgac-agent.msi"
echo "win-build: $OUT/canhgac-agent.msi" >&2

if [ $want_test = 1 ]; then
	rc=0
	meson test -C "$OUT/meson" --print-errorlogs >&2 || rc=1
	for t in tests/windows/*.sh; do
		[ -f "$t" ] || continue
		echo "== $t" >&2
		bash "$t" || rc=1
	done
	exit $rc
fi
