#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# kmodlab-modules: helloworld
#
# Lab 1 (hello), in the guest: one check per TODO of helloworld.c. A later
# TODO can hide an earlier one (no init runs before TODO 5), so each hint
# says what it needs.

TESTS_DIR=${TESTS_DIR:-${0%/*}/../tests}
# shellcheck source=tests/kmodlab.sh
. "$TESTS_DIR/kmodlab.sh"

ko=$KO_DIR/helloworld.ko

ktap_print_header
require_modules helloworld
ktap_set_plan 6
unload helloworld

info=$(modinfo "$ko")
HINT='MODULE_LICENSE("GPL"); at the end of the file'
check_eq "TODO 1: the license is GPL" GPL "$(field license "$info")"

log_mark
run insmod "$ko"
log=$(log_since)
# The kernel prefixes its own lines about a module with the name too
# ("helloworld: loading out-of-tree module taints kernel."): look at ours.
HINT='#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt, above the #includes (needs TODO 3)'
check_match "TODO 2: our log lines start with 'helloworld: '" \
	'] helloworld: hello, world$' "$log"
HINT='pr_info("hello, world\n"); in helloworld_init() (needs TODO 5)'
check_match "TODO 3: loading logs 'hello, world'" 'hello, world$' "$log"

# module_init()/module_exit() are what keep the functions: unused static
# functions are dropped by gcc, and with them .init.text and .exit.text,
# which the loader lists in /sys/module/<name>/sections/.
secs=/sys/module/helloworld/sections
HINT='module_init(helloworld_init); and module_exit(helloworld_exit);'
check_eq "TODO 5: it has init and exit functions (.init.text, .exit.text)" \
	"yes yes" "$([ -e $secs/.init.text ] && echo yes || echo no) \
$([ -e $secs/.exit.text ] && echo yes || echo no)"

log_mark
run rmmod helloworld
log=$(log_since)
HINT='pr_info("goodbye, world\n"); in helloworld_exit() (needs TODO 5)'
check_match "TODO 4: unloading logs 'goodbye, world'" 'goodbye, world$' "$log"
HINT='MODULE_AUTHOR("..."); MODULE_DESCRIPTION("..."); MODULE_VERSION("1.0");'
check_eq "TODO 6: modinfo shows an author, a description and a version" yes \
	"$([ -n "$(field author "$info")" ] && [ -n "$(field description "$info")" ] &&
	   [ -n "$(field version "$info")" ] && echo yes || echo no)"

unload helloworld
ktap_finished
