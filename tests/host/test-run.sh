#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Host side: tests/run.sh schedules test files by the modules each one
# declares on its "# kmodlab-modules:" line, and require_modules holds a
# file to what it declared. Made-up test files, against a made-up suite
# (KO_DIR: empty .ko files that are never loaded):
#   - a file that takes its list from a variable (require_modules $mods)
#     does not start beside another that declares the same module: the
#     other finds it still running;
#   - a file that declares "all" does not start beside one that declares
#     any module;
#   - a file whose declaration names a module the suite does not have
#     fails, as does one that requires a module it did not declare (not a
#     skip: the file is wrong, not the machine);
#   - files that share no module still run side by side;
#   - a failure fixture (KMODLAB_FIXTURES) is a module of the suite: a
#     file may declare and require it; one that require_fixtures names and
#     that is not there fails the file (not a skip), saying which;
#   - run.sh -l LAST: LAST does not start beside any other file, even
#     one that shares no module with it, and runs once they have ended;
#   - a module a file names twice is locked once (it does not wait for
#     itself), and a file ended by a signal leaves no lock behind;
#   - a "# kmodlab-modules:" line below the header (a here-document's) is
#     not the file's declaration;
#   - run.sh -j 0 fails at once, saying what -j takes (it used to wait
#     for ever).
# Each wait for a file that should not start is half a second; the
# scenarios run at once.

# shellcheck source=tests/host/host.sh
. "${0%/*}/host.sh"
tests=$top/tests

ktap_print_header
[ -z "$KMOD_MISSING" ] || ktap_skip_all "kmod's$KMOD_MISSING not found: require_modules would skip"
ktap_set_plan 20

mkdir "$tmp/extra" "$tmp/fixtures"

# Each scenario below is a function, run in a folder of its own ($d) with
# module names of its own ($a, $b: no real test uses them, so their locks
# are the scenario's alone): the scenarios run at once, and their
# half-second waits overlap instead of adding up.
names() {	# N: the folder and module names of scenario N
	d=$tmp/$1 a=kmodlab_selftest_a_$$_$1 b=kmodlab_selftest_b_$$_$1
}

# mkfile NAME DECLARED BODY: a made-up test file that declares DECLARED;
# its first act is to leave a mark that it started.
mkfile() {
	cat >"$d/$1.sh" <<EOF
#!/bin/sh
# kmodlab-modules: $2
TESTS_DIR=$tests
. "\$TESTS_DIR/kmodlab.sh"
: >"$d/$1.started"
ktap_print_header
$3
EOF
}

# The body of a file that holds its modules and watches for FILE's mark:
# one check, that FILE started (WANT yes) or did not (WANT no) while this
# file ran. A file that should not start is given half a second; one that
# should, up to two (it ends the wait), since beside the guest the host's
# checks get only the CPU time QEMU leaves.
watch() {	# FILE WANT
	cat <<EOF
ktap_set_plan 1
i=0
while [ \$i -lt $([ "$2" = yes ] && echo 20 || echo 5) ] && [ ! -e "$d/$1.started" ]; do
	sleep 0.1
	i=\$((i + 1))
done
[ -e "$d/$1.started" ] && got=yes || got=no
check_eq "$1 started beside it" $2 \$got
ktap_finished
EOF
}

pass='ktap_set_plan 1
ktap_test_pass ran
ktap_finished'

schedule() {	# [-l LAST] FILE...: run.sh -j 2 on those of $d, its KTAP in $d/ktap
	_last=
	[ "$1" != -l ] || { _last=$d/$2.sh; shift 2; }
	for _f; do
		set -- "$@" "$d/$_f.sh"
		shift
	done
	[ -z "$_last" ] || set -- -l "$_last" "$@"
	run env KO_DIR="$tmp/extra" KMODLAB_FIXTURES="$tmp/fixtures" "$tests/run.sh" -j 2 "$@"
	printf '%s\n' "$out" >"$d/ktap"
}

scenario() {	# N: make scenario N's folder and modules, and set its names
	names "$1"
	mkdir "$d"
	: >"$tmp/extra/$a.ko"
	: >"$tmp/extra/$b.ko"
}

by_variable() {
	# shellcheck disable=SC2016 # $mods is for the made-up file
	mkfile by_variable "$a" "mods=$a
"'require_modules $mods'"
$(watch by_name no)"
	mkfile by_name "$a" "require_modules $a
$pass"
	schedule by_variable by_name
}

everything_alone() {
	mkfile everything all "require_modules $a
$(watch one no)"
	mkfile one "$b" "require_modules $b
$pass"
	schedule everything one
}

