#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Prepare this machine to cross-build kmodlab for arm64 and test it in QEMU.
#
# 1. Installs the host packages (cross gcc, QEMU, kmod, cpio, the kernel's
#    host linux-kbuild; gcc, pkg-config, libkmod-dev and libelf-dev for
#    tools/koinfo) and enables the arm64 architecture in dpkg.
# 2. Fetches Debian's arm64 kernel image and headers for $KERNEL into the
#    cache and makes the headers usable from there (see fix_headers).
# 3. Fetches the guest's user space: busybox-static and kmod for arm64 with
#    the shared libraries kmod needs.
# 4. With --lint, also the tools scripts/lint.sh runs (sparse, cppcheck,
#    ShellCheck) and the kernel tree's checkpatch.pl with its data files,
#    taken from Debian's $LINT_SOURCE package into the cache.
# 5. With --board, also the host's ssh client and dkms, and the QEMU
#    board's ssh server (dropbear, and OpenSSH's sftp-server for scp) with
#    its libraries, for 'make test-board-qemu' and 'make dkms-check'.
#
# Each step is skipped when its result is already there, so a second run
# downloads nothing. Works as root or through sudo.
#
# Variables a user may override:
#   KERNEL         a kernel of qemu/kernels/ (default: 6.1)
#   KMODLAB_CACHE  the cache (default: ${XDG_CACHE_HOME:-$HOME/.cache}/kmodlab)
#   LINT_SOURCE    the kernel source package checkpatch.pl comes from
#                  (default: linux-source-6.1)
#
# Usage: scripts/setup.sh [--board] [--lint] [--print-kdir]
#   --board        also what the board targets need (step 5)
#   --print-kdir   print the cached headers folder on stdout when done
#   --lint         also install and fetch the static analysis tools

set -euo pipefail

KERNEL=${KERNEL:-6.1}
CACHE=${KMODLAB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kmodlab}
top=$(cd "$(dirname "$0")/.." && pwd)
conf=$top/qemu/kernels/$KERNEL.conf
kcache=$CACHE/kernels/$KERNEL
debs=$CACHE/debs

# The guest's user space: kmod's libraries are found by walking its
# DT_NEEDED entries when the image is built (qemu/mkinitramfs.sh).
GUEST_PKGS="busybox-static kmod libc6 liblzma5 libzstd1 libssl3"
# The QEMU board's extras, unpacked apart so the test image stays as it is.
# dropbear's libraries (libtomcrypt needs libgmp); glibc comes with the base.
BOARD_PKGS="dropbear-bin openssh-sftp-server libcrypt1 libtomcrypt1
	    libtommath1 libgmp10 zlib1g"

# What scripts/lint.sh runs besides the cross gcc and Kbuild.
LINT_PKGS="sparse cppcheck shellcheck perl xz-utils"
LINT_SOURCE=${LINT_SOURCE:-linux-source-6.1}
# checkpatch.pl reads these two from its own folder.
LINT_FILES="checkpatch.pl spelling.txt const_structs.checkpatch"

say() { printf 'setup: %s\n' "$*" >&2; }
die() { printf 'setup: error: %s\n' "$*" >&2; exit 1; }

usage() {
	sed -n '/^# Usage:/,/^$/s/^# \{0,1\}//p' "$0" >&2
	exit 2
}

as_root() {
	if [ "$(id -u)" -eq 0 ]; then
		"$@"
	elif command -v sudo >/dev/null; then
		sudo "$@"
	else
		die "'$*' needs root: run 'sudo $0' or run it as root"
	fi
}

installed() {
	dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'ok installed'
}

