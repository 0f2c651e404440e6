#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kmodlab under DKMS (dkms.conf), which rebuilds the modules whenever the
# board installs a new kernel.
#
#   source [DIR]  copy what DKMS builds from (Makefile, Kbuild, dkms.conf
#                 and the module folders Kbuild lists, without build
#                 output) to DIR/kmodlab-<version> (DIR: /usr/src)
#   install       on the board, as root: source, then 'dkms install' for
#                 the running kernel (it adds and builds first; a version
#                 added before is removed first, so new sources are built)
#   check KDIR    on this machine: 'dkms add', 'build' and 'install' for
#                 the kernel of KDIR (e.g. the cached arm64 headers), with
#                 every DKMS folder in $DKMS_CHECK_DIR: /usr/src,
#                 /var/lib/dkms and /lib/modules are not touched, nothing
#                 is loaded. Twice, as install twice: the second must build
#                 anew. Then checks each module of dkms.conf was built for
#                 that kernel (vermagic) and installed and indexed.
#
# Variables a user may override:
#   DKMS_CHECK_DIR  the scratch folder of 'check' (build/<kernel>/dkms)
#
# Usage: scripts/dkms.sh source [DIR] | install | check KDIR

set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$top/dkms.conf")

say() { printf 'dkms: %s\n' "$*" >&2; }
die() { printf 'dkms: error: %s\n' "$*" >&2; exit 1; }
usage() { sed -n '/^# Usage:/,/^$/s/^# \{0,1\}//p' "$0" >&2; exit 2; }

need_dkms() {
	command -v dkms >/dev/null ||
		die "dkms not found: sudo apt-get install --no-install-recommends dkms"
}

# The module folders, as the top-level Kbuild lists them.
folders() {
	sed -n 's|^obj-m *[:+]\{0,1\}= *||p' "$top/Kbuild" | tr ' ' '\n' |
		sed 's|/$||; /^$/d'
}

source_tree() {	# DIR: copy the sources to DIR/kmodlab-$version
	local dest=$1/kmodlab-$version

	rm -rf "$dest" && mkdir -p "$dest"
	# shellcheck disable=SC2046 # a list of folders
	tar -C "$top" -c --exclude='*.o' --exclude='*.ko' --exclude='*.mod' \
		--exclude='*.mod.c' --exclude='.*.cmd' --exclude=modules.order \
		--exclude=Module.symvers --exclude='*.a' \
		Makefile Kbuild dkms.conf $(folders) | tar -C "$dest" -x
	say "sources in $dest"
}

# add DKMS...: 'dkms add' kmodlab/$version with the dkms command DKMS...,
# removing it first when it is there: 'dkms install' skips a module it
# has built and installed for the kernel already, and would keep the old
# modules over new sources.
add() {
	if "$@" status -m kmodlab -v "$version" | grep -q .; then
		say "removing kmodlab/$version first, to build the sources anew"
		"$@" remove -m kmodlab -v "$version" --all
	fi
	"$@" add -m kmodlab -v "$version"
}

install() {
	need_dkms
	[ "$(id -u)" -eq 0 ] || die "run as root: sudo $0 install"
	source_tree /usr/src
	add dkms
	dkms install -m kmodlab -v "$version"
}

check() {
	local kdir=$1 dir release vermagic n=0 name ko dest

	# shellcheck source=scripts/lib/facts.sh
	. "$top/scripts/lib/facts.sh"
	dir=${DKMS_CHECK_DIR:-$KMODLAB_BUILD/dkms}
	need_dkms
	[ -r "$kdir/Makefile" ] || die "$kdir is not a kernel tree"
	# The release the tree builds for, as its modules' vermagic names it
	# (Debian's headers say 6.1.192 in kernel.release but build
	# 6.1.0-NN-arm64).
	release=$(sed -n 's/^#define UTS_RELEASE "\(.*\)"$/\1/p' \
		"$kdir/include/generated/utsrelease.h" 2>/dev/null) || release=
	[ -n "$release" ] || die "$kdir has no include/generated/utsrelease.h: not a configured kernel tree"
	rm -rf "$dir" && mkdir -p "$dir"/{src,tree,lib/modules/"$release"}
	source_tree "$dir/src"
	# DKMS would sign with a key it makes in /var/lib/dkms: make it here.
	# It runs its own make -jN, as on a board: not under this make's jobs;
	# MAKEFLAGS carries only the kernel's own make flags (e.g. 5.10's CC=)
	# to every make it runs.
	local dkms=(env -u MFLAGS -u MAKELEVEL MAKEFLAGS="${KMODLAB_MAKE_FLAGS-}"
		    mok_signing_key="$dir/mok.key" mok_certificate="$dir/mok.pub"
		    dkms --dkmstree "$dir/tree" --sourcetree "$dir/src"
		    --installtree "$dir/lib/modules")
	local target=(-m kmodlab -v "$version" -k "$release" -a "$ARCH"
		      --kernelsourcedir "$kdir")
	local built=$dir/tree/kmodlab/$version/$release/$ARCH/module round first
	# Twice, as make dkms-install twice on a board: the second builds anew.
	for round in 1 2; do
		say "dkms add, build, install kmodlab/$version for $release ($ARCH) from $kdir ($round of 2)"
		add "${dkms[@]}"
		"${dkms[@]}" build "${target[@]}" ||
			{ cat "$dir"/tree/kmodlab/"$version"/build/make.log >&2 2>/dev/null; exit 1; }
		# --no-depmod: DKMS would index this machine's /lib/modules.
		"${dkms[@]}" install "${target[@]}" --no-depmod
		[ "$round" -eq 2 ] || first=$(stat -c %y "$built"/*.ko)
	done
	[ "$(stat -c %y "$built"/*.ko)" != "$first" ] ||
		die "a second install kept the modules of the first: DKMS did not build them anew"
	depmod -b "$dir" "$release" 2>/dev/null
	"${dkms[@]}" status -m kmodlab

	# Every module dkms.conf names: built for $release, installed, indexed.
	# shellcheck disable=SC2034 # dkms.conf reads it
	local kernel_source_dir=$kdir
	# shellcheck source=/dev/null # dkms.conf: arrays of names and folders
	. "$top/dkms.conf"
	for name in "${BUILT_MODULE_NAME[@]}"; do
		ko=$dir/tree/kmodlab/$version/$release/$ARCH/module/$name.ko
		vermagic=$(modinfo -F vermagic "$ko" 2>/dev/null) ||
			die "DKMS built no $name.ko"
		[ "${vermagic%% *}" = "$release" ] ||
			die "$name.ko: vermagic '$vermagic', not $release"
		dest=$(cd "$dir/lib/modules/$release" && find . -name "$name.ko" | head -n 1)
		[ -n "$dest" ] || die "DKMS did not install $name.ko"
		grep -q "^${dest#./}:" "$dir/lib/modules/$release/modules.dep" ||
			die "$name.ko is not in modules.dep"
		say "ok: $name.ko built for $release (${vermagic#* }), installed as ${dest#./}"
		n=$((n + 1))
	done
	[ "$n" -gt 0 ] || die "dkms.conf names no module"
	say "$n module(s) built and installed by DKMS in $dir"
}

case ${1-} in
source) [ $# -le 2 ] || usage; source_tree "${2:-/usr/src}" ;;
install) [ $# -eq 1 ] || usage; install ;;
check) [ $# -eq 2 ] || usage; check "$2" ;;
*) usage ;;
esac
