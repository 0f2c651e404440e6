#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# kmodlab-modules: helloworld
#
# helloworld: load, inspect and unload the smallest module with kmod, and
# check what the kernel records about it (lsmod, /proc/modules,
# /sys/module/helloworld, modinfo), then that a second load and an unload
# of a module that is not there both fail cleanly.

# shellcheck source=tests/kmodlab.sh
. "${0%/*}/kmodlab.sh"

ko=$KO_DIR/helloworld.ko
sys=/sys/module/helloworld

ktap_print_header
require_modules helloworld
ktap_set_plan 21
unload helloworld

log_mark
run insmod "$ko"
check_run "insmod helloworld.ko succeeds" 0
check_log "init logs 'hello, world'" '] helloworld: hello, world$'
check_match "lsmod lists it" '^helloworld ' "$(lsmod)"
check_match "/proc/modules shows it Live, used by none" \
	'^helloworld [0-9]+ 0 - Live ' "$(cat /proc/modules)"
check_eq "initstate is live" live "$(value $sys/initstate)"
check_eq "sysfs version is MODULE_VERSION" 1.0 "$(value $sys/version)"
info=$(modinfo helloworld)
check_eq "sysfs srcversion is modinfo's" \
	"$(field srcversion "$info")" "$(value $sys/srcversion)"
check_match "taint has O (out-of-tree)" O "$(value $sys/taint)"

check_eq "modinfo finds it in extra/ (depmod)" "$ko" "$(field filename "$info")"
check_eq "modinfo license" GPL "$(field license "$info")"
check_eq "modinfo author" "kmodlab developers" "$(field author "$info")"
check_eq "modinfo description" "Log a line on load and on unload" \
	"$(field description "$info")"
check_eq "modinfo version" 1.0 "$(field version "$info")"
vermagic=$(field vermagic "$info")
check_eq "vermagic names the running kernel" "$RELEASE" "${vermagic%% *}"

# kernel/module/main.c: add_unformed_module() finds the name taken: -EEXIST.
log_mark
run insmod "$ko"
check_run "a second insmod fails with 'File exists'" 1 'File exists$'
check_eq "... and leaves one copy, live, unused" \
	"1 0 live" \
	"$(grep -c '^helloworld ' /proc/modules) $(value $sys/refcnt) $(value $sys/initstate)"
log_get
check_no_match "... and does not run init again" 'hello, world' "$since"

log_mark
run rmmod helloworld
check_run "rmmod helloworld succeeds" 0
check_log "exit logs 'goodbye, world'" '] helloworld: goodbye, world$'
check_eq "it is gone from /sys/module and /proc/modules" "no no" \
	"$([ -d $sys ] && echo yes || echo no) $(grep -q '^helloworld ' /proc/modules && echo yes || echo no)"

run rmmod helloworld
check_run "rmmod of a module not loaded fails cleanly" 1 \
	'Module helloworld is not currently loaded'

ktap_finished
