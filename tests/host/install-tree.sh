#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Host side, run by 'make test-install' only (its name is not test-*.sh:
# it needs the tree that 'make install INSTALL_MOD_PATH=$INSTALL_ROOT' has
# just made). Checks that each module of modules.order was installed under
# lib/modules/<release>/$INSTALL_MOD_DIR, byte for byte the built file, that
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
# Kbuild's list of what it built: .o names since 6.2, .ko before.
kos=$(cd "$top" && sed 's/\.o$/.ko/; s|^kernel/||' modules.order |
      xargs realpath --relative-to="$top")
first=$(echo "$kos" | head -n 1)
vermagic=$(modinfo -F vermagic "$top/$first")
moddir=$root/lib/modules/${vermagic%% *}
ktap_set_plan $(($(echo "$kos" | wc -l) * 2 + 2))

for ko in $kos; do
	check_eq "$ko: installed as $dir/$ko, same bytes" same \
		"$(cmp "$top/$ko" "$moddir/$dir/$ko" 2>&1 && echo same)"
	check_match "$ko: depmod indexed it (modules.dep)" "^$dir/$ko:" \
		"$(cat "$moddir/modules.dep" 2>&1)"
done
for f in modprobe.d/kmodlab.conf modules-load.d/kmodlab.conf; do
	check_eq "/etc/$f: the example from scripts/etc" same \
		"$(cmp "$top/scripts/etc/$f" "$root/etc/$f" 2>&1 && echo same)"
done

ktap_finished
