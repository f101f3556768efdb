#!/usr/bin/env bash
# Run a Windows program under Wine (wine64) for the tests: the project's own
# Wine prefix (${XDG_CACHE_HOME:-~/.cache}/canhgac/wine, or
# $CANHGAC_WINEPREFIX; made on first use and kept, outside the work tree:
# wineboot costs tens of seconds once), Wine's debug chatter off, no display.
# Exit status and output are the program's.
#
#   scripts/win-wine.sh PROGRAM.exe [ARGS...]
set -euo pipefail
export WINEPREFIX=${CANHGAC_WINEPREFIX:-${XDG_CACHE_HOME:-$HOME/.cache}/canhgac/wine}
export WINEDEBUG=${WINEDEBUG:--all}
export WINEDLLOVERRIDES=${WINEDLLOVERRIDES:-mscoree,mshtml=}
export DISPLAY=
# Debian's wine64 package puts its loader under /usr/lib/wine (the wine
# package adds the /usr/bin wrappers): either will do.
WINE=$(command -v wine64 || echo /usr/lib/wine/wine64)
[ -x "$WINE" ] || { echo "win-wine: wine64 is not installed (scripts/win-deps.sh --wine)" >&2; exit 2; }
# First use: one process makes the prefix while the others (meson test
# runs tests in parallel) wait for it.
if [ ! -f "$WINEPREFIX/system.reg" ]; then
	mkdir -p "$WINEPREFIX"
	exec 9>"$WINEPREFIX/.init.lock"
	flock 9
	[ -f "$WINEPREFIX/system.reg" ] || "$WINE" wineboot --init >/dev/null 2>&1 || true
	exec 9>&-
fi
# Keep one wineserver for the prefix alive 30 s past its last client: the
# tests start many short programs, and a wineserver started afresh for each
# costs seconds. A second start while one runs is refused; that is fine.
WINESERVER=$(command -v wineserver || echo /usr/lib/wine/wineserver64)
"$WINESERVER" -p30 >/dev/null 2>&1 || true
exec "$WINE" "$@"
