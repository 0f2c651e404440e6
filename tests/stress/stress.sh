# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# What the stress tests (tests/stress/test-*.sh) share, sourced after
# kmodlab.sh. They run one file at a time (run.sh -j 1, as qemu/init and
# 'make stress' do): they compare the whole of /proc/modules and the
# kernel's taint, which a test running beside them would change.
#
#   stress_modules       our modules: every .ko in $KO_DIR, by file name
#   stress_deps M        the modules of ours that M depends on (modules.dep)
#   tick                 centiseconds since boot, into $now (no fork)
#   rate N CS            "N cycles in S s, R cycles/s"
#   modules_state        /proc/modules as "name refcount users state" lines
#   kernel_trouble       what is wrong with the kernel since log_mark: taint
#                        beyond O and E, an oops, BUG or WARNING in its log
#   check_kernel_clean NAME   one KTAP result for kernel_trouble
#   check_kmemleak NAME  a kmemleak scan finds nothing (skip without kmemleak)
#   stress_cleanup       for test_cleanup(): unload ours, remove temp files
#
# Variables (the kernel command line sets them under 'make stress'):
#   STRESS_CYCLES   load/unload cycles per module in a row (200)
#   STRESS_RACES    cycles per shell when two shells race (50)
#   STRESS_SECONDS  the time any one loop may take (300)

STRESS_CYCLES=${STRESS_CYCLES:-200}
STRESS_RACES=${STRESS_RACES:-50}
STRESS_SECONDS=${STRESS_SECONDS:-300}
STRESS_TMP=/tmp/kmodlab-stress.$$
mkdir -p "$STRESS_TMP"

stress_modules() {
	for _ko in "$KO_DIR"/*.ko; do
		[ -e "$_ko" ] || continue
		_ko=${_ko##*/}
		echo "${_ko%.ko}"
	done
}

# modules.dep: "extra/consumer.ko: extra/exporter.ko kernel/..."
stress_deps() {	# MODULE
	sed -n "s|^extra/$1\\.ko:||p" "/lib/modules/$(uname -r)/modules.dep" |
		tr ' ' '\n' | sed -n 's|^extra/\(.*\)\.ko$|\1|p'
}

tick() {
	read -r _up _ </proc/uptime
	_frac=${_up#*.}
	# shellcheck disable=SC2034 # read by the test files
	now=$((${_up%.*} * 100 + ${_frac#0}))
}

rate() {	# CYCLES CENTISECONDS
	_cs=$(($2 > 0 ? $2 : 1))
	_r10=$(($1 * 1000 / _cs))
	printf '%d cycles in %d.%02d s, %d.%d cycles/s' "$1" $((_cs / 100)) \
		$((_cs % 100)) $((_r10 / 10)) $((_r10 % 10))
}

# /proc/modules in one read, as module_loaded (kmodlab.sh) says why.
modules_state() {
	# shellcheck disable=SC2002 # cat reads it whole; the shell would not
	cat /proc/modules | while read -r _name _size _refs _users _state _rest; do
		echo "$_name $_refs $_users $_state"
	done | sort
}

# Documentation/admin-guide/tainted-kernels.rst: the letter of each bit,
# from bit 0. Loading our modules sets O (12, out-of-tree) and E (13,
# unsigned); anything else means the kernel was hurt or forced.
TAINT_LETTERS="P F S R M B U D A W C I O E L K X T N"

taint_beyond_oe() {
	# Not "read": busybox's reads a byte at a time, and a sysctl file read
	# at an offset past 0 ends there (kernel/sysctl.c), so it gets "1".
	_t=$(cat /proc/sys/kernel/tainted)
	_bit=0 _bad=
	for _l in $TAINT_LETTERS; do
		if [ $(((_t >> _bit) & 1)) -eq 1 ] && [ $_bit -ne 12 ] &&
		   [ $_bit -ne 13 ]; then
			_bad="$_bad $_l(bit $_bit)"
		fi
		_bit=$((_bit + 1))
	done
	[ $((_t >> _bit)) -eq 0 ] || _bad="$_bad bits>=$_bit($((_t >> _bit)))"
	[ -z "$_bad" ] || echo "${_bad# } (tainted=$_t)"
}

# What the kernel prints when it is hurt: oops and BUG (the arm64 fault
# handler, lib/bug.c), WARN (kernel/panic.c), list and refcount debugging,
# the sanitizers of a debug kernel, lockups and stalls.
TROUBLE='Oops|BUG:|WARNING:|Internal error:|Unable to handle kernel|Call trace:|list_(add|del) corruption|refcount_t:|KASAN:|UBSAN:|possible recursive locking|circular locking|soft lockup|hard LOCKUP|rcu.*stall|blocked for more than'

kernel_trouble() {
	_t=$(taint_beyond_oe)
	[ -z "$_t" ] || echo "taint beyond O and E: $_t"
	dmesg >"$STRESS_TMP/log"
	# shellcheck disable=SC2154 # $_mark is log_mark's (kmodlab.sh)
	if ! grep -qF "] $_mark" "$STRESS_TMP/log"; then
		echo "the kernel log no longer holds the mark: it wrapped (lower STRESS_CYCLES)"
		return
	fi
	sed -n "/] $_mark\$/,\$p" "$STRESS_TMP/log" | grep -E "$TROUBLE" |
		head -n 20
}

check_kernel_clean() {	# NAME: since log_mark
	check_eq "$1" "" "$(kernel_trouble)"
}

# kmemleak reports an object once it is 5 s old and unreferenced; clear
# what was there before with stress_kmemleak_clear, scan twice at the end.
KMEMLEAK=/sys/kernel/debug/kmemleak
stress_kmemleak_clear() {
	[ ! -w $KMEMLEAK ] || echo clear >$KMEMLEAK
}

check_kmemleak() {	# NAME
	if [ ! -w $KMEMLEAK ]; then
		ktap_test_skip "$1" "no $KMEMLEAK (this kernel has no kmemleak; KERNEL=edge has)"
		return
	fi
	sleep 6
	echo scan >$KMEMLEAK
	echo scan >$KMEMLEAK
	check_eq "$1" "" "$(cat $KMEMLEAK)"
}

# For test_cleanup(): remove every module of ours left loaded, and the
# temporary files.
stress_cleanup() {
	for _m in $(stress_modules); do
		modprobe -r "$_m" 2>/dev/null
	done
	rm -rf "$STRESS_TMP"
}
