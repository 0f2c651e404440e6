#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# kmodlab-modules: helloworld
# shellcheck disable=SC2154 # kmod_NAME: the tools' paths, set by kmod_tools.sh
#
# may_init_module(): the loader takes modules from a process that has
# CAP_SYS_MODULE only, and delete_module() asks the same. A real
# unprivileged process (su to nobody, whose capability sets are empty)
# runs kmod's tools:
#   - insmod and modprobe helloworld are refused (EPERM), nothing loaded;
#   - rmmod of a module root loaded is refused (EPERM), it stays loaded;
#   - the same commands as root then work.
# kernel.modules_disabled, the other half of may_init_module(), cannot be
# undone until reboot: tests/loader/test-modules-disabled.sh does it, last
# of its boot.

# shellcheck source=tests/kmodlab.sh
. "${0%/*}/kmodlab.sh"

ko=$KO_DIR/helloworld.ko

# as_nobody CMD...: run CMD (one string, for su's sh) as nobody, with run.
as_nobody() {
	run su -s /bin/sh nobody -c "$*"
}

ktap_print_header
require_modules helloworld
command -v su >/dev/null || ktap_skip_all "no su in this guest"
grep -q '^nobody:' /etc/passwd 2>/dev/null || ktap_skip_all "no user nobody in /etc/passwd"
ktap_set_plan 10
unload helloworld

# The user really is unprivileged: not uid 0, and no capability at all.
# shellcheck disable=SC2016 # for su's shell to expand
as_nobody 'id -u; while read -r k v; do [ "$k" != CapEff: ] || echo "$v"; done </proc/self/status'
# shellcheck disable=SC2086,SC2116 # two lines made one
check_eq "nobody runs as uid 65534 with no effective capability" \
	"65534 0000000000000000" "$(echo $out)"

# kernel/module/main.c, may_init_module() (finit_module and init_module):
#	if (!capable(CAP_SYS_MODULE) || modules_disabled)
#		return -EPERM;
# kmod's insmod: "insmod: ERROR: could not insert module FILE: Operation
# not permitted" (strerror(EPERM)).
log_mark
as_nobody "$kmod_insmod $ko"
check_run "insmod as nobody is refused: Operation not permitted" 1 \
	'could not insert module .*/helloworld\.ko: Operation not permitted$'
check_eq "... nothing is loaded" "no " "$(loaded helloworld)"
check_no_match "... and init did not run" 'helloworld: hello, world' "$(log_since)"

# kmod's modprobe: "modprobe: ERROR: could not insert 'helloworld':
# Operation not permitted".
as_nobody "$kmod_modprobe helloworld"
check_run "modprobe as nobody is refused: Operation not permitted" 1 \
	"could not insert 'helloworld': Operation not permitted\$"
check_eq "... nothing is loaded" "no " "$(loaded helloworld)"

run insmod "$ko"
check_run "insmod as root succeeds" 0

# kernel/module/main.c, delete_module(): the same check, first of all:
#	if (!capable(CAP_SYS_MODULE) || modules_disabled)
#		return -EPERM;
# kmod's rmmod: "rmmod: ERROR: could not remove module helloworld:
# Operation not permitted".
as_nobody "$kmod_rmmod helloworld"
check_run "rmmod as nobody is refused: Operation not permitted" 1 \
	'could not remove module helloworld: Operation not permitted$'
check_eq "... it stays loaded, live" "yes live" \
	"$(loaded helloworld)$(value /sys/module/helloworld/initstate)"

run rmmod helloworld
check_run "rmmod as root succeeds" 0

ktap_finished
