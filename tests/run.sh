#!/usr/bin/env bash
# The whole test run: what `make test` and CI execute.
#
#   1. the banned-function check over src/
#   2. two builds: build/ (normal) and build-asan/ (ASan+UBSan)
#   3. unit tests (tests/unit, TAP) in both builds
#   4. integration tests (tests/integration/*.sh|*.py, TAP) against the
#      ASan+UBSan binary, so hostile inputs meet the sanitizers
#   5. browser tests (tests/browser/*.mjs, TAP) in headless Chromium
#   6. a fuzz smoke run: every libFuzzer target builds and runs briefly;
#      it runs beside steps 4 and 5 at idle CPU priority and its table line
#      comes last (its time overlaps theirs)
#
# The store has two backends. A private PostgreSQL cluster is started once
# (scripts/pg-test-cluster.sh, removed at exit): unit/test_store runs its
# cases on both, and every integration and browser suite that uses the
# store runs a second time on PostgreSQL (named integration@pg/...,
# browser@pg/...), through tests/pg-store-wrap.sh which gives each data
# directory a fresh database. The server helpers check the backend the
# server reports against CANHGAC_TEST_BACKEND. SKIP_PG=1 skips the second
# pass.
#
# Every suite speaks TAP; this script counts "ok"/"not ok" lines and ends
# with the line "N passed, N failed". A suite that exits non-zero without a
# failing line counts as one failure, as does one that runs no test.
# Environment: TEST_FILTER=REGEX runs only matching suites; FUZZ_SECONDS
# (default 5) bounds each fuzz smoke run; SKIP_FUZZ=1 skips it.
set -u
cd "$(dirname "$0")/.."
ROOT=$PWD
export LOGDIR=$ROOT/build/test-logs
mkdir -p "$LOGDIR"
passed=0 failed=0 skipped=0
failures=()

# run_suite NAME TIMEOUT CMD... : runs a TAP producer and tallies it.
run_suite() {
	local name=$1 limit=$2; shift 2
	if [ -n "${TEST_FILTER:-}" ] && ! [[ $name =~ $TEST_FILTER ]]; then
		return
	fi
	local log="$LOGDIR/${name//\//_}.log" t0=$SECONDS
	if declare -F "$1" >/dev/null; then # a function of this script
		timeout --kill-after=10 "$limit" bash -c "$1" >"$log" 2>&1
	else
		timeout --kill-after=10 "$limit" "$@" >"$log" 2>&1
	fi
	tally "$name" "$log" $? "$t0"
}

# tally NAME LOG RC T0 : counts a finished suite's TAP lines, prints its
# table line (and what failed).
tally() {
	local name=$1 log=$2 rc=$3 t0=$4
	local p f s
	p=$(grep -E '^ok [0-9]+' "$log" | grep -vciE '# *skip' || true)
	s=$(grep -E '^ok [0-9]+' "$log" | grep -ciE '# *skip' || true)
	f=$(grep -cE '^not ok [0-9]+' "$log" || true)
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
		echo "not ok - $name exited with status $rc" >>"$log"
	fi
	if [ "$p" -eq 0 ] && [ "$f" -eq 0 ] && [ "$s" -eq 0 ]; then
		f=1
		echo "not ok - $name ran no test" >>"$log"
	fi
	passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
	printf '%-40s %4d passed %3d failed %3d skipped  %4ds\n' "$name" "$p" "$f" "$s" $((SECONDS - t0))
	if [ "$f" -gt 0 ]; then
		failures+=("$name")
		# show what failed, with its diagnostics, and the tail of stderr
		grep -E -A12 '^not ok' "$log" | head -60 | sed 's/^/    /'
		[ "$rc" -ne 0 ] && tail -15 "$log" | sed 's/^/    | /'
	fi
}

