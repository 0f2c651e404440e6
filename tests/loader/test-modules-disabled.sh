#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# kmodlab-modules: helloworld params
#
# kernel.modules_disabled, the other half of may_init_module(): once 1,
# no module loads or unloads until reboot, whoever asks, and it cannot be
# set back to 0. Irreversible, so it runs only in the loader's boot (make
# test-loader, kmodlab_run=loader), last of all (tests/run.sh -l), and
# skips anywhere else (on a board it would lock modules until reboot).
#   - root's insmod of a module not loaded: EPERM, not loaded;
#   - a second insmod of a loaded module: EPERM, not EEXIST (the check
#     comes before the loader reads the file);
#   - rmmod of a loaded module: EPERM, it stays;
#   - writing 0 back is refused (EINVAL), the value stays 1.

TESTS_DIR=${0%/*}/..
# shellcheck source=tests/kmodlab.sh
. "$TESTS_DIR/kmodlab.sh"

knob=/proc/sys/kernel/modules_disabled

ktap_print_header
case " $(cat /proc/cmdline) " in
*" kmodlab_run=loader "*) ;;
*) ktap_skip_all "disables module loading until reboot: only in make test-loader's boot" ;;
esac
require_modules helloworld params
ktap_set_plan 9
unload helloworld params

run insmod "$KO_DIR/helloworld.ko"
check_run "before: insmod helloworld succeeds" 0

# kernel/module/main.c, the sysctl table:
#	.procname	= "modules_disabled",
#	/* only handle a transition from default "0" to "1" */
#	.proc_handler	= proc_dointvec_minmax,
#	.extra1		= SYSCTL_ONE,
#	.extra2		= SYSCTL_ONE,
# (kernel/sysctl.c up to 6.0)
run sh -c "echo 1 >$knob"
check_eq "echo 1 > $knob: now 1" "0 1" "$rc $(cat $knob)"

# may_init_module():
#	if (!capable(CAP_SYS_MODULE) || modules_disabled)
#		return -EPERM;
run insmod "$KO_DIR/params.ko"
check_run "insmod as root is refused: Operation not permitted" 1 \
	'could not insert module .*params.ko: Operation not permitted$'
check_eq "... params is not loaded" "no " "$(loaded params)"
run insmod "$KO_DIR/helloworld.ko"
check_run "a second insmod of helloworld: Operation not permitted, not File exists" 1 \
	'could not insert module .*helloworld.ko: Operation not permitted$'

# delete_module(): the same test, before it looks for the module.
run rmmod helloworld
check_run "rmmod as root is refused: Operation not permitted" 1 \
	'could not remove module helloworld: Operation not permitted$'
check_eq "... helloworld stays, live" "yes live" \
	"$(loaded helloworld)$(value /sys/module/helloworld/initstate)"

# proc_dointvec_minmax() refuses a value outside [1, 1]: -EINVAL.
run sh -c "echo 0 >$knob"
check_run "echo 0 > $knob is refused: Invalid argument" 1 'Invalid argument'
check_eq "... it stays 1 until reboot" 1 "$(cat $knob)"

ktap_finished
