#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# kmodlab-modules: exporter consumer
#
# exporter and consumer: how the loader resolves one module's symbols in
# another, records the dependency and checks the interface, with kmod.
#   - insmod consumer without exporter: refused, "Unknown symbol", nothing
#     left loaded;
#   - modprobe consumer loads exporter first (modules.dep); consumer gets
#     plain, GPL-only and namespaced symbols; lsmod, /sys/module/exporter/
#     holders and refcnt show the dependency; modinfo shows depends and
#     import_ns; the state consumer left is in exporter's debugfs file;
#   - rmmod exporter while consumer uses it: "in use", both stay; rmmod
#     consumer then frees exporter; modprobe -r consumer removes both;
#   - the failure fixtures that need exporter ($KMODLAB_FIXTURES, default
#     $KMODLAB_DIR/fixtures, built by 'make fixtures'): a changed interface
#     (CRC), a missing namespace import, a non-GPL module using a GPL-only
#     symbol; each refused the kernel's way, leaving nothing loaded and
#     exporter unused. (test-vermagic.sh has the fourth.)

# shellcheck source=tests/kmodlab.sh
. "${0%/*}/kmodlab.sh"

fx=$KMODLAB_FIXTURES
exp=/sys/module/exporter
counters=/sys/kernel/debug/exporter/counters

test_cleanup() {
	unload fixture_changed_api fixture_no_import fixture_nongpl \
		consumer exporter
}

ktap_print_header
require_modules exporter consumer
require_fixtures fixture_changed_api fixture_no_import fixture_nongpl
ktap_set_plan 33
test_cleanup

# kernel/module/main.c, simplify_symbols(), for each symbol not found:
#   "consumer: Unknown symbol exporter_counter_get (err -2)"
#   "consumer: Unknown symbol exporter_read (err -2)"
# kmod turns the -ENOENT of init_module() into "Unknown symbol in module".
log_mark
run insmod "$KO_DIR/consumer.ko"
check_run "insmod consumer without exporter is refused" 1 \
	'could not insert module .*consumer.ko: Unknown symbol in module$'
check_log "... the loader names the symbol it did not find" \
	'] consumer: Unknown symbol exporter_[a-z_]+ \(err -2\)$'
check_eq "... and nothing is left loaded" "no no " "$(loaded consumer exporter)"

log_mark
run modprobe consumer
check_run "modprobe consumer succeeds" 0
log_get
check_glob "... after loading exporter (modules.dep), whose init ran first" \
	'*] exporter: counter store ready*] consumer: counter*' "$since"
check_log "consumer got its counter, reset it (namespaced) and counted 1" \
	"] consumer: counter 'consumer' was 0, reset and counted 1: reads 1$"
check_match "lsmod: exporter is used by consumer" '^exporter +[0-9]+ +1 +consumer$' "$(lsmod)"
check_eq "/sys/module/exporter/holders/ has consumer, only" consumer \
	"$(ls $exp/holders 2>&1)"
check_eq "/sys/module/exporter/refcnt is 1" 1 "$(value $exp/refcnt)"
check_match "exporter's debugfs: counter consumer = 1, 1 user" '^consumer 1 1$' \
	"$(cat $counters 2>&1)"
info=$(modinfo consumer)
check_eq "modinfo consumer: depends: exporter" exporter "$(field depends "$info")"
check_eq "modinfo consumer: import_ns: EXPORTER_ADMIN" EXPORTER_ADMIN \
	"$(field import_ns "$info")"
check_eq "consumer's refcnt is 0: nothing uses it" 0 \
	"$(value /sys/module/consumer/refcnt)"

# kmod's rmmod reads /sys/module/exporter/holders/ and refuses by itself,
# naming the holders; the kernel would refuse too: delete_module() in
# kernel/module/main.c fails with -EWOULDBLOCK while refcnt is not 0.
run rmmod exporter
check_run "rmmod exporter while consumer is loaded fails: in use" 1 \
	'ERROR: Module exporter is in use by: consumer$'
check_eq "... and both stay loaded" "yes yes " "$(loaded exporter consumer)"

run rmmod consumer
check_run "rmmod consumer succeeds" 0
check_eq "... exporter's refcnt drops to 0, its holders/ is empty" "0 ." \
	"$(value $exp/refcnt) .$(ls $exp/holders 2>&1)"
check_match "... and the counter has no user left" '^consumer 1 0$' \
	"$(cat $counters 2>&1)"

log_mark
run modprobe consumer
check_log "a new consumer finds its count kept in exporter" \
	"] consumer: counter 'consumer' was 1, reset and counted 1: reads 1$"
run modprobe -r consumer
check_run "modprobe -r consumer succeeds" 0
check_eq "... and removes exporter too" "no no " "$(loaded consumer exporter)"

# The fixtures that need exporter: each fails at resolve_symbol(), which
# takes no reference, so exporter's refcnt must stay 0.
run modprobe exporter
check_run "modprobe exporter (for the fixtures)" 0

# kernel/module/version.c, check_version(), then simplify_symbols():
#   "fixture_changed_api: disagrees about version of symbol exporter_add"
#   "fixture_changed_api: Unknown symbol exporter_add (err -22)"
# kmod says "Invalid parameters" for the -EINVAL of init_module().
log_mark
run insmod "$fx"/fixture_changed_api.ko
check_run "a module built against a changed interface is refused" 1 \
	'could not insert module .*: Invalid parameters$'
check_log "... the kernel: disagrees about version of symbol exporter_add" \
	'] fixture_changed_api: disagrees about version of symbol exporter_add$'
check_eq "... nothing left loaded, exporter not held" "no 0" \
	"$(loaded fixture_changed_api)$(value $exp/refcnt)"

# kernel/module/main.c, verify_namespace_is_imported():
#   "fixture_no_import: module uses symbol (exporter_counter_reset) from
#    namespace EXPORTER_ADMIN, but does not import it."
#   "fixture_no_import: Unknown symbol exporter_counter_reset (err -22)"
log_mark
run insmod "$fx"/fixture_no_import.ko
check_run "a module using a namespace it does not import is refused" 1 \
	'could not insert module .*: Invalid parameters$'
check_log "... the kernel: uses symbol from namespace EXPORTER_ADMIN, but does not import it" \
	'] fixture_no_import: module uses symbol \(exporter_counter_reset\) from namespace EXPORTER_ADMIN, but does not import it\.$'
check_eq "... nothing left loaded, exporter not held" "no 0" \
	"$(loaded fixture_no_import)$(value $exp/refcnt)"

# kernel/module/main.c: set_license() taints the kernel with P (saying so
# once a boot), and resolve_symbol() then searches without GPL-only symbols:
#   "fixture_nongpl: module license 'Proprietary' taints kernel."
#   "fixture_nongpl: Unknown symbol exporter_add (err -2)"
log_mark
run insmod "$fx"/fixture_nongpl.ko
check_run "a non-GPL module using a GPL-only symbol is refused" 1 \
	'Unknown symbol in module$'
check_log "... the GPL-only symbol is unknown to it" \
	'] fixture_nongpl: Unknown symbol exporter_add \(err -2\)$'
check_eq "... its license has tainted the kernel: P (bit 0)" 1 \
	"$(($(cat /proc/sys/kernel/tainted) & 1))"
check_eq "... nothing left loaded, exporter not held" "no 0" \
	"$(loaded fixture_nongpl)$(value $exp/refcnt)"
run rmmod exporter
check_run "rmmod exporter after the fixtures succeeds" 0

ktap_finished
