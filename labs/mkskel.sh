#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Make a lab's skeleton from the real, tested source: keep each
# "TODO n: what to do" line, drop what follows it up to "TODO n end".
# A marker at the end of a line of code, "code; /* TODO n: what */", cuts
# that one line and keeps the comment. Lines outside the markers are
# copied as they are, so the skeleton never drifts from the code that
# 'make test' proves.
#
# Usage: labs/mkskel.sh SRC > SKELETON

if [ $# -ne 1 ] || [ ! -r "$1" ]; then
	echo "usage: $0 SRC > SKELETON" >&2
	exit 2
fi
awk '
/[^ \t].*\/\* TODO [0-9]+:/ {	# one line: keep its indent and the comment
	if (open)
		bad = "a TODO inside a TODO"
	match($0, /^[ \t]*/)
	indent = substr($0, 1, RLENGTH)
	match($0, /\/\* TODO [0-9]+:/)
	print indent substr($0, RSTART)
	next
}
/TODO [0-9]+ end/	{ if (!open) bad = "an end without a start"; open = 0; next }
/TODO [0-9]+:/		{ if (open) bad = "a TODO inside a TODO"; open = 1; print; next }
!open
END {
	if (open)
		bad = "a TODO without an end"
	if (bad) {
		printf "mkskel: %s has %s\n", FILENAME, bad > "/dev/stderr"
		exit 1
	}
}' "$1"
