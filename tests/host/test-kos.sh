#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Host side: scripts/kos.sh, the one reader of Kbuild's modules.order.
#   - the list: .o names (since 6.2) and old kernels' "kernel/" prefix
#     both become the .ko path, relative to the list's folder;
#   - -r: the release the modules are built for, their vermagic's first
#     word (make install's depmod, the board's and the guest's check);
#     modules built for two releases fail, naming both (the vermagic
#     fixture says 9.9.9), as does a module modinfo cannot read.
# Variables: KMODLAB_BUILD, KCACHE (the facts: scripts/lib/facts.sh)

# shellcheck source=tests/host/host.sh
. "${0%/*}/host.sh"

ktap_print_header
other=$KMODLAB_BUILD/fixtures/fixture_vermagic.ko
[ -r "$top/helloworld/helloworld.ko" ] || ktap_skip_all "no helloworld.ko: run make"
[ -r "$other" ] || ktap_skip_all "no $other: run 'make image'"
ktap_set_plan 5

mkdir "$tmp/a"
cp "$top/helloworld/helloworld.ko" "$tmp/a/"
cp "$other" "$tmp/a/other.ko"
printf '%s\n' a/helloworld.o kernel/a/other.ko >"$tmp/both.order"
printf '%s\n' a/helloworld.o >"$tmp/one.order"
run "$top/scripts/kos.sh" "$tmp/both.order"
check_eq "the list: .o and kernel/ names as .ko paths" "a/helloworld.ko
a/other.ko" "$out"
run "$top/scripts/kos.sh" -r "$tmp/one.order"
check_run "-r: the modules' release" 0 "^$(cat "$KCACHE/release")\$"
run "$top/scripts/kos.sh" -r "$tmp/both.order"
check_run "-r, two releases: fails, naming both" 1 \
	"^kmodlab: the modules of $tmp/both.order are built for more than one kernel \\(.*9\\.9\\.9-.*\\): run make clean && make\$"
: >"$tmp/a/helloworld.ko"
run "$top/scripts/kos.sh" -r "$tmp/one.order"
check_run "-r, a module modinfo cannot read: fails, saying so" 1 \
	"^kmodlab: modinfo cannot read the modules of $tmp/one.order: run make\$"
: >"$tmp/none.order"
run "$top/scripts/kos.sh" -r "$tmp/none.order"
check_run "-r, a list of no module: fails, saying so" 1 "lists no module: run make\$"
ktap_finished
