#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The loader seen live (trace-load.sh: function_graph on finit_module and
# the loader's functions, kprobe events for values): loading helloworld
# shows symbol resolution (resolve_symbol for _printk), relocation
# (apply_relocate_add), parameter parsing (parse_args) and init
# (do_init_module calling helloworld_init), in that order, and
# load_module returning 0. A second load, refused with -EEXIST by
# add_unformed_module(), stops before symbol resolution: the trace shows
# where.

# shellcheck source=tests/kmodlab.sh
TESTS_DIR=${0%/*}/..
. "$TESTS_DIR/kmodlab.sh"

ktap_print_header
[ -w /sys/kernel/tracing/current_tracer ] || ktap_skip_all "no tracefs"
require_modules helloworld
ktap_set_plan 8
unload helloworld
# shellcheck disable=SC2317 # run by kmodlab.sh at exit
test_cleanup() {
	unload helloworld
	echo nop >/sys/kernel/tracing/current_tracer
}

# The first line number of each stage in the annotated graph: in order,
# they sort to themselves.
first() {	# STAGE
	printf '%s\n' "$out" | grep -n "^$1 *|" | head -n 1 | cut -d: -f1
}

run "$TESTS_DIR/trace-load.sh" -k helloworld
check_run "traced load of helloworld succeeds" 0 'load_done: .* ret=0'
order="$(first 'symbol resolution') $(first relocation) $(first 'parameter parsing') $(first init)"
# shellcheck disable=SC2086 # four numbers
check_eq "resolution, relocation, parameters, init: in that order" \
	"$(printf '%s\n' $order | sort -n | tr '\n' ' ' | sed 's/ $//')" "$order"
check_match "... each stage is there" '^[0-9]+ [0-9]+ [0-9]+ [0-9]+$' "$order"
check_match "resolution names the symbol: _printk" \
	'resolve: .* name="_printk"' "$out"
check_match "init runs helloworld_init" '^init +\| +helloworld_init \[helloworld\]' "$out"

# Already loaded: add_unformed_module() finds the name taken.
run "$TESTS_DIR/trace-load.sh" "$KO_DIR/helloworld.ko"
check_run "traced second load fails" 1 'load_done: .* ret=-17'
check_no_match "... and stops before symbol resolution" \
	'^(symbol resolution|relocation|parameter parsing|init) ' "$out"
check_match "... after the layout" '^layout +\|' "$out"

ktap_finished
