#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Host side: make stress refuses a STRESS_* count that is not a whole
# number of 1 or more, before the boot, naming the variable. The guest
# used to take STRESS_CYCLES=abc to its shell ("sh: abc: bad number"),
# run 0 cycles of each module, fail each "abc cycles" check and leave one
# of its two files unfinished. The image is taken as made (make -o image):
# nothing is built, and QEMU=false makes a boot that should not happen
# fail at once (not a stress run of minutes beside make test's guest).
# Values with a space, a ';' or a quote are one word, refused whole.

# shellcheck source=tests/host/host.sh
. "${0%/*}/host.sh"

ktap_print_header
ktap_set_plan 12

for arg in STRESS_CYCLES=abc STRESS_RACES=0 STRESS_SECONDS=-5 \
	   "STRESS_CYCLES=1 2" "STRESS_RACES=5;true" "STRESS_SECONDS=1'"; do
	run env QEMU=false make -C "$top" --no-print-directory -o image stress "$arg"
	check_run "make stress $arg: refused, exit 2" 2 \
		"^make stress: ${arg%%=*} takes a whole number, 1 or more \\(not '${arg#*=}'\\)\$"
	check_eq "... before the boot" 0 "$(printf '%s\n' "$out" | grep -c '^boot: ')"
done
ktap_finished
