#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Host side: kmodlab.sh's log_get reads the kernel log since log_mark's
# mark, and a mark the log has lost fails the checks that read it. A
# kernel log of four lines stands in for dmesg (a function), with the
# mark or without it (the ring buffer overran it):
#   - with the mark: $since holds the lines after it, and only those;
#   - without it: check_no_match fails (it would pass on an empty text),
#     as do check_match, even on a pattern the text has, and check_glob,
#     each saying the mark was lost; watched prints the same reason.
# Nothing is written to this machine's /dev/kmsg: the mark is set as
# log_mark would have set it.

# shellcheck source=tests/host/host.sh
. "${0%/*}/host.sh"

ktap_print_header
ktap_set_plan 6

# shellcheck disable=SC2034 # log_get reads it
_mark='kmodlab: mark 100.1'
dmesg() {
	printf '[    1.000000] before\n'
	[ -n "${lost-}" ] || printf '[    2.000000] %s\n' "$_mark"
	printf '[    3.000000] lifecycle_watcher: helloworld: LIVE, refcnt 0\n'
	printf '[    4.000000] helloworld: hello, world\n'
}

log_get
check_eq "the mark found: \$since holds what was logged after it" \
	"[    3.000000] lifecycle_watcher: helloworld: LIVE, refcnt 0
[    4.000000] helloworld: hello, world
" "$since"

lost=1
# inner CHECK...: the KTAP one check prints, run apart from this file's
inner() { (ktap_set_plan 1; "$@"); }
check_match "the mark lost: check_no_match fails" \
	'^not ok [0-9]+ no oops$' "$(inner check_no_match "no oops" 'Oops' "$(log_since)")"
check_match "... saying why" "no oops: kmodlab: log_get: the mark 'kmodlab: mark 100.1' is not in the kernel log" \
	"$(inner check_no_match "no oops" 'Oops' "$(log_since)")"
check_match "... check_match fails, on a pattern the text has" \
	'^not ok [0-9]+ m$' "$(inner check_match m 'log_get' "$(log_since)")"
check_match "... and check_glob" '^not ok [0-9]+ g$' "$(inner check_glob g '*' "$(log_since)")"
# (Not check_match: it would fail on the reason, as it should.)
case $(watched helloworld) in
"kmodlab: log_get: the mark "*) got=the-reason ;;
*) got=$(watched helloworld) ;;
esac
check_eq "... watched prints the reason, not nothing" the-reason "$got"
ktap_finished
