#!/usr/bin/env bash
# A private PostgreSQL cluster for tests and benchmarks: no system service,
# nothing outside DIR, nothing left behind after `stop`.
#
#   scripts/pg-test-cluster.sh start DIR   -> prints the admin URL
#                                             (postgresql://postgres@127.0.0.1:PORT/postgres)
#   scripts/pg-test-cluster.sh createdb DIR NAME -> prints NAME's URL
#   scripts/pg-test-cluster.sh stop DIR    -> stops the server, removes DIR
#
# The cluster runs as an unprivileged user (initdb refuses root): `nobody`
# when we are root, ourselves otherwise. It listens on 127.0.0.1 on a free
# port and on a socket in DIR/sock; trust authentication, since only
# loopback can reach it and it lives for one test run. PG_DURABLE=1 keeps
# fsync on (benchmarks); tests turn it off, they never survive a power cut.
set -euo pipefail
cmd=${1:-}; dir=${2:-}
[ -n "$cmd" ] && [ -n "$dir" ] || { echo "usage: $0 start|stop|createdb DIR [NAME]" >&2; exit 2; }
PGBIN=${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}
[ -x "$PGBIN/initdb" ] || { echo "$0: PostgreSQL server not installed (scripts/setup-deps.sh)" >&2; exit 2; }

as_owner() {
	if [ "$(id -u)" -eq 0 ]; then runuser -u nobody -- "$@"; else "$@"; fi
}

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

case "$cmd" in
start)
	mkdir -p "$dir"
	dir=$(cd "$dir" && pwd)
	[ "$(id -u)" -eq 0 ] && chown nobody "$dir"
	chmod 0700 "$dir"
	as_owner "$PGBIN/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 \
		>"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
	as_owner mkdir -p "$dir/sock"
	fsync=off
	[ "${PG_DURABLE:-0}" = 1 ] && fsync=on
	for attempt in 1 2 3 4 5; do
		port=$(free_port)
		if as_owner "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start \
			-o "-k $dir/sock -h 127.0.0.1 -p $port -c fsync=$fsync -c full_page_writes=$fsync -c max_connections=300" \
			>/dev/null 2>&1; then
			echo "postgresql://postgres@127.0.0.1:$port/postgres" >"$dir/url"
			cat "$dir/url"
			exit 0
		fi
	done
	tail -20 "$dir/server.log" >&2
	exit 1
	;;
createdb)
	name=${3:?database name}
	url=$(cat "$dir/url")
	psql -X -q -v ON_ERROR_STOP=1 "$url" -c "CREATE DATABASE \"$name\" TEMPLATE template0 ENCODING 'UTF8'" >/dev/null
	echo "${url%/postgres}/$name"
	;;
stop)
	if [ -d "$dir/data" ]; then
		as_owner "$PGBIN/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
	fi
	rm -rf "$dir"
	;;
*)
	echo "usage: $0 start|stop|createdb DIR [NAME]" >&2; exit 2 ;;
esac
