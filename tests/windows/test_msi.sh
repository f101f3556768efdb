#!/usr/bin/env bash
# The MSI (win/canhgac-agent.wxs, built by `make windows` with wixl): its
# tables read back with msiinfo (the file under Program Files\canhgac, the
# service canhgac-agent with automatic start and its command line, started
# at install and removed at uninstall, the Enroll custom action with the
# SERVER/TOKEN/PIN/BUNDLEKEY properties, the launch condition, the secure
# and hidden properties, every rules/malware file); then, under Wine's msiexec (in a Wine prefix of its own,
# msi_wine.py), that same MSI: a TOKEN without
# SERVER/PIN refused with nothing installed; an enrolment that fails
# (unreachable server) rolls the whole install back; against a real
# `canhgac serve` on 127.0.0.1 the Enroll action enrols, the service
# manager runs `agent service`, which heartbeats and reports a page
# planted in the policy's web root; `net stop` stops it cleanly;
# uninstall removes program and service and keeps the agent's data; the
# shipped rules are installed under Program Files\canhgac\rules and used by
# the installed program with the source tree out of reach, and BUNDLEKEY
# becomes the agent's bundle key (a signed bundle installed). TAP.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
MSI=$ROOT/build-win/canhgac-agent.msi
n=0 bad=0
ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; bad=1; fi; }
table() { msiinfo export "$MSI" "$1" 2>/dev/null | tail -n +4 | tr -d '\r'; }

[ -f "$MSI" ]; ok $? "make windows built $MSI"
table File | grep -qP '^CanhgacExe\tAgentExe\tcanhgac\.exe\t[0-9]+'
ok $? "File: canhgac.exe in the AgentExe component"
table Directory | grep -qP '^INSTALLDIR\tProgramFiles64Folder\tcanhgac$'
ok $? "Directory: Program Files\\canhgac"
# every shipped rule file, each in a component of its own under rules\malware
files=$(table File)
dirs=$(table Directory)
rd=$(echo "$dirs" | awk -F'\t' '$2 == "INSTALLDIR" && $3 == "rules" { print $1 }')
md=$(echo "$dirs" | awk -v p="$rd" -F'\t' '$2 == p && $3 == "malware" { print $1 }')
missing=0
for f in "$ROOT"/rules/malware/*; do
	echo "$files" | grep -qP "\t([^\t|]*\\|)?\Q$(basename "$f")\E\t$(stat -c %s "$f")\t" || { echo "# not in File: $f"; missing=1; }
done
[ -n "$md" ] && [ $missing = 0 ] &&
	[ "$(echo "$files" | grep -c '\.yar')" = "$(ls "$ROOT"/rules/malware | wc -l)" ]
ok $? "File/Directory: the shipped rules/malware files under INSTALLDIR\\rules\\malware"
si=$(table ServiceInstall)
echo "$si" | sed 's/^/# /'
# columns: id, name, display, type, start type, error control, ..., arguments
echo "$si" | grep -qP '^AgentService\tcanhgac-agent\tcanhgac agent\t16\t2\t1\t'
ok $? "ServiceInstall: canhgac-agent, own process, automatic start"
echo "$si" | grep -qF 'agent service --data-dir "[CommonAppDataFolder]canhgac\agent"'
ok $? "ServiceInstall: runs 'agent service' on ProgramData\\canhgac\\agent"
# Event bits: 1 start at install, 2|32 stop at install and uninstall, 128 remove at uninstall
table ServiceControl | grep -qP '^AgentServiceStart\tcanhgac-agent\t163\t'
ok $? "ServiceControl: started at install, stopped at both, removed at uninstall"
ca=$(table CustomAction)
echo "$ca" | grep -qF 'agent enroll --server "[SERVER]" --token "[TOKEN]" --pin "[PIN]" --bundle-key-text "[BUNDLEKEY]" --data-dir "[CommonAppDataFolder]canhgac\agent"'
ok $? "CustomAction Enroll: agent enroll with SERVER, TOKEN, PIN, BUNDLEKEY"
# 18 = exe from an installed file; +1024 deferred, +2048 no impersonation
echo "$ca" | grep -qP '^Enroll\t3090\tCanhgacExe\t'
ok $? "CustomAction Enroll: deferred, as LocalSystem, failure fails the install"
table InstallExecuteSequence | grep -qP '^Enroll\tTOKEN AND SERVER AND PIN AND NOT Installed\t'
ok $? "InstallExecuteSequence: Enroll on a first install with a token"
seq=$(table InstallExecuteSequence)
e=$(echo "$seq" | awk -F'\t' '$1 == "Enroll" { print $3 }')
f=$(echo "$seq" | awk -F'\t' '$1 == "InstallFiles" { print $3 }')
s=$(echo "$seq" | awk -F'\t' '$1 == "StartServices" { print $3 }')
[ -n "$e" ] && [ -n "$f" ] && [ -n "$s" ] && [ "$e" -gt "$f" ] && [ "$e" -lt "$s" ]
ok $? "Enroll runs after InstallFiles ($f) and before StartServices ($s): $e"
table Property | grep -qP '^SecureCustomProperties\t.*SERVER;PIN;TOKEN;BUNDLEKEY'
ok $? "Property: SERVER, PIN, TOKEN, BUNDLEKEY are secure (reach the elevated install)"
table Property | grep -qP '^MsiHiddenProperties\tTOKEN;BUNDLEKEY$'
ok $? "Property: TOKEN and BUNDLEKEY hidden from the log"
table LaunchCondition | grep -qF 'Installed OR NOT TOKEN OR (SERVER AND PIN)'
ok $? "LaunchCondition: a token needs SERVER and PIN"

# ---- under Wine: the same MSI installed, enrolled, run, stopped, removed
# (msi_wine.py, on the integration tests' helpers, continues the TAP count)
if [ ! -x "$ROOT/build/canhgac" ]; then
	echo "ok $((n + 1)) # SKIP the Wine cases need build/canhgac (the Linux server)"
	echo "1..$((n + 1))"
	exit $bad
fi
exec python3 "$ROOT/tests/windows/msi_wine.py" "$n" "$bad"
