#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the guest's initramfs in two parts that the kernel unpacks in turn
# (concatenated cpio archives):
#
#   base     busybox (shell and coreutils only) and the real kmod with the
#            libraries it needs; built once from the cache.
#   overlay  /init, the tests and the modules just built, installed under
#            /lib/modules/<release>/extra with modules.dep made by depmod;
#            rebuilt on every run, it takes a fraction of a second.
#   board    instead of the overlay, for the QEMU board (make board-qemu):
#            /init, an ssh server (dropbear, with OpenSSH's sftp-server for
#            scp) that lets in root with one key, and the kernel's own
#            virtio NIC modules; none of ours: 'make deploy' brings them.
#
# Usage: qemu/mkinitramfs.sh base GUEST_ROOT OUT
#        qemu/mkinitramfs.sh overlay KERNEL_CACHE OUT [FILE:GUEST_PATH]...
#        qemu/mkinitramfs.sh board BOARD_ROOT KERNEL_CACHE PUBKEY OUT
#   GUEST_ROOT    the unpacked arm64 packages (scripts/setup.sh)
#   BOARD_ROOT    the board's unpacked packages (scripts/setup.sh --board)
#   KERNEL_CACHE  the unpacked kernel: release, modules/ (scripts/setup.sh)
#   PUBKEY        the ssh public key root logs in with
#   FILE:GUEST_PATH  further files to place, e.g. build/x.conf:/etc/x.conf;
#                 a GUEST_PATH without a leading / is in the suite's folder
#                 (build/fixtures:fixtures is /kmodlab/fixtures)
# The overlay takes the modules listed in Kbuild's list, ./modules.order
# (or $MODULES_ORDER).

set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
# The guest's folder of the suite's files (tests/, demo.sh, what -f
# places there): the host names it here only; the guest, in qemu/init,
# which gives it to the tests as KMODLAB_DIR.
suite=/kmodlab
die() { printf 'mkinitramfs: error: %s\n' "$*" >&2; exit 1; }

