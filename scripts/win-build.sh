#!/usr/bin/env bash
# `make windows`: build build-win/canhgac.exe (docs/windows.md).
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

if [ $want_wine = 1 ]; then scripts/win-deps.sh --wine; else scripts/win-deps.sh; fi
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
if [ ! -f "$OUT/meson/build.ninja" ]; then
	meson setup "$OUT/meson" --cross-file "$cross" -Dbuildtype=debugoptimized >"$OUT/setup.log" 2>&1 ||
		{ tail -30 "$OUT/setup.log" >&2; exit 1; }
fi
ninja -C "$OUT/meson" >&2
cp -p "$OUT/meson/win/canhgac.exe" "$OUT/canhgac.exe"
echo "win-build: $OUT/canhgac.exe" >&2

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
