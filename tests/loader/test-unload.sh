#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2154 # kmod_NAME: the tools' paths, set by kmod_tools.sh
#
# delete_module()'s refusals that need a module of their own, and
# add_unformed_module() meeting a load still in progress. In the loader's
# boot (make test-loader), not make test's: init sleeps for seconds, and a
# forced removal taints the kernel R until reboot. The fixtures
# ($KMODLAB_FIXTURES, default $KMODLAB_DIR/fixtures):
#   fixture_slow_init  init sleeps delay_ms; meanwhile it is COMING:
#     - /sys/module/.../initstate "coming", /proc/modules "Loading", the
#       loader's reference held (refcnt 1);
#     - kmod's rmmod refuses by itself (in use); rmmod -f reaches the
#       kernel, which refuses a module that is not LIVE (-EBUSY) before it
#       looks at the force flag: no R taint;
#     - a second insmod of the same file, and one of a copy, wait for the
#       first; the copy then fails with EEXIST, the same file too up to
#       6.3, and since gets the first's result (see below);
#   fixture_no_exit  init and no exit:
#     - /proc/modules marks it [permanent]; rmmod is refused (-EBUSY);
#     - rmmod -f removes it, and the kernel is tainted R (forced removal).
# Nothing is left loaded at the end.

TESTS_DIR=${0%/*}/..
# shellcheck source=tests/kmodlab.sh
. "$TESTS_DIR/kmodlab.sh"

fx=$KMODLAB_FIXTURES
slow=$fx/fixture_slow_init.ko
noexit=$fx/fixture_no_exit.ko
sys=/sys/module/fixture_slow_init
# TAINT_FORCED_RMMOD, letter R: bit 3 (include/linux/panic.h; kernel.h before 5.15)
R=8

# shellcheck disable=SC2317 # run by kmodlab.sh at exit
test_cleanup() {
	[ -z "${first-}" ] || wait "$first"
	[ -z "${second-}" ] || wait "$second"
	[ -z "${third-}" ] || wait "$third"
	rm -rf /tmp/kmodlab-copy
	unload fixture_slow_init
	module_loaded fixture_no_exit && rmmod -f fixture_no_exit
}

# The kernel's taint flags, as a number. cat, not read: the shell reads
# a byte at a time, and a sysctl file read past its start is empty.
tainted() {
	cat /proc/sys/kernel/tainted
}

# top_frame STACK: the first frame of /proc/PID/stack's STACK outside the
# scheduler (5.10 lists __switch_to first)
top_frame() {
	printf '%s\n' "$1" | grep -v -E '\] (__switch_to|__schedule|schedule)[+.]' | head -n 1
}

# until_state STATE: wait (up to 5 s) for fixture_slow_init's initstate
until_state() {
	_n=0
	while [ "$(value $sys/initstate 2>/dev/null)" != "$1" ] && [ $_n -lt 100 ]; do
		sleep 0.05
		_n=$((_n + 1))
	done
}

ktap_print_header
# Fixtures only: no module of extra/ to lock, so no "# kmodlab-modules:"
# line (run.sh: it loads none of them).
# shellcheck disable=SC2119 # no module: kmod's tools are all it needs
require_modules
require_fixtures fixture_slow_init fixture_no_exit
unload fixture_slow_init
[ $(($(tainted) & R)) -eq 0 ] || ktap_skip_all "the kernel is tainted R already: reboot"
ktap_set_plan 22

# The first load; as soon as it is COMING, a second of the same file and
# one of a copy (see below), which wait while the checks in between run.
# init sleeps long enough for all of it: 6 s, or 20 on a debugging kernel
# (the edge kernel's KASAN and kmemleak make each kmod call take seconds).
delay=6000
[ ! -e /sys/kernel/debug/kmemleak ] || delay=20000
mkdir -p /tmp/kmodlab-copy
cp "$slow" /tmp/kmodlab-copy/
log_mark
insmod "$slow" delay_ms=$delay >/tmp/kmodlab-slow.out 2>&1 &
first=$!
until_state coming
"$kmod_insmod" "$slow" >/tmp/kmodlab-same.out 2>&1 &
second=$!
"$kmod_insmod" /tmp/kmodlab-copy/fixture_slow_init.ko >/tmp/kmodlab-copy.out 2>&1 &
third=$!
# Where they wait, read now, while the first is surely COMING (checked
# below): the top of /proc/PID/stack, empty while a process runs.
_n=0
while [ $_n -lt 60 ]; do
	same_top=$(cat /proc/$second/stack 2>&1)
	copy_top=$(cat /proc/$third/stack 2>&1)
	case $same_top in
	*finit_module*)
		case $copy_top in
		*finit_module*) break ;;
		esac ;;
	esac
	sleep 0.05
	_n=$((_n + 1))
done
check_eq "while init sleeps the module is COMING (initstate)" coming \
	"$(value $sys/initstate)"
# kernel/module/procfs.c, m_show(): "Loading" for MODULE_STATE_COMING.
check_match "... /proc/modules says Loading" '^fixture_slow_init [0-9]+ [0-9]+ - Loading ' \
	"$(cat /proc/modules)"
# kernel/module/main.c, module_unload_init():
#	/* Hold reference count during initialization. */
#	atomic_inc(&mod->refcnt);
check_eq "... and the loader holds a reference on it: refcnt 1" 1 "$(value $sys/refcnt)"

# kmod's rmmod reads that refcnt and stops by itself (tools/rmmod.c,
# check_module_inuse()): "rmmod: ERROR: Module fixture_slow_init is in use".
run rmmod fixture_slow_init
check_run "rmmod while COMING: kmod refuses, in use" 1 \
	'ERROR: Module fixture_slow_init is in use$'

# rmmod -f skips kmod's check; the kernel's delete_module() refuses:
#	/* Doing init or already dying? */
#	if (mod->state != MODULE_STATE_LIVE) {
#		/* FIXME: if (force), slam module count damn the torpedoes */
#		pr_debug("%s already dying\n", mod->name);
#		ret = -EBUSY;
# before it tries the force (try_force_unload(), which would taint R).
run rmmod -f fixture_slow_init
check_run "rmmod -f while COMING: the kernel refuses, Device or resource busy" 1 \
	'could not remove module fixture_slow_init: Device or resource busy$'
check_eq "... no R taint: the state is checked before the force" 0 \
	$(($(tainted) & R))

# The second load and the copy's, started while the first is COMING,
# wait for it. Where, and what
# it returns, changed twice:
#   - up to 6.3, load_module() -> add_unformed_module(), after
#     layout_and_allocate() has copied the module into its final memory:
#	if (old->state != MODULE_STATE_LIVE) {
#		/* Wait in case it fails to load. */
#		...
#		err = wait_event_interruptible(module_wq,
#				       finished_loading(mod->name));
#     then -EEXIST once the first is LIVE. Since 6.4 ("module: avoid
#     allocation if module is already present and ready") the same wait
#     comes first, in early_mod_check() -> module_patient_check_exists(),
#     before any allocation;
#   - since "modules: catch concurrent module loads, treat them as
#     idempotent" (2023, in 6.12, not in 6.1), finit_module() of the
#     same file (the same inode) does not reach load_module() at all:
#     idempotent_init_module() waits for the first and returns its
#     result, 0. Another file of the same name still gets -EEXIST.
# (A static function the compiler copied, e.g. for a constant
# argument, shows with a suffix: module_patient_check_exists.constprop.0.)
case $RELEASE in
[1-5].* | 6.[0-3].*)
	same_rc=1 same_waits=load_module copy_fn='load_module()'
	copy_waits='\] (load_module|add_unformed_module)[.a-z0-9]*\+' ;;
