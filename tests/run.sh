#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Run kmodlab's tests as one KTAP document: each test file is a subtest
# whose checks are indented by two spaces. The same in the QEMU guest and
# on a board, as root.
#
# Usage: tests/run.sh [test-NAME.sh...]   (default: every tests/test-*.sh)

cd "${0%/*}" || exit 1
[ $# -gt 0 ] || set -- test-*.sh

printf 'KTAP version 1\n1..%d\n' $#
n=0
for t; do
	n=$((n + 1))
	name=${t#test-}
	name=${name%.sh}
	{ sh "./$t" 2>&1; echo $? >/tmp/kmodlab-rc; } | sed 's/^/  /'
	case $(cat /tmp/kmodlab-rc) in
	0) echo "ok $n $name" ;;
	4) echo "ok $n $name # SKIP" ;;
	*) echo "not ok $n $name" ;;
	esac
done
