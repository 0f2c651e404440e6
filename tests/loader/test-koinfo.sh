#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# kmodlab-modules: all
#
# koinfo's predictions against what this kernel really does. On the host,
# `make image` ran `koinfo --against KDIR` on every module of the image and
# every failure fixture (tests/fixtures/), in one call, so that each is
# predicted once and exporter.ko is among the files that resolve the
# fixtures' symbols; its report is $KMODLAB_DIR/koinfo-predict.txt. Here:
#   - a module of extra/ is loaded with modprobe, which first loads what it
#     depends on, as koinfo assumes;
#   - a fixture ($KMODLAB_FIXTURES, default $KMODLAB_DIR/fixtures: not in
#     extra/ nor in modules.dep) is loaded with insmod by path, after
#     modprobe has loaded the modules koinfo found it depends on (its own
#     depends= may name exporter_v2, or nothing: see koinfo's "depends");
#   - a module predicted to load loads, and unloads again;
#   - a module predicted to be refused is refused, the kernel log has the
#     line koinfo predicted, word for word, and neither it nor what was
#     loaded for it is left loaded.
# First, that the report predicts every module of extra/ and every
# fixture: without it, or without a prediction in it, 'make image' or
# koinfo went wrong, and that fails here (it is no reason to skip). But
# tests/fixtures/loader/'s, which load_module() accepts as koinfo would
# say and which are refused after it (an init that fails, no exit, a slow
# init): the Makefile leaves them out of koinfo's call, and
# test-init-fail.sh and loader/test-unload.sh check them. A new fixture
# there that is not named here fails, as one missing a prediction.
# Variables: KOINFO_PREDICT (default: the report beside tests/),
#            KMODLAB_FIXTURES

# shellcheck source=tests/kmodlab.sh
TESTS_DIR=${0%/*}/..
. "$TESTS_DIR/kmodlab.sh"

pred=${KOINFO_PREDICT:-$KMODLAB_DIR/koinfo-predict.txt}
fx=$KMODLAB_FIXTURES
tab=$(printf '\t') nl='
'
after_load='fixture_init_fail fixture_no_exit fixture_slow_init'

ktap_print_header
# "NAME<tab>DEPENDS<tab>loads" or "NAME<tab>DEPENDS<tab>MESSAGE" (DEPENDS:
# space-separated, "-" for none), from koinfo's "== FILE: predicted load"
# headers, its "depends: A,B" lines and "=> loads" or "=> refused: MESSAGE
# (init_module() ...)". A name seen twice is checked once.
list=$(awk -v OFS='\t' '
	/^== .*: predicted load/ { f = $2; sub(/.*\//, "", f); sub(/\.ko:$/, "", f); d = "-" }
	/^  depends: / { d = $2; gsub(/,/, " ", d) }
	/^  => / && !seen[f]++ {
		m = $0
		sub(/^  => (refused: )?/, "", m)
		sub(/ \(init_module\(\) fails: .*$/, "", m)
		if (m ~ /^loads/) m = "loads"
		print f, d, m
	}' "$pred" 2>&1) || { unread=$list list=; }
# What the report must predict: every module here, every fixture.
expect='' missing=''
for ko in "$KO_DIR"/*.ko "$fx"/*.ko; do
	[ -e "$ko" ] || continue
	m=${ko##*/}
	m=${m%.ko}
	case " $after_load " in
	*" $m "*) continue ;;
	esac
	expect="$expect $m"
	case "$nl$list" in
	*"$nl$m$tab"*) ;;
	*) missing="$missing $m" ;;
	esac
done
# The modules of extra/ are locked; the fixtures are no module of extra/:
# only the files that name them load them (as tests/test-exporter.sh).
# Two checks for a load, three for a refusal.
mods='' fixtures='' plan=1
while IFS=$tab read -r m _ want; do
	[ -n "$m" ] || continue
	if [ -r "$KO_DIR/$m.ko" ]; then
		mods="$mods $m"
	else
		fixtures="$fixtures $m"
	fi
	plan=$((plan + 2))
	[ "$want" = loads ] || plan=$((plan + 1))
done <<EOF
$list
EOF
# shellcheck disable=SC2086 # one word per module
require_modules $mods
ktap_set_plan $plan
if [ -z "$missing" ]; then
	ktap_test_pass "koinfo predicted every module and fixture:$expect"
else
	ktap_print_msg "expected a prediction in $pred for each of:$expect; none for:$missing"
	[ -z "${unread-}" ] || __show "$unread"
	ktap_test_fail "koinfo predicted every module and fixture"
fi

# shellcheck disable=SC2317 # run by kmodlab.sh at exit
test_cleanup() {
	# shellcheck disable=SC2086 # one word per module
	unload $fixtures
	for m in $mods; do
		modprobe -r "$m"
	done
}

# A here-document, not a pipe: the loop must count its checks in this shell.
while IFS=$tab read -r m deps want; do
	[ -n "$m" ] || continue
	[ "$deps" != - ] || deps=
	case " $fixtures " in
	*" $m "*) # shellcheck disable=SC2086 # one word per module
		  [ -z "$deps" ] || modprobe -a $deps
		  log_mark
		  run insmod "$fx/$m.ko" ;;
	*)	  unload "$m"
		  log_mark
		  run modprobe "$m" ;;
	esac
	if [ "$want" = loads ]; then
		check_run "$m: loads, as koinfo predicted" 0
		run modprobe -r "$m"
		check_run "$m: ... and unloads" 0
		continue
	fi
	check_run "$m: refused, as koinfo predicted" 1
	# A whole line of the log: "[ time] MESSAGE".
	log_get
	case "$since$nl" in
	*"] $want$nl"*)
		ktap_test_pass "$m: the kernel says what koinfo predicted" ;;
	*)	ktap_print_msg "expected in the kernel log: $want; got:"
		__show "$since"
		ktap_test_fail "$m: the kernel says what koinfo predicted" ;;
	esac
	# What was loaded for it goes too: a refused module holds no reference.
	# shellcheck disable=SC2086 # one word per module
	[ -z "$deps" ] || modprobe -r $deps
	# shellcheck disable=SC2086
	check_eq "$m: ... nothing left loaded${deps:+ ($m $deps)}" \
		"$(for _ in $m $deps; do printf 'no '; done)" "$(loaded $m $deps)"
done <<EOF
$list
EOF
ktap_finished
