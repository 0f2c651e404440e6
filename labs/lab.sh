#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kmodlab's labs, host side. A lab is a folder labs/<n>-<topic>/ with
#   lab.conf    files=...  the tested sources the learner works on
#               where=guest|host  where check.sh runs
#   check.sh    one KTAP check per TODO, on the tests/ helpers
#   README.md, README.zh-CN.md
# A skeleton is a tested source with its TODO regions cut (mkskel.sh).
#
# Usage: labs/lab.sh skels [DIR]     write every lab's skeleton into DIR,
#                                    keeping any file already there
#        labs/lab.sh check N [DIR]   build lab N from DIR/<n>-<topic>, run its
#                                    checks, print each TODO and the score
#        labs/lab.sh shell N [DIR]   build lab N from DIR/<n>-<topic> and open
#                                    a guest shell with it installed, as check
#                                    boots it (make shell N=...)
#        labs/lab.sh prove           each lab scores full on its solution and
#                                    zero on its skeleton (KTAP, for CI)
#   DIR defaults to labs/work.
# Variables: the facts (scripts/lib/facts.sh), KMODLAB_MAKE_FLAGS (make's)

set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/lib/facts.sh
. "$top/scripts/lib/facts.sh"
build=$KMODLAB_BUILD/labs

die() { printf 'lab: error: %s\n' "$*" >&2; exit 2; }
usage() { sed -n '/^# Usage:/,/^# Variables/s/^# \{0,1\}//p' "$0" >&2; exit 2; }

lab_dir() {	# N or N-TOPIC: the lab's folder
	local d

	for d in "$top/labs/$1/" "$top"/labs/"$1"-*/; do
		[ -r "$d/lab.conf" ] && { echo "${d%/}"; return; }
	done
	die "no lab $1 (labs/ has: $(cd "$top/labs" && echo [0-9]*-*))"
}

conf() {	# LAB: set $files and $where
	files='' where=''
	# shellcheck source=/dev/null # data: name=value lines
	. "$1/lab.conf"
}

# TODO regions are counted in the tested sources, whatever the learner did.
todos() {	# LAB
	conf "$1"
	# shellcheck disable=SC2086 # $files is a list
	(cd "$top" && cat $files) | grep -o 'TODO [0-9]*:' | sort -u | wc -l
}

