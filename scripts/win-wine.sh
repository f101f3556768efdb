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
WINESERVER=$(command -v wineserver || echo /usr/lib/wine/wineserver64)
[ -x "$WINE" ] || { echo "win-wine: wine64 is not installed (scripts/win-deps.sh --wine)" >&2; exit 2; }
# First use: one process makes the prefix while the others (meson test
# runs tests in parallel) wait for it.
if [ ! -f "$WINEPREFIX/system.reg" ]; then
	mkdir -p "$WINEPREFIX"
	exec 9>"$WINEPREFIX/.init.lock"
	flock 9
	# bounded: a wineboot that hangs (it has, on a loaded machine) fails
	# this run with a message instead of holding every test behind the lock
	# (wineserver -w: the registry files are written when the wineserver
	# that wineboot started ends, a few seconds after)
	if [ ! -f "$WINEPREFIX/system.reg" ]; then
		timeout --kill-after=10 "${CG_WINEBOOT_TIMEOUT:-300}" sh -c '"$1" wineboot --init && "$2" -w' \
			sh "$WINE" "$WINESERVER" </dev/null >"$WINEPREFIX/wineboot.log" 2>&1 || true
	fi
	exec 9>&-
	[ -f "$WINEPREFIX/system.reg" ] || {
		echo "win-wine: wineboot did not make the prefix $WINEPREFIX (see its wineboot.log)" >&2
		exit 2
	}
fi
# Keep one wineserver for the prefix alive 30 s past its last client: the
# tests start many short programs, and a wineserver started afresh for each
# costs seconds. A second start while one runs is refused (exit 2).
if "$WINESERVER" -p30 >/dev/null 2>&1; then
	# A new wineserver: the first program starts Wine's system processes
	# (services, winedevice, ...), which keep its stdout and stderr open
	# until the wineserver ends, so `out=$(win-wine.sh ...)` would wait
	# those 30 s. Started here with no terminal of the caller's: 1-2 s.
	"$WINE" cmd /c exit </dev/null >/dev/null 2>&1 || true
fi
exec "$WINE" "$@"
