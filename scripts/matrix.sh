#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Print one table of kernel x check from what a guest run left in
# build/<kernel>/: its results, read by qemu/ktap.awk from the KTAP files
# the run names in NAME.logs (scripts/guest.sh), and for the suite's own
# run (make test-matrix: NAME test) make.log, the output of the whole run,
# where a compiler or modpost warning fails the row "build: W=1, no
# warning". A cell is ok, FAIL, skip, or "-" when that kernel did not
# report the check; the warnings follow the table, then why each FAIL
# failed (its first diagnostic line). Exits 1 when a cell is FAIL or a
# kernel passed nothing (it did not run).
#
# Usage: scripts/matrix.sh [-n NAME] KERNEL...   (from the top of the tree)
#   NAME  the run (default: test; make test M=DIR's: own/<folder>)

set -uo pipefail

name='test'
[ "${1-}" != -n ] || { name=$2; shift 2; }
[ $# -gt 0 ] || { sed -n 's/^# Usage: //p' "$0" >&2; exit 2; }

# Every result, a line each: KERNEL, ok|FAIL|skip, check (qemu/ktap.awk).
results() {
	local k logs

	for k; do
		if [ "$name" = test ] && [ -r "build/$k/make.log" ]; then
			# The failure fixtures (tests/fixtures/) are built to
			# be wrong: their modpost warnings are what they show.
			if grep -E '(: warning: |^WARNING: modpost: )' "build/$k/make.log" |
			   grep -v fixture_ | sed "s|^|# build/$k/make.log: |" >&2; then
				printf '%s\tFAIL\tbuild: W=1, no warning\t\n' "$k"
			else
				printf '%s\tok\tbuild: W=1, no warning\t\n' "$k"
			fi
		fi
		[ -r "build/$k/$name.logs" ] || continue
		mapfile -t logs <"build/$k/$name.logs"
		awk -f qemu/ktap.awk -v results=1 tag="$k" "${logs[@]}"
	done
}

warnings=$(mktemp)
trap 'rm -f "$warnings"' EXIT
results "$@" 2>"$warnings" | awk -F '\t' -v list="$*" '
BEGIN { nk = split(list, kernels, " ") }
{
	k = $1; r = $3
	# the same name twice in one kernel: number the second
	for (j = 2; (r, k) in cell; j++)
		r = $3 " #" j
	if (!(r in rowidx)) {
		rowidx[r] = ++nr
		rows[nr] = r
	}
	cell[r, k] = $2
	if ($2 == "FAIL")
		why[++nwhy] = "# " k ": " r ($4 != "" ? ": " $4 : "")
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
	for (i = 1; i <= nwhy; i++)
		print why[i]
	exit bad > 0
}'
status=${PIPESTATUS[1]}
cat "$warnings"
exit "$status"