side_by_side() {
	mkfile other "$a" "require_modules $a
$(watch one yes)"
	mkfile one "$b" "require_modules $b
$pass"
	schedule other one
}

none_beside_everything() {
	mkfile none "" "require_modules
$(watch everything yes)"
	mkfile everything all "require_modules $a
$pass"
	schedule none everything
}

fixture() {
	fx=fixture_selftest_$$
	: >"$tmp/fixtures/$fx.ko"
	mkfile fixture "$a $fx" "require_modules $a $fx
$pass"
	schedule fixture
}

no_fixture() {
	mkfile no_fixture "" "require_modules
require_fixtures fixture_gone_$$
$pass"
	schedule no_fixture
}

# LAST first in the list: without -l it would start at once, beside first.
last_alone() {
	mkfile last "" "require_modules
$pass"
	mkfile first "" "require_modules
$(watch last no)"
	schedule -l last last first
}

# The wrong ones, in one run: each fails alone (they share $a: in turn).
wrong() {
	mkfile unknown "$a nosuch_$$" "require_modules $a
$pass"
	mkfile undeclared "$a" "require_modules $a $b
$pass"
	mkfile absent "$a" "require_modules $a gone_$$
$pass"
	schedule unknown undeclared absent
}

# A module named twice is held once: its file does not wait for itself.
twice() {
	mkfile twice "$a" "require_modules $a $a
$pass"
	schedule twice
}

# A file ended by a signal leaves no lock behind.
killed() {
	mkfile killed "$a" "require_modules $a
kill -TERM \$\$
sleep 1"
	schedule killed
}

# Only the header declares: a line further down (here, a here-document's)
# is the file's text, not its declaration.
below() {
	mkfile below "$a" "cat >/dev/null <<'X'
# kmodlab-modules: $b
X
require_modules $a
$pass"
	schedule below
}

scenario 1 && by_variable &
scenario 2 && everything_alone &
scenario 3 && side_by_side &
scenario 4 && none_beside_everything &
scenario 5 && fixture &
scenario 6 && last_alone &
scenario 7 && wrong &
scenario 8 && twice &
scenario 9 && killed &
scenario 10 && below &
scenario 11 && no_fixture &
wait

result() {	# N: scenario N's KTAP in $out, its names set
	names "$1"
	out=$(cat "$d/ktap")
}

result 1
check_match "require_modules \$mods: not started beside a file that shares its module" \
	'^ok 1 by_variable$' "$out"
result 2
check_match "'all': not started beside a file that names a module" '^ok 1 everything$' "$out"
result 3
check_match "files that share no module run side by side" '^ok 1 other$' "$out"
result 4
check_match "... and one that needs no module beside 'all'" '^ok 1 none$' "$out"
result 5
check_match "a failure fixture, declared and required: the file runs" '^ok 1 fixture$' "$out"
result 6
check_match "-l LAST: not started beside a file that shares no module with it" \
	'^ok 2 first$' "$out"
check_match "... and run once the others have ended" '^ok 1 last$' "$out"
result 7
check_match "a module the suite does not have, declared: the file fails" \
	'^not ok 1 unknown$' "$out"
check_match "... saying which" "nosuch_$$: not a module of the suite" "$out"
check_match "a module required, not declared: the file fails" '^not ok 2 undeclared$' "$out"
check_match "... saying which" "$b: not declared" "$out"
check_match "a module required that the suite does not have: the file fails" \
	'^not ok 3 absent$' "$out"
check_match "... saying which" "gone_$$: not a module of the suite" "$out"
result 8
check_match "a module named twice: the file takes its lock once, and runs" \
	'^ok 1 twice$' "$out"
result 9
check_match "a file ended by SIGTERM ..." '^not ok 1 killed$' "$out"
lock=/tmp/kmodlab-run/lock.$a
[ -d "$lock" ] && got="$lock left" || got=none
check_eq "... leaves none of its locks" none "$got"
rmdir "$lock" 2>/dev/null
result 10
check_match "a declaration below the header is not the file's" '^ok 1 below$' "$out"
result 11
check_match "a failure fixture that is not there: the file fails" '^not ok 1 no_fixture$' "$out"
check_match "... saying which" "no $tmp/fixtures/fixture_gone_$$.ko: make fixtures builds it" "$out"
run timeout 10 "$tests/run.sh" -j 0
check_run "-j 0: run.sh fails at once, saying why" 2 '^run.sh: -j takes how many'
ktap_finished
