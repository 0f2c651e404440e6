#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# kmodlab-modules: helloworld lifecycle_watcher params
# shellcheck disable=SC2154 # kmod_NAME: the tools' paths, set by kmod_tools.sh
#
# What /etc/modprobe.d can say besides "options" (man 5 modprobe.d), each
# in a file of its own given to kmod's modprobe with -C, so that no other
# test sees it:
#   alias      another name: modprobe kmodlab-hello loads helloworld;
#   blacklist  the module's aliases stop working, its name does not
#              (unless modprobe -b);
#   softdep    pre: loaded before, post: after; modprobe -r removes all;
#   install    a command run instead of loading (it may load the module
#   remove     itself, with --ignore-install); remove likewise;
# and modprobe -n -v (--dry-run --verbose) prints what it would do, does
# nothing; --show-depends lists the files, whether loaded or not.

# shellcheck source=tests/kmodlab.sh
. "${0%/*}/kmodlab.sh"

conf=/tmp/kmodlab-modprobe.d
ko=/lib/modules/$RELEASE/extra

ktap_print_header
require_modules helloworld lifecycle_watcher params
ktap_set_plan 23
# shellcheck disable=SC2317 # run by kmodlab.sh at exit
test_cleanup() {
	unload params helloworld lifecycle_watcher
	rm -rf $conf
}
test_cleanup
mkdir -p $conf

# with CONF-LINE...: $c is a new file holding the lines
with() {
	_files=$((${_files:-0} + 1))
	c=$conf/$_files.conf
	printf '%s\n' "$@" >"$c"
}

with 'alias kmodlab-hello helloworld'
run modprobe -C "$c" kmodlab-hello
check_run "alias: modprobe kmodlab-hello succeeds" 0
check_eq "... and loads helloworld" "yes " "$(loaded helloworld)"
# kmod writes a module name, or an alias, with "_" for "-" (libkmod's
# alias_normalize()), whichever one was written.
check_match "... modprobe -c shows the alias (as kmodlab_hello)" '^alias kmodlab_hello helloworld$' \
	"$(modprobe -C "$c" -c 2>&1)"
run modprobe -C "$c" -r kmodlab-hello
check_eq "... modprobe -r kmodlab-hello removes it" "0 no " "$rc $(loaded helloworld)"

# kmod (libkmod-module.c, kmod_module_probe_insert_module()): a
# blacklisted module is skipped when it was asked for by an alias;
# modprobe counts that as success.
with 'alias kmodlab-hello helloworld' 'blacklist helloworld'
run modprobe -C "$c" kmodlab-hello
check_eq "blacklist: modprobe kmodlab-hello succeeds, loads nothing" "0 no " \
	"$rc $(loaded helloworld)"
run modprobe -C "$c" -b helloworld
check_eq "... modprobe -b helloworld (--use-blacklist) loads nothing either" "0 no " \
	"$rc $(loaded helloworld)"
run modprobe -C "$c" helloworld
check_eq "... by its own name it still loads" "0 yes " "$rc $(loaded helloworld)"
unload helloworld

with 'softdep helloworld pre: lifecycle_watcher post: params'
run modprobe -C "$c" -n -v helloworld
check_run "softdep: modprobe -n -v helloworld prints what it would do" 0
# shellcheck disable=SC2086,SC2116 # its lines made one; params may carry
# options (make test boots with params.mode=fast, the board does not)
check_glob "... insmod lifecycle_watcher, helloworld, then params" \
	"insmod $ko/lifecycle_watcher.ko *insmod $ko/helloworld.ko *insmod $ko/params.ko*" \
	"$(echo $out)"
check_eq "... and does nothing" "no no no " "$(loaded lifecycle_watcher helloworld params)"
run modprobe -C "$c" --show-depends helloworld
# shellcheck disable=SC2086,SC2116 # its lines made one; params may carry
# options (make test boots with params.mode=fast, the board does not)
check_glob "modprobe --show-depends lists the same files" \
	"insmod $ko/lifecycle_watcher.ko *insmod $ko/helloworld.ko *insmod $ko/params.ko*" \
	"$(echo $out)"
log_mark
run modprobe -C "$c" helloworld
check_eq "modprobe helloworld loads all three" "0 yes yes yes " \
	"$rc $(loaded lifecycle_watcher helloworld params)"
log_get
check_glob "... pre first: the watcher sees helloworld come, then params (post)" \
	'*] lifecycle_watcher: helloworld: LIVE,*] lifecycle_watcher: params: COMING,*' "$since"
run modprobe -C "$c" -r helloworld
check_eq "... modprobe -r helloworld removes all three" "0 no no no " \
	"$rc $(loaded lifecycle_watcher helloworld params)"

# kmod runs an install or remove command with system() instead of
# loading or removing; $CMDLINE_OPTS would carry the options.
with "install helloworld echo kmodlab: install helloworld >/dev/kmsg; $kmod_modprobe --ignore-install helloworld" \
     "remove helloworld echo kmodlab: remove helloworld >/dev/kmsg; $kmod_modprobe -r --ignore-remove helloworld"
log_mark
run modprobe -C "$c" -n -v helloworld
check_run "install: modprobe -n -v prints the command" 0 \
	'^install echo kmodlab: install helloworld >/dev/kmsg; '
check_eq "... and runs nothing" "no ." \
	"$(loaded helloworld).$(log_since | grep 'kmodlab: install')"
log_mark
run modprobe -C "$c" helloworld
check_run "modprobe helloworld runs the install command" 0
check_log "... which ran" '] kmodlab: install helloworld$'
check_eq "... and loaded it with --ignore-install" "yes " "$(loaded helloworld)"
log_mark
run modprobe -C "$c" -r helloworld
check_log "modprobe -r runs the remove command" '] kmodlab: remove helloworld$'
check_eq "... which removed it with --ignore-remove" "no " "$(loaded helloworld)"

with 'install helloworld /bin/true'
run modprobe -C "$c" helloworld
check_eq "install helloworld /bin/true: modprobe succeeds, nothing loaded" "0 no " \
	"$rc $(loaded helloworld)"
with 'install helloworld /bin/false'
run modprobe -C "$c" helloworld
check_run "install helloworld /bin/false: modprobe fails, saying so" 1 \
	"Error running install command '/bin/false' for module helloworld: retcode 1"

ktap_finished