# busybox answers only for these; kmod's tools must not be shadowed.
APPLETS="sh ash cat echo printf ls mkdir rmdir mount umount grep egrep sed awk
	 cut head tail tr wc sort uniq sleep dmesg poweroff true false test [
	 cp mv rm ln readlink basename dirname find xargs env id uname stat
	 chmod touch od hexdump timeout kill ps seq setsid cttyhack clear date
	 expr tee more less vi stty su"
# The board adds what it needs to bring up its network.
BOARD_APPLETS="ifconfig"
# Debian builds these as modules; in dependency order (modinfo -F depends).
BOARD_KMODS="net/core/failover drivers/net/net_failover drivers/net/virtio_net
	     drivers/virtio/virtio_mmio"

# Not compressed: QEMU copies the bytes for free, while the guest takes
# ~0.9 s to gunzip 4 MB under TCG (measured: boot to /init 1.7 s vs 2.6 s).
pack() { # DIR OUT: a newc cpio of DIR, owned by root (OUT's folder made)
	mkdir -p "$(dirname "$2")"
	(cd "$1" && find . -mindepth 1 | LC_ALL=C sort |
		cpio -o -H newc -R 0:0 --quiet) >"$2"
}

# needed ROOT ELF...: the shared objects the ELF files load, recursively.
needed() {
	local root=$1 lib dir f
	shift
	for f in "$@"; do
		for lib in $(readelf -d "$f" |
			     sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
			for dir in lib/aarch64-linux-gnu usr/lib/aarch64-linux-gnu; do
				[ -e "$root/$dir/$lib" ] || continue
				echo "$dir/$lib"
				needed "$root" "$root/$dir/$lib"
				break
			done
		done
	done
}

base() {
	local root=$1 out=$2 lib a t

	for t in busybox kmod; do
		[ -x "$root/bin/$t" ] || die "$root has no $t: run scripts/setup.sh"
	done
	mkdir -p "$stage"/{bin,sbin,lib,dev,proc,sys,tmp,etc,root}
	cp "$root/bin/busybox" "$root/bin/kmod" "$stage/bin/"
	for a in $APPLETS; do
		ln -s busybox "$stage/bin/$a"
	done
	for t in insmod rmmod modprobe lsmod modinfo depmod; do
		ln -s ../bin/kmod "$stage/sbin/$t"
	done
	for lib in $(needed "$root" "$root/bin/kmod" | sort -u); do
		mkdir -p "$stage/$(dirname "$lib")"
		cp -L "$root/$lib" "$stage/$lib"
	done
	# The program interpreter named in kmod's ELF header.
	cp -L "$root/lib/ld-linux-aarch64.so.1" "$stage/lib/"
	mknod -m 600 "$stage/dev/console" c 5 1 2>/dev/null || true
	# A user without CAP_SYS_MODULE, for the loader's refusals
	# (tests/test-permissions.sh: su -s /bin/sh nobody -c CMD).
	printf '%s\n' 'root:x:0:0:root:/root:/bin/sh' \
		'nobody:x:65534:65534:nobody:/nonexistent:/bin/false' >"$stage/etc/passwd"
	printf '%s\n' 'root:x:0:' 'nogroup:x:65534:' >"$stage/etc/group"
	pack "$stage" "$out"
}

overlay() {
	local kcache=$1 out=$2 order=${MODULES_ORDER:-modules.order} rel f dst m list dir kos=()
	shift 2

	[ -r "$kcache/release" ] || die "$kcache has no kernel: run scripts/setup.sh"
	read -r rel <"$kcache/release"
	list=$("$top/scripts/kos.sh" "$order") || exit 1
	dir=$(dirname "$order")
	while read -r m; do
		case $m in
		'') continue ;;
		/*) ;;
		*) m=$dir/$m ;;
		esac
		[ -r "$m" ] || die "$m is in $order but not built: run make"
		kos+=("$m")
	done <<<"$list"
	# Built for another release (a KDIR of another kernel), every load
	# would be refused: say so before the image is made.
	if [ ${#kos[@]} -gt 0 ]; then
		f=$("$top/scripts/kos.sh" -r "$order") || exit 1
		[ "$f" = "$rel" ] || die "the modules are built for $f (their vermagic), but the guest boots $rel: build them for its kernel (leave KDIR out, or name that KERNEL)"
	fi
	mkdir -p "$stage/lib/modules/$rel/extra" "$stage$suite"
	cp "$top/qemu/init" "$stage/init"
	# tests/ without what only the host reads: the fixtures' sources and
	# build output (4.6 MB; their .ko come from build/), host/, setup/,
	# external/ (the sample module directories: make test M=DIR).
	cp -r "$top/tests" "$top/qemu/demo.sh" "$stage$suite/"
	rm -rf "$stage$suite/tests/"{fixtures,host,setup,external}
	# One cp for them all: each process costs make test a few ms.
	[ ${#kos[@]} -eq 0 ] || cp "${kos[@]}" "$stage/lib/modules/$rel/extra/"
	for f in "$@"; do
		dst=${f#*:}
		case $dst in
		/*) ;;
		*) dst=$suite/$dst ;;
		esac
		mkdir -p "$stage$(dirname "$dst")"
		cp -r "${f%%:*}" "$stage$dst"
	done
	# depmod wants the kernel's own lists, or it warns.
	cp "$kcache/modules/"modules.{builtin,builtin.modinfo,order} \
		"$stage/lib/modules/$rel/"
	depmod -b "$stage" "$rel"
	pack "$stage" "$out"
}

board() {
	local root=$1 kcache=$2 pubkey=$3 out=$4 rel lib m a

	[ -x "$root/usr/sbin/dropbear" ] ||
		die "$root has no dropbear: run scripts/setup.sh --board"
	[ -r "$pubkey" ] || die "no public key $pubkey"
	[ -r "$kcache/release" ] || die "$kcache has no kernel: run scripts/setup.sh"
	rel=$(cat "$kcache/release")
	mkdir -p "$stage"/{bin,usr/sbin,usr/lib,etc/dropbear} \
		 "$stage/root/.ssh" "$stage/lib/modules/$rel"
	cp "$top/qemu/init" "$stage/init"
	for a in $BOARD_APPLETS; do
		ln -s busybox "$stage/bin/$a"
	done
	cp "$root/usr/sbin/dropbear" "$stage/usr/sbin/"
	# Where Debian's dropbear looks for the SFTP server that scp talks to.
	cp "$root/usr/lib/openssh/sftp-server" "$stage/usr/lib/sftp-server"
	# glibc is in the base already; needed() finds only what the board adds.
	for lib in $(needed "$root" "$root/usr/sbin/dropbear" | sort -u); do
		mkdir -p "$stage/$(dirname "$lib")"
		cp -L "$root/$lib" "$stage/$lib"
	done
	# dropbear looks root up in /etc/passwd and its shell in /etc/shells;
	# it refuses keys in a folder others may write to.
	echo 'root:x:0:0:root:/root:/bin/sh' > "$stage/etc/passwd"
	echo 'root:x:0:' > "$stage/etc/group"
	echo /bin/sh > "$stage/etc/shells"
	cp "$pubkey" "$stage/root/.ssh/authorized_keys"
	chmod 700 "$stage/root/.ssh"
	chmod 600 "$stage/root/.ssh/authorized_keys"
	for m in $BOARD_KMODS; do
		mkdir -p "$stage/lib/modules/$rel/kernel/$(dirname "$m")"
		cp "$kcache/modules/kernel/$m.ko" \
			"$stage/lib/modules/$rel/kernel/$m.ko" ||
			die "$kcache has no $m.ko"
	done
	cp "$kcache/modules/"modules.{builtin,builtin.modinfo,order} \
		"$stage/lib/modules/$rel/"
	depmod -b "$stage" "$rel"
	pack "$stage" "$out"
}

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

case ${1-} in
base) [ $# -eq 3 ] || die "usage: $0 base GUEST_ROOT OUT"; base "$2" "$3" ;;
overlay) [ $# -ge 3 ] || die "usage: $0 overlay KERNEL_CACHE OUT [FILE:PATH]..."
	 overlay "${@:2}" ;;
board) [ $# -eq 5 ] || die "usage: $0 board BOARD_ROOT KERNEL_CACHE PUBKEY OUT"
       board "${@:2}" ;;
*) sed -n '/^# Usage:/,/^$/s/^# \{0,1\}//p' "$0" >&2; exit 2 ;;
esac
