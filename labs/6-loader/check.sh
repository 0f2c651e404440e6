#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Lab 6 (the loader at work), on the host: each answer in the learner's
# answers.sh against the traces 'make trace' printed: helloworld's load,
# and fixture_init_fail's, whose init fails.
#
# Variables: LAB_WORK (the folder with answers.sh), TRACE, TRACE_FAIL
# (the traces)

TESTS_DIR=${TESTS_DIR:-${0%/*}/../../tests}
# shellcheck source=tests/kmodlab.sh
. "$TESTS_DIR/kmodlab.sh"

# KMODLAB_BUILD: the Makefile's facts (scripts/lib/facts.sh), from make lab.
TRACE=${TRACE:-${KMODLAB_BUILD:?run it through make, which exports it}/trace.txt}
TRACE_FAIL=${TRACE_FAIL:-$KMODLAB_BUILD/trace-fixture_init_fail.txt}

ktap_print_header
grep -q '\[helloworld\]' "$TRACE" 2>/dev/null || {
	why=$(sed -n 's/^trace-load: //p' "$TRACE" 2>/dev/null)
	ktap_skip_all "${why:-no trace of helloworld in $TRACE: run make trace MODULE=helloworld}"
}
grep -q 'fixture_init_fail' "$TRACE_FAIL" 2>/dev/null || {
	why=$(sed -n 's/^trace-load: //p' "$TRACE_FAIL" 2>/dev/null)
	ktap_skip_all "${why:-no trace of fixture_init_fail in $TRACE_FAIL: run make trace MODULE=fixture_init_fail}"
}
[ -r "$LAB_WORK/answers.sh" ] || ktap_skip_all "no $LAB_WORK/answers.sh: run make skels"
ktap_set_plan 9

# shellcheck source=labs/6-loader/answers.sh
. "$LAB_WORK/answers.sh"

# The stage column of each line, and the function it names.
calls=$(awk -F'|' 'NF > 1 { sub(/^ +/, "", $2); print $2 }' "$TRACE")

HINT="the first line of the trace: __arm64_sys_<the call>"
check_answer "TODO 1: the system call" "${syscall-}" \
	"$(printf '%s\n' "$calls" | sed -n '1s/^__arm64_sys_\(.*\)() {$/\1/p')"
HINT="the first call inside load_module() {"
check_answer "TODO 2: the loader's first check" "${syscheck-}" \
	"$(printf '%s\n' "$calls" | sed -n '3s/();$//p')"
HINT='the first check_version line: symbol="..."'
check_answer "TODO 3: the symbol for struct module's layout" "${layout_symbol-}" \
	"$(grep -m1 -o 'symbol="[^"]*"' "$TRACE" | cut -d'"' -f2)"
HINT='the resolve: lines, name="..."'
check_answer "TODO 4: the symbols resolved" "${resolved-}" \
	"$(grep -o 'resolve: .*name="[^"]*"' "$TRACE" | sed 's/.*name="//; s/"$//' | sort | xargs)"
HINT="count the apply_relocate_add(); lines"
check_answer "TODO 5: how many apply_relocate_add() calls" "${relocations-}" \
	"$(printf '%s\n' "$calls" | grep -cx 'apply_relocate_add();')"
HINT="the function whose { encloses helloworld_init [helloworld]()"
# The call whose braces hold helloworld_init: on a KASAN kernel (edge) the
# module's constructor runs just before it, inside the same call.
check_answer "TODO 6: the function that calls init" "${calls_init-}" \
	"$(printf '%s\n' "$calls" | awk '/\(\) \{$/ { sub(/\(\) \{$/, ""); open[++n] = $0; next }
		/^\}/ { n--; next }
		/helloworld_init \[helloworld\]/ { print open[n]; exit }')"
HINT="the load_done line: ret=..."
check_answer "TODO 7: load_module()'s return value" "${load_ret-}" \
	"$(grep -o 'load_done: .*ret=[-0-9a-fx]*' "$TRACE" | sed 's/.*ret=//')"

# The failing init's trace: what follows the init in do_init_module().
fail_calls=$(awk -F'|' 'NF > 1 { sub(/^ +/, "", $2); print $2 }' "$TRACE_FAIL")
HINT="in the second trace, the call inside do_init_module() { after the init"
check_answer "TODO 8: what the loader calls after a failed init" "${after_failed_init-}" \
	"$(printf '%s\n' "$fail_calls" | sed -n '/^do_init_module() {$/,/^}$/p' |
	   sed -n 's/^\([a-z_]*\)();$/\1/p' | head -n 1)"
HINT="the init_done line of the second trace: ret=..."
check_answer "TODO 9: what do_init_module() returned for it" "${failed_init_ret-}" \
	"$(grep -o 'init_done: .*ret=[-0-9]*' "$TRACE_FAIL" | sed 's/.*ret=//')"
ktap_finished