*)	same_rc=0 same_waits=finit_module copy_fn='module_patient_check_exists()'
	copy_waits='\] module_patient_check_exists[.a-z0-9]*\+' ;;
esac
# The function each sleeps in (the loader's static helpers are inlined
# into load_module() on Debian's kernels).
same_top=$(top_frame "$same_top")
copy_top=$(top_frame "$copy_top")
if [ "$same_waits" = load_module ]; then
	check_match "the same file, a second time, waits in load_module()" \
		"$copy_waits" "$same_top"
else
	check_match "the same file, a second time, waits in finit_module(), before load_module()" \
		'\] (__arm64_sys_finit_module|__do_sys_finit_module|idempotent_[a-z_]+)[.a-z0-9]*\+' "$same_top"
fi
check_match "a copy of the file waits in $copy_fn" "$copy_waits" "$copy_top"
wait $second
rc=$? out=$(cat /tmp/kmodlab-same.out)
second=
if [ "$same_rc" = 1 ]; then
	check_run "... then the same file fails: File exists" 1 \
		'could not insert module .*: File exists$'
else
	check_run "... then the same file gets the first load's result: 0" 0
fi
check_eq "... it returned once the first was LIVE" live "$(value $sys/initstate)"
wait $third
rc=$? out=$(cat /tmp/kmodlab-copy.out)
third=
check_run "... and the copy fails: File exists" 1 \
	'could not insert module .*: File exists$'

wait "$first"
check_eq "the first insmod succeeds" "0 " "$? $(cat /tmp/kmodlab-slow.out)"
first=
log_get
check_glob "... its init ran once: slept, then done" \
	"*] fixture_slow_init: init sleeps $delay ms*] fixture_slow_init: init done*" "$since"
# shellcheck disable=SC2086,SC2090,SC2116 # its lines made one
check_no_match "... and not a second time" 'init sleeps.*init sleeps' "$(echo $since)"
check_eq "now LIVE, the loader's reference dropped: refcnt 0" "live 0" \
	"$(value $sys/initstate) $(value $sys/refcnt)"
run rmmod fixture_slow_init
check_run "rmmod once LIVE succeeds" 0

# kernel/module/main.c, delete_module():
#	/* If it has an init func, it must have an exit func to unload */
#	if (mod->init && !mod->exit) {
#		forced = try_force_unload(flags);
#		if (!forced) {
#			/* This module can't be removed */
#			ret = -EBUSY;
# and procfs.c, print_unload_info(), marks it "[permanent]".
run insmod "$noexit"
check_run "insmod fixture_no_exit (init, no exit) succeeds" 0
check_match "/proc/modules marks it [permanent]" \
	'^fixture_no_exit [0-9]+ 0 \[permanent\], Live ' "$(cat /proc/modules)"
run rmmod fixture_no_exit
check_run "rmmod of a module without exit: Device or resource busy" 1 \
	'could not remove module fixture_no_exit: Device or resource busy$'
check_eq "... it stays, and the kernel has no R" "yes 0" \
	"$(loaded fixture_no_exit)$(($(tainted) & R))"

# try_force_unload() (CONFIG_MODULE_FORCE_UNLOAD): kmod's rmmod -f passes
# O_TRUNC, and
#	add_taint(TAINT_FORCED_RMMOD, LOCKDEP_NOW_UNRELIABLE);
run rmmod -f fixture_no_exit
check_run "rmmod -f removes it" 0
check_eq "... gone, and the kernel is tainted R (forced removal, bit 3)" "no $R" \
	"$(loaded fixture_no_exit)$(($(tainted) & R))"

ktap_finished
