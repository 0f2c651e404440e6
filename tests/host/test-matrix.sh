#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Host side: scripts/matrix.sh's table, read from a run's NAME.logs (the
# KTAP files scripts/guest.sh names) in build/<kernel>/, without -r (no
# run): a run named host-matrix-PID made here, removed at the end.
#   - its options in any order (-m before -n used to leave -n unread,
#     and the table then read another run's results);
#   - a failed check is a FAIL cell, its reason below the table, exit 1;
#   - an unknown option: the usage, exit 2;
#   - an unknown kernel with -r: refused before any run (its row read
#     "build: W=1, no warning  ok", for a kernel that never built).
# Variables: KERNEL, KMODLAB_BUILD (the Makefile's facts)

# shellcheck source=tests/host/host.sh
. "${0%/*}/host.sh"
KERNEL=${KERNEL:?run it through make, which exports it}
KMODLAB_BUILD=${KMODLAB_BUILD:?run it through make, which exports it}
name=host-matrix-$$
logs=$KMODLAB_BUILD/$name.logs
# shellcheck disable=SC2317 # called at exit
test_cleanup() { rm -rf "$tmp" "$logs"; }

ktap_print_header
ktap_set_plan 7

result() {	# RESULT: a KTAP file of one test "run", check "loads" RESULT
	printf 'KTAP version 1\n1..1\n  KTAP version 1\n  1..1\n  %s 1 loads\n%s 1 run\n' \
		"$1" "$1" >"$tmp/run.ktap"
	[ "$1" = ok ] || sed -i 's/^  not ok 1/  # it did not load\n&/' "$tmp/run.ktap"
	printf '%s\n' "$tmp/run.ktap" >"$logs"
}
matrix() { run sh -c "cd '$top' && scripts/matrix.sh $*"; }

result ok
matrix -m /nowhere -n "$name" "$KERNEL"
check_run "-m before -n: the table of that run" 0 "^run: loads +ok\$"
matrix -n "$name" "$KERNEL"
check_run "-n alone: the same" 0 "^run: loads +ok\$"
result "not ok"
matrix -n "$name" "$KERNEL"
check_run "a failed check: a FAIL cell, exit 1" 1 "^run: loads +FAIL\$"
check_match "... and why, below the table" "^# $KERNEL: run: loads: it did not load\$" "$out"
matrix -x "$KERNEL"
check_run "an unknown option: the usage, exit 2" 2 '^Usage: scripts/matrix.sh '
matrix -r nosuch
check_run "-r with a kernel kmodlab does not know: exit 2, naming those it does" 2 \
	"^kmodlab: no kernel 'nosuch' \\(qemu/kernels/ has: .*$KERNEL"
check_eq "... before any run: no make, no build/nosuch" "0 no" \
	"$(printf '%s\n' "$out" | grep -c '^test-matrix: ') $(test -e "$top/build/nosuch" && echo yes || echo no)"
ktap_finished
