#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Host side: 'make test M=DIR' on the sample module directories beside
# this file, each a path a user's own modules may take, with the result
# each must give (make test-own; scripts/own.sh):
#   lubancat/    the LubanCat tutorial's shape: a Makefile that hard-codes
#                KERNEL_DIR, ARCH and CROSS_COMPILE; a module exporting
#                what another uses; a character device and its chrdev_app.c;
#                parameters; its own guest tests. Passes on every kernel of
#                MATRIX (make test-matrix M=DIR, one table), on the QEMU
#                board (make test-board-qemu M=DIR), with a test whose
#                name has a space too (a copy), make shell M=DIR
#                boots it with a shell that says where its modules are,
#                and its files are left as they were.
#   init-fails/  init returns -ENODEV: the run fails and says which module
#                and why, in modprobe's and the module's words.
#   leaks/       leaks on purpose: the edge kernel's kmemleak names it.
#   old-api/     uses set_fs(), gone from arm64 in 5.11: builds and passes
#                on 5.10; on 6.1 "build" fails with the compiler's error.
#   hangs/       init never returns: the run ends at TIMEOUT (30 s here)
#                and says the guest hung, naming the console log.
#   a DIR whose name has characters sed and Kbuild trip on, its warning
#   failing the run under OWN_WARNINGS=fail;
#   and a DIR that is not there, or has no Kbuild or Makefile, or (for
#   scripts/own.sh build DIR OUT) is inside OUT, or an OUT another run
#   holds, a KDIR that is no kernel tree, a CYCLES or OWN_WARNINGS that
#   means nothing, make test-board M=DIR without BOARD, and M= given to a
#   target that does not take it (make, make install...): a clear error
#   before anything is built or removed.
# Each run is a make of its own: minutes, so this runs in make test-own
# (and test-all), not beside make test.

TESTS_DIR=${0%/*}/..
# shellcheck source=tests/kmodlab.sh
. "$TESTS_DIR/kmodlab.sh"

top=$(cd "${0%/*}/../.." && pwd)
samples=tests/external
MATRIX=${MATRIX:?run it through make, which exports it}
KMODLAB_BUILD=${KMODLAB_BUILD:?run it through make, which exports it}

# own ARG...: make ARG... from the top, its output in $out, status in $rc.
own() { run make -C "$top" --no-print-directory "$@"; }

ktap_print_header
ktap_set_plan 45

# A listing of every file with its checksum: nothing may change.
before=$(cd "$top/$samples" && find . -type f | LC_ALL=C sort | xargs md5sum)

own test-matrix M=$samples/lubancat MATRIX="$MATRIX"
check_run "lubancat: make test-matrix M=DIR passes on $MATRIX" 0
check_match "... one table: a row per check, a column per kernel" \
	'^host/own-build: build: chrdev\.ko built +ok' "$out"
check_match "... the user program ran in the guest" '^chrdev: chrdev_app reads back what it wrote +ok' "$out"
check_match "... the export and its user loaded, in order" '^own: calc_user: loads with modprobe +ok' "$out"

# spaced ARG...: make ARG... M=a copy of lubancat whose test-params.sh is
# named 'test-params and calc.sh': an author's file name may have a space.
spaced() {
	run sh -c "d=\$(mktemp -d) && cp -r '$top/$samples/lubancat' \"\$d/\" &&
		mv \"\$d/lubancat/tests/test-params.sh\" \"\$d/lubancat/tests/test-params and calc.sh\" &&
		make -C '$top' --no-print-directory \"\$@\" M=\"\$d/lubancat\"
		rc=\$?; rm -rf \"\$d\"; exit \$rc" sh "$@"
}
spaced test
check_run "lubancat, a test named 'test-params and calc.sh': make test M=DIR passes" 0 \
	'^[1-9][0-9]* passed, 0 failed'
# (the guest's console ends a line with CR LF)
check_match "... that file ran, as one test" '^ok [0-9]+ params and calc[[:cntrl:]]?$' "$out"
spaced test-board-qemu
check_run "lubancat (the same copy): make test-board-qemu M=DIR passes over ssh" 0 \
	'^[1-9][0-9]* passed, 0 failed'
check_match "... that file ran there too" '^ok [0-9]+ params and calc$' "$out"
check_match "... built in its own folder, own/lubancat-board (a test may run beside it)" \
	'output kept in .*/own/lubancat-board\.log$' "$out"

# The shell reads QEMU's stdin: 'poweroff -f' once it is there (sent from
# the start, a poweroff a second never reached it), seen in its console log.
shell_log=$KMODLAB_BUILD/own/lubancat-shell.log
rm -f "$shell_log"
run sh -c "{ i=0
	until grep -q '^kmodlab: guest shell' '$shell_log' 2>/dev/null || [ \$i -ge 240 ]; do
		sleep 0.5; i=\$((i + 1))
	done
	sleep 1; echo 'poweroff -f'; } |
	timeout 120 make -C '$top' --no-print-directory shell M=$samples/lubancat"
