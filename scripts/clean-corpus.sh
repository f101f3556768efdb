#!/usr/bin/env bash
# scripts/clean-corpus.sh DEST - the clean corpus of real web applications
# that the malware tests and the obfuscation detector are measured on:
# Debian 12's packages of the applications provincial portals run
# (WordPress, phpMyAdmin, Roundcube, DokuWiki, MediaWiki, Adminer,
# phpLDAPadmin), the PHP libraries they depend on, Tomcat's JSP examples
# and manager, Mono's ASP.NET examples, and a Perl library whose
# require_feature("http://...") once looked like a PHP include. Nobody
# here wrote any of it, so it is the honest test of "no false alarm on a
# real application".
#
# The .debs are fetched with `apt-get download` (no install, no root
# needed) into a cache (default build/deb-cache, $CLEAN_CORPUS_CACHE) so
# reruns do not touch the network; each is unpacked with `dpkg-deb -x`
# into DEST/<package>. Prints "PACKAGES FILES" on success; exits 2 when a
# package could not be fetched or unpacked (a missing corpus is a failed
# test, never a silently smaller one).
set -u
DEST=${1:?usage: clean-corpus.sh DEST}
SRC=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${CLEAN_CORPUS_CACHE:-$SRC/build/deb-cache}
PKGS=(
	wordpress phpmyadmin roundcube-core roundcube-plugins dokuwiki mediawiki adminer
	phpldapadmin
	libphp-simplepie libphp-phpmailer php-getid3 php-phpseclib php-phpseclib3 php-pear
	php-twig smarty3 php-guzzlehttp-guzzle php-guzzlehttp-psr7 php-symfony-console
	php-nikic-fast-route php-phpmyadmin-sql-parser php-phpmyadmin-motranslator
	php-google-recaptcha php-masterminds-html5 php-mail-mime php-net-smtp php-net-sieve
	php-geshi php-tcpdf php-composer-ca-bundle composer
	tomcat10-examples tomcat10-admin asp.net-examples mono-xsp4
	libxml-sax-perl
)
mkdir -p "$CACHE" "$DEST" || exit 2
missing=()
for p in "${PKGS[@]}"; do
	ls "$CACHE/${p}_"*.deb >/dev/null 2>&1 || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
	(cd "$CACHE" && apt-get download "${missing[@]}" >/dev/null 2>"$CACHE/download.err") || {
		echo "clean-corpus: apt-get download failed: $(tail -3 "$CACHE/download.err")" >&2
		exit 2
	}
fi
n=0
for p in "${PKGS[@]}"; do
	deb=$(ls "$CACHE/${p}_"*.deb 2>/dev/null | sort -V | tail -1)
	if [ -z "$deb" ] || ! dpkg-deb -x "$deb" "$DEST/$p"; then
		echo "clean-corpus: could not unpack $p" >&2
		exit 2
	fi
	n=$((n + 1))
done
# Symlinks into the rest of the system (WordPress links to its libraries
# under /usr/share/php) are not part of the corpus: scanners never follow
# them, and dangling ones would only be reported as skipped.
find "$DEST" -type l -delete
echo "$n $(find "$DEST" -type f | wc -l)"
