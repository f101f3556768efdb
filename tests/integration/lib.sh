# Shared helpers for integration tests in bash. Source it, then:
#   expect_rc 2 "unknown command exits 2" "$CANHGAC" no-such-command
#   ok / not_ok "description" ; diag "text"
#   tmpdir          -> a fresh directory removed at exit
# $CANHGAC is the binary under test (the ASan build in tests/run.sh; the
# normal build when a test file is run by hand).
set -u
: "${CANHGAC_SRC:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
: "${CANHGAC:=$CANHGAC_SRC/build/canhgac}"
_tap_n=0
_tap_dirs=()
ok() { _tap_n=$((_tap_n + 1)); echo "ok $_tap_n - $*"; }
not_ok() { _tap_n=$((_tap_n + 1)); echo "not ok $_tap_n - $*"; }
diag() { printf '%s\n' "$@" | sed 's/^/# /'; }
check() { # check "desc" CMD... : passes when CMD succeeds
	local d=$1; shift
	if "$@"; then ok "$d"; else not_ok "$d"; fi
}
expect_rc() { # expect_rc RC "desc" CMD... ; output kept in $out/$err
	local want=$1 d=$2; shift 2
	local ef; ef=$(mktemp)
	out=$("$@" 2>"$ef"); local rc=$?
	err=$(cat "$ef"); rm -f "$ef"
	if [ "$rc" -eq "$want" ]; then ok "$d"; else
		not_ok "$d (exit $rc, wanted $want)"; diag "stdout: ${out:0:400}" "stderr: ${err:0:400}"
	fi
}
tmpdir() {
	local d; d=$(mktemp -d "${TMPDIR:-/tmp}/canhgac-test.XXXXXX")
	_tap_dirs+=("$d"); echo "$d"
}
_tap_cleanup() { for d in "${_tap_dirs[@]+"${_tap_dirs[@]}"}"; do rm -rf "$d"; done; }
trap _tap_cleanup EXIT
done_testing() { echo "1..$_tap_n"; }
