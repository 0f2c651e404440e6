#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# kmodlab-modules: exporter lifecycle_watcher
#
# do_init_module() when init fails: the module was COMING, init returned
# an error, the loader marks it GOING, frees it and hands the errno to
# insmod. fixture_init_fail ($KMODLAB_FIXTURES, default $KMODLAB_DIR/fixtures)
# takes a symbol of exporter (a recorded dependency), a counter reference
# and memory before it returns its parameter err:
#   - for each errno tried, insmod fails with kmod's words for it, and
#     nothing is left behind: no module, no /sys/module entry, exporter's
#     refcnt 0 and no holder, the counter without a user;
#   - lifecycle_watcher sees COMING then GOING, never LIVE;
#   - init's -EEXIST reaches insmod as -EBUSY after Linux 6.12;
#   - with err=0 the same module loads and unloads.
# On the edge kernel, kmemleak and KASAN read the log after the tests
# (qemu/kernel-log.awk): a module freed wrongly fails the run there.

# shellcheck source=tests/kmodlab.sh
. "${0%/*}/kmodlab.sh"

fx=$KMODLAB_FIXTURES
ko=$fx/fixture_init_fail.ko
exp=/sys/module/exporter
counters=/sys/kernel/debug/exporter/counters

test_cleanup() {
	unload fixture_init_fail lifecycle_watcher exporter
}

# left NAME: what a failed load may not leave: "loaded sysfs refcnt holders"
left() {
	printf '%s%s %s .%s' "$(loaded "$1")" \
		"$([ -d /sys/module/"$1" ] && echo sysfs || echo -)" \
		"$(value $exp/refcnt)" "$(ls $exp/holders 2>&1)"
}

ktap_print_header
require_modules exporter lifecycle_watcher
require_fixtures fixture_init_fail
ktap_set_plan 17
test_cleanup

run modprobe exporter
check_run "modprobe exporter (fixture_init_fail uses it)" 0
run insmod "$KO_DIR/lifecycle_watcher.ko"
check_run "insmod lifecycle_watcher" 0

# kernel/module/main.c, do_init_module():
#	ret = do_one_initcall(mod->init);
#	if (ret < 0)
#		goto fail_free_freeinit;
#   ...
#   fail:
#	mod->state = MODULE_STATE_GOING;
#	...
#	blocking_notifier_call_chain(&module_notify_list,
#				     MODULE_STATE_GOING, mod);
#	...
#	free_module(mod);
# kmod's insmod prints strerror() of what init returned.
log_mark
run insmod "$ko" err=-19
check_run "init returns -ENODEV: insmod says No such device" 1 \
	"could not insert module $ko: No such device\$"
check_log "... init ran and said so" '] fixture_init_fail: init fails with -19$'
check_eq "the watcher saw COMING, then GOING, never LIVE" "COMING GOING " \
	"$(watched fixture_init_fail)"
check_eq "... not loaded, no /sys/module, exporter's refcnt 0, no holder" \
	"no - 0 ." "$(left fixture_init_fail)"
check_match "... the counter init took has no user left" \
	'^fixture_init_fail 0 0$' "$(cat $counters 2>&1)"

run insmod "$ko" err=-12
check_run "init returns -ENOMEM: Cannot allocate memory" 1 \
	"could not insert module $ko: Cannot allocate memory\$"
check_eq "... nothing left behind" "no - 0 ." "$(left fixture_init_fail)"

# kmod's insmod (tools/insmod.c, mod_strerror()) reads ENOENT as the
# loader's "Unknown symbol", whoever returned it: init's own -ENOENT says
# "Unknown symbol in module" although every symbol was found.
log_mark
run insmod "$ko" err=-2
check_run "init returns -ENOENT: kmod says Unknown symbol in module" 1 \
	"could not insert module $ko: Unknown symbol in module\$"
check_no_match "... while the kernel names no unknown symbol" \
	'Unknown symbol' "$(log_since)"

# -EEXIST from [f]init_module() means "a module of this name is loaded".
# In kernels after 6.12 (the edge kernel, 7.2, has it; 6.12 does not)
# do_init_module() makes init's own -EEXIST an -EBUSY:
#	if (ret == -EEXIST)
#		ret = -EBUSY;
# before, insmod said "File exists" about a module that is not there.
case $RELEASE in
[1-5].* | 6.[0-9].* | 6.1[0-2].*) eexist='File exists' ;;
*) eexist='Device or resource busy' ;;
esac
run insmod "$ko" err=-17
check_run "init returns -EEXIST: insmod says $eexist" 1 \
	"could not insert module $ko: $eexist\$"
check_eq "... nothing left behind" "no - 0 ." "$(left fixture_init_fail)"

log_mark
run insmod "$ko" err=0
check_run "with err=0 it loads" 0
check_eq "... the watcher saw COMING, then LIVE" "COMING LIVE " \
	"$(watched fixture_init_fail)"
check_eq "... and exporter's refcnt is 1, held by it" "1 fixture_init_fail" \
	"$(value $exp/refcnt) $(ls $exp/holders 2>&1)"
run rmmod fixture_init_fail
check_run "... and unloads" 0

ktap_finished
