#!/usr/bin/env bash
# The Debian packages (docs/packaging.md): built by scripts/make-deb.sh
# (cached in build/deb/ by the tree's content hash, so a test run does not
# rebuild them when nothing changed), checked with lintian, then
# installed, upgraded from the previous version, removed and purged in a
# throwaway root.
#
# The throwaway root is a copy-on-write overlay of this machine's own root
# file system (overlayfs: lower = /, upper = a temporary directory) in a
# private mount namespace (unshare -m), entered with chroot. dpkg, its
# maintainer scripts, adduser and deb-systemd-helper run for real, and
# dependencies resolve against the packages this machine has; every
# write lands in the temporary upper directory, which is deleted at the
# end: the machine itself is untouched. No debootstrap (it needs a
# mirror: tests use no network). The previous version N-1 is the same
# packages repacked with a lower version (0.1.0~prev1), which exercises
# dpkg's upgrade path (maintainer scripts, conffiles, the state
# directory) without a second compile; its canhgac.ini differs from N's,
# so the upgrade of a locally edited one meets dpkg's conffile question.
. "$(dirname "$0")/lib.sh"
if [ "$(id -u)" -ne 0 ] || ! command -v dpkg-buildpackage >/dev/null ||
	! grep -qw overlay /proc/filesystems; then
	echo "ok 1 # skip needs root, dpkg-dev and overlayfs"; done_testing; exit 0
fi
cd "$CANHGAC_SRC"
t0=$SECONDS
mapfile -t debs < <(scripts/make-deb.sh)
check "make deb gives canhgac, canhgac-server, canhgac-agent (${#debs[@]} packages, $((SECONDS - t0)) s)" \
	test "${#debs[@]}" -eq 3 -a -f "${debs[0]}" -a -f "${debs[1]}" -a -f "${debs[2]}"
[ "${#debs[@]}" -eq 3 ] || { done_testing; exit 1; }
diag "packages: ${debs[*]##*/}"

