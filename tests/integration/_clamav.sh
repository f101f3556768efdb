# Shared by the ClamAV prefilter tests: the (file, signature) pairs each
# scanner finds, one "PATH: NAME" a line, sorted, so that they can be
# compared. Source it after lib.sh, with $D a scratch directory.
#   mine=$(pairs_canhgac DB PATH...)     (its JSON lines stay in $D/cg.out)
#   theirs=$(pairs_clamscan DB [-r] PATH...)
#   summary FIELD                         (of the last canhgac run)
: >"$D/empty.yar"
pairs_canhgac() {
	"$CANHGAC" scan malware --data-dir "$D/data" --no-cache --json --rules "$D/empty.yar" \
		--max-size 1099511627776 --clamav "$1" "${@:2}" >"$D/cg.out" 2>"$D/cg.err"
	python3 -c '
import json, sys
for l in open(sys.argv[1]):
    o = json.loads(l)
    if o.get("type") == "match": print(o["path"] + ": " + o["rule"])' "$D/cg.out" | sort
}
pairs_clamscan() {
	clamscan --no-summary --infected --scan-archive=no --heuristic-alerts=no \
		--max-filesize=1024M --max-scansize=1024M -d "$1" "${@:2}" 2>/dev/null | sed 's/ FOUND$//' | sort
}
summary() { tail -1 "$D/cg.out" | python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }
