#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Run kmodlab's tests as one KTAP document: each test file is a subtest
# whose checks are indented by two spaces. The same in the QEMU guest and
# on a board (as root), and on the host for tests/host/.
#
# The files run at the same time, one per CPU, since most of a run is
# spent waiting on kmod and the loader; a file that uses a module holds
# that module's lock (require_modules in kmodlab.sh), so two files never
# work on the same module at once. Results print in file order, each
# file's followed by the time it took.
#
# Usage: tests/run.sh [-j JOBS] [FILE...]
#   FILE  absolute, or relative to tests/ (default: every test-*.sh;
#         host/test-*.sh for the host's own checks)

cd "${0%/*}" || exit 1
jobs=$(grep -c ^processor /proc/cpuinfo)
if [ "${1-}" = -j ]; then
	jobs=$2
	shift 2
fi
[ $# -gt 0 ] || set -- test-*.sh
out=/tmp/kmodlab-run.$$
rm -rf $out && mkdir -p $out
trap 'rm -rf $out' EXIT

start() {	# INDEX FILE: run FILE in the background, output to $out/INDEX
	case $2 in
	/*) set -- "$1" "$2" ;;
	*) set -- "$1" "./$2" ;;
	esac
	{
		read -r t0 _ </proc/uptime
		sh "$2" >"$out/$1" 2>&1
		rc=$?
		read -r t1 _ </proc/uptime
		echo "$t0 $t1" >"$out/$1.time"
		echo $rc >"$out/$1.rc"
	} &
}

printf 'KTAP version 1\n1..%d\n' $#
# Keep $jobs files running: start the next whenever any one ends, and
# print each file's results as soon as those before it are printed.
started=0 running=0 n=0 t=
while [ $n -lt $# ]; do
	i=$n
	while [ $running -gt 0 ] && [ $i -lt $started ]; do
		i=$((i + 1))
		if [ -e "$out/$i.rc" ] && [ ! -e "$out/$i.seen" ]; then
			: >"$out/$i.seen"
			running=$((running - 1))
		fi
	done
	while [ $running -lt "$jobs" ] && [ $started -lt $# ]; do
		started=$((started + 1))
		running=$((running + 1))
		eval "start $started \"\${$started}\""
	done
	if [ ! -e "$out/$((n + 1)).seen" ]; then
		sleep 0.05
		continue
	fi
	n=$((n + 1))
	eval "t=\${$n}"
	sed 's/^/  /' "$out/$n"
	read -r t0 t1 <"$out/$n.time"
	echo "# $t: $(awk "BEGIN { print $t1 - $t0 }") s"
	name=${t%.sh}
	name=${name##*test-}
	name=${name##*/}
	case $(cat "$out/$n.rc") in
	0) echo "ok $n $name" ;;
	4) echo "ok $n $name # SKIP" ;;
	*) echo "not ok $n $name" ;;
	esac
done
wait
