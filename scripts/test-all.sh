#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Everything CI runs, in one go, for a person too: static analysis, the
# suite on each kernel of MATRIX (make test-matrix: its modules rebuilt with
# W=1, a table of kernel x check), then on the default kernel the loader checks (koinfo's predictions,
# the trace), the build variants, the labs, the QEMU
# board, make install and DKMS. A failing step does not stop the others;
# the last line counts every check of every step ("N passed, N failed").
#
# Usage: scripts/test-all.sh     (from the Makefile: 'make test-all')
# Variables: MATRIX (default: 5.10 6.1 6.12 edge), MAKE

set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
make=("${MAKE:-make}" --no-print-directory)
MATRIX=${MATRIX:-5.10 6.1 6.12 edge}
out=build/all
rm -rf "$out" && mkdir -p "$out"
logs=()

# step NAME COMMAND...: run it, and count its exit status as one check:
# a guest that panicked after its tests passed still fails the run.
step() {
	local name=$1

	shift
	logs+=("$out/$name.ktap")
	printf '\n==== %s: %s\n' "$name" "$*"
	if "$@"; then
		printf 'KTAP version 1\n1..1\n  KTAP version 1\n  1..1\n  ok 1 %s\nok 1 %s\n' \
			"$name" "$name" >"$out/$name.ktap"
	else
		printf 'KTAP version 1\n1..1\n  KTAP version 1\n  1..1\n  not ok 1 %s\nnot ok 1 %s\n' \
			"$name" "$name" >"$out/$name.ktap"
	fi
}

# ktap STEP FILE...: count the checks in the KTAP logs the step left.
ktap() {
	local name=$1 f

	shift
	for f; do
		[ -s "$f" ] || continue
		cp "$f" "$out/$name.${f##*/}"
		logs+=("$out/$name.${f##*/}")
	done
}

step lint "${make[@]}" lint

step test-matrix "${make[@]}" test-matrix MATRIX="$MATRIX"
for k in $MATRIX; do
	ktap "test-$k" "build/$k/host.log" "build/$k/test.log" \
		"build/$k/kernel-log.log"
done

rm -f build/6.1/builds.log build/labs.log build/6.1/board.log \
	build/6.1/install-host.log build/6.1/test-install.log
rm -f build/6.1/test-loader.log
step test-loader "${make[@]}" test-loader
ktap test-loader build/6.1/test-loader.log
step test-builds "${make[@]}" test-builds
ktap test-builds build/6.1/builds.log
step test-labs "${make[@]}" test-labs
ktap test-labs build/labs.log
step test-board-qemu "${make[@]}" test-board-qemu
ktap test-board-qemu build/6.1/board.log
step test-install "${make[@]}" test-install
ktap test-install build/6.1/install-host.log build/6.1/test-install.log
step dkms-check "${make[@]}" dkms-check

printf '\n==== all steps\n'
for f in "$out"/*.ktap; do
	! grep -q '^not ok' "$f" || echo "FAILED: $(basename "$f" .ktap)"
done
awk -f qemu/verdict.awk "${logs[@]}"
