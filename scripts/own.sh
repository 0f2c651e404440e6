#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Your own modules, host side: build a directory of out-of-tree modules
# with Kbuild exactly as its author does, and lay out what the guest's
# checks (tests/own/test-own.sh, qemu/init's kmodlab_run=own) need.
#
#   build DIR OUT  copy DIR's sources to OUT/src (DIR is only read: its
#                  files are never edited, nothing is written into it, and
#                  a .o, .ko or other Kbuild output left there is not
#                  copied, so never trusted), then in the copy
#                    make -C $KDIR M=OUT/src ARCH=$ARCH \
#                         CROSS_COMPILE=$CROSS_COMPILE W=1 \
#                         $KMODLAB_MAKE_FLAGS modules
#                  Kbuild reads the copy's own Kbuild, or its Makefile
#                  (obj-m): a seed-style Makefile that hard-codes
#                  KERNEL_DIR, ARCH and CROSS_COMPILE builds unchanged,
#                  since Kbuild never uses its "all" rule and variables
#                  given on make's command line win over a Makefile's own
#                  assignments (export ARCH=... included).
#
#   test DIR       build DIR for KERNEL into build/<kernel>/own/<folder>,
#                  then boot its modules with the checks every module gets
#                  (scripts/guest.sh own); a build that fails is the result
#                  for that kernel, without a boot (make test M=DIR)
#   shell DIR      the same build, into build/<kernel>/own/<folder>-shell
#                  (a test may run beside it), then a guest shell with
#                  DIR's modules installed and depmod'ed (make shell M=DIR)
#   matrix DIR     test on every kernel of MATRIX, then one table of check
#                  x kernel (scripts/matrix.sh; make test-matrix M=DIR)
#   board DIR      the same build, into build/<kernel>/own/<folder>-board,
#                  then the same checks on a board over ssh
#                  (scripts/board.sh; make test-board M=DIR BOARD=...)
#
# Usage: scripts/own.sh build DIR OUT
#        scripts/own.sh test|shell|matrix|board DIR
#   DIR  the module directory (its Kbuild or Makefile has obj-m); e.g.
#        tests/external/lubancat
#   OUT  where everything goes (e.g. build/6.1/own/lubancat): not in DIR
#
# What DIR may hold besides its modules:
#   tests/*.sh  the author's guest tests, POSIX sh on tests/kmodlab.sh
#               (see tests/own/test-own.sh for the helpers they may use)
#   *_app.c     user programs (any depth, the LubanCat chapters' naming):
#               each is one C file, built by itself with
#               ${CROSS_COMPILE}gcc -static -O2 -Wall -I<its folder> into
#               OUT/guest/bin/<name without .c>, on the guest's PATH.
#               Needs Debian's libc6-dev-arm64-cross on an x86 host
#               (scripts/setup.sh installs it).
# Sources that name files outside DIR by a relative path (../common/x.h)
# do not build from the copy: name them by an absolute path.
#
# It writes:
#   OUT/src/            the copy, built
#   OUT/build.log       every line Kbuild, koinfo and gcc printed
#   OUT/build-shown.log Kbuild's lines, DIR's files named DIR/FILE
#   OUT/host.ktap       one KTAP test file "own-build" (qemu/ktap.awk
#                       counts it): "build" (make modules: on a failure a
#                       "#" line with the compiler's or modpost's first
#                       error), "build: NAME.ko built" for each module,
#                       "build: W=1 warnings" (their count and each one as
#                       "#" lines; a warning fails it only with
#                       OWN_WARNINGS=fail: the author's code, not ours),
#                       "build: koinfo predicts each module" (koinfo exit
#                       2, could not tell, fails it) and
#                       "build: bin/NAME from NAME_app.c" for each program
#   OUT/modules.order   the built .ko files, absolute paths, in Kbuild's
#                       order: MODULES_ORDER for qemu/mkinitramfs.sh overlay
#   OUT/guest/          for own/ in the guest's suite folder:
#     own.conf            dir=, kernel=, modules= (load order: what a
#                         module depends on first), cycles= (sh, sourced)
#     koinfo.txt          koinfo --against $KDIR on all the .ko together
#     tests/              DIR/tests/*.sh
#     bin/                the programs
#
# Exit status: 0 the modules built: boot them (host.ktap may still hold a
#              failed check: a program, koinfo); 1 the build failed, there
#              is nothing to boot (host.ktap says why); 2 a usage error, no
#              DIR or KDIR, a DIR with no Kbuild or Makefile or no obj-m, or
#              an OUT another run is using (a message says what to do).
#
# Variables: the facts (scripts/lib/facts.sh: KERNEL, KDIR, ARCH,
# CROSS_COMPILE, KOINFO, MATRIX, KMODLAB_BUILD), and
#   KMODLAB_MAKE_FLAGS  words added to Kbuild's make (may be empty)
#   CYCLES              the guest's load/unload cycles by default (10;
#                       kmodlab_cycles=N on the kernel command line wins)
#   OWN_WARNINGS        show (default): W=1 warnings are counted and shown;
#                       fail: they also fail "build: W=1 warnings"

