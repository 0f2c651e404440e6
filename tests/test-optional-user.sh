#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# kmodlab-modules: exporter optional_user lifecycle_watcher
#
# optional_user and lifecycle_watcher, with kmod:
#   - lifecycle_watcher logs COMING then LIVE for a module loaded after it
#     (optional_user), with its core and init sizes, and GOING when it is
#     removed (init memory freed by then);
#   - optional_user loads without exporter (no depends) and counts
#     locally; once exporter is loaded it counts there through
#     symbol_get(), and symbol_put() leaves exporter unused: refcnt 0, no
#     holder, and exporter unloads under it; loaded after exporter, it
#     counts there from its init.

# shellcheck source=tests/kmodlab.sh
. "${0%/*}/kmodlab.sh"

exp=/sys/module/exporter
counters=/sys/kernel/debug/exporter/counters
count=/sys/module/optional_user/parameters/count

test_cleanup() {
	unload optional_user lifecycle_watcher exporter
}

ktap_print_header
require_modules exporter optional_user lifecycle_watcher
ktap_set_plan 18
test_cleanup

run insmod "$KO_DIR/lifecycle_watcher.ko"
check_run "insmod lifecycle_watcher succeeds" 0

log_mark
run insmod "$KO_DIR/optional_user.ko"
check_run "insmod optional_user without exporter succeeds" 0
check_log "... it counts locally" \
	'] optional_user: exporter not loaded: counted locally, 1$'
check_eq "the watcher saw optional_user COMING, then LIVE" "COMING LIVE " \
	"$(watched optional_user)"
check_log "... with its core and init sizes" \
	'] lifecycle_watcher: optional_user: COMING, core [1-9][0-9]* bytes, init [1-9][0-9]* bytes$'
run modinfo optional_user
check_eq "modinfo optional_user: found, and depends on nothing" "0 optional_user ." \
	"$rc $(field name "$out") .$(field depends "$out")"

run modprobe exporter
check_run "modprobe exporter under it succeeds" 0
log_mark
echo 1 >$count
check_log "optional_user now counts in exporter (symbol_get)" \
	'] optional_user: counted in exporter: 1$'
check_match "... exporter's debugfs: optional_user 1, no user held" \
	'^optional_user 1 0$' "$(cat $counters 2>&1)"
check_eq "... symbol_put() gave exporter back: refcnt 0, no holder" "0 ." \
	"$(value $exp/refcnt) .$(ls $exp/holders 2>&1)"
run rmmod exporter
check_run "rmmod exporter while optional_user is loaded succeeds" 0
log_mark
echo 1 >$count
check_log "... and optional_user counts locally again" \
	'] optional_user: exporter not loaded: counted locally, 2$'

log_mark
run rmmod optional_user
check_run "rmmod optional_user succeeds" 0
check_eq "the watcher saw optional_user GOING" "GOING " "$(watched optional_user)"
check_log "... its init memory already freed" \
	'] lifecycle_watcher: optional_user: GOING, core [1-9][0-9]* bytes, init 0 bytes$'

run modprobe exporter
log_mark
run insmod "$KO_DIR/optional_user.ko"
check_run "loaded after exporter, optional_user succeeds" 0
check_log "... and counts in exporter from its init" \
	'] optional_user: counted in exporter: 1$'
check_eq "... leaving exporter unused" 0 "$(value $exp/refcnt)"

ktap_finished