host_packages() {
	# gcc, pkg-config, libkmod-dev, libelf-dev: tools/koinfo, a host tool.
	local want=(make cpio gzip kmod binutils qemu-system-arm "$kbuild"
		    gcc pkg-config libkmod-dev libelf-dev)
	local missing=() p

	# The board's tools: ssh and scp, and DKMS for 'make dkms-check'.
	[ -z "$board" ] || want+=(openssh-client dkms)
	[ "$(uname -m)" = aarch64 ] || want+=(gcc-aarch64-linux-gnu)
	for p in "${want[@]}"; do
		installed "$p" || missing+=("$p")
	done
	if ! dpkg --print-foreign-architectures | grep -qx arm64 &&
	   [ "$(dpkg --print-architecture)" != arm64 ]; then
		say "enabling the arm64 architecture in dpkg"
		as_root dpkg --add-architecture arm64
		missing+=(apt-update)
	fi
	[ ${#missing[@]} -eq 0 ] && return
	say "installing host packages: ${missing[*]/apt-update/}"
	apt_install "${want[@]}"
}

# apt_install PKG...: with fresh lists. QEMU's recommends pull a whole
# desktop stack: leave all recommends out.
apt_install() {
	as_root apt-get update -q ||
		die "apt-get update failed: check the apt sources"
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		--no-install-recommends "$@" ||
		die "could not install $*"
}

# fetch PKG[:ARCH]...: download each .deb once into $debs.
fetch() {
	local p name arch todo=()

	mkdir -p "$debs"
	for p in "$@"; do
		name=${p%%:*}
		arch=${p#"$name"}; arch=${arch#:}
		compgen -G "$debs/${name}_*_${arch:-*}.deb" >/dev/null ||
			todo+=("$p")
	done
	[ ${#todo[@]} -eq 0 ] && return
	say "downloading ${todo[*]}"
	(cd "$debs" && apt-get download -q -o APT::Sandbox::User=root \
		"${todo[@]}") >&2 ||
		die "could not download ${todo[*]}: run 'sudo apt-get update' and retry"
}

deb_of() { compgen -G "$debs/${1}_*_${2}.deb" | head -n 1; }

# Debian's headers expect to live in /usr/src next to /usr/lib/linux-kbuild:
# the arch tree includes the common tree by an absolute path, and both
# trees' scripts/ and tools/ are relative links into the kbuild package.
fix_headers() {
	local arch=$1 common=$2 dir link

	sed -i "s|^include /usr/src/.*-common/Makefile|include $common/Makefile|" \
		"$arch/Makefile"
	for dir in "$arch" "$common"; do
		for link in scripts tools; do
			ln -sfn "/usr/lib/$kbuild/$link" "$dir/$link"
		done
	done
	[ -x "$arch/scripts/basic/fixdep" ] ||
		die "$kbuild has no scripts/basic/fixdep: reinstall it"
}

kernel() {
	local release tmp

	[ -e "$kcache/.ready" ] && return
	release=$(apt-cache depends "$image:arm64" 2>/dev/null |
		  sed -n 's/^ *Depends: linux-image-\(.*\):arm64$/\1/p' | head -n 1)
	[ -n "$release" ] || release=${image#linux-image-}
	case $release in
	[0-9]*-arm64) ;;
	*) die "cannot tell which kernel '$image' names: run 'sudo apt-get update'" ;;
	esac
	say "kernel $KERNEL is Debian's $release"
	fetch "linux-image-$release:arm64" "linux-headers-$release:arm64" \
	      "linux-headers-${release%-arm64}-common"

	rm -rf "$kcache" && mkdir -p "$kcache"
	tmp=$kcache/unpack
	say "unpacking the kernel image and headers into $kcache"
	dpkg-deb -x "$(deb_of "linux-image-$release" arm64)" "$tmp"
	dpkg-deb -x "$(deb_of "linux-headers-$release" arm64)" "$tmp"
	dpkg-deb -x "$(deb_of "linux-headers-${release%-arm64}-common" all)" "$tmp"
	mv "$tmp/boot/vmlinuz-$release" "$kcache/vmlinuz"
	mv "$tmp/lib/modules/$release" "$kcache/modules"
	mv "$tmp/usr/src/linux-headers-$release" "$kcache/build"
	mv "$tmp/usr/src/linux-headers-${release%-arm64}-common" "$kcache/common"
	rm -rf "$tmp"
	rm -f "$kcache/modules/build" "$kcache/modules/source"
	fix_headers "$kcache/build" "$kcache/common"
	echo "$release" > "$kcache/release"
	touch "$kcache/.ready"
}

# guest DIR PKG...: unpack the arm64 packages into $CACHE/DIR/root, once.
guest() {
	local g=$CACHE/$1 p
	shift

	[ -e "$g/.ready" ] && return
	for p; do
		set -- "$@" "$p:arm64"
		shift
	done
	fetch "$@"
	say "unpacking the guest's packages into $g"
	rm -rf "$g" && mkdir -p "$g"
	for p; do
		dpkg-deb -x "$(deb_of "${p%:arm64}" arm64)" "$g/root"
	done
	rm -rf "$g/root/usr/share"
	touch "$g/.ready"
}

# checkpatch.pl and its data, from the kernel source package: a 140 MB
# download, of which three files are kept ($CACHE/lint/$LINT_SOURCE).
lint_tools() {
	local dir=$CACHE/lint/$LINT_SOURCE missing=() members=() p tmp

	for p in $LINT_PKGS; do
		installed "$p" || missing+=("$p")
	done
	if [ ${#missing[@]} -gt 0 ]; then
		say "installing the lint tools: ${missing[*]}"
		apt_install "${missing[@]}"
	fi
	[ -e "$dir/.ready" ] && return
	fetch "$LINT_SOURCE"
	say "extracting checkpatch.pl from $LINT_SOURCE (about 10 s)"
	rm -rf "$dir" && mkdir -p "$dir"
	tmp=$dir/unpack
	mkdir "$tmp"
	for p in $LINT_FILES; do
		members+=("$LINT_SOURCE/scripts/$p")
	done
	# The package holds one tarball of the tree; read only our files from it.
	dpkg-deb --fsys-tarfile "$(deb_of "$LINT_SOURCE" all)" |
		tar -xO "./usr/src/$LINT_SOURCE.tar.xz" |
		tar -xJ -C "$tmp" --strip-components=2 "${members[@]}" ||
		die "could not extract $LINT_FILES from $LINT_SOURCE"
	for p in $LINT_FILES; do
		mv "$tmp/$p" "$dir/$p"
	done
	rm -rf "$tmp" "$(deb_of "$LINT_SOURCE" all)"
	touch "$dir/.ready"
}

print_kdir='' lint='' board=''
for arg; do
	case $arg in
	--board) board=1 ;;
	--print-kdir) print_kdir=1 ;;
	--lint) lint=1 ;;
	*) usage ;;
	esac
done

if [ ! -r "$conf" ]; then
	known=$(cd "$top/qemu/kernels" && printf '%s ' *.conf)
	die "no kernel '$KERNEL' (qemu/kernels/ has: ${known//.conf/})"
fi
suite='' image='' kbuild=''
# shellcheck source=/dev/null # data: name=value lines
. "$conf"
: "${suite:?$conf names no suite}" "${image:?$conf names no image}"
: "${kbuild:?$conf names no kbuild}"

host_packages
kernel
# shellcheck disable=SC2086 # lists of package names
guest guest $GUEST_PKGS
# shellcheck disable=SC2086
[ -z "$board" ] || guest guest-board $BOARD_PKGS
[ -z "$lint" ] || lint_tools
[ -z "$print_kdir" ] || echo "$kcache/build"