set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/lib/facts.sh
. "$top/scripts/lib/facts.sh"
CYCLES=${CYCLES:-10}
OWN_WARNINGS=${OWN_WARNINGS:-show}

usage() { sed -n '/^# Usage:/,/^#$/s/^# \{0,1\}//p' "$0" >&2; exit 2; }
die() { printf 'own: error: %s\n' "$*" >&2; exit 2; }
case $CYCLES in
*[!0-9]* | 0*) die "CYCLES takes a whole number of cycles, 1 or more (not '$CYCLES')" ;;
esac
case $OWN_WARNINGS in
show | fail) ;;
*) die "OWN_WARNINGS is show (the default) or fail (not '$OWN_WARNINGS')" ;;
esac

# KTAP results of the one test file, printed at the end with their plan.
results=() checks=0 failed=0 about=
pass() { checks=$((checks + 1)); results+=("ok $checks $1"); }
fail() { checks=$((checks + 1)); results+=("not ok $checks $1"); failed=$((failed + 1)); }
diag() { local l; while IFS= read -r l; do results+=("# $l"); done <<<"$1"; }
ktap() {	# OUT: write OUT/host.ktap
	{
		printf 'KTAP version 1\n1..1\n  KTAP version 1\n  # %s\n  1..%d\n' "$about" "$checks"
		printf '  %s\n' "${results[@]}"
		echo "$([ "$failed" -eq 0 ] || echo 'not ')ok 1 own-build"
	} >"$1/host.ktap"
}

# A value for a sh file, single-quoted.
sq() { printf "'%s'" "${1//\'/\'\\\'\'}"; }

# replace: stdin with each FROM made TO, both taken as they are (a path
# may hold | or &, which a sed s||| would read).
replace() {
	awk '{
		line = ""
		while ((i = index($0, ENVIRON["FROM"])) > 0) {
			line = line substr($0, 1, i - 1) ENVIRON["TO"]
			$0 = substr($0, i + length(ENVIRON["FROM"]))
		}
		print line $0
	}'
}

# The compiler's or modpost's first error, else make's first "***" line.
first_error() {	# LOG
	grep -m1 -E ': (fatal )?error: |^ERROR: |^Error: ' "$1" ||
		grep -m1 -F '***' "$1" || tail -n 1 "$1"
}

# kbuild_safe NAME: NAME with _ for each character Kbuild cannot build
# under: its recipes hand M's path to the shell and to make unquoted, and
# ',' splits make's $(call) arguments.
kbuild_safe() { printf '%s' "${1//[[:space:][:cntrl:]\'\"\$\&\|\;:,%#()*?<>\[\]\\\`]/_}"; }

# Kbuild output that may sit in DIR: never copied, so never trusted.
EXCLUDE=(--exclude=.git --exclude='*.o' --exclude='*.ko' --exclude='*.mod'
	 --exclude='*.mod.c' --exclude='*.cmd' --exclude='.*.d' --exclude='*.a'
	 --exclude=modules.order --exclude=Module.symvers --exclude=.tmp_versions
	 --exclude='*.symtypes' --exclude='*.dwo')

