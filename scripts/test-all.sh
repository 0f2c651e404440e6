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
# the default kernel ($KERNEL) and the edge one; make test M=DIR on the
# sample directories (make test-own); then on the default one the QEMU
# board, make install and the stress run; last, the README's two commands
# on clean Debian roots (make test-fresh). A failing step does not stop the
# others; the last line counts every check of every step ("N passed, N
# failed").
#
# Usage: scripts/test-all.sh     (from the Makefile: 'make test-all')
# Variables: MAKE; the facts (scripts/lib/facts.sh): MATRIX, KERNEL

set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
# shellcheck source=scripts/lib/facts.sh
. scripts/lib/facts.sh
make=("${MAKE:-make}" --no-print-directory)
out=build/all
rm -rf "$out" && mkdir -p "$out"
logs=()

# step NAME COMMAND...: run it, and count its exit status as one check:
# a guest that panicked after its tests passed still fails the run.
step() {
	local name=$1 result=ok

	shift
	logs+=("$out/$name.ktap")
	printf '\n==== %s: %s\n' "$name" "$*"
	SECONDS=0
	"$@" || result='not ok'
	printf 'KTAP version 1\n1..1\n  KTAP version 1\n  1..1\n  %s 1 %s\n%s 1 %s\n' \
		"$result" "$name" "$result" "$name" >"$out/$name.ktap"
	printf '==== %s: %d s\n' "$name" "$SECONDS"
}

# ktap STEP FILE...: count the checks in the KTAP files the step left; a
# FILE.logs (scripts/guest.sh) names a guest run's files.
ktap() {
	local name=$1 f more

	shift
	for f; do
		case $f in
		*.logs) [ -r "$f" ] || continue
			mapfile -t more <"$f"
			ktap "$name" "${more[@]}"
			continue ;;
		*=*) continue ;;	# a label of qemu/ktap.awk's
		esac
		[ -s "$f" ] || continue
		cp "$f" "$out/$name.${f##*/}"
		logs+=("$out/$name.${f##*/}")
	done
}

# target STEP KERNEL TARGET [KTAP_FILE [MAKE_OPTION...]]: make TARGET for
# KERNEL (KDIR: the Makefile's, for each), and count its checks: those its
# guest run named (build/KERNEL/TARGET.logs), or KTAP_FILE's.
target() {
	local name=$1 k=$2 target=$3 files=${4:-build/$2/$3.logs}

	shift $(($# < 4 ? $# : 4))
	rm -f "$files"
	step "$name" "${make[@]}" "$@" KERNEL="$k" "$target"
	ktap "$name" "$files"
}

step lint "${make[@]}" lint
rm -f build/setup.log
step test-setup "${make[@]}" test-setup
ktap test-setup build/setup.log

for k in $MATRIX; do rm -f "build/$k/test.logs"; done
step test-matrix "${make[@]}" test-matrix MATRIX="$MATRIX"
for k in $MATRIX; do
	ktap "test-$k" "build/$k/test.logs"
done

# The modules are rebuilt for each kernel in turn: begin with the one
# test-matrix built last, end with the default one, which the steps
# after the loop use.
loader=
for k in $MATRIX; do
	case $k in
	"$KERNEL") ;;
	"${MATRIX##* }") loader="$k $loader" ;;
	*) loader="$loader $k" ;;
	esac
done
case " $MATRIX " in *" $KERNEL "*) loader="$loader $KERNEL" ;; esac
for k in $loader; do
	target "test-loader-$k" "$k" test-loader
	target "test-builds-$k" "$k" test-builds "build/$k/builds.log"
	step "dkms-check-$k" "${make[@]}" KERNEL="$k" dkms-check
	target "test-sig-$k" "$k" test-sig
	[ "$k" != edge ] || target test-labs-edge edge test-labs build/labs.log
done
# -j2, as a learner may type make -j lab: its two traces must not collide.
target test-labs "$KERNEL" test-labs build/labs.log -j2
target test-own "$KERNEL" test-own build/own.log
target test-board-qemu "$KERNEL" test-board-qemu "build/$KERNEL/board.log"
target test-install "$KERNEL" test-install
target stress "$KERNEL" stress
# Last: the README's promise on clean machines, from the committed HEAD.
target test-fresh "$KERNEL" test-fresh build/fresh.log

printf '\n==== all steps\n'
for f in "$out"/*.ktap; do
	! grep -q '^not ok' "$f" || echo "FAILED: $(basename "$f" .ktap)"
done
awk -f qemu/ktap.awk "${logs[@]}"
