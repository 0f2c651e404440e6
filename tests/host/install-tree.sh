#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Host side, run by 'make test-install' only (its name is not test-*.sh:
# it needs the tree that 'make install INSTALL_MOD_PATH=$INSTALL_ROOT' has
# just made). Checks that each module of modules.order was installed under
# lib/modules/<release>/$INSTALL_MOD_DIR, byte for byte the built file (once
# the signature make install may have added is taken off), that
# depmod indexed it there (modules.dep), and that both /etc examples are in
# place.
#
# Variables: INSTALL_ROOT     the staging root (required)
#            INSTALL_MOD_DIR  the folder make install used (extra)

TESTS_DIR=${0%/*}/..
# shellcheck source=tests/kmodlab.sh
. "$TESTS_DIR/kmodlab.sh"

top=$(cd "${0%/*}/../.." && pwd)
root=${INSTALL_ROOT-}
dir=${INSTALL_MOD_DIR:-extra}

ktap_print_header
if [ -z "$root" ] || [ ! -d "$root" ]; then
	ktap_skip_all "INSTALL_ROOT names no folder: 'make test-install' runs this"
fi
kos=$(cd "$top" && scripts/kos.sh |
      xargs realpath --relative-to="$top")
first=$(echo "$kos" | head -n 1)
vermagic=$(modinfo -F vermagic "$top/$first")
moddir=$root/lib/modules/${vermagic%% *}
ktap_set_plan $(($(echo "$kos" | wc -l) * 2 + 2))

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for ko in $kos; do
	# Signed by make install (a key named, or KDIR's own): the same
	# bytes once its signature is taken off.
	inst=$moddir/$dir/$ko
	if [ -n "$(modinfo -F signer "$inst" 2>/dev/null)" ] &&
	   [ -z "$(modinfo -F signer "$top/$ko")" ]; then
		cp "$inst" "$tmp/m.ko" && "$top/scripts/sign.sh" strip "$tmp/m.ko"
		inst=$tmp/m.ko
	fi
	check_eq "$ko: installed as $dir/$ko, same bytes (but for a signature)" same \
		"$(cmp "$top/$ko" "$inst" 2>&1 && echo same)"
	check_match "$ko: depmod indexed it (modules.dep)" "^$dir/$ko:" \
		"$(cat "$moddir/modules.dep" 2>&1)"
done
for f in modprobe.d/kmodlab.conf modules-load.d/kmodlab.conf; do
	check_eq "/etc/$f: the example from scripts/etc" same \
		"$(cmp "$top/scripts/etc/$f" "$root/etc/$f" 2>&1 && echo same)"
done

ktap_finished
