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
nl='
'
release=
for ko in $kos; do	# Kbuild's paths have no space
	v=$(modinfo -F vermagic "$ko") ||
		{ echo "kmodlab: modinfo cannot read $ko (in $order): build it again" >&2; exit 1; }
	# modpost's, the last: a module may give one of its own before it,
	# which is what the loader reads (labs/5-versions does).
	v=${v##*"$nl"}
	case " $release " in
	*" ${v%% *} "*) ;;
	*) release=${release:+$release }${v%% *} ;;
	esac
done
case $release in
*' '*) echo "kmodlab: the modules of $order are built for more than one kernel ($release): build them again, against one KDIR" >&2
	exit 1 ;;
esac
echo "$release"
