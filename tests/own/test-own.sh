#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# kmodlab-modules: all
#
# Your own modules, in the guest: the checks every module of a directory
# built by scripts/own.sh gets, before the author's own tests. What the
# host laid out is in $KMODLAB_DIR/own (OWN_DIR): own.conf (modules=, in load
# order: what a module depends on first; cycles=), koinfo.txt (koinfo
# --against the kernel, all the modules together), tests/ and bin/; the
# modules themselves are in $KO_DIR (/lib/modules/<release>/extra),
# depmod'ed, so modprobe finds them and what they depend on.
#
# Usage (qemu/init does this for kmodlab_run=own):
#   PATH=$PATH:$KMODLAB_DIR/own/bin \
#     $TESTS_DIR/run.sh -j 1 own/test-own.sh $KMODLAB_DIR/own/tests/*.sh
# Variables: OWN_DIR ($KMODLAB_DIR/own); kmodlab_cycles (the kernel command
#   line: load/unload cycles per module, else own.conf's cycles=, else 10)
#
# For each module M, in load order:
#   M: koinfo's prediction holds   koinfo said "loads" and the loader took
#                                  it (loaded, or refused by its own init:
#                                  the next check fails then), or koinfo
#                                  said "refused: LINE" and the kernel
#                                  logged LINE
#   M: loads with modprobe         else modprobe's words and the kernel's
#                                  lines since the load
#   M: initstate is live           /sys/module/M/initstate
#   M: the kernel log since its load is clean     no oops, BUG, WARNING,
#                                  KASAN, UBSAN, lockdep, kmemleak report
#   M: taints the kernel only with O and E   /proc/sys/kernel/tainted and
#                                  /sys/module/M/taint: out-of-tree (O) and
#                                  unsigned (E) are what such modules bring
# Then in reverse order (users first):
#   M: unloads with modprobe -r    (modprobe -r of a user also removes
#                                  what it used, if unused: that counts)
#   M: is gone from /sys/module
#   M: the kernel log since its unload is clean
# Then for each M, cycles of modprobe M, modprobe -r M:
#   M: load/unload cycles          all of them succeed
#   M: MemAvailable after the cycles   has not dropped by OWN_MEM_KB
#   M: the kernel log since the cycles is clean
# Last, with kmemleak (/sys/kernel/debug/kmemleak: the edge kernel; a
# skip elsewhere, saying so), after a wait and two scans:
#   M: kmemleak finds no leak of its   no report of an object that a
#                                  modprobe of M's allocated (kmemleak's
#                                  "comm ..., pid N": by scan time M is
#                                  gone, and its backtrace names no [M])
# A module that does not load skips its later checks (the load failed).
#
# An author's own tests (DIR/tests/*.sh, in $KMODLAB_DIR/own/tests) run
# after this file, one at a time, with $KMODLAB_DIR/own/bin on PATH. Each sources
# the suite's helpers:  . "$TESTS_DIR/kmodlab.sh"  and declares the
# modules it loads on a "# kmodlab-modules: M..." line of its header (or
# "all"); the helpers an author may use are listed in tests/kmodlab.sh's
# header.

