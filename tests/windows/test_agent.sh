#!/usr/bin/env bash
# The Windows agent (canhgac.exe agent enroll|run|status) under Wine
# against a real `canhgac serve` (build/canhgac) on 127.0.0.1: enrolment
# with the pin (and a wrong one refused), DPAPI-sealed token, FIM by
# ReadDirectoryChangesW, a planted web shell scanned at once, the
# scheduled secrets scan, no event lost across a kill of the agent while
# the server is down, a signed bundle installed. The cases are in
# agent_wine.py (python3, the integration tests' helpers). TAP.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
[ -x "$ROOT/build/canhgac" ] || { echo "1..0 # SKIP build/canhgac (the Linux server) is not built"; exit 0; }
exec python3 "$ROOT/tests/windows/agent_wine.py"
