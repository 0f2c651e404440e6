#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# kmodlab-modules: chrdev
#
# chrdev's round trip, as the LubanCat tutorial runs it by hand: the
# module's load makes /dev/chrdev (devtmpfs), chrdev_app (chrdev_app.c,
# on PATH) writes a line there and reads it back, and the node goes with
# the module.

# shellcheck source=tests/kmodlab.sh
. "$TESTS_DIR/kmodlab.sh"

# shellcheck disable=SC2317 # run by kmodlab.sh at exit
test_cleanup() {
	unload chrdev
}

ktap_print_header
require_modules chrdev
ktap_set_plan 6
log_mark
run modprobe chrdev
check_run "modprobe chrdev" 0
check_log "chrdev logs the device number it got" "chrdev: /dev/chrdev is [0-9]+:0$"
check_eq "/dev/chrdev is a character device" yes \
	"$([ -c /dev/chrdev ] && echo yes || echo no)"
run chrdev_app /dev/chrdev "hello, LubanCat"
check_run "chrdev_app reads back what it wrote" 0 "^read: hello, LubanCat$"
run modprobe -r chrdev
check_run "modprobe -r chrdev" 0
check_eq "/dev/chrdev is gone with it" no \
	"$([ -e /dev/chrdev ] && echo yes || echo no)"
ktap_finished
