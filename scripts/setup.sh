#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Prepare this machine to cross-build kmodlab for arm64 and test it in QEMU.
#
# 1. Installs the host packages (cross gcc, QEMU, kmod, cpio; gcc,
#    pkg-config, libkmod-dev and libelf-dev for tools/koinfo) and enables
#    the arm64 architecture in dpkg.
# 2. Fetches the kernel $KERNEL names (qemu/kernels/$KERNEL.conf) into the
#    cache: Debian's arm64 image and headers, made usable from there with
#    the host's linux-kbuild of the same suite (see kernel); or, for the
#    edge kernel, Debian's newest linux-source, built once (see edge).
# 3. Fetches the guest's user space: busybox-static and kmod for arm64 with
#    the shared libraries kmod needs.
# 4. With --lint, also the tools scripts/lint.sh runs (sparse, cppcheck,
#    ShellCheck) and the kernel tree's checkpatch.pl with its data files,
#    taken from Debian's $LINT_SOURCE package into the cache.
# 5. With --board, also the host's ssh client and dkms, and the QEMU
#    board's ssh server (dropbear, and OpenSSH's sftp-server for scp) with
#    its libraries, for 'make test-board-qemu' and 'make dkms-check'.
# 6. With --fresh, also debootstrap, for 'make test-fresh'.
#
# A kernel of another Debian suite than the host's is fetched through apt
# lists of its own under the cache: the host's apt sources stay as they are.
# Each step is skipped when its result is already there, so a second run
# downloads nothing and takes well under a second. Works as root or
# through sudo.
#
# Variables a user may override:
#   KERNEL         a kernel of qemu/kernels/
#   KMODLAB_CACHE  the cache
#   LINT_SOURCE    the kernel source package checkpatch.pl comes from
#                  (these three: the Makefile's, see scripts/lib/facts.sh)
#   EDGE_VERSION   the linux-source-<version> the edge kernel is built from
#                  (default: the one sid's linux-source names; once built,
#                  the cached one is kept until another version is asked for)
#   DEBIAN_MIRROR  (http://deb.debian.org/debian) and DEBIAN_SECURITY
#                  (http://deb.debian.org/debian-security), for other suites
#
# Usage: scripts/setup.sh [--board] [--lint] [--fresh]
#   --board        also what the board targets need (step 5)
#   --fresh        also debootstrap (step 6)
#   --lint         also install and fetch the static analysis tools

set -euo pipefail

