#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Run kmodlab's tests as one KTAP document: each test file is a subtest
# whose checks are indented by two spaces. The same in the QEMU guest and
# on a board (as root), and on the host for tests/host/.
#
# The files run at the same time, one per CPU, since most of a run is
# spent waiting on kmod and the loader. Two files that declare the same
# module never run at once: a file whose modules are in use waits, and the
# next file that can go goes first (the modules' locks, in kmodlab.sh, are
# the safety net). Results print in file order, each file's followed by
# the time it took.
#
# What a file needs is data in its header (the comment lines it starts
# with), one line, read here without running the file:
#   # kmodlab-modules: exporter consumer
# the modules of the suite ($KO_DIR) it loads, or "all" for a file that
# finds its list at run time (every module, the predictions of koinfo):
# such a file runs alone among those that load any. No line: it loads
# none. A comment, not the require_modules call: that call's words may be
# a variable, and its value is known only once the file runs. The file
# gets its line as KMODLAB_MODULES; require_modules fails it when the line
# names a module the suite does not have, or when the file asks for one
# it did not declare.
#
# Usage: tests/run.sh [-j JOBS] [-l LAST] [FILE...]
#   FILE  absolute, or relative to tests/ (default: every test-*.sh;
#         host/test-*.sh for the host's own checks)
#   LAST  one of the FILEs that starts only once every other has ended,
#         and runs alone: for a test that leaves the guest changed for
#         good (tests/loader/test-modules-disabled.sh)

# shellcheck disable=SC2034,SC2154 # state_N, mods_N, $N: set, read by eval
cd "${0%/*}" || exit 1
jobs=$(grep -c ^processor /proc/cpuinfo)
last=
while [ $# -ge 2 ]; do
	case $1 in
	-j) jobs=$2 ;;
	-l) last=$2 ;;
	*) break ;;
	esac
	shift 2
done
case $jobs in
'' | *[!0-9]* | 0*)
	echo "run.sh: -j takes how many files run at once, 1 or more (not '$jobs')" >&2
	exit 2 ;;
esac
[ $# -gt 0 ] || set -- test-*.sh
RELEASE=$(uname -r)
export RELEASE
out=/tmp/kmodlab-run.$$
rm -rf $out && mkdir -p $out
trap 'rm -rf $out' EXIT
# Each file that ends writes its number here; reading it waits for one.
mkfifo $out/ended
exec 3<>$out/ended

# free INDEX: no running file declares one of file INDEX's modules ("all"
# stands for every one).
free() {
	eval "_want=\$mods_$1"
	case $_want in
	*[!\ ]*) ;;
	*) return 0 ;;
	esac
	case " $busy $_want " in
	*" all "*) case $busy in *[!\ ]*) return 1 ;; esac ;;
	esac
	for _m in $_want; do
		case " $busy " in
		*" $_m "*) return 1 ;;
		esac
	done
}

start() {	# INDEX FILE: run FILE in the background, output to $out/INDEX
	case $2 in
	/*) set -- "$1" "$2" ;;
	*) set -- "$1" "./$2" ;;
	esac
	{
		read -r t0 _ </proc/uptime
		eval "KMODLAB_MODULES=\$mods_$1"
		export KMODLAB_MODULES
		sh "$2" >"$out/$1" 2>&1
		echo $? >"$out/$1.rc"
		read -r t1 _ </proc/uptime
		echo "$t0 $t1" >"$out/$1.time"
		echo "$1" >&3
	} &
}

# seconds T0 T1: T1 - T0, both in /proc/uptime's form (two decimals)
seconds() {
	set -- "${1%.*}" "${1#*.}" "${2%.*}" "${2#*.}"
	_cs=$((($3 - $1) * 100 + ${4#0} - ${2#0}))
	printf '%d.%02d' $((_cs / 100)) $((_cs % 100))
}

# mods_N: the modules file N declares in its header, the comment lines
# it starts with (not a line of a here-document further down). Read by
# the shell: no process, and only up to that line.
i=0
for f; do
	i=$((i + 1))
	eval "state_$i=waiting mods_$i="
	while IFS= read -r line; do
		case $line in
		'# kmodlab-modules:'*)
			eval "mods_$i=\${line#'# kmodlab-modules:'}"
			break ;;
		'#'* | '') ;;
		*) break ;;
		esac
	done 2>/dev/null <"$f"
done

# start_free FILE...: start every waiting file that can go, in order,
# while a CPU is free.
start_free() {
	_i=0
	for _f; do
		_i=$((_i + 1))
		[ $running -lt "$jobs" ] || return 0
		eval "_state=\$state_$_i"
		# LAST waits until it is the only file left.
		[ "$_f" != "$last" ] || [ $((ended + 1)) -eq $# ] || continue
		if [ "$_state" = waiting ] && free $_i; then
			start $_i "$_f"
			eval "state_$_i=running; busy=\"\$busy \$mods_$_i\""
			running=$((running + 1))
		fi
	done
}

printf 'KTAP version 1\n1..%d\n' $#
running=0 printed=0 ended=0 busy=
start_free "$@"
while [ $printed -lt $# ]; do
	read -r i <&3
	eval "state_$i=ended; _ended=\$mods_$i"
	running=$((running - 1)) ended=$((ended + 1))
	_left=
	for _m in $busy; do
		case " $_ended " in
		*" $_m "*) ;;
		*) _left="$_left $_m" ;;
		esac
	done
	busy=$_left
	start_free "$@"
	# Print every file that has ended, up to the first one still running.
	while eval "[ \"\$state_$((printed + 1))\" = ended ]"; do
		n=$((printed + 1))
		printed=$n
		eval "t=\${$n}"
		sed 's/^/  /' "$out/$n"
		read -r t0 t1 <"$out/$n.time"
		echo "# $t: $(seconds "$t0" "$t1") s"
		name=${t%.sh}
		name=${name##*test-}
		name=${name##*/}
		read -r rc <"$out/$n.rc"
		case $rc in
		0) echo "ok $n $name" ;;
		4) echo "ok $n $name # SKIP" ;;
		*) echo "not ok $n $name" ;;
		esac
	done
done
wait