check_run "lubancat: make shell M=DIR boots a shell, and poweroff -f leaves it" 0 \
	"^kmodlab: guest shell; 'poweroff -f' or Ctrl-D leaves QEMU"
check_match "... which says where the modules are" \
	'^kmodlab: the modules of .*lubancat: .*calc' "$out"

own test M=$samples/init-fails
check_run "init-fails: make test M=DIR fails" 2
check_match "... naming the module and modprobe's words" \
	"init_fails: its init failed: .*could not insert 'init_fails': No such device" "$out"
check_match "... and the module's own log line" 'init_fails: no device found: -19' "$out"

own test M=$samples/leaks KERNEL=edge
check_run "leaks: make test M=DIR KERNEL=edge fails" 2
check_match "... kmemleak names the module that leaked" \
	'leak_pages: kmemleak finds no leak of its' "$out"

own test-matrix M=$samples/old-api MATRIX="5.10 6.1"
check_run "old-api: make test-matrix M=DIR MATRIX=\"5.10 6.1\" fails" 2
check_match "... it builds and loads on 5.10" \
	'^own: old_api: loads with modprobe +ok +-$' "$out"
check_match "... the build fails on 6.1" '^host/own-build: build +ok +FAIL$' "$out"
check_match "... and the table says why: the compiler's first error" \
	"^# 6.1: host/own-build: build: .*old_api\\.c:[0-9]+:[0-9]+: error: " "$out"

own test M=$samples/hangs TIMEOUT=30
check_run "hangs: make test M=DIR TIMEOUT=30 fails" 2
check_match "... saying the guest hung and where its console log is" \
	'boot: FAILED: the guest hung: no power-off within 30 s \(see .*/own/hangs\.log\)' "$out"

# scripts/own.sh build DIR OUT with DIR inside OUT: refused before OUT's
# copy of it is emptied (a copy of lubancat, in a scratch folder).
run sh -c "d=\$(mktemp -d) && cp -r '$top/$samples/lubancat' \"\$d/src\" &&
	cd \"\$d\" && '$top/scripts/own.sh' build src .; rc=\$?
	[ -r src/Makefile ] && echo 'src is whole'; rm -rf \"\$d\"; exit \$rc"
check_run "own.sh build DIR OUT, DIR inside OUT: a clear error" 2 \
	"^own: error: DIR '.*/src' is inside OUT '.*', whose copy of it is made anew"
check_match "... and DIR is left whole" '^src is whole$' "$out"

# A DIR named 'w&a|rn' (a path sed's s||| would break on) whose module has
# a warning, with OWN_WARNINGS=fail: the warning names DIR's file and fails
# the run; the run is named w_a_rn (what Kbuild can build under).
run sh -c "d=\$(mktemp -d) && mkdir \"\$d/w&a|rn\" && cd \"\$d/w&a|rn\" &&
	echo 'obj-m := warns.o' >Kbuild && printf '%s\n' \
	'// SPDX-License-Identifier: GPL-2.0' '#include <linux/module.h>' \
	'static int __init warns_init(void) { int unused; return 0; }' \
	'static void __exit warns_exit(void) { }' \
	'module_init(warns_init);' 'module_exit(warns_exit);' \
	'MODULE_LICENSE(\"GPL\");' >warns.c &&
	make -C '$top' --no-print-directory test M=\"\$PWD\" OWN_WARNINGS=fail
	rc=\$?; rm -rf \"\$d\"; exit \$rc"