DEBIAN_MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
DEBIAN_SECURITY=${DEBIAN_SECURITY:-http://deb.debian.org/debian-security}
top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/lib/facts.sh
. "$top/scripts/lib/facts.sh"
# shellcheck disable=SC2153 # KCACHE: one of the facts
CACHE=$KMODLAB_CACHE kcache=$KCACHE cross=$CROSS_COMPILE
debs=$CACHE/debs

# The guest's user space, the same whatever the host runs: taken from one
# named suite (Debian 13 renamed libssl3, for one). kmod's libraries are
# found by walking its DT_NEEDED entries when the image is built
# (qemu/mkinitramfs.sh).
GUEST_SUITE=bookworm
GUEST_PKGS=(busybox-static kmod libc6 liblzma5 libzstd1 libssl3)
# The QEMU board's extras, unpacked apart so the test image stays as it is.
# dropbear's libraries (libtomcrypt needs libgmp); glibc comes with the base.
BOARD_PKGS=(dropbear-bin openssh-sftp-server libcrypt1 libtomcrypt1
	    libtommath1 libgmp10 zlib1g)

# What scripts/lint.sh runs besides the cross gcc and Kbuild.
LINT_PKGS=(sparse cppcheck shellcheck perl xz-utils)
LINT_SUITE=bookworm
# checkpatch.pl reads these two from its own folder.
LINT_FILES=(checkpatch.pl spelling.txt const_structs.checkpatch)

say() { printf 'setup: %s\n' "$*" >&2; }
die() { printf 'setup: error: %s\n' "$*" >&2; exit 1; }

usage() { sed -n '/^# Usage:/,/^$/s/^# \{0,1\}//p' "$0" >&2; exit 2; }

# shellcheck source=scripts/lib/pkgs.sh
. "$top/scripts/lib/pkgs.sh"

host_packages() {
	# gcc, pkg-config, libkmod-dev, libelf-dev: tools/koinfo, a host tool;
	# liblzma-dev, zlib1g-dev, libzstd-dev and libssl-dev for the
	# compressed and signed modules it reads; zstd, openssl to make them.
	local want=(make cpio gzip xz-utils zstd openssl kmod binutils
		    qemu-system-arm gcc pkg-config libkmod-dev libelf-dev
		    liblzma-dev zlib1g-dev libzstd-dev libssl-dev) update=

	# libc6-dev-arm64-cross: the C library that 'gcc -static' links a
	# guest program with (scripts/own.sh: DIR's *_app.c).
	[ "$(uname -m)" = aarch64 ] || want+=(gcc-aarch64-linux-gnu libc6-dev-arm64-cross)
	# The board's tools: ssh and scp, and DKMS for 'make dkms-check'.
	[ -z "$board" ] || want+=(openssh-client dkms)
	# Clean Debian roots for 'make test-fresh'.
	[ -z "$fresh" ] || want+=(debootstrap)
	# What building a kernel needs beyond building modules: the host's
	# compiler for its tools, Kconfig's parser generators, bc; for
	# module signing (qemu/edge.config), OpenSSL to make the key and its
	# library for sign-file and extract-cert, which koinfo's list above
	# has already. Without BTF, no libelf-dev.
	[ -z "$source" ] || want+=(libc6-dev bc bison flex)
	if ! dpkg --print-foreign-architectures | grep -qx arm64 &&
	   [ "$(dpkg --print-architecture)" != arm64 ]; then
		say "enabling the arm64 architecture in dpkg"
		as_root dpkg --add-architecture arm64
		update=--update
	fi
	install_pkgs $update "${want[@]}"
}

# shellcheck source=scripts/lib/debs.sh
. "$top/scripts/lib/debs.sh"

# The host's linux-kbuild-<ver> (scripts/ and tools/ of the headers): the
# host's package when the kernel comes from the host's suite; otherwise
# the other suite's package, unpacked into the cache and not installed,
# since it may depend on libraries the host's suite does not have
# (bullseye's wants libssl1.1; the build scripts we use do not need it).
# Sets kbuild_dir, the folder the headers' links must point to.
host_kbuild() {
	local kbuild=$1 dir=$CACHE/kbuild/$1 arch

	if [ ${#apt_opts[@]} -eq 0 ]; then
		install_pkgs "$kbuild"
		kbuild_dir=/usr/lib/$kbuild
		return
	fi
	if ! sealed "$dir"; then
		[ ! -d "$dir" ] ||
			say "the cache's $kbuild cannot be used ($damaged): unpacking it again"
		arch=$(dpkg --print-architecture)
		rm -rf "$dir" && mkdir -p "$dir"
		unpack_deb "$kbuild" "$arch" "$dir"
		seal_all "$dir"
	fi
	kbuild_dir=$dir/usr/lib/$kbuild
}

# Debian's headers expect to live in /usr/src next to /usr/lib/linux-kbuild:
# the arch tree includes the common tree by an absolute path, and both
# trees' scripts/ and tools/ are relative links into the kbuild package.
fix_headers() {
	local arch=$1 common=$2 kbuild=$3 dir link

	sed -i "s|^include /usr/src/.*-common/Makefile|include $common/Makefile|" \
		"$arch/Makefile"
	for dir in "$arch" "$common"; do
		for link in scripts tools; do
			ln -sfn "$kbuild/$link" "$dir/$link"
		done
	done
	[ -x "$arch/scripts/basic/fixdep" ] ||
		die "$kbuild has no scripts/basic/fixdep: reinstall it"
}

# A kernel Debian builds: its image, headers and the host's kbuild.
kernel() {
	local release tmp kbuild kbuild_dir

	if [ -e "$kcache/.ready" ]; then
		sealed "$kcache" && [ -x "$kcache/build/scripts/basic/fixdep" ] &&
			return
		say "the cache's kernel $KERNEL cannot be used ($damaged): unpacking it again"
	fi
	release=$(apt_cache depends "$image:arm64" |
		  sed -n 's/^ *Depends: linux-image-\(.*\):arm64$/\1/p' | head -n 1)
	[ -n "$release" ] || release=${image#linux-image-}
	case $release in
	[0-9]*-arm64) ;;
	*) die "cannot tell which kernel '$image' names: run 'sudo apt-get update'" ;;
	esac
	say "kernel $KERNEL is Debian $suite's $release"
	fetch "linux-image-$release:arm64" "linux-headers-$release:arm64" \
	      "linux-headers-${release%-arm64}-common"

	rm -rf "$kcache" && mkdir -p "$kcache"
	tmp=$kcache/unpack
	say "unpacking the kernel image and headers into $kcache"
	unpack_deb "linux-image-$release" arm64 "$tmp"
	unpack_deb "linux-headers-$release" arm64 "$tmp"
	unpack_deb "linux-headers-${release%-arm64}-common" all "$tmp"
	mv "$tmp/boot/vmlinuz-$release" "$kcache/vmlinuz"
	mv "$tmp/lib/modules/$release" "$kcache/modules"
	mv "$tmp/usr/src/linux-headers-$release" "$kcache/build"
	mv "$tmp/usr/src/linux-headers-${release%-arm64}-common" "$kcache/common"
	rm -rf "$tmp"
	rm -f "$kcache/modules/build" "$kcache/modules/source"
	# The package's links name the kbuild it needs: ../../lib/<kbuild>/scripts
	kbuild=$(readlink "$kcache/build/scripts")
	kbuild=${kbuild%/scripts}
	kbuild=${kbuild##*/}
	case $kbuild in
	linux-kbuild-*) ;;
	*) die "cannot tell which linux-kbuild $release wants" ;;
	esac
	host_kbuild "$kbuild"
	fix_headers "$kcache/build" "$kcache/common" "$kbuild_dir"
	echo "$release" > "$kcache/release"
	# What make test reads each time; every file was checked as unpacked.
	seal "$kcache" vmlinuz release build/Makefile build/.config \
		build/Module.symvers common/Makefile modules/modules.order \
		modules/modules.builtin modules/modules.builtin.modinfo
	touch "$kcache/.ready"
}

# edge_version: set pkg and version, the linux-source the edge kernel is
# built from (EDGE_VERSION's, or the one $source depends on).
edge_version() {
	pkg=$pin
	[ -n "$pkg" ] || pkg=$(apt_cache depends "$source" |
		sed -n 's/^ *Depends: \(linux-source-[0-9.]*\)$/\1/p' | head -n 1)
	[ -n "$pkg" ] || return 1
	version=$(apt_cache show --no-all-versions "$pkg" |
		  sed -n 's/^Version: //p')
	[ -n "$version" ] || return 1
	say "kernel edge is Debian $suite's $pkg $version"
}

# make_kernel TARGET...: make in the edge kernel's tree and build folder.
make_kernel() {
	# Not the flags of a make that runs us (W=1, -j): they are for modules.
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -C "$src" O="$obj" ARCH=arm64 CROSS_COMPILE="$cross" "$@"
}

# The edge kernel: the newest linux-source Debian ships (sid), configured
# from allnoconfig with qemu/edge.config and built once per source version
# into $CACHE/kernels/edge-<version>/ ($CACHE/kernels/edge points to it).
# A changed qemu/edge.config rebuilds the same tree incrementally.
edge() {
	local pin=${EDGE_VERSION:+linux-source-$EDGE_VERSION} pkg version dir
	local frag=$top/qemu/edge.config

	if [ -e "$kcache/.ready" ] &&
	   { [ -z "$pin" ] || [ "$(cat "$kcache/source")" = "$pin" ]; } &&
	   cmp -s "$frag" "$kcache/edge.config"; then
		sealed "$kcache" && return
		# Built here, not unpacked: make rebuilds what is missing, but
		# not a file cut short, so the image goes first.
		say "the cache's edge kernel cannot be used ($damaged): building it again"
		rm -f "$kcache/.ready" "$kcache/build/arch/arm64/boot/Image"
	fi
	edge_version || { apt_update && edge_version; } ||
		die "Debian $suite has no ${pin:-$source}"
	dir=$CACHE/kernels/edge-$version
	src=$dir/src obj=$dir/build

	if [ ! -e "$src/.unpacked" ]; then
		fetch "$pkg"
		# What the mirror had, if the lists were out of date.
		version=$(dpkg-deb -f "$(deb_of "$pkg" all)" Version)
		dir=$CACHE/kernels/edge-$version
		src=$dir/src obj=$dir/build
		say "unpacking $pkg $version into $src"
		rm -rf "$dir" && mkdir -p "$dir"
		deb_member "$pkg" "usr/src/$pkg.tar.xz" | xz -dc -T0 |
			tar -x -C "$dir"
		mv "$dir/$pkg" "$src"
		touch "$src/.unpacked"
	fi
	if ! cmp -s "$frag" "$dir/edge.config"; then
		rm -f "$dir/.ready"
		make_kernel -s KCONFIG_ALLCONFIG="$frag" allnoconfig >&2 ||
			die "allnoconfig with $frag failed"
		# A line Kconfig could not honour (a dependency missing) would
		# silently weaken the guest; a symbol this version does not
		# have at all (an older EDGE_VERSION) is only worth a word.
		grep '^CONFIG_' "$frag" | while read -r line; do
			grep -qx "$line" "$obj/.config" && continue
			grep -q "^# ${line%%=*} is not set\$" "$obj/.config" ||
			grep -q "^${line%%=*}=" "$obj/.config" ||
				{ say "$pkg has no ${line%%=*}"; continue; }
			die "$frag: '$line' did not make it into $obj/.config"
		done
		cp "$frag" "$dir/edge.config"
	fi
	if [ ! -e "$dir/.ready" ]; then
		build_edge "$dir"
		ln -sfn build/arch/arm64/boot/Image "$dir/vmlinuz"
		mkdir -p "$dir/modules"
		for f in modules.builtin modules.builtin.modinfo modules.order; do
			cp "$obj/$f" "$dir/modules/" 2>/dev/null ||
				: > "$dir/modules/$f"
		done
		make_kernel -s --no-print-directory kernelrelease > "$dir/release"
		echo "$pkg" > "$dir/source"
		seal "$dir" vmlinuz release build/.config build/Module.symvers
		touch "$dir/.ready"
	fi
	ln -sfn "edge-$version" "$kcache"
}

# build_edge DIR: Image and modules (so that Module.symvers is there for
# out-of-tree builds), the full log in DIR/build.log and a line of
# progress every 30 s on the terminal.
build_edge() {
	local log=$1/build.log n=0 next=30 line status

	say "building the edge kernel on $(nproc) CPUs (10 min on 2 cores, 25 when they are busy); log: $log"
	SECONDS=0
	set +o pipefail
	{ make_kernel -j"$(nproc)" Image modules 2>&1; echo "exit $?"; } |
	tee "$log" | while IFS= read -r line; do
		case $line in
		"  CC "*|"  AS "*) n=$((n + 1)) ;;
		esac
		if [ "$SECONDS" -ge "$next" ]; then
			say "edge: $((SECONDS / 60))m$((SECONDS % 60))s, $n files compiled, at ${line#  }"
			next=$((next + 30))
		fi
	done
	set -o pipefail
	status=$(tail -n 1 "$log")
	if [ "$status" != "exit 0" ]; then
		grep -E -m 20 'error|Error' "$log" >&2
		die "the edge kernel did not build ($status): see $log"
	fi
	say "edge kernel built in $((SECONDS / 60))m$((SECONDS % 60))s"
}