finish() {
	echo
	[ ${#failures[@]} -gt 0 ] && echo "failed suites: ${failures[*]} (logs in build/test-logs/)"
	if [ "$skipped" -gt 0 ]; then
		echo "$passed passed, $failed failed, $skipped skipped"
	else
		echo "$passed passed, $failed failed"
	fi
	[ "$failed" -eq 0 ]
	exit $?
}

build_dir() { # build_dir DIR [meson options...]
	local dir=$1; shift
	if [ ! -f "$dir/build.ninja" ]; then
		meson setup "$dir" "$@" >"$LOGDIR/setup-$dir.log" 2>&1 || return 1
	fi
	ninja -C "$dir" >"$LOGDIR/ninja-$dir.log" 2>&1
}

banned_check() {
	if scripts/check-banned.sh; then echo "ok 1 - no banned functions in src/, tests/, fuzz/"
	else echo "not ok 1 - banned functions in src/, tests/, fuzz/"; fi
}
export -f banned_check build_dir

echo "== build"
for spec in "build" "build-asan -Dbuildtype=debug -Db_sanitize=address,undefined"; do
	set -- $spec
	if ! build_dir "$@"; then
		echo "build of $1 failed:"; tail -40 "$LOGDIR/ninja-$1.log" "$LOGDIR/setup-$1.log" 2>/dev/null
		failed=$((failed + 1)); failures+=("build:$1"); finish
	fi
done

echo "== tests"
run_suite banned 60 banned_check

PGDIR=""
if [ "${SKIP_PG:-0}" != 1 ]; then
	PGDIR=$(mktemp -d "${TMPDIR:-/tmp}/canhgac-pg.XXXXXX")
	trap 'scripts/pg-test-cluster.sh stop "$PGDIR"' EXIT
	if ! CANHGAC_TEST_PG=$(scripts/pg-test-cluster.sh start "$PGDIR" 2>"$LOGDIR/pg-cluster.log"); then
		echo "PostgreSQL test cluster did not start:"; tail "$LOGDIR/pg-cluster.log"
		failed=$((failed + 1)); failures+=("pg-cluster"); PGDIR=""
	else
		export CANHGAC_TEST_PG
	fi
fi

export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=0:halt_on_error=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
for exe in $(find build/tests/unit -type f -executable -name "test_*" | sort); do
	[ -f "$exe" ] && [ -x "$exe" ] || continue
	t=$(basename "$exe")
	run_suite "unit/$t" 300 "$exe"
	run_suite "unit-asan/$t" 600 "build-asan/${exe#build/}"
done

# The Windows build (docs/windows.md): canhgac.exe and the unit tests of
# the portable parts, cross-built with mingw-w64 and run under Wine, and
# tests/windows/*.sh driving canhgac.exe under Wine. WINDOWS=1, the
# default (WIN_DEFAULT), installs the toolchain and Wine like any other
# dependency and cross-builds the libraries first (scripts/win-deps.sh:
# about 4 min on a fresh machine, cached after; the whole Windows part
# about 7.5 min there, docs/windows.md); WINDOWS=auto runs them only when
# the cross compiler and Wine are already installed; WINDOWS=0 skips them.
# Each step is bounded: a build that fails or hangs shows its log and
# counts as a failure.
WIN_DEFAULT=1
win_wine_ok() { command -v x86_64-w64-mingw32-gcc >/dev/null &&
	{ command -v wine64 >/dev/null || [ -x /usr/lib/wine/wine64 ]; }; }
win_mode=${WINDOWS:-$WIN_DEFAULT}
if [ "$win_mode" = 1 ] || { [ "$win_mode" = auto ] && win_wine_ok; }; then
	# (with TEST_FILTER, only a filter naming "windows" builds them)
	if [ -z "${TEST_FILTER:-}" ] || [[ $TEST_FILTER == *windows* ]]; then
		t0=$SECONDS
		if timeout --kill-after=10 "${WIN_BUILD_TIMEOUT:-2400}" scripts/win-build.sh --wine \
			>"$LOGDIR/win-build.log" 2>&1 &&
			timeout --kill-after=10 600 scripts/win-wine.sh cmd /c exit \
				>>"$LOGDIR/win-build.log" 2>&1; then
			echo "windows build and Wine prefix: $((SECONDS - t0))s"
			for exe in build-win/meson/win/test_*.exe; do
				[ -f "$exe" ] || continue
				t=$(basename "${exe%.exe}")
				run_suite "windows/$t" 300 scripts/win-wine.sh "$exe"
			done
			for t in tests/windows/*.sh; do
				[ -f "$t" ] || continue
				run_suite "windows/$(basename "${t%.sh}")" 600 bash "$t"
			done
		else
			echo "windows build failed or timed out ($((SECONDS - t0))s):"
			tail -40 "$LOGDIR/win-build.log"
			failed=$((failed + 1)); failures+=("build:windows")
		fi
	fi
fi

# Integration and browser tests drive the sanitized binary.
export CANHGAC="$ROOT/build-asan/canhgac"
export CANHGAC_RELEASE="$ROOT/build/canhgac"
export CANHGAC_SRC="$ROOT"
export ASAN_OPTIONS="halt_on_error=1:detect_leaks=0"
# The fuzz smoke: every libFuzzer target built with clang and run briefly.
if [ "${SKIP_FUZZ:-0}" != 1 ]; then
	fuzz_smoke() {
		if ! build_dir build-fuzz --native-file scripts/clang.ini -Dfuzz=true \
			-Dbuildtype=debugoptimized -Db_sanitize=address,undefined; then
			echo "not ok 1 - fuzz build"; tail -30 "$LOGDIR/ninja-build-fuzz.log"; return
		fi
		local n=0
		for f in build-fuzz/fuzz/fuzz_*; do
			[ -f "$f" ] && [ -x "$f" ] || continue
			n=$((n + 1))
			local t; t=$(basename "$f")
			# a busy machine may hold a target off the CPU for seconds:
			# a hang is an input still running after 60s
			if FUZZ_TIMEOUT=60 scripts/fuzz-run.sh "$t" "${FUZZ_SECONDS:-5}" >"$LOGDIR/$t.log" 2>&1; then
				echo "ok $n - $t runs ${FUZZ_SECONDS:-5}s clean"
			else
				echo "not ok $n - $t (see build/test-logs/$t.log)"; tail -30 "$LOGDIR/$t.log"
			fi
		done
	}
	export -f fuzz_smoke
	# (its time limit counts the time it waits for a CPU)
	# in the foreground: run in the background beside the integration
	# suites, bash forgot its exit status over a long run (wait said 127)
	run_suite fuzz-smoke 3600 fuzz_smoke
fi
for t in tests/integration/*.sh tests/integration/*.py; do
	[ -f "$t" ] || continue
	case "$t" in */lib*|*/_*) continue ;; esac
	name=integration/$(basename "${t%.*}")
	case "$t" in
	*.sh) run_suite "$name" 900 bash "$t" ;;
	*.py) run_suite "$name" 900 python3 "$t" ;;
	esac
