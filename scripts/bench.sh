#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# How long does a user wait on 'make test', against the floor: the same
# kernel booted with the same kind of image straight to power-off
# (scripts/guest.sh none)? Runs each RUNS times (median) in one go, so
# both see the same machine load, and prints the ratio, the time to reach
# /init and the initramfs size.
#
# Usage: scripts/bench.sh   (from the Makefile: 'make bench')
# Variables: RUNS (default 5), MAKE; the facts (scripts/lib/facts.sh)

set -euo pipefail

RUNS=${RUNS:-5}
make=${MAKE:-make}
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
# shellcheck source=scripts/lib/facts.sh
. scripts/lib/facts.sh
floor=$KMODLAB_BUILD/floor

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

times=() inits=()
for _ in $(seq "$RUNS"); do
	t0=$EPOCHREALTIME
	scripts/guest.sh -q -n floor none 2>/dev/null
	t1=$EPOCHREALTIME
	$make -s test >"$KMODLAB_BUILD/bench-test.out" 2>&1 ||
		{ tail -n 5 "$KMODLAB_BUILD/bench-test.out"; echo "bench: make test failed" >&2; exit 1; }
	t2=$EPOCHREALTIME
	times+=("$t0 $t1 $t2")
	inits+=("$(sed -n 's/^kmodlab: \/init reached at \([0-9.]*\) s$/\1/p' "$floor.log")")
done

floor_s=$(printf '%s\n' "${times[@]}" | awk '{ print $2 - $1 }' | median)
test_s=$(printf '%s\n' "${times[@]}" | awk '{ print $3 - $2 }' | median)
init_s=$(printf '%s\n' "${inits[@]}" | median)

awk -v f="$floor_s" -v t="$test_s" -v i="$init_s" -v n="$RUNS" \
    -v base="$(stat -c %s build/guest-base.cpio)" \
    -v over="$(stat -c %s "$KMODLAB_BUILD/test-overlay.cpio")" -v k="$KERNEL" 'BEGIN {
	printf "kernel %s, median of %d runs\n", k, n
	printf "  initramfs:           %.2f MB (base %.2f MB + overlay %.0f kB), not compressed\n",
		(base + over) / 1e6, base / 1e6, over / 1e3
	printf "  boot to /init:       %.2f s (guest clock)\n", i
	printf "  floor (image + boot to power-off): %.2f s\n", f
	printf "  make test (warm):    %.2f s\n", t
	printf "  ratio:               %.2f (goal: at most 1.5)\n", t / f
}'
