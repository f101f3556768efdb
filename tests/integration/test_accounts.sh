#!/usr/bin/env bash
# The account audit on a fixture root (_accounts_fixture.py): each finding
# the issue lists, and none where there should be none.
. "$(dirname "$0")/lib.sh"
T=$(tmpdir)
NOW=1795000000   # 2026-11-18T07:46:40Z
python3 "$(dirname "$0")/_accounts_fixture.py" "$T/root" $NOW
D=$T/data
run() { "$CANHGAC" audit accounts --root "$T/root" --data-dir "$D" --now 2026-11-18T07:46:40Z --json "$@"; }
out=$(run 2>"$T/err"); rc=$?
check "exit 2: a bad line was reported (findings still printed)" test $rc -eq 2
check "the broken passwd line is reported with file and line" grep -q "etc/passwd:13: not a passwd line" "$T/err"
has() { # has KIND SUBJECT
	printf '%s\n' "$out" | python3 -c '
import json,sys
k,s=sys.argv[1],sys.argv[2]
for l in sys.stdin:
    d=json.loads(l)
    if d.get("kind")==k and d.get("subject")==s and d["source"]=="accounts": sys.exit(0)
sys.exit(1)' "$1" "$2"
}
expect() { if has "$1" "$2"; then ok "$1 $2"; else not_ok "$1 $2"; fi; }
expect_not() { if has "$1" "$2"; then not_ok "no $1 $2"; else ok "no $1 $2"; fi; }
expect uid0_account toor
expect_not uid0_account root
expect duplicate_uid "uid 1001"
expect empty_password emptyguy
expect password_too_old bob
expect_not password_too_old alice
expect password_never_expires root
expect_not password_never_expires alice
expect account_unused bob
expect_not account_unused alice
expect_not account_unused dave
expect account_unused erin
expect default_account_name admin
expect_not default_account_name olduser
expect_not account_unused olduser
expect sudo_all "%sudo"
expect_not sudo_all root
expect sudo_nopasswd www-data
expect sudo_nopasswd carol
expect_not sudo_nopasswd evil
expect failed_login_burst 203.0.113.5
expect_not failed_login_burst 198.51.100.7
expect failed_login_burst root
expect authorized_keys alice
if printf '%s\n' "$out" | grep '"kind":"failed_login_burst"' | grep -q '"max_in_window":6'; then ok "burst evidence counts 6 in the window"; else not_ok "burst evidence counts 6 in the window"; fi
if printf '%s\n' "$out" | grep '"kind":"sudo_all"' | grep -q '"group_members":\["alice","admin"\]'; then ok "sudo group rule lists the members"; else not_ok "sudo group rule lists the members"; fi
if printf '%s\n' "$out" | tail -1 | grep -q '"summary"'; then ok "summary object last"; else not_ok "summary object last"; fi

# second audit: a key added to alice, one to bob -> high findings; nothing
# else about keys
echo 'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQCattacker attacker@evil' >>"$T/root/home/alice/.ssh/authorized_keys"
mkdir -p "$T/root/home/bob/.ssh"; echo 'command="/bin/x" ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBob bob@pc' >"$T/root/home/bob/.ssh/authorized_keys"
out=$(run 2>/dev/null)
expect authorized_key_added alice
expect authorized_key_added bob
expect_not authorized_keys alice
n=$(printf '%s\n' "$out" | grep -c '"kind":"authorized_key_added"')
check "exactly two added keys" test "$n" -eq 2
# a comment edit is not a new key; removing one is reported
sed -i 's/alice@laptop/alice@newlaptop/' "$T/root/home/alice/.ssh/authorized_keys"
sed -i '/attacker/d' "$T/root/home/alice/.ssh/authorized_keys"
out=$(run 2>/dev/null)
expect_not authorized_key_added alice
expect authorized_key_removed alice

# a clean root: no findings, exit 0
C=$T/clean; mkdir -p "$C/etc"
printf 'root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1::/:/usr/sbin/nologin\n' >"$C/etc/passwd"
printf 'root:!:20000:0:90:7:::\ndaemon:*:20000:0:99999:7:::\n' >"$C/etc/shadow"
expect_rc 0 "a clean root exits 0" "$CANHGAC" audit accounts --root "$C" --data-dir "$T/d2"
mkdir -p "$T/nothing"
expect_rc 2 "a root with no passwd exits 2" "$CANHGAC" audit accounts --root "$T/nothing" --data-dir "$T/d3"
case "$err" in *"nothing/etc/passwd"*) ok "the missing file is named" ;; *) not_ok "the missing file is named"; diag "$err" ;; esac
expect_rc 2 "a --root that does not exist is a usage error" "$CANHGAC" audit accounts --root "$T/no-such-root" --data-dir "$T/d5"
[ ! -e "$T/d5" ] && ok "... and nothing is written" || not_ok "... and nothing is written"
expect_rc 2 "table output without --json (exit 2: the bad passwd line)" "$CANHGAC" audit accounts --root "$T/root" --data-dir "$T/d4" --now 2026-11-18T07:46:40Z
case "$out" in *SEVERITY*uid0_account*toor*) ok "table lists findings" ;; *) not_ok "table lists findings" ;; esac
done_testing
