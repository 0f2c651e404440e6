#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# kmodlab-modules: helloworld exporter consumer fixture_init_fail
#
# The loader seen live (trace-load.sh: function_graph on finit_module and
# the loader's functions, kprobe events for values): loading helloworld
# shows symbol resolution (resolve_symbol for _printk; printk on 5.10),
# relocation (apply_relocate_add), parameter parsing (parse_args) and init
# (do_init_module calling helloworld_init), in that order, and
# load_module returning 0. A second load, refused with -EEXIST, stops
# before symbol resolution: the trace shows where (the layout up to 6.3,
# the struct module CRC check since 6.4).
# A load whose init fails (fixture_init_fail, err=-19): do_init_module()
# runs the init, which returns -19, then free_module(); both
# do_init_module and load_module return -19. A removal (trace-load.sh -r):
# rmmod helloworld goes through find_module(), helloworld_exit and
# free_module(), and returns 0; rmmod -f exporter while consumer uses it
# is refused after find_module() (-EWOULDBLOCK, -11): no exit, no free.
# Skips where the kernel has no function_graph tracer or no kprobe events
# (a kernel built without them; the four of the matrix have both).

# shellcheck source=tests/kmodlab.sh
TESTS_DIR=${0%/*}/..
. "$TESTS_DIR/kmodlab.sh"

ktap_print_header
T=/sys/kernel/tracing
[ -w $T/current_tracer ] || ktap_skip_all "no tracefs at $T"
# One read, no process: the tracers this kernel was built with.
read -r tracers <$T/available_tracers
case " $tracers " in
*" function_graph "*) ;;
*) ktap_skip_all "no function_graph tracer in this kernel (CONFIG_FUNCTION_GRAPH_TRACER), only: $tracers" ;;
esac
[ -w $T/kprobe_events ] || ktap_skip_all "no kprobe events in this kernel (CONFIG_KPROBE_EVENTS)"
require_modules helloworld exporter consumer fixture_init_fail
ktap_set_plan 24
unload helloworld consumer exporter
# shellcheck disable=SC2317 # run by kmodlab.sh at exit
test_cleanup() {
	unload helloworld fixture_init_fail consumer exporter
	echo nop >"$T/current_tracer"
}

# Linux 5.15 made printk() a macro over _printk() (the printk index,
# include/linux/printk.h): 5.10's modules import printk itself.
case $RELEASE in
[1-4].* | 5.[0-9].* | 5.1[0-4].*) printk=printk ;;
*) printk=_printk ;;
esac

# Where a second load of a module stops. Up to 6.3, add_unformed_module()
# finds the name taken after layout_and_allocate(): the layout
# (module_frob_arch_sections) is the last stage seen. Since 6.4 ("module:
# avoid allocation if module is already present and ready"),
# early_mod_check() finds it before any allocation, right after
# check_modstruct_version(): the struct module CRC check is the last.
case $RELEASE in
[1-5].* | 6.[0-3].*) dup_stage=layout ;;
*) dup_stage='struct module CRC' ;;
esac

# The last stage the annotated graph reaches, past load_module itself.
last_stage() {
	printf '%s\n' "$out" | sed -n 's/^\([a-zA-Z][a-zA-Z ]*[a-zA-Z]\) *|.*/\1/p' |
		grep -v -e '^syscall$' -e '^load_module$' | tail -n 1
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
check_match "resolution names the symbol: $printk" \
	"resolve: .* name=\"$printk\"" "$out"
check_match "init runs helloworld_init" '^init +\| +helloworld_init \[helloworld\]' "$out"

# Already loaded: the loader finds the name taken (see dup_stage).
run "$TESTS_DIR/trace-load.sh" "$KO_DIR/helloworld.ko"
check_run "traced second load fails" 1 'load_done: .* ret=-17'
check_no_match "... and stops before symbol resolution" \
	'^(symbol resolution|relocation|parameter parsing|init) ' "$out"
check_eq "... the last stage it reaches: $dup_stage" "$dup_stage" "$(last_stage)"

# kernel/module/main.c, do_init_module():
#	ret = do_one_initcall(mod->init);
#	if (ret < 0)
#		goto fail_free_freeinit;
#	...
#	free_module(mod);
#	wake_up_all(&module_wq);
#	return ret;
# The init shows as an address, not fixture_init_fail_init: the trace is
# read after free_module() has taken the module's symbols with it. (A
# module another test file loads meanwhile may take the freed address:
# the call then shows that module's function, still not the fixture's.)
run "$TESTS_DIR/trace-load.sh" -k fixture_init_fail
check_run "traced load of a failing init fails" 1 'No such device'
check_match "... do_init_module calls the init (an address: the module is gone)" \
	'^init +\| +(0x[0-9a-f]+|[a-z0-9_]+ \[[a-z0-9_]+\])\(\);' "$out"
check_no_match "... and not by the fixture's name" \
	'fixture_init_fail_init' "$out"
check_match "... then free_module() frees it" '^freeing +\| +free_module\(' "$out"
check_eq "... in that order" "$(first init) $(first freeing)" \
	"$(printf '%s\n' "$(first init)" "$(first freeing)" | sort -n | xargs)"
check_match "... do_init_module returns -19" 'init_done: .* ret=-19' "$out"
check_match "... and so does load_module" 'load_done: .* ret=-19' "$out"

# lookup NAME: delete_module() called find_module() (find_module_all()
# on newer kernels) in the trace in $out. Debian's 5.10, 6.1 and 6.12 show
# the call; the edge kernel (7.2, built with sid's gcc) inlines it into
# delete_module() (both are in kernel/module/main.c), so from 7 on a graph
# without it is a skip that says so, not a failure.
lookup() {
	if __match '^lookup +\| +find_module(_all)?\(' "$out"; then
		ktap_test_pass "$1"
	else
		case $RELEASE in
		[0-6].*) check_match "$1" '^lookup +\| +find_module(_all)?\(' "$out" ;;
		*) ktap_test_skip "$1" "find_module() is inlined into delete_module() in $RELEASE: no call to trace" ;;
		esac
	fi
}

# delete_module(): find_module(), try_stop_module(), the exit, then
#	free_module(mod);
#	/* someone could wait for the module in add_unformed_module() */
#	wake_up_all(&module_wq);
#	return 0;
# The exit is not in the graph: include/linux/init.h makes every __exit
# function notrace; the kernel log shows it ran.
log_mark
run "$TESTS_DIR/trace-load.sh" -k -r helloworld
check_run "traced rmmod helloworld succeeds" 0 'delete_done: .* ret=0'
lookup "... it looks the module up: find_module"
check_log "... its exit runs, untraced (__exit is notrace)" '] helloworld: goodbye, world$'
check_match "... then free_module()" '^freeing +\| +free_module\(' "$out"

# delete_module(), before it looks at the force flag:
#	if (!list_empty(&mod->source_list)) {
#		/* Other modules depend on us: get rid of them first. */
#		ret = -EWOULDBLOCK;
# kmod's rmmod -f skips its own in-use check and asks the kernel.
run modprobe consumer
run "$TESTS_DIR/trace-load.sh" -k -r -f exporter
check_run "traced rmmod -f exporter, used by consumer, is refused: -EWOULDBLOCK" 1 \
	'delete_done: .* ret=-11'
check_match "... kmod says Resource temporarily unavailable" \
	'could not remove module exporter: Resource temporarily unavailable' "$out"
lookup "... after find_module"
check_no_match "... no exit ran, nothing was freed" \
	'exporter_exit|^freeing ' "$out"
check_eq "... both stay loaded" "yes yes " "$(loaded exporter consumer)"

ktap_finished
