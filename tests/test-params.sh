#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# kmodlab-modules: params
#
# params: every way to give a module its parameters, and every way to get
# one wrong, each read back from /sys/module/params/parameters and from the
# module's own log lines ("params: load: ...", "params: unload: ...").
#   - insmod with one value of each kind (int, uint, long, ulong, short,
#     ushort, byte, bool, invbool, charp, string, array, a renamed hidden
#     one, two with their own kernel_param_ops); an unknown name only warns;
#     sysfs modes are 0644, 0444, or no file at all (perm 0); insmod does
#     not read the kernel command line;
#   - sysfs: root writes a value, the module's ops log it, unload sees it;
#     a bad value fails with EINVAL and a read-only file with EACCES, and
#     the old value stays;
#   - refused loads: out of range for a validated parameter, not a number,
#     too many array elements, a string longer than its buffer;
#   - modprobe: an "options" line of /etc/modprobe.d (written here, removed
#     at exit), a value on modprobe's command line overriding it, and
#     params.mode=... from the kernel command line (make test adds it; the
#     check skips where /proc/cmdline has none);
#   - modinfo lists every parameter with its description and type.

# shellcheck source=tests/kmodlab.sh
. "${0%/*}/kmodlab.sh"

ko=$KO_DIR/params.ko
sys=/sys/module/params
conf=/etc/modprobe.d/params.conf

# All readable parameters as "name:value" on one line.
params() {
	for _f in "$sys"/parameters/*; do
		[ -r "$_f" ] && read -r _v <"$_f" && printf '%s:%s ' "${_f##*/}" "$_v"
	done
}

# shellcheck disable=SC2317 # called through run
set_param() {	# NAME VALUE: what "echo VALUE > .../NAME" does
	echo "$2" >"$sys/parameters/$1"
}

get_param() {	# NAME
	read -r _v <"$sys/parameters/$1" && echo "$_v"
}

# insmod ARGS that must be refused; if the module loads all the same, note
# it in $stayed and unload it, so that the next check starts clean.
refused() {	# ARG...
	run insmod "$ko" "$@"
	if module_loaded params; then
		stayed="${stayed}yes "
		rmmod params >/dev/null 2>&1
	else
		stayed="${stayed}no "
	fi
}

# shellcheck disable=SC2317 # called by kmodlab.sh at exit
test_cleanup() {
	rm -f "$conf"
	unload params
}

ktap_print_header
require_modules params
ktap_set_plan 47
unload params
rm -f "$conf"
cmdline_mode=$(sed -n 's/.* params\.mode=\([^ ]*\).*/\1/p' /proc/cmdline)

# --- insmod: one value of each kind ------------------------------------
log_mark
run insmod "$ko" count=3 size=0x10 offset=-5 mask=0xf0 delta=-300 \
	port=65535 channel=255 verbose=y disable=1 greeting=hi label=lab \
	values=4,5,6 retries=9 level=5 nosuch=1
check_run "insmod with a value of each kind (and an unknown one) loads" 0
log_get
check_eq "sysfs shows each value as insmod gave it" \
	"channel:255 count:3 delta:-300 disable:Y greeting:hi label:lab level:5 mask:240 mode:slow offset:-5 port:65535 size:16 values:4,5,6 verbose:Y " \
	"$(params)"
check_glob "load log: the numbers" \
	'*] params: load: count=3 size=16 offset=-5 mask=240 delta=-300 port=65535 channel=255*' "$since"
check_glob "load log: bools, strings and the hidden 'retries'" \
	'*] params: load: verbose=Y disable=Y greeting="hi" label="lab" retries=9*' "$since"
check_glob "load log: the array with its count, level, mode" \
	'*] params: load: values=4,5,6 (3 of 4) level=5 mode=slow*' "$since"
check_glob "level's own .set ran at load, before init" \
	'*] params: level: 3 -> 5*' "${since%%params: load:*}"
# kernel/module/main.c (6.1; kernel/module.c on 5.10): unknown_module_param_cb()
# warns and returns 0, so the loader goes on.
check_glob "an unknown name is only a warning" \
	"*] params: unknown parameter 'nosuch' ignored*" "$since"
check_eq "perm 0 makes no sysfs file ('retries')" no \
	"$([ -e $sys/parameters/retries ] && echo yes || echo no)"
check_eq "sysfs modes: 0644 root-writable, 0444 read-only" \
	"channel:444 count:644 delta:444 disable:444 greeting:644 label:444 level:644 mask:444 mode:644 offset:444 port:444 size:444 values:444 verbose:644 " \
	"$(cd $sys/parameters && stat -c '%n:%a' -- * | tr '\n' ' ')"
if [ -n "$cmdline_mode" ]; then
	check_eq "insmod ignores params.mode=$cmdline_mode of /proc/cmdline" \
		slow "$(get_param mode)"
else
	ktap_test_skip "insmod ignores params.mode= of /proc/cmdline" \
		"no params.mode= in /proc/cmdline"
fi