# shellcheck source=tests/kmodlab.sh
TESTS_DIR=${TESTS_DIR:-${0%/*}/..}
. "$TESTS_DIR/kmodlab.sh"

OWN_DIR=${OWN_DIR:-$KMODLAB_DIR/own}
# MemAvailable may drop this much over one module's cycles. Measured in
# this guest (512 MB, 2026-12-02, caches dropped before each reading): 10
# cycles of modules that free all they take moved it by -636 to +756 kB
# on Debian's 6.1 and -144 to +276 kB on 5.10 (the free pages the CPUs
# keep on their own lists are not counted, slab caches grow and shrink,
# kmod's processes come and go), and 10 cycles of leak_pages
# (tests/external/leaks: 256 KB lost per load) by -2044 and -2688 kB. 1.5 MB is
# more than twice the worst drop seen and still catches a leak of 160 KB
# or more per load within 10 cycles; a smaller leak is kmemleak's to
# find. On a kernel with KASAN it is not checked: KASAN's quarantine
# holds freed memory back (up to 1/32 of RAM) and lets it go later, so
# there the figure moved by -688 to +4220 kB whether a module leaked or
# not.
OWN_MEM_KB=${OWN_MEM_KB:-1536}
KMEMLEAK=/sys/kernel/debug/kmemleak
nl='
' tab=$(printf '\t')

# What the kernel prints when it is hurt: oops and BUG (lockdep's and the
# sanitizers' reports start "BUG:" or "WARNING:" too), WARN(), list and
# refcount debugging, the sanitizers, kmemleak, lockups and stalls.
TROUBLE='Oops|BUG:|WARNING:|Internal error:|Unable to handle kernel|Call trace:|list_(add|del) corruption|refcount_t:|KASAN:|UBSAN:|kmemleak: [0-9]+ new suspected|possible recursive locking|circular locking|inconsistent lock state|suspicious RCU usage|soft lockup|hard LOCKUP|rcu.*stall|blocked for more than'
# The loader's own refusals (kernel/module/), as the kernel logs them; an
# init that fails logs nothing of the loader's.
REFUSAL='Unknown symbol|disagrees about version of symbol|no symbol version for|version magic|from namespace .*, but does not import|Unknown parameter|invalid for parameter|exports duplicate symbol|Invalid ELF|Unknown rela relocation|bad taint|Loading of unsigned module is rejected|Lockdown:'

# shellcheck source=/dev/null # the host's data: name=value lines
. "$OWN_DIR/own.conf" || echo "Bail out! no $OWN_DIR/own.conf: not an image of scripts/own.sh"
cycles=${kmodlab_cycles:-${cycles:-10}}
case $cycles in
'' | *[!0-9]*) echo "Bail out! kmodlab_cycles='$cycles' is not a number"; exit 1 ;;
esac
# shellcheck disable=SC2154 # modules: own.conf's
mods=$modules

# "NAME<tab>loads" or "NAME<tab>MESSAGE", from koinfo's "== FILE:" headers
# and "=> loads" / "=> refused: MESSAGE" lines (as tests/loader/test-koinfo.sh).
pred=$(awk -v OFS='\t' '
	/^== .*: predicted load/ { f = $2; sub(/.*\//, "", f); sub(/\.ko:$/, "", f) }
	/^  => / && !seen[f]++ {
		m = $0
		sub(/^  => (refused: )?/, "", m)
		sub(/ \(init_module\(\) fails: .*$/, "", m)
		if (m ~ /^loads/) m = "loads"
		print f, m
	}' "$OWN_DIR/koinfo.txt" 2>&1)

predicted() {	# M: koinfo's word for M, or nothing
	while IFS=$tab read -r _m _w; do
		[ "$_m" != "$1" ] || { printf '%s\n' "$_w"; return; }
	done <<EOF
$pred
EOF
}

# trouble TEXT: its lines that report something wrong
trouble() {
	printf '%s' "$1" | grep -E "$TROUBLE" | head -n 20
}

check_clean() {	# NAME: the kernel log since log_mark
	log_get
	_bad=$(trouble "$since")
	if [ -z "$_bad" ]; then
		ktap_test_pass "$1"
	else
		ktap_print_msg "$1: expected no oops, BUG, WARNING, KASAN, UBSAN, lockdep or kmemleak report; got:"
		__show "$_bad"
		ktap_test_fail "$1"
	fi
}

# Documentation/admin-guide/tainted-kernels.rst: the letter of each bit
# from bit 0; O (12) out-of-tree, E (13) unsigned.
TAINT_LETTERS="P F S R M B U D A W C I O E L K X T N"
taint_problem() {	# M: what is tainted beyond O and E, or nothing
	# cat, not read: a sysctl file read past offset 0 is empty.
	_t=$(cat /proc/sys/kernel/tainted)
	_bit=0 _bad=
	for _l in $TAINT_LETTERS; do
		if [ $(((_t >> _bit) & 1)) -eq 1 ] && [ $_bit -ne 12 ] && [ $_bit -ne 13 ]; then
			_bad="$_bad $_l"
		fi
		_bit=$((_bit + 1))
	done
	[ -z "$_bad" ] || printf 'kernel tainted=%s:%s; ' "$_t" "$_bad"
	_mt=$(value "/sys/module/$1/taint")
	case $_mt in
	*[!OE]*) printf '%s taint %s' "$1" "$_mt" ;;
	esac
}

# pid_now: the pid the next process gets, about (pids only grow here).
pid_now() {
	sh -c 'echo $$'
}

# phase M START: the processes since START (pid_now) loaded or removed M:
# "M FIRST LAST" lines in $ranges, for kmemleak's "comm ..., pid N".
ranges=''
phase() {
	ranges="$ranges$1 $2 $(pid_now)$nl"
}

memavailable() {	# kB, after dropping what the kernel can drop
	sync
	echo 3 >/proc/sys/vm/drop_caches
	while read -r _k _v _; do
		[ "$_k" != MemAvailable: ] || { echo "$_v"; return; }
	done </proc/meminfo
}

skip_unloaded() {	# M CHECK...: skip each, M did not load
	_m=$1
	shift
	for _c; do
		ktap_test_skip "$_m: $_c" "$_m did not load"
	done
}

ktap_print_header
[ -n "$mods" ] || ktap_skip_all "own.conf names no module"
# shellcheck disable=SC2086 # one word per module
require_modules $mods
# shellcheck disable=SC2086
set -- $mods
ktap_set_plan $((1 + $# * 12))

# shellcheck disable=SC2317 # run by kmodlab.sh at exit
test_cleanup() {
	for _m in $mods; do
		! module_loaded "$_m" || modprobe -r "$_m"
	done
}

missing=
for m in $mods; do
	[ -n "$(predicted "$m")" ] || missing="$missing $m"
done
if [ -z "$missing" ]; then
	ktap_test_pass "koinfo predicted every module"
else
	ktap_print_msg "expected a prediction in $OWN_DIR/koinfo.txt for each of: $mods; none for:$missing"
	ktap_test_fail "koinfo predicted every module"
fi
[ ! -w $KMEMLEAK ] || echo clear >$KMEMLEAK

# KASAN (generic: the edge kernel) says so at boot; its functions show.
kasan=
if dmesg | grep -q 'KernelAddressSanitizer initialized' ||
   grep -qm1 ' __asan_load8$' /proc/kallsyms; then
	kasan=1
fi

loaded_ok=
for m in $mods; do
	want=$(predicted "$m")
	log_mark
	p0=$(pid_now)
	run modprobe "$m"
	phase "$m" "$p0"
	log_get
	if [ "$rc" -eq 0 ]; then
		refused=
	elif __match "$REFUSAL" "$since" ||
	     __match 'Invalid module format|Exec format error|Key was rejected' "$out"; then
		refused=loader
	else
		refused=init
	fi
	case $want in
	loads)	if [ "$refused" != loader ]; then
			[ -z "$refused" ] ||
				ktap_print_msg "$m: the loader took it, as koinfo predicted; its init failed"
			ktap_test_pass "$m: koinfo's prediction holds"
		else
			ktap_print_msg "$m: koinfo predicted it loads; the loader refused it: $out"
			__show "${since%"$nl"}"
			ktap_test_fail "$m: koinfo's prediction holds"
		fi ;;
	'')	ktap_print_msg "$m: no prediction in $OWN_DIR/koinfo.txt"
		ktap_test_fail "$m: koinfo's prediction holds" ;;
	*)	case "$since$nl" in
		*"] $want$nl"*)
			[ "$rc" -ne 0 ] && ktap_test_pass "$m: koinfo's prediction holds" ;;
		*)	false ;;
		esac || {
			ktap_print_msg "$m: koinfo predicted a refusal, the kernel saying: $want; got exit $rc ($out) and:"
			__show "${since%"$nl"}"
			ktap_test_fail "$m: koinfo's prediction holds"
		} ;;
	esac
	if [ "$rc" -eq 0 ]; then
		ktap_test_pass "$m: loads with modprobe"
		loaded_ok="$loaded_ok $m"
	else
		case $refused in
		init) ktap_print_msg "$m: its init failed: modprobe $m exited $rc: $out" ;;
		*) ktap_print_msg "$m: the loader refused it: modprobe $m exited $rc: $out" ;;
		esac
		ktap_print_msg "the kernel's log since the load:"
		__show "${since%"$nl"}"
		ktap_test_fail "$m: loads with modprobe"
		skip_unloaded "$m" "initstate is live" \
			"the kernel log since its load is clean" \
			"taints the kernel only with O and E"
		continue
	fi
	check_eq "$m: initstate is live" live "$(value "/sys/module/$m/initstate")"
	check_clean "$m: the kernel log since its load is clean"
	check_eq "$m: taints the kernel only with O and E" "" "$(taint_problem "$m")"
done

# Users first: the load order reversed.
rev=
for m in $mods; do
	rev="$m $rev"
done
for m in $rev; do
	case " $loaded_ok " in
	*" $m "*) ;;
	*) skip_unloaded "$m" "unloads with modprobe -r" "is gone from /sys/module" \
		"the kernel log since its unload is clean"
	   continue ;;
	esac
	log_mark
	if module_loaded "$m"; then
		p0=$(pid_now)
		run modprobe -r "$m"
		phase "$m" "$p0"
		check_run "$m: unloads with modprobe -r" 0
	else
		ktap_print_msg "$m: already removed by modprobe -r of a module that used it"
		ktap_test_pass "$m: unloads with modprobe -r"
	fi
	check_eq "$m: is gone from /sys/module" no \
		"$([ -e "/sys/module/$m" ] && echo "no: /sys/module/$m is there" || echo no)"
	check_clean "$m: the kernel log since its unload is clean"
done

for m in $mods; do
	case " $loaded_ok " in
	*" $m "*) ;;
	*) skip_unloaded "$m" "load/unload cycles" "MemAvailable after the cycles" \
		"the kernel log since the cycles is clean"
	   continue ;;
	esac
	log_mark
	mem0=$(memavailable)
	n=0 err=
	p0=$(pid_now)
	while [ $n -lt "$cycles" ]; do
		run modprobe "$m"
		[ "$rc" -eq 0 ] || { err="modprobe $m (cycle $((n + 1))) exited $rc: $out"; break; }
		run modprobe -r "$m"
		[ "$rc" -eq 0 ] || { err="modprobe -r $m (cycle $((n + 1))) exited $rc: $out"; break; }
		n=$((n + 1))
	done
	phase "$m" "$p0"
	mem1=$(memavailable)
	[ -z "$err" ] || ktap_print_msg "$err"
	check_eq "$m: load/unload cycles" "$cycles" "$n"
	drop=$((mem0 - mem1))
	ktap_print_msg "$m: MemAvailable $mem0 kB before $n cycles, $mem1 kB after ($((-drop)) kB)"
	if [ -n "$kasan" ]; then
		ktap_test_skip "$m: MemAvailable after the cycles" \
			"KASAN's quarantine holds freed memory back: MemAvailable cannot tell a leak here (kmemleak can)"
	else check_eq "$m: MemAvailable after the cycles" \
		"a drop under $OWN_MEM_KB kB" \
		"$([ $drop -lt "$OWN_MEM_KB" ] && echo "a drop under $OWN_MEM_KB kB" || echo "a drop of $drop kB")"
	fi
	check_clean "$m: the kernel log since the cycles is clean"
done

# kmemleak reports an object only once it is 5 s old, and only from the
# second scan that finds it unreferenced (mm/kmemleak.c). A module is
# gone when the scan runs, so its functions have no names left in the
# backtraces (init's are freed even while it is loaded): a report is
# M's when the process that allocated it ("comm ..., pid N") loaded or
# removed M (modprobe M also loads what M depends on: that module's own
# check has already named it), or when a backtrace names [M].
if [ -w $KMEMLEAK ]; then
	sleep 6
	echo scan >$KMEMLEAK
	echo scan >$KMEMLEAK
	report=$(cat $KMEMLEAK)
fi
for m in $mods; do
	if [ ! -w $KMEMLEAK ]; then
		ktap_test_skip "$m: kmemleak finds no leak of its" \
			"no $KMEMLEAK: this kernel has no kmemleak (the edge kernel has)"
		continue
	fi
	leaks=$(printf '%s\n' "$report" | awk -v m="$m" -v ranges="$ranges" '
		BEGIN {
			n = split(ranges, r, "\n")
			for (i = 1; i <= n; i++) {
				split(r[i], f, " ")
				if (f[1] == m) { lo[++k] = f[2]; hi[k] = f[3] }
			}
		}
		function flush() {
			if (hit) { objects++; printf "%s", rec }
			rec = ""; hit = 0
		}
		/^unreferenced object/ { flush() }
		{ rec = rec $0 "\n" }
		index($0, "[" m "]") { hit = 1 }
		/comm ".*", pid [0-9]+/ {
			p = $0; sub(/.*, pid /, "", p); sub(/[^0-9].*/, "", p)
			for (i = 1; i <= k; i++)
				if (p + 0 >= lo[i] + 0 && p + 0 <= hi[i] + 0) hit = 1
		}
		END { flush(); if (objects) printf "(%d objects)\n", objects }')
	if [ -z "$leaks" ]; then
		ktap_test_pass "$m: kmemleak finds no leak of its"
	else
		ktap_print_msg "$m: expected no kmemleak report of an object allocated while $m was loaded or removed; got $(printf '%s' "$leaks" | tail -n 1), the first:"
		leaks=$(printf '%s\n' "$leaks" | head -n 30)
		__show "$leaks"
		ktap_test_fail "$m: kmemleak finds no leak of its"
	fi
done
ktap_finished
