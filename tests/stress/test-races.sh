#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# kmodlab-modules: all
#
# Stress, races: two shells work on the same modules at once, each for
# STRESS_RACES cycles (50) within STRESS_SECONDS, and afterwards the kernel
# must be clean (no taint beyond O and E, no oops, BUG or WARNING in its
# log), the modules gone and /proc/modules as it started. A command that
# loses a race may fail ("in use", "not in kernel"): what counts is that
# both shells finish, and that each did its part at least once, so that
# the race did happen.
#
#   same module  for each module M: both shells run modprobe M, modprobe -r M
#   dependency   for each module M that depends on modules of ours (their
#                modules.dep line, e.g. consumer: exporter): one shell
#                cycles M, the other each module M depends on
#   parameters   for each module M with files in /sys/module/M/parameters:
#                one shell reads each and writes its own value back to each
#                root-writable one, while the other loads and removes M; a
#                module without parameters is a skip that says so

TESTS_DIR=${0%/*}/..
# shellcheck source=tests/kmodlab.sh
. "$TESTS_DIR/kmodlab.sh"
# shellcheck source=tests/stress/stress.sh
. "${0%/*}/stress.sh"

# shellcheck disable=SC2317 # called by kmodlab.sh at exit
test_cleanup() {
	stress_cleanup
}

# cycler FILE MODULE...: STRESS_RACES times, load then remove each MODULE;
# writes "LOADS UNLOADS CYCLES" (those that succeeded, and cycles run).
cycler() {
	_file=$1 _i=0 _in=0 _out=0
	shift
	while [ $_i -lt "$STRESS_RACES" ]; do
		for _m; do
			! modprobe "$_m" >/dev/null 2>&1 || _in=$((_in + 1))
			! modprobe -r "$_m" >/dev/null 2>&1 || _out=$((_out + 1))
		done
		_i=$((_i + 1))
		tick
		[ $now -lt "$deadline" ] || break
	done
	echo "$_in $_out $_i" >"$_file"
}

# poker FILE NAME: until $stop exists, read each of $params of module NAME
# and write the value back to each of $writable (1 to a write-only one);
# writes "READS WRITES ROUNDS". The files come and go with the module:
# failures are expected. (Its loop has the racer's shape, rounds against
# the deadline: the work in each differs, the clock is the same.)
poker() {
	_file=$1 _reads=0 _writes=0 _rounds=0
	while [ ! -e "$stop" ]; do
		for _p in $params; do
			_f=/sys/module/$2/parameters/$_p
			if _v=$(cat "$_f" 2>/dev/null); then
				_reads=$((_reads + 1))
			elif [ -e "$_f" ]; then
				# Write-only (0200): nothing to read back;
				# "1" is what optional_user's count takes.
				_v=1
			else
				continue
			fi
			case " $writable " in
			*" $_p "*)
				{ printf '%s\n' "$_v" >"$_f"; } 2>/dev/null &&
					_writes=$((_writes + 1)) ;;
			esac
		done
		_rounds=$((_rounds + 1))
		tick
		[ $now -lt "$deadline" ] || break
	done
	echo "$_reads $_writes $_rounds" >"$_file"
}

a=$STRESS_TMP/a b=$STRESS_TMP/b stop=$STRESS_TMP/stop

start_race() {
	rm -f "$a" "$b" "$stop"
	log_mark
	tick
	t0=$now deadline=$((now + STRESS_SECONDS * 100))
}

# end_race MODULE...: after both shells: their figures in $a1..$b3, the
# time in $took; MODULE... removed, in case the last load won.
end_race() {
	tick
	took=$((now - t0))
	read -r a1 a2 a3 <"$a" || a1=0 a2=0 a3=0
	read -r b1 b2 b3 <"$b" || b1=0 b2=0 b3=0
	for _m; do
		modprobe -r "$_m" >/dev/null 2>&1
	done
}

both() {	# N M: "yes" when both are above 0
	[ "$1" -gt 0 ] && [ "$2" -gt 0 ] && echo yes || echo no
}

# What is wrong after a race: the kernel's trouble, a module still loaded.
after_race() {	# MODULE...
	kernel_trouble
	for _m; do
		! module_loaded "$(echo "$_m" | tr - _)" || echo "$_m is still loaded"
	done
}

mods=$(stress_modules)
ktap_print_header
[ -n "$mods" ] || ktap_skip_all "no module in $KO_DIR"
# shellcheck disable=SC2086 # one word per module
require_modules $mods

# What each module depends on ("consumer:exporter,other") and which
# modules have parameters, for the plan.
deps=
pmods=
for m in $mods; do
	d=$(stress_deps "$m" | tr '\n' ',')
	[ -z "$d" ] || deps="$deps $m:${d%,}"
	modprobe "$m" >/dev/null 2>&1
	for f in "/sys/module/$(echo "$m" | tr - _)/parameters"/*; do
		[ ! -e "$f" ] || { pmods="$pmods $m"; break; }
	done
	modprobe -r "$m" >/dev/null 2>&1
done
count() { echo $#; }
# shellcheck disable=SC2086 # one word per module
nmods=$(count $mods) ndeps=$(count $deps) nparams=$(count $pmods)
# Per module: 2 (same module) + 2 or a skip (parameters); 2 per module
# with dependencies, or a skip; /proc/modules.
ktap_set_plan $((nmods * 3 + nparams + (ndeps > 0 ? ndeps * 2 : 1) + 1))

before=$(modules_state)

for m in $mods; do
	start_race
	cycler "$a" "$m" &
	cycler "$b" "$m" &
	wait
	end_race "$m"
	ktap_print_msg "$m ×2: shell 1 $a1 loads, $a2 unloads ok; shell 2 $b1 loads, $b2 unloads ok; $(rate $((a3 + b3)) $took)"
	check_eq "$m: two shells load and remove it at once: both load it" \
		yes "$(both "$a1" "$b1")"
	check_eq "$m: ... then the kernel is clean and $m gone" "" \
		"$(after_race "$m")"
done

[ "$ndeps" -gt 0 ] ||
	ktap_test_skip "one shell cycles a module, another what it depends on" \
		"no module of ours depends on another (modules.dep)"
for md in $deps; do
	m=${md%%:*}
	d=$(echo "${md#*:}" | tr ',' ' ')
	start_race
	cycler "$a" "$m" &
	# shellcheck disable=SC2086 # one word per module
	cycler "$b" $d &
	wait
	# shellcheck disable=SC2086 # one word per module
	end_race "$m" $d
	ktap_print_msg "$m × $d: shell 1 $a1 loads, $a2 unloads ok; shell 2 $b1 loads, $b2 unloads ok; $(rate $((a3 + b3)) $took)"
	check_eq "$m × $d: two shells cycle them at once: both load theirs" \
		yes "$(both "$a1" "$b1")"
	# shellcheck disable=SC2086 # one word per module
	check_eq "$m × $d: ... then the kernel is clean and they are gone" "" \
		"$(after_race "$m" $d)"
done

for m in $mods; do
	name=$(echo "$m" | tr - _)
	case " $pmods " in
	*" $m "*) ;;
	*) ktap_test_skip "$m: parameters read and written while it is removed" \
		"it has no parameters (/sys/module/$name/parameters)"
	   continue ;;
	esac
	modprobe "$m" >/dev/null 2>&1
	params='' writable=''
	for f in "/sys/module/$name/parameters"/*; do
		params="$params ${f##*/}"
		case $(stat -c %A "$f") in
		??w*) writable="$writable ${f##*/}" ;;
		esac
	done
	modprobe -r "$m" >/dev/null 2>&1
	ktap_print_msg "$m: parameters$params; root-writable:${writable:- none}"
	start_race
	poker "$a" "$name" &
	{ cycler "$b" "$m"; touch "$stop"; } &
	wait
	end_race "$m"
	ktap_print_msg "$m params: shell 1 $a1 reads, $a2 writes ok in $a3 rounds; shell 2 $b1 loads, $b2 unloads ok; $(rate "$b3" $took)"
	check_eq "$m: parameters read and written while it is removed: both shells did theirs" \
		yes "$(both $((a1 + a2)) "$b1")"
	check_eq "$m: ... then the kernel is clean and $m gone" "" \
		"$(after_race "$m")"
done

check_eq "/proc/modules ends as it started" "$before" "$(modules_state)"
ktap_finished
