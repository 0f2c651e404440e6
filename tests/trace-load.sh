#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Watch the kernel's loader load one module: function_graph limited to the
# finit_module()/init_module() syscalls and, inside them, to the loader's
# functions that are not inlined in Debian's kernel; kprobe events give the
# values that make a stage clear (the symbol being resolved, what each
# stage returned). Prints the call graph, each function annotated with the
# load_module() stage it belongs to (kernel/module/main.c, Linux 6.1; the
# same functions in 5.10's kernel/module.c and 6.12's main.c), then kmod's
# verdict. With -r, the same for its removal: delete_module() finding the
# module, stopping it, its exit, free_module(), or where it refused. Only
# this script's own process tree is traced, so other work in the guest
# does not show. Exits 4, saying why, on a kernel without the
# function_graph tracer or kprobe events.
#
# Usage: trace-load.sh [-k] MODULE|FILE.ko [PARAM=VALUE]...   (in the guest, as root)
#        trace-load.sh [-k] -r [-f] MODULE
#        trace-load.sh -a FILE   (anywhere: annotate a trace saved before)
#   -k  leave the tracer set up for the next run (setting it up is slow)
#   -r  trace kmod's rmmod MODULE (with -f: rmmod -f) instead of a load
#   -a  print FILE, a function_graph trace (/sys/kernel/tracing/trace)
#       of these functions, annotated as a run prints its own
#   MODULE is loaded with modprobe (which does nothing when it is loaded
#   already), FILE.ko with insmod (which always asks the kernel), after
#   modprobe has loaded what its depends= names. A MODULE modprobe does
#   not know that is a failure fixture ($KMODLAB_FIXTURES, default
#   $KMODLAB_DIR/fixtures: fixtures/ beside tests/) is that FILE.ko: make trace MODULE=fixture_init_fail
#   shows an init that fails.
# Run by `make trace MODULE=MODULE [UNLOAD=1]` (qemu/init: kmodlab_run=trace)
# and by tests/loader/test-trace.sh.

# function: stage ("-": the caller's). The loader's steps in load_module()'s
# order; few, since each costs time to set (see setup). The static
# helpers between them (elf_validity_check,
# setup_load_info, layout_and_allocate, simplify_symbols,
# apply_relocations, complete_formation, ...) are inlined there, so the
# functions they call stand for them.
STAGES='
__arm64_sys_finit_module	syscall
__arm64_sys_delete_module	syscall
find_module			lookup
try_stop_module			stop
load_module			load_module
module_sig_check		signature
check_modstruct_version		struct module CRC
module_frob_arch_sections	layout
resolve_symbol			symbol resolution
find_symbol			-
check_version			-
apply_relocate_add		relocation
parse_args			parameter parsing
mod_sysfs_setup			sysfs
do_init_module			init
free_module			freeing
'

