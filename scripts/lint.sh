#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Static analysis of the whole tree, the checks the best-kept module
# suites gate on. Every tool must report nothing:
#
#   checkpatch  the kernel tree's scripts/checkpatch.pl --strict, every .c
#               and .h file (modules and tools)
#   w1          Kbuild with W=1: a warning in our files, or from modpost
#   sparse      Kbuild with C=2: sparse on every module source
#   analyzer    Kbuild with KCFLAGS=-fanalyzer (gcc's static analyzer),
#               told which allocators kfree() undoes (lint-analyzer.h)
#   cppcheck    every .c file, without the kernel headers (see lint_cppcheck)
#   ShellCheck  every shell script; those under tests/ as POSIX sh (-s sh)
#
# A finding prints as FILE:LINE:..., relative to the top of the tree, under
# a "lint: TOOL" line. The last line is "lint: no findings" (exit 0) or
# "lint: N findings in TOOL..." (exit 1); a tool that is missing exits 2.
#
# The files linted are those git lists (tracked, or untracked and not
# ignored), so nothing Kbuild generated is. The Kbuild builds run on a copy
# of them in $LINT_DIR/src: the tree's own .o and .ko files stay untouched.
# Kernel headers are not ours: their warnings are left out.
#
# Variables a user may override (the Makefile's facts: scripts/lib/facts.sh):
#   KDIR           the kernel tree to build against (KERNEL's cached headers)
#   ARCH, CROSS_COMPILE, KERNEL
#   KMODLAB_CACHE  where 'scripts/setup.sh --lint' put checkpatch.pl
#   LINT_SOURCE    the kernel source package checkpatch.pl came from
#   LINT_DIR       the copy and every tool's full log (build/$KERNEL/lint)
#   LINT_KBUILD_ARGS  more arguments for the Kbuild builds, as words (e.g.
#                  CC=aarch64-linux-gnu-gcc for a tree that names gcc-10)
#
# Usage: scripts/lint.sh [TOOL...]
#   TOOL  checkpatch, w1, sparse, analyzer, cppcheck or shellcheck
#         (default: all six, in that order)

set -uo pipefail

TOOLS=(checkpatch w1 sparse analyzer cppcheck shellcheck)

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 2
# shellcheck source=scripts/lib/facts.sh
. scripts/lib/facts.sh
LINT_DIR=${LINT_DIR:-build/$KERNEL/lint}
checkpatch=$KMODLAB_CACHE/lint/$LINT_SOURCE/checkpatch.pl

usage() { sed -n '/^# Usage:/,/^$/s/^# \{0,1\}//p' "$0" >&2; exit 2; }
die() { printf 'lint: error: %s\n' "$*" >&2; exit 2; }

for t; do
	case " ${TOOLS[*]} " in
	*" $t "*) ;;
	*) usage ;;
	esac
