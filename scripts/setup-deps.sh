#!/usr/bin/env bash
# Install every Debian package canhgac needs to build, test and benchmark.
# Idempotent: packages already installed are skipped, so a second run costs
# one dpkg query. Runs apt-get as root (or through sudo when available).
set -euo pipefail

# Build toolchain and libraries linked into the binary.
build_pkgs=(
  build-essential meson ninja-build pkg-config clang libclang-rt-14-dev
  clang-format
  libjansson-dev libsqlite3-dev sqlite3 libmicrohttpd-dev libgnutls28-dev
  libsodium-dev libcurl4-openssl-dev libxml2-dev libyara-dev libarchive-dev
  libpsl-dev libpcap-dev zlib1g-dev libutf8proc-dev libpoppler-glib-dev
  libgsf-1-dev libssl-dev libpq-dev libclamav-dev
  libyaml-dev libpcre2-dev
  libcairo2-dev libpango1.0-dev fonts-liberation2 libxlsxwriter-dev
)
# Tools the tests and benchmarks run against (anchors, real servers, browser).
test_pkgs=(
  python3 curl openssl ca-certificates nginx-light chromium nodejs npm
  yara clamav poppler-utils catdoc unzip zip p7zip-full time hyperfine
  libreoffice-writer-nogui libreoffice-calc-nogui iproute2 procps bc strace
  wamerican zstd
  softhsm2 gnutls-bin p11-kit
  postgresql-15 postgresql-client-15
  redis-server nmap
  rsyslog rsyslog-gnutls socat
  debhelper dpkg-dev lintian man-db groff-base systemd adduser
  antlr4 openjdk-17-jdk-headless
)

missing=()
for p in "${build_pkgs[@]}" "${test_pkgs[@]}"; do
  st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
  [ "$st" = installed ] || missing+=("$p")
done
# node and npm may come from outside Debian on some machines: accept those.
if command -v node >/dev/null && command -v npm >/dev/null; then
  keep=(); for p in "${missing[@]}"; do
    case "$p" in nodejs|npm) ;; *) keep+=("$p") ;; esac
  done; missing=("${keep[@]+"${keep[@]}"}")
fi
[ ${#missing[@]} -eq 0 ] && exit 0

SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
echo "setup: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
# The tests start a private PostgreSQL cluster (scripts/pg-test-cluster.sh):
# no system cluster is wanted from the server package, so postgresql-common
# goes first and is told not to create one.
case " ${missing[*]} " in *" postgresql-15 "*)
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends postgresql-common >&2
  $SUDO sed -ri 's/^#? *create_main_cluster *=.*/create_main_cluster = false/' \
    /etc/postgresql-common/createcluster.conf
  ;;
esac
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
