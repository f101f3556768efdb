#!/usr/bin/env bash
# Fails when src/, tests/ or fuzz/ call a function the project bans: each has a bounded or
# strict replacement (cg_buf_printf, cg_slice_copy, cg_parse_i64, ...).
set -u
cd "$(dirname "$0")/.."
banned='strcpy|strcat|sprintf|vsprintf|gets|strtok|atoi|atol|sscanf'
hits=$(grep -rnE "\b($banned)\s*\(" --include='*.c' --include='*.h' src/ tests/ fuzz/ \
	| grep -vE '^\S+:[0-9]+:\s*(\*|//)' || true)
if [ -n "$hits" ]; then
	echo "banned functions used (use the bounded helpers):" >&2
	echo "$hits" >&2
	exit 1
fi
exit 0
