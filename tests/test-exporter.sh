#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
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
#   - the failure fixtures ($KMODLAB_FIXTURES, default /kmodlab/fixtures,
#     built by 'make fixtures'):
#     a changed interface (CRC), a missing namespace import, a non-GPL
#     module using a GPL-only symbol, a foreign vermagic (and
#     modprobe --force-vermagic with the taint it leaves); each refused
#     the kernel's way, leaving nothing loaded.

# shellcheck source=tests/kmodlab.sh
. "${0%/*}/kmodlab.sh"

fx=${KMODLAB_FIXTURES:-/kmodlab/fixtures}
exp=/sys/module/exporter
counters=/sys/kernel/debug/exporter/counters
tree=/tmp/kmodlab-fixtures

# loaded NAME...: "yes" or "no" for each, on one line
loaded() {
	for _n; do
		module_loaded "$_n" && printf 'yes ' || printf 'no '
	done
}

# ere TEXT: TEXT as an extended regular expression matching it literally
ere() {
	printf '%s\n' "$1" | sed 's/[][\\.^$*+?(){}|]/\\&/g'
}

test_cleanup() {
	unload fixture_vermagic fixture_changed_api fixture_no_import \
		fixture_nongpl consumer exporter
	rm -rf $tree
}

ktap_print_header
require_modules exporter consumer
for f in vermagic changed_api no_import nongpl; do
	[ -r "$fx"/fixture_$f.ko ] || ktap_skip_all "$fx/fixture_$f.ko not found (make fixtures)"
done
ktap_set_plan 40
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
check_match "... after loading exporter (modules.dep), whose init ran first" \
	'exporter: counter store ready.* consumer: counter' "$(log_since | tr '\n' ' ')"
check_log "consumer got its counter, reset it (namespaced) and counted 1" \
	"] consumer: counter 'consumer' was 0, reset and counted 1: reads 1$"
check_match "lsmod: exporter is used by consumer" '^exporter +[0-9]+ +1 +consumer$' "$(lsmod)"
check_eq "/sys/module/exporter/holders/ has consumer, only" consumer \
	"$(ls $exp/holders 2>&1)"
check_eq "/sys/module/exporter/refcnt is 1" 1 "$(cat $exp/refcnt 2>&1)"
check_match "exporter's debugfs: counter consumer = 1, 1 user" '^consumer 1 1$' \
	"$(cat $counters 2>&1)"
info=$(modinfo consumer)
check_eq "modinfo consumer: depends: exporter" exporter "$(field depends "$info")"
check_eq "modinfo consumer: import_ns: EXPORTER_ADMIN" EXPORTER_ADMIN \
	"$(field import_ns "$info")"
check_eq "consumer's refcnt is 0: nothing uses it" 0 \
	"$(cat /sys/module/consumer/refcnt 2>&1)"

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
	"$(cat $exp/refcnt 2>&1) .$(ls $exp/holders 2>&1)"
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
	"$(loaded fixture_changed_api)$(cat $exp/refcnt)"

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
	"$(loaded fixture_no_import)$(cat $exp/refcnt)"

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
	"$(loaded fixture_nongpl)$(cat $exp/refcnt)"
run rmmod exporter
check_run "rmmod exporter after the fixtures succeeds" 0

# kernel/module/main.c, check_modinfo(); with MODVERSIONS same_magic()
# skips the release (module_layout's CRC stands for it), so it is the
# missing SMP that counts:
#   "fixture_vermagic: version magic '9.9.9-56-arm64 mod_unload modversions
#    aarch64' should be '6.1.0-56-arm64 SMP mod_unload modversions aarch64'"
vermagic=$(modinfo -F vermagic "$fx"/fixture_vermagic.ko)
log_mark
run insmod "$fx"/fixture_vermagic.ko
check_run "a module with another kernel's vermagic is refused: ENOEXEC" 1 \
	'Invalid module format$'
check_log "... the kernel: version magic '$vermagic' should be '$(uname -r) SMP …'" \
	"] fixture_vermagic: version magic '$(ere "$vermagic")' should be '$(ere "$(uname -r)") SMP [^']*'$"
check_eq "... nothing left loaded" "no " "$(loaded fixture_vermagic)"

# kernel/module/main.c, try_to_force_load(), once a boot (until the kernel
# has F), then the fixture's own init:
#   "fixture_vermagic: bad vermagic: kernel tainted."
#   "fixture_vermagic: loaded despite its vermagic"
# /sys/module/fixture_vermagic/taint then reads "FOE".
# kmod's modprobe takes names, not files: give it a module tree to look in.
mkdir -p $tree/lib/modules/"$(uname -r)"
cp "$fx"/fixture_vermagic.ko $tree/lib/modules/"$(uname -r)"/
depmod -b $tree 2>/dev/null
log_mark
run modprobe -d $tree --force-vermagic fixture_vermagic
check_run "modprobe --force-vermagic loads it anyway" 0
check_log "... the kernel: bad vermagic: kernel tainted" \
	'] fixture_vermagic: (bad vermagic: kernel tainted\.|loaded despite its vermagic)$'
check_match "... its taint has F (forced)" F \
	"$(cat /sys/module/fixture_vermagic/taint 2>&1)"
run rmmod fixture_vermagic
check_eq "... and it unloads" "0 no " "$rc $(loaded fixture_vermagic)"

ktap_finished