t0=$SECONDS
changes=$(ls build/deb/*.changes)
lint=$(lintian --fail-on error,warning -I --pedantic "$changes" 2>&1 | grep -v 'root privileges'); rc=$?
check "lintian: no error or warning, info only where overridden ($((SECONDS - t0)) s)" test -z "$lint"
[ -z "$lint" ] || diag "$lint"

# the units' confinement, as systemd scores it (0 = fully confined, 10 =
# none): the server must stay "OK" at 2.0 or less, the agent (which must
# read every file and keeps one capability for it) at 2.5 or less
for u in server:20 agent:25; do
	unit=dist/canhgac-${u%%:*}.service
	score=$(systemd-analyze security --offline=yes "$unit" 2>/dev/null | sed -n 's/.*Overall exposure level for [^:]*: //p')
	if systemd-analyze security --offline=yes --threshold="${u#*:}" "$unit" >/dev/null 2>&1; then
		ok "systemd-analyze security $unit: $score (at most $((${u#*:} / 10)).$((${u#*:} % 10)))"
	else
		not_ok "systemd-analyze security $unit: $score (at most $((${u#*:} / 10)).$((${u#*:} % 10)))"
	fi
done
# what goes where
list=$(for d in "${debs[@]}"; do dpkg-deb -c "$d"; done)
for f in ./usr/bin/canhgac ./usr/share/canhgac/rules/web/spam-vi.txt ./usr/share/canhgac/rules/dns/dga-model.txt \
	./usr/share/canhgac/rules/malware/eicar.yar ./usr/share/man/man1/canhgac.1.gz \
	./usr/share/man/man1/canhgac-serve.1.gz ./etc/canhgac/canhgac.ini ./etc/canhgac/agent.ini \
	./lib/systemd/system/canhgac-server.service ./lib/systemd/system/canhgac-agent.service; do
	grep -qF " $f" <<<"$list" || missing+=("$f")
done
check "the packages hold the binary, rules, man pages, config files and units" test -z "${missing[*]:-}"
[ -z "${missing[*]:-}" ] || diag "missing: ${missing[*]}"
# the sandboxed parsers' test hooks (server/privsep.h) are in the test
# build and not in the packaged binary (built with -Dtests=false)
w=$(tmpdir)
for d in "${debs[@]}"; do dpkg-deb -x "$d" "$w"; done
check "the test build carries the parsers' test hooks (the check below can see them)" \
	grep -q CANHGAC_TEST_PARSER_HOOKS build/canhgac
check "the packaged binary has no parser test hooks" \
	sh -c "! grep -q -e CANHGAC_TEST_PARSER -e CANHGAC-TEST-PARSER '$w/usr/bin/canhgac'"
check "the test build can lift the exposure scans' rate limits, the packaged binary cannot" \
	sh -c "grep -q CANHGAC_TEST_XP_NO_RATE build/canhgac && ! grep -q CANHGAC_TEST_XP '$w/usr/bin/canhgac'"
check "the test build can shorten the agents' hash list cache, the packaged binary cannot" \
	sh -c "grep -q CANHGAC_TEST_AGENT_INTEL build/canhgac && ! grep -q CANHGAC_TEST_AGENT_INTEL '$w/usr/bin/canhgac'"

# version N-1: the same packages, repacked with a lower version
w=$(tmpdir)
mkdir -p "$w/prev" "$w/cur"
cp "${debs[@]}" "$w/cur/"
for d in "${debs[@]}"; do
	x=$w/x; rm -rf "$x"; dpkg-deb -R "$d" "$x"
	sed -i -e 's/^Version: 0\.1\.0$/Version: 0.1.0~prev1/' \
		-e 's/canhgac (>= 0\.1\.0)/canhgac (>= 0.1.0~prev1)/; s/canhgac (<< 0\.1\.0\.1~)/canhgac (<< 0.1.0~prev1.1~)/' \
		"$x/DEBIAN/control"
	# N-1 shipped an older canhgac.ini (no log_level line): with a local
	# edit on top, the upgrade meets dpkg's conffile question
	[ -f "$x/etc/canhgac/canhgac.ini" ] && sed -i '/^log_level = info$/d' "$x/etc/canhgac/canhgac.ini"
	dpkg-deb -Zgzip -b "$x" "$w/prev/" >/dev/null
done
check "version N-1 repacked" test "$(ls "$w/prev" | wc -l)" -eq 3

# the steps inside the throwaway root: TAP lines of their own, numbered here
cat >"$w/inside.sh" <<'INSIDE'
set -u
n=0
t() { n=$((n + 1)); if eval "$2" >/tmp/step.out 2>&1; then echo "ok - $1"; else echo "not ok - $1"; sed 's/^/# /' /tmp/step.out | head -20; [ -f /tmp/serve.out ] && sed 's/^/# serve: /' /tmp/serve.out | tail -5; fi; }
export DEBIAN_FRONTEND=noninteractive
T=/canhgac-test
t "install version N-1 (dpkg -i)" "dpkg -i $T/prev/*.deb"
t "dpkg says the three packages are installed at N-1" \
	"[ \"\$(dpkg-query -W -f='\${Version} \${db:Status-Status}\n' canhgac canhgac-server canhgac-agent | sort -u)\" = '0.1.0~prev1 installed' ]"
t "system user canhgac exists, without a login shell" \
	"getent passwd canhgac | grep -q ':/var/lib/canhgac:/usr/sbin/nologin$'"
t "/var/lib/canhgac belongs to canhgac, mode 750" "[ \"\$(stat -c '%U:%G %a' /var/lib/canhgac)\" = 'canhgac:canhgac 750' ]"
t "/etc/canhgac/canhgac.ini is root:canhgac 640" "[ \"\$(stat -c '%U:%G %a' /etc/canhgac/canhgac.ini)\" = 'root:canhgac 640' ]"
t "the server's unit is enabled (multi-user.target)" "[ -L /etc/systemd/system/multi-user.target.wants/canhgac-server.service ]"
t "the agent's unit is enabled (it starts once enrolled)" "[ -L /etc/systemd/system/multi-user.target.wants/canhgac-agent.service ]"
t "systemd-analyze verify accepts both units" \
	"systemd-analyze verify /lib/systemd/system/canhgac-server.service /lib/systemd/system/canhgac-agent.service"
t "canhgac version names the installed rules directory" "canhgac version | grep -qx 'rules: /usr/share/canhgac/rules'"
t "man canhgac-serve renders" "MANWIDTH=100 man canhgac-serve | grep -q -- '--config FILE'"
t "the installed binary finds the installed rules (scan malware: EICAR found)" \
	"printf '%s' 'X5O!P%@AP[4\\PZX54(P^)7CC)7}\$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!\$H+H*' >/tmp/eicar.txt; cd /; canhgac scan malware --no-cache --data-dir /tmp/scan /tmp/eicar.txt; [ \$? -eq 1 ]"
# the server as the package runs it: as canhgac, with the shipped config
t "canhgac user add (as user canhgac, data in /var/lib/canhgac)" \
	"setpriv --reuid=canhgac --regid=canhgac --init-groups -- canhgac user add admin --role admin --generate --data-dir /var/lib/canhgac"
start_server() {
	rm -f /tmp/serve.out
	setpriv --reuid=canhgac --regid=canhgac --init-groups -- canhgac serve --config /etc/canhgac/canhgac.ini --listen 127.0.0.1:0 --exposure-interval 0 >/tmp/serve.out 2>&1 &
	pid=$!
	for _ in $(seq 100); do grep -q 'listening on' /tmp/serve.out && break; sleep 0.1; done
	url=$(sed -n 's/^canhgac: listening on //p' /tmp/serve.out)
	[ -n "$url" ] && curl -sk -o /dev/null -w '%{http_code}' "$url/" | grep -q 200
}
t "the server starts with /etc/canhgac/canhgac.ini (TLS, portal watcher with the installed rules) and answers" start_server
t "the TLS key was made in /var/lib/canhgac/tls, owned by canhgac, mode 600" "[ \"\$(stat -c '%U %a' /var/lib/canhgac/tls/server.key)\" = 'canhgac 600' ]"
t "SIGHUP reloads the config (log_level = info added) and the server keeps answering" \
	"echo 'log_level = info' >>/etc/canhgac/canhgac.ini; kill -HUP $pid; sleep 0.5; grep -q 'reload: /etc/canhgac/canhgac.ini applied' /tmp/serve.out && curl -sk -o /dev/null -w '%{http_code}' \"$url/\" | grep -q 200"
t "SIGTERM stops it" "kill -TERM $pid; wait $pid"
users_before=$(sqlite3 /var/lib/canhgac/canhgac.db 'select count(*) from users')
uid_before=$(id -u canhgac)
echo "# local edit" >>/etc/canhgac/canhgac.ini
t "upgrade N-1 -> N (dpkg -i, keeping changed conffiles as apt -o Dpkg::Options::=--force-confold does)" \
	"dpkg --force-confdef --force-confold -i $T/cur/*.deb"
t "dpkg says N is installed" \
	"[ \"\$(dpkg-query -W -f='\${Version} \${db:Status-Status}\n' canhgac canhgac-server canhgac-agent | sort -u)\" = '0.1.0 installed' ]"
t "the upgrade kept the locally edited canhgac.ini, N's version beside it (.dpkg-dist)" \
	"tail -1 /etc/canhgac/canhgac.ini | grep -q 'local edit' && grep -q '^# Address to listen on' /etc/canhgac/canhgac.ini.dpkg-dist && ! grep -q 'local edit' /etc/canhgac/canhgac.ini.dpkg-dist"
t "... and still root:canhgac 640" "[ \"\$(stat -c '%U:%G %a' /etc/canhgac/canhgac.ini)\" = 'root:canhgac 640' ]"
t "the upgrade kept the database ($users_before user) and the user's uid" \
	"[ \"\$(sqlite3 /var/lib/canhgac/canhgac.db 'select count(*) from users')\" = '$users_before' ] && [ $users_before -ge 1 ] && [ \$(id -u canhgac) = $uid_before ]"
t "the upgraded server starts on the same data" "start_server && kill -TERM \$pid && wait \$pid"
t "remove (dpkg -r)" "dpkg -r canhgac-server canhgac-agent canhgac"
t "remove took the program and units away" \
	"! [ -e /usr/bin/canhgac ] && ! [ -e /lib/systemd/system/canhgac-server.service ] && ! [ -e /usr/share/canhgac ]"
t "remove kept the configuration and the database" \
	"[ -f /etc/canhgac/canhgac.ini ] && [ -f /var/lib/canhgac/canhgac.db ] && dpkg-query -W -f='\${db:Status-Status}' canhgac-server | grep -q config-files"
t "purge (dpkg -P)" "dpkg -P canhgac-server canhgac-agent canhgac"
t "purge left nothing: no /etc/canhgac, /var/lib/canhgac, unit links, dpkg record" \
	"! [ -e /etc/canhgac ] && ! [ -e /var/lib/canhgac ] && ! [ -e /etc/systemd/system/multi-user.target.wants/canhgac-server.service ] && ! dpkg-query -W canhgac-server 2>/dev/null"
t "reinstall after purge works (same user reused)" "dpkg -i $T/cur/*.deb && [ \$(id -u canhgac) = $uid_before ]"
INSIDE

up=$w/upper work=$w/work m=$w/root
mkdir -p "$up" "$work" "$m"
t0=$SECONDS
inside=$(unshare -m --propagation private bash -c '
	set -e
	mount -t overlay overlay -o "lowerdir=/,upperdir=$1,workdir=$2" "$3"
	mount -t proc proc "$3/proc"
	mount --rbind /dev "$3/dev"
	mount -t tmpfs tmpfs "$3/tmp"
	mount -t tmpfs tmpfs "$3/run"
	mkdir -p "$3/canhgac-test"
	cp -r "$4/prev" "$4/cur" "$3/canhgac-test/"
	exec chroot "$3" /bin/bash < "$4/inside.sh"
' _ "$up" "$work" "$m" "$w" 2>&1)
while IFS= read -r line; do
	case "$line" in
	"ok - "*) ok "${line#ok - }" ;;
	"not ok - "*) not_ok "${line#not ok - }" ;;
	*) echo "# $line" ;;
	esac
done <<<"$inside"
diag "throwaway root: $((SECONDS - t0)) s"
check "the machine itself is untouched (no canhgac user, no /etc/canhgac)" \
	bash -c '! getent passwd canhgac >/dev/null && ! [ -e /etc/canhgac ] && ! dpkg-query -W canhgac >/dev/null 2>&1'
done_testing
