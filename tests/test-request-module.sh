#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# kmodlab-modules: exporter requester
# shellcheck disable=SC2154 # kmod_NAME: the tools' paths, set by kmod_tools.sh
#
# The kernel asking for a module itself: requester's init calls
# request_module("kmodlab-counters"); the kernel runs the program
# /proc/sys/kernel/modprobe names (kernel/module/kmod.c,
# call_modprobe()), which finds the alias in modules.alias (exporter's
# MODULE_ALIAS) and loads exporter. With kmod:
#   - insmod requester (insmod reads no softdep): exporter comes up by the
#     kernel's request; the modprobe it ran got "-q -- kmodlab-counters"
#     (a wrapper named in /proc/sys/kernel/modprobe logs it, then runs
#     kmod's modprobe; restored at exit);
#   - symbol_get() holds exporter (refcnt 1, no holder: kmod's rmmod says
#     "in use"), and rmmod requester leaves it loaded, unused;
#   - depmod wrote the alias to modules.alias and MODULE_SOFTDEP to
#     modules.softdep, modinfo shows both;
#   - modprobe requester loads exporter first (softdep pre), modprobe -r
#     removes both;
#   - with /proc/sys/kernel/modprobe empty, request_module() fails with
#     -ENOENT and requester's init with it.

# shellcheck source=tests/kmodlab.sh
. "${0%/*}/kmodlab.sh"

knob=/proc/sys/kernel/modprobe
wrapper=/tmp/kmodlab-modprobe
calls=/tmp/kmodlab-modprobe.log
exp=/sys/module/exporter
moddir=/lib/modules/$RELEASE

ktap_print_header
require_modules exporter requester
[ -w $knob ] || ktap_skip_all "no $knob in this kernel"
ktap_set_plan 19
saved=$(cat $knob)
# shellcheck disable=SC2317 # run by kmodlab.sh at exit
test_cleanup() {
	echo "$saved" >$knob
	rm -f $wrapper $calls
	unload requester exporter
}
test_cleanup

# The wrapper the kernel runs instead of modprobe: it notes what it was
# given, then becomes kmod's modprobe.
printf '#!/bin/sh\necho "$*" >>%s\nexec %s "$@"\n' $calls "$kmod_modprobe" >$wrapper
chmod 755 $wrapper
echo $wrapper >$knob

# kernel/module/kmod.c, call_modprobe():
#	argv[0] = modprobe_path;
#	argv[1] = "-q";
#	argv[2] = "--";
#	argv[3] = module_name;	/* check free_modprobe_argv() */
log_mark
run insmod "$KO_DIR/requester.ko"
check_run "insmod requester succeeds, exporter not loaded before" 0
check_eq "... the kernel ran $knob with -q -- kmodlab-counters" \
	"-q -- kmodlab-counters" "$(cat $calls 2>&1)"
log_get
check_match "... request_module() returned 0" \
	'] requester: request_module\("kmodlab-counters"\) returned 0$' "$since"
check_glob "... exporter's init ran, then requester counted in it" \
	'*] exporter: counter store ready*] requester: counted in exporter: 1*' "$since"
check_eq "exporter is loaded, held by symbol_get(): refcnt 1, no holder" "yes 1 ." \
	"$(loaded exporter)$(value $exp/refcnt) .$(ls $exp/holders 2>&1)"
run rmmod exporter
check_run "... so rmmod exporter is refused: in use" 1 'ERROR: Module exporter is in use$'
run rmmod requester
check_run "rmmod requester succeeds" 0
check_eq "... exporter stays, unused: request_module() made no dependency" "yes 0" \
	"$(loaded exporter)$(value $exp/refcnt)"
run rmmod exporter

# include/linux/module.h: MODULE_ALIAS(x) is "alias=x" in .modinfo,
# MODULE_SOFTDEP(x) "softdep=x"; depmod collects them.
check_eq "modinfo exporter: alias kmodlab-counters" kmodlab-counters \
	"$(modinfo -F alias exporter)"
check_eq "modinfo requester: softdep pre: exporter" "pre: exporter" \
	"$(modinfo -F softdep requester)"
check_match "modules.alias: alias kmodlab-counters exporter" \
	'^alias kmodlab-counters exporter$' "$(cat "$moddir"/modules.alias)"
check_match "modules.softdep: softdep requester pre: exporter" \
	'^softdep requester pre: exporter$' "$(cat "$moddir"/modules.softdep)"
run modprobe --show-depends kmodlab-counters
check_run "modprobe --show-depends kmodlab-counters: exporter.ko" 0 \
	'^insmod /lib/modules/.*/extra/exporter\.ko $'

# kmod's modprobe reads the softdep: exporter first, requester after;
# the kernel's request then finds exporter there.
: >$calls
log_mark
run modprobe requester
check_run "modprobe requester succeeds" 0
log_get
check_glob "... exporter loaded first (softdep pre), then requester" \
	'*] exporter: counter store ready*] requester: request_module*' "$since"
run modprobe -r requester
check_run "modprobe -r requester succeeds" 0
check_eq "... and removes exporter after it (softdep pre)" "no no " \
	"$(loaded requester exporter)"

# kernel/module/kmod.c, __request_module():
#	if (!modprobe_path[0])
#		return -ENOENT;
# requester's init then finds no exporter_add and returns -ENXIO.
echo >$knob
log_mark
run insmod "$KO_DIR/requester.ko"
check_run "with $knob empty, insmod requester fails: No such device or address" 1 \
	'could not insert module .*requester.ko: No such device or address$'
check_log "... request_module() returned -ENOENT" \
	'] requester: request_module\("kmodlab-counters"\) returned -2$'

ktap_finished
