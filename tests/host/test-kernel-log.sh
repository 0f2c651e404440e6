#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Host side: qemu/kernel-log.awk finds the kernel's own reports in a
# console log, each in the words the kernel prints it with. For each kind
# (an oops, BUG(), WARN(), KASAN, UBSAN, lockdep, kmemleak, a soft and a
# hard lockup, an RCU stall on 5.10 and on today's kernels, a task blocked
# in D state), a log of a clean run with that one line added fails check
# 1 with "(1 found)". The clean log passes all three checks; one whose
# kernel log did not reach its end fails check 2; with kmemleak=yes, one
# without "kmodlab: kmemleak scanned" fails check 3.

# shellcheck source=tests/host/host.sh
. "${0%/*}/host.sh"
awk_file=$top/qemu/kernel-log.awk

ktap_print_header
ktap_set_plan 18

# clean [LINE]: a console log of a run that went well, LINE in its kernel log.
clean() {
	printf '%s\n' 'kmodlab: /init reached at 0.90 s' 'ok 1 a test file' \
		'kmodlab: kernel log begin' 'kmodlab: kmemleak scanned'
	[ -z "${1-}" ] || printf '[   12.345678] %s\n' "$1"
	printf '%s\n' 'kmodlab: kernel log end' 'kmodlab: powering off at 4.00 s'
}

clean >"$tmp/clean.log"
out=$(awk -v kmemleak=yes -f "$awk_file" "$tmp/clean.log")
check_match "a clean log: no report" '^  ok 1 no KASAN' "$out"
check_match "a clean log: the kernel log to its end" '^  ok 2 ' "$out"
check_match "a clean log: kmemleak scanned" '^  ok 3 ' "$out"

found() {	# NAME LINE: the report LINE is found, once
	clean "$2" >"$tmp/report.log"
	out=$(awk -f "$awk_file" "$tmp/report.log")
	check_match "$1" '^  not ok 1 .* \(1 found\)$' "$out"
}
found "an oops" 'Internal error: Oops: 0000000096000004 [#1] SMP'
found "a NULL pointer" 'Unable to handle kernel NULL pointer dereference at virtual address 0000000000000000'
found "BUG()" 'kernel BUG at helloworld/helloworld.c:20!'
found "WARN()" 'WARNING: CPU: 1 PID: 73 at helloworld/helloworld.c:20 helloworld_init+0x10/0x1000 [helloworld]'
found "KASAN" 'BUG: KASAN: slab-use-after-free in helloworld_init+0xf8/0x1000 [helloworld]'
found "UBSAN" 'UBSAN: array-index-out-of-bounds in helloworld/helloworld.c:20:5'
found "lockdep" 'INFO: trying to register non-static key.'
found "kmemleak" 'kmemleak: 1 new suspected memory leaks (see /sys/kernel/debug/kmemleak)'
found "a soft lockup" 'watchdog: BUG: soft lockup - CPU#1 stuck for 22s! [insmod:73]'
found "a hard lockup" 'watchdog: Watchdog detected hard LOCKUP on cpu 1'
found "an RCU stall (5.10)" 'rcu: INFO: rcu_sched self-detected stall on CPU'
found "an RCU stall (today)" 'rcu: INFO: rcu_preempt detected stalls on CPUs/tasks:'
found "a task blocked in D state" 'INFO: task insmod:73 blocked for more than 120 seconds.'

grep -v 'kernel log end' "$tmp/clean.log" >"$tmp/cut.log"
check_match "a kernel log cut short fails check 2" '^  not ok 2 ' \
	"$(awk -f "$awk_file" "$tmp/cut.log")"
grep -v 'kmemleak scanned' "$tmp/clean.log" >"$tmp/noscan.log"
check_match "kmemleak=yes, no scan: fails check 3" '^  not ok 3 ' \
	"$(awk -v kmemleak=yes -f "$awk_file" "$tmp/noscan.log")"
ktap_finished
