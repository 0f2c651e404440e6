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
# With -r, it runs each kernel first (make test-matrix), in turn: make
# setup for it, then the suite's run (make modules-clean, then make W=1
# test, whose output is build/<kernel>/make.log) or, with -m, make test
# M=DIR (build/<kernel>/own/<folder>.make.log); a line each with its
# verdict and time. A kernel that failed there fails the whole too.
#
# Usage: scripts/matrix.sh [-r] [-n NAME] [-m DIR] KERNEL...   (from the top of the tree)
#   NAME  the run (default: test; make test M=DIR's: own/<folder>)
#   DIR   with -r: run make test M=DIR (scripts/own.sh), not the suite's

set -uo pipefail

usage() { sed -n '/^# Usage: /,/^$/s/^# \{0,1\}//p' "$0" >&2; exit 2; }
name=test dir='' run='' fail=0
while getopts rn:m: opt; do
	case $opt in
	r) run=1 ;;
	n) name=$OPTARG ;;
	m) dir=$OPTARG ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -gt 0 ] || usage
top=$PWD
# shellcheck source=scripts/lib/facts.sh
. scripts/lib/facts.sh
# A kernel kmodlab does not know stops here, before any run: its row
# would read ok where nothing ran.
for k; do kernel_conf suite "$k" >/dev/null || exit 2; done
make=("${MAKE:-make}" --no-print-directory)

# run_kernel K: make setup for K, then the run, its output in $log.
run_kernel() {
	local k=$1 log=build/$1/make.log verdict start

	[ -z "$dir" ] || log=build/$k/$name.make.log
	mkdir -p "${log%/*}"
	[ -n "$dir" ] || rm -f "build/$k"/*.log
	# A run that fails before its guest writes no list: no earlier
	# run's results may stand in the table for it.
	rm -f "build/$k/$name.logs"
	"${make[@]}" KERNEL="$k" setup || fail=1
	printf 'test-matrix: %s%s ... ' "${dir:+$name on }" "$k"
	start=$SECONDS
	if [ -n "$dir" ]; then
		"${make[@]}" KERNEL="$k" test M="$dir"
	else
		"${make[@]}" KERNEL="$k" modules-clean && "${make[@]}" KERNEL="$k" W=1 test
	fi >"$log" 2>&1 || fail=1
	# Its verdict, else (a usage error) its last line.
	verdict=$(grep -E '^[0-9]+ passed, ' "$log" | tail -n 1)
	echo "${verdict:-$(tail -n 1 "$log")} ($((SECONDS - start)) s)"
}

[ -z "$run" ] || for k; do run_kernel "$k"; done

# Every result, a line each: KERNEL, ok|FAIL|skip, check (qemu/ktap.awk).
results() {
	local k logs cell

	for k; do
		if [ "$name" = test ] && [ -r "build/$k/make.log" ]; then
			# The failure fixtures (tests/fixtures/) are built to
			# be wrong: their modpost warnings are what they show.
			cell=ok
			grep -E '(: warning: |^WARNING: modpost: )' "build/$k/make.log" |
			   grep -v fixture_ | sed "s|^|# build/$k/make.log: |" >&2 && cell=FAIL
			printf '%s\t%s\tbuild: W=1, no warning\t\n' "$k" "$cell"
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
[ "$status" -ne 0 ] || status=$fail
exit "$status"