# --- sysfs: read and write while loaded --------------------------------
# kernel/params.c param_attr_store() returns what .set returned; the
# module's log is read once, after all the writes.
log_mark
run set_param level 7
check_eq "sysfs: root writes level=7, reads 7" "0 7" "$rc $(get_param level)"
run set_param mode off
check_eq "sysfs: mode=off, reads off" "0 off" "$rc $(get_param mode)"
run set_param count 11
check_eq "sysfs: count=11 (the kernel's own int ops)" "0 11" "$rc $(get_param count)"
run set_param level 8
check_run "sysfs: level=8 (out of 0..7) fails with EINVAL" 1 'Invalid argument$'
check_eq "... level still reads 7" 7 "$(get_param level)"
run set_param mode turbo
check_eq "sysfs: mode=turbo fails, mode still off" "1 off" "$rc $(get_param mode)"
check_glob "... with EINVAL" '*Invalid argument' "$out"
run set_param count abc
check_eq "sysfs: count=abc fails (kstrtoint), count still 11" \
	"1 11" "$rc $(get_param count)"
# fs/kernfs/file.c kernfs_fop_open(): no write bit in the mode, -EACCES,
# even for root.
run set_param size 1
check_run "sysfs: writing read-only size is denied, even to root" 1 \
	'Permission denied$'
check_eq "... size still reads 16" 16 "$(get_param size)"
log_get
check_glob "the module's .set logged level's change" \
	'*] params: level: 5 -> 7*' "$since"
check_glob "... and mode's" '*] params: mode: slow -> off*' "$since"
check_glob "... and why level=8 was refused" \
	'*] params: level: not a number in 0..7, unchanged (-22)*' "$since"

log_mark
run rmmod params
check_run "rmmod params" 0
log_get
check_glob "unload log sees the values sysfs changed" \
	'*] params: unload: count=11 size=16 *' "$since"
check_glob "... level and mode too" \
	'*] params: unload: values=4,5,6 (3 of 4) level=7 mode=off*' "$since"

# --- refused loads ------------------------------------------------------
# kmod's insmod says "Invalid parameters" for EINVAL (tools/insmod.c
# mod_strerror()); the loader's lines come from kernel/params.c: parse_args()
# names the value and the parameter ("too large" for -ENOSPC), the kernel's
# ops say what is wrong. One look at the log after all four loads.
log_mark
stayed=
refused level=9
check_run "insmod level=9 (out of 0..7) is refused: EINVAL" 1 \
	'could not insert module .*: Invalid parameters$'
refused count=abc
check_run "insmod count=abc is refused: EINVAL" 1 'Invalid parameters$'
refused values=1,2,3,4,5
check_run "insmod values=1,2,3,4,5 (room for 4) is refused: EINVAL" 1 \
	'Invalid parameters$'
refused label=0123456789abcdef
check_run "insmod label= of 16 chars (room for 15) is refused: ENOSPC" 1 \
	'No space left on device$'
check_eq "none of the refused loads left the module loaded" \
	"no no no no " "$stayed"
log_get
check_glob "level=9: the module's .set says why" \
	'*] params: level: not a number in 0..7, unchanged (-22)*' "$since"
check_glob "level=9: the loader names value and parameter" \
	"*] params: \`9' invalid for parameter \`level'*" "$since"
check_glob "count=abc: \`abc' invalid for parameter \`count'" \
	"*] params: \`abc' invalid for parameter \`count'*" "$since"
# param_array() has cut the string at each comma, so the loader shows "1".
check_glob "values=1,2,3,4,5: values: can only take 4 arguments" \
	'*] values: can only take 4 arguments*' "$since"
# param_set_copystring(): -ENOSPC.
check_glob "label=...: label: string doesn't fit in 15 chars." \
	"*] label: string doesn't fit in 15 chars.*" "$since"
check_glob "label=...: the loader: too large for parameter \`label'" \
	"*] params: \`0123456789abcdef' too large for parameter \`label'*" "$since"

# --- modprobe: modprobe.d, its command line, the kernel command line ----
mkdir -p "${conf%/*}"
echo "options params count=5 greeting=from-conf" >"$conf"
log_mark
run modprobe params
check_run "modprobe params (options line in $conf)" 0
sysfs=$(params)
log_get
check_glob "... sysfs: count and greeting from the options line" \
	'* count:5 *greeting:from-conf *' "$sysfs"
check_glob "... and the load log" \
	'*] params: load: verbose=N disable=N greeting="from-conf" label="kmodlab" retries=3*' "$since"
if [ -n "$cmdline_mode" ]; then
	check_glob "modprobe adds params.mode=$cmdline_mode of /proc/cmdline" \
		"* mode:$cmdline_mode *" "$sysfs"
	check_glob "... the load log says mode=$cmdline_mode" \
		"*] params: load: values=* mode=$cmdline_mode*" "$since"
else
	for _c in "modprobe adds params.mode= of /proc/cmdline" "... (log)"; do
		ktap_test_skip "$_c" "no params.mode= in /proc/cmdline"
	done
fi
unload params

log_mark
run modprobe params count=6
check_run "modprobe params count=6" 0
check_glob "... overrides the options line's count=5, keeps its greeting" \
	'* count:6 *greeting:from-conf *' "$(params)"
check_glob "... and the load log says count=6" \
	'*] params: load: count=6 *' "$(log_since)"
unload params
rm -f "$conf"

# --- modinfo ------------------------------------------------------------
info=$(modinfo params)
check_eq "modinfo: every parm has a description and a type" \
	"count int,size uint,offset long,mask ulong,delta short,port ushort,channel byte,verbose bool,disable invbool,greeting charp,label string,values array of int,retries int,level uint,mode string," \
	"$(field parm "$info" | sed -n 's/^\([a-z]*\):..* (\(.*\))$/\1 \2/p' | tr '\n' ,)"
check_glob "modinfo: level's description gives its range" \
	'*parm: *level:0..7, * (uint)*' "$info"

ktap_finished
