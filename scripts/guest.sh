#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The one way kmodlab runs a guest: assemble its image from the parts
# make prepared (qemu/mkinitramfs.sh), boot it (qemu/boot.sh) with the
# host's checks beside it, name every log, and give one verdict of all
# their KTAP (qemu/ktap.awk) and of the guest kernel's own reports
# (qemu/kernel-log.awk). Every make target that boots calls this.
#
# Usage: scripts/guest.sh [-q] [-t SECONDS] [-n NAME] [-o ORDER]
#                         [-f FILE:PATH]... [-H FILE]... [-k KTAP]... RUN [ARG]...
#   RUN   what the guest's /init does (qemu/init's kmodlab_run): tests,
#         loader, sig, stress, installed, lab, own (KTAP, with a verdict),
#         demo, trace, shell (interactive), board (the QEMU board's image;
#         scripts/board-qemu.sh), none (a bare boot: make bench's floor)
#   ARG   added to the kernel command line
#   -n NAME       names the run (default: RUN), in $KMODLAB_BUILD: the
#                 image NAME.cpio, the console log NAME.log, the host's
#                 checks NAME-host.log, the kernel's reports NAME-kernel.log,
#                 the boot's own check NAME-boot.log (it powered off: no
#                 hang, panic or oops), and NAME.logs: the KTAP files of
#                 the verdict, as qemu/ktap.awk's arguments (a line each)
#   -o ORDER      the modules to install: a modules.order (default: the
#                 tree's); their folder is what the paths are relative to
#   -f FILE:PATH  a file or folder to place in the guest at PATH; a PATH
#                 without a leading / is in the suite's guest folder
#                 (qemu/mkinitramfs.sh)
#   -H FILE       a host check (tests/run.sh FILE), run beside the guest
#   -k KTAP       a host check's KTAP, made before: counted in the verdict
#   -t SECONDS    the guest's time limit (qemu/boot.sh's -t)
#   -q            keep the console in its log only
#   (-H and -k are for the runs that print KTAP.)
# Variables: HOST_TIMEOUT  seconds the host's checks may take (300: they
#                          take seconds; a hung one must not hang the run)
# The facts (KERNEL, KCACHE, KMODLAB_BUILD...): scripts/lib/facts.sh.

set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 2
# shellcheck source=scripts/lib/facts.sh
. scripts/lib/facts.sh

# On an error, the host's checks (if started) end first: none is left behind.
die() { wait; printf 'guest: error: %s\n' "$*" >&2; exit 2; }
usage() { sed -n '/^# Usage:/,/^# The facts/s/^# \{0,1\}//p' "$0" >&2; exit 2; }

name='' order='' boot_opts=() files=() host=() done_ktap=()
while getopts qt:n:o:f:H:k: opt; do
	case $opt in
	q) boot_opts+=(-q) ;;
	t) boot_opts+=(-t "$OPTARG") ;;
	n) name=$OPTARG ;;
	o) order=$OPTARG ;;
	f) files+=("$OPTARG") ;;
	H) host+=("$OPTARG") ;;
	k) done_ktap+=("$OPTARG") ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -ge 1 ] || usage
run=$1
shift
name=${name:-$run}

# What each run is: does it print KTAP, and its kernel log (qemu/init's
# kernel_log)?
case $run in
tests | loader | sig | own) ktap=1 kernel_log=1 ;;
stress | installed | lab) ktap=1 kernel_log='' ;;
demo | trace | none | board) ktap='' kernel_log='' ;;
shell) ktap='' kernel_log='' boot_opts+=(-i) ;;
*) die "no run '$run' (see the usage: scripts/guest.sh)" ;;
esac
[ -n "$ktap" ] || [ $((${#host[@]} + ${#done_ktap[@]})) -eq 0 ] ||
	die "-H and -k add to a KTAP verdict: '$run' has none"
host_timeout=${HOST_TIMEOUT:-300}
case $host_timeout in
'' | *[!0-9]* | 0*) die "HOST_TIMEOUT takes whole seconds, 1 or more (not '$host_timeout')" ;;
esac

out=$KMODLAB_BUILD/$name
mkdir -p "$(dirname "$out")"
rm -f "$out.log" "$out-host.log" "$out-kernel.log" "$out-boot.log" "$out.logs"
base=$top/build/guest-base.cpio
[ -r "$base" ] || die "no $base: run 'make image' (make's targets that boot make it first)"

# The host's checks need nothing of the image: they start first, with a
# core to themselves until the guest boots, and then take only the CPU
# time its vCPU threads leave (chrt --idle).
if [ ${#host[@]} -gt 0 ]; then
	chrt --idle 0 timeout -k 5 "$host_timeout" tests/run.sh "${host[@]}" \
		>"$out-host.log" 2>&1 &
	host_pid=$!
fi

# The image: the base, then the board's layer or an overlay of this run.
if [ "$run" = board ]; then
	layer=$KMODLAB_BUILD/board-layer.cpio
	[ -r "$layer" ] || die "no $layer: make board-image makes it"
else
	layer=$out-overlay.cpio
	MODULES_ORDER=${order:-modules.order} qemu/mkinitramfs.sh overlay \
		"$KCACHE" "$layer" "${files[@]}" || die "the image of $name could not be made"
fi
cat "$base" "$layer" >"$out.cpio"
qemu/boot.sh "${boot_opts[@]}" -l "$out.log" -r "$out-boot.log" \
	"$KCACHE/vmlinuz" "$out.cpio" kmodlab_run="$run" "$@"
booted=$?
if [ -n "${host_pid-}" ]; then
	wait "$host_pid"
	# The checks it did not finish fail in the verdict (qemu/ktap.awk).
	[ $? -ne 124 ] ||
		echo "# the host's checks ran out of time (HOST_TIMEOUT=$host_timeout s)" >>"$out-host.log"
fi
[ -n "$ktap" ] || exit $booted

# The boot is a check of the verdict too: a guest that hung, panicked or
# oopsed after its last result must not end in "0 failed" (nor in a
# matrix cell that reads ok).
why=$(cat "$out-boot.log" 2>/dev/null)
[ $booted -eq 0 ] || why=${why:-qemu/boot.sh failed before the guest ran (exit $booted)}
{
	printf 'KTAP version 1\n1..1\n  KTAP version 1\n  1..1\n'
	[ -z "$why" ] || printf '  # %s\n' "$why"
	printf '  %sok 1 the guest ran to its power-off: no hang, panic or oops\n' \
		"${why:+not }"
	printf '%sok 1 boot\n' "${why:+not }"
} >"$out-boot.log"

logs=()
[ ${#host[@]} -eq 0 ] || done_ktap=("$out-host.log" "${done_ktap[@]}")
if [ ${#done_ktap[@]} -gt 0 ]; then
	cat "${done_ktap[@]}"
	logs+=(label=host/ "${done_ktap[@]}" label=)
fi
cat "$out-boot.log"
logs+=("$out.log" "$out-boot.log")
if [ -n "$kernel_log" ]; then
	awk -v kmemleak="$(kernel_conf kmemleak)" -f qemu/kernel-log.awk "$out.log" |
		tee "$out-kernel.log"
	logs+=("$out-kernel.log")
fi
printf '%s\n' "${logs[@]}" >"$out.logs"
awk -f qemu/ktap.awk "${logs[@]}" && exit $booted
