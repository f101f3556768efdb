#!/usr/bin/env bash
# bench/backup.sh - `canhgac backup` and `canhgac restore` of a SQLite
# store against the same work done with the standard tools.
#
# In one run, on the same store (BENCH_EVENTS events, default 300,000,
# written straight into the server's own schema by sqlite3, plus a data
# directory of 200 blobs of 64 KiB of random bytes):
#   1. canhgac backup --out FILE (online backup, per-table counts and
#      checksums, SHA-256 of every member, zstd tar), then restore into an
#      empty directory (verify pass, extract pass with hashing, recount);
#   2. the anchor: `sqlite3 DB ".backup COPY"` then `tar --zstd -cf` of the
#      copy and the data directory; restore = `tar --zstd -xf`.
# Prints the seconds of each, the sizes of both files, and
# `ratio backup-vs-sqlite3-tar VALUE`, `ratio restore-vs-tar VALUE`
# (canhgac's throughput over the anchor's, bench/README.md: below 1 is
# slower). canhgac does more than the anchor (checksums of every row,
# SHA-256 of every member, a whole verify pass before a restore writes).
set -euo pipefail
cd "$(dirname "$0")/.."
make -s build >/dev/null
BIN=$PWD/build/canhgac
work=$(mktemp -d "${TMPDIR:-/tmp}/canhgac-bench-backup.XXXXXX")
trap 'rm -rf "$work"' EXIT
n=${BENCH_EVENTS:-300000}
data=$work/data
"$BIN" user add admin --role admin --generate --data-dir "$data" >/dev/null
sqlite3 "$data/canhgac.db" <<SQL
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < $n)
INSERT INTO events(producer, id, time, received_at, host, source, kind, severity, subject, summary, evidence)
SELECT 'bench', 'ev-' || i, 1764547200000 + i, 1764547200000 + i, '10.1.' || (i % 250) || '.' || (i % 200),
       'malware', 'webshell', i % 5, '/var/www/html/uploads/shell' || i || '.php',
       'Phát hiện web shell số ' || i, '{"rule":"php_webshell","sha256":"' || hex(randomblob(32)) || '"}'
FROM c;
SQL
mkdir -p "$data/blobs/sha256"
for i in $(seq 1 200); do
	head -c 65536 /dev/urandom >"$work/b"
	h=$(sha256sum "$work/b" | cut -c1-64)
	mkdir -p "$data/blobs/sha256/${h:0:2}"
	mv "$work/b" "$data/blobs/sha256/${h:0:2}/$h"
done
secs() { local t0 t1; t0=$(date +%s.%N); "$@" >/dev/null; t1=$(date +%s.%N); echo "$t1 - $t0" | bc -l; }

b_cg=$(secs "$BIN" backup --out "$work/cg.cgbk" --data-dir "$data")
r_cg=$(secs "$BIN" restore "$work/cg.cgbk" --data-dir "$work/restored")
anchor_backup() {
	sqlite3 "$data/canhgac.db" ".backup $work/copy.db"
	tar --zstd -cf "$work/anchor.tar.zst" -C "$work" copy.db -C "$data" blobs
}
b_an=$(secs anchor_backup)
mkdir "$work/anchor-restored"
r_an=$(secs tar --zstd -xf "$work/anchor.tar.zst" -C "$work/anchor-restored")
printf 'events %d, blobs 200 x 64 KiB\n' "$n"
printf 'backup:  canhgac %.2f s, sqlite3 .backup + tar --zstd %.2f s\n' "$b_cg" "$b_an"
printf 'restore: canhgac %.2f s (verify + extract + recount), tar -x %.2f s\n' "$r_cg" "$r_an"
printf 'size:    canhgac %d bytes, anchor %d bytes\n' "$(stat -c %s "$work/cg.cgbk")" "$(stat -c %s "$work/anchor.tar.zst")"
printf 'ratio backup-vs-sqlite3-tar %.2f\n' "$(echo "$b_an / $b_cg" | bc -l)"
printf 'ratio restore-vs-tar %.2f\n' "$(echo "$r_an / $r_cg" | bc -l)"
