#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Everything CI runs, in one go, for a person too: static analysis,
# scripts/setup.sh's own checks (make test-setup), the suite on each kernel
# of MATRIX (make test-matrix: its modules rebuilt with W=1, a table of
# kernel x check); on each kernel of MATRIX too the loader
# checks (make test-loader: koinfo's predictions for the modules and the
# failure fixtures, the trace, compressed modules), the build variants,
# DKMS and the signed boot (make test-sig); the labs on
# the default kernel and the edge one; then on the default kernel the QEMU
# board, make install and the stress run; last, the README's two commands
# on clean Debian roots (make test-fresh). A failing step does not stop the
# others; the last line counts every check of every step ("N passed, N
# failed").
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
	SECONDS=0
	if "$@"; then
		printf 'KTAP version 1\n1..1\n  KTAP version 1\n  1..1\n  ok 1 %s\nok 1 %s\n' \
			"$name" "$name" >"$out/$name.ktap"
	else
		printf 'KTAP version 1\n1..1\n  KTAP version 1\n  1..1\n  not ok 1 %s\nnot ok 1 %s\n' \
			"$name" "$name" >"$out/$name.ktap"
	fi
	printf '==== %s: %d s\n' "$name" "$SECONDS"
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
rm -f build/setup.log
step test-setup "${make[@]}" test-setup
ktap test-setup build/setup.log

step test-matrix "${make[@]}" test-matrix MATRIX="$MATRIX"
for k in $MATRIX; do
	ktap "test-$k" "build/$k/host.log" "build/$k/test.log" \
		"build/$k/kernel-log.log"
done

rm -f build/*/builds.log build/labs.log build/6.1/board.log \
	build/6.1/install-host.log build/6.1/test-install.log
# The modules are rebuilt for each kernel in turn: begin with the one
# test-matrix built last, end with the default one (6.1), which the steps
# after the loop use. KDIR is the Makefile's, for each: not passed on.
loader=
for k in $MATRIX; do
	case $k in
	6.1) ;;
	"${MATRIX##* }") loader="$k $loader" ;;
	*) loader="$loader $k" ;;
	esac
done
case " $MATRIX " in *" 6.1 "*) loader="$loader 6.1" ;; esac
for k in $loader; do
	rm -f "build/$k/test-loader.log" "build/$k/kernel-loader-log.log"
	step "test-loader-$k" env -u KDIR "${make[@]}" KERNEL="$k" test-loader
	ktap "test-loader-$k" "build/$k/test-loader.log" "build/$k/kernel-loader-log.log"
	step "test-builds-$k" env -u KDIR "${make[@]}" KERNEL="$k" test-builds
	ktap "test-builds-$k" "build/$k/builds.log"
	step "dkms-check-$k" env -u KDIR "${make[@]}" KERNEL="$k" dkms-check
	rm -f "build/$k/test-sig.log"
	step "test-sig-$k" env -u KDIR "${make[@]}" KERNEL="$k" test-sig
	ktap "test-sig-$k" "build/$k/test-sig.log"
	if [ "$k" = edge ]; then
		rm -f build/labs.log
		step test-labs-edge env -u KDIR "${make[@]}" KERNEL=edge test-labs
		ktap test-labs-edge build/labs.log
	fi
done
rm -f build/labs.log
step test-labs "${make[@]}" test-labs
ktap test-labs build/labs.log
step test-board-qemu "${make[@]}" test-board-qemu
ktap test-board-qemu build/6.1/board.log
step test-install "${make[@]}" test-install
ktap test-install build/6.1/install-host.log build/6.1/test-install.log
rm -f build/6.1/stress.log
step stress "${make[@]}" stress
ktap stress build/6.1/stress.log
# Last: the README's promise on clean machines, from the committed HEAD.
rm -f build/fresh.log
step test-fresh "${make[@]}" test-fresh
ktap test-fresh build/fresh.log

printf '\n==== all steps\n'
for f in "$out"/*.ktap; do
	! grep -q '^not ok' "$f" || echo "FAILED: $(basename "$f" .ktap)"
done
awk -f qemu/verdict.awk "${logs[@]}"