skels() {	# DIR [LAB...]
	local dir=$1 lab f dst
	shift

	[ $# -gt 0 ] || set -- "$top"/labs/[0-9]*-*/
	for lab; do
		lab=${lab%/}
		conf "$lab"
		mkdir -p "$dir/${lab##*/}"
		for f in $files; do
			dst=$dir/${lab##*/}/${f##*/}
			if [ -e "$dst" ]; then
				echo "lab: keeping $dst (yours)"
			else
				# Whole or not at all: a part would be kept as yours.
				"$top/labs/mkskel.sh" "$top/$f" >"$dst.tmp" ||
					{ rm -f "$dst.tmp"; return 1; }
				mv "$dst.tmp" "$dst"
				echo "lab: wrote $dst"
			fi
		done
	done
}

# build_work LAB WORK LOG: Kbuild on the learner's folder, if it has modules;
# on a failure, its errors and the score 0.
build_work() {
	local lab=$1 work=$2 log=$3

	[ -e "$work/Makefile" ] || [ -e "$work/Kbuild" ] || return 0
	echo "lab: building $work"
	# shellcheck disable=SC2086 # the kernel's make flags, as words
	if ! make -C "$KDIR" M="$work" ARCH="$ARCH" \
	     CROSS_COMPILE="$CROSS_COMPILE" ${KMODLAB_MAKE_FLAGS-} modules \
	     >"$log.build" 2>&1; then
		grep -E 'error|ERROR|warning' "$log.build" | head -n 20
		echo "lab ${lab##*/}: 0/$(todos "$lab") (the build failed: fix the ERROR above)"
		return 1
	fi
	grep -E 'warning' "$log.build" || true
}

# guest LAB WORK RUN [guest.sh option]...: boot with the learner's modules
# installed as the suite's are, the lab's check.sh, and the suite's
# modules and failure fixtures as probes.
guest() {
	local lab=$1 work=$2 run=$3

	shift 3
	# shellcheck disable=SC2046 # one -f FILE:PATH a pair of words
	"$top/scripts/guest.sh" "$@" \
		-o "$work/modules.order" -f "$lab/check.sh:lab/check.sh" \
		-f "$KMODLAB_BUILD/fixtures:fixtures" \
		$(cd "$top" && scripts/kos.sh | while read -r m; do
			echo "-f $(realpath "$m"):suite/${m##*/}"; done) \
		"$run"
}

# check N DIR: print each check and "lab N: P/T"; succeed when P = T and
# the guest ran cleanly (scripts/guest.sh's boot check: no oops, panic or
# hang), else the score line says what went wrong.
check() {
	local lab work total log passed why=''

	lab=$(lab_dir "$1") || exit 2
	work=$(realpath -m "$2/${lab##*/}")
	total=$(todos "$lab")
	conf "$lab"
	[ -d "$work" ] || die "no $work: run 'make skels' first"
	mkdir -p "$build"
	log=$build/${lab##*/}.log
	build_work "$lab" "$work" "$log" || return 1

	if [ "$where" = guest ]; then
		echo "lab: booting the guest (log: $log)"
		guest "$lab" "$work" lab -q -n "labs/${lab##*/}" >/dev/null
		[ -s "$log" ] || return 1
		why=$(awk -f "$top/qemu/ktap.awk" -v results=1 "${log%.log}-boot.log" |
		      awk -F '\t' '$2 == "FAIL" { print $4 }')
	else
		LAB_WORK=$work "$top/tests/run.sh" "$lab/check.sh" >"$log" 2>&1
	fi

	# The lab's checks are the subtest lines of the one test file; the
	# score counts those of its TODOs that passed (qemu/ktap.awk).
	sed -n 's/^  //p' "$log" | grep -v -e '^KTAP version' -e '^1\.\.' -e '^# Totals'
	passed=$(awk -f "$top/qemu/ktap.awk" -v results=1 "$log" |
		 awk -F '\t' '$2 == "ok" && $3 ~ /: TODO [0-9]+/' | wc -l)
	echo "lab ${lab##*/}: $passed/$total${why:+, but the guest failed: $why (see $log)}"
	[ -z "$why" ] && [ "$passed" -eq "$total" ]
}

# solution LAB: the lab's tested sources, as a learner's finished work,
# in $build/solution ($files: conf LAB).
solution() {
	local f

	rm -rf "$build/solution"
	mkdir -p "$build/solution/${1##*/}"
	for f in $files; do
		cp "$top/$f" "$build/solution/${1##*/}/"
	done
}

# shell N DIR: the learner's lab N in a guest shell, to try by hand.
shell() {
	local lab work log

	lab=$(lab_dir "$1") || exit 2
	work=$(realpath -m "$2/${lab##*/}")
	conf "$lab"
	[ "$where" = guest ] ||
		die "lab ${lab##*/} runs on the host (labs/${lab##*/}/lab.conf: where=$where): there is no guest to open; run 'make lab N=$1'"
	[ -d "$work" ] || die "no $work: run 'make skels' first"
	mkdir -p "$build"
	log=$build/${lab##*/}-shell.log
	build_work "$lab" "$work" "$log" || return 1
	echo "lab: the guest says where your modules are; console log: $log"
	guest "$lab" "$work" shell -n "labs/${lab##*/}-shell"
}

# prove: every lab's checks pass on the solution and all fail on the
# skeleton; a solution that crashes its guest fails, whatever it scores.
prove() {
	local lab n=0 total score out fails skip status

	set -- "$top"/labs/[0-9]*-*/
	printf 'KTAP version 1\n1..%d\n' $(($# * 2 + 1))
	fails=0
	for lab; do
		lab=${lab%/}
		conf "$lab"
		total=$(todos "$lab")
		rm -rf "$build/skeleton"
		solution "$lab"
		skels "$build/skeleton" "$lab" >/dev/null || return 1

		rm -f "$build/${lab##*/}.log" "$build/${lab##*/}-solution.log"
		out=$(check "${lab##*/}" "$build/solution" 2>&1)
		score=${out##*$'\n'}
		[ ! -e "$build/${lab##*/}.log" ] ||
			cp "$build/${lab##*/}.log" "$build/${lab##*/}-solution.log"
		n=$((n + 1))
		# A lab this kernel cannot run (e.g. no function_graph tracer)
		# skips its checks, saying why: both of its results skip.
		skip=$(awk -f "$top/qemu/ktap.awk" -v results=1 "$build/${lab##*/}.log" |
		       awk -F '\t' '$2 == "skip" && $3 ~ /: \(the file\)$/ { print $4 }')
		if [ -n "$skip" ]; then
			echo "ok $n ${lab##*/}: the solution scores $total/$total # SKIP $skip"
			n=$((n + 1))
			echo "ok $n ${lab##*/}: the untouched skeleton scores 0/$total # SKIP $skip"
			continue
		elif [ "$score" = "lab ${lab##*/}: $total/$total" ]; then
			echo "ok $n ${lab##*/}: the solution scores $total/$total"
		else
			# What failed, with the words just above it (the answer
			# given, the hint), and the log kept for a closer look.
			echo "# got: $score"
			printf '%s\n' "$out" | grep -B 2 '^not ok' | sed 's/^/# /'
			echo "# the solution's log: $build/${lab##*/}-solution.log"
			echo "not ok $n ${lab##*/}: the solution scores $total/$total"
			fails=$((fails + 1))
		fi
		score=$(check "${lab##*/}" "$build/skeleton" 2>&1 | tail -n 1)
		n=$((n + 1))
		case $score in
		"lab ${lab##*/}: 0/$total"*)
			echo "ok $n ${lab##*/}: the untouched skeleton scores 0/$total" ;;
		*)	echo "# got: $score"
			echo "not ok $n ${lab##*/}: the untouched skeleton scores 0/$total"
			fails=$((fails + 1)) ;;
		esac
	done

	# Lab 1's solution with a BUG() after its goodbye: every check still
	# passes (the goodbye is logged before the oops; a kernel that panics
	# on an oops, as the edge one does, ends the checks there), but
	# the guest oopsed, and the lab fails, saying so.
	lab=$(lab_dir 1)
	conf "$lab"
	solution "$lab"
	sed -i 's/^\tpr_info("goodbye, world\\n");.*$/&\n\tBUG();/' \
		"$build/solution/${lab##*/}/helloworld.c"
	out=$(check "${lab##*/}" "$build/solution" 2>&1)
	status=$?
	score=${out##*$'\n'}
	n=$((n + 1))
	case $status:$score in
	[1-9]*:"lab ${lab##*/}: "*", but the guest failed: the guest kernel reported: "*)
		echo "ok $n ${lab##*/}: a solution whose exit oopses fails, whatever it scores" ;;
	*)	echo "# got: $score (exit $status)"
		echo "not ok $n ${lab##*/}: a solution whose exit oopses fails, whatever it scores"
		fails=$((fails + 1)) ;;
	esac
	[ "$fails" -eq 0 ]
}

case ${1-} in
skels)	[ $# -le 2 ] || usage; skels "${2:-$top/labs/work}" ;;
check)	{ [ $# -ge 2 ] && [ $# -le 3 ]; } || usage
	check "$2" "${3:-$top/labs/work}" ;;
shell)	{ [ $# -ge 2 ] && [ $# -le 3 ]; } || usage
	shell "$2" "${3:-$top/labs/work}" ;;
prove)	[ $# -eq 1 ] || usage
	# One test file's worth of KTAP, as tests/run.sh prints it.
	printf 'KTAP version 1\n1..1\n'
	prove | sed 's/^/  /'
	status=${PIPESTATUS[0]}
	echo "$([ "$status" -eq 0 ] || echo 'not ')ok 1 labs" ;;
*)	usage ;;
esac
