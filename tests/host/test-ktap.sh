#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Host side: qemu/ktap.awk, the one KTAP reader, fails what did not run:
#   - a run whose files all reported passes, a skip counted apart;
#   - a file with a KTAP header and no plan line fails (the tests started
#     and printed nothing else: a guest that died at once);
#   - a plan of 2 files with 1 reported fails, naming the missing one;
#   - an empty input fails: the tests did not start;
#   - a failed check is counted, with its first diagnostic as the reason.

# shellcheck source=tests/host/host.sh
. "${0%/*}/host.sh"
awk_file=$top/qemu/ktap.awk

ktap_print_header
ktap_set_plan 6

verdict() {	# FILE...: the reader's last line and exit status
	out=$(awk -f "$awk_file" "$@")
	rc=$?
	out="$(printf '%s\n' "$out" | tail -n 1), exit $rc"
}
file() {	# CHECK-LINE...: one test file "f" holding those checks
	printf 'KTAP version 1\n1..1\n  KTAP version 1\n  1..%d\n' $#
	printf '  %s\n' "$@"
	echo 'ok 1 f'
}

file 'ok 1 a' 'ok 2 b # SKIP why' >"$tmp/good.log"
verdict "$tmp/good.log"
check_eq "every file reported: passes" "1 passed, 0 failed, 1 skipped, exit 0" "$out"
printf 'KTAP version 1\n' >"$tmp/noplan.log"
verdict "$tmp/noplan.log"
check_eq "a header, no plan: fails" "0 passed, 1 failed, exit 1" "$out"
{ printf 'KTAP version 1\n1..2\n'; file 'ok 1 a' | sed 1,2d; } >"$tmp/short.log"
verdict "$tmp/short.log"
check_eq "1 of 2 planned files: fails" "1 passed, 1 failed, exit 1" "$out"
check_match "... naming the one that did not finish" \
	'test file 2 did not finish' "$(awk -v results=1 -f "$awk_file" "$tmp/short.log")"
: >"$tmp/empty.log"
verdict "$tmp/empty.log"
check_eq "an empty input: fails" "0 passed, 1 failed, exit 1" "$out"
file '# expected 1, got 2' 'not ok 1 a' >"$tmp/bad.log"
check_match "a failed check: counted, its diagnostic the reason" \
	"$(printf '^\tFAIL\tf: a\texpected 1, got 2$')" \
	"$(awk -v results=1 -f "$awk_file" "$tmp/bad.log")"
ktap_finished
