#!/usr/bin/env bash
# The man pages say what `canhgac help COMMAND` says (src/cmd/man.c): every
# page written by `help --man-dir` is rendered with man(1), must render
# without a groff warning, and must contain every line of the command's
# `help` output (its usage, summary, options and notes) as written. The
# pages are English (the text `help --lang en` prints) whatever the locale:
# `help` translates line by line through the catalogue (core/msg.h), the
# pages are written from the English fields.
. "$(dirname "$0")/lib.sh"
d=$(tmpdir)
expect_rc 0 "help --man-dir writes the pages" "$CANHGAC" help --man-dir "$d/man1"
pages=("$d"/man1/*.1)
ncmd=$("$CANHGAC" help --man | grep -c '^\.B canhgac ')
check "one page per command plus canhgac(1) (${#pages[@]} pages, $ncmd commands)" \
	test "${#pages[@]}" -eq $((ncmd + 1))

render() { # the page as a reader sees it, typographic characters made ASCII
	LC_ALL=C.UTF-8 MANWIDTH=250 man --warnings -E UTF-8 -l "$1" 2>"$d/warn" |
		sed -e 's/\xe2\x88\x92/-/g; s/\xe2\x80\x90/-/g; s/\xe2\x80\x98/'"'"'/g; s/\xe2\x80\x99/'"'"'/g' \
		    -e 's/^[[:space:]]*//; s/[[:space:]]*$//'
}

missing() { # missing PAGE CMD: the lines of `help CMD` not in PAGE
	local text line
	text=$(render "$1")
	# shellcheck disable=SC2086
	"$CANHGAC" help $2 --lang en | while IFS= read -r line; do
		line=$(sed 's/^[[:space:]]*//; s/[[:space:]]*$//' <<<"$line")
		case "$line" in "" | "common options:") continue ;; esac
		line=${line#usage: }
		grep -qF -- "$line" <<<"$text" || echo "$(basename "$1"): $line"
	done
}

bad_render=() bad_lines=() bad_same=()
for p in "${pages[@]}"; do
	cmd=$(sed -n 's/^\.\\" command: //p' "$p")
	text=$(render "$p")
	[ -s "$d/warn" ] && { bad_render+=("$(basename "$p")"); diag "$(head -3 "$d/warn")"; }
	if [ -z "$cmd" ]; then # canhgac(1) lists every command of the table
		for c in $(grep -o '^\.B canhgac .*' "$p" | sed 's/^\.B canhgac //; s/\\-/-/g; s/ /_/g'); do
			grep -qF "canhgac ${c//_/ }" <<<"$text" || bad_lines+=("canhgac.1: ${c//_/ }")
		done
		continue
	fi
	while IFS= read -r m; do [ -n "$m" ] && bad_lines+=("$m"); done < <(missing "$p" "$cmd")
	# shellcheck disable=SC2086
	cmp -s "$p" <("$CANHGAC" help --man $cmd) || bad_same+=("$cmd")
done
check "every page renders without a warning" test ${#bad_render[@]} -eq 0
[ ${#bad_render[@]} -eq 0 ] || diag "${bad_render[@]}"
check "every line of 'canhgac help COMMAND' is in its man page" test ${#bad_lines[@]} -eq 0
[ ${#bad_lines[@]} -eq 0 ] || diag "${bad_lines[@]:0:10}"
check "'help --man COMMAND' prints the page --man-dir wrote" test ${#bad_same[@]} -eq 0

# the pages do not follow the locale (a package built under LANG=vi_VN
# installs the same English pages), while `help` itself does
cmp -s <(LANG=vi_VN.UTF-8 "$CANHGAC" help --man serve) "$d/man1/canhgac-serve.1" &&
	cmp -s <("$CANHGAC" help --man --lang vi) "$d/man1/canhgac.1" &&
	ok "man pages are English under LANG=vi_VN and --lang vi" ||
	not_ok "man pages are English under LANG=vi_VN and --lang vi"
vi=$("$CANHGAC" help serve --lang vi)
grep -qF -- "-c, --config FILE       các tùy chọn này từ tệp INI" <<<"$vi" &&
	! grep -qF -- "these options from an INI file" <<<"$vi" &&
	ok "help serve --lang vi translates the --config lines the man page has in English" ||
	not_ok "help serve --lang vi translates the --config lines the man page has in English"

# the check itself can fail: a page that lost an option line is reported
grep -v 'print the route table' "$d/man1/canhgac-serve.1" >"$d/stale.1"
m=$(missing "$d/stale.1" serve)
check "a page missing a line of 'help' is noticed" grep -qF -- "--routes" <<<"$m"
text=$(render "$d/man1/canhgac-serve.1")
grep -qF -- "--tls-cert FILE         PEM certificate (with --tls-key); without them a" <<<"$text" &&
	ok "option lines keep their spacing and ASCII hyphens" || not_ok "option lines keep their spacing and ASCII hyphens"
expect_rc 2 "--man-dir with a COMMAND is a usage error" "$CANHGAC" help --man-dir "$d/x" serve
done_testing
