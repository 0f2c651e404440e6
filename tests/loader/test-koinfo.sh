#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# koinfo's predictions against what this kernel really does. On the host,
# `make image` ran `koinfo --against KDIR` on every module of the image
# and shipped its report as /kmodlab/koinfo-predict.txt. Here each module
# is loaded with modprobe (which loads what it depends on first, as koinfo
# assumes):
#   - a module predicted to load loads, and unloads again;
#   - a module predicted to be refused is refused, and the kernel log has
#     the line koinfo predicted, word for word.
# Variables: KOINFO_PREDICT (default: the report beside tests/)

# shellcheck source=tests/kmodlab.sh
TESTS_DIR=${0%/*}/..
. "$TESTS_DIR/kmodlab.sh"

pred=${KOINFO_PREDICT:-${0%/*}/../../koinfo-predict.txt}

ktap_print_header
[ -r "$pred" ] || ktap_skip_all "no $pred: 'make image' writes it"
# "NAME<tab>loads" or "NAME<tab>MESSAGE", from koinfo's "== FILE: predicted
# load" headers and "=> loads" / "=> refused: MESSAGE (init_module() ...)".
list=$(awk '/^== .*: predicted load/ { f = $2; sub(/.*\//, "", f); sub(/\.ko:$/, "", f) }
	    /^  => loads/ { print f "\tloads" }
	    /^  => refused: / { m = $0; sub(/^  => refused: /, "", m)
				sub(/ \(init_module\(\) fails: .*$/, "", m); print f "\t" m }' "$pred")
[ -n "$list" ] || ktap_skip_all "$pred holds no prediction"
# shellcheck disable=SC2046 # one word per module
require_modules $(printf '%s\n' "$list" | cut -f1)
ktap_set_plan "$(($(printf '%s\n' "$list" | wc -l) * 2))"

tab=$(printf '\t')
# shellcheck disable=SC2317 # run by kmodlab.sh at exit
test_cleanup() {
	for m in $(printf '%s\n' "$list" | cut -f1); do
		modprobe -r "$m"
	done
}

# A here-document, not a pipe: the loop must count its checks in this shell.
while IFS=$tab read -r m want; do
	unload "$m"
	log_mark
	run modprobe "$m"
	if [ "$want" = loads ]; then
		check_run "$m: loads, as koinfo predicted" 0
		run modprobe -r "$m"
		check_run "$m: ... and unloads" 0
	else
		check_run "$m: refused, as koinfo predicted" 1
		if log_since | grep -qF -- "$want"; then
			ktap_test_pass "$m: the kernel says what koinfo predicted"
		else
			ktap_print_msg "expected in the kernel log: $want; got:"
			log_since | sed 's/^/#   /'
			ktap_test_fail "$m: the kernel says what koinfo predicted"
		fi
	fi
done <<EOF
$list
EOF
ktap_finished
