#!/usr/bin/env bash
# The one binary and its command table: help, version, usage errors.
. "$(dirname "$0")/lib.sh"

expect_rc 0 "help exits 0" "$CANHGAC" help
case "$out" in *version*help*|*help*version*) ok "help lists the commands" ;; *) not_ok "help lists the commands"; diag "$out" ;; esac

expect_rc 0 "help version exits 0" "$CANHGAC" help version
case "$out" in *"usage: canhgac version"*--json*) ok "help CMD shows usage and options" ;; *) not_ok "help CMD shows usage and options" ;; esac

expect_rc 2 "unknown command exits 2" "$CANHGAC" no-such-command
case "$err" in *"unknown command 'no-such-command'"*) ok "unknown command named on stderr" ;; *) not_ok "unknown command named on stderr" ;; esac
[ -z "$out" ] && ok "unknown command prints nothing on stdout" || not_ok "unknown command prints nothing on stdout"

expect_rc 2 "no command exits 2" "$CANHGAC"
expect_rc 2 "bad option exits 2" "$CANHGAC" version --no-such-option
case "$err" in "canhgac version: unknown option '--no-such-option' (see 'canhgac help version')") ok "bad option: one line naming it and where to look" ;; *) not_ok "bad option: one line naming it and where to look"; diag "$err" ;; esac
expect_rc 2 "help for an unknown command exits 2" "$CANHGAC" help no-such-command
expect_rc 2 "option without its value exits 2" "$CANHGAC" version --data-dir

expect_rc 0 "version exits 0" "$CANHGAC" version
case "$out" in "canhgac "[0-9]*build:*libraries:*jansson*) ok "version shows version, build and libraries" ;; *) not_ok "version shows version, build and libraries"; diag "$out" ;; esac

expect_rc 0 "version --json exits 0" "$CANHGAC" version --json
if printf '%s' "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["version"] and d["libraries"]["jansson"]'; then
	ok "version --json is one JSON object with libraries"
else not_ok "version --json is one JSON object with libraries"; fi

# the rules directory every command uses (src/lib/core/rulesdir.h)
out=$("$CANHGAC" version)
case "$out" in *"rules: $CANHGAC_SRC/rules"*) ok "version names the rules directory (the source tree's, in this build)" ;;
*) not_ok "version names the rules directory (the source tree's, in this build)"; diag "$out" ;; esac
out=$(CANHGAC_RULES_DIR=/srv/other-rules "$CANHGAC" version --json)
if printf '%s' "$out" | python3 -c 'import json,sys; assert json.load(sys.stdin)["rules"] == "/srv/other-rules"'; then
	ok "CANHGAC_RULES_DIR wins (version --json)"
else not_ok "CANHGAC_RULES_DIR wins (version --json)"; diag "$out"; fi

expect_rc 0 "common options accepted (-q -v --data-dir=)" "$CANHGAC" version -q -v --data-dir=/tmp/x
expect_rc 0 "--help after a command" "$CANHGAC" version --help
expect_rc 0 "canhgac --help" "$CANHGAC" --help
done_testing
