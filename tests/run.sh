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
# work on the same module at once. Results print in file order.
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
	{ sh "$2" >"$out/$1" 2>&1; echo $? >"$out/$1.rc"; } &
}

printf 'KTAP version 1\n1..%d\n' $#
# Start the first $jobs files; each time one is reported, start another.
i=0
for t; do
	i=$((i + 1))
	[ $i -gt "$jobs" ] || start $i "$t"
done
n=0
for t; do
	n=$((n + 1))
	while [ ! -e "$out/$n.rc" ]; do
		sleep 0.05
	done
	sed 's/^/  /' "$out/$n"
	name=${t%.sh}
	name=${name##*test-}
	name=${name##*/}
	case $(cat "$out/$n.rc") in
	0) echo "ok $n $name" ;;
	4) echo "ok $n $name # SKIP" ;;
	*) echo "not ok $n $name" ;;
	esac
	next=$((n + jobs))
	[ $next -gt $# ] || start $next "$(echo "$@" | cut -d' ' -f$next)"
done
wait
