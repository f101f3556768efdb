#!/usr/bin/env bash
# The PostgreSQL pass of the test suites runs the real canhgac binary
# through this wrapper: each data directory gets a database of its own in
# the private test cluster (scripts/pg-test-cluster.sh), made on first use,
# and the command runs with CANHGAC_STORE naming it. So every test, shell,
# Python or browser, keeps its "fresh data dir = fresh store" isolation on
# PostgreSQL without knowing about it.
#
#   pg-store-wrap.sh REAL_BINARY ARGS...   runs REAL_BINARY ARGS...
#   pg-store-wrap.sh --url DATA_DIR        prints DATA_DIR's store URL
#
# Needs CANHGAC_PG_DIR (the cluster's directory, holding its url file).
set -euo pipefail
: "${CANHGAC_PG_DIR:?CANHGAC_PG_DIR is not set}"

data_dir_of() { # the --data-dir the command will use
	local dd=${CANHGAC_DATA_DIR:-./canhgac-data} prev=""
	for a in "$@"; do
		case "$a" in
		--data-dir=*) dd=${a#--data-dir=} ;;
		*) [ "$prev" = --data-dir ] && dd=$a ;;
		esac
		prev=$a
	done
	realpath -m -- "$dd"
}

db_url() { # db_url DATA_DIR: creates the database when new, prints its URL
	local name admin
	name=t_$(printf '%s' "$1" | sha256sum | cut -c1-24)
	admin=$(cat "$CANHGAC_PG_DIR/url")
	mkdir -p "$CANHGAC_PG_DIR/dbs"
	(
		flock 9
		if [ ! -e "$CANHGAC_PG_DIR/dbs/$name" ]; then
			# psql is a Perl wrapper in Debian: under a locale the
			# machine lacks (a test's LANG=vi_VN) it warns on stderr
			LC_ALL=C LANG=C psql -X -q -v ON_ERROR_STOP=1 "$admin" \
				-c "CREATE DATABASE $name TEMPLATE template0 ENCODING 'UTF8'" >/dev/null
			: >"$CANHGAC_PG_DIR/dbs/$name"
		fi
	) 9>"$CANHGAC_PG_DIR/dbs.lock"
	echo "${admin%/postgres}/$name"
}

if [ "${1:-}" = --url ]; then
	db_url "$(realpath -m -- "$2")"
	exit 0
fi
real=$1; shift
CANHGAC_STORE=$(db_url "$(data_dir_of "$@")")
export CANHGAC_STORE
exec "$real" "$@"
