#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# kmodlab-modules: fixture_changed_api wrong_vermagic
#
# Lab 5 (versions), in the guest: the learner's modules must be refused
# the kernel's way. fixture_changed_api is loaded against the suite's own
# exporter (in $KMODLAB_DIR/suite), whose exporter_add() takes an unsigned int.

TESTS_DIR=${TESTS_DIR:-${0%/*}/../tests}
# shellcheck source=tests/kmodlab.sh
. "$TESTS_DIR/kmodlab.sh"

suite=${KMODLAB_SUITE:-$KMODLAB_DIR/suite}

ktap_print_header
require_modules fixture_changed_api wrong_vermagic
[ -r "$suite/exporter.ko" ] || ktap_skip_all "no $suite/exporter.ko"
ktap_set_plan 2
unload fixture_changed_api wrong_vermagic exporter_v2 exporter

# kernel/module/version.c check_version(): the CRC in the user's
# __versions differs from the one exporter exports.
run insmod "$suite/exporter.ko"
log_mark
run insmod "$KO_DIR/fixture_changed_api.ko"
HINT='in exporter_v2.h: long exporter_add(const char *name, unsigned long delta);'
check_glob "TODO 1: exporter 2.0's user is refused: disagrees about version of exporter_add" \
	"*] fixture_changed_api: disagrees about version of symbol exporter_add*" \
	"$(log_since)"
unload fixture_changed_api exporter

# kernel/module/main.c check_modinfo(): with modversions, all of vermagic
# but the release must match.
log_mark
run insmod "$KO_DIR/wrong_vermagic.ko"
HINT='MODULE_INFO(vermagic, UTS_RELEASE " mod_unload modversions aarch64");'
check_glob "TODO 2: wrong_vermagic is refused: version magic ... should be ..." \
	"*] wrong_vermagic: version magic '*' should be '*'*" "$(log_since)"

unload wrong_vermagic
ktap_finished
