#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot an arm64 kernel and initramfs under QEMU, keep the whole console log,
# and turn a guest panic, oops or hang into a clear failure naming the log.
# The guest powers itself off when done (qemu/init), so QEMU exits.
#
# Usage: qemu/boot.sh [-i] [-q] [-l LOG] [-r FILE] [-t SECONDS] VMLINUZ INITRD [ARG]...
#   -i          interactive: the terminal talks to the guest; no timeout
#   -q          keep the console in LOG only, do not echo it
#   -l LOG      the console log (default: build/console.log)
#   -r FILE     write why the boot failed to FILE (empty: it powered off)
#   -t SECONDS  give up on the guest after this long (default: $TIMEOUT or 120)
#   ARG         added to the kernel command line
# Variables: QEMU (default qemu-system-aarch64), QEMU_FLAGS (added flags)

set -uo pipefail

QEMU=${QEMU:-qemu-system-aarch64}
timeout=${TIMEOUT:-120} log=build/console.log
interactive='' quiet='' reason_file=''

usage() { sed -n '/^# Usage:/,/^$/s/^# \{0,1\}//p' "$0" >&2; exit 2; }
die() { printf 'boot: error: %s\n' "$*" >&2; exit 1; }

while getopts iql:r:t: opt; do
	case $opt in
	i) interactive=1 ;;
	q) quiet=1 ;;
	l) log=$OPTARG ;;
	r) reason_file=$OPTARG ;;
	t) timeout=$OPTARG ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -ge 2 ] || usage
case $timeout in
'' | *[!0-9]* | 0*) die "-t (or TIMEOUT) takes whole seconds, 1 or more (not '$timeout')" ;;
esac
vmlinuz=$1 initrd=$2
shift 2
[ -r "$vmlinuz" ] || die "no kernel image $vmlinuz: run 'make setup'"
[ -r "$initrd" ] || die "no initramfs $initrd"
command -v "$QEMU" >/dev/null || die "$QEMU not found: run 'make setup'"
mkdir -p "$(dirname "$log")"

# -nic none: QEMU installed without recommends has no NIC boot ROM.
# gic-version=3: the interrupt controller of RK35xx boards; under TCG its
# CPU interface (system registers) is a little cheaper than GICv2's MMIO.
# panic=-1 with -no-reboot: a panicking guest ends QEMU at once.
# kpti=0: the Cortex-A57 is not affected by Meltdown, but KASLR forces
# kernel page table isolation on, and under TCG each of its page table
# switches costs a TLB flush: a process start then takes half as long
# again (busybox 12 ms instead of 8, kmod 67 instead of 44).
# rcupdate.rcu_expedited=1: rmmod waits for an RCU grace period
# (free_module()), which takes ticks under TCG unless expedited.
# norandmaps: QEMU reuses the code it translated for a program only at
# the same virtual addresses, so with user-space ASLR every kmod call
# translates ld.so, libc and libcrypto afresh (kmod: 25 ms, not 50).
# The kernel's own KASLR, which decides where modules go, stays on.
# shellcheck disable=SC2206 # QEMU_FLAGS is a list of words
cmd=("$QEMU" -M "virt,gic-version=3" -cpu cortex-a57 -smp 2 -m 512 -nographic -no-reboot
     -nic none ${QEMU_FLAGS-} -kernel "$vmlinuz" -initrd "$initrd"
     -append "console=ttyAMA0 panic=-1 quiet kpti=0 rcupdate.rcu_expedited=1 norandmaps $*")
echo "boot: ${cmd[*]}" >&2

# --foreground: timeout and QEMU stay in the terminal's process group, so
# that Ctrl-C ends QEMU (in a group of its own, it would run on, unseen,
# until the time limit).
start=$EPOCHREALTIME
if [ -n "$interactive" ]; then
	"${cmd[@]}" | tee "$log"
	exit "${PIPESTATUS[0]}"
elif [ -n "$quiet" ]; then
	timeout --foreground -k 5 "$timeout" "${cmd[@]}" </dev/null >"$log" 2>&1
else
	timeout --foreground -k 5 "$timeout" "${cmd[@]}" </dev/null 2>&1 | tee "$log"
fi
status=${PIPESTATUS[0]}
tr -d '\r' <"$log" >"$log.tmp" && mv "$log.tmp" "$log"
awk -v t0="$start" -v t1="$EPOCHREALTIME" -v file="$log" \
	'BEGIN { printf "boot: QEMU ran %.1f s, console log in %s\n", t1 - t0, file }' >&2

fail=
if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
	fail="the guest hung: no power-off within ${timeout} s"
elif line=$(grep -m1 -E 'Kernel panic|Internal error: Oops|Unable to handle kernel|BUG: |Call trace:' "$log"); then
	fail="the guest kernel reported: $line"
elif ! grep -q '^kmodlab: powering off' "$log"; then
	fail="the guest stopped before powering off (QEMU exit status $status)"
fi
[ -z "$reason_file" ] || printf '%s\n' "$fail" >"$reason_file"
[ -z "$fail" ] || { echo "boot: FAILED: $fail (see $log)" >&2; exit 1; }
