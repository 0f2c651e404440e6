#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Host side: scripts/kos.sh, the one reader of Kbuild's modules.order.
#   - the list: .o names (since 6.2) and old kernels' "kernel/" prefix
#     both become the .ko path, relative to the list's folder;
#   - -r: the release the modules are built for, their vermagic's first
#     word (make install's depmod, the board's and the guest's check),
#     modpost's when a module names one of its own before it, as lab 5
#     asks a learner to (here: helloworld's description turned into a
#     vermagic=9.9.9 of the same length); modules built for two releases
#     fail, naming both (the vermagic fixture's, 9s for digits), as does
#     a module modinfo cannot read.
# Variables: KMODLAB_BUILD, KCACHE (the facts: scripts/lib/facts.sh)

# shellcheck source=tests/host/host.sh
. "${0%/*}/host.sh"

ktap_print_header
ko=$top/helloworld/helloworld.ko
other=$KMODLAB_BUILD/fixtures/fixture_vermagic.ko
[ -r "$ko" ] || ktap_skip_all "no $ko: run make"
[ -r "$other" ] || ktap_skip_all "no $other: run 'make image'"
ktap_set_plan 6
release=$(cat "$KCACHE/release")
other_release=$(modinfo -F vermagic "$other" | tail -n 1)
other_release=${other_release%% *}

mkdir "$tmp/a"
cp "$ko" "$tmp/a/"
cp "$other" "$tmp/a/other.ko"
perl -0777 -pe 's/description=([^\0]*)/"vermagic=9.9.9" . ("\0" x (length($1) - 2))/e' \
	"$ko" >"$tmp/a/two.ko"
printf '%s\n' a/helloworld.o kernel/a/other.ko >"$tmp/both.order"
printf '%s\n' a/helloworld.o >"$tmp/one.order"
printf '%s\n' a/two.ko >"$tmp/two.order"
run "$top/scripts/kos.sh" "$tmp/both.order"
check_eq "the list: .o and kernel/ names as .ko paths" "a/helloworld.ko
a/other.ko" "$out"
run "$top/scripts/kos.sh" -r "$tmp/one.order"
check_eq "-r: the modules' release" "0 $release" "$rc $out"
run "$top/scripts/kos.sh" -r "$tmp/two.order"
check_eq "-r, a module with a vermagic of its own before modpost's: modpost's" \
	"0 $release" "$rc $out"
run "$top/scripts/kos.sh" -r "$tmp/both.order"
check_glob "-r, two releases: fails, naming both" \
	"1 kmodlab: the modules of $tmp/both.order are built for more than one kernel (*$other_release*): build them again, against one KDIR" \
	"$rc $out"
: >"$tmp/a/helloworld.ko"
run "$top/scripts/kos.sh" -r "$tmp/one.order"
check_glob "-r, a module modinfo cannot read: fails, saying so" \
	"1 *kmodlab: modinfo cannot read a module of $tmp/one.order (above): build it again" "$rc $out"
: >"$tmp/none.order"
run "$top/scripts/kos.sh" -r "$tmp/none.order"
check_run "-r, a list of no module: fails, saying so" 1 "lists no module: run make\$"
ktap_finished
