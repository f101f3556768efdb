#!/usr/bin/env bash
# Cross-build the libraries of the Windows agent (docs/windows.md) from
# Debian's own source packages, into a cached prefix.
#
#   scripts/win-deps.sh            toolchain + libraries into build-win/deps
#   scripts/win-deps.sh --wine     also wine64 (the Windows tests run under it)
#   scripts/win-deps.sh --msi      also wixl and msitools (the MSI: win/canhgac-agent.wxs)
#   scripts/win-deps.sh --print-prefix   the prefix, nothing else
#
# What it does, in order, each step skipped when already done:
#   0. the prefix: ${XDG_CACHE_HOME:-~/.cache}/canhgac/win-deps, or
#      $CANHGAC_WIN_DEPS (rm -rf it to rebuild everything);
#   1. installs mingw-w64 (the POSIX-threads gcc: winpthreads gives the
#      engines their pthreads), dpkg-dev and the autotools with apt-get;
#   2. adds a deb-src entry mirroring the machine's own deb entries when
#      apt has none (apt-get source needs one), and runs apt-get update;
#   3. reads the source versions apt would fetch (apt-cache showsrc, local)
#      and hashes them with this script and the compiler's version into a
#      key; when PREFIX/.key holds that key it stops there, so a rerun
#      costs a few dpkg/apt-cache queries;
#   4. otherwise fetches each source with `apt-get source` (Debian's
#      patches applied) and builds it static, for x86_64-w64-mingw32:
#      only the files canhgac.exe and its tests link, the four autotools
#      libraries side by side, each logged to build-win/deps-NAME.log
#      (about 4 min from scratch on 2 busy cores; docs/windows.md, Cost).
#
# The libraries: zlib, jansson, utf8proc, libarchive (zlib only: the
# containers the scanners open), libsodium (bundle signatures) and libyara (from trixie, see below;
# without its OpenSSL-based
# hash/pe-signature code and without magic/cuckoo/dotnet: the shipped rules
# import no module). OpenSSL is not cross-built: digests come from the
# Windows CNG (BCrypt) behind src/lib/platform/digest.h. The secrets
# engine's heavy readers (poppler with its C++/glib stack, libgsf with
# glib) are not cross-built either: on Windows, OLE2 compound files are read
# with the system's structured storage (StgOpenStorageEx) and PDF/Office
# text through IFilter, behind the same extraction interface (see
# docs/windows.md for which of these exist yet).
#
# Reproducible: fixed SOURCE_DATE_EPOCH, source paths mapped away with
# -ffile-prefix-map, deterministic archives (ar D), the same Debian source
# versions giving the same key.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
TRIPLE=x86_64-w64-mingw32
OUT=$ROOT/build-win
# The prefix is kept outside the work tree, so a fresh clone on the same
# machine (CI) finds it built; its .pc files are relocatable.
PREFIX=${CANHGAC_WIN_DEPS:-${XDG_CACHE_HOME:-$HOME/.cache}/canhgac/win-deps}
SRC=$OUT/deps-src

want_wine=0 want_msi=0
for a in "$@"; do
	case $a in
	--wine) want_wine=1 ;;
	--msi) want_msi=1 ;;
	--print-prefix) echo "$PREFIX"; exit 0 ;;
	*) echo "win-deps: unknown option '$a'" >&2; exit 2 ;;
	esac
done

SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive

# --- 1. packages --------------------------------------------------------
pkgs=(gcc-mingw-w64-x86-64-posix binutils-mingw-w64-x86-64 mingw-w64-x86-64-dev
	dpkg-dev autoconf automake libtool make pkg-config)
[ $want_wine = 1 ] && pkgs+=(wine64)
[ $want_msi = 1 ] && pkgs+=(wixl msitools) # wixl is its own package in Debian
missing=()
for p in "${pkgs[@]}"; do
	st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$st" = installed ] || missing+=("$p")
