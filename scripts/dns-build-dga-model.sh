#!/usr/bin/env bash
# Rebuild the DNS DGA model shipped in rules/dns/:
#   rules/dns/words.txt      word list for dictionary segmentation, from
#                            Debian's wamerican (/usr/share/dict/words):
#                            lower-case a-z words of 3 to 12 letters
#   rules/dns/dga-model.txt  weights, feature scaling, threshold and benign
#                            trigram counts, trained by `canhgac dns dga-train`
#                            on 80% of ../shared/data/dns (split by name hash)
#   docs/dns-dga-eval.md     precision/recall on the held-out 20%
#   docs/dns-client-eval.md  client-level flagging on the held-out names
#                            (scripts/dns-eval-clients.py)
# Usage: scripts/dns-build-dga-model.sh [DATA_DIR]   (after `make`)
set -euo pipefail
cd "$(dirname "$0")/.."
data=${1:-../shared/data/dns}
[ -d "$data" ] || data=/work/shared/data/dns
bin=build/canhgac
[ -x "$bin" ] || { echo "build first: make" >&2; exit 2; }
if [ -r /usr/share/dict/words ]; then
	LC_ALL=C grep -E '^[a-z]{3,12}$' /usr/share/dict/words | LC_ALL=C sort -u >rules/dns/words.txt
fi
benign=() dga=()
for f in "$data"/benign-*.txt; do benign+=(--benign "$f"); done
for f in "$data"/dga-*.txt; do dga+=(--dga "$f"); done
"$bin" dns dga-train --words rules/dns/words.txt --out rules/dns/dga-model.txt \
	--report docs/dns-dga-eval.md --heldout build/dns-heldout.txt "${benign[@]}" "${dga[@]}"
scripts/dns-eval-clients.py build/dns-heldout.txt >docs/dns-client-eval.md
cat docs/dns-dga-eval.md docs/dns-client-eval.md
