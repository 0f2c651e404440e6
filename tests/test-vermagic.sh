#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# vermagic: a module built for another kernel ($KMODLAB_FIXTURES, default
# $KMODLAB_DIR/fixtures, built by 'make fixtures'), with kmod:
#   - insmod is refused with ENOEXEC, the kernel names both version
#     magics, and nothing is left loaded;
#   - modprobe --force-vermagic loads it all the same: the kernel says it
#     is tainted (the first time in a boot), its init runs, the module's
#     taint has F, and it unloads.

# shellcheck source=tests/kmodlab.sh
. "${0%/*}/kmodlab.sh"

fx=$KMODLAB_FIXTURES
ko=$fx/fixture_vermagic.ko
tree=/tmp/kmodlab-vermagic

# ere TEXT: TEXT as an extended regular expression matching it literally
ere() {
	printf '%s\n' "$1" | sed 's/[][\\.^$*+?(){}|]/\\&/g'
}

test_cleanup() {
	unload fixture_vermagic
	rm -rf $tree
}

ktap_print_header
# Not a module of extra/: no lock to take, no other test loads it.
# shellcheck disable=SC2119 # no module: kmod's tools are all it needs
require_modules
require_fixtures fixture_vermagic
ktap_set_plan 8
test_cleanup

# kernel/module/main.c, check_modinfo(); with MODVERSIONS same_magic()
# skips the release (module_layout's CRC stands for it), so it is the
# missing SMP that counts:
#   "fixture_vermagic: version magic '9.9.9-57-arm64 mod_unload modversions
#    aarch64' should be '6.1.0-57-arm64 SMP mod_unload modversions aarch64'"
vermagic=$(modinfo -F vermagic "$ko")
log_mark
run insmod "$ko"
check_run "a module with another kernel's vermagic is refused: ENOEXEC" 1 \
	'Invalid module format$'
check_log "... the kernel: version magic '$vermagic' should be '$RELEASE SMP …'" \
	"] fixture_vermagic: version magic '$(ere "$vermagic")' should be '$(ere "$RELEASE") SMP [^']*'$"
check_eq "... nothing left loaded" "no " "$(loaded fixture_vermagic)"

# kernel/module/main.c, try_to_force_load(), says it only while the
# kernel has no F (a second run in one boot, on a board, finds it F):
#	if (!test_taint(TAINT_FORCED_MODULE))
#		pr_warn("%s: %s: kernel tainted.\n", mod->name, reason);
#   "fixture_vermagic: bad vermagic: kernel tainted."
# then the fixture's own init: "fixture_vermagic: loaded despite its vermagic".
# /sys/module/fixture_vermagic/taint then reads "FOE".
# kmod's modprobe takes names, not files: give it a module tree to look in.
mkdir -p $tree/lib/modules/"$RELEASE"
cp "$ko" $tree/lib/modules/"$RELEASE"/
depmod -b $tree 2>/dev/null
F=2	# TAINT_FORCED_MODULE in /proc/sys/kernel/tainted
forced=$(($(cat /proc/sys/kernel/tainted) & F))
log_mark
run modprobe -d $tree --force-vermagic fixture_vermagic
check_run "modprobe --force-vermagic loads it anyway" 0
if [ $forced -eq 0 ]; then
	check_log "... the kernel: bad vermagic: kernel tainted" \
		'] fixture_vermagic: bad vermagic: kernel tainted\.$'
else
	check_no_match "... the kernel, F already this boot, says nothing" \
		'] fixture_vermagic: bad vermagic: kernel tainted\.$' "$(log_since)"
fi
check_log "... its init runs" '] fixture_vermagic: loaded despite its vermagic$'
check_match "... its taint has F (forced)" F \
	"$(value /sys/module/fixture_vermagic/taint)"
run rmmod fixture_vermagic
check_eq "... and it unloads" "0 no " "$rc $(loaded fixture_vermagic)"

ktap_finished
