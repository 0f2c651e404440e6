#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# kmodlab-modules: all
#
# modules-load: the guest booted with the /etc files 'make install' puts
# in place ('make test-install' boots it with kmodlab_run=installed, and
# /init loads what /etc/modules-load.d names, as systemd-modules-load does
# on a board). For each module /etc/modules-load.d/kmodlab.conf names:
# it is live, modprobe resolves it through depmod's index to extra/, each
# option /etc/modprobe.d/kmodlab.conf gives it is in kmod's configuration
# (modprobe -c) and in /sys/module/<name>/parameters (write the value as
# sysfs shows it: Y/N for a bool), and it unloads. A module named there
# but not built is skipped. Skips entirely in other boots.

# shellcheck source=tests/kmodlab.sh
. "${0%/*}/kmodlab.sh"

load_conf=/etc/modules-load.d/kmodlab.conf
opts_conf=/etc/modprobe.d/kmodlab.conf

ktap_print_header
grep -q 'kmodlab_run=installed' /proc/cmdline ||
	ktap_skip_all "not booted with make install's /etc files in place (make test-install does that)"
[ -r $load_conf ] || {
	echo "Bail out! booted for it, but $load_conf is not there"
	exit 1
}
# A module named there but not built (not in this tree's Kbuild) is
# skipped, with its options; the others are checked.
mods='' absent=''
# shellcheck disable=SC2013 # one name per line: words
for m in $(sed '/^[#;]/d; /^[[:space:]]*$/d' $load_conf); do
	if [ -r "$KO_DIR/$m.ko" ]; then
		mods="$mods $m"
	else
		absent="$absent $m"
	fi
done
[ -n "$mods" ] || ktap_skip_all "$load_conf names no module built here"
# shellcheck disable=SC2086 # a list of names
require_modules $mods

# MODULE:NAME=VALUE for each option given to a module loaded at boot.
options=
for m in $mods; do
	# shellcheck disable=SC2013 # words: NAME=VALUE pairs
	for opt in $(sed -n "s/^options $m //p" "$opts_conf" 2>/dev/null); do
		options="$options $m:$opt"
	done
done
# Unloaded last first: a later module may use an earlier one.
# shellcheck disable=SC2086 # a list of names
reversed=$(printf '%s\n' $mods | sed -n '1!G; h; $p')
# shellcheck disable=SC2317 # called by kmodlab.sh at exit
test_cleanup() {
	# shellcheck disable=SC2086
	unload $reversed
}
ktap_set_plan $(($(echo "$mods" | wc -w) * 3 + $(echo "$options" | wc -w) * 2 +
		$(echo "$absent" | wc -w)))

for m in $absent; do
	ktap_test_skip "$m came up at boot" "$KO_DIR/$m.ko not built"
done

config=$(modprobe -c 2>&1)
for m in $mods; do
	check_eq "$m came up at boot, live" live \
		"$(value /sys/module/"$m"/initstate)"
	run modprobe --show-depends "$m"
	check_run "modprobe resolves $m to extra/ (depmod's index)" 0 \
		"^insmod /lib/modules/$RELEASE/extra/(.*/)?$m\.ko"
done
for o in $options; do
	m=${o%%:*} opt=${o#*:}
	check_match "modprobe -c has 'options $m $opt' from $opts_conf" \
		"^options $m (.* )?$opt( |\$)" "$config"
	check_eq "$m got ${opt%%=*}=${opt#*=}" "${opt#*=}" \
		"$(value /sys/module/"$m"/parameters/"${opt%%=*}")"
done
for m in $reversed; do
	run rmmod "$m"
	check_run "$m unloads" 0
done

ktap_finished
