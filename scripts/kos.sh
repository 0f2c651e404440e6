#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The modules Kbuild built, one .ko a line, in its order: Kbuild's list,
# modules.order, names the .o files since 6.2 and the .ko before, and old
# kernels prefix "kernel/". The paths are relative to the list's folder.
# The one reader of that list, for the Makefile and every script.
#
# Usage: scripts/kos.sh [MODULES_ORDER]   (default: the tree's own)

order=${1:-${0%/*}/../modules.order}
[ -r "$order" ] || { echo "kmodlab: no $order: run make first" >&2; exit 1; }
sed 's/\.o$/.ko/; s|^kernel/||' "$order"
