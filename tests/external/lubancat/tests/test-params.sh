#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# kmodlab-modules: parametermodule calculation calc_user
#
# The parameters as the tutorial gives them, and the export in use:
#   - parametermodule takes one value of each kind on modprobe's command
#     line; sysfs shows them, and root may change itype there;
#   - calc_user computes with calculation's functions, and holds
#     calculation while it is loaded.

# shellcheck source=tests/kmodlab.sh
. "$TESTS_DIR/kmodlab.sh"

p=/sys/module/parametermodule/parameters

# shellcheck disable=SC2317 # run by kmodlab.sh at exit
test_cleanup() {
	unload parametermodule calc_user calculation
}

ktap_print_header
require_modules parametermodule calculation calc_user
ktap_set_plan 8
log_mark
run modprobe parametermodule itype=7 btype=1 ctype=board iarray=1,2,3
check_run "modprobe parametermodule itype=7 btype=1 ctype=board iarray=1,2,3" 0
check_log "parametermodule logs the values it was given" \
	"parametermodule: itype=7 btype=1 ctype=board iarray has 3$"
check_eq "sysfs: itype btype ctype iarray" "7 Y board 1,2,3" \
	"$(value $p/itype) $(value $p/btype) $(value $p/ctype) $(value $p/iarray)"
echo 42 >$p/itype
check_eq "root changes itype in sysfs" 42 "$(value $p/itype)"
run modprobe -r parametermodule
check_run "modprobe -r parametermodule" 0

log_mark
run modprobe calc_user a=9 b=4
check_run "modprobe calc_user a=9 b=4 (calculation first)" 0
check_log "calc_user computes with calculation's exports" "calc_user: 9 \+ 4 = 13, 9 - 4 = 5$"
check_eq "calculation is held by calc_user" calc_user \
	"$(ls /sys/module/calculation/holders 2>&1)"
ktap_finished
