#!/usr/bin/env bash
# Signed rule bundles: real Ed25519 keys, a real bundle directory; every
# refusal the issue names (unsigned, tampered byte, added file, wrong key,
# rollback) with its reason.
. "$(dirname "$0")/lib.sh"
T=$(tmpdir)
D=$T/data
expect_rc 0 "keygen" "$CANHGAC" bundle keygen "$T/k"
check "keys written, secret mode 0600" test "$(stat -c %a "$T/k.key")" = 600 -a -s "$T/k.pub"
"$CANHGAC" bundle keygen "$T/other" >/dev/null

mk_bundle() { # mk_bundle DIR
	mkdir -p "$1/yara" "$1/hashes"
	printf 'rule webshell_eval { strings: $a = "eval($_POST" condition: $a }\n' >"$1/yara/webshell.yar"
	printf 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 empty\n' >"$1/hashes/sha256.txt"
	printf 'nổ hũ\nnhà cái\n' >"$1/lexicon.txt"
}
B=$T/b1; mk_bundle "$B"
expect_rc 1 "a directory with no MANIFEST is refused" "$CANHGAC" bundle verify "$B" --key "$T/k.pub" --data-dir "$D"
expect_rc 0 "sign version 5" "$CANHGAC" bundle sign "$B" --key "$T/k.key" --version 5
check "MANIFEST lists every file with its SHA-256" grep -q "^file $(sha256sum "$B/lexicon.txt" | cut -c1-64) [0-9]* lexicon.txt$" "$B/MANIFEST"
expect_rc 0 "a signed bundle verifies" "$CANHGAC" bundle verify "$B" --key "$T/k.pub" --data-dir "$D"
case "$out" in *"valid, version 5"*) ok "verify names the version" ;; *) not_ok "verify names the version"; diag "$out" ;; esac

C=$T/c; cp -r "$B" "$C"; rm "$C/MANIFEST.sig"
expect_rc 1 "unsigned bundle refused" "$CANHGAC" bundle verify "$C" --key "$T/k.pub" --data-dir "$D"
case "$err" in *unsigned*) ok "reason: unsigned" ;; *) not_ok "reason: unsigned"; diag "$err" ;; esac

# flip one byte of one file, in the middle
C=$T/d; cp -r "$B" "$C"
python3 - "$C/yara/webshell.yar" <<'PY'
import sys; p=sys.argv[1]; b=bytearray(open(p,'rb').read()); b[len(b)//2]^=0x20; open(p,'wb').write(b)
PY
expect_rc 1 "one changed byte in a rule file refused" "$CANHGAC" bundle verify "$C" --key "$T/k.pub" --data-dir "$D"
case "$err" in *"yara/webshell.yar was changed"*) ok "reason names the tampered file" ;; *) not_ok "reason names the tampered file"; diag "$err" ;; esac

C=$T/e; cp -r "$B" "$C"; echo 'rule x { condition: true }' >"$C/yara/extra.yar"
expect_rc 1 "an added file refused" "$CANHGAC" bundle verify "$C" --key "$T/k.pub" --data-dir "$D"
case "$err" in *"extra.yar present but not in MANIFEST"*) ok "reason: not in manifest" ;; *) not_ok "reason: not in manifest"; diag "$err" ;; esac

C=$T/f; cp -r "$B" "$C"; sed -i 's/^version 5$/version 6/' "$C/MANIFEST"
expect_rc 1 "an edited manifest refused" "$CANHGAC" bundle verify "$C" --key "$T/k.pub" --data-dir "$D"
case "$err" in *"bad signature"*) ok "reason: bad signature" ;; *) not_ok "reason: bad signature"; diag "$err" ;; esac

C=$T/g; cp -r "$B" "$C"; rm "$C/lexicon.txt"
expect_rc 1 "a missing file refused" "$CANHGAC" bundle verify "$C" --key "$T/k.pub" --data-dir "$D"

C=$T/h; cp -r "$B" "$C"; ln -s /etc/passwd "$C/link"
expect_rc 1 "a symlink in the bundle refused" "$CANHGAC" bundle verify "$C" --key "$T/k.pub" --data-dir "$D"

expect_rc 1 "the wrong key refused" "$CANHGAC" bundle verify "$B" --key "$T/other.pub" --data-dir "$D"
case "$err" in *"signed by another key"*) ok "reason: another key" ;; *) not_ok "reason: another key"; diag "$err" ;; esac

# rollback: accept 5, sign an older 4 -> refused; a newer 7 accepted
expect_rc 0 "accept version 5" "$CANHGAC" bundle verify "$B" --key "$T/k.pub" --data-dir "$D" --accept
O=$T/old; mk_bundle "$O"; "$CANHGAC" bundle sign "$O" --key "$T/k.key" --version 4 >/dev/null
expect_rc 1 "an older version refused (rollback)" "$CANHGAC" bundle verify "$O" --key "$T/k.pub" --data-dir "$D" --json
case "$out" in *'"valid":false'*rollback*) ok "reason: rollback, in JSON" ;; *) not_ok "reason: rollback, in JSON"; diag "$out" ;; esac
N=$T/new; mk_bundle "$N"; "$CANHGAC" bundle sign "$N" --key "$T/k.key" --version 7 >/dev/null
expect_rc 0 "a newer version accepted" "$CANHGAC" bundle verify "$N" --key "$T/k.pub" --data-dir "$D" --accept
check "accepted version recorded" grep -qx 7 "$D/bundle/version"
expect_rc 2 "sign without --version is a usage error" "$CANHGAC" bundle sign "$B" --key "$T/k.key"
done_testing
