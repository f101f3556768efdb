#!/usr/bin/env bash
# dist/canhgac-server.service: systemd accepts it (systemd-analyze verify,
# ExecStart pointing at the binary under test, the man page it documents
# written by that binary), the confinement docs/packaging.md describes is
# there, and the server starts with the shipped dist/canhgac.ini (its
# paths moved into a temporary directory). test_deb.sh checks the
# installed unit and its systemd-analyze security score as root.
. "$(dirname "$0")/lib.sh"
U=$CANHGAC_SRC/dist/canhgac-server.service
T=$(tmpdir)
sed "s|/usr/bin/canhgac|$CANHGAC|" "$U" >"$T/canhgac-server.service"
"$CANHGAC" help --man-dir "$T/man/man1"
if command -v systemd-analyze >/dev/null; then
	if out=$(MANPATH=$T/man systemd-analyze verify "$T/canhgac-server.service" 2>&1); then
		ok "systemd-analyze verify accepts the unit"
	else not_ok "systemd-analyze verify accepts the unit"; diag "$out"; fi
else
	ok "systemd-analyze verify # SKIP systemd-analyze not installed"
fi
for d in 'User=canhgac' 'ProtectSystem=strict' 'ProtectHome=yes' 'PrivateTmp=yes' 'NoNewPrivileges=yes' \
	'CapabilityBoundingSet=' 'AmbientCapabilities=' 'StateDirectory=canhgac' \
	'RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX' 'SystemCallFilter=@system-service' \
	'ExecStart=/usr/bin/canhgac serve --config /etc/canhgac/canhgac.ini' 'ExecReload=/bin/kill -HUP $MAINPID'; do
	check "unit has $d" grep -qxF "$d" "$U"
done
check "no ReadWritePaths: the state directory is the only writable path" bash -c "! grep -q '^ReadWritePaths=' '$U'"
check "no capability kept" test "$(grep -c '^CapabilityBoundingSet=$' "$U")" -eq 1

# the shipped configuration file is valid: the server starts with it
sed -e "s|^data_dir = /var/lib/canhgac|data_dir = $T/data|" \
	-e "s|^listen = 127.0.0.1:8443|listen = 127.0.0.1:0|" \
	-e "s|^web_interval = 300|web_interval = 0|" "$CANHGAC_SRC/dist/canhgac.ini" >"$T/canhgac.ini"
"$CANHGAC" serve --config "$T/canhgac.ini" --exposure-interval 0 >"$T/out" 2>&1 &
pid=$!
for _ in $(seq 100); do grep -q 'TLS certificate pin' "$T/out" && break; sleep 0.1; done
check "the server starts with the shipped canhgac.ini (TLS, data in data_dir)" \
	bash -c "grep -q '^canhgac: listening on https://127.0.0.1:' '$T/out' && test -f '$T/data/tls/server.key'"
kill -TERM "$pid"
wait "$pid"
check "... and stops on SIGTERM" test $? -eq 0
done_testing