done
updated=0
if [ ${#missing[@]} -gt 0 ]; then
	echo "win-deps: installing ${missing[*]}" >&2
	$SUDO apt-get update -qq
	updated=1
	$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi
# The POSIX-threads variant of the compiler: the win32-threads one has no
# <pthread.h> the engines can use.
if [ "$(readlink -f "$(command -v $TRIPLE-gcc)")" != "$(readlink -f /usr/bin/$TRIPLE-gcc-posix)" ]; then
	$SUDO update-alternatives --set $TRIPLE-gcc /usr/bin/$TRIPLE-gcc-posix >&2 || true
fi

# --- 2. deb-src ---------------------------------------------------------
has_src() {
	grep -rqsE '^(Types:.*deb-src|deb-src )' /etc/apt/sources.list /etc/apt/sources.list.d/
}
if ! has_src; then
	echo "win-deps: adding deb-src entries (apt-get source needs them)" >&2
	if [ -f /etc/apt/sources.list.d/debian.sources ]; then
		sed -E 's/^Types: deb$/Types: deb-src/' /etc/apt/sources.list.d/debian.sources |
			$SUDO tee /etc/apt/sources.list.d/canhgac-deb-src.sources >/dev/null
	else
		grep -hE '^deb ' /etc/apt/sources.list | sed 's/^deb /deb-src /' |
			$SUDO tee /etc/apt/sources.list.d/canhgac-deb-src.list >/dev/null
	fi
	updated=0
fi
srcvers() { apt-cache showsrc "$1" 2>/dev/null | sed -n 's/^Version: //p' | sort -uVr; }
srcver() { srcvers "$1" | head -1; }
if [ -z "$(srcver zlib)" ] && [ $updated = 0 ]; then
	$SUDO apt-get update -qq
fi

# --- 3. the key ---------------------------------------------------------
# yara comes from trixie's source package, read through apt with a list of
# its own (build-win/apt-yara, the machine's sources untouched): Debian's
# mirror here serves bookworm's yara .dsc (4.2.3-4) but 404s its
# orig.tar.gz and debian.tar.xz, while trixie's yara is served whole.
# Trixie's version (4.5.x) is a newer release of the same library; the
# Windows build asks nothing of libyara that 4.2 lacks.
YSUITE=trixie
YAPT=$OUT/apt-yara
yapt_opts=(-o "Dir::Etc::sourcelist=$YAPT/sources.list" -o Dir::Etc::sourceparts=-
	-o "Dir::State::Lists=$YAPT/lists" -o "Dir::Cache=$YAPT/cache" -o APT::Get::List-Cleanup=0)
yapt_ready() {
	mkdir -p "$YAPT"/lists/partial "$YAPT"/cache/archives/partial
	local want="deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $(
		sed -n 's/^URIs: *\(.*debian\)$/\1/p;s/^deb-src \(http[^ ]*debian\) .*/\1/p' \
			/etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null | head -1) $YSUITE main"
	if [ "$(cat "$YAPT/sources.list" 2>/dev/null)" != "$want" ] || ! ls "$YAPT"/lists/*Sources* >/dev/null 2>&1; then
		echo "$want" >"$YAPT/sources.list"
		echo "win-deps: reading $YSUITE's source index for yara" >&2
		apt-get "${yapt_opts[@]}" update -qq >&2
	fi
}
yapt_ready
srcvers_yara() { apt-cache "${yapt_opts[@]}" showsrc yara 2>/dev/null | sed -n 's/^Version: //p' | sort -uVr; }
SOURCES=(zlib jansson utf8proc libarchive yara libsodium)
declare -A VER
keytext="$(sha256sum "$0" | cut -d' ' -f1) $($TRIPLE-gcc -dumpversion)"
for s in "${SOURCES[@]}"; do
	if [ "$s" = yara ]; then VER[$s]=$(srcvers_yara | head -1); else VER[$s]=$(srcver "$s"); fi
	[ -n "${VER[$s]}" ] || { echo "win-deps: apt knows no source package '$s'" >&2; exit 1; }
	keytext+=" $s=${VER[$s]}"
done
key=$(printf '%s' "$keytext" | sha256sum | cut -d' ' -f1)
if [ "$(cat "$PREFIX/.key" 2>/dev/null)" = "$key" ]; then
	exit 0
fi

# --- 4. build -----------------------------------------------------------
t0=$SECONDS
rm -rf "$SRC"
mkdir -p "$PREFIX"/{lib,include,bin} "$SRC"
rm -f "$PREFIX/.key"
export SOURCE_DATE_EPOCH=1700000000
CFLAGS="-O2 -g0 -ffile-prefix-map=$SRC=. -ffile-prefix-map=$PREFIX=."
export CC=$TRIPLE-gcc AR=$TRIPLE-ar RANLIB=$TRIPLE-ranlib ARFLAGS=crD
export PKG_CONFIG_LIBDIR=$PREFIX/lib/pkgconfig PKG_CONFIG_PATH=
JOBS=${JOBS:-$(nproc)}
LOG=$OUT/deps-build.log
: >"$LOG"
# fetch NAME: Debian's source package, unpacked with its patches, into
# $SRC; prints the unpacked directory and records the version built. The
# newest version apt lists comes first; when the archive cannot serve it
# (a security upload whose source the mirror lacks), the next one is tried.
fetch() {
	local v opts=()
	[ "$1" = yara ] && opts=("${yapt_opts[@]}")
	for v in $(if [ "$1" = yara ]; then srcvers_yara; else srcvers "$1"; fi); do
		if (cd "$SRC" && apt-get "${opts[@]}" source -qq --only-source "$1=$v" >>"$LOG" 2>&1); then
			echo "$1 $v" >>"$SRC/BUILT"
			find "$SRC" -mindepth 1 -maxdepth 1 -type d -name "$1-*" | head -1
			return 0
		fi
		echo "win-deps: $1 $v could not be fetched; trying an older version" >&2
	done
	echo "win-deps: apt-get source $1 failed (see $LOG)" >&2
	return 1
}
# built NAME: true when NAME was built into the prefix from the source
# version apt offers now, by this compiler (a package is rebuilt alone when
# its version moves; rm -rf build-win/deps rebuilds all).
# The stamp holds the version, the compiler's and the hash of the build's
# recipe (build_NAME below), so a changed list of files rebuilds that one.
stamp() { echo "${VER[$1]} $($CC -dumpversion) $(declare -f "build_$1" | sha256sum | cut -c1-16)"; }
built() {
	[ "$(cat "$PREFIX/.built-$1" 2>/dev/null)" = "$(stamp "$1")" ] &&
		grep -h "^$1 " "$PREFIX/.built-$1.v" >>"$SRC/BUILT"
}
done_() { stamp "$1" >"$PREFIX/.built-$1"; grep "^$1 " "$SRC/BUILT" >"$PREFIX/.built-$1.v"; }
step() { echo "win-deps: $1" >&2; }
# Debian builds these with dh_autoreconf (its patches touch configure.ac
# and Makefile.am, and three tarballs carry no configure script): so does
# this script, with the machine's autotools.
reconf() { autoreconf -fi; }
conf() { # autotools configure for the cross target, static only
	./configure --host=$TRIPLE --prefix="$PREFIX" --disable-shared --enable-static \
		--disable-dependency-tracking CFLAGS="$CFLAGS" "$@"
}
# objs DIR LIB LO...: compiles only the named libtool objects, with the
# package's own make rules (so its own flags), into PREFIX/lib/LIB.a.
# Static linking takes from a library only the objects a program calls;
# compiling the others is the bulk of a full build and buys nothing. A
# new call into a part not listed fails the link of canhgac.exe with an
# undefined reference: add that part's file here.
objs() {
	local d=$1 lib=$2; shift 2
	make -C "$d" -j"$JOBS" "$@" &&
		(cd "$d" && $AR crD "$PREFIX/lib/$lib.a" "${@/%.lo/.o}")
}

# Each library builds in its own subshell, logging to build-win/deps-NAME.log;
# zlib first (libarchive's configure looks for it), then the four autotools
# builds side by side, so one's serial configure overlaps another's make.
run() { # NAME DIR: build_NAME DIR into its log, recorded as built when it succeeds
	local log=$OUT/deps-$1.log t=$SECONDS
	if ! "build_$1" "$2" >"$log" 2>&1; then
		echo "win-deps: $1 failed; the end of $log:" >&2
		tail -30 "$log" >&2
		return 1
	fi
	done_ "$1"
	step "$1 built in $((SECONDS - t))s"
}

build_zlib() {
	local d=$1
	# Debian's tarball has no win32/ (removed as non-free build files): the
	# library is its fifteen C files, compiled here.
	(cd "$d" && for f in adler32 compress crc32 deflate gzclose gzlib gzread gzwrite infback \
		inffast inflate inftrees trees uncompr zutil; do
		$CC $CFLAGS -c $f.c -o $f.o || exit 1
	done && $AR crD "$PREFIX/lib/libz.a" ./*.o && cp zlib.h zconf.h "$PREFIX/include/") || return 1
	mkdir -p "$PREFIX/lib/pkgconfig"
	cat >"$PREFIX/lib/pkgconfig/zlib.pc" <<-EOF
	prefix=$PREFIX
	libdir=\${prefix}/lib
	includedir=\${prefix}/include
	Name: zlib
	Description: zlib compression library
	Version: $(sed -n 's/^zlib [0-9]*:*\([0-9.]*\).*/\1/p' "$SRC/BUILT")
	Libs: -L\${libdir} -lz
	Cflags: -I\${includedir}
	EOF
}

build_utf8proc() {
	local d=$1
	# Two C files; its Makefile wants a shared library too, so compile by hand.
	(cd "$d" && $CC $CFLAGS -DUTF8PROC_STATIC -c utf8proc.c -o utf8proc.o &&
		$AR crD "$PREFIX/lib/libutf8proc.a" utf8proc.o && cp utf8proc.h "$PREFIX/include/") || return 1
	mkdir -p "$PREFIX/lib/pkgconfig"
	cat >"$PREFIX/lib/pkgconfig/libutf8proc.pc" <<-EOF
	prefix=$PREFIX
	libdir=\${prefix}/lib
	includedir=\${prefix}/include
	Name: libutf8proc
	Description: UTF-8 processing library
	Version: $(sed -n 's/^utf8proc \([0-9.]*\).*/\1/p' "$SRC/BUILT")
	Libs: -L\${libdir} -lutf8proc
	Cflags: -I\${includedir} -DUTF8PROC_STATIC
	EOF
}

# jansson: twelve small files, all of which the agent uses.
build_jansson() {
	(cd "$1" && reconf && conf && make -j"$JOBS" install)
}

# libarchive: the read side of the containers src/lib/fs/archive.c opens
# (zip, 7z, rar, rar5, tar, raw; gzip and the other filters, zlib the only
# codec linked: the rest would run an external program, which the agent
# does not have), and the write side tests/unit/fs/test_archive.c makes
# its archives with (archive_write_set_format.c's table pulls in every
# writer): 58 of its 127 files; no bsdtar/bsdcpio/bsdcat.
build_libarchive() {
	(cd "$1" && reconf && conf --without-openssl --without-xml2 --without-expat --without-lzma \
			--without-zstd --without-bz2lib --without-lz4 --without-iconv --without-libb2 \
			--without-nettle --without-cng --disable-bsdtar --disable-bsdcpio --disable-bsdcat \
			--disable-acl --disable-xattr CPPFLAGS="-I$PREFIX/include" LDFLAGS="-L$PREFIX/lib" &&
			make install-includeHEADERS install-pkgconfigDATA) &&
		objs "$1" libarchive $(for f in acl blake2s_ref blake2sp_ref check_magic cmdline \
			cryptor entry entry_sparse entry_xattr hmac ppmd7 ppmd8 rb read \
			read_add_passphrase read_open_memory read_support_filter_bzip2 \
			read_support_filter_gzip read_support_filter_program read_support_filter_xz \
			read_support_filter_zstd read_support_format_7zip read_support_format_rar \
			read_support_format_rar5 read_support_format_raw read_support_format_tar \
			read_support_format_zip string string_sprintf util version_details virtual \
			windows digest options random write write_add_filter_gzip write_open_memory \
			write_set_format write_set_format_7zip write_set_format_cpio \
			write_set_format_cpio_binary write_set_format_cpio_newc \
			write_set_format_cpio_odc write_set_format_gnutar write_set_format_iso9660 \
			write_set_format_mtree write_set_format_pax write_set_format_raw \
			write_set_format_shar write_set_format_ustar write_set_format_warc \
			write_set_format_xar write_set_format_zip write_set_options \
			write_set_passphrase; do echo libarchive/archive_$f.lo; done) \
		libarchive/filter_fork_windows.lo
}

# libyara: no crypto (its OpenSSL-based hash module and PE signature
# parsing are left out: --without-crypto), no magic (libmagic), cuckoo
# (jansson reports) or dotnet module; the shipped rules import none.
# Built: pe (without Authenticode signatures), elf, math, time, string,
# console, tests, and hash, which yara's configure puts on the Windows
# CryptoAPI (wincrypt.h) once OpenSSL is off. The library only, not the
# yara and yarac programs.
build_yara() {
	(cd "$1" && reconf &&
		conf --without-crypto --disable-magic --disable-cuckoo --disable-dotnet &&
		make -j"$JOBS" libyara.la &&
		make install-libLTLIBRARIES install-includeHEADERS install-yaraincludeHEADERS \
			install-nodist_pkgconfigDATA)
}

# libsodium: the Ed25519 signatures of rule bundles (bundle/bundle.c),
# SHA-256 and base64, as on Linux: those, sodium_init's choice of
# implementations (it looks at the CPU for each primitive it picks
# among) and what they call: 42 of its 102 files.
build_libsodium() {
	(cd "$1" && reconf && conf --disable-pie && make -C src/libsodium/include install &&
		make install-pkgconfigDATA) &&
		objs "$1/src/libsodium" libsodium $(for f in \
			crypto_core/ed25519/ref10/libsodium_la-ed25519_ref10 \
			crypto_core/salsa/ref/libsodium_la-core_salsa_ref \
			crypto_generichash/blake2b/ref/libavx2_la-blake2b-compress-avx2 \
			crypto_generichash/blake2b/ref/libsodium_la-blake2b-compress-ref \
			crypto_generichash/blake2b/ref/libsodium_la-blake2b-ref \
			crypto_generichash/blake2b/ref/libsodium_la-generichash_blake2b \
			crypto_generichash/blake2b/ref/libsse41_la-blake2b-compress-sse41 \
			crypto_generichash/blake2b/ref/libssse3_la-blake2b-compress-ssse3 \
			crypto_hash/sha256/cp/libsodium_la-hash_sha256_cp \
			crypto_hash/sha512/cp/libsodium_la-hash_sha512_cp \
			crypto_onetimeauth/poly1305/donna/libsodium_la-poly1305_donna \
			crypto_onetimeauth/poly1305/libsodium_la-onetimeauth_poly1305 \
			crypto_onetimeauth/poly1305/sse2/libsse2_la-poly1305_sse2 \
			crypto_pwhash/argon2/libavx2_la-argon2-fill-block-avx2 \
			crypto_pwhash/argon2/libavx512f_la-argon2-fill-block-avx512f \
			crypto_pwhash/argon2/libsodium_la-argon2-core \
			crypto_pwhash/argon2/libsodium_la-argon2-fill-block-ref \
			crypto_pwhash/argon2/libsodium_la-blake2b-long \
			crypto_pwhash/argon2/libssse3_la-argon2-fill-block-ssse3 \
			crypto_scalarmult/curve25519/libsodium_la-scalarmult_curve25519 \
			crypto_scalarmult/curve25519/ref10/libsodium_la-x25519_ref10 \
			crypto_sign/ed25519/libsodium_la-sign_ed25519 \
			crypto_sign/ed25519/ref10/libsodium_la-keypair \
			crypto_sign/ed25519/ref10/libsodium_la-open \
			crypto_sign/ed25519/ref10/libsodium_la-sign \
			crypto_sign/libsodium_la-crypto_sign \
			crypto_stream/chacha20/dolbeau/libavx2_la-chacha20_dolbeau-avx2 \
			crypto_stream/chacha20/dolbeau/libssse3_la-chacha20_dolbeau-ssse3 \
			crypto_stream/chacha20/libsodium_la-stream_chacha20 \
			crypto_stream/chacha20/ref/libsodium_la-chacha20_ref \
			crypto_stream/salsa20/libsodium_la-stream_salsa20 \
			crypto_stream/salsa20/ref/libsodium_la-salsa20_ref \
			crypto_stream/salsa20/xmm6int/libavx2_la-salsa20_xmm6int-avx2 \
			crypto_stream/salsa20/xmm6int/libsse2_la-salsa20_xmm6int-sse2 \
			crypto_verify/sodium/libsodium_la-verify \
			randombytes/libsodium_la-randombytes \
			randombytes/sysrandom/libsodium_la-randombytes_sysrandom \
			sodium/libsodium_la-codecs sodium/libsodium_la-core sodium/libsodium_la-runtime \
			sodium/libsodium_la-utils sodium/libsodium_la-version; do echo "$f.lo"; done)
}

# Fetched one after the other (apt-get source writes into one directory),
# built side by side.
declare -A DIR
for s in "${SOURCES[@]}"; do
	built "$s" && continue
	step "fetching $s"
	DIR[$s]=$(fetch "$s")
done
for s in zlib utf8proc; do
	[ -n "${DIR[$s]:-}" ] || continue
	step "building $s"
	run "$s" "${DIR[$s]}" || exit 1
done
pids=()
for s in jansson libarchive yara libsodium; do
	[ -n "${DIR[$s]:-}" ] || continue
	step "building $s"
	run "$s" "${DIR[$s]}" &
	pids+=($!)
done
rc=0
for p in "${pids[@]}"; do wait "$p" || rc=1; done
[ $rc = 0 ] || exit 1

# Relocatable: the .pc files find the prefix from where they are.
sed -i "s|^prefix=.*|prefix=\${pcfiledir}/../..|" "$PREFIX"/lib/pkgconfig/*.pc
{
	echo "# Debian source packages cross-built by scripts/win-deps.sh"
	cat "$SRC/BUILT"
} >"$PREFIX/VERSIONS"
echo "$key" >"$PREFIX/.key"
rm -rf "$SRC"
echo "win-deps: built in $((SECONDS - t0))s into $PREFIX" >&2
