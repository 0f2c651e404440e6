#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# kmodlab-modules: exporter consumer
#
# Lab 3 (export and use a symbol), in the guest: one check per TODO of
# exporter.c and consumer.c. Until TODOs 1 to 4 are all done, modpost
# cannot build consumer: 'make lab' then shows modpost's own errors.

TESTS_DIR=${TESTS_DIR:-${0%/*}/../tests}
# shellcheck source=tests/kmodlab.sh
. "$TESTS_DIR/kmodlab.sh"

counters=/sys/kernel/debug/exporter/counters

# kallsyms TYPE of a module symbol: the loader writes it upper-case only
# when the symbol is in the module's plain (non-GPL) export table
# (is_exported() in kernel/module/kallsyms.c on 6.1, kernel/module.c on
# 5.10, looks at mod->syms alone).
kind() {	# SYMBOL
	sed -n "s/^[0-9a-f]* \\([tT]\\) $1\t\\[exporter\\]\$/\\1/p" /proc/kallsyms
}

ktap_print_header
require_modules exporter consumer
ktap_set_plan 5
unload consumer exporter

log_mark
run modprobe consumer
loaded=$(log_since)
# Since 7.x (commit 55fcb92) every export is in mod->syms, GPL-only ones
# flagged in __kflagstab, so kallsyms says T for them too: there the
# checks can see that a symbol is exported, not that it is GPL-only.
gpl=t
[ ! -e /sys/module/exporter/sections/__kflagstab ] || gpl=T

HINT='EXPORT_SYMBOL(exporter_read); right under the function'
check_eq "TODO 1: exporter_read is exported to every module" T "$(kind exporter_read)"

HINT='EXPORT_SYMBOL_GPL(...) under exporter_counter_get, _put and _add'
check_eq "TODO 2: counter_get/put/add are exported GPL-only, and consumer uses them" \
	"$gpl $gpl $gpl yes" "$(kind exporter_counter_get) $(kind exporter_counter_put) \
$(kind exporter_counter_add) $(module_loaded consumer && echo yes || echo no)"

# The suite's fixture uses exporter_counter_reset() without importing its
# namespace: a namespaced export must make the loader refuse it
# (verify_namespace_is_imported() in kernel/module/main.c).
HINT='EXPORT_SYMBOL_NS_GPL(exporter_counter_reset, EXPORTER_ADMIN);'
log_mark
run insmod "$KMODLAB_FIXTURES/fixture_no_import.ko"
case $(log_since) in
*"from namespace EXPORTER_ADMIN, but does not import it"*) ns=refused ;;
*) ns=accepted ;;
esac
unload fixture_no_import
check_eq "TODO 3: exporter_counter_reset is in the namespace EXPORTER_ADMIN" \
	"$gpl refused" "$(kind exporter_counter_reset) $ns"

HINT='MODULE_IMPORT_NS(EXPORTER_ADMIN); with the other MODULE_* lines'
check_glob "TODO 4: consumer imports EXPORTER_ADMIN and its init used reset" \
	"*] consumer: counter 'consumer' was 0, reset and counted 1*" "$loaded"

HINT='exporter_counter_put(counter); in consumer_exit()'
run rmmod consumer
check_match "TODO 5: after rmmod consumer its counter has no user left" \
	'^consumer [0-9]+ 0$' "$(cat $counters 2>&1)"

unload consumer exporter
ktap_finished
