#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The modules Kbuild built, one .ko a line, in its order: Kbuild's list,
# modules.order, names the .o files since 6.2 and the .ko before, and old
# kernels prefix "kernel/". The paths are relative to the list's folder.
# The one reader of that list, for the Makefile and every script.
# With -r, the release they are built for instead: the first word of
# their vermagic, which the loader compares with its own and depmod and
# modules_install name their folder by (Debian's headers say 6.1.192 in
# include/config/kernel.release, but build for 6.1.0-NN-arm64). Modules
# built for two releases fail, naming both.
#
# Usage: scripts/kos.sh [-r] [MODULES_ORDER]   (default: the tree's own)

release=
[ "${1-}" != -r ] || { release=1; shift; }
order=${1:-${0%/*}/../modules.order}
[ -r "$order" ] || { echo "kmodlab: no $order: run make first" >&2; exit 1; }
[ -n "$release" ] || exec sed 's/\.o$/.ko/; s|^kernel/||' "$order"

kos=$(sed 's/\.o$/.ko/; s|^kernel/||' "$order")
[ -n "$kos" ] || { echo "kmodlab: $order lists no module: run make" >&2; exit 1; }
cd "$(dirname "$order")" || exit 1
# One modinfo for them all: each module's fields follow its filename line.
# shellcheck disable=SC2086 # Kbuild's paths have no space
info=$(modinfo $kos) ||
	{ echo "kmodlab: modinfo cannot read a module of $order (above): build it again" >&2; exit 1; }
# Each module's last vermagic, modpost's: a module may give one of its
# own before it, which is what the loader reads (labs/5-versions does).
release=$(printf '%s\n' "$info" | awk '
	/^filename:/ { if (v != "") r[v]; v = "" }
	/^vermagic:/ { v = $2 }
	END { if (v != "") r[v]; for (v in r) s = s (s == "" ? "" : " ") v; print s }')
case $release in
*' '*) echo "kmodlab: the modules of $order are built for more than one kernel ($release): build them again, against one KDIR" >&2
	exit 1 ;;
esac
echo "$release"
