#!/usr/bin/env bash
# make deb: build the Debian packages canhgac, canhgac-server and
# canhgac-agent from this tree (debian/, dpkg-buildpackage -us -uc -b) into
# build/deb/. The tree (tracked and new files, not ignored ones) is copied
# to build/deb/src/ so the build leaves the working tree and its parent
# directory alone. The packages are cached: when the copied tree has the
# same content hash as the one the packages in build/deb/ were built
# from, nothing is rebuilt (the test suite calls this on every run).
# FORCE=1 rebuilds anyway. Prints the paths of the .deb files.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$PWD/build/deb
version=$(dpkg-parsechangelog -S Version)
meson_version=$(sed -n "s/^  version : '\(.*\)',/\1/p" meson.build)
if [ "$version" != "$meson_version" ]; then
	echo "make-deb: debian/changelog says $version, meson.build says $meson_version" >&2
	exit 2
fi
src=$out/src/canhgac-$version
mkdir -p "$out"
rm -rf "$out/src"
mkdir -p "$src"
# tracked and untracked-but-not-ignored files that exist (deleted ones
# skipped), without what no package holds (tests, benchmarks, fuzzing):
# editing a test does not make the cached packages stale
git ls-files -z -co --exclude-standard | while IFS= read -r -d '' f; do
	case "$f" in tests/* | bench/* | fuzz/*) continue ;; esac
	[ -e "$f" ] || [ -L "$f" ] && printf '%s\0' "$f"
done | tar -c --null -T - -f - | tar -x -C "$src" -f -
key=$(cd "$src" && find . \( -type f -o -type l \) -print0 | sort -z |
	tar -c --no-recursion --mtime=@0 --owner=0 --group=0 --numeric-owner --null -f - -T - |
	sha256sum | cut -c1-32)
debs=("$out"/canhgac_"$version"_*.deb "$out"/canhgac-server_"$version"_all.deb
	"$out"/canhgac-agent_"$version"_all.deb)
if [ "${FORCE:-0}" != 1 ] && [ "$(cat "$out/tree.sha256" 2>/dev/null)" = "$key" ] &&
	ls "${debs[@]}" >/dev/null 2>&1; then
	echo "make-deb: packages of this tree are already built (FORCE=1 rebuilds)" >&2
	rm -rf "$out/src"
	printf '%s\n' "${debs[@]}"
	exit 0
fi
rm -f "$out"/*.deb "$out"/*.changes "$out"/*.buildinfo "$out/tree.sha256"
echo "make-deb: building canhgac $version in $src (log: $out/build.log)" >&2
if ! (cd "$src" && DEB_BUILD_OPTIONS="nocheck parallel=$(nproc)" \
	dpkg-buildpackage -us -uc -b) >"$out/build.log" 2>&1; then
	tail -40 "$out/build.log" >&2
	exit 2
fi
mv "$out"/src/*.deb "$out"/src/*.changes "$out"/src/*.buildinfo "$out"/
rm -rf "$out/src"
echo "$key" >"$out/tree.sha256"
debs=("$out"/canhgac_"$version"_*.deb "$out"/canhgac-server_"$version"_all.deb
	"$out"/canhgac-agent_"$version"_all.deb)
printf '%s\n' "${debs[@]}"