build() {	# DIR OUT
	local dir=$1 out=$2 shown=${1%/} kfile f ko kos=()
	local status warns nwarn lock

	[ -d "$dir" ] || die "no directory '$dir': name a folder of out-of-tree modules (a Kbuild or Makefile with obj-m)"
	dir=$(cd "$dir" && pwd)
	for f in Kbuild Makefile; do
		[ -r "$dir/$f" ] && { kfile=$dir/$f; break; }
	done
	[ -n "${kfile-}" ] || die "$shown has neither a Kbuild nor a Makefile: Kbuild reads one of them for obj-m (e.g. a Kbuild with the line 'obj-m := hello.o')"
	grep -Eq '^[[:space:]]*obj-(m|\$\([A-Za-z0-9_]+\))[[:space:]]*[:+]?=' "$kfile" ||
		die "$shown/${kfile##*/} has no obj-m line: Kbuild would build nothing (add e.g. 'obj-m := hello.o')"
	[ -n "${KDIR-}" ] || die "KDIR is not set: name the kernel tree to build against (make sets it: make test M=$shown)"
	[ -r "$KDIR/Makefile" ] || die "KDIR '$KDIR' is not a kernel tree (no Makefile): name a built tree or its headers, or leave KDIR out for KERNEL's ('make setup KERNEL=$KERNEL' fetches them)"
	[ -x "$KOINFO" ] || die "no $KOINFO: run 'make koinfo'"
	command -v "${CROSS_COMPILE}gcc" >/dev/null ||
		die "${CROSS_COMPILE}gcc not found: run 'make setup'"
	out=$(realpath -m "$out")
	case $out/ in
	"$dir"/*) die "OUT '$out' is inside DIR '$dir', which is never written to: choose another OUT (e.g. build/$KERNEL/own/$(own_name "$dir"))" ;;
	esac
	case $dir/ in
	"$out"/*) die "DIR '$dir' is inside OUT '$out', whose copy of it is made anew: choose another OUT (e.g. build/$KERNEL/own/$(own_name "$dir"))" ;;
	esac
	[ "$(kbuild_safe "$out")" = "$out" ] ||
		die "OUT '$out' has a character Kbuild cannot build under (a space, or one of &|;,:%#<>\$'\" and the like): choose another OUT (make test M=DIR's is in $KMODLAB_BUILD: move kmodlab to a plainer path)"
	mkdir -p "$out" || die "cannot create $out"
	# One run at a time in OUT (two DIRs of one name, say): held until
	# this script ends, its guest's boot included.
	exec {lock}<"$out"
	flock -n "$lock" ||
		die "$out is in use by another run: run this one when it ends"

	rm -rf "$out/src" "$out/guest" "$out/modules.order" "$out/host.ktap"
	mkdir -p "$out/src" "$out/guest/bin" "$out/guest/tests"
	about="own: $shown against $KDIR (${KERNEL:-KDIR}), ARCH=$ARCH CROSS_COMPILE=$CROSS_COMPILE"
	tar -C "$dir" "${EXCLUDE[@]}" -cf - . | tar -C "$out/src" -xf - ||
		die "could not copy $shown to $out/src"

	# The kernel's Makefile unexports LC_ALL: the others keep gcc's
	# quotes ASCII.
	# shellcheck disable=SC2086 # the kernel's make flags, as words
	# Whatever make started this (make test M=DIR), Kbuild gets only the
	# author's build: none of that make's variables (MAKEFLAGS).
	(set -x; env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL LC_ALL=C LANG=C \
		LC_CTYPE=C LC_MESSAGES=C make -C "$KDIR" M="$out/src" ARCH="$ARCH" \
		CROSS_COMPILE="$CROSS_COMPILE" W=1 ${KMODLAB_MAKE_FLAGS-} modules) \
		>"$out/build.log" 2>&1
	status=$?

	# Kbuild names DIR's files by the copy's path, or (Linux 6.13 and
	# later, which build in M) relative to it: both become DIR/FILE.
	FROM=$out/src/ TO=$shown/ awk '
		/^[A-Za-z0-9_][A-Za-z0-9_.\/-]*\.[chS]:[0-9]/ { $0 = ENVIRON["FROM"] $0 }
		1' "$out/build.log" | FROM=$out/src/ TO=$shown/ replace >"$out/build-shown.log"
	# Warnings in DIR's files and modpost's; not the kernel headers'.
	warns=$(D=$shown/ awk '(index($0, ENVIRON["D"]) == 1 && /: warning: /) || /^WARNING: /' \
		"$out/build-shown.log" | sort -u)
	nwarn=$(grep -c . <<<"$warns")

	if [ "$status" -ne 0 ]; then
		diag "$(first_error "$out/build-shown.log")"
		diag "(make exit $status; the whole output: $out/build.log)"
		fail build
	else
		pass build
		while read -r ko; do
			[[ $ko = /* ]] || ko=$out/src/$ko
			if [ -r "$ko" ]; then
				kos+=("$ko")
				pass "build: $(basename "$ko") built"
			else
				diag "$ko is in modules.order but was not built"
				fail "build: $(basename "$ko") built"
			fi
		done < <("$top/scripts/kos.sh" "$out/src/modules.order")
		[ ${#kos[@]} -gt 0 ] || { diag "modules.order is empty: obj-m names no module"; fail "build: a module built"; }
		printf '%s\n' "${kos[@]}" >"$out/modules.order"
	fi

	diag "W=1 warnings: $nwarn$([ "$nwarn" -eq 0 ] || echo " (they fail the build only with OWN_WARNINGS=fail)")"
	[ "$nwarn" -eq 0 ] || diag "$warns"
	if [ "$nwarn" -gt 0 ] && [ "$OWN_WARNINGS" = fail ]; then
		fail "build: W=1 warnings"
	else
		pass "build: W=1 warnings"
	fi
	if [ "$status" -ne 0 ] || [ ${#kos[@]} -eq 0 ]; then
		ktap "$out"
		return 1
	fi

	koinfo "$out" "${kos[@]}"
	programs "$dir" "$out"
	for f in "$dir"/tests/*.sh; do
		[ -r "$f" ] && cp "$f" "$out/guest/tests/"
	done
	{
		echo "# scripts/own.sh build: DIR's modules, for tests/own/test-own.sh"
		echo "dir=$(sq "$shown")"
		echo "kernel=$(sq "${KERNEL-}")"
		echo "modules=$(sq "$(load_order "${kos[@]}")")"
		echo "cycles=$(sq "$CYCLES")"
	} >"$out/guest/own.conf"
	ktap "$out"
	return 0
}

# koinfo's prediction for all the modules together: each one's symbols
# may come from another of DIR. Exit 1 (a refusal predicted) is a result
# for the guest to check; 2 (koinfo could not tell) fails here.
koinfo() {	# OUT KO...
	local out=$1 rc
	shift
	{ echo "+ $KOINFO --against $KDIR $*"; } >>"$out/build.log"
	"$KOINFO" --against "$KDIR" "$@" >"$out/guest/koinfo.txt" 2>"$out/koinfo.err"
	rc=$?
	cat "$out/koinfo.err" >>"$out/build.log"
	case $rc in
	0) pass "build: koinfo predicts each module" ;;
	1) diag "koinfo predicts a refusal (the guest checks it):"
	   diag "$(grep '=> refused' "$out/guest/koinfo.txt")"
	   pass "build: koinfo predicts each module" ;;
	*) diag "koinfo exit $rc, it could not tell:"
	   diag "$(cat "$out/koinfo.err")"
	   fail "build: koinfo predicts each module" ;;
	esac
}

# Each *_app.c, built statically by itself for the guest.
programs() {	# DIR OUT
	local dir=$1 out=$2 src name log
	while IFS= read -r src; do
		name=$(basename "$src" .c)
		log=$out/$name.log
		if (set -x; LC_ALL=C "${CROSS_COMPILE}gcc" -static -O2 -Wall -I"$(dirname "$src")" \
			-o "$out/guest/bin/$name" "$src") >"$log" 2>&1; then
			pass "build: bin/$name from ${src#"$out/src/"}"
		else
			diag "$(first_error "$log" | FROM=$out/src/ TO='' replace)"
			fail "build: bin/$name from ${src#"$out/src/"}"
		fi
		cat "$log" >>"$out/build.log"
		rm -f "$log"
	done < <(find "$out/src" -name '*_app.c' -type f | LC_ALL=C sort)
}

# The modules' names, each after those of DIR's it depends on (depends=
# in .modinfo); otherwise in Kbuild's order.
load_order() {	# KO...
	local ko name dep left=() rest done=' ' ready progress list=()
	declare -A deps
	for ko; do
		name=$(basename "$ko" .ko)
		deps[$name]=$(modinfo -F depends "$ko" 2>/dev/null | tr , ' ')
		left+=("$name")
	done
	while [ ${#left[@]} -gt 0 ]; do
		progress='' rest=()
		for name in "${left[@]}"; do
			case $done in *" $name "*) continue ;; esac
			ready=1
			for dep in ${deps[$name]}; do
				[ -n "${deps[$dep]+set}" ] || continue
				case $done in *" $dep "*) ;; *) ready= ;; esac
			done
			[ -n "$ready" ] || { rest+=("$name"); continue; }
			list+=("$name") done="$done$name " progress=1
		done
		left=("${rest[@]}")
		# A cycle: keep Kbuild's order for what is left.
		[ -n "$progress" ] || { list+=("${left[@]}"); break; }
	done
	echo "${list[*]}"
}

# own_name DIR: the name of DIR's runs, its folder's name as Kbuild can
# build under it (kbuild_safe).
own_name() { kbuild_safe "$(basename "$(cd "$1" 2>/dev/null && pwd || echo "$1")")"; }

# run_test DIR: build DIR for KERNEL into $KMODLAB_BUILD/own/NAME, then
# boot its modules with the checks every module gets (scripts/guest.sh
# own). A build that fails is this kernel's result: no boot, its KTAP
# alone is the verdict. A shell's run is own/NAME-shell, its build too:
# a test of DIR may run while its shell is open.
run_test() {	# DIR [guest.sh RUN]
	local name out rc ktap=()

	name=own/$(own_name "$1")${2:+-$2}
	out=$KMODLAB_BUILD/$name
	build "$1" "$out"
	rc=$?
	[ "$rc" -le 1 ] || exit "$rc"
	if [ "$rc" -eq 1 ]; then
		# guest.sh -n's logs: none of an earlier boot is left to read.
		rm -f "$out.log" "$out"-{host,kernel,boot}.log
		cat "$out/host.ktap"
		printf '%s\n' label=host/ "$out/host.ktap" label= >"$out.logs"
		awk -f "$top/qemu/ktap.awk" label=host/ "$out/host.ktap"
		return 1
	fi
	# The build's checks count in the verdict of the checks' run; a
	# shell has none (guest.sh refuses -k for it).
	[ "${2:-own}" != own ] || ktap=(-k "$out/host.ktap")
	# Each module is loaded, unloaded and cycled: on the edge kernel
	# (KASAN, kmemleak) a few take a minute, more than a suite run.
	"$top/scripts/guest.sh" -t "${TIMEOUT:-300}" -o "$out/modules.order" \
		-f "$out/guest:own" "${ktap[@]}" \
		-n "$name" "${2:-own}"
}

# run_board DIR: build DIR for KDIR (the board's kernel) into
# $KMODLAB_BUILD/own/NAME-board, as a shell's, then deploy and run its
# checks there (scripts/board.sh with OWN), the output in NAME-board.log.
run_board() {	# DIR
	local out

	# Asked before the build, which takes a while (board.sh asks after it).
	[ -n "${BOARD-}" ] || die "say which board: make test-board M=$1 BOARD=user@host [BOARD_PORT=22] [BOARD_KEY=~/.ssh/id_ed25519]"
	out=$KMODLAB_BUILD/own/$(own_name "$1")-board
	build "$1" "$out" || { cat "$out/host.ktap"; return 1; }
	OWN=$out LOG=$out.log "$top/scripts/board.sh" test
}

# run_matrix DIR: run_test on each kernel of MATRIX (fetched first if need
# be), each one's output in build/<kernel>/own/NAME.make.log, then one
# table of check x kernel: scripts/matrix.sh -r, as for the suite.
run_matrix() {	# DIR
	local dir

	dir=$(cd "$1" && pwd) || die "no directory '$1'"
	# shellcheck disable=SC2086 # MATRIX is a list of kernels
	(cd "$top" && scripts/matrix.sh -r -n "own/$(own_name "$dir")" -m "$dir" $MATRIX)
}

case ${1-} in
build) [ $# -eq 3 ] || usage; build "$2" "$3" ;;
test) [ $# -eq 2 ] || usage; run_test "$2" ;;
shell) [ $# -eq 2 ] || usage; run_test "$2" shell ;;
matrix) [ $# -eq 2 ] || usage; run_matrix "$2" ;;
board) [ $# -eq 2 ] || usage; run_board "$2" ;;
*) usage ;;
esac
