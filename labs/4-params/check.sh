#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# kmodlab-modules: params
#
# Lab 4 (parameters), in the guest: one check per TODO of params.c. A
# parameter that is not declared is not refused: the loader warns
# "unknown parameter ... ignored" and loads the module, so every check
# reads the value back from /sys/module/params/parameters.

TESTS_DIR=${TESTS_DIR:-${0%/*}/../tests}
# shellcheck source=tests/kmodlab.sh
. "$TESTS_DIR/kmodlab.sh"

ko=$KO_DIR/params.ko
p=/sys/module/params/parameters

get() {	# NAME [MODE]: the value in sysfs, or its mode with MODE
	[ -e "$p/$1" ] || { echo missing; return; }
	if [ -n "${2-}" ]; then
		stat -c %a "$p/$1"
	else
		read -r _v <"$p/$1" && echo "$_v"
	fi
}

ktap_print_header
require_modules params
ktap_set_plan 5
unload params

run insmod "$ko" count=3 values=4,5,6 label=lab level=5
HINT='module_param(count, int, 0644); and MODULE_PARM_DESC(count, "...");'
check_eq "TODO 1: count=3 reads 3, mode 644" "3 644" "$(get count) $(get count mode)"
HINT='module_param_array(values, int, &nr_values, 0444);'
check_eq "TODO 2: values=4,5,6 reads 4,5,6" "4,5,6" "$(get values)"
HINT='module_param_string(label, label, sizeof(label), 0444);'
check_eq "TODO 3: label=lab reads lab" lab "$(get label)"
HINT='module_param_cb(level, &level_ops, &level, 0644);'
log_mark
wrote=$( (echo 6 >"$p/level") 2>/dev/null && echo wrote || echo refused)
got="$(get level mode) $wrote $(get level)"
case $(log_since) in
*"] params: level: 5 -> 6"*) got="$got logged" ;;
*) got="$got silent" ;;
esac
check_eq "TODO 5: level is root-writable and its .set logs the change" \
	"644 wrote 6 logged" "$got"
unload params

# kernel/params.c parse_one(): .set's error refuses the whole load.
HINT='in level_parse(): if (n > LEVEL_MAX) return -EINVAL; (needs TODO 5)'
run insmod "$ko" level=9
check_eq "TODO 4: insmod level=9 is refused (Invalid parameters) and nothing stays" \
	"1 no" "$rc $(module_loaded params && echo yes || echo no)"

unload params
ktap_finished