done

if ls tests/browser/*.mjs >/dev/null 2>&1; then
	if [ ! -d tests/browser/node_modules/playwright-core ]; then
		(cd tests/browser && npm install --no-audit --no-fund --loglevel=error) \
			>"$LOGDIR/npm.log" 2>&1 || { echo "npm install failed"; tail "$LOGDIR/npm.log"; }
	fi
	for t in tests/browser/*.mjs; do
		case "$t" in */lib*|*/_*) continue ;; esac
		run_suite "browser/$(basename "${t%.mjs}")" 900 node "$t"
	done
fi

# The same suites on PostgreSQL: those that touch the store (start a
# server, add a user, seed the demo).
uses_store() { grep -qE 'Server\(|startServer|_agentlib|[" ]serve[" ]|user add|"user", "add"|demo seed' "$1"; }
if [ -n "$PGDIR" ]; then
	export CANHGAC_PG_DIR=$PGDIR CANHGAC_TEST_BACKEND=postgresql
	for b in "$CANHGAC:canhgac" "$CANHGAC_RELEASE:canhgac-release"; do
		printf '#!/bin/sh\nexec "%s" "%s" "$@"\n' "$ROOT/tests/pg-store-wrap.sh" "${b%%:*}" \
			>"$PGDIR/${b##*:}"
		chmod 755 "$PGDIR/${b##*:}"
	done
	chmod 755 "$PGDIR"
	CANHGAC=$PGDIR/canhgac CANHGAC_RELEASE=$PGDIR/canhgac-release
	for t in tests/integration/*.sh tests/integration/*.py; do
		[ -f "$t" ] || continue
		case "$t" in */lib*|*/_*) continue ;; esac
		uses_store "$t" || continue
		# copies a SQLite store to PostgreSQL: its own pass is the first
		case "$t" in */test_store_copy.py) continue ;; esac
		# takes its data_dir from a configuration file, which the
		# wrapper (it maps --data-dir to a database) does not read
		case "$t" in */test_serve_config.py) continue ;; esac
		name=integration@pg/$(basename "${t%.*}")
		case "$t" in
		*.sh) run_suite "$name" 900 bash "$t" ;;
		*.py) run_suite "$name" 900 python3 "$t" ;;
		esac
	done
	for t in tests/browser/*.mjs; do
		case "$t" in */lib*|*/_*) continue ;; esac
		uses_store "$t" || continue
		run_suite "browser@pg/$(basename "${t%.mjs}")" 900 node "$t"
	done
	unset CANHGAC_TEST_BACKEND
fi

finish
