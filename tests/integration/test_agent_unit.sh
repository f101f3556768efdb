#!/usr/bin/env bash
# dist/canhgac-agent.service: systemd accepts it (systemd-analyze verify
# with ExecStart pointing at the binary under test), and the hardening the
# issue asks for is there.
. "$(dirname "$0")/lib.sh"
U=$CANHGAC_SRC/dist/canhgac-agent.service
T=$(tmpdir)
sed "s|/usr/bin/canhgac|$CANHGAC|" "$U" >"$T/canhgac-agent.service"
# verify also opens the Documentation= man page: the binary writes it
"$CANHGAC" help --man-dir "$T/man/man1"
if command -v systemd-analyze >/dev/null; then
	if out=$(MANPATH=$T/man systemd-analyze verify "$T/canhgac-agent.service" 2>&1); then ok "systemd-analyze verify accepts the unit"
	else not_ok "systemd-analyze verify accepts the unit"; diag "$out"; fi
else
	ok "systemd-analyze verify # SKIP systemd-analyze not installed"
fi
for d in 'ProtectSystem=strict' 'NoNewPrivileges=yes' 'CapabilityBoundingSet=CAP_DAC_READ_SEARCH' \
	'AmbientCapabilities=CAP_DAC_READ_SEARCH' 'DynamicUser=yes' 'StateDirectory=canhgac-agent' \
	'PrivateTmp=yes' 'RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX' 'SystemCallFilter=@system-service' \
	'ExecStart=/usr/bin/canhgac agent run --config /etc/canhgac/agent.ini --data-dir /var/lib/canhgac-agent'; do
	check "unit has $d" grep -qxF "$d" "$U"
done
check "no capability but CAP_DAC_READ_SEARCH" test "$(grep -c '^CapabilityBoundingSet=' "$U")" -eq 1
done_testing
