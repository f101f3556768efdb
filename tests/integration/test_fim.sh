#!/usr/bin/env bash
# `canhgac fim scan`: baseline, then a planted web shell (mtime forged),
# an upload, a deletion; exit codes and JSON.
. "$(dirname "$0")/lib.sh"
T=$(tmpdir); W=$T/www; D=$T/data
mkdir -p "$W/uploads" "$W/img"
echo '<?php echo 1; ?>' >"$W/index.php"; echo png >"$W/img/a.png"
expect_rc 0 "first scan records the baseline" "$CANHGAC" fim scan "$W" --data-dir "$D"
case "$out" in *"baseline created: 2 files"*) ok "baseline message" ;; *) not_ok "baseline message"; diag "$out" ;; esac
expect_rc 0 "nothing changed: exit 0" "$CANHGAC" fim scan "$W" --data-dir "$D" --json
echo '<?php eval($_POST[0]); ?>' >"$W/uploads/up.php"; touch -r "$W/index.php" "$W/uploads/up.php"
echo pdf >"$W/uploads/doc.pdf"; rm "$W/img/a.png"
expect_rc 1 "a new script: exit 1" "$CANHGAC" fim scan "$W" --data-dir "$D" --json
if printf '%s\n' "$out" | python3 -c '
import json,sys
ev=[json.loads(l) for l in sys.stdin]
k={(e.get("kind"),e.get("subject","").rsplit("/",1)[-1]):e for e in ev if "kind" in e}
assert k[("script_added","up.php")]["severity"]=="high"
assert k[("file_added","doc.pdf")]["severity"]=="info"
assert ("file_removed","a.png") in k
s=ev[-1]["summary"]; assert s["alerts"]==1 and s["added"]==2 and s["removed"]==1
'; then ok "script alert high, upload info, removal, summary"; else not_ok "script alert high, upload info, removal, summary"; diag "$out"; fi
expect_rc 2 "a missing root is an error" "$CANHGAC" fim scan "$T/nope" --data-dir "$D"
done_testing
