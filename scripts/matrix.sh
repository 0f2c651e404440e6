#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Print one table of kernel x check from the KTAP logs that 'make test'
# left in build/<kernel>/ (host.log, test.log, kernel-log.log) and from
# build/<kernel>/make.log, the output of the whole run, where a compiler
# or modpost warning fails the row "build: W=1, no warning".
# A cell is ok, FAIL, skip, or "-" when that kernel did not report the
# check; the warnings follow the table. Exits 1 when a cell is FAIL or a
# kernel passed nothing (it did not run).
#
# Usage: scripts/matrix.sh KERNEL...   (run from the top of the tree)

set -uo pipefail

[ $# -gt 0 ] || { sed -n 's/^# Usage: //p' "$0" >&2; exit 2; }

args=()
for k; do
	args+=("k=$k")
	for f in make host test kernel-log; do
		[ -r "build/$k/$f.log" ] && args+=("build/$k/$f.log")
	done
done

awk -v list="$*" '
BEGIN { nk = split(list, kernels, " ") }

# Each "k=KERNEL" argument starts the files of one kernel.
FNR == 1 {
	pending = 0
	is_make = FILENAME ~ /\/make\.log$/
	# Host-side test files are named apart from the guest ones.
	prefix = FILENAME ~ /\/host\.log$/ ? "host/" : ""
	if (is_make)
		cell["build: W=1, no warning", k] = "ok"
	add_row("build: W=1, no warning")
}

function add_row(r) {
	if (!(r in rowidx)) {
		rowidx[r] = ++nr
		rows[nr] = r
	}
}

{ sub(/\r$/, "") }

is_make {
	# The failure fixtures (tests/fixtures/) are built to be wrong: their
	# modpost warnings are what they show; warnings of our modules count.
	if ($0 ~ /(: warning: |^WARNING: modpost: )/ && $0 !~ /fixture_/) {
		cell["build: W=1, no warning", k] = "FAIL"
		warnings[++nw] = FILENAME ": " $0
	}
	next
}

# A check of a test file: kept until the line that names the file.
/^  (not )?ok [0-9]+ / {
	r = $0
	sub(/^  (not )?ok [0-9]+ /, "", r)
	res = $0 ~ /^  not ok/ ? "FAIL" : "ok"
	if (r ~ / # SKIP/) {
		res = "skip"
		sub(/ # SKIP.*/, "", r)
	}
	pend_name[++pending] = r
	pend_res[pending] = res
	next
}

/^(not )?ok [0-9]+ / {
	file = $0
	sub(/^(not )?ok [0-9]+ /, "", file)
	file = prefix file
	res = $0 ~ /^not ok/ ? "FAIL" : "ok"
	if (file ~ / # SKIP/) {
		res = "skip"
		sub(/ # SKIP.*/, "", file)
	}
	failed = 0
	for (i = 1; i <= pending; i++) {
		r = file ": " pend_name[i]
		# the same name twice in one file: number the second
		for (j = 2; (r, k) in cell; j++)
			r = file ": " pend_name[i] " #" j
		add_row(r)
		cell[r, k] = pend_res[i]
		failed += pend_res[i] == "FAIL"
	}
	# A file that failed, skipped or crashed outside its checks.
	if (pending == 0 || (res == "FAIL" && !failed)) {
		r = file ": (the file)"
		add_row(r)
		cell[r, k] = res
	}
	pending = 0
}

END {
	w = 5
	for (i = 1; i <= nr; i++)
		if (length(rows[i]) > w)
			w = length(rows[i])
	printf "%-" w "s", "check"
	for (j = 1; j <= nk; j++)
		printf j < nk ? "  %-6s" : "  %s", kernels[j]
	printf "\n"
	bad = 0
	for (i = 1; i <= nr; i++) {
		printf "%-" w "s", rows[i]
		for (j = 1; j <= nk; j++) {
			c = ((rows[i], kernels[j]) in cell) ? cell[rows[i], kernels[j]] : "-"
			bad += c == "FAIL"
			n[c, kernels[j]]++
			printf j < nk ? "  %-6s" : "  %s", c
		}
		printf "\n"
	}
	printf "%-" w "s", "ok/FAIL/skip"
	for (j = 1; j <= nk; j++) {
		k = kernels[j]
		printf j < nk ? "  %-6s" : "  %s", \
			(n["ok", k] + 0) "/" (n["FAIL", k] + 0) "/" (n["skip", k] + 0)
		if (!n["ok", k])
			bad++
	}
	printf "\n"
	for (i = 1; i <= nw; i++)
		print "# " warnings[i]
	exit bad > 0
}' "${args[@]}"
