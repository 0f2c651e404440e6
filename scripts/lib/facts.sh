# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# The facts kmodlab's host scripts share, each defined once, in the
# Makefile (its "facts" list): the kernel, the matrix, the cache, KDIR,
# ARCH, CROSS_COMPILE, the build folder, koinfo. make exports them to what
# it runs, with KMODLAB_FACTS naming the kernel and cache they were made
# for; a script run by hand, or for another KERNEL or KMODLAB_CACHE than
# those, asks make for them again ("make facts").
#
# Also the one reader of qemu/kernels/<kernel>.conf: kernel_conf. (Kbuild's
# modules.order has its own, for sh too: scripts/kos.sh.)
#
# Sourced by bash scripts that have set $top, the top of the tree.

# shellcheck disable=SC2154 # $top: set by the script that sources this
if [ "${KMODLAB_FACTS-}" != "${KERNEL-} ${KMODLAB_CACHE-}" ]; then
	_facts=$(make -s --no-print-directory -C "$top" facts) || exit 2
	eval "$_facts"
	unset _facts
fi

# kernel_conf NAME [KERNEL]: the value of NAME in the kernel's settings
# (plain name=value lines, read here only); empty when it has none. Fails
# on a kernel kmodlab does not know, naming those it does.
kernel_conf() {
	local conf=$top/qemu/kernels/${2:-$KERNEL}.conf name value known

	if [ ! -r "$conf" ]; then
		known=$(cd "$top/qemu/kernels" && echo *.conf)
		echo "kmodlab: no kernel '${2:-$KERNEL}' (qemu/kernels/ has: ${known//.conf/})" >&2
		return 2
	fi
	while IFS='=' read -r name value; do
		case $name in
		suite | pockets | image | source | kmemleak)
			[ "$name" != "$1" ] || { echo "$value"; return 0; } ;;
		'#'* | '') ;;
		*) echo "kmodlab: $conf: unknown setting '$name'" >&2; return 2 ;;
		esac
	done <"$conf"
}