done
[ $# -gt 0 ] || set -- "${TOOLS[@]}"

need() {	# COMMAND...: each must be on $PATH
	local c
	for c; do
		command -v "$c" >/dev/null ||
			die "$c not found: run 'scripts/setup.sh --lint' (or 'make lint')"
	done
}

mkdir -p "$LINT_DIR" || exit 2
LINT_DIR=$(cd "$LINT_DIR" && pwd)
src=$LINT_DIR/src
files=$LINT_DIR/files

# Our files, one per line, relative to the top.
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	git ls-files -co --exclude-standard
else
	find . -path ./build -prune -o -path ./.git -prune -o -type f -print |
		sed 's|^\./||' |
		grep -vE '\.(o|ko|a|mod|mod\.c|cmd)$|(^|/)(modules\.order|Module\.symvers)$'
fi | while read -r f; do
	[ -f "$f" ] && printf '%s\n' "$f"
done | LC_ALL=C sort -u >"$files"

of_type() {	# ERE: our files whose names match ERE
	grep -E -- "$1" "$files"
}

# ours: keep the lines of stdin that are about one of our files, FILE:LINE
# first (copy paths made relative), and modpost's warnings.
ours() {
	awk -v src="$src/" -v files="$files" '
	BEGIN { while ((getline f < files) > 0) mine[f] = 1 }
	{
		while ((i = index($0, src)) > 0)
			$0 = substr($0, 1, i - 1) substr($0, i + length(src))
		if ($0 ~ /^(WARNING|ERROR): modpost: /) { print; next }
		split($0, part, ":")
		sub(/^\.\//, "", part[1])
		if ((part[1] in mine) && part[2] ~ /^[0-9]+$/)
			print
	}'
}

# since T0: the seconds from EPOCHREALTIME T0 to now, as "1.5 s"
since() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f s", b - a }'; }

findings=0 failed=''
# report TOOL COUNT TEXT: print a tool's verdict, time and findings.
report() {
	local elapsed

	elapsed=$(since "$t0")
	if [ "$2" -eq 0 ]; then
		printf 'lint: %s: ok (%s)\n' "$1" "$elapsed"
		return
	fi
	printf 'lint: %s: %s (%s)\n' "$1" "$(plural "$2" finding)" "$elapsed"
	printf '%s\n' "$3"
	findings=$((findings + $2))
	failed="$failed $t"
}

plural() {	# N WORD: "1 file", "2 files"
	printf '%d %s%s' "$1" "$2" "$([ "$1" -eq 1 ] || echo s)"
}

count() {	# ERE TEXT: lines of TEXT matching ERE
	[ -n "$2" ] || { echo 0; return; }
	printf '%s\n' "$2" | grep -cE -- "$1"
}

# checkpatch.pl --strict as the kernel tree has it, with two exceptions
# that out-of-tree code needs: it supports several kernels on purpose, so
# LINUX_VERSION_CODE is allowed, and "#if LINUX_VERSION_CODE >=
# KERNEL_VERSION(...)" is not a backwards comparison (CONSTANT_COMPARISON
# is dropped on those lines only). scripts/lint-*.h are shims for cppcheck
# and the analyzer, not kernel code; tools/ is user space (below).
lint_checkpatch() {
	local list out kernel user

	need perl
	[ -r "$checkpatch" ] ||
		die "no $checkpatch: run 'scripts/setup.sh --lint' (or 'make lint')"
	mapfile -t list < <(of_type '\.[ch]$' | grep -v '^scripts/lint-')
	[ ${#list[@]} -gt 0 ] || { report checkpatch 0 ''; return; }
	out=$({
	      # Kernel code: modules, fixtures, lab sources.
	      mapfile -t kernel < <(printf '%s\n' "${list[@]}" | grep -v '^tools/')
	      [ ${#kernel[@]} -eq 0 ] ||
	      perl "$checkpatch" --strict --no-tree --quiet --emacs --color=never \
		--show-types --ignore LINUX_VERSION_CODE -f "${kernel[@]}"
	      # User space (tools/): not the kernel-only rules, which name
	      # what user space does not have (kernel attribute macros), what
	      # libelf spells its own way (CamelCase types), libFuzzer's extern
	      # entry point, and user-visible strings, which are never split.
	      mapfile -t user < <(printf '%s\n' "${list[@]}" | grep '^tools/')
	      [ ${#user[@]} -eq 0 ] ||
	      perl "$checkpatch" --strict --no-tree --quiet --emacs --color=never \
		--show-types --ignore CAMELCASE,PREFER_DEFINED_ATTRIBUTE_MACRO \
		--ignore AVOID_EXTERNS,LONG_LINE_STRING -f "${user[@]}"
	     } 2>&1 |
		tee "$LINT_DIR/checkpatch.log" |
		awk 'BEGIN { RS = ""; ORS = "\n\n" }
		     { split($0, line, "\n") }
		     line[1] ~ /^total: / { next }
		     line[1] ~ /CONSTANT_COMPARISON/ && /LINUX_VERSION_CODE/ { next }
		     { print }')
	report "checkpatch --strict, $(plural ${#list[@]} file)" \
		"$(count '^[^ ]+:[0-9]+: (ERROR|WARNING|CHECK):' "$out")" "$out"
}

# The copy Kbuild builds: our files, with nothing built in it yet the first
# time; the flags differ from one build to the next, so Kbuild recompiles.
copy_tree() {
	[ -z "${copied-}" ] || return 0
	need make "${CROSS_COMPILE}gcc"
	[ -r "$KDIR/Makefile" ] ||
		die "no kernel tree in $KDIR: run 'scripts/setup.sh' (or 'make lint')"
	rm -rf "$src"
	mkdir -p "$src" || exit 2
	tar -cf - -T "$files" | tar -xf - -C "$src" ||
		die "cannot copy the tree to $src"
	copied=1
}

# kbuild_lint TITLE LOG COUNT KEEP DROP [ARG...]: build the copy's modules
# with ARGs, all output in LOG; our files' lines that match KEEP and not
# DROP (grep -E) are the report, those matching COUNT its findings. A build
# that failed without a finding in our files is a finding itself.
kbuild_lint() {
	local title=$1 log=$LINT_DIR/$2 pattern=$3 keep=$4 drop=$5 out n rc

	shift 5
	copy_tree
	# Whatever make we were started from, these builds take only our flags.
	# shellcheck disable=SC2086 # LINT_KBUILD_ARGS is a list of words
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
		make -C "$KDIR" M="$src" ARCH="$ARCH" CROSS_COMPILE="$CROSS_COMPILE" \
		-j "$(nproc)" ${LINT_KBUILD_ARGS-} "$@" modules >"$log" 2>&1
	rc=$?
	out=$(ours <"$log" | grep -E -- "$keep" | grep -vE -- "$drop")
	n=$(count "$pattern" "$out")
	if [ "$rc" -ne 0 ] && [ "$n" -eq 0 ]; then
		out=$(printf '%s: the build failed:\n%s\n' "$title" "$(tail -n 15 "$log")") n=1
	fi
	report "$title" "$n" "$out"
}

lint_w1() {
	kbuild_lint "W=1 build" w1.log ': (warning|error)[: ]|^(WARNING|ERROR): modpost: ' \
		. '^$' W=1
}

# sparse comes after the W=1 build, with the same flags: nothing is
# recompiled and C=2 runs sparse alone on every source. (Run alone, it
# compiles too: the compiler's own warnings, tagged [-W...], are W=1's.)
lint_sparse() {
	need sparse
	kbuild_lint "sparse (C=2)" sparse.log ': (warning|error):' \
		. '\[-W[^]]*\]$|: note: ' W=1 C=2
}

# The analyzer's own warnings only (the compiler's were W=1's); each is
# followed by its path, one note per event.
lint_analyzer() {
	kbuild_lint "gcc -fanalyzer" analyzer.log '\[-Wanalyzer-' '-Wanalyzer-|: note: ' '^$' \
		KCFLAGS="-fanalyzer -fdiagnostics-path-format=separate-events -include $top/scripts/lint-analyzer.h"
}

# cppcheck sees neither the kernel headers nor Kbuild's flags, so:
# - module sources (those under a folder the top Kbuild lists) are checked
#   in the one configuration Kbuild compiles, -D__KERNEL__ -DMODULE, with
#   KDIR's <linux/version.h> included first so that each "#if
#   LINUX_VERSION_CODE" takes the branch that kernel builds (without it
#   cppcheck silently skips both);
# - warning, portability and performance: "style" flags kernel idioms
#   (unused struct members filled by macros, variable scope) by the dozen;
# - macros it cannot expand are left alone; kernel ones (module_init,
#   ...) parse as calls and raise nothing; the iterators a statement follows
#   (list_for_each_entry) get their shape from scripts/lint-cppcheck.h. No
#   suppression is needed on this tree; a justified one goes in the source
#   as "// cppcheck-suppress ID" on the line before (--inline-suppr).
lint_cppcheck() {
	local mods=() others=() incs=() dirs f d rc=0 out version

	need cppcheck
	dirs=$(awk 'sub(/^obj-[my][ \t]*\+?=/, "") {
		for (i = 1; i <= NF; i++)
			if ($i ~ /.\/$/) print substr($i, 1, length($i) - 1)
	}' Kbuild 2>/dev/null)
	for f in $(of_type '\.c$'); do
		for d in $dirs; do
			case $f in
			"$d"/*) mods+=("$f"); continue 2 ;;
			esac
		done
		others+=("$f")
	done
	for d in $(of_type '\.h$' | xargs -r dirname | sort -u); do
		incs+=(-I "$d")
	done
	set -- --quiet --language=c --std=c11 --platform=unix64 --inline-suppr \
		--enable=warning,portability,performance --error-exitcode=1 \
		--template='{file}:{line}:{column}: {severity}: {message} [{id}]'
	version=$KDIR/include/generated/uapi/linux/version.h
	[ -r "$version" ] || die "no $version: is $KDIR a configured kernel tree?"
	: >"$LINT_DIR/cppcheck.log"
	if [ ${#mods[@]} -gt 0 ]; then
		cppcheck "$@" -D__KERNEL__ -DMODULE --include="$version" \
			--include="$top/scripts/lint-cppcheck.h" \
			"${incs[@]}" "${mods[@]}" >>"$LINT_DIR/cppcheck.log" 2>&1 || rc=1
	fi
	if [ ${#others[@]} -gt 0 ]; then
		cppcheck "$@" "${incs[@]}" "${others[@]}" \
			>>"$LINT_DIR/cppcheck.log" 2>&1 || rc=1
	fi
	out=$(sort -u "$LINT_DIR/cppcheck.log")
	n=$(count '^[^ ]+:[0-9]+:' "$out")
	[ "$rc" -eq 0 ] || [ "$n" -gt 0 ] || n=1
	report "cppcheck, $(plural $((${#mods[@]} + ${#others[@]})) file)" "$n" "$out"
}

# Every shell script: a .sh name, a sh or bash #! line, or a "shellcheck
# shell=" directive (the sourced libraries). .shellcheckrc makes it follow
# what each script sources; the tests are POSIX sh for busybox.
lint_shellcheck() {
	local f tests=() others=() out n rc=0

	need shellcheck
	while read -r f; do
		case $f in
		*.sh) ;;
		*) head -n 1 "$f" | grep -qE '^#!.*[/ ](ba|da)?sh( |$)' ||
		   grep -q '^# shellcheck shell=' "$f" || continue ;;
		esac
		case $f in
		tests/*) tests+=("$f") ;;
		*) others+=("$f") ;;
		esac
	done <"$files"
	{
		[ ${#tests[@]} -eq 0 ] ||
			shellcheck -f gcc -s sh "${tests[@]}" || rc=1
		[ ${#others[@]} -eq 0 ] ||
			shellcheck -f gcc "${others[@]}" || rc=1
	} >"$LINT_DIR/shellcheck.log" 2>&1
	out=$(cat "$LINT_DIR/shellcheck.log")
	n=$(count '^[^ ]+:[0-9]+:' "$out")
	# Failing without a finding: it could not read a file, or crashed.
	[ "$rc" -eq 0 ] || [ "$n" -gt 0 ] || n=1
	report "shellcheck, $(plural $((${#tests[@]} + ${#others[@]})) script)" \
		"$n" "$out"
}

start=$EPOCHREALTIME
for t; do
	t0=$EPOCHREALTIME
	case $t in
	checkpatch) lint_checkpatch ;;
	w1) lint_w1 ;;
	sparse) lint_sparse ;;
	analyzer) lint_analyzer ;;
	cppcheck) lint_cppcheck ;;
	shellcheck) lint_shellcheck ;;
	esac
done
total=$(since "$start")
if [ "$findings" -eq 0 ]; then
	echo "lint: no findings ($total; logs in ${LINT_DIR#"$top"/})"
	exit 0
fi
echo "lint: $(plural "$findings" finding) in$failed ($total; logs in ${LINT_DIR#"$top"/})"
exit 1
