#!/usr/bin/env bash
# canhgac user add: password from stdin or generated, roles, agencies,
# errors; canhgac serve --routes and usage errors.
. "$(dirname "$0")/lib.sh"
d=$(tmpdir)

out=$(echo "first-password-1" | "$CANHGAC" user add alice --role admin --data-dir "$d" 2>&1); rc=$?
[ $rc -eq 0 ] && [[ $out == *"created user alice"* ]] && [[ $out != *password:* ]] \
	&& ok "user add reads the password from stdin" || { not_ok "user add reads the password from stdin"; diag "$out"; }
expect_rc 0 "user add --generate" "$CANHGAC" user add bob --role viewer --generate --data-dir "$d"
pw=$(printf '%s' "$out" | sed -n 's/^password: //p')
[ ${#pw} -ge 16 ] && ok "a generated password is printed once" || not_ok "a generated password is printed once"
expect_rc 0 "user add --json" "$CANHGAC" user add carol --role analyst --generate --json --data-dir "$d"
printf '%s' "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["username"]=="carol" and len(d["password"])>=16' \
	&& ok "--json output has the user and the generated password" || not_ok "--json output has the user and the generated password"
expect_rc 2 "a duplicate user is an error" sh -c "echo other-password-1 | '$CANHGAC' user add ALICE --role admin --data-dir '$d'"
[[ $err == *"already exists"* ]] && ok "the duplicate is named" || not_ok "the duplicate is named"
expect_rc 2 "a short password is refused" sh -c "echo short | '$CANHGAC' user add dave --role admin --data-dir '$d'"
expect_rc 2 "an unknown role is a usage error" "$CANHGAC" user add erin --role root --generate --data-dir "$d"
expect_rc 2 "an officer needs --agency" "$CANHGAC" user add frank --role officer --generate --data-dir "$d"
expect_rc 2 "an unknown agency is an error" "$CANHGAC" user add frank --role officer --agency nosuch --generate --data-dir "$d"
[[ $err == *"no such agency"* ]] && ok "the unknown agency is named" || not_ok "the unknown agency is named"
expect_rc 2 "user add without a name" "$CANHGAC" user add --role admin --data-dir "$d"
# the API's username rules hold on the command line too (api/users.h)
expect_rc 2 "a username the API refuses is refused" "$CANHGAC" user add "bad name;x" --role admin --generate --data-dir "$d"
[[ $err == *"username: 1-64 of"* ]] && ok "the refused username is explained" || { not_ok "the refused username is explained"; diag "$err"; }
expect_rc 2 "an overlong username is refused" "$CANHGAC" user add "$(printf 'a%.0s' $(seq 65))" --role admin --generate --data-dir "$d"
e=$d/never
expect_rc 2 "a refused user writes nothing" "$CANHGAC" user add "x/y" --role admin --generate --data-dir "$e"
[ ! -e "$e" ] && ok "no data directory is created for a refused user" || not_ok "no data directory is created for a refused user"
# db_query SQL: one value from the store the CLI wrote, on its backend
db_query() {
	if [ "${CANHGAC_TEST_BACKEND:-sqlite}" = postgresql ]; then
		psql -XAtq "$("$CANHGAC_SRC/tests/pg-store-wrap.sh" --url "$d")" -c "$1"
	else
		python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])" "$d/canhgac.db" "$1"
	fi
}
n=$(db_query 'select count(*) from users')
[ "$n" = 3 ] && ok "exactly the three good users exist" || not_ok "exactly the three good users exist ($n)"
a=$(db_query "select count(*) from audit where actor='cli' and action='create'")
[ "$a" = 3 ] && ok "each creation is audited as cli" || not_ok "each creation is audited as cli ($a)"
h=$(db_query "select pw_hash from users where username='alice'")
[[ $h == '$argon2id$'* ]] && ok "passwords are stored as argon2id hashes" || not_ok "passwords are stored as argon2id hashes"

expect_rc 0 "serve --routes" "$CANHGAC" serve --routes
[[ $out == *"POST   /api/v1/events"*ingest* ]] && ok "the route table names who may call each route" || not_ok "the route table names who may call each route"
expect_rc 2 "serve with a stray argument" "$CANHGAC" serve extra --data-dir "$d"
expect_rc 2 "--tls-cert without --tls-key" "$CANHGAC" serve --tls-cert x.pem --data-dir "$d"
expect_rc 2 "a missing certificate file" "$CANHGAC" serve --tls-cert "$d/none.pem" --tls-key "$d/none.key" --listen 127.0.0.1:0 --data-dir "$d"
[[ $err == *none.pem* ]] && ok "the missing certificate is named" || { not_ok "the missing certificate is named"; diag "$err"; }
done_testing
