#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Run kmodlab's tests as one KTAP document: each test file is a subtest
# whose checks are indented by two spaces. The same in the QEMU guest and
# on a board, as root.
#
# The files run at the same time, one per CPU, since most of a run is
# spent waiting on kmod and the loader; a file that uses a module holds
# that module's lock (require_modules in kmodlab.sh), so two files never
# work on the same module at once. Results print in file order.
#
# Usage: tests/run.sh [-j JOBS] [test-NAME.sh...]   (default: every test-*.sh)

cd "${0%/*}" || exit 1
jobs=$(grep -c ^processor /proc/cpuinfo)
if [ "${1-}" = -j ]; then
	jobs=$2
	shift 2
fi
[ $# -gt 0 ] || set -- test-*.sh
out=/tmp/kmodlab-run
rm -rf $out && mkdir -p $out

start() {	# FILE: run it in the background, output to $out/FILE
	{ sh "./$1" >"$out/$1" 2>&1; echo $? >"$out/$1.rc"; } &
}

printf 'KTAP version 1\n1..%d\n' $#
# Start the first $jobs files; each time one is reported, start another.
i=0
for t; do
	i=$((i + 1))
	[ $i -gt "$jobs" ] || start "$t"
done
n=0
for t; do
	n=$((n + 1))
	while [ ! -e "$out/$t.rc" ]; do
		sleep 0.05
	done
	sed 's/^/  /' "$out/$t"
	name=${t#test-}
	name=${name%.sh}
	case $(cat "$out/$t.rc") in
	0) echo "ok $n $name" ;;
	4) echo "ok $n $name # SKIP" ;;
	*) echo "not ok $n $name" ;;
	esac
	next=$(echo "$@" | cut -d' ' -f$((n + jobs)) -s)
	[ -z "$next" ] || start "$next"
done
wait
