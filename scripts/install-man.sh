#!/bin/sh
# meson install step: the man pages, written by the freshly built program
# from its own help text (`canhgac help --man-dir`, src/cmd/man.c), into
# DESTDIR/PREFIX/MANDIR/man1. Arguments: the built canhgac, the mandir.
set -eu
exe=$1 mandir=$2
case $exe in /*) ;; *) exe=$MESON_BUILD_ROOT/$exe ;; esac
case $mandir in /*) dir=${DESTDIR:-}$mandir ;; *) dir=$MESON_INSTALL_DESTDIR_PREFIX/$mandir ;; esac
"$exe" help --man-dir "$dir/man1"