# guest DIR PKG...: unpack the arm64 packages into $CACHE/DIR/root, once.
guest() {
	local g=$CACHE/$1 p
	shift

	if [ -e "$g/.ready" ]; then
		sealed "$g/root" && return
		say "the cache's ${g##*/} cannot be used ($damaged): unpacking it again"
	fi
	fetch "${@/%/:arm64}"
	say "unpacking the guest's packages into $g"
	rm -rf "$g" && mkdir -p "$g"
	for p; do
		unpack_deb "$p" arm64 "$g/root"
	done
	rm -rf "$g/root/usr/share"
	seal_all "$g/root"
	touch "$g/.ready"
}

# checkpatch.pl and its data, from the kernel source package: a 140 MB
# download, of which three files are kept ($CACHE/lint/$LINT_SOURCE).
lint_tools() {
	local dir=$CACHE/lint/$LINT_SOURCE

	install_pkgs "${LINT_PKGS[@]}"
	if [ -e "$dir/.ready" ]; then
		sealed "$dir" && return
		say "the cache's checkpatch.pl cannot be used ($damaged): extracting it again"
	fi
	fetch "$LINT_SOURCE"
	say "extracting checkpatch.pl from $LINT_SOURCE (about 10 s)"
	rm -rf "$dir" && mkdir -p "$dir"
	# The package holds one tarball of the tree; read only our files from it.
	deb_member "$LINT_SOURCE" "usr/src/$LINT_SOURCE.tar.xz" |
		tar -xJ -C "$dir" --strip-components=2 \
		"${LINT_FILES[@]/#/$LINT_SOURCE/scripts/}" ||
		die "could not extract ${LINT_FILES[*]} from $LINT_SOURCE"
	rm -f "$(deb_of "$LINT_SOURCE" all)"
	seal "$dir" "${LINT_FILES[@]}"
	touch "$dir/.ready"
}

lint='' board='' fresh=''
for arg; do
	case $arg in
	--board) board=1 ;;
	--fresh) fresh=1 ;;
	--lint) lint=1 ;;
	*) usage ;;
	esac
done

kernel_suite=$(kernel_conf suite) kernel_pockets=$(kernel_conf pockets)
image=$(kernel_conf image) source=$(kernel_conf source)
: "${kernel_suite:?qemu/kernels/$KERNEL.conf names no suite}"
[ -n "$image$source" ] || die "qemu/kernels/$KERNEL.conf names neither an image nor a source"
# shellcheck source=/dev/null
host_suite=$(. /etc/os-release && echo "${VERSION_CODENAME-}")

host_packages
use_suite "$kernel_suite" "$kernel_pockets"
if [ -n "$source" ]; then
	edge
else
	kernel
fi
use_suite "$GUEST_SUITE"
guest guest "${GUEST_PKGS[@]}"
[ -z "$board" ] || guest guest-board "${BOARD_PKGS[@]}"
[ -z "$lint" ] || { use_suite "$LINT_SUITE"; lint_tools; }
