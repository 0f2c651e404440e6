#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Host side: tests/trace-load.sh -a, the annotation every trace-load run
# prints, on function_graph traces recorded in the edge guest
# (tests/host/traces/). A task that sleeps inside a traced call can wake
# on the other CPU; the kernel then prints that call's entry and return
# apart, "free_module() {" and "} /* free_module */", where one CPU would
# print the leaf "free_module();". With nothing between them, both are
# the same one call: the annotation shows it as the leaf, so that lab 6
# (labs/6-loader/check.sh) reads the same answers from either, and a
# call that did have calls inside keeps its braces.

# shellcheck source=tests/host/host.sh
. "${0%/*}/host.sh"
traces=$top/tests/host/traces

ktap_print_header
ktap_set_plan 9

annotate() {	# NAME: the recorded trace NAME.trace, annotated, in $tmp/NAME
	sh "$TESTS_DIR/trace-load.sh" -a "$traces/$1.trace" >"$tmp/$1"
}
annotate edge-helloworld
annotate edge-fixture_init_fail-split-free_module
annotate edge-fixture_init_fail-split-sysfs
hello=$(cat "$tmp/edge-helloworld")
split_free=$(cat "$tmp/edge-fixture_init_fail-split-free_module")
split_sysfs=$(cat "$tmp/edge-fixture_init_fail-split-sysfs")

# On one CPU nothing is joined: every line of the graph is still there.
check_eq "one CPU: one annotated line per line of the graph" \
	"$(grep -c '^ *[0-9]) ' "$traces/edge-helloworld.trace")" \
	"$(printf '%s\n' "$hello" | wc -l)"
check_match "... each with its stage: init runs helloworld_init" \
	'^init +\| +helloworld_init \[helloworld\]\(\);$' "$hello"
check_match "... a return on the other CPU keeps the name the kernel gave it" \
	'^syscall +\| +\} /\* __arm64_sys_finit_module \*/$' "$hello"

check_match "entry and return of free_module() on two CPUs: one call, free_module();" \
	'^freeing +\| +free_module\(\);$' "$split_free"
check_no_match "... and no brace of its own left" 'free_module\(\) \{|/\* free_module \*/' \
	"$split_free"
check_match "... do_init_module(), which called it, keeps its braces" \
	'^init +\| +\} /\* do_init_module \*/$' "$split_free"
check_match "mod_sysfs_setup() on two CPUs: one call, mod_sysfs_setup();" \
	'^sysfs +\| +mod_sysfs_setup\(\);$' "$split_sysfs"

# Lab 6's solution scores full on traces whose calls were split.
run env KMODLAB_BUILD="$tmp" LAB_WORK="$top/labs/6-loader" \
	TRACE="$tmp/edge-helloworld" \
	TRACE_FAIL="$tmp/edge-fixture_init_fail-split-free_module" \
	sh "$top/labs/6-loader/check.sh"
check_run "lab 6's solution on split traces scores 9/9" 0 'pass:9 fail:0'

run sh "$TESTS_DIR/trace-load.sh" -a "$tmp/nosuch"
check_run "trace-load.sh -a on a missing file fails, saying how to call it" 2 \
	'usage: .* -a FILE'
ktap_finished