check_run "a DIR named 'w&a|rn' with a warning, OWN_WARNINGS=fail: the run fails" 2 \
	'^ *not ok [0-9]+ build: W=1 warnings$'
check_match "... the warning names DIR's file" "^ *# /.*/w&a\\|rn/warns\\.c:3:[0-9]+: warning: " "$out"
check_match "... the run is named w_a_rn" '/own/w_a_rn' "$out"

run "$top/scripts/own.sh" build "$top/$samples/lubancat" "$KMODLAB_BUILD/own/a>b"
check_run "own.sh build DIR OUT, an OUT with '>' (a redirection to Kbuild's shell): refused" 2 \
	"^own: error: OUT '.*/a>b' has a character Kbuild cannot build under"

# Two runs in one OUT at once (two DIRs of one name): the second is
# refused before it empties what the first is using.
run sh -c "d=\$(mktemp -d) && mkdir -p \"\$d/out/src\" && touch \"\$d/out/src/in-use\" &&
	flock \"\$d/out\" '$top/scripts/own.sh' build '$top/$samples/lubancat' \"\$d/out\"
	rc=\$?; [ -e \"\$d/out/src/in-use\" ] && echo 'OUT is whole'; rm -rf \"\$d\"; exit \$rc"
check_run "own.sh build DIR OUT, OUT in use by another run: a clear error" 2 \
	"^own: error: .*/out is in use by another run: run this one when it ends\$"
check_match "... and OUT is left as it was" '^OUT is whole$' "$out"

own test M=$samples/nosuch
check_run "a DIR that is not there: a clear error" 2 "no directory '$samples/nosuch'"
own test M="$samples/no such"
check_run "... one whose name has a space: the same, the name whole" 2 \
	"no directory '$samples/no such'"
own test M=tests/setup
check_run "a DIR with neither Kbuild nor Makefile: a clear error" 2 \
	'has neither a Kbuild nor a Makefile'
own test M=$samples/lubancat KDIR=/nonexistent
check_run "a KDIR that is no kernel tree: a clear error" 2 \
	"^own: error: KDIR '/nonexistent' is not a kernel tree \\(no Makefile\\): name a built tree or its headers"
for arg in CYCLES=abc CYCLES=0 OWN_WARNINGS=bogus; do
	own test M=$samples/lubancat "$arg"
	check_run "make test M=DIR $arg: refused before the build, naming it" 2 \
		"^own: error: ${arg%%=*} (takes|is) .*\\(not '${arg#*=}'\\)\$"
done
# Without BOARD: said before the build, which leaves no folder of its own;
# own.sh's exit 2 (make's is 2 for any failure) is board.sh's 1 no more.
rm -rf "$KMODLAB_BUILD/own/noboard-board" "$KMODLAB_BUILD/own/noboard-board.log"
run sh -c "d=\$(mktemp -d) && cp -r '$top/$samples/lubancat' \"\$d/noboard\" &&
	make -C '$top' --no-print-directory test-board M=\"\$d/noboard\" BOARD=
	BOARD= '$top/scripts/own.sh' board \"\$d/noboard\"; echo \"own.sh: exit \$?\"; rm -rf \"\$d\""
check_match "make test-board M=DIR without BOARD: a clear error" \
	"^own: error: say which board: make test-board M=.*/noboard BOARD=user@host" "$out"
check_match "... own.sh exits 2, before board.sh" '^own.sh: exit 2$' "$out"
check_eq "... and nothing was built" no \
	"$(test -e "$KMODLAB_BUILD/own/noboard-board" && echo yes || echo no)"
# A target that does not take M= would use the suite's modules instead:
# refused before anything runs, with the Kbuild line that builds DIR.
for goal in '' install trace; do
	own ${goal:+"$goal"} M=$samples/lubancat
	check_run "make${goal:+ $goal} M=DIR: refused, saying how to build DIR alone" 2 \
		"M= is for make test, .*, not for 'make${goal:+ $goal}'\\. To build M's modules alone: make -C .* M=$top/$samples/lubancat .* modules"
done

after=$(cd "$top/$samples" && find . -type f | LC_ALL=C sort | xargs md5sum)
check_eq "the sample directories are left as they were" "$before" "$after"
check_eq "... and git sees no change in them" "" \
	"$(git -C "$top" status --porcelain -- "$samples")"
ktap_finished
