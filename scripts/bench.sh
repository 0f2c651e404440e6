#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# How long does a user wait on 'make test', against the floor: the same
# kernel booted with the same kind of image straight to power-off? Runs
# each RUNS times (median) in one go, so both see the same machine load,
# and prints the ratio, the time to reach /init and the initramfs size.
#
# Usage: scripts/bench.sh   (from the Makefile: 'make bench')
# Variables: RUNS (default 3), KERNEL, KMODLAB_CACHE, MAKE

set -euo pipefail

RUNS=${RUNS:-3}
KERNEL=${KERNEL:-6.1}
CACHE=${KMODLAB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kmodlab}
kcache=$CACHE/kernels/$KERNEL
build=build/$KERNEL
make=${MAKE:-make}

cd "$(dirname "$0")/.."
[ -r "$build/initramfs.cpio" ] || { echo "bench: run 'make image' first" >&2; exit 1; }

now() { echo "$EPOCHREALTIME"; }
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# The floor: assemble the image and boot it with an init that powers off.
floor() {
	qemu/mkinitramfs.sh overlay "$kcache" "$build/overlay.cpio"
	cat build/guest-base.cpio "$build/overlay.cpio" >"$build/initramfs.cpio"
	qemu/boot.sh -q -l "$build/bench-floor.log" "$kcache/vmlinuz" \
		"$build/initramfs.cpio" kmodlab_run=none 2>/dev/null
}

for _ in $(seq "$RUNS"); do
	t0=$(now); floor; t1=$(now)
	$make -s test >"$build/bench-test.out" 2>&1 ||
		{ tail -n 5 "$build/bench-test.out"; echo "bench: make test failed" >&2; exit 1; }
	t2=$(now)
	echo "$t0 $t1 $t2" >>"$build/bench.times.$$"
	sed -n 's/^kmodlab: \/init reached at \([0-9.]*\) s$/\1/p' \
		"$build/bench-floor.log" >>"$build/bench.init.$$"
done

floor_s=$(awk '{ print $2 - $1 }' "$build/bench.times.$$" | median)
test_s=$(awk '{ print $3 - $2 }' "$build/bench.times.$$" | median)
init_s=$(median <"$build/bench.init.$$")
rm -f "$build/bench.times.$$" "$build/bench.init.$$"

awk -v f="$floor_s" -v t="$test_s" -v i="$init_s" -v n="$RUNS" \
    -v base="$(stat -c %s build/guest-base.cpio)" \
    -v over="$(stat -c %s "$build/overlay.cpio")" -v k="$KERNEL" 'BEGIN {
	printf "kernel %s, median of %d runs\n", k, n
	printf "  initramfs:           %.2f MB (base %.2f MB + overlay %.0f kB), not compressed\n",
		(base + over) / 1e6, base / 1e6, over / 1e3
	printf "  boot to /init:       %.2f s (guest clock)\n", i
	printf "  floor (image + boot to power-off): %.2f s\n", f
	printf "  make test (warm):    %.2f s\n", t
	printf "  ratio:               %.2f (goal: at most 2)\n", t / f
}'