# annotate FILE: the function_graph trace in FILE as "stage | graph line".
# A function's stage is its own, or else the stage of the function it was
# called from (kept per depth). A call the tracer saw enter on one CPU and
# return on another (the task slept inside it and woke elsewhere: a mutex
# in free_module(), synchronize_rcu() in do_init_module()) prints as
# "f() {" and, next, "} /* f */"; with nothing between them it is the
# same call as a leaf "f();", and is shown so, as on one CPU.
annotate() {
	printf '%s\n' "$STAGES" | awk -v FS='\t+' '
	function flush() {
		if (held != "") print held
		held = ""
	}
	NR == FNR { if (NF == 2) stage[$1] = $2; next }
	/^#/ || !NF { next }
	{
		line = $0
		sub(/^ *[0-9]+\) +/, "", line)		# the CPU column
		sub(/^[^|]*\| /, "", line)		# the duration column
		if (line ~ /^ *\/\*/) {			# an event: x = value
			flush()
			printf "%-18s | %s\n", "", line
			next
		}
		match(line, /^ */)
		depth = RLENGTH
		fn = line
		sub(/^ */, "", fn)
		sub(/\(.*/, "", fn)
		if (held != "" && depth == held_depth &&
		    (fn == "}" || fn == "} /* " held_fn " */")) {
			sub(/\(\) \{$/, "();", held)
			flush()
			next
		}
		flush()
		if (fn in stage && stage[fn] != "-") {
			cur[depth] = stage[fn]
		} else if (fn !~ /^}/) {	# inherit from the caller
			cur[depth] = ""
			for (d = depth - 1; d >= 0 && cur[depth] == ""; d--)
				if (d in cur) cur[depth] = cur[d]
		}
		out = sprintf("%-18s | %s", cur[depth], line)
		if (line ~ /\(\) \{$/) {		# held: a leaf if "}" is next
			held = out
			held_fn = fn
			held_depth = depth
		} else {
			print out
		}
	}
	END { flush() }' - "$1"
}

[ "${1-}" != -a ] || {	# -a FILE: a trace saved before, annotated
	if [ $# -ne 2 ] || [ ! -r "$2" ]; then
		echo "usage: $0 -a FILE (a readable function_graph trace)" >&2
		exit 2
	fi
	annotate "$2"
	exit
}
T=/sys/kernel/tracing
[ $# -ge 1 ] || { echo "usage: $0 [-k] MODULE|FILE.ko [PARAM=VALUE]..." >&2; exit 2; }
[ -w $T/current_tracer ] || { echo "trace-load: no tracefs at $T" >&2; exit 4; }
read -r tracers <$T/available_tracers
case " $tracers " in
*" function_graph "*) ;;
*) echo "trace-load: no function_graph tracer in this kernel (CONFIG_FUNCTION_GRAPH_TRACER)" >&2
   exit 4 ;;
esac
[ -w $T/kprobe_events ] || {
	echo "trace-load: no kprobe events in this kernel (CONFIG_KPROBE_EVENTS)" >&2
	exit 4
}
# shellcheck source=tests/kmod_tools.sh
. "${0%/*}/kmod_tools.sh"

tr_write() {	# FILE VALUE...: write to a tracefs file, quietly
	_f=$1
	shift
	printf '%s\n' "$@" >"$T/$_f" 2>/dev/null
}

# The tracer goes first: a filter emptied under function_graph means
# "trace everything", and the kernel would patch every function for it.
reset() {
	tr_write tracing_on 0
	tr_write current_tracer nop
	tr_write set_graph_function ''
	tr_write set_ftrace_filter ''
	tr_write set_ftrace_pid ''
	tr_write set_event_pid ''
	[ -e $T/events/kmodlab/enable ] && tr_write events/kmodlab/enable 0
	tr_write kprobe_events ''
}

# Everything a run sets up, but the pid and the module.
setup() {
	reset
	# The filter is set name by name: a name not there (inlined
	# elsewhere) fails alone. Each name costs a look at every traceable
	# function, so the list holds only what Debian's 6.1 arm64 kernel can
	# trace. 5.10 inlines check_modstruct_version (its find_symbol and
	# check_version then show under load_module); 6.12 traces them all.
	for f in $(printf '%s\n' "$STAGES" | awk 'NF { print $1 }'); do
		echo "$f" >>$T/set_ftrace_filter 2>/dev/null
	done
	# kmod's insmod and modprobe load files with finit_module(); rmmod
	# calls delete_module().
	tr_write set_graph_function __arm64_sys_finit_module __arm64_sys_delete_module
	tr_write current_tracer function_graph
	tr_write options/funcgraph-proc 0
	tr_write options/function-fork 1
	tr_write options/event-fork 1
	# arm64 passes arguments in x0..x7: resolve_symbol(mod, info, name,
	# owner), check_version(info, symname, mod, crc), parse_args(doing,
	# args, ...).
	# shellcheck disable=SC2016 # $retval is for the kernel
	tr_write kprobe_events \
		'p:kmodlab/resolve resolve_symbol name=+0(%x2):string' \
		'r:kmodlab/resolved resolve_symbol ret=$retval' \
		'p:kmodlab/check_version check_version symbol=+0(%x1):string' \
		'r:kmodlab/version_ok check_version ok=$retval:s32' \
		'p:kmodlab/parse_args parse_args module=+0(%x0):string args=+0(%x1):string' \
		'r:kmodlab/init_done do_init_module ret=$retval:s32' \
		'r:kmodlab/load_done load_module ret=$retval:s32' \
		'r:kmodlab/delete_done __arm64_sys_delete_module ret=$retval:s32'
	tr_write events/kmodlab/enable 1
}

# how_to_load MODULE|FILE.ko: $load and $file, how to load it (a fixture
# by its file), its name in $name; loads what a file depends on first.
how_to_load() {
	file=$1
	case $file in
	*.ko)	;;
	*)	[ -r "$fx/$file.ko" ] && ! modprobe -n "$file" 2>/dev/null &&
			file=$fx/$file.ko ;;
	esac
	case $file in
	*.ko)	load=insmod name=${file##*/} name=${name%.ko}
		_deps=$(modinfo -F depends "$file" | tr , ' ')
		# shellcheck disable=SC2086 # names
		[ -z "$_deps" ] || modprobe -a $_deps ;;
	*)	load=modprobe name=$file ;;
	esac
}

keep='' remove=''
[ "$1" != -k ] || { keep=-k; shift; }
[ "$1" != -r ] || { remove=1; shift; }
fx=${KMODLAB_FIXTURES:-${KMODLAB_DIR:-${0%/*}/..}/fixtures}
if [ -n "$remove" ]; then
	# The last word is the module: loaded first if need be, untraced.
	mod=
	eval "mod=\${$#}"
	how_to_load "$mod"
	grep -q "^$name " /proc/modules || $load "$file" || {
		echo "trace-load: $load $file failed: nothing to remove" >&2
		exit 1
	}
	load=rmmod
else
	how_to_load "$1"
	shift
	set -- "$file" "$@"
fi
# Set up once; a run with -k leaves it for the next (setting the filters
# and switching tracers patch the kernel's text, which takes a while).
tr_write tracing_on 0
if [ "$(cat $T/current_tracer)" != function_graph ] ||
   ! grep -qx load_module $T/set_ftrace_filter ||
   ! grep -q kmodlab/load_done $T/kprobe_events; then
	setup
fi
tr_write trace ''
# The module's own functions, once it is there (its init among them).
echo ":mod:$(echo "$name" | tr - _)" >>$T/set_ftrace_filter 2>/dev/null
tr_write set_ftrace_pid $$
tr_write set_event_pid $$
tr_write tracing_on 1
out=$($load "$@" 2>&1)
rc=$?
tr_write tracing_on 0

echo "trace-load: begin $name"
annotate $T/trace
echo "trace-load: $load $*: exit $rc${out:+: $out}"
echo "trace-load: end $name"
[ -n "$keep" ] || reset
exit $rc
