#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# A cache that cannot work is told so at once, and mended: scripts/setup.sh
# (which every make target runs first) checks what the cache holds, and
# unpacks or fetches again what is damaged, saying so. Before, a kernel
# image cut short made 'make test' wait 120 s for a guest "that hung".
#   - a file cut short in the unpacked kernel (vmlinuz) or the guest's
#     root: found by the sizes recorded when it was unpacked (one stat);
#   - a .deb cut short, one whose files differ from its md5sums, or one
#     whose md5sums cannot be read: found when it is unpacked, fetched
#     again from the mirror.
# Runs setup.sh for KERNEL on a scratch cache made of hard links to
# the real cache's files (setup.sh and these checks replace files, never
# write into them), so nothing is downloaded but what a check asks for.

TESTS_DIR=${0%/*}/..
# shellcheck source=tests/kmodlab.sh
. "$TESTS_DIR/kmodlab.sh"
top=$(cd "${0%/*}/../.." && pwd)
# The Makefile's facts (scripts/lib/facts.sh), exported by 'make test-setup'.
real=${KMODLAB_CACHE:?run by make test-setup} kernel=${KERNEL:?run by make test-setup}
scratch=$top/build/test-setup/cache
rm -rf "$scratch" && mkdir -p "$scratch/kernels"
"$top/scripts/setup.sh" >/dev/null 2>&1 || {
	printf "Bail out! scripts/setup.sh fails on the real cache: run it\n"
	exit 1
}
cp -al "$real/debs" "$real/guest" "$scratch/"
cp -al "$real/kernels/$kernel" "$scratch/kernels/"

# shellcheck disable=SC2317 # called through run
setup() { KMODLAB_CACHE=$scratch KERNEL=$kernel "$top/scripts/setup.sh"; }
size() { stat -L -c %s "$1"; }

# damage FILE: cut it to 4096 bytes, in a file of its own (not a link's
# target, and not another hard link to the real cache's).
damage() {
	head -c 4096 "$1" >"$1.cut"
	rm -f "$1"
	mv "$1.cut" "$1"
}

# ere TEXT: TEXT as an extended regular expression that matches it alone.
ere() { printf '%s' "$1" | sed 's/[][\\.*+?(){}|^$]/\\&/g'; }

ktap_print_header
ktap_set_plan 12

run setup
check_run "an intact cache: setup succeeds" 0
check_eq "... and says nothing" "" "$out"

k=$scratch/kernels/$kernel
damage "$k/vmlinuz"
run setup
check_run "a kernel image cut short is found" 0 \
	"^setup: the cache's kernel $kernel cannot be used \(vmlinuz has 4096 bytes, [0-9]+ when it was unpacked\): unpacking it again\$"
check_eq "... and unpacked again, whole" "$(size "$real/kernels/$kernel/vmlinuz")" \
	"$(size "$k/vmlinuz")"

g=$scratch/guest/root
rm "$g/bin/busybox"
run setup
check_run "a file missing from the guest's root is found" 0 \
	"^setup: the cache's guest cannot be used \(\./bin/busybox is missing\): unpacking it again\$"
check_eq "... and unpacked again" "$(size "$real/guest/root/bin/busybox")" \
	"$(size "$g/bin/busybox")"

# A .deb cut short: dpkg-deb cannot read it. The guest is unpacked again
# only when it is damaged too.
deb=$(ls "$scratch"/debs/busybox-static_*_arm64.deb)
damage "$deb"
damage "$g/bin/busybox"
run setup
check_run "a .deb cut short is found" 0 \
	"^setup: $(ere "${deb##*/}") in the cache is damaged \(dpkg-deb cannot read it\): fetching it again\$"
check_eq "... fetched again and unpacked" "$(size "$real/guest/root/bin/busybox")" \
	"$(size "$g/bin/busybox")"

# A .deb that reads, but whose file is not the one its md5sums name: built
# again from its own parts with one byte of one library changed.
deb=$(ls "$scratch"/debs/libzstd1_*_arm64.deb)
lib=$(cd "$g" && ls usr/lib/aarch64-linux-gnu/libzstd.so.1.*)
rm -rf "$scratch/repack" && dpkg-deb -R "$deb" "$scratch/repack"
printf 'X' | dd of="$scratch/repack/$lib" bs=1 seek=100 conv=notrunc 2>/dev/null
rm -f "$deb"
dpkg-deb -b -Zgzip "$scratch/repack" "$deb" >/dev/null
damage "$g/$lib"
run setup
check_run "a .deb whose file differs from its md5sums is found" 0 \
	"^setup: $(ere "${deb##*/}") in the cache is damaged \(a file does not match the package's md5sums\): fetching it again\$"
run cmp "$real/guest/root/$lib" "$g/$lib"
check_run "... fetched again, and its file is the package's" 0

# A .deb whose files unpack but whose control part (the md5sums) cannot
# be read: its control tarball cut to 20 bytes. The reason was lost in a
# subshell before, and said as "dpkg-deb cannot read it".
rm -rf "$scratch/parts" && mkdir "$scratch/parts"
(cd "$scratch/parts" && ar x "$deb" && head -c 20 control.tar.* >control.cut &&
	mv control.cut control.tar.* && rm -f "$deb" &&
	ar rc "$deb" debian-binary control.tar.* data.tar.*)
damage "$g/$lib"
run setup
check_run "a .deb whose control part cannot be read is found" 0 \
	"^setup: $(ere "${deb##*/}") in the cache is damaged \(its control part cannot be read\): fetching it again\$"
run cmp "$real/guest/root/$lib" "$g/$lib"
check_run "... fetched again, and its file is the package's" 0
ktap_finished
